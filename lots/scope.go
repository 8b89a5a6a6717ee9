package lots

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
)

// The object-level half of tenant isolation for routes, in one place: before a handler reads
// or validates anything, a route on a procurement answers 404 unless the caller's organisation
// takes part in it (commissioner routes) or it is published (provider routes), and a lot in the
// path must belong to that procurement. Casbin has already checked the role.

// VisibleToCommissioner refuses a procurement (and lot) the acting commissioner does not take part in.
func (s *Service) VisibleToCommissioner(ctx context.Context, id, lotID string) error {
	if !validID(id) {
		return apperr.NotFoundf("Procurement not found")
	}
	if _, err := s.Store.Procurement(ctx, id); err != nil {
		return err
	}
	return s.checkLot(ctx, id, lotID)
}

// VisibleToProvider refuses a procurement (and lot) not open to providers.
func (s *Service) VisibleToProvider(ctx context.Context, id, lotID string) error {
	if !validID(id) {
		return apperr.NotFoundf("Opportunity not found")
	}
	if _, err := s.Store.Opportunity(ctx, id); err != nil {
		return err
	}
	return s.checkLot(ctx, id, lotID)
}

func (s *Service) checkLot(ctx context.Context, id, lotID string) error {
	if lotID == "" {
		return nil
	}
	if !validID(lotID) {
		return apperr.NotFoundf("Lot not found")
	}
	l, err := s.Store.Lot(ctx, lotID)
	if err != nil {
		return err
	}
	if l.ProcurementID != id {
		return apperr.NotFoundf("Lot not found")
	}
	return nil
}

// scoped is the route middleware for /procurements/:id/… and /opportunities/:id/….
func scoped(check func(ctx context.Context, id, lotID string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := check(c.UserContext(), c.Params("id"), c.Params("lot")); err != nil {
			return err
		}
		return c.Next()
	}
}
