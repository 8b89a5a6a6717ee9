package tenants

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"golive/tenants/access"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"
)

// The domain and action come first in the matcher: casbin evaluates left to right, and these
// cheap equalities cut most rules before the role lookup (STACK-NOTES: 2.8 ms → 1.3 ms uncached).
const casbinModel = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && r.obj == p.obj && (p.dom == "*" || r.dom == p.dom) && g(r.sub, p.sub, r.dom)
`

// versionKey in Redis is bumped whenever roles change and changedChannel announces it, so every
// serve process reloads its policy within moments; a periodic check of the version covers a
// missed announcement (a dropped connection), so no process keeps a stale copy for long.
const (
	versionKey     = "golive:authz:version"
	changedChannel = "golive:authz:changed"
	recheckEvery   = 5 * time.Second
)

// Authorizer answers "may this user do this action in this organisation", from casbin rules
// stored in the database through the gorm adapter and cached in process.
type Authorizer struct {
	e       *casbin.SyncedCachedEnforcer
	rdb     redis.UniversalClient
	mu      sync.Mutex
	version string
	log     *slog.Logger
}

// Subject is how a user is named in casbin rules.
func Subject(userID string) string { return "user:" + userID }

// NewAuthorizer loads the policy and makes sure the role permissions in RolePermissions are
// exactly the p-rules stored.
func NewAuthorizer(ctx context.Context, db *gorm.DB, rdb redis.UniversalClient, log *slog.Logger) (*Authorizer, error) {
	db = db.WithContext(ctx)
	gormadapter.TurnOffAutoMigrate(db) // the table comes from migrations, never AutoMigrate
	ad, err := gormadapter.NewAdapterByDB(db)
	if err != nil {
		return nil, fmt.Errorf("casbin adapter: %w", err)
	}
	m, err := model.NewModelFromString(casbinModel)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m, ad)
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	a := &Authorizer{e: e, rdb: rdb, log: log}
	if err := a.syncPermissions(); err != nil {
		return nil, err
	}
	if err := a.Refresh(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Authorizer) syncPermissions() error {
	want := map[string]bool{}
	var rows [][]string
	for role, perms := range access.RolePermissions {
		for _, p := range perms {
			r := []string{role.Key(), "*", p.Obj(), p.Act()}
			want[fmt.Sprint(r)] = true
			rows = append(rows, r)
		}
	}
	have, err := a.e.GetPolicy()
	if err != nil {
		return fmt.Errorf("read casbin policy: %w", err)
	}
	haveSet := map[string]bool{}
	var stale [][]string
	for _, r := range have {
		haveSet[fmt.Sprint(r)] = true
		if !want[fmt.Sprint(r)] {
			stale = append(stale, r)
		}
	}
	var missing [][]string
	for _, r := range rows {
		if !haveSet[fmt.Sprint(r)] {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		if _, err := a.e.AddPolicies(missing); err != nil {
			return fmt.Errorf("store role permissions: %w", err)
		}
	}
	if len(stale) > 0 {
		if _, err := a.e.RemovePolicies(stale); err != nil {
			return fmt.Errorf("remove stale role permissions: %w", err)
		}
	}
	return nil
}

// Can answers one decision. It never errs open: any failure is a refusal.
func (a *Authorizer) Can(userID, orgID string, p access.Permission) bool {
	ok, err := a.e.Enforce(Subject(userID), orgID, p.Obj(), p.Act())
	if err != nil {
		a.log.Error("casbin enforce", "err", err)
		return false
	}
	return ok
}

// RolesOf lists the user's roles in the organisation.
func (a *Authorizer) RolesOf(userID, orgID string) []access.Role {
	keys := a.e.GetRolesForUserInDomain(Subject(userID), orgID)
	sort.Strings(keys)
	return ParseRoles(keys)
}

// Refresh reloads the policy when another process changed it.
func (a *Authorizer) Refresh(ctx context.Context) error {
	v, err := a.rdb.Get(ctx, versionKey).Result()
	if err == redis.Nil {
		v = "0"
	} else if err != nil {
		return fmt.Errorf("read policy version: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if v == a.version {
		return nil
	}
	if err := a.e.LoadPolicy(); err != nil {
		return fmt.Errorf("reload casbin policy: %w", err)
	}
	// LoadPolicy clears the cache before loading; decisions cached meanwhile are cleared again.
	_ = a.e.InvalidateCache()
	a.version = v
	return nil
}

// Changed tells every process that roles changed, after the transaction that changed them committed.
func (a *Authorizer) Changed(ctx context.Context) error {
	if _, err := a.rdb.Incr(ctx, versionKey).Result(); err != nil {
		return fmt.Errorf("bump policy version: %w", err)
	}
	if err := a.rdb.Publish(ctx, changedChannel, "1").Err(); err != nil {
		a.log.Warn("announce policy change; others will see it at their next check", "err", err)
	}
	return a.Refresh(ctx)
}

// Watch keeps this process's policy current until ctx ends: it reloads on each announcement
// and checks the version every few seconds in case one was missed.
func (a *Authorizer) Watch(ctx context.Context) {
	sub := a.rdb.Subscribe(ctx, changedChannel)
	go func() {
		defer sub.Close()
		tick := time.NewTicker(recheckEvery)
		defer tick.Stop()
		ch := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
			case <-tick.C:
			}
			if err := a.Refresh(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("refresh authorisation policy", "err", err)
			}
		}
	}()
}

// PolicyCount is the number of rules loaded, for the benchmark and /metrics.
func (a *Authorizer) PolicyCount() int {
	p, _ := a.e.GetPolicy()
	g, _ := a.e.GetGroupingPolicy()
	return len(p) + len(g)
}

// Version is the loaded policy version.
func (a *Authorizer) Version() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.version
}
