package lots

import (
	"github.com/gofiber/fiber/v2"

	"golive/web"
)

// Files a bidder attaches to a response, and the opened ones the commissioners read.

func (h *Pages) addAttachment(c *fiber.Ctx) error {
	name, content, err := readUpload(c)
	if err == nil {
		_, err = h.Svc.AddAttachment(c.UserContext(), web.ActorFrom(c), c.Params("lot"), name, content)
	}
	if err != nil {
		return h.responseError(c, err, nil)
	}
	return web.RedirectFlash(c, responseHref(c)+"#attachments", "Attached "+name+". Submit your response again for the attachment to count.")
}

func (h *Pages) removeAttachment(c *fiber.Ctx) error {
	if err := h.Svc.RemoveAttachment(c.UserContext(), web.ActorFrom(c), c.Params("lot"), c.Params("att")); err != nil {
		return h.responseError(c, err, nil)
	}
	return web.RedirectFlash(c, responseHref(c)+"#attachments", "Attachment removed.")
}

func (h *Pages) ownAttachment(c *fiber.Ctx) error {
	a, content, err := h.Svc.OwnAttachment(c.UserContext(), c.Params("id"), c.Params("lot"), c.Params("att"))
	if err != nil {
		return err
	}
	return sendFile(c, attachmentFile(a, content))
}

func (h *Pages) openedAttachment(c *fiber.Ctx) error {
	a, content, err := h.Svc.OpenedAttachment(c.UserContext(), c.Params("id"), c.Params("lot"), c.Params("att"))
	if err != nil {
		return err
	}
	return sendFile(c, attachmentFile(a, content))
}

func responseHref(c *fiber.Ctx) string {
	return "/opportunities/" + c.Params("id") + "/lots/" + c.Params("lot") + "/response"
}
