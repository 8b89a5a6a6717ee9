package tenants_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"golive/apperr"
	"golive/database"
	"golive/database/dbtest"
	"golive/demo"
	"golive/jobs"
	"golive/tenants"
	"golive/tenants/access"
)

type fixture struct {
	svc *tenants.Service
	db  *database.DB
	ctx context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t)
	redisURL := dbtest.RedisURL(t)
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authz, err := tenants.NewAuthorizer(ctx, db.Gorm, rdb, log)
	if err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	svc := &tenants.Service{Store: tenants.NewStore(db), Authz: authz, Redis: rdb, Mail: client,
		Secret: []byte("0123456789abcdef0123456789abcdef"), BaseURL: "http://golive.test", Now: database.Now, Log: log}
	if _, _, err := demo.LoadPeople(ctx, svc); err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: svc, db: db, ctx: ctx}
}

// actor signs in as a demo user and returns the request actor and its tenant context.
func (f *fixture) actor(t *testing.T, email string) (*access.Actor, context.Context) {
	t.Helper()
	cookie, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: email, Password: demo.Password}, "192.0.2.1", "test")
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	id, err := f.svc.SessionIdentity(f.ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	return f.svc.Actor(id), database.WithTenant(f.ctx, id.Org.ID)
}

// lastMail reads the newest outbox message to an address, as the worker would send it.
func (f *fixture) lastMail(t *testing.T, to string) (subject, body string) {
	t.Helper()
	var row struct{ Subject, BodyText string }
	err := f.db.Gorm.Raw("SELECT subject, body_text FROM mail_messages WHERE to_addr = ? ORDER BY created_at DESC LIMIT 1", to).Scan(&row).Error
	if err != nil {
		t.Fatal(err)
	}
	return row.Subject, row.BodyText
}

func linkToken(t *testing.T, body, path string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(path) + `([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s link in mail:\n%s", path, body)
	}
	return m[1]
}

func TestSignInGivesTheUserTheirRolesInTheirOrganisation(t *testing.T) {
	f := newFixture(t)
	a, _ := f.actor(t, "LEAD@medway-ccg.test")
	if a.OrgName != "NHS Medway CCG" || !a.HasRole(access.RoleProcurementLead) || len(a.Roles) != 1 {
		t.Fatalf("signed in as %+v", a)
	}
	csrf := f.svc.CSRFToken("sess:" + a.SessionID) // what the CSRF middleware gives the session's pages
	if a.SessionID == "" || csrf == "" || !f.svc.CheckCSRF("sess:"+a.SessionID, csrf) || f.svc.CheckCSRF("sess:other", csrf) {
		t.Error("the CSRF token is not bound to the session")
	}
}

func TestWrongPasswordAndUnknownEmailGetTheSameAnswer(t *testing.T) {
	f := newFixture(t)
	_, err1 := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "lead@medway-ccg.test", Password: "wrong password!"}, "192.0.2.2", "")
	_, err2 := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "nobody@medway-ccg.test", Password: "wrong password!"}, "192.0.2.2", "")
	e1, _ := apperr.As(err1)
	e2, _ := apperr.As(err2)
	if e1 == nil || e2 == nil || e1.Kind != apperr.Unauthenticated || e1.Message != e2.Message {
		t.Fatalf("answers differ: %v / %v", err1, err2)
	}
}

func TestAnAccountLocksAfterFiveFailures(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < tenants.MaxAccountFailures; i++ {
		_, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "evaluator@medway-ccg.test", Password: "not the password"}, "192.0.2.3", "")
		if !apperr.IsKind(err, apperr.Unauthenticated) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "evaluator@medway-ccg.test", Password: demo.Password}, "192.0.2.4", "")
	if !apperr.IsKind(err, apperr.TooMany) || !strings.Contains(err.Error(), "locked for 15 minutes") {
		t.Fatalf("the right password after 5 failures: %v, want the lock message", err)
	}
	// Other accounts are not affected.
	f.actor(t, "observer@medway-ccg.test")
}

func TestOneAddressIsLimitedAcrossAccounts(t *testing.T) {
	f := newFixture(t)
	var err error
	for i := 0; i <= tenants.MaxAddressAttempts; i++ {
		_, err = f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "user" + string(rune('a'+i%26)) + "@example.test", Password: "x"}, "198.51.100.9", "")
	}
	if !apperr.IsKind(err, apperr.TooMany) {
		t.Fatalf("attempt %d from one address: %v, want too many", tenants.MaxAddressAttempts+1, err)
	}
}

func TestOneIPv6NetworkIsLimitedAcrossItsAddresses(t *testing.T) {
	f := newFixture(t)
	var err error
	for i := 0; i <= tenants.MaxAddressAttempts; i++ {
		// A fresh address from the same /64 for every attempt.
		ip := fmt.Sprintf("2001:db8:aa:bb::%x", i+1)
		_, err = f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "user" + string(rune('a'+i%26)) + "@example.test", Password: "x"}, ip, "")
	}
	if !apperr.IsKind(err, apperr.TooMany) {
		t.Fatalf("attempt %d from one /64: %v, want too many", tenants.MaxAddressAttempts+1, err)
	}
	// The next /64 is another subscriber.
	_, err = f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "usera@example.test", Password: "x"}, "2001:db8:aa:bc::1", "")
	if !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("an attempt from the next /64: %v, want only a wrong password", err)
	}
}

func TestInvitedPersonJoinsWithTheirRolesOnce(t *testing.T) {
	f := newFixture(t)
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	_, err := f.svc.Invite(ctx, admin, tenants.InviteInput{Email: "New.Clinician@medway-ccg.test", Name: "Dr New", Roles: []string{access.RoleEvaluator.Key()}})
	if err != nil {
		t.Fatal(err)
	}
	subject, body := f.lastMail(t, "new.clinician@medway-ccg.test")
	if !strings.Contains(subject, "NHS Medway CCG") {
		t.Errorf("subject %q does not name the organisation", subject)
	}
	token := linkToken(t, body, "http://golive.test/invitations/")
	_, err = f.svc.AcceptInvitation(f.ctx, token, tenants.AcceptInput{Password: "short", Confirm: "short"})
	if e, ok := apperr.As(err); !ok || e.Fields["password"] == "" {
		t.Fatalf("a short password: %v", err)
	}
	u, err := f.svc.AcceptInvitation(f.ctx, token, tenants.AcceptInput{Name: "Dr Nia New", Password: "a long enough password", Confirm: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Dr Nia New" {
		t.Errorf("name %q", u.Name)
	}
	if _, err := f.svc.AcceptInvitation(f.ctx, token, tenants.AcceptInput{Password: "a long enough password", Confirm: "a long enough password"}); !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("second use of the link: %v", err)
	}
	cookie, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "new.clinician@medway-ccg.test", Password: "a long enough password"}, "192.0.2.5", "")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := f.svc.SessionIdentity(f.ctx, cookie)
	if len(id.Roles) != 1 || id.Roles[0] != access.RoleEvaluator || id.Org.Name != "NHS Medway CCG" {
		t.Fatalf("joined as %v in %s", id.Roles, id.Org.Name)
	}
}

func TestACommissionerCannotInviteABidder(t *testing.T) {
	f := newFixture(t)
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	_, err := f.svc.Invite(ctx, admin, tenants.InviteInput{Email: "x@medway-ccg.test", Name: "X", Roles: []string{access.RoleBidder.Key()}})
	if e, ok := apperr.As(err); !ok || e.Fields["roles"] == "" {
		t.Fatalf("inviting a bidder into a CCG: %v", err)
	}
	_, err = f.svc.Invite(ctx, admin, tenants.InviteInput{Email: "lead@medway-ccg.test", Name: "Dup", Roles: []string{access.RoleEvaluator.Key()}})
	if e, ok := apperr.As(err); !ok || e.Fields["email"] == "" {
		t.Fatalf("inviting an existing account: %v", err)
	}
}

func TestPasswordResetWorksOnceAndEndsOtherSessions(t *testing.T) {
	f := newFixture(t)
	cookie, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "observer@medway-ccg.test", Password: demo.Password}, "192.0.2.6", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RequestReset(f.ctx, tenants.ForgotInput{Email: "nobody@nowhere.test"}, "192.0.2.6"); err != nil {
		t.Fatalf("an unknown address must get the same answer: %v", err)
	}
	var n int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM mail_messages WHERE to_addr = ?", "nobody@nowhere.test").Scan(&n)
	if n != 0 {
		t.Fatal("a reset mail was queued for an unknown address")
	}
	if err := f.svc.RequestReset(f.ctx, tenants.ForgotInput{Email: "observer@medway-ccg.test"}, "192.0.2.6"); err != nil {
		t.Fatal(err)
	}
	_, body := f.lastMail(t, "observer@medway-ccg.test")
	token := linkToken(t, body, "http://golive.test/reset-password/")
	if err := f.svc.ResetPassword(f.ctx, token, tenants.AcceptInput{Password: "a brand new password", Confirm: "a brand new password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionIdentity(f.ctx, cookie); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("the session from before the reset still works: %v", err)
	}
	if err := f.svc.ResetPassword(f.ctx, token, tenants.AcceptInput{Password: "another new password", Confirm: "another new password"}); !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("second use of the reset link: %v", err)
	}
	if _, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "observer@medway-ccg.test", Password: "a brand new password"}, "192.0.2.6", ""); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
}

func TestAPITokenIsStoredHashedAndCanBeRevokedOnlyByItsOwner(t *testing.T) {
	f := newFixture(t)
	lead, ctx := f.actor(t, "lead@medway-ccg.test")
	plain, tok, err := f.svc.CreateToken(ctx, lead, tenants.TokenInput{Name: "reporting"})
	if err != nil {
		t.Fatal(err)
	}
	var stored int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? OR prefix = ?", plain, plain).Scan(&stored)
	if stored != 0 {
		t.Fatal("the plain token is in the database")
	}
	id, err := f.svc.TokenIdentity(f.ctx, plain)
	if err != nil || id.User.Email != "lead@medway-ccg.test" {
		t.Fatalf("token identity: %v %v", id.User.Email, err)
	}
	other, octx := f.actor(t, "evaluator@medway-ccg.test")
	if err := f.svc.RevokeToken(octx, other, tok.ID); !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("another user revoking the token: %v", err)
	}
	if err := f.svc.RevokeToken(ctx, lead, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TokenIdentity(f.ctx, plain); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("a revoked token still works: %v", err)
	}
}

func TestAdminSeesOnlyTheirOwnOrganisation(t *testing.T) {
	f := newFixture(t)
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	members, _, err := f.svc.Members(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, u := range demo.People {
		if u.Org == "NHS Medway CCG" {
			want++
		}
	}
	if len(members) != want {
		t.Errorf("Medway has %d members, want the %d demo users", len(members), want)
	}
	for _, m := range members {
		if !strings.HasSuffix(m.Email, "@medway-ccg.test") {
			t.Errorf("a Medway admin sees %s", m.Email)
		}
	}
	dgs, _ := f.actor(t, "admin@dgs-ccg.test")
	if _, err := f.svc.Member(ctx, admin, dgs.UserID); !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("a Medway admin reading a DGS user: %v, want not found", err)
	}
	active := false
	if _, err := f.svc.UpdateMember(ctx, admin, dgs.UserID, tenants.MemberInput{Roles: []string{access.RoleObserver.Key()}, Active: &active}); !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("a Medway admin deactivating a DGS user: %v, want not found", err)
	}
	if _, err := f.svc.Store.TenantUsers(f.ctx); !errors.Is(err, database.ErrNoTenant) {
		t.Fatalf("a tenant query without a tenant: %v, want ErrNoTenant", err)
	}
}

func TestDeactivationEndsSessionsAndTokensAndRolesChangeEverywhere(t *testing.T) {
	f := newFixture(t)
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	ev, evctx := f.actor(t, "evaluator@medway-ccg.test")
	plain, _, err := f.svc.CreateToken(evctx, ev, tenants.TokenInput{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := f.svc.UpdateMember(ctx, admin, ev.UserID, tenants.MemberInput{Roles: []string{access.RoleEvaluator.Key(), access.RoleObserver.Key()}, Active: &yes}); err != nil {
		t.Fatal(err)
	}
	if got := f.svc.Authz.RolesOf(ev.UserID, ev.OrgID); len(got) != 2 {
		t.Fatalf("roles after change: %v", got)
	}
	no := false
	if _, err := f.svc.UpdateMember(ctx, admin, ev.UserID, tenants.MemberInput{Roles: []string{access.RoleEvaluator.Key()}, Active: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TokenIdentity(f.ctx, plain); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("a deactivated user's token still works: %v", err)
	}
	if _, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "evaluator@medway-ccg.test", Password: demo.Password}, "192.0.2.7", ""); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("a deactivated user signs in: %v", err)
	}
	if _, err := f.svc.UpdateMember(ctx, admin, admin.UserID, tenants.MemberInput{Roles: []string{access.RoleTenantAdmin.Key()}, Active: &no}); !apperr.IsKind(err, apperr.Conflict) {
		t.Fatalf("an admin deactivating themselves: %v", err)
	}
}

func TestAnotherProcessSeesRoleChangesBeforeItsNextDecision(t *testing.T) {
	f := newFixture(t)
	// A second authorizer over the same database and Redis stands for another serve process.
	other, err := tenants.NewAuthorizer(f.ctx, f.db.Gorm, f.svc.Redis, f.svc.Log)
	if err != nil {
		t.Fatal(err)
	}
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	obs, _ := f.actor(t, "observer@medway-ccg.test")
	if other.Can(obs.UserID, obs.OrgID, access.PermUsersManage) {
		t.Fatal("an observer may manage users")
	}
	yes := true
	if _, err := f.svc.UpdateMember(ctx, admin, obs.UserID, tenants.MemberInput{Roles: []string{access.RoleTenantAdmin.Key()}, Active: &yes}); err != nil {
		t.Fatal(err)
	}
	if err := other.Refresh(f.ctx); err != nil {
		t.Fatal(err)
	}
	if !other.Can(obs.UserID, obs.OrgID, access.PermUsersManage) {
		t.Fatal("the other process did not pick up the new role")
	}
	if other.Can(obs.UserID, "another-org", access.PermUsersManage) {
		t.Fatal("a role in one organisation applies in another")
	}
}

var _ = time.Now

func TestASeedLoadsOrganisationsAndPeopleOnceAndAllOrNothing(t *testing.T) {
	f := newFixture(t)
	seed := tenants.Seed{Source: "test", Password: "a seeded password",
		Organisations: []tenants.Organisation{{Name: "NHS Kent and Medway ICB", Kind: tenants.Commissioner, ODSCode: "QKS"},
			{Name: "Seeded Health CIC", Kind: tenants.Provider}},
		People: []tenants.SeedPerson{{Email: "lead@kmicb.test", Name: "Lee Lead", Org: "NHS Kent and Medway ICB", Roles: []access.Role{access.RoleProcurementLead}},
			{Email: "bids@seeded.test", Name: "Bo Bids", Org: "Nowhere Ltd", Roles: []access.Role{access.RoleBidder}}}}
	// A person of an organisation the seed does not have: nothing is made.
	if _, _, err := f.svc.LoadSeed(f.ctx, seed); err == nil {
		t.Fatal("a seed with a person of an unknown organisation loaded")
	}
	var orgs int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM organisations WHERE name IN ?", []string{"NHS Kent and Medway ICB", "Seeded Health CIC"}).Scan(&orgs)
	if orgs != 0 {
		t.Fatalf("%d organisations left behind by the failed seed", orgs)
	}

	seed.People[1].Org = "Seeded Health CIC"
	ids, created, err := f.svc.LoadSeed(f.ctx, seed)
	if err != nil || !created || len(ids) != 2 || ids["NHS Kent and Medway ICB"] == "" {
		t.Fatalf("seed: %v %v %v", ids, created, err)
	}
	a, err := f.svc.ActorByEmail(f.ctx, "lead@kmicb.test")
	if err != nil || a.OrgID != ids["NHS Kent and Medway ICB"] || !a.HasRole(access.RoleProcurementLead) || len(a.Roles) != 1 {
		t.Fatalf("the seeded lead is %+v (%v)", a, err)
	}
	if _, err := f.svc.SignIn(f.ctx, tenants.SignInInput{Email: "bids@seeded.test", Password: "a seeded password"}, "192.0.2.8", ""); err != nil {
		t.Fatalf("the seeded bidder signing in: %v", err)
	}
	var events int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action IN ('organisation.created', 'user.created') AND summary LIKE ?", `%"source":"test"%`).Scan(&events)
	if events != 4 {
		t.Errorf("%d audit events of the seed, want 4 (2 organisations, 2 people)", events)
	}

	again, created, err := f.svc.LoadSeed(f.ctx, seed)
	if err != nil || created || again["NHS Kent and Medway ICB"] != ids["NHS Kent and Medway ICB"] || again["Seeded Health CIC"] != ids["Seeded Health CIC"] {
		t.Fatalf("second load: %v %v %v (first %v)", again, created, err, ids)
	}
	f.db.Gorm.Raw("SELECT COUNT(*) FROM organisations WHERE name IN ?", []string{"NHS Kent and Medway ICB", "Seeded Health CIC"}).Scan(&orgs)
	if orgs != 2 {
		t.Fatalf("%d seeded organisations after a second load, want 2", orgs)
	}
}
