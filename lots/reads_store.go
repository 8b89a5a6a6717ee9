package lots

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"golive/apperr"
	"golive/database"
)

// Reads is what the features after lots (evaluation, mobilisation) read of procurements, lots,
// questionnaires, openings and bids. lots owns those tables (migrations.Owners), so this is
// the only way in, and the participation scope ("the procurements the acting organisation
// takes part in") is written once, in participating. Which reads a caller may make is the
// caller's to decide: these check nothing beyond the scope their names say.
type Reads struct{ s *Store }

// ReadsOn reads through db: a store passes its own connection, or the transaction it is in, so
// that a read inside a transaction sees its writes, takes its locks, and never waits for a
// second connection.
func ReadsOn(db *gorm.DB) *Reads { return &Reads{s: &Store{db: db}} }

// Procurement loads a procurement the acting organisation takes part in; any other is not
// found. lock holds its row until the transaction ends, so two changes cannot interleave.
func (r *Reads) Procurement(ctx context.Context, id string, lock bool) (Procurement, error) {
	if lock {
		return r.s.ProcurementForUpdate(ctx, id)
	}
	return r.s.Procurement(ctx, id)
}

// LotWithProcurement loads a lot with its participants and, in the same statement, its
// procurement with its opening record when the acting organisation takes part in it: Lot, then
// Procurement(l.ProcurementID, false), in one round trip, memoised as they are. When the
// organisation takes no part, it returns the lot with Procurement's not found error.
func (r *Reads) LotWithProcurement(ctx context.Context, lotID string) (Lot, Procurement, error) {
	return r.s.lotWithProcurement(ctx, lotID)
}

// ProcurementByID loads a procurement whoever asks: call it only with the procurement id of a
// row the caller has already let in (a panel membership, the acting bidder's bid, a plan).
func (r *Reads) ProcurementByID(ctx context.Context, id string) (Procurement, error) {
	// The same row, when this request has loaded it as one the acting organisation takes part in
	// (a commissioner on the panel, whose lot's route checked that first).
	if database.Memoised(ctx, r.s.db, "procurements.participating|"+id) {
		return r.s.Procurement(ctx, id)
	}
	return database.Memoize(ctx, r.s.db, "procurements|"+id, cloneProcurement, func() (Procurement, error) {
		return r.s.procurementWithOpening(ctx, r.s.q(ctx), id)
	})
}

// ProcurementsOfActingOrg lists the ids of the procurements the acting organisation takes part in.
// A page that lets plans in by it asks for each plan it loads: once a request (the memo's key is
// scoped by the acting organisation).
func (r *Reads) ProcurementsOfActingOrg(ctx context.Context) ([]string, error) {
	return database.Memoize(ctx, r.s.db, "participants.procurements", slices.Clone[[]string], func() ([]string, error) {
		var out []string
		err := r.s.q(ctx).Model(&Procurement{}).Scopes(participating(ctx)).Order("id").Pluck("id", &out).Error
		if err != nil {
			return nil, fmt.Errorf("procurements taken part in: %w", err)
		}
		return out, nil
	})
}

// ParticipantOrgs lists the commissioners taking part in a procurement, by id.
func (r *Reads) ParticipantOrgs(ctx context.Context, procurementID string) ([]string, error) {
	return r.s.ParticipantOrgs(ctx, procurementID)
}

// Participates reports whether an organisation takes part in a procurement.
func (r *Reads) Participates(ctx context.Context, procurementID, orgID string) (bool, error) {
	var n int64
	if err := r.s.q(ctx).Model(&Participant{}).Where("procurement_id = ? AND org_id = ?", procurementID, orgID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("does %s take part in %s: %w", orgID, procurementID, err)
	}
	return n > 0, nil
}

// Lot loads a lot with its participants (read in the same statement); whether the caller may see it
// is decided on its procurement.
func (r *Reads) Lot(ctx context.Context, id string) (Lot, error) { return r.s.lotRow(ctx, id) }

// Lots loads lots by id, with their participants (in the same statement); unknown ids are left out.
func (r *Reads) Lots(ctx context.Context, ids []string) (map[string]Lot, error) {
	out := map[string]Lot{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := r.s.lotsWith(ctx, "lots.id IN ?", ids)
	if err != nil {
		return nil, fmt.Errorf("lots %v: %w", ids, err)
	}
	for _, l := range rows {
		out[l.ID] = l
	}
	return out, nil
}

// LotsOf lists a procurement's lots by number, with their participants.
func (r *Reads) LotsOf(ctx context.Context, procurementID string) ([]Lot, error) {
	return r.s.Lots(ctx, procurementID)
}

// LotParticipants lists the commissioners a lot covers, by id: those whose governing bodies
// decide on its award and sign its go-live.
func (r *Reads) LotParticipants(ctx context.Context, lotID string) ([]string, error) {
	return r.s.lotParticipants(ctx, lotID)
}

// Phases lists a lot's phases by go-live.
func (r *Reads) Phases(ctx context.Context, lotID string) ([]Phase, error) {
	out, err := r.s.Phases(ctx, lotID)
	if err != nil {
		return nil, fmt.Errorf("phases of lot %s: %w", lotID, err)
	}
	return out, nil
}

// Sections lists a lot's questionnaire sections in order.
func (r *Reads) Sections(ctx context.Context, lotID string) ([]Section, error) {
	out, err := r.s.Sections(ctx, lotID)
	if err != nil {
		return nil, fmt.Errorf("sections of %s: %w", lotID, err)
	}
	return out, nil
}

// Questions lists a lot's questions in order.
func (r *Reads) Questions(ctx context.Context, lotID string) ([]Question, error) {
	out, err := r.s.Questions(ctx, lotID)
	if err != nil {
		return nil, fmt.Errorf("questions of %s: %w", lotID, err)
	}
	return out, nil
}

// RankingQuestions lists a lot's questions in order as Questions does, without their text,
// guidance, word limit or panel: what results and ranking read.
func (r *Reads) RankingQuestions(ctx context.Context, lotID string) ([]Question, error) {
	out, err := r.s.RankingQuestions(ctx, lotID)
	if err != nil {
		return nil, fmt.Errorf("questions of %s: %w", lotID, err)
	}
	return out, nil
}

// Question loads one question of a lot; a question of another lot is not found.
func (r *Reads) Question(ctx context.Context, lotID, questionID string) (Question, error) {
	q, err := r.s.question(ctx, lotID, questionID)
	return q, notFound(err, "Question")
}

// Opening loads a procurement's opening record, or nil.
func (r *Reads) Opening(ctx context.Context, procurementID string) (*Opening, error) {
	return r.s.Opening(ctx, procurementID)
}

// Bids are the submissions that count for a lot, one per bidder, ordered by bidder, without
// their envelopes: every moderation, results and workspace read loads the lot's bids, and the
// ciphertext (hundreds of KB for a large lot) is needed only to open one bid or the prices —
// Sealed and SealedPrices load it then.
func (r *Reads) Bids(ctx context.Context, procurementID, lotID string) ([]Submission, error) {
	return database.Memoize(ctx, r.s.db, bidsKey(procurementID, lotID), slices.Clone[[]Submission], func() ([]Submission, error) {
		bids, err := r.s.lotBids(ctx, procurementID, lotID, false)
		if err != nil {
			return nil, fmt.Errorf("submissions to %s: %w", lotID, err)
		}
		return bids, nil
	})
}

// QueueBids queues the read of Bids in b, unless the request's memo has them; get gives them
// once b is sent (and keeps them in the memo, as Bids would).
func (r *Reads) QueueBids(ctx context.Context, b *database.Batch, procurementID, lotID string) (get func() ([]Submission, error)) {
	return database.QueueMemoized(ctx, b, bidsKey(procurementID, lotID), slices.Clone[[]Submission], func(b *database.Batch) func() ([]Submission, error) {
		bids := queueLotBids(b, procurementID, lotID, false)
		return func() ([]Submission, error) { return bids(), nil }
	})
}

// QueueSections queues the read of Sections in b, unless the request's memo has them; get gives
// them once b is sent, and keeps them in the memo. Readers of the memo's sections only read them
// (they are not copied for each).
func (r *Reads) QueueSections(ctx context.Context, b *database.Batch, lotID string) (get func() ([]Section, error)) {
	return database.QueueMemoized(ctx, b, "sections.of_lot|"+lotID, nil, func(b *database.Batch) func() ([]Section, error) {
		var out []Section
		sectionsOfLot.Queue(b, []any{lotID}, sectionRows(lotID, &out))
		return func() ([]Section, error) { return out, nil }
	})
}

// QueueRankingQuestions queues the read of RankingQuestions in b, unless the request's memo has
// them; get gives them once b is sent, and keeps them in the memo. Readers of the memo's
// questions only read them (they are not copied for each: 60 or more in a large lot).
func (r *Reads) QueueRankingQuestions(ctx context.Context, b *database.Batch, lotID string) (get func() ([]Question, error)) {
	return database.QueueMemoized(ctx, b, "questions.ranking|"+lotID, nil, func(b *database.Batch) func() ([]Question, error) {
		return r.s.queueRankingQuestions(b, lotID)
	})
}

// QueueQuestion queues the read of Question in b, unless the request's memo has it; get gives it
// once b is sent, and keeps it in the memo.
func (r *Reads) QueueQuestion(ctx context.Context, b *database.Batch, lotID, questionID string) (get func() (Question, error)) {
	return database.QueueMemoized(ctx, b, "questions|"+lotID+"|"+questionID, nil, func(b *database.Batch) func() (Question, error) {
		q := queueQuestion(b, lotID, questionID)
		return func() (Question, error) {
			v, err := q()
			return v, notFound(err, "Question")
		}
	})
}

// QueueLotWithProcurement queues LotWithProcurement's read in b; get gives what it read, and
// keeps it in the request's memo, once b is sent.
func (r *Reads) QueueLotWithProcurement(ctx context.Context, b *database.Batch, lotID string) (get func() (Lot, Procurement, error)) {
	return r.s.queueLotWithProcurement(ctx, b, lotID)
}

// QueueBidsAhead queues the read of Bids (of PreloadBidsWithPrices when withPrices) in b for a
// lot whose procurement is not known yet: a route's read ahead of its scope check, in the same
// round trip as the lot's (evaluation.Ahead). The statement takes the procurement from the lot's
// own row, so it reads what Bids would. keep puts the bids in the request's memo, as Bids (or
// PreloadBidsWithPrices) would, once b is sent and the caller has let the lot in; it does
// nothing without a memo, and nothing is queued when the memo cannot hold them.
func (r *Reads) QueueBidsAhead(ctx context.Context, b *database.Batch, lotID string, withPrices bool) (keep func(procurementID string)) {
	if !database.MemoUsable(ctx, r.s.db) {
		return func(string) {}
	}
	q := lotBidsAheadSQL
	if withPrices {
		q = lotBidsWithPriceAheadSQL
	}
	bids := queueLotBidsOf(b, q, []any{lotID, lotID}, "", lotID, withPrices)
	return func(procurementID string) {
		if database.Memoised(ctx, r.s.db, bidsKey(procurementID, lotID)) {
			return
		}
		out := bids()
		for i := range out {
			out[i].ProcurementID = procurementID
		}
		if withPrices {
			r.keepBidsWithPrices(ctx, procurementID, lotID, out)
			return
		}
		database.MemoPut(ctx, r.s.db, bidsKey(procurementID, lotID), out)
	}
}

func bidsKey(procurementID, lotID string) string {
	return "submissions.bids|" + procurementID + "|" + lotID
}

// PreloadBidsWithPrices reads a lot's bids with their price envelopes (not their answers) in
// one statement into the request's memo, for the Bids and SealedPrices that follow on a page
// of opened prices. Without a memo, or with the bids already in it, it reads nothing.
func (r *Reads) PreloadBidsWithPrices(ctx context.Context, procurementID, lotID string) error {
	if !database.MemoUsable(ctx, r.s.db) || database.Memoised(ctx, r.s.db, bidsKey(procurementID, lotID)) {
		return nil
	}
	bids, err := r.s.lotBids(ctx, procurementID, lotID, true)
	if err != nil {
		return fmt.Errorf("submissions to %s with their prices: %w", lotID, err)
	}
	r.keepBidsWithPrices(ctx, procurementID, lotID, bids)
	return nil
}

// QueuePreloadBidsWithPrices queues PreloadBidsWithPrices' read in b (none without a memo, or
// with the bids in it); keep puts what it read in the memo once b is sent.
func (r *Reads) QueuePreloadBidsWithPrices(ctx context.Context, b *database.Batch, procurementID, lotID string) (keep func()) {
	if !database.MemoUsable(ctx, r.s.db) || database.Memoised(ctx, r.s.db, bidsKey(procurementID, lotID)) {
		return func() {}
	}
	bids := queueLotBids(b, procurementID, lotID, true)
	return func() { r.keepBidsWithPrices(ctx, procurementID, lotID, bids()) }
}

// keepBidsWithPrices puts bids read with their price envelopes in the memo: the envelopes by
// submission (SealedPrices' keys), the bids without them (Bids').
func (r *Reads) keepBidsWithPrices(ctx context.Context, procurementID, lotID string, bids []Submission) {
	for i := range bids {
		database.MemoPut(ctx, r.s.db, "submissions.price_sealed|"+bids[i].ID, bids[i].PriceSealed)
		bids[i].PriceSealed = nil
	}
	database.MemoPut(ctx, r.s.db, bidsKey(procurementID, lotID), bids)
}

// lotBids reads the submissions to a lot that count (LastCounted's, in its order), without
// their answers envelope, and with their price envelope if withPrice. Every results,
// moderation and workspace read loads them, so they are read for as little as can be:
//   - scanned with rows.Scan into one row reused, where GORM's reflective scan into structs
//     cost more than the query;
//   - the rows come by bidder then version (a bidder's versions are unique), so countedBids
//     keeps only each bidder's newest that is not a draft: LastCounted's map and a copy of
//     every version were a third of the read's bytes;
//   - the procurement and lot ids are those asked for, not read again for each row;
//   - the rows come with their count, so that the slice is made once, not grown.
func (s *Store) lotBids(ctx context.Context, procurementID, lotID string, withPrice bool) ([]Submission, error) {
	b := database.NewBatch(s.db)
	get := queueLotBids(b, procurementID, lotID, withPrice)
	if err := b.Send(ctx); err != nil {
		return nil, err
	}
	return get(), nil
}

// queueLotBids queues lotBids' statement in b; get gives the bids once b is sent.
func queueLotBids(b *database.Batch, procurementID, lotID string, withPrice bool) (get func() []Submission) {
	q := lotBidsSQL
	if withPrice {
		q = lotBidsWithPriceSQL
	}
	return queueLotBidsOf(b, q, []any{procurementID, lotID}, procurementID, lotID, withPrice)
}

// queueLotBidsOf queues q, one of lotBids' statements, with args.
func queueLotBidsOf(b *database.Batch, q *database.Read, args []any, procurementID, lotID string, withPrice bool) (get func() []Submission) {
	r := &submissionRow{} // one allocation: every field's address is given to Scan
	dest := r.dest(withPrice)
	var bids countedBids
	q.Queue(b, args, func(row database.Row) error {
		if err := row.Scan(dest...); err != nil {
			return err
		}
		if bids.out == nil {
			bids.out = make([]Submission, 0, r.n) // as many as there are rows at most
		}
		sub := r.sub
		sub.ProcurementID, sub.LotID = procurementID, lotID
		if r.submittedAt.Valid {
			at := r.submittedAt.Time
			sub.SubmittedAt = &at
		}
		bids.add(sub)
		return nil
	})
	return bids.counted
}

// lotBids' statements; their columns are in submissionRow.dest's order. The Ahead ones are for
// a lot whose procurement is not known yet (QueueBidsAhead): they take its own row's.
var (
	lotBidsSQL               = database.NewRead(lotBidsColumns + ` FROM submissions WHERE procurement_id = ?` + lotBidsOrder)
	lotBidsWithPriceSQL      = database.NewRead(lotBidsColumns + `, price_sealed FROM submissions WHERE procurement_id = ?` + lotBidsOrder)
	lotBidsAheadSQL          = database.NewRead(lotBidsColumns + ` FROM submissions WHERE ` + lotsProcurement + lotBidsOrder)
	lotBidsWithPriceAheadSQL = database.NewRead(lotBidsColumns + `, price_sealed FROM submissions WHERE ` + lotsProcurement + lotBidsOrder)
)

const (
	lotBidsColumns = `SELECT id, bidder_org_id, version, state, partners, content_sha256, needs_reconfirm,
		created_by, created_at, updated_at, submitted_by, submitted_at, COUNT(*) OVER ()`
	lotsProcurement = `procurement_id = (SELECT procurement_id FROM lots WHERE id = ?)`
	lotBidsOrder    = ` AND lot_id = ? ORDER BY bidder_org_id, version`
)

// submissionRow is a row of lotBids' statements: a submission and the count of the rows.
type submissionRow struct {
	sub         Submission
	submittedAt sql.NullTime
	n           int
	scan        [14]any // dest's, kept in the row: Scan's arguments escape
}

// dest is where Scan puts the columns, in their order; the price envelope last, if withPrice.
func (r *submissionRow) dest(withPrice bool) []any {
	sub := &r.sub
	r.scan = [...]any{&sub.ID, &sub.BidderOrgID, &sub.Version, (*string)(&sub.State), &sub.Partners, &sub.ContentSHA256,
		&sub.NeedsReconfirm, &sub.CreatedBy, &sub.CreatedAt, &sub.UpdatedAt, &sub.SubmittedBy, &r.submittedAt, &r.n, &sub.PriceSealed}
	if withPrice {
		return r.scan[:]
	}
	return r.scan[:len(r.scan)-1]
}

// OwnBid loads the acting bidder's counted response to a lot: a provider that did not bid
// (another tenant included) gets "Lot not found".
func (r *Reads) OwnBid(ctx context.Context, lotID string) (Submission, error) {
	var all []Submission
	err := r.s.q(ctx).Scopes(database.Tenant(ctx, "bidder_org_id")).Where("lot_id = ?", lotID).Order("version").Find(&all).Error
	if err != nil {
		return Submission{}, fmt.Errorf("own response to %s: %w", lotID, err)
	}
	counted := LastCounted(all)
	if len(counted) == 0 {
		return Submission{}, apperr.NotFoundf("Lot not found")
	}
	return counted[0], nil
}

// OwnBids lists the acting bidder's counted responses, one per lot, without their envelopes.
func (r *Reads) OwnBids(ctx context.Context) ([]Submission, error) {
	var all []Submission
	err := r.s.q(ctx).Omit("answers_sealed", "price_sealed").Scopes(database.Tenant(ctx, "bidder_org_id")).Order("lot_id, version").Find(&all).Error
	if err != nil {
		return nil, fmt.Errorf("own responses: %w", err)
	}
	return LastCounted(all), nil
}

// Sealed fills in a submission's envelopes (ciphertext), left out by Bids.
func (r *Reads) Sealed(ctx context.Context, sub *Submission) error {
	var row Submission
	if err := r.s.q(ctx).Select("id", "answers_sealed", "price_sealed").Where("id = ?", sub.ID).Take(&row).Error; err != nil {
		return fmt.Errorf("envelopes of submission %s: %w", sub.ID, err)
	}
	sub.AnswersSealed, sub.PriceSealed = row.AnswersSealed, row.PriceSealed
	return nil
}

// SealedPrices fills in the price envelopes of submissions loaded by Bids, in one query, and
// not the answers envelopes: opening the prices needs only those.
func (r *Reads) SealedPrices(ctx context.Context, subs []Submission) error {
	if len(subs) == 0 {
		return nil
	}
	ids := make([]string, len(subs))
	for i, sub := range subs {
		ids[i] = sub.ID
	}
	// A submission's envelope never changes once sealed; a page that both ranks and lists the
	// prices asks twice.
	sealed, err := database.MemoizeEach(ctx, r.s.db, "submissions.price_sealed", ids, func(ids []string) (map[string][]byte, error) {
		var rows []struct {
			ID          string
			PriceSealed []byte
		}
		if err := r.s.q(ctx).Model(&Submission{}).Select("id", "price_sealed").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("price envelopes: %w", err)
		}
		out := make(map[string][]byte, len(rows))
		for _, row := range rows {
			out[row.ID] = row.PriceSealed
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	for i := range subs {
		env, ok := sealed[subs[i].ID]
		if !ok {
			return fmt.Errorf("price envelope of submission %s: %w", subs[i].ID, gorm.ErrRecordNotFound)
		}
		subs[i].PriceSealed = env
	}
	return nil
}

// ProcurementsByID loads procurements by id whoever asks (as ProcurementByID, for ids of rows
// the caller has already let in); unknown ids are left out.
func (r *Reads) ProcurementsByID(ctx context.Context, ids []string) (map[string]Procurement, error) {
	out := map[string]Procurement{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Procurement
	if err := r.s.q(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("procurements %v: %w", ids, err)
	}
	for _, p := range rows {
		out[p.ID] = p
	}
	return out, nil
}

// LotsParticipants maps each of the lots to the commissioners it covers, by id (as
// LotParticipants, for many lots in one statement).
func (r *Reads) LotsParticipants(ctx context.Context, lotIDs []string) (map[string][]string, error) {
	// Lots read the participants with the lots: those are answered from the request's memo.
	got, err := database.MemoizeEach(ctx, r.s.db, "lot_participants", lotIDs, func(ids []string) (map[string][]string, error) {
		out := map[string][]string{}
		var rows []LotParticipant
		if err := r.s.q(ctx).Where("lot_id IN ?", ids).Order("lot_id, org_id").Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("participants of lots %v: %w", ids, err)
		}
		for _, p := range rows {
			out[p.LotID] = append(out[p.LotID], p.OrgID)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(got))
	for id, orgs := range got {
		if len(orgs) > 0 {
			out[id] = slices.Clone(orgs)
		}
	}
	return out, nil
}
