package dbtest

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"golive/database"
)

// QueryCounter counts the SQL statements GORM runs on one *gorm.DB (and every session made from
// it): queries, inserts, updates, deletes, Raw/Exec and Row/Rows, and the database.Reads run on it. Reset it before a request
// and read Count after, to see how many statements the request ran. Statements run on the same
// database by anything else at the same time (the worker) are counted too; QueriesFor measures
// a request more than once and keeps the fewest for that reason.
type QueryCounter struct {
	n   atomic.Int64
	mu  sync.Mutex
	sql []string
	// requestsOnly leaves out what runs in a database.Unattended context (IgnoreUnattended).
	requestsOnly atomic.Bool
	// explain keeps each statement with its arguments written in (Replayable), for a benchmark
	// to replay them without golive; off by default, since writing them costs a little per
	// statement.
	explain   atomic.Bool
	explained []string
	batches   []uint64 // of each explained statement: its pipelined batch, or 0
	ignore    []string
}

// CountQueries registers a counter on db's callbacks. Register it once per *gorm.DB.
func CountQueries(t testing.TB, db *gorm.DB) *QueryCounter {
	t.Helper()
	c := &QueryCounter{}
	count := func(db *gorm.DB) {
		if db.DryRun || db.Error != nil && db.Statement.SQL.Len() == 0 {
			return // a subquery built into another statement (GORM dry-runs it), or one never sent
		}
		if c.unattended(db.Statement.Context) {
			return
		}
		c.saw(db, db.Statement.SQL.String(), db.Statement.Vars)
	}
	// The statements stores run as database.Reads, without GORM's callbacks.
	if err := database.ObserveReads(db, func(db *gorm.DB, r database.Observed) {
		if !c.unattended(r.Ctx) {
			c.sawIn(db, r.SQL, r.Args, r.Batch)
		}
	}); err != nil {
		t.Fatalf("register the query counter: %v", err)
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("dbtest:count_query", count),
		cb.Create().After("gorm:create").Register("dbtest:count_create", count),
		cb.Update().After("gorm:update").Register("dbtest:count_update", count),
		cb.Delete().After("gorm:delete").Register("dbtest:count_delete", count),
		cb.Row().After("gorm:row").Register("dbtest:count_row", count),
		cb.Raw().After("gorm:raw").Register("dbtest:count_raw", count),
	} {
		if err != nil {
			t.Fatalf("register the query counter: %v", err)
		}
	}
	return c
}

func (c *QueryCounter) saw(db *gorm.DB, sql string, vars []any) { c.sawIn(db, sql, vars, 0) }

// sawIn counts a statement; batch is the pipelined batch it was sent in, or 0.
func (c *QueryCounter) sawIn(db *gorm.DB, sql string, vars []any, batch uint64) {
	if c.ignored(sql) {
		return
	}
	c.n.Add(1)
	var explained string
	if c.explain.Load() {
		explained = db.Dialector.Explain(sql, vars...)
	}
	c.mu.Lock()
	c.sql = append(c.sql, sql)
	if explained != "" {
		c.explained = append(c.explained, explained)
		c.batches = append(c.batches, batch)
	}
	c.mu.Unlock()
}

// IgnoreUnattended leaves out of the count every statement run in a database.Unattended
// context (a job, a watch loop): on a busy machine a periodic job could otherwise land in every
// try of a request being counted.
func (c *QueryCounter) IgnoreUnattended() { c.requestsOnly.Store(true) }

func (c *QueryCounter) unattended(ctx context.Context) bool {
	if !c.requestsOnly.Load() || ctx == nil {
		return false
	}
	_, ok := database.UnattendedFrom(ctx)
	return ok
}

// Ignore leaves out of the count every statement whose SQL is sql: one a process runs on its
// own clock rather than for a request (tenants.PolicyVersionQuery), which on a busy machine can
// land inside every try of a request being counted.
func (c *QueryCounter) Ignore(sql string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ignore = append(c.ignore, sql)
}

func (c *QueryCounter) ignored(sql string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Contains(c.ignore, sql)
}

// Reset sets the count to zero.
func (c *QueryCounter) Reset() {
	c.mu.Lock()
	c.sql, c.explained, c.batches = nil, nil, nil
	c.mu.Unlock()
	c.n.Store(0)
}

// Explain makes the counter keep each statement with its arguments written in, from now on.
func (c *QueryCounter) Explain() { c.explain.Store(true) }

// Replayable are the statements since the last Reset with their arguments written in (after
// Explain): SQL that psql or pgbench can run as it is.
func (c *QueryCounter) Replayable() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.explained)
}

// RoundTrips are Replayable's statements grouped as they were sent: the reads of one pipelined
// database.Batch together, every other statement on its own.
func (c *QueryCounter) RoundTrips() [][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out [][]string
	at := map[uint64]int{} // a batch's group in out (another statement may have come between its reads)
	for i, st := range c.explained {
		b := c.batches[i]
		if g, ok := at[b]; ok && b != 0 {
			out[g] = append(out[g], st)
			continue
		}
		at[b] = len(out)
		out = append(out, []string{st})
	}
	return out
}

// Statements are the SQL of the statements since the last Reset, for a failing test to show.
func (c *QueryCounter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sql)
}

// Count is the number of statements since the last Reset.
func (c *QueryCounter) Count() int { return int(c.n.Load()) }

// QueriesFor runs do (one request) tries times, counting the statements of each, and returns
// the fewest: the request's own statements, without a concurrent worker's or a cold cache's.
func (c *QueryCounter) QueriesFor(tries int, do func()) int {
	best := -1
	for range tries {
		c.Reset()
		do()
		if n := c.Count(); best < 0 || n < best {
			best = n
		}
	}
	return best
}
