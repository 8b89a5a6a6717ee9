package evaluation

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// The queries of a lot's evaluation settings (settings.go). Like every other row of a lot, they
// are read only after the service has let the lot in.

// LotSettings loads a lot's evaluation settings, or nil while its lead has chosen none.
func (s *Store) LotSettings(ctx context.Context, lotID string) (*LotSettings, error) {
	r, err := s.lotRecords(ctx, lotID)
	return r.settings, err
}

// SaveLotSettings records or replaces a lot's evaluation settings.
func (s *Store) SaveLotSettings(ctx context.Context, set *LotSettings) error {
	err := s.q(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "lot_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"price_formula", "set_by", "set_at"})}).Create(set).Error
	if err != nil {
		return fmt.Errorf("save evaluation settings of %s: %w", set.LotID, err)
	}
	return nil
}
