// Package database opens golive's store (SQLite embedded by default, PostgreSQL in production),
// applies the versioned migrations and scopes every tenant query.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"golive/migrations"
)

// Dialect names the database in use; SQL differences are few and live in stores.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the opened store.
type DB struct {
	Gorm    *gorm.DB
	Dialect Dialect
}

// Now is the clock GORM stamps rows with: always UTC, because PostgreSQL TIMESTAMP drops the zone.
func Now() time.Time { return time.Now().UTC() }

// Open opens PostgreSQL when url starts with postgres:// or postgresql://, otherwise SQLite in dataDir.
func Open(url, dataDir string) (*DB, error) {
	cfg := &gorm.Config{
		NowFunc:                func() time.Time { return Now() },
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		g, err := gorm.Open(postgres.Open(url), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// As many idle as open: with fewer, a burst of requests closes the connections it opened
		// and the next burst opens them again, a PostgreSQL backend started each time.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		if err := InstallMemo(g); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		return &DB{Gorm: g, Dialect: Postgres}, nil
	}
	if url != "" {
		return nil, fmt.Errorf("GOLIVE_DATABASE_URL must start with postgres:// (or be unset for the embedded SQLite); got %q", redact(url))
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dataDir, err)
	}
	return OpenSQLiteFile(filepath.Join(dataDir, "golive.db"))
}

// sqliteBusyTimeout is how long a statement waits for SQLite's lock, and a transaction for the
// writer, before it fails as busy.
const sqliteBusyTimeout = 10 * time.Second

// OpenSQLiteFile opens (creating) one SQLite file with foreign keys on and WAL, which SQLite
// needs set per connection.
func OpenSQLiteFile(path string) (*DB, error) {
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(" + strconv.Itoa(int(sqliteBusyTimeout.Milliseconds())) + ")&_txlock=immediate"
	g, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{
		NowFunc:                func() time.Time { return Now() },
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// SQLite has one writer; a small pool with immediate transactions avoids SQLITE_BUSY upgrades,
	// and transactions wait for the writer before they take a connection (writerPool).
	sqlDB.SetMaxOpenConns(4)
	g.ConnPool = newWriterPool(sqlDB, sqliteBusyTimeout)
	g.Statement.ConnPool = g.ConnPool
	if err := InstallMemo(g); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{Gorm: g, Dialect: SQLite}, nil
}

func redact(url string) string {
	if i := strings.Index(url, "@"); i > 0 {
		if j := strings.Index(url, "://"); j > 0 && j < i {
			return url[:j+3] + "…" + url[i:]
		}
	}
	return url
}

// SQL returns the underlying *sql.DB.
func (d *DB) SQL() (*sql.DB, error) { return d.Gorm.DB() }

// Close closes the pool.
func (d *DB) Close() error {
	s, err := d.Gorm.DB()
	if err != nil {
		return err
	}
	return s.Close()
}

// Ping checks the database answers, for /readyz.
func (d *DB) Ping(ctx context.Context) error {
	s, err := d.Gorm.DB()
	if err != nil {
		return err
	}
	return s.PingContext(ctx)
}

func (d *DB) provider() (*goose.Provider, error) {
	s, err := d.SQL()
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	return goose.NewProvider(dialect, s, migrations.FS, goose.WithGoMigrations(migrations.Go(d.Dialect == Postgres)...))
}

// Migrate applies every pending migration.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range res {
		slog.Debug("migration applied", "version", r.Source.Version, "file", filepath.Base(r.Source.Path))
	}
	return nil
}

// MigrateDown rolls back the last migration.
func (d *DB) MigrateDown(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Down(ctx); err != nil {
		if errors.Is(err, goose.ErrNoNextVersion) {
			return nil
		}
		return fmt.Errorf("roll back migration: %w", err)
	}
	return nil
}

// MigrationStatus lists each migration and whether it is applied.
func (d *DB) MigrationStatus(ctx context.Context) ([]string, error) {
	p, err := d.provider()
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]string, 0, len(st))
	for _, s := range st {
		at := "pending"
		if s.State == goose.StateApplied {
			at = "applied " + s.AppliedAt.UTC().Format(time.RFC3339)
		}
		out = append(out, fmt.Sprintf("%05d %-40s %s", s.Source.Version, filepath.Base(s.Source.Path), at))
	}
	return out, nil
}
