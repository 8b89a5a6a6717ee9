package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golive/database"
)

// TestAuditVerifyPassesOnTheDemoAndNamesAnEditedRow runs the commands as an operator would.
func TestAuditVerifyPassesOnTheDemoAndNamesAnEditedRow(t *testing.T) {
	cfg, _, getenv := operatorEnv(t)
	ctx := context.Background()
	demo := runDemo(t, getenv)
	for _, want := range []string{"admin@golive.test", "lead@medway-ccg.test", "reviewer@healthwatch-kent.test", "bids@estuary-urgent-care.test", "golive-demo-2026"} {
		if !strings.Contains(demo, want) {
			t.Errorf("demo output lacks the sign-in %s", want)
		}
	}
	if again := runDemo(t, getenv); !strings.Contains(again, "already loaded") {
		t.Fatalf("second demo: %s", again)
	}
	var out strings.Builder
	if err := run(ctx, []string{"audit", "verify"}, getenv, &out); err != nil {
		t.Fatalf("verify on the demo: %v", err)
	}
	if !strings.Contains(out.String(), "verified") {
		t.Fatalf("verify said: %s", out.String())
	}

	db, err := database.Open(cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seq int64
	db.Gorm.Raw("SELECT seq FROM audit_events WHERE action = 'user.created' ORDER BY seq LIMIT 1 OFFSET 3").Scan(&seq)
	if seq == 0 {
		t.Fatal("no demo user events")
	}
	if err := db.Gorm.Exec("UPDATE audit_events SET summary = ? WHERE seq = ?", `{"email":"someone-else@medway-ccg.test"}`, seq).Error; err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"audit", "verify"}, getenv, &out)
	if err == nil {
		t.Fatal("verify passed after a row was edited")
	}
	if want := "seq " + itoa(seq); !strings.Contains(err.Error(), want) {
		t.Fatalf("verify did not name the edited row (%s): %v", want, err)
	}
}

// Verifying only reads: with no database there is nothing to verify, and none is made.
func TestAuditVerifyWithNoDatabaseSaysSoAndCreatesNone(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"GOLIVE_DATA_DIR": dir}
	var out strings.Builder
	err := run(context.Background(), []string{"audit", "verify"}, func(k string) string { return env[k] }, &out)
	if err == nil || !strings.Contains(err.Error(), "nothing to verify") {
		t.Fatalf("verify with no database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "golive.db")); !os.IsNotExist(err) {
		t.Fatalf("verify made a database: %v", err)
	}
}

func TestMigrateStatusListsEveryMigrationApplied(t *testing.T) {
	cfg := testConfig(t, nil)
	env := map[string]string{"GOLIVE_DATA_DIR": cfg.DataDir, "GOLIVE_DATABASE_URL": cfg.DatabaseURL, "GOLIVE_REDIS_URL": cfg.RedisURL, "GOLIVE_SECRET_KEY": strings.Repeat("ab", 32)}
	getenv := func(k string) string { return env[k] }
	var out strings.Builder
	if err := run(context.Background(), []string{"migrate", "up"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "status"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "pending") || strings.Count(out.String(), "applied") < 4 {
		t.Fatalf("status:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"migrate", "sideways"}, getenv, &out); err == nil {
		t.Fatal("an unknown migrate subcommand was accepted")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
