package mobilisation

import (
	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// API are the JSON handlers (api.go).
type API struct {
	Svc *Service
}

// Mount registers the API routes under /api/v1, each behind the permission it needs (casbin)
// and, on one plan or template, its visibility to the caller (scope.go). A route any side may
// use (progress, evidence) is guarded by view: whose milestone it is, is the service's rule
// (CanReport), as are the lead, the lot's approvers and the state.
func (h *API) Mount(api fiber.Router, guard web.Guard) {
	view, manage := guard(access.PermPlanView), guard(access.PermPlanManage)
	update, golive := guard(access.PermPlanUpdate), guard(access.PermGoLive)
	plan, tpl := scoped("plan", h.Svc.VisiblePlan), scoped("template", h.Svc.VisibleTemplate)

	api.Get("/mobilisation/dashboard", view, h.dashboard)
	api.Get("/mobilisation/plans", view, h.plans)
	api.Post("/mobilisation/plans", manage, h.ensurePlan)

	const p = "/mobilisation/plans/:plan"
	api.Get(p, view, plan, h.plan)
	api.Put(p+"/settings", manage, plan, h.settings)
	api.Post(p+"/milestones", manage, plan, h.addMilestone)
	api.Get(p+"/milestones/:milestone", view, plan, h.milestone)
	api.Patch(p+"/milestones/:milestone", manage, plan, h.editMilestone)
	api.Delete(p+"/milestones/:milestone", manage, plan, h.removeMilestone)
	api.Post(p+"/milestones/:milestone/progress", view, plan, h.progress)
	api.Post(p+"/milestones/:milestone/evidence", view, plan, h.addEvidence)
	api.Get(p+"/milestones/:milestone/evidence/:evidence", view, plan, h.evidence)
	api.Post(p+"/milestones/:milestone/completion-request", update, plan, h.requestCompletion)
	api.Post(p+"/milestones/:milestone/accept", manage, plan, h.accept)
	api.Post(p+"/milestones/:milestone/return", manage, plan, h.returnMilestone)
	api.Post(p+"/phases/:phase/decisions", golive, plan, h.decide)
	api.Post(p+"/phases/:phase/go-live", manage, plan, h.goLive)

	const t = "/mobilisation/templates"
	api.Get(t, manage, h.templates)
	api.Post(t, manage, h.copyTemplate)
	api.Get(t+"/:template", manage, tpl, h.template)
	api.Post(t+"/:template/milestones", manage, tpl, h.addTemplateMilestone)
	api.Patch(t+"/:template/milestones/:item", manage, tpl, h.editTemplateMilestone)
	api.Delete(t+"/:template/milestones/:item", manage, tpl, h.removeTemplateMilestone)
}
