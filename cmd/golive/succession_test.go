package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/database"
	demodata "golive/demo"
	"golive/mobilisation"
	"golive/tenants"
	"golive/tenants/access"
)

// serveAt builds the app on the operator's environment with GOLIVE_NOW at now, listening, and
// (as `golive serve` does) builds the worker, which applies the successions that are due.
func serveAt(t *testing.T, env map[string]string, now string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env["GOLIVE_NOW"] = now
	env["GOLIVE_BASE_URL"] = "http://" + ln.Addr().String()
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	w, err := a.newWorker()
	if err != nil {
		t.Fatal(err)
	}
	go a.Fiber.Listener(ln)
	t.Cleanup(func() {
		_ = a.Fiber.ShutdownWithTimeout(5 * time.Second)
		w.Shutdown()
		a.Close()
	})
	return &server{URL: cfg.BaseURL, App: a}
}

// successionSnapshot is what a succession moves, read straight from the tables, so that a
// second application can be seen to change nothing.
func successionSnapshot(t *testing.T, s *server) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT id || ':' || lead_org_id FROM procurements ORDER BY id",
		"SELECT procurement_id || ':' || org_id FROM participants ORDER BY 1",
		"SELECT lot_id || ':' || org_id FROM lot_participants ORDER BY 1",
		"SELECT id || ':' || lead_org_id || ':' || provider_org_id FROM mobilisation_plans ORDER BY id",
		"SELECT lot_id || ':' || provider_org_id FROM contract_awards ORDER BY 1",
		"SELECT id || ':' || org_id FROM users ORDER BY id",
		"SELECT v0 || ':' || v1 || ':' || v2 FROM casbin_rule WHERE ptype = 'g' ORDER BY 1",
		"SELECT procurement_id || ':' || org_id || ':' || decision FROM approvals ORDER BY 1",
		"SELECT id || ':' || state FROM submissions ORDER BY id",
		"SELECT COUNT(*) || '' FROM audit_events",
	} {
		var rows []string
		if err := s.App.DB.Gorm.Raw(q).Scan(&rows).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, strings.Join(rows, ","))
	}
	return strings.Join(out, "\n")
}

// TestTheICBsHoldTheSeedsContractsIn2026 loads the demo, sees February 2019 as `make run`
// shows it (the successions scheduled, none applied, Medway's lead acting for Medway), then
// serves the same data with GOLIVE_NOW in 2026: the worker applies the CCG mergers of 2020 and
// 2021 and the ICBs of 2022, in order. The ICBs lead the 2016 and 2018 procurements and hold
// their contracts' plans; the CCGs' people act for the ICBs with their roles; the governing
// bodies' decisions still name the CCGs that made them ("NHS Medway CCG (now NHS Kent and
// Medway ICB)") on the procurement's old link; applying again changes nothing; a future
// succession can be cancelled; `golive audit verify` passes.
func TestTheICBsHoldTheSeedsContractsIn2026(t *testing.T) {
	_, env, getenv := operatorEnv(t)
	ctx := context.Background()
	runDemo(t, getenv)

	// February 2019: everything scheduled, nothing applied.
	s2019 := serveAt(t, env, demodata.Moment)
	admin := signInActor(t, s2019, "admin@golive.test")
	list, err := s2019.App.Succ.List(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 || slices.ContainsFunc(list, func(v tenants.SuccessionView) bool { return v.State != tenants.SuccessionScheduled }) {
		t.Fatalf("in 2019 the demo's successions: %+v", list)
	}
	lead, err := s2019.App.Tenants.ActorByEmail(ctx, "lead@medway-ccg.test")
	if err != nil || lead.OrgName != "NHS Medway CCG" {
		t.Fatalf("in 2019 Medway's lead: %+v, %v", lead, err)
	}
	// A succession still to come can be cancelled, and is then never applied.
	extra, err := s2019.App.Succ.Schedule(ctx, admin, tenants.SuccessionInput{
		Predecessors: []string{orgID(t, s2019, "North Downs GP Federation")}, Successor: orgID(t, s2019, "Channel Coast Health Partnership"),
		EffectiveDate: "2023-01-01", Users: "invite"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2019.App.Succ.Cancel(ctx, admin, extra.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s2019.App.Succ.Cancel(ctx, admin, extra.ID); err == nil {
		t.Fatal("a cancelled succession was cancelled twice")
	}

	// 2026: the worker has applied them all, oldest first.
	s := serveAt(t, env, "2026-01-15T10:00:00Z")
	list, err = s.App.Succ.List(ctx, signInActor(t, s, "admin@golive.test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list {
		want := tenants.SuccessionApplied
		if v.ID == extra.ID {
			want = tenants.SuccessionCancelled
		}
		if v.State != want {
			t.Errorf("succession of %s from %s: %s, want %s", v.SuccessorName, ukDay(v.EffectiveAt), v.State, want)
		}
	}
	icbKM, icbBLMK := orgID(t, s, "NHS Kent and Medway ICB"), orgID(t, s, "NHS Bedfordshire, Luton and Milton Keynes ICB")

	// The ICBs lead the procurements and hold the contracts' plans.
	var plans []struct{ ContractReference, LeadOrgID string }
	s.App.DB.Gorm.Raw("SELECT contract_reference, lead_org_id FROM mobilisation_plans ORDER BY contract_reference").Scan(&plans)
	wantLead := map[string]string{"KM-IUCS-2018-L1": icbKM, "KM-IUCS-2018-L2": icbKM, "LB-IUC-2016-01": icbBLMK}
	if len(plans) != len(wantLead) {
		t.Fatalf("plans: %+v", plans)
	}
	for _, p := range plans {
		if wantLead[p.ContractReference] != p.LeadOrgID {
			t.Errorf("plan %s is led by %s, want the ICB %s", p.ContractReference, p.LeadOrgID, wantLead[p.ContractReference])
		}
	}
	var procLeads []string
	s.App.DB.Gorm.Raw("SELECT DISTINCT lead_org_id FROM procurements ORDER BY lead_org_id").Scan(&procLeads)
	want := []string{icbKM, icbBLMK}
	slices.Sort(want)
	if !slices.Equal(procLeads, want) {
		t.Errorf("procurements are led by %v, want the two ICBs %v", procLeads, want)
	}
	var partOrgs []string
	s.App.DB.Gorm.Raw("SELECT DISTINCT org_id FROM participants UNION SELECT DISTINCT org_id FROM lot_participants").Scan(&partOrgs)
	for _, id := range partOrgs {
		if id != icbKM && id != icbBLMK {
			t.Errorf("a predecessor still takes part: %s", id)
		}
	}

	// Medway's lead is the ICB's lead now, with their role, and sees the plans.
	lead, err = s.App.Tenants.ActorByEmail(ctx, "lead@medway-ccg.test")
	if err != nil {
		t.Fatal(err)
	}
	if lead.OrgID != icbKM || !lead.HasRole(access.RoleProcurementLead) {
		t.Fatalf("Medway's lead in 2026: %s %v, want the Kent and Medway ICB's procurement lead", lead.OrgName, lead.Roles)
	}
	cards, err := s.App.Mob.Plans(database.WithTenant(ctx, lead.OrgID), lead)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(cards, func(c mobilisation.PlanCard) bool { return c.ContractReference == "KM-IUCS-2018-L1" }) {
		t.Errorf("the ICB's lead does not see the plan of KM-IUCS-2018-L1: %+v", cards)
	}

	// History stays true: the decisions still name the CCGs that made them, shown with who they are now.
	var deciders []string
	s.App.DB.Gorm.Raw("SELECT DISTINCT org_id FROM approvals").Scan(&deciders)
	if slices.Contains(deciders, icbKM) || !slices.Contains(deciders, orgID(t, s, "NHS Medway CCG")) {
		t.Errorf("the governing bodies' decisions were rewritten: %v", deciders)
	}
	names, err := tenants.NewDirectory(s.App.DB).OrgNames(ctx, []string{orgID(t, s, "NHS Medway CCG"), icbKM})
	if err != nil {
		t.Fatal(err)
	}
	if names[orgID(t, s, "NHS Medway CCG")] != "NHS Medway CCG (now NHS Kent and Medway ICB)" || names[icbKM] != "NHS Kent and Medway ICB" {
		t.Errorf("names: %v", names)
	}
	// The procurement's old link works for the ICB's lead, and shows who decided.
	var kmProc string
	s.App.DB.Gorm.Raw("SELECT procurement_id FROM mobilisation_plans WHERE contract_reference = 'KM-IUCS-2018-L1'").Scan(&kmProc)
	b := s.browser(t)
	b.signIn("lead@medway-ccg.test")
	status, body := b.get("/procurements/" + kmProc)
	if status != http.StatusOK || !strings.Contains(body, "NHS Medway CCG (now NHS Kent and Medway ICB)") {
		t.Errorf("the procurement's page for the ICB's lead: %d, names Medway as it is now: %v", status, strings.Contains(body, "NHS Medway CCG (now"))
	}

	// Applying again changes nothing.
	before := successionSnapshot(t, s)
	for _, v := range list {
		if ok, err := s.App.Succ.Apply(ctx, v.ID); err != nil || ok {
			t.Errorf("applying %s again: %v %v", v.ID, ok, err)
		}
	}
	if n, err := s.App.Succ.ApplyDue(ctx); err != nil || n != 0 {
		t.Errorf("applying the due again: %d %v", n, err)
	}
	if after := successionSnapshot(t, s); after != before {
		t.Errorf("a second application changed something:\nbefore %s\nafter  %s", before, after)
	}
	// And none can be cancelled once applied.
	if _, err := s.App.Succ.Cancel(ctx, signInActor(t, s, "admin@golive.test"), list[0].ID); err == nil {
		t.Error("an applied succession was cancelled")
	}

	var out strings.Builder
	if err := run(ctx, []string{"audit", "verify"}, getenv, &out); err != nil || !strings.Contains(out.String(), "verified") {
		t.Fatalf("audit verify after the successions: %v %s", err, out.String())
	}
}

func ukDay(t time.Time) string { return t.Format("2006-01-02") }
