package tenants

import (
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm/schema"
)

// The sign-in's columns are listed by hand (signin_store.go): each must be its model's.
func TestSignInColumnsAreTheModels(t *testing.T) {
	for _, c := range []struct {
		model any
		cols  []signInColumn
	}{
		{&Session{}, sessionColumns},
		{&APIToken{}, tokenColumns},
		{&User{}, userColumns},
		{&Organisation{}, orgColumns},
	} {
		s, err := schema.Parse(c.model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range c.cols {
			if s.LookUpField(col.name) == nil {
				t.Errorf("the sign-in reads %s.%s, which the model does not have", s.Table, col.name)
			}
		}
	}
}

// What the sign-in scans by hand is what GORM reads from the same rows, field by field, every
// nullable column it reads set; the fields it does not read are left zero.
func TestSignInReadsWhatGORMReads(t *testing.T) {
	f := newFixture(t)
	lead, ctx := f.actor(t, "lead@medway-ccg.test")
	plain, tok, err := f.svc.CreateToken(ctx, lead, TokenInput{Name: "reporting"})
	if err != nil {
		t.Fatal(err)
	}
	now := f.svc.Now()
	if err := f.svc.Store.TouchToken(ctx, tok.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Store.RevokeToken(ctx, lead.UserID, tok.ID, now); err != nil {
		t.Fatal(err)
	}
	// A revoked token is not found; a new one (last used, never revoked) is.
	if _, err := f.svc.Store.TokenSignIn(ctx, HashToken(plain)); err == nil {
		t.Fatal("a revoked token signs in")
	}
	if plain, tok, err = f.svc.CreateToken(ctx, lead, TokenInput{Name: "reporting 2"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Store.TouchToken(ctx, tok.ID, now); err != nil {
		t.Fatal(err)
	}
	cookie, err := f.svc.SignIn(f.ctx, SignInInput{Email: "lead@medway-ccg.test", Password: testPassword}, "192.0.2.9", "a browser")
	if err != nil {
		t.Fatal(err)
	}
	org, err := f.svc.Store.Org(ctx, lead.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	suspended := now.Add(-time.Hour)
	org.SuspendedAt, org.DeactivatedAt = &suspended, &now
	if err := f.svc.Store.UpdateOrg(ctx, &org); err != nil {
		t.Fatal(err)
	}

	row, err := f.svc.Store.TokenSignIn(ctx, HashToken(plain))
	if err != nil {
		t.Fatal(err)
	}
	byCookie, err := f.svc.Store.SessionSignIn(ctx, HashToken(cookie))
	if err != nil {
		t.Fatal(err)
	}
	session, err := f.svc.Store.Session(ctx, HashToken(cookie))
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := f.svc.Store.UserTokens(ctx, lead.UserID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tokens, func(x APIToken) bool { return x.ID == tok.ID })
	if i < 0 {
		t.Fatal("the new token is not among the user's")
	}
	user, err := f.svc.Store.UserByID(ctx, lead.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if org, err = f.svc.Store.Org(ctx, lead.OrgID); err != nil {
		t.Fatal(err)
	}
	if tokens[i].LastUsedAt == nil || org.SuspendedAt == nil || org.DeactivatedAt == nil {
		t.Fatal("a nullable column the test set is not set")
	}
	wantToken := APIToken{ID: tokens[i].ID, LastUsedAt: tokens[i].LastUsedAt}
	wantUser := User{ID: user.ID, Email: user.Email, Name: user.Name, Active: user.Active}
	wantOrg := Organisation{ID: org.ID, Name: org.Name, Kind: org.Kind, DeactivatedAt: org.DeactivatedAt, SuspendedAt: org.SuspendedAt}
	wantSession := Session{LastSeenAt: session.LastSeenAt, ExpiresAt: session.ExpiresAt}
	for _, c := range []struct {
		what      string
		got, want any
	}{{"token", row.Token, wantToken}, {"user", row.User, wantUser}, {"organisation", row.Org, wantOrg},
		{"session", byCookie.Session, wantSession}, {"session's user", byCookie.User, wantUser}, {"session's organisation", byCookie.Org, wantOrg}} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("the sign-in's %s\n  %+v\nGORM's\n  %+v", c.what, c.got, c.want)
		}
	}
	if row.SuccessorOrgID != nil {
		t.Errorf("successor %q of an organisation never succeeded", *row.SuccessorOrgID)
	}
}
