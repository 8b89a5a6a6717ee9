package award

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Succeed gives organisation to the award places from held, in tx (an NHS reorganisation,
// tenants.Successions): the contracts awarded to it, and a recommendation of it still live
// (pending, in standstill or paused), so that the contract it leads to is the successor's.
// Governing-body decisions still to come need no move here: they are asked of the lot's
// participants, which lots.Succeed moved. What was done stays with whoever did it: decisions
// made, representations, proceedings, recommendations rejected, withdrawn or awarded (an
// awarded one is the record of whom the lot was awarded to; its contract moves). A commissioner's
// succession moves nothing here. Running it again moves nothing more.
func Succeed(ctx context.Context, tx *gorm.DB, from, to string, _ time.Time) (int64, error) {
	if from == "" || to == "" || from == to {
		return 0, fmt.Errorf("award succession from %q to %q", from, to)
	}
	db := tx.WithContext(ctx)
	var n int64
	for _, sql := range []string{
		"UPDATE contract_awards SET provider_org_id = ? WHERE provider_org_id = ?",
		"UPDATE award_recommendations SET bidder_org_id = ? WHERE bidder_org_id = ? AND state IN ('pending', 'standstill', 'paused')",
	} {
		res := db.Exec(sql, to, from)
		if res.Error != nil {
			return n, fmt.Errorf("move %s from %s to %s: %w", strings.Fields(sql)[1], from, to, res.Error)
		}
		n += res.RowsAffected
	}
	return n, nil
}
