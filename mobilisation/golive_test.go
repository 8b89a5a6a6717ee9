package mobilisation_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/lots/lotstest"
	"golive/mobilisation"
)

// finishCritical has every critical milestone of a phase accepted: the provider asks for its
// own (with a note) and the lead accepts; the lead accepts the commissioners' with a note.
// Those already accepted stay as they are.
func (f *fixture) finishCritical(planID string, phase int) {
	t := f.t
	v := f.view(leadEmail, planID)
	bid, bctx := f.as(estuaryBids)
	lead, lctx := f.as(leadEmail)
	for _, m := range v.Milestones {
		if m.PhaseID != v.Phases[phase].ID || !m.Critical || m.AcceptedAt != nil {
			continue
		}
		if m.OwnerSide == mobilisation.Provider {
			lotstest.Must[mobilisation.Milestone](t)(f.svc.RequestCompletion(bctx, bid, planID, m.ID, mobilisation.CompletionInput{Note: "Done: see the mobilisation board minutes"}))
			lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, planID, m.ID, mobilisation.AcceptInput{}))
		} else {
			lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, planID, m.ID, mobilisation.AcceptInput{Note: "Agreed at the board"}))
		}
	}
}

func TestAPhaseGoesLiveOnlyWhenItsCriticalMilestonesAreDoneAndEveryCommissionerSaysGo(t *testing.T) {
	f := newFixture(t)
	_, p := f.planned()
	v := f.view(leadEmail, p.ID)
	ph := v.Phases[0]
	lead, lctx := f.as(leadEmail)

	// Refused, naming what is missing: the critical milestones and both commissioners' decisions.
	_, err := f.svc.GoLive(lctx, lead, p.ID, ph.ID)
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Conflict {
		t.Fatalf("going live at once: %v", err)
	}
	for _, want := range []string{"CQC registration confirmed for every location", "is not done", "NHS Medway CCG has not made a go/no-go decision",
		"NHS Swale CCG has not made a go/no-go decision"} {
		if !strings.Contains(e.Message, want) {
			t.Fatalf("the refusal does not say %q:\n%s", want, e.Message)
		}
	}
	if !strings.Contains(strings.Join(ph.Missing, "\n"), "NHS Swale CCG") || ph.Ready {
		t.Fatalf("the plan view's gate: ready %v, missing %q", ph.Ready, ph.Missing)
	}

	// Who signs: each covered commissioner's approver, for its own; nobody else.
	for _, c := range []struct {
		email string
		kind  apperr.Kind
	}{{leadEmail, apperr.Forbidden}, {estuaryBids, apperr.Forbidden}, {"approver@ashford-ccg.test", apperr.NotFound},
		{"approver@dgs-ccg.test", apperr.NotFound}, {healthwatch, apperr.NotFound}} {
		a, ctx := f.as(c.email)
		_, err := f.svc.Decide(ctx, a, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "Ready"})
		lotstest.WantKind(t, err, c.kind, c.email+" signing the go/no-go")
	}
	ma, mctx := f.as(medwayApprover)
	_, err = f.svc.Decide(mctx, ma, p.ID, ph.ID, mobilisation.DecisionInput{Decision: "maybe", Reason: "Unsure"})
	lotstest.WantKind(t, err, apperr.Invalid, "a decision that is neither go nor no-go")
	_, err = f.svc.Decide(mctx, ma, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.NoGo})
	lotstest.WantKind(t, err, apperr.Invalid, "a decision without a reason")
	// Medway signs go before the critical milestones are done, acknowledging them
	// (TestAGoWithOpenCriticalMilestonesIsAcknowledgedAndRecorded).
	lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(mctx, ma, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "Assurance received",
		AcknowledgeOpenCritical: true, Acknowledgement: "The board accepted the assurance plan for what is outstanding"}))
	sa, sctx := f.as(swaleApprover)
	lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(sctx, sa, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.NoGo,
		Reason: "The first weekend's rota has gaps"}))

	// Every critical milestone done, but Swale says no-go: still refused, saying why.
	f.now = time.Date(2019, 3, 20, 10, 0, 0, 0, time.UTC)
	f.finishCritical(p.ID, 0)
	_, err = f.svc.GoLive(lctx, lead, p.ID, ph.ID)
	e, _ = apperr.As(err)
	if e == nil || e.Kind != apperr.Conflict || !strings.Contains(e.Message, "NHS Swale CCG decided no-go: The first weekend's rota has gaps") ||
		strings.Contains(e.Message, "is not done") {
		t.Fatalf("going live against Swale's no-go: %v", err)
	}
	lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(sctx, sa, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go,
		Reason: "Rota gaps filled"}))
	if v := f.view(swaleApprover, p.ID); !v.Phases[0].Ready || len(v.Phases[0].Decisions) != 2 || !v.CanDecide {
		t.Fatalf("after both said go: ready %v, %d decisions, missing %q", v.Phases[0].Ready, len(v.Phases[0].Decisions), v.Phases[0].Missing)
	}

	// Only the lead declares it live.
	for _, email := range []string{medwayApprover, estuaryBids} {
		a, ctx := f.as(email)
		_, err := f.svc.GoLive(ctx, a, p.ID, ph.ID)
		lotstest.WantKind(t, err, apperr.Forbidden, email+" declaring the phase live")
	}
	f.now = time.Date(2019, 4, 1, 7, 0, 0, 0, time.UTC)
	live := lotstest.Must[mobilisation.Phase](t)(f.svc.GoLive(lctx, lead, p.ID, ph.ID))
	if live.State != mobilisation.Live || live.LiveAt == nil || !live.LiveAt.Equal(f.now) || live.LiveBy != lead.UserID {
		t.Fatalf("the live phase: %+v", live)
	}
	if to := f.mails("Live: " + ph.Name); strings.Join(to, " ") != "bids@estuary-urgent-care.test lead@medway-ccg.test" {
		t.Fatalf("go-live emails to %v, want the provider's bid team and the commissioners' leads", to)
	}
	if f.audits("phase.live") != 1 || f.audits("golive.decided") != 3 {
		t.Fatalf("go-live audit: %d phase.live, %d golive.decided", f.audits("phase.live"), f.audits("golive.decided"))
	}
	_, err = f.svc.GoLive(lctx, lead, p.ID, ph.ID)
	lotstest.WantKind(t, err, apperr.Conflict, "going live twice")
	_, err = f.svc.Decide(sctx, sa, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.NoGo, Reason: "Too late"})
	lotstest.WantKind(t, err, apperr.Conflict, "a decision on a live phase")

	// The dashboard says so, and the next go-live is another phase.
	d := lotstest.Must[mobilisation.Dashboard](t)(f.svc.Dashboard(sctx, sa))
	c := d.Plans[0]
	if c.Phases[0].State != mobilisation.Live || c.Phases[0].RAG != mobilisation.RAGDone || c.NextGoLive == nil || c.NextGoLive.ID == ph.ID {
		t.Fatalf("the dashboard after go-live: %+v", c)
	}
	for _, g := range d.NextGoLives {
		if g.Phase.ID == ph.ID {
			t.Fatal("a live phase is still listed as a coming go-live")
		}
	}
}

func TestASlipTurnsThePhaseRedAndMovesItsForecast(t *testing.T) {
	f := newFixture(t)
	_, p := f.planned()
	before := f.view(leadEmail, p.ID).Phases[2]
	if before.RAG == mobilisation.RAGRed || before.Outlook.ForecastDay != "2019-07-01" || before.Outlook.SlipDays != 0 {
		t.Fatalf("at the award the July phase is %s, forecast %s", before.RAG, before.Outlook.ForecastDay)
	}

	// The contract is signed and the sites surveyed on time; ten days after the premises for the
	// July UTCs should have been agreed, they are not.
	lead, lctx := f.as(leadEmail)
	bid, bctx := f.as(estuaryBids)
	f.now = time.Date(2018, 12, 20, 10, 0, 0, 0, time.UTC)
	lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, p.ID, f.milestone(p.ID, 2, "contract_signed").ID, mobilisation.AcceptInput{Note: "Signed"}))
	surveys := f.milestone(p.ID, 2, "site_surveys").ID
	lotstest.Must[mobilisation.Milestone](t)(f.svc.RequestCompletion(bctx, bid, p.ID, surveys, mobilisation.CompletionInput{Note: "Surveys attached"}))
	lotstest.Must[mobilisation.Milestone](t)(f.svc.Accept(lctx, lead, p.ID, surveys, mobilisation.AcceptInput{}))
	premises := f.milestone(p.ID, 2, "premises_agreed")
	f.now = time.Date(2019, 3, 13, 10, 0, 0, 0, time.UTC)
	if mobilisation.DaysBetween(premises.DueOn, "2019-03-13") != 10 {
		t.Fatalf("premises are due %s", premises.DueOn)
	}
	after := f.view(leadEmail, p.ID)
	ph := after.Phases[2]
	if ph.RAG != mobilisation.RAGRed || ph.Outlook.ForecastDay <= ph.GoLiveDay || ph.Outlook.SlipDays <= 0 || len(ph.Outlook.CriticalPath) == 0 {
		t.Fatalf("after the slip the July phase is %s, forecast %s (%d days late), path %v", ph.RAG, ph.Outlook.ForecastDay, ph.Outlook.SlipDays, ph.Outlook.CriticalPath)
	}
	m, _ := after.Milestone(premises.ID)
	if m.RAG != mobilisation.RAGRed || m.Forecast.Finish != "2019-03-13" {
		t.Fatalf("the late milestone: %s, forecast %s", m.RAG, m.Forecast.Finish)
	}

	// The dashboard lists it as overdue, and whose it is.
	a, ctx := f.as(swaleApprover)
	d := lotstest.Must[mobilisation.Dashboard](t)(f.svc.Dashboard(ctx, a))
	found := false
	for _, o := range d.Overdue {
		if o.MilestoneID == premises.ID {
			found = o.DaysOverdue == 10 && o.OwnerName == "Morgan Lead" && o.OwnerOrgName == "NHS Medway CCG" && o.Critical
		}
	}
	if !found || d.Plans[0].RAG != mobilisation.RAGRed {
		t.Fatalf("the dashboard does not show the premises 10 days overdue and whose: %+v", d.Overdue)
	}
}

// openCritical counts a phase's critical milestones not yet accepted, from the plan view.
func openCritical(v mobilisation.PlanView, phaseID string) int {
	n := 0
	for _, m := range v.Milestones {
		if m.PhaseID == phaseID && m.Critical && m.AcceptedAt == nil {
			n++
		}
	}
	return n
}

// decisionAudits is the summary of every golive.decided entry on a phase, oldest first.
func (f *fixture) decisionAudits(phaseID string) []map[string]any {
	var rows []string
	f.env.DB.Gorm.Raw("SELECT summary FROM audit_events WHERE action = 'golive.decided' AND object_id = ? ORDER BY seq", phaseID).Scan(&rows)
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		var m map[string]any
		lotstest.OK(f.t, json.Unmarshal([]byte(r), &m))
		out = append(out, m)
	}
	return out
}

func TestAGoWithOpenCriticalMilestonesIsAcknowledgedAndRecorded(t *testing.T) {
	f := newFixture(t)
	_, p := f.planned()
	v := f.view(medwayApprover, p.ID)
	ph := v.Phases[0]
	open := openCritical(v, ph.ID)
	if open == 0 || ph.OpenCritical != open {
		t.Fatalf("the view says %d critical milestones are open, the milestones %d", ph.OpenCritical, open)
	}
	ma, mctx := f.as(medwayApprover)
	sa, sctx := f.as(swaleApprover)

	// A go without acknowledging them is refused, naming how many; so is one without a reason.
	_, err := f.svc.Decide(mctx, ma, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "Assurance received"})
	e, ok := apperr.As(err)
	want := fmt.Sprintf("Confirm you are signing go with %d critical milestones still open", open)
	if !ok || e.Kind != apperr.Invalid || e.Fields[mobilisation.AcknowledgeField] != want || e.Fields[mobilisation.AcknowledgementField] == "" {
		t.Fatalf("go with %d open critical milestones, unacknowledged: %v %+v", open, err, e)
	}
	_, err = f.svc.Decide(mctx, ma, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "Assurance received",
		AcknowledgeOpenCritical: true, Acknowledgement: "   "})
	e, _ = apperr.As(err)
	if e == nil || e.Kind != apperr.Invalid || e.Fields[mobilisation.AcknowledgementField] == "" || e.Fields[mobilisation.AcknowledgeField] != "" {
		t.Fatalf("go acknowledged without a reason: %v", err)
	}
	if f.audits("golive.decided") != 0 || len(f.view(leadEmail, p.ID).Phases[0].Decisions) != 0 {
		t.Fatal("a refused go was recorded")
	}

	// Acknowledged with a reason: recorded with how many were open, shown, and audited.
	const why = "The CQC confirmed registration by telephone; the letters follow"
	d := lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(mctx, ma, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go,
		Reason: "Assurance received", AcknowledgeOpenCritical: true, Acknowledgement: "  " + why + " "}))
	if d.OpenCritical != open || d.Acknowledgement != why {
		t.Fatalf("the decision records %d open, %q", d.OpenCritical, d.Acknowledgement)
	}
	ds := f.view(leadEmail, p.ID).Phases[0].Decisions
	if len(ds) != 1 || ds[0].OpenCritical != open || ds[0].Acknowledgement != why || ds[0].Decision != mobilisation.Go {
		t.Fatalf("the plan view's decisions: %+v", ds)
	}
	audits := f.decisionAudits(ph.ID)
	if len(audits) != 1 || audits[0]["open_critical"] != float64(open) || audits[0]["acknowledgement"] != why {
		t.Fatalf("the audit entries: %v", audits)
	}

	// A no-go needs no acknowledgement, and records none even when sent one.
	d = lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(sctx, sa, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.NoGo,
		Reason: "Not assured yet", AcknowledgeOpenCritical: true, Acknowledgement: "Nothing to acknowledge"}))
	if d.OpenCritical != 0 || d.Acknowledgement != "" {
		t.Fatalf("a no-go recorded an acknowledgement: %+v", d)
	}

	// Once every critical milestone is accepted a go needs none, and replacing Medway's earlier
	// go clears its acknowledgement, which the audit keeps as the previous decision.
	f.now = time.Date(2019, 3, 20, 10, 0, 0, 0, time.UTC)
	f.finishCritical(p.ID, 0)
	if n := f.view(leadEmail, p.ID).Phases[0].OpenCritical; n != 0 {
		t.Fatalf("%d critical milestones still open after finishing them", n)
	}
	lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(sctx, sa, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "Assured"}))
	lotstest.Must[mobilisation.GoLiveDecision](t)(f.svc.Decide(mctx, ma, p.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: "All done"}))
	for _, d := range f.view(leadEmail, p.ID).Phases[0].Decisions {
		if d.Decision != mobilisation.Go || d.OpenCritical != 0 || d.Acknowledgement != "" {
			t.Fatalf("a go with nothing open: %+v", d)
		}
	}
	audits = f.decisionAudits(ph.ID)
	last := audits[len(audits)-1]
	prev, _ := last["previous"].(map[string]any)
	if _, ok := last["open_critical"]; ok || prev["acknowledgement"] != why {
		t.Fatalf("the audit of Medway's second go: %v", last)
	}
}
