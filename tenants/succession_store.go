package tenants

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"golive/database"
	"golive/tenants/access"
)

// The successions' queries: tenants owns successions and succession_predecessors with the
// organisations they speak of (migrations.Owners).

type successionPredecessor struct {
	SuccessionID string `gorm:"primaryKey"`
	OrgID        string `gorm:"primaryKey"`
}

func (successionPredecessor) TableName() string { return "succession_predecessors" }

// CreateSuccession inserts a succession with its predecessors.
func (s *Store) CreateSuccession(ctx context.Context, sc *Succession) error {
	if err := s.q(ctx).Create(sc).Error; err != nil {
		return fmt.Errorf("create succession %s: %w", sc.ID, err)
	}
	for _, id := range sc.Predecessors {
		if err := s.q(ctx).Create(&successionPredecessor{SuccessionID: sc.ID, OrgID: id}).Error; err != nil {
			return fmt.Errorf("add predecessor %s to succession %s: %w", id, sc.ID, err)
		}
	}
	return nil
}

// Successions lists every succession (with its predecessors), latest date first.
func (s *Store) Successions(ctx context.Context) ([]Succession, error) {
	var out []Succession
	if err := s.q(ctx).Order("effective_at DESC, created_at DESC, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list successions: %w", err)
	}
	return out, s.withPredecessors(ctx, out)
}

// Succession loads one succession; an unknown id is NotFound.
func (s *Store) Succession(ctx context.Context, id string) (Succession, error) {
	var sc Succession
	if err := s.q(ctx).Where("id = ?", id).Take(&sc).Error; err != nil {
		return Succession{}, notFound(err, "Succession")
	}
	list := []Succession{sc}
	if err := s.withPredecessors(ctx, list); err != nil {
		return Succession{}, err
	}
	return list[0], nil
}

func (s *Store) withPredecessors(ctx context.Context, list []Succession) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]string, len(list))
	for i, sc := range list {
		ids[i] = sc.ID
	}
	var rows []successionPredecessor
	if err := s.q(ctx).Where("succession_id IN ?", ids).Order("org_id").Find(&rows).Error; err != nil {
		return fmt.Errorf("predecessors of successions: %w", err)
	}
	for i := range list {
		for _, r := range rows {
			if r.SuccessionID == list[i].ID {
				list[i].Predecessors = append(list[i].Predecessors, r.OrgID)
			}
		}
	}
	return nil
}

// DueSuccessionIDs are the scheduled successions whose date has come, oldest first, so that a
// chain (CCGs in 2020, the ICB in 2022) is applied in its order.
func (s *Store) DueSuccessionIDs(ctx context.Context, now time.Time) ([]string, error) {
	var ids []string
	err := s.q(ctx).Model(&Succession{}).Where("state = ? AND effective_at <= ?", SuccessionScheduled, now).
		Order("effective_at, created_at, id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("due successions: %w", err)
	}
	return ids, nil
}

// ClaimSuccession marks a due scheduled succession applied and reports whether this call did:
// the first statement of the applying transaction, so that a second scheduler, a retry or a
// concurrent cancellation finds it taken and changes nothing (in PostgreSQL the row stays
// locked until commit).
func (s *Store) ClaimSuccession(ctx context.Context, id string, now time.Time) (bool, error) {
	res := s.q(ctx).Model(&Succession{}).Where("id = ? AND state = ? AND effective_at <= ?", id, SuccessionScheduled, now).
		Updates(map[string]any{"state": SuccessionApplied, "applied_at": now})
	if res.Error != nil {
		return false, fmt.Errorf("claim succession %s: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// CancelSuccession cancels a scheduled succession whose date has not come.
func (s *Store) CancelSuccession(ctx context.Context, id, by string, now time.Time) (bool, error) {
	res := s.q(ctx).Model(&Succession{}).Where("id = ? AND state = ? AND effective_at > ?", id, SuccessionScheduled, now).
		Updates(map[string]any{"state": SuccessionCancelled, "cancelled_at": now, "cancelled_by": by})
	if res.Error != nil {
		return false, fmt.Errorf("cancel succession %s: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// orgWithSuccessor is an organisation with the successor an applied succession gave it ("" if none).
type orgWithSuccessor struct {
	Organisation
	SuccessorOrgID *string
}

// orgsWithSuccessors loads organisations by id, each with its successor, in one statement (as
// signing in does), once a request (database.MemoizeEach); unknown ids are left out. The rows
// are the memo's own, shared by every read of the request: read them, never change them (by
// pointer, so that neither the memo nor a map of them copies each row).
func (s *Store) orgsWithSuccessors(ctx context.Context, ids []string) (map[string]*orgWithSuccessor, error) {
	return database.MemoizeEach(ctx, s.db, "organisations", distinct(ids), func(ids []string) (map[string]*orgWithSuccessor, error) {
		return s.loadOrgsWithSuccessors(ctx, ids)
	})
}

// orgWithSuccessorColumns are an organisation's columns and its successor's id, as
// orgWithSuccessorDest lists them; the one argument is SuccessionApplied.
const orgWithSuccessorColumns = `organisations.id, organisations.name, organisations.kind, organisations.ods_code,
			organisations.created_at, organisations.legal_form, organisations.companies_house_number, organisations.charity_number,
			organisations.deactivated_at, organisations.suspended_at, organisations.self_registered,
			(SELECT successions.successor_org_id
			FROM succession_predecessors JOIN successions ON successions.id = succession_predecessors.succession_id
			WHERE succession_predecessors.org_id = organisations.id AND successions.state = ? LIMIT 1) AS successor_org_id`

// orgWithSuccessorDest is what rows.Scan fills from orgWithSuccessorColumns (after the columns
// of before, if any) into o. By hand, not with GORM's reflective scan: every page and API read
// that names bidders or participants comes here, and the scan cost more than the query. One
// list for every row, scanned into the same o: each scan sets every field (a NULL sets a pointer
// nil, a value gives it a new one), so each row is copied out of o as it is read.
func orgWithSuccessorDest(o *orgWithSuccessor, before ...any) []any {
	return append(before, &o.ID, &o.Name, (*string)(&o.Kind), &o.ODSCode, &o.CreatedAt, (*string)(&o.LegalForm),
		&o.CompaniesHouseNumber, &o.CharityNumber, &o.DeactivatedAt, &o.SuspendedAt, &o.SelfRegistered, &o.SuccessorOrgID)
}

func (s *Store) loadOrgsWithSuccessors(ctx context.Context, ids []string) (map[string]*orgWithSuccessor, error) {
	args := make([]any, 0, 1+len(ids))
	args = append(args, SuccessionApplied)
	for _, id := range ids {
		args = append(args, id)
	}
	out := make(map[string]*orgWithSuccessor, len(ids))
	var o orgWithSuccessor
	dest := orgWithSuccessorDest(&o)
	err := database.EachText(ctx, s.db, database.Bind(s.db, `SELECT `+orgWithSuccessorColumns+
		` FROM organisations WHERE organisations.id IN (`+database.List(len(ids))+`)`), args, func(r database.Row) error {
		if err := r.Scan(dest...); err != nil {
			return err
		}
		row := o
		out[row.ID] = &row
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("organisations %v: %w", ids, err)
	}
	return out, nil
}

// orgsAndNames loads organisations by id with their successors (as orgsWithSuccessors) and
// people's names by id (as Directory.Names) in one statement, each once a request: what the
// request's memo holds is not read again, and when it holds every one of either, only the
// other is read. Unknown ids are left out. The organisations are the memo's own, as
// orgsWithSuccessors's.
func (s *Store) orgsAndNames(ctx context.Context, orgIDs, userIDs []string) (map[string]*orgWithSuccessor, map[string]string, error) {
	var names map[string]string
	orgs, err := database.MemoizeEach(ctx, s.db, "organisations", distinct(orgIDs), func(orgIDs []string) (map[string]*orgWithSuccessor, error) {
		var orgs map[string]*orgWithSuccessor
		var err error
		names, err = database.MemoizeEach(ctx, s.db, "users.name", distinct(userIDs), func(userIDs []string) (map[string]string, error) {
			var names map[string]string
			orgs, names, err = s.loadOrgsAndNames(ctx, orgIDs, userIDs)
			return names, err
		})
		if err != nil || orgs != nil {
			return orgs, err
		}
		return s.loadOrgsWithSuccessors(ctx, orgIDs) // every name was in the memo
	})
	if err != nil {
		return nil, nil, err
	}
	if names == nil { // every organisation was in the memo
		names, err = s.names(ctx, userIDs)
	}
	return orgs, names, err
}

// loadOrgsAndNames is orgsAndNames's statement: the organisations, then the people as rows of
// the same shape (their own columns of the same types where the organisations' have data,
// never read), told apart by the first column.
func (s *Store) loadOrgsAndNames(ctx context.Context, orgIDs, userIDs []string) (map[string]*orgWithSuccessor, map[string]string, error) {
	args := make([]any, 0, 1+len(orgIDs)+len(userIDs))
	args = append(args, SuccessionApplied)
	for _, id := range orgIDs {
		args = append(args, id)
	}
	for _, id := range userIDs {
		args = append(args, id)
	}
	orgs := make(map[string]*orgWithSuccessor, len(orgIDs))
	names := make(map[string]string, len(userIDs))
	var part int
	var o orgWithSuccessor
	dest := orgWithSuccessorDest(&o, &part)
	err := database.EachText(ctx, s.db, database.Bind(s.db, `SELECT 0 AS part, `+orgWithSuccessorColumns+
		` FROM organisations WHERE organisations.id IN (`+database.List(len(orgIDs))+`)
		UNION ALL
		SELECT 1, users.id, users.name, '', '', users.created_at, '', '', '', NULL, NULL, users.active, NULL FROM users WHERE users.id IN (`+
		database.List(len(userIDs))+`)`), args, func(r database.Row) error {
		if err := r.Scan(dest...); err != nil {
			return err
		}
		if part == 0 {
			row := o
			orgs[row.ID] = &row
		} else {
			names[o.ID] = o.Name
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("organisations %v and people %v: %w", orgIDs, userIDs, err)
	}
	return orgs, names, nil
}

// AppliedSuccessors maps each organisation succeeded by an applied succession to its successor.
func (s *Store) AppliedSuccessors(ctx context.Context) (map[string]string, error) {
	return database.Memoize(ctx, s.db, "successions.applied", maps.Clone[map[string]string], func() (map[string]string, error) {
		var rows []struct{ OrgID, SuccessorOrgID string }
		err := s.q(ctx).Raw(`SELECT succession_predecessors.org_id, successions.successor_org_id
			FROM succession_predecessors JOIN successions ON successions.id = succession_predecessors.succession_id
			WHERE successions.state = ?`, SuccessionApplied).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("applied successions: %w", err)
		}
		out := make(map[string]string, len(rows))
		for _, r := range rows {
			out[r.OrgID] = r.SuccessorOrgID
		}
		return out, nil
	})
}

// SucceededBy is the successor of an organisation succeeded by an applied succession, or "".
func (s *Store) SucceededBy(ctx context.Context, orgID string) (string, error) {
	var ids []string
	err := s.q(ctx).Raw(`SELECT successions.successor_org_id
		FROM succession_predecessors JOIN successions ON successions.id = succession_predecessors.succession_id
		WHERE succession_predecessors.org_id = ? AND successions.state = ?`, orgID, SuccessionApplied).Scan(&ids).Error
	if err != nil {
		return "", fmt.Errorf("successor of %s: %w", orgID, err)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return ids[0], nil
}

// orgUsers lists the users of an organisation, by email.
func (s *Store) orgUsers(ctx context.Context, orgID string) ([]User, error) {
	var out []User
	if err := s.q(ctx).Where("org_id = ?", orgID).Order("email").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("users of %s: %w", orgID, err)
	}
	return out, nil
}

// moveUser moves a person with their roles from one organisation to another: the user row,
// their sessions and API tokens (so a signed-in person carries on at the successor), and their
// casbin grouping rules, joined with any they already hold there.
func (s *Store) moveUser(ctx context.Context, userID, from, to string, roles map[string][]access.Role, toRoles map[string][]access.Role) error {
	for _, stmt := range []string{
		"UPDATE users SET org_id = ? WHERE id = ? AND org_id = ?",
		"UPDATE sessions SET org_id = ? WHERE user_id = ? AND org_id = ?",
		"UPDATE api_tokens SET org_id = ? WHERE user_id = ? AND org_id = ?",
	} {
		if err := s.q(ctx).Exec(stmt, to, userID, from).Error; err != nil {
			return fmt.Errorf("move user %s to %s: %w", userID, to, err)
		}
	}
	if err := s.q(ctx).Exec("DELETE FROM casbin_rule WHERE ptype = 'g' AND v0 = ? AND v2 = ?", Subject(userID), from).Error; err != nil {
		return fmt.Errorf("clear roles of %s at %s: %w", userID, from, err)
	}
	for _, r := range JoinRoles(roles[userID], nil) {
		if slices.Contains(toRoles[userID], r) {
			continue
		}
		if err := s.q(ctx).Exec("INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5) VALUES ('g', ?, ?, ?, '', '', '')", Subject(userID), r.Key(), to).Error; err != nil {
			return fmt.Errorf("grant %s to %s at %s: %w", r, userID, to, err)
		}
	}
	return nil
}

// movePendingInvitations makes the predecessor's unaccepted invitations invitations to the
// successor: whoever was asked to join is still wanted, by the body that now does the work.
func (s *Store) movePendingInvitations(ctx context.Context, from, to string, now time.Time) (int64, error) {
	res := s.q(ctx).Exec("UPDATE invitations SET org_id = ? WHERE org_id = ? AND accepted_at IS NULL AND expires_at > ?", to, from, now)
	if res.Error != nil {
		return 0, fmt.Errorf("move invitations of %s: %w", from, res.Error)
	}
	return res.RowsAffected, nil
}

// joinFromPredecessor is the account, if any, that an invitation of a succession moves: the
// person of email at an organisation that org succeeded (directly or through a chain). They
// keep their account, and with it the history of what they did.
func (s *Store) joinFromPredecessor(ctx context.Context, email, orgID string) (User, bool, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil || u.OrgID == orgID {
		return User{}, false, nil
	}
	next, err := s.AppliedSuccessors(ctx)
	if err != nil {
		return User{}, false, err
	}
	if _, succeeded := next[u.OrgID]; !succeeded || FinalSuccessor(u.OrgID, next) != FinalSuccessor(orgID, next) {
		return User{}, false, nil
	}
	return u, true, nil
}

// orgsByID loads organisations by id.
func (s *Store) orgsByID(ctx context.Context, ids []string) (map[string]Organisation, error) {
	return (&Directory{s: s}).Organisations(ctx, ids)
}
