package evaluation_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"golive/apperr"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
	"golive/lots/lotstest"
)

const (
	northDowns   = "North Downs GP Federation"
	channelCoast = "Channel Coast Health Partnership"
)

// fixedQuestionnaire is the ranking test's lot: two quality sections, a threshold (1.1 needs
// 2 of 4), a pass/fail question (1.3) and a price schedule worth 40 %.
var fixedQuestionnaire = []lots.QuestionInput{
	{Section: "Service delivery", Number: "1.1", Text: "Describe your clinical model", Kind: lots.Scored, WeightBP: 3000, MaxScore: 4, MinScore: 2, Panel: lots.Clinical},
	{Section: "Service delivery", Number: "1.2", Text: "How will patients experience the service?", Kind: lots.Scored, WeightBP: 1500, MaxScore: 4, Panel: lots.Patient},
	{Section: "Service delivery", Number: "1.3", Text: "Confirm CQC registration", Kind: lots.PassFail, Panel: lots.Clinical},
	{Section: "Mobilisation", Number: "2.1", Text: "Describe your mobilisation plan", Kind: lots.Scored, WeightBP: 1500, MaxScore: 5, Panel: lots.Clinical},
	{Section: "Price", Number: "3.1", Text: "Price schedule", Kind: lots.Price, WeightBP: 4000, Panel: lots.Finance},
}

// fixedBid is one bidder of the fixed data set with its consensus marks and price schedule.
type fixedBid struct {
	email, name string
	marks       map[string]int // consensus score per scored question number
	passes      bool           // the consensus on the pass/fail question 1.3
	years       []int64        // the price schedule, pence per year
}

// fixedBids: Weald is best on quality and Estuary on price among the compliant bids; North
// Downs is cheapest of all but below the threshold on 1.1, and Channel Coast fails 1.3. Were
// North Downs' price the benchmark, Weald would come first: the ranking shows that an excluded
// bid does not set the lowest price.
var fixedBids = []fixedBid{
	{"bids@estuary-urgent-care.test", estuary, map[string]int{"1.1": 3, "1.2": 4, "2.1": 4}, true, []int64{1_000_000_00, 1_000_000_00}},
	{"bids@weald-ambulance.test", weald, map[string]int{"1.1": 4, "1.2": 3, "2.1": 5}, true, []int64{1_200_000_00, 1_300_000_37}},
	{"bids@north-downs-gp.test", northDowns, map[string]int{"1.1": 1, "1.2": 4, "2.1": 5}, true, []int64{700_000_00, 800_000_00}},
	{"bids@channel-coast-health.test", channelCoast, map[string]int{"1.1": 3, "1.2": 2, "2.1": 3}, false, []int64{900_000_00, 900_000_00}},
}

// expected is a bid's result as this test works it out.
type expected struct {
	name                       string
	sections                   map[string]*big.Rat // by section title
	quality, priceScore, total *big.Rat
	price                      int64
	excluded                   bool
	rank                       int
}

// expectRanking works the ranking out from the weights and the formula, on its own: each
// scored question earns consensus ÷ top score × weight; a mark below the minimum or a fail
// excludes the bid; price score = lowest compliant price ÷ bid price × price weight; rank = 1 +
// the compliant bids ahead (higher total, then higher quality, then lower price). Ranked bids
// come first in rank order, then the excluded, each in the order of fixedBids.
func expectRanking() []expected {
	var priceWeight int64
	for _, q := range fixedQuestionnaire {
		if q.Kind == lots.Price {
			priceWeight = int64(q.WeightBP)
		}
	}
	var out []expected
	for _, b := range fixedBids {
		e := expected{name: b.name, sections: map[string]*big.Rat{}, quality: new(big.Rat)}
		for _, y := range b.years {
			e.price += y
		}
		for _, q := range fixedQuestionnaire {
			switch q.Kind {
			case lots.Scored:
				m := b.marks[q.Number]
				// weights are basis points: ÷ 100 gives percentage points
				w := big.NewRat(int64(m)*int64(q.WeightBP), int64(q.MaxScore)*100)
				if e.sections[q.Section] == nil {
					e.sections[q.Section] = new(big.Rat)
				}
				e.sections[q.Section].Add(e.sections[q.Section], w)
				e.quality.Add(e.quality, w)
				if m < q.MinScore {
					e.excluded = true
				}
			case lots.PassFail:
				if !b.passes {
					e.excluded = true
				}
			}
		}
		out = append(out, e)
	}
	var lowest int64
	for _, e := range out {
		if !e.excluded && (lowest == 0 || e.price < lowest) {
			lowest = e.price
		}
	}
	for i := range out {
		if out[i].excluded {
			continue
		}
		out[i].priceScore = new(big.Rat).Mul(big.NewRat(lowest, out[i].price), big.NewRat(priceWeight, 100))
		out[i].total = new(big.Rat).Add(out[i].quality, out[i].priceScore)
	}
	ahead := func(a, b expected) bool {
		if c := a.total.Cmp(b.total); c != 0 {
			return c > 0
		}
		if c := a.quality.Cmp(b.quality); c != 0 {
			return c > 0
		}
		return a.price < b.price
	}
	for i := range out {
		if out[i].excluded {
			continue
		}
		out[i].rank = 1
		for j := range out {
			if j != i && !out[j].excluded && ahead(out[j], out[i]) {
				out[i].rank++
			}
		}
	}
	slices.SortStableFunc(out, func(a, b expected) int {
		switch {
		case a.excluded != b.excluded:
			if a.excluded {
				return 1
			}
			return -1
		case a.excluded:
			return 0
		}
		return a.rank - b.rank
	})
	return out
}

func individualRationale(email, number, bidder string) string {
	return fmt.Sprintf("Individual view of %s on question %s for %s, from the evidence", email, number, bidder)
}

func consensusRationale(number, bidder string) string {
	if number == "2.1" && bidder == weald {
		// A rationale a spreadsheet would run as a formula, were it not defused.
		return "=SUM(A1:A9) is how Weald set out its plan; the panel agreed full marks"
	}
	return fmt.Sprintf("The panel agreed the mark of question %s for %s", number, bidder)
}

// summer is when the panel declares and scores: British Summer Time, an hour ahead of UTC.
var summer = time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)

// fixedLot runs the fixed data set through lots to opening: Medway leads, Swale takes part,
// the four bidders respond with their price schedules.
func (f *fixture) fixedLot() world {
	t := f.t
	lead, lctx := f.as(leadEmail)
	medway, swale := f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]
	p := lotstest.Must[lots.Procurement](t)(f.lots.CreateProcurement(lctx, lead, lots.ProcurementInput{
		Title: "Medway and Swale urgent care", Reference: "MS/EXPORT 1", Regime: lots.PSR2024, Procedure: "Competitive process", TermYears: 2,
		EstimatedValuePence: 5_000_000_00, Participants: []string{medway, swale},
		ClarificationDeadline: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC), SubmissionDeadline: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		EvaluationStart: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), AwardDate: time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC),
		ContractStart: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}))
	l := lotstest.Must[lots.Lot](t)(f.lots.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 2, Title: "Urgent treatment centres", ServiceTypes: []string{"utc"},
		Participants: []string{medway, swale}}))
	for _, q := range fixedQuestionnaire {
		lotstest.Must[lots.Question](t)(f.lots.AddQuestion(lctx, lead, l.ID, q))
	}
	lotstest.OK(t, f.lots.SubmitForApproval(lctx, lead, p.ID))
	for _, ap := range []string{medwayApprover, swaleApprover} {
		a, actx := f.as(ap)
		lotstest.OK(t, f.lots.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: f.now.Add(-time.Hour), MinuteRef: "GB/2", Part2: true}))
	}
	lotstest.OK(t, f.lots.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}))
	w := world{p: p, l: l, q: map[string]lots.Question{}, bidders: map[string]string{}}
	for _, q := range lotstest.Must[[]lots.Question](t)(f.lots.Store.Questions(lctx, l.ID)) {
		w.q[q.Number] = q
	}
	for _, b := range fixedBids {
		a, ctx := f.as(b.email)
		lotstest.OK(t, f.lots.RegisterInterest(ctx, a, p.ID))
		var in lots.DraftInput
		for i, pence := range b.years {
			in.Prices = append(in.Prices, lots.PriceYear{Year: i + 1, Pence: pence})
		}
		for _, q := range w.q {
			if q.Kind != lots.Price {
				in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: answerText(b.name, q.Number)})
			}
		}
		lotstest.Must[lots.Submission](t)(f.lots.SaveDraft(ctx, a, l.ID, in))
		lotstest.Must[lots.Receipt](t)(f.lots.Submit(ctx, a, l.ID))
		w.bidders[b.name] = a.OrgID
	}
	f.now = p.SubmissionDeadline.Add(time.Hour)
	admin, actx := f.as("admin@medway-ccg.test")
	lotstest.OK(t, f.lots.StartOpening(lctx, lead, p.ID))
	lotstest.OK(t, f.lots.ConfirmOpening(actx, admin, p.ID))
	return w
}

// fixedPanel forms the panel (Medway on every quality question, Swale on the clinical ones,
// Healthwatch on the patient one), has everyone declare (Swale is conflicted with Channel
// Coast) and score in summer, and submit.
func (f *fixture) fixedPanel(w world) {
	t := f.t
	lead, lctx := f.as(leadEmail)
	f.now = summer
	assigned := map[string][]string{medwayEmail: {"1.1", "1.2", "1.3", "2.1"}, swaleEmail: {"1.1", "1.3", "2.1"}, hwEmail: {"1.2"}}
	for _, email := range []string{medwayEmail, swaleEmail, hwEmail} {
		var ids []string
		for _, n := range assigned[email] {
			ids = append(ids, w.q[n].ID)
		}
		lotstest.Must[evaluation.PanelMember](t)(f.svc.AddEvaluator(lctx, lead, w.l.ID, evaluation.EvaluatorInput{UserID: f.userID(email), Questions: ids}))
	}
	for _, email := range []string{medwayEmail, swaleEmail, hwEmail} {
		for _, b := range fixedBids {
			if email == swaleEmail && b.name == channelCoast {
				f.declare(w, email, b.name, evaluation.Conflicted, "My sister chairs the Channel Coast board")
			} else {
				f.declare(w, email, b.name, evaluation.NoInterest, "")
			}
		}
	}
	for _, email := range []string{medwayEmail, swaleEmail, hwEmail} {
		a, ctx := f.as(email)
		for _, n := range assigned[email] {
			for _, b := range fixedBids {
				if email == swaleEmail && b.name == channelCoast {
					continue
				}
				in := evaluation.ScoreInput{QuestionID: w.q[n].ID, BidderOrgID: w.bidders[b.name], Rationale: individualRationale(email, n, b.name)}
				if w.q[n].Kind == lots.PassFail {
					in.Passed = boolp(b.passes)
				} else {
					in.Score = intp(b.marks[n])
				}
				lotstest.OK(t, f.svc.RecordScore(ctx, a, w.l.ID, in))
			}
		}
	}
	f.submit(w, medwayEmail, swaleEmail, hwEmail)
	f.now = f.now.Add(time.Hour)
}

// fixedModeration moderates every quality question to the fixed consensus and opens the
// prices; moderation of the questions already given has started.
func (f *fixture) fixedModeration(w world, already ...string) {
	t := f.t
	lead, lctx := f.as(leadEmail)
	for _, q := range fixedQuestionnaire {
		if q.Kind == lots.Price {
			continue
		}
		if !slices.Contains(already, q.Number) {
			lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q[q.Number].ID))
		}
		for _, b := range fixedBids {
			in := evaluation.ConsensusInput{QuestionID: w.q[q.Number].ID, BidderOrgID: w.bidders[b.name], Rationale: consensusRationale(q.Number, b.name)}
			if q.Kind == lots.PassFail {
				in.Passed = boolp(b.passes)
			} else {
				in.Score = intp(b.marks[q.Number])
			}
			lotstest.OK(t, f.svc.RecordConsensus(lctx, lead, w.l.ID, in))
		}
	}
	lotstest.OK(t, f.svc.OpenPrices(lctx, lead, w.l.ID))
}

// csvParts reads the export's CSV into its parts: each a header and rows (the part key dropped).
type csvPart struct {
	header []string
	rows   [][]string
}

func readCSVParts(t *testing.T, raw []byte) map[string]*csvPart {
	t.Helper()
	rd := csv.NewReader(bytes.NewReader(raw))
	rd.FieldsPerRecord = -1
	parts := map[string]*csvPart{}
	var cur *csvPart
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the CSV does not parse: %v", err)
		}
		if rec[0] == "part" {
			cur = &csvPart{header: rec[1:]}
			continue
		}
		if cur == nil {
			t.Fatalf("a CSV row before any header: %v", rec)
		}
		if len(rec) != len(cur.header)+1 {
			t.Fatalf("CSV row %v has %d fields, its header %d", rec, len(rec), len(cur.header)+1)
		}
		if parts[rec[0]] == nil {
			parts[rec[0]] = cur
		} else if parts[rec[0]] != cur {
			t.Fatalf("CSV part %s is split in two", rec[0])
		}
		cur.rows = append(cur.rows, rec[1:])
	}
	return parts
}

func (p *csvPart) col(t *testing.T, key string) int {
	t.Helper()
	i := slices.Index(p.header, key)
	if i < 0 {
		t.Fatalf("CSV part has no column %q: %v", key, p.header)
	}
	return i
}

func openXLSX(t *testing.T, raw []byte) *excelize.File {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// sheetRows reads a sheet's rows as raw values (numbers unformatted), header first.
func sheetRows(t *testing.T, x *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	if len(rows) == 0 {
		t.Fatalf("sheet %s is empty: no header row", sheet)
	}
	return rows
}

func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// sameNumber compares a workbook number with an exact value, to well within a rounding of 0.01.
func sameNumber(t *testing.T, what, got string, want *big.Rat) {
	t.Helper()
	g, err := strconv.ParseFloat(got, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number", what, got)
	}
	w, _ := want.Float64()
	if d := g - w; d > 1e-9 || d < -1e-9 {
		t.Fatalf("%s: the workbook has %v, want %s", what, g, want.FloatString(6))
	}
}

func exportBoth(t *testing.T, r evaluation.Report) (*excelize.File, []byte) {
	t.Helper()
	var xb, cb bytes.Buffer
	lotstest.OK(t, evaluation.WriteXLSX(&xb, r))
	lotstest.OK(t, evaluation.WriteCSV(&cb, r))
	return openXLSX(t, xb.Bytes()), cb.Bytes()
}

func TestTheRankingOfAFixedDataSetIsTheSameInResultsTheWorkbookAndTheCSV(t *testing.T) {
	f := newFixture(t)
	w := f.fixedLot()
	f.fixedPanel(w)
	lead, lctx := f.as(leadEmail)
	want := expectRanking()
	if want[0].name != estuary || want[1].name != weald || !want[2].excluded || !want[3].excluded {
		t.Fatalf("the fixed data set no longer tests what it is meant to: %+v", want)
	}

	// Only question 1.1 is under moderation: only its individual marks are exported, and there
	// are no results yet.
	lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q["1.1"].ID))
	early := lotstest.Must[evaluation.Report](t)(f.svc.Report(lctx, lead, w.l.ID))
	if len(early.Scores) != 7 { // Medway on 4 bidders, Swale on the 3 it is not conflicted with
		t.Fatalf("%d individual marks exported during moderation of 1.1, want 7", len(early.Scores))
	}
	for _, s := range early.Scores {
		if s.Question != "1.1" {
			t.Fatalf("an individual mark of question %s, not under moderation, is in the report", s.Question)
		}
	}
	if len(early.Results) != 0 || early.ResultsPending == "" {
		t.Fatalf("results before the prices are opened: %+v (pending %q)", early.Results, early.ResultsPending)
	}
	x, raw := exportBoth(t, early)
	rows := sheetRows(t, x, "Individual scores")
	if len(rows) != 8 {
		t.Fatalf("the workbook has %d individual marks, want 7", len(rows)-1)
	}
	for _, row := range rows[1:] {
		if row[0] != "1.1" {
			t.Fatalf("the workbook exports a mark of question %s before its moderation: %v", row[0], row)
		}
	}
	for _, n := range []string{"1.2", "1.3", "2.1"} {
		if bytes.Contains(raw, []byte("on question "+n)) {
			t.Fatalf("the CSV holds an individual rationale of question %s before its moderation", n)
		}
	}
	if !bytes.Contains(raw, []byte(individualRationale(swaleEmail, "1.1", weald))) {
		t.Fatal("the CSV lacks an individual rationale of question 1.1, under moderation")
	}

	f.fixedModeration(w, "1.1")

	// 1. The service's results equal the ranking worked out here.
	v := lotstest.Must[evaluation.ResultsView](t)(f.svc.Results(lctx, lead, w.l.ID))
	if len(v.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(v.Results), len(want))
	}
	for i, e := range want {
		got := v.Results[i]
		name := v.Names[got.Bidder]
		if name != e.name || got.Rank != e.rank || got.Excluded != e.excluded || got.Quality.Cmp(e.quality) != 0 || got.PricePence != e.price {
			t.Fatalf("result %d: %s rank %d excluded %v quality %s price %d; want %s rank %d excluded %v quality %s price %d",
				i, name, got.Rank, got.Excluded, got.Quality.RatString(), got.PricePence, e.name, e.rank, e.excluded, e.quality.RatString(), e.price)
		}
		if !e.excluded && (got.Total.Cmp(e.total) != 0 || got.PriceScore.Cmp(e.priceScore) != 0) {
			t.Fatalf("%s: total %s, price score %s; want %s, %s", name, got.Total.RatString(), got.PriceScore.RatString(), e.total.RatString(), e.priceScore.RatString())
		}
		if e.excluded && (got.Total != nil || len(got.Reasons) == 0) {
			t.Fatalf("%s is excluded but has a total %v or no reason %v", name, got.Total, got.Reasons)
		}
		if len(got.Sections) != len(e.sections) {
			t.Fatalf("%s has %d section scores, want %d", name, len(got.Sections), len(e.sections))
		}
		for _, s := range got.Sections {
			if s.Score.Cmp(e.sections[s.Title]) != 0 {
				t.Fatalf("%s's %s score is %s, want %s", name, s.Title, s.Score.RatString(), e.sections[s.Title].RatString())
			}
		}
	}

	// A recommendation and both approvals: standstill starts, and the award is in the export.
	lotstest.Must[award.Recommendation](t)(f.award.Recommend(lctx, lead, w.l.ID,
		award.RecommendInput{BidderOrgID: w.bidders[estuary], Reason: "Estuary is ranked first on the total"}))
	for _, email := range []string{swaleApprover, medwayApprover} {
		a, ctx := f.as(email)
		lotstest.OK(t, f.award.DecideAward(ctx, a, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))
	}

	r := lotstest.Must[evaluation.Report](t)(f.svc.Report(lctx, lead, w.l.ID))
	if r.ResultsPending != "" || len(r.Results) != len(want) {
		t.Fatalf("the report's results: %d (pending %q)", len(r.Results), r.ResultsPending)
	}
	for i, e := range want {
		if r.Results[i].Name != e.name || r.Results[i].Rank != e.rank {
			t.Fatalf("report result %d: %s rank %d, want %s rank %d", i, r.Results[i].Name, r.Results[i].Rank, e.name, e.rank)
		}
	}
	if len(r.Scores) != 16+9+4 {
		t.Fatalf("%d individual marks once every question is moderated, want 29", len(r.Scores))
	}
	x, raw = exportBoth(t, r)

	// 2. The workbook's Ranking sheet equals it.
	rows = sheetRows(t, x, "Ranking")
	if want := []string{"Rank", "Bidder", "Quality score", "Price (£)", "Price score", "Total", "Excluded", "Reasons"}; !slices.Equal(rows[0], want) {
		t.Fatalf("the Ranking header is %v", rows[0])
	}
	if len(rows)-1 != len(want) {
		t.Fatalf("the Ranking sheet has %d bids, want %d", len(rows)-1, len(want))
	}
	for i, e := range want {
		row := rows[i+1]
		rank := ""
		if e.rank > 0 {
			rank = strconv.Itoa(e.rank)
		}
		excluded := map[bool]string{true: "Yes", false: "No"}[e.excluded]
		if cellAt(row, 0) != rank || cellAt(row, 1) != e.name || cellAt(row, 6) != excluded {
			t.Fatalf("Ranking row %d is %v; want rank %q, %s, excluded %s", i+1, row, rank, e.name, excluded)
		}
		sameNumber(t, e.name+"'s quality", cellAt(row, 2), e.quality)
		sameNumber(t, e.name+"'s price in pounds", cellAt(row, 3), big.NewRat(e.price, 100))
		if !e.excluded {
			sameNumber(t, e.name+"'s price score", cellAt(row, 4), e.priceScore)
			sameNumber(t, e.name+"'s total", cellAt(row, 5), e.total)
		} else if cellAt(row, 5) != "" || cellAt(row, 7) == "" {
			t.Fatalf("excluded %s: total %q, reasons %q", e.name, cellAt(row, 5), cellAt(row, 7))
		}
	}
	sec := sheetRows(t, x, "Section scores")
	n := 0
	for _, e := range want {
		for _, row := range sec[1:] {
			if cellAt(row, 0) == e.name {
				sameNumber(t, e.name+"'s "+cellAt(row, 2), cellAt(row, 4), e.sections[cellAt(row, 2)])
				n++
			}
		}
	}
	if n != 2*len(want) {
		t.Fatalf("the Section scores sheet has %d rows for the bidders, want %d", n, 2*len(want))
	}

	// 3. The CSV's ranking part equals it.
	parts := readCSVParts(t, raw)
	rk := parts["ranking"]
	if rk == nil || len(rk.rows) != len(want) {
		t.Fatalf("the CSV ranking part: %+v", rk)
	}
	for i, e := range want {
		row := rk.rows[i]
		rank, total := "", ""
		if !e.excluded {
			rank, total = strconv.Itoa(e.rank), e.total.FloatString(2)
		}
		if row[rk.col(t, "rank")] != rank || row[rk.col(t, "bidder")] != e.name || row[rk.col(t, "total")] != total ||
			row[rk.col(t, "quality")] != e.quality.FloatString(2) || row[rk.col(t, "price_gbp")] != new(big.Rat).SetFrac64(e.price, 100).FloatString(2) {
			t.Fatalf("CSV ranking row %d is %v; want rank %q, %s, quality %s, total %q", i, row, rank, e.name, e.quality.FloatString(2), total)
		}
	}
	if got := len(parts["individual_scores"].rows); got != 29 {
		t.Fatalf("the CSV has %d individual marks, want 29", got)
	}
	for _, key := range []string{"summary", "questions", "section_scores", "consensus", "declarations", "panel", "award"} {
		if parts[key] == nil || len(parts[key].rows) == 0 {
			t.Fatalf("the CSV has no %s rows", key)
		}
	}

	// The workbook: header bold and frozen, money in pounds, times in UK time; a rationale that
	// looks like a formula stays text in both files.
	for _, sheet := range x.GetSheetList() {
		panes, err := x.GetPanes(sheet)
		lotstest.OK(t, err)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Fatalf("sheet %s: the header row is not frozen: %+v", sheet, panes)
		}
		id, err := x.GetCellStyle(sheet, "A1")
		lotstest.OK(t, err)
		st, err := x.GetStyle(id)
		lotstest.OK(t, err)
		if st.Font == nil || !st.Font.Bold {
			t.Fatalf("sheet %s: the header row is not bold", sheet)
		}
	}
	id, err := x.GetCellStyle("Ranking", "D2")
	lotstest.OK(t, err)
	st, err := x.GetStyle(id)
	lotstest.OK(t, err)
	if st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, "£") {
		t.Fatalf("the price is not formatted in pounds: %+v", st.CustomNumFmt)
	}
	if typ, _ := x.GetCellType("Ranking", "F2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatal("the total is stored as text, not as a number")
	}
	shown, err := x.GetCellValue("Declarations", "F2")
	lotstest.OK(t, err)
	london := lotstest.Must[*time.Location](t)(time.LoadLocation("Europe/London"))
	if wantShown := summer.In(london).Format("02/01/2006 15:04"); shown != wantShown {
		t.Fatalf("a declaration made at %s is shown as %q, want %q (UK time)", summer, shown, wantShown)
	}
	cons := sheetRows(t, x, "Consensus")
	found := false
	for i, row := range cons {
		if strings.HasPrefix(cellAt(row, 4), "=SUM") {
			found = true
			ref := lotstest.Must[string](t)(excelize.CoordinatesToCellName(5, i+1))
			if formula, _ := x.GetCellFormula("Consensus", ref); formula != "" {
				t.Fatalf("a rationale became the formula %q in the workbook", formula)
			}
		}
	}
	if !found {
		t.Fatal("the workbook lacks the consensus rationale that starts with =")
	}
	if !bytes.Contains(raw, []byte(",'=SUM(A1:A9) is how Weald")) || bytes.Contains(raw, []byte(",=SUM")) {
		t.Fatal("the CSV does not defuse a rationale starting with =")
	}

	// Declarations, panel and award are all there.
	decl := parts["declarations"]
	if len(decl.rows) != 12 {
		t.Fatalf("%d declarations in the CSV, want 12", len(decl.rows))
	}
	conflicts := 0
	for _, row := range decl.rows {
		if row[decl.col(t, "decision")] == "Conflict of interest" {
			conflicts++
			if row[decl.col(t, "bidder")] != channelCoast || row[decl.col(t, "reason")] != "My sister chairs the Channel Coast board" {
				t.Fatalf("the conflict row: %v", row)
			}
		}
	}
	if conflicts != 1 {
		t.Fatalf("%d conflicts in the CSV, want 1", conflicts)
	}
	panel := parts["panel"]
	hw := 0
	for _, row := range panel.rows {
		if row[panel.col(t, "healthwatch")] == "Yes" {
			hw++
			if row[panel.col(t, "questions")] != "1.2" {
				t.Fatalf("Healthwatch's questions: %v", row)
			}
		}
	}
	if len(panel.rows) != 3 || hw != 1 {
		t.Fatalf("the panel in the CSV: %v", panel.rows)
	}
	var records []string
	for _, row := range parts["award"].rows {
		records = append(records, row[0])
	}
	if !slices.Equal(records, []string{"Recommendation", "Governing-body decision", "Governing-body decision", "Standstill"}) {
		t.Fatalf("the award records in the CSV: %v", records)
	}

	// An approver of a commissioner the lot covers reads the same ranking.
	sw, sctx := f.as(swaleApprover)
	ra := lotstest.Must[evaluation.Report](t)(f.svc.Report(sctx, sw, w.l.ID))
	for i, e := range want {
		if ra.Results[i].Name != e.name || ra.Results[i].Rank != e.rank {
			t.Fatalf("Swale's approver sees result %d as %s rank %d", i, ra.Results[i].Name, ra.Results[i].Rank)
		}
	}
}

func TestTheReportIsRefusedToHealthwatchEvaluatorsBiddersAndOtherTenants(t *testing.T) {
	f := newFixture(t)
	w := f.fixedLot()
	f.fixedPanel(w)
	f.fixedModeration(w)

	hw, hctx := f.as(hwEmail)
	_, err := f.svc.Report(hctx, hw, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "Healthwatch exporting the evaluation")
	if !strings.Contains(err.Error(), "Healthwatch") {
		t.Fatalf("Healthwatch is refused by another rule than its own: %v", err)
	}
	for email, kind := range map[string]apperr.Kind{
		"bids@estuary-urgent-care.test": apperr.NotFound,  // a bidder does not see the procurement
		"bids@weald-ambulance.test":     apperr.NotFound,  // nor does any other
		medwayEmail:                     apperr.Forbidden, // an evaluator never sees price or totals
		"observer@medway-ccg.test":      apperr.Forbidden,
		"lead@bedfordshire-ccg.test":    apperr.NotFound, // another tenant
	} {
		a, ctx := f.as(email)
		_, err := f.svc.Report(ctx, a, w.l.ID)
		lotstest.WantKind(t, err, kind, email+" exporting the evaluation")
	}
}

func TestTheCSVDefusesFormulasAndTheFormatIsChecked(t *testing.T) {
	r := evaluation.Report{Procurement: lots.Procurement{Reference: "=HYPERLINK(\"x\")"}}
	cases := [][2]string{ // what was written, what the CSV must hold
		{"=1+1", "'=1+1"}, {"+44 1634", "'+44 1634"}, {"-2", "'-2"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\tx", "'\tx"},
		{"plain words", "plain words"}, {"a = b", "a = b"},
	}
	for _, c := range cases {
		r.Declarations = append(r.Declarations, evaluation.ReportDeclaration{Evaluator: "E", Bidder: "B", Decision: evaluation.Conflicted, Reason: c[0]})
	}
	var b bytes.Buffer
	lotstest.OK(t, evaluation.WriteCSV(&b, r))
	parts := readCSVParts(t, b.Bytes())
	decl := parts["declarations"]
	if decl == nil || len(decl.rows) != len(cases) {
		t.Fatalf("declarations part: %+v", decl)
	}
	for i, c := range cases {
		if got := decl.rows[i][decl.col(t, "reason")]; got != c[1] {
			t.Fatalf("the reason %q came out as %q, want %q", c[0], got, c[1])
		}
	}
	ref := false
	for _, row := range parts["summary"].rows {
		if row[0] == "Reference" {
			ref = true
			if row[1] != "'=HYPERLINK(\"x\")" {
				t.Fatalf("the reference came out as %q", row[1])
			}
		}
	}
	if !ref {
		t.Fatal("the summary has no reference")
	}

	for in, want := range map[string]evaluation.ExportFormat{"": evaluation.ExportXLSX, "xlsx": evaluation.ExportXLSX, "CSV": evaluation.ExportCSV} {
		if got := lotstest.Must[evaluation.ExportFormat](t)(evaluation.ParseExportFormat(in)); got != want {
			t.Fatalf("format %q is %q, want %q", in, got, want)
		}
	}
	_, err := evaluation.ParseExportFormat("pdf")
	lotstest.WantKind(t, err, apperr.Invalid, "exporting as pdf")
	if ae, _ := apperr.As(err); ae.Fields["format"] == "" {
		t.Fatalf("the refusal of pdf has no message for the format field: %+v", ae)
	}
}
