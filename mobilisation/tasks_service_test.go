package mobilisation_test

import (
	"testing"
	"time"

	"golive/lots/lotstest"
	"golive/mobilisation"
)

// Mobilisation's dashboard tasks on a plan, through the service on the real database: a
// person's own milestone due soon, then overdue; the lead's acceptance of what the provider says
// is done; each covered commissioner's approver's go/no-go, once the critical work is done or
// 28 days before go-live; the lead's declaring a phase live. Each appears for the person who may
// act and for nobody else (another role, another tenant, another bidder, the provider's own
// administrator), and goes once it is done. A plan holds dozens of milestones, so each task is
// picked out by its link.
func TestEachMobilisationTaskAppearsOnTheDashboardWhenDueAndGoesWhenDone(t *testing.T) {
	f := newFixture(t)
	e, tasks := f.env, f.svc.Tasks
	_, p := f.planned()
	v := f.view(leadEmail, p.ID)
	ph0, ph1 := v.Phases[0], v.Phases[1]
	if ph0.GoLiveDay != "2019-04-01" || ph1.GoLiveDay != "2019-04-01" {
		t.Fatalf("the first two phases go live on %s and %s, want 1 April 2019", ph0.GoLiveDay, ph1.GoLiveDay)
	}
	contract := f.milestone(p.ID, 0, "contract_signed") // the commissioners', due 3 October 2018
	cqc := f.milestone(p.ID, 0, "cqc_registration")     // the provider's, due 31 January 2019
	mhref := func(m mobilisation.MilestoneView) string {
		return "/mobilisation/plans/" + p.ID + "/milestones/" + m.ID
	}
	phref := func(ph mobilisation.PhaseView) string { return "/mobilisation/plans/" + p.ID + "/phases/" + ph.ID }

	// Just planned: every milestone is months away; nobody has anything to do yet.
	e.WantNoTasks(t, tasks, "just planned")

	// Within 14 days of its date: the owner completes it, by the end of its day.
	f.now = time.Date(2018, 9, 25, 9, 0, 0, 0, time.UTC)
	e.WantTaskOnlyFor(t, tasks, "due soon", "Complete “"+contract.Title+"” | "+mhref(contract)+" | 2018-10-03T22:59:00Z", leadEmail)
	e.WantTaskOnlyFor(t, tasks, "due soon", mhref(cqc))

	// Overdue: the lead's own and the provider's, each to its owner alone.
	f.now = time.Date(2019, 2, 11, 9, 0, 0, 0, time.UTC)
	e.WantTaskOnlyFor(t, tasks, "overdue", "“"+contract.Title+"” is 131 days overdue | "+mhref(contract)+" |", leadEmail)
	e.WantTaskOnlyFor(t, tasks, "overdue", "“"+cqc.Title+"” is 11 days overdue | "+mhref(cqc)+" | 2019-01-31T23:59:00Z", estuaryBids)

	// The provider says it is done: its task goes; the lead accepts or returns it.
	bid, bctx := f.as(estuaryBids)
	lead, lctx := f.as(leadEmail)
	lotstest.Must[mobilisation.Milestone](t)(f.svc.RequestCompletion(bctx, bid, p.ID, cqc.ID, mobilisation.CompletionInput{Note: "Registered"}))
	accept := "Accept or return “" + cqc.Title + "”: " + estuary + " says it is done | " + mhref(cqc) + "#acceptance"
	e.WantTaskOnlyFor(t, tasks, "asked to accept", accept, leadEmail)
	e.WantTaskOnlyFor(t, tasks, "asked to accept", "overdue | "+mhref(cqc)+" |")
	// Returned: back with the provider, overdue; asked again and accepted: gone for both.
	lotstest.Must[mobilisation.Milestone](t)(f.svc.Return(lctx, lead, p.ID, cqc.ID, mobilisation.ReturnInput{Reason: "The certificate names the wrong location"}))
	e.WantTaskOnlyFor(t, tasks, "returned", accept)
	e.WantTaskOnlyFor(t, tasks, "returned", "“"+cqc.Title+"” is 11 days overdue | "+mhref(cqc)+" |", estuaryBids)
	lotstest.Must[mobilisation.Milestone](t)(f.svc.RequestCompletion(bctx, bid, p.ID, cqc.ID, mobilisation.CompletionInput{Note: "Corrected certificate attached"}))
	lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, p.ID, cqc.ID, mobilisation.AcceptInput{}))
	e.WantTaskOnlyFor(t, tasks, "accepted", mhref(cqc))

	// The lead's own overdue milestone goes once they accept it as done.
	lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, p.ID, contract.ID, mobilisation.AcceptInput{Note: "Signed at the board"}))
	e.WantTaskOnlyFor(t, tasks, "the lead's accepted", mhref(contract))

	// No go/no-go 49 days before go-live with critical work open; once the first phase's
	// critical work is done, each covered commissioner's approver decides on it.
	e.WantTaskOnlyFor(t, tasks, "critical work open", "#decide")
	f.finishCritical(p.ID, 0)
	gonogo := func(ph mobilisation.PhaseView) string {
		return "Make your go/no-go decision on " + ph.Name + " | " + phref(ph) + "#decide | 2019-04-01T22:59:00Z"
	}
	e.WantTaskOnlyFor(t, tasks, "critical work done", gonogo(ph0), medwayApprover, swaleApprover)
	e.WantTaskOnlyFor(t, tasks, "critical work done", phref(ph1)+"#decide")

	// 28 days before go-live the second phase's decision is due too, critical work open or not.
	f.now = time.Date(2019, 3, 5, 9, 0, 0, 0, time.UTC)
	e.WantTaskOnlyFor(t, tasks, "28 days before go-live", gonogo(ph1), medwayApprover, swaleApprover)

	// Each approver's task goes once they decide; with both at go, the lead declares it live.
	ma, mctx := f.as(medwayApprover)
	sa, sctx := f.as(swaleApprover)
	lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(mctx, ma, p.ID, ph0.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "Assured"}))
	e.WantTaskOnlyFor(t, tasks, "Medway decided", gonogo(ph0), swaleApprover)
	e.WantTaskOnlyFor(t, tasks, "Medway decided", "#go-live")
	lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(sctx, sa, p.ID, ph0.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "Assured"}))
	e.WantTaskOnlyFor(t, tasks, "both decided", gonogo(ph0))
	e.WantTaskOnlyFor(t, tasks, "both decided", "Declare "+ph0.Name+" live | "+phref(ph0)+"#go-live | 2019-04-01T22:59:00Z", leadEmail)
	f.now = time.Date(2019, 4, 1, 7, 0, 0, 0, time.UTC)
	lotstest.Must[mobilisation.Phase](t)(f.svc.GoLive(lctx, lead, p.ID, ph0.ID))
	e.WantTaskOnlyFor(t, tasks, "live", phref(ph0))
}
