package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"
)

func TestZZDemoPhases(t *testing.T) {
	if os.Getenv("ZZ_DEMOTIME") == "" {
		t.Skip()
	}
	for i := 0; i < 5; i++ {
		cfg := testConfig(t, nil)
		ctx := context.Background()
		a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		a.Tenants.LoadDemo(ctx)
		orgs, _ := a.Tenants.Store.Orgs(ctx)
		ids := map[string]string{}
		for _, o := range orgs {
			ids[o.Name] = o.ID
		}
		t1 := time.Now()
		if _, err := a.Lots.LoadDemo(ctx, a.Tenants.ActorByEmail, ids); err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		if _, err := a.Eval.LoadDemo(ctx, a.Tenants.ActorByEmail); err != nil {
			t.Fatal(err)
		}
		t3 := time.Now()
		t.Logf("tenants %s, lots %s, evaluation %s", t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), t3.Sub(t2).Round(time.Millisecond))
		a.Close()
	}
}
