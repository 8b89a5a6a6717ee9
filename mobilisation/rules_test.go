package mobilisation

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/lots"
	"golive/ukclock"
)

// lon is a wall-clock time in London ("2019-04-01 08:00"), as the seeds write go-lives.
func lon(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ukclock.London)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

type opt func(*Milestone)

func critical(m *Milestone)     { m.Critical = true }
func inPhase(id string) opt     { return func(m *Milestone) { m.PhaseID = id } }
func withStatus(s Status) opt   { return func(m *Milestone) { m.Status = s } }
func inWorkstream(w string) opt { return func(m *Milestone) { m.Workstream = w } }
func titled(t string) opt       { return func(m *Milestone) { m.Title = t } }
func accepted(day string) opt {
	return func(m *Milestone) {
		t := lon(day + " 16:00")
		m.Status, m.AcceptedAt, m.CompletedOn = Done, &t, day
	}
}

// ms is a milestone of plan "plan", phase "ph1" unless told, not started, titled after its id.
func ms(id, due string, opts ...opt) Milestone {
	m := Milestone{ID: id, PlanID: "plan", PhaseID: "ph1", Title: "Milestone " + id, DueOn: due, Status: NotStarted, Workstream: "Estates"}
	for _, o := range opts {
		o(&m)
	}
	return m
}

// dep: a depends on b.
func dep(a, b string) Dependency { return Dependency{MilestoneID: a, DependsOnID: b} }

func fieldMessage(t *testing.T, err error, field string) string {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid {
		t.Fatalf("want an apperr.Invalid, got %v", err)
	}
	if e.Fields[field] == "" {
		t.Fatalf("want a message for %q, got %v", field, e.Fields)
	}
	return e.Fields[field]
}

func TestUKCalendarDaysAcrossTheClockChanges(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{utc("2019-03-30 23:30"), "2019-03-30"}, // GMT: the UTC day
		{utc("2019-03-31 00:30"), "2019-03-31"}, // the night the clocks go forward, still GMT
		{utc("2019-03-31 23:30"), "2019-04-01"}, // BST: already the next day in London
		{utc("2019-07-01 07:00"), "2019-07-01"},
		{utc("2019-10-26 23:30"), "2019-10-27"}, // still BST until 01:00 UTC on the 27th
		{utc("2019-10-27 23:30"), "2019-10-27"}, // GMT again
		{lon("2019-04-01 00:15"), "2019-04-01"},
		{time.Date(2019, 3, 31, 20, 30, 0, 0, time.FixedZone("EDT", -4*3600)), "2019-04-01"}, // any zone in, London out
		{time.Time{}, ""},
	} {
		if got := DayOf(c.at); got != c.want {
			t.Errorf("DayOf(%v) = %q, want %q", c.at, got, c.want)
		}
	}

	for _, c := range []struct {
		day  string
		n    int
		want string
	}{
		{"2019-03-30", 1, "2019-03-31"},
		{"2019-03-31", 1, "2019-04-01"}, // a 23-hour day is still one day
		{"2019-10-27", 1, "2019-10-28"}, // a 25-hour day is still one day
		{"2019-10-28", -2, "2019-10-26"},
		{"2019-04-01", -180, "2018-10-03"},
		{"2019-03-01", -1, "2019-02-28"},
		{"2020-02-28", 1, "2020-02-29"},
		{"2019-04-01", 0, "2019-04-01"},
		{"2019-02-30", 1, ""},
		{"", 1, ""},
		{"1 April 2019", 1, ""},
	} {
		if got := AddDays(c.day, c.n); got != c.want {
			t.Errorf("AddDays(%q, %d) = %q, want %q", c.day, c.n, got, c.want)
		}
	}

	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2019-03-30", "2019-04-01", 2}, // 47 hours of London time apart
		{"2019-10-26", "2019-10-28", 2}, // 49 hours apart
		{"2019-04-01", "2019-03-30", -2},
		{"2018-10-03", "2019-04-01", 180},
		{"2019-04-01", "2019-04-01", 0},
		{"2019-04-01", "soon", 0},
	} {
		if got := DaysBetween(c.from, c.to); got != c.want {
			t.Errorf("DaysBetween(%q, %q) = %d, want %d", c.from, c.to, got, c.want)
		}
	}

	for _, c := range []struct{ in, want string }{
		{"2019-04-01", "2019-04-01"},
		{" 2019-4-1 ", "2019-04-01"},
		{"2020-02-29", "2020-02-29"},
		{"2019-02-29", ""},
		{"2019-13-01", ""},
		{"01/04/2019", ""},
		{"0219-04-01", ""},
		{"2019-04-01T08:00", ""},
		{"", ""},
	} {
		got, err := ParseDay(c.in)
		if c.want == "" {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Message == "" || got != "" {
				t.Errorf("ParseDay(%q) = %q, %v; want a message for people", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseDay(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// kentMedwayLot2 is Kent and Medway Lot 2's six phases as demo/procurements.go adds them.
func kentMedwayLot2() []lots.Phase {
	return []lots.Phase{
		{ID: "ooh", Name: "GP-led out of hours and home visits go-live", Service: "gp_ooh", GoLive: lon("2019-04-01 08:00")},
		{ID: "medway", Name: "Medway UTC go-live", Service: "utc", GoLive: lon("2019-04-01 08:00")},
		{ID: "gravesham", Name: "Gravesham UTC go-live (DGS)", Service: "utc", GoLive: lon("2019-07-01 08:00")},
		{ID: "sheppey-mem", Name: "Sheppey Memorial UTC go-live (Swale)", Service: "utc", GoLive: lon("2019-07-01 08:00")},
		{ID: "sheppey-com", Name: "Sheppey Community UTC go-live (Swale)", Service: "utc", GoLive: lon("2019-07-01 08:00")},
		{ID: "mobile", Name: "Swale mobile facility go-live", Service: "mobile_unit", GoLive: lon("2019-07-01 08:00")},
	}
}

func TestGroupLotPhasesMakesOnePlanPhasePerGoLive(t *testing.T) {
	type want struct {
		name   string
		goLive time.Time
		ids    []string
	}
	lot2 := kentMedwayLot2()
	reversed := slices.Clone(lot2)
	slices.Reverse(reversed)
	for _, c := range []struct {
		name string
		in   []lots.Phase
		want []want
	}{
		{"Kent and Medway Lot 2: six lot phases, three go-lives", lot2, []want{
			{"GP-led out of hours and home visits go-live", lon("2019-04-01 08:00"), []string{"ooh"}},
			{"Medway UTC go-live", lon("2019-04-01 08:00"), []string{"medway"}},
			{"Urgent treatment centres go-live, 1 July 2019", lon("2019-07-01 08:00"), []string{"gravesham", "sheppey-mem", "sheppey-com", "mobile"}},
		}},
		{"given in any order, they come in go-live order", reversed, []want{
			{"Medway UTC go-live", lon("2019-04-01 08:00"), []string{"medway"}},
			{"GP-led out of hours and home visits go-live", lon("2019-04-01 08:00"), []string{"ooh"}},
			{"Urgent treatment centres go-live, 1 July 2019", lon("2019-07-01 08:00"), []string{"mobile", "sheppey-com", "sheppey-mem", "gravesham"}},
		}},
		{"same UK day at different hours, across UTC midnight, is one go-live at the earliest hour", []lots.Phase{
			{ID: "a", Name: "A", Service: "utc", GoLive: lon("2019-04-01 08:00")},
			{ID: "b", Name: "B", Service: "utc", GoLive: lon("2019-04-01 00:30")}, // 23:30 UTC on 31 March
			{ID: "c", Name: "C", Service: "utc", GoLive: lon("2019-04-02 00:30")},
		}, []want{
			{"Urgent treatment centres go-live, 1 April 2019", lon("2019-04-01 00:30"), []string{"a", "b"}},
			{"C", lon("2019-04-02 00:30"), []string{"c"}},
		}},
		{"NHS 111 and CAS go live together", []lots.Phase{
			{ID: "111", Name: "NHS 111", Service: "nhs111", GoLive: lon("2019-04-01 08:00")},
			{ID: "cas", Name: "CAS", Service: "cas", GoLive: lon("2019-04-01 08:00")},
		}, []want{{"NHS 111 and clinical assessment service go-live, 1 April 2019", lon("2019-04-01 08:00"), []string{"111", "cas"}}}},
		{"no lot phases, no plan phases", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := GroupLotPhases(c.in)
			if len(got) != len(c.want) {
				t.Fatalf("got %d phases %+v, want %d", len(got), got, len(c.want))
			}
			for i, w := range c.want {
				if got[i].Name != w.name || !got[i].GoLive.Equal(w.goLive) || !slices.Equal(got[i].LotPhaseIDs, w.ids) {
					t.Errorf("phase %d = %q %v %v, want %q %v %v", i, got[i].Name, got[i].GoLive, got[i].LotPhaseIDs, w.name, w.goLive, w.ids)
				}
			}
		})
	}
}

func TestInstantiateCopiesTheTemplateIntoEveryPhase(t *testing.T) {
	tpl := []TemplateMilestone{
		{Key: "go_no_go", Title: "Go/no-go", OffsetDays: -7, Critical: true, DependsOn: "cqc dos", Position: 3, OwnerSide: Commissioner, Workstream: WSGoNoGo},
		{Key: "cqc", Title: "CQC registration", OffsetDays: -60, Critical: true, Position: 1, OwnerSide: Provider, Workstream: WSCQC},
		{Key: "dos", Title: "DoS profiling", OffsetDays: -21, DependsOn: "cqc", Position: 2, OwnerSide: Commissioner, Workstream: WSDoS},
	}
	phases := []Phase{
		{ID: "april", PlanID: "plan", GoLive: lon("2019-04-01 08:00")},
		{ID: "july", PlanID: "plan", GoLive: lon("2019-07-01 00:30")}, // 23:30 UTC on 30 June: the UK day counts
	}
	got, deps, err := Instantiate(tpl, phases)
	if err != nil {
		t.Fatal(err)
	}
	due := map[string]string{}
	byID := map[string]Milestone{}
	for _, m := range got {
		if _, dup := byID[m.ID]; dup || !validID(m.ID) {
			t.Fatalf("milestone id %q is not a fresh id", m.ID)
		}
		byID[m.ID] = m
		due[m.PhaseID+"/"+m.TemplateKey] = m.DueOn
		if m.PlanID != "plan" || m.Status != NotStarted {
			t.Errorf("%s: plan %q status %q", m.TemplateKey, m.PlanID, m.Status)
		}
	}
	wantDue := map[string]string{
		"april/cqc": "2019-01-31", "april/dos": "2019-03-11", "april/go_no_go": "2019-03-25",
		"july/cqc": "2019-05-02", "july/dos": "2019-06-10", "july/go_no_go": "2019-06-24",
	}
	if fmt.Sprint(due) != fmt.Sprint(wantDue) {
		t.Errorf("due days %v, want %v", due, wantDue)
	}
	if got[0].TemplateKey != "cqc" || got[0].Title != "CQC registration" || !got[0].Critical || got[0].OwnerSide != Provider || got[0].Workstream != WSCQC {
		t.Errorf("first milestone %+v, want the template's first by position, copied", got[0])
	}
	var edges []string
	for _, d := range deps {
		a, b := byID[d.MilestoneID], byID[d.DependsOnID]
		if a.PhaseID != b.PhaseID {
			t.Errorf("a dependency crosses phases: %s/%s on %s/%s", a.PhaseID, a.TemplateKey, b.PhaseID, b.TemplateKey)
		}
		edges = append(edges, a.PhaseID+":"+a.TemplateKey+"->"+b.TemplateKey)
	}
	slices.Sort(edges)
	wantEdges := []string{"april:dos->cqc", "april:go_no_go->cqc", "april:go_no_go->dos", "july:dos->cqc", "july:go_no_go->cqc", "july:go_no_go->dos"}
	if !slices.Equal(edges, wantEdges) {
		t.Errorf("dependencies %v, want %v", edges, wantEdges)
	}

	for _, c := range []struct {
		name  string
		tpl   []TemplateMilestone
		field string
		names []string
	}{
		{"unknown key", []TemplateMilestone{{Key: "a", Title: "Alpha", DependsOn: "b"}}, "depends_on", []string{"Alpha", "b"}},
		{"cycle", []TemplateMilestone{{Key: "a", Title: "Alpha", DependsOn: "c"}, {Key: "b", Title: "Beta", DependsOn: "a"}, {Key: "c", Title: "Gamma", DependsOn: "b"}}, "depends_on", []string{"Alpha", "Beta", "Gamma"}},
		{"depends on itself", []TemplateMilestone{{Key: "a", Title: "Alpha", DependsOn: "a"}}, "depends_on", []string{"Alpha"}},
		{"key twice", []TemplateMilestone{{Key: "a", Title: "Alpha"}, {Key: "a", Title: "Again"}}, "key", []string{"a"}},
		{"no key", []TemplateMilestone{{Title: "Alpha"}}, "key", []string{"Alpha"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, deps, err := Instantiate(c.tpl, phases)
			msg := fieldMessage(t, err, c.field)
			for _, n := range c.names {
				if !strings.Contains(msg, n) {
					t.Errorf("message %q does not name %q", msg, n)
				}
			}
			if got != nil || deps != nil {
				t.Errorf("refused, yet made %d milestones", len(got))
			}
		})
	}
}

func TestFindCycle(t *testing.T) {
	for _, c := range []struct {
		name string
		deps []Dependency
		want []string
	}{
		{"none: a chain", []Dependency{dep("c", "b"), dep("b", "a")}, nil},
		{"none: no dependencies", nil, nil},
		{"diamond without a cycle", []Dependency{dep("d", "b"), dep("d", "c"), dep("b", "a"), dep("c", "a")}, nil},
		{"self", []Dependency{dep("b", "a"), dep("x", "x")}, []string{"x"}},
		{"two depend on each other", []Dependency{dep("b", "a"), dep("a", "b")}, []string{"a", "b"}},
		{"a long cycle behind a chain, given in any order", []Dependency{
			dep("start", "m3"), dep("m5", "m1"), dep("m2", "m3"), dep("m1", "m2"), dep("m4", "m5"), dep("m3", "m4"), dep("m4", "side"),
		}, []string{"m1", "m2", "m3", "m4", "m5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := FindCycle(c.deps)
			if !slices.Equal(got, c.want) {
				t.Fatalf("FindCycle = %v, want %v", got, c.want)
			}
			// Each depends on the next, the last on the first.
			for i := range got {
				if !slices.Contains(c.deps, dep(got[i], got[(i+1)%len(got)])) {
					t.Errorf("%s does not depend on %s", got[i], got[(i+1)%len(got)])
				}
			}
		})
	}
}

func TestCheckDependencies(t *testing.T) {
	plan := []Milestone{ms("a", "2019-03-01", titled("Leases agreed")), ms("b", "2019-03-10", titled("Works done")), ms("c", "2019-03-20", titled("Telephony live"))}
	other := ms("x", "2019-03-01", titled("Elsewhere"))
	other.PlanID = "another plan"
	all := append(slices.Clone(plan), other)
	for _, c := range []struct {
		name  string
		deps  []Dependency
		names []string // "" for none: accepted
	}{
		{"a chain is fine", []Dependency{dep("b", "a"), dep("c", "b"), dep("c", "a")}, nil},
		{"itself", []Dependency{dep("b", "b")}, []string{"Works done"}},
		{"a milestone that is not there", []Dependency{dep("b", "nope")}, []string{"this plan"}},
		{"another plan", []Dependency{dep("b", "x")}, []string{"Works done", "Elsewhere"}},
		{"a cycle", []Dependency{dep("b", "a"), dep("c", "b"), dep("a", "c")}, []string{"Leases agreed", "Works done", "Telephony live"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckDependencies(all, c.deps)
			if c.names == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			msg := fieldMessage(t, err, "depends_on")
			for _, n := range c.names {
				if !strings.Contains(msg, n) {
					t.Errorf("message %q does not name %q", msg, n)
				}
			}
		})
	}
}

func TestForecast(t *testing.T) {
	const today = "2019-03-01"
	acceptedNoDay := ms("accepted-no-day", "2019-02-27")
	at := lon("2019-03-01 00:30") // 28 February in UTC
	acceptedNoDay.AcceptedAt, acceptedNoDay.Status = &at, Done

	for _, c := range []struct {
		name string
		ms   []Milestone
		deps []Dependency
		want map[string]MilestoneForecast
	}{
		{"done early finishes when accepted, no slip", []Milestone{ms("a", "2019-03-10", accepted("2019-03-05"))}, nil,
			map[string]MilestoneForecast{"a": {"2019-03-05", 0, false}}},
		{"done late: late by the days after its due day", []Milestone{ms("a", "2019-02-20", accepted("2019-02-25"))}, nil,
			map[string]MilestoneForecast{"a": {"2019-02-25", 5, true}}},
		{"done without a completed day: the UK day it was accepted", []Milestone{acceptedNoDay}, nil,
			map[string]MilestoneForecast{"accepted-no-day": {"2019-03-01", 2, true}}},
		{"overdue finishes today at the earliest", []Milestone{ms("a", "2019-02-25", withStatus(InProgress))}, nil,
			map[string]MilestoneForecast{"a": {"2019-03-01", 4, true}}},
		{"due today is not late yet", []Milestone{ms("a", today)}, nil,
			map[string]MilestoneForecast{"a": {today, 0, false}}},
		{"a slip propagates down a chain with the gaps kept", []Milestone{
			ms("lease", "2019-02-20"), ms("works", "2019-03-10"), ms("telephony", "2019-03-31"), ms("unrelated", "2019-03-15"),
		}, []Dependency{dep("works", "lease"), dep("telephony", "works")},
			map[string]MilestoneForecast{
				"lease":     {"2019-03-01", 9, true},
				"works":     {"2019-03-19", 9, true}, // 18 days of work after the lease, not "whenever the lease is done"
				"telephony": {"2019-04-09", 9, true},
				"unrelated": {"2019-03-15", 0, false},
			}},
		{"a diamond takes the larger push", []Milestone{
			ms("top", "2019-02-10"), ms("left", "2019-02-26"), ms("right", "2019-02-20"), ms("bottom", "2019-03-15"),
		}, []Dependency{dep("left", "top"), dep("right", "top"), dep("bottom", "left"), dep("bottom", "right")},
			map[string]MilestoneForecast{
				"top":    {"2019-03-01", 19, true},
				"left":   {"2019-03-17", 19, true},
				"right":  {"2019-03-11", 19, true},
				"bottom": {"2019-04-03", 19, true},
			}},
		{"two slips into one: the larger wins", []Milestone{
			ms("x", "2019-02-26"), ms("y", "2019-02-20"), ms("z", "2019-03-15"),
		}, []Dependency{dep("z", "x"), dep("z", "y")},
			map[string]MilestoneForecast{
				"x": {"2019-03-01", 3, true}, "y": {"2019-03-01", 9, true}, "z": {"2019-03-24", 9, true},
			}},
		{"a dependency due after the milestone pushes it to its own finish, no gap", []Milestone{
			ms("early", "2019-03-05"), ms("later", "2019-03-10"), ms("root", "2019-02-01"),
		}, []Dependency{dep("early", "later"), dep("later", "root")},
			map[string]MilestoneForecast{
				"root": {"2019-03-01", 28, true}, "later": {"2019-04-07", 28, true}, "early": {"2019-04-07", 33, true},
			}},
		{"a dependency done early does not pull a milestone forward", []Milestone{
			ms("a", "2019-02-20", accepted("2019-02-01")), ms("b", "2019-03-10"),
		}, []Dependency{dep("b", "a")},
			map[string]MilestoneForecast{"a": {"2019-02-01", 0, false}, "b": {"2019-03-10", 0, false}}},
		{"a done milestone finished, whatever it depended on", []Milestone{
			ms("a", "2019-02-20"), ms("b", "2019-02-25", accepted("2019-02-24")),
		}, []Dependency{dep("b", "a")},
			map[string]MilestoneForecast{"a": {"2019-03-01", 9, true}, "b": {"2019-02-24", 0, false}}},
		{"a cycle that slipped into the data does not hang", []Milestone{ms("a", "2019-03-10"), ms("b", "2019-03-20")},
			[]Dependency{dep("a", "b"), dep("b", "a")},
			map[string]MilestoneForecast{"a": {"2019-03-10", 0, false}, "b": {"2019-03-20", 0, false}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Forecast(c.ms, c.deps, today)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("Forecast =\n%v\nwant\n%v", got, c.want)
			}
		})
	}
}

func TestPhaseForecast(t *testing.T) {
	const today = "2019-03-01"
	ph1 := Phase{ID: "ph1", PlanID: "plan", GoLive: lon("2019-04-01 08:00")}
	ph2 := Phase{ID: "ph2", PlanID: "plan", GoLive: lon("2019-07-01 08:00")}
	for _, c := range []struct {
		name     string
		ph       Phase
		ms       []Milestone
		deps     []Dependency
		forecast string
		slip     int
		path     []string
	}{
		{"a slip moves the go-live and the path runs through it", ph1, []Milestone{
			ms("lease", "2019-02-24"), ms("works", "2019-03-10", critical), ms("signage", "2019-03-20"), ms("gng", "2019-03-25", critical),
			ms("late-but-not-critical", "2019-02-01"),
		}, []Dependency{dep("works", "lease"), dep("gng", "works"), dep("gng", "signage")},
			"2019-04-06", 5, []string{"lease", "works", "gng"}},
		{"no slip still gives the chain with the least slack", ph1, []Milestone{
			ms("a1", "2019-03-05"), ms("b1", "2019-03-20", critical), ms("a2", "2019-03-02"), ms("b2", "2019-03-10", critical), ms("gng", "2019-03-25", critical),
		}, []Dependency{dep("b1", "a1"), dep("b2", "a2"), dep("gng", "b1"), dep("gng", "b2")},
			"2019-04-01", 0, []string{"a1", "b1", "gng"}},
		{"the driving branch, not the nearest, when one has slipped", ph1, []Milestone{
			ms("a1", "2019-03-05"), ms("b1", "2019-03-20", critical), ms("a2", "2019-02-20"), ms("b2", "2019-03-10", critical), ms("gng", "2019-03-25", critical),
		}, []Dependency{dep("b1", "a1"), dep("b2", "a2"), dep("gng", "b1"), dep("gng", "b2")},
			"2019-04-10", 9, []string{"a2", "b2", "gng"}},
		{"a late milestone of an earlier phase moves a later phase that depends on it", ph2, []Milestone{
			ms("estates", "2019-02-15"), ms("utc-works", "2019-06-01", inPhase("ph2"), critical), ms("other", "2019-06-20", inPhase("ph2"), critical),
		}, []Dependency{dep("utc-works", "estates")},
			"2019-07-15", 14, []string{"estates", "utc-works"}},
		{"with no critical milestone, all of the phase's count", ph1, []Milestone{
			ms("a", "2019-02-27"), ms("b", "2019-03-20"), ms("elsewhere", "2019-01-01", inPhase("ph2"), critical),
		}, []Dependency{dep("b", "a")},
			"2019-04-03", 2, []string{"a", "b"}},
		{"a phase with no milestones goes live on its day", ph1, nil, nil, "2019-04-01", 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := PhaseForecast(c.ph, c.ms, c.deps, Forecast(c.ms, c.deps, today))
			if got.GoLiveDay != DayOf(c.ph.GoLive) || got.ForecastDay != c.forecast || got.SlipDays != c.slip || !slices.Equal(got.CriticalPath, c.path) {
				t.Errorf("PhaseForecast = %+v, want go-live %s forecast %s slip %d path %v", got, DayOf(c.ph.GoLive), c.forecast, c.slip, c.path)
			}
		})
	}
}

func TestMilestoneRAG(t *testing.T) {
	const today = "2019-03-01"
	requested := ms("r", "2019-02-27", withStatus(Done))
	requested.CompletionRequestedAt = &time.Time{}
	for _, c := range []struct {
		name   string
		m      Milestone
		fc     MilestoneForecast
		deps   []RAG
		want   RAG
		reason string
	}{
		{"done once accepted, even if it was late", ms("a", "2019-02-01", accepted("2019-02-20")), MilestoneForecast{"2019-02-20", 19, true}, []RAG{RAGRed}, RAGDone, "Done on 20 February 2019"},
		{"blocked", ms("a", "2019-06-01", withStatus(Blocked)), MilestoneForecast{"2019-06-01", 0, false}, nil, RAGRed, "Blocked"},
		{"overdue", ms("a", "2019-02-26", withStatus(InProgress)), MilestoneForecast{today, 3, true}, nil, RAGRed, "Overdue by 3 days"},
		{"overdue though reported done: waiting for acceptance", requested, MilestoneForecast{today, 2, true}, nil, RAGRed, "waiting for acceptance"},
		{"forecast past its due day", ms("a", "2019-05-01", withStatus(InProgress)), MilestoneForecast{"2019-05-08", 7, true}, []RAG{RAGRed}, RAGRed, "Forecast to finish on 8 May 2019, 7 days after"},
		{"due in 14 days and not started", ms("a", "2019-03-15"), MilestoneForecast{"2019-03-15", 0, false}, nil, RAGAmber, "Due in 14 days and not started"},
		{"due today and not started", ms("a", today), MilestoneForecast{today, 0, false}, nil, RAGAmber, "Due today"},
		{"due in 15 days and not started", ms("a", "2019-03-16"), MilestoneForecast{"2019-03-16", 0, false}, nil, RAGGreen, "On track"},
		{"due soon but started", ms("a", "2019-03-05", withStatus(InProgress)), MilestoneForecast{"2019-03-05", 0, false}, nil, RAGGreen, "On track"},
		{"depends on something red", ms("a", "2019-05-01"), MilestoneForecast{"2019-05-01", 0, false}, []RAG{RAGGreen, RAGRed}, RAGAmber, "Depends on a milestone that is red"},
		{"depends on something amber: still green", ms("a", "2019-05-01"), MilestoneForecast{"2019-05-01", 0, false}, []RAG{RAGAmber, RAGDone}, RAGGreen, "On track"},
		{"green", ms("a", "2019-05-01"), MilestoneForecast{"2019-05-01", 0, false}, nil, RAGGreen, "On track"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, why := MilestoneRAG(c.m, c.fc, c.deps, today)
			if got != c.want || !strings.Contains(why, c.reason) {
				t.Errorf("MilestoneRAG = %s %q, want %s with %q", got, why, c.want, c.reason)
			}
		})
	}
}

func TestRollup(t *testing.T) {
	for _, c := range []struct {
		in   []RAG
		want RAG
	}{
		{[]RAG{RAGGreen, RAGRed, RAGAmber}, RAGRed},
		{[]RAG{RAGGreen, RAGAmber, RAGDone}, RAGAmber},
		{[]RAG{RAGDone, RAGGreen}, RAGGreen},
		{[]RAG{RAGDone, RAGDone}, RAGDone},
		{[]RAG{RAGDone, ""}, RAGGreen},
		{nil, RAGGreen},
	} {
		if got := Rollup(c.in); got != c.want {
			t.Errorf("Rollup(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestAssessASmallPlan(t *testing.T) {
	const today = "2019-03-01"
	live := lon("2018-10-01 08:00")
	phases := []Phase{
		{ID: "ph1", PlanID: "plan", Name: "April", GoLive: lon("2019-04-01 08:00")},
		{ID: "ph2", PlanID: "plan", Name: "July", GoLive: lon("2019-07-01 08:00")},
		{ID: "ph3", PlanID: "plan", Name: "Pilot", GoLive: lon("2018-10-01 08:00"), State: Live, LiveAt: &live},
		{ID: "ph4", PlanID: "plan", Name: "Amber only", GoLive: lon("2019-09-01 08:00")},
	}
	milestones := []Milestone{
		ms("lease", "2019-02-25", inWorkstream("Estates")),
		ms("works", "2019-03-20", inWorkstream("Estates"), critical),
		ms("comms", "2019-03-10", inWorkstream("Comms"), withStatus(InProgress)),
		ms("recruit", "2019-06-01", inPhase("ph2"), inWorkstream("Workforce"), withStatus(Blocked)),
		ms("train", "2019-06-20", inPhase("ph2"), inWorkstream("Workforce"), critical),
		ms("it", "2019-02-20", inPhase("ph2"), inWorkstream("IT"), accepted("2019-02-18")),
		ms("pilot", "2018-09-01", inPhase("ph3"), accepted("2018-09-01")),
		ms("soon", "2019-03-10", inPhase("ph4"), critical),
	}
	deps := []Dependency{dep("works", "lease"), dep("train", "recruit")}
	a := Assess(Plan{ID: "plan"}, phases, milestones, deps, today)

	wantMs := map[string]RAG{"lease": RAGRed, "works": RAGRed, "comms": RAGGreen, "recruit": RAGRed, "train": RAGAmber, "it": RAGDone, "pilot": RAGDone, "soon": RAGAmber}
	for id, want := range wantMs {
		if got := a.Milestones[id]; got.RAG != want || got.Reason == "" {
			t.Errorf("milestone %s: %s %q, want %s with a reason", id, got.RAG, got.Reason, want)
		}
	}
	if f := a.Milestones["works"].Forecast; f.Finish != "2019-03-24" || f.SlipDays != 4 {
		t.Errorf("works forecast %+v, want 2019-03-24, 4 days late", f)
	}
	if r := a.Milestones["train"].Reason; r != "Depends on a milestone that is red" {
		t.Errorf("train: %q", r)
	}

	for _, c := range []struct {
		phase, reason string
		rag           RAG
		workstreams   map[string]RAG
		forecast      string
	}{
		{"ph1", "Forecast to go live on 5 April 2019, 4 days late", RAGRed, map[string]RAG{"Estates": RAGRed, "Comms": RAGGreen}, "2019-04-05"},
		{"ph2", "1 milestone is red", RAGRed, map[string]RAG{"Workforce": RAGRed, "IT": RAGDone}, "2019-07-01"},
		{"ph3", "Live since 1 October 2018", RAGDone, map[string]RAG{"Estates": RAGDone}, "2018-10-01"},
		{"ph4", "1 milestone needs attention soon", RAGAmber, map[string]RAG{"Estates": RAGAmber}, "2019-09-01"},
	} {
		got := a.Phases[c.phase]
		if got.RAG != c.rag || got.Reason != c.reason || fmt.Sprint(got.Workstreams) != fmt.Sprint(c.workstreams) || got.Outlook.ForecastDay != c.forecast {
			t.Errorf("phase %s = %s %q %v forecast %s; want %s %q %v forecast %s", c.phase, got.RAG, got.Reason, got.Workstreams, got.Outlook.ForecastDay, c.rag, c.reason, c.workstreams, c.forecast)
		}
	}
	if a.RAG != RAGRed {
		t.Errorf("plan %s, want red", a.RAG)
	}

	// Critical milestones done late delay nothing once nothing open waits for them; while something
	// does, their slip carries on through it.
	doneLate := []Milestone{ms("dos", "2019-03-10", critical, accepted("2019-03-12")), ms("gng", "2019-02-25", critical, accepted("2019-02-27"))}
	a = Assess(Plan{ID: "plan"}, phases[:1], doneLate, []Dependency{dep("gng", "dos")}, today)
	if p := a.Phases["ph1"]; p.RAG != RAGDone || p.Outlook.SlipDays != 0 || p.Reason != "Every milestone is done" {
		t.Errorf("every milestone done, some late: %+v", p)
	}
	waiting := append(doneLate[:1:1], ms("gng", "2019-03-25", critical, withStatus(InProgress)))
	a = Assess(Plan{ID: "plan"}, phases[:1], waiting, []Dependency{dep("gng", "dos")}, today)
	if p := a.Phases["ph1"]; p.RAG != RAGRed || p.Outlook.SlipDays != 2 || p.Outlook.ForecastDay != "2019-04-03" || !slices.Equal(p.Outlook.CriticalPath, []string{"dos", "gng"}) {
		t.Errorf("the go/no-go waits for a milestone done 2 days late: %+v", p)
	}
}

func TestReadyToGoLive(t *testing.T) {
	ph := Phase{ID: "ph1", PlanID: "plan", GoLive: lon("2019-04-01 08:00")}
	doneAll := []Milestone{
		ms("cqc", "2019-01-31", critical, titled("CQC registration confirmed"), accepted("2019-01-30")),
		ms("gng", "2019-03-25", critical, titled("Go/no-go"), accepted("2019-03-25")),
		ms("signage", "2019-03-20", titled("Signage")), // not critical: does not hold the gate
		ms("other-phase", "2019-06-01", critical, inPhase("ph2"), titled("July works")),
	}
	reported := slices.Clone(doneAll)
	reported[0].AcceptedAt, reported[0].CompletedOn = nil, ""
	open := slices.Clone(doneAll)
	open[1] = ms("gng", "2019-03-25", critical, titled("Go/no-go"), withStatus(InProgress))
	participants := []string{"NHS Medway CCG", "NHS Swale CCG"}
	allGo := []GoLiveDecision{{PhaseID: "ph1", OrgID: "NHS Medway CCG", Decision: Go}, {PhaseID: "ph1", OrgID: "NHS Swale CCG", Decision: Go}}
	for _, c := range []struct {
		name         string
		ph           Phase
		ms           []Milestone
		ds           []GoLiveDecision
		participants []string
		missing      []string
	}{
		{"ready", ph, doneAll, allGo, participants, nil},
		{"a critical milestone not done is named", ph, open, allGo, participants, []string{"“Go/no-go” is not done"}},
		{"reported done but not accepted is named", ph, reported, allGo, participants, []string{"“CQC registration confirmed” is waiting for the commissioner to accept it as done"}},
		{"a missing decision is named", ph, doneAll, allGo[:1], participants, []string{"NHS Swale CCG has not made a go/no-go decision"}},
		{"a decision on another phase does not count", ph, doneAll, []GoLiveDecision{allGo[0], {PhaseID: "ph2", OrgID: "NHS Swale CCG", Decision: Go}}, participants,
			[]string{"NHS Swale CCG has not made a go/no-go decision"}},
		{"a no-go is named with its reason", ph, doneAll, []GoLiveDecision{allGo[0], {PhaseID: "ph1", OrgID: "NHS Swale CCG", Decision: NoGo, Reason: "Rota 80% filled"}}, participants,
			[]string{"NHS Swale CCG decided no-go: Rota 80% filled"}},
		{"everything missing, in order", ph, open, []GoLiveDecision{{PhaseID: "ph1", OrgID: "NHS Medway CCG", Decision: NoGo}}, participants,
			[]string{"“Go/no-go” is not done", "NHS Medway CCG decided no-go", "NHS Swale CCG has not made a go/no-go decision"}},
		{"nobody to sign", ph, doneAll, nil, nil, []string{"No participating commissioner can sign the readiness decision"}},
		{"already live", Phase{ID: "ph1", State: Live}, doneAll, allGo, participants, []string{"This phase is already live"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ok, missing := ReadyToGoLive(c.ph, c.ms, c.ds, c.participants)
			if ok != (c.missing == nil) || !slices.Equal(missing, c.missing) {
				t.Errorf("ReadyToGoLive = %v %q, want %q", ok, missing, c.missing)
			}
		})
	}
}

func TestAGoWithOpenCriticalMilestonesMustAcknowledgeThem(t *testing.T) {
	ph := Phase{ID: "ph1", PlanID: "plan", GoLive: lon("2019-04-01 08:00")}
	all := []Milestone{
		ms("gng", "2019-03-25", critical, titled("Go/no-go"), withStatus(InProgress)),
		ms("cqc", "2019-01-31", critical, titled("CQC registration confirmed"), withStatus(Done)), // reported, not accepted
		ms("dos", "2019-02-28", critical, titled("DoS profiles live"), accepted("2019-02-27")),
		ms("signage", "2019-03-20", titled("Signage")),                           // not critical
		ms("july", "2019-06-01", critical, inPhase("ph2"), titled("July works")), // another phase
	}
	done := slices.Clone(all)
	done[0], done[1] = ms("gng", "2019-03-25", critical, accepted("2019-03-25")), ms("cqc", "2019-01-31", critical, accepted("2019-01-30"))
	for _, c := range []struct {
		name     string
		decision Decision
		ms       []Milestone
		want     []string // ids, in the order ReadyToGoLive names them
	}{
		{"a go names the phase's open critical milestones, due first first", Go, all, []string{"cqc", "gng"}},
		{"a no-go needs no acknowledgement", NoGo, all, nil},
		{"a go once every critical milestone is accepted needs none", Go, done, nil},
		{"an unknown decision needs none", "maybe", all, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, m := range OpenCriticalToAcknowledge(c.decision, ph, c.ms) {
				got = append(got, m.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("OpenCriticalToAcknowledge = %v, want %v", got, c.want)
			}
		})
	}

	const confirm21 = "Confirm you are signing go with 21 critical milestones still open"
	const why = "Enter the reason for signing go with critical milestones still open"
	for _, c := range []struct {
		name         string
		open         int
		acknowledged bool
		reason       string
		want         map[string]string
	}{
		{"nothing open passes without a word", 0, false, "", nil},
		{"open and neither confirmed nor explained", 21, false, "", map[string]string{AcknowledgeField: confirm21, AcknowledgementField: why}},
		{"confirmed without a reason", 21, true, "  ", map[string]string{AcknowledgementField: why}},
		{"a reason without confirming", 21, false, "Assured by the CQC", map[string]string{AcknowledgeField: confirm21}},
		{"one is singular", 1, false, "Assured", map[string]string{AcknowledgeField: "Confirm you are signing go with 1 critical milestone still open"}},
		{"confirmed and explained passes", 21, true, "The CQC confirmed registration by telephone; the letter follows", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CheckAcknowledgement(c.open, c.acknowledged, c.reason); !maps.Equal(got, c.want) {
				t.Errorf("CheckAcknowledgement = %q, want %q", got, c.want)
			}
		})
	}
}

func TestParseOffsets(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
	}{
		{"14,7,1", []int{14, 7, 1}},
		{" 1, 30 ,7", []int{30, 7, 1}},
		{"90", []int{90}},
		{"1", []int{1}},
	} {
		got, err := ParseOffsets(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseOffsets(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, says string }{
		{"7,14,7", "7 days is there twice"},
		{"0", "not 0"},
		{"91", "not 91"},
		{"14,-1", "not -1"},
		{"a week", "“a week” is not a whole number"},
		{"7.5", "“7.5” is not a whole number"},
		{"14,,1", "separated by commas"},
		{"", "Enter the days"},
		{"  ", "Enter the days"},
	} {
		got, err := ParseOffsets(c.in)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || !strings.Contains(e.Message, c.says) || got != nil {
			t.Errorf("ParseOffsets(%q) = %v, %v; want a message with %q", c.in, got, err, c.says)
		}
	}
}

func TestReminderSendAtAcrossTheClockChanges(t *testing.T) {
	for _, c := range []struct {
		day  string
		hour int
		want time.Time
	}{
		{"2019-03-30", 8, utc("2019-03-30 08:00")}, // GMT
		{"2019-03-31", 8, utc("2019-03-31 07:00")}, // the clocks went forward at 01:00
		{"2019-04-01", 8, utc("2019-04-01 07:00")},
		{"2019-10-26", 8, utc("2019-10-26 07:00")},
		{"2019-10-27", 8, utc("2019-10-27 08:00")}, // the clocks went back at 02:00 BST
		{"2019-03-31", 0, utc("2019-03-31 00:00")},
		{"2019-03-31", 1, utc("2019-03-31 01:00")}, // 01:00 does not exist: 02:00 BST, just after the gap
		{"2019-10-27", 0, utc("2019-10-26 23:00")},
		{"2019-10-27", 1, utc("2019-10-27 00:00")}, // 01:00 happens twice: the first
		{"2019-10-27", 2, utc("2019-10-27 02:00")},
		{"2019-12-31", 23, utc("2019-12-31 23:00")},
		{"not a day", 8, time.Time{}},
	} {
		got := ReminderSendAt(c.day, c.hour)
		if !got.Equal(c.want) || (!got.IsZero() && got.Location() != time.UTC) {
			t.Errorf("ReminderSendAt(%q, %d) = %v, want %v", c.day, c.hour, got, c.want)
		}
	}
	// Every day of a year, at the hours reminders go: that hour of that day on a London clock.
	for i := range 365 {
		d := time.Date(2019, 1, 1+i, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		for _, h := range []int{0, 8, 12, 23} {
			l := ReminderSendAt(d, h).In(ukclock.London)
			if l.Format("2006-01-02") != d || l.Hour() != h || l.Minute() != 0 {
				t.Fatalf("ReminderSendAt(%q, %d) is %v in London", d, h, l)
			}
		}
	}

	got := DueReminderDays("2019-04-01", []int{14, 7, 1})
	want := map[int]string{14: "2019-03-18", 7: "2019-03-25", 1: "2019-03-31"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DueReminderDays = %v, want %v", got, want)
	}
	if got := DueReminderDays("", []int{14}); len(got) != 0 {
		t.Errorf("DueReminderDays without a due day = %v", got)
	}
	for _, c := range []struct {
		due, today string
		want       int
	}{{"2019-03-01", "2019-03-04", 3}, {"2019-03-01", "2019-03-01", 0}, {"2019-03-05", "2019-03-01", 0}, {"2019-03-30", "2019-04-01", 2}} {
		if got := OverdueDays(c.due, c.today); got != c.want {
			t.Errorf("OverdueDays(%s, %s) = %d, want %d", c.due, c.today, got, c.want)
		}
	}
}

func TestDefaultTemplate(t *testing.T) {
	tpl := DefaultTemplate()
	if len(tpl) < 25 || len(tpl) > 45 {
		t.Errorf("%d milestones; the default should be about thirty", len(tpl))
	}
	byKey := map[string]TemplateMilestone{}
	for _, m := range tpl {
		if m.Key == "" || m.Title == "" || m.Workstream == "" || (m.OwnerSide != Commissioner && m.OwnerSide != Provider) {
			t.Errorf("incomplete milestone %+v", m)
		}
		if _, dup := byKey[m.Key]; dup {
			t.Errorf("key %q twice", m.Key)
		}
		byKey[m.Key] = m
	}
	var keyDeps []Dependency
	for _, m := range tpl {
		for _, k := range templateKeys(m.DependsOn) {
			d, ok := byKey[k]
			if !ok {
				t.Errorf("%s depends on unknown %q", m.Key, k)
				continue
			}
			if d.OffsetDays > m.OffsetDays {
				t.Errorf("%s (%d) depends on %s, due later (%d)", m.Key, m.OffsetDays, k, d.OffsetDays)
			}
			keyDeps = append(keyDeps, dep(m.Key, k))
		}
	}
	if c := FindCycle(keyDeps); c != nil {
		t.Errorf("cycle %v", c)
	}
	if _, _, err := Instantiate(tpl, []Phase{{ID: "ph1", PlanID: "plan", GoLive: lon("2019-04-01 08:00")}}); err != nil {
		t.Errorf("Instantiate: %v", err)
	}

	// The workstreams the issue lists, each met by a workstream or a milestone of the template.
	text := func(m TemplateMilestone) string { return strings.ToLower(m.Workstream + " " + m.Title) }
	for _, need := range []string{"governance and contract", "workforce", "recruitment", "training", "tupe consultation",
		"estates", "telephony", "clinical systems", "interoperability", "directory of services", "cqc registration",
		"information governance", "clinical governance and safety", "communications and engagement", "testing and readiness", "go/no-go"} {
		if !slices.ContainsFunc(tpl, func(m TemplateMilestone) bool { return strings.Contains(text(m), need) }) {
			t.Errorf("nothing covers %q", need)
		}
	}
	seen := map[string]bool{}
	for _, m := range tpl {
		seen[m.Workstream] = true
	}
	for _, w := range DefaultWorkstreams {
		if !seen[w] {
			t.Errorf("workstream %q has no milestone", w)
		}
	}
	if len(seen) != len(DefaultWorkstreams) {
		t.Errorf("%d workstreams used, %d listed", len(seen), len(DefaultWorkstreams))
	}

	for key, off := range map[string]int{"tupe_consultation": -150, "cqc_registration": -60, "dos_profiling": -21, "go_no_go": -7} {
		if byKey[key].OffsetDays != off {
			t.Errorf("%s offset %d, want %d", key, byKey[key].OffsetDays, off)
		}
	}

	// It ends in the go/no-go, which every critical milestone leads to.
	last := tpl[len(tpl)-1]
	if last.Workstream != WSGoNoGo || !last.Critical {
		t.Fatalf("last milestone %+v, want the critical go/no-go", last)
	}
	for _, m := range tpl {
		if m.OffsetDays > last.OffsetDays {
			t.Errorf("%s is due after the go/no-go", m.Key)
		}
	}
	leadsTo := map[string]bool{last.Key: true}
	for changed := true; changed; {
		changed = false
		for _, d := range keyDeps {
			if leadsTo[d.MilestoneID] && !leadsTo[d.DependsOnID] {
				leadsTo[d.DependsOnID], changed = true, true
			}
		}
	}
	for _, m := range tpl {
		if m.Critical && !leadsTo[m.Key] {
			t.Errorf("critical %s does not lead to the go/no-go", m.Key)
		}
	}
	if byKey["contract_signed"].OffsetDays != slices.MinFunc(tpl, func(a, b TemplateMilestone) int { return a.OffsetDays - b.OffsetDays }).OffsetDays {
		t.Errorf("the contract is not the first thing")
	}
}

// benchPlan is 3 phases of 300 milestones, each depending on the one before and on one three
// back (chains that branch and join), some done, some overdue, some blocked.
func benchPlan() ([]Phase, []Milestone, []Dependency) {
	var phases []Phase
	var milestones []Milestone
	var deps []Dependency
	for p := 0; p < 3; p++ {
		ph := Phase{ID: fmt.Sprintf("ph%d", p), PlanID: "plan", GoLive: lon("2019-04-01 08:00").AddDate(0, 3*p, 0)}
		phases = append(phases, ph)
		goLive := DayOf(ph.GoLive)
		for i := 0; i < 300; i++ {
			id := fmt.Sprintf("%s-%03d", ph.ID, i)
			m := ms(id, AddDays(goLive, -300+i), inPhase(ph.ID), inWorkstream(DefaultWorkstreams[i%len(DefaultWorkstreams)]))
			m.Critical = i%5 == 0
			m.Position = i
			switch {
			case i < 150 && i%7 != 3:
				m = ms(id, m.DueOn, inPhase(ph.ID), inWorkstream(m.Workstream), accepted(m.DueOn))
			case i%11 == 0:
				m.Status = Blocked
			}
			milestones = append(milestones, m)
			if i > 0 {
				deps = append(deps, dep(id, fmt.Sprintf("%s-%03d", ph.ID, i-1)))
			}
			if i > 3 {
				deps = append(deps, dep(id, fmt.Sprintf("%s-%03d", ph.ID, i-3)))
			}
		}
	}
	return phases, milestones, deps
}

func BenchmarkAssess(b *testing.B) {
	phases, milestones, deps := benchPlan()
	b.ReportAllocs()
	for b.Loop() {
		a := Assess(Plan{ID: "plan"}, phases, milestones, deps, "2019-01-15")
		if len(a.Milestones) != len(milestones) {
			b.Fatal(len(a.Milestones))
		}
	}
}
