package tenants

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"golive/apperr"
	"golive/database"
	"golive/tenants/access"
)

// Directory is how every other feature learns who people and organisations are: names, who
// holds a role where, who may sit on a panel, whether someone is still active. tenants owns
// the users, organisations and casbin_rule tables; nobody else reads them (migrations.Owners).
//
// Reads are batched by ids so that a page asks once, not once per row. They are not scoped to
// the acting tenant: a procurement names people of several organisations, and each caller
// decides what to show (a bidder never reads an evaluator's name, for instance).
type Directory struct{ s *Store }

// NewDirectory reads the database's people.
func NewDirectory(db *database.DB) *Directory { return &Directory{s: NewStore(db)} }

// DirectoryOn reads through db: another feature's store passes its own connection, or the
// transaction it is in. A read inside a transaction must not wait for a second connection: on
// SQLite the pool is small and the writers queued behind the transaction hold the rest.
func DirectoryOn(db *gorm.DB) *Directory { return &Directory{s: &Store{db: db}} }

// Person is someone as the other features see them, with the roles they hold in their own
// organisation (a role granted in another organisation never counts).
type Person struct {
	ID, Name, Email string
	OrgID, OrgName  string
	OrgKind         access.OrgKind
	Active          bool
	CreatedAt       time.Time
	Roles           []access.Role
}

// Holds reports whether the person holds role in their own organisation.
func (p Person) Holds(r access.Role) bool { return slices.Contains(p.Roles, r) }

// Person loads one person; an unknown id is NotFound.
func (d *Directory) Person(ctx context.Context, id string) (Person, error) {
	m, err := d.People(ctx, []string{id})
	if err != nil {
		return Person{}, err
	}
	p, ok := m[id]
	if !ok {
		return Person{}, apperr.NotFoundf("User not found")
	}
	return p, nil
}

// People loads people by id; unknown ids are left out of the map.
func (d *Directory) People(ctx context.Context, ids []string) (map[string]Person, error) {
	out := map[string]Person{}
	ids = distinct(ids)
	if len(ids) == 0 {
		return out, nil
	}
	ps, err := d.s.people(ctx, "users.id IN ?", ids)
	if err != nil {
		return nil, fmt.Errorf("people %v: %w", ids, err)
	}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// Names maps people's ids to their names (active or not); unknown ids are left out. One
// query, for pages that only name people.
func (d *Directory) Names(ctx context.Context, ids []string) (map[string]string, error) {
	return d.s.names(ctx, ids)
}

// OrgAndPeopleNames is DisplayNames of orgIDs and Names of userIDs in one statement (and no
// more, unless an organisation has been succeeded: DisplayNames then follows the chain), for a
// page that names both. As theirs, its answers are kept for the rest of the request.
func (d *Directory) OrgAndPeopleNames(ctx context.Context, orgIDs, userIDs []string) (orgNames, userNames map[string]string, err error) {
	orgs, userNames, err := d.s.orgsAndNames(ctx, orgIDs, userIDs)
	if err != nil {
		return nil, nil, err
	}
	orgNames, err = d.displayNames(ctx, orgs)
	return orgNames, userNames, err
}

// names maps people's ids to their names (Directory.Names), once a request.
func (s *Store) names(ctx context.Context, ids []string) (map[string]string, error) {
	return database.MemoizeEach(ctx, s.db, "users.name", distinct(ids), func(ids []string) (map[string]string, error) {
		rows := make([]struct{ ID, Name string }, 0, len(ids)) // GORM's Scan would make room for 20
		if err := s.q(ctx).Model(&User{}).Select("id, name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("names of %v: %w", ids, err)
		}
		out := make(map[string]string, len(rows))
		for _, r := range rows {
			out[r.ID] = r.Name
		}
		return out, nil
	})
}

// ActivePeople lists the active people of the organisations given, by name then email.
func (d *Directory) ActivePeople(ctx context.Context, orgIDs []string) ([]Person, error) {
	orgIDs = distinct(orgIDs)
	if len(orgIDs) == 0 {
		return nil, nil
	}
	ps, err := d.s.people(ctx, "users.active AND users.org_id IN ?", orgIDs)
	if err != nil {
		return nil, fmt.Errorf("people of %v: %w", orgIDs, err)
	}
	slices.SortStableFunc(ps, func(a, b Person) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Email, b.Email))
	})
	return ps, nil
}

// PersonByEmail finds the account with this email address, in any case (addresses are stored
// lower-cased); an unknown address is NotFound.
func (d *Directory) PersonByEmail(ctx context.Context, email string) (Person, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return Person{}, apperr.NotFoundf("User not found")
	}
	ps, err := d.s.people(ctx, "users.email = ?", email)
	if err != nil {
		return Person{}, fmt.Errorf("person by email: %w", err)
	}
	if len(ps) == 0 {
		return Person{}, apperr.NotFoundf("User not found")
	}
	return ps[0], nil
}

// Organisation loads one organisation; an unknown id is NotFound.
func (d *Directory) Organisation(ctx context.Context, id string) (Organisation, error) {
	return d.s.Org(ctx, id)
}

// Organisations loads organisations by id; unknown ids are left out of the map.
func (d *Directory) Organisations(ctx context.Context, ids []string) (map[string]Organisation, error) {
	rows, err := d.s.orgsWithSuccessors(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Organisation, len(rows))
	for id, r := range rows {
		out[id] = r.Organisation
	}
	return out, nil
}

// OrganisationsOfKind lists every active organisation of a kind, by name (a procurement's
// participants are chosen from the commissioners): a deactivated or suspended one has nobody
// who could act for it.
func (d *Directory) OrganisationsOfKind(ctx context.Context, kind access.OrgKind) ([]Organisation, error) {
	var out []Organisation
	if err := d.s.q(ctx).Where("kind = ? AND deactivated_at IS NULL AND suspended_at IS NULL", kind).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("%s organisations: %w", kind, err)
	}
	return out, nil
}

// OrgNames maps organisation ids to their names as pages show them (DisplayNames: one that has
// been succeeded is "NHS Medway CCG (now NHS Kent and Medway ICB)"); unknown ids are left out.
func (d *Directory) OrgNames(ctx context.Context, ids []string) (map[string]string, error) {
	return d.DisplayNames(ctx, ids)
}

// Holders lists the active people holding role in their own organisation, at any of the
// organisations given, ordered by organisation, then by when they joined, then by email.
func (d *Directory) Holders(ctx context.Context, role access.Role, orgIDs []string) ([]Person, error) {
	orgIDs = distinct(orgIDs)
	if len(orgIDs) == 0 {
		return nil, nil
	}
	ps, err := d.s.people(ctx, "users.active AND users.org_id IN ? AND users.id IN (?)", orgIDs,
		d.s.q(ctx).Table("casbin_rule").Select("substr(v0, 6)").Where("ptype = 'g' AND v1 = ?", role.Key()))
	if err != nil {
		return nil, fmt.Errorf("%s holders at %v: %w", role, orgIDs, err)
	}
	return slices.DeleteFunc(ps, func(p Person) bool { return !p.Holds(role) }), nil
}

// PanelCandidates lists the active people a lead may put on a panel: evaluators of the
// commissioners given (those taking part in the procurement) and Healthwatch evaluators of
// any Healthwatch, by name. Nobody of another commissioner or of a provider is read.
func (d *Directory) PanelCandidates(ctx context.Context, commissionerIDs []string) ([]Person, error) {
	holders := d.s.q(ctx).Table("casbin_rule").Select("substr(v0, 6)").
		Where("ptype = 'g' AND v1 IN ?", []string{access.RoleEvaluator.Key(), access.RoleHealthwatch.Key()})
	where, args := "users.active AND users.id IN (?) AND organisations.kind = ?", []any{holders, access.Healthwatch}
	if ids := distinct(commissionerIDs); len(ids) > 0 {
		where = "users.active AND users.id IN (?) AND (organisations.kind = ? OR users.org_id IN ?)"
		args = append(args, ids)
	}
	ps, err := d.s.people(ctx, where, args...)
	if err != nil {
		return nil, fmt.Errorf("panel candidates: %w", err)
	}
	ps = slices.DeleteFunc(ps, func(p Person) bool {
		return !(p.OrgKind == access.Commissioner && p.Holds(access.RoleEvaluator)) &&
			!(p.OrgKind == access.Healthwatch && p.Holds(access.RoleHealthwatch))
	})
	slices.SortStableFunc(ps, func(a, b Person) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ps, nil
}

// people reads users joined to their organisation, with their roles there, in two statements.
func (s *Store) people(ctx context.Context, where string, args ...any) ([]Person, error) {
	var rows []struct {
		ID, Name, Email, OrgID, OrgName string
		OrgKind                         access.OrgKind
		Active                          bool
		CreatedAt                       time.Time
	}
	err := s.q(ctx).Table("users").
		Select("users.id, users.name, users.email, users.org_id, organisations.name AS org_name, organisations.kind AS org_kind, users.active, users.created_at").
		Joins("JOIN organisations ON organisations.id = users.org_id").
		Where(where, args...).Order("users.org_id, users.created_at, users.email").Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	subjects := make([]string, len(rows))
	for i, r := range rows {
		subjects[i] = Subject(r.ID)
	}
	var rules []struct{ V0, V1, V2 string }
	if err := s.q(ctx).Table("casbin_rule").Select("v0, v1, v2").Where("ptype = 'g' AND v0 IN ?", subjects).Order("v1").Scan(&rules).Error; err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	out := make([]Person, len(rows))
	for i, r := range rows {
		out[i] = Person{ID: r.ID, Name: r.Name, Email: r.Email, OrgID: r.OrgID, OrgName: r.OrgName, OrgKind: r.OrgKind,
			Active: r.Active, CreatedAt: r.CreatedAt.UTC()}
		for _, rule := range rules {
			if rule.V0 == subjects[i] && rule.V2 == r.OrgID {
				if role, ok := access.ParseRole(rule.V1); ok {
					out[i].Roles = append(out[i].Roles, role)
				}
			}
		}
	}
	return out, nil
}

// distinct is ids without "" and repeats, in their order: ids itself when it has neither (read
// it, never change it). What is kept is searched rather than put in a set while it is short:
// most lists are a page's few bidders or people (repeated, one a score), and the set cost
// more than the search.
func distinct(ids []string) []string {
	const short = 32
	k := 0 // ids[:k] has neither "" nor a repeat
	for k < len(ids) && k < short && ids[k] != "" && !slices.Contains(ids[:k], ids[k]) {
		k++
	}
	if k == len(ids) {
		return ids[:k:k]
	}
	out := make([]string, k, len(ids))
	copy(out, ids[:k])
	var seen map[string]bool
	for _, id := range ids[k:] {
		if id == "" {
			continue
		}
		if seen == nil && len(out) >= short {
			seen = make(map[string]bool, len(ids))
			for _, o := range out {
				seen[o] = true
			}
		}
		if seen != nil {
			if seen[id] {
				continue
			}
			seen[id] = true
		} else if slices.Contains(out, id) {
			continue
		}
		out = append(out, id)
	}
	return out
}
