package audit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"golive/audit"
	"golive/database"
	"golive/database/dbtest"
)

func record(t testing.TB, db *database.DB, e audit.Entry) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *gorm.DB) error {
		return audit.Record(context.Background(), tx, e)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func entry(tenant, action string, n int) audit.Entry {
	return audit.Entry{ActorUserID: "user-" + tenant, ActorOrgID: tenant, TenantID: tenant, Action: action,
		ObjectType: "lot", ObjectID: fmt.Sprintf("lot-%d", n), Summary: map[string]any{"n": n, "title": "Lot " + fmt.Sprint(n)}}
}

func verify(t testing.TB, db *database.DB) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), db.Gorm)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func head(t testing.TB, db *database.DB) audit.Head {
	t.Helper()
	h, err := audit.ReadHead(context.Background(), db.Gorm)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func count(t testing.TB, db *database.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Gorm.Table("audit_events").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordedEventsVerifyAndReadBackAsWritten(t *testing.T) {
	db := dbtest.Open(t)
	if rep := verify(t, db); rep.Problem != nil || rep.Checked != 0 {
		t.Fatalf("a new database's empty chain: %+v", rep)
	}
	for i := 1; i <= 3; i++ {
		record(t, db, entry("org-a", "lot.created", i))
	}
	rep := verify(t, db)
	if rep.Problem != nil || rep.Checked != 3 || rep.Head.Seq != 3 {
		t.Fatalf("want 3 verified events, got %+v %v", rep, rep.Problem)
	}
	ctx := database.WithTenant(context.Background(), "org-a")
	events, err := audit.List(ctx, db.Gorm, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 || events[0].Seq != 3 || events[0].Summary != `{"n":3,"title":"Lot 3"}` {
		t.Fatalf("newest first with canonical summary: %+v", events[0])
	}
}

func TestRollingBackTheChangeLeavesNoEventAndNoHeadChange(t *testing.T) {
	db := dbtest.Open(t)
	record(t, db, entry("org-a", "lot.created", 1))
	before := head(t, db)
	boom := errors.New("the change failed after auditing")
	err := db.Tx(context.Background(), func(tx *gorm.DB) error {
		if err := audit.Record(context.Background(), tx, entry("org-a", "lot.opened", 2)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want the caller's error back, got %v", err)
	}
	if after := head(t, db); after != before {
		t.Fatalf("head moved on rollback: %+v -> %+v", before, after)
	}
	if n := count(t, db); n != 1 {
		t.Fatalf("want 1 event after rollback, got %d", n)
	}
	record(t, db, entry("org-a", "lot.opened", 3)) // the next append continues the chain
	if rep := verify(t, db); rep.Problem != nil || rep.Checked != 2 {
		t.Fatalf("chain after a rollback: checked %d, %v", rep.Checked, rep.Problem)
	}
}

func TestRecordingOutsideATransactionIsRefused(t *testing.T) {
	db := dbtest.Open(t)
	err := audit.Record(context.Background(), db.Gorm, entry("org-a", "lot.created", 1))
	if err == nil || !strings.Contains(err.Error(), "inside the caller's transaction") {
		t.Fatalf("want a refusal, got %v", err)
	}
	if n := count(t, db); n != 0 {
		t.Fatalf("want no event, got %d", n)
	}
}

func TestFiftyConcurrentAppendersMakeOneUnbrokenChain(t *testing.T) {
	db := dbtest.Open(t)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.Tx(context.Background(), func(tx *gorm.DB) error {
				return audit.Record(context.Background(), tx, entry(fmt.Sprintf("org-%d", i%3), "lot.updated", i))
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rep := verify(t, db)
	if rep.Problem != nil || rep.Checked != n || rep.Head.Seq != n {
		t.Fatalf("want %d events in one chain, got checked %d head %+v: %v", n, rep.Checked, rep.Head, rep.Problem)
	}
}

func TestASummaryEditedWithSQLIsNamedBySeq(t *testing.T) {
	db := dbtest.Open(t)
	for i := 1; i <= 5; i++ {
		record(t, db, entry("org-a", "bid.scored", i))
	}
	var id string
	db.Gorm.Raw("SELECT id FROM audit_events WHERE seq = 3").Scan(&id)
	if err := db.Gorm.Exec(`UPDATE audit_events SET summary = '{"n":3,"title":"Lot 3 (amended)"}' WHERE seq = 3`).Error; err != nil {
		t.Fatal(err)
	}
	rep := verify(t, db)
	p := rep.Problem
	if p == nil || p.Kind != audit.Altered || p.Seq != 3 || p.ID != id {
		t.Fatalf("want seq 3 id %s altered, got %+v", id, p)
	}
	if rep.Checked != 2 {
		t.Fatalf("want 2 rows verified before the bad one, got %d", rep.Checked)
	}
	var out bytes.Buffer
	err := audit.VerifyCommand(context.Background(), db, &out)
	if err == nil || !strings.Contains(err.Error(), "seq 3") || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "edited") {
		t.Fatalf("the command must fail naming seq 3, id %s and why; got %v", id, err)
	}
}

func TestADeletedMiddleRowIsDetected(t *testing.T) {
	db := dbtest.Open(t)
	for i := 1; i <= 5; i++ {
		record(t, db, entry("org-a", "bid.scored", i))
	}
	db.Gorm.Exec("DELETE FROM audit_events WHERE seq = 3")
	p := verify(t, db).Problem
	if p == nil || p.Kind != audit.Missing || p.Seq != 3 {
		t.Fatalf("want seq 3 missing, got %+v", p)
	}
}

func TestADeletedLastRowIsDetected(t *testing.T) {
	db := dbtest.Open(t)
	for i := 1; i <= 5; i++ {
		record(t, db, entry("org-a", "bid.scored", i))
	}
	db.Gorm.Exec("DELETE FROM audit_events WHERE seq = 5")
	p := verify(t, db).Problem
	if p == nil || p.Kind != audit.TailDeleted || p.Seq != 5 {
		t.Fatalf("want seq 5 deleted from the tail, got %+v", p)
	}
	var out bytes.Buffer
	if err := audit.VerifyCommand(context.Background(), db, &out); err == nil || !strings.Contains(err.Error(), "seq 5") {
		t.Fatalf("the command must fail naming seq 5, got %v", err)
	}
}

func TestARowInsertedPastTheHeadIsDetected(t *testing.T) {
	db := dbtest.Open(t)
	record(t, db, entry("org-a", "bid.scored", 1))
	err := db.Gorm.Exec(`INSERT INTO audit_events (id, seq, at, tenant_id, actor_user_id, actor_org_id, action, object_type, object_id, summary, prev_hash, hash)
		VALUES ('forged', 2, ?, 'org-a', 'u', 'org-a', 'bid.scored', 'bid', 'b', '{}', '', 'x')`, database.Now()).Error
	if err != nil {
		t.Fatal(err)
	}
	p := verify(t, db).Problem
	if p == nil || p.Kind != audit.Unchained || p.Seq != 2 || p.ID != "forged" {
		t.Fatalf("want the forged row named, got %+v", p)
	}
}

func TestTheVerifyCommandPrintsTheCount(t *testing.T) {
	db := dbtest.Open(t)
	for i := 1; i <= 4; i++ {
		record(t, db, entry("", "platform.setting_changed", i))
	}
	var out bytes.Buffer
	if err := audit.VerifyCommand(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "audit chain verified: 4 events\n") || !strings.Contains(out.String(), head(t, db).Hash) {
		t.Fatalf("output: %q", out.String())
	}
}

func TestListRefusesWithoutATenantAndShowsOnlyThatTenantsEvents(t *testing.T) {
	db := dbtest.Open(t)
	record(t, db, entry("org-a", "lot.created", 1))
	record(t, db, entry("org-b", "lot.created", 2))
	record(t, db, entry("org-a", "lot.opened", 3))
	record(t, db, entry("", "platform.setting_changed", 4))

	if _, err := audit.List(context.Background(), db.Gorm, audit.Filter{}); !errors.Is(err, database.ErrNoTenant) {
		t.Fatalf("want ErrNoTenant without an organisation, got %v", err)
	}
	ctx := database.WithTenant(context.Background(), "org-a")
	events, err := audit.List(ctx, db.Gorm, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].ObjectID != "lot-3" || events[1].ObjectID != "lot-1" {
		t.Fatalf("want org-a's two events newest first, got %+v", events)
	}
	for _, e := range events {
		if e.TenantID != "org-a" {
			t.Fatalf("another tenant's event listed: %+v", e)
		}
	}
	only, err := audit.List(ctx, db.Gorm, audit.Filter{ObjectType: "lot", ObjectID: "lot-1"})
	if err != nil || len(only) != 1 || only[0].Seq != 1 {
		t.Fatalf("object filter: %v %+v", err, only)
	}
	future, err := audit.List(ctx, db.Gorm, audit.Filter{From: database.Now().Add(time.Hour)})
	if err != nil || len(future) != 0 {
		t.Fatalf("from filter: %v %+v", err, future)
	}
	window, err := audit.List(ctx, db.Gorm, audit.Filter{From: database.Now().Add(-time.Hour), To: database.Now().Add(time.Hour), UserID: "user-org-a"})
	if err != nil || len(window) != 2 {
		t.Fatalf("from/to and user filter: %v %+v", err, window)
	}
	all, err := audit.ListAll(context.Background(), db.Gorm, audit.Filter{})
	if err != nil || len(all) != 4 {
		t.Fatalf("platform listing: %v %d", err, len(all))
	}
}

// seed writes an intact chain of n events straight to the tables, far faster than n
// transactions, for the batch-boundary test and the benchmark.
func seed(t testing.TB, db *database.DB, n int) {
	t.Helper()
	prev := ""
	at := database.Now().Add(-time.Duration(n) * time.Second).Truncate(time.Microsecond)
	batch := make([]audit.Event, 0, 1000)
	flush := func() {
		if err := db.Gorm.CreateInBatches(batch, 500).Error; err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := 1; i <= n; i++ {
		e := audit.Event{ID: fmt.Sprintf("seed-%07d", i), Seq: int64(i), At: at.Add(time.Duration(i) * time.Second),
			TenantID: fmt.Sprintf("org-%d", i%7), ActorUserID: "user-1", ActorOrgID: "org-1", Action: "bid.scored",
			ObjectType: "bid", ObjectID: fmt.Sprintf("bid-%d", i%101), Summary: fmt.Sprintf(`{"score":%d}`, i%5), PrevHash: prev}
		e.Hash = audit.Hash(prev, e)
		prev = e.Hash
		batch = append(batch, e)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	if err := db.Gorm.Exec("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", n, prev).Error; err != nil {
		t.Fatal(err)
	}
}

func TestVerifyReadsInBatchesAndFindsARowDeletedAfterTheFirstBatch(t *testing.T) {
	db := dbtest.Open(t)
	seed(t, db, 12001)
	record(t, db, entry("org-a", "lot.created", 1)) // Record continues a seeded chain
	if rep := verify(t, db); rep.Problem != nil || rep.Checked != 12002 {
		t.Fatalf("want 12002 verified, got %d: %v", rep.Checked, rep.Problem)
	}
	db.Gorm.Exec("DELETE FROM audit_events WHERE seq = 7000")
	p := verify(t, db).Problem
	if p == nil || p.Kind != audit.Missing || p.Seq != 7000 {
		t.Fatalf("want seq 7000 missing, got %+v", p)
	}
}

func BenchmarkVerify(b *testing.B) {
	db := dbtest.Open(b)
	const n = 100_000
	seed(b, db, n)
	b.ResetTimer()
	for b.Loop() {
		rep, err := audit.Verify(context.Background(), db.Gorm)
		if err != nil || rep.Problem != nil || rep.Checked != n {
			b.Fatalf("verify: %v %v %d", err, rep.Problem, rep.Checked)
		}
	}
	b.ReportMetric(float64(n), "events/op")
}
