package lots

import (
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/web"
)

// The "check your answers" steps before what cannot be taken back: publishing a procurement
// (bidders start work on what they see) and submitting a response (it is sealed with a receipt).
// Each check page is a GET on the path its action POSTs to, behind the same guard; the GET
// changes nothing. The API has no check step: a client states its intent in the call itself.

// CheckedLot is one lot as the check before publishing summarises it.
type CheckedLot struct {
	LotDisplay
	Questions, Sections int
}

// PublishCheckPage is what publishing will put in front of bidders, each part with a link to
// where it is changed.
type PublishCheckPage struct {
	V                   ProcurementView
	RegimeLabel, Value  string
	Lots                []CheckedLot
	PublishOn           time.Time // now: the tender period runs from here
	TenderDays          int
	ShortTender         string // the rule's words naming a short tender period, to be confirmed
	ConfirmTender       []web.Option
	Pending             []string // governing bodies still to decide: publishing will be refused
	ApprovalsTotal      int
	Errs                map[string]string
	TenderPeriodFieldID string
}

func (h *Pages) publishCheckPage(c *fiber.Ctx) (PublishCheckPage, error) {
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return PublishCheckPage{}, err
	}
	if !v.CanManage {
		return PublishCheckPage{}, apperr.Forbiddenf("Only the lead commissioner's procurement lead can publish this procurement")
	}
	if err := CheckAction(ActPublish, v.Effective); err != nil {
		return PublishCheckPage{}, err
	}
	now := h.Svc.Now()
	page := PublishCheckPage{V: v, RegimeLabel: regimeNames[string(v.Regime)], PublishOn: now,
		TenderDays: TenderPeriodDays(now, v.SubmissionDeadline), ApprovalsTotal: len(v.Approvals),
		TenderPeriodFieldID: "publish-" + TenderPeriodField}
	if v.ShowValue {
		page.Value = FormatPence(v.EstimatedValuePence)
	}
	if f := CheckTenderPeriod(now, v.SubmissionDeadline, false); f != nil {
		page.ShortTender = f[TenderPeriodField]
		page.ConfirmTender = []web.Option{{Value: "yes", Label: "I confirm the short tender period"}}
	}
	names := map[string]string{}
	for _, p := range v.Participants {
		names[p.OrgID] = p.OrgName
	}
	for _, l := range v.Lots {
		page.Lots = append(page.Lots, CheckedLot{LotDisplay: lotDisplay(l, names), Questions: len(l.Questions), Sections: len(l.Sections)})
	}
	for _, ap := range v.Approvals {
		if ap.Decision == nil || ap.Decision.Decision != "approve" {
			page.Pending = append(page.Pending, ap.OrgName)
		}
	}
	return page, nil
}

const publishCheckTitle = "Check before you publish"

func (h *Pages) publishCheck(c *fiber.Ctx) error {
	page, err := h.publishCheckPage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/publish_check", publishCheckTitle, page, nil)
}

// publishError shows the check page again with the refusal: the short tender period beside its
// box, anything else (a governing body still to decide, a timetable now in the past) for the
// whole page, as it is changed elsewhere.
func (h *Pages) publishError(c *fiber.Ctx, err error) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.publishCheckPage(c)
	if perr != nil {
		return h.overviewError(c, err, "", "", nil)
	}
	page.Errs = fields
	summary := map[string]string{}
	for k, m := range fields {
		switch {
		case k == TenderPeriodField:
			summary[page.TenderPeriodFieldID] = m
		case len(k) > 0 && k[0] == '_':
			summary[k] = m
		default:
			summary["_"+k] = m
		}
	}
	return h.Web.Render(c.Status(status), "lots/publish_check", publishCheckTitle, page, summary)
}

// SubmitCheckPage is the bidder's saved draft as it will be sealed, each answer with a link
// back to its field on the response form.
type SubmitCheckPage struct {
	ResponseFormPage
	Answered, PricesGiven int
	Resubmit              bool      // a submitted response re-confirmed after an addendum
	Missing               []Missing // what submitting would refuse (CheckAnswers), in page order
}

// Missing is one thing a response lacks before it can be submitted, and the field it is about
// on the response form ("" when it is about the whole response).
type Missing struct{ Field, Message string }

// missing orders the refusals of CheckAnswers as the response form shows its fields.
func missing(rp ResponseFormPage, fields map[string]string) []Missing {
	var out []Missing
	for _, a := range rp.Answers {
		if m := fields["answers."+a.Q.ID]; m != "" {
			out = append(out, Missing{a.Name, m})
			delete(fields, "answers."+a.Q.ID)
		}
	}
	if m := fields["prices"]; m != "" {
		out = append(out, Missing{"prices", m})
		delete(fields, "prices")
	}
	rest := make([]string, 0, len(fields))
	for k := range fields {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, Missing{"", fields[k]})
	}
	return out
}

func (h *Pages) submitCheckPage(c *fiber.Ctx) (SubmitCheckPage, error) {
	rp, err := h.responsePage(c)
	if err != nil {
		return SubmitCheckPage{}, err
	}
	if !rp.Open {
		return SubmitCheckPage{}, apperr.Conflictf("This procurement no longer takes responses")
	}
	if !rp.CanSubmit {
		return SubmitCheckPage{}, apperr.Conflictf("There is no saved draft to submit: save your response first")
	}
	page := SubmitCheckPage{ResponseFormPage: rp, Resubmit: rp.Lot.Latest.State == SubSubmitted}
	for _, a := range rp.Answers {
		if a.Value != "" {
			page.Answered++
		}
	}
	for _, p := range rp.Prices {
		if p.Value != "" {
			page.PricesGiven++
		}
	}
	var saved Content
	if rp.Lot.Content != nil {
		saved = *rp.Lot.Content
	}
	page.Missing = missing(rp, CheckAnswers(rp.Lot.Questions, saved, rp.V.TermYears, true))
	return page, nil
}

func (h *Pages) submitCheck(c *fiber.Ctx) error {
	page, err := h.submitCheckPage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/submit_check", "Check your response to lot "+itoa(page.Lot.Number), page, nil)
}
