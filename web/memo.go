package web

import (
	"github.com/gofiber/fiber/v2"

	"golive/database"
)

// Memo gives a read request (GET, HEAD) its own memo of by-id loads (database.Memoize), so that
// the lot and procurement a page's scope check loaded are not loaded again by each of its reads
// (issue 17). A write anywhere turns it off (see database/memo.go); requests that change state
// get none, since they read mostly in transactions, where it is bypassed anyway.
func Memo(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead:
		c.SetUserContext(database.WithMemo(c.UserContext()))
	}
	return c.Next()
}
