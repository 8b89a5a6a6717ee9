package tenants

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golive/apperr"
	"golive/audit"
	"golive/tenants/access"
)

// BootstrapTTL is how long the link `golive admin create` prints works: long enough to reach
// the person who will run the platform, short enough not to lie about in a terminal's history.
const BootstrapTTL = 24 * time.Hour

// BootstrapOrgName names the platform organisation made on an empty install.
const BootstrapOrgName = "golive"

// CreatePlatformAdmin makes a platform admin (and, on an empty install, the platform
// organisation), or finds the one with this email, and returns a one-time link to set a
// password. Running it again for the same email makes no second user: it issues a fresh link
// and the earlier ones stop working. It is the operator's command, run on the server: there is
// no actor.
func (s *Service) CreatePlatformAdmin(ctx context.Context, email, name string) (link string, created bool, err error) {
	email = NormaliseEmail(email)
	name = strings.Join(strings.Fields(name), " ")
	if msg := CheckEmail(email); msg != "" || email == "" {
		return "", false, apperr.InvalidFields(map[string]string{"email": "Give --email, an email address like name@example.nhs.uk"})
	}
	if name == "" || len(name) > 120 {
		return "", false, apperr.InvalidFields(map[string]string{"name": "Give --name, the person's full name (120 characters or fewer)"})
	}
	now := s.Now()
	token, hash := newToken("")
	err = s.Store.Tx(ctx, func(tx *Store) error {
		// The roles' version first, before the audit chain's lock (see Store.BumpPolicyVersion).
		if err := tx.BumpPolicyVersion(ctx); err != nil {
			return err
		}
		org, err := tx.PlatformOrg(ctx)
		if apperr.IsKind(err, apperr.NotFound) {
			org = Organisation{ID: NewID(), Name: BootstrapOrgName, Kind: Platform, CreatedAt: now}
			if err := tx.CreateOrg(ctx, &org); err != nil {
				return err
			}
			if err := tx.Audit(ctx, audit.Entry{TenantID: org.ID, Action: "organisation.created", ObjectType: "organisation",
				ObjectID: org.ID, Summary: map[string]any{"name": org.Name, "kind": string(org.Kind), "source": "admin create"}}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		u, err := tx.UserByEmail(ctx, email)
		switch {
		case apperr.IsKind(err, apperr.NotFound):
			u = User{ID: NewID(), OrgID: org.ID, Email: email, Name: name, Active: true, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			created = true
		case err != nil:
			return err
		default:
			o, err := tx.Org(ctx, u.OrgID)
			if err != nil {
				return err
			}
			if o.Kind != Platform {
				return &apperr.Error{Kind: apperr.Conflict, Message: fmt.Sprintf("%s is a user of %s, not of the platform: give another email address", email, o.Name)}
			}
			org = o
			if !u.Active {
				u.Active, u.UpdatedAt = true, now
				if err := tx.UpdateUser(ctx, &u); err != nil {
					return err
				}
			}
		}
		roles, err := tx.Roles(ctx, org.ID)
		if err != nil {
			return err
		}
		have := roles[u.ID]
		if !slices.Contains(have, access.RolePlatformAdmin) {
			if err := tx.SetRoles(ctx, u.ID, org.ID, append(have, access.RolePlatformAdmin)); err != nil {
				return err
			}
		}
		if err := tx.ExpireResets(ctx, u.ID, now); err != nil {
			return err
		}
		if err := tx.CreateReset(ctx, &PasswordReset{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(BootstrapTTL)}); err != nil {
			return err
		}
		action := "user.created"
		if !created {
			action = "user.password_link_issued"
		}
		return tx.Audit(ctx, audit.Entry{TenantID: org.ID, Action: action, ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"email": email, "roles": []access.Role{access.RolePlatformAdmin}, "source": "admin create"}})
	})
	if err != nil {
		return "", false, fmt.Errorf("create platform admin %s: %w", email, err)
	}
	if err := s.Authz.Changed(ctx); err != nil {
		return "", false, err
	}
	return s.BaseURL + "/reset-password/" + token, created, nil
}
