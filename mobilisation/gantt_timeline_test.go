package mobilisation

import (
	"slices"
	"strings"
	"testing"
)

func ids(ms []GanttMilestone) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestGanttFilter(t *testing.T) {
	p := kentLot2()
	for _, tc := range []struct {
		name       string
		f          GanttFilter
		milestones []string
		phases     []string
	}{
		{"no filter keeps everything", GanttFilter{}, []string{"tupe", "cqc", "gonogo", "recruit", "dos", "estates"}, []string{"ooh", "medway", "utc"}},
		{"a phase keeps its milestones and only its go-live", GanttFilter{Phase: "ooh"}, []string{"tupe", "cqc", "gonogo", "recruit"}, []string{"ooh"}},
		{"a workstream keeps its milestones and the phases they are in", GanttFilter{Workstream: "Workforce"}, []string{"tupe", "recruit"}, []string{"ooh"}},
		{"both narrow together", GanttFilter{Phase: "medway", Workstream: "Directory of Services"}, []string{"dos"}, []string{"medway"}},
		{"a workstream not in the phase leaves nothing", GanttFilter{Phase: "utc", Workstream: "Workforce"}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f.Filter(p)
			if !slices.Equal(ids(got.Milestones), tc.milestones) {
				t.Errorf("milestones %v, want %v", ids(got.Milestones), tc.milestones)
			}
			var phases []string
			for _, ph := range got.Phases {
				phases = append(phases, ph.ID)
			}
			if !slices.Equal(phases, tc.phases) {
				t.Errorf("phases %v, want %v", phases, tc.phases)
			}
		})
	}
	if len(p.Phases) != 3 || len(p.Milestones) != 6 {
		t.Error("filtering changed the plan it was given")
	}
}

func TestGanttFilterCheck(t *testing.T) {
	p := kentLot2()
	if errs := (GanttFilter{Phase: "ooh", Workstream: "Estates"}).Check(p); errs != nil {
		t.Errorf("a phase and workstream the plan has: %v", errs)
	}
	errs := GanttFilter{Phase: "nope", Workstream: "Catering"}.Check(p)
	if errs["filter-phase"] != "Select a phase from the list" || errs["filter-workstream"] != "Select a workstream from the list" {
		t.Errorf("unknown phase and workstream: %v", errs)
	}
}

func TestGanttSectionsShareOneScale(t *testing.T) {
	tl := GanttSections(kentLot2())
	if tl.Empty || len(tl.Sections) != 3 {
		t.Fatalf("sections: %+v", tl.Sections)
	}
	want := []string{"GP OOH: 4 milestones", "Medway UTC: 1 milestone", "DGS and Swale UTCs: 1 milestone"}
	for i, s := range tl.Sections {
		if s.Heading != want[i] || !s.Open {
			t.Errorf("section %d: %q open %v, want %q open", i, s.Heading, s.Open, want[i])
		}
		// Every chart spans the same months, so a day is at the same x in each.
		if len(s.Chart.Months) != len(tl.Sections[0].Chart.Months) || s.Chart.Months[0] != tl.Sections[0].Chart.Months[0] {
			t.Errorf("section %d has its own scale: %d months from %+v", i, len(s.Chart.Months), s.Chart.Months[0])
		}
	}
	// The 1 April go-live is drawn at one x in both phases that go live then.
	ooh, medway := lineOf(t, tl.Sections[0].Chart, "golive", "GP OOH"), lineOf(t, tl.Sections[1].Chart, "golive", "Medway UTC")
	if ooh.X != medway.X {
		t.Errorf("1 April at x=%v in one phase, x=%v in the other", ooh.X, medway.X)
	}
	// A phase's chart has only its own go-live, not the others'.
	for _, l := range tl.Sections[2].Chart.Lines {
		if strings.Contains(l.Label, "GP OOH") {
			t.Errorf("the UTCs' chart draws %q", l.Label)
		}
	}
}

func TestGanttSectionsOfALargePlanStartClosed(t *testing.T) {
	tl := GanttSections(bigPlan(ganttOpenMax + 1))
	for _, s := range tl.Sections {
		if s.Open {
			t.Errorf("%q is open in a plan of %d milestones", s.Heading, ganttOpenMax+1)
		}
	}
	one := GanttFilter{Phase: "a"}.Filter(bigPlan(300))
	if tl := GanttSections(one); len(tl.Sections) != 1 || !tl.Sections[0].Open {
		t.Error("a plan narrowed to one phase does not show it open")
	}
	if tl := GanttSections(GanttPlan{Title: "Nothing"}); !tl.Empty || tl.Desc == "" {
		t.Errorf("an empty plan: %+v", tl)
	}
}

func TestGanttDrawingLinksEveryMilestoneWithItsWholeName(t *testing.T) {
	p := kentLot2()
	long := strings.Repeat("Recruit and train the clinical navigators for the night rota ", 3)
	p.Milestones[3].Title = strings.TrimSpace(long)
	for i := range p.Milestones {
		p.Milestones[i].Href = "/mobilisation/plans/p/milestones/" + p.Milestones[i].ID
	}
	c := Gantt(p)
	svg := string(c.Drawing())
	for _, m := range p.Milestones {
		link := `<a class="golive-gantt__milestone" href="` + m.Href + `" aria-label="` + m.Title
		if !strings.Contains(svg, link) {
			t.Errorf("no link to %s named %q", m.Href, m.Title)
		}
		if !strings.Contains(svg, "<title>"+m.Title+"</title>") {
			t.Errorf("no <title> for %q", m.Title)
		}
	}
	if n := strings.Count(svg, "<polygon"); n != 6 || strings.Count(svg, `<a class="golive-gantt__milestone"`) != 6 {
		t.Errorf("%d diamonds in %d links, want 6 in 6", n, strings.Count(svg, "<a "))
	}
	// The long title is cut short in its row and whole in its tip, in lines that fit the chart.
	r := rowOf(t, c, "recruit")
	if r.Tip == nil || r.Label == p.Milestones[3].Title {
		t.Fatalf("a long title has no tip: %+v", r)
	}
	var whole []string
	for _, l := range r.Tip.Lines {
		whole = append(whole, l.Text)
		if float64(len(l.Text))*ganttCharW > r.Tip.W {
			t.Errorf("tip line %q is wider than its box (%v)", l.Text, r.Tip.W)
		}
	}
	if strings.Join(whole, " ") != p.Milestones[3].Title || len(r.Tip.Lines) < 2 {
		t.Errorf("tip lines %q", whole)
	}
	if r.Tip.Y+r.Tip.H > r.Y || r.Tip.X+r.Tip.W > c.Width {
		t.Errorf("tip %+v is not above row at %v within %v", r.Tip, r.Y, c.Width)
	}
	if !strings.Contains(svg, `class="golive-gantt__tip"`) || rowOf(t, c, "cqc").Tip != nil {
		t.Error("tips: only a shortened title needs one")
	}
}
