package evaluation

import "github.com/gofiber/fiber/v2"

func (h *Pages) mountAwardPages(app fiber.Router, guard Guard) {}
