package tenants

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golive/apperr"
	"golive/tenants/access"
)

// The platform admin's queries cross organisations on purpose: they are about organisations and
// who belongs to them, never about any organisation's procurements.

// SearchOrgs lists organisations whose name or an identifier contains q (any case), of one kind
// when kind is set, platform organisations excluded.
func (s *Store) SearchOrgs(ctx context.Context, q string, kind OrgKind) ([]Organisation, error) {
	var out []Organisation
	db := s.q(ctx).Where("kind <> ?", Platform).Order("name")
	if kind != "" {
		db = db.Where("kind = ?", kind)
	}
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		db = db.Where(`LOWER(name) LIKE ? ESCAPE '\' OR LOWER(ods_code) LIKE ? ESCAPE '\' OR LOWER(companies_house_number) LIKE ? ESCAPE '\' OR LOWER(charity_number) LIKE ? ESCAPE '\'`,
			like, like, like, like)
	}
	if err := db.Limit(500).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("search organisations: %w", err)
	}
	return out, nil
}

// PlatformOrg is the first platform organisation, if there is one.
func (s *Store) PlatformOrg(ctx context.Context) (Organisation, error) {
	var o Organisation
	err := s.q(ctx).Where("kind = ?", Platform).Order("created_at").Take(&o).Error
	return o, notFound(err, "Platform organisation")
}

// IdentifierHolders finds organisations other than exceptID that already hold one of the
// identifiers (or the name), by field.
func (s *Store) IdentifierHolders(ctx context.Context, exceptID, name string, ids Identifiers) (map[string]Organisation, error) {
	out := map[string]Organisation{}
	check := func(field, column, value string) error {
		if value == "" {
			return nil
		}
		var o []Organisation
		if err := s.q(ctx).Where(column+" = ? AND id <> ?", value, exceptID).Limit(1).Find(&o).Error; err != nil {
			return fmt.Errorf("look up organisation by %s: %w", column, err)
		}
		if len(o) == 1 {
			out[field] = o[0]
		}
		return nil
	}
	for _, c := range [][3]string{{"name", "name", name}, {"ods_code", "ods_code", ids.ODSCode},
		{"companies_house_number", "companies_house_number", ids.CompaniesHouseNumber}, {"charity_number", "charity_number", ids.CharityNumber}} {
		if err := check(c[0], c[1], c[2]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateOrg saves an organisation's name, identifiers and status.
func (s *Store) UpdateOrg(ctx context.Context, o *Organisation) error {
	err := s.q(ctx).Model(o).Select("name", "legal_form", "ods_code", "companies_house_number", "charity_number",
		"deactivated_at", "suspended_at").Updates(o).Error
	if err != nil {
		return fmt.Errorf("update organisation %s: %w", o.ID, err)
	}
	return nil
}

// OrgUsers lists an organisation's users.
func (s *Store) OrgUsers(ctx context.Context, orgID string) ([]User, error) {
	var out []User
	if err := s.q(ctx).Where("org_id = ?", orgID).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list users of %s: %w", orgID, err)
	}
	return out, nil
}

// OrgPendingInvitations lists an organisation's live invitations.
func (s *Store) OrgPendingInvitations(ctx context.Context, orgID string, now time.Time) ([]Invitation, error) {
	var out []Invitation
	err := s.q(ctx).Where("org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", orgID, now).
		Order("created_at DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list invitations of %s: %w", orgID, err)
	}
	return out, nil
}

// OrgInvitation loads one invitation of an organisation; one of another is not found.
func (s *Store) OrgInvitation(ctx context.Context, orgID, id string) (Invitation, error) {
	var inv Invitation
	err := s.q(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&inv).Error
	return inv, notFound(err, "Invitation")
}

// RenewInvitation gives a pending invitation a new link and expiry: the old link stops working.
func (s *Store) RenewInvitation(ctx context.Context, id, hash string, expires, now time.Time) error {
	res := s.q(ctx).Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id).
		Updates(map[string]any{"token_hash": hash, "expires_at": expires})
	if res.Error != nil {
		return fmt.Errorf("renew invitation %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return &apperr.Error{Kind: apperr.Conflict, Message: "This invitation has been accepted or revoked already"}
	}
	return nil
}

// RevokeInvitation ends a pending invitation.
func (s *Store) RevokeInvitation(ctx context.Context, id string, now time.Time) error {
	res := s.q(ctx).Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id).Update("revoked_at", now)
	if res.Error != nil {
		return fmt.Errorf("revoke invitation %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return &apperr.Error{Kind: apperr.Conflict, Message: "This invitation has been accepted or revoked already"}
	}
	return nil
}

// DeleteOrgSessions signs every person of an organisation out.
func (s *Store) DeleteOrgSessions(ctx context.Context, orgID string) error {
	if err := s.q(ctx).Where("org_id = ?", orgID).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("end sessions of %s: %w", orgID, err)
	}
	return nil
}

// AdminCounts counts each organisation's administrators who can act: those holding the role
// (by the stored roles) whose account is active. A deactivated account keeps its roles, so
// counting the roles alone took an organisation whose only administrator was deactivated for
// one that has an administrator.
func (s *Store) AdminCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		V2 string
		N  int
	}
	err := s.q(ctx).Raw("SELECT c.v2, COUNT(*) AS n FROM casbin_rule c JOIN users u ON c.v0 = ? || u.id "+
		"WHERE c.ptype = 'g' AND c.v1 = ? AND u.active = ? GROUP BY c.v2", Subject(""), access.RoleTenantAdmin.Key(), true).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count administrators: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.V2] = r.N
	}
	return out, nil
}

// CreateRegistration stores a registration waiting for its email to be confirmed.
func (s *Store) CreateRegistration(ctx context.Context, r *Registration) error {
	if err := s.q(ctx).Create(r).Error; err != nil {
		return fmt.Errorf("create registration of %s: %w", r.OrgName, err)
	}
	return nil
}

// RegistrationByHash finds a registration by its token's hash.
func (s *Store) RegistrationByHash(ctx context.Context, hash string) (Registration, error) {
	var r Registration
	err := s.q(ctx).Where("token_hash = ?", hash).Take(&r).Error
	return r, notFound(err, "Registration")
}

// ClaimRegistration marks a registration confirmed, once, even when two requests race.
func (s *Store) ClaimRegistration(ctx context.Context, id string, now time.Time) (bool, error) {
	res := s.q(ctx).Model(&Registration{}).Where("id = ? AND confirmed_at IS NULL AND expires_at > ?", id, now).
		Updates(map[string]any{"confirmed_at": now})
	if res.Error != nil {
		return false, fmt.Errorf("claim registration %s: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SetRegistrationOrg records which organisation a confirmed registration made.
func (s *Store) SetRegistrationOrg(ctx context.Context, id, orgID string) error {
	if err := s.q(ctx).Model(&Registration{}).Where("id = ?", id).Update("org_id", orgID).Error; err != nil {
		return fmt.Errorf("link registration %s: %w", id, err)
	}
	return nil
}

// ExpireResets ends a user's unused password links, so only the newest works.
func (s *Store) ExpireResets(ctx context.Context, userID string, now time.Time) error {
	if err := s.q(ctx).Model(&PasswordReset{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error; err != nil {
		return fmt.Errorf("end password links of %s: %w", userID, err)
	}
	return nil
}
