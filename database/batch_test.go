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

// A batch gives each of its reads that read's rows, in the order queued, on both dialects and
// in a transaction (seeing its uncommitted rows); the query counter sees every statement, each
// replayable with its arguments written in.
func TestBatchGivesEachReadItsRows(t *testing.T) {
	db := probesDB(t)
	ctx := context.Background()
	counter := dbtest.CountQueries(t, db.Gorm)
	counter.Explain()

	var order []string
	probes := func(name string, into *[]string) func(database.Row) error {
		return func(r database.Row) error {
			var id, v string
			if err := r.Scan(&id, &v); err != nil {
				return err
			}
			order = append(order, name)
			*into = append(*into, id+"="+v)
			return nil
		}
	}
	var first, second, listed, none []string
	b := database.NewBatch(db.Gorm)
	readProbes.Queue(b, []any{"c", "a"}, probes("first", &first))
	readProbes.Queue(b, []any{"b", "b"}, probes("second", &second))
	database.NewRead("SELECT id, value FROM read_probes WHERE id IN ("+database.List(3)+") ORDER BY id").
		Queue(b, []any{"a", "b", "c"}, probes("listed", &listed))
	readProbes.Queue(b, []any{"x", "y"}, probes("none", &none))
	if b.Len() != 4 {
		t.Fatalf("the batch holds %d reads, want 4", b.Len())
	}
	if err := b.Send(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		got, want []string
	}{
		{first, []string{"a=one", "c=three"}},
		{second, []string{"b=two"}},
		{listed, []string{"a=one", "b=two", "c=three"}},
		{none, nil},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("read %v, want %v", c.got, c.want)
		}
	}
	if want := []string{"first", "first", "second", "listed", "listed", "listed"}; !slices.Equal(order, want) {
		t.Errorf("the callbacks ran in the order %v, want %v", order, want)
	}
	if n := counter.Count(); n != 4 {
		t.Fatalf("the counter saw %d statements, want 4: %v", n, counter.Statements())
	}
	for _, st := range counter.Replayable() {
		if strings.ContainsAny(st, "?$") {
			t.Fatalf("a replayable statement without its arguments written in: %q", st)
		}
	}
	// One round trip on PostgreSQL out of a transaction; one each on SQLite.
	want := 4
	if dbtest.Postgres() {
		want = 1
	}
	if trips := counter.RoundTrips(); len(trips) != want {
		t.Fatalf("the 4 reads went in %d round trips, want %d: %q", len(trips), want, trips)
	}
	if err := b.Send(ctx); err == nil {
		t.Fatal("a batch sent twice did not fail")
	}

	// In a transaction: the transaction's own uncommitted row is read.
	err := db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO read_probes (id, value) VALUES ('d', 'four')").Error; err != nil {
			return err
		}
		var in, also []string
		b := database.NewBatch(tx)
		readProbes.Queue(b, []any{"d", "a"}, probes("in", &in))
		readProbes.Queue(b, []any{"d", "d"}, probes("also", &also))
		if err := b.Send(ctx); err != nil {
			return err
		}
		if !slices.Equal(in, []string{"a=one", "d=four"}) || !slices.Equal(also, []string{"d=four"}) {
			t.Errorf("in the transaction read %v and %v, want [a=one d=four] and [d=four]", in, also)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("transaction: %v", err)
	}
	if trips := counter.RoundTrips(); len(trips) != want+3 { // and the transaction's insert and two reads, one by one
		t.Fatalf("after the transaction, %d round trips, want %d: %q", len(trips), want+3, trips)
	}

	// Nothing queued: nothing sent.
	counter.Reset()
	if err := database.NewBatch(db.Gorm).Send(ctx); err != nil || counter.Count() != 0 {
		t.Fatalf("an empty batch: %v, %d statements", err, counter.Count())
	}
}

// An error, a callback's or the database's, stops the batch and is what Send returns; the reads
// after it are not given rows, and the connection goes back to the pool usable: more failed
// batches than the pool has connections, then one that succeeds.
func TestBatchStoppedByAnErrorReturnsItsConnection(t *testing.T) {
	db := probesDB(t)
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		t.Fatal(err)
	}
	// A generous bound, not a timing: a connection kept by a failed batch would make this wait forever.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stop := errors.New("enough")
	for i := range sqlDB.Stats().MaxOpenConnections*2 + 2 {
		rows, later := 0, 0
		b := database.NewBatch(db.Gorm)
		readProbes.Queue(b, []any{"a", "b"}, func(database.Row) error {
			rows++
			return stop
		})
		readProbes.Queue(b, []any{"a", "b"}, func(database.Row) error { later++; return nil })
		if err := b.Send(ctx); !errors.Is(err, stop) || rows != 1 || later != 0 {
			t.Fatalf("batch %d: %v after %d rows and %d of the next read's, want the callback's error after 1 and 0", i, err, rows, later)
		}

		later = 0
		b = database.NewBatch(db.Gorm)
		database.NewRead("SELECT id, value FROM no_such_table").Queue(b, nil, func(database.Row) error { return nil })
		readProbes.Queue(b, []any{"a", "b"}, func(database.Row) error { later++; return nil })
		if err := b.Send(ctx); err == nil || !strings.Contains(err.Error(), "no_such_table") || later != 0 {
			t.Fatalf("batch %d with a missing table: %v, and the next read had %d rows; want the database's error and none", i, err, later)
		}
	}
	if n := sqlDB.Stats().InUse; n != 0 {
		t.Fatalf("%d connections still in use after the batches", n)
	}
	var got []string
	b := database.NewBatch(db.Gorm)
	readProbes.Queue(b, []any{"a", "c"}, func(r database.Row) error {
		var id, v string
		err := r.Scan(&id, &v)
		got = append(got, id)
		return err
	})
	readProbes.Queue(b, []any{"b", "b"}, func(r database.Row) error {
		var id, v string
		err := r.Scan(&id, &v)
		got = append(got, id)
		return err
	})
	if err := b.Send(ctx); err != nil || !slices.Equal(got, []string{"a", "c", "b"}) {
		t.Fatalf("after the failed batches: %v, read %v, want a c b", err, got)
	}
}

// QueueMemoized queues its read when the request's memo lacks it and keeps what was read; when
// the memo has it, nothing is queued and the memoised value is given; a transaction, which
// bypasses the memo, always reads.
func TestQueueMemoizedReadsOncePerRequest(t *testing.T) {
	db := probesDB(t)
	ctx := database.WithMemo(context.Background())
	counter := dbtest.CountQueries(t, db.Gorm)
	queue := func(b *database.Batch) func() ([]string, error) {
		var out []string
		readProbes.Queue(b, []any{"a", "b"}, func(r database.Row) error {
			var id, v string
			err := r.Scan(&id, &v)
			out = append(out, v)
			return err
		})
		return func() ([]string, error) { return out, nil }
	}
	read := func(ctx context.Context, db *gorm.DB) ([]string, int) {
		t.Helper()
		b := database.NewBatch(db)
		get := database.QueueMemoized(ctx, b, "read_probes|a,b", slices.Clone[[]string], queue)
		queued := b.Len()
		if err := b.Send(ctx); err != nil {
			t.Fatal(err)
		}
		v, err := get()
		if err != nil {
			t.Fatal(err)
		}
		return v, queued
	}
	for i, want := range []int{1, 0, 0} {
		v, queued := read(ctx, db.Gorm)
		if !slices.Equal(v, []string{"one", "two"}) || queued != want {
			t.Fatalf("read %d: %v with %d reads queued, want [one two] with %d", i, v, queued, want)
		}
		v[0] = "changed by the caller" // the memo keeps its own copy
	}
	if n := counter.Count(); n != 1 {
		t.Fatalf("%d statements for three reads in one request, want 1", n)
	}
	if err := db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, queued := read(ctx, tx); queued != 1 {
			t.Errorf("in a transaction %d reads were queued, want 1: the memo is bypassed there", queued)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Another request has its own memo.
	if _, queued := read(database.WithMemo(context.Background()), db.Gorm); queued != 1 {
		t.Fatalf("a new request queued %d reads, want 1", queued)
	}
}

// A counter told to IgnoreUnattended leaves out the statements, GORM's and Reads', run in a
// database.Unattended context (a job's), and counts the others.
func TestCounterLeavesOutUnattendedWork(t *testing.T) {
	db := probesDB(t)
	counter := dbtest.CountQueries(t, db.Gorm)
	counter.IgnoreUnattended()
	job := database.Unattended(context.Background(), "job test:probe")
	for _, ctx := range []context.Context{job, context.Background()} {
		var n int64
		if err := db.Gorm.WithContext(ctx).Raw("SELECT COUNT(*) FROM read_probes").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		probeValues(t, func(row func(database.Row) error) error { return readProbes.Each(ctx, db.Gorm, []any{"a", "b"}, row) })
		b := database.NewBatch(db.Gorm)
		readProbes.Queue(b, []any{"a", "a"}, func(database.Row) error { return nil })
		readProbes.Queue(b, []any{"b", "b"}, func(database.Row) error { return nil })
		if err := b.Send(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := counter.Count(); n != 4 {
		t.Fatalf("the counter saw %d statements, want the 4 run outside the job: %q", n, counter.Statements())
	}
	if what, ok := database.UnattendedFrom(job); !ok || what != "job test:probe" {
		t.Fatalf("UnattendedFrom: %q, %v", what, ok)
	}
}
