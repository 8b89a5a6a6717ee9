// Package dbtest gives each test a fresh, migrated store and a Redis to use: SQLite and an
// in-process miniredis by default, or PostgreSQL and Redis when GOLIVE_TEST_DATABASE_URL and
// GOLIVE_TEST_REDIS_URL are set (the second pass of `make test`).
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"golive/database"
)

// quietRedisLog gives go-redis's own messages a prefix, once per test process. go-redis writes to
// stderr, naming no test, when a client cannot reach its server: as the worker's must while a
// fault test has stopped its Redis, or after a test's miniredis has closed. In a failing
// package's log such a line, bare, reads like the failure. It is set by the helpers every test
// that talks to Redis goes through (Open, URL, RedisURL).
var quietRedisLog = sync.OnceFunc(func() {
	redis.SetLogger(goRedisLog{prefix: "[" + filepath.Base(os.Args[0]) + ": go-redis client log, not a test result]"})
})

type goRedisLog struct{ prefix string }

func (l goRedisLog) Printf(_ context.Context, format string, v ...any) {
	fmt.Fprintf(os.Stderr, "%s %s %s\n", l.prefix, time.Now().Format("15:04:05.000"), fmt.Sprintf(format, v...))
}

// FaultEnv selects the fault-injection tests: GOLIVE_FAULT_TESTS=1 (`make test-faults` sets it).
const FaultEnv = "GOLIVE_FAULT_TESTS"

// Faults skips a fault-injection test unless FaultEnv is 1. Those tests kill worker processes,
// restart Redis and race workers against a real SMTP server, and wait for asynq and the outbox
// to recover: minutes each. The everyday `go test ./...` leaves them out so that it stays near
// a minute; `make test-faults` runs them, and `make test` (and so CI) runs that on both stacks.
func Faults(t testing.TB) {
	t.Helper()
	if os.Getenv(FaultEnv) != "1" {
		t.Skipf("fault-injection test (workers killed, Redis restarted; minutes): skipped in the everyday run. "+
			"Run it with `make test-faults` (both stacks), or %s=1 go test -run '%s' ./%s/", FaultEnv, t.Name(), pkgDir())
	}
}

// pkgDir is the test's package directory relative to the module root, for the message above.
func pkgDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "..."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if rel, err := filepath.Rel(dir, wd); err == nil {
				return filepath.ToSlash(rel)
			}
			return "..."
		}
		if filepath.Dir(dir) == dir {
			return "..."
		}
	}
}

// Postgres reports whether this run uses PostgreSQL.
func Postgres() bool { return os.Getenv("GOLIVE_TEST_DATABASE_URL") != "" }

// URL returns a database URL for a new, empty, migrated database, dropped when the test ends.
// With SQLite it is "" and dataDir holds the file.
func URL(t testing.TB) (dbURL, dataDir string) {
	t.Helper()
	quietRedisLog()
	dataDir = t.TempDir()
	base := os.Getenv("GOLIVE_TEST_DATABASE_URL")
	if base == "" {
		return "", dataDir
	}
	name := "golive_t_" + randHex(6)
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to test postgres %s: %v", base, err)
	}
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		if s, err := admin.DB(); err == nil {
			s.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse GOLIVE_TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String(), dataDir
}

// Open returns a fresh migrated store.
func Open(t testing.TB) *database.DB {
	t.Helper()
	dbURL, dir := URL(t)
	db, err := database.Open(dbURL, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// RedisURL returns a redis:// URL for an empty Redis database: a logical database (1–15) of
// the real server when GOLIVE_TEST_REDIS_URL is set, leased to this test until it ends so that
// parallel packages never share one, and flushed; else a fresh miniredis.
func RedisURL(t testing.TB) string {
	t.Helper()
	url, _ := RedisWithClock(t)
	return url
}

// RedisWithClock is RedisURL and a function that moves that Redis's clock on by d, for the
// keys' expiry: miniredis's FastForward, or on a real Redis (whose clock a test cannot move)
// what d of waiting would do to every key of the test's logical database: those that would
// have expired are deleted, the others keep d less to live, and those without an expiry stay.
func RedisWithClock(t testing.TB) (string, func(d time.Duration)) {
	t.Helper()
	quietRedisLog()
	base := os.Getenv("GOLIVE_TEST_REDIS_URL")
	if base == "" {
		m := miniredis.RunT(t)
		return "redis://" + m.Addr() + "/0", m.FastForward
	}
	opt, err := redis.ParseURL(base)
	if err != nil {
		t.Fatalf("parse GOLIVE_TEST_REDIS_URL: %v", err)
	}
	ctx := context.Background()
	c := redis.NewClient(opt)
	owner := randHex(8)
	deadline := time.Now().Add(2 * time.Minute)
	dbn := 0
	for dbn == 0 {
		for n := 1; n <= 15; n++ {
			ok, err := c.SetNX(ctx, fmt.Sprintf("golive:test:lease:%d", n), owner, 15*time.Minute).Result()
			if err != nil {
				t.Fatalf("test redis %s: %v", base, err)
			}
			if ok {
				dbn = n
				break
			}
		}
		if dbn == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no free Redis test database in 2 minutes: 15 are leased")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	key := fmt.Sprintf("golive:test:lease:%d", dbn)
	t.Cleanup(func() {
		if v, _ := c.Get(ctx, key).Result(); v == owner {
			c.Del(ctx, key)
		}
		c.Close()
	})
	opt.DB = dbn
	d := redis.NewClient(opt)
	t.Cleanup(func() { d.Close() })
	if err := d.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("flush test redis db %d: %v", dbn, err)
	}
	advance := func(by time.Duration) {
		t.Helper()
		iter := d.Scan(ctx, 0, "*", 100).Iterator()
		for iter.Next(ctx) {
			if err := ageKey.Run(ctx, d, []string{iter.Val()}, by.Milliseconds()).Err(); err != nil && err != redis.Nil {
				t.Fatalf("move the test redis's clock on: %v", err)
			}
		}
		if err := iter.Err(); err != nil {
			t.Fatalf("move the test redis's clock on: %v", err)
		}
	}
	return fmt.Sprintf("redis://%s/%d", strings.TrimPrefix(opt.Addr, "redis://"), dbn), advance
}

// ageKey takes ARGV[1] ms off a key's time to live, deleting it when that is all it had left.
var ageKey = redis.NewScript(`
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  if ttl <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ttl - tonumber(ARGV[1])) end
end
return ttl
`)

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
