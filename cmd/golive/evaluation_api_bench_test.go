package main

import (
	"context"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"golive/evaluation/evaltest"
)

// BenchmarkModerationMatrixAPI is BenchmarkModerationMatrix (evaluation) through the whole
// server: the lead's two hot reads as GET requests with an API token over loopback HTTP, so
// that authentication, the handler and the JSON encoding are counted as well as the service.
// One client, one request at a time. cpu-µs/op is this process's CPU time per request (server
// and client, garbage collection included; not PostgreSQL's): what decides how many requests
// the machine's cores can serve, where ns/op on a busy machine also counts waiting.
//
//	go test -run xxx -bench ModerationMatrixAPI -benchmem ./cmd/golive/
//
// With GOLIVE_TEST_DATABASE_URL (and GOLIVE_TEST_REDIS_URL) it runs on PostgreSQL.
func BenchmarkModerationMatrixAPI(b *testing.B) {
	s := startServer(b, nil)
	a := s.App
	m, err := evaltest.Build(context.Background(), evaltest.Services{DB: a.DB, Tenants: a.Tenants, Lots: a.Lots, Eval: a.Eval}, evaltest.Issue5, "bench")
	if err != nil {
		b.Fatal(err)
	}
	token := s.apiToken(b, m.LeadEmail)
	base := s.URL + "/api/v1/evaluations/lots/" + m.Lot.ID
	client := &http.Client{}
	get := func(b *testing.B, u string) {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatalf("GET %s: %v", u, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", u, resp.StatusCode)
		}
	}

	b.Run("Moderation of one question", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		i := 0
		for b.Loop() {
			get(b, base+"/questions/"+m.Questions[i%len(m.Questions)].ID+"/moderation")
			i++
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	})
	b.Run("Results of the lot", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			get(b, base+"/results")
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
