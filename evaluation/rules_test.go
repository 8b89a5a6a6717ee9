package evaluation

import (
	"strings"
	"testing"
	"time"

	"golive/lots"
	"golive/tenants/access"
)

func TestAWideSpreadIsTwoOrMoreBetweenHighestAndLowest(t *testing.T) {
	for _, c := range []struct {
		scores []int
		spread int
		wide   bool
	}{
		{nil, 0, false},
		{[]int{3}, 0, false},
		{[]int{2, 3}, 1, false},
		{[]int{3, 1}, 2, true},
		{[]int{0, 2, 4}, 4, true},
		{[]int{2, 2, 2}, 0, false},
	} {
		if got := Spread(c.scores); got != c.spread {
			t.Errorf("Spread(%v) = %d, want %d", c.scores, got, c.spread)
		}
		if got := WideSpread(c.scores); got != c.wide {
			t.Errorf("WideSpread(%v) = %v, want %v", c.scores, got, c.wide)
		}
	}
	if Split([]bool{true, true}) || !Split([]bool{true, false}) || Split(nil) {
		t.Error("a split pass/fail is one with both a pass and a fail")
	}
}

func TestARationaleNeedsTwentyCharacters(t *testing.T) {
	for r, bad := range map[string]bool{
		"":                                true,
		"Good.":                           true,
		"   nineteen chars!!   ":          true,
		"Twenty characters ok":            false,
		"Strong workforce plan; evidence": false,
		strings.Repeat("x", 4001):         true,
	} {
		if got := CheckRationale(r) != ""; got != bad {
			t.Errorf("CheckRationale(%q) refused %v, want %v", r, got, bad)
		}
	}
}

func TestMarksFitTheirQuestion(t *testing.T) {
	scored := lots.Question{Number: "1.1", Kind: lots.Scored, MaxScore: 4}
	pf := lots.Question{Number: "1.3", Kind: lots.PassFail}
	price := lots.Question{Number: "2.1", Kind: lots.Price}
	n := func(i int) *int { return &i }
	b := func(v bool) *bool { return &v }
	for _, c := range []struct {
		q      lots.Question
		score  *int
		passed *bool
		ok     bool
	}{
		{scored, n(0), nil, true}, {scored, n(4), nil, true}, {scored, n(5), nil, false}, {scored, n(-1), nil, false},
		{scored, nil, nil, false}, {scored, n(2), b(true), false},
		{pf, nil, b(false), true}, {pf, nil, nil, false}, {pf, n(1), nil, false},
		{price, n(1), nil, false},
	} {
		if got := len(CheckMark(c.q, c.score, c.passed)) == 0; got != c.ok {
			t.Errorf("question %s, score %v, passed %v: accepted %v, want %v", c.q.Number, c.score, c.passed, got, c.ok)
		}
	}
}

func TestHealthwatchIsGivenOnlyPatientQuestionsAndNobodyThePrice(t *testing.T) {
	for _, c := range []struct {
		q           lots.Question
		healthwatch bool
		ok          bool
	}{
		{lots.Question{Kind: lots.Scored, Panel: lots.Patient}, true, true},
		{lots.Question{Kind: lots.Scored, Panel: lots.Clinical}, true, false},
		{lots.Question{Kind: lots.PassFail, Panel: lots.Clinical}, true, false},
		{lots.Question{Kind: lots.Scored, Panel: lots.Clinical}, false, true},
		{lots.Question{Kind: lots.Scored, Panel: lots.Patient}, false, true},
		{lots.Question{Kind: lots.Price, Panel: lots.Finance}, false, false},
	} {
		if got := CheckAssignment(c.q, c.healthwatch) == ""; got != c.ok {
			t.Errorf("%s %s question to healthwatch=%v: allowed %v, want %v", c.q.Panel, c.q.Kind, c.healthwatch, got, c.ok)
		}
	}
}

func TestModerationAwaitsEveryAssignedEvaluatorWhoMayScoreSomeone(t *testing.T) {
	now := time.Now()
	members := []PanelMember{{UserID: "a", SubmittedAt: &now}, {UserID: "b"}, {UserID: "c"}, {UserID: "d"}}
	assigned := []Assignment{{UserID: "a", QuestionID: "q"}, {UserID: "b", QuestionID: "q"}, {UserID: "c", QuestionID: "q"}, {UserID: "d", QuestionID: "other"}}
	bidders := []string{"x", "y"}
	decls := []Declaration{ // c is conflicted with every bidder: nothing to score, not awaited
		{UserID: "c", BidderOrgID: "x", Decision: Conflicted}, {UserID: "c", BidderOrgID: "y", Decision: Conflicted},
		{UserID: "b", BidderOrgID: "x", Decision: Conflicted},
	}
	if got := Awaited("q", members, assigned, bidders, decls); len(got) != 1 || got[0] != "b" {
		t.Fatalf("awaited %v, want [b]", got)
	}
	if !Declared("c", bidders, decls) || Declared("b", bidders, decls) {
		t.Fatal("declared about every bidder")
	}
}

func TestMissingScoresSkipConflictedBidders(t *testing.T) {
	qs := []lots.Question{{ID: "q1", Number: "1.1"}, {ID: "q2", Number: "1.2"}}
	decls := []Declaration{{UserID: "u", BidderOrgID: "y", Decision: Conflicted}, {UserID: "u", BidderOrgID: "x", Decision: NoInterest}}
	scores := []IndividualScore{{UserID: "u", QuestionID: "q1", BidderOrgID: "x", Rationale: "The rota names every clinical lead."}, {UserID: "other", QuestionID: "q2", BidderOrgID: "x"}}
	got := MissingScores("u", qs, []string{"x", "y"}, decls, scores, map[string]string{"x": "Estuary"})
	if len(got) != 1 || got[0] != "1.2 for Estuary" {
		t.Fatalf("missing %v", got)
	}
}

func TestQualityIsCompleteWithAConsensusPerQuestionAndBidder(t *testing.T) {
	qs := []lots.Question{{ID: "q1", Kind: lots.Scored}, {ID: "q2", Kind: lots.PassFail}, {ID: "p", Kind: lots.Price}}
	cons := []Consensus{{QuestionID: "q1", BidderOrgID: "x"}, {QuestionID: "q2", BidderOrgID: "x"}, {QuestionID: "q1", BidderOrgID: "y"}}
	if QualityComplete(qs, []string{"x", "y"}, cons) {
		t.Fatal("complete with y's pass/fail missing")
	}
	if !QualityComplete(qs, []string{"x", "y"}, append(cons, Consensus{QuestionID: "q2", BidderOrgID: "y"})) {
		t.Fatal("incomplete with every quality consensus in (price is not the panel's)")
	}
	if QualityComplete(qs, nil, nil) {
		t.Fatal("complete with no bidders")
	}
}

func TestOnlyTheLeadsProcurementLeadLeadsTheEvaluation(t *testing.T) {
	p := lots.Procurement{LeadOrgID: "medway"}
	for _, c := range []struct {
		a  *access.Actor
		ok bool
	}{
		{&access.Actor{OrgID: "medway", Roles: []access.Role{access.RoleProcurementLead}}, true},
		{&access.Actor{OrgID: "medway", Roles: []access.Role{access.RoleEvaluator}}, false},
		{&access.Actor{OrgID: "swale", Roles: []access.Role{access.RoleProcurementLead}}, false},
		{nil, false},
	} {
		if got := CanLead(c.a, p); got != c.ok {
			t.Errorf("CanLead(%+v) = %v, want %v", c.a, got, c.ok)
		}
	}
}

func TestMarksOwedFlagWhatIsMissingOfEachMarkTheEvaluatorMustGive(t *testing.T) {
	three := 3
	qs := []lots.Question{{ID: "q1", Number: "1.1"}, {ID: "q2", Number: "1.2"}}
	decls := []Declaration{{UserID: "u", BidderOrgID: "x", Decision: NoInterest}, {UserID: "u", BidderOrgID: "y", Decision: NoInterest},
		{UserID: "u", BidderOrgID: "z", Decision: Conflicted}}
	scores := []IndividualScore{
		{UserID: "u", QuestionID: "q1", BidderOrgID: "x", Score: &three, Rationale: "The rota names every clinical lead."},
		{UserID: "u", QuestionID: "q2", BidderOrgID: "x", Score: &three, Rationale: "   "},
		{UserID: "other", QuestionID: "q1", BidderOrgID: "y", Score: &three, Rationale: "Another evaluator's mark, not u's."},
	}
	got := MarksOwed("u", qs, []string{"x", "y", "z"}, decls, scores)
	want := []struct{ q, b, missing string }{
		{"q1", "x", ""}, {"q1", "y", MissingMark}, {"q2", "x", MissingRationale}, {"q2", "y", MissingMark},
	}
	if len(got) != len(want) {
		t.Fatalf("%d marks owed, want %d (none for the conflicted bidder): %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Question.ID != w.q || g.BidderOrgID != w.b || g.Missing != w.missing {
			t.Errorf("mark %d: %s for %s missing %q, want %s for %s missing %q", i, g.Question.ID, g.BidderOrgID, g.Missing, w.q, w.b, w.missing)
		}
		if (g.Mark == nil) != (w.missing == MissingMark) {
			t.Errorf("mark %d: the mark given is %v, with missing %q", i, g.Mark, g.Missing)
		}
	}
	if m := MissingScores("u", qs, []string{"x", "y", "z"}, decls, scores, map[string]string{"x": "Estuary", "y": "Weald"}); strings.Join(m, "; ") != "1.1 for Weald; 1.2 for Estuary; 1.2 for Weald" {
		t.Errorf("missing scores %q: a blank rationale is not a mark", m)
	}
}
