package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"golive/database"
)

// Every job runs in a database.Unattended context naming its task type: what a job runs is the
// process's own work, which the count of a request's statements leaves out.
func TestAJobRunsUnattended(t *testing.T) {
	e := newEnv(t)
	w, err := NewWorker(WorkerConfig{DB: e.db, RedisURL: e.redisURL, Mailer: OutboxMailer{}, Jobs: e.counted, Logger: e.log, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 1)
	w.Handle("test:unattended", func(ctx context.Context, _ *asynq.Task) error {
		what, ok := database.UnattendedFrom(ctx)
		if !ok {
			what = "(not unattended)"
		}
		seen <- what
		return nil
	})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	if _, err := e.client.Enqueue(context.Background(), asynq.NewTask("test:unattended", nil)); err != nil {
		t.Fatal(err)
	}
	select {
	case what := <-seen:
		if what != "job test:unattended" {
			t.Fatalf("the job's context says %q, want %q", what, "job test:unattended")
		}
	case <-time.After(time.Minute): // a generous bound, not a timing: the job never running is the failure
		t.Fatal("the job did not run within a minute")
	}
}
