package database_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"golive/database"
	"golive/database/dbtest"
)

// readProbes is read with a Read; the table is the test's own, so that no feature's table is
// queried from here.
var readProbes = database.NewRead(`SELECT id, value FROM read_probes WHERE id IN (?, ?) ORDER BY id`)

// probeValues reads the rows a Read returned as id=value.
func probeValues(t *testing.T) func(r *sql.Rows, err error) []string {
	return func(r *sql.Rows, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatalf("read probes: %v", err)
		}
		defer r.Close()
		var out []string
		for r.Next() {
			var id, v string
			if err := r.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			out = append(out, id+"="+v)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// A Read runs with its arguments on both dialects, in
// the transaction it is given (seeing that transaction's uncommitted rows), and the query
// counter sees it as it sees GORM's statements, with its arguments written in.
func TestReadRunsInItsTransactionAndIsCounted(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	if err := db.Gorm.Exec("CREATE TABLE read_probes (id TEXT PRIMARY KEY, value TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Exec("INSERT INTO read_probes (id, value) VALUES ('a', 'one'), ('b', 'two'), ('c', 'three')").Error; err != nil {
		t.Fatal(err)
	}
	counter := dbtest.CountQueries(t, db.Gorm)
	counter.Explain()

	got := probeValues(t)(readProbes.Query(ctx, db.Gorm, "c", "a"))
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
		in := probeValues(t)(readProbes.Query(ctx, tx, "d", "b"))
		if want := []string{"b=two", "d=four"}; !slices.Equal(in, want) {
			t.Errorf("in the transaction read %v, want %v", in, want)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("transaction: %v", err)
	}
	after := probeValues(t)(readProbes.Query(ctx, db.Gorm, "d", "b"))
	if want := []string{"b=two"}; !slices.Equal(after, want) {
		t.Fatalf("after the rollback read %v, want %v", after, want)
	}
}

// An IN list written with List and Bind takes any number of arguments, none included; a ?
// inside a literal is not an argument.
func TestQueryTextWithLists(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	if err := db.Gorm.Exec("CREATE TABLE read_probes (id TEXT PRIMARY KEY, value TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Exec("INSERT INTO read_probes (id, value) VALUES ('a', 'one'), ('b', 'two'), ('c', 'three')").Error; err != nil {
		t.Fatal(err)
	}
	for _, ids := range [][]string{nil, {"b"}, {"a", "c", "z"}} {
		args := []any{"three"}
		for _, id := range ids {
			args = append(args, id)
		}
		q := database.Bind(db.Gorm, `SELECT id, value FROM read_probes WHERE value <> ? AND value <> '?' AND id IN (`+database.List(len(ids))+`) ORDER BY id`)
		got := probeValues(t)(database.QueryText(ctx, db.Gorm, q, args...))
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
	if _, err := database.QueryText(ctx, db.Gorm, "DELETE FROM read_probes"); err == nil {
		t.Fatal("QueryText ran a DELETE")
	}
	var n int64
	if err := db.Gorm.Raw("SELECT COUNT(*) FROM read_probes").Scan(&n).Error; err != nil || n != 3 {
		t.Fatalf("read_probes has %d rows (%v), want 3", n, err)
	}
}
