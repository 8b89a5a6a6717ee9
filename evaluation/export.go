package evaluation

import "github.com/gofiber/fiber/v2"

func (h *Pages) mountExport(app fiber.Router, guard Guard) {}
