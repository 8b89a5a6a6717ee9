package evaluation

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
// and the lot's visibility to the caller (scope.go). Finer object rules (on the panel, assigned
// to the question, declared, lead commissioner, the lot's approvers, own bid, state) are the
// service's.
func (h *API) Mount(api fiber.Router, guard web.Guard) {
	score, manage := guard(access.PermEvaluate), guard(access.PermPanelManage)
	value := guard(access.PermProcValue)
	lot := Scoped(h.Svc.Visible)

	const p = "/evaluations/lots/:lot"
	// the panel (the lead)
	api.Get(p+"/panel", manage, lot, h.panel)
	api.Post(p+"/panel", manage, lot, h.addEvaluator)
	api.Put(p+"/panel/:user/questions", manage, lot, h.assignQuestions)
	api.Delete(p+"/panel/:user", manage, lot, h.removeEvaluator)
	// the evaluator
	api.Get(p+"/workspace", score, lot, h.workspace)
	api.Post(p+"/declarations", score, lot, h.declare)
	api.Get(p+"/bidders/:bidder/response", score, lot, h.response)
	api.Get(p+"/evaluators/:user/scores", score, lot, h.scores)
	api.Put(p+"/scores", score, lot, h.recordScore)
	api.Post(p+"/scores/submit", score, lot, h.submitScores)
	// moderation (the lead)
	api.Get(p+"/questions/:question/moderation", manage, h.Svc.ScopedAhead(h.Svc.ModerationAhead), h.moderation)
	api.Post(p+"/questions/:question/moderation", manage, lot, h.startModeration)
	api.Put(p+"/consensus", manage, lot, h.recordConsensus)
	// price and results (the award's routes are evaluation/award's)
	api.Post(p+"/prices/open", manage, lot, h.openPrices)
	api.Get(p+"/prices", value, lot, h.prices)
	api.Put(p+"/price-formula", manage, lot, h.setPriceFormula)
	api.Get(p+"/results", value, h.Svc.ScopedAhead(h.Svc.ResultsAhead), h.results)
	api.Get(p+"/export", value, lot, h.export)
}
