package tenants

import (
	"slices"
	"testing"
	"time"

	"golive/tenants/access"
)

func TestSucceededNamesSayWhoTheyAreNow(t *testing.T) {
	cases := []struct{ name, now, want string }{
		{"NHS Medway CCG", "NHS Kent and Medway ICB", "NHS Medway CCG (now NHS Kent and Medway ICB)"},
		{"NHS Medway CCG", "", "NHS Medway CCG"},
		{"NHS Kent and Medway ICB", "NHS Kent and Medway ICB", "NHS Kent and Medway ICB"},
	}
	for _, c := range cases {
		if got := SucceededName(c.name, c.now); got != c.want {
			t.Errorf("SucceededName(%q, %q) = %q, want %q", c.name, c.now, got, c.want)
		}
	}
}

func TestFinalSuccessorFollowsTheChainToWhoHoldsThePlaceToday(t *testing.T) {
	next := map[string]string{"medway": "km-ccg", "swale": "km-ccg", "km-ccg": "km-icb", "loop-a": "loop-b", "loop-b": "loop-a"}
	cases := []struct{ id, want string }{
		{"medway", "km-icb"},
		{"km-ccg", "km-icb"},
		{"km-icb", "km-icb"},
		{"luton", "luton"},
	}
	for _, c := range cases {
		if got := FinalSuccessor(c.id, next); got != c.want {
			t.Errorf("FinalSuccessor(%s) = %s, want %s", c.id, got, c.want)
		}
	}
	// A cycle cannot be recorded; if one were, the walk still ends.
	if got := FinalSuccessor("loop-a", next); got != "loop-a" && got != "loop-b" {
		t.Errorf("a cycle gave %s", got)
	}
}

func TestASuccessionIsCheckedBeforeItIsRecorded(t *testing.T) {
	day := func(s string) time.Time { d, _ := EffectiveAt(s); return d }
	orgs := map[string]Organisation{
		"medway":  {ID: "medway", Name: "NHS Medway CCG", Kind: access.Commissioner},
		"swale":   {ID: "swale", Name: "NHS Swale CCG", Kind: access.Commissioner},
		"km-ccg":  {ID: "km-ccg", Name: "NHS Kent and Medway CCG", Kind: access.Commissioner},
		"km-icb":  {ID: "km-icb", Name: "NHS Kent and Medway ICB", Kind: access.Commissioner},
		"estuary": {ID: "estuary", Name: "Estuary Urgent Care CIC", Kind: access.Provider},
		"weald":   {ID: "weald", Name: "Weald Ambulance Service NHS Trust", Kind: access.Provider},
		"hw":      {ID: "hw", Name: "Healthwatch Kent", Kind: access.Healthwatch},
		"hw2":     {ID: "hw2", Name: "Healthwatch Medway", Kind: access.Healthwatch},
	}
	merger2020 := Succession{ID: "s1", Predecessors: []string{"medway", "swale"}, SuccessorOrgID: "km-ccg", EffectiveAt: day("2020-04-01"), State: SuccessionScheduled}
	cancelled := merger2020
	cancelled.State = SuccessionCancelled
	icb2022 := Succession{ID: "s2", Predecessors: []string{"km-ccg"}, SuccessorOrgID: "km-icb", EffectiveAt: day("2022-07-01"), State: SuccessionApplied}
	plan := func(preds []string, succ, on string, users UsersChoice) SuccessionPlan {
		return SuccessionPlan{Predecessors: preds, Successor: succ, EffectiveAt: day(on), Users: users}
	}
	cases := []struct {
		what  string
		plan  SuccessionPlan
		live  []Succession
		field string // "" when valid
	}{
		{"eight CCGs into one", plan([]string{"medway", "swale"}, "km-ccg", "2020-04-01", UsersMove), nil, ""},
		{"two providers merge, their people invited", plan([]string{"estuary"}, "weald", "2024-01-01", UsersInvite), nil, ""},
		{"the ICB after the merger that made its predecessor", plan([]string{"km-ccg"}, "km-icb", "2022-07-01", UsersMove), []Succession{merger2020}, ""},
		{"no predecessor", plan(nil, "km-ccg", "2020-04-01", UsersMove), nil, "predecessors"},
		{"no successor", plan([]string{"medway"}, "", "2020-04-01", UsersMove), nil, "successor"},
		{"an unknown successor", plan([]string{"medway"}, "nobody", "2020-04-01", UsersMove), nil, "successor"},
		{"an unknown predecessor", plan([]string{"nobody"}, "km-ccg", "2020-04-01", UsersMove), nil, "predecessors"},
		{"itself", plan([]string{"medway"}, "medway", "2020-04-01", UsersMove), nil, "predecessors"},
		{"twice the same", plan([]string{"medway", "medway"}, "km-ccg", "2020-04-01", UsersMove), nil, "predecessors"},
		{"a commissioner into a provider", plan([]string{"medway"}, "weald", "2020-04-01", UsersMove), nil, "predecessors"},
		{"a provider into a commissioner", plan([]string{"estuary"}, "km-ccg", "2020-04-01", UsersMove), nil, "predecessors"},
		{"Healthwatch is not succeeded here", plan([]string{"hw2"}, "hw", "2020-04-01", UsersMove), nil, "successor"},
		{"no date", SuccessionPlan{Predecessors: []string{"medway"}, Successor: "km-ccg", Users: UsersMove}, nil, "effective_date"},
		{"no choice for the people", plan([]string{"medway"}, "km-ccg", "2020-04-01", ""), nil, "users"},
		{"succeeded already", plan([]string{"medway"}, "km-icb", "2021-01-01", UsersMove), []Succession{merger2020}, "predecessors"},
		{"succeeded by a cancelled one only", plan([]string{"medway"}, "km-ccg", "2020-04-01", UsersMove), []Succession{cancelled}, ""},
		{"before the body exists", plan([]string{"km-ccg"}, "km-icb", "2019-07-01", UsersMove), []Succession{merger2020}, "effective_date"},
		{"into a body already succeeded", plan([]string{"swale"}, "km-ccg", "2023-01-01", UsersMove), []Succession{icb2022}, "successor"},
		{"into a body before it is succeeded", plan([]string{"swale"}, "km-ccg", "2021-01-01", UsersMove), []Succession{icb2022}, ""},
		{"back into its own predecessor", plan([]string{"km-icb"}, "medway", "2023-01-01", UsersMove), []Succession{{ID: "s3", Predecessors: []string{"medway"}, SuccessorOrgID: "km-icb", EffectiveAt: day("2020-04-01"), State: SuccessionApplied}}, "successor"},
	}
	for _, c := range cases {
		bad := CheckSuccession(c.plan, orgs, c.live)
		switch {
		case c.field == "" && len(bad) > 0:
			t.Errorf("%s: refused: %v", c.what, bad)
		case c.field != "" && bad[c.field] == "":
			t.Errorf("%s: want a message for %s, got %v", c.what, c.field, bad)
		}
	}
}

func TestASuccessionTakesEffectFromMidnightInEnglandAndIsCancelledOnlyBefore(t *testing.T) {
	summer, ok := EffectiveAt("2022-07-01")
	if !ok || !summer.Equal(time.Date(2022, 6, 30, 23, 0, 0, 0, time.UTC)) {
		t.Fatalf("1 July 2022 begins at %v (BST), want 23:00 UTC the day before", summer)
	}
	winter, _ := EffectiveAt("2020-01-01")
	if !winter.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("1 January 2020 begins at %v, want midnight UTC", winter)
	}
	for _, bad := range []string{"", "2022-13-01", "01/07/2022", "1899-01-01", "2022-02-30"} {
		if _, ok := EffectiveAt(bad); ok {
			t.Errorf("EffectiveAt(%q) accepted", bad)
		}
	}
	s := Succession{State: SuccessionScheduled, EffectiveAt: summer}
	cases := []struct {
		what string
		s    Succession
		now  time.Time
		can  bool
		due  bool
	}{
		{"the day before", s, summer.Add(-time.Minute), true, false},
		{"at midnight", s, summer, false, true},
		{"after", s, summer.Add(time.Hour), false, true},
		{"applied", Succession{State: SuccessionApplied, EffectiveAt: summer}, summer.Add(-time.Hour), false, false},
		{"cancelled", Succession{State: SuccessionCancelled, EffectiveAt: summer}, summer.Add(-time.Hour), false, false},
	}
	for _, c := range cases {
		if got := CanCancelSuccession(c.s, c.now) == ""; got != c.can {
			t.Errorf("%s: can cancel %v, want %v", c.what, got, c.can)
		}
		if got := SuccessionDue(c.s, c.now); got != c.due {
			t.Errorf("%s: due %v, want %v", c.what, got, c.due)
		}
	}
}

func TestAPersonWhoMovesKeepsEveryRoleTheyHeld(t *testing.T) {
	got := JoinRoles([]access.Role{access.RoleEvaluator, access.RoleProcurementLead}, []access.Role{access.RoleEvaluator, access.RoleApprover})
	want := []access.Role{access.RoleProcurementLead, access.RoleEvaluator, access.RoleApprover}
	if !slices.Equal(got, want) {
		t.Errorf("JoinRoles = %v, want %v", got, want)
	}
}
