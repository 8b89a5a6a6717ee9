package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golive/evaluation/evaltest"
)

// TestWrkModerationMatrix is the load test of issue 5, run by hand: it seeds the moderation
// matrix (8 bidders × 60 questions × 6 evaluators) through the services, starts the real server
// on a loopback port, gives the procurement lead an API token, and runs wrk against the two
// reads the lead repeats through a moderation meeting: one question's marks side by side
// (rotating over the 60 questions) and the lot's results. It prints wrk's report (latency
// percentiles and requests per second); it asserts only that every answer was a 200.
//
//	GOLIVE_WRK=1 GOLIVE_TEST_DATABASE_URL='postgres://root@127.0.0.1:5432/test?sslmode=disable' \
//	GOLIVE_TEST_REDIS_URL='redis://127.0.0.1:6379/0' go test -count=1 -v -timeout 20m -run TestWrkModerationMatrix ./cmd/golive/
//
// GOLIVE_WRK_ARGS replaces the load (default "-t2 -c16 -d20s"). Needs wrk on the PATH.
func TestWrkModerationMatrix(t *testing.T) {
	if os.Getenv("GOLIVE_WRK") == "" {
		t.Skip("load test: set GOLIVE_WRK=1 (and GOLIVE_TEST_DATABASE_URL for PostgreSQL) to seed the 8×60×6 moderation matrix and run wrk against the API")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Fatal("GOLIVE_WRK is set but wrk is not on the PATH")
	}
	load := strings.Fields(os.Getenv("GOLIVE_WRK_ARGS"))
	if len(load) == 0 {
		load = []string{"-t2", "-c16", "-d20s"}
	}
	s := startServer(t, nil)
	a := s.App
	start := time.Now()
	m, err := evaltest.Build(context.Background(), evaltest.Services{DB: a.DB, Tenants: a.Tenants, Lots: a.Lots, Eval: a.Eval}, evaltest.Issue5, "wrk")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("database %s; matrix built through the services in %s", a.DB.Dialect, time.Since(start).Round(time.Second))
	token := s.apiToken(t, m.LeadEmail)
	base := "/api/v1/evaluations/lots/" + m.Lot.ID

	// Every path must answer 200 before it is measured: wrk counts a 404 as a request too.
	var paths []string
	for _, q := range m.Questions {
		paths = append(paths, base+"/questions/"+q.ID+"/moderation")
	}
	for _, p := range []string{paths[0], base + "/results"} {
		if resp, body := s.api(t, "GET", strings.TrimPrefix(p, "/api/v1"), token, nil, nil); resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", p, resp.StatusCode, body)
		}
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "rotate.lua")
	var lua strings.Builder
	lua.WriteString("-- each request asks for the next question's moderation\npaths = {\n")
	for _, p := range paths {
		fmt.Fprintf(&lua, "  %q,\n", p)
	}
	lua.WriteString("}\ni = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n")
	if err := os.WriteFile(script, []byte(lua.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, run := range []struct{ name, url string }{
		{"moderation of one question (rotating over 60)", s.URL + paths[0]},
		{"results of the lot", s.URL + base + "/results"},
	} {
		// A 10 s timeout keeps slow answers in the latency figures instead of dropping them.
		args := append(append([]string{}, load...), "--latency", "--timeout", "10s", "-H", "Authorization: Bearer "+token)
		if strings.Contains(run.name, "rotating") {
			args = append(args, "-s", script)
		}
		args = append(args, run.url)
		out, err := exec.Command(wrk, args...).CombinedOutput()
		report := strings.ReplaceAll(string(out), token, "glv_…")
		t.Logf("wrk %s — %s:\n%s", strings.Join(load, " "), run.name, report)
		if err != nil {
			t.Fatalf("wrk: %v", err)
		}
		var connect, read, write, timeout int
		if i := strings.Index(report, "Socket errors:"); i >= 0 {
			fmt.Sscanf(report[i:], "Socket errors: connect %d, read %d, write %d, timeout %d", &connect, &read, &write, &timeout)
		}
		if strings.Contains(report, "Non-2xx or 3xx responses") || connect+read+write > 0 {
			t.Errorf("%s: some requests failed (see the report)", run.name)
		}
	}
}
