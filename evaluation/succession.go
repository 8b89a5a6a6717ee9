package evaluation

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Succeed gives organisation to the panel seats from held, in tx (an NHS reorganisation,
// tenants.Successions): a panel member sits for the body that now does the work, and finds the
// seat under it once they have moved (or accepted the successor's invitation). Declarations,
// marks and moderation keep who made them, and a bidder's marks stay on the bid they were given
// to: nothing of a bid passes to another organisation. Running it again moves nothing more.
func Succeed(ctx context.Context, tx *gorm.DB, from, to string, _ time.Time) (int64, error) {
	if from == "" || to == "" || from == to {
		return 0, fmt.Errorf("evaluation succession from %q to %q", from, to)
	}
	res := tx.WithContext(ctx).Exec("UPDATE panel_members SET org_id = ? WHERE org_id = ?", to, from)
	if res.Error != nil {
		return 0, fmt.Errorf("move panel seats from %s to %s: %w", from, to, res.Error)
	}
	return res.RowsAffected, nil
}
