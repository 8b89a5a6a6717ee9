package database_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"golive/database"
	"golive/database/dbtest"
)

// readProbes is read with a Read; the table is the test's own, so that no feature's table is
// queried from here.
var readProbes = database.NewRead(`SELECT id, value FROM read_probes WHERE id IN (?, ?) ORDER BY id`)

// probesDB is a test database with read_probes a=one, b=two, c=three.
func probesDB(t *testing.T) *database.DB {
	t.Helper()
	db := dbtest.Open(t)
	if err := db.Gorm.Exec("CREATE TABLE read_probes (id TEXT PRIMARY KEY, value TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Exec("INSERT INTO read_probes (id, value) VALUES ('a', 'one'), ('b', 'two'), ('c', 'three')").Error; err != nil {
		t.Fatal(err)
	}
	return db
}

// probeValues reads the rows of a Read as id=value: run runs it with the callback.
func probeValues(t *testing.T, run func(row func(database.Row) error) error) []string {
	t.Helper()
	var out []string
	err := run(func(r database.Row) error {
		var id, v string
		if err := r.Scan(&id, &v); err != nil {
			return err
		}
		out = append(out, id+"="+v)
		return nil
	})
	if err != nil {
		t.Fatalf("read probes: %v", err)
	}
	return out
}

// A Read runs with its arguments on both dialects, in
// the transaction it is given (seeing that transaction's uncommitted rows), and the query
// counter sees it as it sees GORM's statements, with its arguments written in.
func TestReadRunsInItsTransactionAndIsCounted(t *testing.T) {
	db := probesDB(t)
	ctx := context.Background()
	counter := dbtest.CountQueries(t, db.Gorm)
	counter.Explain()

	got := probeValues(t, func(row func(database.Row) error) error {
		return readProbes.Each(ctx, db.Gorm, []any{"c", "a"}, row)
	})
	if want := []string{"a=one", "c=three"}; !slices.Equal(got, want) {
		t.Fatalf("read %v, want %v", got, want)
	}
	if n := counter.Count(); n != 1 {
		t.Fatalf("the counter saw %d statements, want 1: %v", n, counter.Statements())
	}
	if st := counter.Replayable(); len(st) != 1 || strings.ContainsAny(st[0], "?$") {
		t.Fatalf("the counter's replayable statement does not have the arguments written in: %q", st)
	}

	err := db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO read_probes (id, value) VALUES ('d', 'four')").Error; err != nil {
			return err
		}
		in := probeValues(t, func(row func(database.Row) error) error {
			return readProbes.Each(ctx, tx, []any{"d", "b"}, row)
		})
		if want := []string{"b=two", "d=four"}; !slices.Equal(in, want) {
			t.Errorf("in the transaction read %v, want %v", in, want)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("transaction: %v", err)
	}
	after := probeValues(t, func(row func(database.Row) error) error {
		return readProbes.Each(ctx, db.Gorm, []any{"d", "b"}, row)
	})
	if want := []string{"b=two"}; !slices.Equal(after, want) {
		t.Fatalf("after the rollback read %v, want %v", after, want)
	}
}

// An IN list written with List and Bind takes any number of arguments, none included; a ?
// inside a literal is not an argument.
func TestEachTextWithLists(t *testing.T) {
	db := probesDB(t)
	ctx := context.Background()
	for _, ids := range [][]string{nil, {"b"}, {"a", "c", "z"}} {
		args := []any{"three"}
		for _, id := range ids {
			args = append(args, id)
		}
		q := database.Bind(db.Gorm, `SELECT id, value FROM read_probes WHERE value <> ? AND value <> '?' AND id IN (`+database.List(len(ids))+`) ORDER BY id`)
		got := probeValues(t, func(row func(database.Row) error) error {
			return database.EachText(ctx, db.Gorm, q, args, row)
		})
		var want []string
		for _, id := range ids {
			if v, ok := map[string]string{"a": "one", "b": "two"}[id]; ok {
				want = append(want, id+"="+v)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("ids %v: read %v, want %v", ids, got, want)
		}
	}
	if err := database.EachText(ctx, db.Gorm, "DELETE FROM read_probes", nil, func(database.Row) error { return nil }); err == nil {
		t.Fatal("EachText ran a DELETE")
	}
	var n int64
	if err := db.Gorm.Raw("SELECT COUNT(*) FROM read_probes").Scan(&n).Error; err != nil || n != 3 {
		t.Fatalf("read_probes has %d rows (%v), want 3", n, err)
	}
}

// An error from the callback stops the read and is what it returns, and the connection goes
// back to the pool: more reads stopped early than the pool has connections all run.
func TestReadStoppedByItsCallbackReturnsItsConnection(t *testing.T) {
	db := probesDB(t)
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		t.Fatal(err)
	}
	// A generous bound, not a timing: a connection kept by a stopped read would make this wait forever.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stop := errors.New("enough")
	for i := range sqlDB.Stats().MaxOpenConnections*2 + 2 {
		rows := 0
		err := readProbes.Each(ctx, db.Gorm, []any{"a", "b"}, func(database.Row) error {
			rows++
			return stop
		})
		if !errors.Is(err, stop) || rows != 1 {
			t.Fatalf("read %d: %v after %d rows, want the callback's error after 1", i, err, rows)
		}
	}
	if n := sqlDB.Stats().InUse; n != 0 {
		t.Fatalf("%d connections still in use after the reads", n)
	}
}
