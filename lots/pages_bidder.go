package lots

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/web"
)

// The provider side's pages: published opportunities, one opportunity (documents, anonymous
// clarifications, addenda, the bidder's own responses) and the response form of a lot. The
// value of the contract and who asked a clarification are never on them: the service's
// OpportunityView does not hold either.

func (h *Pages) opportunities(c *fiber.Ctx) error {
	ps, err := h.Svc.Opportunities(c.UserContext())
	if err != nil {
		return err
	}
	page := ListPage{Opportunity: true}
	for _, p := range ps {
		page.Procurements = append(page.Procurements, ProcurementRow{p, stateLabel(p.State)})
	}
	return h.render(c, "lots/opportunities", "Opportunities", page, nil)
}

// BidLotRow is a lot with the bidder's own response as the opportunity page shows it.
type BidLotRow struct {
	BidLot
	Services, Status string
	StatusClass      string // NHS.UK tag colour
	OutcomeHref      string // the outcome letter, once the award is decided
}

func bidLotRow(bl BidLot) BidLotRow {
	r := BidLotRow{BidLot: bl, Status: "Not started", StatusClass: "nhsuk-tag--grey"}
	var svcs []string
	for _, s := range strings.Split(bl.ServiceTypes, ",") {
		if n := ServiceNames[s]; n != "" {
			svcs = append(svcs, n)
		}
	}
	r.Services = strings.Join(svcs, ", ")
	if l := bl.Latest; l != nil {
		switch {
		case l.State == SubDraft:
			r.Status, r.StatusClass = "Draft saved, not submitted", "nhsuk-tag--yellow"
		case l.State == SubSubmitted && l.NeedsReconfirm:
			r.Status, r.StatusClass = "Needs re-confirmation", "nhsuk-tag--orange"
		case l.State == SubSubmitted:
			r.Status, r.StatusClass = "Submitted", "nhsuk-tag--green"
		case l.State == SubWithdrawn:
			r.Status, r.StatusClass = "Withdrawn", "nhsuk-tag--red"
		}
	}
	return r
}

// OpportunityPage is a published procurement as a provider sees it.
type OpportunityPage struct {
	V                    OpportunityView
	StateLabel, Regime   string
	Open, CanAsk, CanBid bool
	Lots                 []BidLotRow
	Question             string
	Unanswered           int
	QuestionErrs         map[string]string
	OrgName              string
}

func (h *Pages) opportunityPage(c *fiber.Ctx) (OpportunityPage, error) {
	a := web.ActorFrom(c)
	v, err := h.Svc.Opportunity(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return OpportunityPage{}, err
	}
	page := OpportunityPage{V: v, StateLabel: stateLabel(v.Effective), Regime: regimeNames[string(v.Regime)], Open: v.Effective == Published,
		CanBid: h.can(c, access.PermBid), OrgName: a.OrgName}
	page.CanAsk = page.Open && page.CanBid && v.Registered && h.Svc.Now().Before(v.ClarificationDeadline)
	for _, bl := range v.Lots {
		page.Lots = append(page.Lots, bidLotRow(bl))
	}
	return page, h.outcomes(c, &page)
}

func (h *Pages) opportunity(c *fiber.Ctx) error {
	page, err := h.opportunityPage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/opportunity", page.V.Title, page, nil)
}

func (h *Pages) opportunityDocument(c *fiber.Ctx) error {
	d, err := h.Svc.OpportunityDocument(c.UserContext(), c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	return sendFile(c, documentFile(d))
}

func (h *Pages) registerInterest(c *fiber.Ctx) error {
	if err := h.Svc.RegisterInterest(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return h.opportunityError(c, err, "")
	}
	return web.RedirectFlash(c, "/opportunities/"+c.Params("id"), "Interest registered: you will be told of every clarification and addendum.")
}

func (h *Pages) opportunityError(c *fiber.Ctx, err error, question string) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.opportunityPage(c)
	if perr != nil {
		return perr
	}
	page.Question, page.QuestionErrs = question, fields
	return h.Web.Render(c.Status(status), "lots/opportunity", page.V.Title, page, fields)
}

func (h *Pages) ask(c *fiber.Ctx) error {
	f := newForm(c)
	in := ClarificationInput{Question: f.Str("question")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else if _, err = h.Svc.AskClarification(c.UserContext(), web.ActorFrom(c), c.Params("id"), in); err == nil {
		return web.RedirectFlash(c, "/opportunities/"+c.Params("id")+"#clarifications",
			"Question sent. The answer will be published to every registered bidder without saying who asked.")
	}
	return h.opportunityError(c, err, in.Question)
}

// AnswerField is a textarea of the response form.
type AnswerField struct {
	Q           Question
	Name, Value string
	Hint        string
}

// PriceField is one contract year of the price schedule.
type PriceField struct {
	Year        int
	Name, Value string
}

// ResponseFormPage is the bidder's response to one lot.
type ResponseFormPage struct {
	V           OpportunityView
	Lot         BidLotRow
	Open        bool
	Answers     []AnswerField
	Price       *Question
	Prices      []PriceField
	Partners    string
	OrgName     string
	CanSubmit   bool
	CanWithdraw bool
}

func (h *Pages) responsePage(c *fiber.Ctx) (ResponseFormPage, error) {
	a := web.ActorFrom(c)
	v, err := h.Svc.Opportunity(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return ResponseFormPage{}, err
	}
	idx := slices.IndexFunc(v.Lots, func(l BidLot) bool { return l.ID == c.Params("lot") })
	if idx < 0 {
		return ResponseFormPage{}, apperr.NotFoundf("Lot not found")
	}
	if !v.Registered {
		return ResponseFormPage{}, apperr.Conflictf("Register your interest in this procurement first")
	}
	bl := v.Lots[idx]
	page := ResponseFormPage{V: v, Lot: bidLotRow(bl), Open: v.Effective == Published, OrgName: a.OrgName}
	saved := map[string]string{}
	savedPrice := map[int]int64{}
	if bl.Content != nil {
		for _, an := range bl.Content.Answers {
			saved[an.QuestionID] = an.Text
		}
		for _, p := range bl.Content.Prices {
			savedPrice[p.Year] = p.Pence
		}
	}
	if bl.Latest != nil && bl.Latest.State != SubWithdrawn {
		page.Partners = strings.ReplaceAll(bl.Latest.Partners, ",", "\n")
	}
	for _, q := range bl.Questions {
		if q.Kind == Price {
			q := q
			page.Price = &q
			continue
		}
		hint := q.Guidance
		if q.WordLimit > 0 {
			hint = strings.TrimSpace(hint + fmt.Sprintf(" Up to %d words.", q.WordLimit))
		}
		if q.Kind == PassFail {
			hint = strings.TrimSpace(hint + " Pass or fail: a fail excludes the bid.")
		}
		page.Answers = append(page.Answers, AnswerField{Q: q, Name: "answer_" + q.ID, Value: saved[q.ID], Hint: hint})
	}
	if page.Price != nil {
		for y := 1; y <= v.TermYears; y++ {
			pf := PriceField{Year: y, Name: fmt.Sprintf("price_%d", y)}
			if p, ok := savedPrice[y]; ok && p > 0 {
				pf.Value = strings.TrimPrefix(FormatPence(p), "£")
			}
			page.Prices = append(page.Prices, pf)
		}
	}
	l := bl.Latest
	page.CanSubmit = page.Open && l != nil && (l.State == SubDraft || (l.State == SubSubmitted && l.NeedsReconfirm))
	page.CanWithdraw = page.Open && l != nil && l.State != SubWithdrawn
	return page, nil
}

func (h *Pages) responseForm(c *fiber.Ctx) error {
	page, err := h.responsePage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/response", "Your response to lot "+itoa(page.Lot.Number), page, nil)
}

// responseFields puts the service's messages ("answers.<question id>", "prices") beside the
// fields they are about.
func responseFields(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		switch {
		case strings.HasPrefix(k, "answers."):
			out["answer_"+strings.TrimPrefix(k, "answers.")] = v
		case k == "answers":
			out["_answers"] = v
		case k == "partners" || k == "prices" || k == "file" || strings.HasPrefix(k, "price_") || strings.HasPrefix(k, "_"):
			out[k] = v
		default:
			out["_"+k] = v
		}
	}
	return out
}

func (h *Pages) responseError(c *fiber.Ctx, err error, typed func(*ResponseFormPage)) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.responsePage(c)
	if perr != nil {
		return perr
	}
	if typed != nil {
		typed(&page)
	}
	return h.Web.Render(c.Status(status), "lots/response", "Your response to lot "+itoa(page.Lot.Number), page, responseFields(fields))
}

func (h *Pages) saveResponse(c *fiber.Ctx) error {
	page, err := h.responsePage(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	var in DraftInput
	for _, af := range page.Answers {
		if v := f.Str(af.Name); strings.TrimSpace(v) != "" {
			in.Answers = append(in.Answers, Answer{QuestionID: af.Q.ID, Text: v})
		}
	}
	for _, pf := range page.Prices {
		if strings.TrimSpace(f.Str(pf.Name)) == "" {
			continue
		}
		if p := f.pounds(pf.Name, fmt.Sprintf("the price for year %d", pf.Year)); p > 0 {
			in.Prices = append(in.Prices, PriceYear{Year: pf.Year, Pence: p})
		}
	}
	in.Partners = splitNames(f.Str("partners"))
	typed := func(p *ResponseFormPage) {
		for i := range p.Answers {
			p.Answers[i].Value = f.Str(p.Answers[i].Name)
		}
		for i := range p.Prices {
			p.Prices[i].Value = f.Str(p.Prices[i].Name)
		}
		p.Partners = f.Str("partners")
	}
	if fields := f.Check(&in); fields != nil {
		return h.responseError(c, apperr.InvalidFields(fields), typed)
	}
	if _, err := h.Svc.SaveDraft(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in); err != nil {
		return h.responseError(c, err, typed)
	}
	if f.Str("then") == "check" {
		return web.RedirectFlash(c, "/opportunities/"+c.Params("id")+"/lots/"+c.Params("lot")+"/submit",
			"Draft saved. Check it before you submit it.")
	}
	return web.RedirectFlash(c, c.Path(), "Draft saved. It is not submitted until you submit it.")
}

func (h *Pages) submit(c *fiber.Ctx) error {
	r, err := h.Svc.Submit(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return h.responseError(c, err, nil)
	}
	return web.RedirectFlash(c, "/opportunities/"+c.Params("id")+"/lots/"+c.Params("lot")+"/response",
		fmt.Sprintf("Response to lot %d submitted (version %d). Receipt SHA-256: %s", r.Lot, r.Version, r.SHA256))
}

func (h *Pages) withdraw(c *fiber.Ctx) error {
	if err := h.Svc.Withdraw(c.UserContext(), web.ActorFrom(c), c.Params("lot")); err != nil {
		return h.responseError(c, err, nil)
	}
	return web.RedirectFlash(c, "/opportunities/"+c.Params("id"), "Response withdrawn. You can start a new one before the deadline.")
}
