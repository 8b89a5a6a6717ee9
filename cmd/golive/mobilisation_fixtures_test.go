package main

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"golive/database"
	"golive/evaluation/award"
	"golive/lots"
	"golive/mobilisation"
	"golive/tenants/access"
)

// matrixPlan is the awarded contract the authorisation matrix calls the mobilisation routes on
// (rows with obj "plan"): Medway leads the procurement with Swale, both covered by the lot;
// Estuary is the provider, so Weald is "another provider" and DGS and Bedfordshire are outside.
// Its owner in the matrix is "medway+estuary" for what both sides see, "medway" for the lead's
// and the approvers' routes and "estuary" for the provider's.
type matrixPlan struct {
	plan, phase string
	milestone   string // the provider's CQC registration, with one evidence file
	evidence    string
	spare       string // a milestone nothing depends on: DELETE rows remove it
	template    string // Medway's own copy of the default template
	item        string // a milestone of that template
	spareItem   string // one DELETE rows remove
}

// path puts the fixture's ids into a route; the pages' short names (:ms, :ev) too.
func (m matrixPlan) path(method, p string) string {
	ms, item := m.milestone, m.item
	if method == "DELETE" {
		ms, item = m.spare, m.spareItem
	}
	return strings.NewReplacer(":plan", m.plan, ":phase", m.phase, ":milestone", ms, ":ms", ms, ":evidence", m.evidence,
		":ev", m.evidence, ":template", m.template, ":item", item).Replace(p)
}

// matrixMobilisation awards a contract and makes its plan through the services: a draft
// procurement with one lot and one phase, the contract award written in evaluation's store (the
// award's own rules are evaluation's tests), then the plan, an evidence file, a spare milestone
// and a template of Medway's own.
func matrixMobilisation(t *testing.T, s *server) matrixPlan {
	t.Helper()
	ctx := context.Background()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	as := func(email string) (*access.Actor, context.Context) {
		a, err := s.App.Tenants.ActorByEmail(ctx, email)
		check(err)
		return a, database.WithTenant(ctx, a.OrgID)
	}
	org := func(name string) string {
		var id string
		check(s.App.DB.Gorm.Raw("SELECT id FROM organisations WHERE name = ?", name).Scan(&id).Error)
		return id
	}
	now := s.App.Cfg.Now()
	parts := []string{org("NHS Medway CCG"), org("NHS Swale CCG")}
	lead, lctx := as("lead@medway-ccg.test")
	p, err := s.App.Lots.CreateProcurement(lctx, lead, lots.ProcurementInput{Title: "Matrix mobilisation", Reference: "MX-MOB",
		Regime: lots.PSR2024, Procedure: "Competitive process", TermYears: 5, EstimatedValuePence: 1_000_000_00, Participants: parts,
		ClarificationDeadline: now.AddDate(0, 0, 20), SubmissionDeadline: now.AddDate(0, 0, 30), EvaluationStart: now.AddDate(0, 0, 31),
		AwardDate: now.AddDate(0, 0, 60), ContractStart: now.AddDate(0, 0, 200)})
	check(err)
	l, err := s.App.Lots.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "UTC", ServiceTypes: []string{"utc"}, Participants: parts})
	check(err)
	_, err = s.App.Lots.AddPhase(lctx, lead, l.ID, lots.PhaseInput{Name: "Medway UTC", Service: "utc", GoLive: now.AddDate(0, 0, 200)})
	check(err)
	es := award.NewStore(s.App.DB)
	rec := award.Recommendation{ID: uuid.Must(uuid.NewV7()).String(), LotID: l.ID, ProcurementID: p.ID, BidderOrgID: org("Estuary Urgent Care CIC"),
		Reason: "Ranked first", Regime: p.Regime, State: award.Awarded, RecommendedBy: lead.UserID, RecommendedAt: now}
	check(es.AddRecommendation(ctx, &rec))
	check(es.AddContract(ctx, &award.Contract{LotID: l.ID, RecommendationID: rec.ID, ProcurementID: p.ID,
		ProviderOrgID: rec.BidderOrgID, ContractReference: "MX-MOB-1", StartDate: now.AddDate(0, 0, 200), TermYears: 5,
		ValuePence: 1_000_000_00, AwardedBy: lead.UserID, AwardedAt: now}))

	mob := s.App.Mob
	plan, _, err := mob.EnsurePlan(lctx, lead, l.ID, "")
	check(err)
	v, err := mob.PlanView(lctx, lead, plan.ID)
	check(err)
	out := matrixPlan{plan: plan.ID, phase: v.Phases[0].ID}
	for _, m := range v.Milestones {
		if m.TemplateKey == "cqc_registration" {
			out.milestone = m.ID
		}
	}
	bidder, bctx := as("bids@estuary-urgent-care.test")
	e, err := mob.AddEvidence(bctx, bidder, plan.ID, out.milestone, "cqc.txt", []byte("Our CQC registration.\n"))
	check(err)
	out.evidence = e.ID
	spare, err := mob.AddMilestone(lctx, lead, plan.ID, mobilisation.MilestoneInput{PhaseID: out.phase, Title: "Spare", Workstream: "Other",
		OwnerSide: mobilisation.Commissioner, DueOn: mobilisation.DayOf(now.AddDate(0, 0, 100))})
	check(err)
	out.spare = spare.ID
	tpl, err := mob.CopyTemplate(lctx, lead, mobilisation.TemplateCopyInput{Name: "Matrix template"})
	check(err)
	out.template, out.item = tpl.ID, tpl.Milestones[0].ID
	offset := -10
	item, err := mob.AddTemplateMilestone(lctx, lead, tpl.ID, mobilisation.TemplateMilestoneInput{Key: "matrix_spare", Title: "Spare",
		Workstream: "Other", OwnerSide: mobilisation.Commissioner, OffsetDays: &offset})
	check(err)
	out.spareItem = item.ID
	return out
}
