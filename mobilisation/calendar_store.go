package mobilisation

import (
	"context"
	"fmt"
	"time"

	"golive/apperr"
	"golive/tenants"
)

// Private calendar links (ical.go): a feed is found by the SHA-256 of its token, which is all
// the database keeps, and belongs to one person. A feed request carries no session, so these
// reads are by token or by the owner's id, never by tenant.

// CreateCalendarFeed keeps a new link (its hash).
func (s *Store) CreateCalendarFeed(ctx context.Context, f CalendarFeed) error {
	if err := s.q(ctx).Create(&f).Error; err != nil {
		return fmt.Errorf("create calendar feed: %w", err)
	}
	return nil
}

// LiveCalendarFeed is the feed whose token hashes to hash, unless it was revoked.
func (s *Store) LiveCalendarFeed(ctx context.Context, hash string) (CalendarFeed, error) {
	var f CalendarFeed
	err := s.q(ctx).Where("token_sha256 = ? AND revoked_at IS NULL", hash).Take(&f).Error
	return f, notFound(err, "Calendar")
}

// CalendarFeedsOf lists a person's links, live ones first, newest first.
func (s *Store) CalendarFeedsOf(ctx context.Context, userID string) ([]CalendarFeed, error) {
	var out []CalendarFeed
	err := s.q(ctx).Where("user_id = ?", userID).Order("revoked_at IS NOT NULL, created_at DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list calendar feeds: %w", err)
	}
	return out, nil
}

// CountLiveCalendarFeeds is how many unrevoked links a person has.
func (s *Store) CountLiveCalendarFeeds(ctx context.Context, userID string) (int64, error) {
	var n int64
	err := s.q(ctx).Model(&CalendarFeed{}).Where("user_id = ? AND revoked_at IS NULL", userID).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count calendar feeds: %w", err)
	}
	return n, nil
}

// RevokeCalendarFeed revokes one of the person's own live links; another person's, or one
// already revoked, is not found.
func (s *Store) RevokeCalendarFeed(ctx context.Context, userID, hash string, at time.Time) (CalendarFeed, error) {
	var f CalendarFeed
	err := s.q(ctx).Where("token_sha256 = ? AND user_id = ? AND revoked_at IS NULL", hash, userID).Take(&f).Error
	if err != nil {
		return f, notFound(err, "Calendar link")
	}
	res := s.q(ctx).Model(&CalendarFeed{}).Where("token_sha256 = ? AND revoked_at IS NULL", hash).Update("revoked_at", at)
	if res.Error != nil {
		return f, fmt.Errorf("revoke calendar feed: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return f, apperr.NotFoundf("Calendar link not found")
	}
	f.RevokedAt = &at
	return f, nil
}

// FeedOwner loads the person a feed belongs to, with their organisation; read without a
// session. An unknown person is "Calendar not found".
func (s *Store) FeedOwner(ctx context.Context, userID string) (tenants.Person, error) {
	p, err := s.people().Person(ctx, userID)
	if apperr.IsKind(err, apperr.NotFound) {
		return p, apperr.NotFoundf("Calendar not found")
	}
	if err != nil {
		return p, fmt.Errorf("load calendar owner: %w", err)
	}
	return p, nil
}
