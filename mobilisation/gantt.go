package mobilisation

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The plan's timeline (Gantt chart) as a drawing model: every coordinate is worked out here, in
// plain Go, so the geometry can be table-tested and the template (mobilisation/plan.html) only
// writes the numbers into SVG elements. The chart is a picture with a text alternative: the
// milestones table beside it says everything the drawing shows, so nothing is told by colour
// alone — RAG is also a letter and a fill pattern, the critical path a thicker outline and "CP".

// GanttPlan is what the chart is drawn from: the plan view reduced to days and flags.
type GanttPlan struct {
	Title      string // what the plan is, for the chart's title ("NHS 111 and CAS: KM-IUC-1")
	Today      string // the UK day now; a line marks it when it falls inside the chart
	Phases     []GanttPhase
	Milestones []GanttMilestone // in plan order; grouped by phase, then workstream, for drawing
	// From and To widen the axis to at least these days, so that the charts of a plan's phases,
	// drawn one under another, share one time scale. Empty: the plan's own first and last days.
	From, To string
}

// GanttPhase is a go-live: planned and forecast days.
type GanttPhase struct {
	ID, Name string
	GoLive   string // "2006-01-02"
	Forecast string // the forecast go-live day; "" or GoLive when on time
	Live     bool
}

// GanttMilestone is one row of the chart.
type GanttMilestone struct {
	ID, PhaseID, Workstream, Title string
	Href                           string // the milestone's page: each diamond links to it
	DueOn                          string // the due day
	Finish                         string // the forecast (or actual) finish; after DueOn when slipping
	RAG                            RAG
	Critical                       bool // on the phase's critical path
	Done                           bool
}

// GanttChart is the drawing: an SVG of Width × Height user units.
type GanttChart struct {
	Width, Height    float64
	Title, Desc      string
	Empty            bool // nothing to draw: the page says so instead
	ChartX, ChartEnd float64
	BodyY            float64 // where the rows start, under the months and the line labels
	Months           []GanttMonth
	Lines            []GanttLine
	Rows             []GanttRow
}

// GanttMonth is a month along the top: a tick at its first day and, when there is room, its name.
type GanttMonth struct {
	X, Width float64
	Label    string // "" when too narrow to name
	LabelX   float64
}

// GanttLine is a labelled vertical line: a go-live, a forecast go-live, or today.
type GanttLine struct {
	Kind           string // "golive", "forecast" or "today"
	X, Y1, Y2      float64
	Label          string
	LabelX, LabelY float64
	Anchor         string // text-anchor: "start", or "end" near the right edge
}

// GanttRow is one line of the chart: a phase's heading, a workstream's heading, or a milestone.
type GanttRow struct {
	Kind string // "phase", "workstream" or "milestone"
	// The same as flags, which the template tests far faster than comparing Kind.
	IsPhase, IsWorkstream bool
	Y, H                  float64
	Label                 string // the text in the left column, shortened to fit
	Full                  string // the whole text, when Label was shortened
	TextY                 float64
	Shaded                bool // alternate milestone rows

	// milestones only
	ID, Href    string
	RAG         RAG
	Fill        string // a pattern (url(#…)) or colour for the diamond
	Diamond     string // the polygon's points
	StrokeWidth float64
	Slip        *GanttBar
	Code        string // the text marker: RAG letter and "CP" when critical
	CodeX       float64
	Name        string    // what the milestone's link is called: its whole title and status
	Tip         *GanttTip // the whole title, shown above the row on hover and focus, when Label is shortened
}

// GanttTip is a box with a milestone's whole title in it, in as many lines as it needs.
type GanttTip struct {
	X, Y, W, H float64
	Lines      []GanttTipLine
}

// GanttTipLine is a line of a tip's text.
type GanttTipLine struct {
	Text string
	Y    float64
}

// GanttBar is the slip: from the due day to the forecast finish.
type GanttBar struct{ X, Y, W, H float64 }

// Geometry, in SVG user units. The page never draws the chart smaller than 1:1 (app.css gives it
// a minimum width and lets it scroll), so the 14-unit text is at least 14 px: at 1280 px the
// full-width page container holds it whole.
const (
	ganttWidth      = 1200.0
	ganttLabelWidth = 400.0 // the left column with the milestone titles
	ganttRight      = 80.0  // room after the last day for the RAG letter and "CP"
	ganttMonthRow   = 26.0
	ganttLineRow    = 19.0 // one per labelled line, stacked so no two labels overlap
	ganttPhaseRow   = 30.0
	ganttStreamRow  = 24.0
	ganttRowH       = 24.0
	ganttFontSize   = 14.0
	ganttMinMonthPx = 72.0 // the room a month's name needs ("Sep 2018" at 14px)
	ganttLabelChars = 46   // roughly what fits in the left column at 14px
	ganttCharW      = 8.0  // a generous average width of a character at 14px, to size the name's box
)

var ragFill = map[RAG]string{
	RAGRed:   "url(#gantt-red)",
	RAGAmber: "url(#gantt-amber)",
	RAGGreen: "#007f3b",
	RAGDone:  "#768692",
}

var ragLetter = map[RAG]string{RAGRed: "R", RAGAmber: "A", RAGGreen: "G", RAGDone: "D"}

var ragWord = map[RAG]string{RAGRed: "red", RAGAmber: "amber", RAGGreen: "green", RAGDone: "done"}

// Gantt lays out the chart. Days that do not parse are left out of the drawing (the table still
// lists the milestone); it never fails, so a page always renders.
func Gantt(p GanttPlan) GanttChart {
	c := GanttChart{Width: ganttWidth, ChartX: ganttLabelWidth, ChartEnd: ganttWidth - ganttRight,
		Title: "Timeline of " + p.Title}
	first, last, ok := ganttRange(p)
	if !ok {
		c.Empty = true
		c.Height = 0
		c.Desc = "There is nothing to draw yet: the plan has no milestones or go-live dates."
		return c
	}
	// Whole months, from the first of the earliest month to the first of the month after the latest.
	start := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	days := end.Sub(start).Hours() / 24
	dayW := (c.ChartEnd - c.ChartX) / days
	// dayStart is the left edge of a day; dayMid its middle, where everything on that day is
	// drawn, so a milestone due on the go-live day sits on the go-live line.
	dayStart := func(t time.Time) float64 { return ganttRound(c.ChartX + t.Sub(start).Hours()/24*dayW) }
	dayMid := func(t time.Time) float64 { return ganttRound(c.ChartX + (t.Sub(start).Hours()/24+0.5)*dayW) }

	// Every month is ticked; names go on every k-th month, counted from January so that each
	// January is named with its year, when a month is too narrow for its own name.
	months := (end.Year()-start.Year())*12 + int(end.Month()-start.Month())
	every := int(math.Ceil(ganttMinMonthPx / ((c.ChartEnd - c.ChartX) / float64(months))))
	for every < 12 && 12%every != 0 {
		every++
	}
	named := false
	for m := start; m.Before(end); m = m.AddDate(0, 1, 0) {
		next := m.AddDate(0, 1, 0)
		gm := GanttMonth{X: dayStart(m), Width: ganttRound(dayStart(next) - dayStart(m))}
		gm.LabelX = ganttRound(gm.X + 3)
		if (int(m.Month())-1)%every == 0 {
			gm.Label = m.Format("Jan")
			if m.Month() == time.January || !named {
				gm.Label = m.Format("Jan 2006")
			}
			named = true
		}
		c.Months = append(c.Months, gm)
	}

	// The labelled lines: each go-live day once (phases that go live together share it), each
	// forecast that differs from its go-live, and today.
	type mark struct {
		kind, label string
		day         time.Time
	}
	var marks []mark
	seen := map[string]int{}
	for _, ph := range p.Phases {
		d, ok := parseGanttDay(ph.GoLive)
		if !ok {
			continue
		}
		name := ph.Name
		if ph.Live {
			name += " (live)"
		}
		if i, dup := seen[ph.GoLive]; dup {
			marks[i].label += "; " + name
			continue
		}
		seen[ph.GoLive] = len(marks)
		marks = append(marks, mark{"golive", "Go-live " + ganttDay(d) + ": " + name, d})
	}
	for _, ph := range p.Phases {
		if ph.Forecast == "" || ph.Forecast == ph.GoLive || ph.Live {
			continue
		}
		if d, ok := parseGanttDay(ph.Forecast); ok {
			marks = append(marks, mark{"forecast", "Forecast go-live " + ganttDay(d) + ": " + ph.Name, d})
		}
	}
	if d, ok := parseGanttDay(p.Today); ok && !d.Before(start) && d.Before(end) {
		marks = append(marks, mark{"today", "Today " + ganttDay(d), d})
	}
	c.BodyY = ganttMonthRow + float64(len(marks))*ganttLineRow + 6

	// The rows: each phase's heading, then its milestones by workstream in order of first
	// appearance, keeping the plan's order within a workstream. Milestones of no known phase
	// come last under their own heading.
	y := c.BodyY
	byPhase := map[string][]GanttMilestone{}
	known := map[string]bool{}
	for _, ph := range p.Phases {
		known[ph.ID] = true
	}
	for _, m := range p.Milestones {
		id := m.PhaseID
		if !known[id] {
			id = ""
		}
		byPhase[id] = append(byPhase[id], m)
	}
	phases := p.Phases
	if len(byPhase[""]) > 0 {
		phases = append(append([]GanttPhase(nil), phases...), GanttPhase{Name: "Not in a phase"})
	}
	shade := false
	for _, ph := range phases {
		head := ph.Name
		if d, ok := parseGanttDay(ph.GoLive); ok {
			head += ", go-live " + ganttDay(d)
			if f, ok := parseGanttDay(ph.Forecast); ok && ph.Forecast != ph.GoLive && !ph.Live {
				head += " (forecast " + ganttDay(f) + ")"
			}
		}
		if ph.Live {
			head += ": live"
		}
		pr := textRow("phase", y, ganttPhaseRow, head)
		// A phase's heading has the whole width of the chart to itself.
		pr.Label, pr.Full = shortenText(head, 2*ganttLabelChars+20), ""
		if pr.Label != head {
			pr.Full = head
		}
		c.Rows = append(c.Rows, pr)
		y += ganttPhaseRow
		var streams []string
		rows := map[string][]GanttMilestone{}
		for _, m := range byPhase[ph.ID] {
			if _, ok := rows[m.Workstream]; !ok {
				streams = append(streams, m.Workstream)
			}
			rows[m.Workstream] = append(rows[m.Workstream], m)
		}
		for _, ws := range streams {
			c.Rows = append(c.Rows, textRow("workstream", y, ganttStreamRow, ws))
			y += ganttStreamRow
			for _, m := range rows[ws] {
				r := textRow("milestone", y, ganttRowH, m.Title)
				r.ID, r.Href, r.RAG, r.Shaded = m.ID, m.Href, m.RAG, shade
				shade = !shade
				r.Fill = ragFill[m.RAG]
				if r.Fill == "" {
					r.Fill = "#ffffff"
				}
				r.StrokeWidth = 1
				r.Code = ragLetter[m.RAG]
				r.Name = m.Title
				if w := ragWord[m.RAG]; w != "" {
					r.Name += ": " + w
				}
				if m.Critical {
					r.StrokeWidth = 3
					r.Code = strings.TrimSpace(r.Code + " CP")
					r.Name += ", on the critical path"
				}
				if r.Full != "" {
					r.Tip = ganttTip(r.Full, y)
				}
				if due, ok := parseGanttDay(m.DueOn); ok {
					x, cy := dayMid(due), y+ganttRowH/2
					r.Diamond = diamond(x, cy, 7)
					r.CodeX = ganttRound(x + 10)
					if fin, ok := parseGanttDay(m.Finish); ok && fin.After(due) {
						fx := dayMid(fin)
						r.Slip = &GanttBar{X: x, Y: ganttRound(cy - 4), W: ganttRound(fx - x), H: 8}
						r.CodeX = ganttRound(fx + 10)
					}
				}
				c.Rows = append(c.Rows, r)
				y += ganttRowH
			}
		}
	}
	c.Height = ganttRound(y + 8)

	for i, mk := range marks {
		x := dayMid(mk.day)
		l := GanttLine{Kind: mk.kind, X: x, Y1: ganttRound(ganttMonthRow + float64(i)*ganttLineRow + 4), Y2: c.Height,
			Label: mk.label, LabelY: ganttRound(ganttMonthRow + float64(i+1)*ganttLineRow), Anchor: "start", LabelX: ganttRound(x + 4)}
		if x > c.ChartX+(c.ChartEnd-c.ChartX)/2 {
			l.Anchor, l.LabelX = "end", ganttRound(x-4)
		}
		c.Lines = append(c.Lines, l)
	}
	c.Desc = ganttDesc(p, start, end)
	return c
}

// ganttRange is the first and last day the chart must show.
func ganttRange(p GanttPlan) (first, last time.Time, ok bool) {
	see := func(s string) {
		d, good := parseGanttDay(s)
		if !good {
			return
		}
		if !ok || d.Before(first) {
			first = d
		}
		if !ok || d.After(last) {
			last = d
		}
		ok = true
	}
	for _, ph := range p.Phases {
		see(ph.GoLive)
		see(ph.Forecast)
	}
	for _, m := range p.Milestones {
		see(m.DueOn)
		see(m.Finish)
	}
	if ok { // the shared scale only widens a chart that has something of its own to draw
		see(p.From)
		see(p.To)
	}
	return first, last, ok
}

func textRow(kind string, y, h float64, text string) GanttRow {
	r := GanttRow{Kind: kind, IsPhase: kind == "phase", IsWorkstream: kind == "workstream", Y: ganttRound(y), H: h,
		TextY: ganttRound(y + h/2 + 5), Label: shortenText(text, ganttLabelChars)}
	if r.Label != text {
		r.Full = text
	}
	return r
}

// ganttTip boxes a whole title above the row at y, in lines that fit the chart's width.
func ganttTip(text string, y float64) *GanttTip {
	lines := wrapWords(text, int((ganttWidth-40)/ganttCharW))
	t := &GanttTip{X: 14, H: float64(len(lines))*(ganttFontSize+4) + 8}
	longest := 0
	for _, l := range lines {
		longest = max(longest, len([]rune(l)))
	}
	t.W = ganttRound(min(float64(longest)*ganttCharW+12, ganttWidth-t.X-2))
	t.Y = ganttRound(max(y-t.H-1, 0))
	for i, l := range lines {
		t.Lines = append(t.Lines, GanttTipLine{Text: l, Y: ganttRound(t.Y + 4 + float64(i+1)*(ganttFontSize+4) - 4)})
	}
	return t
}

// wrapWords breaks text into lines of at most n characters, between words where it can.
func wrapWords(text string, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		for len([]rune(w)) > n { // a word longer than a line is cut
			if line != "" {
				lines, line = append(lines, line), ""
			}
			lines, w = append(lines, string([]rune(w)[:n])), string([]rune(w)[n:])
		}
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= n:
			line += " " + w
		default:
			lines, line = append(lines, line), w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// ganttDesc says in words what the drawing shows, for its <desc>.
func ganttDesc(p GanttPlan, start, end time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Gantt chart from %s to %s of %d milestone%s in %d phase%s, one row per milestone grouped by phase and workstream, each drawn as a diamond on its due day.",
		start.Format("January 2006"), end.AddDate(0, 0, -1).Format("January 2006"), len(p.Milestones), ganttPlural(len(p.Milestones)), len(p.Phases), ganttPlural(len(p.Phases)))
	for _, ph := range p.Phases {
		d, ok := parseGanttDay(ph.GoLive)
		if !ok {
			continue
		}
		fmt.Fprintf(&b, " %s goes live on %s", ph.Name, ganttDay(d))
		if f, ok := parseGanttDay(ph.Forecast); ok && ph.Forecast != ph.GoLive && !ph.Live {
			fmt.Fprintf(&b, ", forecast %s", ganttDay(f))
		}
		if ph.Live {
			b.WriteString(" and is live")
		}
		b.WriteString(".")
	}
	count := map[RAG]int{}
	critical, slipping := 0, 0
	for _, m := range p.Milestones {
		count[m.RAG]++
		if m.Critical {
			critical++
		}
		if m.Finish != "" && m.DueOn != "" && m.Finish > m.DueOn {
			slipping++
		}
	}
	fmt.Fprintf(&b, " %d red (R), %d amber (A), %d green (G) and %d done (D); %d on the critical path (thick outline, CP); %d forecast to finish after the due day (a hatched bar to the forecast).",
		count[RAGRed], count[RAGAmber], count[RAGGreen], count[RAGDone], critical, slipping)
	b.WriteString(" The milestones table after the chart lists the same information.")
	return b.String()
}

func diamond(x, y, r float64) string {
	b := make([]byte, 0, 64) // one allocation a diamond: a big plan has hundreds
	for i, p := range [8]float64{x, y - r, x + r, y, x, y + r, x - r, y} {
		switch {
		case i == 0:
		case i%2 == 1:
			b = append(b, ',')
		default:
			b = append(b, ' ')
		}
		b = appendGanttNum(b, p)
	}
	return string(b)
}

func ganttNum(f float64) string { return string(appendGanttNum(nil, f)) }

// appendGanttNum writes f to one decimal place, without a trailing ".0".
func appendGanttNum(b []byte, f float64) []byte {
	b = strconv.AppendFloat(b, f, 'f', 1, 64)
	if n := len(b); n >= 2 && b[n-2] == '.' && b[n-1] == '0' {
		b = b[:n-2]
	}
	return b
}

func ganttRound(f float64) float64 { return math.Round(f*10) / 10 }

func parseGanttDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// ukDay shows a day as people read it: "1 Apr 2019".
func ganttDay(t time.Time) string { return t.Format("2 Jan 2006") }

// shorten cuts text to n characters with an ellipsis, on a rune boundary.
func shortenText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func ganttPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
