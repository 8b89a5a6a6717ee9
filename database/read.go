package database

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Read is a SELECT written once, with ? for its arguments, that a store runs on the hottest
// paths without GORM building it: GORM's session, its statement's clone, the SQL copied into a
// builder a byte at a time and its callbacks cost as much Go as the rest of a small request
// (about 3 KB and a tenth of the CPU of GET /api/v1/me). Only its text is written for the
// dialect, once; each run passes the arguments to the connection or transaction as they are.
//
// Its arguments are plain values: no slices (write "IN" lists with Placeholders) and no GORM
// expressions or subqueries (a tenant's organisation comes from TenantArg).
type Read struct {
	sql      string
	postgres atomic.Pointer[string] // the text with $1, $2 …, written on first use
}

// NewRead is a Read of q, which must be a single SELECT.
func NewRead(q string) *Read {
	if mayWrite(q) {
		panic(fmt.Sprintf("database.NewRead: not a SELECT: %.60q", q))
	}
	return &Read{sql: q}
}

// SQL is the statement as db's dialect takes it.
func (r *Read) SQL(db *gorm.DB) string {
	if db.Dialector.Name() != "postgres" {
		return r.sql
	}
	if p := r.postgres.Load(); p != nil {
		return *p
	}
	q := numbered(r.sql, 1)
	r.postgres.Store(&q)
	return q
}

// A Row is the row a Read's callback scans: database/sql's on SQLite and in a transaction, pgx's
// own on PostgreSQL.
type Row interface {
	Scan(dest ...any) error
}

// Each runs r with args in db's connection, or its transaction when db is one, and calls row
// for each row, which scans it; an error from row stops the read and is returned. The
// observers of db (a test's query counter) are told of it as GORM's callbacks tell them of
// every other statement.
//
// Out of a transaction on PostgreSQL the statement runs on the pgx connection underneath
// database/sql (sql.Conn.Raw): database/sql's scan of a row through the pgx driver (a value
// converted, then converted again, and per statement a decoder made for each column) was a
// tenth of the CPU of a request of a few statements, where pgx's own scan plans are kept with
// the prepared statement.
func (r *Read) Each(ctx context.Context, db *gorm.DB, args []any, row func(Row) error) error {
	return each(ctx, db, r.SQL(db), args, row)
}

// EachText runs q, a SELECT already written for db's dialect (Bind), as Each runs a Read: for
// a statement whose text depends on how many arguments an IN list has.
func EachText(ctx context.Context, db *gorm.DB, q string, args []any, row func(Row) error) error {
	if mayWrite(q) {
		return fmt.Errorf("database.EachText: not a SELECT: %.60q", q)
	}
	return each(ctx, db, q, args, row)
}

// pgxConn is what the PostgreSQL driver's connection gives (pgx's stdlib.Conn).
type pgxConn interface {
	Conn() *pgx.Conn
}

func each(ctx context.Context, db *gorm.DB, q string, args []any, row func(Row) error) error {
	if db.Error != nil {
		return db.Error
	}
	if pool, ok := pgxPool(db); ok {
		return onPgx(ctx, pool, func(c *pgx.Conn) error {
			rows, err := c.Query(ctx, q, args...)
			observe(ctx, db, q, args, err)
			if err != nil {
				return err
			}
			defer rows.Close()
			return eachRow(rows, row)
		})
	}
	rows, err := db.Statement.ConnPool.QueryContext(ctx, q, args...)
	observe(ctx, db, q, args, err)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := eachRow(rows, row); err != nil {
		return err
	}
	return rows.Close()
}

// pgxPool is db's pool when its statements may go to pgx's own connections: on PostgreSQL,
// out of a transaction.
func pgxPool(db *gorm.DB) (*sql.DB, bool) {
	pool, ok := db.Statement.ConnPool.(*sql.DB)
	return pool, ok && db.Dialector.Name() == "postgres"
}

// onPgx runs fn on the pgx connection underneath one of pool's (sql.Conn.Raw); the connection
// goes back to the pool after.
func onPgx(ctx context.Context, pool *sql.DB, fn func(*pgx.Conn) error) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(pgxConn)
		if !ok {
			return fmt.Errorf("database: a PostgreSQL connection of type %T, not pgx's", driverConn)
		}
		return fn(c.Conn())
	})
}

// eachRow calls row for each of rows (pgx's or database/sql's) until one fails, then gives
// the rows' own error.
func eachRow(rows interface {
	Row
	Next() bool
	Err() error
}, row func(Row) error) error {
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func observe(ctx context.Context, db *gorm.DB, q string, args []any, err error) {
	observeIn(ctx, db, q, args, err, 0)
}

// observeIn tells db's observers of a read; batch is the number of the pipelined batch it was
// sent in, or 0.
func observeIn(ctx context.Context, db *gorm.DB, q string, args []any, err error, batch uint64) {
	if o, ok := db.Config.Plugins[readsPluginName].(*readsPlugin); ok {
		o.saw(db, Observed{Ctx: ctx, SQL: q, Args: args, Err: err, Batch: batch})
	}
}

// Bind writes q's ? placeholders for db's dialect, for a statement whose text depends on its
// arguments (an IN list of List's), written on each call: $1, $2 … on PostgreSQL.
func Bind(db *gorm.DB, q string) string {
	if db.Dialector.Name() != "postgres" {
		return q
	}
	return numbered(q, 1)
}

// List is the inside of "IN (…)" for n arguments: "?, ?, ?", or NULL when there are none (an
// empty list is not SQL, and nothing equals NULL).
func List(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// numbered writes q's ? placeholders as $first, $first+1 …, leaving those inside quoted
// literals and identifiers alone.
func numbered(q string, first int) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	var quote byte
	n := first
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			n++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// A ReadObserver is told of each Read run on a database it observes.
type ReadObserver func(db *gorm.DB, read Observed)

// Observed is a read as it was run: the context it ran in, its SQL as sent, its arguments and
// the error of sending it. Batch numbers the pipelined Batch it went in, the same for every read
// of one round trip; 0 for a read sent on its own.
type Observed struct {
	Ctx   context.Context
	SQL   string
	Args  []any
	Err   error
	Batch uint64
}

const readsPluginName = "golive:reads"

// readsPlugin keeps the observers of a database's Reads, in its GORM config beside the memo's
// callbacks, so that every session of it finds them.
type readsPlugin struct {
	mu        sync.Mutex
	observers atomic.Pointer[[]ReadObserver]
}

func (*readsPlugin) Name() string                 { return readsPluginName }
func (*readsPlugin) Initialize(db *gorm.DB) error { return nil }

func (p *readsPlugin) saw(db *gorm.DB, read Observed) {
	if list := p.observers.Load(); list != nil {
		for _, o := range *list {
			o(db, read)
		}
	}
}

// ObserveReads tells o of every Read run on g from now on. g must come from Open (or have had
// InstallMemo): adding the plugin to a database in use would write the map its reads look in.
func ObserveReads(g *gorm.DB, o ReadObserver) error {
	p, ok := g.Config.Plugins[readsPluginName].(*readsPlugin)
	if !ok {
		return fmt.Errorf("observe reads: the database has no %s plugin (open it with database.Open)", readsPluginName)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var list []ReadObserver
	if old := p.observers.Load(); old != nil {
		list = append(list, *old...)
	}
	list = append(list, o)
	p.observers.Store(&list)
	return nil
}
