package database

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// writerPool hands SQLite's one writer out before a connection, not after.
//
// SQLite lets one transaction write at a time; with _txlock=immediate a second BEGIN waits for the
// first, up to busy_timeout, holding a pooled connection while it waits. A transaction that reads
// through the pool as well as through itself (a service asking another owner's store, which is not
// in the transaction) then needs a second connection, and the pool's few were all held by
// transactions waiting for it: each wait ends only at busy_timeout, and on a busy machine the
// request could lose the freed connection to the next waiter again and again (a contract award
// once took over 45 s so). Waiting here instead, with no connection held, leaves the pool to the
// reads, which WAL lets run beside the writer.
type writerPool struct {
	db      *sql.DB
	writer  chan struct{} // one slot: SQLite's writer
	wait    time.Duration // as long as busy_timeout: how long a transaction waited for SQLite before
	waiting atomic.Int32  // transactions waiting for the writer (for the tests)
}

func newWriterPool(db *sql.DB, wait time.Duration) *writerPool {
	return &writerPool{db: db, writer: make(chan struct{}, 1), wait: wait}
}

func (p *writerPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

// ExecContext runs a write outside a transaction (a session's last use, a mail marked sent) after
// it has the writer, like a transaction: waiting in SQLite's busy handler instead, it would hold a
// pooled connection that a writing transaction's read through the pool may need.
func (p *writerPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !writes(query) {
		return p.db.ExecContext(ctx, query, args...)
	}
	release, err := p.takeWriter(ctx, "write")
	if err != nil {
		return nil, err
	}
	defer release()
	return p.db.ExecContext(ctx, query, args...)
}

// QueryContext runs an INSERT … RETURNING (GORM's Create on SQLite) after it has the writer too.
// The writer is given back when the statement has run, before its rows are read.
func (p *writerPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !writes(query) {
		return p.db.QueryContext(ctx, query, args...)
	}
	release, err := p.takeWriter(ctx, "write")
	if err != nil {
		return nil, err
	}
	defer release()
	return p.db.QueryContext(ctx, query, args...)
}

func (p *writerPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if !writes(query) {
		return p.db.QueryRowContext(ctx, query, args...)
	}
	release, err := p.takeWriter(ctx, "write")
	if err != nil {
		// A *sql.Row carries its error only from a query: a cancelled context gives one.
		cancelled, cancel := context.WithCancelCause(ctx)
		cancel(err)
		return p.db.QueryRowContext(cancelled, query, args...)
	}
	defer release()
	return p.db.QueryRowContext(ctx, query, args...)
}

// writes reports whether a statement certainly writes: INSERT, UPDATE, DELETE or REPLACE. Only
// those wait for the writer; a read never does (WAL lets it run beside the writer), so a
// transaction's reads through the pool cannot wait for the writer it holds itself.
func writes(query string) bool {
	s := strings.TrimLeft(query, " \t\r\n(")
	for _, w := range []string{"insert", "update", "delete", "replace"} {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			return true
		}
	}
	return false
}

// GetDBConn is how gorm.DB.DB() finds the *sql.DB under this pool.
func (p *writerPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// BeginTx waits for the writer, then for a connection. A read-only transaction takes no writer.
func (p *writerPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	if opts != nil && opts.ReadOnly {
		return p.db.BeginTx(ctx, opts)
	}
	release, err := p.takeWriter(ctx, "begin a transaction")
	if err != nil {
		return nil, err
	}
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		release()
		return nil, err
	}
	return &writerTx{Tx: tx, release: sync.OnceFunc(release)}, nil
}

// takeWriter waits for SQLite's writer, at most as long as SQLite's busy timeout, and returns the
// function that gives it back.
func (p *writerPool) takeWriter(ctx context.Context, what string) (func(), error) {
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	timer := time.NewTimer(p.wait)
	defer timer.Stop()
	select {
	case p.writer <- struct{}{}:
		return func() { <-p.writer }, nil
	case <-timer.C:
		return nil, fmt.Errorf("%s: the database is busy: another transaction has been writing for over %s", what, p.wait)
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", what, ctx.Err())
	}
}

// writerTx gives the writer back when it commits or rolls back.
type writerTx struct {
	*sql.Tx
	release func()
}

func (t *writerTx) Commit() error {
	defer t.release()
	return t.Tx.Commit()
}

func (t *writerTx) Rollback() error {
	defer t.release()
	return t.Tx.Rollback()
}
