package mobilisation

// The rules of mobilisation, as plain functions of data (no database, no clock, no HTTP): UK
// calendar days, turning a lot's phases and a template into a plan, dependencies, the forecast
// and critical path, RAG status, the go/no-go gate and the reminder schedule.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golive/apperr"
	"golive/lots"
	"golive/ukclock"
)

// dayLayout is how a UK calendar day is written everywhere in mobilisation (DueOn, CompletedOn).
const dayLayout = "2006-01-02"

// DayOf is the UK calendar day of an instant: 23:30 UTC on 31 March 2019 is already 1 April in
// London (BST), and a due day must be the day people there see. The zero time has no day ("").
func DayOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ukclock.London).Format(dayLayout)
}

// dayNum is a day as a count of days since 1970-01-01. Calendar arithmetic is done on these in
// UTC, where every day has 24 hours, so the clock changes cannot make a day 23 or 25 hours long.
func dayNum(day string) (int, bool) {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return 0, false
	}
	return int(t.Unix() / 86400), true
}

func dayStr(n int) string { return time.Unix(int64(n)*86400, 0).UTC().Format(dayLayout) }

// AddDays is the day n days after day (before, if n is negative); "" if day is not a day.
func AddDays(day string, n int) string {
	d, ok := dayNum(day)
	if !ok {
		return ""
	}
	return dayStr(d + n)
}

// DaysBetween is how many days from comes before to (negative if after; 0 if either is not a
// day).
func DaysBetween(from, to string) int {
	f, ok1 := dayNum(from)
	t, ok2 := dayNum(to)
	if !ok1 || !ok2 {
		return 0
	}
	return t - f
}

// ParseDay reads a day as a person types it (2019-04-01, also 2019-4-1) and returns it in the
// canonical form, or an error whose message can be shown beside the field.
func ParseDay(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.Invalidf("Enter a date")
	}
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return "", apperr.Invalidf("Enter a real date in the form 2019-04-01")
	}
	// A typo in the year (0219, 20190) must not become a due day nobody will ever reach.
	if t.Year() < 2000 || t.Year() > 2100 {
		return "", apperr.Invalidf("Enter a year between 2000 and 2100")
	}
	return t.Format(dayLayout), nil
}

// PhaseDraft is a plan phase to create from a lot's phases: one per go-live.
type PhaseDraft struct {
	Name        string
	GoLive      time.Time
	LotPhaseIDs []string
}

// serviceFamily is which services are mobilised as one: a mobile unit is staffed, equipped and
// registered as part of the urgent treatment centres it supports, home visits are run by the GP
// out-of-hours service, and the clinical assessment service sits behind NHS 111.
func serviceFamily(service string) string {
	switch service {
	case "utc", "mobile_unit":
		return "utc"
	case "gp_ooh", "home_visits":
		return "gp_ooh"
	case "nhs111", "cas":
		return "nhs111"
	}
	return service
}

var familyNames = map[string]string{
	"utc":    "Urgent treatment centres",
	"gp_ooh": "GP out of hours and home visits",
	"nhs111": "NHS 111 and clinical assessment service",
}

// GroupLotPhases makes one plan phase per go-live: lot phases of one service family that go live
// on the same UK day are mobilised, tested and signed off together. Kent and Medway Lot 2 (six
// lot phases) gives three: GP out of hours and Medway UTC on 1 April 2019, and the Dartford,
// Gravesham and Swanley and Swale UTCs with the mobile facility on 1 July 2019. Phases come in
// go-live order; on one day, in the order of the lot's phases.
func GroupLotPhases(ps []lots.Phase) []PhaseDraft {
	type group struct {
		draft  PhaseDraft
		names  []string
		family string
		first  int
	}
	var groups []*group
	byKey := map[string]*group{}
	for i, p := range ps {
		key := DayOf(p.GoLive) + "|" + serviceFamily(p.Service)
		g := byKey[key]
		if g == nil {
			g = &group{draft: PhaseDraft{GoLive: p.GoLive}, family: serviceFamily(p.Service), first: i}
			byKey[key] = g
			groups = append(groups, g)
		}
		// The earliest hour of the day is when the first of them goes live.
		if p.GoLive.Before(g.draft.GoLive) {
			g.draft.GoLive = p.GoLive
		}
		g.draft.LotPhaseIDs = append(g.draft.LotPhaseIDs, p.ID)
		g.names = append(g.names, p.Name)
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		return cmp.Or(strings.Compare(DayOf(a.draft.GoLive), DayOf(b.draft.GoLive)), cmp.Compare(a.first, b.first))
	})
	out := make([]PhaseDraft, 0, len(groups))
	for _, g := range groups {
		d := g.draft
		if len(g.names) == 1 {
			d.Name = g.names[0]
		} else {
			family := familyNames[g.family]
			if family == "" {
				family = lots.ServiceNames[g.family]
			}
			d.Name = fmt.Sprintf("%s go-live, %s", family, d.GoLive.In(ukclock.London).Format("2 January 2006"))
		}
		out = append(out, d)
	}
	return out
}

// templateKeys splits a template milestone's DependsOn (keys, space- or comma-separated).
func templateKeys(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
}

// Instantiate copies the template's milestones into every phase, due on the phase's go-live day
// plus the milestone's offset, with the template's dependencies between the copies in the same
// phase. A template that names an unknown key, repeats a key or depends on itself in a circle is
// refused before anything is made.
func Instantiate(tpl []TemplateMilestone, phases []Phase) ([]Milestone, []Dependency, error) {
	tpl = slices.Clone(tpl)
	slices.SortStableFunc(tpl, func(a, b TemplateMilestone) int { return cmp.Compare(a.Position, b.Position) })
	byKey := map[string]TemplateMilestone{}
	for _, t := range tpl {
		if strings.TrimSpace(t.Key) == "" {
			return nil, nil, apperr.InvalidFields(map[string]string{"key": fmt.Sprintf("“%s” has no key", t.Title)})
		}
		if _, dup := byKey[t.Key]; dup {
			return nil, nil, apperr.InvalidFields(map[string]string{"key": fmt.Sprintf("The key “%s” is used by more than one milestone", t.Key)})
		}
		byKey[t.Key] = t
	}
	var keyDeps []Dependency
	for _, t := range tpl {
		for _, k := range templateKeys(t.DependsOn) {
			if _, ok := byKey[k]; !ok {
				return nil, nil, apperr.InvalidFields(map[string]string{"depends_on": fmt.Sprintf("“%s” depends on “%s”, which is not a milestone of the template", t.Title, k)})
			}
			keyDeps = append(keyDeps, Dependency{MilestoneID: t.Key, DependsOnID: k})
		}
	}
	if cyc := FindCycle(keyDeps); cyc != nil {
		return nil, nil, apperr.InvalidFields(map[string]string{"depends_on": cycleMessage(cyc, func(k string) string { return byKey[k].Title })})
	}
	var ms []Milestone
	var deps []Dependency
	for _, ph := range phases {
		goLive := DayOf(ph.GoLive)
		ids := map[string]string{}
		for _, t := range tpl {
			m := Milestone{ID: newID(), PlanID: ph.PlanID, PhaseID: ph.ID, TemplateKey: t.Key, Title: t.Title,
				Workstream: t.Workstream, OwnerSide: t.OwnerSide, DueOn: AddDays(goLive, t.OffsetDays),
				Status: NotStarted, Critical: t.Critical, Position: t.Position}
			ids[t.Key] = m.ID
			ms = append(ms, m)
		}
		for _, d := range keyDeps {
			deps = append(deps, Dependency{MilestoneID: ids[d.MilestoneID], DependsOnID: ids[d.DependsOnID]})
		}
	}
	return ms, deps, nil
}

// FindCycle returns the ids of a circle of dependencies, each depending on the next and the last
// on the first (starting from the smallest id, so the answer does not depend on the order of
// deps), or nil if there is none.
func FindCycle(deps []Dependency) []string {
	next := map[string][]string{}
	for _, d := range deps {
		next[d.MilestoneID] = append(next[d.MilestoneID], d.DependsOnID)
	}
	nodes := make([]string, 0, len(next))
	for n, out := range next {
		nodes = append(nodes, n)
		slices.Sort(out)
	}
	slices.Sort(nodes)
	const (
		unseen = iota
		onPath
		finished
	)
	state := map[string]int{}
	var path []string
	var cycle []string
	var visit func(n string) bool
	visit = func(n string) bool {
		state[n] = onPath
		path = append(path, n)
		for _, m := range next[n] {
			switch state[m] {
			case onPath:
				i := slices.Index(path, m)
				cycle = slices.Clone(path[i:])
				return true
			case unseen:
				if visit(m) {
					return true
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = finished
		return false
	}
	for _, n := range nodes {
		if state[n] == unseen && visit(n) {
			least := 0
			for i, id := range cycle {
				if id < cycle[least] {
					least = i
				}
			}
			return append(cycle[least:], cycle[:least]...)
		}
	}
	return nil
}

func cycleMessage(cycle []string, name func(string) string) string {
	if len(cycle) == 1 {
		return fmt.Sprintf("“%s” cannot depend on itself", name(cycle[0]))
	}
	parts := make([]string, 0, len(cycle)+1)
	for _, id := range cycle {
		parts = append(parts, "“"+name(id)+"”")
	}
	parts = append(parts, parts[0])
	return "These milestones would wait for each other for ever: " + strings.Join(parts, " depends on ")
}

// CheckDependencies refuses dependencies that could never be met: on itself, on a milestone that
// is not there or belongs to another plan, or in a circle. The message names the milestones.
func CheckDependencies(ms []Milestone, deps []Dependency) error {
	byID := make(map[string]Milestone, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	bad := func(msg string) error { return apperr.InvalidFields(map[string]string{"depends_on": msg}) }
	for _, d := range deps {
		m, ok1 := byID[d.MilestoneID]
		on, ok2 := byID[d.DependsOnID]
		switch {
		case !ok1 || !ok2:
			return bad("Select milestones of this plan")
		case d.MilestoneID == d.DependsOnID:
			return bad(fmt.Sprintf("“%s” cannot depend on itself", m.Title))
		case m.PlanID != on.PlanID:
			return bad(fmt.Sprintf("“%s” can only depend on milestones of its own plan; “%s” is in another", m.Title, on.Title))
		}
	}
	if cyc := FindCycle(deps); cyc != nil {
		return bad(cycleMessage(cyc, func(id string) string { return byID[id].Title }))
	}
	return nil
}

// graph is milestones by index with what each depends on, in an order where a milestone comes
// after everything it depends on (milestones in a circle, which CheckDependencies keeps out of the
// database, come last, in their given order, so that nothing loops).
type graph struct {
	idx   map[string]int
	deps  [][]int
	order []int
}

func newGraph(ms []Milestone, deps []Dependency) graph {
	g := graph{idx: make(map[string]int, len(ms)), deps: make([][]int, len(ms))}
	for i, m := range ms {
		g.idx[m.ID] = i
	}
	users := make([][]int, len(ms))
	indeg := make([]int, len(ms))
	for _, d := range deps {
		a, ok1 := g.idx[d.MilestoneID]
		b, ok2 := g.idx[d.DependsOnID]
		if !ok1 || !ok2 || a == b {
			continue
		}
		g.deps[a] = append(g.deps[a], b)
		users[b] = append(users[b], a)
		indeg[a]++
	}
	g.order = make([]int, 0, len(ms))
	for i := range ms {
		if indeg[i] == 0 {
			g.order = append(g.order, i)
		}
	}
	for k := 0; k < len(g.order); k++ {
		for _, u := range users[g.order[k]] {
			if indeg[u]--; indeg[u] == 0 {
				g.order = append(g.order, u)
			}
		}
	}
	if len(g.order) < len(ms) {
		for i := range ms {
			if indeg[i] > 0 {
				g.order = append(g.order, i)
			}
		}
	}
	return g
}

// MilestoneForecast is when a milestone is now expected to finish (or did), and how many days
// after its due day that is (never negative: finishing early is not a slip).
type MilestoneForecast struct {
	Finish   string
	SlipDays int
	Late     bool
}

func isDone(m Milestone) bool { return m.AcceptedAt != nil }

// finishOfDone is the day a done milestone finished: the day it was accepted.
func finishOfDone(m Milestone) (int, bool) {
	if d, ok := dayNum(m.CompletedOn); ok {
		return d, true
	}
	return dayNum(DayOf(*m.AcceptedAt))
}

// Forecast says when each milestone will finish. A done one finished when it was accepted. An open
// one finishes no earlier than its due day, no earlier than today (it is not done yet), and no
// earlier than each dependency's forecast finish plus the days planned between the two due days:
// that gap is the work the milestone itself needs once its dependency is met (CQC registration
// cannot start 60 days of assessment before the premises it registers are leased), so a slip
// upstream moves everything downstream by the same days rather than being absorbed.
func Forecast(ms []Milestone, deps []Dependency, today string) map[string]MilestoneForecast {
	fc, _ := forecast(ms, newGraph(ms, deps), today)
	return fc
}

// forecast also returns each milestone's finish as a day number, by index, for phaseForecast.
func forecast(ms []Milestone, g graph, today string) (map[string]MilestoneForecast, []int) {
	now, nowOK := dayNum(today)
	finish := make([]int, len(ms))
	due := make([]int, len(ms))
	known := make([]bool, len(ms))
	out := make(map[string]MilestoneForecast, len(ms))
	for _, i := range g.order {
		m := ms[i]
		d, ok := dayNum(m.DueOn)
		if !ok {
			// Without a due day there is nothing to slip against: it is due today.
			d = now
		}
		due[i] = d
		f := d
		if isDone(m) {
			if df, ok := finishOfDone(m); ok {
				f = df
			}
		} else {
			if nowOK && now > f {
				f = now
			}
			for _, j := range g.deps[i] {
				if !known[j] {
					continue // only in a circle
				}
				if c := finish[j] + max(0, d-due[j]); c > f {
					f = c
				}
			}
		}
		finish[i], known[i] = f, true
		slip := max(0, f-d)
		out[m.ID] = MilestoneForecast{Finish: dayStr(f), SlipDays: slip, Late: slip > 0}
	}
	return out, finish
}

// PhaseOutlook is a phase's go-live as planned and as now forecast, and the chain of milestones
// (first to last) that decides the forecast.
type PhaseOutlook struct {
	GoLiveDay, ForecastDay string
	SlipDays               int
	CriticalPath           []string
}

// PhaseForecast moves the phase's go-live by the largest slip among its open critical milestones
// and everything they depend on (in any phase): a critical milestone late by a week means going
// live a week late, whatever else is on time. A milestone already done late counts only through
// what still waits for it (Forecast carries its slip into them): once everything is done, nothing
// can delay the go-live any more. A phase with no critical milestone is judged on all of them. The critical path is the chain that ends in the most slipped of those milestones and goes
// back, at each step, through the dependency that pushes it furthest; with no slip anywhere it is
// the chain with the least slack (latest finishes), which is where a slip would hurt first.
func PhaseForecast(ph Phase, ms []Milestone, deps []Dependency, fc map[string]MilestoneForecast) PhaseOutlook {
	finish := make([]int, len(ms))
	for i, m := range ms {
		d, ok := dayNum(fc[m.ID].Finish)
		if !ok {
			d, _ = dayNum(m.DueOn)
		}
		finish[i] = d
	}
	return phaseForecast(ph, ms, newGraph(ms, deps), fc, finish)
}

func phaseForecast(ph Phase, ms []Milestone, g graph, fc map[string]MilestoneForecast, finishDay []int) PhaseOutlook {
	out := PhaseOutlook{GoLiveDay: DayOf(ph.GoLive)}
	var start []int
	for i, m := range ms {
		if m.PhaseID == ph.ID && m.Critical {
			start = append(start, i)
		}
	}
	if len(start) == 0 {
		for i, m := range ms {
			if m.PhaseID == ph.ID {
				start = append(start, i)
			}
		}
	}
	// Everything the critical milestones wait for, however far back.
	in := make([]bool, len(ms))
	stack := slices.Clone(start)
	for _, i := range start {
		in[i] = true
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range g.deps[i] {
			if !in[j] {
				in[j] = true
				stack = append(stack, j)
			}
		}
	}
	finish := func(i int) int { return finishDay[i] }
	end := -1
	for i := range ms {
		if !in[i] {
			continue
		}
		if end < 0 || drives(ms, fc, finish, i, end) {
			end = i
		}
	}
	if end < 0 {
		out.ForecastDay = out.GoLiveDay
		return out
	}
	out.SlipDays = openSlip(ms, fc, end)
	out.ForecastDay = AddDays(out.GoLiveDay, out.SlipDays)
	if out.GoLiveDay == "" {
		out.ForecastDay = ""
	}
	// Walk back from the end through the dependency that pushes each milestone furthest: its
	// finish plus the planned gap, which is what Forecast used.
	path := []int{end}
	seen := map[int]bool{end: true}
	for cur := end; ; {
		due, _ := dayNum(ms[cur].DueOn)
		best, bestPush := -1, 0
		for _, j := range g.deps[cur] {
			if seen[j] {
				continue
			}
			dj, _ := dayNum(ms[j].DueOn)
			push := finish(j) + max(0, due-dj)
			if best < 0 || push > bestPush || push == bestPush && later(ms, finish, j, best) {
				best, bestPush = j, push
			}
		}
		if best < 0 {
			break
		}
		seen[best] = true
		path = append(path, best)
		cur = best
	}
	slices.Reverse(path)
	out.CriticalPath = make([]string, len(path))
	for k, i := range path {
		out.CriticalPath[k] = ms[i].ID
	}
	return out
}

// drives says whether milestone a rather than b ends the critical path: the larger slip, then the
// later finish (least slack before go-live), then the later one in the plan.
func drives(ms []Milestone, fc map[string]MilestoneForecast, finish func(int) int, a, b int) bool {
	sa, sb := openSlip(ms, fc, a), openSlip(ms, fc, b)
	if sa != sb {
		return sa > sb
	}
	return later(ms, finish, a, b)
}

func openSlip(ms []Milestone, fc map[string]MilestoneForecast, i int) int {
	if isDone(ms[i]) {
		return 0
	}
	return fc[ms[i].ID].SlipDays
}

func later(ms []Milestone, finish func(int) int, a, b int) bool {
	if fa, fb := finish(a), finish(b); fa != fb {
		return fa > fb
	}
	if ms[a].Position != ms[b].Position {
		return ms[a].Position > ms[b].Position
	}
	return ms[a].ID > ms[b].ID
}

// RAG is a red/amber/green status, or done.
type RAG string

const (
	RAGRed   RAG = "red"
	RAGAmber RAG = "amber"
	RAGGreen RAG = "green"
	RAGDone  RAG = "done"
)

// DueSoonDays is how close a due day is before a milestone not yet started turns amber.
const DueSoonDays = 14

func ukDay(day string) string {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return day
	}
	return t.Format("2 January 2006")
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// MilestoneRAG is a milestone's status and why, in words for the plan page. Red is what needs
// action now (blocked, overdue, or forecast to miss its due day because of what it waits for);
// amber is what will need it soon (due within 14 days and not started, or waiting for something
// red); depRAG is the status of each milestone it depends on.
func MilestoneRAG(m Milestone, fc MilestoneForecast, depRAG []RAG, today string) (RAG, string) {
	if isDone(m) {
		if m.CompletedOn != "" {
			return RAGDone, "Done on " + ukDay(m.CompletedOn)
		}
		return RAGDone, "Done"
	}
	if m.Status == Blocked {
		return RAGRed, "Blocked"
	}
	if n := OverdueDays(m.DueOn, today); n > 0 {
		reason := fmt.Sprintf("Overdue by %s (due %s)", days(n), ukDay(m.DueOn))
		if m.CompletionRequestedAt != nil {
			reason += "; completion is waiting for acceptance"
		}
		return RAGRed, reason
	}
	if fc.Late {
		return RAGRed, fmt.Sprintf("Forecast to finish on %s, %s after its due day, because something it depends on is late", ukDay(fc.Finish), days(fc.SlipDays))
	}
	if n := DaysBetween(today, m.DueOn); m.Status == NotStarted && n >= 0 && n <= DueSoonDays {
		if n == 0 {
			return RAGAmber, "Due today and not started"
		}
		return RAGAmber, fmt.Sprintf("Due in %s and not started", days(n))
	}
	if slices.Contains(depRAG, RAGRed) {
		return RAGAmber, "Depends on a milestone that is red"
	}
	return RAGGreen, "On track"
}

var ragRank = map[RAG]int{RAGDone: 0, RAGGreen: 1, RAGAmber: 2, RAGRed: 3}

// Rollup is the worst of several statuses; done only when all are done (and green when there is
// nothing to be done, since nothing is wrong).
func Rollup(rags []RAG) RAG {
	worst := RAGDone
	if len(rags) == 0 {
		return RAGGreen
	}
	for _, r := range rags {
		if _, ok := ragRank[r]; !ok {
			r = RAGGreen
		}
		if ragRank[r] > ragRank[worst] {
			worst = r
		}
	}
	return worst
}

// MilestoneAssessment is one milestone's status, why, and its forecast.
type MilestoneAssessment struct {
	RAG      RAG
	Reason   string
	Forecast MilestoneForecast
}

// PhaseAssessment is a phase's status, why, its forecast go-live and each workstream's status in
// it.
type PhaseAssessment struct {
	RAG         RAG
	Reason      string
	Outlook     PhaseOutlook
	Workstreams map[string]RAG
}

// Assessment is a plan's status: the plan's, by milestone id and by phase id.
type Assessment struct {
	RAG        RAG
	Milestones map[string]MilestoneAssessment
	Phases     map[string]PhaseAssessment
}

// Assess works out every status of a plan as of today. A phase is red when its forecast go-live
// is after its go-live, even if each milestone on its own is only amber: missing the go-live is
// what commissioners must hear about first. A live phase is done. p is the plan they belong to;
// none of its settings (reminder offsets, escalation) changes a status.
func Assess(p Plan, phases []Phase, ms []Milestone, deps []Dependency, today string) Assessment {
	g := newGraph(ms, deps)
	fc, finish := forecast(ms, g, today)
	a := Assessment{Milestones: make(map[string]MilestoneAssessment, len(ms)), Phases: make(map[string]PhaseAssessment, len(phases))}
	rag := make([]RAG, len(ms))
	var depRAG []RAG
	for _, i := range g.order {
		depRAG = depRAG[:0]
		for _, j := range g.deps[i] {
			if rag[j] != "" {
				depRAG = append(depRAG, rag[j])
			}
		}
		r, why := MilestoneRAG(ms[i], fc[ms[i].ID], depRAG, today)
		rag[i] = r
		a.Milestones[ms[i].ID] = MilestoneAssessment{RAG: r, Reason: why, Forecast: fc[ms[i].ID]}
	}
	byPhase := map[string][]int{}
	for i, m := range ms {
		byPhase[m.PhaseID] = append(byPhase[m.PhaseID], i)
	}
	var phaseRAGs []RAG
	for _, ph := range phases {
		pa := PhaseAssessment{Outlook: phaseForecast(ph, ms, g, fc, finish), Workstreams: map[string]RAG{}}
		byWorkstream := map[string][]RAG{}
		var all []RAG
		count := map[RAG]int{}
		for _, i := range byPhase[ph.ID] {
			byWorkstream[ms[i].Workstream] = append(byWorkstream[ms[i].Workstream], rag[i])
			all = append(all, rag[i])
			count[rag[i]]++
		}
		for w, rs := range byWorkstream {
			pa.Workstreams[w] = Rollup(rs)
		}
		switch {
		case ph.State == Live:
			pa.RAG, pa.Reason = RAGDone, "Live"
			if ph.LiveAt != nil {
				pa.Reason = "Live since " + ukDay(DayOf(*ph.LiveAt))
			}
		case pa.Outlook.SlipDays > 0:
			pa.RAG = RAGRed
			pa.Reason = fmt.Sprintf("Forecast to go live on %s, %s late", ukDay(pa.Outlook.ForecastDay), days(pa.Outlook.SlipDays))
		default:
			pa.RAG = Rollup(all)
			switch pa.RAG {
			case RAGRed:
				pa.Reason = plural(count[RAGRed], "milestone is red", "milestones are red")
			case RAGAmber:
				pa.Reason = plural(count[RAGAmber], "milestone needs attention soon", "milestones need attention soon")
			case RAGDone:
				pa.Reason = "Every milestone is done"
			default:
				pa.Reason = "On track to go live on " + ukDay(pa.Outlook.GoLiveDay)
			}
		}
		a.Phases[ph.ID] = pa
		phaseRAGs = append(phaseRAGs, pa.RAG)
	}
	a.RAG = Rollup(phaseRAGs)
	return a
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ReadyToGoLive is the go/no-go gate: a phase may go live only when every critical milestone of
// it is done (accepted by the commissioner, not just reported) and every participating
// commissioner (participants are organisation ids) has decided "go". The strings say what is
// missing, in the order the plan lists it; participants are named by what was passed in.
func ReadyToGoLive(ph Phase, ms []Milestone, ds []GoLiveDecision, participants []string) (bool, []string) {
	var missing []string
	if ph.State == Live {
		missing = append(missing, "This phase is already live")
	}
	for _, m := range openCritical(ph, ms) {
		if m.Status == Done || m.CompletionRequestedAt != nil {
			missing = append(missing, fmt.Sprintf("“%s” is waiting for the commissioner to accept it as done", m.Title))
		} else {
			missing = append(missing, fmt.Sprintf("“%s” is not done", m.Title))
		}
	}
	decided := map[string]GoLiveDecision{}
	for _, d := range ds {
		if d.PhaseID == ph.ID {
			decided[d.OrgID] = d
		}
	}
	if len(participants) == 0 {
		// Nobody to sign is not the same as everybody having signed.
		missing = append(missing, "No participating commissioner can sign the readiness decision")
	}
	for _, org := range participants {
		d, ok := decided[org]
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("%s has not made a go/no-go decision", org))
		case d.Decision == NoGo && strings.TrimSpace(d.Reason) != "":
			missing = append(missing, fmt.Sprintf("%s decided no-go: %s", org, strings.TrimSpace(d.Reason)))
		case d.Decision != Go:
			missing = append(missing, fmt.Sprintf("%s decided no-go", org))
		}
	}
	return len(missing) == 0, missing
}

// openCritical is a phase's critical milestones not yet accepted as done, due first first.
func openCritical(ph Phase, ms []Milestone) []Milestone {
	var critical []Milestone
	for _, m := range ms {
		if m.PhaseID == ph.ID && m.Critical && !isDone(m) {
			critical = append(critical, m)
		}
	}
	slices.SortStableFunc(critical, func(a, b Milestone) int {
		return cmp.Or(strings.Compare(a.DueOn, b.DueOn), cmp.Compare(a.Position, b.Position))
	})
	return critical
}

// The fields of a go decision's acknowledgement of open critical milestones, in forms and the API.
const (
	AcknowledgeField     = "acknowledge_open_critical"
	AcknowledgementField = "acknowledgement"
)

// OpenCriticalToAcknowledge is what a decision on a phase must acknowledge: for a go, the
// phase's critical milestones not yet accepted as done (an approver once signed go on a phase 74
// days late with 21 of them open, unwarned); a no-go needs nothing, it is already the cautious
// answer, and a go once they are all done needs nothing either.
func OpenCriticalToAcknowledge(d Decision, ph Phase, ms []Milestone) []Milestone {
	if d != Go {
		return nil
	}
	return openCritical(ph, ms)
}

// CheckAcknowledgement asks an approver signing go with open critical milestones (how many) to
// confirm it, naming how many, and to say why: per-field messages, or nil when it passes.
func CheckAcknowledgement(open int, acknowledged bool, reason string) map[string]string {
	if open == 0 {
		return nil
	}
	f := map[string]string{}
	if !acknowledged {
		f[AcknowledgeField] = fmt.Sprintf("Confirm you are signing go with %s still open", plural(open, "critical milestone", "critical milestones"))
	}
	if strings.TrimSpace(reason) == "" {
		f[AcknowledgementField] = "Enter the reason for signing go with critical milestones still open"
	}
	if len(f) == 0 {
		return nil
	}
	return f
}

// MaxReminderOffset is the furthest before a due day a reminder may be set: three months is
// already before most milestones of a mobilisation exist.
const MaxReminderOffset = 90

// ParseOffsets reads the days before a due day when reminders go ("14,7,1"), each a whole number
// of days from 1 to 90, none twice; they come back furthest first.
func ParseOffsets(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, apperr.Invalidf("Enter the days before the due day when reminders go, like 14,7,1")
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		n, err := strconv.Atoi(part)
		if err != nil {
			if part == "" {
				return nil, apperr.Invalidf("Enter numbers of days separated by commas, like 14,7,1")
			}
			return nil, apperr.Invalidf("“%s” is not a whole number of days", part)
		}
		if n < 1 || n > MaxReminderOffset {
			return nil, apperr.Invalidf("Reminders go from 1 to %d days before the due day, not %d", MaxReminderOffset, n)
		}
		if slices.Contains(out, n) {
			return nil, apperr.Invalidf("%d days is there twice", n)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out, nil
}

// ReminderSendAt is hour:00 in London on the UK day (in UTC, as it is stored): 08:00 is 08:00 UTC
// in winter and 07:00 UTC in summer. On the day the clocks go forward an hour that does not exist
// (01:00) becomes the first instant after the gap; on the day they go back an hour that happens
// twice is its first time. The zero time when day is not a day.
func ReminderSendAt(day string, hour int) time.Time {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return time.Time{}
	}
	wall := time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, time.UTC)
	// Try the offsets in force a few hours either side; keep those that give this wall clock. Go's
	// own time.Date leaves which one it picks in a gap or an overlap unspecified.
	var best time.Time
	for _, probe := range []time.Duration{-3 * time.Hour, 3 * time.Hour} {
		_, off := wall.Add(probe).In(ukclock.London).Zone()
		at := wall.Add(-time.Duration(off) * time.Second)
		l := at.In(ukclock.London)
		if l.Hour() == wall.Hour() && l.Day() == wall.Day() && (best.IsZero() || at.Before(best)) {
			best = at
		}
	}
	if best.IsZero() {
		// In the spring gap: the offset before the change lands just after it.
		_, off := wall.Add(-3 * time.Hour).In(ukclock.London).Zone()
		best = wall.Add(-time.Duration(off) * time.Second)
	}
	return best.UTC()
}

// DueReminderDays is, for each offset, the day its reminder goes: that many days before the due
// day. Empty when dueOn is not a day.
func DueReminderDays(dueOn string, offsets []int) map[int]string {
	out := make(map[int]string, len(offsets))
	if _, ok := dayNum(dueOn); !ok {
		return out
	}
	for _, o := range offsets {
		out[o] = AddDays(dueOn, -o)
	}
	return out
}

// OverdueDays is how many days past its due day an open milestone is today (0 if not yet due).
func OverdueDays(dueOn, today string) int {
	return max(0, DaysBetween(dueOn, today))
}
