package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"golive/audit"
	"golive/database"
	"golive/lots"
)

const backupFormat = "golive-backup/1"

const backupHelp = `golive backup [--key-file FILE] DIR: back up the database while golive serves.

DIR must be empty or not exist. golive writes into it:
  golive.db       (SQLite) a consistent snapshot, taken with VACUUM INTO while serve runs
  golive.pgdump   (PostgreSQL) pg_dump in custom format; pg_dump must be on PATH
  manifest.json   what, when, the migration version, the audit chain's head, the key ids of the
                  sealed-bid keys, and each file's SHA-256 and size: restore checks them all
  secret.key      the secret key that opens the sealed bids (or --key-file FILE); during an
                  unfinished key rotation also old-secret.key
Store the key apart from the database dump: the dump alone opens no sealed bid, the two together
open them all. The backup is recorded in the audit trail (backup.created).`

const restoreHelp = `golive restore [--key-file FILE] [--without-key] DIR: restore a backup made by golive backup.

Into an empty GOLIVE_DATA_DIR (SQLite) or an empty database (GOLIVE_DATABASE_URL: create a new
one): anything else is refused, so nothing is ever overwritten. restore checks the manifest and
each file's SHA-256 first, then that the keys it is given open the sealed bids: with SQLite the
key file (default DIR/secret.key) becomes GOLIVE_DATA_DIR/secret.key unless GOLIVE_SECRET_KEY is
set; with PostgreSQL GOLIVE_SECRET_KEY must be the backup's key (or GOLIVE_OLD_SECRET_KEY, for a
rotation afterwards). After restoring it verifies the audit chain against the manifest's head and
records the restore (backup.restored). --without-key restores a backup whose key is lost: every
other record is there, and no sealed bid will ever open.`

type backupManifest struct {
	Format           string       `json:"format"`
	ID               string       `json:"id"`
	CreatedAt        time.Time    `json:"created_at"`
	Database         string       `json:"database"` // sqlite or postgres
	MigrationVersion int64        `json:"migration_version"`
	AuditHead        manifestHead `json:"audit_head"`
	// KeyIDs counts the procurements whose data key is wrapped under each key id ("" = stored
	// before key ids): the secrets a restore needs to open every sealed bid.
	KeyIDs map[string]int `json:"key_ids"`
	// SecretKeyID is the key id of the key file the backup wrote (never the key).
	SecretKeyID string         `json:"secret_key_id"`
	Files       []manifestFile `json:"files"`
}

type manifestHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

type manifestFile struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// backupFacts reads what the manifest says about the database, from the copy itself (SQLite) or
// the snapshot pg_dump copies (PostgreSQL), so that they describe exactly what was backed up.
func backupFacts(ctx context.Context, g *gorm.DB, m *backupManifest) error {
	v, err := database.MigrationVersion(ctx, g)
	if err != nil {
		return err
	}
	head, err := audit.ReadHead(ctx, g)
	if err != nil {
		return err
	}
	counts, err := lots.NewStore(&database.DB{Gorm: g}).KeyIDCounts(ctx)
	if err != nil {
		return err
	}
	m.MigrationVersion, m.AuditHead, m.KeyIDs = v, manifestHead{Seq: head.Seq, Hash: head.Hash}, counts
	return nil
}

func backup(ctx context.Context, cfg Config, dir, keyFile string, stdout io.Writer) error {
	if _, err := cfg.existingSecret(); err != nil {
		return err
	}
	ring, err := keyRing(cfg)
	if err != nil {
		return err
	}
	db, err := openExisting(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := migratedToThisVersion(ctx, db); err != nil {
		return err
	}
	if err := emptyDir(dir, "the backup directory"); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the backup directory: %w", err)
	}
	if keyFile == "" {
		keyFile = filepath.Join(dir, "secret.key")
	}
	oldKeyFile := filepath.Join(filepath.Dir(keyFile), "old-secret.key")
	for _, f := range []string{keyFile, oldKeyFile} {
		if _, err := os.Stat(f); err == nil {
			return fmt.Errorf("%s already exists: give a --key-file that does not, so no key is overwritten", f)
		}
	}

	m := backupManifest{Format: backupFormat, ID: uuid.Must(uuid.NewV7()).String(), CreatedAt: time.Now().UTC(),
		Database: string(db.Dialect), SecretKeyID: ring.CurrentID()}
	name := "golive.db"
	if db.Dialect == database.Postgres {
		name = "golive.pgdump"
	}
	path := filepath.Join(dir, name)
	switch db.Dialect {
	case database.SQLite:
		if err := db.SnapshotSQLite(ctx, path); err != nil {
			return err
		}
		snap, err := database.OpenSQLiteSnapshot(path)
		if err != nil {
			return err
		}
		err = backupFacts(ctx, snap.Gorm, &m)
		snap.Close()
		if err != nil {
			return fmt.Errorf("read the snapshot: %w", err)
		}
	case database.Postgres:
		if err := db.DumpPostgres(ctx, cfg.DatabaseURL, path, func(tx *gorm.DB) error { return backupFacts(ctx, tx, &m) }); err != nil {
			return err
		}
	}
	// The dump opens no sealed bid, but holds every other record: its owner's alone.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restrict %s to its owner: %w", path, err)
	}
	f, err := describeFile(dir, name)
	if err != nil {
		return err
	}
	m.Files = append(m.Files, f)

	if err := writeKeyFile(keyFile, cfg.Secret); err != nil {
		return err
	}
	oldID := ""
	if cfg.OldSecret != nil {
		oldID, _ = lots.KeyID(cfg.OldSecret)
	}
	wroteOld := oldID != "" && m.KeyIDs[oldID] > 0
	if wroteOld {
		if err := writeKeyFile(oldKeyFile, cfg.OldSecret); err != nil {
			return err
		}
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileSynced(filepath.Join(dir, "manifest.json"), append(raw, '\n'), 0o600); err != nil {
		return err
	}
	sum := sha256.Sum256(append(raw, '\n'))
	err = db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return audit.Record(ctx, tx, audit.Entry{Action: "backup.created", ObjectType: "backup", ObjectID: m.ID,
			Summary: map[string]any{"database": m.Database, "migration_version": m.MigrationVersion,
				"audit_head_seq": m.AuditHead.Seq, "file": f.Name, "sha256": f.SHA256, "manifest_sha256": hex.EncodeToString(sum[:])}})
	})
	if err != nil {
		return fmt.Errorf("the backup is complete, but recording it in the audit trail failed: %w", err)
	}

	fmt.Fprintf(stdout, "backup %s written to %s\n  %s  %d bytes  sha256 %s\n  manifest.json  migration %d, audit head seq %d\n",
		m.ID, dir, f.Name, f.Bytes, f.SHA256, m.MigrationVersion, m.AuditHead.Seq)
	fmt.Fprintf(stdout, "  %s  the secret key (key id %s)\n", keyFile, ring.CurrentID())
	if wroteOld {
		fmt.Fprintf(stdout, "  %s  the old secret key (key id %s): a key rotation is unfinished, and %d procurement keys are still under it\n",
			oldKeyFile, oldID, m.KeyIDs[oldID])
	}
	for id, n := range m.KeyIDs {
		if id != "" && !ring.Has(id) {
			fmt.Fprintf(stdout, "  note: %d procurement keys are under key id %s, which no secret given here opens; they did not open before this backup either\n", n, id)
		}
	}
	fmt.Fprintf(stdout, "\nWARNING: %s opens every sealed bid in this backup. Move it now to a different place from the\n"+
		"database dump (another store, another custodian): the dump alone opens nothing, the two together open everything.\n", keyFile)
	return nil
}

// migratedToThisVersion refuses a database at another migration than this binary's: its backup
// would not say what it holds, and its restore would not be what this binary serves.
func migratedToThisVersion(ctx context.Context, db *database.DB) error {
	v, err := database.MigrationVersion(ctx, db.Gorm)
	if err != nil {
		return err
	}
	latest, err := database.LatestMigration()
	if err != nil {
		return err
	}
	if v != latest {
		return fmt.Errorf("the database is at migration %d and this golive at %d: run `golive migrate up` (or start serve) with this golive first", v, latest)
	}
	return nil
}

// emptyDir refuses a directory that exists and holds anything.
func emptyDir(dir, what string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, dir, err)
	}
	if len(entries) > 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) > 5 {
			names = append(names[:5], "…")
		}
		return fmt.Errorf("%s %s is not empty (it holds %s): use an empty or new directory, so that nothing is overwritten",
			what, dir, strings.Join(names, ", "))
	}
	return nil
}

// describeFile hashes a file of the backup, after syncing it to disk.
func describeFile(dir, name string) (manifestFile, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return manifestFile{}, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return manifestFile{}, fmt.Errorf("sync %s: %w", name, err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return manifestFile{}, fmt.Errorf("hash %s: %w", name, err)
	}
	return manifestFile{Name: name, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func writeKeyFile(path string, key []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create the key file's directory: %w", err)
	}
	return writeFileSynced(path, []byte(hex.EncodeToString(key)+"\n"), 0o600)
}

// writeFileSynced writes a file whole or not at all (a temporary file renamed into place), and
// on disk before it returns.
func writeFileSynced(path string, data []byte, perm os.FileMode) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// --- restore ---

func readManifest(dir string) (backupManifest, []byte, error) {
	var m backupManifest
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return m, nil, fmt.Errorf("%s has no manifest.json: it is not a finished golive backup (the manifest is written last): %w", dir, err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, nil, fmt.Errorf("%s/manifest.json: %w", dir, err)
	}
	if m.Format != backupFormat {
		return m, nil, fmt.Errorf("%s/manifest.json is format %q; this golive restores %q", dir, m.Format, backupFormat)
	}
	if len(m.Files) == 0 {
		return m, nil, fmt.Errorf("%s/manifest.json lists no files", dir)
	}
	return m, raw, nil
}

// checkFiles compares each file with the manifest: a backup copied short, or altered, is refused
// before anything is restored.
func checkFiles(dir string, m backupManifest) error {
	for _, want := range m.Files {
		if want.Name != filepath.Base(want.Name) {
			return fmt.Errorf("manifest.json names %q, which is not a file of the backup directory", want.Name)
		}
		got, err := describeFile(dir, want.Name)
		if err != nil {
			return fmt.Errorf("the backup's %s: %w", want.Name, err)
		}
		if got.Bytes != want.Bytes || got.SHA256 != want.SHA256 {
			return fmt.Errorf("the backup's %s does not match its manifest: %d bytes with sha256 %s, the manifest says %d bytes with sha256 %s",
				want.Name, got.Bytes, got.SHA256, want.Bytes, want.SHA256)
		}
	}
	return nil
}

func restore(ctx context.Context, cfg Config, dir, keyFile string, withoutKey bool, stdout io.Writer) error {
	m, raw, err := readManifest(dir)
	if err != nil {
		return err
	}
	want := database.SQLite
	if cfg.DatabaseURL != "" {
		want = database.Postgres
	}
	if m.Database != string(want) {
		return fmt.Errorf("this is a %s backup and GOLIVE_DATABASE_URL points at %s: restore a backup into the kind of database it came from", m.Database, want)
	}
	if err := checkFiles(dir, m); err != nil {
		return err
	}
	latest, err := database.LatestMigration()
	if err != nil {
		return err
	}
	if m.MigrationVersion > latest {
		return fmt.Errorf("the backup is at migration %d, newer than this golive (%d): restore it with the golive that made it, or a newer one", m.MigrationVersion, latest)
	}

	// The target: refused unless empty, before anything is written.
	var db *database.DB
	if want == database.SQLite {
		if err := emptyDir(cfg.DataDir, "GOLIVE_DATA_DIR"); err != nil {
			return err
		}
	} else {
		if db, err = database.Open(cfg.DatabaseURL, cfg.DataDir); err != nil {
			return err
		}
		defer db.Close()
		tables, err := db.Tables(ctx)
		if err != nil {
			return err
		}
		if len(tables) > 0 {
			if len(tables) > 5 {
				tables = append(tables[:5], "…")
			}
			return fmt.Errorf("the database of GOLIVE_DATABASE_URL is not empty (it has the tables %s): restore only into an empty database (create a new one), so that nothing is overwritten or mixed",
				strings.Join(tables, ", "))
		}
	}

	// The keys the restored service will hold must open the backup's procurement keys.
	if keyFile == "" {
		keyFile = filepath.Join(dir, "secret.key")
	}
	fileKey, fileErr := readKeyFile(keyFile)
	secret, writeSecret := cfg.Secret, false
	if secret == nil && fileErr == nil {
		secret, writeSecret = fileKey, true
	}
	var ring *lots.Keyring
	if secret != nil {
		if ring, err = lots.NewKeyring(secret, cfg.OldSecret); err != nil {
			return err
		}
	}
	if missing := missingKeyIDs(m, ring); len(missing) > 0 && !withoutKey {
		return keysMissingError(missing, keyFile, fileKey, fileErr, cfg)
	}

	switch want {
	case database.SQLite:
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return fmt.Errorf("create GOLIVE_DATA_DIR %s: %w", cfg.DataDir, err)
		}
		if err := copyFile(filepath.Join(dir, m.Files[0].Name), filepath.Join(cfg.DataDir, "golive.db")); err != nil {
			return err
		}
		if db, err = database.Open("", cfg.DataDir); err != nil {
			return err
		}
		defer db.Close()
	case database.Postgres:
		if err := database.RestorePostgres(ctx, cfg.DatabaseURL, filepath.Join(dir, m.Files[0].Name)); err != nil {
			return fmt.Errorf("restore into the database (nothing was kept: pg_restore ran in one transaction): %w", err)
		}
	}

	// What was restored must be what was backed up: the chain intact up to the manifest's head.
	rep, err := audit.Verify(ctx, db.Gorm)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("restored, but the audit chain does not verify: %w", rep.Problem)
	}
	if rep.Head.Seq != m.AuditHead.Seq || rep.Head.Hash != m.AuditHead.Hash {
		return fmt.Errorf("restored, but the audit head is seq %d hash %s and the manifest says seq %d hash %s",
			rep.Head.Seq, rep.Head.Hash, m.AuditHead.Seq, m.AuditHead.Hash)
	}
	if v, err := database.MigrationVersion(ctx, db.Gorm); err != nil || v != m.MigrationVersion {
		return fmt.Errorf("restored, but the database is at migration %d and the manifest says %d (%v)", v, m.MigrationVersion, err)
	}
	if writeSecret {
		if err := writeKeyFile(filepath.Join(cfg.DataDir, "secret.key"), secret); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "restored backup %s of %s into %s\n  audit chain verified: %d events, head seq %d hash %s (as in the manifest)\n",
		m.ID, m.CreatedAt.Format(time.RFC3339), targetName(cfg), rep.Checked, rep.Head.Seq, rep.Head.Hash)
	if ring != nil {
		check, err := lots.CheckKeys(ctx, lots.NewStore(db), ring)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %d procurement keys open with key ids %s\n", check.Opened, strings.Join(ring.IDs(), ", "))
		if len(check.Failed) > 0 {
			fmt.Fprintf(stdout, "  %d procurement keys do not open: their sealed bids cannot be read\n", len(check.Failed))
			if !withoutKey {
				return fmt.Errorf("restored, but %d procurement keys do not open with the keys given (first: procurement %s: %v)",
					len(check.Failed), check.Failed[0].ProcurementID, check.Failed[0].Err)
			}
		}
	} else {
		fmt.Fprintln(stdout, "  restored without a key: no sealed bid will open")
	}
	sum := sha256.Sum256(raw)
	err = db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return audit.Record(ctx, tx, audit.Entry{Action: "backup.restored", ObjectType: "backup", ObjectID: m.ID,
			Summary: map[string]any{"backup_created_at": m.CreatedAt.Format(time.RFC3339), "migration_version": m.MigrationVersion,
				"audit_head_seq": m.AuditHead.Seq, "manifest_sha256": hex.EncodeToString(sum[:]), "without_key": withoutKey}})
	})
	if err != nil {
		return fmt.Errorf("restored, but recording the restore in the audit trail failed: %w", err)
	}
	if m.MigrationVersion < latest {
		fmt.Fprintf(stdout, "  the backup is at migration %d: serve (or golive migrate up) applies the newer ones\n", m.MigrationVersion)
	}
	return nil
}

func targetName(cfg Config) string {
	if cfg.DatabaseURL != "" {
		return "the database of GOLIVE_DATABASE_URL"
	}
	return cfg.DataDir
}

// missingKeyIDs lists the key ids the backup's procurement keys are under that ring lacks
// ("" keys, stored before key ids, are checked after the restore by trying them).
func missingKeyIDs(m backupManifest, ring *lots.Keyring) []string {
	var out []string
	for id := range m.KeyIDs {
		if id != "" && (ring == nil || !ring.Has(id)) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func keysMissingError(missing []string, keyFile string, fileKey []byte, fileErr error, cfg Config) error {
	fileID := ""
	if fileErr == nil {
		fileID, _ = lots.KeyID(fileKey)
	}
	var lines []string
	for _, id := range missing {
		switch {
		case id == fileID && cfg.Secret != nil:
			lines = append(lines, fmt.Sprintf("key id %s is the key in %s, and GOLIVE_SECRET_KEY is another: set GOLIVE_SECRET_KEY to the contents of %s "+
				"(or keep yours, set GOLIVE_OLD_SECRET_KEY to that key and run golive keys rotate after the restore)", id, keyFile, keyFile))
		case fileErr != nil:
			lines = append(lines, fmt.Sprintf("key id %s: no key given has it, and %s cannot be read (%v): give the backup's key file with --key-file", id, keyFile, fileErr))
		default:
			lines = append(lines, fmt.Sprintf("key id %s: no key given has it (%s is key id %s): give the key file that has it with --key-file, or set GOLIVE_OLD_SECRET_KEY to it", id, keyFile, fileID))
		}
	}
	return errors.New("restore refused, nothing written: the backup's sealed bids are wrapped under keys this restore was not given:\n  " +
		strings.Join(lines, "\n  ") + "\nIf the key is lost for good, --without-key restores every other record.")
}

// copyFile copies a file whole into place (a temporary file renamed), synced to disk.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := to + ".restoring"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", to, err)
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, to)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("copy to %s: %w", to, err)
	}
	return syncDir(filepath.Dir(to))
}
