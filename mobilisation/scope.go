package mobilisation

import (
	"context"
	"slices"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/web"
)

// Who may see and touch a plan, in one place. The route half: before a handler reads or
// validates anything, a route on /mobilisation/plans/:plan/… answers 404 unless the caller's
// organisation takes part in the plan's procurement (a commissioner) or is the plan's provider;
// another provider, another tenant and Healthwatch cannot tell the plan exists. A route on
// /mobilisation/templates/:template/… answers 404 unless it is the platform's default or the
// caller's organisation's own. Casbin has already checked the role at the route; the CanX rules
// below are the object rules the service applies on top.

// isHealthwatch: Healthwatch takes part in evaluation panels, never in a contract's mobilisation.
func isHealthwatch(a *access.Actor) bool { return a == nil || a.OrgKind == access.Healthwatch }

// VisiblePlan refuses a plan the acting person cannot see, as not found.
func (s *Service) VisiblePlan(ctx context.Context, a *access.Actor, planID string) error {
	if isHealthwatch(a) || !validID(planID) {
		return apperr.NotFoundf("Plan not found")
	}
	_, err := s.Store.Plan(ctx, planID, false)
	return err
}

// VisibleTemplate refuses a template that is neither the default nor the caller's own, as not found.
func (s *Service) VisibleTemplate(ctx context.Context, a *access.Actor, templateID string) error {
	if isHealthwatch(a) || !validID(templateID) {
		return apperr.NotFoundf("Template not found")
	}
	if _, err := s.defaultTemplate(ctx); err != nil {
		return err
	}
	_, err := s.Store.Template(ctx, templateID, false)
	return err
}

// scoped is the route middleware for /mobilisation/plans/:plan/… and /mobilisation/templates/:template/….
func scoped(param string, check func(ctx context.Context, a *access.Actor, id string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := check(c.UserContext(), web.ActorFrom(c), c.Params(param)); err != nil {
			return err
		}
		return c.Next()
	}
}

// SideOf is how the acting person stands to a plan they can see: its provider, or a
// commissioner taking part.
func SideOf(a *access.Actor, p Plan) OwnerSide {
	if a != nil && a.OrgID == p.ProviderOrgID {
		return Provider
	}
	return Commissioner
}

// IsLead: the lead commissioner's procurement lead runs the plan: adds and changes milestones,
// accepts evidence, declares a phase live.
func IsLead(a *access.Actor, p Plan) bool {
	return a != nil && a.OrgID == p.LeadOrgID && a.HasRole(access.RoleProcurementLead)
}

// CanReport: a milestone's progress and evidence come from its owner, or from anyone on its side
// who answers for it — the provider's bid team for the provider's milestones, the lead for the
// commissioners'.
func CanReport(a *access.Actor, p Plan, m Milestone) bool {
	if a == nil {
		return false
	}
	if m.OwnerUserID != "" && a.UserID == m.OwnerUserID {
		return true
	}
	switch m.OwnerSide {
	case Provider:
		return a.OrgID == p.ProviderOrgID && a.HasRole(access.RoleBidder)
	case Commissioner:
		return IsLead(a, p)
	}
	return false
}

// CanRequestCompletion: the provider asks the commissioner to accept its own milestones; a
// commissioner's milestone is accepted by the lead directly.
func CanRequestCompletion(a *access.Actor, p Plan, m Milestone) bool {
	return m.OwnerSide == Provider && a != nil && a.OrgID == p.ProviderOrgID && CanReport(a, p, m)
}

// CanAccept: only the lead accepts a milestone as done, so the provider can never mark its own
// work done.
func CanAccept(a *access.Actor, p Plan) bool { return IsLead(a, p) }

// CanDecide: each commissioner the lot covers signs a phase's go/no-go through its
// governing-body approver, for itself only.
func CanDecide(a *access.Actor, lotParticipants []string) bool {
	return a != nil && a.HasRole(access.RoleApprover) && slices.Contains(lotParticipants, a.OrgID)
}

// CanEditTemplate: a commissioner's procurement lead edits its own templates; the platform's
// default is copied, never changed.
func CanEditTemplate(a *access.Actor, t Template) bool {
	return a != nil && t.OrgID != "" && t.OrgID == a.OrgID && a.HasRole(access.RoleProcurementLead)
}

// ownerProblem says why a person cannot own a milestone on the given side, or "" when they can:
// the provider's milestones are owned by the provider's people, the commissioners' by people of
// a commissioner taking part in the procurement.
func ownerProblem(side OwnerSide, owner Person, p Plan, participants []string) string {
	if !owner.Active {
		return "Select an active user"
	}
	switch side {
	case Provider:
		if owner.OrgID != p.ProviderOrgID {
			return owner.Name + " does not work for the provider: choose one of the provider's people"
		}
	case Commissioner:
		if !slices.Contains(participants, owner.OrgID) {
			return owner.Name + " does not work for a commissioner taking part: choose one of the commissioners' people"
		}
	}
	return ""
}
