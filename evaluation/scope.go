package evaluation

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/web"
)

// The object-level half of tenant isolation for the evaluation routes, in one place: before a
// handler reads or validates anything, a route on a lot answers 404 unless the caller can see
// that lot at all — as a member of its panel (Healthwatch included), as a commissioner taking
// part in its procurement, or as a bidder with a counted response to it. Casbin has already
// checked the role; what each may do with the lot is the service's rule.

// Visible refuses a lot the acting user cannot see, as not found.
func (s *Service) Visible(ctx context.Context, a *access.Actor, lotID string) error {
	if a == nil || !validID(lotID) {
		return apperr.NotFoundf("Lot not found")
	}
	// The procurement first: each of the lot's reads that follow loads the lot and its
	// procurement anyway (once a request, through the memo), so a commissioner's page costs
	// nothing more here, while asking for a panel place the lead does not have would. The lot
	// and its procurement come in one statement; a lot that does not exist is not found at once.
	if l, _, err := s.Store.LotWithProcurement(ctx, lotID); err == nil {
		return nil
	} else if l.ID == "" || !apperr.IsKind(err, apperr.NotFound) {
		return err
	}
	if _, err := s.Store.Member(ctx, lotID, a.UserID, false); err == nil {
		return nil
	} else if !apperr.IsKind(err, apperr.NotFound) {
		return err
	}
	if a.HasRole(access.RoleBidder) {
		if _, err := s.Store.OwnBid(ctx, lotID); err == nil {
			return nil
		} else if !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return apperr.NotFoundf("Lot not found")
}

// Scoped is the route middleware for /evaluations/lots/:lot/… (the award's routes included):
// check is Service.Visible.
func Scoped(check func(ctx context.Context, a *access.Actor, lotID string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := check(c.UserContext(), web.ActorFrom(c), c.Params("lot")); err != nil {
			return err
		}
		return c.Next()
	}
}
