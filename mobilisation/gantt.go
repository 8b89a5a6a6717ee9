package mobilisation

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// ragLetterCP is the marker of a milestone on the critical path.
var ragLetterCP = map[RAG]string{RAGRed: "R CP", RAGAmber: "A CP", RAGGreen: "G CP", RAGDone: "D CP"}

// ragNamed is what a milestone's link adds to its title: ": red".
var ragNamed = map[RAG]string{RAGRed: ": red", RAGAmber: ": amber", RAGGreen: ": green", RAGDone: ": done"}

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
	c.Months = make([]GanttMonth, 0, months)
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
	known := map[string]bool{}
	for _, ph := range p.Phases {
		known[ph.ID] = true
	}
	// phaseOf is the phase a milestone is drawn under: "" when its own is not in the plan.
	phaseOf := func(m *GanttMilestone) string {
		if !known[m.PhaseID] {
			return ""
		}
		return m.PhaseID
	}
	titles, shortened, orphans := 0, 0, false
	for i := range p.Milestones {
		m := &p.Milestones[i]
		orphans = orphans || phaseOf(m) == ""
		titles += len(m.Title)
		if utf8.RuneCountInString(m.Title) > ganttLabelChars {
			shortened++
		}
	}
	phases := p.Phases
	if orphans {
		phases = append(append([]GanttPhase(nil), phases...), GanttPhase{Name: "Not in a phase"})
	}
	// Each phase's milestones in the order they are drawn (order[ends[i-1]:ends[i]], positions in
	// p.Milestones): by workstream in order of first appearance, each workstream's in plan order
	// (a counting sort); with the workstreams' headings counted, so that the rows are allocated
	// once.
	order := make([]int, 0, len(p.Milestones)) // more only when phases share an id
	ends := make([]int, len(phases))
	rows := len(phases)
	streamAt := map[string]int{}
	var stream, at []int // each milestone's workstream (-1: another phase's); where each workstream's next goes
	for i, ph := range phases {
		clear(streamAt)
		stream, at = stream[:0], at[:0]
		for j := range p.Milestones {
			m := &p.Milestones[j]
			if phaseOf(m) != ph.ID {
				stream = append(stream, -1)
				continue
			}
			k, ok := streamAt[m.Workstream]
			if !ok {
				k = len(at)
				streamAt[m.Workstream] = k
				at = append(at, 0)
			}
			stream = append(stream, k)
			at[k]++
		}
		from, next := len(order), len(order)
		for k, n := range at {
			at[k] = next
			next += n
		}
		order = slices.Grow(order, next-from)[:next]
		for j, k := range stream {
			if k >= 0 {
				order[at[k]] = j
				at[k]++
			}
		}
		ends[i] = next
		rows += len(at) + next - from
	}
	c.Rows = make([]GanttRow, 0, rows)
	// What the rows point to or name is made in a few buffers for the whole chart rather than
	// one allocation per row: a plan has hundreds of rows.
	texts := newTextBuf(2*titles + 100*len(p.Milestones) + 64*len(phases))
	bars := make([]GanttBar, 0, len(p.Milestones))
	tips := make([]GanttTip, 0, shortened)
	var tipLines []GanttTipLine
	shade := false
	for i, ph := range phases {
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
		pr := textRow(texts, "phase", y, ganttPhaseRow, head)
		// A phase's heading has the whole width of the chart to itself.
		pr.Label, pr.Full = shortenText(texts, head, 2*ganttLabelChars+20), ""
		if pr.Label != head {
			pr.Full = head
		}
		c.Rows = append(c.Rows, pr)
		y += ganttPhaseRow
		from := 0
		if i > 0 {
			from = ends[i-1]
		}
		for j, mi := range order[from:ends[i]] {
			m := &p.Milestones[mi]
			if j == 0 || m.Workstream != p.Milestones[order[from+j-1]].Workstream {
				c.Rows = append(c.Rows, textRow(texts, "workstream", y, ganttStreamRow, m.Workstream))
				y += ganttStreamRow
			}
			r := textRow(texts, "milestone", y, ganttRowH, m.Title)
			r.ID, r.Href, r.RAG, r.Shaded = m.ID, m.Href, m.RAG, shade
			shade = !shade
			r.Fill = ragFill[m.RAG]
			if r.Fill == "" {
				r.Fill = "#ffffff"
			}
			r.StrokeWidth = 1
			r.Code = ragLetter[m.RAG]
			r.Name = m.Title
			word, critical := ragNamed[m.RAG], ""
			if m.Critical {
				r.StrokeWidth = 3
				r.Code = ragLetterCP[m.RAG]
				if r.Code == "" {
					r.Code = "CP"
				}
				critical = ", on the critical path"
			}
			if word != "" || critical != "" {
				r.Name = texts.cat(m.Title, word, critical)
			}
			if r.Full != "" {
				var tip GanttTip
				tip, tipLines = ganttTip(r.Full, y, tipLines)
				tips = append(tips, tip)
				r.Tip = &tips[len(tips)-1]
			}
			if due, ok := parseGanttDay(m.DueOn); ok {
				x, cy := dayMid(due), y+ganttRowH/2
				r.Diamond = diamond(texts, x, cy, 7)
				r.CodeX = ganttRound(x + 10)
				if fin, ok := parseGanttDay(m.Finish); ok && fin.After(due) {
					fx := dayMid(fin)
					bars = append(bars, GanttBar{X: x, Y: ganttRound(cy - 4), W: ganttRound(fx - x), H: 8})
					r.Slip = &bars[len(bars)-1]
					r.CodeX = ganttRound(fx + 10)
				}
			}
			c.Rows = append(c.Rows, r)
			y += ganttRowH
		}
	}
	c.Height = ganttRound(y + 8)

	c.Lines = make([]GanttLine, 0, len(marks))
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

func textRow(texts *textBuf, kind string, y, h float64, text string) GanttRow {
	r := GanttRow{Kind: kind, IsPhase: kind == "phase", IsWorkstream: kind == "workstream", Y: ganttRound(y), H: h,
		TextY: ganttRound(y + h/2 + 5), Label: shortenText(texts, text, ganttLabelChars)}
	if r.Label != text {
		r.Full = text
	}
	return r
}

// ganttTip boxes a whole title above the row at y, in lines that fit the chart's width; the
// lines are appended to lines, which the tip's Lines is a slice of.
func ganttTip(text string, y float64, lines []GanttTipLine) (GanttTip, []GanttTipLine) {
	var buf [4]string
	words := wrapWords(buf[:0], text, int((ganttWidth-40)/ganttCharW))
	t := GanttTip{X: 14, H: float64(len(words))*(ganttFontSize+4) + 8}
	longest := 0
	for _, l := range words {
		longest = max(longest, utf8.RuneCountInString(l))
	}
	t.W = ganttRound(min(float64(longest)*ganttCharW+12, ganttWidth-t.X-2))
	t.Y = ganttRound(max(y-t.H-1, 0))
	from := len(lines)
	for i, l := range words {
		lines = append(lines, GanttTipLine{Text: l, Y: ganttRound(t.Y + 4 + float64(i+1)*(ganttFontSize+4) - 4)})
	}
	t.Lines = lines[from:len(lines):len(lines)]
	return t, lines
}

// wrapWords appends to dst the lines of text broken into at most n characters, between words
// where it can. A line whose words were one space apart in text is a slice of text.
func wrapWords(dst []string, text string, n int) []string {
	if len(text) <= n && oneSpaced(text) { // most titles: one line, as they are
		return append(dst, text)
	}
	line, end := "", -1 // end: where line ends in text, when it is a slice of text
	add := func(w string, at int) {
		switch {
		case line == "":
			line, end = w, at+len(w)
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= n:
			if end >= 0 && at == end+1 && text[end] == ' ' {
				line, end = text[end-len(line):at+len(w)], at+len(w)
			} else {
				line, end = line+" "+w, -1
			}
		default:
			dst, line, end = append(dst, line), w, at+len(w)
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		at := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		w := text[at:i]
		for utf8.RuneCountInString(w) > n { // a word longer than a line is cut
			if line != "" {
				dst, line, end = append(dst, line), "", -1
			}
			cut := runeOffset(w, n)
			dst, w, at = append(dst, w[:cut]), w[cut:], at+cut
		}
		add(w, at)
	}
	if line != "" || len(dst) == 0 {
		dst = append(dst, line)
	}
	return dst
}

// oneSpaced says whether text is ASCII words one space apart, with no space around them.
func oneSpaced(text string) bool {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c >= utf8.RuneSelf, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(text)-1 || text[i-1] == ' '):
			return false
		}
	}
	return true
}

// runeOffset is where the n+1th rune of s starts (len(s) if it has no more).
func runeOffset(s string, n int) int {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
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

func diamond(texts *textBuf, x, y, r float64) string {
	var buf [64]byte
	b := buf[:0]
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
	return texts.bytes(b)
}

func ganttNum(f float64) string { return string(appendGanttNum(nil, f)) }

// appendGanttNum writes f to one decimal place, without a trailing ".0".
func appendGanttNum(b []byte, f float64) []byte {
	if t, ok := tenths(f); ok {
		return appendTenths(b, t)
	}
	b = strconv.AppendFloat(b, f, 'f', 1, 64)
	if n := len(b); n >= 2 && b[n-2] == '.' && b[n-1] == '0' {
		b = b[:n-2]
	}
	return b
}

// tenths is f in tenths, when f is a whole number of tenths as ganttRound makes them (the
// double nearest to it) and not negative: then it can be written with integer arithmetic, which
// a chart of hundreds of rows, each a dozen numbers, notices.
func tenths(f float64) (int64, bool) {
	if !(f >= 0 && f < 1e12) {
		return 0, false
	}
	t := int64(math.Round(f * 10))
	return t, float64(t)/10 == f
}

// appendTenths writes t tenths as a decimal, without a trailing ".0": what AppendFloat writes
// for the double nearest to it, to the shortest or to one decimal place.
func appendTenths(b []byte, t int64) []byte {
	b = strconv.AppendInt(b, t/10, 10)
	if d := t % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return b
}

func ganttRound(f float64) float64 { return math.Round(f*10) / 10 }

func parseGanttDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if y, m, d, ok := dayParts(s); ok {
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// dayParts reads a valid day written "2006-01-02" in digits, as time.Parse would, without its
// generality: a plan's chart and table read a few days for each of hundreds of milestones. ok
// is false for anything else, which time.Parse is left to read (or refuse).
func dayParts(s string) (year int, month time.Month, day int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	var n [3]int
	for i, f := range [3][2]int{{0, 4}, {5, 7}, {8, 10}} {
		for _, c := range []byte(s[f[0]:f[1]]) {
			if c < '0' || c > '9' {
				return 0, 0, 0, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	year, month, day = n[0], time.Month(n[1]), n[2]
	if month < time.January || month > time.December || day < 1 || day > daysIn(month, year) {
		return 0, 0, 0, false
	}
	return year, month, day, true
}

// daysIn is how many days month has in year.
func daysIn(month time.Month, year int) int {
	if month == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
}

// ukDay shows a day as people read it: "1 Apr 2019".
func ganttDay(t time.Time) string { return t.Format("2 Jan 2006") }

// shortenText cuts text to n characters with an ellipsis, on a rune boundary.
func shortenText(texts *textBuf, s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	head := s[:runeOffset(s, n-1)]
	if !utf8.ValidString(head) { // as []rune would: each invalid byte becomes U+FFFD
		head = string([]rune(head))
	}
	return texts.cat(strings.TrimSpace(head), "…")
}

func ganttPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
