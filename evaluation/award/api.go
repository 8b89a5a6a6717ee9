package award

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/lots"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// The JSON face of the award: decode, validate, one service call, answer. Every response is
// one of the explicit types below, never a model struct; money in pence; times in RFC 3339 UTC.

// API are the award's JSON handlers (routes.go mounts them).
type API struct {
	Svc *Service
}

// --- response types ---

// ApprovalJSON is a governing body's decision on a recommendation.
type ApprovalJSON struct {
	OrgID     string    `json:"org_id"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// RepresentationJSON is a bidder's representation and the lead's decision on it.
type RepresentationJSON struct {
	ID               string     `json:"id"`
	RecommendationID string     `json:"recommendation_id"`
	BidderOrgID      string     `json:"bidder_org_id"`
	Text             string     `json:"text"`
	MadeAt           time.Time  `json:"made_at"`
	Decision         *string    `json:"decision"`
	DecisionReason   string     `json:"decision_reason,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
	DecidedAt        *time.Time `json:"decided_at"`
}

// RecommendationJSON is the lead's recommendation with the decisions and representations on it.
type RecommendationJSON struct {
	ID                  string               `json:"id"`
	BidderOrgID         string               `json:"bidder_org_id"`
	Reason              string               `json:"reason"`
	Regime              lots.Regime          `json:"regime"`
	State               State                `json:"state"`
	RecommendedBy       string               `json:"recommended_by"`
	RecommendedAt       time.Time            `json:"recommended_at"`
	StandstillStartedAt *time.Time           `json:"standstill_started_at"`
	StandstillEndsAt    *time.Time           `json:"standstill_ends_at"`
	AwardNotBefore      *time.Time           `json:"award_not_before"`
	Approvals           []ApprovalJSON       `json:"approvals"`
	Representations     []RepresentationJSON `json:"representations"`
}

// ContractJSON is the contract a lot was awarded as.
type ContractJSON struct {
	LotID             string    `json:"lot_id"`
	RecommendationID  string    `json:"recommendation_id"`
	ProviderOrgID     string    `json:"provider_org_id"`
	ContractReference string    `json:"contract_reference"`
	StartDate         time.Time `json:"start_date"`
	TermYears         int       `json:"term_years"`
	ValuePence        int64     `json:"value_pence"`
	AwardedBy         string    `json:"awarded_by"`
	AwardedAt         time.Time `json:"awarded_at"`
}

// AwardJSON is a lot's award: a Part 2 matter.
type AwardJSON struct {
	Recommendations []RecommendationJSON `json:"recommendations"`
	Contract        *ContractJSON        `json:"contract"`
	Proceedings     []ProceedingJSON     `json:"proceedings"` // against the current recommendation (PCR 2015 reg. 95)
	Suspended       bool                 `json:"suspended"`   // proceedings not yet ended suspend the contract
}

// --- conversions ---

func representationJSON(r Representation) RepresentationJSON {
	return RepresentationJSON{ID: r.ID, RecommendationID: r.RecommendationID, BidderOrgID: r.BidderOrgID, Text: r.Text,
		MadeAt: r.MadeAt.UTC(), Decision: r.Decision, DecisionReason: r.DecisionReason, DecidedBy: r.DecidedBy, DecidedAt: web.TimeOrNull(r.DecidedAt)}
}

func recommendationJSON(r Recommendation, ds []Approval, reps []Representation) RecommendationJSON {
	out := RecommendationJSON{ID: r.ID, BidderOrgID: r.BidderOrgID, Reason: r.Reason, Regime: r.Regime, State: r.State,
		RecommendedBy: r.RecommendedBy, RecommendedAt: r.RecommendedAt.UTC(), StandstillStartedAt: web.TimeOrNull(r.StandstillStartedAt),
		StandstillEndsAt: web.TimeOrNull(r.StandstillEndsAt), AwardNotBefore: web.TimeOrNull(r.AwardNotBefore),
		Approvals: []ApprovalJSON{}, Representations: []RepresentationJSON{}}
	for _, d := range ds {
		out.Approvals = append(out.Approvals, ApprovalJSON{OrgID: d.OrgID, Decision: d.Decision, Reason: d.Reason, DecidedBy: d.DecidedBy,
			DecidedAt: d.DecidedAt.UTC()})
	}
	for _, rep := range reps {
		out.Representations = append(out.Representations, representationJSON(rep))
	}
	return out
}

func contractJSON(c Contract) ContractJSON {
	return ContractJSON{LotID: c.LotID, RecommendationID: c.RecommendationID, ProviderOrgID: c.ProviderOrgID,
		ContractReference: c.ContractReference, StartDate: c.StartDate.UTC(), TermYears: c.TermYears, ValuePence: c.ValuePence,
		AwardedBy: c.AwardedBy, AwardedAt: c.AwardedAt.UTC()}
}

func lotHref(c *fiber.Ctx) string { return "/api/v1/evaluations/lots/" + c.Params("lot") }

// --- the award ---

func (h *API) recommend(c *fiber.Ctx) error {
	return web.Add(c, lotHref(c)+"/award", "lot", h.Svc.Recommend, func(r Recommendation) RecommendationJSON {
		return recommendationJSON(r, nil, nil)
	})
}

func (h *API) award(c *fiber.Ctx) error {
	v, err := h.Svc.Award(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return err
	}
	out := AwardJSON{Recommendations: []RecommendationJSON{}}
	for _, r := range v.Recommendations {
		out.Recommendations = append(out.Recommendations, recommendationJSON(r, v.Approvals[r.ID], v.Representations[r.ID]))
	}
	if v.Contract != nil {
		cj := contractJSON(*v.Contract)
		out.Contract = &cj
	}
	out.Proceedings, out.Suspended = proceedingsJSON(v)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h *API) decideAward(c *fiber.Ctx) error { return web.ActWith(c, "lot", h.Svc.DecideAward) }

func (h *API) makeRepresentation(c *fiber.Ctx) error {
	var in RepresentationInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	r, err := h.Svc.MakeRepresentation(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	if err != nil {
		return err
	}
	return web.Created(c, lotHref(c)+"/representations/"+r.ID, representationJSON(r))
}

func (h *API) decideRepresentation(c *fiber.Ctx) error {
	return web.ActWith(c, "lot", func(ctx context.Context, a *access.Actor, lot string, in RepresentationDecisionInput) error {
		return h.Svc.DecideRepresentation(ctx, a, lot, c.Params("rep"), in)
	})
}

func (h *API) awardContract(c *fiber.Ctx) error {
	return web.Add(c, lotHref(c)+"/award", "lot", h.Svc.AwardContract, contractJSON)
}

// --- court proceedings (PCR 2015 reg. 95) ---

// ProceedingJSON is court proceedings against the decision to award, and the end of the
// suspension they brought (null while it runs). Days are "2006-01-02", UK.
type ProceedingJSON struct {
	ID               string         `json:"id"`
	RecommendationID string         `json:"recommendation_id"`
	ClaimantOrgID    string         `json:"claimant_org_id"`
	Court            string         `json:"court"`
	ClaimReference   string         `json:"claim_reference"`
	Note             string         `json:"note"`
	NotifiedOn       string         `json:"notified_on"`
	RecordedBy       string         `json:"recorded_by"`
	RecordedAt       time.Time      `json:"recorded_at"`
	EndedOn          *string        `json:"ended_on"`
	EndedHow         *SuspensionEnd `json:"ended_how"`
	EndNote          string         `json:"end_note"`
	EndedBy          string         `json:"ended_by"`
	EndRecordedAt    *time.Time     `json:"end_recorded_at"`
}

func proceedingJSON(p Proceeding) ProceedingJSON {
	out := ProceedingJSON{ID: p.ID, RecommendationID: p.RecommendationID, ClaimantOrgID: p.ClaimantOrgID, Court: p.Court,
		ClaimReference: p.ClaimReference, Note: p.Note, NotifiedOn: p.NotifiedOn.In(ukclock.London).Format("2006-01-02"),
		RecordedBy: p.RecordedBy, RecordedAt: p.RecordedAt.UTC(), EndedHow: p.EndedHow, EndNote: p.EndNote, EndedBy: p.EndedBy,
		EndRecordedAt: web.TimeOrNull(p.EndRecordedAt)}
	if p.EndedOn != nil {
		d := p.EndedOn.In(ukclock.London).Format("2006-01-02")
		out.EndedOn = &d
	}
	return out
}

// proceedingsJSON is the proceedings against the lot's current recommendation, and whether
// they suspend the contract.
func proceedingsJSON(v View) ([]ProceedingJSON, bool) {
	out := []ProceedingJSON{}
	var ps []Proceeding
	for _, r := range v.Recommendations {
		if r.State.Live() {
			ps = v.Proceedings[r.ID]
		}
	}
	for _, p := range ps {
		out = append(out, proceedingJSON(p))
	}
	return out, ContractSuspended(ps)
}

func (h *API) recordProceedings(c *fiber.Ctx) error {
	var in ProceedingsInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Svc.RecordProceedings(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	if err != nil {
		return err
	}
	return web.Created(c, lotHref(c)+"/award", proceedingJSON(p))
}

func (h *API) endSuspension(c *fiber.Ctx) error {
	var in SuspensionEndInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Svc.EndSuspension(c.UserContext(), web.ActorFrom(c), c.Params("lot"), c.Params("proceeding"), in)
	if err != nil {
		return err
	}
	return c.JSON(proceedingJSON(p))
}
