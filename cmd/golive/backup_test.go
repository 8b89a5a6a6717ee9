package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golive/database"
	"golive/database/dbtest"
	"golive/lots"
	"golive/tenants/access"
)

// operatorEnvOf is the environment of an operator's command against a running server's
// database: the server's own settings, its secret given as GOLIVE_SECRET_KEY when PostgreSQL
// needs it (with SQLite it is read from GOLIVE_DATA_DIR/secret.key, as in production).
func operatorEnvOf(s *server) map[string]string {
	cfg := s.App.Cfg
	env := map[string]string{"GOLIVE_DATA_DIR": cfg.DataDir, "GOLIVE_DATABASE_URL": cfg.DatabaseURL, "GOLIVE_REDIS_URL": cfg.RedisURL}
	if cfg.DatabaseURL != "" {
		env["GOLIVE_SECRET_KEY"] = hex.EncodeToString(cfg.Secret)
	}
	return env
}

func getenvOf(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// freshTarget is an empty data directory, or an empty database and a Redis, to restore into.
func freshTarget(t *testing.T) map[string]string {
	dbURL, dir := dbtest.URL(t)
	env := map[string]string{"GOLIVE_DATA_DIR": filepath.Join(dir, "data"), "GOLIVE_DATABASE_URL": dbURL}
	if dbURL != "" {
		env["GOLIVE_REDIS_URL"] = dbtest.RedisURL(t)
	}
	return env
}

func runCmd(env map[string]string, args ...string) (string, error) {
	var out strings.Builder
	err := run(context.Background(), args, getenvOf(env), &out)
	return out.String(), err
}

// openedResponses starts golive on env as serve would (migrations, keys from the configuration)
// and reads the opened procurement's responses as its lead.
func openedResponses(t *testing.T, env map[string]string, procurementID, lotID string) ([]lots.ResponseView, error) {
	t.Helper()
	env["GOLIVE_LOG_LEVEL"] = "error"
	cfg, err := loadConfig(getenvOf(env))
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	lead, err := a.Tenants.ActorByEmail(context.Background(), "lead@medway-ccg.test")
	if err != nil {
		t.Fatal(err)
	}
	return a.Lots.Responses(database.WithTenant(context.Background(), lead.OrgID), lead, procurementID, lotID)
}

// bidderLoad saves drafts and asks clarification questions through the API as a bidder until
// stopped: requests that write sealed content, audit events and mail for the worker to send.
type bidderLoad struct {
	writes atomic.Int64
	stop   chan struct{}
	done   chan error
}

func startBidderLoad(s *server, token, procurementID, lotID string, questions []string, marker string) *bidderLoad {
	l := &bidderLoad{stop: make(chan struct{}), done: make(chan error, 1)}
	call := func(method, path string, body any) error {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, s.URL+"/api/v1"+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return nil
	}
	go func() {
		for i := 0; ; i++ {
			select {
			case <-l.stop:
				l.done <- nil
				return
			default:
			}
			var answers []lots.Answer
			for _, q := range questions {
				answers = append(answers, lots.Answer{QuestionID: q, Text: marker + " " + strconv.Itoa(i)})
			}
			if err := call(http.MethodPut, "/opportunities/"+procurementID+"/lots/"+lotID+"/response", map[string]any{"answers": answers}); err != nil {
				l.done <- err
				return
			}
			if err := call(http.MethodPost, "/opportunities/"+procurementID+"/clarifications", map[string]any{"question": "Clarification " + strconv.Itoa(i)}); err != nil {
				l.done <- err
				return
			}
			l.writes.Add(1)
		}
	}()
	return l
}

func (l *bidderLoad) waitWrites(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for l.writes.Load() < n {
		select {
		case err := <-l.done:
			t.Fatalf("the bidder's requests stopped after %d rounds: %v", l.writes.Load(), err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bidder's requests made %d rounds in 2 minutes, waiting for %d", l.writes.Load(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (l *bidderLoad) finish(t *testing.T) {
	t.Helper()
	close(l.stop)
	if err := <-l.done; err != nil {
		t.Fatalf("the bidder's requests: %v", err)
	}
}

func TestABackupTakenWhileServingRestoresVerifiesAndOpensBidsOnlyWithItsKey(t *testing.T) {
	s := startServer(t, nil)
	procs := matrixProcurements(t, s)
	pub, opened := procs["published"], procs["opened"]
	ctx := context.Background()
	bidder, err := s.App.Tenants.ActorByEmail(ctx, "bids@weald-ambulance.test")
	if err != nil {
		t.Fatal(err)
	}
	qs, err := s.App.Lots.Store.Questions(database.WithTenant(ctx, bidder.OrgID), pub.lot)
	if err != nil {
		t.Fatal(err)
	}
	var scored []string
	for _, q := range qs {
		if q.Kind != lots.Price {
			scored = append(scored, q.ID)
		}
	}
	const marker = "Backed-up sealed answer"
	operator := operatorEnvOf(s)
	dir := filepath.Join(t.TempDir(), "backup")

	// Requests and the worker run before, during and after the backup.
	load := startBidderLoad(s, s.apiToken(t, "bids@weald-ambulance.test"), pub.id, pub.lot, scored, marker)
	load.waitWrites(t, 3)
	out, err := runCmd(operator, "backup", dir)
	if err != nil {
		t.Fatalf("backup while serving: %v\n%s", err, out)
	}
	load.waitWrites(t, load.writes.Load()+3)
	load.finish(t)
	waitFor(t, "the worker to send a clarification mail", func() bool {
		var n int64
		s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM mail_messages WHERE status = 'sent' AND subject LIKE 'Clarification question%'").Scan(&n)
		return n > 0
	})
	if !strings.Contains(out, "WARNING") || !strings.Contains(out, "different place from the\ndatabase dump") {
		t.Fatalf("the backup does not warn to keep the key apart:\n%s", out)
	}
	var m backupManifest
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil || json.Unmarshal(raw, &m) != nil {
		t.Fatalf("manifest: %v %s", err, raw)
	}
	latest, _ := database.LatestMigration()
	oldID, _ := lots.KeyID(s.App.Cfg.Secret)
	if m.MigrationVersion != latest || m.AuditHead.Seq == 0 || m.KeyIDs[oldID] != 3 || m.SecretKeyID != oldID || len(m.Files) != 1 {
		t.Fatalf("manifest: %+v", m)
	}
	key, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	if err != nil || strings.TrimSpace(string(key)) != hex.EncodeToString(s.App.Cfg.Secret) {
		t.Fatalf("the key file does not hold the secret: %v", err)
	}
	dump, err := os.ReadFile(filepath.Join(dir, m.Files[0].Name))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(dump, []byte(marker)) || bytes.Contains(dump, key[:64]) || bytes.Contains(dump, s.App.Cfg.Secret) {
		t.Fatal("the database dump holds a sealed answer or the secret key in clear")
	}
	var events int64
	s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action = 'backup.created' AND object_id = ?", m.ID).Scan(&events)
	if events != 1 {
		t.Fatalf("%d backup.created events for the backup", events)
	}

	// Restored into a fresh target, with the key the backup wrote (PostgreSQL: as
	// GOLIVE_SECRET_KEY; SQLite: restore puts it in the data directory).
	target := freshTarget(t)
	if target["GOLIVE_DATABASE_URL"] != "" {
		target["GOLIVE_SECRET_KEY"] = strings.TrimSpace(string(key))
	}
	out, err = runCmd(target, "restore", dir)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 procurement keys open") {
		t.Fatalf("restore did not check the keys open:\n%s", out)
	}
	if out, err := runCmd(target, "audit", "verify"); err != nil || !strings.Contains(out, "verified") {
		t.Fatalf("audit verify on the restored database: %v\n%s", err, out)
	}
	if out, err := runCmd(target, "restore", dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a second restore into the same target: %v\n%s", err, out)
	}
	resps, err := openedResponses(t, target, opened.id, opened.lot)
	if err != nil || len(resps) != 1 || resps[0].Answers[opened.question] != "Our answer." {
		t.Fatalf("the opened bid with the restored key: %+v %v", resps, err)
	}
	// The bidder's own draft, saved by a request while the backup ran, reads back whole.
	restored, _ := loadConfig(getenvOf(target))
	a, err := newApp(ctx, restored, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	view, err := a.Lots.Opportunity(database.WithTenant(ctx, bidder.OrgID), bidder, pub.id)
	a.Close()
	if err != nil || len(view.Lots) != 1 || view.Lots[0].Content == nil {
		t.Fatalf("the bidder's restored draft: %+v %v", view, err)
	}
	for _, an := range view.Lots[0].Content.Answers {
		if !strings.HasPrefix(an.Text, marker+" ") {
			t.Fatalf("a restored answer reads %q", an.Text)
		}
	}

	// Without its key: refused, nothing written; with --without-key restored, and no bid opens,
	// with an error that says why rather than garbage.
	bare := freshTarget(t)
	if bare["GOLIVE_DATABASE_URL"] != "" {
		bare["GOLIVE_SECRET_KEY"] = strings.Repeat("cd", 32)
	}
	out, err = runCmd(bare, "restore", "--key-file", filepath.Join(t.TempDir(), "none.key"), dir)
	if err == nil || !strings.Contains(err.Error(), oldID) || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("restore without the key: %v\n%s", err, out)
	}
	if bare["GOLIVE_DATABASE_URL"] == "" {
		if _, err := os.Stat(bare["GOLIVE_DATA_DIR"]); !os.IsNotExist(err) {
			t.Fatalf("a refused restore wrote the data directory: %v", err)
		}
	}
	out, err = runCmd(bare, "restore", "--key-file", filepath.Join(t.TempDir(), "none.key"), "--without-key", dir)
	if err != nil {
		t.Fatalf("restore --without-key: %v\n%s", err, out)
	}
	_, err = openedResponses(t, bare, opened.id, opened.lot)
	if !errors.Is(err, lots.ErrUnknownKey) || !strings.Contains(err.Error(), oldID) {
		t.Fatalf("the opened bid without the backup's key: %v", err)
	}
	if out, err := runCmd(bare, "audit", "verify"); err != nil {
		t.Fatalf("audit verify after a restore without the key: %v\n%s", err, out)
	}

	// An altered dump is refused, naming the file.
	dump[len(dump)/2] ^= 1
	if err := os.WriteFile(filepath.Join(dir, m.Files[0].Name), dump, 0o600); err != nil {
		t.Fatal(err)
	}
	again := freshTarget(t)
	if again["GOLIVE_DATABASE_URL"] != "" {
		again["GOLIVE_SECRET_KEY"] = strings.TrimSpace(string(key))
	}
	out, err = runCmd(again, "restore", dir)
	if err == nil || !strings.Contains(err.Error(), m.Files[0].Name+" does not match its manifest") {
		t.Fatalf("restore of an altered dump: %v\n%s", err, out)
	}
}

func TestBackupAndRestoreRefuseWhatTheyWouldOverwrite(t *testing.T) {
	_, env, _ := operatorEnv(t)
	if _, err := runCmd(env, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	if env["GOLIVE_DATABASE_URL"] == "" {
		// serve makes the key on first run; backup never does.
		if out, err := runCmd(env, "backup", t.TempDir()+"/b"); err == nil || !strings.Contains(err.Error(), "no secret key") {
			t.Fatalf("backup with no secret key: %v\n%s", err, out)
		}
		env["GOLIVE_SECRET_KEY"] = strings.Repeat("ab", 32)
	}
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "other"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(env, "backup", full); err == nil || !strings.Contains(err.Error(), "not empty (it holds other)") {
		t.Fatalf("backup into a directory with a file in it: %v\n%s", err, out)
	}
	if out, err := runCmd(env, "restore", full); err == nil || !strings.Contains(err.Error(), "no manifest.json") {
		t.Fatalf("restore of a directory that is not a backup: %v\n%s", err, out)
	}
	if out, err := runCmd(env, "backup"); err == nil {
		t.Fatalf("backup with no directory: %s", out)
	}
}

// childEnvRotate marks the test binary run as the `golive keys rotate` process the test kills.
const childEnvRotate = "GOLIVE_TEST_ROTATE_CHILD"

// TestKeysRotateProcess is `golive keys rotate` in a process of its own, stopping inside the
// transaction of the procurement numbered by GOLIVE_TEST_ROTATE_CHILD to be killed there.
func TestKeysRotateProcess(t *testing.T) {
	if os.Getenv(childEnvRotate) == "" {
		t.Skip("the rotation process of TestKeysRotateKilledHalfWayResumesAndOnlyTheNewKeyOpensBids; runs only as its child")
	}
	killAt, _ := strconv.Atoi(os.Getenv(childEnvRotate))
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	err = keysCommand(context.Background(), cfg, []string{"rotate"}, os.Stdout, lots.RotateOptions{InTransaction: func(n int) {
		if n == killAt {
			fmt.Printf("paused inside the transaction of procurement %d\n", n)
			time.Sleep(10 * time.Minute) // until killed; a child whose parent died must not live on
		}
	}})
	t.Fatalf("the rotation was not paused: %v", err)
}

func TestKeysRotateKilledHalfWayResumesAndOnlyTheNewKeyOpensBids(t *testing.T) {
	s := startServer(t, nil)
	procs := matrixProcurements(t, s)
	opened := procs["opened"]
	ctx := context.Background()
	lead, err := s.App.Tenants.ActorByEmail(ctx, "lead@medway-ccg.test")
	if err != nil {
		t.Fatal(err)
	}
	lctx := database.WithTenant(ctx, lead.OrgID)
	now := s.App.Cfg.Now()
	for _, ref := range []string{"ROT-1", "ROT-2", "ROT-3"} {
		_, err := s.App.Lots.CreateProcurement(lctx, lead, lots.ProcurementInput{Title: "Rotation " + ref, Reference: ref,
			Regime: lots.PSR2024, Procedure: "Competitive process", TermYears: 2, Participants: []string{lead.OrgID},
			ClarificationDeadline: now.AddDate(0, 0, 20), SubmissionDeadline: now.AddDate(0, 0, 30), EvaluationStart: now.AddDate(0, 0, 31),
			AwardDate: now.AddDate(0, 0, 60), ContractStart: now.AddDate(0, 0, 200)})
		if err != nil {
			t.Fatal(err)
		}
	}
	oldHex, newHex := hex.EncodeToString(s.App.Cfg.Secret), strings.Repeat("5e", 32)
	newSecret, _ := hex.DecodeString(newHex)
	oldID, _ := lots.KeyID(s.App.Cfg.Secret)
	newID, _ := lots.KeyID(newSecret)
	rotating := operatorEnvOf(s)
	rotating["GOLIVE_SECRET_KEY"], rotating["GOLIVE_OLD_SECRET_KEY"] = newHex, oldHex

	// A real process, killed with SIGKILL inside the third procurement's transaction.
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeysRotateProcess$", "-test.count=1", "-test.timeout=11m")
	cmd.Env = append(os.Environ(), childEnvRotate+"=3")
	for k, v := range rotating {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var childErr bytes.Buffer
	cmd.Stderr = &childErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var said []string
	paused := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		said = append(said, sc.Text())
		if strings.HasPrefix(sc.Text(), "paused inside the transaction of procurement 3") {
			paused = true
			break
		}
	}
	if !paused {
		_ = cmd.Wait()
		t.Fatalf("the rotation process ended without pausing:\n%s\n%s", strings.Join(said, "\n"), childErr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stdout)
	_ = cmd.Wait()

	st := lots.NewStore(s.App.DB)
	counts, err := st.KeyIDCounts(ctx)
	if err != nil || counts[newID] != 2 || counts[oldID] != 4 {
		t.Fatalf("after the kill, procurement keys by key id: %v %v (the process said:\n%s)", counts, err, strings.Join(said, "\n"))
	}
	rewrapped := func() int64 {
		var n int64
		s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action = 'procurement.key_rewrapped'").Scan(&n)
		return n
	}
	if n := rewrapped(); n != 2 {
		t.Fatalf("%d procurement.key_rewrapped events for the 2 committed", n)
	}

	// Half-way, a service given both secrets opens the bids.
	if r, err := openedResponses(t, copyEnv(rotating), opened.id, opened.lot); err != nil || len(r) != 1 {
		t.Fatalf("the opened bid during the rotation: %+v %v", r, err)
	}

	out, err := runCmd(rotating, "keys", "rotate")
	if err != nil || !strings.Contains(out, "4 re-wrapped, 2 already under key id "+newID+", 0 failed") {
		t.Fatalf("the resumed rotation: %v\n%s", err, out)
	}
	if n := rewrapped(); n != 6 {
		t.Fatalf("%d procurement.key_rewrapped events for 6 procurements", n)
	}
	if out, err := runCmd(rotating, "audit", "verify"); err != nil {
		t.Fatalf("audit verify after the rotation: %v\n%s", err, out)
	}

	newOnly := copyEnv(rotating)
	delete(newOnly, "GOLIVE_OLD_SECRET_KEY")
	if out, err := runCmd(newOnly, "keys", "status"); err != nil || !strings.Contains(out, newID+"      6  current") {
		t.Fatalf("keys status after the rotation: %v\n%s", err, out)
	}
	r, err := openedResponses(t, newOnly, opened.id, opened.lot)
	if err != nil || len(r) != 1 || r[0].Answers[opened.question] != "Our answer." {
		t.Fatalf("the opened bid with the new key alone: %+v %v", r, err)
	}
	oldOnly := copyEnv(rotating)
	delete(oldOnly, "GOLIVE_OLD_SECRET_KEY")
	oldOnly["GOLIVE_SECRET_KEY"] = oldHex
	_, err = openedResponses(t, oldOnly, opened.id, opened.lot)
	if !errors.Is(err, lots.ErrUnknownKey) || !strings.Contains(err.Error(), newID) {
		t.Fatalf("the opened bid with the old key alone: %v", err)
	}
	// The running server, still on the old secret, is refused the same way: restart it with the new one.
	_, err = s.App.Lots.Responses(lctx, &access.Actor{UserID: lead.UserID, OrgID: lead.OrgID}, opened.id, opened.lot)
	if !errors.Is(err, lots.ErrUnknownKey) {
		t.Fatalf("a server left on the old secret after the rotation: %v", err)
	}
}

func copyEnv(env map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	return out
}
