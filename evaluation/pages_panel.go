package evaluation

import "github.com/gofiber/fiber/v2"

func (h *Pages) mountPanelPages(app fiber.Router, guard Guard) {}
