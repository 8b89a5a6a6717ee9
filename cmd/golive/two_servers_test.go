package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	demodata "golive/demo"

	"github.com/redis/go-redis/v9"

	"golive/database/dbtest"
	"golive/tenants"
)

// The two-process test runs this test binary again as each `golive serve` (TestServeProcess), so
// that the processes share nothing but the database and Redis, as in production.
const serveChildEnv = "GOLIVE_TEST_SERVE_PROCESS"

// TestServeProcess is not a test of its own: it is a `golive serve` process that
// TestRoleChangesAndSignInLimitsReachEveryServeProcessWhateverRedisDoes starts.
func TestServeProcess(t *testing.T) {
	if os.Getenv(serveChildEnv) == "" {
		t.Skip("a serve process of TestRoleChangesAndSignInLimitsReachEveryServeProcessWhateverRedisDoes; runs only as its child")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The parent holds our standard input open: when it ends, however it ends, so do we.
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	if err := run(ctx, []string{"serve"}, os.Getenv, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

// serveProcess is one `golive serve` started by startServeProcess.
type serveProcess struct {
	name string
	url  string
	cmd  *exec.Cmd
	out  *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startServeProcess(t *testing.T, name string, env map[string]string) *serveProcess {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &serveProcess{name: name, url: "http://" + addr, out: &lockedBuffer{}}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestServeProcess$", "-test.count=1", "-test.timeout=20m")
	p.cmd.Env = append(os.Environ(), serveChildEnv+"=1", "GOLIVE_ADDR="+addr, "GOLIVE_BASE_URL="+p.url)
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	stdin, err := p.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("serve process %s (pid %d) said:\n%s", p.name, p.cmd.Process.Pid, p.out.String())
		}
	})
	// Starting applies migrations and loads the rules: generous on a loaded machine.
	pollUntil(t, "serve process "+name+" to be ready", 2*time.Minute, func() bool { return p.ready() })
	return p
}

// ready is /readyz: the process answers and reaches both the database and Redis.
func (p *serveProcess) ready() bool {
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(p.url + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// pollUntil polls cond until it holds and returns how long that took, failing at the deadline.
func pollUntil(t *testing.T, what string, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

// withSession is a client that sends a session cookie to one process, whichever made it.
func withSession(t *testing.T, p *serveProcess, cookie string) func(path string) int {
	return func(path string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, p.url+path, nil)
		req.AddCookie(&http.Cookie{Name: tenants.SessionCookie, Value: cookie})
		c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s on %s: %v", path, p.name, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
}

// sessionCookie is the session a browser signed in on its process holds.
func sessionCookie(t *testing.T, b *browser) string {
	t.Helper()
	u, _ := url.Parse(b.s.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == tenants.SessionCookie {
			return c.Value
		}
	}
	t.Fatal("no session cookie after signing in")
	return ""
}

// TestRoleChangesAndSignInLimitsReachEveryServeProcessWhateverRedisDoes runs two real serve
// processes on one PostgreSQL database and one Redis of the test's own, which it restarts, flushes
// and stops. A role removed on one process must be refused by the other within the documented
// bound (tenants.ChangeBound) each time. The deadline each wait fails at is that bound plus a
// margin for a loaded machine (two cores shared with other work: a request alone can take
// seconds), and each wait logs how long it took: the bound itself rests on the check interval,
// which TestEveryProcessChecksWellWithinTheDocumentedBound holds inside it.
func TestRoleChangesAndSignInLimitsReachEveryServeProcessWhateverRedisDoes(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("needs PostgreSQL (GOLIVE_TEST_DATABASE_URL): two serve processes share one database, " +
			"which the embedded SQLite of this pass is not for; it runs on the PostgreSQL pass")
	}
	rds := dbtest.StartRedisServer(t)
	dbURL, dataDir := dbtest.URL(t)
	const addressLimit = 6
	env := map[string]string{"GOLIVE_DATABASE_URL": dbURL, "GOLIVE_REDIS_URL": rds.URL(), "GOLIVE_DATA_DIR": dataDir,
		"GOLIVE_SECRET_KEY": strings.Repeat("cd", 32), "GOLIVE_LOG_LEVEL": "warn",
		"GOLIVE_SIGNIN_ADDRESS_LIMIT": fmt.Sprint(addressLimit)}
	runDemo(t, func(k string) string { return env[k] })
	a := startServeProcess(t, "A", env)
	b := startServeProcess(t, "B", env)
	onA, onB := &server{URL: a.url}, &server{URL: b.url}
	margin := 25 * time.Second

	// A session made on A works on B, and the other way round; so does an API token.
	evA := onA.browser(t)
	evA.signIn("evaluator@medway-ccg.test")
	evSession := sessionCookie(t, evA)
	evOnA, evOnB := withSession(t, a, evSession), withSession(t, b, evSession)
	if st := evOnB("/evaluations"); st != http.StatusOK {
		t.Fatalf("the evaluator's session from A on B: %d, want 200", st)
	}
	leadB := onB.browser(t)
	leadB.signIn("lead@medway-ccg.test")
	if st := withSession(t, a, sessionCookie(t, leadB))("/procurements"); st != http.StatusOK {
		t.Fatalf("the lead's session from B on A: %d, want 200", st)
	}
	evToken := onA.apiToken(t, "evaluator@medway-ccg.test")
	var me tenants.MeJSON
	if resp, body := onB.api(t, "GET", "/me", evToken, nil, &me); resp.StatusCode != http.StatusOK {
		t.Fatalf("the evaluator's API token from A on B: %d %s", resp.StatusCode, body)
	}
	admin := onA.apiToken(t, "admin@medway-ccg.test")
	setRoles := func(on *server, active bool, roles ...string) {
		t.Helper()
		body := map[string]any{"roles": roles, "active": active}
		if resp, raw := on.api(t, "PATCH", "/users/"+me.ID, admin, body, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("PATCH the evaluator's roles to %v on %s: %d %s", roles, on.URL, resp.StatusCode, raw)
		}
	}
	refusedOnB := func(when string) {
		t.Helper()
		took := pollUntil(t, "B to refuse the evaluator "+when, tenants.ChangeBound+margin, func() bool { return evOnB("/evaluations") == http.StatusForbidden })
		t.Logf("B refused the removed role %s after %v (documented bound %v)", when, took.Round(time.Millisecond), tenants.ChangeBound)
	}
	admittedOnB := func(when string) {
		t.Helper()
		took := pollUntil(t, "B to admit the evaluator "+when, tenants.ChangeBound+margin, func() bool { return evOnB("/evaluations") == http.StatusOK })
		t.Logf("B admitted the restored role %s after %v", when, took.Round(time.Millisecond))
	}

	// 1. Redis restarts empty; the very next change is a removal, made on A.
	rds.Restart()
	pollUntil(t, "both processes to reach the restarted Redis", time.Minute, func() bool { return a.ready() && b.ready() })
	setRoles(onA, true, "observer")
	if st := evOnA("/evaluations"); st != http.StatusForbidden {
		t.Fatalf("A, which removed the role, still admits the evaluator: %d", st)
	}
	refusedOnB("just after Redis restarted")

	// 2. Redis loses its data (FLUSHALL) while running: the role comes back, and goes again.
	flush := redis.NewClient(&redis.Options{Addr: rds.Addr})
	t.Cleanup(func() { flush.Close() })
	if err := flush.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	setRoles(onA, true, "evaluator")
	admittedOnB("after FLUSHALL")
	if err := flush.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	setRoles(onA, true, "observer")
	refusedOnB("after another FLUSHALL")

	// 3. Redis is down: the change is made on A and reaches B by B's own check of the database.
	setRoles(onA, true, "evaluator")
	admittedOnB("before Redis stopped")
	rds.Stop()
	setRoles(onA, true, "observer")
	refusedOnB("while Redis is down")
	rds.Start()
	pollUntil(t, "both processes to reach Redis again", time.Minute, func() bool { return a.ready() && b.ready() })

	// 4. Deactivated on A: the session and the API token are refused on B at once (both are
	// checked against the database on every request, so no wait is needed).
	setRoles(onA, true, "evaluator")
	admittedOnB("before deactivation")
	setRoles(onA, false, "evaluator")
	if st := evOnB("/evaluations"); st != http.StatusSeeOther && st != http.StatusUnauthorized {
		t.Fatalf("a deactivated user's session on B: %d, want sent to sign in", st)
	}
	if resp, body := onB.api(t, "GET", "/me", evToken, nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a deactivated user's API token on B: %d %s, want 401", resp.StatusCode, body)
	}

	// 5. Sign-in limits are shared. Successes never count: twice the address limit, alternately.
	browsers := map[*serveProcess]*browser{a: onA.browser(t), b: onB.browser(t)}
	signIn := func(p *serveProcess, email, password string) (int, string) {
		t.Helper()
		br := browsers[p]
		br.get("/sign-in")
		resp, body := br.post("/sign-in", url.Values{"email": {email}, "password": {password}})
		if resp.StatusCode == http.StatusSeeOther { // signed in: sign out again, keeping the browser
			br.get("/")
			br.post("/sign-out", nil)
		}
		return resp.StatusCode, body
	}
	for i := 0; i < 2*addressLimit; i++ {
		p := []*serveProcess{a, b}[i%2]
		if st, body := signIn(p, "observer@medway-ccg.test", demodata.Password); st != http.StatusSeeOther {
			t.Fatalf("successful sign-in %d from one address (on %s): %d\n%s", i+1, p.name, st, firstLine(body))
		}
	}
	// Failures on one account, some on each process, lock it on both.
	for i := 0; i < tenants.MaxAccountFailures; i++ {
		p := []*serveProcess{a, b}[i%2]
		if st, _ := signIn(p, "approver@medway-ccg.test", "not the password"); st != http.StatusUnauthorized {
			t.Fatalf("failure %d on %s: %d, want 401", i+1, p.name, st)
		}
	}
	for _, p := range []*serveProcess{a, b} {
		if st, body := signIn(p, "approver@medway-ccg.test", demodata.Password); st != http.StatusTooManyRequests || !strings.Contains(body, "This account is locked") {
			t.Fatalf("the right password on %s after failures on both: %d, want 429 locked", p.name, st)
		}
	}
	// The address has failed MaxAccountFailures times; failures for other accounts on B make
	// up the limit, and A refuses the address.
	for i := tenants.MaxAccountFailures; i < addressLimit; i++ {
		if st, _ := signIn(b, fmt.Sprintf("nobody%d@example.test", i), "x"); st != http.StatusUnauthorized {
			t.Fatalf("failure %d from the address on B: %d, want 401", i+1, st)
		}
	}
	if st, body := signIn(a, "observer@medway-ccg.test", demodata.Password); st != http.StatusTooManyRequests || !strings.Contains(body, "from your network") {
		t.Fatalf("a right password on A from an address that failed %d times across A and B: %d, want 429 from your network", addressLimit, st)
	}
}

func firstLine(s string) string {
	line, _, _ := bufio.NewReader(strings.NewReader(s)).ReadLine()
	return string(line)
}
