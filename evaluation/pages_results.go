package evaluation

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
	"golive/web"
)

// The pages of moderation and results (issue 5, DOMAIN.md step 7): the lead moderates each
// quality question to a consensus, opens the prices, chooses the price formula and reads the
// ranking with its chart. Each handler reads the form, makes one service call and renders or
// redirects (303, with a flash); what may be done is the service's rule, the page only hides
// forms that would be refused. The award's pages that follow are evaluation/award's.

func (h *Pages) mountResultsPages(app fiber.Router, guard web.Guard) {
	manage, value := guard(access.PermPanelManage), guard(access.PermProcValue)
	lot := Scoped(h.Svc.Visible)

	const p = "/evaluations/lots/:lot"
	app.Get(p+"/questions/:question/moderation", manage, h.Svc.ScopedAhead(h.Svc.ModerationAhead), h.moderationPage)
	app.Post(p+"/questions/:question/moderation", manage, lot, h.startModerationPage)
	app.Post(p+"/consensus", manage, lot, h.consensusPage)
	app.Post(p+"/prices/open", manage, lot, h.openPricesPage)
	app.Get(p+"/results", value, lot, h.resultsPage) // no read ahead: before the prices are opened, the page reads none of it
	app.Post(p+"/price-formula", manage, lot, h.priceFormulaPage)
}

func lotPath(c *fiber.Ctx) string { return "/evaluations/lots/" + c.Params("lot") }

// --- reading the forms ---

// markForm is web.Form plus what the consensus form types: an optional mark, a pass or fail.
type markForm struct{ *web.Form }

func newMarkForm(c *fiber.Ctx) markForm { return markForm{web.NewForm(c)} }

// mark reads an optional whole number: blank is no mark (nil), which the service refuses for a
// scored question with its own message.
func (f markForm) mark(name, label string) *int {
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
func (f markForm) passed(name string) *bool {
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
	f.Errs[name] = "Select pass or fail"
	return nil
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
	return done(c, lotPath(c)+"/questions/"+q+"/moderation", "Moderation started: the individual scores are locked and shown side by side.")
}

func (h *Pages) consensusPage(c *fiber.Ctx) error {
	f := newMarkForm(c)
	in := ConsensusInput{QuestionID: f.Str("question_id"), BidderOrgID: f.Str("bidder_org_id"), Rationale: f.Str("rationale")}
	in.Score, in.Passed = f.mark("score", "the consensus score"), f.passed("passed")
	if !validID(in.QuestionID) {
		// No question to show the form of again: the one error page says what is wrong.
		return apperr.InvalidFields(map[string]string{"question_id": "Select the question the consensus is for"})
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
	return done(c, lotPath(c)+"/questions/"+in.QuestionID+"/moderation", "Consensus recorded for "+names[in.BidderOrgID]+".")
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
	return done(c, lotPath(c)+"/results", "Price envelopes opened: the ranking is below.")
}

func (h *Pages) priceFormulaPage(c *fiber.Ctx) error {
	f := newMarkForm(c)
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
	return done(c, lotPath(c)+"/results", "Price formula set to "+strings.ToLower(formulaNames[in.PriceFormula])+".")
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
