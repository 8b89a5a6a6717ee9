package evaluation

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// The export of a lot's whole evaluation (Report) as a workbook and as CSV. Both are written
// from one list of tables, so the two files always hold the same rows: each exportTable is a sheet
// of the workbook and a part of the CSV.
//
// CSV layout (one file): the tables follow one another in the order of the workbook's sheets
// (summary, questions, ranking, section_scores, individual_scores, consensus, declarations,
// panel, award). Each starts with a header row whose first field is "part" and whose other
// fields are the table's column keys; every row after it, up to the next header row, is one
// of its rows, with the table's key in the first field. A table without rows still has its
// header. Rows have as many fields as their own header: read with csv.Reader.FieldsPerRecord
// = -1. Scores are percentage points rounded to 2 places (as on the page), money is pounds
// with 2 decimals, instants are RFC 3339 in UK time, days are YYYY-MM-DD. A text field that
// would start with = + - @ (or a tab or carriage return) is prefixed with ' so that a
// spreadsheet opening the CSV never runs it as a formula.

// MIME types of the two exports.
const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv; charset=utf-8"
)

type exportKind int

const (
	exportEmpty exportKind = iota
	exportText
	exportInt
	exportScore // exact percentage points
	exportMoney // pence
	exportTime  // an instant, shown in UK time
	exportDay   // a day, shown in UK time
)

// exportCell is one typed value of a table.
type exportCell struct {
	kind  exportKind
	text  string
	n     int64
	score *big.Rat
	at    time.Time
}

func cText(s string) exportCell { return exportCell{kind: exportText, text: s} }
func cInt(n int) exportCell     { return exportCell{kind: exportInt, n: int64(n)} }
func cMoney(p int64) exportCell {
	return exportCell{kind: exportMoney, n: p}
}
func cScore(r *big.Rat) exportCell {
	if r == nil {
		return exportCell{}
	}
	return exportCell{kind: exportScore, score: r}
}
func cWeight(bp int) exportCell { return cScore(big.NewRat(int64(bp), 100)) }
func cWhen(t time.Time) exportCell {
	if t.IsZero() {
		return exportCell{}
	}
	return exportCell{kind: exportTime, at: t}
}
func cWhenPtr(t *time.Time) exportCell {
	if t == nil {
		return exportCell{}
	}
	return cWhen(*t)
}
func cDay(t time.Time) exportCell {
	if t.IsZero() {
		return exportCell{}
	}
	return exportCell{kind: exportDay, at: t}
}
func cYesNo(b bool) exportCell { return cText(map[bool]string{true: "Yes", false: "No"}[b]) }

func cMark(score *int) exportCell {
	if score == nil {
		return exportCell{}
	}
	return cInt(*score)
}

func cPassFail(passed *bool) exportCell {
	if passed == nil {
		return exportCell{}
	}
	return cText(map[bool]string{true: "Pass", false: "Fail"}[*passed])
}

// exportColumn is a table's column: its title in the workbook, its key in the CSV, its width.
type exportColumn struct {
	title, key string
	width      float64
}

// exportTable is one part of the export.
type exportTable struct {
	sheet, part string
	cols        []exportColumn
	rows        [][]exportCell
}

func (t *exportTable) add(cells ...exportCell) { t.rows = append(t.rows, cells) }

var exportRegimes = map[string]string{"pcr2015": "Public Contracts Regulations 2015", "psr2024": "Provider Selection Regime", "pa2023": "Procurement Act 2023"}

func exportRegime(r string) string {
	if n, ok := exportRegimes[r]; ok {
		return n
	}
	return r
}

// tables lays the report out as the export's tables.
func exportTables(r Report) []exportTable {
	p, l := r.Procurement, r.Lot

	summary := exportTable{sheet: "Summary", part: "summary", cols: []exportColumn{{"Item", "item", 40}, {"Value", "value", 70}}}
	item := func(k string, v exportCell) { summary.add(cText(k), v) }
	item("Procurement", cText(p.Title))
	item("Reference", cText(p.Reference))
	item("Regime", cText(exportRegime(string(p.Regime))))
	item("Procedure", cText(p.Procedure))
	item("Lead commissioner", cText(r.LeadOrg))
	item("Lot", cText(fmt.Sprintf("Lot %d: %s", l.Number, l.Title)))
	item("Commissioners this lot covers", cText(strings.Join(r.Participants, "; ")))
	item("Contract term (years)", cInt(p.TermYears))
	item("Estimated value (£)", cMoney(p.EstimatedValuePence))
	item("Bidders", cInt(len(r.Bidders)))
	item("Evaluators", cInt(len(r.Panel)))
	item("Quality moderation completed (UK time)", cWhenPtr(r.QualityModeratedAt))
	item("Prices opened (UK time)", cWhenPtr(r.PricesOpenedAt))
	item("Prices opened by", cText(r.PricesOpenedBy))
	if r.ResultsPending != "" {
		item("Results", cText("Not yet computed: "+r.ResultsPending))
	} else {
		item("Results", cText("Computed: see the Ranking sheet"))
	}
	if n := len(r.Recommendations); n > 0 {
		rec := r.Recommendations[n-1]
		item("Preferred bidder (latest recommendation)", cText(rec.Bidder))
		item("Recommendation state", cText(string(rec.State)))
		item("Standstill ends (UK time)", cWhenPtr(rec.StandstillEndsAt))
	}
	if c := r.Contract; c != nil {
		item("Contract awarded to", cText(c.Provider))
		item("Contract reference", cText(c.Reference))
		item("Contract value (£)", cMoney(c.ValuePence))
	}
	item("Exported (UK time)", cWhen(r.GeneratedAt))
	item("Exported by", cText(r.GeneratedBy))

	questions := exportTable{sheet: "Questions", part: "questions", cols: []exportColumn{{"Section", "section", 24}, {"Question", "question", 10},
		{"Text", "text", 60}, {"Kind", "kind", 12}, {"Weight (%)", "weight_percent", 12}, {"Top score", "max_score", 10},
		{"Minimum score", "min_score", 14}}}
	section := map[string]string{}
	for _, s := range r.Sections {
		section[s.ID] = s.Title
	}
	for _, q := range r.Questions {
		top, threshold := exportCell{}, exportCell{}
		if q.Kind == lots.Scored {
			top, threshold = cInt(q.MaxScore), cInt(q.MinScore)
		}
		questions.add(cText(section[q.SectionID]), cText(q.Number), cText(q.Text), cText(string(q.Kind)), cWeight(q.WeightBP), top, threshold)
	}

	ranking := exportTable{sheet: "Ranking", part: "ranking", cols: []exportColumn{{"Rank", "rank", 8}, {"Bidder", "bidder", 36},
		{"Quality score", "quality", 14}, {"Price (£)", "price_gbp", 18}, {"Price score", "price_score", 12}, {"Total", "total", 10},
		{"Excluded", "excluded", 10}, {"Reasons", "reasons", 60}}}
	sections := exportTable{sheet: "Section scores", part: "section_scores", cols: []exportColumn{{"Bidder", "bidder", 36}, {"Rank", "rank", 8},
		{"Section", "section", 30}, {"Section weight (%)", "section_weight_percent", 18}, {"Section score", "section_score", 14}}}
	for _, res := range r.Results {
		rank := exportCell{}
		if res.Rank > 0 {
			rank = cInt(res.Rank)
		}
		ranking.add(rank, cText(res.Name), cScore(res.Quality), cMoney(res.PricePence), cScore(res.PriceScore), cScore(res.Total),
			cYesNo(res.Excluded), cText(strings.Join(res.Reasons, "; ")))
		for _, s := range res.Sections {
			sections.add(cText(res.Name), rank, cText(s.Title), cWeight(s.WeightBP), cScore(s.Score))
		}
	}

	individual := exportTable{sheet: "Individual scores", part: "individual_scores", cols: []exportColumn{{"Question", "question", 10},
		{"Bidder", "bidder", 36}, {"Evaluator", "evaluator", 24}, {"Organisation", "organisation", 30}, {"Score", "score", 8},
		{"Pass or fail", "pass_fail", 12}, {"Rationale", "rationale", 70}, {"Recorded (UK time)", "recorded_at", 20}}}
	for _, s := range r.Scores {
		individual.add(cText(s.Question), cText(s.Bidder), cText(s.Evaluator), cText(s.Organisation), cMark(s.Score), cPassFail(s.Passed),
			cText(s.Rationale), cWhen(s.RecordedAt))
	}

	consensus := exportTable{sheet: "Consensus", part: "consensus", cols: []exportColumn{{"Question", "question", 10}, {"Bidder", "bidder", 36},
		{"Score", "score", 8}, {"Pass or fail", "pass_fail", 12}, {"Rationale", "rationale", 70}, {"Recorded by", "recorded_by", 24},
		{"Recorded (UK time)", "recorded_at", 20}}}
	for _, c := range r.Consensus {
		consensus.add(cText(c.Question), cText(c.Bidder), cMark(c.Score), cPassFail(c.Passed), cText(c.Rationale), cText(c.RecordedBy), cWhen(c.RecordedAt))
	}

	declarations := exportTable{sheet: "Declarations", part: "declarations", cols: []exportColumn{{"Evaluator", "evaluator", 24},
		{"Organisation", "organisation", 30}, {"Bidder", "bidder", 36}, {"Decision", "decision", 22}, {"Reason", "reason", 60},
		{"Declared (UK time)", "declared_at", 20}}}
	for _, d := range r.Declarations {
		decision := "No interest"
		if d.Decision == Conflicted {
			decision = "Conflict of interest"
		}
		declarations.add(cText(d.Evaluator), cText(d.Organisation), cText(d.Bidder), cText(decision), cText(d.Reason), cWhen(d.DeclaredAt))
	}

	panel := exportTable{sheet: "Panel", part: "panel", cols: []exportColumn{{"Evaluator", "evaluator", 24}, {"Organisation", "organisation", 30},
		{"Healthwatch", "healthwatch", 12}, {"Questions assigned", "questions", 24}, {"Submitted (UK time)", "submitted_at", 20}}}
	for _, e := range r.Panel {
		panel.add(cText(e.Name), cText(e.Organisation), cYesNo(e.Healthwatch), cText(strings.Join(e.Questions, ", ")), cWhenPtr(e.SubmittedAt))
	}

	award := exportTable{sheet: "Award", part: "award", cols: []exportColumn{{"Record", "record", 26}, {"Bidder or commissioner", "subject", 36},
		{"Decision or state", "decision", 20}, {"Reason or text", "reason", 60}, {"By", "by", 24}, {"When (UK time)", "at", 20},
		{"Until (UK time)", "until", 20}, {"Contract value (£)", "value_gbp", 18}, {"Contract start", "start_date", 14},
		{"Term (years)", "term_years", 12}}}
	for _, rec := range r.Recommendations {
		award.add(cText("Recommendation"), cText(rec.Bidder), cText(string(rec.State)), cText(rec.Reason), cText(rec.RecommendedBy), cWhen(rec.RecommendedAt))
		for _, d := range rec.Approvals {
			award.add(cText("Governing-body decision"), cText(d.Organisation), cText(d.Decision), cText(d.Reason), cText(d.DecidedBy), cWhen(d.DecidedAt))
		}
		if rec.StandstillStartedAt != nil {
			award.add(cText("Standstill"), cText(rec.Bidder), cText(exportRegime(string(rec.Regime))), exportCell{}, exportCell{}, cWhenPtr(rec.StandstillStartedAt),
				cWhenPtr(rec.StandstillEndsAt))
		}
		for _, rep := range rec.Representations {
			award.add(cText("Representation"), cText(rep.Bidder), exportCell{}, cText(rep.Text), cText(rep.MadeBy), cWhen(rep.MadeAt))
			if rep.Decision != "" {
				award.add(cText("Decision on representation"), cText(rep.Bidder), cText(rep.Decision), cText(rep.DecisionReason), cText(rep.DecidedBy),
					cWhenPtr(rep.DecidedAt))
			}
		}
		if rec.AwardNotBefore != nil && (rec.StandstillEndsAt == nil || !rec.AwardNotBefore.Equal(*rec.StandstillEndsAt)) {
			award.add(cText("Award waits"), cText(rec.Bidder), exportCell{}, cText("After the decision on a representation"), exportCell{}, exportCell{},
				cWhenPtr(rec.AwardNotBefore))
		}
	}
	if c := r.Contract; c != nil {
		award.add(cText("Contract award"), cText(c.Provider), cText(c.Reference), exportCell{}, cText(c.AwardedBy), cWhen(c.AwardedAt), exportCell{},
			cMoney(c.ValuePence), cDay(c.StartDate), cInt(c.TermYears))
	}

	return []exportTable{summary, questions, ranking, sections, individual, consensus, declarations, panel, award}
}

// --- XLSX ---

// exportStyles are the workbook's exportCell styles by kind, plus the header's.
type exportStyles struct {
	header, wrap int
	kind         map[exportKind]int
}

func newExportStyles(f *excelize.File) (exportStyles, error) {
	st := exportStyles{kind: map[exportKind]int{}}
	var err error
	custom := func(format string) *excelize.Style { return &excelize.Style{CustomNumFmt: &format} }
	for _, s := range []struct {
		dst   *int
		style *excelize.Style
	}{
		{&st.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.wrap, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	} {
		if *s.dst, err = f.NewStyle(s.style); err != nil {
			return st, err
		}
	}
	for k, format := range map[exportKind]string{
		exportScore: "0.00",
		exportMoney: `"£"#,##0.00`,
		exportTime:  "dd/mm/yyyy hh:mm",
		exportDay:   "dd/mm/yyyy",
	} {
		if st.kind[k], err = f.NewStyle(custom(format)); err != nil {
			return st, err
		}
	}
	return st, nil
}

// xlsxValue is a exportCell as the workbook holds it: numbers as numbers, money in pounds, instants
// at their UK wall-clock time (a spreadsheet's dates have no zone; excelize writes a time at
// its own location's clock).
func xlsxExportValue(c exportCell) any {
	switch c.kind {
	case exportText:
		return c.text // a string cell: never a formula, whatever it starts with
	case exportInt:
		return c.n
	case exportScore:
		f, _ := c.score.Float64()
		return f
	case exportMoney:
		f, _ := new(big.Rat).SetFrac64(c.n, 100).Float64()
		return f
	case exportTime, exportDay:
		return c.at.In(ukclock.London)
	}
	return nil
}

// WriteXLSX writes the report as a workbook: one sheet per exportTable, the header row bold and
// frozen.
func WriteXLSX(w io.Writer, r Report) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newExportStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx styles: %w", err)
	}
	for i, t := range exportTables(r) {
		if i == 0 {
			err = f.SetSheetName("Sheet1", t.sheet)
		} else {
			_, err = f.NewSheet(t.sheet)
		}
		if err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", t.sheet, err)
		}
		if err := writeExportSheet(f, st, t); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", t.sheet, err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func writeExportSheet(f *excelize.File, st exportStyles, t exportTable) error {
	sw, err := f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	for i, c := range t.cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	header := make([]any, len(t.cols))
	for i, c := range t.cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.title}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for n, row := range t.rows {
		values := make([]any, len(row))
		for i, c := range row {
			style := st.kind[c.kind]
			if c.kind == exportText && i < len(t.cols) && t.cols[i].width >= 40 {
				style = st.wrap // long text (rationales, reasons) wraps in its exportColumn
			}
			values[i] = excelize.Cell{StyleID: style, Value: xlsxExportValue(c)}
		}
		ref, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, values); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// --- CSV ---

// exportCSVSafe defuses formula injection: a spreadsheet opening the CSV would run a field that
// starts with = + - @ (or a tab or carriage return, which some strip first) as a formula.
func exportCSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvExportValue(c exportCell) string {
	switch c.kind {
	case exportText:
		return exportCSVSafe(c.text)
	case exportInt:
		return strconv.FormatInt(c.n, 10)
	case exportScore:
		return Percent(c.score)
	case exportMoney:
		return exportPounds(c.n)
	case exportTime:
		return c.at.In(ukclock.London).Format(time.RFC3339)
	case exportDay:
		return c.at.In(ukclock.London).Format("2006-01-02")
	}
	return ""
}

// pounds shows pence as pounds with two decimals, exactly: 12345 → "123.45".
func exportPounds(p int64) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	return fmt.Sprintf("%s%d.%02d", sign, p/100, p%100)
}

// WriteCSV writes the report as one CSV file in the layout described at the top of this file.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	for _, t := range exportTables(r) {
		header := []string{"part"}
		for _, c := range t.cols {
			header = append(header, c.key)
		}
		if err := cw.Write(header); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		for _, row := range t.rows {
			rec := make([]string, 1, len(t.cols)+1)
			rec[0] = t.part
			for i := range t.cols {
				v := ""
				if i < len(row) {
					v = csvExportValue(row[i])
				}
				rec = append(rec, v)
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// --- download ---

// ExportFormat is a format the evaluation exports to.
type ExportFormat string

const (
	ExportXLSX ExportFormat = "xlsx"
	ExportCSV  ExportFormat = "csv"
)

// ParseExportFormat reads a requested format; "" is the workbook.
func ParseExportFormat(s string) (ExportFormat, error) {
	switch ExportFormat(strings.ToLower(strings.TrimSpace(s))) {
	case "", ExportXLSX:
		return ExportXLSX, nil
	case ExportCSV:
		return ExportCSV, nil
	}
	return "", apperr.InvalidFields(map[string]string{"format": "Select the format of the export: xlsx or csv"})
}

var unsafeExportName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// exportName is the download's file name, made of the procurement reference and lot number
// with anything but letters, digits, - and _ replaced, so no header or path can be smuggled in.
func exportName(r Report, f ExportFormat) string {
	ref := strings.Trim(unsafeExportName.ReplaceAllString(r.Procurement.Reference, "-"), "-")
	if ref == "" {
		ref = "procurement"
	}
	if len(ref) > 60 {
		ref = ref[:60]
	}
	return fmt.Sprintf("evaluation-%s-lot-%d.%s", ref, r.Lot.Number, f)
}

// sendExport answers with the report as a download in the format.
func sendExport(c *fiber.Ctx, r Report, f ExportFormat) error {
	var b bytes.Buffer
	ct := xlsxType
	write := WriteXLSX
	if f == ExportCSV {
		ct, write = csvType, WriteCSV
	}
	if err := write(&b, r); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": exportName(r, f)}))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store") // commercially sensitive: never kept by a cache
	return c.Send(b.Bytes())
}

// mountExport registers the downloads of a lot's evaluation: for those who may see the value
// (casbin) and the lot (scope.go); the service applies the rule of Results.
func (h *Pages) mountExport(app fiber.Router, guard web.Guard) {
	value, lot := guard(access.PermProcValue), Scoped(h.Svc.Visible)
	app.Get("/evaluations/lots/:lot/export.xlsx", value, lot, h.exportAs(ExportXLSX))
	app.Get("/evaluations/lots/:lot/export.csv", value, lot, h.exportAs(ExportCSV))
}

func (h *Pages) exportAs(f ExportFormat) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := h.Svc.Export(c.UserContext(), web.ActorFrom(c), c.Params("lot"), f)
		if err != nil {
			return err
		}
		return sendExport(c, r, f)
	}
}
