package main

import (
	"strings"
	"testing"
)

// The award's tasks on the dashboard over HTTP: the award's task source is wired in, and each
// task links to where it is done and says by when. (Which task is due when is the award's
// own test, evaluation/award/tasks_test.go.)
func TestTheDashboardListsTheAwardsTasksWithLinksAndDates(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	s.App.Eval.Now, s.App.Award.Now = clock.Now, clock.Now
	lot, q, org := awardPagesLot(t, s, clock)
	ev := "/evaluations/lots/" + lot
	lead := s.apiToken(t, "lead@medway-ccg.test")
	dashboard := func(email string) string {
		t.Helper()
		b := s.browser(t)
		b.signIn(email)
		status, body := b.get("/")
		if status != 200 {
			t.Fatalf("%s's dashboard: %d", email, status)
		}
		return body
	}
	wantTask := func(email, href, title string) {
		t.Helper()
		body := dashboard(email)
		i := strings.Index(body, `<a href="`+href+`">`+title)
		if i < 0 {
			t.Fatalf("%s's dashboard does not link %q to %s:\n%s", email, title, href, awardPagesText(body))
		}
		if item := body[i:]; !strings.Contains(item[:strings.Index(item, "</li>")], "Due ") {
			t.Fatalf("%s's task %q does not say by when:\n%s", email, title, awardPagesText(body))
		}
	}

	// The evaluation's tasks (evaluation/tasks.go) on the same dashboard: the evaluator submits,
	// the lead moderates, then opens the prices; each goes once done.
	wantTask("finance@medway-ccg.test", ev+"/scores/check", "Submit your scores for lot 1 of")
	lotsAPIWant(t, s, 204, "POST", ev+"/scores/submit", s.apiToken(t, "finance@medway-ccg.test"), nil, nil)
	if body := dashboard("finance@medway-ccg.test"); strings.Contains(body, ev+"/workspace") || strings.Contains(body, ev+"/scores/check") {
		t.Fatalf("the submit task is still on the evaluator's dashboard once submitted:\n%s", awardPagesText(body))
	}
	wantTask("lead@medway-ccg.test", ev+"#moderation", "Moderate lot 1 of")
	for _, n := range []string{"1.1", "1.2", "1.3"} {
		lotsAPIWant(t, s, 204, "POST", ev+"/questions/"+q[n]+"/moderation", lead, nil, nil)
	}
	for name, m := range awardPagesMarks {
		for number, mark := range map[string]any{"1.1": m.q11, "1.2": m.q12, "1.3": m.pass} {
			body := map[string]any{"question_id": q[number], "bidder_org_id": org[name], "rationale": "The panel agreed this mark on the evidence for " + number + "."}
			if number == "1.3" {
				body["passed"] = mark
			} else {
				body["score"] = mark
			}
			lotsAPIWant(t, s, 204, "PUT", ev+"/consensus", lead, body, nil)
		}
	}
	wantTask("lead@medway-ccg.test", ev+"/results", "Open the price envelopes for lot 1 of")
	lotsAPIWant(t, s, 204, "POST", ev+"/prices/open", lead, nil, nil)
	if body := dashboard("lead@medway-ccg.test"); strings.Contains(body, `href="`+ev+`/results"`) || strings.Contains(body, ev+"#moderation") {
		t.Fatalf("the moderation or price tasks are still on the lead's dashboard once done:\n%s", awardPagesText(body))
	}
	wantTask("lead@medway-ccg.test", ev+"/award#recommendation", "Recommend a preferred bidder for lot 1 of")

	order, _, _ := awardPagesExpected()
	lotsAPIWant(t, s, 201, "POST", ev+"/recommendations", lead, map[string]any{"bidder_org_id": org[order[0]], "reason": order[0] + " is ranked first on the total score"}, nil)
	wantTask("approver@swale-ccg.test", ev+"/award#approvals", "Record your governing body&#39;s decision on the award of lot 1 of")
	for _, email := range []string{"approver@swale-ccg.test", "approver@medway-ccg.test"} {
		lotsAPIWant(t, s, 204, "POST", ev+"/award/decisions", s.apiToken(t, email), map[string]any{"decision": "approve"}, nil)
	}
	if body := dashboard("approver@swale-ccg.test"); strings.Contains(body, ev+"/award") {
		t.Fatalf("the decision is still on Swale's dashboard once made:\n%s", awardPagesText(body))
	}
	wantTask("bids@weald-ambulance.test", ev+"/outcome", "Read the outcome of your response to lot 1 of")
	wantTask("lead@medway-ccg.test", ev+"/award#contract", "Award the contract for lot 1 of")
}
