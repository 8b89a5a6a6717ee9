package main

import (
	"context"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"golive/database"
	demodata "golive/demo"
	"golive/tenants"
)

// BenchmarkMeAPI is one authenticated GET /api/v1/me with an API token, the request whose rate
// issue 17 compares with pgbench replaying its SQL: the CPU golive spends on it around the
// database's own work. The app is built as `golive serve` builds it, with the binary's logger
// at the level make bench runs it with (error), and no worker.
//
//   - handler: the Fiber handler called with a request already read, as fasthttp's server calls
//     it: everything golive does per request, without the socket;
//
//   - http: the same over a loopback connection with a keep-alive fasthttp client, which adds
//     the parsing, the writing and the system calls (and the client's own CPU).
//
//     go test -run '^$' -bench BenchmarkMeAPI -benchmem ./cmd/golive/
func BenchmarkMeAPI(b *testing.B) {
	cfg := testConfig(b, nil)
	ctx := context.Background()
	a, err := newApp(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	if _, _, err := demodata.LoadPeople(ctx, a.Tenants); err != nil {
		b.Fatal(err)
	}
	cookie, err := a.Tenants.SignIn(ctx, tenants.SignInInput{Email: "lead@medway-ccg.test", Password: demodata.Password}, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	id, err := a.Tenants.SessionIdentity(ctx, cookie)
	if err != nil {
		b.Fatal(err)
	}
	actor := a.Tenants.Actor(id)
	token, _, err := a.Tenants.CreateToken(database.WithTenant(ctx, actor.OrgID), actor, tenants.TokenInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	check := func(status int, body []byte) {
		if status != fasthttp.StatusOK || !strings.Contains(string(body), `"email":"lead@medway-ccg.test"`) {
			b.Fatalf("GET /api/v1/me: %d %s", status, body)
		}
	}

	b.Run("handler", func(b *testing.B) {
		var req fasthttp.Request
		req.SetRequestURI("http://golive.test/api/v1/me")
		req.Header.Set("Authorization", "Bearer "+token)
		handler := a.Fiber.Handler()
		addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}
		var fctx fasthttp.RequestCtx
		fctx.Init(&req, addr, nil)
		handler(&fctx)
		check(fctx.Response.StatusCode(), fctx.Response.Body())
		b.ReportAllocs()
		cpu := processCPU(b)
		b.ResetTimer()
		for range b.N {
			// as the server does between requests: Fiber keeps the request's context there
			fctx.ResetUserValues()
			fctx.Init(&req, addr, nil)
			handler(&fctx)
		}
		b.StopTimer()
		cpu()
		check(fctx.Response.StatusCode(), fctx.Response.Body())
	})

	b.Run("http", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go a.Fiber.Listener(ln)
		b.Cleanup(func() { _ = a.Fiber.ShutdownWithTimeout(5 * time.Second) })
		client := &fasthttp.HostClient{Addr: ln.Addr().String(), MaxConns: 1}
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI("http://" + ln.Addr().String() + "/api/v1/me")
		req.Header.Set("Authorization", "Bearer "+token)
		do := func() {
			if err := client.Do(req, resp); err != nil {
				b.Fatal(err)
			}
		}
		do()
		check(resp.StatusCode(), resp.Body())
		b.ReportAllocs()
		cpu := processCPU(b)
		b.ResetTimer()
		for range b.N {
			do()
		}
		b.StopTimer()
		cpu()
		check(resp.StatusCode(), resp.Body())
	})
}

// processCPU starts counting this process's CPU time (user and system, every thread); the func
// it returns reports it per iteration as cpu-ns/op.
func processCPU(b *testing.B) func() {
	start := rusageCPU(b)
	return func() {
		b.ReportMetric(float64((rusageCPU(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func rusageCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
