package tenants

import (
	"testing"
	"time"

	"golive/tenants/access"
)

func TestRolesCannotCrossOrganisationKinds(t *testing.T) {
	cases := []struct {
		kind  OrgKind
		roles []string
		ok    bool
	}{
		{Commissioner, []string{access.RoleProcurementLead.Key(), access.RoleEvaluator.Key()}, true},
		{Commissioner, []string{access.RoleBidder.Key()}, false},
		{Commissioner, []string{access.RolePlatformAdmin.Key()}, false},
		{Commissioner, []string{access.RoleHealthwatch.Key()}, false},
		{Provider, []string{access.RoleBidder.Key(), access.RoleTenantAdmin.Key()}, true},
		{Provider, []string{access.RoleEvaluator.Key()}, false},
		{Healthwatch, []string{access.RoleHealthwatch.Key()}, true},
		{Healthwatch, []string{access.RoleApprover.Key()}, false},
		{Platform, []string{access.RolePlatformAdmin.Key()}, true},
		{Platform, []string{access.RoleTenantAdmin.Key()}, false},
		{Commissioner, nil, false},
		{Commissioner, []string{"root"}, false},
	}
	for _, c := range cases {
		_, msg := CheckRoles(c.kind, c.roles)
		if (msg == "") != c.ok {
			t.Errorf("CheckRoles(%s, %v) = %q, want ok=%v", c.kind, c.roles, msg, c.ok)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	cases := []struct {
		pw, email string
		ok        bool
	}{
		{"short", "a@b.test", false},
		{"exactly12chr", "a@b.test", true},
		{"password1234", "a@b.test", false},
		{"lead@medway-ccg.test", "lead@medway-ccg.test", false},
		{"correct horse battery staple", "a@b.test", true},
		{string(make([]rune, 201)), "a@b.test", false},
	}
	for _, c := range cases {
		if got := CheckPassword(c.pw, c.email) == ""; got != c.ok {
			t.Errorf("CheckPassword(%q) ok=%v, want %v", c.pw, got, c.ok)
		}
	}
}

func TestEmailMustBeOnePlainAddress(t *testing.T) {
	for s, ok := range map[string]bool{
		"lead@medway-ccg.test":        true,
		"Lead <lead@medway-ccg.test>": false,
		"not-an-email":                false,
		"a@b.test, c@d.test":          false,
		"":                            false,
	} {
		if got := CheckEmail(s) == ""; got != ok {
			t.Errorf("CheckEmail(%q) ok=%v, want %v", s, got, ok)
		}
	}
	if NormaliseEmail("  Lead@Medway-CCG.test ") != "lead@medway-ccg.test" {
		t.Error("emails are not normalised to lower case without spaces")
	}
}

func TestSessionsExpireWhenIdleOrOld(t *testing.T) {
	start := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
	s := Session{CreatedAt: start, LastSeenAt: start, ExpiresAt: start.Add(SessionAbsolute)}
	if SessionExpired(s, start.Add(time.Hour)) {
		t.Error("a session used an hour ago has expired")
	}
	if !SessionExpired(s, start.Add(SessionIdle)) {
		t.Error("a session idle for the idle limit is still live")
	}
	s.LastSeenAt = start.Add(SessionAbsolute - time.Minute)
	if !SessionExpired(s, start.Add(SessionAbsolute)) {
		t.Error("a session past its absolute limit is still live although recently used")
	}
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	me := Member{User: User{ID: "me"}, Roles: []access.Role{access.RoleTenantAdmin}}
	other := Member{User: User{ID: "other"}, Roles: []access.Role{access.RoleTenantAdmin}}
	if CanChangeMember("me", me, []access.Role{access.RoleTenantAdmin}, true) == "" {
		t.Error("an admin may deactivate themselves")
	}
	if CanChangeMember("me", me, []access.Role{access.RoleObserver}, false) == "" {
		t.Error("an admin may drop their own admin role")
	}
	if msg := CanChangeMember("me", other, []access.Role{access.RoleObserver}, true); msg != "" {
		t.Errorf("an admin may not deactivate another admin: %s", msg)
	}
}

func TestSignInOnlyRedirectsWithinGolive(t *testing.T) {
	for next, want := range map[string]string{
		"":                     "/",
		"/admin/users":         "/admin/users",
		"/admin/audit?page=2":  "/admin/audit?page=2",
		"https://evil.example": "/",
		"//evil.example/x":     "/",
		`/\evil.example`:       "/",
		"javascript:alert(1)":  "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestAttemptsAreCountedByIPv4AddressOrIPv6Slash64(t *testing.T) {
	for _, c := range []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"::1", "::/64"},
		{"not an address", "not an address"},
	} {
		if got := NetworkOf(c.ip); got != c.want {
			t.Errorf("NetworkOf(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}
