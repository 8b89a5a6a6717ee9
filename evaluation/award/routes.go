package award

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"

	"golive/evaluation"
	"golive/tenants/access"
	"golive/web"
)

// OpenAPI describes the award's /api/v1 routes.
//
//go:embed openapi.json
var OpenAPI []byte

// Mount registers the award's API routes under /api/v1, each behind the permission it needs
// (casbin) and the lot's visibility to the caller (evaluation.Scoped). Finer object rules (lead
// commissioner, the lot's approvers, own bid) are the service's, and the award's state is the
// rules' (rules.go).
func (h *API) Mount(api fiber.Router, guard web.Guard) {
	manage, value := guard(access.PermPanelManage), guard(access.PermProcValue)
	decide, represent := guard(access.PermAwardDecide), guard(access.PermRepresent)
	lot := evaluation.Scoped(h.Svc.Eval.Visible)

	const p = "/evaluations/lots/:lot"
	api.Post(p+"/recommendations", manage, lot, h.recommend)
	api.Get(p+"/award", value, lot, h.award)
	api.Post(p+"/award/decisions", decide, lot, h.decideAward)
	api.Post(p+"/representations", represent, lot, h.makeRepresentation)
	api.Post(p+"/representations/:rep/decision", manage, lot, h.decideRepresentation)
	api.Post(p+"/contract", manage, lot, h.awardContract)
	api.Post(p+"/award/proceedings", manage, lot, h.recordProceedings)
	api.Post(p+"/award/proceedings/:proceeding/end", manage, lot, h.endSuspension)
}

// Mount registers the award's pages, guarded as the API is.
func (h *Pages) Mount(app fiber.Router, guard web.Guard) {
	manage, value := guard(access.PermPanelManage), guard(access.PermProcValue)
	decide, represent := guard(access.PermAwardDecide), guard(access.PermRepresent)
	lot := evaluation.Scoped(h.Svc.Eval.Visible)

	const p = "/evaluations/lots/:lot"
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
