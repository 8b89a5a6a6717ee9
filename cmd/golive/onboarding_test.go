package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	demodata "golive/demo"
	"golive/tenants"
)

// mailbox is the real SMTP test server golive sends to in these tests.
type mailbox struct{ mock *smtpmock.Server }

func newMailbox(t *testing.T) (*mailbox, map[string]string) {
	t.Helper()
	// go-mail ends with RSET; without MultipleMessageReceiving the mock forgets the message then.
	mock := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
	if err := mock.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mock.Stop() })
	return &mailbox{mock}, map[string]string{"GOLIVE_SMTP_URL": fmt.Sprintf("smtp://127.0.0.1:%d", mock.PortNumber())}
}

// messages are the bodies of every mail sent to rcpt so far.
func (m *mailbox) messages(rcpt string) []string {
	var out []string
	for _, msg := range m.mock.Messages() {
		if msg.Msg() && strings.Contains(fmt.Sprint(msg.RcpttoRequestResponse()), "<"+rcpt+">") {
			out = append(out, strings.ReplaceAll(msg.MsgRequest(), "=\r\n", ""))
		}
	}
	return out
}

// link waits for the nth mail (1-based) to rcpt and returns the token of its link under prefix.
func (m *mailbox) link(t *testing.T, rcpt, prefix string, nth int) string {
	t.Helper()
	var token string
	re := regexp.MustCompile(regexp.QuoteMeta(prefix) + `([A-Za-z0-9_-]{20,})`)
	waitFor(t, fmt.Sprintf("mail %d to %s", nth, rcpt), func() bool {
		msgs := m.messages(rcpt)
		if len(msgs) < nth {
			return false
		}
		if l := re.FindStringSubmatch(msgs[nth-1]); l != nil {
			token = l[1]
			return true
		}
		t.Fatalf("no %s link in the mail to %s:\n%s", prefix, rcpt, msgs[nth-1])
		return false
	})
	return token
}

func (b *browser) signInWith(email, password string) *http.Response {
	b.t.Helper()
	b.get("/sign-in")
	resp, _ := b.post("/sign-in", url.Values{"email": {email}, "password": {password}})
	return resp
}

// TestAdminCreateMakesOnePlatformAdminWithAFreshLinkEachTime runs `golive admin create` on an
// empty database twice: one user, the newest link alone works, and it sets a password to sign in with.
func TestAdminCreateMakesOnePlatformAdminWithAFreshLinkEachTime(t *testing.T) {
	cfg, env, getenv := operatorEnv(t)
	env["GOLIVE_BASE_URL"] = "https://golive.example"
	create := func() string {
		var out strings.Builder
		if err := run(context.Background(), []string{"admin", "create", "--email", "Ops@Example.NHS.uk", "--name", "Olu Ops"}, getenv, &out); err != nil {
			t.Fatalf("golive admin create: %v\n%s", err, out.String())
		}
		m := regexp.MustCompile(`https://golive\.example/reset-password/(\S+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no link printed:\n%s", out.String())
		}
		return m[1]
	}
	first, second := create(), create()
	if first == second {
		t.Fatal("the second run printed the same link")
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"admin", "create", "--email", "not an address", "--name", "X"}, getenv, &out); err == nil {
		t.Fatal("a bad email was accepted")
	}

	cfg.BaseURL = "https://golive.example"
	a, err := newApp(context.Background(), cfg, newLogger(cfg, &strings.Builder{}))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	var n int
	a.DB.Gorm.Raw("SELECT COUNT(*) FROM users WHERE email = 'ops@example.nhs.uk'").Scan(&n)
	if n != 1 {
		t.Fatalf("%d users with the email, want 1", n)
	}
	if _, err := a.Tenants.CheckReset(ctx, first); err == nil {
		t.Error("the first link still works after a second was printed")
	}
	if err := a.Tenants.ResetPassword(ctx, second, tenants.AcceptInput{Password: "correct horse battery", Confirm: "correct horse battery"}); err != nil {
		t.Fatalf("set the password by the link: %v", err)
	}
	if _, err := a.Tenants.SignIn(ctx, tenants.SignInInput{Email: "ops@example.nhs.uk", Password: "correct horse battery"}, "192.0.2.1", "test"); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	actor, err := a.Tenants.ActorByEmail(ctx, "ops@example.nhs.uk")
	if err != nil {
		t.Fatal(err)
	}
	if actor.OrgKind != tenants.Platform || len(actor.Roles) != 1 || actor.Roles[0].Key() != "platform_admin" {
		t.Errorf("the new person is %s in a %s organisation, want platform_admin of the platform", actor.RoleKeys(), actor.OrgKind)
	}
	if err := a.Tenants.ResetPassword(ctx, second, tenants.AcceptInput{Password: "another long password", Confirm: "another long password"}); err == nil {
		t.Error("the link worked twice")
	}
}

// TestThePlatformAdminGivesANewCommissionerItsAdministrator: create with an ODS code (checked
// for form and uniqueness), invite by mail through SMTP, resend (the old link dies), accept.
func TestThePlatformAdminGivesANewCommissionerItsAdministrator(t *testing.T) {
	mb, env := newMailbox(t)
	s := startServer(t, env)
	p := s.browser(t)
	p.signIn("admin@golive.test")
	if _, body := p.get("/"); !strings.Contains(body, `href="/platform/organisations"`) {
		t.Fatal("the platform dashboard does not link to the organisations")
	}
	p.get("/platform/organisations/new")
	form := url.Values{"name": {"NHS Sussex ICB"}, "kind": {"commissioner"}, "legal_form": {"nhs_commissioner"}, "ods_code": {"ABCD"}}
	if resp, body := p.post("/platform/organisations/new", form); resp.StatusCode != 422 || !strings.Contains(body, "3 letters or numbers") {
		t.Fatalf("a 4-character ODS code: %d", resp.StatusCode)
	}
	form.Set("ods_code", "09w")
	if resp, body := p.post("/platform/organisations/new", form); resp.StatusCode != 409 || !strings.Contains(body, "belongs to NHS Medway CCG") {
		t.Fatalf("Medway's ODS code again: %d", resp.StatusCode)
	}
	form.Set("ods_code", "qnx")
	resp, body := p.post("/platform/organisations/new", form)
	m := regexp.MustCompile(`^/platform/organisations/([0-9a-f-]{36})$`).FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != 303 || m == nil {
		t.Fatalf("create: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	orgID := m[1]
	if _, body = p.get("/platform/organisations/" + orgID); !strings.Contains(body, "NHS Sussex ICB created") || !strings.Contains(body, "QNX") {
		t.Fatalf("the new organisation's page:\n%s", body)
	}

	p.get("/platform/organisations/" + orgID + "/invite")
	resp, _ = p.post("/platform/organisations/"+orgID+"/invite", url.Values{"name": {"Ira Admin"}, "email": {"ira@kmicb.test"}, "roles": {"tenant_admin"}})
	if _, body = p.get("/platform/organisations/" + orgID); resp.StatusCode != 303 || !strings.Contains(body, "Invitation sent to ira@kmicb.test") {
		t.Fatalf("invite: %d\n%s", resp.StatusCode, body)
	}
	first := mb.link(t, "ira@kmicb.test", "/invitations/", 1)
	invID := regexp.MustCompile(`/invitations/([0-9a-f-]{36})/resend`).FindStringSubmatch(body)[1]
	if resp, _ := p.post("/platform/organisations/"+orgID+"/invitations/"+invID+"/resend", nil); resp.StatusCode != 303 {
		t.Fatalf("resend: %d", resp.StatusCode)
	}
	second := mb.link(t, "ira@kmicb.test", "/invitations/", 2)
	ira := s.browser(t)
	if st, _ := ira.get("/invitations/" + first); st != 404 {
		t.Errorf("the first link still works after a resend: %d", st)
	}
	if st, page := ira.get("/invitations/" + second); st != 200 || !strings.Contains(page, "NHS Sussex ICB") {
		t.Fatalf("the resent link: %d", st)
	}
	ira.post("/invitations/"+second, url.Values{"name": {"Ira Admin"}, "password": {"a good long password"}, "confirm": {"a good long password"}})
	if resp := ira.signInWith("ira@kmicb.test", "a good long password"); resp.StatusCode != 303 {
		t.Fatalf("the new administrator cannot sign in: %d", resp.StatusCode)
	}
	if st, _ := ira.get("/admin/users/invite"); st != 200 {
		t.Errorf("the new administrator cannot invite: %d", st)
	}
	_, body = p.get("/platform/organisations/" + orgID)
	if !strings.Contains(body, "ira@kmicb.test") || !strings.Contains(body, "Organisation admin") {
		t.Errorf("the organisation's page does not show its administrator with the role")
	}

	// A second invitation revoked: its link is dead.
	p.post("/platform/organisations/"+orgID+"/invite", url.Values{"name": {"Sam"}, "email": {"sam@kmicb.test"}, "roles": {"procurement_lead"}})
	link := mb.link(t, "sam@kmicb.test", "/invitations/", 1)
	_, body = p.get("/platform/organisations/" + orgID)
	inv := regexp.MustCompile(`/invitations/([0-9a-f-]{36})/revoke`).FindStringSubmatch(body)[1]
	if resp, _ := p.post("/platform/organisations/"+orgID+"/invitations/"+inv+"/revoke", nil); resp.StatusCode != 303 {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if st, _ := s.browser(t).get("/invitations/" + link); st != 404 {
		t.Errorf("a revoked invitation still opens: %d", st)
	}

	var audited []string
	s.App.DB.Gorm.Raw("SELECT action FROM audit_events WHERE tenant_id = ? ORDER BY id", orgID).Scan(&audited)
	for _, want := range []string{"organisation.created", "user.invited", "invitation.resent", "user.joined", "invitation.revoked"} {
		if !strings.Contains(strings.Join(audited, " "), want) {
			t.Errorf("no %s in the audit trail: %v", want, audited)
		}
	}
}

// TestADeactivatedOrganisationsPeopleCannotSignInAndItsDataStays deactivates a provider by the
// API: its bidder's session and token end and sign-in is refused; reactivated, they are back.
func TestADeactivatedOrganisationsPeopleCannotSignInAndItsDataStays(t *testing.T) {
	s := startServer(t, nil)
	platform := s.apiToken(t, "admin@golive.test")
	bidderToken := s.apiToken(t, "bids@estuary-urgent-care.test")
	bidder := s.browser(t)
	bidder.signIn("bids@estuary-urgent-care.test")

	var list struct {
		Organisations []tenants.PlatformOrgJSON `json:"organisations"`
	}
	s.api(t, "GET", "/platform/organisations?q=estuary", platform, nil, &list)
	if len(list.Organisations) != 1 {
		t.Fatalf("search for estuary found %d", len(list.Organisations))
	}
	id := list.Organisations[0].ID

	// Edited: its identifiers are checked for form and uniqueness.
	edit := map[string]string{"name": "Estuary Urgent Care CIC", "legal_form": "cic", "companies_house_number": "0999 9999"}
	var edited tenants.PlatformOrgJSON
	if resp, raw := s.api(t, "PATCH", "/platform/organisations/"+id, platform, edit, &edited); resp.StatusCode != 200 || edited.CompaniesHouseNumber != "09999999" {
		t.Fatalf("edit: %d %s", resp.StatusCode, raw)
	}
	s.api(t, "GET", "/platform/organisations?q=weald", platform, nil, &list)
	edit["name"] = "Weald Ambulance Service NHS Trust"
	if resp, raw := s.api(t, "PATCH", "/platform/organisations/"+list.Organisations[0].ID, platform, edit, nil); resp.StatusCode != 409 || !strings.Contains(string(raw), "Estuary") {
		t.Errorf("Estuary's Companies House number given to Weald: %d %s", resp.StatusCode, raw)
	}
	edit["legal_form"] = "nhs_commissioner"
	if resp, _ := s.api(t, "PATCH", "/platform/organisations/"+list.Organisations[0].ID, platform, edit, nil); resp.StatusCode != 422 {
		t.Errorf("a provider made an NHS commissioner: %d", resp.StatusCode)
	}
	if resp, raw := s.api(t, "PUT", "/platform/organisations/"+id+"/status", platform, map[string]string{"status": "suspended"}, nil); resp.StatusCode != 409 {
		t.Errorf("suspending an organisation that did not register itself: %d %s", resp.StatusCode, raw)
	}
	if resp, raw := s.api(t, "PUT", "/platform/organisations/"+id+"/status", platform, map[string]string{"status": "deactivated", "reason": "closed"}, nil); resp.StatusCode != 200 {
		t.Fatalf("deactivate: %d %s", resp.StatusCode, raw)
	}
	if st, _ := bidder.get("/opportunities"); st != http.StatusSeeOther {
		t.Errorf("the bidder's session outlived the deactivation: %d", st)
	}
	if resp, _ := s.api(t, "GET", "/me", bidderToken, nil, nil); resp.StatusCode != 401 {
		t.Errorf("the bidder's API token outlived the deactivation: %d", resp.StatusCode)
	}
	b := s.browser(t)
	b.get("/sign-in")
	resp, body := b.post("/sign-in", url.Values{"email": {"bids@estuary-urgent-care.test"}, "password": {demodata.Password}})
	if resp.StatusCode != 401 || !strings.Contains(body, "closed") {
		t.Errorf("sign-in to a deactivated organisation: %d", resp.StatusCode)
	}
	var detail tenants.PlatformOrgDetailJSON
	s.api(t, "GET", "/platform/organisations/"+id, platform, nil, &detail)
	if detail.Status != "deactivated" || len(detail.Users) < 2 {
		t.Errorf("after deactivation: status %s, %d users (its data stays)", detail.Status, len(detail.Users))
	}
	s.api(t, "PUT", "/platform/organisations/"+id+"/status", platform, map[string]string{"status": "active"}, nil)
	if resp := s.browser(t).signInWith("bids@estuary-urgent-care.test", demodata.Password); resp.StatusCode != 303 {
		t.Errorf("sign-in after reactivation: %d", resp.StatusCode)
	}
	// Platform staff never see procurement content, whatever the organisation.
	if resp, _ := s.api(t, "GET", "/procurements", platform, nil, nil); resp.StatusCode != 403 {
		t.Errorf("the platform admin lists procurements: %d", resp.StatusCode)
	}
}

func registration(org, ch, email string) url.Values {
	return url.Values{"org_name": {org}, "legal_form": {"cic"}, "companies_house_number": {ch}, "name": {"Person at " + org}, "email": {email}}
}

// TestASupplierRegistersConfirmsAndIsItsAdministrator, and what the form tells an outsider: the
// same answer for an address with an account as for one without; "already registered" for a
// known identifier, naming nobody. The platform admin suspends the registration.
func TestASupplierRegistersConfirmsAndIsItsAdministrator(t *testing.T) {
	mb, env := newMailbox(t)
	s := startServer(t, env)
	anon := s.browser(t)
	if _, body := anon.get("/sign-in"); !strings.Contains(body, "Register your organisation to bid") {
		t.Fatal("no registration link on the sign-in page")
	}
	anon.get("/register")
	if resp, _ := anon.post("/register", url.Values{"csrf": {"forged"}}); resp.StatusCode != 403 {
		t.Errorf("a registration without the form's token: %d", resp.StatusCode)
	}
	resp, fresh := anon.post("/register", registration("Thames Urgent Care CIC", "12345678", "bea@thames-uc.test"))
	if resp.StatusCode != 200 || !strings.Contains(fresh, "Check your email") {
		t.Fatalf("register: %d\n%s", resp.StatusCode, fresh)
	}
	// An address that has an account gets the same page; only its owner hears about it.
	resp, known := anon.post("/register", registration("Medway Side Venture CIC", "87654321", "lead@medway-ccg.test"))
	normalise := func(page, email string) string {
		page = strings.ReplaceAll(page, email, "EMAIL")
		return csrfField.ReplaceAllString(page, "")
	}
	if resp.StatusCode != 200 || normalise(known, "lead@medway-ccg.test") != normalise(fresh, "bea@thames-uc.test") {
		t.Errorf("the answer for an address with an account differs from one without (%d)", resp.StatusCode)
	}
	waitFor(t, "the account's owner to be told", func() bool {
		msgs := mb.messages("lead@medway-ccg.test")
		return len(msgs) == 1 && strings.Contains(msgs[0], "already has a golive account")
	})

	token := mb.link(t, "bea@thames-uc.test", "/register/", 1)
	bea := s.browser(t)
	if st, page := bea.get("/register/" + token); st != 200 || !strings.Contains(page, "Thames Urgent Care CIC") {
		t.Fatalf("confirmation page: %d", st)
	}
	resp, _ = bea.post("/register/"+token, url.Values{"name": {"Bea Bidder"}, "password": {"a good long password"}, "confirm": {"a good long password"}})
	if resp.StatusCode != 200 {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	if st, _ := bea.get("/register/" + token); st != 404 {
		t.Errorf("the confirmation link works twice: %d", st)
	}
	if resp := bea.signInWith("bea@thames-uc.test", "a good long password"); resp.StatusCode != 303 {
		t.Fatalf("sign in after registering: %d", resp.StatusCode)
	}
	for _, path := range []string{"/admin/users", "/opportunities"} {
		if st, _ := bea.get(path); st != 200 {
			t.Errorf("the registered bid manager gets %d on %s", st, path)
		}
	}
	a, err := s.App.Tenants.ActorByEmail(context.Background(), "bea@thames-uc.test")
	if err != nil || a.OrgKind != tenants.Provider {
		t.Fatalf("the registration made a %v organisation (%v)", a, err)
	}

	// The same Companies House number again: "already registered", naming nobody.
	other := s.browser(t)
	other.get("/register")
	resp, body := other.post("/register", registration("Thames UC Again CIC", "12345678", "eve@elsewhere.test"))
	if resp.StatusCode != 409 || !strings.Contains(body, tenants.AlreadyRegistered) {
		t.Fatalf("a registered Companies House number: %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "bea@thames-uc.test") || strings.Contains(body, "Bea Bidder") || strings.Contains(body, "Thames Urgent Care CIC") {
		t.Error("the refusal names the registered organisation or its people")
	}
	resp, _ = other.post("/register", registration("Thames Urgent Care CIC", "11223344", "eve@elsewhere.test"))
	if resp.StatusCode != 409 {
		t.Errorf("a registered name: %d", resp.StatusCode)
	}
	// Only a provider can come this way.
	resp, _ = other.post("/register", url.Values{"org_name": {"NHS Fake ICB"}, "legal_form": {"nhs_commissioner"}, "ods_code": {"QZZ"}, "name": {"X"}, "email": {"x@fake.test"}})
	if resp.StatusCode != 422 {
		t.Errorf("a registration as a commissioner: %d", resp.StatusCode)
	}

	// The platform admin suspends it: its people can no longer sign in.
	platform := s.apiToken(t, "admin@golive.test")
	if resp, raw := s.api(t, "PUT", "/platform/organisations/"+a.OrgID+"/status", platform, map[string]string{"status": "suspended", "reason": "looks fake"}, nil); resp.StatusCode != 200 {
		t.Fatalf("suspend: %d %s", resp.StatusCode, raw)
	}
	if resp := s.browser(t).signInWith("bea@thames-uc.test", "a good long password"); resp.StatusCode != 401 {
		t.Errorf("sign-in to a suspended registration: %d", resp.StatusCode)
	}
}

// TestRegistrationIsRateLimitedPerNetwork: every registration sends a mail, so one network may
// send MaxRegistrations in a window and no more.
func TestRegistrationIsRateLimitedPerNetwork(t *testing.T) {
	s := startServer(t, nil)
	b := s.browser(t)
	b.get("/register")
	for i := 1; i <= tenants.MaxRegistrations; i++ {
		resp, _ := b.post("/register", registration(fmt.Sprintf("Rate CIC %d", i), fmt.Sprintf("%08d", 40000000+i), fmt.Sprintf("r%d@rate.test", i)))
		if resp.StatusCode != 200 {
			t.Fatalf("registration %d: %d", i, resp.StatusCode)
		}
	}
	resp, body := b.post("/register", registration("Rate CIC 99", "49999999", "r99@rate.test"))
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many registrations") {
		t.Fatalf("registration over the limit: %d", resp.StatusCode)
	}
}
