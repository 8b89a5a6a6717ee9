package lots

import (
	"context"
	"fmt"

	"golive/apperr"
)

// OpenedPrices opens the price envelope of a counted submission: its price schedule by
// contract year. The second envelope is the evaluation's to open: it calls this only once
// quality moderation of the lot is complete and the price opening is recorded. This refuses
// anything before the deadline has passed and two people have opened the responses.
func (s *Service) OpenedPrices(ctx context.Context, p Procurement, sub Submission) ([]PriceYear, error) {
	out, err := s.OpenedPriceSchedules(ctx, p, []Submission{sub})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// OpenedPriceSchedules is OpenedPrices for every bid of a lot at once: the opening is checked
// once and the data key unwrapped once, and only the price envelopes are decrypted (the
// answers, most of each response, stay closed). subs need PriceSealed filled; out[i] is the
// schedule of subs[i].
func (s *Service) OpenedPriceSchedules(ctx context.Context, p Procurement, subs []Submission) ([][]PriceYear, error) {
	out := make([][]PriceYear, len(subs))
	if len(subs) == 0 {
		return out, nil
	}
	o, err := s.Store.Opening(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if !CanReadResponses(p, o) {
		return nil, apperr.Forbiddenf("Responses are sealed until the submission deadline has passed and two people have opened them")
	}
	for _, sub := range subs {
		if sub.ProcurementID != p.ID {
			return nil, apperr.Forbiddenf("Responses are sealed until the submission deadline has passed and two people have opened them")
		}
	}
	key, err := s.dataKey(p)
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, fmt.Errorf("the data key of procurement %s: %w", p.ID, err)
	}
	for i, sub := range subs {
		if out[i], err = unsealPrices(gcm, sub); err != nil {
			return nil, err
		}
	}
	return out, nil
}
