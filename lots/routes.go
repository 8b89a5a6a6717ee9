package lots

import (
	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// Pages are the HTML handlers (pages.go).
type Pages struct {
	Svc      *Service
	Web      *web.Server
	Progress ProgressOf // where each lot stands after opening (progress.go); nil: not shown
	Outcome  OutcomeOf  // what a bidder was told of each lot's award; nil: not shown
}

// API are the JSON handlers (api.go).
type API struct {
	Svc *Service
}

// Mount registers the pages, each behind the permission it needs (casbin) and, on one
// procurement, its visibility to the caller (scope.go). Finer object rules (lead commissioner,
// own organisation, state) are the service's.
func (h *Pages) Mount(app fiber.Router, guard web.Guard) {
	view, manage := guard(access.PermProcView), guard(access.PermProcManage)
	decide, open := guard(access.PermDecide), guard(access.PermOpenBids)
	opps, bid := guard(access.PermOpportunity), guard(access.PermBid)
	proc, opp := scoped(h.Svc.VisibleToCommissioner), scoped(h.Svc.VisibleToProvider)
	// A bidder's requests on an opportunity are logged without naming them (web.Unattributed).
	opps = unattributed(opps)

	app.Get("/procurements", view, h.list)
	app.Get("/procurements/new", manage, h.newForm)
	app.Post("/procurements/new", manage, h.create)
	app.Get("/procurements/:id", view, proc, h.show)
	app.Get("/procurements/:id/edit", manage, proc, h.editForm)
	app.Post("/procurements/:id/edit", manage, proc, h.update)
	app.Post("/procurements/:id/lots", manage, proc, h.addLot)
	app.Get("/procurements/:id/lots/:lot", view, proc, h.lot)
	app.Post("/procurements/:id/lots/:lot/sites", manage, proc, h.addSite)
	app.Post("/procurements/:id/lots/:lot/phases", manage, proc, h.addPhase)
	app.Post("/procurements/:id/lots/:lot/questions", manage, proc, h.addQuestion)
	app.Post("/procurements/:id/lots/:lot/template", manage, proc, h.applyTemplate)
	app.Get("/procurements/:id/lots/:lot/responses", manage, proc, h.responses)
	app.Get("/procurements/:id/lots/:lot/responses/attachments/:att", manage, proc, h.openedAttachment)
	app.Post("/procurements/:id/documents", manage, proc, h.upload)
	app.Get("/procurements/:id/documents/:doc", view, proc, h.download)
	app.Post("/procurements/:id/submit-for-approval", manage, proc, h.submitForApproval)
	app.Post("/procurements/:id/return-to-draft", manage, proc, h.returnToDraft)
	app.Get("/procurements/:id/publish", manage, proc, h.publishCheck)
	app.Post("/procurements/:id/publish", manage, proc, h.publish)
	app.Post("/procurements/:id/cancel", manage, proc, h.cancel)
	app.Get("/procurements/:id/decision", decide, proc, h.decisionForm)
	app.Post("/procurements/:id/decision", decide, proc, h.decide)
	app.Get("/procurements/:id/clarifications", view, proc, h.clarifications)
	app.Post("/procurements/:id/clarifications/:cid/answer", manage, proc, h.answer)
	app.Post("/procurements/:id/addenda", manage, proc, h.addendum)
	app.Get("/procurements/:id/opening", open, proc, h.opening)
	app.Post("/procurements/:id/opening/start", open, proc, h.startOpening)
	app.Post("/procurements/:id/opening/confirm", open, proc, h.confirmOpening)

	app.Get("/opportunities", opps, h.opportunities)
	app.Get("/opportunities/:id", opps, opp, h.opportunity)
	app.Get("/opportunities/:id/documents/:doc", opps, opp, h.opportunityDocument)
	app.Post("/opportunities/:id/interest", bid, opp, h.registerInterest)
	app.Post("/opportunities/:id/clarifications", bid, opp, h.ask)
	app.Get("/opportunities/:id/lots/:lot/response", bid, opp, h.responseForm)
	app.Post("/opportunities/:id/lots/:lot/response", bid, opp, h.saveResponse)
	app.Get("/opportunities/:id/lots/:lot/submit", bid, opp, h.submitCheck)
	app.Post("/opportunities/:id/lots/:lot/submit", bid, opp, h.submit)
	app.Post("/opportunities/:id/lots/:lot/withdraw", bid, opp, h.withdraw)
	app.Post("/opportunities/:id/lots/:lot/attachments", bid, opp, h.addAttachment)
	app.Get("/opportunities/:id/lots/:lot/attachments/:att", bid, opp, h.ownAttachment)
	app.Post("/opportunities/:id/lots/:lot/attachments/:att/remove", bid, opp, h.removeAttachment)
}

// Mount registers the API routes under /api/v1.
func (h *API) Mount(api fiber.Router, guard web.Guard) {
	view, manage := guard(access.PermProcView), guard(access.PermProcManage)
	decide, open := guard(access.PermDecide), guard(access.PermOpenBids)
	opps, bid := guard(access.PermOpportunity), guard(access.PermBid)
	proc, opp := scoped(h.Svc.VisibleToCommissioner), scoped(h.Svc.VisibleToProvider)
	// A bidder's requests on an opportunity are logged without naming them (web.Unattributed).
	opps = unattributed(opps)

	api.Get("/procurements", view, h.list)
	api.Post("/procurements", manage, h.create)
	api.Get("/procurements/:id", view, proc, h.show)
	api.Patch("/procurements/:id", manage, proc, h.update)
	api.Post("/procurements/:id/lots", manage, proc, h.addLot)
	api.Post("/procurements/:id/lots/:lot/sites", manage, proc, h.addSite)
	api.Post("/procurements/:id/lots/:lot/phases", manage, proc, h.addPhase)
	api.Post("/procurements/:id/lots/:lot/questions", manage, proc, h.addQuestion)
	api.Post("/procurements/:id/lots/:lot/template", manage, proc, h.applyTemplate)
	api.Get("/procurements/:id/lots/:lot/responses", manage, proc, h.responses)
	api.Get("/procurements/:id/lots/:lot/responses/attachments/:att", manage, proc, h.openedAttachment)
	api.Post("/procurements/:id/documents", manage, proc, h.upload)
	api.Get("/procurements/:id/documents/:doc", view, proc, h.download)
	api.Post("/procurements/:id/submit-for-approval", manage, proc, h.submitForApproval)
	api.Post("/procurements/:id/return-to-draft", manage, proc, h.returnToDraft)
	api.Post("/procurements/:id/publish", manage, proc, h.publish)
	api.Post("/procurements/:id/cancel", manage, proc, h.cancel)
	api.Post("/procurements/:id/decision", decide, proc, h.decide)
	api.Post("/procurements/:id/clarifications/:cid/answer", manage, proc, h.answer)
	api.Post("/procurements/:id/addenda", manage, proc, h.addendum)
	api.Post("/procurements/:id/opening/start", open, proc, h.startOpening)
	api.Post("/procurements/:id/opening/confirm", open, proc, h.confirmOpening)
	api.Get("/templates", view, h.templates)

	api.Get("/opportunities", opps, h.opportunities)
	api.Get("/opportunities/:id", opps, opp, h.opportunity)
	api.Get("/opportunities/:id/documents/:doc", opps, opp, h.opportunityDocument)
	api.Post("/opportunities/:id/interest", bid, opp, h.registerInterest)
	api.Post("/opportunities/:id/clarifications", bid, opp, h.ask)
	api.Put("/opportunities/:id/lots/:lot/response", bid, opp, h.saveResponse)
	api.Post("/opportunities/:id/lots/:lot/submit", bid, opp, h.submit)
	api.Post("/opportunities/:id/lots/:lot/withdraw", bid, opp, h.withdraw)
	api.Post("/opportunities/:id/lots/:lot/attachments", bid, opp, h.addAttachment)
	api.Get("/opportunities/:id/lots/:lot/attachments/:att", bid, opp, h.ownAttachment)
	api.Delete("/opportunities/:id/lots/:lot/attachments/:att", bid, opp, h.removeAttachment)
}

// unattributed marks the request before guard runs, so that its log line names no one.
func unattributed(guard fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		web.Unattribute(c)
		return guard(c)
	}
}
