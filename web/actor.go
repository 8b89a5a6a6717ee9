package web

import (
	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
)

const actorKey = "golive.actor"

// SetActor stores the actor for the request.
func SetActor(c *fiber.Ctx, a *access.Actor) { c.Locals(actorKey, a) }

// ActorFrom returns the signed-in actor, or nil.
func ActorFrom(c *fiber.Ctx) *access.Actor {
	a, _ := c.Locals(actorKey).(*access.Actor)
	return a
}

const unattributedKey = "golive.unattributed"

// Unattribute marks a request whose log line must not name who made it: a bidder's on a
// procurement, whose path names the procurement and lot. The operator reading the logs would
// otherwise learn who is bidding, and when, before the bids are opened.
func Unattribute(c *fiber.Ctx) { c.Locals(unattributedKey, true) }

func unattributed(c *fiber.Ctx) bool { v, _ := c.Locals(unattributedKey).(bool); return v }

// IsAPI reports whether the request is for the JSON API, or /metrics, which a machine reads too:
// both answer errors in problem+json, never with a page or a redirect to sign in.
func IsAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 4 && p[:4] == "/api" || p == "/metrics"
}

// Guard is route middleware admitting a caller whose roles grant the permission (casbin, in
// tenants.Middleware.Require): features take one so they need not import tenants.
type Guard func(access.Permission) fiber.Handler
