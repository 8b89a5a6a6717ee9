package evaluation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/lots"
	"golive/tenants/access"
)

// Price and results (DOMAIN.md step 7): the price envelopes open once quality moderation is
// complete, and the results rank the bids. The award that follows (recommendation, the
// governing bodies' decisions, standstill, contract) is evaluation/award's, built on these.

// PriceOpening records that a lot's price envelopes were opened, by whom and when. The prices
// stay sealed in the submissions and are opened on each read.
type PriceOpening struct {
	LotID         string `gorm:"primaryKey"`
	ProcurementID string
	OpenedBy      string
	OpenedAt      time.Time
}

// isHealthwatch: a Healthwatch evaluator never sees price, contract value or totals (issue 5).
func isHealthwatch(a *access.Actor) bool {
	return a == nil || a.OrgKind == access.Healthwatch || a.HasRole(access.RoleHealthwatch)
}

// CanSeeAward: price, results and the award recommendation (a Part 2 matter) are seen by the
// lead commissioner's procurement lead and by the governing-body approvers of the commissioners
// the lot covers, when casbin lets their role see the commercially sensitive value. Never by
// Healthwatch, evaluators, observers or bidders.
func CanSeeAward(a *access.Actor, p lots.Procurement, lotParticipants []string, valueAllowed bool) bool {
	if isHealthwatch(a) || !valueAllowed {
		return false
	}
	if CanLead(a, p) {
		return true
	}
	return a.HasRole(access.RoleApprover) && slices.Contains(lotParticipants, a.OrgID)
}

// ValueLot loads a lot for someone who may see its price, results and award (CanSeeAward),
// after opening, with the commissioners it covers; lock holds the procurement row. The award
// (evaluation/award) lets its readers and approvers in through it.
func (s *Service) ValueLot(ctx context.Context, tx *Store, a *access.Actor, lotID string, lock bool) (lots.Procurement, lots.Lot, []string, error) {
	if isHealthwatch(a) {
		return lots.Procurement{}, lots.Lot{}, nil, apperr.Forbiddenf("Healthwatch evaluators never see price, contract value or totals")
	}
	if !validID(lotID) {
		return lots.Procurement{}, lots.Lot{}, nil, apperr.NotFoundf("Lot not found")
	}
	l, p, err := lotAndProcurement(ctx, tx, lotID, lock)
	if apperr.IsKind(err, apperr.NotFound) {
		return p, l, nil, apperr.NotFoundf("Lot not found")
	}
	if err != nil {
		return p, l, nil, err
	}
	parts, err := tx.LotParticipants(ctx, l.ID)
	if err != nil {
		return p, l, nil, err
	}
	allowed := s.Lots.Authz != nil && s.Lots.Authz.Can(a.UserID, a.OrgID, access.PermProcValue)
	if !CanSeeAward(a, p, parts, allowed) {
		return p, l, parts, apperr.Forbiddenf("Price, results and the award are seen only by the procurement lead and the governing-body approvers of the commissioners this lot covers")
	}
	return p, l, parts, s.opened(ctx, tx, p)
}

// --- price opening ---

// OpenPrices opens the price envelopes of a lot: only its lead, and only once quality
// moderation is complete, so that quality is scored before price is seen.
func (s *Service) OpenPrices(ctx context.Context, a *access.Actor, lotID string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		ev, err := tx.LotEvaluation(ctx, l)
		if err != nil {
			return err
		}
		if ev.QualityModeratedAt == nil {
			return apperr.Conflictf("The price envelopes open only when quality moderation of the lot is complete")
		}
		o := PriceOpening{LotID: l.ID, ProcurementID: p.ID, OpenedBy: a.UserID, OpenedAt: s.Now()}
		if err := tx.AddPriceOpening(ctx, &o); err != nil {
			return err
		}
		bids, err := tx.Bids(ctx, p.ID, l.ID)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "prices.opened", "lot", l.ID, map[string]any{"bidders": len(bids)}))
	})
}

// BidPrice is one bidder's opened price: its schedule and total over the contract term.
type BidPrice struct {
	Bidder
	Years      []lots.PriceYear
	TotalPence int64
}

// prices opens each counted bid's price envelope; refused until the prices have been opened
// (which needs quality moderation complete).
func (s *Service) prices(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot, st lotState) ([]BidPrice, error) {
	if st.eval.QualityModeratedAt == nil {
		return nil, apperr.Conflictf("Prices stay sealed until quality moderation of the lot is complete")
	}
	o, err := tx.PriceOpening(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, apperr.Conflictf("The price envelopes of this lot have not been opened")
	}
	// One query for the eight (or so) price envelopes, one opening check and one key for them
	// all; the answers envelopes are neither read nor decrypted.
	bids := slices.Clone(st.bids)
	if err := tx.SealedPrices(ctx, bids); err != nil {
		return nil, err
	}
	schedules, err := s.Lots.OpenedPriceSchedules(ctx, p, bids)
	if err != nil {
		return nil, err
	}
	out := make([]BidPrice, 0, len(bids))
	for i, b := range bids {
		years := schedules[i]
		total, err := PriceTotal(years)
		if err != nil {
			return nil, err
		}
		out = append(out, BidPrice{Bidder: Bidder{OrgID: b.BidderOrgID, Name: st.bidderName(b.BidderOrgID)}, Years: years, TotalPence: total})
	}
	return out, nil
}

// priceState is the part of a lot's state its prices need: the bids and the milestones.
func priceState(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (lotState, error) {
	rec, err := tx.lotRecords(ctx, l.ID)
	if err != nil {
		return lotState{}, err
	}
	return priceStateOf(ctx, tx, p, l, rec)
}

// priceStateOf is priceState with the lot's records read.
func priceStateOf(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot, rec lotRecords) (lotState, error) {
	var st lotState
	// Once the prices are open, the pages that read them read the bids with their envelopes.
	if rec.opening != nil {
		if err := tx.PreloadBidsWithPrices(ctx, p.ID, l.ID); err != nil {
			return st, err
		}
	}
	if err := st.loadBids(ctx, tx, p, l); err != nil {
		return st, err
	}
	st.eval = rec.lotEvaluation(l)
	return st, nil
}

// resultsState is the part of a lot's state the ranking needs: the prices' part, the
// questions (without their text and guidance), the consensus marks (marks, not cons: only
// the scores and results, read as they are placed) and the sections. Not the panel, its
// assignments or declarations: notice reads those itself.
//
// The lot's records, questions, marks, sections and bids depend on the lot alone: they are
// read in one round trip (database.Batch), then the bidders' names. The bids come with their
// price envelopes: a ranking needs the prices, and is refused (prices) unless the records say
// they were opened; an envelope is never decrypted before that (OpenedPriceSchedules).
func resultsState(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (lotState, []lots.Section, error) {
	b := tx.Batch()
	r := queueResultsReads(ctx, tx, b, l.ID)
	keepBids := tx.QueuePreloadBidsWithPrices(ctx, b, p.ID, l.ID)
	if err := b.Send(ctx); err != nil {
		return lotState{}, nil, fmt.Errorf("results of lot %s: %w", l.ID, err)
	}
	keepBids()
	rec, err := r.records()
	if err != nil {
		return lotState{}, nil, err
	}
	st, err := priceStateOf(ctx, tx, p, l, rec)
	if err != nil {
		return st, nil, err
	}
	if st.qs, err = r.questions(); err != nil {
		return st, nil, err
	}
	if st.marks, err = r.marks(); err != nil {
		return st, nil, err
	}
	secs, err := r.sections()
	return st, secs, err
}

// resultsReads are resultsState's reads of a lot but its bids, queued in one batch: the lot's
// evaluation records, its questions as the ranking reads them, its consensus marks and its
// sections. Each keeps what it read in the request's memo, so that ResultsAhead can read them
// with the lot's scope check.
type resultsReads struct {
	records   func() (lotRecords, error)
	questions func() ([]lots.Question, error)
	marks     func() (consensusText, error)
	sections  func() ([]lots.Section, error)
}

func queueResultsReads(ctx context.Context, tx *Store, b *database.Batch, lotID string) resultsReads {
	return resultsReads{
		records:   tx.queueLotRecords(ctx, b, lotID),
		questions: tx.QueueRankingQuestions(ctx, b, lotID),
		marks:     tx.queueRankingMarks(ctx, b, lotID),
		sections:  tx.QueueSections(ctx, b, lotID),
	}
}

// ResultsAhead reads ahead of the scope check (Ahead) what the results read first: the lot's
// records, questions, marks and sections, and its bids with their price envelopes (ciphertext,
// opened only once the prices have been: OpenedPriceSchedules).
func (s *Service) ResultsAhead(ctx context.Context, b *database.Batch, lotID string, _ func(string) string) func(lots.Lot) {
	r := queueResultsReads(ctx, s.Store, b, lotID)
	bids := s.Store.QueueBidsAhead(ctx, b, lotID, true)
	return func(l lots.Lot) {
		// Into the memo; an error is the results' own to meet, reading again.
		_, _ = r.records()
		_, _ = r.questions()
		_, _ = r.marks()
		_, _ = r.sections()
		bids(l.ProcurementID)
	}
}

// Prices are a lot's opened prices, for those who may see them.
func (s *Service) Prices(ctx context.Context, a *access.Actor, lotID string) ([]BidPrice, error) {
	p, l, _, err := s.ValueLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return nil, err
	}
	st, err := priceState(ctx, s.Store, p, l)
	if err != nil {
		return nil, err
	}
	return s.prices(ctx, s.Store, p, l, st)
}

// --- results ---

// ResultsView is a lot's ranking. Results name bidders by organisation id; Names maps them.
type ResultsView struct {
	Lot     lots.Lot
	Results []Result
	Names   map[string]string
	Formula PriceFormula // the lot's price formula (settings.go) the price scores were worked out with
}

// results computes a lot's ranking from the consensus marks and the opened prices. The state
// it returns is resultsState's: no panel, assignments, declarations or moderations, and
// consensus marks without their rationales.
func (s *Service) results(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (ResultsView, lotState, error) {
	v := ResultsView{Lot: l, Names: map[string]string{}}
	st, sections, err := resultsState(ctx, tx, p, l)
	if err != nil {
		return v, st, err
	}
	prices, err := s.prices(ctx, tx, p, l, st)
	if err != nil {
		return v, st, err
	}
	// The marks go straight into each bid's row of one array, by the question's index; a mark
	// of a bidder without a counted bid is left out, as it always was.
	nq := len(st.qs)
	qidx := indexQuestions(st.qs)
	grid := make([]mark, len(prices)*nq)
	bids := make([]bidMarks, len(prices))
	for i, pr := range prices {
		bids[i] = bidMarks{Bidder: pr.OrgID, PricePence: pr.TotalPence, marks: grid[i*nq : (i+1)*nq : (i+1)*nq]}
		v.Names[pr.OrgID] = pr.Name
	}
	// The marks come grouped by question (rankingMarks): the question is looked up when it
	// changes, the bidder among the few bids.
	lastQ, qi := "", -1
	err = st.marks.each(func(q, bidder string, score int, hasScore bool, ok, hasPassed bool) {
		b := slices.IndexFunc(bids, func(b bidMarks) bool { return b.Bidder == bidder })
		if b < 0 {
			return
		}
		if q != lastQ || qi < 0 {
			lastQ, qi = q, qidx.at(q)
		}
		if hasScore {
			bids[b].setScore(qi, q, score)
		}
		if hasPassed {
			bids[b].setPassed(qi, q, ok)
		}
	})
	if err != nil {
		return v, st, err
	}
	if v.Formula, err = lotPriceFormula(ctx, tx, l.ID); err != nil {
		return v, st, err
	}
	v.Results, err = compute(sections, st.qs, bids, v.Formula)
	return v, st, err
}

// Results is a lot's ranking, once its prices have been opened: for the lead and the
// governing-body approvers of the commissioners it covers; never for Healthwatch.
func (s *Service) Results(ctx context.Context, a *access.Actor, lotID string) (ResultsView, error) {
	p, l, _, err := s.ValueLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return ResultsView{}, err
	}
	v, _, err := s.results(ctx, s.Store, p, l)
	return v, err
}
