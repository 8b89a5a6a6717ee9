package evaluation

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// The pages of moderation, results and the award (issue 5, DOMAIN.md steps 7 and 8): the lead
// moderates each quality question to a consensus, opens the prices, chooses the price formula
// and reads the ranking with its chart, and recommends a preferred bidder; the governing-body
// approvers decide on it (Part 2); the lead decides on representations and records the contract
// award; a bidder reads the decision on its bid and may make a representation during standstill.
// Each handler reads the form, makes one service call and renders or redirects (303, with a
// flash); what may be done is the service's rule, the page only hides forms that would be refused.

func (h *Pages) mountAwardPages(app fiber.Router, guard web.Guard) {
	manage, value := guard(access.PermPanelManage), guard(access.PermProcValue)
	decide, represent := guard(access.PermAwardDecide), guard(access.PermRepresent)
	lot := scoped(h.Svc.Visible)

	const p = "/evaluations/lots/:lot"
	app.Get(p+"/questions/:question/moderation", manage, lot, h.moderationPage)
	app.Post(p+"/questions/:question/moderation", manage, lot, h.startModerationPage)
	app.Post(p+"/consensus", manage, lot, h.consensusPage)
	app.Post(p+"/prices/open", manage, lot, h.openPricesPage)
	app.Get(p+"/results", value, lot, h.resultsPage)
	app.Post(p+"/price-formula", manage, lot, h.priceFormulaPage)
	app.Get(p+"/award", value, lot, h.awardPage)
	app.Post(p+"/recommendations", manage, lot, h.recommendPage)
	app.Post(p+"/award/decisions", decide, lot, h.decideAwardPage)
	app.Post(p+"/representations/:rep/decision", manage, lot, h.decideRepresentationPage)
	app.Post(p+"/contract", manage, lot, h.awardContractPage)
	app.Post(p+"/award/proceedings", manage, lot, h.recordProceedingsPage)
	app.Post(p+"/award/proceedings/:proceeding/end", manage, lot, h.endSuspensionPage)
	app.Get(p+"/outcome", represent, lot, h.outcomePage)
	app.Post(p+"/representations", represent, lot, h.representPage)
}

func awardLotPath(c *fiber.Ctx) string { return "/evaluations/lots/" + c.Params("lot") }

// --- reading the forms ---

// awardForm is web.Form plus what these forms type: an optional mark, a UK date, pounds.
type awardForm struct{ *web.Form }

func newAwardForm(c *fiber.Ctx) awardForm { return awardForm{web.NewForm(c)} }

// mark reads an optional whole number: blank is no mark (nil), which the service refuses for a
// scored question with its own message.
func (f awardForm) mark(name, label string) *int {
	v := strings.TrimSpace(f.Str(name))
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		f.Errs[name] = "Enter " + label + " as a whole number, like 3"
		return nil
	}
	return &n
}

// passed reads a pass or fail; blank is neither.
func (f awardForm) passed(name string) *bool {
	switch f.Str(name) {
	case "true":
		t := true
		return &t
	case "false":
		b := false
		return &b
	case "":
		return nil
	}
	f.Errs[name] = "Choose pass or fail"
	return nil
}

// date reads a date (YYYY-MM-DD, as a date input sends it) as the start of that UK day.
func (f awardForm) date(name, label string) time.Time {
	v := strings.TrimSpace(f.Str(name))
	if v == "" {
		return time.Time{}
	}
	t, err := ukclock.LondonTime(v, "00:00")
	if err != nil {
		f.Errs[name] = web.Capitalise(label) + ": " + err.Error()
		return time.Time{}
	}
	return t
}

// pounds reads money typed in pounds, exactly, into pence.
func (f awardForm) pounds(name, label string) int64 {
	v, err := lots.ParsePounds(f.Str(name))
	if err != nil {
		f.Errs[name] = web.Capitalise(label) + ": " + err.Error()
		return 0
	}
	return v
}

// renamed moves the service's message for field from onto the form's field to.
func renamed(fields map[string]string, pairs ...string) map[string]string {
	for i := 0; i+1 < len(pairs); i += 2 {
		from, to := pairs[i], pairs[i+1]
		if m, ok := fields[from]; ok {
			delete(fields, from)
			if _, mine := fields[to]; !mine {
				fields[to] = m
			}
		}
	}
	return fields
}

// ukInstant is how these pages show a moment: an end of day as the day it ends ("midnight at
// the end of Friday 9 January 2026 (UK time)"), anything else as "14:05 on 9 January 2026".
func ukInstant(t time.Time) string {
	l := t.In(london)
	if l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 {
		return ukDay(t)
	}
	return l.Format("15:04 on 2 January 2006")
}

// --- moderation ---

// ModerationLink is a quality question of the lot, to move between moderations.
type ModerationLink struct {
	Number, Text, Href, State string
	Current                   bool
}

// MarkRow is one evaluator's mark as the moderation table shows it.
type MarkRow struct{ Evaluator, Mark, Rationale string }

// markText is a mark as people read it: a score, "Pass" or "Fail".
func markText(score *int, passed *bool) string {
	switch {
	case score != nil:
		return strconv.Itoa(*score)
	case passed != nil && *passed:
		return "Pass"
	case passed != nil:
		return "Fail"
	}
	return "None"
}

// ModerationBidForm is one bidder's marks of the question side by side, with the consensus form.
type ModerationBidForm struct {
	ModeratedBid
	Rows                     []MarkRow
	Agreed                   string // the consensus mark recorded, "" before
	Prefix                   string // the ids of this bidder's form fields start with it: "bid-1-"
	Score, Passed, Rationale string // what the form shows
	ScoreItems, PassItems    []web.Option
	Errs                     map[string]string // this form's messages, by field name
	RecordedBy               string
}

// ModerationPage is the lead's moderation of one quality question.
type ModerationPage struct {
	Lot       LotCaption
	Question  lots.Question
	Status    QuestionStatus
	Questions []ModerationLink
	Bids      []ModerationBidForm
	Final     bool // quality moderation of the lot is complete: the consensus marks are final
	WideAt    int
}

func (h *Pages) moderationView(c *fiber.Ctx, questionID string) (ModerationPage, error) {
	ctx, a := c.UserContext(), web.ActorFrom(c)
	cp, err := h.Svc.LotCaption(ctx, a, c.Params("lot"))
	if err != nil {
		return ModerationPage{}, err
	}
	pv, err := h.Svc.Panel(ctx, a, c.Params("lot"))
	if err != nil {
		return ModerationPage{}, err
	}
	page := ModerationPage{Lot: cp, Final: pv.QualityModeratedAt != nil, WideAt: WideSpreadAt}
	found := false
	for _, qs := range pv.Questions {
		state := "Not started"
		switch {
		case qs.ModerationStarted && qs.Consensus == len(pv.Bidders):
			state = "Consensus agreed"
		case qs.ModerationStarted:
			state = fmt.Sprintf("Started: %d of %d agreed", qs.Consensus, len(pv.Bidders))
		case len(qs.Awaiting) > 0:
			state = fmt.Sprintf("Waiting for %d of %d evaluators", len(qs.Awaiting), qs.Evaluators)
		}
		cur := qs.Question.ID == questionID
		page.Questions = append(page.Questions, ModerationLink{Number: qs.Question.Number, Text: qs.Question.Text, State: state, Current: cur,
			Href: "/evaluations/lots/" + cp.ID + "/questions/" + qs.Question.ID + "/moderation"})
		if cur {
			page.Question, page.Status, found = qs.Question, qs, true
		}
	}
	if !found {
		return page, apperr.NotFoundf("Question not found")
	}
	if !page.Status.ModerationStarted {
		return page, nil
	}
	mv, err := h.Svc.Moderation(ctx, a, cp.ID, questionID)
	if err != nil {
		return page, err
	}
	var recorders []string
	for _, b := range mv.Bids {
		if b.Consensus != nil {
			recorders = append(recorders, b.Consensus.RecordedBy)
		}
	}
	names, err := h.Svc.NamesOfPeople(ctx, recorders)
	if err != nil {
		return page, err
	}
	for i, b := range mv.Bids {
		f := ModerationBidForm{ModeratedBid: b, Prefix: fmt.Sprintf("bid-%d-", i+1), Errs: map[string]string{}}
		for _, m := range b.Marks {
			f.Rows = append(f.Rows, MarkRow{Evaluator: m.Evaluator, Mark: markText(m.Score, m.Passed), Rationale: m.Rationale})
		}
		if b.Consensus != nil {
			f.Agreed = markText(b.Consensus.Score, b.Consensus.Passed)
			f.Rationale, f.RecordedBy = b.Consensus.Rationale, names[b.Consensus.RecordedBy]
			if b.Consensus.Score != nil {
				f.Score = strconv.Itoa(*b.Consensus.Score)
			}
			if b.Consensus.Passed != nil {
				f.Passed = strconv.FormatBool(*b.Consensus.Passed)
			}
		}
		page.Bids = append(page.Bids, f)
	}
	page.fillItems()
	return page, nil
}

// fillItems lays out each form's choices with what it shows chosen.
func (p *ModerationPage) fillItems() {
	var scale []string
	for n := 0; n <= p.Question.MaxScore; n++ {
		scale = append(scale, strconv.Itoa(n))
	}
	for i := range p.Bids {
		b := &p.Bids[i]
		b.ScoreItems = web.OptionsOf(scale, nil, b.Score)
		b.PassItems = web.OptionsOf([]string{"true", "false"}, map[string]string{"true": "Pass", "false": "Fail"}, b.Passed)
	}
}

func (h *Pages) moderationPage(c *fiber.Ctx) error {
	page, err := h.moderationView(c, c.Params("question"))
	if err != nil {
		return err
	}
	return h.render(c, "evaluation/moderation", "Moderation of question "+page.Question.Number, page, nil)
}

// moderationError shows the moderation page again with the messages beside the form of the
// bidder they are about (in, when a consensus form was sent), or for the whole page.
func (h *Pages) moderationError(c *fiber.Ctx, questionID string, err error, in *ConsensusInput) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.moderationView(c, questionID)
	if perr != nil {
		return perr
	}
	summary := web.FormWide(fields)
	if in != nil {
		for i := range page.Bids {
			b := &page.Bids[i]
			if b.OrgID != in.BidderOrgID {
				continue
			}
			b.Errs, b.Rationale, b.Score, b.Passed = fields, in.Rationale, "", ""
			if in.Score != nil {
				b.Score = strconv.Itoa(*in.Score)
			}
			if in.Passed != nil {
				b.Passed = strconv.FormatBool(*in.Passed)
			}
			summary = web.Prefixed(fields, b.Prefix)
		}
		page.fillItems()
	}
	return h.Web.Render(c.Status(status), "evaluation/moderation", "Moderation of question "+page.Question.Number, page, summary)
}

func (h *Pages) startModerationPage(c *fiber.Ctx) error {
	q := c.Params("question")
	if err := h.Svc.StartModeration(c.UserContext(), web.ActorFrom(c), c.Params("lot"), q); err != nil {
		return h.moderationError(c, q, err, nil)
	}
	return done(c, awardLotPath(c)+"/questions/"+q+"/moderation", "Moderation started: the individual scores are locked and shown side by side.")
}

func (h *Pages) consensusPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := ConsensusInput{QuestionID: f.Str("question_id"), BidderOrgID: f.Str("bidder_org_id"), Rationale: f.Str("rationale")}
	in.Score, in.Passed = f.mark("score", "the consensus score"), f.passed("passed")
	if !validID(in.QuestionID) {
		// No question to show the form of again: the one error page says what is wrong.
		return apperr.InvalidFields(map[string]string{"question_id": "Choose the question the consensus is for"})
	}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		err = h.Svc.RecordConsensus(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		return h.moderationError(c, in.QuestionID, err, &in)
	}
	names, err := h.Svc.NamesOfOrgs(c.UserContext(), []string{in.BidderOrgID})
	if err != nil {
		return err
	}
	return done(c, awardLotPath(c)+"/questions/"+in.QuestionID+"/moderation", "Consensus recorded for "+names[in.BidderOrgID]+".")
}

// --- results ---

// ResultRow is one bid in the ranking table.
type ResultRow struct {
	Rank                       int // 0: excluded
	OrgID, Name                string
	Sections                   []string // scores, in the order of ResultsPage.Sections
	Quality, PriceScore, Total string
	PricePence                 int64
	Excluded                   bool
	Reasons                    []string
}

// SectionColumn is a section of the questionnaire as a column of the ranking.
type SectionColumn struct {
	ID, Title string
	WeightBP  int
}

// PriceRow is one bidder's opened price schedule.
type PriceRow struct {
	Name       string
	Years      []int64 // pence, in the order of PriceTable.Years; -1 where the schedule has no such year
	TotalPence int64
}

// PriceTable is the opened prices, one row per bidder.
type PriceTable struct {
	Years []int
	Rows  []PriceRow
}

// FormulaOption is a price formula to choose, with what it does.
type FormulaOption struct {
	Value, Label, Hint string
	Checked            bool
}

// ResultsPage is a lot's ranking with its chart and the opened prices.
type ResultsPage struct {
	Lot         LotCaption
	Status      AwardStatus
	Ranked      bool   // the ranking is shown
	Notice      string // why there is no ranking yet
	CanOpen     bool   // the lead may open the price envelopes now
	Sections    []SectionColumn
	Rows        []ResultRow
	Prices      PriceTable
	Chart       ResultsChart
	Formulas    []FormulaOption
	FormulaName string
	FormulaErrs map[string]string
}

var formulaNames = map[PriceFormula]string{LowestPrice: "Lowest price", RelativePrice: "Relative to the lowest price"}

func formulaOptions(chosen PriceFormula) []FormulaOption {
	return []FormulaOption{
		{Value: string(LowestPrice), Label: formulaNames[LowestPrice] + " (the default)", Checked: chosen == LowestPrice,
			Hint: "Price score = lowest compliant price ÷ bid price × price weight. The lowest compliant bid gets the full price weight; a bid at twice the lowest price gets half of it, and no bid scores 0."},
		{Value: string(RelativePrice), Label: formulaNames[RelativePrice], Checked: chosen == RelativePrice,
			Hint: "Price score = price weight × (1 − (bid price − lowest compliant price) ÷ lowest compliant price), not below 0. Each 1% above the lowest price costs 1% of the price weight, so a bid at twice the lowest price or more scores 0: the scores spread wider."},
	}
}

func (h *Pages) resultsView(c *fiber.Ctx) (ResultsPage, error) {
	ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
	cp, err := h.Svc.LotCaption(ctx, a, lotID)
	if err != nil {
		return ResultsPage{}, err
	}
	st, err := h.Svc.AwardStatus(ctx, a, lotID)
	if err != nil {
		return ResultsPage{}, err
	}
	page := ResultsPage{Lot: cp, Status: st, Formulas: formulaOptions(st.Formula), FormulaName: formulaNames[st.Formula], FormulaErrs: map[string]string{}}
	if st.PricesOpenedAt == nil {
		page.CanOpen = cp.Lead && st.QualityModeratedAt != nil
		page.Notice = "The price envelopes open when quality moderation of the lot is complete; the ranking follows."
		if st.QualityModeratedAt != nil {
			page.Notice = "Quality moderation is complete. The ranking is shown once the price envelopes have been opened."
		}
		return page, nil
	}
	v, err := h.Svc.Results(ctx, a, lotID)
	if ae, ok := apperr.As(err); ok && (ae.Kind == apperr.Conflict || ae.Kind == apperr.Invalid) {
		page.Notice = ae.Message
		return page, nil
	}
	if err != nil {
		return page, err
	}
	prices, err := h.Svc.Prices(ctx, a, lotID)
	if err != nil {
		return page, err
	}
	page.Ranked = true
	page.Sections, page.Rows = rankingTable(v)
	page.Chart = resultsChart(v)
	page.Prices = priceTable(v, prices)
	return page, nil
}

// rankingTable lays out the ranking: ranked bids first in rank order, then the excluded ones.
func rankingTable(v ResultsView) ([]SectionColumn, []ResultRow) {
	var cols []SectionColumn
	for _, r := range v.Results {
		for _, s := range r.Sections {
			if !slices.ContainsFunc(cols, func(c SectionColumn) bool { return c.ID == s.SectionID }) {
				cols = append(cols, SectionColumn{ID: s.SectionID, Title: s.Title, WeightBP: s.WeightBP})
			}
		}
	}
	rows := make([]ResultRow, 0, len(v.Results))
	for _, r := range v.Results {
		row := ResultRow{Rank: r.Rank, OrgID: r.Bidder, Name: v.Names[r.Bidder], Quality: r.QualityPercent(), PriceScore: r.PriceScorePercent(),
			Total: r.TotalPercent(), PricePence: r.PricePence, Excluded: r.Excluded, Reasons: r.Reasons}
		for _, c := range cols {
			score := ""
			for _, s := range r.Sections {
				if s.SectionID == c.ID {
					score = s.Percent()
				}
			}
			row.Sections = append(row.Sections, score)
		}
		rows = append(rows, row)
	}
	return cols, rows
}

// priceTable lays out the opened prices by contract year, in the ranking's order.
func priceTable(v ResultsView, prices []BidPrice) PriceTable {
	var t PriceTable
	for _, p := range prices {
		for _, y := range p.Years {
			if !slices.Contains(t.Years, y.Year) {
				t.Years = append(t.Years, y.Year)
			}
		}
	}
	slices.Sort(t.Years)
	for _, r := range v.Results {
		i := slices.IndexFunc(prices, func(p BidPrice) bool { return p.OrgID == r.Bidder })
		if i < 0 {
			continue
		}
		row := PriceRow{Name: prices[i].Name, TotalPence: prices[i].TotalPence}
		for _, year := range t.Years {
			pence := int64(-1)
			for _, y := range prices[i].Years {
				if y.Year == year {
					pence = y.Pence
				}
			}
			row.Years = append(row.Years, pence)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (h *Pages) resultsPage(c *fiber.Ctx) error {
	page, err := h.resultsView(c)
	if err != nil {
		return err
	}
	return h.render(c, "evaluation/results", "Results: lot "+strconv.Itoa(page.Lot.Number), page, nil)
}

// resultsError shows the results page again with a form's messages: the price formula's
// beside its field, any other for the whole page.
func (h *Pages) resultsError(c *fiber.Ctx, err error, formula *PriceFormulaInput) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.resultsView(c)
	if perr != nil {
		return perr
	}
	summary := web.FormWide(fields)
	if formula != nil {
		page.FormulaErrs, summary = fields, web.Prefixed(fields, "formula-")
		for i := range page.Formulas {
			page.Formulas[i].Checked = page.Formulas[i].Value == string(formula.PriceFormula)
		}
	}
	return h.Web.Render(c.Status(status), "evaluation/results", "Results: lot "+strconv.Itoa(page.Lot.Number), page, summary)
}

func (h *Pages) openPricesPage(c *fiber.Ctx) error {
	if err := h.Svc.OpenPrices(c.UserContext(), web.ActorFrom(c), c.Params("lot")); err != nil {
		return h.resultsError(c, err, nil)
	}
	return done(c, awardLotPath(c)+"/results", "Price envelopes opened: the ranking is below.")
}

func (h *Pages) priceFormulaPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := PriceFormulaInput{PriceFormula: PriceFormula(f.Str("price_formula"))}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		err = h.Svc.SetPriceFormula(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in.PriceFormula)
	}
	if err != nil {
		return h.resultsError(c, err, &in)
	}
	return done(c, awardLotPath(c)+"/results", "Price formula set to "+strings.ToLower(formulaNames[in.PriceFormula])+".")
}

// --- the chart of scores by section ---

// ResultsChart is the ranking drawn as stacked horizontal bars: one bar per bid, one segment per
// section and one for price, each series with its own fill pattern so that no series is told
// apart by colour alone. Coordinates are SVG user units, as text.
type ResultsChart struct {
	Width, Height int
	AxisBottom    string
	Ticks         []ChartTick
	Bars          []ChartBar
	Legend        []ChartLegend
}

// ChartTick is a mark on the score axis.
type ChartTick struct{ X, Label string }

// ChartBar is one bid's bar.
type ChartBar struct {
	Name, NameY, BarY, TotalX, TotalY, Total string
	Segments                                 []ChartSegment
}

// ChartSegment is one section's (or price's) share of a bar.
type ChartSegment struct{ X, W, Pattern, Title string }

// ChartLegend names a series by its pattern.
type ChartLegend struct{ Y, TextY, Pattern, Name string }

const (
	chartWidth  = 760
	chartLeft   = 10
	chartPlot   = 600 // 100 percentage points
	chartTop    = 30
	chartRow    = 60
	chartBar    = 22
	chartLegend = 26
)

// chartPatterns are the fill patterns of the section series, in order (the template defines
// them); price has its own.
var chartPatterns = []string{"chart-p0", "chart-p1", "chart-p2", "chart-p3", "chart-p4", "chart-p5"}

func units(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// pointsWide is how wide a score in percentage points is drawn; drawing is the one place an
// exact score becomes a float.
func pointsWide(score *big.Rat) float64 {
	if score == nil {
		return 0
	}
	f, _ := score.Float64()
	return f * chartPlot / 100
}

func resultsChart(v ResultsView) ResultsChart {
	type series struct{ id, name, pattern string }
	var ss []series
	priced := false
	for _, r := range v.Results {
		for _, s := range r.Sections {
			if !slices.ContainsFunc(ss, func(x series) bool { return x.id == s.SectionID }) {
				ss = append(ss, series{id: s.SectionID, name: s.Title, pattern: chartPatterns[len(ss)%len(chartPatterns)]})
			}
		}
		priced = priced || r.PriceScore != nil
	}
	if priced {
		ss = append(ss, series{id: "price", name: "Price", pattern: "chart-price"})
	}
	ch := ResultsChart{Width: chartWidth}
	bottom := chartTop + len(v.Results)*chartRow
	ch.AxisBottom = strconv.Itoa(bottom)
	for p := 0; p <= 100; p += 25 {
		ch.Ticks = append(ch.Ticks, ChartTick{X: units(chartLeft + float64(p)*chartPlot/100), Label: strconv.Itoa(p)})
	}
	for i, r := range v.Results {
		y := chartTop + i*chartRow
		name := v.Names[r.Bidder]
		bar := ChartBar{Name: name, NameY: strconv.Itoa(y + 18), BarY: strconv.Itoa(y + 26), TotalY: strconv.Itoa(y + 26 + 16)}
		if r.Rank > 0 {
			bar.Name = fmt.Sprintf("%d. %s", r.Rank, name)
		}
		x := float64(chartLeft)
		for _, se := range ss {
			var score *big.Rat
			label := ""
			if se.id == "price" {
				score, label = r.PriceScore, r.PriceScorePercent()
			} else {
				for _, s := range r.Sections {
					if s.SectionID == se.id {
						score, label = s.Score, s.Percent()
					}
				}
			}
			w := pointsWide(score)
			if score == nil || w <= 0 {
				continue
			}
			bar.Segments = append(bar.Segments, ChartSegment{X: units(x), W: units(w), Pattern: se.pattern, Title: name + ", " + se.name + ": " + label})
			x += w
		}
		bar.TotalX = units(x + 8)
		bar.Total = "Total " + r.TotalPercent()
		if r.Excluded {
			bar.Total = "Excluded (quality " + r.QualityPercent() + ")"
		}
		ch.Bars = append(ch.Bars, bar)
	}
	ly := bottom + 24
	for i, se := range ss {
		y := ly + i*chartLegend
		ch.Legend = append(ch.Legend, ChartLegend{Y: strconv.Itoa(y), TextY: strconv.Itoa(y + 14), Pattern: se.pattern, Name: se.name})
	}
	ch.Height = ly + len(ss)*chartLegend + 8
	return ch
}

// --- the award ---

// RecommendationView is a recommendation as the award page shows it.
type RecommendationView struct {
	ID, Bidder, BidderOrgID, Reason string
	State                           AwardState
	StateLabel                      string
	RecommendedBy                   string
	RecommendedAt                   time.Time
}

// ApprovalRow is one commissioner's governing-body decision on the recommendation.
type ApprovalRow struct {
	Commissioner, Decision, Reason, DecidedBy string
	DecidedAt                                 *time.Time
}

// TimelineStep is a step of the award: done, or when it is due.
type TimelineStep struct {
	Label, When, X string
	Done           bool
}

// RepresentationRow is a representation with the lead's decision, or the form to make it.
type RepresentationRow struct {
	ID, Bidder, Text            string
	MadeAt                      time.Time
	Decision, Reason, DecidedBy string
	DecidedAt                   *time.Time
	CanDecide                   bool
	Prefix                      string
	Items                       []web.Option
	Typed                       string
	Errs                        map[string]string
}

// ContractView is the contract the lot was awarded as.
type ContractView struct {
	Reference, Provider, AwardedBy string
	StartDate, AwardedAt           time.Time
	TermYears                      int
	ValuePence                     int64
}

// ContractForm is the contract award form and what it shows.
type ContractForm struct {
	Show                                    bool
	Provider                                string
	Reference, StartDate, TermMonths, Value string
	Errs                                    map[string]string
}

// ProceedingRow is court proceedings against the award, with the end of their suspension or
// the form to record it.
type ProceedingRow struct {
	ID, Claimant, Court, ClaimReference, Note string
	NotifiedOn                                time.Time
	RecordedBy                                string
	Ended                                     bool
	EndedOn                                   time.Time
	EndedHow, EndNote, EndedBy                string
	CanEnd                                    bool
	Prefix                                    string
	Items                                     []web.Option
	EndedOnTyped, NoteTyped                   string
	Errs                                      map[string]string
}

// ProceedingForm is the form to record court proceedings and what it shows.
type ProceedingForm struct {
	Show                                    bool
	Items                                   []web.Option // the lot's bidders
	NotifiedOn, Court, ClaimReference, Note string
	Errs                                    map[string]string
}

// RankedBid is a compliant bid that may be recommended.
type RankedBid struct {
	OrgID, Name, Total string
	Rank               int
}

// AwardPage is a lot's award: the recommendation, the governing bodies' decisions (Part 2),
// standstill, representations and the contract.
type AwardPage struct {
	Lot             LotCaption
	Status          AwardStatus
	RankingNote     string
	Ranked          []RankedBid
	Current         *RecommendationView
	Earlier         []RecommendationView
	CanRecommend    bool
	RecommendItems  []web.Option
	Reason          string
	RecommendErrs   map[string]string
	Approvals       []ApprovalRow
	CanDecide       bool
	DecideFor       string
	DecisionItems   []web.Option
	DecisionReason  string
	DecisionErrs    map[string]string
	Timeline        []TimelineStep
	Representations []RepresentationRow
	Contract        *ContractView
	ContractForm    ContractForm
	PCR             bool // court proceedings suspend the contract (PCR 2015 reg. 95); not under the PSR
	Proceedings     []ProceedingRow
	ProceedingForm  ProceedingForm
	Suspension      string // why the contract cannot be entered into while proceedings run; "" when it can
}

var awardStateNames = map[AwardState]string{
	AwardPending: "Awaiting the governing bodies", AwardRejected: "Rejected by a governing body", AwardStandstill: "In standstill",
	AwardPaused: "Paused: a representation awaits a decision", AwardWithdrawn: "Withdrawn after a representation", AwardAwarded: "Contract awarded",
}

func (h *Pages) awardView(c *fiber.Ctx) (AwardPage, error) {
	ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
	cp, err := h.Svc.LotCaption(ctx, a, lotID)
	if err != nil {
		return AwardPage{}, err
	}
	st, err := h.Svc.AwardStatus(ctx, a, lotID)
	if err != nil {
		return AwardPage{}, err
	}
	av, err := h.Svc.Award(ctx, a, lotID)
	if err != nil {
		return AwardPage{}, err
	}
	page := AwardPage{Lot: cp, Status: st, RecommendErrs: map[string]string{}, DecisionErrs: map[string]string{}}
	if st.PricesOpenedAt == nil {
		page.RankingNote = "A preferred bidder is recommended from the ranking, once quality moderation is complete and the price envelopes have been opened."
	} else if rv, err := h.Svc.Results(ctx, a, lotID); err != nil {
		ae, ok := apperr.As(err)
		if !ok || (ae.Kind != apperr.Conflict && ae.Kind != apperr.Invalid) {
			return page, err
		}
		page.RankingNote = ae.Message
	} else {
		for _, r := range rv.Results {
			if !r.Excluded && r.Rank > 0 {
				page.Ranked = append(page.Ranked, RankedBid{OrgID: r.Bidder, Name: rv.Names[r.Bidder], Total: r.TotalPercent(), Rank: r.Rank})
			}
		}
	}

	var people, orgs []string
	for _, r := range av.Recommendations {
		people, orgs = append(people, r.RecommendedBy), append(orgs, r.BidderOrgID)
		for _, d := range av.Approvals[r.ID] {
			people = append(people, d.DecidedBy)
		}
		for _, rep := range av.Representations[r.ID] {
			people, orgs = append(people, rep.DecidedBy), append(orgs, rep.BidderOrgID)
		}
		for _, pr := range av.Proceedings[r.ID] {
			people = append(people, pr.RecordedBy, pr.EndedBy)
		}
	}
	if av.Contract != nil {
		people, orgs = append(people, av.Contract.AwardedBy), append(orgs, av.Contract.ProviderOrgID)
	}
	pn, err := h.Svc.NamesOfPeople(ctx, people)
	if err != nil {
		return page, err
	}
	on, err := h.Svc.NamesOfOrgs(ctx, orgs)
	if err != nil {
		return page, err
	}
	view := func(r AwardRecommendation) RecommendationView {
		return RecommendationView{ID: r.ID, Bidder: on[r.BidderOrgID], BidderOrgID: r.BidderOrgID, Reason: r.Reason, State: r.State,
			StateLabel: awardStateNames[r.State], RecommendedBy: pn[r.RecommendedBy], RecommendedAt: r.RecommendedAt}
	}
	var cur *AwardRecommendation
	for i, r := range av.Recommendations {
		if r.State == AwardRejected || r.State == AwardWithdrawn {
			page.Earlier = append(page.Earlier, view(r))
			continue
		}
		cur = &av.Recommendations[i]
		rv := view(r)
		page.Current = &rv
	}
	page.CanRecommend = cp.Lead && cur == nil && len(page.Ranked) > 0
	if page.CanRecommend {
		page.fillRecommend("")
	}
	if av.Contract != nil {
		ct := av.Contract
		page.Contract = &ContractView{Reference: ct.ContractReference, Provider: on[ct.ProviderOrgID], AwardedBy: pn[ct.AwardedBy],
			StartDate: ct.StartDate, AwardedAt: ct.AwardedAt, TermYears: ct.TermYears, ValuePence: ct.ValuePence}
	}
	if cur == nil {
		return page, nil
	}

	decisions := av.Approvals[cur.ID]
	mine := false
	for _, o := range st.Commissioners {
		row := ApprovalRow{Commissioner: o.Name, Decision: "Awaiting decision"}
		for _, d := range decisions {
			if d.OrgID == o.OrgID {
				at := d.DecidedAt
				row.Decision, row.Reason, row.DecidedBy, row.DecidedAt = map[string]string{"approve": "Approved", "reject": "Rejected"}[d.Decision], d.Reason, pn[d.DecidedBy], &at
				mine = mine || o.OrgID == a.OrgID
			}
		}
		if o.OrgID == a.OrgID {
			page.DecideFor = o.Name
		}
		page.Approvals = append(page.Approvals, row)
	}
	page.CanDecide = cur.State == AwardPending && page.DecideFor != "" && !mine && h.can(c, access.PermAwardDecide)
	page.fillDecision("")
	page.Timeline = awardTimeline(*cur, decisions, len(st.Commissioners), av.Contract, h.Svc.Now())

	for i, rep := range av.Representations[cur.ID] {
		row := RepresentationRow{ID: rep.ID, Bidder: on[rep.BidderOrgID], Text: rep.Text, MadeAt: rep.MadeAt, Reason: rep.DecisionReason,
			DecidedBy: pn[rep.DecidedBy], DecidedAt: rep.DecidedAt, Prefix: fmt.Sprintf("rep-%d-", i+1), Errs: map[string]string{}}
		if rep.Decision != nil {
			row.Decision = map[string]string{"upheld": "Upheld", "rejected": "Rejected"}[*rep.Decision]
		}
		row.CanDecide = cp.Lead && rep.Decision == nil
		row.Items = web.OptionsOf([]string{"upheld", "rejected"}, map[string]string{"upheld": "Uphold it: withdraw the recommendation", "rejected": "Reject it: the award goes ahead"})
		page.Representations = append(page.Representations, row)
	}
	page.proceedings(cp, *cur, av, pn, h.Svc.Now())
	if cp.Lead && av.Contract == nil && page.Suspension == "" && (cur.State == AwardStandstill || cur.State == AwardPaused) {
		page.ContractForm = ContractForm{Show: true, Provider: on[cur.BidderOrgID], TermMonths: strconv.Itoa(cp.TermYears * 12), Errs: map[string]string{}}
	}
	return page, nil
}

// proceedings lays out the court proceedings against cur (PCR 2015 only), the forms the lead
// may use, and the suspension they bring: in the state, the timeline and beside the contract.
func (p *AwardPage) proceedings(cp LotCaption, cur AwardRecommendation, av AwardView, people map[string]string, now time.Time) {
	p.PCR = cp.Regime == lots.PCR2015
	if !p.PCR {
		return
	}
	bidders := map[string]string{}
	var ids []string
	for _, b := range av.Bidders {
		bidders[b.OrgID] = b.Name
		ids = append(ids, b.OrgID)
	}
	ps := av.Proceedings[cur.ID]
	for i, pr := range ps {
		row := ProceedingRow{ID: pr.ID, Claimant: bidders[pr.ClaimantOrgID], Court: pr.Court, ClaimReference: pr.ClaimReference, Note: pr.Note,
			NotifiedOn: pr.NotifiedOn, RecordedBy: people[pr.RecordedBy], Prefix: fmt.Sprintf("proc-%d-", i+1), Errs: map[string]string{}}
		if pr.EndedOn != nil {
			row.Ended, row.EndedOn, row.EndNote, row.EndedBy = true, *pr.EndedOn, pr.EndNote, people[pr.EndedBy]
			if pr.EndedHow != nil {
				row.EndedHow = SuspensionEnds[*pr.EndedHow]
			}
		}
		row.CanEnd = cp.Lead && pr.EndedOn == nil
		row.fillEnd("")
		p.Proceedings = append(p.Proceedings, row)
	}
	if ContractSuspended(ps) && cur.State != AwardAwarded {
		p.Suspension = SuspensionMessage(ps, bidders)
		if p.Current != nil {
			p.Current.StateLabel = "Suspended: court proceedings (PCR 2015 reg. 95)"
		}
		open := OpenProceedings(ps)
		step := TimelineStep{Label: "Suspended", When: fmt.Sprintf("since %s, by court proceedings (%d open): until the court lifts the suspension or the proceedings end",
			day(open[0].NotifiedOn).Format("2 January 2006"), len(open))}
		n := len(p.Timeline)
		if n > 0 && p.Timeline[n-1].Label == "Contract awarded" {
			p.Timeline = append(p.Timeline[:n-1:n-1], step, p.Timeline[n-1])
		} else {
			p.Timeline = append(p.Timeline, step)
		}
		for i := range p.Timeline {
			p.Timeline[i].X = strconv.Itoa(100 + i*800/max(len(p.Timeline)-1, 1))
		}
	}
	if cp.Lead && ProceedingsRecordable(cp.Regime, &cur) == nil {
		p.ProceedingForm = ProceedingForm{Show: true, Items: web.OptionsOf(ids, bidders), NotifiedOn: now.In(london).Format("2006-01-02"), Errs: map[string]string{}}
	}
}

// fillEnd lays out the choices of how a suspension ended, with chosen chosen.
func (r *ProceedingRow) fillEnd(chosen string) {
	var values []string
	labels := map[string]string{}
	for _, e := range []SuspensionEnd{SuspensionLifted, ProceedingsDetermined, ProceedingsDiscontinued, ProceedingsSettled} {
		values = append(values, string(e))
		labels[string(e)] = SuspensionEnds[e]
	}
	r.Items = web.OptionsOf(values, labels, chosen)
}

func (p *AwardPage) fillRecommend(chosen string) {
	p.RecommendItems = nil
	for _, r := range p.Ranked {
		p.RecommendItems = append(p.RecommendItems, web.Option{Value: r.OrgID, Label: fmt.Sprintf("%d. %s (total %s)", r.Rank, r.Name, r.Total),
			Checked: r.OrgID == chosen})
	}
}

func (p *AwardPage) fillDecision(chosen string) {
	p.DecisionItems = web.OptionsOf([]string{"approve", "reject"}, map[string]string{"approve": "Approve the recommendation", "reject": "Reject it"}, chosen)
}

// awardTimeline lays out the award's steps: recommendation, approvals, standstill start and
// end, the day the award may be made, and the contract.
func awardTimeline(r AwardRecommendation, decisions []AwardApproval, bodies int, ct *ContractAward, now time.Time) []TimelineStep {
	steps := []TimelineStep{{Label: "Preferred bidder recommended", When: ukInstant(r.RecommendedAt), Done: true}}
	approved := 0
	var last time.Time
	for _, d := range decisions {
		if d.Decision == "approve" {
			approved++
		}
		if d.DecidedAt.After(last) {
			last = d.DecidedAt
		}
	}
	switch {
	case r.StandstillStartedAt != nil:
		steps = append(steps, TimelineStep{Label: fmt.Sprintf("Approved by every governing body (%d)", bodies), When: ukInstant(last), Done: true})
	case r.State == AwardRejected:
		steps = append(steps, TimelineStep{Label: "Rejected by a governing body", When: ukInstant(last), Done: true})
	default:
		steps = append(steps, TimelineStep{Label: "Governing bodies' approvals", When: fmt.Sprintf("%d of %d approved so far", approved, bodies)})
	}
	if r.StandstillStartedAt == nil {
		steps = append(steps, TimelineStep{Label: "Standstill starts", When: "when every governing body has approved"},
			TimelineStep{Label: "Standstill ends", When: standstillLength(r.Regime) + " after it starts"})
	} else {
		steps = append(steps, TimelineStep{Label: "Standstill starts", When: ukInstant(*r.StandstillStartedAt), Done: true},
			TimelineStep{Label: "Standstill ends", When: ukInstant(*r.StandstillEndsAt), Done: !now.Before(*r.StandstillEndsAt)})
		if r.AwardNotBefore != nil {
			steps = append(steps, TimelineStep{Label: "Contract may be awarded from", When: ukInstant(*r.AwardNotBefore), Done: !now.Before(*r.AwardNotBefore)})
		}
	}
	if ct != nil {
		steps = append(steps, TimelineStep{Label: "Contract awarded", When: ukInstant(ct.AwardedAt), Done: true})
	} else {
		steps = append(steps, TimelineStep{Label: "Contract awarded", When: "not yet"})
	}
	for i := range steps {
		steps[i].X = strconv.Itoa(100 + i*800/max(len(steps)-1, 1))
	}
	return steps
}

func standstillLength(r lots.Regime) string {
	if r == lots.PSR2024 {
		return "8 working days (Provider Selection Regime)"
	}
	return "10 calendar days (Public Contracts Regulations 2015)"
}

func (h *Pages) awardPage(c *fiber.Ctx) error {
	page, err := h.awardView(c)
	if err != nil {
		return err
	}
	return h.render(c, "evaluation/award", "Award: lot "+strconv.Itoa(page.Lot.Number), page, nil)
}

// awardError shows the award page again with one form's messages beside its fields. fill puts
// back what was typed with the form's messages and returns the prefix of the form's ids, or ""
// when the form is not on the page: then the messages are for the whole page.
func (h *Pages) awardError(c *fiber.Ctx, err error, fill func(*AwardPage, map[string]string) string) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.awardView(c)
	if perr != nil {
		return perr
	}
	summary := web.FormWide(fields)
	if prefix := fill(&page, fields); prefix != "" {
		summary = web.Prefixed(fields, prefix)
	}
	return h.Web.Render(c.Status(status), "evaluation/award", "Award: lot "+strconv.Itoa(page.Lot.Number), page, summary)
}

func (h *Pages) recommendPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := RecommendInput{BidderOrgID: f.Str("bidder_org_id"), Reason: f.Str("reason")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.Recommend(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.CanRecommend {
				return ""
			}
			p.RecommendErrs, p.Reason = fields, in.Reason
			p.fillRecommend(in.BidderOrgID)
			return "rec-"
		})
	}
	return done(c, awardLotPath(c)+"/award", "Preferred bidder recommended. Each governing body's approver can now decide on it.")
}

func (h *Pages) decideAwardPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := AwardDecisionInput{Decision: f.Str("decision"), Reason: f.Str("reason")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		err = h.Svc.DecideAward(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.CanDecide {
				return ""
			}
			p.DecisionErrs, p.DecisionReason = fields, in.Reason
			p.fillDecision(in.Decision)
			return "decision-"
		})
	}
	msg := "Your governing body's approval is recorded."
	if in.Decision == "reject" {
		msg = "Your governing body's rejection is recorded: the procurement lead may recommend again."
	}
	return done(c, awardLotPath(c)+"/award", msg)
}

func (h *Pages) decideRepresentationPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	rep := c.Params("rep")
	in := RepresentationDecisionInput{Decision: f.Str("decision"), Reason: f.Str("reason")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		err = h.Svc.DecideRepresentation(c.UserContext(), web.ActorFrom(c), c.Params("lot"), rep, in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			for i := range p.Representations {
				r := &p.Representations[i]
				if r.ID != rep || !r.CanDecide {
					continue
				}
				r.Errs, r.Typed = fields, in.Reason
				for j := range r.Items {
					r.Items[j].Checked = r.Items[j].Value == in.Decision
				}
				return r.Prefix
			}
			return ""
		})
	}
	msg := "Representation rejected: the award goes ahead once any wait is over."
	if in.Decision == "upheld" {
		msg = "Representation upheld: the recommendation is withdrawn, and a new one may be made."
	}
	return done(c, awardLotPath(c)+"/award", msg)
}

// contractFields names the service's fields of the contract as the form's.
func contractFields(fields map[string]string) map[string]string {
	return renamed(fields, "term_years", "term_months", "value_pence", "value")
}

func (h *Pages) awardContractPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := ContractInput{ContractReference: strings.TrimSpace(f.Str("contract_reference"))}
	in.StartDate = f.date("start_date", "the start date")
	in.ValuePence = f.pounds("value", "the contract value")
	if strings.TrimSpace(f.Str("value")) == "" {
		f.Errs["value"] = "Enter the contract value, in pounds"
	}
	// The contract is recorded in whole years; people count a term in months.
	months := f.mark("term_months", "the term in months")
	switch {
	case months == nil && f.Errs["term_months"] == "":
		f.Errs["term_months"] = "Enter the term in months"
	case months != nil && (*months < 12 || *months > 180 || *months%12 != 0):
		f.Errs["term_months"] = "Enter the term in whole years, as months: from 12 to 180, for example 60 for five years"
	case months != nil:
		in.TermYears = *months / 12
	}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(contractFields(fields))
	} else {
		_, err = h.Svc.AwardContract(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			contractFields(ae.Fields)
		}
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.ContractForm.Show {
				return ""
			}
			p.ContractForm.Errs = fields
			p.ContractForm.Reference, p.ContractForm.StartDate = in.ContractReference, f.Str("start_date")
			p.ContractForm.TermMonths, p.ContractForm.Value = f.Str("term_months"), f.Str("value")
			return "contract-"
		})
	}
	return done(c, awardLotPath(c)+"/award", "Contract awarded. Every bidder is being told.")
}

func (h *Pages) recordProceedingsPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := ProceedingsInput{ClaimantOrgID: f.Str("claimant_org_id"), NotifiedOn: f.Str("notified_on"), Court: f.Str("court"),
		ClaimReference: f.Str("claim_reference"), Note: f.Str("note")}
	typed := in
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.RecordProceedings(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.ProceedingForm.Show {
				return ""
			}
			pf := &p.ProceedingForm
			pf.Errs, pf.NotifiedOn, pf.Court, pf.ClaimReference, pf.Note = fields, typed.NotifiedOn, typed.Court, typed.ClaimReference, typed.Note
			for i := range pf.Items {
				pf.Items[i].Checked = pf.Items[i].Value == typed.ClaimantOrgID
			}
			return "proc-"
		})
	}
	return done(c, awardLotPath(c)+"/award", "Court proceedings recorded: the contract cannot be entered into until the suspension ends (PCR 2015 reg. 95).")
}

func (h *Pages) endSuspensionPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	id := c.Params("proceeding")
	in := SuspensionEndInput{EndedOn: f.Str("ended_on"), How: SuspensionEnd(f.Str("how")), Note: f.Str("note")}
	typed := in
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.EndSuspension(c.UserContext(), web.ActorFrom(c), c.Params("lot"), id, in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			for i := range p.Proceedings {
				r := &p.Proceedings[i]
				if r.ID != id || !r.CanEnd {
					continue
				}
				r.Errs, r.EndedOnTyped, r.NoteTyped = fields, typed.EndedOn, typed.Note
				r.fillEnd(string(typed.How))
				return r.Prefix + "end-"
			}
			return ""
		})
	}
	return done(c, awardLotPath(c)+"/award", "The end of the suspension is recorded.")
}

// --- the bidder's outcome ---

// OutcomeSection is one section's score in the bidder's letter: its own and the winner's.
type OutcomeSection struct {
	Title, Weight, Own, Winning string
}

// OutcomeRepresentation is one of the bidder's representations with the decision on it.
type OutcomeRepresentation struct {
	MadeAt           time.Time
	Text             string
	Decision, Reason string
}

// OutcomePage is the decision on a lot as one bidder sees it.
type OutcomePage struct {
	Lot            LotCaption
	V              OutcomeView
	Sections       []OutcomeSection
	Reps           []OutcomeRepresentation
	StandstillEnds string
	PSR            bool
	Text           string
	Errs           map[string]string
}

func (h *Pages) outcomeView(c *fiber.Ctx) (OutcomePage, error) {
	ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
	cp, err := h.Svc.LotCaption(ctx, a, lotID)
	if err != nil {
		return OutcomePage{}, err
	}
	v, err := h.Svc.Outcome(ctx, a, lotID)
	if err != nil {
		return OutcomePage{}, err
	}
	page := OutcomePage{Lot: cp, V: v, PSR: v.Regime == lots.PSR2024, Errs: map[string]string{}}
	if v.StandstillEndsAt != nil {
		page.StandstillEnds = ukDay(*v.StandstillEndsAt)
	}
	for _, r := range v.Representations {
		d := "Awaiting the procurement lead's decision"
		if r.Decision != nil {
			d = map[string]string{"upheld": "Upheld", "rejected": "Rejected"}[*r.Decision]
		}
		page.Reps = append(page.Reps, OutcomeRepresentation{MadeAt: r.MadeAt, Text: r.Text, Decision: d, Reason: r.DecisionReason})
	}
	for _, s := range v.Own.Sections {
		row := OutcomeSection{Title: s.Title, Weight: Percent(big.NewRat(int64(s.WeightBP), 100)), Own: s.Percent()}
		for _, w := range v.Winning.Sections {
			if w.SectionID == s.SectionID {
				row.Winning = w.Percent()
			}
		}
		page.Sections = append(page.Sections, row)
	}
	return page, nil
}

func (h *Pages) outcomePage(c *fiber.Ctx) error {
	page, err := h.outcomeView(c)
	if err != nil {
		return err
	}
	return h.render(c, "evaluation/outcome", "Outcome: lot "+strconv.Itoa(page.Lot.Number), page, nil)
}

func (h *Pages) representPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := RepresentationInput{Text: f.Str("text")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.MakeRepresentation(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		fields, status := web.FormFields(err)
		if fields == nil {
			return err
		}
		page, perr := h.outcomeView(c)
		if perr != nil {
			return perr
		}
		page.Errs, page.Text = fields, in.Text
		return h.Web.Render(c.Status(status), "evaluation/outcome", "Outcome: lot "+strconv.Itoa(page.Lot.Number), page, web.Prefixed(fields, "rep-"))
	}
	return done(c, awardLotPath(c)+"/outcome", "Your representation has been received. The award is paused until the procurement lead decides on it.")
}
