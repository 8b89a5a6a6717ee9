package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// forwardedFor is a reverse proxy in front of golive, as seen by golive: every request arrives
// with the X-Forwarded-For the proxy passed on (what the client wrote, then the client's address).
type forwardedFor struct{ xff string }

func (f *forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.xff)
	return http.DefaultTransport.RoundTrip(r)
}

// behindProxy is a browser whose requests reach golive through a proxy with the given header.
func (s *server) behindProxy(t *testing.T, xff string) (*browser, *forwardedFor) {
	b := s.browser(t)
	f := &forwardedFor{xff: xff}
	b.c.Transport = f
	b.get("/sign-in")
	return b, f
}

// failSignIns makes n sign-in attempts with wrong passwords for different unknown accounts, so
// that only the per-address limit can stop them, and returns the last answer.
func failSignIns(b *browser, n int) (int, string) {
	var status int
	var body string
	for i := 0; i < n; i++ {
		resp, page := b.post("/sign-in", url.Values{"email": {fmt.Sprintf("nobody%d@example.test", i)}, "password": {"not the password"}})
		status, body = resp.StatusCode, page
		if status != http.StatusUnauthorized {
			break
		}
	}
	return status, body
}

const tooManyFromNetwork = "Too many failed attempts to sign in from your network"

// addressLimit is the per-address limit these servers run with (GOLIVE_SIGNIN_ADDRESS_LIMIT),
// small so that the tests reach it quickly.
const addressLimit = 10

var limitEnv = map[string]string{"GOLIVE_SIGNIN_ADDRESS_LIMIT": "10"}

func TestBehindATrustedProxyEachForwardedClientHasItsOwnSignInLimit(t *testing.T) {
	s := startServer(t, map[string]string{"GOLIVE_TRUSTED_PROXIES": "127.0.0.1", "GOLIVE_SIGNIN_ADDRESS_LIMIT": "10"})

	// An attacker behind the proxy, writing its own X-Forwarded-For entry in front of the one
	// the proxy appends.
	attacker, proxy := s.behindProxy(t, "6.6.6.6, 203.0.113.7")
	if status, body := failSignIns(attacker, addressLimit); status != http.StatusUnauthorized {
		t.Fatalf("the attacker's first %d attempts: %d, want 401 each\n%s", addressLimit, status, body)
	}
	if status, body := failSignIns(attacker, 1); status != http.StatusTooManyRequests || !strings.Contains(body, tooManyFromNetwork) {
		t.Fatalf("attempt %d from 203.0.113.7: %d, want 429 %q", addressLimit+1, status, tooManyFromNetwork)
	}
	// Changing the entry the client writes does not make a new address.
	proxy.xff = "7.7.7.7, 203.0.113.7"
	if status, _ := failSignIns(attacker, 1); status != http.StatusTooManyRequests {
		t.Errorf("with another forged entry in front: %d, want 429 still", status)
	}

	// Another person behind the same proxy signs in as usual, and is recorded at their address.
	colleague, _ := s.behindProxy(t, "203.0.113.8")
	colleague.signIn("lead@medway-ccg.test")
	var ip, summary string
	s.App.DB.Gorm.Raw(`SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?`, "lead@medway-ccg.test").Scan(&ip)
	if ip != "203.0.113.8" {
		t.Errorf("the session was recorded from %q, want the forwarded client 203.0.113.8", ip)
	}
	s.App.DB.Gorm.Raw(`SELECT e.summary FROM audit_events e JOIN users u ON u.id = e.actor_user_id
		WHERE u.email = ? AND e.action = 'user.signed_in'`, "lead@medway-ccg.test").Scan(&summary)
	if !strings.Contains(summary, "203.0.113.8") {
		t.Errorf("the sign-in audit event says %s, want the forwarded client 203.0.113.8", summary)
	}
}

func TestWithNoProxyTrustedAForwardedForHeaderDoesNotEscapeTheSignInLimit(t *testing.T) {
	s := startServer(t, limitEnv)
	first, _ := s.behindProxy(t, "203.0.113.7")
	if status, _ := failSignIns(first, addressLimit); status != http.StatusUnauthorized {
		t.Fatalf("the first %d attempts: %d, want 401 each", addressLimit, status)
	}
	// A different header from the same connection address is the same caller: a client cannot
	// escape the limit by writing a new X-Forwarded-For.
	second, _ := s.behindProxy(t, "203.0.113.8")
	if status, body := failSignIns(second, 1); status != http.StatusTooManyRequests || !strings.Contains(body, tooManyFromNetwork) {
		t.Fatalf("attempt %d with another forged address: %d, want 429 %q", addressLimit+1, status, tooManyFromNetwork)
	}
}
