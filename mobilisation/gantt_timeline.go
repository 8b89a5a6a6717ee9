package mobilisation

import (
	"slices"
	"strconv"
)

// A plan's timeline as the page shows it: one chart per phase, each in its own collapsible
// section, all on one time scale; and the filter that narrows a large plan to a phase or a
// workstream.

// GanttTimeline is the plan's charts, one per phase (and one for milestones of no phase).
type GanttTimeline struct {
	Empty    bool
	Desc     string // when Empty: why there is nothing to draw
	Sections []GanttSection
}

// GanttSection is one phase's chart.
type GanttSection struct {
	ID         string // the phase's id; "" for milestones of no phase
	Heading    string // "Phase 1: 12 milestones"
	Milestones int
	Open       bool // shown open: a large plan starts with its phases closed, to open one at a time
	Chart      GanttChart
}

// ganttOpenMax is the most milestones a timeline shows open at once: more, and the page starts
// with each phase closed, a list of headings to open one at a time (Kent and Medway's lot 2
// drew 3,000 px of rows otherwise).
const ganttOpenMax = 60

// GanttSections lays out a chart per phase on a time scale they share, so the go-live lines and
// today line up from one phase to the next.
func GanttSections(p GanttPlan) GanttTimeline {
	first, last, ok := ganttRange(p)
	if !ok {
		return GanttTimeline{Empty: true, Desc: Gantt(p).Desc}
	}
	from, to := first.Format("2006-01-02"), last.Format("2006-01-02")
	known := map[string]bool{}
	for _, ph := range p.Phases {
		known[ph.ID] = true
	}
	// Each phase's milestones in plan order: a slice of p.Milestones when they are next to each
	// other there (a plan view lists them by phase), else copied together.
	type span struct{ first, last, n int }
	spans := map[string]span{}
	phaseOf := func(m *GanttMilestone) string {
		if !known[m.PhaseID] {
			return ""
		}
		return m.PhaseID
	}
	for i := range p.Milestones {
		id := phaseOf(&p.Milestones[i])
		sp, ok := spans[id]
		if !ok {
			sp.first = i
		}
		sp.last, sp.n = i, sp.n+1
		spans[id] = sp
	}
	byPhase := make(map[string][]GanttMilestone, len(spans))
	for id, sp := range spans {
		if sp.last-sp.first+1 == sp.n {
			byPhase[id] = p.Milestones[sp.first : sp.last+1 : sp.last+1]
			continue
		}
		ms := make([]GanttMilestone, 0, sp.n)
		for i := sp.first; i <= sp.last; i++ {
			if phaseOf(&p.Milestones[i]) == id {
				ms = append(ms, p.Milestones[i])
			}
		}
		byPhase[id] = ms
	}
	var t GanttTimeline
	add := func(id, name string, phases []GanttPhase) {
		ms := byPhase[id]
		sub := GanttPlan{Title: p.Title + ", " + name, Today: p.Today, Phases: phases, Milestones: ms, From: from, To: to}
		t.Sections = append(t.Sections, GanttSection{ID: id, Milestones: len(ms), Chart: Gantt(sub),
			Heading: name + ": " + strconv.Itoa(len(ms)) + " milestone" + ganttPlural(len(ms))})
	}
	for i, ph := range p.Phases {
		add(ph.ID, ph.Name, p.Phases[i:i+1])
	}
	if len(byPhase[""]) > 0 {
		add("", "Not in a phase", nil)
	}
	open := len(p.Milestones) <= ganttOpenMax || len(t.Sections) == 1
	for i := range t.Sections {
		t.Sections[i].Open = open
	}
	return t
}

// GanttFilter narrows a plan's timeline and milestones table: to one phase, one workstream, or
// both. Empty fields keep everything.
type GanttFilter struct {
	Phase      string
	Workstream string
}

// Active says whether the filter narrows anything.
func (f GanttFilter) Active() bool { return f.Phase != "" || f.Workstream != "" }

// Filter keeps the phase chosen (with its go-live line) and the milestones of the chosen phase
// and workstream. The time scale follows what is left, so a narrowed plan is drawn larger.
func (f GanttFilter) Filter(p GanttPlan) GanttPlan {
	if !f.Active() {
		return p
	}
	out := GanttPlan{Title: p.Title, Today: p.Today, Phases: p.Phases}
	if f.Phase != "" {
		i := slices.IndexFunc(p.Phases, func(ph GanttPhase) bool { return ph.ID == f.Phase })
		out.Phases = nil
		if i >= 0 {
			out.Phases = p.Phases[i : i+1]
		}
	}
	kept := map[string]bool{}
	for _, m := range p.Milestones {
		if (f.Phase == "" || m.PhaseID == f.Phase) && (f.Workstream == "" || m.Workstream == f.Workstream) {
			out.Milestones = append(out.Milestones, m)
			kept[m.PhaseID] = true
		}
	}
	if f.Workstream != "" { // a phase with none of the workstream's milestones has nothing to show
		out.Phases = slices.DeleteFunc(slices.Clone(out.Phases), func(ph GanttPhase) bool { return !kept[ph.ID] })
	}
	return out
}

// Check says what is wrong with a filter that names a phase or workstream the plan does not
// have (a stale bookmark, a hand-edited address), beside the field that names it.
func (f GanttFilter) Check(p GanttPlan) map[string]string {
	errs := map[string]string{}
	if f.Phase != "" && !slices.ContainsFunc(p.Phases, func(ph GanttPhase) bool { return ph.ID == f.Phase }) {
		errs["filter-phase"] = "Select a phase from the list"
	}
	if f.Workstream != "" && !slices.ContainsFunc(p.Milestones, func(m GanttMilestone) bool { return m.Workstream == f.Workstream }) {
		errs["filter-workstream"] = "Select a workstream from the list"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
