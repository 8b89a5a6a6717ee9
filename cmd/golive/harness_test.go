package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golive/database/dbtest"
	demodata "golive/demo"
	"golive/web"
)

// server is golive started for real on a loopback port, with the demo loaded and the worker running.
type server struct {
	URL string
	App *App
}

// operatorEnv is the environment an operator's commands (`golive demo`, `audit verify`) run in
// against this test's database and Redis: the map, for a test to add to, and the getenv reading it.
func operatorEnv(t *testing.T) (Config, map[string]string, func(string) string) {
	t.Helper()
	cfg := testConfig(t, nil)
	env := map[string]string{"GOLIVE_DATA_DIR": cfg.DataDir, "GOLIVE_DATABASE_URL": cfg.DatabaseURL, "GOLIVE_REDIS_URL": cfg.RedisURL}
	if cfg.DatabaseURL != "" {
		env["GOLIVE_SECRET_KEY"] = strings.Repeat("ab", 32)
	}
	return cfg, env, func(k string) string { return env[k] }
}

// runDemo runs `golive demo` in that environment and returns what it printed.
func runDemo(t *testing.T, getenv func(string) string) string {
	t.Helper()
	var out strings.Builder
	if err := run(context.Background(), []string{"demo"}, getenv, &out); err != nil {
		t.Fatalf("golive demo: %v\n%s", err, out.String())
	}
	return out.String()
}

// parallelTests remembers the tests runBeside has let run in parallel: t.Parallel may be called
// once per test, and a test may make more than one configuration.
var parallelTests sync.Map

// runBeside lets an end-to-end test run beside the others (up to go test's -parallel, the number
// of cores by default). Each has its own database, Redis and port, and no test changes anything
// process-wide, so they share nothing; most of their time is the server, the worker and the
// database working, which the other core can do for another test meanwhile. Every test that
// starts a server or runs a command comes through testConfig, so this is done there once.
func runBeside(t testing.TB) {
	tt, ok := t.(*testing.T)
	if !ok {
		return // a benchmark runs alone: its figures are the machine's, not shared with a test's
	}
	if _, seen := parallelTests.LoadOrStore(tt, true); !seen {
		tt.Parallel()
	}
}

func testConfig(t testing.TB, extra map[string]string) Config {
	t.Helper()
	if tt, ok := t.(*testing.T); ok {
		runBeside(tt)
	}
	dbURL, dir := dbtest.URL(t)
	env := map[string]string{"GOLIVE_DATA_DIR": dir, "GOLIVE_ADDR": "127.0.0.1:0", "GOLIVE_LOG_LEVEL": "error"}
	if dbURL != "" {
		env["GOLIVE_DATABASE_URL"] = dbURL
		env["GOLIVE_REDIS_URL"] = dbtest.RedisURL(t)
		env["GOLIVE_SECRET_KEY"] = strings.Repeat("ab", 32)
	}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func startServer(t testing.TB, extra map[string]string) *server {
	t.Helper()
	cfg := testConfig(t, extra)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	ctx := context.Background()
	var logOut io.Writer = io.Discard
	if os.Getenv("GOLIVE_TEST_LOG") != "" {
		logOut = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := demodata.LoadPeople(ctx, a.Tenants); err != nil {
		t.Fatal(err)
	}
	w, err := a.newWorker()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	go a.Fiber.Listener(web.Lingering(ln))
	t.Cleanup(func() {
		_ = a.Fiber.ShutdownWithTimeout(5 * time.Second)
		w.Shutdown()
		a.Close()
	})
	return &server{URL: cfg.BaseURL, App: a}
}

// browser is a cookie-keeping client that does not follow redirects, so tests see them.
type browser struct {
	t    testing.TB
	s    *server
	c    *http.Client
	csrf string
}

func (s *server) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and remembers its CSRF token.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.s.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

// post submits a form with the remembered CSRF token.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	resp, err := b.c.PostForm(b.s.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp, string(body)
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	b.get("/sign-in")
	resp, body := b.post("/sign-in", url.Values{"email": {email}, "password": {demodata.Password}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		b.t.Fatalf("sign in as %s: %d %s\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	b.get("/")
}

// apiToken creates an API token for a demo user through the service.
func (s *server) apiToken(t testing.TB, email string) string {
	t.Helper()
	b := s.browser(t)
	b.signIn(email)
	_, body := b.post("/account/tokens", url.Values{"name": {"test"}})
	m := regexp.MustCompile(`id="new-token">(glv_[A-Za-z0-9_-]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no token shown after creating one:\n%s", body)
	}
	return m[1]
}

// api calls /api/v1 with a bearer token (or none) and decodes the JSON answer into out.
func (s *server) api(t *testing.T, method, path, token string, body any, out any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(v)
	case string:
		rd = strings.NewReader(v)
	default:
		j, _ := json.Marshal(v)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, s.URL+"/api/v1"+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp, raw
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

var _ = fmt.Sprint
