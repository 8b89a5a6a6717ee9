package lots_test

import (
	"slices"
	"testing"

	"golive/apperr"
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
}
