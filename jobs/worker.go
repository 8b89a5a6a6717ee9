package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"golive/database"
	"golive/ukclock"
)

// JobCounter counts each job the worker has run by its task type and outcome ("ok" or "error").
// golive's is the Prometheus series golive_jobs_total (web.Metrics), given by cmd/golive: the
// worker itself knows nothing of HTTP or of how the count is served.
type JobCounter interface {
	CountJob(taskType, outcome string)
}

// WorkerConfig is what a worker needs. Jobs and Logger may be nil.
type WorkerConfig struct {
	DB          *database.DB
	RedisURL    string
	Mailer      Mailer
	Jobs        JobCounter
	Logger      *slog.Logger
	Concurrency int // jobs at once; 10 when zero
}

// Worker runs jobs (asynq server) and periodic tasks (asynq scheduler) in this process.
//
// Several workers may run against one Redis (more replicas, or a web process and a worker
// process). Each one's scheduler then enqueues every periodic task, so "mail:sweep" runs once per
// worker per minute. That is harmless by design rather than prevented: a sweep only enqueues
// "mail:send" tasks under ids Redis refuses to duplicate, and a send claims its row in the
// database before sending. A periodic task added with Schedule must be as safe to run twice.
type Worker struct {
	log    *slog.Logger
	srv    *asynq.Server
	sched  *asynq.Scheduler
	mux    *asynq.ServeMux
	rdb    redis.UniversalClient
	client *Client
	mail   *mailJobs

	mu      sync.Mutex
	started bool
	stopped bool
}

// NewWorker builds a worker with the mail handlers and the mail sweep registered; call Handle and
// Schedule for other features' tasks, then Start.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.DB == nil {
		return nil, errors.New("new worker: no database")
	}
	if cfg.Mailer == nil {
		return nil, errors.New("new worker: no mailer (use NewMailer)")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 10
	}
	opt, err := asynq.ParseRedisURI(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("new worker: redis URL %s: %w", redactURL(cfg.RedisURL), err)
	}
	rdb, err := redisClient(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("new worker: %w", err)
	}
	log := cfg.Logger.With("component", "jobs")
	w := &Worker{
		log:    log,
		rdb:    rdb,
		client: &Client{rdb: rdb, aq: asynq.NewClientFromRedisClient(rdb)},
		mux:    asynq.NewServeMux(),
	}
	w.srv = asynq.NewServer(opt, asynq.Config{
		Concurrency: cfg.Concurrency,
		Logger:      asynqLogger{log},
		LogLevel:    asynq.WarnLevel,
		// Long enough for an SMTP conversation in progress to finish; a job still running after
		// it is cancelled and goes back to Redis, to be run again (and claimed again) later.
		ShutdownTimeout: 30 * time.Second,
		// How long an idle worker waits before it looks for tasks again (asynq's default is a
		// second): work that comes as a chain of tasks (a batch of reminders, then its mail) would
		// otherwise wait up to a second at each step. Ten looks a second at Redis while idle.
		TaskCheckInterval: 100 * time.Millisecond,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			id, _ := asynq.GetTaskID(ctx)
			n, _ := asynq.GetRetryCount(ctx)
			log.Warn("job failed", "type", t.Type(), "task_id", id, "retry", n, "err", err)
		}),
	})
	w.sched = asynq.NewScheduler(opt, &asynq.SchedulerOpts{
		Logger:   asynqLogger{log},
		LogLevel: asynq.WarnLevel,
		// Cron specs are read as people in England mean them ("9am" stays 9am across BST).
		Location: ukclock.London,
		PostEnqueueFunc: func(info *asynq.TaskInfo, err error) {
			if err != nil {
				log.Error("scheduler could not enqueue a periodic task", "err", err)
			}
		},
	})
	w.mux.Use(unattended, countJobs(cfg.Jobs))

	mj := &mailJobs{db: cfg.DB, mailer: cfg.Mailer, client: w.client, log: log}
	w.mail = mj
	w.Handle(TypeMailSend, mj.send)
	w.Handle(TypeMailBatch, mj.sendBatch)
	w.Handle(TypeMailSweep, mj.sweep)
	// Every minute: a message waits at most about two minutes after its task was lost.
	// No retry: the next minute's sweep is the retry.
	if err := w.Schedule("* * * * *", asynq.NewTask(TypeMailSweep, nil), asynq.MaxRetry(0), asynq.Timeout(50*time.Second)); err != nil {
		return nil, err
	}
	return w, nil
}

// Handle registers the handler for a task type (or a prefix such as "lots:"); call before Start.
func (w *Worker) Handle(pattern string, h asynq.HandlerFunc) {
	w.mux.Handle(pattern, h)
}

// Schedule enqueues task on cronspec (five-field cron in Europe/London, or "@every 1h").
func (w *Worker) Schedule(cronspec string, task *asynq.Task, opts ...asynq.Option) error {
	if _, err := w.sched.Register(cronspec, task, opts...); err != nil {
		return fmt.Errorf("schedule %s on %q: %w", task.Type(), cronspec, err)
	}
	return nil
}

// SendMails sends the queued messages ids now, from the caller's job, as a mail:send-batch task
// would (the same claim in one statement, one connection to the server): for a job that has just
// committed a batch of mail, this saves a trip through Redis and the wait for a free worker. What
// it could not send (the server refused it, or ctx ended) is enqueued as a mail:send-batch task,
// for asynq's retries; the error is that enqueue's (then the sweep sends it).
func (w *Worker) SendMails(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := w.mail.sendIDs(ctx, ids, false); err != nil {
		w.log.Warn("mail batch not all sent; enqueued for retry", "mails", len(ids), "err", err)
		// Enqueued even if ctx has ended: the task's claim passes over what was sent.
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return w.client.EnqueueMails(ectx, ids)
	}
	return nil
}

// Client is the worker's own enqueuing client, for handlers that enqueue further tasks.
func (w *Worker) Client() *Client { return w.client }

// Start starts processing jobs and the scheduler, and returns: it does not block.
func (w *Worker) Start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("start worker: already started")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("start worker: redis: %w", err)
	}
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	if err := w.sched.Start(); err != nil {
		w.srv.Shutdown()
		return fmt.Errorf("start scheduler: %w", err)
	}
	w.started = true
	return nil
}

// Shutdown stops the scheduler, lets jobs in progress finish (up to 30 s) and closes the
// connections. It is safe to call more than once, and without Start.
func (w *Worker) Shutdown() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	w.stopped = true
	if w.started {
		w.sched.Shutdown()
		w.srv.Shutdown()
	}
	if err := w.rdb.Close(); err != nil {
		w.log.Warn("close redis", "err", err)
	}
}

// countJobs counts every processed job by type and outcome.
// unattended runs every job in a database.Unattended context: a job's statements are the
// process's own work, not a request's.
func unattended(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		return next.ProcessTask(database.Unattended(ctx, "job "+t.Type()), t)
	})
}

func countJobs(m JobCounter) asynq.MiddlewareFunc {
	return func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) (err error) {
			if m == nil {
				return next.ProcessTask(ctx, t)
			}
			ok := false
			// Deferred so a panicking job (asynq recovers it) is counted as an error too.
			defer func() {
				outcome := "error"
				if ok {
					outcome = "ok"
				}
				m.CountJob(t.Type(), outcome)
			}()
			err = next.ProcessTask(ctx, t)
			ok = err == nil
			return err
		})
	}
}

// asynqLogger sends asynq's own messages to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }

// Fatal logs only: asynq itself never calls it, and a library must not end golive's process.
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
