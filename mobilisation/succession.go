package mobilisation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Succeed gives organisation to the mobilisation places from held, in tx (an NHS
// reorganisation, tenants.Successions): the plans it leads or delivers, and its own milestone
// templates. The go/no-go decisions still to come are asked of the lot's participants, which
// lots.Succeed moved; decisions made, notes and evidence keep who made them. Running it again
// moves nothing more.
func Succeed(ctx context.Context, tx *gorm.DB, from, to string, _ time.Time) (int64, error) {
	if from == "" || to == "" || from == to {
		return 0, fmt.Errorf("mobilisation succession from %q to %q", from, to)
	}
	db := tx.WithContext(ctx)
	var n int64
	for _, sql := range []string{
		"UPDATE mobilisation_plans SET lead_org_id = ? WHERE lead_org_id = ?",
		"UPDATE mobilisation_plans SET provider_org_id = ? WHERE provider_org_id = ?",
		"UPDATE mobilisation_templates SET org_id = ? WHERE org_id = ?",
	} {
		res := db.Exec(sql, to, from)
		if res.Error != nil {
			return n, fmt.Errorf("move %s from %s to %s: %w", strings.Fields(sql)[1], from, to, res.Error)
		}
		n += res.RowsAffected
	}
	return n, nil
}
