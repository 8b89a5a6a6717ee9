package mobilisation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"golive/database"
	"golive/database/dbtest"
	"golive/jobs"
)

// Benchmarks of the reminders (issue 6, "must show" 4).
//
//	GOLIVE_TEST_DATABASE_URL='postgres://root@127.0.0.1:5432/test?sslmode=disable' \
//	GOLIVE_TEST_REDIS_URL='redis://127.0.0.1:6379/0' \
//	go test -run '^$' -bench 'ReminderScan|RemindersDelivered' -benchtime 5x -timeout 30m -v ./mobilisation/

// nopQueue takes tasks and forgets them: the scan's database work, measured alone.
type nopQueue struct{ n atomic.Int64 }

func (q *nopQueue) Enqueue(context.Context, *asynq.Task, ...asynq.Option) (*asynq.TaskInfo, error) {
	q.n.Add(1)
	return &asynq.TaskInfo{}, nil
}
func (q *nopQueue) EnqueueMail(context.Context, string) error    { return nil }
func (q *nopQueue) EnqueueMails(context.Context, []string) error { return nil }

// The million: 10,000 plans (contracts) of 3 phases, 100 milestones each, their go-lives spread
// over 2016–2021, each milestone due between 180 days before and 30 after its phase's go-live.
// On Tuesday 19 March 2019 at 09:00:30 (GMT) what is past is done but for about 8,000 milestones
// overdue by up to 90 days; of what is ahead some is in progress or done early. The reminders
// table holds what such a history leaves: the sent due reminders of the past, the scheduled ones
// of the future (14, 7 and 1 days before), a sent overdue reminder per person and day overdue and the
// escalations of the days before. About 1%
// of the milestones have a reminder due now: today's due reminders (pre-written, not yet sent),
// and today's overdue reminders and escalations (the scan writes them).
const (
	benchPlans          = 10_000
	benchPhasesPerPlan  = 3
	benchPerPhase       = 34 // 102 a plan: 1,020,000 milestones
	benchOverdueWindow  = 90
	benchOpenPastChance = 0.2 // of milestones due in the last 90 days: about 8,000 overdue
)

var benchNow = uk("2019-03-19 09:00").Add(30 * time.Second)

func BenchmarkReminderScanMillionMilestones(b *testing.B) {
	if !dbtest.Postgres() {
		b.Skip("needs PostgreSQL: set GOLIVE_TEST_DATABASE_URL (the million-milestone scan is a PostgreSQL benchmark)")
	}
	db := dbtest.Open(b)
	ctx := context.Background()
	started := time.Now()
	stats := loadMillion(b, db)
	b.Logf("set-up: %d milestones (%d open and overdue), %d reminder rows, in %s", stats.milestones, stats.overdue,
		stats.reminders, time.Since(started).Round(time.Second))
	// A table loaded at once has no visibility map yet; a settled one has (autovacuum).
	if err := db.Gorm.Exec("VACUUM ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	store := NewStore(db)
	today := DayOf(benchNow)
	at := ReminderSendAt(today, reminderHour)

	overdue, err := store.overdueBatch(context.Background(), today, batchMark{}, writeBatch)
	benchOK(b, err)
	escalated, err := store.escalationBatch(context.Background(), today, batchMark{}, writeBatch)
	benchOK(b, err)
	explain(b, db, "a batch of overdue milestones", func() (string, []any) { return overdueBatchSQL(today, batchMark{}, writeBatch) })
	explain(b, db, "their overdue reminders", func() (string, []any) { return store.overdueSQL(idsOf(overdue), today, at, benchNow) })
	explain(b, db, "a batch of milestones to escalate", func() (string, []any) { return store.escalationBatchSQL(today, batchMark{}, writeBatch) })
	explain(b, db, "their escalations", func() (string, []any) { return store.escalationSQL(idsOf(escalated), today, at, benchNow) })
	explain(b, db, "Monday's digests (on a Monday)", func() (string, []any) {
		return store.digestSQL(isoWeek("2019-03-18"), "2019-03-18", AddDays("2019-03-18", digestAheadDays),
			ReminderSendAt("2019-03-18", digestHour), benchNow)
	})
	explain(b, db, "whether Monday's digests are written", func() (string, []any) {
		return digestWrittenSQL, []any{ReminderSendAt("2019-03-18", digestHour)}
	})
	explain(b, db, "the due reminders", func() (string, []any) {
		return dueReminderSQL(benchNow, benchNow.Add(-reminderClaimStale), scanMax)
	})

	q := &nopQueue{}
	r := &Reminders{Store: store, Queue: q, Now: func() time.Time { return benchNow }, Log: quiet}
	clearToday := func() {
		// Back to 09:00:30 before any scan: today's overdue rows and escalations not yet written.
		if err := db.Gorm.Exec(`DELETE FROM reminders WHERE kind IN ('overdue', 'escalation') AND created_at = ?`, benchNow).Error; err != nil {
			b.Fatal(err)
		}
		if err := db.Gorm.Exec(`VACUUM ANALYZE reminders`).Error; err != nil {
			b.Fatal(err)
		}
	}

	b.Run("first scan of the day", func(b *testing.B) {
		var res ScanResult
		for b.Loop() {
			b.StopTimer()
			clearToday()
			fresh := &Reminders{Store: store, Queue: q, Now: r.Now, Log: quiet} // a worker's first scan today
			b.StartTimer()
			var err error
			if res, err = fresh.ScanOnce(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(res.Overdue+res.Escalations), "rows-written/op")
		b.ReportMetric(float64(res.Due), "due-found/op")
		b.Logf("first scan: %+v", res)
	})
	b.Run("the day's writes, scan by scan", func(b *testing.B) {
		// From a worker's first scan of the day to the one that finishes the day's writes.
		scans := 0
		for b.Loop() {
			b.StopTimer()
			clearToday()
			fresh := &Reminders{Store: store, Queue: q, Now: r.Now, Log: quiet}
			b.StartTimer()
			for {
				res, err := fresh.ScanOnce(ctx)
				if err != nil {
					b.Fatal(err)
				}
				scans++
				if res.Written {
					break
				}
			}
		}
		b.ReportMetric(float64(scans)/float64(b.N), "scans/op")
	})
	for { // this worker's scans until the day's rows are written
		res, err := r.ScanOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if res.Written {
			break
		}
	}
	explain(b, db, "the due reminders at 09:00:30, none sent yet", func() (string, []any) {
		return dueReminderSQL(benchNow, benchNow.Add(-reminderClaimStale), scanMax)
	})
	b.Run("every minute, nothing sent yet", func(b *testing.B) {
		// The worst minute: all of today's reminders written and found again, none sent yet.
		var res ScanResult
		for b.Loop() {
			var err error
			if res, err = r.ScanOnce(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(res.Due), "due-found/op")
	})
	b.Run("every minute, all sent", func(b *testing.B) {
		// The usual minute: what was due has gone out; the scan finds nothing new to write or send.
		if err := db.Gorm.Exec(`UPDATE reminders SET state = 'sent', sent_at = ? WHERE state = 'scheduled' AND send_at <= ?`, benchNow, benchNow).Error; err != nil {
			b.Fatal(err)
		}
		if err := db.Gorm.Exec(`VACUUM ANALYZE reminders`).Error; err != nil {
			b.Fatal(err)
		}
		var res ScanResult
		for b.Loop() {
			var err error
			if res, err = r.ScanOnce(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(res.Due), "due-found/op")
		if res.Due != 0 || res.Overdue+res.Escalations != 0 {
			b.Fatalf("with everything sent the scan still found %+v", res)
		}
	})
	if url := os.Getenv("GOLIVE_TEST_REDIS_URL"); url != "" {
		b.Run("first scan of the day, enqueuing to Redis", func(b *testing.B) {
			redisURL := dbtest.RedisURL(b)
			c, err := jobs.NewClient(redisURL)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			opt, _ := asynq.ParseRedisURI(redisURL)
			in := asynq.NewInspector(opt)
			defer in.Close()
			if err := db.Gorm.Exec(`UPDATE reminders SET state = 'scheduled', sent_at = NULL WHERE send_at = ? AND created_at <> ?`,
				at, benchNow).Error; err != nil {
				b.Fatal(err)
			}
			var res ScanResult
			for b.Loop() {
				b.StopTimer()
				clearToday()
				_, _ = in.DeleteAllPendingTasks("default")
				rr := &Reminders{Store: store, Queue: c, Now: func() time.Time { return benchNow }, Log: quiet, Parallel: 8}
				b.StartTimer()
				if res, err = rr.ScanOnce(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Enqueued), "enqueued/op")
		})
	}
}

// explain logs PostgreSQL's plan of one of the scan's statements, run for real (ANALYZE) inside
// a transaction that is then rolled back.
func explain(b *testing.B, db *database.DB, what string, query func() (string, []any)) {
	b.Helper()
	q, args := query()
	var lines []string
	err := db.Gorm.Transaction(func(tx *gorm.DB) error {
		rows, err := tx.Raw("EXPLAIN (ANALYZE, BUFFERS) "+q, args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				return err
			}
			lines = append(lines, l)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return errRollback
	})
	if err != nil && err != errRollback {
		b.Fatalf("explain %s: %v", what, err)
	}
	b.Logf("EXPLAIN (ANALYZE, BUFFERS) of %s:\n%s\n    %s", what, strings.Join(strings.Fields(q), " "), strings.Join(lines, "\n    "))
}

var errRollback = fmt.Errorf("rolled back on purpose")

type millionStats struct {
	milestones, overdue, reminders int
}

// loadMillion writes the million with COPY.
func loadMillion(b *testing.B, db *database.DB) millionStats {
	b.Helper()
	rnd := rand.New(rand.NewPCG(2019, 3))
	created := uk("2018-08-01 10:00")
	today := DayOf(benchNow)
	now := benchNow
	var st millionStats

	ccg, provider := newID(), newID()
	mustExec(b, db, `INSERT INTO organisations (id, name, kind, created_at) VALUES (?, 'Bench CCG', 'commissioner', ?), (?, 'Bench provider', 'provider', ?)`,
		ccg, created, provider, created)
	leads := make([]string, 200)
	for i := range leads {
		leads[i] = newID()
	}
	owners := make([]string, 3000)
	for i := range owners {
		owners[i] = newID()
	}

	type plan struct {
		id, proc, lot, lead string
		phases              []string
		goLives             []string
	}
	plans := make([]plan, benchPlans)
	first, _ := time.Parse(dayLayout, "2016-01-01")
	for i := range plans {
		p := plan{id: newID(), proc: newID(), lot: newID(), lead: leads[rnd.IntN(len(leads))]}
		base := first.AddDate(0, 0, rnd.IntN(6*365))
		for ph := range benchPhasesPerPlan {
			p.phases = append(p.phases, newID())
			p.goLives = append(p.goLives, base.AddDate(0, 3*ph, 0).Format(dayLayout))
		}
		plans[i] = p
	}
	copyRows(b, db, "procurements", []string{"id", "lead_org_id", "title", "reference", "regime", "procedure", "term_years", "state",
		"clarification_deadline", "submission_deadline", "evaluation_start", "award_date", "contract_start", "wrapped_key",
		"created_by", "created_at", "updated_at"}, len(plans), func(i int) []any {
		return []any{plans[i].proc, ccg, "Urgent care", fmt.Sprintf("BENCH-%05d", i), "pcr2015", "open", 5, "awarded",
			created, created, created, created, created, []byte{1}, plans[i].lead, created, created}
	})
	copyRows(b, db, "lots", []string{"id", "procurement_id", "number", "title", "service_types"}, len(plans), func(i int) []any {
		return []any{plans[i].lot, plans[i].proc, 1, "Integrated urgent care", "nhs111"}
	})
	copyRows(b, db, "mobilisation_plans", []string{"id", "lot_id", "procurement_id", "lead_org_id", "provider_org_id", "contract_reference",
		"lead_user_id", "reminder_offsets", "escalate_after_days", "created_by", "created_at"}, len(plans), func(i int) []any {
		return []any{plans[i].id, plans[i].lot, plans[i].proc, ccg, provider, fmt.Sprintf("C-%05d", i), plans[i].lead, "14,7,1", 3, plans[i].lead, created}
	})
	copyRows(b, db, "plan_phases", []string{"id", "plan_id", "name", "go_live", "position"}, len(plans)*benchPhasesPerPlan, func(i int) []any {
		p := plans[i/benchPhasesPerPlan]
		gl, _ := time.Parse(dayLayout, p.goLives[i%benchPhasesPerPlan])
		return []any{p.phases[i%benchPhasesPerPlan], p.id, fmt.Sprintf("Phase %d", i%benchPhasesPerPlan+1), gl.Add(7 * time.Hour), i % benchPhasesPerPlan}
	})

	type ms struct {
		id, plan, lead, phase, owner, due, status string
		accepted                                  bool
	}
	n := len(plans) * benchPhasesPerPlan * benchPerPhase
	milestones := make([]ms, n)
	for i := range milestones {
		p := plans[i/(benchPhasesPerPlan*benchPerPhase)]
		ph := (i / benchPerPhase) % benchPhasesPerPlan
		m := ms{id: newID(), plan: p.id, lead: p.lead, phase: p.phases[ph], owner: owners[rnd.IntN(len(owners))],
			due: AddDays(p.goLives[ph], rnd.IntN(211)-180), status: "not_started"}
		if rnd.IntN(10) == 0 {
			m.owner = "" // the lead watches it
		}
		switch {
		case m.due < today && (DaysBetween(m.due, today) > benchOverdueWindow || rnd.Float64() >= benchOpenPastChance):
			m.status, m.accepted = "done", true
		case m.due < today:
			m.status = []string{"not_started", "in_progress", "blocked"}[rnd.IntN(3)]
			st.overdue++
		case rnd.IntN(20) == 0:
			m.status, m.accepted = "done", true
		case rnd.IntN(3) == 0:
			m.status = "in_progress"
		}
		milestones[i] = m
	}
	copyRows(b, db, "milestones", []string{"id", "plan_id", "phase_id", "title", "workstream", "owner_side", "owner_user_id", "due_on",
		"status", "critical", "accepted_at", "completed_on", "position", "created_at", "updated_at"}, n, func(i int) []any {
		m := milestones[i]
		var acc any
		completed := ""
		if m.accepted {
			acc, completed = ReminderSendAt(m.due, 12), m.due
		}
		return []any{m.id, m.plan, m.phase, "Milestone", "Workstream", "provider", m.owner, m.due, m.status, i%5 == 0, acc, completed, i % benchPerPhase, created, created}
	})

	// The reminders such a history leaves, milestone by milestone (streamed: millions of rows).
	overdueSent := map[string]bool{}
	remindersOf := func(m ms) [][]any {
		var out [][]any
		to := m.owner
		if to == "" {
			to = m.lead
		}
		add := func(key, user, kind string, at time.Time, state string) {
			var sentAt any
			if state == "sent" {
				sentAt = at
			}
			out = append(out, []any{newID(), key, m.id, m.plan, user, kind, at, state, sentAt, created})
		}
		for _, off := range defaultOffsets {
			day := AddDays(m.due, -off)
			at := ReminderSendAt(day, reminderHour)
			switch {
			case at.After(now) && m.accepted:
				add(dueKey(m.id, m.due, off, to), to, "due", at, "cancelled") // done early
			case at.After(now) || day == today:
				add(dueKey(m.id, m.due, off, to), to, "due", at, "scheduled")
			default:
				add(dueKey(m.id, m.due, off, to), to, "due", at, "sent")
			}
		}
		if m.due < today && !m.accepted {
			for d := AddDays(m.due, 1); d < today; d = AddDays(d, 1) {
				// One a day per person, naming no milestone: written by the first of theirs.
				if k := overdueKey(d, to); !overdueSent[k] {
					overdueSent[k] = true
					at := ReminderSendAt(d, reminderHour)
					out = append(out, []any{newID(), k, nil, nil, to, "overdue", at, "sent", at, created})
				}
			}
			if esc := AddDays(m.due, 3); esc < today {
				add(escalationKey(m.id, m.due, m.lead), m.lead, "escalation", ReminderSendAt(esc, reminderHour), "sent")
			}
		}
		return out
	}
	next, buf := 0, [][]any(nil)
	rems := 0
	copyStream(b, db, "reminders", []string{"id", "key", "milestone_id", "plan_id", "user_id", "kind", "send_at", "state", "sent_at", "created_at"},
		func() []any {
			for len(buf) == 0 {
				if next >= len(milestones) {
					return nil
				}
				buf = remindersOf(milestones[next])
				next++
			}
			r := buf[0]
			buf = buf[1:]
			rems++
			return r
		})
	st.milestones, st.reminders = n, rems
	return st
}

func benchOK(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

func mustExec(b *testing.B, db *database.DB, q string, args ...any) {
	b.Helper()
	if err := db.Gorm.Exec(q, args...).Error; err != nil {
		b.Fatal(err)
	}
}

// copyRows writes n rows into table with PostgreSQL's COPY.
func copyRows(b *testing.B, db *database.DB, table string, cols []string, n int, row func(i int) []any) {
	b.Helper()
	i := 0
	copyStream(b, db, table, cols, func() []any {
		if i >= n {
			return nil
		}
		i++
		return row(i - 1)
	})
}

// copyStream writes the rows next gives (until nil) into table with PostgreSQL's COPY.
func copyStream(b *testing.B, db *database.DB, table string, cols []string, next func() []any) {
	b.Helper()
	sqlDB, err := db.SQL()
	if err != nil {
		b.Fatal(err)
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		// A bulk load of rows known to be consistent: no foreign-key trigger per row (a superuser's
		// setting, for this connection only).
		if _, err := pc.Exec(context.Background(), "SET session_replication_role = replica"); err != nil {
			return err
		}
		defer pc.Exec(context.Background(), "SET session_replication_role = DEFAULT") //nolint:errcheck
		n, err = pc.CopyFrom(context.Background(), pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if r := next(); r != nil {
				return r, nil
			}
			return nil, nil
		}))
		return err
	})
	if err != nil {
		b.Fatalf("copy into %s (%d rows): %v", table, n, err)
	}
}

// BenchmarkRemindersDeliveredPerSecond: reminders due now go through the whole path — the scan,
// send tasks on asynq (a real Redis, or the embedded one) that each claim a batch of due rows and
// write them in one transaction, a mail task per batch, and the SMTP conversation with a real
// SMTP server — with one worker of 10 goroutines (golive's default). One op is a round of 1,000
// reminders; the figure is reminders at the SMTP server per second.
//
// In the same run it measures the database's write limit for reminders (pg-limit/s on
// PostgreSQL, sqlite-limit/s on SQLite; see writeLimit), and reports the ratio of the two.
func BenchmarkRemindersDeliveredPerSecond(b *testing.B) {
	const batch = 1000
	db := dbtest.Open(b)
	redisURL := dbtest.RedisURL(b)
	srv := smtpServer(b)
	c := newClock(scenarioNow)
	w := newWorld(b, db, 50)
	// The owners have turned the weekly digest off: a Monday's digests are written by the first
	// scan that finds milestones, which may come before or after the timer starts, and the rounds
	// are to count the due reminders alone.
	for _, o := range w.owners {
		if err := w.store.setPreference(context.Background(), Preference{UserID: o.ID, DigestEnabled: false, UpdatedAt: scenarioMade}); err != nil {
			b.Fatal(err)
		}
	}
	startWorker(b, db, redisURL, smtpURL(srv), c.Now, 10)
	client, err := jobs.NewClient(redisURL)
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	var total, got int
	var elapsed time.Duration
	round := 0
	// What the server has accepted, counted as it comes (taken out of the server's list, so that
	// each poll copies only the new messages rather than all of them so far: the copies would
	// otherwise take more and more of the CPU the worker in this process is measured on).
	arrived := func() int {
		for _, m := range srv.MessagesAndPurge() {
			if m.Msg() {
				got++
			}
		}
		return got
	}
	for b.Loop() {
		b.StopTimer()
		round++
		// A thousand milestones due tomorrow, each with its 1-day reminder due now.
		ms := make([]Milestone, batch)
		for i := range ms {
			ms[i] = Milestone{ID: newID(), PlanID: w.plan.ID, PhaseID: w.phase.ID, Title: fmt.Sprintf("Milestone %d.%d", round, i),
				Workstream: "Telephony", OwnerSide: Provider, OwnerUserID: w.owners[i%len(w.owners)].ID, DueOn: "2019-03-19",
				Status: NotStarted, CreatedAt: scenarioMade, UpdatedAt: scenarioMade}
		}
		err := w.store.Tx(context.Background(), func(tx *Store) error {
			if err := tx.db.CreateInBatches(ms, 200).Error; err != nil {
				return err
			}
			for _, m := range ms {
				if err := tx.RescheduleReminders(context.Background(), w.plan, m, scenarioMade); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		before := arrived()
		b.StartTimer()
		start := time.Now()
		if _, err := client.Enqueue(context.Background(), asynq.NewTask(TypeReminderScan, nil)); err != nil {
			b.Fatal(err)
		}
		want := before + batch
		deadline := time.Now().Add(5 * time.Minute)
		for arrived() < want {
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d messages after 5 minutes", got-before, want-before)
			}
			time.Sleep(20 * time.Millisecond)
		}
		elapsed += time.Since(start)
		total += want - before
	}
	b.StopTimer()
	rate := float64(total) / elapsed.Seconds()
	b.ReportMetric(rate, "reminders/s")
	limit := writeLimit(b, db, w, 10, 3000)
	name := "sqlite-limit/s"
	if db.Dialect == "postgres" {
		name = "pg-limit/s"
	}
	b.ReportMetric(limit, name)
	b.ReportMetric(rate/limit, "ratio")
	b.Logf("%d reminders delivered in %s on %s: %.0f/s; the database's write limit for reminders %.0f/s (ratio %.2f)",
		total, elapsed.Round(time.Millisecond), db.Dialect, rate, limit, rate/limit)
}

// writeLimit is the database's write limit for reminders, measured here: the reminders a second
// that conc goroutines (the worker's concurrency) can take through the commits one reminder
// fundamentally needs, one reminder at a time, with nothing else (no reads, no composing, no
// queue, no SMTP):
//
//  1. one transaction that marks the reminder sent (an UPDATE of its row by primary key, on a row
//     still 'scheduled'), writes its inbox message and writes its mail to the outbox (two INSERTs);
//  2. one commit that marks the mail sent once the server has it (an UPDATE by primary key).
//
// That is the least a reminder sent one by one can do and keep its exactly-once properties (the
// claim, the message and the mail committed together; the mail's outcome on record), on the same
// tables with their indexes, through the same driver and pool. It is what pgbench would replay for
// it. golive's batched path commits per batch rather than per reminder, so it can exceed this
// limit: the ratio says how close golive's whole path, reads, queue and SMTP included, comes to
// what the database alone could do for reminders sent one at a time. The rows are n reminders of
// the world's owners that are not due (they send in 2030), so the worker's scans pass them by.
func writeLimit(b *testing.B, db *database.DB, w *world, conc, n int) float64 {
	b.Helper()
	ctx := context.Background()
	sendAt, now := uk("2030-01-01 09:00"), scenarioNow
	ids := make([]string, n)
	rows := make([]map[string]any, n)
	tag := newID()[:8]
	for i := range ids {
		ids[i] = newID()
		rows[i] = map[string]any{"id": ids[i], "key": fmt.Sprintf("limit:%s:%d", tag, i), "user_id": w.owners[i%len(w.owners)].ID,
			"kind": "overdue", "send_at": sendAt, "state": "scheduled", "attempts": 0, "mail_id": "", "created_at": now}
	}
	if err := db.Gorm.Table("reminders").CreateInBatches(rows, 500).Error; err != nil {
		b.Fatal(err)
	}
	// A body of the length a reminder's has.
	body := strings.Repeat("Recruit call handlers is due tomorrow, on Tuesday 19 March 2019. ", 8)
	var next atomic.Int64
	errs := make(chan error, conc)
	start := time.Now()
	for range conc {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					errs <- nil
					return
				}
				id, mailID := ids[i], newID()
				err := db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
					res := tx.Exec(`UPDATE reminders SET state = 'sent', sent_at = ?, mail_id = ? WHERE id = ? AND state = 'scheduled'`, now, mailID, id)
					if res.Error != nil || res.RowsAffected != 1 {
						return fmt.Errorf("mark reminder %s sent: %v (%d rows)", id, res.Error, res.RowsAffected)
					}
					if err := tx.Exec(`INSERT INTO inbox_messages (id, user_id, reminder_id, subject, body, link, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
						newID(), rows[i]["user_id"], id, "Due tomorrow: Recruit call handlers", body, "/mobilisation/plans/x/milestones/y", now).Error; err != nil {
						return err
					}
					return tx.Exec(`INSERT INTO mail_messages (id, tenant_id, to_addr, subject, body_text, created_at, status, attempts, last_error, transport, in_doubt, sealed_under)
						VALUES (?, '', ?, ?, ?, ?, 'pending', 0, '', '', 0, '')`, mailID, "limit@golive.test", "Due tomorrow: Recruit call handlers", body, now).Error
				})
				if err == nil {
					err = db.Gorm.WithContext(ctx).Exec(`UPDATE mail_messages SET status = 'sent', sent_at = ?, transport = 'smtp' WHERE id = ? AND status = 'pending'`,
						now, mailID).Error
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range conc {
		if err := <-errs; err != nil {
			b.Fatalf("write limit: %v", err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}
