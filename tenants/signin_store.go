package tenants

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// signedIn is what every signed-in request needs to know about its caller, read in one statement
// (issue 17: authenticate in one or two statements): the session or API token, its user, the
// user's organisation and that organisation's successor by an applied succession, if any.
type signedIn struct {
	Session        Session      `gorm:"embedded;embeddedPrefix:s_"`
	Token          APIToken     `gorm:"embedded;embeddedPrefix:t_"`
	User           User         `gorm:"embedded;embeddedPrefix:u_"`
	Org            Organisation `gorm:"embedded;embeddedPrefix:o_"`
	SuccessorOrgID *string
}

// SessionSignIn loads a session with its user, organisation and successor; NotFound when there
// is no such session.
func (s *Store) SessionSignIn(ctx context.Context, id string) (signedIn, error) {
	return s.signIn(ctx, "sessions", "s_", &Session{}, "sessions.user_id", "sessions.id = ?", id)
}

// TokenSignIn loads an unrevoked API token with its user, organisation and successor; NotFound
// when there is no such token.
func (s *Store) TokenSignIn(ctx context.Context, hash string) (signedIn, error) {
	return s.signIn(ctx, "api_tokens", "t_", &APIToken{}, "api_tokens.user_id",
		"api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL", hash)
}

func (s *Store) signIn(ctx context.Context, table, prefix string, model any, userCol, where string, arg string) (signedIn, error) {
	cols, err := s.signInColumns(table, prefix, model)
	if err != nil {
		return signedIn{}, err
	}
	var rows []signedIn
	err = s.q(ctx).Table(table).Select(cols+`, (SELECT successions.successor_org_id
		FROM succession_predecessors JOIN successions ON successions.id = succession_predecessors.succession_id
		WHERE succession_predecessors.org_id = organisations.id AND successions.state = ? LIMIT 1) AS successor_org_id`, SuccessionApplied).
		Joins("JOIN users ON users.id = "+userCol).
		Joins("JOIN organisations ON organisations.id = users.org_id").
		// Find, not Scan: GORM's Scan runs its statement-explaining regular expressions on every
		// call, a measurable share of a /me request (issue 17).
		Where(where, arg).Limit(1).Find(&rows).Error
	if err != nil {
		return signedIn{}, fmt.Errorf("sign-in of a %s: %w", table, err)
	}
	if len(rows) == 0 {
		return signedIn{}, notFound(gorm.ErrRecordNotFound, strings.TrimSuffix(strings.ReplaceAll(table, "_", " "), "s"))
	}
	return rows[0], nil
}

// signInColumns is "table.col AS prefix_col, ..., users.col AS u_col, ..., organisations.col AS o_col, ...",
// from the models (parsed once, in GORM's cache) so that a new column is read without a change here.
func (s *Store) signInColumns(table, prefix string, model any) (string, error) {
	if cols, ok := signInColumnCache.Load(table); ok {
		return cols.(string), nil
	}
	var parts []string
	for _, m := range []struct {
		table, prefix string
		model         any
	}{{table, prefix, model}, {"users", "u_", &User{}}, {"organisations", "o_", &Organisation{}}} {
		st := &gorm.Statement{DB: s.db}
		if err := st.Parse(m.model); err != nil {
			return "", fmt.Errorf("columns of %s: %w", m.table, err)
		}
		for _, f := range st.Schema.Fields {
			if f.DBName != "" {
				parts = append(parts, m.table+"."+f.DBName+" AS "+m.prefix+f.DBName)
			}
		}
	}
	cols := strings.Join(parts, ", ")
	signInColumnCache.Store(table, cols)
	return cols, nil
}

// signInColumnCache holds signInColumns by table: the models do not change while the binary runs,
// and joining the list again on every request showed in the profile of /me.
var signInColumnCache sync.Map
