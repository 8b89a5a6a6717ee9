package database

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// A Batch is Reads that do not depend on one another's rows, sent to the database in one round
// trip (issue 17: fewer round trips a request). On this machine a statement's write to
// PostgreSQL's socket cost about 20 µs of the request's CPU, and its answer a wake-up and a
// read more: moderation's three reads after the lot's check were a quarter of its CPU in
// syscalls alone.
//
// Each store queues its own statements, on its own tables, with the callback that scans their
// rows; the batch is only the round trip, so the owners rule holds. A store's getter reads what
// its callback kept once Send has returned without error.
//
// On PostgreSQL, out of a transaction, the reads go as one pgx batch (one write, one Sync). On
// SQLite, and in a transaction, they run one after the other, as Each runs them: the results
// are the same, and so is every observer's count of statements.
type Batch struct {
	db    *gorm.DB
	reads []queued
	sent  bool
}

type queued struct {
	sql  string
	args []any
	row  func(Row) error
}

// batches numbers the pipelined batches sent, for their observers.
var batches atomic.Uint64

// NewBatch is an empty batch to send on db (a connection pool or a transaction).
func NewBatch(db *gorm.DB) *Batch { return &Batch{db: db} }

// Queue adds r with args to b: row is called for each of its rows when b is sent.
func (r *Read) Queue(b *Batch, args []any, row func(Row) error) {
	b.add(r.SQL(b.db), args, row)
}

func (b *Batch) add(q string, args []any, row func(Row) error) {
	if b.sent {
		panic("database: a Batch queued to after it was sent")
	}
	b.reads = append(b.reads, queued{sql: q, args: args, row: row})
}

// Len is how many reads are queued.
func (b *Batch) Len() int { return len(b.reads) }

// Send runs the queued reads and calls their callbacks in the order queued; the first error
// (the database's or a callback's) stops it and is returned. A batch is sent once.
func (b *Batch) Send(ctx context.Context) error {
	if b.sent {
		return fmt.Errorf("database: a Batch sent twice")
	}
	b.sent = true
	if b.db.Error != nil {
		return b.db.Error
	}
	switch {
	case len(b.reads) == 0:
		return nil
	case len(b.reads) == 1:
		r := b.reads[0]
		return each(ctx, b.db, r.sql, r.args, r.row)
	}
	if pool, ok := pgxPool(b.db); ok {
		return onPgx(ctx, pool, func(c *pgx.Conn) error { return b.pipelined(ctx, c) })
	}
	for _, r := range b.reads {
		if err := each(ctx, b.db, r.sql, r.args, r.row); err != nil {
			return err
		}
	}
	return nil
}

// pipelined sends the reads as one pgx batch on c.
func (b *Batch) pipelined(ctx context.Context, c *pgx.Conn) error {
	pb := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(b.reads))}
	for _, r := range b.reads {
		pb.Queue(r.sql, r.args...).Query(func(rows pgx.Rows) error { return eachRow(rows, r.row) })
	}
	err := c.SendBatch(ctx, pb).Close()
	n := batches.Add(1)
	for _, r := range b.reads {
		observeIn(ctx, b.db, r.sql, r.args, err, n)
	}
	return err
}

// QueueMemoized queues, through queue, a read whose result the request's memo keeps under key
// (Memoize's key, with the same clone): when the memo has it, nothing is queued and get gives
// the memoised value; otherwise get gives what was read, and keeps it in the memo.
func QueueMemoized[T any](ctx context.Context, b *Batch, key string, clone func(T) T, queue func(*Batch) func() (T, error)) (get func() (T, error)) {
	t, ok, keep := memoSlot(ctx, b.db, key, clone)
	switch {
	case ok:
		return func() (T, error) { return t, nil }
	case keep == nil:
		return queue(b)
	}
	read := queue(b)
	return func() (T, error) { return keep(read()) }
}
