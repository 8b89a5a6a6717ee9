package tenants

import (
	"context"
	"fmt"
	"strings"

	"golive/apperr"
)

// signedIn is what every signed-in request needs to know about its caller, read in one statement
// (issue 17: authenticate in one or two statements): the session or API token, its user, the
// user's organisation and that organisation's successor by an applied succession, if any. The
// user's password hash is not read: no signed-in request needs it, so it is not in memory for
// each one.
type signedIn struct {
	Session        Session
	Token          APIToken
	User           User
	Org            Organisation
	SuccessorOrgID *string
}

// SessionSignIn loads a session with its user, organisation and successor; NotFound when there
// is no such session.
func (s *Store) SessionSignIn(ctx context.Context, id string) (signedIn, error) {
	return s.signIn(ctx, &sessionSignIn, id)
}

// TokenSignIn loads an unrevoked API token with its user, organisation and successor; NotFound
// when there is no such token.
func (s *Store) TokenSignIn(ctx context.Context, hash string) (signedIn, error) {
	return s.signIn(ctx, &tokenSignIn, hash)
}

// The sign-in runs on every signed-in request, so its statement is written once, here, and its
// row is scanned straight into the fields: building it with GORM's query builder and scanning
// through GORM's reflection was about 40 % of the CPU of an API request that does little else
// (GET /api/v1/me, issue 17), and most of its garbage.
//
// Each column is named beside the field it is scanned into, so the two lists cannot drift apart;
// TestSignInReadsEveryColumn fails when a model gains a column that is not read here.
type signInColumn struct {
	name string
	dest func(r *signedIn) any
}

type signInQuery struct {
	what string // for errors: "session", "API token"
	sql  string
	cols []signInColumn
}

var (
	sessionSignIn = newSignInQuery("session", "sessions", sessionColumns, "sessions.id = ?")
	tokenSignIn   = newSignInQuery("API token", "api_tokens", tokenColumns,
		"api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL")
)

var sessionColumns = []signInColumn{
	{"id", func(r *signedIn) any { return &r.Session.ID }},
	{"user_id", func(r *signedIn) any { return &r.Session.UserID }},
	{"org_id", func(r *signedIn) any { return &r.Session.OrgID }},
	{"created_at", func(r *signedIn) any { return &r.Session.CreatedAt }},
	{"last_seen_at", func(r *signedIn) any { return &r.Session.LastSeenAt }},
	{"expires_at", func(r *signedIn) any { return &r.Session.ExpiresAt }},
	{"ip", func(r *signedIn) any { return &r.Session.IP }},
	{"user_agent", func(r *signedIn) any { return &r.Session.UserAgent }},
}

var tokenColumns = []signInColumn{
	{"id", func(r *signedIn) any { return &r.Token.ID }},
	{"user_id", func(r *signedIn) any { return &r.Token.UserID }},
	{"org_id", func(r *signedIn) any { return &r.Token.OrgID }},
	{"name", func(r *signedIn) any { return &r.Token.Name }},
	{"prefix", func(r *signedIn) any { return &r.Token.Prefix }},
	{"token_hash", func(r *signedIn) any { return &r.Token.TokenHash }},
	{"created_at", func(r *signedIn) any { return &r.Token.CreatedAt }},
	{"last_used_at", func(r *signedIn) any { return &r.Token.LastUsedAt }},
	{"revoked_at", func(r *signedIn) any { return &r.Token.RevokedAt }},
}

// userColumns leaves out password_hash (see signedIn).
var userColumns = []signInColumn{
	{"id", func(r *signedIn) any { return &r.User.ID }},
	{"org_id", func(r *signedIn) any { return &r.User.OrgID }},
	{"email", func(r *signedIn) any { return &r.User.Email }},
	{"name", func(r *signedIn) any { return &r.User.Name }},
	{"active", func(r *signedIn) any { return &r.User.Active }},
	{"created_at", func(r *signedIn) any { return &r.User.CreatedAt }},
	{"updated_at", func(r *signedIn) any { return &r.User.UpdatedAt }},
	{"last_sign_in_at", func(r *signedIn) any { return &r.User.LastSignInAt }},
}

var orgColumns = []signInColumn{
	{"id", func(r *signedIn) any { return &r.Org.ID }},
	{"name", func(r *signedIn) any { return &r.Org.Name }},
	{"kind", func(r *signedIn) any { return (*string)(&r.Org.Kind) }},
	{"ods_code", func(r *signedIn) any { return &r.Org.ODSCode }},
	{"created_at", func(r *signedIn) any { return &r.Org.CreatedAt }},
	{"legal_form", func(r *signedIn) any { return (*string)(&r.Org.LegalForm) }},
	{"companies_house_number", func(r *signedIn) any { return &r.Org.CompaniesHouseNumber }},
	{"charity_number", func(r *signedIn) any { return &r.Org.CharityNumber }},
	{"deactivated_at", func(r *signedIn) any { return &r.Org.DeactivatedAt }},
	{"suspended_at", func(r *signedIn) any { return &r.Org.SuspendedAt }},
	{"self_registered", func(r *signedIn) any { return &r.Org.SelfRegistered }},
}

// newSignInQuery writes the statement: the row of table (by where, whose one argument is the id
// or hash), its user, the user's organisation and the organisation's successor, in the order of
// cols.
func newSignInQuery(what, table string, first []signInColumn, where string) signInQuery {
	q := signInQuery{what: what}
	var sel []string
	for _, part := range []struct {
		table string
		cols  []signInColumn
	}{{table, first}, {"users", userColumns}, {"organisations", orgColumns}} {
		for _, c := range part.cols {
			sel = append(sel, part.table+"."+c.name)
			q.cols = append(q.cols, c)
		}
	}
	// The state is written in, not bound: it is a constant, and the statement then has the one
	// argument its caller gives.
	sel = append(sel, `(SELECT successions.successor_org_id FROM succession_predecessors
		JOIN successions ON successions.id = succession_predecessors.succession_id
		WHERE succession_predecessors.org_id = organisations.id AND successions.state = '`+string(SuccessionApplied)+`' LIMIT 1)`)
	q.cols = append(q.cols, signInColumn{"successor_org_id", func(r *signedIn) any { return &r.SuccessorOrgID }})
	q.sql = "SELECT " + strings.Join(sel, ", ") + " FROM " + table +
		" JOIN users ON users.id = " + table + ".user_id JOIN organisations ON organisations.id = users.org_id WHERE " +
		where + " LIMIT 1"
	return q
}

func (s *Store) signIn(ctx context.Context, q *signInQuery, arg string) (signedIn, error) {
	// Through GORM's Raw, not the *sql.DB: its callbacks count the statement (the query-count
	// tests, make bench's replay) and see every statement the request runs.
	rows, err := s.q(ctx).Raw(q.sql, arg).Rows()
	if err != nil {
		return signedIn{}, fmt.Errorf("sign-in by %s: %w", q.what, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return signedIn{}, fmt.Errorf("sign-in by %s: %w", q.what, err)
		}
		return signedIn{}, apperr.NotFoundf("%s not found", q.what)
	}
	var r signedIn
	var dest [48]any // more than any sign-in's columns: on the stack, not one more allocation
	d := dest[:0]
	for _, c := range q.cols {
		d = append(d, c.dest(&r))
	}
	if err := rows.Scan(d...); err != nil {
		return signedIn{}, fmt.Errorf("sign-in by %s: read the row: %w", q.what, err)
	}
	if err := rows.Close(); err != nil {
		return signedIn{}, fmt.Errorf("sign-in by %s: %w", q.what, err)
	}
	return r, nil
}
