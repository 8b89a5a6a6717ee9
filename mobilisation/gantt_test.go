package mobilisation

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// rowOf finds the milestone row with id.
func rowOf(t *testing.T, c GanttChart, id string) GanttRow {
	t.Helper()
	for _, r := range c.Rows {
		if r.Kind == "milestone" && r.ID == id {
			return r
		}
	}
	t.Fatalf("no row for milestone %s", id)
	return GanttRow{}
}

func lineOf(t *testing.T, c GanttChart, kind, labelPart string) GanttLine {
	t.Helper()
	for _, l := range c.Lines {
		if l.Kind == kind && strings.Contains(l.Label, labelPart) {
			return l
		}
	}
	t.Fatalf("no %s line labelled %q in %+v", kind, labelPart, c.Lines)
	return GanttLine{}
}

// diamondX is the x of the diamond's top point, its centre line.
func diamondX(t *testing.T, r GanttRow) string {
	t.Helper()
	top, _, ok := strings.Cut(r.Diamond, ",")
	if !ok {
		t.Fatalf("milestone %s has no diamond: %q", r.ID, r.Diamond)
	}
	return top
}

func kentLot2() GanttPlan {
	return GanttPlan{Title: "Lot 2", Today: "2019-02-10",
		Phases: []GanttPhase{
			{ID: "ooh", Name: "GP OOH", GoLive: "2019-04-01", Forecast: "2019-04-01"},
			{ID: "medway", Name: "Medway UTC", GoLive: "2019-04-01", Forecast: "2019-04-15"},
			{ID: "utc", Name: "DGS and Swale UTCs", GoLive: "2019-07-01"},
		},
		Milestones: []GanttMilestone{
			{ID: "tupe", PhaseID: "ooh", Workstream: "Workforce", Title: "TUPE consultation", DueOn: "2018-11-02", Finish: "2018-11-02", RAG: RAGDone, Done: true},
			{ID: "cqc", PhaseID: "ooh", Workstream: "CQC registration", Title: "CQC registration", DueOn: "2019-01-31", Finish: "2019-01-31", RAG: RAGGreen, Critical: true},
			{ID: "gonogo", PhaseID: "ooh", Workstream: "Go/no-go", Title: "Go/no-go", DueOn: "2019-04-01", Finish: "2019-04-01", RAG: RAGGreen, Critical: true},
			{ID: "recruit", PhaseID: "ooh", Workstream: "Workforce", Title: "Recruit clinicians", DueOn: "2019-02-01", Finish: "2019-02-10", RAG: RAGRed},
			{ID: "dos", PhaseID: "medway", Workstream: "Directory of Services", Title: "DoS profiles", DueOn: "2019-03-11", Finish: "2019-03-25", RAG: RAGRed, Critical: true},
			{ID: "estates", PhaseID: "utc", Workstream: "Estates", Title: "Sheppey estates works", DueOn: "2019-06-01", Finish: "2019-06-01", RAG: RAGAmber},
		},
	}
}

func TestGanttGeometry(t *testing.T) {
	c := Gantt(kentLot2())

	t.Run("a milestone due on the go-live day sits on the go-live line", func(t *testing.T) {
		gl := lineOf(t, c, "golive", "1 Apr 2019")
		if got, want := diamondX(t, rowOf(t, c, "gonogo")), ganttNum(gl.X); got != want {
			t.Errorf("go/no-go diamond at x=%s, go-live line at x=%s", got, want)
		}
	})

	t.Run("phases going live on the same day share one labelled line", func(t *testing.T) {
		gl := lineOf(t, c, "golive", "1 Apr 2019")
		if !strings.Contains(gl.Label, "GP OOH") || !strings.Contains(gl.Label, "Medway UTC") {
			t.Errorf("1 April line label %q should name both phases", gl.Label)
		}
		n := 0
		for _, l := range c.Lines {
			if l.Kind == "golive" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d go-live lines, want 2 (1 April and 1 July)", n)
		}
	})

	t.Run("a slipping phase has a forecast line, on its forecast day", func(t *testing.T) {
		fl := lineOf(t, c, "forecast", "Medway UTC")
		gl := lineOf(t, c, "golive", "1 Apr 2019")
		if fl.X <= gl.X {
			t.Errorf("forecast 15 April at x=%v is not after go-live 1 April at x=%v", fl.X, gl.X)
		}
		for _, l := range c.Lines {
			if l.Kind == "forecast" && strings.Contains(l.Label, "GP OOH") {
				t.Errorf("an on-time phase has a forecast line: %+v", l)
			}
		}
	})

	t.Run("the slip bar runs from the due day to the forecast finish", func(t *testing.T) {
		r := rowOf(t, c, "dos")
		if r.Slip == nil {
			t.Fatal("a milestone forecast 14 days late has no slip bar")
		}
		if got := ganttNum(r.Slip.X); got != diamondX(t, r) {
			t.Errorf("slip starts at x=%s, diamond at x=%s", got, diamondX(t, r))
		}
		fl := lineOf(t, c, "forecast", "Medway UTC") // 15 April: the DoS finish 25 March + 21 days is not needed here
		perDay := (fl.X - lineOf(t, c, "golive", "1 Apr 2019").X) / 14
		if got, want := r.Slip.W, 14*perDay; got < want-0.2 || got > want+0.2 {
			t.Errorf("slip of 14 days is %v wide, want %v (%v a day)", got, want, perDay)
		}
		if rowOf(t, c, "cqc").Slip != nil {
			t.Error("an on-time milestone has a slip bar")
		}
	})

	t.Run("the critical path has a thicker outline and the CP marker", func(t *testing.T) {
		crit, other := rowOf(t, c, "dos"), rowOf(t, c, "recruit")
		if crit.StrokeWidth <= other.StrokeWidth {
			t.Errorf("critical outline %v is not thicker than %v", crit.StrokeWidth, other.StrokeWidth)
		}
		if !strings.Contains(crit.Code, "CP") || strings.Contains(other.Code, "CP") {
			t.Errorf("CP marker: critical %q, other %q", crit.Code, other.Code)
		}
	})

	t.Run("RAG is a letter and a pattern as well as a colour", func(t *testing.T) {
		for id, want := range map[string]struct{ letter, fill string }{
			"dos":     {"R", "url(#gantt-red)"},
			"estates": {"A", "url(#gantt-amber)"},
			"cqc":     {"G", "#007f3b"},
			"tupe":    {"D", "#768692"},
		} {
			r := rowOf(t, c, id)
			if !strings.HasPrefix(r.Code, want.letter) || r.Fill != want.fill {
				t.Errorf("%s: code %q fill %q, want %q and %q", id, r.Code, r.Fill, want.letter, want.fill)
			}
		}
	})

	t.Run("rows are grouped by phase, then workstream in order of first appearance", func(t *testing.T) {
		var got []string
		for _, r := range c.Rows {
			switch r.Kind {
			case "phase":
				got = append(got, "#"+strings.SplitN(r.Label, ",", 2)[0])
			case "workstream":
				got = append(got, "+"+r.Label)
			default:
				got = append(got, r.ID)
			}
		}
		want := "#GP OOH +Workforce tupe recruit +CQC registration cqc +Go/no-go gonogo #Medway UTC +Directory of Services dos #DGS and Swale UTCs +Estates estates"
		if strings.Join(got, " ") != want {
			t.Errorf("rows:\n got %s\nwant %s", strings.Join(got, " "), want)
		}
		for i := 1; i < len(c.Rows); i++ {
			if c.Rows[i].Y != ganttRound(c.Rows[i-1].Y+c.Rows[i-1].H) {
				t.Errorf("row %d at y=%v does not follow row %d (y=%v, h=%v)", i, c.Rows[i].Y, i-1, c.Rows[i-1].Y, c.Rows[i-1].H)
			}
		}
		if last := c.Rows[len(c.Rows)-1]; c.Height < last.Y+last.H {
			t.Errorf("height %v cuts off the last row ending at %v", c.Height, last.Y+last.H)
		}
	})

	t.Run("today is marked; every line reaches the bottom and every label its own row", func(t *testing.T) {
		lineOf(t, c, "today", "10 Feb 2019")
		ys := map[float64]bool{}
		for _, l := range c.Lines {
			if l.Y2 != c.Height || l.Y1 >= c.BodyY {
				t.Errorf("line %q runs %v–%v; rows start at %v, chart ends at %v", l.Label, l.Y1, l.Y2, c.BodyY, c.Height)
			}
			if ys[l.LabelY] {
				t.Errorf("two line labels at y=%v", l.LabelY)
			}
			ys[l.LabelY] = true
		}
	})

	t.Run("nothing is drawn outside the chart area", func(t *testing.T) {
		for _, r := range c.Rows {
			if r.Kind != "milestone" {
				continue
			}
			x := diamondX(t, r)
			var f float64
			fmt.Sscan(x, &f)
			if f < c.ChartX || f > c.ChartEnd {
				t.Errorf("%s drawn at x=%v outside %v–%v", r.ID, f, c.ChartX, c.ChartEnd)
			}
		}
	})
}

func TestGanttMonths(t *testing.T) {
	cases := []struct {
		name        string
		first, last string
		want        []string // labels; "" where a month is too narrow to name
	}{
		{"across a year boundary, the year is named again in January", "2018-11-20", "2019-02-03",
			[]string{"Nov 2018", "Dec", "Jan 2019", "Feb"}},
		{"one month", "2019-04-01", "2019-04-01", []string{"Apr 2019"}},
		{"a long plan names only what fits, and always January", "2017-03-01", "2019-06-30", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Gantt(GanttPlan{Phases: []GanttPhase{{ID: "p", Name: "P", GoLive: tc.last}},
				Milestones: []GanttMilestone{{ID: "m", PhaseID: "p", Workstream: "W", Title: "M", DueOn: tc.first}}})
			first, _ := time.Parse("2006-01-02", tc.first)
			last, _ := time.Parse("2006-01-02", tc.last)
			months := (last.Year()-first.Year())*12 + int(last.Month()-first.Month()) + 1
			if len(c.Months) != months {
				t.Fatalf("%d months, want %d", len(c.Months), months)
			}
			if c.Months[0].X != c.ChartX || ganttRound(c.Months[len(c.Months)-1].X+c.Months[len(c.Months)-1].Width) < c.ChartEnd-0.2 {
				t.Errorf("months span %v–%v, chart %v–%v", c.Months[0].X, c.Months[len(c.Months)-1].X+c.Months[len(c.Months)-1].Width, c.ChartX, c.ChartEnd)
			}
			for i := 1; i < len(c.Months); i++ {
				if d := c.Months[i].X - (c.Months[i-1].X + c.Months[i-1].Width); d > 0.15 || d < -0.15 {
					t.Errorf("month %d starts at %v, not where month %d ends (%v)", i, c.Months[i].X, i-1, c.Months[i-1].X+c.Months[i-1].Width)
				}
			}
			if tc.want != nil {
				var got []string
				for _, m := range c.Months {
					got = append(got, m.Label)
				}
				if strings.Join(got, "|") != strings.Join(tc.want, "|") {
					t.Errorf("labels %q, want %q", got, tc.want)
				}
				return
			}
			named, prev := 0, -1000.0
			for _, m := range c.Months {
				if m.Label == "" {
					continue
				}
				named++
				if m.LabelX-prev < ganttMinMonthPx {
					t.Errorf("%q at x=%v is %v after the previous name", m.Label, m.LabelX, m.LabelX-prev)
				}
				prev = m.LabelX
				if strings.HasPrefix(m.Label, "Jan") && len(m.Label) != len("Jan 2018") {
					t.Errorf("January named %q, without its year", m.Label)
				}
			}
			for i, m := range c.Months {
				if month := first.AddDate(0, i, 1-first.Day()); month.Month() == time.January && m.Label != month.Format("Jan 2006") {
					t.Errorf("month %d (%s) named %q", i, month.Format("Jan 2006"), m.Label)
				}
			}
			if named == 0 || named == len(c.Months) {
				t.Errorf("%d of %d months named: a 28-month plan should name some, not all", named, len(c.Months))
			}
		})
	}

	t.Run("31 days are wider than 28", func(t *testing.T) {
		c := Gantt(GanttPlan{Phases: []GanttPhase{{ID: "p", Name: "P", GoLive: "2019-03-31"}},
			Milestones: []GanttMilestone{{ID: "m", PhaseID: "p", DueOn: "2019-01-01"}}})
		jan, feb := c.Months[0].Width, c.Months[1].Width
		if r := jan / feb; r < 31.0/28-0.01 || r > 31.0/28+0.01 {
			t.Errorf("January %v wide, February %v: ratio %v, want 31/28", jan, feb, r)
		}
	})
}

func TestGanttEmptyAndOdd(t *testing.T) {
	t.Run("an empty plan draws nothing and says so", func(t *testing.T) {
		c := Gantt(GanttPlan{Title: "Lot 9"})
		if !c.Empty || len(c.Rows) != 0 || len(c.Months) != 0 || len(c.Lines) != 0 || c.Desc == "" {
			t.Errorf("empty plan: %+v", c)
		}
	})
	t.Run("phases without milestones still draw their go-live", func(t *testing.T) {
		c := Gantt(GanttPlan{Phases: []GanttPhase{{ID: "p", Name: "NHS 111", GoLive: "2019-04-01"}}})
		if c.Empty || len(c.Lines) != 1 || len(c.Rows) != 1 || c.Rows[0].Kind != "phase" {
			t.Errorf("lines %+v rows %+v", c.Lines, c.Rows)
		}
	})
	t.Run("a milestone with no due day, or of no phase, is listed but not drawn", func(t *testing.T) {
		c := Gantt(GanttPlan{Phases: []GanttPhase{{ID: "p", Name: "P", GoLive: "2019-04-01"}},
			Milestones: []GanttMilestone{{ID: "a", PhaseID: "p", Workstream: "W", Title: "No day", DueOn: "soon"},
				{ID: "b", PhaseID: "gone", Workstream: "W", Title: "Orphan", DueOn: "2019-03-01"}}})
		if r := rowOf(t, c, "a"); r.Diamond != "" || r.Slip != nil {
			t.Errorf("a milestone with no day drawn: %+v", r)
		}
		if r := rowOf(t, c, "b"); r.Diamond == "" {
			t.Error("a milestone of an unknown phase is not drawn")
		}
		if c.Rows[len(c.Rows)-3].Label != "Not in a phase" {
			t.Errorf("rows: %+v", c.Rows)
		}
	})
	t.Run("a long title is shortened, the whole of it kept", func(t *testing.T) {
		long := strings.Repeat("Clinical safety case ", 6)
		c := Gantt(GanttPlan{Phases: []GanttPhase{{ID: "p", Name: "P", GoLive: "2019-04-01"}},
			Milestones: []GanttMilestone{{ID: "m", PhaseID: "p", Workstream: "W", Title: long, DueOn: "2019-03-01"}}})
		r := rowOf(t, c, "m")
		if len([]rune(r.Label)) > ganttLabelChars || !strings.HasSuffix(r.Label, "…") || r.Full != long {
			t.Errorf("label %q full %q", r.Label, r.Full)
		}
	})
}

// bigPlan is a plan of n milestones over three phases, for the benchmarks.
func bigPlan(n int) GanttPlan {
	p := GanttPlan{Title: "Big plan", Today: "2019-01-15", Phases: []GanttPhase{
		{ID: "a", Name: "NHS 111", GoLive: "2019-04-01", Forecast: "2019-04-20"},
		{ID: "b", Name: "UTCs", GoLive: "2019-07-01"},
		{ID: "c", Name: "Mobile unit", GoLive: "2019-10-01"},
	}}
	streams := []string{"Governance and contract", "Workforce", "Estates", "Telephony", "IT and clinical systems", "Directory of Services", "CQC registration", "Information governance", "Clinical governance", "Communications", "Testing and readiness", "Go/no-go"}
	rags := []RAG{RAGGreen, RAGAmber, RAGRed, RAGDone}
	base, _ := time.Parse("2006-01-02", "2018-08-01")
	for i := range n {
		due := base.AddDate(0, 0, i*400/n)
		m := GanttMilestone{ID: fmt.Sprintf("m%03d", i), PhaseID: p.Phases[i%3].ID, Workstream: streams[i%len(streams)],
			Title: fmt.Sprintf("Milestone %d: a realistic title of some length", i), DueOn: due.Format("2006-01-02"),
			Finish: due.AddDate(0, 0, i%9).Format("2006-01-02"), RAG: rags[i%4], Critical: i%5 == 0}
		p.Milestones = append(p.Milestones, m)
	}
	return p
}

func TestGanttBigPlan(t *testing.T) {
	c := Gantt(bigPlan(300))
	n := 0
	for _, r := range c.Rows {
		if r.Kind == "milestone" {
			n++
			if r.Diamond == "" {
				t.Errorf("%s not drawn", r.ID)
			}
		}
	}
	if n != 300 {
		t.Errorf("%d milestone rows, want 300", n)
	}
}

// BenchmarkGantt300 is the layout of a 300-milestone plan (the page's rendering of it is
// BenchmarkPlanPage300 in pages_test.go).
func BenchmarkGantt300(b *testing.B) {
	p := bigPlan(300)
	b.ReportAllocs()
	for b.Loop() {
		Gantt(p)
	}
}
