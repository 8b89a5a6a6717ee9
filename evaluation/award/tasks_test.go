package award_test

import (
	"testing"
	"time"

	"golive/evaluation/award"
	"golive/lots/lotstest"
)

// awardTasks is the award's dashboard tasks of email, as "title | href | due".
func awardTasks(f *fixture, email string) []string {
	f.t.Helper()
	return f.env.TaskLines(f.t, f.svc.Tasks, email)
}

// wantTasks checks that each of the people has exactly the tasks given (a task names its lot
// and the words of want; nil: none).
func wantTasks(t *testing.T, f *fixture, when string, want map[string][]string) {
	t.Helper()
	f.env.WantTasks(t, f.svc.Tasks, when, want)
}

func TestEachAwardTaskAppearsOnTheDashboardWhenDueAndGoesWhenDone(t *testing.T) {
	f := newFixture(t)
	w := f.scoredUpTo()
	award1 := "/evaluations/lots/" + w.l.ID + "/award"
	outcome := "/evaluations/lots/" + w.l.ID + "/outcome"
	byAward, byStart := w.p.AwardDate.UTC().Format(time.RFC3339), w.p.ContractStart.UTC().Format(time.RFC3339)
	// none: nobody among lotstest.People has an award task but those excepted.
	none := func(when string, except ...string) {
		t.Helper()
		f.env.WantNoTasks(t, f.svc.Tasks, when, except...)
	}
	none("before quality moderation is complete")

	// Moderated and priced: the lead is to recommend, by the timetable's award date.
	f.moderate(w)
	lead, lctx := f.as(leadEmail)
	lotstest.OK(t, f.eval.OpenPrices(lctx, lead, w.l.ID))
	wantTasks(t, f, "once the prices are open", map[string][]string{
		leadEmail: {"Recommend a preferred bidder for lot 1 of " + w.p.Title + " | " + award1 + "#recommendation | " + byAward}})
	none("once the prices are open", leadEmail)

	// Recommended: each approver of a commissioner the lot covers is to decide, until they have.
	recommendMailed(f, w, estuary, "Estuary is ranked first on quality and equal on price")
	decision := "Record your governing body's decision on the award of lot 1 of " + w.p.Title + " | " + award1 + "#approvals | " + byAward
	wantTasks(t, f, "once recommended", map[string][]string{medwayApprover: {decision}, swaleApprover: {decision}})
	none("once recommended", medwayApprover, swaleApprover)
	sw, sctx := f.as(swaleApprover)
	lotstest.OK(t, f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))
	wantTasks(t, f, "once Swale has decided", map[string][]string{medwayApprover: {decision}})
	none("once Swale has decided", medwayApprover)

	// Standstill: the lead is to award the contract when it ends; each bidder is to read its
	// outcome, and may make a representation until the last minute of standstill.
	ma, mctx := f.as(medwayApprover)
	lotstest.OK(t, f.svc.DecideAward(mctx, ma, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))
	lead, lctx = f.as(leadEmail)
	ends := *lotstest.Must[award.View](t)(f.svc.Award(lctx, lead, w.l.ID)).Recommendations[0].StandstillEndsAt
	lastMinute := ends.Add(-time.Minute).UTC().Format(time.RFC3339)
	whenItEnds := "Award the contract for lot 1 of " + w.p.Title + " when standstill ends | " + award1 + "#contract | " + byStart
	letter := "Read the outcome of your response to lot 1 of " + w.p.Title + " | " + outcome + " | " + lastMinute
	wantTasks(t, f, "in standstill", map[string][]string{leadEmail: {whenItEnds},
		"bids@weald-ambulance.test": {letter}, "bids@estuary-urgent-care.test": {letter}})
	none("in standstill", leadEmail, "bids@weald-ambulance.test", "bids@estuary-urgent-care.test")

	// A representation: the lead is to decide on it (the award waits), and then it goes.
	wb, wctx := f.as("bids@weald-ambulance.test")
	rep := lotstest.Must[award.Representation](t)(f.svc.MakeRepresentation(wctx, wb, w.l.ID, award.RepresentationInput{Text: "Our workforce model was marked down without reason"}))
	wantTasks(t, f, "with a representation to decide", map[string][]string{
		leadEmail:                   {"Decide on a representation against the award of lot 1 of " + w.p.Title + " | " + award1 + "#representations | no date"},
		"bids@weald-ambulance.test": {letter}})
	lotstest.OK(t, f.svc.DecideRepresentation(lctx, lead, w.l.ID, rep.ID, award.RepresentationDecisionInput{Decision: "rejected", Reason: "The moderation record gives the reasons for the score"}))
	wantTasks(t, f, "once the representation is decided", map[string][]string{leadEmail: {whenItEnds}, "bids@weald-ambulance.test": {letter}})

	// Once standstill (and the wait after the decision) is over: the contract, by its start;
	// the bidders' letters go, as no representation can be made any more.
	av := lotstest.Must[award.View](t)(f.svc.Award(lctx, lead, w.l.ID))
	f.now = *av.Recommendations[0].AwardNotBefore
	wantTasks(t, f, "after standstill", map[string][]string{
		leadEmail: {"Award the contract for lot 1 of " + w.p.Title + ": standstill is over | " + award1 + "#contract | " + byStart}})
	none("after standstill", leadEmail)

	// Awarded: nothing is left to do on the award.
	lotstest.Must[award.Contract](t)(f.svc.AwardContract(lctx, lead, w.l.ID, award.ContractInput{ContractReference: "MS-EV-1",
		StartDate: w.p.ContractStart, TermYears: 2, ValuePence: 210_000_00}))
	none("once the contract is awarded")
}

func TestARejectedRecommendationPutsTheRecommendationBackOnTheLeadsDashboard(t *testing.T) {
	f := newFixture(t)
	w := f.moderatedAndPriced()
	recommendMailed(f, w, estuary, "Estuary is ranked first on quality and equal on price")
	if got := awardTasks(f, leadEmail); len(got) != 0 {
		t.Fatalf("while the governing bodies decide the lead has %q", got)
	}
	sw, sctx := f.as(swaleApprover)
	lotstest.OK(t, f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "reject", Reason: "Mobilisation risk in Swale is too high"}))
	wantTasks(t, f, "after the rejection", map[string][]string{leadEmail: {"Recommend a preferred bidder"}, medwayApprover: nil, swaleApprover: nil})
}
