package lots_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"golive/apperr"
	"golive/database"
	"golive/database/dbtest"
	"golive/lots"
	"golive/lots/lotstest"
)

// lots.Reads is how evaluation and mobilisation read procurements and bids: one participation
// scope for every feature, and a bidder's own bid only.
func TestReadsGiveOtherFeaturesTheOneParticipationScope(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	f.bid("bids@estuary-urgent-care.test", l, qs, secretAnswer)
	r := lots.ReadsOn(f.db.Gorm)
	medway, swale := f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]

	for _, email := range []string{"lead@medway-ccg.test", "approver@swale-ccg.test"} {
		_, ctx := f.as(email)
		got, err := r.Procurement(ctx, p.ID, true)
		if err != nil || got.ID != p.ID {
			t.Errorf("%s, taking part, reads the procurement: %v", email, err)
		}
		if ids := lotstest.Must[[]string](t)(r.ProcurementsOfActingOrg(ctx)); !slices.Equal(ids, []string{p.ID}) {
			t.Errorf("%s takes part in %v", email, ids)
		}
	}
	for _, email := range []string{"lead@bedfordshire-ccg.test", "bids@estuary-urgent-care.test"} {
		_, ctx := f.as(email)
		_, err := r.Procurement(ctx, p.ID, false)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.NotFound || e.Message != "Procurement not found" {
			t.Errorf("%s, taking no part, reads the procurement: %v", email, err)
		}
		if ids := lotstest.Must[[]string](t)(r.ProcurementsOfActingOrg(ctx)); len(ids) != 0 {
			t.Errorf("%s takes part in %v", email, ids)
		}
	}
	_, lctx := f.as("lead@medway-ccg.test")
	if parts := lotstest.Must[[]string](t)(r.ParticipantOrgs(lctx, p.ID)); !slices.Equal(parts, slices.Sorted(slices.Values([]string{medway, swale}))) {
		t.Errorf("participants: %v", parts)
	}
	if in := lotstest.Must[bool](t)(r.Participates(lctx, p.ID, f.orgs["NHS Luton CCG"])); in {
		t.Error("Luton takes part")
	}

	bids := lotstest.Must[[]lots.Submission](t)(r.Bids(lctx, p.ID, l.ID))
	if len(bids) != 1 || bids[0].BidderOrgID != f.orgs["Estuary Urgent Care CIC"] || bids[0].AnswersSealed != nil || bids[0].PriceSealed != nil {
		t.Fatalf("bids (without their envelopes): %+v", bids)
	}
	lotstest.OK(t, r.SealedPrices(lctx, bids))
	if len(bids[0].PriceSealed) == 0 || bids[0].AnswersSealed != nil {
		t.Error("SealedPrices filled in more or less than the price envelope")
	}

	_, bctx := f.as("bids@estuary-urgent-care.test")
	if own, err := r.OwnBid(bctx, l.ID); err != nil || own.ID != bids[0].ID {
		t.Errorf("the bidder's own bid: %v", err)
	}
	_, octx := f.as("bids@weald-ambulance.test")
	if _, err := r.OwnBid(octx, l.ID); !apperr.IsKind(err, apperr.NotFound) {
		t.Errorf("another bidder reads a bid it did not make: %v", err)
	}

	// Bids scans its rows by hand: it is the last counted of what GORM reads of the same rows,
	// without the envelopes; and what PreloadBidsWithPrices puts into a request's memo gives
	// Bids and SealedPrices the same again. Estuary bids twice, Weald once.
	// A draft after Estuary's second submission leaves that one counting. No two columns of the
	// same type hold the same value, so that reading one into the other's field shows.
	f.bid("bids@estuary-urgent-care.test", l, qs, secretAnswer)
	f.bid("bids@weald-ambulance.test", l, qs, secretAnswer)
	ea, ectx := f.as("bids@estuary-urgent-care.test")
	lotstest.Must[lots.Submission](t)(f.svc.SaveDraft(ectx, ea, l.ID, lots.DraftInput{}))
	var ids []string
	lotstest.OK(t, f.db.Gorm.Model(&lots.Submission{}).Where("lot_id = ?", l.ID).Order("id").Pluck("id", &ids).Error)
	for i, id := range ids {
		at := func(n int) time.Time { return time.Date(2026, 2, 1+3*i+n, 9, 0, 0, 0, time.UTC) }
		lotstest.OK(t, f.db.Gorm.Model(&lots.Submission{}).Where("id = ?", id).Updates(map[string]any{
			"partners": fmt.Sprintf("Partner %d", i), "created_by": fmt.Sprintf("creator %d", i), "submitted_by": fmt.Sprintf("submitter %d", i),
			"created_at": at(0), "updated_at": at(1), "submitted_at": at(2)}).Error)
	}
	var every []lots.Submission
	lotstest.OK(t, f.db.Gorm.Where("procurement_id = ? AND lot_id = ?", p.ID, l.ID).Find(&every).Error)
	want := lots.LastCounted(every)
	prices := map[string][]byte{}
	for i := range want {
		prices[want[i].ID] = want[i].PriceSealed
		want[i].AnswersSealed, want[i].PriceSealed = nil, nil
	}
	bids = lotstest.Must[[]lots.Submission](t)(r.Bids(lctx, p.ID, l.ID))
	if len(every) < 4 || len(want) != 2 || !reflect.DeepEqual(bids, want) {
		t.Fatalf("bids of %d submissions:\n%+v\nwant\n%+v", len(every), bids, want)
	}
	if bids[0].SubmittedAt == nil || bids[0].CreatedAt.IsZero() || bids[0].ContentSHA256 == "" {
		t.Fatalf("a bid without its times or hash: %+v", bids[0])
	}
	// Sections scans by hand too: what GORM reads of the same rows.
	var sections []lots.Section
	lotstest.OK(t, f.db.Gorm.Where("lot_id = ?", l.ID).Order("position").Find(&sections).Error)
	if got := lotstest.Must[[]lots.Section](t)(r.Sections(lctx, l.ID)); len(sections) == 0 || !reflect.DeepEqual(got, sections) {
		t.Fatalf("sections %+v, want %+v", got, sections)
	}
	// And RankingQuestions: what GORM reads, without the text, guidance, word limit or panel
	// (position, weight and the two ends of the scale all differ in the first question).
	var ranking []lots.Question
	lotstest.OK(t, f.db.Gorm.Where("lot_id = ?", l.ID).Order("position").Find(&ranking).Error)
	for i := range ranking {
		ranking[i].Text, ranking[i].Guidance, ranking[i].WordLimit, ranking[i].Panel = "", "", 0, ""
	}
	if got := lotstest.Must[[]lots.Question](t)(r.RankingQuestions(lctx, l.ID)); len(ranking) != 3 || !reflect.DeepEqual(got, ranking) {
		t.Fatalf("ranking questions %+v, want %+v", got, ranking)
	}
	if q := ranking[0]; len(map[int]bool{q.Position: true, q.WeightBP: true, q.MaxScore: true, q.MinScore: true}) != 4 {
		t.Fatalf("the first question's numbers are not all different: %+v", q)
	}

	mctx := database.WithMemo(lctx)
	lotstest.OK(t, r.PreloadBidsWithPrices(mctx, p.ID, l.ID))
	if !database.Memoised(mctx, f.db.Gorm, "submissions.bids|"+p.ID+"|"+l.ID) {
		t.Fatal("the bids were not preloaded")
	}
	bids = lotstest.Must[[]lots.Submission](t)(r.Bids(mctx, p.ID, l.ID))
	if !reflect.DeepEqual(bids, want) {
		t.Fatalf("preloaded bids:\n%+v\nwant\n%+v", bids, want)
	}
	lotstest.OK(t, r.SealedPrices(mctx, bids))
	for _, b := range bids {
		if len(prices[b.ID]) == 0 || !slices.Equal(b.PriceSealed, prices[b.ID]) || b.AnswersSealed != nil {
			t.Fatalf("the preloaded price envelope of %s", b.BidderOrgID)
		}
	}
}

// LotWithProcurement is Lot, then Procurement without the lock, in one statement: the same rows
// (the opening's too), the same not found for an organisation taking no part, and with the
// request's memo, nothing more to read for either.
func TestLotWithProcurementIsLotThenProcurementInOneStatement(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	f.bid("bids@estuary-urgent-care.test", l, qs, secretAnswer)
	lead, lctx := f.as("lead@medway-ccg.test")
	r := lots.ReadsOn(f.db.Gorm)
	// LotWithProcurement scans its columns by hand: no two of the same type hold the same value,
	// so that reading one into the other's field shows.
	at := func(day int) time.Time { return time.Date(2025, 12, day, 8, 30, 0, 0, time.UTC) }
	lotstest.OK(t, f.db.Gorm.Model(&lots.Procurement{}).Where("id = ?", p.ID).Updates(map[string]any{
		"description": "Urgent care for Medway and Swale", "extension_years": 1, "key_id": "key-2026", "publish_value": true,
		"created_at": at(1), "updated_at": at(2), "published_at": at(3)}).Error)
	lotstest.OK(t, f.db.Gorm.Model(&lots.Lot{}).Where("id = ?", l.ID).Update("description", "The treatment centre at Sheppey").Error)
	q := dbtest.CountQueries(t, f.db.Gorm)

	check := func(ctx context.Context, who string, wantOpening bool) {
		t.Helper()
		wantLot := lotstest.Must[lots.Lot](t)(r.Lot(ctx, l.ID))
		wantProc := lotstest.Must[lots.Procurement](t)(r.Procurement(ctx, p.ID, false))
		q.Reset()
		gotLot, gotProc, err := r.LotWithProcurement(ctx, l.ID)
		if err != nil || q.Count() != 1 {
			t.Fatalf("%s: %v, in %d statements", who, err, q.Count())
		}
		if !reflect.DeepEqual(gotLot, wantLot) || !reflect.DeepEqual(gotProc, wantProc) {
			t.Errorf("%s: %+v %+v, want %+v %+v", who, gotLot, gotProc, wantLot, wantProc)
		}
		if len(gotLot.Participants) != 2 {
			t.Errorf("%s: the lot's participants %v", who, gotLot.Participants)
		}
		// In a request: the opening, the lot and the procurement are read with it, once.
		mctx := database.WithMemo(ctx)
		q.Reset()
		lotstest.Must[lots.Lot](t)(func() (lots.Lot, error) { l, _, err := r.LotWithProcurement(mctx, l.ID); return l, err }())
		o := lotstest.Must[*lots.Opening](t)(r.Opening(mctx, p.ID))
		lotstest.Must[lots.Lot](t)(r.Lot(mctx, l.ID))
		lotstest.Must[lots.Procurement](t)(r.Procurement(mctx, p.ID, false))
		lotstest.Must[lots.Procurement](t)(r.ProcurementByID(mctx, p.ID))
		lotstest.Must[[]string](t)(r.LotParticipants(mctx, l.ID))
		lotstest.Must[lots.Lot](t)(func() (lots.Lot, error) { l, _, err := r.LotWithProcurement(mctx, l.ID); return l, err }())
		if q.Count() != 1 {
			t.Errorf("%s: %d statements for the lot, its procurement and opening, twice; want 1", who, q.Count())
		}
		if (o != nil) != wantOpening {
			t.Errorf("%s: opening %+v", who, o)
		}
		var read []lots.Opening
		lotstest.OK(t, f.db.Gorm.Where("procurement_id = ?", p.ID).Find(&read).Error)
		if o != nil && (len(read) != 1 || !reflect.DeepEqual(*o, read[0])) {
			t.Errorf("%s: opening %+v, want %+v", who, *o, read)
		}
	}
	check(lctx, "the lead, before opening", false)
	f.now = p.SubmissionDeadline.Add(time.Minute)
	lotstest.OK(t, f.svc.StartOpening(lctx, lead, p.ID))
	check(lctx, "the lead, once opening has started", true)
	f.now = f.now.Add(time.Hour)
	admin, actx := f.as("admin@medway-ccg.test")
	lotstest.OK(t, f.svc.ConfirmOpening(actx, admin, p.ID))
	check(lctx, "the lead, once opened", true)

	// Taking no part: the lot, and the procurement not found (as Procurement says).
	for _, email := range []string{"lead@bedfordshire-ccg.test", "bids@estuary-urgent-care.test"} {
		_, ctx := f.as(email)
		got, _, err := r.LotWithProcurement(database.WithMemo(ctx), l.ID)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.NotFound || e.Message != "Procurement not found" || got.ID != l.ID {
			t.Errorf("%s, taking no part: %+v %v", email, got, err)
		}
	}
	if _, _, err := r.LotWithProcurement(lctx, uuid.Must(uuid.NewV7()).String()); !apperr.IsKind(err, apperr.NotFound) || err.Error() != "Lot not found" {
		t.Errorf("a lot that does not exist: %v", err)
	}
	// Without an acting organisation the read fails, never reading every tenant's procurement.
	if _, _, err := r.LotWithProcurement(context.Background(), l.ID); !errors.Is(err, database.ErrNoTenant) {
		t.Errorf("without an organisation: %v, want ErrNoTenant", err)
	}
}
