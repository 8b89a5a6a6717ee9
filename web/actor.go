package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"
)

// Actor is the signed-in person acting in a request, set by the one sign-in middleware.
type Actor struct {
	UserID    string
	Name      string
	Email     string
	OrgID     string
	OrgName   string
	OrgKind   string
	Roles     []string
	SessionID string // empty when signed in by API token
	TokenID   string // set when signed in by API token
	CSRF      string
}

// HasRole reports whether the actor holds role in their organisation.
func (a *Actor) HasRole(role string) bool { return a != nil && slices.Contains(a.Roles, role) }

const actorKey = "golive.actor"

// SetActor stores the actor for the request.
func SetActor(c *fiber.Ctx, a *Actor) { c.Locals(actorKey, a) }

// ActorFrom returns the signed-in actor, or nil.
func ActorFrom(c *fiber.Ctx) *Actor {
	a, _ := c.Locals(actorKey).(*Actor)
	return a
}

// IsAPI reports whether the request is for the JSON API, or /metrics, which a machine reads too:
// both answer errors in problem+json, never with a page or a redirect to sign in.
func IsAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 4 && p[:4] == "/api" || p == "/metrics"
}
