package database

import (
	"context"
	"database/sql"
	"fmt"
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

func (p *writerPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...)
}

func (p *writerPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, query, args...)
}

func (p *writerPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, query, args...)
}

// GetDBConn is how gorm.DB.DB() finds the *sql.DB under this pool.
func (p *writerPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// BeginTx waits for the writer, then for a connection. A read-only transaction takes no writer.
func (p *writerPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	if opts != nil && opts.ReadOnly {
		return p.db.BeginTx(ctx, opts)
	}
	p.waiting.Add(1)
	timer := time.NewTimer(p.wait)
	select {
	case p.writer <- struct{}{}:
		p.waiting.Add(-1)
		timer.Stop()
	case <-timer.C:
		p.waiting.Add(-1)
		return nil, fmt.Errorf("begin a transaction: the database is busy: another transaction has been writing for over %s", p.wait)
	case <-ctx.Done():
		p.waiting.Add(-1)
		timer.Stop()
		return nil, fmt.Errorf("begin a transaction: %w", ctx.Err())
	}
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		<-p.writer
		return nil, err
	}
	return &writerTx{Tx: tx, release: sync.OnceFunc(func() { <-p.writer })}, nil
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
