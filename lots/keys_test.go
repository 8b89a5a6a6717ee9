package lots_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golive/lots"
	"golive/lots/lotstest"
)

func TestAKeyringPicksTheSecretByKeyIDAndRefusesAnUnknownOneClearly(t *testing.T) {
	a, b := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	idA, err := lots.KeyID(a)
	if err != nil {
		t.Fatal(err)
	}
	idB, _ := lots.KeyID(b)
	if len(idA) != lots.KeyIDSize || idA == idB || strings.Contains(string(a), idA) {
		t.Fatalf("key ids %q and %q", idA, idB)
	}
	if again, _ := lots.KeyID(a); again != idA {
		t.Fatal("a key id is not stable")
	}
	ringA, _ := lots.NewKeyring(a)
	key, _ := lots.NewKey()
	wrapped, id, err := ringA.Wrap(key, "p1")
	if err != nil || id != idA {
		t.Fatalf("wrap: %s %v", id, err)
	}

	// During a rotation: the new secret current, the old one kept to unwrap.
	rotating, _ := lots.NewKeyring(b, a)
	if got, err := rotating.Unwrap(wrapped, idA, "p1"); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("the old secret's key during a rotation: %v", err)
	}
	if rotating.CurrentID() != idB || !rotating.Has(idA) {
		t.Fatalf("rotating keyring ids %v", rotating.IDs())
	}
	rewrapped, to, _ := rotating.Wrap(key, "p1")
	if to != idB {
		t.Fatalf("a new wrap is under %s, not the current %s", to, idB)
	}

	// After it, without the old secret: a clear refusal, never a wrong key.
	ringB, _ := lots.NewKeyring(b)
	_, err = ringB.Unwrap(wrapped, idA, "p1")
	if !errors.Is(err, lots.ErrUnknownKey) || !strings.Contains(err.Error(), idA) || !strings.Contains(err.Error(), idB) {
		t.Fatalf("an unknown key id: %v", err)
	}
	if got, err := ringB.Unwrap(rewrapped, idB, "p1"); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("the re-wrapped key: %v", err)
	}
	// A key id that lies (the row edited) names the right secret's failure, not garbage.
	if _, err := ringB.Unwrap(wrapped, idB, "p1"); !errors.Is(err, lots.ErrSealed) {
		t.Fatalf("a key under another secret labelled as this one: %v", err)
	}
	// Keys stored before key ids are tried under each secret.
	if got, err := rotating.Unwrap(wrapped, "", "p1"); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("an unlabelled key: %v", err)
	}
	if _, err := ringB.Unwrap(wrapped, "", "p1"); !errors.Is(err, lots.ErrUnknownKey) {
		t.Fatalf("an unlabelled key no secret opens: %v", err)
	}
	if same, _ := lots.NewKeyring(a, a); len(same.IDs()) != 1 {
		t.Fatalf("the current secret given again as old: %v", same.IDs())
	}
	if _, err := lots.NewKeyring(a, []byte("short")); err == nil {
		t.Fatal("a too-short old secret was accepted")
	}
}

// An injected failure (the context cancelled inside the third procurement's transaction) stands
// for a crash here; cmd/golive's test kills a real process.
func TestARotationStoppedHalfWayLeavesEachProcurementUnderOneSecretAndResumes(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	f.bid("bids@estuary-urgent-care.test", l, qs, secretAnswer)
	lead, lctx := f.as("lead@medway-ccg.test")
	for _, ref := range []string{"K-2", "K-3", "K-4"} {
		in := lots.ProcurementInput{Title: "Keys " + ref, Reference: ref, Regime: lots.PSR2024, Procedure: "Competitive process",
			TermYears: 2, Participants: []string{f.orgs["NHS Medway CCG"]},
			ClarificationDeadline: f.now.AddDate(0, 0, 20), SubmissionDeadline: f.now.AddDate(0, 0, 30),
			EvaluationStart: f.now.AddDate(0, 0, 31), AwardDate: f.now.AddDate(0, 0, 60), ContractStart: f.now.AddDate(0, 0, 200)}
		lotstest.Must[lots.Procurement](t)(f.svc.CreateProcurement(lctx, lead, in))
	}
	// One key as stored before key ids existed.
	lotstest.OK(t, f.db.Gorm.Exec("UPDATE procurements SET key_id = '' WHERE reference = 'K-4'").Error)
	f.now = p.SubmissionDeadline.Add(time.Minute)
	admin, actx := f.as("admin@medway-ccg.test")
	lotstest.OK(t, f.svc.StartOpening(lctx, lead, p.ID))
	lotstest.OK(t, f.svc.ConfirmOpening(actx, admin, p.ID))
	stale := lotstest.Must[lots.Procurement](t)(f.svc.Store.Procurement(lctx, p.ID))

	oldSecret, newSecret := lotstest.Secret, bytes.Repeat([]byte{9}, 32)
	oldID, _ := lots.KeyID(oldSecret)
	newID, _ := lots.KeyID(newSecret)
	ring := lotstest.Must[*lots.Keyring](t)(lots.NewKeyring(newSecret, oldSecret))
	st := f.svc.Store
	ctx, cancel := context.WithCancel(context.Background())
	_, err := lots.RotateKeys(ctx, st, ring, lots.RotateOptions{InTransaction: func(n int) {
		if n == 3 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("a rotation cancelled inside a transaction reported success")
	}
	counts := lotstest.Must[map[string]int](t)(st.KeyIDCounts(context.Background()))
	if counts[newID] != 2 || counts[oldID]+counts[""] != 2 {
		t.Fatalf("after stopping in the third transaction, keys by id: %v", counts)
	}
	rewrapEvents := func() int {
		var n int64
		f.db.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action = 'procurement.key_rewrapped'").Scan(&n)
		return int(n)
	}
	if n := rewrapEvents(); n != 2 {
		t.Fatalf("%d re-wrap events for 2 re-wrapped keys", n)
	}

	// While it is half done, a service holding both secrets reads every bid.
	during := *f.svc
	during.Secret, during.OldSecret = newSecret, oldSecret
	if r := lotstest.Must[[]lots.ResponseView](t)(during.Responses(lctx, lead, p.ID, l.ID)); len(r) != 1 || r[0].Answers[qs[0].ID] != secretAnswer {
		t.Fatalf("responses during the rotation: %+v", r)
	}

	var heard []lots.Rewrap
	rep, err := lots.RotateKeys(context.Background(), st, ring, lots.RotateOptions{Progress: func(r lots.Rewrap) { heard = append(heard, r) }})
	if err != nil || rep.Rewrapped != 2 || rep.Already != 2 || len(rep.Failed) != 0 || len(heard) != 2 {
		t.Fatalf("the resumed rotation: %+v %v (heard %+v)", rep, err, heard)
	}
	if n := rewrapEvents(); n != 4 {
		t.Fatalf("%d re-wrap events for 4 keys", n)
	}
	if rep, _ := lots.RotateKeys(context.Background(), st, ring, lots.RotateOptions{}); rep.Rewrapped != 0 || rep.Already != 4 {
		t.Fatalf("a third run did something: %+v", rep)
	}

	// A service that loaded the procurement before the rotation saves it without undoing it.
	lotstest.OK(t, st.SaveProcurement(lctx, &stale))
	if counts := lotstest.Must[map[string]int](t)(st.KeyIDCounts(context.Background())); counts[newID] != 4 {
		t.Fatalf("saving a procurement loaded before the rotation put its old key back: %v", counts)
	}

	after := *f.svc
	after.Secret, after.OldSecret = newSecret, nil
	if r := lotstest.Must[[]lots.ResponseView](t)(after.Responses(lctx, lead, p.ID, l.ID)); len(r) != 1 || r[0].Answers[qs[0].ID] != secretAnswer {
		t.Fatalf("responses under the new secret: %+v", r)
	}
	// The old secret alone opens nothing, and says why.
	_, err = f.svc.Responses(lctx, lead, p.ID, l.ID)
	if !errors.Is(err, lots.ErrUnknownKey) || !strings.Contains(err.Error(), newID) {
		t.Fatalf("responses under the old secret: %v", err)
	}
	check := lotstest.Must[lots.KeyCheck](t)(lots.CheckKeys(context.Background(), st, lotstest.Must[*lots.Keyring](t)(lots.NewKeyring(oldSecret))))
	if check.Opened != 0 || len(check.Failed) != 4 {
		t.Fatalf("the old secret alone: %+v", check)
	}
}
