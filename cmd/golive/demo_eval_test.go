package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/database"
	demodata "golive/demo"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
	"golive/tenants/access"
	"golive/ukclock"
)

// TestTheDemoEvaluatesAndAwardsTheSeedsLots runs `golive demo` as an operator would and reads
// the evaluation and award of each demo lot back through the evaluation service, as its lead
// and evaluators would see them: Kent and Medway lot 1 awarded after moderation with a
// Healthwatch reviewer and a declared conflict; lot 2 scored, moderated and awarded (the evaluation
// demo leaves it part-scored; the mobilisation demo, which needs its contract, carries it on);
// Luton and Bedfordshire awarded for 60 months from 1 April 2017. A second run adds nothing.
func TestTheDemoEvaluatesAndAwardsTheSeedsLots(t *testing.T) {
	_, _, getenv := operatorEnv(t)
	ctx := context.Background()
	if out := runDemo(t, getenv); !strings.Contains(out, "KM-IUCS-2018-L1") || strings.Contains(out, "Left out") {
		t.Fatalf("demo output:\n%s", out)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	as := func(email string) (*access.Actor, context.Context) {
		t.Helper()
		u, err := a.Tenants.ActorByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u, database.WithTenant(ctx, u.OrgID)
	}
	orgs, err := a.Tenants.Store.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	org := map[string]string{}
	for _, o := range orgs {
		org[o.Name] = o.ID
	}
	// Loading again finds the lots and their contracts and adds nothing.
	d, err := demodata.Evaluations(ctx, a.demoServices())
	if err != nil || d.Loaded || d.KentLot1 == "" || d.KentLot2 == "" || d.Luton == "" {
		t.Fatalf("second evaluation load: %+v %v", d, err)
	}
	london := ukclock.London
	day := func(t time.Time) string { return t.In(london).Format("2006-01-02") }

	t.Run("Kent and Medway lot 1 is awarded to the first-ranked bidder after moderation", func(t *testing.T) {
		lead, lctx := as("lead@medway-ccg.test")
		panel, err := a.Eval.Panel(lctx, lead, d.KentLot1)
		if err != nil {
			t.Fatal(err)
		}
		healthwatch, conflicts := 0, 0
		for _, m := range panel.Members {
			if m.SubmittedAt == nil || !m.Declared {
				t.Errorf("%s has not declared and submitted", m.Name)
			}
			if m.Healthwatch {
				healthwatch++
			}
			conflicts += len(m.Conflicts)
		}
		if len(panel.Members) != 3 || healthwatch != 1 || conflicts != 1 || panel.QualityModeratedAt == nil {
			t.Fatalf("panel: %d members, %d Healthwatch, %d conflicts, moderated %v", len(panel.Members), healthwatch, conflicts, panel.QualityModeratedAt)
		}
		wide := false
		for _, q := range panel.Questions {
			mv, err := a.Eval.Moderation(lctx, lead, d.KentLot1, q.Question.ID)
			if err != nil {
				t.Fatalf("moderation of %s: %v", q.Question.Number, err)
			}
			for _, b := range mv.Bids {
				if b.Consensus == nil {
					t.Errorf("question %s has no consensus for %s", q.Question.Number, b.Name)
				}
				wide = wide || b.Wide
			}
		}
		if !wide {
			t.Error("no question of lot 1 shows a wide spread of individual scores")
		}
		first, av, r, c := awardedToFirstRanked(t, a, lctx, lead, d.KentLot1, 8)
		for _, ap := range av.Approvals[r.ID] {
			if ap.Decision != "approve" {
				t.Errorf("%s decided %s", ap.OrgID, ap.Decision)
			}
		}
		if r.RecommendedAt.After(time.Date(2018, 8, 1, 0, 0, 0, 0, london)) || r.StandstillEndsAt == nil || !r.StandstillEndsAt.Before(time.Date(2018, 9, 1, 0, 0, 0, 0, london)) {
			t.Errorf("recommended %v, standstill to %v: the seeds approve preferred bidders by August 2018", r.RecommendedAt, r.StandstillEndsAt)
		}
		if c.ProviderOrgID != first.Bidder || c.ProviderOrgID != org["Weald Ambulance Service NHS Trust"] || c.ContractReference != "KM-IUCS-2018-L1" ||
			day(c.StartDate) != "2019-04-01" || c.TermYears != 5 || c.ValuePence != first.PricePence || c.AwardedAt.Before(*r.StandstillEndsAt) {
			t.Fatalf("contract: %+v (first ranked %s at %d pence)", c, first.Bidder, first.PricePence)
		}
		if d.KentLot1Contract == nil || d.KentLot1Contract.LotID != c.LotID || d.KentLot1Contract.ContractReference != c.ContractReference {
			t.Errorf("Evaluations hands on %+v, the award shows %+v", d.KentLot1Contract, c)
		}
		hw, hctx := as("reviewer@healthwatch-kent.test")
		if _, err := a.Eval.Results(hctx, hw, d.KentLot1); !apperr.IsKind(err, apperr.Forbidden) {
			t.Errorf("Healthwatch reading lot 1's results: %v", err)
		}
	})

	t.Run("Kent and Medway lot 2 is scored by its whole panel, moderated and awarded to the first-ranked bid", func(t *testing.T) {
		lead, lctx := as("lead@medway-ccg.test")
		panel, err := a.Eval.Panel(lctx, lead, d.KentLot2)
		if err != nil {
			t.Fatal(err)
		}
		if len(panel.Members) != 3 || panel.QualityModeratedAt == nil {
			t.Fatalf("lot 2 panel: %d members, moderated %v", len(panel.Members), panel.QualityModeratedAt)
		}
		for _, m := range panel.Members {
			if !m.Declared || m.SubmittedAt == nil {
				t.Errorf("%s: declared %v, submitted %v", m.Name, m.Declared, m.SubmittedAt)
			}
		}
		for _, q := range panel.Questions {
			if !q.ModerationStarted || len(q.Awaiting) != 0 || q.Consensus != len(panel.Bidders) {
				t.Errorf("question %s: moderation started %v, awaiting %v, %d consensus marks for %d bidders",
					q.Question.Number, q.ModerationStarted, q.Awaiting, q.Consensus, len(panel.Bidders))
			}
		}
		first, _, r, c := awardedToFirstRanked(t, a, lctx, lead, d.KentLot2, 3)
		if r.StandstillEndsAt == nil || !r.StandstillEndsAt.Before(time.Date(2018, 9, 1, 0, 0, 0, 0, london)) {
			t.Errorf("standstill to %v: the seeds approve preferred bidders by August 2018", r.StandstillEndsAt)
		}
		if c.ProviderOrgID != first.Bidder || c.ContractReference != "KM-IUCS-2018-L2" || day(c.StartDate) != "2019-04-01" || c.TermYears != 5 ||
			c.ValuePence != first.PricePence || c.AwardedAt.Before(*r.StandstillEndsAt) {
			t.Fatalf("contract: %+v (first ranked %s at %d pence)", c, first.Bidder, first.PricePence)
		}
		hw, hctx := as("reviewer@healthwatch-kent.test")
		if _, err := a.Eval.Results(hctx, hw, d.KentLot2); !apperr.IsKind(err, apperr.Forbidden) {
			t.Errorf("Healthwatch reading lot 2's results: %v", err)
		}
	})

	t.Run("Luton and Bedfordshire is awarded for 60 months from 1 April 2017", func(t *testing.T) {
		lead, lctx := as("lead@bedfordshire-ccg.test")
		av, err := a.Award.Award(lctx, lead, d.Luton)
		if err != nil {
			t.Fatal(err)
		}
		c := av.Contract
		if c == nil || c.ProviderOrgID != org["North Downs GP Federation"] || day(c.StartDate) != "2017-04-01" || c.TermYears*12 != 60 ||
			c.AwardedAt.In(london).Year() != 2016 || c.ValuePence <= 0 {
			t.Fatalf("Luton and Bedfordshire contract: %+v", c)
		}
		r := av.Recommendations[len(av.Recommendations)-1]
		if r.State != award.Awarded || len(av.Approvals[r.ID]) != 2 {
			t.Fatalf("recommendation %s with %d approvals", r.State, len(av.Approvals[r.ID]))
		}
		if d.LutonContract == nil || d.LutonContract.ContractReference != c.ContractReference {
			t.Errorf("Evaluations hands on %+v", d.LutonContract)
		}
	})

	t.Run("an awarded procurement is listed as awarded and cannot be cancelled", func(t *testing.T) {
		lead, lctx := as("lead@bedfordshire-ccg.test")
		l, err := a.Lots.Store.Lot(lctx, d.Luton)
		if err != nil {
			t.Fatal(err)
		}
		list, err := a.Lots.Procurements(lctx, lead)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(list, func(p lots.ProcurementSummary) bool { return p.ID == l.ProcurementID })
		if i < 0 || !list[i].Awarded || list[i].State != lots.Opened {
			t.Fatalf("Luton and Bedfordshire in its lead's list: %+v", list)
		}
		for _, p := range list {
			if p.ID != l.ProcurementID && p.State != lots.Opened && p.Awarded {
				t.Errorf("%s is %s and yet listed as awarded", p.Reference, p.State)
			}
		}
		err = a.Lots.Cancel(lctx, lead, l.ProcurementID, "Changed our minds")
		if !apperr.IsKind(err, apperr.Conflict) || !strings.Contains(err.Error(), "can no longer be cancelled") {
			t.Fatalf("cancelling an awarded procurement: %v", err)
		}
		p, err := a.Lots.Store.Procurement(lctx, l.ProcurementID)
		if err != nil || p.State != lots.Opened {
			t.Fatalf("after the refused cancel: %s %v", p.State, err)
		}
	})
}

// awardedToFirstRanked reads a demo lot's results and award as its lead, and checks that its one
// recommendation went to the first of two ranked bidders, was approved by the given number of
// commissioners and led to a contract. It returns the first-ranked result, the award, its
// recommendation and the contract.
func awardedToFirstRanked(t *testing.T, a *App, ctx context.Context, lead *access.Actor, lotID string, approvals int) (
	evaluation.Result, award.View, award.Recommendation, *award.Contract) {
	t.Helper()
	res, err := a.Eval.Results(ctx, lead, lotID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Results, func(r evaluation.Result) bool { return r.Rank == 1 })
	if i < 0 || len(res.Results) != 2 {
		t.Fatalf("results: %+v", res.Results)
	}
	first := res.Results[i]
	av, err := a.Award.Award(ctx, lead, lotID)
	if err != nil {
		t.Fatal(err)
	}
	if av.Contract == nil || len(av.Recommendations) != 1 {
		t.Fatalf("av: %+v", av)
	}
	r := av.Recommendations[0]
	if r.State != award.Awarded || r.BidderOrgID != first.Bidder || len(av.Approvals[r.ID]) != approvals {
		t.Fatalf("recommendation %s of %s with %d approvals; first ranked %s", r.State, r.BidderOrgID, len(av.Approvals[r.ID]), first.Bidder)
	}
	return first, av, r, av.Contract
}
