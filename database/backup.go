package database

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"golive/migrations"
)

// What a backup is made of, and why these tools:
//   - SQLite: VACUUM INTO writes a consistent copy from one read transaction. In WAL mode a reader
//     never blocks the writer, so `serve` goes on answering while it runs, and the copy is a
//     compact database file that opens as it is.
//   - PostgreSQL: pg_dump in its custom format, which pg_restore restores into an empty database
//     in one transaction. The facts recorded beside the dump (migration version, audit head, key
//     ids) are read in the transaction whose snapshot pg_dump is given (pg_export_snapshot), so
//     they describe exactly what the dump holds, even with writers running.

// SnapshotSQLite writes a consistent copy of the SQLite database to path, which must not exist.
func (d *DB) SnapshotSQLite(ctx context.Context, path string) error {
	if d.Dialect != SQLite {
		return errors.New("SnapshotSQLite needs the SQLite database")
	}
	if err := d.Gorm.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("copy the database to %s (VACUUM INTO): %w", path, err)
	}
	return nil
}

// OpenSQLiteSnapshot opens a database file nothing else writes (a backup's copy) to read it,
// without the -wal and -shm files a normal open would leave beside it.
func OpenSQLiteSnapshot(path string) (*DB, error) {
	u := url.URL{Scheme: "file", Opaque: path, RawQuery: "mode=ro&immutable=1"}
	g, err := gorm.Open(sqlite.Open(u.String()), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &DB{Gorm: g, Dialect: SQLite}, nil
}

// PGDumpPath finds pg_dump (or pg_restore) on PATH, saying what to install when it is missing.
func PGDumpPath(tool string) (string, error) {
	p, err := exec.LookPath(tool)
	if err != nil {
		return "", fmt.Errorf("%s is not on PATH: install the PostgreSQL client tools of your server's major version or later "+
			"(Debian/Ubuntu: apt-get install postgresql-client), or put them on PATH", tool)
	}
	return p, nil
}

// DumpPostgres runs pg_dump (custom format) of the database at dbURL into path. inSnapshot runs
// inside a read-only transaction at the very snapshot pg_dump copies, to read facts about the dump.
func (d *DB) DumpPostgres(ctx context.Context, dbURL, path string, inSnapshot func(tx *gorm.DB) error) error {
	if d.Dialect != Postgres {
		return errors.New("DumpPostgres needs PostgreSQL")
	}
	pgDump, err := PGDumpPath("pg_dump")
	if err != nil {
		return err
	}
	return d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var snapshot string
		if err := tx.Raw("SELECT pg_export_snapshot()").Scan(&snapshot).Error; err != nil {
			return fmt.Errorf("export a snapshot for pg_dump: %w", err)
		}
		if err := inSnapshot(tx); err != nil {
			return err
		}
		return runPG(ctx, pgDump, dbURL, "--format=custom", "--no-owner", "--no-privileges",
			"--snapshot="+snapshot, "--file="+path)
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
}

// RestorePostgres restores a pg_dump custom-format file into the (empty) database at dbURL, in
// one transaction: on any error nothing is left half-restored.
func RestorePostgres(ctx context.Context, dbURL, path string) error {
	pgRestore, err := PGDumpPath("pg_restore")
	if err != nil {
		return err
	}
	return runPG(ctx, pgRestore, dbURL, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", path)
}

// runPG runs a PostgreSQL client tool against dbURL. The password goes in PGPASSWORD, never in
// the arguments, where `ps` would show it to every user of the machine.
func runPG(ctx context.Context, tool, dbURL string, args ...string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("GOLIVE_DATABASE_URL: %w", err)
	}
	env := os.Environ()
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	cmd := exec.CommandContext(ctx, tool, append(args, "--dbname="+u.String())...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// Tables lists the tables in the database (PostgreSQL: in the connection's current schema), so
// that a restore can refuse a database that is not empty.
func (d *DB) Tables(ctx context.Context) ([]string, error) {
	var names []string
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if d.Dialect == Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
	}
	if err := d.Gorm.WithContext(ctx).Raw(q).Scan(&names).Error; err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return names, nil
}

// MigrationVersion is the last migration applied to the database g reads (0 when none): goose
// deletes a version's row when it is rolled back, so the largest row is the current version.
func MigrationVersion(ctx context.Context, g *gorm.DB) (int64, error) {
	var v sql.NullInt64
	if err := g.WithContext(ctx).Raw("SELECT MAX(version_id) FROM goose_db_version").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read the migration version: %w", err)
	}
	return v.Int64, nil
}

// LatestMigration is the newest migration this binary holds.
func LatestMigration() (int64, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return 0, fmt.Errorf("list migrations: %w", err)
	}
	var latest int64
	for _, n := range names {
		v, err := goose.NumericComponent(n)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", n, err)
		}
		latest = max(latest, v)
	}
	for _, m := range migrations.Go(false) {
		latest = max(latest, m.Version)
	}
	return latest, nil
}
