package evaluation_test

import (
	"context"
	"syscall"
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
// TestWrkModerationMatrix in cmd/golive, and BenchmarkModerationMatrixAPI there is the same
// reads through the server. cpu-µs/op is this process's CPU time per read (garbage collection
// included; not PostgreSQL's): on a busy machine ns/op also counts waiting.
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
		b.ReportAllocs()
		cpu0 := cpuTime()
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
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	})
	b.Run("Results of the lot", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			v, err := svc.Results(ctx, lead, m.Lot.ID)
			if err != nil {
				b.Fatal(err)
			}
			if len(v.Results) != evaltest.Issue5.Bidders {
				b.Fatalf("%d results", len(v.Results))
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	})
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
