package audit_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"golive/audit"
	"golive/database"
	"golive/database/dbtest"
)

// A bidder's event in the lead's trail, sealed under the procurement: until Unseal the lead and
// the platform read nothing of it, the bidder's organisation reads it; after, the lead reads it
// too, and the chain still verifies (the seal lies outside the hash).
func TestASealedEventIsReadByItsActorsOrganisationUntilUnsealed(t *testing.T) {
	db := dbtest.Open(t)
	record(t, db, entry("org-lead", "procurement.published", 1))
	bid := audit.Entry{ActorUserID: "user-bidder", ActorOrgID: "org-bidder", TenantID: "org-lead", Action: "submission.submitted",
		ObjectType: "submission", ObjectID: "sub-1", Summary: map[string]any{"sha256": "abc"}, SealedUnder: "proc-1"}
	record(t, db, bid)
	other := bid
	other.ActorUserID, other.ActorOrgID, other.ObjectID, other.SealedUnder = "user-rival", "org-rival", "sub-2", "proc-2"
	record(t, db, other)

	count := func(org string) (n int, bidder bool) {
		t.Helper()
		var events []audit.Event
		var err error
		if org == "" {
			events, err = audit.ListAll(context.Background(), db.Gorm, audit.Filter{})
		} else {
			events, err = audit.List(database.WithTenant(context.Background(), org), db.Gorm, audit.Filter{})
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			bidder = bidder || e.ActorOrgID == "org-bidder"
		}
		return len(events), bidder
	}
	if n, b := count("org-lead"); n != 1 || b {
		t.Errorf("before the opening the lead reads %d events (the bidder's: %v), want only its own 1", n, b)
	}
	if n, b := count(""); n != 1 || b {
		t.Errorf("before the opening the platform reads %d events (the bidder's: %v), want 1", n, b)
	}
	if n, b := count("org-bidder"); n != 1 || !b {
		t.Errorf("the bidder's organisation reads %d events (its own: %v), want its own 1", n, b)
	}
	if err := db.Tx(context.Background(), func(tx *gorm.DB) error { return audit.Unseal(context.Background(), tx, "proc-1") }); err != nil {
		t.Fatal(err)
	}
	if err := db.Tx(context.Background(), func(tx *gorm.DB) error { return audit.Unseal(context.Background(), tx, "proc-1") }); err != nil {
		t.Fatalf("unsealing twice: %v", err)
	}
	if n, b := count("org-lead"); n != 2 || !b {
		t.Errorf("after the opening the lead reads %d events (the bidder's: %v), want 2 with the bidder's", n, b)
	}
	if n, b := count("org-bidder"); n != 1 || !b {
		t.Errorf("after the opening the bidder's organisation reads %d events, want its own 1", n)
	}
	if rep := verify(t, db); rep.Problem != nil || rep.Checked != 3 {
		t.Errorf("the chain after unsealing: %+v", rep)
	}
}
