package evaluation

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/database"
	"golive/lots"
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
	l, _, err := s.Store.LotWithProcurement(ctx, lotID)
	return s.visible(ctx, a, lotID, l, err)
}

// visible is Visible once the lot and its procurement have been read (l and err).
func (s *Service) visible(ctx context.Context, a *access.Actor, lotID string, l lots.Lot, err error) error {
	if err == nil {
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

// An Ahead queues in b the reads a route's handler makes first, keyed by what the request names
// (the lot, and param's route parameters), so that they go to the database with the scope
// check's read of the lot: one round trip, not two (issue 17). They are queued before the lot is
// known to be the caller's, so an Ahead queues only reads its handler makes anyway, each of
// which keeps what it read in the request's memo, where the handler's own call finds it. keep
// puts them there, and is called only once the check has let the lot in: a refused lot's rows
// are dropped with the request, never kept, decrypted or answered with. keep is nil when the
// request names nothing to read ahead (the handler refuses it, or reads for itself).
type Ahead func(ctx context.Context, b *database.Batch, lotID string, param func(string) string) (keep func(lots.Lot))

// ScopedAhead is Scoped(s.Visible) for a route whose first reads go with the lot's (ahead).
// Without a memo to keep them in, it reads nothing ahead.
func (s *Service) ScopedAhead(ahead Ahead) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
		if a == nil || !validID(lotID) || !s.Store.memoUsable(ctx) {
			if err := s.Visible(ctx, a, lotID); err != nil {
				return err
			}
			return c.Next()
		}
		b := s.Store.Batch()
		lot := s.Store.QueueLotWithProcurement(ctx, b, lotID)
		keep := ahead(ctx, b, lotID, func(name string) string { return c.Params(name) })
		if err := b.Send(ctx); err != nil {
			return fmt.Errorf("lot %s with its route's first reads: %w", lotID, err)
		}
		l, _, err := lot()
		if err := s.visible(ctx, a, lotID, l, err); err != nil {
			return err
		}
		if keep != nil {
			keep(l)
		}
		return c.Next()
	}
}
