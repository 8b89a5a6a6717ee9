package evaluation

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/lots"
	"golive/web"
)

// The evaluator's "check your scores" step: every mark they owe on a lot, bidder by bidder, as
// they gave it, each with a link back to the scoring sheet to change it; what is still missing,
// listed with a link to where it is given; and, only when nothing is missing, the button that
// submits, which cannot be undone. It reads the workspace, so it shows exactly the bidders and
// questions the scoring pages show the evaluator: never a price, never a conflicted bidder's
// response.

// CheckRow is one mark on the check page.
type CheckRow struct {
	Q         lots.Question
	Bidder    string // the bidder's name, for the hidden words of the link
	MarkText  string // "3 of 4", "Pass"
	Rationale string
	Missing   string // MissingMark, MissingRationale or ""
	Href      string // the scoring sheet, at the question
}

// CheckBidder is one bidder's marks on the check page.
type CheckBidder struct {
	Bidder
	Rows []CheckRow
}

// CheckScoresPage lists the evaluator's marks on a lot before they submit them.
type CheckScoresPage struct {
	V          WorkspaceView
	Bidders    []CheckBidder
	Conflicted []string   // the bidders they neither read nor score
	Missing    []CheckRow // what is still to give, in page order
	Locked     bool       // submitted: the marks are read only
}

func checkPath(lotID string) string { return "/evaluations/lots/" + lotID + "/scores/check" }

func (h *Pages) checkScoresPage(c *fiber.Ctx) (CheckScoresPage, error) {
	v, err := h.Svc.Workspace(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return CheckScoresPage{}, err
	}
	page := CheckScoresPage{V: v, Locked: v.SubmittedAt != nil}
	for _, b := range v.Bidders {
		if b.Declaration != nil && *b.Declaration == Conflicted {
			page.Conflicted = append(page.Conflicted, b.Name)
			continue
		}
		cb := CheckBidder{Bidder: b.Bidder}
		for _, m := range v.Marks {
			if m.BidderOrgID != b.OrgID {
				continue
			}
			r := CheckRow{Q: m.Question, Bidder: b.Name, MarkText: ownMarkText(m.Question, m.Mark), Missing: m.Missing,
				Href: sheetPath(v.LotID, b.OrgID) + "#question-" + m.Question.ID}
			if m.Mark != nil {
				r.Rationale = m.Mark.Rationale
			}
			cb.Rows = append(cb.Rows, r)
			if r.Missing != "" {
				page.Missing = append(page.Missing, r)
			}
		}
		if len(cb.Rows) > 0 {
			page.Bidders = append(page.Bidders, cb)
		}
	}
	return page, nil
}

func checkTitle(v WorkspaceView) string {
	return fmt.Sprintf("Check your scores for lot %d: %s", v.LotNumber, v.LotTitle)
}

// checkScores shows the marks before submitting. It is a GET and changes nothing; before every
// bidder is declared about there is nothing to check, as there is nothing to read (409).
func (h *Pages) checkScores(c *fiber.Ctx) error {
	page, err := h.checkScoresPage(c)
	if err != nil {
		return err
	}
	if !page.V.DeclaredAll {
		return apperr.Conflictf("Declare your interests for every bidder before checking your scores")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, "evaluation/check", checkTitle(page.V), page, nil)
}

// submitScores submits from the check page; refused for what is missing, the check page is
// shown again with its list of what is still to give, and the error summary links to it.
func (h *Pages) submitScores(c *fiber.Ctx) error {
	lotID := c.Params("lot")
	err := h.Svc.SubmitScores(c.UserContext(), web.ActorFrom(c), lotID)
	if err == nil {
		return done(c, workspacePath(lotID), "Your scores are submitted. They are locked now, and the lead sees them only at moderation.")
	}
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.checkScoresPage(c)
	if perr != nil {
		return perr
	}
	if len(page.Missing) > 0 && page.V.DeclaredAll {
		// the list itself is on the page, where the summary links to
		fields = map[string]string{"missing": fmt.Sprintf("Score every question for every bidder before submitting: %d still to score", len(page.Missing))}
	}
	return h.Web.Render(c.Status(status), "evaluation/check", checkTitle(page.V), page, fields)
}
