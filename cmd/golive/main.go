// Command golive runs the golive portal: NHS urgent care procurement from business case to
// contract award, and the winning provider's mobilisation to go-live.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golive/audit"
	"golive/database"
	"golive/lots"
	"golive/record"
	"golive/tenants"
	"golive/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "golive:", err)
		os.Exit(1)
	}
}

const usage = `golive: NHS urgent care procurement and mobilisation portal

Usage: golive <command> [flags]

Commands:
  serve          run the web portal (and, in the embedded default, the worker)
  worker         run background jobs and the scheduler (needs GOLIVE_REDIS_URL)
  migrate        apply, roll back or list database migrations: migrate up|down|status
  demo           load the Kent and Medway demo organisations and sign-ins
  admin create   make a platform admin and print a one-time link to set a password:
                 admin create --email E --name N (the first step on an empty install)
  audit verify   check the audit trail's hash chain; exits non-zero naming the first bad row
  record verify FILE
                 check a procurement's record.zip: its manifest's SHA-256 hashes, and that its
                 audit events are still those of the running chain; exits non-zero saying why
  backup DIR     copy the database into DIR while serving (SQLite: a consistent snapshot;
                 PostgreSQL: pg_dump), with a manifest, and the secret key in a file of its own
  restore DIR    restore a backup into an empty data directory or an empty database
  keys           keys rotate: re-wrap every procurement key under a new GOLIVE_SECRET_KEY;
                 keys status: count procurement keys by the secret wrapping them

Configuration comes from environment variables (see README): GOLIVE_ADDR, GOLIVE_DATA_DIR,
GOLIVE_DATABASE_URL, GOLIVE_REDIS_URL, GOLIVE_SECRET_KEY, GOLIVE_OLD_SECRET_KEY, GOLIVE_BASE_URL,
GOLIVE_SMTP_URL, GOLIVE_MAIL_FROM, GOLIVE_LOG_LEVEL, GOLIVE_METRICS_TOKEN, GOLIVE_TRUSTED_PROXIES,
GOLIVE_SIGNIN_ADDRESS_LIMIT, GOLIVE_NOW.
Run "golive <command> --help" for a command's own help.
`

// run is the whole program; tests call it to start a real server.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet("golive "+cmd, flag.ContinueOnError)
	fs.SetOutput(stdout)
	var help string
	var keyFile string
	demoSuccessions := true
	var withoutKey bool
	switch cmd {
	case "serve":
		help = "golive serve: run the web portal on GOLIVE_ADDR. With no GOLIVE_REDIS_URL it also starts an\nin-process Redis and runs the background worker itself, so nothing else is needed."
	case "worker":
		help = "golive worker: run background jobs and the scheduler against GOLIVE_REDIS_URL.\nRun as many as you like beside any number of serve processes."
	case "migrate":
		help = "golive migrate up|down|status: apply every pending migration, roll back the last, or list them."
	case "demo":
		help = "golive demo: load the demo organisations (Kent and Medway and Luton and Bedfordshire CCGs,\nHealthwatch, four fictional providers) and one sign-in per role, then print the sign-ins."
		fs.BoolVar(&demoSuccessions, "successions", true, "schedule the NHS reorganisations of 2020-2022 (false: the 2019 bodies stay whatever the clock)")
	case "admin":
		help = adminHelp
	case "audit":
		help = "golive audit verify: walk the audit trail's hash chain; exit non-zero naming the first\naltered or missing row."
	case "record":
		help = "golive record verify FILE: check a record.zip exported from golive: every file against the\nmanifest's SHA-256, and its audit events against the running audit chain; exit non-zero\nsaying what does not match."
	case "backup":
		help = backupHelp
		fs.StringVar(&keyFile, "key-file", "", "where to write the secret key (default DIR/secret.key)")
	case "restore":
		help = restoreHelp
		fs.StringVar(&keyFile, "key-file", "", "the backup's key file (default DIR/secret.key)")
		fs.BoolVar(&withoutKey, "without-key", false, "restore even though the key is missing: sealed bids will not open")
	case "keys":
		help = keysHelp
	default:
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	fs.Usage = func() {
		fmt.Fprintln(stdout, help)
		if cmd == "backup" || cmd == "restore" || cmd == "demo" {
			fs.PrintDefaults()
		}
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "worker":
		return worker(ctx, cfg, log)
	case "migrate":
		return migrate(ctx, cfg, fs.Args(), stdout)
	case "demo":
		return demo(ctx, cfg, log, stdout, demoSuccessions)
	case "admin":
		return adminCommand(ctx, cfg, log, fs.Args(), stdout)
	case "audit":
		if fs.Arg(0) != "verify" {
			fs.Usage()
			return errors.New(`audit: the only subcommand is "verify"`)
		}
		db, err := openExisting(cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		return audit.VerifyCommand(ctx, db, stdout)
	case "record":
		if fs.Arg(0) != "verify" || fs.NArg() != 2 {
			fs.Usage()
			return errors.New(`record: use "golive record verify FILE"`)
		}
		db, err := openExisting(cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		return record.VerifyCommand(ctx, db.Gorm, fs.Arg(1), stdout)
	case "backup":
		if fs.NArg() != 1 {
			fs.Usage()
			return errors.New("backup: give one directory to write the backup into")
		}
		return backup(ctx, cfg, fs.Arg(0), keyFile, stdout)
	case "restore":
		if fs.NArg() != 1 {
			fs.Usage()
			return errors.New("restore: give the backup's directory")
		}
		return restore(ctx, cfg, fs.Arg(0), keyFile, withoutKey, stdout)
	case "keys":
		return keysCommand(ctx, cfg, fs.Args(), stdout, lots.RotateOptions{})
	}
	return nil
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl}))
}

func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	start := time.Now()
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if cfg.Embedded() {
		w, err := a.newWorker()
		if err != nil {
			return err
		}
		if err := w.Start(); err != nil {
			return fmt.Errorf("start embedded worker: %w", err)
		}
		defer w.Shutdown()
	}
	errc := make(chan error, 1)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	go func() { errc <- a.Fiber.Listener(web.Lingering(ln)) }()
	if cfg.ProfileAddr != "" {
		_, stop, err := serveProfiles(cfg.ProfileAddr)
		if err != nil {
			return err
		}
		defer stop()
		log.Info("profiles served", "addr", cfg.ProfileAddr)
	}
	go tenants.WarmSignIn()
	log.Info("golive serving", "addr", cfg.Addr, "base_url", cfg.BaseURL, "embedded", cfg.Embedded(),
		"database", string(a.DB.Dialect), "startup_ms", time.Since(start).Milliseconds())
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests and jobs")
	if err := a.Fiber.ShutdownWithTimeout(25 * time.Second); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

func worker(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.Embedded() {
		return errors.New("worker needs GOLIVE_REDIS_URL: in the embedded default, `golive serve` runs the worker itself")
	}
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	w, err := a.newWorker()
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	log.Info("golive worker running")
	<-ctx.Done()
	log.Info("worker shutting down: finishing in-flight jobs")
	w.Shutdown()
	return nil
}

func migrate(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	db, err := database.Open(cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	switch strings.Join(args, " ") {
	case "up", "":
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "migrations applied")
	case "down":
		if err := db.MigrateDown(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "last migration rolled back")
	case "status":
		lines, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	default:
		return fmt.Errorf("migrate: expected up, down or status, got %q", strings.Join(args, " "))
	}
	return nil
}

// openExisting opens the database as it is, for a command that only reads it: a verification
// that migrated, or created an empty SQLite file, would change what it was asked to check.
func openExisting(cfg Config) (*database.DB, error) {
	if cfg.DatabaseURL == "" {
		path := filepath.Join(cfg.DataDir, "golive.db")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no golive database at %s (GOLIVE_DATA_DIR): nothing to verify", path)
		}
	}
	return database.Open(cfg.DatabaseURL, cfg.DataDir)
}
