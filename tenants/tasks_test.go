package tenants_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"golive/lots/lotstest"
	"golive/tenants"
	"golive/tenants/access"
)

// The organisation admin's and the platform admin's dashboard tasks, through the service on
// the real database (the demo's people, as lotstest loads them): each appears for the admin who
// may act, for nobody else (another organisation's admin, another role), and goes once done.
// (Confirming an opening, the organisation admin's task on a procurement, is lots' task:
// lots.TestEachProcurementTaskAppearsOnTheDashboardWhenDueAndGoesWhenDone.)

func taskEnv(t *testing.T) *lotstest.Env {
	t.Helper()
	now := time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)
	return lotstest.New(t, func() time.Time { return now })
}

// invitationToken reads the one-time link of the newest invitation mailed to an address.
func invitationToken(t *testing.T, e *lotstest.Env, to string) string {
	t.Helper()
	var body string
	e.DB.Gorm.Raw("SELECT body_text FROM mail_messages WHERE to_addr = ? ORDER BY created_at DESC LIMIT 1", to).Scan(&body)
	m := regexp.MustCompile(`/invitations/([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no invitation link in the mail to %s:\n%s", to, body)
	}
	return m[1]
}

func TestEachOrganisationAdminTaskAppearsWhenDueAndGoesWhenDone(t *testing.T) {
	e := taskEnv(t)
	svc, tasks := e.Tenants, e.Tenants.AdminTasks
	const admin = "admin@medway-ccg.test"
	e.WantNoTasks(t, tasks, "with everyone joined and given a role")

	// An invitation not yet accepted: Medway's admin, alone, is reminded of it until it is.
	a, ctx := e.As(t, admin)
	lotstest.Must[tenants.Invitation](t)(svc.Invite(ctx, a, tenants.InviteInput{Email: "new.clinician@medway-ccg.test", Name: "Dr Nia New",
		Roles: []string{access.RoleEvaluator.Key()}}))
	e.WantTasks(t, tasks, "invited", map[string][]string{admin: {"1 invitation not yet accepted | /admin/users | no date"}})
	e.WantNoTasks(t, tasks, "invited", admin)
	lotstest.Must[tenants.User](t)(svc.AcceptInvitation(ctx, invitationToken(t, e, "new.clinician@medway-ccg.test"),
		tenants.AcceptInput{Password: "a long enough password", Confirm: "a long enough password"}))
	e.WantNoTasks(t, tasks, "accepted")

	// Someone without a role (as a succession can leave them): they are told to ask, and their
	// admin alone is to give them one, until the admin does.
	var u tenants.User
	lotstest.OK(t, svc.Store.Tx(ctx, func(tx *tenants.Store) error {
		u = tenants.User{ID: tenants.NewID(), OrgID: a.OrgID, Email: "roleless@medway-ccg.test", Name: "Ray Roleless", Active: true,
			CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
		return tx.CreateUser(ctx, &u)
	}))
	lotstest.OK(t, svc.Authz.Changed(ctx))
	ra, rctx := e.As(t, u.Email)
	if own := lotstest.Must[[]tenants.Task](t)(tasks(rctx, ra)); len(own) != 1 || own[0].Title != "Ask your organisation admin for a role" ||
		!strings.Contains(own[0].Detail, admin) || own[0].Href != "mailto:"+admin+"?subject=A%20role%20in%20golive" {
		t.Fatalf("a person without a role has the tasks %+v, want to ask their admin (%s) for one", own, admin)
	}
	e.WantTasks(t, tasks, "a person without a role", map[string][]string{admin: {"Give Ray Roleless a role | /admin/users/" + u.ID + " | no date"}})
	e.WantNoTasks(t, tasks, "a person without a role", admin)
	yes := true
	lotstest.Must[tenants.Member](t)(svc.UpdateMember(ctx, a, u.ID, tenants.MemberInput{Roles: []string{access.RoleObserver.Key()}, Active: &yes}))
	e.WantNoTasks(t, tasks, "given a role")
	ra, rctx = e.As(t, u.Email)
	if own := lotstest.Must[[]tenants.Task](t)(tasks(rctx, ra)); len(own) != 0 {
		t.Fatalf("a person given a role still has %+v", own)
	}
}

func TestEachPlatformAdminTaskAppearsWhenDueAndGoesWhenDone(t *testing.T) {
	e := taskEnv(t)
	svc, tasks := e.Tenants, e.Tenants.PlatformTasks
	const platform = "admin@golive.test"
	pa, pctx := e.As(t, platform)
	manage := "Manage organisations | /platform/organisations | no date"
	if got := e.TaskLines(t, tasks, platform); len(got) == 0 || got[0] != manage {
		t.Fatalf("the platform admin's tasks %q, want first %q", got, manage)
	}
	e.WantNoTasks(t, tasks, "the platform admin's tasks", platform)

	// A new organisation: to be given an administrator until one accepts the invitation; a
	// pending invitation does not count.
	o := lotstest.Must[tenants.Organisation](t)(svc.CreateOrganisation(pctx, pa, tenants.OrgInput{Name: "Kent Community Health",
		Kind: "provider", LegalForm: "nhs_trust", ODSCode: "RYY"}))
	give := "Give Kent Community Health an administrator | /platform/organisations/" + o.ID + " | no date"
	e.WantTaskOnlyFor(t, tasks, "created", give, platform)
	lotstest.Must[tenants.Invitation](t)(svc.InviteToOrganisation(pctx, pa, o.ID, tenants.OrgInviteInput{Email: "admin@kentcht.test", Name: "Ola Admin"}))
	e.WantTaskOnlyFor(t, tasks, "invited", give, platform)
	lotstest.Must[tenants.User](t)(svc.AcceptInvitation(pctx, invitationToken(t, e, "admin@kentcht.test"),
		tenants.AcceptInput{Password: "a long enough password", Confirm: "a long enough password"}))
	e.WantTaskOnlyFor(t, tasks, "accepted", give)

	// Its only administrator's account deactivated (their roles stay stored): nobody can
	// administer it, so the task is back.
	u := lotstest.Must[tenants.User](t)(svc.Store.UserByEmail(pctx, "admin@kentcht.test"))
	u.Active = false
	lotstest.OK(t, svc.Store.UpdateUser(pctx, &u))
	e.WantTaskOnlyFor(t, tasks, "its only administrator deactivated", give, platform)

	// A deactivated organisation needs no administrator.
	lotstest.Must[tenants.Organisation](t)(svc.SetOrganisationStatus(pctx, pa, o.ID, tenants.OrgStatusInput{Status: "deactivated", Reason: "Merged"}))
	e.WantTaskOnlyFor(t, tasks, "organisation deactivated", give)
}

// A person without a role is told whom to ask, by name and email, with a link to write to the
// first; with no admin to ask, they are told who can give the organisation one.
func TestAskForRoleNamesTheAdminsToAsk(t *testing.T) {
	none := tenants.AskForRole(nil)
	if none.Href != "" || !strings.Contains(none.Detail, "no admin") {
		t.Errorf("with no admin: %+v", none)
	}
	one := tenants.AskForRole([]tenants.Person{{Name: "Ada Admin", Email: "ada+golive@medway.test"}})
	if one.Href != "mailto:ada+golive@medway.test?subject=A%20role%20in%20golive" || !strings.Contains(one.Detail, "Your admin is Ada Admin (ada+golive@medway.test).") {
		t.Errorf("with one admin: %+v", one)
	}
	two := tenants.AskForRole([]tenants.Person{{Name: "Ada Admin", Email: "ada@medway.test"}, {Name: "Bo Boss", Email: "bo@medway.test"}})
	if two.Href != "mailto:ada@medway.test?subject=A%20role%20in%20golive" || !strings.Contains(two.Detail, "Your admins are Ada Admin (ada@medway.test), Bo Boss (bo@medway.test).") {
		t.Errorf("with two admins: %+v", two)
	}
}
