package mobilisation

import (
	"html"
	"html/template"
	"strconv"
)

// Drawing is the chart's rows, months, lines and diamonds as SVG, for the plan page to place
// inside its <svg> after the patterns. It is written here rather than in the template because a
// plan of 300 milestones is a few thousand numbers: html/template formats and escapes each
// through reflection, which cost more than the rest of the page together (BenchmarkPlanPage300).
// Every number is made here; every text is escaped here.
func (g GanttChart) Drawing() template.HTML {
	if g.Empty {
		return ""
	}
	w := svgWriter{b: make([]byte, 0, 256*len(g.Rows)+128*len(g.Months)+1024)}
	for _, r := range g.Rows {
		switch {
		case r.IsPhase:
			w.s("\n  <rect x=\"0\" y=\"").f(r.Y).s("\" width=\"").f(g.Width).s("\" height=\"").f(r.H).s("\" fill=\"#d8dde0\"/>")
			w.s("\n  <text x=\"6\" y=\"").f(r.TextY).s("\" fill=\"#212b32\" font-weight=\"bold\" font-size=\"13\">").t(r.Label).s("</text>")
		case r.IsWorkstream:
			w.s("\n  <text x=\"10\" y=\"").f(r.TextY).s("\" fill=\"#212b32\" font-weight=\"bold\">").t(r.Label).s("</text>")
		default:
			if r.Shaded {
				w.s("\n  <rect x=\"0\" y=\"").f(r.Y).s("\" width=\"").f(g.Width).s("\" height=\"").f(r.H).s("\" fill=\"#f0f4f5\"/>")
			}
			w.s("\n  <text x=\"20\" y=\"").f(r.TextY).s("\" fill=\"#212b32\">").t(r.Label).s("</text>")
		}
	}
	for _, m := range g.Months {
		w.s("\n  <line x1=\"").f(m.X).s("\" y1=\"0\" x2=\"").f(m.X).s("\" y2=\"").f(g.Height).s("\" stroke=\"#aeb7bd\" stroke-width=\"1\"/>")
		if m.Label != "" {
			w.s("<text x=\"").f(m.LabelX).s("\" y=\"16\" fill=\"#4c6272\">").t(m.Label).s("</text>")
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
		if r.Diamond == "" {
			continue
		}
		w.s("\n  ")
		if s := r.Slip; s != nil {
			w.s("<rect x=\"").f(s.X).s("\" y=\"").f(s.Y).s("\" width=\"").f(s.W).s("\" height=\"").f(s.H).s("\" fill=\"url(#gantt-slip)\" stroke=\"#d5281b\" stroke-width=\"1\"/>\n  ")
		}
		w.s("<polygon points=\"").t(r.Diamond).s("\" fill=\"").t(r.Fill).s("\" stroke=\"#212b32\" stroke-width=\"").f(r.StrokeWidth).s("\"/>")
		w.s("\n  <text x=\"").f(r.CodeX).s("\" y=\"").f(r.TextY).s("\" fill=\"#212b32\" font-weight=\"bold\">").t(r.Code).s("</text>")
	}
	w.s("\n")
	return template.HTML(w.b) //nolint:gosec // every text above went through html.EscapeString
}

// svgWriter appends to one buffer, so a chart is one allocation rather than one per number.
type svgWriter struct{ b []byte }

func (w *svgWriter) s(raw string) *svgWriter { w.b = append(w.b, raw...); return w }

// f writes a coordinate without an exponent, as few digits as it needs.
func (w *svgWriter) f(v float64) *svgWriter { w.b = strconv.AppendFloat(w.b, v, 'f', -1, 64); return w }

// t writes text, escaped for an element or a quoted attribute.
func (w *svgWriter) t(text string) *svgWriter {
	w.b = append(w.b, html.EscapeString(text)...)
	return w
}

// PlanTableRow is the milestone as a row of the plan page's milestones table, written here for
// the reason Drawing is: a plan's table is hundreds of rows of a dozen values each.
func (r MilestoneRow) PlanTableRow() template.HTML {
	w := svgWriter{b: make([]byte, 0, 768)}
	w.s("\n    <tr class=\"nhsuk-table__row\">\n      <td class=\"nhsuk-table__cell\"><a href=\"").t(r.Href).s("\">").t(r.Title).s("</a></td>")
	w.s("\n      <td class=\"nhsuk-table__cell\">").t(r.Phase).s("<br><span class=\"nhsuk-body-s\">").t(r.Workstream).s("</span></td>")
	w.s("\n      <td class=\"nhsuk-table__cell\">").t(r.Owner)
	if r.OwnerOrg != "" {
		w.s("<br><span class=\"nhsuk-body-s\">").t(r.OwnerOrg).s("</span>")
	}
	w.s("</td>\n      <td class=\"nhsuk-table__cell\">").t(r.Due).s("</td>\n      <td class=\"nhsuk-table__cell\">")
	if r.Forecast != "" {
		w.t(r.Forecast)
		if r.Slip != "" {
			w.s("<br><span class=\"nhsuk-body-s\">").t(r.Slip).s("</span>")
		}
	} else {
		w.s("On time")
	}
	w.s("</td>\n      <td class=\"nhsuk-table__cell\"><strong class=\"nhsuk-tag ").t(r.RAG.Class).s("\">").t(r.RAG.Label).s("</strong> ").t(r.Status)
	if r.Waiting {
		w.s(", waiting for acceptance")
	}
	if r.Reason != "" {
		w.s("<br><span class=\"nhsuk-body-s\">").t(r.Reason).s("</span>")
	}
	w.s("</td>\n      <td class=\"nhsuk-table__cell\">")
	if r.CriticalPath {
		w.s("Yes (CP)")
	} else {
		w.s("No")
	}
	w.s("</td>\n    </tr>")
	return template.HTML(w.b) //nolint:gosec // every value above went through html.EscapeString
}
