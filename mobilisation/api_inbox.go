package mobilisation

import (
	_ "embed"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// OpenAPIInbox describes the inbox routes of the API (merged by cmd/golive/openapi.go).
//
//go:embed openapi_inbox.json
var OpenAPIInbox []byte

// InboxAPI is the JSON face of the signed-in person's inbox and reminder preferences: their own,
// never anyone else's.
type InboxAPI struct {
	Svc *Service
}

// Mount registers the inbox API routes under /api/v1, behind inbox/read.
func (h *InboxAPI) Mount(api fiber.Router, guard web.Guard) {
	read := guard(access.PermInbox)
	api.Get("/inbox", read, h.inbox)
	api.Post("/inbox/read", read, h.markRead)
	api.Put("/inbox/preferences", read, h.setPreferences)
}

// InboxMessageJSON is a message in the inbox.
type InboxMessageJSON struct {
	ID        string     `json:"id"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// PreferencesJSON is the person's reminder choice.
type PreferencesJSON struct {
	DigestEnabled bool `json:"digest_enabled"`
	// Always false: said so that a client need not be told in prose.
	EscalationsCanBeTurnedOff bool `json:"escalations_can_be_turned_off"`
}

// InboxJSON is the person's inbox.
type InboxJSON struct {
	Messages    []InboxMessageJSON `json:"messages"`
	Unread      int                `json:"unread"`
	Total       int                `json:"total"`
	Page        int                `json:"page"`
	Pages       int                `json:"pages"`
	Preferences PreferencesJSON    `json:"preferences"`
}

func (h *InboxAPI) inbox(c *fiber.Ctx) error {
	page, err := ParseInboxPage(c.Query("page"))
	if err != nil {
		return err
	}
	v, err := h.Svc.InboxPage(c.UserContext(), web.ActorFrom(c), page)
	if err != nil {
		return err
	}
	out := InboxJSON{Messages: make([]InboxMessageJSON, 0, len(v.Messages)), Unread: v.Unread, Total: v.Total, Page: v.Page, Pages: v.Pages,
		Preferences: PreferencesJSON{DigestEnabled: v.Digest}}
	for _, m := range v.Messages {
		out.Messages = append(out.Messages, InboxMessageJSON{ID: m.ID, Subject: m.Subject, Body: m.Body, Link: m.Link,
			CreatedAt: m.CreatedAt.UTC(), ReadAt: utcPtr(m.ReadAt)})
	}
	return c.JSON(out)
}

// markReadJSON is the body of POST /inbox/read.
type markReadJSON struct {
	MessageID string `json:"message_id" validate:"omitempty,max=64" label:"message id"`
	All       bool   `json:"all"`
}

func (h *InboxAPI) markRead(c *fiber.Ctx) error {
	var in markReadJSON
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	n, err := h.Svc.MarkRead(c.UserContext(), web.ActorFrom(c), MarkReadInput(in))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"marked_read": n})
}

func (h *InboxAPI) setPreferences(c *fiber.Ctx) error {
	var in PreferencesInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Svc.SetPreferences(c.UserContext(), web.ActorFrom(c), in)
	if err != nil {
		return err
	}
	return c.JSON(PreferencesJSON{DigestEnabled: p.DigestEnabled})
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
