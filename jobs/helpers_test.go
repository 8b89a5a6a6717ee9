package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"gorm.io/gorm"

	"golive/database"
	"golive/database/dbtest"
)

const testFrom = "golive <no-reply@golive.test>"

// env is one test's database, Redis, metrics and enqueuing client.
type env struct {
	db       *database.DB
	redisURL string
	client   *Client
	counted  *jobCount
	log      *slog.Logger
}

// jobCount is the worker's JobCounter in these tests: what cmd/golive counts in
// golive_jobs_total, kept in a map.
type jobCount struct {
	mu sync.Mutex
	n  map[[2]string]int
}

func (c *jobCount) CountJob(taskType, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[[2]string]int{}
	}
	c.n[[2]string{taskType, outcome}]++
}

// newEnv lets its test run in parallel with the others: each has its own database and its own
// Redis (a miniredis, or a logical database of the real Redis that dbtest.RedisURL leases to
// the test until it ends), and most of a test's time is asynq polling, which overlaps well.
func newEnv(t *testing.T) *env {
	t.Helper()
	t.Parallel()
	e := &env{db: dbtest.Open(t), redisURL: dbtest.RedisURL(t), counted: &jobCount{},
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if testing.Verbose() {
		e.log = slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := NewClient(e.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	e.client = c
	return e
}

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// worker starts a worker sending through m, shut down when the test ends.
func (e *env) worker(t *testing.T, m Mailer) *Worker {
	t.Helper()
	w, err := NewWorker(WorkerConfig{DB: e.db, RedisURL: e.redisURL, Mailer: m, Jobs: e.counted, Logger: e.log, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	return w
}

// mailJobs gives the handlers without a worker, to run them directly.
func (e *env) mailJobs(m Mailer) *mailJobs {
	return &mailJobs{db: e.db, mailer: m, client: e.client, log: e.log}
}

// queue writes m in a committed transaction and enqueues it, as a service does.
func (e *env) queue(t *testing.T, m Mail) string {
	t.Helper()
	ctx := context.Background()
	var id string
	err := e.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		id, err = QueueMail(ctx, tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.EnqueueMail(ctx, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *env) row(t *testing.T, id string) MailRow {
	t.Helper()
	r, err := getMail(context.Background(), e.db.Gorm, id)
	if err != nil {
		t.Fatal(err)
	}
	if r == nil {
		t.Fatalf("mail %s is not in the database", id)
	}
	return *r
}

func (e *env) waitForStatus(t *testing.T, id, status string) MailRow {
	t.Helper()
	var r MailRow
	eventually(t, "mail "+id+" to be "+status, func() bool {
		r = e.row(t, id)
		return r.Status == status
	})
	return r
}

// jobs is how many jobs of type typ ended with outcome.
func (e *env) jobs(t *testing.T, typ, outcome string) int {
	t.Helper()
	e.counted.mu.Lock()
	defer e.counted.mu.Unlock()
	return e.counted.n[[2]string{typ, outcome}]
}

// eventually polls cond until it holds, failing the test at a generous deadline: asynq picks up
// work within a second or two, and a slow CI machine must not turn that into a failure.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smtpServer is a real SMTP server in this process.
func smtpServer(t *testing.T, cfg smtpmock.ConfigurationAttr) *smtpmock.Server {
	t.Helper()
	cfg.HostAddress = "127.0.0.1"
	// go-mail ends each conversation with RSET, and without this the mock forgets the message
	// on RSET.
	cfg.MultipleMessageReceiving = true
	s := smtpmock.New(cfg)
	if err := s.Start(); err != nil {
		t.Fatalf("start SMTP server: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

func smtpMailer(t *testing.T, s *smtpmock.Server) Mailer {
	t.Helper()
	m, err := NewMailer(fmt.Sprintf("smtp://127.0.0.1:%d", s.PortNumber()), testFrom)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// received is the messages the server accepted (sessions that got as far as the message body).
func received(s *smtpmock.Server) []smtpmock.Message {
	var out []smtpmock.Message
	for _, m := range s.Messages() {
		if m.Msg() {
			out = append(out, m)
		}
	}
	return out
}

func recipients(m smtpmock.Message) []string {
	var out []string
	for _, rr := range m.RcpttoRequestResponse() {
		out = append(out, rr[0])
	}
	return out
}

// switchMailer sends through whichever real mailer the test has switched to: a mail server
// that is down, and then back.
type switchMailer struct{ cur atomic.Value }

func (s *switchMailer) set(m Mailer) { s.cur.Store(&m) }
func (s *switchMailer) Send(ctx context.Context, m Message) (string, error) {
	return (*s.cur.Load().(*Mailer)).Send(ctx, m)
}

func inspector(t *testing.T, redisURL string) *asynq.Inspector {
	t.Helper()
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	i := asynq.NewInspector(opt)
	t.Cleanup(func() { i.Close() })
	return i
}

// enqueueAgain queues a second send task for a message whose first has run. The first task keeps
// its id until asynq has moved it out of the active set, which on a busy machine can come after
// the row reads sent: EnqueueMail would then take the second task for a duplicate and queue
// nothing, and a test waiting for a second job would wait for one never queued. So it enqueues
// until the queue takes the task.
func (e *env) enqueueAgain(t *testing.T, id string) {
	t.Helper()
	eventually(t, "a second send task to be queued", func() bool {
		_, err := e.client.Enqueue(context.Background(), mailSendTask(id), mailSendOptions(id)...)
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			t.Fatal(err)
		}
		return err == nil
	})
}
