package tenants

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
	"golive/jobs"
	"golive/tenants/access"
)

type fixture struct {
	svc *Service
	db  *database.DB
	ctx context.Context
	// advance moves the Redis's clock on (dbtest.RedisWithClock), for the limits' expiry.
	advance func(time.Duration)
}

// testAddressFailures is the per-address limit the fixture's service has, small so that the
// tests reach it quickly; the default is DefaultAddressFailures.
const testAddressFailures = 8

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t)
	redisURL, advance := dbtest.RedisWithClock(t)
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authz, err := NewAuthorizer(ctx, db.Gorm, rdb, log)
	if err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	svc := &Service{Store: NewStore(db), Authz: authz, Redis: rdb, Mail: client,
		Secret: []byte("0123456789abcdef0123456789abcdef"), BaseURL: "http://golive.test", Now: database.Now, Log: log,
		Limits: AttemptLimits{AddressFailures: testAddressFailures}}
	if _, _, err := svc.LoadSeed(ctx, testSeed); err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: svc, db: db, ctx: ctx, advance: advance}
}

// testPassword is every test person's password.
const testPassword = "golive-test-2026"

// testSeed is the people these tests sign in as: Medway's commissioner roles, and another
// commissioner's admin. (The demo package's seed cannot be imported here: it imports tenants.)
var testSeed = Seed{Source: "test", Password: testPassword,
	Organisations: []Organisation{{Name: "NHS Medway CCG", Kind: Commissioner, ODSCode: "09W"},
		{Name: "NHS Dartford, Gravesham and Swanley CCG", Kind: Commissioner, ODSCode: "09J"}},
	People: []SeedPerson{
		{"admin@medway-ccg.test", "Alex Admin", "NHS Medway CCG", []access.Role{access.RoleTenantAdmin}},
		{"lead@medway-ccg.test", "Morgan Lead", "NHS Medway CCG", []access.Role{access.RoleProcurementLead}},
		{"evaluator@medway-ccg.test", "Dr Sam Evaluator", "NHS Medway CCG", []access.Role{access.RoleEvaluator}},
		{"approver@medway-ccg.test", "Jo Approver", "NHS Medway CCG", []access.Role{access.RoleApprover}},
		{"observer@medway-ccg.test", "Lee Observer", "NHS Medway CCG", []access.Role{access.RoleObserver}},
		{"admin@dgs-ccg.test", "Hana Admin", "NHS Dartford, Gravesham and Swanley CCG", []access.Role{access.RoleTenantAdmin}},
	}}

// actor signs in as a demo user and returns the request actor and its tenant context.
func (f *fixture) actor(t *testing.T, email string) (*access.Actor, context.Context) {
	t.Helper()
	cookie, err := f.svc.SignIn(f.ctx, SignInInput{Email: email, Password: testPassword}, "192.0.2.1", "test")
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
	_, err1 := f.svc.SignIn(f.ctx, SignInInput{Email: "lead@medway-ccg.test", Password: "wrong password!"}, "192.0.2.2", "")
	_, err2 := f.svc.SignIn(f.ctx, SignInInput{Email: "nobody@medway-ccg.test", Password: "wrong password!"}, "192.0.2.2", "")
	e1, _ := apperr.As(err1)
	e2, _ := apperr.As(err2)
	if e1 == nil || e2 == nil || e1.Kind != apperr.Unauthenticated || e1.Message != e2.Message {
		t.Fatalf("answers differ: %v / %v", err1, err2)
	}
}

// ttl is what a limit's counter has left to live: > 0 when it will expire, -1 when it never
// would, -2 when there is none.
func (f *fixture) ttl(t *testing.T, key string) time.Duration {
	t.Helper()
	d, err := f.svc.Redis.PTTL(f.ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// checkExpires fails unless the counter at key will expire within the window.
func (f *fixture) checkExpires(t *testing.T, key, after string) {
	t.Helper()
	if d := f.ttl(t, key); d <= 0 || d > AttemptWindow {
		t.Fatalf("after %s the counter %s has %v to live, want more than 0 and at most %v", after, key, d, AttemptWindow)
	}
}

func (f *fixture) signIn(email, password, ip string) error {
	_, err := f.svc.SignIn(f.ctx, SignInInput{Email: email, Password: password}, ip, "")
	return err
}

func TestManySuccessfulSignInsFromOneAddressNeverLockIt(t *testing.T) {
	f := newFixture(t)
	// Four times the address limit, by several people: a shared NHS network's morning.
	people := []string{"lead@medway-ccg.test", "evaluator@medway-ccg.test", "observer@medway-ccg.test", "approver@medway-ccg.test"}
	for i := 0; i < 4*testAddressFailures; i++ {
		if err := f.signIn(people[i%len(people)], testPassword, "198.51.100.20"); err != nil {
			t.Fatalf("sign-in %d from one address: %v", i+1, err)
		}
	}
	if d := f.ttl(t, addressKey("198.51.100.20")); d != -2 {
		t.Fatalf("successful sign-ins left an address counter (%v to live)", d)
	}
	// A few mistakes among them are not enough either.
	for i := 0; i < testAddressFailures-1; i++ {
		if err := f.signIn(people[i%len(people)], "mistyped", "198.51.100.20"); !apperr.IsKind(err, apperr.Unauthenticated) {
			t.Fatalf("mistake %d: %v", i+1, err)
		}
		if err := f.signIn(people[i%len(people)], testPassword, "198.51.100.20"); err != nil {
			t.Fatalf("sign-in after mistake %d: %v", i+1, err)
		}
	}
}

func TestAnAccountLocksAfterFiveFailuresForFifteenMinutes(t *testing.T) {
	f := newFixture(t)
	key := accountKey("evaluator@medway-ccg.test")
	for i := 0; i < MaxAccountFailures; i++ {
		// From different addresses: the account's lock does not depend on where attempts come from.
		if err := f.signIn("evaluator@medway-ccg.test", "not the password", fmt.Sprintf("192.0.2.%d", 30+i)); !apperr.IsKind(err, apperr.Unauthenticated) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		f.checkExpires(t, key, fmt.Sprintf("failure %d", i+1))
	}
	err := f.signIn("evaluator@medway-ccg.test", testPassword, "192.0.2.4")
	if !apperr.IsKind(err, apperr.TooMany) || !strings.Contains(err.Error(), "locked for 15 minutes") {
		t.Fatalf("the right password after 5 failures: %v, want the lock message", err)
	}
	// Other accounts are not affected.
	f.actor(t, "observer@medway-ccg.test")

	// The lock lasts the window from the fifth failure, then lifts by itself.
	f.advance(AttemptWindow - time.Minute)
	if err := f.signIn("evaluator@medway-ccg.test", testPassword, "192.0.2.4"); !apperr.IsKind(err, apperr.TooMany) {
		t.Fatalf("14 minutes after the lock: %v, want still locked", err)
	}
	f.advance(time.Minute)
	if err := f.signIn("evaluator@medway-ccg.test", testPassword, "192.0.2.4"); err != nil {
		t.Fatalf("15 minutes after the lock: %v, want signed in", err)
	}
	if d := f.ttl(t, key); d != -2 {
		t.Fatalf("a successful sign-in left the account's failures counted (%v to live)", d)
	}
}

func TestAnAccountLockLastsAWholeWindowFromTheFailureThatCausedIt(t *testing.T) {
	f := newFixture(t)
	// Four failures, then the fifth 10 minutes later: the lock runs 15 minutes from the fifth,
	// not 5 minutes from the count's start.
	for i := 0; i < MaxAccountFailures-1; i++ {
		_ = f.signIn("lead@medway-ccg.test", "nope", "192.0.2.40")
	}
	f.advance(10 * time.Minute)
	_ = f.signIn("lead@medway-ccg.test", "nope", "192.0.2.40")
	f.checkExpires(t, accountKey("lead@medway-ccg.test"), "the fifth failure")
	f.advance(10 * time.Minute)
	if err := f.signIn("lead@medway-ccg.test", testPassword, "192.0.2.40"); !apperr.IsKind(err, apperr.TooMany) {
		t.Fatalf("10 minutes after the fifth failure: %v, want still locked", err)
	}
	f.advance(5 * time.Minute)
	if err := f.signIn("lead@medway-ccg.test", testPassword, "192.0.2.40"); err != nil {
		t.Fatalf("15 minutes after the fifth failure: %v, want signed in", err)
	}
}

func TestFailuresOlderThanTheWindowAreForgotten(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < MaxAccountFailures-1; i++ {
		_ = f.signIn("lead@medway-ccg.test", "nope", "192.0.2.41")
	}
	f.advance(AttemptWindow)
	for i := 0; i < MaxAccountFailures-1; i++ {
		if err := f.signIn("lead@medway-ccg.test", "nope", "192.0.2.41"); !apperr.IsKind(err, apperr.Unauthenticated) {
			t.Fatalf("failure %d of a new window: %v", i+1, err)
		}
	}
	if err := f.signIn("lead@medway-ccg.test", testPassword, "192.0.2.41"); err != nil {
		t.Fatalf("4 failures in each of two windows: %v, want signed in", err)
	}
}

func TestACounterLeftWithoutAnExpiryIsGivenOne(t *testing.T) {
	f := newFixture(t)
	// What the older golive could leave when a process died between INCR and EXPIRE.
	key := accountKey("lead@medway-ccg.test")
	if err := f.svc.Redis.Set(f.ctx, key, MaxAccountFailures, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := f.signIn("lead@medway-ccg.test", testPassword, "192.0.2.42"); !apperr.IsKind(err, apperr.TooMany) {
		t.Fatalf("with the old counter: %v, want locked", err)
	}
	f.checkExpires(t, key, "reading a counter with no expiry")
	f.advance(AttemptWindow)
	if err := f.signIn("lead@medway-ccg.test", testPassword, "192.0.2.42"); err != nil {
		t.Fatalf("a window later: %v, want signed in", err)
	}
}

func TestOneAddressLocksAfterItsFailuresAcrossAccounts(t *testing.T) {
	f := newFixture(t)
	key := addressKey("198.51.100.9")
	for i := 0; i < testAddressFailures; i++ {
		// A different unknown account each time: only the address limit can stop them.
		if err := f.signIn(fmt.Sprintf("user%d@example.test", i), "x", "198.51.100.9"); !apperr.IsKind(err, apperr.Unauthenticated) {
			t.Fatalf("failure %d from one address: %v", i+1, err)
		}
		f.checkExpires(t, key, fmt.Sprintf("failure %d", i+1))
	}
	err := f.signIn("lead@medway-ccg.test", testPassword, "198.51.100.9")
	if !apperr.IsKind(err, apperr.TooMany) || !strings.Contains(err.Error(), "from your network") {
		t.Fatalf("a right password from the locked address: %v, want too many from your network", err)
	}
	// Another address is not affected.
	if err := f.signIn("lead@medway-ccg.test", testPassword, "198.51.100.10"); err != nil {
		t.Fatalf("from another address: %v", err)
	}
	f.advance(AttemptWindow)
	if err := f.signIn("lead@medway-ccg.test", testPassword, "198.51.100.9"); err != nil {
		t.Fatalf("a window later: %v, want signed in", err)
	}
}

func TestTheAddressLimitDefaultsToOneSizedForASharedNetwork(t *testing.T) {
	l := AttemptLimits{}.withDefaults()
	if l.AddressFailures != DefaultAddressFailures || l.AccountFailures != MaxAccountFailures || l.Window != AttemptWindow {
		t.Fatalf("defaults: %+v", l)
	}
	if DefaultAddressFailures < 20*MaxAccountFailures {
		t.Fatalf("the default address limit %d would let a few people's mistakes lock their whole network", DefaultAddressFailures)
	}
}

func TestOneIPv6NetworkIsLimitedAcrossItsAddresses(t *testing.T) {
	f := newFixture(t)
	var err error
	for i := 0; i <= testAddressFailures; i++ {
		// A fresh address from the same /64 for every attempt.
		ip := fmt.Sprintf("2001:db8:aa:bb::%x", i+1)
		err = f.signIn(fmt.Sprintf("user%d@example.test", i), "x", ip)
	}
	if !apperr.IsKind(err, apperr.TooMany) {
		t.Fatalf("attempt %d from one /64: %v, want too many", testAddressFailures+1, err)
	}
	// The next /64 is another subscriber.
	err = f.signIn("usera@example.test", "x", "2001:db8:aa:bc::1")
	if !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("an attempt from the next /64: %v, want only a wrong password", err)
	}
}

func TestPasswordResetRequestsAreLimitedPerAddress(t *testing.T) {
	f := newFixture(t)
	key := resetAddressKey("203.0.113.50")
	for i := 0; i < testAddressFailures; i++ {
		if err := f.svc.RequestReset(f.ctx, ForgotInput{Email: "lead@medway-ccg.test"}, "203.0.113.50"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		f.checkExpires(t, key, fmt.Sprintf("request %d", i+1))
	}
	if err := f.svc.RequestReset(f.ctx, ForgotInput{Email: "lead@medway-ccg.test"}, "203.0.113.50"); !apperr.IsKind(err, apperr.TooMany) {
		t.Fatalf("request %d from one address: %v, want too many", testAddressFailures+1, err)
	}
	if err := f.svc.RequestReset(f.ctx, ForgotInput{Email: "lead@medway-ccg.test"}, "203.0.113.51"); err != nil {
		t.Fatalf("from another address: %v", err)
	}
	f.advance(AttemptWindow)
	if err := f.svc.RequestReset(f.ctx, ForgotInput{Email: "lead@medway-ccg.test"}, "203.0.113.50"); err != nil {
		t.Fatalf("a window later: %v", err)
	}
}

func TestInvitedPersonJoinsWithTheirRolesOnce(t *testing.T) {
	f := newFixture(t)
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	_, err := f.svc.Invite(ctx, admin, InviteInput{Email: "New.Clinician@medway-ccg.test", Name: "Dr New", Roles: []string{access.RoleEvaluator.Key()}})
	if err != nil {
		t.Fatal(err)
	}
	subject, body := f.lastMail(t, "new.clinician@medway-ccg.test")
	if !strings.Contains(subject, "NHS Medway CCG") {
		t.Errorf("subject %q does not name the organisation", subject)
	}
	token := linkToken(t, body, "http://golive.test/invitations/")
	_, err = f.svc.AcceptInvitation(f.ctx, token, AcceptInput{Password: "short", Confirm: "short"})
	if e, ok := apperr.As(err); !ok || e.Fields["password"] == "" {
		t.Fatalf("a short password: %v", err)
	}
	u, err := f.svc.AcceptInvitation(f.ctx, token, AcceptInput{Name: "Dr Nia New", Password: "a long enough password", Confirm: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Dr Nia New" {
		t.Errorf("name %q", u.Name)
	}
	if _, err := f.svc.AcceptInvitation(f.ctx, token, AcceptInput{Password: "a long enough password", Confirm: "a long enough password"}); !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("second use of the link: %v", err)
	}
	cookie, err := f.svc.SignIn(f.ctx, SignInInput{Email: "new.clinician@medway-ccg.test", Password: "a long enough password"}, "192.0.2.5", "")
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
	_, err := f.svc.Invite(ctx, admin, InviteInput{Email: "x@medway-ccg.test", Name: "X", Roles: []string{access.RoleBidder.Key()}})
	if e, ok := apperr.As(err); !ok || e.Fields["roles"] == "" {
		t.Fatalf("inviting a bidder into a CCG: %v", err)
	}
	_, err = f.svc.Invite(ctx, admin, InviteInput{Email: "lead@medway-ccg.test", Name: "Dup", Roles: []string{access.RoleEvaluator.Key()}})
	if e, ok := apperr.As(err); !ok || e.Fields["email"] == "" {
		t.Fatalf("inviting an existing account: %v", err)
	}
}

func TestPasswordResetWorksOnceAndEndsOtherSessions(t *testing.T) {
	f := newFixture(t)
	cookie, err := f.svc.SignIn(f.ctx, SignInInput{Email: "observer@medway-ccg.test", Password: testPassword}, "192.0.2.6", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RequestReset(f.ctx, ForgotInput{Email: "nobody@nowhere.test"}, "192.0.2.6"); err != nil {
		t.Fatalf("an unknown address must get the same answer: %v", err)
	}
	var n int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM mail_messages WHERE to_addr = ?", "nobody@nowhere.test").Scan(&n)
	if n != 0 {
		t.Fatal("a reset mail was queued for an unknown address")
	}
	if err := f.svc.RequestReset(f.ctx, ForgotInput{Email: "observer@medway-ccg.test"}, "192.0.2.6"); err != nil {
		t.Fatal(err)
	}
	_, body := f.lastMail(t, "observer@medway-ccg.test")
	token := linkToken(t, body, "http://golive.test/reset-password/")
	if err := f.svc.ResetPassword(f.ctx, token, AcceptInput{Password: "a brand new password", Confirm: "a brand new password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SessionIdentity(f.ctx, cookie); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("the session from before the reset still works: %v", err)
	}
	if err := f.svc.ResetPassword(f.ctx, token, AcceptInput{Password: "another new password", Confirm: "another new password"}); !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("second use of the reset link: %v", err)
	}
	if _, err := f.svc.SignIn(f.ctx, SignInInput{Email: "observer@medway-ccg.test", Password: "a brand new password"}, "192.0.2.6", ""); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
}

func TestAPITokenIsStoredHashedAndCanBeRevokedOnlyByItsOwner(t *testing.T) {
	f := newFixture(t)
	lead, ctx := f.actor(t, "lead@medway-ccg.test")
	plain, tok, err := f.svc.CreateToken(ctx, lead, TokenInput{Name: "reporting"})
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
	for _, u := range testSeed.People {
		if u.Org == "NHS Medway CCG" {
			want++
		}
	}
	if len(members) != want {
		t.Errorf("Medway has %d members, want the %d seeded", len(members), want)
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
	if _, err := f.svc.UpdateMember(ctx, admin, dgs.UserID, MemberInput{Roles: []string{access.RoleObserver.Key()}, Active: &active}); !apperr.IsKind(err, apperr.NotFound) {
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
	plain, _, err := f.svc.CreateToken(evctx, ev, TokenInput{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := f.svc.UpdateMember(ctx, admin, ev.UserID, MemberInput{Roles: []string{access.RoleEvaluator.Key(), access.RoleObserver.Key()}, Active: &yes}); err != nil {
		t.Fatal(err)
	}
	if got := f.svc.Authz.RolesOf(ev.UserID, ev.OrgID); len(got) != 2 {
		t.Fatalf("roles after change: %v", got)
	}
	no := false
	if _, err := f.svc.UpdateMember(ctx, admin, ev.UserID, MemberInput{Roles: []string{access.RoleEvaluator.Key()}, Active: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TokenIdentity(f.ctx, plain); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("a deactivated user's token still works: %v", err)
	}
	if _, err := f.svc.SignIn(f.ctx, SignInInput{Email: "evaluator@medway-ccg.test", Password: testPassword}, "192.0.2.7", ""); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Fatalf("a deactivated user signs in: %v", err)
	}
	if _, err := f.svc.UpdateMember(ctx, admin, admin.UserID, MemberInput{Roles: []string{access.RoleTenantAdmin.Key()}, Active: &no}); !apperr.IsKind(err, apperr.Conflict) {
		t.Fatalf("an admin deactivating themselves: %v", err)
	}
}

func TestAnotherProcessSeesRoleChangesBeforeItsNextDecision(t *testing.T) {
	f := newFixture(t)
	// A second authorizer over the same database and Redis stands for another serve process.
	other, err := NewAuthorizer(f.ctx, f.db.Gorm, f.svc.Redis, f.svc.Log)
	if err != nil {
		t.Fatal(err)
	}
	admin, ctx := f.actor(t, "admin@medway-ccg.test")
	obs, _ := f.actor(t, "observer@medway-ccg.test")
	if other.Can(obs.UserID, obs.OrgID, access.PermUsersManage) {
		t.Fatal("an observer may manage users")
	}
	yes := true
	if _, err := f.svc.UpdateMember(ctx, admin, obs.UserID, MemberInput{Roles: []string{access.RoleTenantAdmin.Key()}, Active: &yes}); err != nil {
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
