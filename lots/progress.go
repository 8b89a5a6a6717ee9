package lots

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// What happens to a lot after opening — its evaluation, award and mobilisation — belongs to
// the features that build on lots; the procurement pages ask them through these hooks, which
// cmd/golive wires in, so that a procurement shows where it really is.

// Stage is one step of a lot's way from evaluation to go-live, as the procurement page's
// tracker shows it: Href is "" when the viewer has no page for it.
type Stage struct {
	Name, Status, Href string
	Hint               string // what is missing or waited for, under the name
	Done               bool
	NotYet             bool // cannot start yet
}

// Progress is where one lot stands after opening.
type Progress struct {
	Stages  []Stage
	Awarded bool // its contract has been awarded
	Live    bool // every go-live of its plan has happened
}

// ProgressOf says where a lot of a procurement the viewer takes part in stands.
type ProgressOf func(ctx context.Context, a *access.Actor, p Procurement, l Lot) (Progress, error)

// Outcome is the award decision on a lot as one bidder sees it.
type Outcome struct {
	Decided    bool // the decision has been sent: the outcome letter is there to read
	Successful bool
	Awarded    bool // and the contract has been awarded
}

// OutcomeOf says what was decided on a lot the acting bidder bid for.
type OutcomeOf func(ctx context.Context, a *access.Actor, lotID string) (Outcome, error)

// ContractedLots names, for each of the given procurements, the lots on which a contract has
// been awarded. Contract awards belong to evaluation/award; cmd/golive wires it in.
type ContractedLots func(ctx context.Context, procurementIDs []string) (map[string][]string, error)

// LotProgress is a lot's tracker on the procurement page.
type LotProgress struct {
	ID, Title string
	Number    int
	Progress
}

// progress fills in the lots' trackers and the procurement's true status once opened: an
// opened procurement whose every lot is awarded is "Awarded", and "Live" once every lot is.
func (h *Pages) progress(c *fiber.Ctx, page *OverviewPage) error {
	v := page.V
	if h.Progress == nil || v.Effective != Opened {
		return nil
	}
	awarded, live := len(v.Lots) > 0, len(v.Lots) > 0
	for _, l := range v.Lots {
		pr, err := h.Progress(c.UserContext(), web.ActorFrom(c), v.Procurement, l.Lot)
		if err != nil {
			return err
		}
		awarded, live = awarded && pr.Awarded, live && pr.Live
		opened := Stage{Name: "Procurement", Status: "Responses opened", Done: true}
		if page.Opening {
			opened.Href = "/procurements/" + v.ID + "/opening"
		}
		pr.Stages = append([]Stage{opened}, pr.Stages...)
		page.Progress = append(page.Progress, LotProgress{ID: l.ID, Title: l.Title, Number: l.Number, Progress: pr})
	}
	switch {
	case live:
		page.StateLabel = "Live"
	case awarded:
		page.StateLabel = "Awarded"
	}
	if awarded {
		page.Cancel = false // a contract stands: there is nothing left to cancel
	}
	return nil
}

// outcomes fills in the bidder's status of each lot once the award is decided.
func (h *Pages) outcomes(c *fiber.Ctx, page *OpportunityPage) error {
	if h.Outcome == nil || page.V.Effective != Opened {
		return nil
	}
	for i := range page.Lots {
		r := &page.Lots[i]
		if r.Latest == nil || !r.Counting {
			continue
		}
		o, err := h.Outcome(c.UserContext(), web.ActorFrom(c), r.ID)
		if err != nil {
			return err
		}
		if !o.Decided {
			r.Status, r.StatusClass = "Being evaluated", "nhsuk-tag--blue"
			continue
		}
		r.OutcomeHref = "/evaluations/lots/" + r.ID + "/outcome"
		switch {
		case o.Successful && o.Awarded:
			r.Status, r.StatusClass = "Awarded", "nhsuk-tag--green"
		case o.Successful:
			r.Status, r.StatusClass = "Successful", "nhsuk-tag--green"
		default:
			r.Status, r.StatusClass = "Not successful", "nhsuk-tag--grey"
		}
	}
	return nil
}
