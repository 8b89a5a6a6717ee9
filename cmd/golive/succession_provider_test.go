package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	demodata "golive/demo"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
	"golive/ukclock"
)

// TestAProviderMergedBeforeOpeningHandsNoBidToItsSuccessor: Estuary and Weald both bid for a lot;
// before the opening Estuary is succeeded by Weald, its people invited. Estuary's bid is
// withdrawn, still sealed and in Estuary's name: Weald gains no bid; only Weald's counts. Estuary's
// bidder, who did not move, can no longer act for it; its admin accepts the invitation and is the
// same account at Weald. Applying again changes nothing; the audit chain verifies.
func TestAProviderMergedBeforeOpeningHandsNoBidToItsSuccessor(t *testing.T) {
	s := startServer(t, nil)
	ctx := context.Background()
	fx := matrixProcurements(t, s)
	proc, lot := fx["published"].id, fx["published"].lot
	as := func(email string) (*access.Actor, context.Context) {
		t.Helper()
		a, err := s.App.Tenants.ActorByEmail(ctx, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		return a, database.WithTenant(ctx, a.OrgID)
	}
	bid := func(email string) {
		t.Helper()
		b, bctx := as(email)
		if err := s.App.Lots.RegisterInterest(bctx, b, proc); err != nil && !apperr.IsKind(err, apperr.Conflict) {
			t.Fatal(err)
		}
		qs, err := s.App.Lots.Store.Questions(bctx, lot)
		if err != nil {
			t.Fatal(err)
		}
		in := lots.DraftInput{Prices: []lots.PriceYear{{Year: 1, Pence: 400_000_00}, {Year: 2, Pence: 410_000_00}}}
		for _, q := range qs {
			if q.Kind != lots.Price {
				in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: "Our answer."})
			}
		}
		if _, err := s.App.Lots.SaveDraft(bctx, b, lot, in); err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Lots.Submit(bctx, b, lot); err != nil {
			t.Fatal(err)
		}
	}
	bid("bids@weald-ambulance.test")
	bid("bids@estuary-urgent-care.test")
	estuary, weald := orgID(t, s, "Estuary Urgent Care CIC"), orgID(t, s, "Weald Ambulance Service NHS Trust")
	estuaryToken := s.apiToken(t, "bids@estuary-urgent-care.test")
	countRows := func(q string, args ...any) int64 {
		var n int64
		s.App.DB.Gorm.Raw(q, args...).Scan(&n)
		return n
	}
	wealdBids := countRows("SELECT COUNT(*) FROM submissions WHERE bidder_org_id = ?", weald)

	admin := signInActor(t, s, "admin@golive.test")
	today := ukclock.InLondon(s.App.Cfg.Now()).Format("2006-01-02")
	sc, err := s.App.Succ.Schedule(ctx, admin, tenants.SuccessionInput{Predecessors: []string{estuary}, Successor: weald,
		EffectiveDate: today, Users: string(tenants.UsersInvite)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Succ.ApplyDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.App.Succ.Get(ctx, admin, sc.ID); got.State != tenants.SuccessionApplied {
		t.Fatalf("the succession is %s", got.State)
	}

	// No bid passed to Weald; Estuary's was withdrawn, its sealed content kept in its own name.
	if n := countRows("SELECT COUNT(*) FROM submissions WHERE bidder_org_id = ?", weald); n != wealdBids {
		t.Errorf("Weald has %d bid rows, had %d", n, wealdBids)
	}
	var counted []lots.Submission
	counted, err = s.App.Lots.Store.Counted(ctx, proc)
	if err != nil {
		t.Fatal(err)
	}
	if len(counted) != 1 || counted[0].BidderOrgID != weald {
		t.Errorf("bids counted after the merger: %+v", counted)
	}
	if n := countRows("SELECT COUNT(*) FROM submissions WHERE bidder_org_id = ? AND state = 'submitted' AND length(answers_sealed) > 0", estuary); n != 1 {
		t.Errorf("Estuary's submitted bid, sealed: %d rows", n)
	}

	// Estuary's bidder did not move and can no longer act for it.
	if _, err := s.App.Tenants.ActorByEmail(ctx, "bids@estuary-urgent-care.test"); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Errorf("Estuary's bidder after the merger: %v, want refused", err)
	}
	_, err = s.App.Tenants.SignIn(ctx, tenants.SignInInput{Email: "bids@estuary-urgent-care.test", Password: demodata.Password}, "127.0.0.9", "test")
	if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.Unauthenticated || !strings.Contains(ae.Message, "succeeded by Weald Ambulance Service NHS Trust") {
		t.Errorf("Estuary's bidder signing in after the merger: %v", err)
	}
	if resp, _ := s.api(t, "GET", "/me", estuaryToken, nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Estuary's bidder's API token after the merger: %d, want 401", resp.StatusCode)
	}

	// Estuary's admin accepts the invitation: the same account, at Weald, with their role.
	var mail string
	s.App.DB.Gorm.Raw("SELECT body_text FROM mail_messages WHERE to_addr = 'admin@estuary-urgent-care.test' ORDER BY created_at DESC LIMIT 1").Scan(&mail)
	m := regexp.MustCompile(`/invitations/([A-Za-z0-9_-]+)`).FindStringSubmatch(mail)
	if m == nil {
		t.Fatalf("no invitation to Estuary's admin: %q", mail)
	}
	before, _ := s.App.DB.Gorm.Raw("SELECT id FROM users WHERE email = 'admin@estuary-urgent-care.test'").Rows()
	var oldID string
	if before.Next() {
		_ = before.Scan(&oldID)
	}
	before.Close()
	u, err := s.App.Tenants.AcceptInvitation(ctx, m[1], tenants.AcceptInput{Password: "a long merger passphrase 2026", Confirm: "a long merger passphrase 2026"})
	if err != nil {
		t.Fatal(err)
	}
	moved, _ := as("admin@estuary-urgent-care.test")
	if u.ID != oldID || moved.OrgID != weald || !moved.HasRole(access.RoleTenantAdmin) {
		t.Errorf("Estuary's admin after accepting: %s at %s %v (was %s)", u.ID, moved.OrgName, moved.Roles, oldID)
	}

	// Applying again changes nothing; the chain verifies.
	if ok, err := s.App.Succ.Apply(ctx, sc.ID); ok || err != nil {
		t.Errorf("applying again: %v %v", ok, err)
	}
	rep, err := audit.Verify(ctx, s.App.DB.Gorm)
	if err != nil || rep.Problem != nil {
		t.Fatalf("audit verify: %v %+v", err, rep.Problem)
	}
}
