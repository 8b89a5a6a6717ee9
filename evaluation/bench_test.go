package evaluation_test

import (
	"context"
	"testing"
	"time"

	"golive/evaluation"
	"golive/evaluation/evaltest"
	"golive/lots/lotstest"
)

// BenchmarkModerationMatrix: the moderation matrix of issue 5 — 8 bidders, 60 questions, 6
// evaluators (2,880 individual marks, 480 consensus marks), built once through the services —
// and the lead's two hot reads on it: the side-by-side marks of one question under moderation
// (rotating over the questions), and the lot's results (every consensus mark, the eight price
// envelopes opened, weighted and ranked).
//
//	GOLIVE_TEST_DATABASE_URL=postgres://root@127.0.0.1:5432/test?sslmode=disable \
//	GOLIVE_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run xxx -bench ModerationMatrix ./evaluation/
//
// Without the variables it runs on SQLite. The HTTP figures (wrk against the API) come from
// TestWrkModerationMatrix in cmd/golive.
func BenchmarkModerationMatrix(b *testing.B) {
	env := lotstest.New(b, time.Now)
	svc := &evaluation.Service{Store: evaluation.NewStore(env.DB), Lots: env.Lots, Now: time.Now}
	start := time.Now()
	m, err := evaltest.Build(context.Background(), evaltest.Services{DB: env.DB, Tenants: env.Tenants, Lots: env.Lots, Eval: svc}, evaltest.Issue5, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("matrix built through the services in %s", time.Since(start).Round(time.Millisecond))
	lead, ctx := env.As(b, m.LeadEmail)

	b.Run("Moderation of one question", func(b *testing.B) {
		i := 0
		for b.Loop() {
			q := m.Questions[i%len(m.Questions)]
			v, err := svc.Moderation(ctx, lead, m.Lot.ID, q.ID)
			if err != nil {
				b.Fatal(err)
			}
			if len(v.Bids) != evaltest.Issue5.Bidders || len(v.Bids[0].Marks) != evaltest.Issue5.Evaluators {
				b.Fatalf("moderation of %s: %d bids, %d marks", q.Number, len(v.Bids), len(v.Bids[0].Marks))
			}
			i++
		}
	})
	b.Run("Results of the lot", func(b *testing.B) {
		for b.Loop() {
			v, err := svc.Results(ctx, lead, m.Lot.ID)
			if err != nil {
				b.Fatal(err)
			}
			if len(v.Results) != evaltest.Issue5.Bidders {
				b.Fatalf("%d results", len(v.Results))
			}
		}
	})
}
