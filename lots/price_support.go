package lots

import (
	"context"

	"golive/apperr"
)

// OpenedPrices opens the price envelope of a counted submission: its price schedule by
// contract year. The second envelope is the evaluation's to open: it calls this only once
// quality moderation of the lot is complete and the price opening is recorded. This refuses
// anything before the deadline has passed and two people have opened the responses.
func (s *Service) OpenedPrices(ctx context.Context, p Procurement, sub Submission) ([]PriceYear, error) {
	o, err := s.Store.Opening(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if !CanReadResponses(p, o) || sub.ProcurementID != p.ID {
		return nil, apperr.Forbiddenf("Responses are sealed until the submission deadline has passed and two people have opened them")
	}
	c, err := s.unseal(p, sub, true)
	if err != nil {
		return nil, err
	}
	return c.Prices, nil
}
