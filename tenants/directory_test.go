package tenants_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"golive/apperr"
	"golive/database"
	"golive/database/dbtest"
	"golive/demo"
	"golive/tenants"
	"golive/tenants/access"
)

// The directory is how evaluation, mobilisation and lots learn who people are; these tests
// pin down what they rely on, on SQLite and on PostgreSQL (the second pass of make test).

// dirWorld is the demo organisations and people, plus a few more made here.
type dirWorld struct {
	ctx  context.Context
	svc  *tenants.Service
	dir  *tenants.Directory
	orgs map[string]string // name → id
	db   *database.DB
}

func newDirWorld(t *testing.T) *dirWorld {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t)
	opt, err := redis.ParseURL(dbtest.RedisURL(t))
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
	svc := &tenants.Service{Store: tenants.NewStore(db), Authz: authz, Redis: rdb, Now: time.Now, Log: log}
	orgs, _, err := demo.LoadPeople(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	return &dirWorld{ctx: ctx, svc: svc, dir: tenants.NewDirectory(db), orgs: orgs, db: db}
}

// person adds someone to an organisation, joined at a given time, with roles granted in it.
func (w *dirWorld) person(t *testing.T, s *tenants.Store, email, name, org string, joined time.Time, active bool, roles ...access.Role) string {
	t.Helper()
	u := tenants.User{ID: uuid.NewString(), OrgID: w.orgs[org], Email: email, Name: name, PasswordHash: "x", Active: true, CreatedAt: joined, UpdatedAt: joined}
	if u.OrgID == "" {
		t.Fatalf("no organisation %q", org)
	}
	if err := s.CreateUser(w.ctx, &u); err != nil {
		t.Fatal(err)
	}
	if !active {
		u.Active = false
		if err := s.UpdateUser(w.ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetRoles(w.ctx, u.ID, u.OrgID, roles); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (w *dirWorld) userID(t *testing.T, email string) string {
	t.Helper()
	u, err := w.svc.Store.UserByEmail(w.ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func names(ps []tenants.Person) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func TestDirectoryPersonHasTheRolesOfTheirOwnOrganisationOnly(t *testing.T) {
	w := newDirWorld(t)
	lead := w.userID(t, "lead@medway-ccg.test")
	// a role granted in another organisation gives nothing: casbin checks it in that domain only
	if err := w.svc.Store.SetRoles(w.ctx, lead, w.orgs["NHS Luton CCG"], []access.Role{access.RoleEvaluator}); err != nil {
		t.Fatal(err)
	}
	p, err := w.dir.Person(w.ctx, lead)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Morgan Lead" || p.Email != "lead@medway-ccg.test" || p.OrgName != "NHS Medway CCG" || p.OrgKind != access.Commissioner ||
		!p.Active || !slices.Equal(p.Roles, []access.Role{access.RoleProcurementLead}) || p.Holds(access.RoleEvaluator) || p.CreatedAt.IsZero() {
		t.Errorf("the lead reads as %+v", p)
	}
	if _, err := w.dir.Person(w.ctx, uuid.NewString()); !apperr.IsKind(err, apperr.NotFound) {
		t.Errorf("an unknown person: got %v, want not found", err)
	}
}

func TestDirectoryBatchReadsLeaveUnknownIdsOut(t *testing.T) {
	w := newDirWorld(t)
	gone := w.person(t, w.svc.Store, "gone@medway-ccg.test", "Gail Gone", "NHS Medway CCG", time.Now(), false, access.RoleEvaluator)
	lead, unknown := w.userID(t, "lead@medway-ccg.test"), uuid.NewString()

	people, err := w.dir.People(w.ctx, []string{lead, gone, unknown, "", lead})
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 2 || people[lead].Name != "Morgan Lead" || people[gone].Active || !people[gone].Holds(access.RoleEvaluator) {
		t.Errorf("people: %+v", people)
	}
	ns, err := w.dir.Names(w.ctx, []string{lead, gone, unknown})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[lead] != "Morgan Lead" || ns[gone] != "Gail Gone" {
		t.Errorf("names (someone no longer active is still named): %v", ns)
	}
	medway, luton := w.orgs["NHS Medway CCG"], w.orgs["NHS Luton CCG"]
	on, err := w.dir.OrgNames(w.ctx, []string{medway, luton, unknown})
	if err != nil {
		t.Fatal(err)
	}
	if len(on) != 2 || on[medway] != "NHS Medway CCG" || on[luton] != "NHS Luton CCG" {
		t.Errorf("organisation names: %v", on)
	}
	// The batch read (scanned by hand) reads every field as the one-by-one read does.
	orgs, err := w.dir.Organisations(w.ctx, []string{medway, luton, unknown})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{medway, luton} {
		one, err := w.dir.Organisation(w.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(orgs[id], one) {
			t.Errorf("organisation %s in a batch: %+v, alone: %+v", id, orgs[id], one)
		}
	}
	if len(orgs) != 2 {
		t.Errorf("organisations: %d, want 2 (the unknown id left out)", len(orgs))
	}
	for _, empty := range [][]string{nil, {""}} {
		if m, err := w.dir.People(w.ctx, empty); err != nil || len(m) != 0 {
			t.Errorf("People(%q) = %v, %v", empty, m, err)
		}
		if m, err := w.dir.Names(w.ctx, empty); err != nil || len(m) != 0 {
			t.Errorf("Names(%q) = %v, %v", empty, m, err)
		}
	}
}

func TestDirectoryOrganisationsOfAKindAreByName(t *testing.T) {
	w := newDirWorld(t)
	hw, err := w.dir.OrganisationsOfKind(w.ctx, access.Healthwatch)
	if err != nil {
		t.Fatal(err)
	}
	if len(hw) != 2 || hw[0].Name != "Healthwatch Kent" || hw[1].Name != "Healthwatch Medway" {
		t.Errorf("Healthwatch organisations: %+v", hw)
	}
	cs, err := w.dir.OrganisationsOfKind(w.ctx, access.Commissioner)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 15 || !slices.IsSortedFunc(cs, func(a, b tenants.Organisation) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("commissioners: %+v, want the demo's 15 (the 11 CCGs and their successors) by name", cs)
	}
}

func TestDirectoryHoldersAreActiveInTheirOwnOrganisationByJoiningThenEmail(t *testing.T) {
	w := newDirWorld(t)
	s := w.svc.Store
	day := time.Date(2018, 3, 1, 9, 0, 0, 0, time.UTC)
	w.person(t, s, "b.late@medway-ccg.test", "Late B", "NHS Medway CCG", day.Add(time.Hour), true, access.RoleApprover)
	w.person(t, s, "z.early@medway-ccg.test", "Early Z", "NHS Medway CCG", day, true, access.RoleApprover, access.RoleObserver)
	w.person(t, s, "a.early@medway-ccg.test", "Early A", "NHS Medway CCG", day, true, access.RoleApprover)
	w.person(t, s, "off@medway-ccg.test", "Off Approver", "NHS Medway CCG", day, false, access.RoleApprover)
	elsewhere := w.person(t, s, "elsewhere@medway-ccg.test", "Elsewhere", "NHS Medway CCG", day, true)
	if err := s.SetRoles(w.ctx, elsewhere, w.orgs["NHS Luton CCG"], []access.Role{access.RoleApprover}); err != nil {
		t.Fatal(err)
	}
	medway, luton := w.orgs["NHS Medway CCG"], w.orgs["NHS Luton CCG"]

	got, err := w.dir.Holders(w.ctx, access.RoleApprover, []string{medway, luton, medway})
	if err != nil {
		t.Fatal(err)
	}
	// the demo approver joined when the demo was loaded, after 2018
	medwayOrder := []string{"Early A", "Early Z", "Late B", "Jo Approver"}
	lutonOrder := []string{"Approver Luton"}
	want := append(slices.Clone(medwayOrder), lutonOrder...)
	if luton < medway {
		want = append(slices.Clone(lutonOrder), medwayOrder...)
	}
	if !slices.Equal(names(got), want) {
		t.Errorf("approvers of Medway and Luton: %v, want %v", names(got), want)
	}
	first, err := w.dir.Holders(w.ctx, access.RoleApprover, []string{medway})
	if err != nil || len(first) == 0 || first[0].Email != "a.early@medway-ccg.test" {
		t.Errorf("the earliest approver of Medway: %v, %v", names(first), err)
	}
	if none, err := w.dir.Holders(w.ctx, access.RoleApprover, nil); err != nil || len(none) != 0 {
		t.Errorf("holders at no organisation: %v, %v", none, err)
	}
}

func TestDirectoryActivePeopleAreByNameThenEmail(t *testing.T) {
	w := newDirWorld(t)
	s := w.svc.Store
	now := time.Now()
	w.person(t, s, "b@estuary-urgent-care.test", "Ash Estuary", "Estuary Urgent Care CIC", now, true)
	w.person(t, s, "a@estuary-urgent-care.test", "Ash Estuary", "Estuary Urgent Care CIC", now, true)
	w.person(t, s, "old@estuary-urgent-care.test", "Old Estuary", "Estuary Urgent Care CIC", now, false, access.RoleBidder)

	got, err := w.dir.ActivePeople(w.ctx, []string{w.orgs["Estuary Urgent Care CIC"]})
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, p := range got {
		emails = append(emails, p.Email)
	}
	want := []string{"a@estuary-urgent-care.test", "b@estuary-urgent-care.test", "bids@estuary-urgent-care.test", "admin@estuary-urgent-care.test"}
	if !slices.Equal(emails, want) {
		t.Errorf("active people of Estuary: %v, want %v (Ash, Ash, Charlie, Dana)", emails, want)
	}
}

func TestDirectoryPanelCandidatesAreTheParticipantsEvaluatorsAndHealthwatch(t *testing.T) {
	w := newDirWorld(t)
	s := w.svc.Store
	w.person(t, s, "off.eval@medway-ccg.test", "Aaron Off", "NHS Medway CCG", time.Now(), false, access.RoleEvaluator)
	// a Healthwatch evaluator role held at a commissioner does not make a panel member
	w.person(t, s, "hw@medway-ccg.test", "Abel Wrongrole", "NHS Medway CCG", time.Now(), true, access.RoleHealthwatch)

	got, err := w.dir.PanelCandidates(w.ctx, []string{w.orgs["NHS Medway CCG"]})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Dr Sam Evaluator", "Nic Finance", "Robin Reviewer"}; !slices.Equal(names(got), want) {
		t.Errorf("candidates for a Medway procurement: %v, want %v (not Luton's or Bedfordshire's evaluators, no approver, no provider)", names(got), want)
	}
	got, err = w.dir.PanelCandidates(w.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Robin Reviewer"}; !slices.Equal(names(got), want) {
		t.Errorf("candidates with no commissioner taking part: %v, want %v", names(got), want)
	}
}

// A feature's store reads the directory inside its transaction (tenants.DirectoryOn): it sees the
// transaction's own writes, and needs no second connection.
func TestDirectoryOnATransactionReadsThroughIt(t *testing.T) {
	w := newDirWorld(t)
	rollback := errors.New("roll back")
	var id string
	err := w.svc.Store.Tx(w.ctx, func(tx *tenants.Store) error {
		id = w.person(t, tx, "new@swale-ccg.test", "Nova New", "NHS Swale CCG", time.Now(), true, access.RoleApprover)
		d := tenants.DirectoryOn(tenants.StoreDB(tx))
		p, err := d.Person(w.ctx, id)
		if err != nil {
			return err
		}
		if p.Name != "Nova New" || !p.Holds(access.RoleApprover) {
			t.Errorf("in the transaction: %+v", p)
		}
		hs, err := d.Holders(w.ctx, access.RoleApprover, []string{w.orgs["NHS Swale CCG"]})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(hs, func(h tenants.Person) bool { return h.ID == id }) {
			t.Errorf("the new approver is not among Swale's approvers in the transaction: %v", names(hs))
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if _, err := w.dir.Person(context.Background(), id); !apperr.IsKind(err, apperr.NotFound) {
		t.Errorf("after the rollback: got %v, want not found", err)
	}
}

// OrgAndPeopleNames is OrgNames and Names in one statement: the same answers (unknown ids left
// out), and in a request, once, with what the memo holds not read again.
func TestDirectoryOrgAndPeopleNamesAreOrgNamesAndNamesInOneStatement(t *testing.T) {
	w := newDirWorld(t)
	q := dbtest.CountQueries(t, w.db.Gorm)
	gone := w.person(t, w.svc.Store, "gone@medway-ccg.test", "Gail Gone", "NHS Medway CCG", time.Now(), false, access.RoleEvaluator)
	lead, unknown := w.userID(t, "lead@medway-ccg.test"), uuid.NewString()
	medway, luton := w.orgs["NHS Medway CCG"], w.orgs["NHS Luton CCG"]
	orgIDs, userIDs := []string{medway, luton, unknown, "", medway}, []string{lead, gone, unknown, lead}

	wantOrgs := namesMust(t)(w.dir.OrgNames(w.ctx, orgIDs))
	wantUsers := namesMust(t)(w.dir.Names(w.ctx, userIDs))
	wantFull := func() map[string]tenants.Organisation {
		m, err := w.dir.Organisations(w.ctx, []string{medway, luton})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}()
	if len(wantOrgs) != 2 || len(wantUsers) != 2 {
		t.Fatalf("the fixture: %v %v", wantOrgs, wantUsers)
	}
	check := func(ctx context.Context, what string, orgIDs, userIDs []string, statements int) {
		t.Helper()
		q.Reset()
		orgs, users, err := w.dir.OrgAndPeopleNames(ctx, orgIDs, userIDs)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if q.Count() != statements {
			t.Errorf("%s: %d statements, want %d", what, q.Count(), statements)
		}
		for _, c := range []struct {
			got, all map[string]string
			ids      []string
		}{{orgs, wantOrgs, orgIDs}, {users, wantUsers, userIDs}} {
			want := map[string]string{}
			for _, id := range c.ids {
				if n, ok := c.all[id]; ok {
					want[id] = n
				}
			}
			if !reflect.DeepEqual(c.got, want) {
				t.Errorf("%s: %v, want %v", what, c.got, want)
			}
		}
	}
	check(w.ctx, "without a memo", orgIDs, userIDs, 1)
	check(w.ctx, "organisations only", orgIDs, nil, 1)
	check(w.ctx, "people only", nil, userIDs, 1)
	check(w.ctx, "nobody", nil, []string{""}, 0)

	// In a request (known ids only: an unknown one is asked again, as OrgNames and Names do).
	orgIDs, userIDs = []string{medway, luton}, []string{lead, gone}
	mctx := database.WithMemo(w.ctx)
	check(mctx, "in a request", orgIDs, userIDs, 1)
	check(mctx, "again in the request", orgIDs, userIDs, 0)
	// What it put in the memo is what the organisations' own read gives.
	q.Reset()
	if got, err := w.dir.Organisations(mctx, orgIDs); err != nil || !reflect.DeepEqual(got, wantFull) || q.Count() != 0 {
		t.Errorf("the organisations from the memo: %+v, %v, in %d statements; want %+v", got, err, q.Count(), wantFull)
	}
	q.Reset()
	if got, err := w.dir.Names(mctx, userIDs); err != nil || !reflect.DeepEqual(got, wantUsers) || q.Count() != 0 {
		t.Errorf("the names from the memo: %v, %v, in %d statements; want %v", got, err, q.Count(), wantUsers)
	}
	mctx = database.WithMemo(w.ctx)
	namesMust(t)(w.dir.OrgNames(mctx, orgIDs))
	check(mctx, "in a request that has named the organisations", orgIDs, userIDs, 1)
	mctx = database.WithMemo(w.ctx)
	namesMust(t)(w.dir.Names(mctx, userIDs))
	check(mctx, "in a request that has named the people", orgIDs, append(userIDs, lead), 1)
	check(mctx, "and then both", orgIDs, userIDs, 0)
}

func namesMust(t *testing.T) func(map[string]string, error) map[string]string {
	return func(m map[string]string, err error) map[string]string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
}
