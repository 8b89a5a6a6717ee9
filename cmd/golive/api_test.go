package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
)

// TestOpenAPIListsExactlyTheServedRoutes fails when a route is missing from the document or the
// document names a route that does not exist.
func TestOpenAPIListsExactlyTheServedRoutes(t *testing.T) {
	s := startServer(t, nil)
	resp, raw := s.api(t, "GET", "/openapi.json", "", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("openapi.json: %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" /api/v1"+p] = true
		}
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	served := map[string]bool{}
	for _, r := range s.App.Fiber.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1") || r.Method == "HEAD" {
			continue
		}
		served[r.Method+" "+param.ReplaceAllString(strings.TrimSuffix(r.Path, "/"), "{$1}")] = true
	}
	var missing, extra []string
	for r := range served {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !served[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("served but not documented: %v\ndocumented but not served: %v", missing, extra)
	}
	if len(served) < 10 {
		t.Fatalf("only %d API routes served: the route listing is broken", len(served))
	}
}

type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field, Pointer, Detail string
	} `json:"errors"`
}

// TestBadInputGetsAClearProblemNeverA500 sends the API what a careless or hostile client might.
func TestBadInputGetsAClearProblemNeverA500(t *testing.T) {
	s := startServer(t, nil)
	token := s.apiToken(t, "admin@medway-ccg.test")
	cases := []struct {
		name, method, path, body string
		status                   int
		field                    string // a field the problem must name
	}{
		{"malformed JSON", "POST", "/invitations", `{"email": "a@b.test",`, 422, ""},
		{"not JSON at all", "POST", "/invitations", `email=a@b.test`, 422, ""},
		{"wrong type", "POST", "/invitations", `{"email": 42, "name": "A", "roles": ["observer"]}`, 422, "email"},
		{"unknown field", "POST", "/invitations", `{"email": "a@b.test", "name": "A", "roles": ["observer"], "admin": true}`, 422, "admin"},
		{"missing fields", "POST", "/invitations", `{}`, 422, "email"},
		{"bad email", "POST", "/invitations", `{"email": "not an email", "name": "A", "roles": ["observer"]}`, 422, "email"},
		{"role a CCG cannot grant", "POST", "/invitations", `{"email": "x@medway-ccg.test", "name": "A", "roles": ["bidder"]}`, 422, "roles"},
		{"two objects", "POST", "/tokens", `{"name": "a"}{"name": "b"}`, 422, ""},
		{"array instead of object", "POST", "/tokens", `[1,2,3]`, 422, ""},
		{"null", "POST", "/tokens", `null`, 422, "name"},
		{"unknown id", "GET", "/users/01a20000-0000-7000-8000-000000000000", "", 404, ""},
		{"id that is not an id", "GET", "/users/'; DROP TABLE users;--", "", 404, ""},
		{"unknown route", "GET", "/no-such-thing", "", 404, ""},
		{"wrong method", "PUT", "/tokens", `{}`, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if strings.Contains(path, "'") {
				path = "/users/" + url.PathEscape(strings.TrimPrefix(path, "/users/"))
			}
			var body any
			if c.body != "" {
				body = c.body
			}
			resp, raw := s.api(t, c.method, path, token, body, nil)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, raw)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Fatalf("content type %q", ct)
			}
			var p problem
			if err := json.Unmarshal(raw, &p); err != nil || p.Status != c.status || p.Title == "" || p.Detail == "" {
				t.Fatalf("not a problem document: %s", raw)
			}
			if c.field != "" {
				found := false
				for _, e := range p.Errors {
					found = found || (e.Field == c.field && e.Detail != "")
				}
				if !found {
					t.Fatalf("no message for field %q: %s", c.field, raw)
				}
			}
		})
	}
	// Nothing above created an invitation.
	var users struct {
		Invitations []any `json:"invitations"`
	}
	s.api(t, "GET", "/users", token, nil, &users)
	if len(users.Invitations) != 0 {
		t.Fatalf("bad requests left %d invitations behind", len(users.Invitations))
	}
}

// TestAnOversizedBodyIsRefusedBeforeItIsRead announces a 3 MB body and gets 413 as
// problem+json without sending it: the server does not read what it will not accept.
func TestAnOversizedBodyIsRefusedBeforeItIsRead(t *testing.T) {
	s := startServer(t, nil)
	token := s.apiToken(t, "lead@medway-ccg.test")
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/tokens HTTP/1.1\r\nHost: golive\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\n\r\n{\"name\":\"", token)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestAnAPICallWithoutOrWithABadTokenIsRefused(t *testing.T) {
	s := startServer(t, nil)
	for name, h := range map[string]string{"no token": "", "unknown token": "glv_nonsense", "not bearer": "Basic abc"} {
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/me", nil)
		if h != "" {
			if strings.HasPrefix(h, "glv_") {
				h = "Bearer " + h
			}
			req.Header.Set("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d, want 401 with WWW-Authenticate", name, resp.StatusCode)
		}
	}
	// A session cookie does not work on the API: only bearer tokens, so no CSRF on the API.
	b := s.browser(t)
	b.signIn("lead@medway-ccg.test")
	resp, err := b.c.Get(s.URL + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("the API accepted a session cookie: %d", resp.StatusCode)
	}
}

func TestPagesCheckTheFormTokenAndSetSafeHeaders(t *testing.T) {
	s := startServer(t, nil)
	b := s.browser(t)
	b.signIn("admin@medway-ccg.test")
	resp, body := b.post("/admin/users/invite", url.Values{"csrf": {"forged"}, "email": {"x@medway-ccg.test"}, "name": {"X"}, "roles": {"observer"}})
	if resp.StatusCode != 403 || !strings.Contains(body, "form has expired") {
		t.Fatalf("a forged form token: %d", resp.StatusCode)
	}
	resp, _ = b.c.Get(s.URL + "/")
	resp.Body.Close()
	for h, want := range map[string]string{"Content-Security-Policy": "script-src 'self'", "X-Content-Type-Options": "nosniff"} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, resp.Header.Get(h), want)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("pages can be framed")
	}
	for _, c := range b.c.Jar.Cookies(mustURL(s.URL)) {
		if c.Name == "golive_session" {
			return // HttpOnly is not visible through the jar; checked on the raw header below
		}
	}
	t.Fatal("no session cookie")
}

// TestThePlatformAdminCanDriveTheJobMonitor: asynqmon's own same-origin requests get through
// (it has no CSRF token of ours), a cross-site one does not, and nobody else reaches it.
func TestThePlatformAdminCanDriveTheJobMonitor(t *testing.T) {
	s := startServer(t, nil)
	b := s.browser(t)
	b.signIn("admin@golive.test")
	do := func(origin string) int {
		req, _ := http.NewRequest("POST", s.URL+"/platform/jobs/monitor/api/queues/default:pause", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := do(s.URL); st >= 300 {
		t.Fatalf("same-origin pause from the monitor: %d", st)
	}
	if st := do("https://evil.example"); st != 403 {
		t.Fatalf("cross-site pause: %d, want 403", st)
	}
	lead := s.browser(t)
	lead.signIn("lead@medway-ccg.test")
	req, _ := http.NewRequest("POST", s.URL+"/platform/jobs/monitor/api/queues/default:resume", nil)
	req.Header.Set("Origin", s.URL)
	resp, err := lead.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("a procurement lead driving the job monitor: %d", resp.StatusCode)
	}
}

func TestSignInCookieIsHttpOnlyAndLax(t *testing.T) {
	s := startServer(t, nil)
	b := s.browser(t)
	b.get("/sign-in")
	resp, _ := b.post("/sign-in", url.Values{"email": {"lead@medway-ccg.test"}, "password": {"golive-demo-2026"}})
	sc := strings.Join(resp.Header.Values("Set-Cookie"), "; ")
	if !strings.Contains(sc, "golive_session=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(strings.ToLower(sc), "samesite=lax") {
		t.Fatalf("session cookie: %s", sc)
	}
	if strings.Contains(sc, "Secure") {
		t.Fatal("Secure cookie over http: the browser would drop it")
	}
}

func TestWrongPasswordShowsTheErrorBesideTheField(t *testing.T) {
	s := startServer(t, nil)
	b := s.browser(t)
	b.get("/sign-in")
	resp, body := b.post("/sign-in", url.Values{"email": {"lead@medway-ccg.test"}, "password": {"wrong"}})
	if resp.StatusCode != 401 || !strings.Contains(body, "nhsuk-error-summary") || !strings.Contains(body, `href="#email"`) || !strings.Contains(body, `id="email-error"`) {
		t.Fatalf("%d\n%s", resp.StatusCode, body)
	}
	resp, body = b.post("/sign-in", url.Values{"email": {""}, "password": {""}})
	if resp.StatusCode != 422 || !strings.Contains(body, `id="password-error"`) {
		t.Fatalf("empty form: %d", resp.StatusCode)
	}
}

// TestInvitationArrivesBySMTPAndItsLinkMakesAnAccount runs the whole journey through a real
// SMTP server: the admin invites on the page, the worker sends the mail, the link works once.
func TestInvitationArrivesBySMTPAndItsLinkMakesAnAccount(t *testing.T) {
	// go-mail ends with RSET; without MultipleMessageReceiving the mock forgets the message then.
	mock := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
	if err := mock.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mock.Stop() })
	s := startServer(t, map[string]string{"GOLIVE_SMTP_URL": fmt.Sprintf("smtp://127.0.0.1:%d", mock.PortNumber())})
	admin := s.browser(t)
	admin.signIn("admin@medway-ccg.test")
	admin.get("/admin/users/invite")
	resp, body := admin.post("/admin/users/invite", url.Values{"email": {"clinician@medway-ccg.test"}, "name": {"Dr Clin"}, "roles": {"evaluator"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Invitation sent") {
		t.Fatalf("invite: %d\n%s", resp.StatusCode, body)
	}
	var msg string
	waitFor(t, "the invitation to reach the SMTP server", func() bool {
		for _, m := range mock.Messages() {
			if m.Msg() && strings.Contains(fmt.Sprint(m.RcpttoRequestResponse()), "clinician@medway-ccg.test") {
				msg = m.MsgRequest()
				return true
			}
		}
		return false
	})
	link := regexp.MustCompile(`/invitations/([A-Za-z0-9_-]+)`).FindStringSubmatch(strings.ReplaceAll(msg, "=\r\n", ""))
	if link == nil {
		t.Fatalf("no link in the mail:\n%s", msg)
	}
	newcomer := s.browser(t)
	if st, page := newcomer.get("/invitations/" + link[1]); st != 200 || !strings.Contains(page, "NHS Medway CCG") {
		t.Fatalf("invitation page: %d", st)
	}
	resp, _ = newcomer.post("/invitations/"+link[1], url.Values{"name": {"Dr Clin"}, "password": {"a good long password"}, "confirm": {"a good long password"}})
	if resp.StatusCode != 200 {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	if st, _ := newcomer.get("/invitations/" + link[1]); st != 404 {
		t.Fatalf("the link works twice: %d", st)
	}
	newcomer.get("/sign-in")
	resp, _ = newcomer.post("/sign-in", url.Values{"email": {"clinician@medway-ccg.test"}, "password": {"a good long password"}})
	if resp.StatusCode != 303 {
		t.Fatalf("the new account cannot sign in: %d", resp.StatusCode)
	}
	if n := len(mock.Messages()); n != 1 {
		t.Fatalf("%d mails sent, want exactly 1", n)
	}
	platform := s.browser(t)
	platform.signIn("admin@golive.test")
	if _, m := platform.get("/metrics"); !strings.Contains(m, `golive_jobs_total{outcome="ok",type="mail:send"} 1`) {
		t.Errorf("the job count is not in /metrics")
	}
}

func TestAPITokenCreatedOnThePageWorksUntilRevoked(t *testing.T) {
	s := startServer(t, nil)
	token := s.apiToken(t, "bids@estuary-urgent-care.test")
	var me struct {
		Email        string `json:"email"`
		Organisation struct{ Name, Kind string }
		Roles        []string `json:"roles"`
	}
	resp, raw := s.api(t, "GET", "/me", token, nil, &me)
	if resp.StatusCode != 200 || me.Email != "bids@estuary-urgent-care.test" || me.Organisation.Kind != "provider" || len(me.Roles) != 1 || me.Roles[0] != "bidder" {
		t.Fatalf("me: %d %s", resp.StatusCode, raw)
	}
	var list struct {
		Tokens []struct{ ID, Prefix, Token string }
	}
	s.api(t, "GET", "/tokens", token, nil, &list)
	if len(list.Tokens) != 1 || list.Tokens[0].Token != "" || !strings.HasPrefix(token, list.Tokens[0].Prefix) {
		t.Fatalf("token list shows %+v", list.Tokens)
	}
	if resp, _ := s.api(t, "DELETE", "/tokens/"+list.Tokens[0].ID, token, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := s.api(t, "GET", "/me", token, nil, nil); resp.StatusCode != 401 {
		t.Fatalf("a revoked token: %d", resp.StatusCode)
	}
}

func TestProbesAndMetrics(t *testing.T) {
	s := startServer(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
	b := s.browser(t)
	b.signIn("lead@medway-ccg.test")
	_, body := b.get("/metrics")
	for _, want := range []string{`golive_http_requests_total{method="POST",route="/sign-in",status="303"} 1`, "golive_http_request_duration_seconds_bucket"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Redis gone: not ready.
	s.App.Redis.Close()
	resp, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("readyz with Redis closed: %d, want 503", resp.StatusCode)
	}
}

func TestBadConfigurationStopsStartUpWithAClearMessage(t *testing.T) {
	cases := map[string]map[string]string{
		"GOLIVE_ADDR":          {"GOLIVE_ADDR": "8080"},
		"GOLIVE_DATABASE_URL":  {"GOLIVE_DATABASE_URL": "mysql://x"},
		"GOLIVE_REDIS_URL":     {"GOLIVE_REDIS_URL": "localhost:6379"},
		"GOLIVE_SECRET_KEY":    {"GOLIVE_SECRET_KEY": "short"},
		"GOLIVE_BASE_URL":      {"GOLIVE_BASE_URL": "golive.example"},
		"GOLIVE_SMTP_URL":      {"GOLIVE_SMTP_URL": "mail.example:25"},
		"GOLIVE_METRICS_TOKEN": {"GOLIVE_METRICS_TOKEN": "guessable"},
		// A host name is not an address: the bad entry is named among the good ones.
		"GOLIVE_TRUSTED_PROXIES":      {"GOLIVE_TRUSTED_PROXIES": "10.0.0.7, proxy.internal, 10.0.0.0/8"},
		"GOLIVE_SIGNIN_ADDRESS_LIMIT": {"GOLIVE_SIGNIN_ADDRESS_LIMIT": "lots"},
		"zero address limit":          {"GOLIVE_SIGNIN_ADDRESS_LIMIT": "0"},
		"shared key":                  {"GOLIVE_DATABASE_URL": "postgres://x@127.0.0.1/db", "GOLIVE_REDIS_URL": "redis://127.0.0.1:6379/0"},
		"shared redis":                {"GOLIVE_DATABASE_URL": "postgres://x@127.0.0.1/db", "GOLIVE_SECRET_KEY": strings.Repeat("ab", 32)},
		"GOLIVE_OLD_SECRET_KEY":       {"GOLIVE_OLD_SECRET_KEY": "0123"},
		// Profiles are for this machine: every interface, or a host name, is refused.
		"GOLIVE_PPROF_ADDR":           {"GOLIVE_PPROF_ADDR": "0.0.0.0:6060"},
		"profiles on every interface": {"GOLIVE_PPROF_ADDR": ":6060"},
		"profiles on a host name":     {"GOLIVE_PPROF_ADDR": "golive.internal:6060"},
		"old key is the key":          {"GOLIVE_SECRET_KEY": strings.Repeat("ab", 32), "GOLIVE_OLD_SECRET_KEY": strings.Repeat("ab", 32)},
	}
	for name, env := range cases {
		err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, os.Stdout)
		want := name
		switch name {
		case "shared key":
			want = "GOLIVE_SECRET_KEY must be set"
		case "shared redis":
			want = "GOLIVE_REDIS_URL must be set"
		case "zero address limit":
			want = `GOLIVE_SIGNIN_ADDRESS_LIMIT "0" must be a whole number from 1`
		case "old key is the key":
			want = "GOLIVE_OLD_SECRET_KEY is the same as GOLIVE_SECRET_KEY"
		case "GOLIVE_TRUSTED_PROXIES":
			want = `GOLIVE_TRUSTED_PROXIES entry "proxy.internal" is not an IP address`
		case "profiles on every interface":
			want = `GOLIVE_PPROF_ADDR ":6060" must be a loopback host:port`
		case "profiles on a host name":
			want = `GOLIVE_PPROF_ADDR "golive.internal:6060" must be a loopback host:port`
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, cmd := range []string{"serve", "worker", "migrate", "demo", "audit", "backup", "restore", "keys"} {
		var out strings.Builder
		err := run(context.Background(), []string{cmd, "--help"}, func(string) string { return "" }, &out)
		if err == nil || !strings.Contains(out.String(), "golive "+cmd) {
			t.Errorf("%s --help: %v %q", cmd, err, out.String())
		}
	}
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

var _ = time.Second
