package mobilisation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"golive/apperr"
	"golive/evaluation/award"
	"golive/lots"
	"golive/lots/lotstest"
	"golive/mobilisation"
	"golive/tenants/access"
)

// The use cases of mobilisation against the real database (SQLite, or PostgreSQL when
// GOLIVE_TEST_DATABASE_URL is set): each rule and each refusal, as the person would meet it.

const (
	leadEmail       = "lead@medway-ccg.test"
	medwayApprover  = "approver@medway-ccg.test"
	swaleApprover   = "approver@swale-ccg.test"
	medwayObserver  = "observer@medway-ccg.test"
	estuaryBids     = "bids@estuary-urgent-care.test"
	estuaryAdmin    = "admin@estuary-urgent-care.test"
	wealdBids       = "bids@weald-ambulance.test"
	bedsLead        = "lead@bedfordshire-ccg.test"
	dgsAdmin        = "admin@dgs-ccg.test"
	healthwatch     = "reviewer@healthwatch-kent.test"
	healthwatchBoss = "admin@healthwatch-kent.test"
	estuary         = "Estuary Urgent Care CIC"
)

type fixture struct {
	t    testing.TB
	env  *lotstest.Env
	svc  *mobilisation.Service
	now  time.Time
	orgs map[string]string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, now: time.Date(2018, 6, 1, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	f.env = lotstest.New(t, clock)
	f.orgs = f.env.Orgs
	f.svc = &mobilisation.Service{Store: mobilisation.NewStore(f.env.DB), Contracts: &award.Service{Store: award.NewStore(f.env.DB)},
		Mail: f.env.Lots.Mail, BaseURL: "http://golive.test",
		Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return f
}

func (f *fixture) as(email string) (*access.Actor, context.Context) {
	f.t.Helper()
	return f.env.As(f.t, email)
}

// world is Kent and Medway Lot 2 in small: Medway leads, Swale takes part; the lot covers both;
// GP out of hours (base site and home visits) and the Medway UTC go live on 1 April 2019, the
// Swale UTC and its mobile facility on 1 July 2019.
type world struct {
	p   lots.Procurement
	l   lots.Lot
	rec award.Recommendation
}

func (f *fixture) procurement() world {
	t := f.t
	lead, lctx := f.as(leadEmail)
	medway, swale := f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]
	p := lotstest.Must[lots.Procurement](t)(f.env.Lots.CreateProcurement(lctx, lead, lots.ProcurementInput{
		Title: "Medway and Swale integrated urgent care", Reference: "KM-IUC-2", Regime: lots.PCR2015, Procedure: "Open", TermYears: 5,
		EstimatedValuePence: 90_000_000_00, Participants: []string{medway, swale},
		ClarificationDeadline: time.Date(2018, 6, 20, 12, 0, 0, 0, time.UTC), SubmissionDeadline: time.Date(2018, 7, 1, 12, 0, 0, 0, time.UTC),
		EvaluationStart: time.Date(2018, 7, 2, 9, 0, 0, 0, time.UTC), AwardDate: time.Date(2018, 8, 15, 9, 0, 0, 0, time.UTC),
		ContractStart: time.Date(2019, 3, 31, 23, 0, 0, 0, time.UTC)}))
	l := lotstest.Must[lots.Lot](t)(f.env.Lots.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 2, Title: "UTCs and GP out of hours",
		ServiceTypes: []string{"utc", "gp_ooh", "home_visits", "mobile_unit"}, Participants: []string{medway, swale}}))
	april, july := time.Date(2019, 3, 31, 23, 0, 0, 0, time.UTC), time.Date(2019, 6, 30, 23, 0, 0, 0, time.UTC) // 00:00 BST
	for _, ph := range []lots.PhaseInput{
		{Name: "GP out of hours base site", Service: "gp_ooh", GoLive: april},
		{Name: "GP out of hours home visits", Service: "home_visits", GoLive: april},
		{Name: "Medway UTC", Service: "utc", GoLive: april},
		{Name: "Swale UTC", Service: "utc", GoLive: july},
		{Name: "Sheppey mobile facility", Service: "mobile_unit", GoLive: july},
	} {
		lotstest.Must[lots.Phase](t)(f.env.Lots.AddPhase(lctx, lead, l.ID, ph))
	}
	return world{p: p, l: l}
}

// award records the contract award to Estuary directly in the award's store: the award's own
// rules are its tests; what matters here is the contract a plan is made from.
func (f *fixture) award(w *world) {
	t := f.t
	ctx := context.Background()
	lead, _ := f.as(leadEmail)
	f.now = time.Date(2018, 8, 20, 10, 0, 0, 0, time.UTC)
	es := award.NewStore(f.env.DB)
	w.rec = award.Recommendation{ID: newUUID(), LotID: w.l.ID, ProcurementID: w.p.ID, BidderOrgID: f.orgs[estuary],
		Reason: "Ranked first", Regime: w.p.Regime, State: award.Awarded, RecommendedBy: lead.UserID, RecommendedAt: f.now}
	lotstest.OK(t, es.AddRecommendation(ctx, &w.rec))
	lotstest.OK(t, es.AddContract(ctx, &award.Contract{LotID: w.l.ID, RecommendationID: w.rec.ID, ProcurementID: w.p.ID,
		ProviderOrgID: f.orgs[estuary], ContractReference: "KM-IUC-2-001", StartDate: time.Date(2019, 3, 31, 23, 0, 0, 0, time.UTC),
		TermYears: 5, ValuePence: 60_000_000_00, AwardedBy: lead.UserID, AwardedAt: f.now}))
}

// planned is the world with its contract awarded and its plan made.
func (f *fixture) planned() (world, mobilisation.Plan) {
	w := f.procurement()
	f.award(&w)
	lead, lctx := f.as(leadEmail)
	p, created, err := f.svc.EnsurePlan(lctx, lead, w.l.ID, "")
	lotstest.OK(f.t, err)
	if !created {
		f.t.Fatal("the first EnsurePlan did not make the plan")
	}
	return w, p
}

func (f *fixture) view(email, planID string) mobilisation.PlanView {
	f.t.Helper()
	a, ctx := f.as(email)
	return lotstest.Must[mobilisation.PlanView](f.t)(f.svc.PlanView(ctx, a, planID))
}

// milestone finds a plan's milestone by phase (its position) and template key.
func (f *fixture) milestone(planID string, phase int, key string) mobilisation.MilestoneView {
	f.t.Helper()
	v := f.view(leadEmail, planID)
	for _, m := range v.Milestones {
		if m.PhaseID == v.Phases[phase].ID && m.TemplateKey == key {
			return m
		}
	}
	f.t.Fatalf("no milestone %s in phase %d", key, phase)
	return mobilisation.MilestoneView{}
}

func (f *fixture) userID(email string) string {
	a, _ := f.as(email)
	return a.UserID
}

func (f *fixture) audits(action string) int {
	var n int
	f.env.DB.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action = ?", action).Scan(&n)
	return n
}

// reminders counts a milestone's reminders by state.
func (f *fixture) reminders(milestoneID, state string) []string {
	var keys []string
	f.env.DB.Gorm.Raw("SELECT key FROM reminders WHERE milestone_id = ? AND state = ? ORDER BY key", milestoneID, state).Scan(&keys)
	return keys
}

func (f *fixture) mails(subject string) []string {
	var to []string
	f.env.DB.Gorm.Raw("SELECT to_addr FROM mail_messages WHERE subject LIKE ? ORDER BY to_addr", subject+"%").Scan(&to)
	return to
}

func newUUID() string { return uuid.Must(uuid.NewV7()).String() }

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestAContractAwardMakesAPlanWithAPhasePerGoLive(t *testing.T) {
	f := newFixture(t)
	w := f.procurement()
	lead, lctx := f.as(leadEmail)

	// Before the contract award there is nothing to make a plan from.
	_, _, err := f.svc.EnsurePlan(lctx, lead, w.l.ID, "")
	lotstest.WantKind(t, err, apperr.Conflict, "a plan before the contract award")

	f.award(&w)
	ap, actx := f.as(medwayApprover)
	_, _, err = f.svc.EnsurePlan(actx, ap, w.l.ID, "")
	lotstest.WantKind(t, err, apperr.Forbidden, "an approver making the plan")
	bl, bctx := f.as(bedsLead)
	_, _, err = f.svc.EnsurePlan(bctx, bl, w.l.ID, "")
	lotstest.WantKind(t, err, apperr.NotFound, "another tenant's lead making the plan")

	p, created, err := f.svc.EnsurePlan(lctx, lead, w.l.ID, "")
	lotstest.OK(t, err)
	if !created || p.ProviderOrgID != f.orgs[estuary] || p.ContractReference != "KM-IUC-2-001" || p.LeadUserID != lead.UserID ||
		p.TemplateID != mobilisation.DefaultTemplateID() {
		t.Fatalf("the plan: %+v (created %v)", p, created)
	}
	again, created, err := f.svc.EnsurePlan(lctx, lead, w.l.ID, "")
	lotstest.OK(t, err)
	if created || again.ID != p.ID {
		t.Fatalf("making the plan again gave %s (created %v), want the same plan %s", again.ID, created, p.ID)
	}
	if n := f.audits("plan.created"); n != 1 {
		t.Fatalf("%d plan.created audit events, want 1", n)
	}

	// Three go-lives: GP out of hours and the Medway UTC on 1 April 2019 are two (different
	// services), the Swale UTC with its mobile facility on 1 July 2019 the third.
	v := f.view(leadEmail, p.ID)
	var got []string
	for _, ph := range v.Phases {
		got = append(got, ph.GoLiveDay+" "+ph.Name+" "+strings.Join(slices.Sorted(slices.Values(ph.LotPhaseIDs)), ","))
	}
	if len(v.Phases) != 3 || v.Phases[0].GoLiveDay != "2019-04-01" || v.Phases[1].GoLiveDay != "2019-04-01" || v.Phases[2].GoLiveDay != "2019-07-01" ||
		len(v.Phases[0].LotPhaseIDs)+len(v.Phases[1].LotPhaseIDs)+len(v.Phases[2].LotPhaseIDs) != 5 || len(v.Phases[2].LotPhaseIDs) != 2 {
		t.Fatalf("the phases: %q", got)
	}

	// Every phase has the whole template, due relative to its own go-live; the provider's
	// milestones belong to its first bid-team user, the commissioners' to the lead.
	tpl := mobilisation.DefaultTemplate()
	if len(v.Milestones) != 3*len(tpl) {
		t.Fatalf("%d milestones, want %d (the template in each of 3 phases)", len(v.Milestones), 3*len(tpl))
	}
	bidder := f.userID(estuaryBids)
	for _, m := range v.Milestones {
		i := slices.IndexFunc(tpl, func(x mobilisation.TemplateMilestone) bool { return x.Key == m.TemplateKey })
		ph, _ := v.Phase(m.PhaseID)
		if want := mobilisation.AddDays(ph.GoLiveDay, tpl[i].OffsetDays); m.DueOn != want {
			t.Fatalf("%s in %s is due %s, want %s", m.TemplateKey, ph.Name, m.DueOn, want)
		}
		owner := lead.UserID
		if m.OwnerSide == mobilisation.Provider {
			owner = bidder
		}
		if m.OwnerUserID != owner || m.Status != mobilisation.NotStarted || m.Critical != tpl[i].Critical {
			t.Fatalf("%s: owner %s status %s critical %v", m.TemplateKey, m.OwnerName, m.Status, m.Critical)
		}
	}
	// Reminders before the due day are scheduled as the plan is made: 14, 7 and 1 days before.
	tupe := f.milestone(p.ID, 0, "tupe_consultation")
	if keys := f.reminders(tupe.ID, "scheduled"); len(keys) != 3 {
		t.Fatalf("TUPE consultation has reminders %v, want three (14, 7 and 1 days before)", keys)
	}
}

func TestOnlyTheProcurementsCommissionersAndTheProviderSeeThePlan(t *testing.T) {
	f := newFixture(t)
	_, p := f.planned()
	for _, c := range []struct {
		email string
		side  mobilisation.OwnerSide
	}{{leadEmail, mobilisation.Commissioner}, {medwayObserver, mobilisation.Commissioner}, {swaleApprover, mobilisation.Commissioner},
		{estuaryBids, mobilisation.Provider}, {estuaryAdmin, mobilisation.Provider}} {
		a, ctx := f.as(c.email)
		lotstest.OK(t, f.svc.VisiblePlan(ctx, a, p.ID))
		if v := f.view(c.email, p.ID); v.Side != c.side || v.Plan.ID != p.ID {
			t.Fatalf("%s sees the plan as %s", c.email, v.Side)
		}
		d := lotstest.Must[mobilisation.Dashboard](t)(f.svc.Dashboard(ctx, a))
		if len(d.Plans) != 1 || d.Plans[0].PlanID != p.ID {
			t.Fatalf("%s's dashboard: %+v", c.email, d.Plans)
		}
	}
	// Another provider, another tenant, a commissioner not in the procurement and Healthwatch
	// cannot tell the plan exists.
	for _, email := range []string{wealdBids, bedsLead, dgsAdmin, healthwatch, healthwatchBoss} {
		a, ctx := f.as(email)
		lotstest.WantKind(t, f.svc.VisiblePlan(ctx, a, p.ID), apperr.NotFound, email+" finding the plan")
		_, err := f.svc.PlanView(ctx, a, p.ID)
		lotstest.WantKind(t, err, apperr.NotFound, email+" reading the plan")
		ms := f.milestone(p.ID, 0, "cqc_registration")
		_, err = f.svc.ReportProgress(ctx, a, p.ID, ms.ID, mobilisation.ProgressInput{Status: mobilisation.InProgress})
		lotstest.WantKind(t, err, apperr.NotFound, email+" reporting progress")
		d := lotstest.Must[mobilisation.Dashboard](t)(f.svc.Dashboard(ctx, a))
		if len(d.Plans) != 0 {
			t.Fatalf("%s's dashboard shows %d plans", email, len(d.Plans))
		}
	}
	// A made-up or malformed id is not found either.
	a, ctx := f.as(leadEmail)
	lotstest.WantKind(t, f.svc.VisiblePlan(ctx, a, "not-an-id"), apperr.NotFound, "a malformed plan id")
	lotstest.WantKind(t, f.svc.VisiblePlan(ctx, a, newUUID()), apperr.NotFound, "an unknown plan id")
}

func TestALotsPlanIsFoundOnlyByThoseWhoSeeThePlan(t *testing.T) {
	f := newFixture(t)
	w := f.procurement()
	f.award(&w)
	lead, lctx := f.as(leadEmail)
	if p, err := f.svc.PlanOfLot(lctx, lead, w.l.ID); err != nil || p != nil {
		t.Fatalf("the lot's plan before it is made: %+v %v", p, err)
	}
	p, _, err := f.svc.EnsurePlan(lctx, lead, w.l.ID, "")
	lotstest.OK(t, err)
	for _, email := range []string{leadEmail, swaleApprover, estuaryBids} {
		a, ctx := f.as(email)
		if got, err := f.svc.PlanOfLot(ctx, a, w.l.ID); err != nil || got == nil || got.ID != p.ID {
			t.Fatalf("%s finding the lot's plan: %+v %v", email, got, err)
		}
	}
	// Another provider, another tenant and a commissioner not in the procurement are told there
	// is none, as for a lot without a plan; Healthwatch never has plans.
	for _, email := range []string{wealdBids, bedsLead, dgsAdmin} {
		a, ctx := f.as(email)
		if got, err := f.svc.PlanOfLot(ctx, a, w.l.ID); err != nil || got != nil {
			t.Fatalf("%s finding the lot's plan: %+v %v", email, got, err)
		}
	}
	hw, hctx := f.as(healthwatch)
	_, err = f.svc.PlanOfLot(hctx, hw, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Healthwatch finding the lot's plan")
	_, err = f.svc.PlanOfLot(lctx, lead, "not-an-id")
	lotstest.WantKind(t, err, apperr.NotFound, "a malformed lot id")
}

func TestTheProviderReportsAndTheLeadAcceptsOrReturns(t *testing.T) {
	f := newFixture(t)
	_, p := f.planned()
	m := f.milestone(p.ID, 0, "cqc_registration") // the provider's, critical
	bid, bctx := f.as(estuaryBids)
	lead, lctx := f.as(leadEmail)

	// The bad reports, each refused beside its field.
	for _, c := range []struct {
		in    mobilisation.ProgressInput
		field string
	}{
		{mobilisation.ProgressInput{}, "note"},
		{mobilisation.ProgressInput{Status: mobilisation.Blocked}, "note"},
		{mobilisation.ProgressInput{Status: mobilisation.Done, Note: "All done"}, "status"},
		{mobilisation.ProgressInput{Status: "finished"}, "status"},
	} {
		_, err := f.svc.ReportProgress(bctx, bid, p.ID, m.ID, c.in)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Fields[c.field] == "" {
			t.Fatalf("reporting %+v: %v, want a message beside %s", c.in, err, c.field)
		}
	}
	// Someone at a commissioner who does not own it cannot report on the provider's milestone.
	obs, octx := f.as(medwayObserver)
	_, err := f.svc.ReportProgress(octx, obs, p.ID, m.ID, mobilisation.ProgressInput{Status: mobilisation.InProgress})
	lotstest.WantKind(t, err, apperr.Forbidden, "an observer reporting on the provider's milestone")

	got := lotstest.Must[mobilisation.Milestone](t)(f.svc.ReportProgress(bctx, bid, p.ID, m.ID,
		mobilisation.ProgressInput{Status: mobilisation.Blocked, Note: "The premises lease is not signed"}))
	if got.Status != mobilisation.Blocked {
		t.Fatalf("status %s after reporting blocked", got.Status)
	}
	if v := f.milestone(p.ID, 0, "cqc_registration"); v.RAG != mobilisation.RAGRed {
		t.Fatalf("a blocked milestone is %s", v.RAG)
	}
	lotstest.Must[mobilisation.Milestone](t)(f.svc.ReportProgress(bctx, bid, p.ID, m.ID,
		mobilisation.ProgressInput{Status: mobilisation.InProgress, Note: "Lease signed; application in"}))
	// In progress again, with nothing said: nothing to record.
	_, err = f.svc.ReportProgress(bctx, bid, p.ID, m.ID, mobilisation.ProgressInput{Status: mobilisation.InProgress})
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || !strings.Contains(e.Fields["note"], "already in progress") {
		t.Fatalf("reporting the status it already has, with no note: %v, want a message beside the note", err)
	}

	// Asking for completion needs evidence or a note.
	_, err = f.svc.RequestCompletion(bctx, bid, p.ID, m.ID, mobilisation.CompletionInput{})
	lotstest.WantKind(t, err, apperr.Invalid, "asking for completion with neither evidence nor a note")

	// Evidence: the type is read from the content; an HTML page called .pdf is refused.
	_, err = f.svc.AddEvidence(bctx, bid, p.ID, m.ID, "cqc.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"))
	lotstest.WantKind(t, err, apperr.Invalid, "an HTML page as evidence")
	_, err = f.svc.AddEvidence(bctx, bid, p.ID, m.ID, "empty.txt", nil)
	lotstest.WantKind(t, err, apperr.Invalid, "an empty file")
	content := []byte("CQC registration certificate: Estuary Urgent Care CIC, location Medway UTC.\n")
	e := lotstest.Must[mobilisation.Evidence](t)(f.svc.AddEvidence(bctx, bid, p.ID, m.ID, "../cqc-certificate.txt", content))
	if e.Name != "cqc-certificate.txt" || e.Size != int64(len(content)) || e.ContentType != "text/plain" ||
		e.SHA256 != sha(content) {
		t.Fatalf("the evidence record: %+v", e)
	}
	// Anyone who can see the plan can open it, byte for byte.
	for _, email := range []string{leadEmail, swaleApprover, estuaryAdmin} {
		a, ctx := f.as(email)
		file := lotstest.Must[mobilisation.Evidence](t)(f.svc.EvidenceFile(ctx, a, p.ID, m.ID, e.ID))
		if string(file.Data) != string(content) {
			t.Fatalf("%s opened different bytes", email)
		}
	}
	wb, wctx := f.as(wealdBids)
	_, err = f.svc.EvidenceFile(wctx, wb, p.ID, m.ID, e.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "another provider opening the evidence")

	// The provider cannot accept its own work; the lead cannot accept what was not asked for.
	_, err = f.svc.Accept(bctx, bid, p.ID, m.ID, mobilisation.AcceptInput{})
	lotstest.WantKind(t, err, apperr.Forbidden, "the provider accepting its own milestone")
	_, err = f.svc.Accept(lctx, lead, p.ID, m.ID, mobilisation.AcceptInput{})
	lotstest.WantKind(t, err, apperr.Conflict, "accepting before the provider asked")

	got = lotstest.Must[mobilisation.Milestone](t)(f.svc.RequestCompletion(bctx, bid, p.ID, m.ID, mobilisation.CompletionInput{Note: "Registered"}))
	if got.CompletionRequestedAt == nil || got.Status != mobilisation.InProgress || got.AcceptedAt != nil {
		t.Fatalf("after asking: %+v", got)
	}
	_, err = f.svc.RequestCompletion(bctx, bid, p.ID, m.ID, mobilisation.CompletionInput{Note: "Again"})
	lotstest.WantKind(t, err, apperr.Conflict, "asking twice")
	if to := f.mails("Please accept: " + m.Title); len(to) != 1 || to[0] != leadEmail {
		t.Fatalf("the lead was not asked by email: %v", to)
	}
	_, err = f.svc.Accept(bctx, bid, p.ID, m.ID, mobilisation.AcceptInput{})
	lotstest.WantKind(t, err, apperr.Forbidden, "the provider accepting after asking")

	// Returned with a reason: in progress again, and the request gone.
	_, err = f.svc.Return(lctx, lead, p.ID, m.ID, mobilisation.ReturnInput{})
	lotstest.WantKind(t, err, apperr.Invalid, "returning without a reason")
	got = lotstest.Must[mobilisation.Milestone](t)(f.svc.Return(lctx, lead, p.ID, m.ID, mobilisation.ReturnInput{Reason: "The certificate names the wrong location"}))
	if got.Status != mobilisation.InProgress || got.CompletionRequestedAt != nil {
		t.Fatalf("after returning: %+v", got)
	}
	if to := f.mails("Not accepted yet: " + m.Title); len(to) != 1 || to[0] != estuaryBids {
		t.Fatalf("the provider was not told why: %v", to)
	}
	lotstest.Must[mobilisation.Milestone](t)(f.svc.RequestCompletion(bctx, bid, p.ID, m.ID, mobilisation.CompletionInput{Note: "Corrected certificate attached"}))

	// Accepted just after midnight in summer: done on that UK day, though UTC is still the day before.
	f.now = time.Date(2019, 3, 31, 23, 30, 0, 0, time.UTC)
	got = lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, p.ID, m.ID, mobilisation.AcceptInput{Note: "Certificate checked"}))
	if got.Status != mobilisation.Done || got.AcceptedBy != lead.UserID || got.CompletedOn != "2019-04-01" {
		t.Fatalf("after accepting: status %s by %s on %s, want done on 2019-04-01", got.Status, got.AcceptedBy, got.CompletedOn)
	}
	if keys := f.reminders(m.ID, "scheduled"); len(keys) != 0 {
		t.Fatalf("a done milestone still has reminders scheduled: %v", keys)
	}
	_, err = f.svc.ReportProgress(bctx, bid, p.ID, m.ID, mobilisation.ProgressInput{Note: "More"})
	lotstest.WantKind(t, err, apperr.Conflict, "reporting on an accepted milestone")
	_, err = f.svc.AddEvidence(bctx, bid, p.ID, m.ID, "late.txt", []byte("late\n"))
	lotstest.WantKind(t, err, apperr.Conflict, "evidence on an accepted milestone")

	d := lotstest.Must[mobilisation.MilestoneDetail](t)(f.svc.MilestoneDetail(lctx, lead, p.ID, m.ID))
	if len(d.Notes) != 6 || len(d.Evidence) != 1 || d.Milestone.RAG != mobilisation.RAGDone || d.Evidence[0].UploadedByName == "" {
		t.Fatalf("the milestone's record: %d notes, %d evidence, %s", len(d.Notes), len(d.Evidence), d.Milestone.RAG)
	}
	for action, want := range map[string]int{"milestone.progress": 2, "evidence.added": 1, "milestone.completion_requested": 2,
		"milestone.returned": 1, "milestone.accepted": 1} {
		if n := f.audits(action); n != want {
			t.Fatalf("%d %s audit events, want %d", n, action, want)
		}
	}

	// A commissioner's milestone: the lead accepts it directly, with evidence or a note.
	cm := f.milestone(p.ID, 0, "handover_agreed")
	_, err = f.svc.RequestCompletion(bctx, bid, p.ID, cm.ID, mobilisation.CompletionInput{Note: "Done"})
	lotstest.WantKind(t, err, apperr.Forbidden, "the provider asking to accept a commissioner's milestone")
	_, err = f.svc.Accept(lctx, lead, p.ID, cm.ID, mobilisation.AcceptInput{})
	lotstest.WantKind(t, err, apperr.Invalid, "accepting a commissioner's milestone with neither evidence nor a note")
	lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, p.ID, cm.ID, mobilisation.AcceptInput{Note: "Handover agreed at the board on 3 September"}))
}

func TestTheLeadPlansMilestonesAndCirclesAreRefused(t *testing.T) {
	f := newFixture(t)
	_, p := f.planned()
	v := f.view(leadEmail, p.ID)
	lead, lctx := f.as(leadEmail)
	bid, bctx := f.as(estuaryBids)
	phase := v.Phases[2].ID

	in := mobilisation.MilestoneInput{PhaseID: phase, Title: "Sheppey parking agreed", Workstream: mobilisation.WSEstates,
		OwnerSide: mobilisation.Provider, OwnerUserID: f.userID(estuaryAdmin), DueOn: "2019-05-01", Critical: true}
	_, err := f.svc.AddMilestone(bctx, bid, p.ID, in)
	lotstest.WantKind(t, err, apperr.Forbidden, "the provider adding a milestone")

	// The owner must work for the milestone's side of the contract.
	bad := in
	bad.OwnerUserID = f.userID(wealdBids)
	_, err = f.svc.AddMilestone(lctx, lead, p.ID, bad)
	if e, ok := apperr.As(err); !ok || e.Fields["owner_user_id"] == "" {
		t.Fatalf("another provider's person as owner: %v", err)
	}
	bad = in
	bad.OwnerSide = mobilisation.Commissioner
	_, err = f.svc.AddMilestone(lctx, lead, p.ID, bad)
	if e, ok := apperr.As(err); !ok || e.Fields["owner_user_id"] == "" {
		t.Fatalf("the provider's person owning a commissioner's milestone: %v", err)
	}
	bad = in
	bad.DueOn = "2019-02-30"
	_, err = f.svc.AddMilestone(lctx, lead, p.ID, bad)
	if e, ok := apperr.As(err); !ok || e.Fields["due_on"] == "" {
		t.Fatalf("a due day that does not exist: %v", err)
	}
	bad = in
	bad.PhaseID = newUUID()
	_, err = f.svc.AddMilestone(lctx, lead, p.ID, bad)
	if e, ok := apperr.As(err); !ok || e.Fields["phase_id"] == "" {
		t.Fatalf("a phase of no plan: %v", err)
	}

	first := lotstest.Must[mobilisation.Milestone](t)(f.svc.AddMilestone(lctx, lead, p.ID, in))
	second := lotstest.Must[mobilisation.Milestone](t)(f.svc.AddMilestone(lctx, lead, p.ID, mobilisation.MilestoneInput{PhaseID: phase,
		Title: "Sheppey signage installed", Workstream: mobilisation.WSEstates, OwnerSide: mobilisation.Commissioner,
		OwnerUserID: f.userID(swaleApprover), DueOn: "2019-06-01", DependsOn: []string{first.ID}}))
	if len(f.reminders(first.ID, "scheduled")) != 3 || len(f.reminders(second.ID, "scheduled")) != 3 {
		t.Fatal("a new milestone has no reminders scheduled")
	}

	// A circle is refused, naming the milestones; so is depending on itself.
	_, err = f.svc.EditMilestone(lctx, lead, p.ID, first.ID, mobilisation.MilestoneChange{DependsOn: &[]string{second.ID}})
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid || !strings.Contains(e.Fields["depends_on"], "Sheppey parking agreed") ||
		!strings.Contains(e.Fields["depends_on"], "Sheppey signage installed") {
		t.Fatalf("a circle of dependencies: %v %v", err, e)
	}
	_, err = f.svc.EditMilestone(lctx, lead, p.ID, first.ID, mobilisation.MilestoneChange{DependsOn: &[]string{first.ID}})
	lotstest.WantKind(t, err, apperr.Invalid, "a milestone depending on itself")
	_, err = f.svc.EditMilestone(lctx, lead, p.ID, first.ID, mobilisation.MilestoneChange{})
	lotstest.WantKind(t, err, apperr.Invalid, "a change of nothing")

	// Moving the due day moves its reminders: the old ones are cancelled, new ones scheduled.
	before := f.reminders(first.ID, "scheduled")
	moved := "2019-05-15"
	got := lotstest.Must[mobilisation.Milestone](t)(f.svc.EditMilestone(lctx, lead, p.ID, first.ID, mobilisation.MilestoneChange{DueOn: &moved}))
	after := f.reminders(first.ID, "scheduled")
	if got.DueOn != moved || len(after) != 3 || slices.Equal(before, after) || !slices.Equal(f.reminders(first.ID, "cancelled"), before) {
		t.Fatalf("after moving the due day: scheduled %v, cancelled %v (before %v)", after, f.reminders(first.ID, "cancelled"), before)
	}
	for _, k := range after {
		if !strings.Contains(k, moved) {
			t.Fatalf("a reminder %s is not for the new due day", k)
		}
	}
	// A change of owner also reschedules them: the reminders go to the new owner.
	owner := f.userID(estuaryBids)
	lotstest.Must[mobilisation.Milestone](t)(f.svc.EditMilestone(lctx, lead, p.ID, first.ID, mobilisation.MilestoneChange{OwnerUserID: &owner}))
	for _, k := range f.reminders(first.ID, "scheduled") {
		if !strings.HasSuffix(k, owner) {
			t.Fatalf("reminder %s is not for the new owner", k)
		}
	}

	// Removing: refused while something depends on it.
	lotstest.WantKind(t, f.svc.RemoveMilestone(lctx, lead, p.ID, first.ID), apperr.Conflict, "removing a milestone another depends on")
	lotstest.OK(t, f.svc.RemoveMilestone(lctx, lead, p.ID, second.ID))
	lotstest.OK(t, f.svc.RemoveMilestone(lctx, lead, p.ID, first.ID))
	_, err = f.svc.MilestoneDetail(lctx, lead, p.ID, first.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "a removed milestone")
	for action, want := range map[string]int{"milestone.added": 2, "milestone.changed": 2, "milestone.removed": 2} {
		if n := f.audits(action); n != want {
			t.Fatalf("%d %s audit events, want %d", n, action, want)
		}
	}

	// The reminder settings: checked, and every open milestone rescheduled.
	_, err = f.svc.UpdateSettings(lctx, lead, p.ID, mobilisation.SettingsInput{ReminderOffsets: "14,14", EscalateAfterDays: 3})
	if e, ok := apperr.As(err); !ok || e.Fields["reminder_offsets"] == "" {
		t.Fatalf("offsets given twice: %v", err)
	}
	_, err = f.svc.UpdateSettings(bctx, bid, p.ID, mobilisation.SettingsInput{ReminderOffsets: "7", EscalateAfterDays: 3})
	lotstest.WantKind(t, err, apperr.Forbidden, "the provider changing the reminders")
	np := lotstest.Must[mobilisation.Plan](t)(f.svc.UpdateSettings(lctx, lead, p.ID, mobilisation.SettingsInput{ReminderOffsets: "1, 28", EscalateAfterDays: 5}))
	if np.ReminderOffsets != "28,1" || np.EscalateAfterDays != 5 {
		t.Fatalf("the settings: %+v", np)
	}
	if keys := f.reminders(f.milestone(p.ID, 2, "go_no_go").ID, "scheduled"); len(keys) != 2 {
		t.Fatalf("after the settings change the go/no-go has reminders %v, want two (28 and 1 days before)", keys)
	}
}
