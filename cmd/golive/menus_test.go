package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/tenants"
)

// headerLinks are the labels of the links in the header's menu and in its account section, in
// the order the page shows them.
func headerLinks(t *testing.T, body string) (menu, account []string) {
	t.Helper()
	section := func(open string) string {
		i := strings.Index(body, open)
		if i < 0 {
			return ""
		}
		rest := body[i:]
		return rest[:strings.Index(rest, "</nav>")]
	}
	label := regexp.MustCompile(`<a class="nhsuk-header__(?:navigation|account)-link"[^>]*>(?:<strong[^>]*>)?([^<]+)<`)
	for _, m := range label.FindAllStringSubmatch(section(`aria-label="Menu"`), -1) {
		menu = append(menu, m[1])
	}
	for _, m := range label.FindAllStringSubmatch(section(`aria-label="Account"`), -1) {
		account = append(account, m[1])
	}
	return menu, account
}

// Each role's header offers exactly what that role uses (issue 14 item 7): Healthwatch's lay
// reviewers score and nothing else, API tokens sit beside the name of those who use the API,
// mobilisation and the inbox are for people who can be on a plan, procurements for commissioners.
func TestMenuOffersEachRoleWhatItUses(t *testing.T) {
	s := startServer(t, nil)
	tokens := []string{"API tokens"}
	for _, c := range []struct {
		who, email    string
		menu, account []string
	}{
		{"platform admin", "admin@golive.test",
			[]string{"Dashboard", "Organisations", "Successions", "Mail outbox", "Jobs"}, tokens},
		{"organisation admin (commissioner)", "admin@medway-ccg.test",
			[]string{"Dashboard", "Procurements", "Mobilisation", "Inbox", "Users", "Audit log"}, tokens},
		{"organisation admin (provider)", "admin@estuary-urgent-care.test",
			[]string{"Dashboard", "Mobilisation", "Inbox", "Users", "Audit log"}, tokens},
		{"organisation admin (Healthwatch)", "admin@healthwatch-kent.test",
			[]string{"Dashboard", "Users", "Audit log"}, tokens},
		{"procurement lead", "lead@medway-ccg.test",
			[]string{"Dashboard", "Procurements", "Mobilisation", "Inbox"}, tokens},
		{"evaluator", "evaluator@medway-ccg.test",
			[]string{"Dashboard", "Procurements", "Evaluations", "Inbox"}, tokens},
		{"Healthwatch evaluator", "reviewer@healthwatch-kent.test",
			[]string{"Dashboard", "Evaluations"}, nil},
		{"governing-body approver", "approver@medway-ccg.test",
			[]string{"Dashboard", "Procurements", "Mobilisation", "Inbox"}, tokens},
		{"bidder", "bids@estuary-urgent-care.test",
			[]string{"Dashboard", "Opportunities", "Mobilisation", "Inbox"}, tokens},
		{"observer", "observer@medway-ccg.test",
			[]string{"Dashboard", "Procurements", "Mobilisation", "Inbox"}, tokens},
	} {
		t.Run(c.who, func(t *testing.T) {
			b := s.browser(t)
			b.signIn(c.email)
			code, body := b.get("/")
			if code != 200 {
				t.Fatalf("dashboard: %d", code)
			}
			menu, account := headerLinks(t, body)
			if !slices.Equal(menu, c.menu) {
				t.Errorf("menu %q, want %q", menu, c.menu)
			}
			if !slices.Equal(account, c.account) {
				t.Errorf("account links %q, want %q", account, c.account)
			}
			if !strings.Contains(body, `<button class="nhsuk-header__account-button" type="submit">Sign out</button>`) {
				t.Error("no Sign out in the account section")
			}
			// Every item offered opens for this person.
			for _, href := range regexp.MustCompile(`class="nhsuk-header__(?:navigation|account)-link" href="([^"]+)"`).FindAllStringSubmatch(body, -1) {
				if code, _ := b.get(href[1]); code != 200 {
					t.Errorf("%s offers %s, which answers %d", c.who, href[1], code)
				}
			}
		})
	}
}

// heldToken puts an API token for email straight into the store, as one made before its owner's
// role lost the API: what the API must then refuse.
func heldToken(t *testing.T, s *server, email string) string {
	t.Helper()
	a := signInActor(t, s, email)
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	plain := "glv_" + base64.RawURLEncoding.EncodeToString(raw)
	tok := tenants.APIToken{ID: tenants.NewID(), UserID: a.UserID, OrgID: a.OrgID, Name: "held", Prefix: plain[:10],
		TokenHash: tenants.HashToken(plain), CreatedAt: time.Now()}
	if err := s.App.Tenants.Store.CreateToken(database.WithTenant(context.Background(), a.OrgID), &tok); err != nil {
		t.Fatal(err)
	}
	return plain
}

// Healthwatch volunteers score on the pages and have no API: no tokens page, no token made
// (by the page, the API or the service), and a token they somehow hold is refused on every call,
// as a problem, while their pages go on working.
func TestHealthwatchIsRefusedAPITokens(t *testing.T) {
	s := startServer(t, nil)
	const reviewer = "reviewer@healthwatch-kent.test"
	b := s.browser(t)
	b.signIn(reviewer)
	if code, _ := b.get("/account/tokens"); code != 403 {
		t.Errorf("the tokens page: %d, want 403", code)
	}
	if resp, _ := b.post("/account/tokens", url.Values{"name": {"mine"}}); resp.StatusCode != 403 {
		t.Errorf("making a token on the page: %d, want 403", resp.StatusCode)
	}
	a := signInActor(t, s, reviewer)
	if _, _, err := s.App.Tenants.CreateToken(database.WithTenant(context.Background(), a.OrgID), a, tenants.TokenInput{Name: "mine"}); !apperr.IsKind(err, apperr.Forbidden) {
		t.Errorf("the service made a Healthwatch token: %v", err)
	}
	var n int64
	s.App.DB.Gorm.Raw("SELECT count(*) FROM api_tokens WHERE user_id = ?", a.UserID).Scan(&n)
	if n != 0 {
		t.Fatalf("%d tokens made for Healthwatch", n)
	}

	held := heldToken(t, s, reviewer)
	// (Without the refusal the workspace of a lot they are not on would be 404, and /me 200.)
	lotsAPIWant(t, s, 403, "GET", "/me", held, nil, nil)
	lotsAPIWant(t, s, 403, "GET", "/tokens", held, nil, nil)
	lotsAPIWant(t, s, 403, "POST", "/tokens", held, map[string]any{"name": "another"}, nil)
	lotsAPIWant(t, s, 403, "GET", "/evaluations/lots/"+tenants.NewID()+"/workspace", held, nil, nil)
	s.App.DB.Gorm.Raw("SELECT count(*) FROM api_tokens WHERE user_id = ? AND last_used_at IS NOT NULL", a.UserID).Scan(&n)
	if n != 0 {
		t.Error("a refused token was recorded as used")
	}
	if code, _ := b.get("/evaluations"); code != 200 {
		t.Errorf("Healthwatch's evaluations page: %d", code)
	}
	// The same held token of a role that uses the API works: the refusal is the role's.
	lotsAPIWant(t, s, 200, "GET", "/me", heldToken(t, s, "evaluator@medway-ccg.test"), nil, nil)
}
