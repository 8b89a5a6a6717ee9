package main

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"golive/database"
	"golive/evaluation"
	"golive/lots"
	"golive/tenants/access"
)

// matrixProc is one procurement the authorisation matrix calls routes on. On the opened one,
// the evaluation routes use its lot's panel: an evaluator (user) on a question, a bidder, and a
// representation id nobody made (the empty body is refused before it is looked up).
type matrixProc struct {
	id, lot, doc, clarification, attachment, apiAttachment string
	question, user, bidder, rep                            string
}

// matrixProcurements makes three procurements led by Medway with Swale taking part, through the
// service: a draft (with a lot and a document), one published now (with a clarification), and
// one run through to opening on a clock in the past.
func matrixProcurements(t *testing.T, s *server) map[string]matrixProc {
	t.Helper()
	out := map[string]matrixProc{}
	now := s.App.Cfg.Now()
	svc := s.App.Lots
	orgs := map[string]string{}
	var rows []struct{ ID, Name string }
	s.App.DB.Gorm.Raw("SELECT id, name FROM organisations").Scan(&rows)
	for _, r := range rows {
		orgs[r.Name] = r.ID
	}
	as := func(email string) (*access.Actor, context.Context) {
		a, err := s.App.Tenants.ActorByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		return a, database.WithTenant(context.Background(), a.OrgID)
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	parts := []string{orgs["NHS Medway CCG"], orgs["NHS Swale CCG"]}
	input := func(ref string, at time.Time) lots.ProcurementInput {
		return lots.ProcurementInput{Title: "Matrix " + ref, Reference: ref, Regime: lots.PSR2024, Procedure: "Competitive process",
			TermYears: 2, EstimatedValuePence: 1_000_000_00, Participants: parts,
			ClarificationDeadline: at.AddDate(0, 0, 20), SubmissionDeadline: at.AddDate(0, 0, 30), EvaluationStart: at.AddDate(0, 0, 31),
			AwardDate: at.AddDate(0, 0, 60), ContractStart: at.AddDate(0, 0, 200)}
	}
	// build runs one procurement as far as it should go, on the given service (and its clock).
	build := func(svc *lots.Service, ref string, at time.Time, publish bool) (matrixProc, lots.Procurement) {
		lead, lctx := as("lead@medway-ccg.test")
		p, err := svc.CreateProcurement(lctx, lead, input(ref, at))
		check(err)
		l, err := svc.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "UTC", ServiceTypes: []string{"utc"}, Participants: parts})
		check(err)
		d, err := svc.UploadDocument(lctx, lead, p.ID, "specification", "spec.txt", []byte("The specification.\n"))
		check(err)
		mp := matrixProc{id: p.ID, lot: l.ID, doc: d.ID}
		if !publish {
			return mp, p
		}
		check(svc.ApplyTemplate(lctx, lead, l.ID, "psr"))
		check(svc.SubmitForApproval(lctx, lead, p.ID))
		for _, email := range []string{"approver@medway-ccg.test", "approver@swale-ccg.test"} {
			a, actx := as(email)
			check(svc.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: svc.Now().Add(-time.Hour), MinuteRef: "GB/M", Part2: true}))
		}
		check(svc.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}))
		bidder, bctx := as("bids@weald-ambulance.test")
		check(svc.RegisterInterest(bctx, bidder, p.ID))
		c, err := svc.AskClarification(bctx, bidder, p.ID, lots.ClarificationInput{Question: "Is TUPE expected to apply?"})
		check(err)
		mp.clarification = c.ID
		att, err := svc.AddAttachment(bctx, bidder, l.ID, "cqc.txt", []byte("Our CQC registration.\n"))
		check(err)
		mp.attachment = att.ID
		att, err = svc.AddAttachment(bctx, bidder, l.ID, "dspt.txt", []byte("Our DSP Toolkit assessment.\n"))
		check(err)
		mp.apiAttachment = att.ID
		return mp, p
	}

	out["draft"], _ = build(svc, "MX-DRAFT", now, false)
	out["published"], _ = build(svc, "MX-PUB", now, true)

	// The opened one runs on a clock of its own, a year ago, to its deadline and a two-person opening.
	clock := now.AddDate(-1, 0, 0)
	past := *svc
	past.Now = func() time.Time { return clock }
	opened, p := build(&past, "MX-OPEN", clock, true)
	bidder, bctx := as("bids@weald-ambulance.test")
	qs, err := past.Store.Questions(bctx, opened.lot)
	check(err)
	in := lots.DraftInput{Prices: []lots.PriceYear{{Year: 1, Pence: 500_000_00}, {Year: 2, Pence: 510_000_00}}}
	for _, q := range qs {
		if q.Kind != lots.Price {
			in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: "Our answer."})
		}
	}
	_, err = past.SaveDraft(bctx, bidder, opened.lot, in)
	check(err)
	_, err = past.Submit(bctx, bidder, opened.lot)
	check(err)
	clock = p.SubmissionDeadline.Add(time.Hour)
	lead, lctx := as("lead@medway-ccg.test")
	check(past.StartOpening(lctx, lead, p.ID))
	admin, actx := as("admin@medway-ccg.test")
	check(past.ConfirmOpening(actx, admin, p.ID))

	// Its panel: the Medway evaluator on the first quality question. Healthwatch is not on it,
	// so finds the lot no more than another tenant does.
	clock = clock.Add(time.Hour)
	eval := *s.App.Eval
	eval.Lots, eval.Now = &past, past.Now
	evaluator, _ := as("evaluator@medway-ccg.test")
	for _, q := range qs {
		if q.Kind != lots.Price && opened.question == "" {
			opened.question = q.ID
		}
	}
	_, err = eval.AddEvaluator(lctx, lead, opened.lot, evaluation.EvaluatorInput{UserID: evaluator.UserID, Questions: []string{opened.question}})
	check(err)
	opened.user, opened.bidder, opened.rep = evaluator.UserID, bidder.OrgID, uuid.Must(uuid.NewV7()).String()
	out["opened"] = opened
	return out
}
