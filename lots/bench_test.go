package lots_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golive/lots/lotstest"
	"golive/tenants/access"

	"golive/database"
	"golive/lots"
)

// BenchmarkSubmitAndOpen: 50 bidders each save and submit a 60-answer response (about 150
// words an answer, sealed with AES-256-GCM), the deadline passes, two people open, and the lead
// reads every response. One op is the whole round; the per-phase figures are reported too.
//
//	GOLIVE_TEST_DATABASE_URL=postgres://root@127.0.0.1:5432/test?sslmode=disable \
//	GOLIVE_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run xxx -bench SubmitAndOpen -benchtime 3x ./lots/
func BenchmarkSubmitAndOpen(b *testing.B) {
	const bidders, questions = 50, 60
	f := newFixture(b)
	ctx := context.Background()
	now := time.Now().UTC()
	var providers []*access.Actor
	for i := 0; i < bidders; i++ {
		org, user := fmt.Sprintf("bench-org-%02d", i), fmt.Sprintf("bench-user-%02d", i)
		lotstest.OK(b, f.db.Gorm.Exec("INSERT INTO organisations (id, name, kind, created_at) VALUES (?, ?, 'provider', ?)", org, "Bench provider "+org, now).Error)
		lotstest.OK(b, f.db.Gorm.Exec("INSERT INTO users (id, org_id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			user, org, user+"@bench.test", "Bidder "+user, now, now).Error)
		providers = append(providers, &access.Actor{UserID: user, OrgID: org, OrgName: "Bench provider " + org, Email: user + "@bench.test", Roles: []access.Role{access.RoleBidder}})
	}
	answer := strings.TrimSpace(strings.Repeat("We will staff the service with an integrated clinical team and report weekly. ", 12))
	lead, lctx := f.as("lead@medway-ccg.test")
	admin, actx := f.as("admin@medway-ccg.test")
	parts := []string{f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]}
	var submit, open time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		f.now = time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)
		p := lotstest.Must[lots.Procurement](b)(f.svc.CreateProcurement(lctx, lead, lots.ProcurementInput{
			Title: "Bench", Reference: fmt.Sprintf("BENCH-%d", n), Regime: lots.PA2023, Procedure: "Open", TermYears: 5, Participants: parts,
			ClarificationDeadline: f.now.AddDate(0, 0, 20), SubmissionDeadline: f.now.AddDate(0, 0, 30), EvaluationStart: f.now.AddDate(0, 0, 31),
			AwardDate: f.now.AddDate(0, 0, 60), ContractStart: f.now.AddDate(0, 0, 200)}))
		l := lotstest.Must[lots.Lot](b)(f.svc.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "L", ServiceTypes: []string{"nhs111"}, Participants: parts}))
		for q := 1; q < questions; q++ {
			lotstest.Must[lots.Question](b)(f.svc.AddQuestion(lctx, lead, l.ID, lots.QuestionInput{Section: fmt.Sprintf("Section %d", q/10+1), Number: fmt.Sprint(q),
				Text: "Question", Kind: lots.Scored, WeightBP: 160, MaxScore: 4, WordLimit: 500, Panel: lots.Clinical}))
		}
		lotstest.Must[lots.Question](b)(f.svc.AddQuestion(lctx, lead, l.ID, lots.QuestionInput{Section: "Price", Number: "P", Text: "Price", Kind: lots.Price, WeightBP: 10000 - 160*(questions-1), Panel: lots.Finance}))
		lotstest.OK(b, f.svc.SubmitForApproval(lctx, lead, p.ID))
		for _, ap := range []string{"approver@medway-ccg.test", "approver@swale-ccg.test"} {
			a, c := f.as(ap)
			lotstest.OK(b, f.svc.Decide(c, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: f.now, MinuteRef: "GB"}))
		}
		lotstest.OK(b, f.svc.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}))
		qs := lotstest.Must[[]lots.Question](b)(f.svc.Store.Questions(lctx, l.ID))
		in := lots.DraftInput{}
		for _, q := range qs {
			if q.Kind != lots.Price {
				in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: answer})
			}
		}
		for y := 1; y <= 5; y++ {
			in.Prices = append(in.Prices, lots.PriceYear{Year: y, Pence: int64(y) * 1_000_000_00})
		}
		for _, a := range providers {
			lotstest.OK(b, f.svc.RegisterInterest(database.WithTenant(ctx, a.OrgID), a, p.ID))
		}
		b.StartTimer()

		start := time.Now()
		for _, a := range providers {
			bctx := database.WithTenant(ctx, a.OrgID)
			lotstest.Must[lots.Submission](b)(f.svc.SaveDraft(bctx, a, l.ID, in))
			lotstest.Must[lots.Receipt](b)(f.svc.Submit(bctx, a, l.ID))
		}
		submit += time.Since(start)

		f.now = p.SubmissionDeadline.Add(time.Minute)
		start = time.Now()
		lotstest.OK(b, f.svc.StartOpening(lctx, lead, p.ID))
		lotstest.OK(b, f.svc.ConfirmOpening(actx, admin, p.ID))
		resps := lotstest.Must[[]lots.ResponseView](b)(f.svc.Responses(lctx, lead, p.ID, l.ID))
		open += time.Since(start)
		if len(resps) != bidders || len(resps[0].Answers) != questions-1 {
			b.Fatalf("%d responses of %d answers", len(resps), len(resps[0].Answers))
		}
	}
	b.ReportMetric(float64(submit.Milliseconds())/float64(b.N*bidders), "ms/submission")
	b.ReportMetric(float64(open.Milliseconds())/float64(b.N), "ms/open-and-read-50")
}
