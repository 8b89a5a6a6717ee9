package award_test

import (
	"testing"
	"time"

	"golive/apperr"
	"golive/evaluation/award"
	"golive/lots/lotstest"
)

func TestABidderSeesTheDecisionOnItsBidOnlyOnceStandstillStarts(t *testing.T) {
	f := newFixture(t)
	w := f.moderatedAndPriced()
	lead, lctx := f.as(leadEmail)
	wb, wctx := f.as("bids@weald-ambulance.test")

	// Before any recommendation, and while the governing bodies decide: no decision yet.
	v := lotstest.Must[award.OutcomeView](t)(f.svc.Outcome(wctx, wb, w.l.ID))
	if v.Decided || v.Letter != "" || v.Bidder.OrgID != w.bidders[weald] {
		t.Fatalf("before a recommendation Weald sees %+v", v)
	}
	reason := "Estuary is ranked first on quality and equal on price"
	lotstest.Must[award.Recommendation](t)(f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[estuary], Reason: reason}))
	sw, sctx := f.as(swaleApprover)
	lotstest.OK(t, f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))
	if v := lotstest.Must[award.OutcomeView](t)(f.svc.Outcome(wctx, wb, w.l.ID)); v.Decided || v.Reason != "" {
		t.Fatalf("with one governing body still to decide, Weald sees %+v", v)
	}
	ma, mctx := f.as(medwayApprover)
	f.now = f.now.Add(time.Hour)
	lotstest.OK(t, f.svc.DecideAward(mctx, ma, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))

	// Standstill: Weald reads the very letter it was sent, its scores and the winner's, but not
	// the winner's price.
	v = lotstest.Must[award.OutcomeView](t)(f.svc.Outcome(wctx, wb, w.l.ID))
	sent := letters(f, "Notice of intention to award")
	var wealds string
	for _, l := range sent {
		if l.To == "bids@weald-ambulance.test" {
			wealds = l.Body
		}
	}
	if !v.Decided || v.Successful || v.Winner.OrgID != w.bidders[estuary] || v.Reason != reason || v.Letter == "" || v.Letter != wealds {
		t.Fatalf("in standstill Weald sees %+v\nit was sent:\n%s", v, wealds)
	}
	if v.Own.Bidder != w.bidders[weald] || v.Winning.Bidder != w.bidders[estuary] || v.Winning.PricePence != 0 || v.Own.PricePence == 0 {
		t.Fatalf("Weald's own result %+v and the winner's %+v", v.Own, v.Winning)
	}
	if !v.CanRepresent || v.StandstillEndsAt == nil || v.Contract != nil {
		t.Fatalf("during standstill: %+v", v)
	}
	es, ectx := f.as("bids@estuary-urgent-care.test")
	if v := lotstest.Must[award.OutcomeView](t)(f.svc.Outcome(ectx, es, w.l.ID)); !v.Successful || v.Bidder.OrgID != w.bidders[estuary] {
		t.Fatalf("Estuary sees %+v", v)
	}

	// Its representation is listed back to it, with the decision once made; others' are not.
	lotstest.Must[award.Representation](t)(f.svc.MakeRepresentation(wctx, wb, w.l.ID, award.RepresentationInput{Text: "Our workforce model was marked down without reason"}))
	if v := lotstest.Must[award.OutcomeView](t)(f.svc.Outcome(ectx, es, w.l.ID)); len(v.Representations) != 0 {
		t.Fatalf("Estuary sees Weald's representation: %+v", v.Representations)
	}
	v = lotstest.Must[award.OutcomeView](t)(f.svc.Outcome(wctx, wb, w.l.ID))
	if len(v.Representations) != 1 || v.Representations[0].Decision != nil || v.State != award.Paused {
		t.Fatalf("after its representation Weald sees %+v", v)
	}

	// After standstill nothing more may be said.
	f.now = v.StandstillEndsAt.Add(time.Minute)
	if v := lotstest.Must[award.OutcomeView](t)(f.svc.Outcome(wctx, wb, w.l.ID)); v.CanRepresent {
		t.Fatal("a representation is offered after standstill ended")
	}

	// Nobody but a bidder with a counted response finds it.
	for _, email := range []string{"bids@north-downs-gp.test", leadEmail, medwayApprover, hwEmail} {
		a, ctx := f.as(email)
		_, err := f.svc.Outcome(ctx, a, w.l.ID)
		lotstest.WantKind(t, err, apperr.NotFound, email+" reading a bidder's outcome")
	}
}
