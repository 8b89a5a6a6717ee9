package evaluation

import (
	"strings"
	"testing"
	"time"

	"golive/lots"
	"golive/tenants"
)

func taskLines(ts []tenants.Task) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Title+" → "+t.Href)
	}
	return strings.Join(out, "; ")
}

func wantOneTask(t *testing.T, ts []tenants.Task, words, href string) {
	t.Helper()
	if words == "" {
		if len(ts) != 0 {
			t.Fatalf("want no task, got %s", taskLines(ts))
		}
		return
	}
	if len(ts) != 1 || !strings.Contains(ts[0].Title, words) || !strings.HasSuffix(ts[0].Href, href) || ts[0].Detail == "" || ts[0].Due == nil {
		t.Fatalf("want one task saying %q linking to …%s with a date, got %s", words, href, taskLines(ts))
	}
}

// An evaluator's (or Healthwatch volunteer's) tasks follow them through declare, score, submit.
func TestEvaluatorTasksAppearWhenDueAndGoWhenDone(t *testing.T) {
	award := time.Date(2018, 8, 1, 0, 0, 0, 0, time.UTC)
	at := award.Add(-time.Hour)
	row := MyLot{LotID: "l1", LotNumber: 1, Procurement: "IUCS", Questions: 2, ToMark: 4, Opened: true, AwardDate: award}
	with := func(f func(*MyLot)) MyLot { r := row; f(&r); return r }
	cases := []struct {
		name        string
		row         MyLot
		words, href string
	}{
		{"not opened yet: nothing", with(func(r *MyLot) { r.Opened = false }), "", ""},
		{"no questions assigned: nothing", with(func(r *MyLot) { r.Questions = 0 }), "", ""},
		{"opened: declare", row, "Declare your interests for lot 1", "/workspace#declare"},
		{"Healthwatch declares too", with(func(r *MyLot) { r.Healthwatch = true }), "Declare your interests", "#declare"},
		{"declared: score", with(func(r *MyLot) { r.Declared = true; r.Marked = 1 }), "Score lot 1 of IUCS: 1 of 4", "#bidders"},
		{"all marked: submit", with(func(r *MyLot) { r.Declared = true; r.Marked = 4 }), "Submit your scores", "/scores/check"},
		{"submitted: nothing", with(func(r *MyLot) { r.Declared = true; r.Marked = 4; r.SubmittedAt = &at }), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantOneTask(t, PanelTasks([]MyLot{c.row}), c.words, c.href) })
	}
}

// The lead's evaluation tasks on a lot: build the panel, moderate, open the prices.
func TestLeadEvaluationTasksAppearWhenDueAndGoWhenDone(t *testing.T) {
	now := time.Date(2018, 6, 1, 9, 0, 0, 0, time.UTC)
	p := lots.Procurement{ID: "p1", Title: "IUCS", EvaluationStart: now, AwardDate: now.AddDate(0, 2, 0)}
	l := lots.Lot{ID: "l1", Number: 1}
	q1 := lots.Question{ID: "q1", Number: "1.1", Kind: lots.Scored}
	price := lots.Question{ID: "qp", Number: "9", Kind: lots.Price}
	base := LeadLotFacts{Procurement: p, Lot: l, Questions: []lots.Question{q1, price}, Bidders: []string{"b1"}}
	member := PanelMember{LotID: "l1", UserID: "e1"}
	submitted := member
	submitted.SubmittedAt = &now
	assigned := []Assignment{{LotID: "l1", UserID: "e1", QuestionID: "q1"}}
	none := []Declaration{{LotID: "l1", UserID: "e1", BidderOrgID: "b1", Decision: NoInterest}}
	cons := []Consensus{{LotID: "l1", QuestionID: "q1", BidderOrgID: "b1"}}
	with := func(f func(*LeadLotFacts)) LeadLotFacts { x := base; f(&x); return x }
	cases := []struct {
		name        string
		f           LeadLotFacts
		words, href string
	}{
		{"nobody bid: nothing", with(func(f *LeadLotFacts) { f.Bidders = nil }), "", ""},
		{"no panel: build it", base, "Build the evaluation panel for lot 1", "/evaluations/lots/l1#panel"},
		{"a question nobody scores: build it", with(func(f *LeadLotFacts) { f.Members = []PanelMember{member} }), "Build the evaluation panel", "#panel"},
		{"built, evaluators at work: nothing", with(func(f *LeadLotFacts) {
			f.Members, f.Assigned, f.Declarations = []PanelMember{member}, assigned, none
		}), "", ""},
		{"every evaluator submitted: moderate", with(func(f *LeadLotFacts) {
			f.Members, f.Assigned, f.Declarations = []PanelMember{submitted}, assigned, none
		}), "Moderate lot 1 of IUCS: question 1.1 ready", "#moderation"},
		{"consensus recorded, moderation complete: open the prices", with(func(f *LeadLotFacts) {
			f.Members, f.Assigned, f.Declarations, f.Consensus, f.QualityModeratedAt = []PanelMember{submitted}, assigned, none, cons, &now
		}), "Open the price envelopes for lot 1", "/evaluations/lots/l1/results"},
		{"prices opened: nothing (the award's tasks follow)", with(func(f *LeadLotFacts) {
			f.Members, f.Assigned, f.Declarations, f.Consensus, f.QualityModeratedAt, f.PricesOpened = []PanelMember{submitted}, assigned, none, cons, &now, true
		}), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantOneTask(t, LeadLotTasks(c.f), c.words, c.href) })
	}
}
