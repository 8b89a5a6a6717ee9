package tenants

import (
	"context"
	"fmt"

	"golive/apperr"
	"golive/audit"
	"golive/tenants/access"
)

// Seed is a set of organisations and their people that an operator's command loads in one go,
// before anybody can sign in to invite them: `golive demo` loads the demo's this way. Each
// organisation and person is audited as created, with no actor and with the seed's source.
type Seed struct {
	Source        string         // recorded in every audit event, e.g. "demo"
	Organisations []Organisation // name, kind and ODS code; ids and times are given on loading
	People        []SeedPerson
	Password      string // every person's password
}

// SeedPerson is one person of a seed, in one of the seed's organisations (by name).
type SeedPerson struct {
	Email, Name, Org string
	Roles            []access.Role
}

// LoadSeed creates the seed's organisations and people in one transaction. It does nothing when
// the seed's first organisation exists already, so that running the command again changes
// nothing. Either way it returns the ids of the seed's organisations by name (those that exist),
// and whether it created them now.
func (s *Service) LoadSeed(ctx context.Context, in Seed) (map[string]string, bool, error) {
	if len(in.Organisations) == 0 {
		return nil, false, fmt.Errorf("load seed %q: no organisations", in.Source)
	}
	if _, err := s.Store.OrgByName(ctx, in.Organisations[0].Name); err == nil {
		ids, err := s.seedIDs(ctx, in)
		return ids, false, err
	} else if !apperr.IsKind(err, apperr.NotFound) {
		return nil, false, fmt.Errorf("check for seed %q: %w", in.Source, err)
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, false, err
	}
	now := s.Now()
	ids := map[string]string{}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		// The roles' version before the audit chain: the order every role change takes their
		// locks in, so a seed and a role change cannot deadlock.
		if err := tx.BumpPolicyVersion(ctx); err != nil {
			return err
		}
		for _, o := range in.Organisations {
			o.ID, o.CreatedAt = NewID(), now
			if err := tx.CreateOrg(ctx, &o); err != nil {
				return err
			}
			ids[o.Name] = o.ID
			if err := tx.Audit(ctx, audit.Entry{TenantID: o.ID, Action: "organisation.created", ObjectType: "organisation",
				ObjectID: o.ID, Summary: map[string]any{"name": o.Name, "kind": string(o.Kind), "source": in.Source}}); err != nil {
				return err
			}
		}
		for _, p := range in.People {
			u := User{ID: NewID(), OrgID: ids[p.Org], Email: p.Email, Name: p.Name, PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now}
			if u.OrgID == "" {
				return fmt.Errorf("seed user %s: no organisation %q", p.Email, p.Org)
			}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			if err := tx.SetRoles(ctx, u.ID, u.OrgID, p.Roles); err != nil {
				return err
			}
			if err := tx.Audit(ctx, audit.Entry{TenantID: u.OrgID, Action: "user.created", ObjectType: "user", ObjectID: u.ID,
				Summary: map[string]any{"email": u.Email, "roles": p.Roles, "source": in.Source}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("load seed %q: organisations and users: %w", in.Source, err)
	}
	return ids, true, s.Authz.Changed(ctx)
}

// seedIDs finds the seed's organisations that exist, by name.
func (s *Service) seedIDs(ctx context.Context, in Seed) (map[string]string, error) {
	all, err := s.Store.Orgs(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed %q: %w", in.Source, err)
	}
	want := map[string]bool{}
	for _, o := range in.Organisations {
		want[o.Name] = true
	}
	ids := map[string]string{}
	for _, o := range all {
		if want[o.Name] {
			ids[o.Name] = o.ID
		}
	}
	return ids, nil
}
