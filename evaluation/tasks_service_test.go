package evaluation_test

import (
	"strconv"
	"testing"
	"time"

	"golive/evaluation"
	"golive/lots/lotstest"
)

// The evaluation's dashboard tasks on one lot, from opening to the prices, through the service
// on the real database: the lead's build the panel, moderate and open the prices; each
// evaluator's and the Healthwatch volunteer's declare, score and submit. Each appears for the
// person who may act when the action is allowed, for nobody else (another role, another tenant,
// an evaluator not on the panel, a bidder), and goes once it is done.
func TestEachEvaluationTaskAppearsOnTheDashboardWhenDueAndGoesWhenDone(t *testing.T) {
	f := newFixture(t)
	e, tasks := f.env, f.svc.Tasks
	w := f.opened()
	lot := "lot 1 of Medway and Swale UTC"
	base := "/evaluations/lots/" + w.l.ID
	byStart, byAward := w.p.EvaluationStart.UTC().Format(time.RFC3339), w.p.AwardDate.UTC().Format(time.RFC3339)

	// Opened: the lead builds the panel, by the evaluation's start; nobody else has a task.
	e.WantTasks(t, tasks, "opened", map[string][]string{leadEmail: {"Build the evaluation panel for " + lot + " | " + base + "#panel | " + byStart}})
	e.WantNoTasks(t, tasks, "opened", leadEmail)

	// The panel is built: its members declare their interests first, by the award date.
	f.panel(w)
	ws := base + "/workspace"
	declare := "Declare your interests for " + lot + " | " + ws + "#declare | " + byAward
	e.WantTasks(t, tasks, "panel built", map[string][]string{medwayEmail: {declare}, swaleEmail: {declare}, hwEmail: {declare}})
	e.WantNoTasks(t, tasks, "panel built", medwayEmail, hwEmail)

	// Declared: each scores what they may (Swale is conflicted with Weald), declaring goes.
	f.declarations(w)
	score := func(of int) string {
		return "Score " + lot + ": 0 of " + strconv.Itoa(of) + " marks given | " + ws + "#bidders | " + byAward
	}
	e.WantTasks(t, tasks, "declared", map[string][]string{medwayEmail: {score(6)}, swaleEmail: {score(3)}, hwEmail: {score(2)}})
	e.WantNoTasks(t, tasks, "declared", medwayEmail, hwEmail)

	// Every mark given: each submits; scoring goes.
	f.scores(w)
	submit := "Submit your scores for " + lot + " | " + base + "/scores/check | " + byAward
	e.WantTasks(t, tasks, "marked", map[string][]string{medwayEmail: {submit}, swaleEmail: {submit}, hwEmail: {submit}})

	// Submitted: the evaluator's task goes. A question is ready to moderate once everyone
	// assigned to it has submitted: 1.1 and 1.3 after Medway and Swale, 1.2 after Healthwatch.
	f.submit(w, medwayEmail)
	e.WantTasks(t, tasks, "Medway submitted", map[string][]string{medwayEmail: nil, leadEmail: nil, swaleEmail: {submit}, hwEmail: {submit}})
	f.submit(w, swaleEmail)
	moderate := func(qs string) string {
		return "Moderate " + lot + ": " + qs + " ready | " + base + "#moderation | " + byAward
	}
	e.WantTasks(t, tasks, "Swale submitted", map[string][]string{leadEmail: {moderate("questions 1.1, 1.3")}, swaleEmail: nil, hwEmail: {submit}})
	f.submit(w, hwEmail)
	e.WantTasks(t, tasks, "everyone submitted", map[string][]string{leadEmail: {moderate("questions 1.1, 1.2, 1.3")}})
	e.WantNoTasks(t, tasks, "everyone submitted", leadEmail)

	// Each question goes once every bidder has a consensus mark on it.
	lead, lctx := f.as(leadEmail)
	agree := func(number string, in map[string]evaluation.ConsensusInput) {
		lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q[number].ID))
		for bidder, c := range in {
			c.QuestionID, c.BidderOrgID, c.Rationale = w.q[number].ID, w.bidders[bidder], rationale("was agreed by the panel for "+number)
			lotstest.OK(t, f.svc.RecordConsensus(lctx, lead, w.l.ID, c))
		}
	}
	agree("1.1", map[string]evaluation.ConsensusInput{estuary: {Score: intp(2)}, weald: {Score: intp(1)}})
	e.WantTasks(t, tasks, "1.1 moderated", map[string][]string{leadEmail: {moderate("questions 1.2, 1.3")}})
	agree("1.2", map[string]evaluation.ConsensusInput{estuary: {Score: intp(3)}, weald: {Score: intp(2)}})
	e.WantTasks(t, tasks, "1.2 moderated", map[string][]string{leadEmail: {moderate("question 1.3")}})

	// Quality moderation complete: the lead opens the price envelopes; then nothing is left here.
	agree("1.3", map[string]evaluation.ConsensusInput{estuary: {Passed: boolp(true)}, weald: {Passed: boolp(true)}})
	e.WantTasks(t, tasks, "moderated", map[string][]string{leadEmail: {"Open the price envelopes for " + lot + " | " + base + "/results | " + byAward}})
	e.WantNoTasks(t, tasks, "moderated", leadEmail)
	lotstest.OK(t, f.svc.OpenPrices(lctx, lead, w.l.ID))
	e.WantNoTasks(t, tasks, "prices open")
}
