package demo_test

import (
	"context"
	"testing"
	"time"

	"golive/demo"
	"golive/lots"
	"golive/lots/lotstest"
	"golive/tenants/access"
)

// fixture is the demo people and the lots service over a fresh database, on a clock of 2026 (the
// demo replays on its own).
type fixture struct {
	t        testing.TB
	env      *lotstest.Env
	svc      *lots.Service
	services demo.Services
	orgs     map[string]string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	now := time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)
	env := lotstest.New(t, func() time.Time { return now })
	return &fixture{t: t, env: env, svc: env.Lots, services: demo.Services{Tenants: env.Tenants, Lots: env.Lots}, orgs: env.Orgs}
}

func (f *fixture) as(email string) (*access.Actor, context.Context) {
	f.t.Helper()
	return f.env.As(f.t, email)
}

func TestTheDemoLoadsThroughEveryRule(t *testing.T) {
	f := newFixture(t)
	created, err := demo.Procurements(context.Background(), f.services, f.orgs)
	if err != nil || !created {
		t.Fatalf("demo: %v %v", created, err)
	}
	lead, lctx := f.as("lead@medway-ccg.test")
	list := lotstest.Must[[]lots.ProcurementSummary](t)(f.svc.Procurements(lctx, lead))
	// Kent and Medway's of 2018, opened, and the telephony platform of 2026 under the
	// Procurement Act 2023, published.
	var km, tel lots.ProcurementSummary
	for _, p := range list {
		switch p.Reference {
		case "KM-IUCS-2018":
			km = p
		case "MED-TEL-2026":
			tel = p
		}
	}
	if len(list) != 2 || km.State != lots.Opened || tel.State != lots.Published {
		t.Fatalf("Medway's procurements: %+v", list)
	}
	tv := lotstest.Must[lots.ProcurementView](t)(f.svc.Procurement(lctx, lead, tel.ID))
	if tv.Regime != lots.PA2023 || len(tv.Lots) != 1 {
		t.Fatalf("the telephony platform: regime %s, %d lots", tv.Regime, len(tv.Lots))
	}
	v := lotstest.Must[lots.ProcurementView](t)(f.svc.Procurement(lctx, lead, km.ID))
	if len(v.Lots) != 2 || len(v.Lots[1].Phases) != 6 || len(v.Approvals) != 8 || v.Lots[0].Responses != 2 || v.Lots[1].Responses != 2 {
		t.Fatalf("Kent and Medway: %d lots, %d lot 2 phases, %d approvals, responses %d/%d", len(v.Lots), len(v.Lots[1].Phases), len(v.Approvals), v.Lots[0].Responses, v.Lots[1].Responses)
	}
	feb22 := 0
	for _, ap := range v.Approvals {
		if ap.Decision != nil && ap.Decision.MeetingDate.In(time.FixedZone("", 0)).Format("2006-01-02") == "2018-02-22" {
			feb22++
		}
	}
	if feb22 != 2 {
		t.Fatalf("%d approvals on 22 February 2018, want 2", feb22)
	}
	beds, bctx := f.as("lead@bedfordshire-ccg.test")
	lb := lotstest.Must[[]lots.ProcurementSummary](t)(f.svc.Procurements(bctx, beds))
	if len(lb) != 1 || lb[0].State != lots.Opened {
		t.Fatalf("Bedfordshire's procurements: %+v", lb)
	}
	lv := lotstest.Must[lots.ProcurementView](t)(f.svc.Procurement(bctx, beds, lb[0].ID))
	for _, p := range lv.Participants {
		if p.OrgName == "NHS Milton Keynes CCG" {
			t.Fatal("Milton Keynes takes part in Luton and Bedfordshire's procurement")
		}
	}
	if len(lv.Participants) != 2 || !lv.ShowValue || lv.EstimatedValuePence == 0 {
		t.Fatalf("Luton and Bedfordshire: %d participants; value shown to its lead %v", len(lv.Participants), lv.ShowValue)
	}
	again, err := demo.Procurements(context.Background(), f.services, f.orgs)
	if err != nil || again {
		t.Fatalf("second load: %v %v", again, err)
	}
}
