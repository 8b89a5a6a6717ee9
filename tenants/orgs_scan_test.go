package tenants

import (
	"reflect"
	"testing"
	"time"
)

// The organisations' batch reads scan their columns by hand (orgWithSuccessorDest), every row
// into the same variable: each must read what GORM reads, field by field, with every column
// holding a value of its own (a swapped pair would show), and a row with NULLs read after or
// before one without must not keep or lend the other's values.
func TestOrgBatchReadsScanWhatGORMReads(t *testing.T) {
	f := newFixture(t)
	ctx, s := f.ctx, f.svc.Store
	now := time.Now().UTC().Truncate(time.Second)
	deactivated, suspended := now.Add(-2*time.Hour), now.Add(-time.Hour)
	full := Organisation{ID: NewID(), Name: "Full Columns CIC", Kind: Provider, ODSCode: "ODS1", CreatedAt: now.Add(-72 * time.Hour),
		LegalForm: FormCIC, CompaniesHouseNumber: "01234567", CharityNumber: "1234567",
		DeactivatedAt: &deactivated, SuspendedAt: &suspended, SelfRegistered: true}
	bare := Organisation{ID: NewID(), Name: "Bare Columns Ltd", Kind: Provider, CreatedAt: now.Add(-48 * time.Hour), LegalForm: FormCompany}
	successor := Organisation{ID: NewID(), Name: "Successor CIC", Kind: Provider, CreatedAt: now, LegalForm: FormCompany, CompaniesHouseNumber: "07654321"}
	for _, o := range []*Organisation{&full, &bare, &successor} {
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	sc := &Succession{ID: NewID(), SuccessorOrgID: successor.ID, EffectiveAt: now, Users: UsersInvite, State: SuccessionApplied, CreatedAt: now,
		Predecessors: []string{full.ID}}
	if err := s.CreateSuccession(ctx, sc); err != nil {
		t.Fatal(err)
	}
	user, err := s.UserByEmail(ctx, "lead@medway-ccg.test")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{full.ID, bare.ID, successor.ID}
	want := map[string]Organisation{}
	for _, id := range ids {
		o, err := s.Org(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = o
	}
	if w := want[full.ID]; w.DeactivatedAt == nil || w.SuspendedAt == nil || w.DeactivatedAt.Equal(*w.SuspendedAt) || !w.SelfRegistered {
		t.Fatalf("the fixture: %+v", w)
	}

	batch, err := s.loadOrgsWithSuccessors(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	withNames, names, err := s.loadOrgsAndNames(ctx, ids, []string{user.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[user.ID] != user.Name {
		t.Errorf("names %v, want %s: %s", names, user.ID, user.Name)
	}
	for what, got := range map[string]map[string]*orgWithSuccessor{"loadOrgsWithSuccessors": batch, "loadOrgsAndNames": withNames} {
		if len(got) != len(ids) {
			t.Errorf("%s: %d organisations, want %d", what, len(got), len(ids))
		}
		for _, id := range ids {
			o, ok := got[id]
			if !ok {
				t.Errorf("%s: %s missing", what, id)
				continue
			}
			if !reflect.DeepEqual(o.Organisation, want[id]) {
				t.Errorf("%s scanned\n  %+v\nGORM read\n  %+v", what, o.Organisation, want[id])
			}
			wantSuccessor := ""
			if id == full.ID {
				wantSuccessor = successor.ID
			}
			if gotSuccessor := ""; o.SuccessorOrgID != nil {
				gotSuccessor = *o.SuccessorOrgID
				if gotSuccessor != wantSuccessor {
					t.Errorf("%s: the successor of %s is %q, want %q", what, o.Name, gotSuccessor, wantSuccessor)
				}
			} else if wantSuccessor != "" {
				t.Errorf("%s: %s has no successor, want %s", what, o.Name, wantSuccessor)
			}
		}
	}
}
