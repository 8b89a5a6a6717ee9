package tenants

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/jobs"
	"golive/tenants/access"
)

// Store is the only place tenants touch the database.
type Store struct {
	db *gorm.DB
}

// NewStore wraps the database.
func NewStore(db *database.DB) *Store { return &Store{db: db.Gorm} }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn with a store bound to one transaction: state, audit event and queued mail commit together.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.q(ctx).Transaction(func(tx *gorm.DB) error { return fn(&Store{db: tx}) })
}

// Audit appends an audit event in the store's transaction.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error {
	return audit.Record(ctx, s.db, e)
}

// QueueMail writes a mail to the outbox in the store's transaction; it is sent after commit.
func (s *Store) QueueMail(ctx context.Context, m jobs.Mail) (string, error) {
	return jobs.QueueMail(ctx, s.db, m)
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFoundf("%s not found", what)
	}
	return err
}

// --- organisations ---

// CreateOrg inserts an organisation.
func (s *Store) CreateOrg(ctx context.Context, o *Organisation) error {
	if err := s.q(ctx).Create(o).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) { // two requests for the same name or identifier raced
			return &apperr.Error{Kind: apperr.Conflict, Message: "Another organisation has this name or identifier"}
		}
		return fmt.Errorf("create organisation %s: %w", o.Name, err)
	}
	return nil
}

// Org loads an organisation by id. Organisations are not secret: their names appear on notices.
func (s *Store) Org(ctx context.Context, id string) (Organisation, error) {
	var o Organisation
	err := s.q(ctx).Where("id = ?", id).Take(&o).Error
	return o, notFound(err, "Organisation")
}

// OrgByName finds an organisation by exact name.
func (s *Store) OrgByName(ctx context.Context, name string) (Organisation, error) {
	var o Organisation
	err := s.q(ctx).Where("name = ?", name).Take(&o).Error
	return o, notFound(err, "Organisation")
}

// Orgs lists organisations, optionally of some kinds.
func (s *Store) Orgs(ctx context.Context, kinds ...OrgKind) ([]Organisation, error) {
	var out []Organisation
	q := s.q(ctx).Order("kind, name")
	if len(kinds) > 0 {
		q = q.Where("kind IN ?", kinds)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return out, nil
}

// --- users ---

// CreateUser inserts a user.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	if err := s.q(ctx).Create(u).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return &apperr.Error{Kind: apperr.Conflict, Message: "An account with this email address already exists",
				Fields: map[string]string{"email": "An account with this email address already exists"}}
		}
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}

// UserByEmail finds a user for sign-in (across organisations: the email says which).
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.q(ctx).Where("email = ?", email).Take(&u).Error
	return u, notFound(err, "User")
}

// UserByID loads a user by id, unscoped: for sign-in and sessions only.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	var u User
	err := s.q(ctx).Where("id = ?", id).Take(&u).Error
	return u, notFound(err, "User")
}

// TenantUser loads a user of the acting organisation; another organisation's user is not found.
func (s *Store) TenantUser(ctx context.Context, id string) (User, error) {
	var u User
	err := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Where("id = ?", id).Take(&u).Error
	return u, notFound(err, "User")
}

// TenantUsers lists the acting organisation's users.
func (s *Store) TenantUsers(ctx context.Context) ([]User, error) {
	var out []User
	if err := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// UpdateUser saves a user's name, password, status and sign-in time.
func (s *Store) UpdateUser(ctx context.Context, u *User) error {
	err := s.q(ctx).Model(u).Select("name", "password_hash", "active", "last_sign_in_at", "updated_at").Updates(u).Error
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.ID, err)
	}
	return nil
}

// SetRoles replaces the user's casbin grouping rules in the organisation, in the transaction,
// and gives the rules a new version in the same transaction (see Authorizer).
func (s *Store) SetRoles(ctx context.Context, userID, orgID string, roles []access.Role) error {
	if err := s.BumpPolicyVersion(ctx); err != nil {
		return err
	}
	if err := s.q(ctx).Exec("DELETE FROM casbin_rule WHERE ptype = 'g' AND v0 = ? AND v2 = ?", Subject(userID), orgID).Error; err != nil {
		return fmt.Errorf("clear roles of %s: %w", userID, err)
	}
	for _, r := range roles {
		if err := s.q(ctx).Exec("INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5) VALUES ('g', ?, ?, ?, '', '', '')", Subject(userID), r.Key(), orgID).Error; err != nil {
			return fmt.Errorf("grant %s to %s: %w", r, userID, err)
		}
	}
	return nil
}

// BumpPolicyVersion writes a new random version of the casbin rules. In a transaction it also
// takes the row's lock until commit, so role changes commit one after another and the version
// read is never older than the rules read after it. Take it before the audit chain's lock
// (Audit), as SetRoles callers do, so that two transactions never wait on each other's.
func (s *Store) BumpPolicyVersion(ctx context.Context) error {
	res := s.q(ctx).Exec("UPDATE authz_version SET version = ? WHERE id = 1", NewID())
	if res.Error != nil {
		return fmt.Errorf("bump the roles' version: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return errors.New("bump the roles' version: the authz_version row is missing (migration 00015)")
	}
	return nil
}

// PolicyVersionQuery reads the roles' version. Each process runs it on its own clock and
// whenever Redis announces a role change (Authorizer.Watch), not for a request, so the tests
// that count a request's statements leave it out.
const PolicyVersionQuery = "SELECT version FROM authz_version WHERE id = 1"

// PolicyVersion reads the casbin rules' version.
func (s *Store) PolicyVersion(ctx context.Context) (string, error) {
	var v []string
	if err := s.q(ctx).Raw(PolicyVersionQuery).Scan(&v).Error; err != nil {
		return "", fmt.Errorf("read the roles' version: %w", err)
	}
	if len(v) != 1 {
		return "", errors.New("read the roles' version: the authz_version row is missing (migration 00015)")
	}
	return v[0], nil
}

// Roles reads the user's roles in the organisation from the stored rules.
func (s *Store) Roles(ctx context.Context, orgID string) (map[string][]access.Role, error) {
	var rows []struct{ V0, V1 string }
	err := s.q(ctx).Raw("SELECT v0, v1 FROM casbin_rule WHERE ptype = 'g' AND v2 = ? ORDER BY v1", orgID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read roles in %s: %w", orgID, err)
	}
	out := map[string][]access.Role{}
	for _, r := range rows {
		id := strings.TrimPrefix(r.V0, "user:")
		if role, ok := access.ParseRole(r.V1); ok {
			out[id] = append(out[id], role)
		}
	}
	return out, nil
}

// --- sessions ---

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, ss *Session) error {
	if err := s.q(ctx).Create(ss).Error; err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session loads a session by its hashed id.
func (s *Store) Session(ctx context.Context, id string) (Session, error) {
	var ss Session
	err := s.q(ctx).Where("id = ?", id).Take(&ss).Error
	return ss, notFound(err, "Session")
}

// TouchSession records activity, at most once a minute per session to spare the database.
func (s *Store) TouchSession(ctx context.Context, id string, now time.Time) error {
	return s.q(ctx).Model(&Session{}).Where("id = ? AND last_seen_at < ?", id, now.Add(-time.Minute)).
		Update("last_seen_at", now).Error
}

// DeleteSession signs one browser out.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.q(ctx).Where("id = ?", id).Delete(&Session{}).Error
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	return s.q(ctx).Where("user_id = ?", userID).Delete(&Session{}).Error
}

// DeleteExpiredSessions removes sessions past their absolute expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.q(ctx).Where("expires_at < ?", now).Delete(&Session{})
	return res.RowsAffected, res.Error
}

// --- invitations and resets ---

// CreateInvitation stores an invitation.
func (s *Store) CreateInvitation(ctx context.Context, inv *Invitation) error {
	if err := s.q(ctx).Create(inv).Error; err != nil {
		return fmt.Errorf("create invitation for %s: %w", inv.Email, err)
	}
	return nil
}

// InvitationByHash finds an invitation by its token's hash.
func (s *Store) InvitationByHash(ctx context.Context, hash string) (Invitation, error) {
	var inv Invitation
	err := s.q(ctx).Where("token_hash = ?", hash).Take(&inv).Error
	return inv, notFound(err, "Invitation")
}

// ClaimInvitation marks it accepted only if nobody has: a link works once, even when two
// requests race.
func (s *Store) ClaimInvitation(ctx context.Context, id string, now time.Time) (bool, error) {
	res := s.q(ctx).Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", id, now).Update("accepted_at", now)
	return res.RowsAffected == 1, res.Error
}

// PendingInvitations lists the acting organisation's unaccepted, unexpired invitations.
func (s *Store) PendingInvitations(ctx context.Context, now time.Time) ([]Invitation, error) {
	var out []Invitation
	err := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Where("accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", now).Order("created_at DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return out, nil
}

// CreateReset stores a password reset.
func (s *Store) CreateReset(ctx context.Context, r *PasswordReset) error {
	if err := s.q(ctx).Create(r).Error; err != nil {
		return fmt.Errorf("create password reset: %w", err)
	}
	return nil
}

// ResetByHash finds a reset by its token's hash.
func (s *Store) ResetByHash(ctx context.Context, hash string) (PasswordReset, error) {
	var r PasswordReset
	err := s.q(ctx).Where("token_hash = ?", hash).Take(&r).Error
	return r, notFound(err, "Password reset link")
}

// ClaimReset marks a reset used, once.
func (s *Store) ClaimReset(ctx context.Context, hash string, now time.Time) (bool, error) {
	res := s.q(ctx).Model(&PasswordReset{}).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hash, now).Update("used_at", now)
	return res.RowsAffected == 1, res.Error
}

// --- API tokens ---

// CreateToken stores a token's hash.
func (s *Store) CreateToken(ctx context.Context, t *APIToken) error {
	if err := s.q(ctx).Create(t).Error; err != nil {
		return fmt.Errorf("create API token: %w", err)
	}
	return nil
}

// UserTokens lists a user's tokens, newest first.
func (s *Store) UserTokens(ctx context.Context, userID string) ([]APIToken, error) {
	var out []APIToken
	err := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Where("user_id = ?", userID).Order("created_at DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes one of the user's own tokens; another user's token is not found.
func (s *Store) RevokeToken(ctx context.Context, userID, id string, now time.Time) error {
	res := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Model(&APIToken{}).
		Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, userID).Update("revoked_at", now)
	if res.Error != nil {
		return fmt.Errorf("revoke API token %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return apperr.NotFoundf("API token not found")
	}
	return nil
}

// RevokeUserTokens revokes every token of a user (on deactivation).
func (s *Store) RevokeUserTokens(ctx context.Context, userID string, now time.Time) error {
	return s.q(ctx).Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error
}

// TouchToken records use, at most once a minute.
func (s *Store) TouchToken(ctx context.Context, id string, now time.Time) error {
	return s.q(ctx).Model(&APIToken{}).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, now.Add(-time.Minute)).
		Update("last_used_at", now).Error
}
