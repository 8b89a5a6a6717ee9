package mobilisation

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func samplePlanExport() ExportPlan {
	live := time.Date(2019, 4, 1, 7, 30, 0, 0, time.UTC)
	return ExportPlan{Contract: "KM-IUC-2", Procurement: "Kent and Medway IUCS", Lot: "Lot 2: UTCs and GP OOH",
		Provider: "Estuary Urgent Care", Lead: "NHS Medway CCG", RAG: RAGRed, Today: "2019-02-10",
		ExportedAt: time.Date(2019, 2, 10, 12, 0, 0, 0, time.UTC), ExportedBy: "Lead",
		Phases: []ExportPhase{
			{Name: "GP OOH", GoLive: "2019-04-01", Forecast: "2019-04-01", RAG: RAGDone, State: "Live", LiveAt: &live, LiveBy: "Lead"},
			{Name: "Medway UTC", GoLive: "2019-04-01", Forecast: "2019-04-15", SlipDays: 14, RAG: RAGRed, State: "Mobilising"},
		},
		Milestones: []ExportMilestone{
			{Phase: "Medway UTC", Workstream: "Directory of Services", Title: "DoS profiles built", Owner: "Bid team", OwnerSide: "Provider",
				Due: "2019-03-11", Status: "In progress", RAG: RAGRed, Reason: "Forecast 14 days late", Forecast: "2019-03-25", SlipDays: 14,
				Critical: true, DependsOn: []string{"Clinical system live", "Telephony"}},
			// What a hostile milestone title or note might try in a spreadsheet.
			{Phase: "Medway UTC", Workstream: "=HYPERLINK(\"http://evil\")", Title: "+1+1", Owner: "@SUM(A1)", Due: "2019-03-01",
				Status: "Not started", RAG: RAGAmber, Reason: "-2 days", Forecast: "2019-03-01"},
		},
		Decisions: []ExportDecision{{Phase: "GP OOH", Commissioner: "NHS Medway CCG", Decision: "Go", Reason: "\tReady",
			DecidedBy: "Approver", DecidedAt: time.Date(2019, 3, 25, 10, 0, 0, 0, time.UTC)}},
	}
}

func readCSV(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	parts := map[string][][]string{}
	var current string
	for _, rec := range recs {
		if rec[0] == "part" {
			current = "header:" + strings.Join(rec[1:], ",")
			parts[current] = nil
			continue
		}
		parts[rec[0]] = append(parts[rec[0]], rec[1:])
	}
	return parts
}

func TestPlanCSV(t *testing.T) {
	p := samplePlanExport()
	var b bytes.Buffer
	if err := WritePlanCSV(&b, p); err != nil {
		t.Fatal(err)
	}
	parts := readCSV(t, b.Bytes())
	if len(parts["phases"]) != 2 || len(parts["milestones"]) != 2 || len(parts["decisions"]) != 1 || len(parts["plan"]) == 0 {
		t.Fatalf("parts: %v", parts)
	}
	if _, ok := parts["header:phase,workstream,title,owner,owner_side,due,status,rag,reason,forecast,slip_days,completed_on,critical,depends_on"]; !ok {
		t.Errorf("no milestones header in %v", parts)
	}

	t.Run("a milestone row says what the plan page says", func(t *testing.T) {
		got := strings.Join(parts["milestones"][0], "|")
		want := "Medway UTC|Directory of Services|DoS profiles built|Bid team|Provider|2019-03-11|In progress|Red|Forecast 14 days late|2019-03-25|14||Yes|Clinical system live; Telephony"
		if got != want {
			t.Errorf("row\n got %s\nwant %s", got, want)
		}
	})

	t.Run("no field starts a formula", func(t *testing.T) {
		for part, rows := range parts {
			for _, row := range rows {
				for _, f := range row {
					if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
						t.Errorf("%s: field %q would run as a formula", part, f)
					}
				}
			}
		}
		hostile := parts["milestones"][1]
		for i, want := range map[int]string{1: "'=HYPERLINK(\"http://evil\")", 2: "'+1+1", 3: "'@SUM(A1)", 8: "'-2 days"} {
			if hostile[i] != want {
				t.Errorf("field %d = %q, want %q", i, hostile[i], want)
			}
		}
		if d := parts["decisions"][0][3]; d != "'\tReady" {
			t.Errorf("a reason starting with a tab: %q", d)
		}
	})

	t.Run("instants are in UK time, days as days", func(t *testing.T) {
		if got := parts["phases"][0][6]; got != "2019-04-01T08:30:00+01:00" {
			t.Errorf("live at %q, want BST", got)
		}
		if got := parts["decisions"][0][5]; got != "2019-03-25T10:00:00Z" {
			t.Errorf("decided at %q, want GMT", got)
		}
	})
}

func TestPlanXLSX(t *testing.T) {
	p := samplePlanExport()
	var b bytes.Buffer
	if err := WritePlanXLSX(&b, p); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Plan|Phases|Milestones|Go-no-go decisions" {
		t.Errorf("sheets %s", got)
	}
	rows, err := f.GetRows("Milestones")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][2] != "Milestone" || rows[1][2] != "DoS profiles built" {
		t.Fatalf("milestones sheet: %v", rows)
	}

	t.Run("text is text, never a formula", func(t *testing.T) {
		for _, ref := range []string{"B3", "C3", "D3"} {
			formula, err := f.GetCellFormula("Milestones", ref)
			if err != nil || formula != "" {
				t.Errorf("%s has formula %q (%v)", ref, formula, err)
			}
		}
		if v, _ := f.GetCellValue("Milestones", "C3"); v != "+1+1" {
			t.Errorf("C3 = %q, want the title as typed", v)
		}
	})

	t.Run("due days are dates", func(t *testing.T) {
		typ, err := f.GetCellType("Milestones", "F2")
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.GetCellValue("Milestones", "F2")
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || v != "11/03/2019" {
			t.Errorf("due cell type %v value %q, want the date 11/03/2019", typ, v)
		}
		if v, _ := f.GetCellValue("Phases", "G2"); v != "01/04/2019 08:30" {
			t.Errorf("live at shows %q, want UK time 01/04/2019 08:30", v)
		}
	})

	t.Run("the workbook and the CSV hold the same rows", func(t *testing.T) {
		var c bytes.Buffer
		if err := WritePlanCSV(&c, p); err != nil {
			t.Fatal(err)
		}
		parts := readCSV(t, c.Bytes())
		for sheet, part := range map[string]string{"Plan": "plan", "Phases": "phases", "Milestones": "milestones", "Go-no-go decisions": "decisions"} {
			rows, _ := f.GetRows(sheet)
			if len(rows)-1 != len(parts[part]) {
				t.Errorf("%s: %d rows in the workbook, %d in the CSV", sheet, len(rows)-1, len(parts[part]))
			}
		}
	})
}

func TestEmptyPlanExports(t *testing.T) {
	var x, c bytes.Buffer
	if err := WritePlanXLSX(&x, ExportPlan{Contract: "Empty"}); err != nil {
		t.Fatal(err)
	}
	if err := WritePlanCSV(&c, ExportPlan{Contract: "Empty"}); err != nil {
		t.Fatal(err)
	}
	parts := readCSV(t, c.Bytes())
	if len(parts["milestones"]) != 0 || parts["plan"][0][1] != "Empty" {
		t.Errorf("empty plan CSV: %v", parts)
	}
}
