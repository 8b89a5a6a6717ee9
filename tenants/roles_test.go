package tenants

import (
	"errors"
	"testing"

	"github.com/redis/go-redis/v9"

	"golive/tenants/access"
)

// otherProcess is a second authorizer over the same database, standing for another serve
// process, with its own Redis client (rdb; nil for the fixture's Redis).
func (f *fixture) otherProcess(t *testing.T, rdb redis.UniversalClient) *Authorizer {
	t.Helper()
	if rdb == nil {
		rdb = f.svc.Redis
	}
	other, err := NewAuthorizer(f.ctx, f.db.Gorm, rdb, f.svc.Log)
	if err != nil {
		t.Fatal(err)
	}
	return other
}

func TestARoleRemovedAfterRedisLostEverythingIsRefusedByAnotherProcess(t *testing.T) {
	f := newFixture(t)
	other := f.otherProcess(t, nil)
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	ev, _ := f.actor(t, "evaluator@medway-ccg.test")
	if !other.Can(ev.UserID, ev.OrgID, access.PermEvaluate) {
		t.Fatal("the evaluator may not evaluate to begin with")
	}
	// Redis restarted empty (it keeps nothing on disk): a version kept there would start again
	// and could come back to the one every process holds.
	if err := f.svc.Redis.FlushAll(f.ctx).Err(); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := f.svc.UpdateMember(ctx, admin, ev.UserID, MemberInput{Roles: []string{access.RoleObserver.Key()}, Active: &yes}); err != nil {
		t.Fatal(err)
	}
	if f.svc.Authz.Can(ev.UserID, ev.OrgID, access.PermEvaluate) {
		t.Error("the process that removed the role still honours it")
	}
	// What the other process's next check (or the announcement) does.
	if err := other.Refresh(f.ctx); err != nil {
		t.Fatal(err)
	}
	if other.Can(ev.UserID, ev.OrgID, access.PermEvaluate) {
		t.Fatal("another process still honours the removed role after Redis lost its data")
	}
}

func TestARoleChangeMadeWhileRedisIsDownIsMadeAndReachesAnotherProcess(t *testing.T) {
	f := newFixture(t)
	// Both processes' Redis is unreachable: nothing can be announced or read there.
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { down.Close() })
	other := f.otherProcess(t, down)
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	ev, _ := f.actor(t, "evaluator@medway-ccg.test")
	f.svc.Authz = f.otherProcess(t, down)
	yes := true
	if _, err := f.svc.UpdateMember(ctx, admin, ev.UserID, MemberInput{Roles: []string{access.RoleObserver.Key()}, Active: &yes}); err != nil {
		t.Fatalf("a role change with Redis down: %v, want it made (the others check the database)", err)
	}
	if err := other.Refresh(f.ctx); err != nil {
		t.Fatal(err)
	}
	if other.Can(ev.UserID, ev.OrgID, access.PermEvaluate) {
		t.Fatal("another process still honours the removed role")
	}
}

func TestTheRolesVersionChangesOnlyWithACommittedRoleChange(t *testing.T) {
	f := newFixture(t)
	before, err := f.svc.Store.PolicyVersion(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := f.actor(t, "evaluator@medway-ccg.test")
	rollback := errors.New("rolled back")
	err = f.svc.Store.Tx(f.ctx, func(tx *Store) error {
		if err := tx.SetRoles(f.ctx, ev.UserID, ev.OrgID, []access.Role{access.RoleObserver}); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if v, _ := f.svc.Store.PolicyVersion(f.ctx); v != before {
		t.Fatalf("a rolled-back change moved the version from %s to %s", before, v)
	}
	if err := f.svc.Store.Tx(f.ctx, func(tx *Store) error {
		return tx.SetRoles(f.ctx, ev.UserID, ev.OrgID, []access.Role{access.RoleObserver})
	}); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.svc.Store.PolicyVersion(f.ctx); v == before {
		t.Fatal("a committed role change left the version as it was")
	}
}

func TestEveryProcessChecksWellWithinTheDocumentedBound(t *testing.T) {
	// The announcement normally makes a change land at once; without it a process relies on its
	// check, which must come round, with time to reload, inside the bound the README promises.
	if recheckEvery*2 > ChangeBound {
		t.Fatalf("checks every %v: too close to the documented bound of %v", recheckEvery, ChangeBound)
	}
}
