package jobs

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golive/database/dbtest"
)

func TestTheEmbeddedRedisRunsJobsAndStops(t *testing.T) {
	t.Parallel()
	url, stop, err := StartEmbeddedRedis()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(url, "redis://127.0.0.1:") {
		t.Errorf("embedded redis URL = %q, want 127.0.0.1", url)
	}
	e := &env{db: dbtest.Open(t), redisURL: url, counted: &jobCount{}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c, err := NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	e.client = c
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("Ping = %v", err)
	}
	w := e.worker(t, OutboxMailer{})
	id := e.queue(t, Mail{To: "a@example.nhs.uk", Subject: "Embedded", Text: "x"})
	e.waitForStatus(t, id, StatusSent)

	w.Shutdown()
	stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err == nil {
		t.Error("Ping after stop succeeded, want an error for /readyz")
	}
}
