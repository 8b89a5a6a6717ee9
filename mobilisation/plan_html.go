package mobilisation

import (
	"html/template"
	"strconv"
	"strings"
)

// Drawing is the chart's rows, months, lines and milestones as SVG, for the plan page to place
// inside its <svg> after the patterns. It is written here rather than in the template because a
// plan of 300 milestones is a few thousand numbers: html/template formats and escapes each
// through reflection, which cost more than the rest of the page together (BenchmarkPlanPage300).
// Every number is made here; every text is escaped here (htmlWriter.t).
//
// The milestones come last: SVG paints in document order, so a milestone's tip (its whole
// title, in a box above its row) covers the rows, months and lines drawn before it. Each
// milestone is a link to its page, named with its whole title, so it can be reached and read
// with the keyboard as well as the mouse; app.css shows the tip on hover and on focus.
func (g GanttChart) Drawing() template.HTML {
	var w htmlWriter
	g.draw(&w)
	return w.html()
}

// DrawingParts is Drawing in parts of a few tens of KB, for the page's template to write one
// after another: html/template copies each value it writes into a buffer of its own, which it
// keeps for the next value only up to 64 KB, so a whole 100 KB drawing would be copied into a
// new buffer every time.
func (g GanttChart) DrawingParts() []template.HTML {
	var w htmlWriter
	g.draw(&w)
	return w.parts()
}

func (g GanttChart) draw(w *htmlWriter) {
	if g.Empty {
		return
	}
	w.b.Grow(g.drawingSize())
	for _, r := range g.Rows {
		switch {
		case r.IsPhase:
			w.s("\n  <rect x=\"0\" y=\"").f(r.Y).s("\" width=\"").f(g.Width).s("\" height=\"").f(r.H).s("\" fill=\"#d8dde0\"/>")
			w.s("\n  <text x=\"6\" y=\"").f(r.TextY).s("\" fill=\"#212b32\" font-weight=\"bold\" font-size=\"15\">").t(r.Label)
			if r.Full != "" {
				w.s("<title>").t(r.Full).s("</title>")
			}
			w.s("</text>")
		case r.IsWorkstream:
			w.s("\n  <text x=\"10\" y=\"").f(r.TextY).s("\" fill=\"#212b32\" font-weight=\"bold\">").t(r.Label)
			if r.Full != "" {
				w.s("<title>").t(r.Full).s("</title>")
			}
			w.s("</text>")
		case r.Shaded:
			w.s("\n  <rect x=\"0\" y=\"").f(r.Y).s("\" width=\"").f(g.Width).s("\" height=\"").f(r.H).s("\" fill=\"#f0f4f5\"/>")
		}
	}
	for _, m := range g.Months {
		w.s("\n  <line x1=\"").f(m.X).s("\" y1=\"0\" x2=\"").f(m.X).s("\" y2=\"").f(g.Height).s("\" stroke=\"#aeb7bd\" stroke-width=\"1\"/>")
		if m.Label != "" {
			w.s("<text x=\"").f(m.LabelX).s("\" y=\"18\" fill=\"#4c6272\">").t(m.Label).s("</text>")
		}
	}
	w.s("\n  <line x1=\"").f(g.ChartX).s("\" y1=\"").f(g.BodyY).s("\" x2=\"").f(g.Width).s("\" y2=\"").f(g.BodyY).s("\" stroke=\"#aeb7bd\" stroke-width=\"1\"/>")
	for _, l := range g.Lines {
		line, text := `" stroke="#212b32" stroke-width="1" stroke-dasharray="2 3"/>`, `" fill="#212b32">`
		switch l.Kind {
		case "golive":
			line, text = `" stroke="#005eb8" stroke-width="2"/>`, `" fill="#005eb8" font-weight="bold">`
		case "forecast":
			line, text = `" stroke="#d5281b" stroke-width="2" stroke-dasharray="6 3"/>`, `" fill="#a3160c" font-weight="bold">`
		}
		w.s("\n  <line x1=\"").f(l.X).s("\" y1=\"").f(l.Y1).s("\" x2=\"").f(l.X).s("\" y2=\"").f(l.Y2).s(line)
		w.s("\n  <text x=\"").f(l.LabelX).s("\" y=\"").f(l.LabelY).s("\" text-anchor=\"").t(l.Anchor).s(text).t(l.Label).s("</text>")
	}
	for _, r := range g.Rows {
		if r.IsPhase || r.IsWorkstream {
			continue
		}
		full := r.Full
		if full == "" {
			full = r.Label
		}
		w.s("\n  <a class=\"golive-gantt__milestone\"")
		if r.Href != "" {
			w.s(" href=\"").t(r.Href).s("\"")
		}
		w.s(" aria-label=\"").t(r.Name).s("\"><title>").t(full).s("</title>")
		// The band is the row's hover and focus target; app.css colours it when focused.
		w.s("\n    <rect class=\"golive-gantt__band\" x=\"0\" y=\"").f(r.Y).s("\" width=\"").f(g.Width).s("\" height=\"").f(r.H).s("\" fill=\"#ffffff\" fill-opacity=\"0\"/>")
		w.s("\n    <text x=\"20\" y=\"").f(r.TextY).s("\" fill=\"#212b32\">").t(r.Label).s("</text>")
		if r.Diamond != "" {
			if s := r.Slip; s != nil {
				w.s("\n    <rect x=\"").f(s.X).s("\" y=\"").f(s.Y).s("\" width=\"").f(s.W).s("\" height=\"").f(s.H).s("\" fill=\"url(#gantt-slip)\" stroke=\"#d5281b\" stroke-width=\"1\"/>")
			}
			w.s("\n    <polygon points=\"").t(r.Diamond).s("\" fill=\"").t(r.Fill).s("\" stroke=\"#212b32\" stroke-width=\"").f(r.StrokeWidth).s("\"/>")
			w.s("\n    <text x=\"").f(r.CodeX).s("\" y=\"").f(r.TextY).s("\" fill=\"#212b32\" font-weight=\"bold\">").t(r.Code).s("</text>")
		}
		if t := r.Tip; t != nil {
			w.s("\n    <g class=\"golive-gantt__tip\"><rect x=\"").f(t.X).s("\" y=\"").f(t.Y).s("\" width=\"").f(t.W).s("\" height=\"").f(t.H).s("\" fill=\"#212b32\"/>")
			for _, l := range t.Lines {
				w.s("<text x=\"").f(t.X + 6).s("\" y=\"").f(l.Y).s("\" fill=\"#ffffff\">").t(l.Text).s("</text>")
			}
			w.s("</g>")
		}
		w.s("\n  </a>")
		w.cut()
	}
	w.s("\n")
}

// drawingSize is about how long Drawing's SVG is, so that it is written into one buffer: the
// markup of each kind of row (measured on BenchmarkPlanPage300's chart) and its texts, with an
// eighth more for escaping.
func (g GanttChart) drawingSize() int {
	n, texts := 512+150*len(g.Months)+350*len(g.Lines), 0
	for _, r := range g.Rows {
		texts += len(r.Label) + len(r.Full)
		switch {
		case r.IsPhase:
			n += 200
		case r.IsWorkstream:
			n += 90
		default:
			n += 400
			texts += len(r.Href) + len(r.Name) + len(r.Label) + len(r.Diamond) + len(r.Code)
			if r.Slip != nil {
				n += 110
			}
			if r.Tip != nil {
				n += 100 + 50*len(r.Tip.Lines)
				texts += len(r.Full)
			}
		}
	}
	return n + texts + texts/8
}

// htmlWriter writes a fragment of HTML into one buffer, so a chart or a table is one
// allocation rather than one per number, and html hands the buffer over without copying it;
// parts hands it over in parts, cut where the writer was told it may be cut.
type htmlWriter struct {
	b    strings.Builder
	num  [32]byte
	cuts []int // where parts ends each part but the last
}

// htmlPart is how long a part grows before it is cut: with the row that passes it, a part stays
// well under the 64 KB that html/template's printing (fmt) keeps a buffer for.
const htmlPart = 32 << 10

// cut marks the end of a row, where a part may end.
func (w *htmlWriter) cut() {
	last := 0
	if len(w.cuts) > 0 {
		last = w.cuts[len(w.cuts)-1]
	}
	if w.b.Len()-last >= htmlPart {
		w.cuts = append(w.cuts, w.b.Len())
	}
}

func (w *htmlWriter) parts() []template.HTML {
	s := w.b.String()
	parts := make([]template.HTML, 0, len(w.cuts)+1)
	from := 0
	for _, to := range w.cuts {
		parts = append(parts, template.HTML(s[from:to])) //nolint:gosec // every text written went through t
		from = to
	}
	if from < len(s) {
		parts = append(parts, template.HTML(s[from:])) //nolint:gosec // as above
	}
	return parts
}

func (w *htmlWriter) s(raw string) *htmlWriter { w.b.WriteString(raw); return w }

// f writes a coordinate without an exponent, as few digits as it needs.
func (w *htmlWriter) f(v float64) *htmlWriter {
	if t, ok := tenths(v); ok { // most are: the layout rounds to tenths
		w.b.Write(appendTenths(w.num[:0], t))
	} else {
		w.b.Write(strconv.AppendFloat(w.num[:0], v, 'f', -1, 64))
	}
	return w
}

// t writes text escaped for an element or a quoted attribute, as html.EscapeString does.
func (w *htmlWriter) t(text string) *htmlWriter {
	last := 0
	for i := 0; i < len(text); i++ {
		if esc := htmlEscapes[text[i]]; esc != "" {
			w.b.WriteString(text[last:i])
			w.b.WriteString(esc)
			last = i + 1
		}
	}
	w.b.WriteString(text[last:])
	return w
}

// htmlEscapes are html.EscapeString's replacements, by byte.
var htmlEscapes = [256]string{'&': "&amp;", '\'': "&#39;", '<': "&lt;", '>': "&gt;", '"': "&#34;"}

func (w *htmlWriter) html() template.HTML {
	return template.HTML(w.b.String()) //nolint:gosec // every text written went through t
}

// MilestoneRows are milestones as rows of a table.
type MilestoneRows []MilestoneRow

// PlanTable is the rows of the plan page's milestones table, written at once (the template
// would spend more on calling PlanTableRow for each of hundreds of rows than the rows cost to
// write), in parts as DrawingParts is.
func (rows MilestoneRows) PlanTable() []template.HTML {
	var w htmlWriter
	n := 0
	for _, r := range rows {
		n += len(r.Href) + len(r.Title) + len(r.Phase) + len(r.Workstream) + len(r.Owner) + len(r.OwnerOrg) +
			len(r.Due) + len(r.Forecast) + len(r.Slip) + len(r.RAG.Class) + len(r.RAG.Label) + len(r.Status) + len(r.Reason)
	}
	w.b.Grow(planTableRowSize*len(rows) + n + n/8) // an eighth more for escaping
	for i := range rows {
		rows[i].writePlanTableRow(&w)
		w.cut()
	}
	return w.parts()
}

// planTableRowSize is the markup of a row of the milestones table without its texts, rounded up.
const planTableRowSize = 1200

// PlanTableRow is the milestone as a row of the plan page's milestones table, written here for
// the reason Drawing is: a plan's table is hundreds of rows of a dozen values each. The table is
// NHS.UK's responsive table: on a phone each row becomes a card, each value under its heading
// (the nhsuk-table__heading spans), and the roles keep it a table to screen readers.
func (r MilestoneRow) PlanTableRow() template.HTML {
	var w htmlWriter
	r.writePlanTableRow(&w)
	return w.html()
}

func (r *MilestoneRow) writePlanTableRow(w *htmlWriter) {
	cell := func(heading string) {
		w.s("\n      <td role=\"cell\" class=\"nhsuk-table__cell\"><span class=\"nhsuk-table__heading\" aria-hidden=\"true\">").s(heading).s(" </span><span>")
	}
	w.s("\n    <tr role=\"row\" class=\"nhsuk-table__row\">")
	cell("Milestone")
	w.s("<a href=\"").t(r.Href).s("\">").t(r.Title).s("</a></span></td>")
	cell("Phase and workstream")
	w.t(r.Phase).s("<br><span class=\"nhsuk-body-s\">").t(r.Workstream).s("</span></span></td>")
	cell("Owner")
	w.t(r.Owner)
	if r.OwnerOrg != "" {
		w.s("<br><span class=\"nhsuk-body-s\">").t(r.OwnerOrg).s("</span>")
	}
	w.s("</span></td>")
	cell("Due")
	w.t(r.Due).s("</span></td>")
	cell("Forecast finish")
	if r.Forecast != "" {
		w.t(r.Forecast)
		if r.Slip != "" {
			w.s("<br><span class=\"nhsuk-body-s\">").t(r.Slip).s("</span>")
		}
	} else {
		w.s("On time")
	}
	w.s("</span></td>")
	cell("Status")
	w.s("<strong class=\"nhsuk-tag ").t(r.RAG.Class).s("\">").t(r.RAG.Label).s("</strong> ").t(r.Status)
	if r.Waiting {
		w.s(", waiting for acceptance")
	}
	if r.Reason != "" {
		w.s("<br><span class=\"nhsuk-body-s\">").t(r.Reason).s("</span>")
	}
	w.s("</span></td>")
	cell("Critical path")
	if r.CriticalPath {
		w.s("Yes (CP)")
	} else {
		w.s("No")
	}
	w.s("</span></td>\n    </tr>")
}
