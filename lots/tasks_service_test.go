package lots_test

import (
	"testing"
	"time"

	"golive/lots"
	"golive/lots/lotstest"
)

// The procurement's dashboard tasks, from draft to opening, through the service on the real
// database: each appears for the person who may act, when the action is allowed, and for nobody
// else (another role, another tenant, another bidder), and goes once it is done.
func TestEachProcurementTaskAppearsOnTheDashboardWhenDueAndGoesWhenDone(t *testing.T) {
	f := newFixture(t)
	e, tasks := f.env, f.svc.Tasks
	const (
		lead, admin           = "lead@medway-ccg.test", "admin@medway-ccg.test"
		medwayAppr, swaleAppr = "approver@medway-ccg.test", "approver@swale-ccg.test"
		estuary, weald        = "bids@estuary-urgent-care.test", "bids@weald-ambulance.test"
		downs                 = "bids@north-downs-gp.test"
	)
	p, l := f.draft()
	href := "/procurements/" + p.ID
	deadline := p.SubmissionDeadline.UTC().Format(time.RFC3339)

	// Draft: the lead finishes it and sends it for approval.
	e.WantTasks(t, tasks, "in draft", map[string][]string{lead: {"Finish Medway and Swale UTC and send it for approval | " + href + " | no date"}})
	e.WantNoTasks(t, tasks, "in draft", lead)
	la, lctx := f.as(lead)
	lotstest.OK(t, f.svc.SubmitForApproval(lctx, la, p.ID))

	// Awaiting approval: each participating body's approver records its decision, until it has.
	business := "Record your governing body's decision on the business case for Medway and Swale UTC | " + href + "/decision | no date"
	e.WantTasks(t, tasks, "sent for approval", map[string][]string{medwayAppr: {business}, swaleAppr: {business}})
	e.WantNoTasks(t, tasks, "sent for approval", medwayAppr, swaleAppr)
	decide := func(email string) {
		a, ctx := f.as(email)
		lotstest.OK(t, f.svc.Decide(ctx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: f.now.Add(-time.Hour), MinuteRef: "GB/1", Part2: true}))
	}
	decide(medwayAppr)
	e.WantTasks(t, tasks, "once Medway decided", map[string][]string{swaleAppr: {business}})
	e.WantNoTasks(t, tasks, "once Medway decided", swaleAppr)
	decide(swaleAppr)

	// Every body approved: the lead publishes.
	e.WantTasks(t, tasks, "every body approved", map[string][]string{lead: {"Publish Medway and Swale UTC: every governing body has approved | " + href + " | no date"}})
	e.WantNoTasks(t, tasks, "every body approved", lead)
	lotstest.OK(t, f.svc.Publish(lctx, la, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}))

	// Published: every provider's bid team is to respond by the deadline; nobody else.
	respond := "Respond to Medway and Swale UTC | /opportunities/" + p.ID + " | " + deadline
	e.WantTasks(t, tasks, "published", map[string][]string{estuary: {respond}, weald: {respond}, downs: {respond}})
	e.WantNoTasks(t, tasks, "published", estuary, weald, downs)

	// A clarification question: the lead answers it, by the clarification deadline.
	wa, wctx := f.as(weald)
	lotstest.OK(t, f.svc.RegisterInterest(wctx, wa, p.ID))
	c := lotstest.Must[lots.Clarification](t)(f.svc.AskClarification(wctx, wa, p.ID, lots.ClarificationInput{Question: "Is TUPE expected to apply?"}))
	e.WantTasks(t, tasks, "asked", map[string][]string{lead: {"Answer 1 clarification question on Medway and Swale UTC | " + href + "/clarifications | " +
		p.ClarificationDeadline.UTC().Format(time.RFC3339)}})
	e.WantNoTasks(t, tasks, "asked", lead, estuary, weald, downs)
	lotstest.OK(t, f.svc.AnswerClarification(lctx, la, p.ID, c.ID, lots.AnswerInput{Answer: "Yes, for the current out-of-hours staff."}))
	e.WantTasks(t, tasks, "answered", map[string][]string{lead: nil})

	// Estuary responds: its task goes; the others still have theirs.
	qs := lotstest.Must[[]lots.Question](t)(f.svc.Store.Questions(lctx, l.ID))
	f.bid(estuary, l, qs, "first")
	e.WantTasks(t, tasks, "Estuary responded", map[string][]string{estuary: nil, weald: {respond}, downs: {respond}})

	// An addendum that changes responses: Estuary re-confirms by the deadline, until it does.
	lotstest.Must[lots.Addendum](t)(f.svc.PublishAddendum(lctx, la, p.ID, lots.AddendumInput{Title: "Question 1.1 reworded", Body: "See the new wording.", ChangesResponses: true}))
	reconfirm := "Re-confirm your response to lot 1 of Medway and Swale UTC after the addendum | /opportunities/" + p.ID + "/lots/" + l.ID + "/response | " + deadline
	e.WantTasks(t, tasks, "after the addendum", map[string][]string{estuary: {reconfirm}, weald: {respond}, downs: {respond}})
	ea, ectx := f.as(estuary)
	lotstest.Must[lots.Receipt](t)(f.svc.Submit(ectx, ea, l.ID))
	e.WantTasks(t, tasks, "re-confirmed", map[string][]string{estuary: nil, weald: {respond}})

	// The deadline passes: the bidders' tasks go; the lead or the organisation admin opens.
	f.now = p.SubmissionDeadline.Add(time.Minute)
	open := "Open the responses to Medway and Swale UTC: the deadline has passed | " + href + "/opening | no date"
	e.WantTasks(t, tasks, "after the deadline", map[string][]string{lead: {open}, admin: {open}})
	e.WantNoTasks(t, tasks, "after the deadline", lead, admin)

	// The lead starts: a second person, here the organisation admin, confirms; not the lead.
	lotstest.OK(t, f.svc.StartOpening(lctx, la, p.ID))
	e.WantTasks(t, tasks, "opening started", map[string][]string{admin: {"Confirm the opening of Medway and Swale UTC as the second person | " + href + "/opening | no date"}})
	e.WantNoTasks(t, tasks, "opening started", admin)
	aa, actx := f.as(admin)
	lotstest.OK(t, f.svc.ConfirmOpening(actx, aa, p.ID))
	e.WantNoTasks(t, tasks, "opened")
}
