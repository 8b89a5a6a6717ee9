package lots

import (
	"context"
	"fmt"
)

// RecordObjectIDs are the ids of everything a procurement holds that audit events name as their
// object: lots and what they hold, documents, clarifications, addenda and submissions.
func (s *Store) RecordObjectIDs(ctx context.Context, procurementID string) ([]string, error) {
	var ids, lotIDs []string
	if err := s.q(ctx).Model(&Lot{}).Where("procurement_id = ?", procurementID).Pluck("id", &lotIDs).Error; err != nil {
		return nil, fmt.Errorf("list lots of %s: %w", procurementID, err)
	}
	ids = append(ids, lotIDs...)
	for _, m := range []any{&Site{}, &Phase{}, &Section{}, &Question{}} {
		var part []string
		if len(lotIDs) == 0 {
			break
		}
		if err := s.q(ctx).Model(m).Where("lot_id IN ?", lotIDs).Pluck("id", &part).Error; err != nil {
			return nil, fmt.Errorf("list objects of the lots of %s: %w", procurementID, err)
		}
		ids = append(ids, part...)
	}
	for _, m := range []any{&Document{}, &Clarification{}, &Addendum{}, &Submission{}} {
		var part []string
		if err := s.q(ctx).Model(m).Where("procurement_id = ?", procurementID).Pluck("id", &part).Error; err != nil {
			return nil, fmt.Errorf("list objects of %s: %w", procurementID, err)
		}
		ids = append(ids, part...)
	}
	return ids, nil
}

// RecordSubmissions lists every version of every response to a procurement, submitted or not,
// without their sealed content: the opening log says what there was to open.
func (s *Store) RecordSubmissions(ctx context.Context, procurementID string) ([]Submission, error) {
	var out []Submission
	err := s.q(ctx).Omit("answers_sealed", "price_sealed").Where("procurement_id = ?", procurementID).
		Order("lot_id, bidder_org_id, version").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list submissions of %s: %w", procurementID, err)
	}
	return out, nil
}
