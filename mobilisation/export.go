package mobilisation

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golive/ukclock"

	"github.com/xuri/excelize/v2"
)

// The plan as a workbook (XLSX) and as CSV, for commissioners' programme boards. Both are written
// from one list of tables, so they always hold the same rows: each table is a sheet of the
// workbook and a part of the CSV.
//
// CSV layout (one file): the tables follow one another (plan, phases, milestones, decisions). Each
// starts with a header row whose first field is "part" and whose other fields are the table's
// column keys; every row after it, up to the next header, is one of its rows with the table's key
// in the first field. Read with csv.Reader.FieldsPerRecord = -1. Days are YYYY-MM-DD (UK calendar
// days), instants RFC 3339 in UK time. A text field that would start with = + - @ (or a tab or
// carriage return) is prefixed with ' so that a spreadsheet opening the CSV never runs it as a
// formula; in the workbook text is always a string expCell, never a formula.

// ExportPlan is what the export shows: the plan view flattened to text and days.
type ExportPlan struct {
	Contract, Lot, Procurement, Provider, Lead string
	RAG                                        RAG
	Today                                      string
	ExportedAt                                 time.Time
	ExportedBy                                 string
	Phases                                     []ExportPhase
	Milestones                                 []ExportMilestone
	Decisions                                  []ExportDecision
}

// ExportPhase is a row of the phases expTable.
type ExportPhase struct {
	Name, GoLive, Forecast string
	SlipDays               int
	RAG                    RAG
	State                  string
	LiveAt                 *time.Time
	LiveBy                 string
}

// ExportMilestone is a row of the milestones expTable.
type ExportMilestone struct {
	Phase, Workstream, Title, Owner, OwnerSide string
	Due, Status, Forecast, CompletedOn         string
	SlipDays                                   int
	RAG                                        RAG
	Reason                                     string
	Critical                                   bool
	DependsOn                                  []string // titles
}

// ExportDecision is a row of the go/no-go decisions expTable.
type ExportDecision struct {
	Phase, Commissioner, Decision, Reason, DecidedBy string
	DecidedAt                                        time.Time
}

type expKind int

const (
	expEmpty expKind = iota
	expText
	expInt
	expDay  // a UK calendar day, "2006-01-02"
	expTime // an instant, shown in UK time
)

type expCell struct {
	kind expKind
	text string
	n    int
	at   time.Time
}

func xText(s string) expCell { return expCell{kind: expText, text: s} }
func xInt(n int) expCell     { return expCell{kind: expInt, n: n} }
func xDay(d string) expCell {
	if _, err := time.Parse(dayFormat, d); err != nil {
		return xText(d)
	}
	return expCell{kind: expDay, text: d}
}
func xTime(t *time.Time) expCell {
	if t == nil || t.IsZero() {
		return expCell{}
	}
	return expCell{kind: expTime, at: *t}
}
func xYesNo(b bool) expCell { return xText(map[bool]string{true: "Yes", false: "No"}[b]) }

type expColumn struct {
	title, key string
	width      float64
}

type expTable struct {
	sheet, part string
	cols        []expColumn
	rows        [][]expCell
}

func (t *expTable) add(cells ...expCell) { t.rows = append(t.rows, cells) }

// ragLabels are RAG statuses as people read them.
var ragLabels = map[RAG]string{RAGRed: "Red", RAGAmber: "Amber", RAGGreen: "Green", RAGDone: "Done"}

// statusLabels are milestone statuses as people read them.
var statusLabels = map[Status]string{NotStarted: "Not started", InProgress: "In progress", Done: "Done", Blocked: "Blocked"}

func exportTables(p ExportPlan) []expTable {
	plan := expTable{sheet: "Plan", part: "plan", cols: []expColumn{{"Item", "item", 30}, {"Value", "value", 60}}}
	item := func(k string, v expCell) { plan.add(xText(k), v) }
	item("Contract", xText(p.Contract))
	item("Procurement", xText(p.Procurement))
	item("Lot", xText(p.Lot))
	item("Provider", xText(p.Provider))
	item("Lead commissioner", xText(p.Lead))
	item("Overall status", xText(ragLabels[p.RAG]))
	item("Status as at", xDay(p.Today))
	item("Exported (UK time)", xTime(&p.ExportedAt))
	item("Exported by", xText(p.ExportedBy))

	phases := expTable{sheet: "Phases", part: "phases", cols: []expColumn{{"Phase", "phase", 36}, {"Go-live", "go_live", 12},
		{"Forecast go-live", "forecast", 16}, {"Slip (days)", "slip_days", 11}, {"Status", "rag", 10}, {"State", "state", 12},
		{"Live since (UK time)", "live_at", 20}, {"Declared live by", "live_by", 24}}}
	for _, ph := range p.Phases {
		phases.add(xText(ph.Name), xDay(ph.GoLive), xDay(ph.Forecast), xInt(ph.SlipDays), xText(ragLabels[ph.RAG]), xText(ph.State),
			xTime(ph.LiveAt), xText(ph.LiveBy))
	}

	milestones := expTable{sheet: "Milestones", part: "milestones", cols: []expColumn{{"Phase", "phase", 28}, {"Workstream", "workstream", 28},
		{"Milestone", "title", 48}, {"Owner", "owner", 24}, {"Owner side", "owner_side", 12}, {"Due", "due", 12},
		{"Status", "status", 12}, {"RAG", "rag", 8}, {"Why", "reason", 44}, {"Forecast finish", "forecast", 15},
		{"Slip (days)", "slip_days", 11}, {"Completed", "completed_on", 12}, {"Critical path", "critical", 12},
		{"Depends on", "depends_on", 48}}}
	for _, m := range p.Milestones {
		milestones.add(xText(m.Phase), xText(m.Workstream), xText(m.Title), xText(m.Owner), xText(m.OwnerSide), xDay(m.Due),
			xText(m.Status), xText(ragLabels[m.RAG]), xText(m.Reason), xDay(m.Forecast), xInt(m.SlipDays), xDay(m.CompletedOn),
			xYesNo(m.Critical), xText(strings.Join(m.DependsOn, "; ")))
	}

	decisions := expTable{sheet: "Go-no-go decisions", part: "decisions", cols: []expColumn{{"Phase", "phase", 36},
		{"Commissioner", "commissioner", 36}, {"Decision", "decision", 10}, {"Reason", "reason", 50}, {"Decided by", "decided_by", 24},
		{"Decided (UK time)", "decided_at", 20}}}
	for _, d := range p.Decisions {
		decisions.add(xText(d.Phase), xText(d.Commissioner), xText(d.Decision), xText(d.Reason), xText(d.DecidedBy), xTime(&d.DecidedAt))
	}
	return []expTable{plan, phases, milestones, decisions}
}

// --- XLSX ---

// WritePlanXLSX writes the plan as a workbook: a sheet per expTable, the header bold and frozen,
// days as real dates.
func WritePlanXLSX(w io.Writer, p ExportPlan) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	dayFmt, timeFmt := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	day, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dayFmt})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	instant, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	for i, t := range exportTables(p) {
		if i == 0 {
			err = f.SetSheetName("Sheet1", t.sheet)
		} else {
			_, err = f.NewSheet(t.sheet)
		}
		if err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", t.sheet, err)
		}
		sw, err := f.NewStreamWriter(t.sheet)
		if err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", t.sheet, err)
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
			return err
		}
		header := make([]any, len(t.cols))
		for i, c := range t.cols {
			if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
				return err
			}
			header[i] = excelize.Cell{StyleID: bold, Value: c.title}
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		for n, row := range t.rows {
			values := make([]any, len(row))
			for i, c := range row {
				switch c.kind {
				case expText:
					style := 0
					if t.cols[i].width >= 40 {
						style = wrap
					}
					values[i] = excelize.Cell{StyleID: style, Value: c.text} // a string expCell: never a formula
				case expInt:
					values[i] = c.n
				case expDay:
					d, _ := time.Parse(dayFormat, c.text)
					values[i] = excelize.Cell{StyleID: day, Value: d}
				case expTime:
					// A spreadsheet's times have no zone: write the UK wall clock.
					l := c.at.In(ukclock.London)
					values[i] = excelize.Cell{StyleID: instant, Value: time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)}
				default:
					values[i] = nil
				}
			}
			ref, err := excelize.CoordinatesToCellName(1, n+2)
			if err != nil {
				return err
			}
			if err := sw.SetRow(ref, values); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", t.sheet, err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// --- CSV ---

// csvSafe defuses formula injection: a spreadsheet opening the CSV would run a field that starts
// with = + - @ (or a tab or carriage return, which some strip first) as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WritePlanCSV writes the plan as one CSV of consecutive tables (see the layout above).
func WritePlanCSV(w io.Writer, p ExportPlan) error {
	cw := csv.NewWriter(w)
	for _, t := range exportTables(p) {
		head := []string{"part"}
		for _, c := range t.cols {
			head = append(head, c.key)
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		for _, row := range t.rows {
			rec := []string{t.part}
			for _, c := range row {
				switch c.kind {
				case expText:
					rec = append(rec, csvSafe(c.text))
				case expInt:
					rec = append(rec, strconv.Itoa(c.n))
				case expDay:
					rec = append(rec, c.text)
				case expTime:
					rec = append(rec, c.at.In(ukclock.London).Format(time.RFC3339))
				default:
					rec = append(rec, "")
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
