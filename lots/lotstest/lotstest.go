// Package lotstest builds what tests of procurements stand on: a fresh database and Redis
// (embedded or real, as dbtest decides), the demo organisations and sign-ins, and the tenants
// and lots services on a clock the test controls.
package lotstest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"golive/apperr"
	"golive/database"
	"golive/database/dbtest"
	"golive/demo"
	"golive/jobs"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
)

// Secret is the services' secret key in tests.
var Secret = []byte("0123456789abcdef0123456789abcdef")

// Env is the services over one test database.
type Env struct {
	DB      *database.DB
	Tenants *tenants.Service
	Lots    *lots.Service
	Orgs    map[string]string // demo organisation name → id
}

// New loads the demo sign-ins and builds the services, reading the time from clock.
func New(t testing.TB, clock func() time.Time) *Env {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t)
	redisURL := dbtest.RedisURL(t)
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authz, err := tenants.NewAuthorizer(ctx, db.Gorm, rdb, log)
	if err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	e := &Env{DB: db, Orgs: map[string]string{}}
	e.Tenants = &tenants.Service{Store: tenants.NewStore(db), Authz: authz, Redis: rdb, Mail: client, Secret: Secret,
		BaseURL: "http://golive.test", Now: clock, Log: log}
	if _, _, err := demo.LoadPeople(ctx, e.Tenants); err != nil {
		t.Fatal(err)
	}
	e.Lots = &lots.Service{Store: lots.NewStore(db), Authz: authz, Mail: client, Secret: Secret, BaseURL: "http://golive.test", Now: clock, Log: log}
	orgs, err := e.Tenants.Store.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		e.Orgs[o.Name] = o.ID
	}
	return e
}

// As is the demo user's actor and a context carrying their organisation, as a request has.
func (e *Env) As(t testing.TB, email string) (*access.Actor, context.Context) {
	t.Helper()
	a, err := e.Tenants.ActorByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return a, database.WithTenant(context.Background(), a.OrgID)
}

// Must stops the test on an error and passes the value on: Must[T](t)(call()).
func Must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// OK stops the test on an error.
func OK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// WantKind stops the test unless err is a refusal of kind k.
func WantKind(t testing.TB, err error, k apperr.Kind, what string) {
	t.Helper()
	if !apperr.IsKind(err, k) {
		t.Fatalf("%s: got %v, want kind %v", what, err, k)
	}
}
