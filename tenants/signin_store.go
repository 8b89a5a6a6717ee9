package tenants

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"golive/apperr"
	"golive/database"
)

// signedIn is what every signed-in request needs to know about its caller, read in one statement
// (issue 17: authenticate in one or two statements): the session or API token, its user, the
// user's organisation and that organisation's successor by an applied succession, if any.
//
// Only the columns a request uses are read (the lists below); the other fields are left zero.
// What is read is what the checks at sign-in and the request's actor need; the password hash, in
// particular, is never in memory for a signed-in request.
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
	return s.signIn(ctx, sessionSignIn, id)
}

// TokenSignIn loads an unrevoked API token with its user, organisation and successor; NotFound
// when there is no such token.
func (s *Store) TokenSignIn(ctx context.Context, hash string) (signedIn, error) {
	return s.signIn(ctx, tokenSignIn, hash)
}

// The sign-in runs on every signed-in request, so its statement is written once, here, and its
// row is scanned straight into the fields: building it with GORM's query builder and scanning
// through GORM's reflection was about 40 % of the CPU of an API request that does little else
// (GET /api/v1/me, issue 17), and most of its garbage. Each column read costs the driver too
// (a description, a decoder, a value), hence only those used.
//
// Each column is named beside the field it is scanned into, so the two lists cannot drift apart.
type signInColumn struct {
	name string
	dest func(r *signedIn) any
}

type signInQuery struct {
	what string // for errors: "session", "API token"
	sql  *database.Read
	cols []signInColumn
}

var (
	sessionSignIn = newSignInQuery("session", "sessions", sessionColumns, "r.id = ?")
	tokenSignIn   = newSignInQuery("API token", "api_tokens", tokenColumns, "r.token_hash = ? AND r.revoked_at IS NULL")
)

// sessionColumns are what SessionExpired and the once-a-minute touch read.
var sessionColumns = []signInColumn{
	{"last_seen_at", func(r *signedIn) any { return &r.Session.LastSeenAt }},
	{"expires_at", func(r *signedIn) any { return &r.Session.ExpiresAt }},
}

// tokenColumns are what the actor and the once-a-minute touch read.
var tokenColumns = []signInColumn{
	{"id", func(r *signedIn) any { return &r.Token.ID }},
	{"last_used_at", func(r *signedIn) any { return &r.Token.LastUsedAt }},
}

// userColumns are the actor's, and whether the account is active.
var userColumns = []signInColumn{
	{"id", func(r *signedIn) any { return &r.User.ID }},
	{"email", func(r *signedIn) any { return &r.User.Email }},
	{"name", func(r *signedIn) any { return &r.User.Name }},
	{"active", func(r *signedIn) any { return &r.User.Active }},
}

// orgColumns are the actor's, and what SignInRefusal reads.
var orgColumns = []signInColumn{
	{"id", func(r *signedIn) any { return &r.Org.ID }},
	{"name", func(r *signedIn) any { return &r.Org.Name }},
	{"kind", func(r *signedIn) any { return (*string)(&r.Org.Kind) }},
	{"deactivated_at", func(r *signedIn) any { return &r.Org.DeactivatedAt }},
	{"suspended_at", func(r *signedIn) any { return &r.Org.SuspendedAt }},
}

// newSignInQuery writes the statement: the row of table (r, found by where, whose one argument
// is the id or hash), its user (u), the user's organisation (o) and the organisation's successor,
// in the order of the columns. Short aliases: SQLite parses the statement on every call (its
// driver keeps no prepared statements).
func newSignInQuery(what, table string, first []signInColumn, where string) *signInQuery {
	q := &signInQuery{what: what}
	var sel []string
	for _, part := range []struct {
		alias string
		cols  []signInColumn
	}{{"r", first}, {"u", userColumns}, {"o", orgColumns}} {
		for _, c := range part.cols {
			sel = append(sel, part.alias+"."+c.name)
			q.cols = append(q.cols, c)
		}
	}
	// The state is written in, not bound: it is a constant, and the statement then has the one
	// argument its caller gives.
	sel = append(sel, "(SELECT s.successor_org_id FROM succession_predecessors p JOIN successions s ON s.id = p.succession_id"+
		" WHERE p.org_id = o.id AND s.state = '"+string(SuccessionApplied)+"' LIMIT 1)")
	q.cols = append(q.cols, signInColumn{"successor_org_id", func(r *signedIn) any { return &r.SuccessorOrgID }})
	q.sql = database.NewRead("SELECT " + strings.Join(sel, ", ") + " FROM " + table + " r JOIN users u ON u.id = r.user_id" +
		" JOIN organisations o ON o.id = u.org_id WHERE " + where + " LIMIT 1")
	return q
}

func (s *Store) signIn(ctx context.Context, q *signInQuery, arg string) (signedIn, error) {
	// The row is scanned into a signedIn from a pool, then copied out: the one scanned into
	// escapes (its fields' addresses go to the driver), and every request made one.
	r := signInRows.Get().(*signedIn)
	defer func() {
		*r = signedIn{} // keep nothing of this caller's
		signInRows.Put(r)
	}()
	found := false
	err := q.sql.Each(ctx, s.db, []any{arg}, func(row database.Row) error {
		var dest [16]any // as many as any sign-in's columns
		d := dest[:0]
		for _, c := range q.cols {
			d = append(d, c.dest(r))
		}
		found = true
		return row.Scan(d...)
	})
	if err != nil {
		return signedIn{}, fmt.Errorf("sign-in by %s: %w", q.what, err)
	}
	if !found {
		return signedIn{}, apperr.NotFoundf("%s not found", q.what)
	}
	return *r, nil
}

var signInRows = sync.Pool{New: func() any { return new(signedIn) }}
