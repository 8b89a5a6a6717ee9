package evaluation

import (
	"context"
	"fmt"
)

// The report's queries (report.go). The lot has been let in by the service first.

// ModeratedScores lists the individual marks of a lot's questions whose moderation has
// started, and no other: before moderation a mark is seen only by the evaluator who gave it,
// so the filter is in the query and the other marks never leave the database.
func (s *Store) ModeratedScores(ctx context.Context, lotID string) ([]IndividualScore, error) {
	var out []IndividualScore
	started := s.q(ctx).Model(&Moderation{}).Select("question_id").Where("lot_id = ?", lotID)
	err := s.q(ctx).Where("lot_id = ? AND question_id IN (?)", lotID, started).
		Order("question_id, bidder_org_id, user_id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("moderated marks of %s: %w", lotID, err)
	}
	return out, nil
}
