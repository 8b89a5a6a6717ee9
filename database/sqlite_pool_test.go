package database

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openSQLiteForPool(t *testing.T) (*DB, *writerPool) {
	t.Helper()
	d, err := OpenSQLiteFile(filepath.Join(t.TempDir(), "pool.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if err := d.Gorm.Exec("CREATE TABLE things (n INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	p, ok := d.Gorm.ConnPool.(*writerPool)
	if !ok {
		t.Fatalf("the SQLite pool is a %T, not the writer pool", d.Gorm.ConnPool)
	}
	return d, p
}

// waitFor polls cond; the deadline only keeps a broken pool from hanging the suite.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after a minute for %s", what)
		}
	}
}

// queueBehindOneWriter opens a writing transaction, starts queued writes (write(i) each) and
// checks, once they all wait for the writer, that they hold no connection: only the writer's is
// in use, and a read through the pool beside the open transaction gets one (as a service reading
// another owner's store does) and sees none of its rows. Then it commits and checks every queued
// write went in.
func queueBehindOneWriter(t *testing.T, what string, write func(d *DB, i int) error) {
	t.Helper()
	d, p := openSQLiteForPool(t)
	sqlDB, err := d.SQL()
	if err != nil {
		t.Fatal(err)
	}
	a := d.Gorm.Begin()
	if a.Error != nil {
		t.Fatal(a.Error)
	}
	if err := a.Exec("INSERT INTO things (n) VALUES (1)").Error; err != nil {
		t.Fatal(err)
	}
	const queued = 6 // more than the pool's 4 connections
	var wg sync.WaitGroup
	errs := make(chan error, queued)
	for i := range queued {
		wg.Go(func() { errs <- write(d, i) })
	}
	waitFor(t, what+" to queue for the writer", func() bool { return p.waiting.Load() == queued })
	if inUse := sqlDB.Stats().InUse; inUse != 1 {
		t.Fatalf("%d connections in use with %d %s queued behind one writer: want only the writer's", inUse, queued, what)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var before int
	if err := d.Gorm.WithContext(ctx).Raw("SELECT count(*) FROM things").Scan(&before).Error; err != nil {
		t.Fatalf("a read beside the writing transaction: %v", err)
	}
	if before != 0 {
		t.Fatalf("the read saw %d rows of an uncommitted transaction", before)
	}
	if err := a.Commit().Error; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("one of the %s: %v", what, err)
		}
	}
	var after int
	if err := d.Gorm.Raw("SELECT count(*) FROM things").Scan(&after).Error; err != nil {
		t.Fatal(err)
	}
	if after != 1+queued {
		t.Fatalf("%d rows, want %d: every one of the %s goes in once the writer is free", after, 1+queued, what)
	}
}

// Transactions queued behind SQLite's writer hold no connection.
func TestSQLiteTransactionsWaitForTheWriterWithoutHoldingAConnection(t *testing.T) {
	queueBehindOneWriter(t, "transactions", func(d *DB, i int) error {
		return d.Gorm.Transaction(func(tx *gorm.DB) error {
			return tx.Exec("INSERT INTO things (n) VALUES (?)", i+2).Error
		})
	})
}

// Writes outside a transaction (a session's last use, GORM's Create with RETURNING) wait for the
// writer as transactions do, holding no connection: four of them, as many as the pool has, no
// longer leave the writing transaction without a connection for its read through the pool until
// SQLite's busy timeout frees one (the contract award's stall on a busy machine).
func TestSQLiteWritesOutsideATransactionWaitForTheWriterWithoutHoldingAConnection(t *testing.T) {
	type thing struct{ N int }
	queueBehindOneWriter(t, "writes", func(d *DB, i int) error {
		if i%2 == 0 {
			return d.Gorm.Exec("INSERT INTO things (n) VALUES (?)", i+2).Error
		}
		return d.Gorm.Table("things").Create(&thing{N: i + 2}).Error
	})
}

// writes tells the statements that wait for the writer from those that never do.
func TestSQLiteWritesAreInsertsUpdatesDeletesAndReplaces(t *testing.T) {
	for _, c := range []struct {
		sql   string
		write bool
	}{
		{"INSERT INTO things VALUES (1)", true}, {"  update things SET n = 2", true}, {"\n\tDELETE FROM things", true},
		{"REPLACE INTO things VALUES (1)", true}, {"SELECT 1", false}, {"WITH x AS (SELECT 1) SELECT * FROM x", false},
		{"PRAGMA journal_mode", false}, {"", false},
	} {
		if got := writes(c.sql); got != c.write {
			t.Errorf("writes(%q) = %v, want %v", c.sql, got, c.write)
		}
	}
}

// A rollback gives the writer back, a nested transaction (a savepoint) takes no second one, and a
// transaction that waits longer than SQLite's busy timeout fails as busy, as BEGIN did.
func TestSQLiteWriterIsGivenBackAndWaitedForAtMostTheBusyTimeout(t *testing.T) {
	d, p := openSQLiteForPool(t)
	boom := errors.New("boom")
	if err := d.Gorm.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO things (n) VALUES (1)").Error; err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("rolled back with %v, want boom", err)
	}
	err := d.Gorm.Transaction(func(tx *gorm.DB) error {
		return tx.Transaction(func(inner *gorm.DB) error {
			return inner.Exec("INSERT INTO things (n) VALUES (2)").Error
		})
	})
	if err != nil {
		t.Fatalf("a nested transaction after a rollback: %v", err)
	}
	var n int
	if err := d.Gorm.Raw("SELECT count(*) FROM things").Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("%d rows (%v), want the nested transaction's one", n, err)
	}

	p.wait = 50 * time.Millisecond
	a := d.Gorm.Begin()
	if a.Error != nil {
		t.Fatal(a.Error)
	}
	defer a.Rollback()
	err = d.Gorm.Transaction(func(tx *gorm.DB) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "busy") {
		t.Fatalf("a transaction behind a writer that never finishes: %v, want busy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled request waiting for the writer: %v, want context.Canceled", err)
	}
}
