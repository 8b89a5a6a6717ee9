package evaluation

import (
	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// Pages are the HTML handlers of the evaluation, for people: the panel and the evaluator's
// scoring (pages_panel.go), moderation and results (pages_results.go), and the export
// (export.go). The award's pages are evaluation/award's. Every route is behind a casbin permission and the lot's
// visibility to the caller (scope.go), exactly as the API is.
type Pages struct {
	Svc *Service
	Web *web.Server
}

// Mount registers the evaluation pages.
func (h *Pages) Mount(app fiber.Router, guard web.Guard) {
	h.mountPanelPages(app, guard)
	h.mountResultsPages(app, guard)
	h.mountExport(app, guard)
}

// can says whether the signed-in person's roles allow an action (casbin), to show or hide a
// link; the route itself is still guarded.
func (h *Pages) can(c *fiber.Ctx, p access.Permission) bool {
	a := web.ActorFrom(c)
	return a != nil && h.Web.Can != nil && h.Web.Can(a, p)
}

// render shows a page with the flash a redirect left for it.
func (h *Pages) render(c *fiber.Ctx, page, title string, content any, fields map[string]string) error {
	web.TakeFlash(c)
	return h.Web.Render(c, page, title, content, fields)
}

// done answers a POST with 303 to path and a one-line confirmation.
func done(c *fiber.Ctx, path, msg string) error { return web.RedirectFlash(c, path, msg) }
