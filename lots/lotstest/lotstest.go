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

	"golive/database"
	"golive/database/dbtest"
	"golive/jobs"
	"golive/lots"
	"golive/tenants"
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
	if _, err := e.Tenants.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	e.Lots = &lots.Service{Store: lots.NewStore(db), Authz: authz, Mail: client, Secret: Secret, BaseURL: "http://golive.test", Now: clock, Log: log}
	var rows []struct{ ID, Name string }
	if err := db.Gorm.Raw("SELECT id, name FROM organisations").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		e.Orgs[r.Name] = r.ID
	}
	return e
}
