package evaluation

import (
	"github.com/gofiber/fiber/v2"

	"golive/web"
)

// Pages are the HTML handlers of the evaluation and award, for people: the panel and the
// evaluator's scoring (pages_panel.go), moderation, results and the award (pages_award.go),
// and the export (export.go). Every route is behind a casbin permission and the lot's
// visibility to the caller (scope.go), exactly as the API is.
type Pages struct {
	Svc *Service
	Web *web.Server
}

// Mount registers the evaluation pages.
func (h *Pages) Mount(app fiber.Router, guard Guard) {
	h.mountPanelPages(app, guard)
	h.mountAwardPages(app, guard)
	h.mountExport(app, guard)
}
