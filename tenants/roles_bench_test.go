package tenants

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"

	"golive/database/dbtest"
	"golive/tenants/access"
)

// BenchmarkAuthorize measures one route decision with 10,000 role assignments across 200
// organisations (50 people each), cycling through 10,000 different people so that the figure
// is not one cached answer repeated. "cached" is what serve does (Authorizer.answers); "uncached" is casbin alone.
func BenchmarkAuthorize(b *testing.B) {
	ctx := context.Background()
	db := dbtest.Open(b)
	rows := make([]map[string]any, 0, 1000)
	flush := func() {
		if len(rows) > 0 {
			if err := db.Gorm.Table("casbin_rule").Create(rows).Error; err != nil {
				b.Fatal(err)
			}
			rows = rows[:0]
		}
	}
	roles := []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleEvaluator, access.RoleApprover, access.RoleObserver}
	type req struct{ user, org string }
	var reqs []req
	for org := 0; org < 200; org++ {
		for u := 0; u < 50; u++ {
			user, orgID := fmt.Sprintf("u%d-%d", org, u), fmt.Sprintf("org-%d", org)
			rows = append(rows, map[string]any{"ptype": "g", "v0": Subject(user), "v1": roles[u%len(roles)].Key(), "v2": orgID, "v3": "", "v4": "", "v5": ""})
			reqs = append(reqs, req{user, orgID})
			if len(rows) == 1000 { // AddPolicies and inserts are batched at 1,000 rows
				flush()
			}
		}
	}
	flush()
	opt, _ := redis.ParseURL(dbtest.RedisURL(b))
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	a, err := NewAuthorizer(ctx, db.Gorm, rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if n := a.PolicyCount(); n < 10000 {
		b.Fatalf("loaded %d rules, want at least 10,000", n)
	}
	perms := []access.Permission{access.PermUsersManage, access.PermDashboard, access.PermAuditRead, access.PermOutbox}
	run := func(b *testing.B, can func(user, org string, p access.Permission) bool) {
		allowed := 0
		for i := 0; b.Loop(); i++ {
			r := reqs[i%len(reqs)]
			p := perms[i%len(perms)]
			if can(r.user, r.org, p) {
				allowed++
			}
		}
		if allowed == 0 {
			b.Fatal("no request was allowed: the policy did not load")
		}
	}
	b.Run("cached", func(b *testing.B) {
		for _, r := range reqs { // warm: serve keeps the cache across requests
			for _, p := range perms {
				a.Can(r.user, r.org, p)
			}
		}
		run(b, a.Can)
	})
	b.Run("uncached", func(b *testing.B) {
		run(b, func(user, org string, p access.Permission) bool {
			ok, err := a.enforce(user, org, p)
			return ok && err == nil
		})
	})
}
