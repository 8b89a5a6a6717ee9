package mobilisation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"golive/apperr"
	"golive/database"
	"golive/database/dbtest"
	"golive/frontend"
	"golive/jobs"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// The exactly-once tests of reminders (issue 6, "must show" 2): a worker killed mid-run and
// restarted, Redis restarted, and two workers at once each end with every due reminder at the
// SMTP server once; and a changed due day or a completed milestone cancels what no longer applies.
// They run on the embedded default (SQLite, miniredis) and, with GOLIVE_TEST_DATABASE_URL and
// GOLIVE_TEST_REDIS_URL set, on PostgreSQL and Redis. The SMTP server is real (go-smtp-mock), and
// it is what counts: each recipient's messages, by Message-ID (the mail's id in the outbox).

// --- the world the reminders are about ---

type person struct{ ID, Email, Name string }

type world struct {
	db     *database.DB
	store  *Store
	lead   person
	owners []person
	plan   Plan
	phase  Phase
}

func uk(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ukclock.London)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// newWorld makes a commissioner (the plan's lead) and a provider with owners people, a
// procurement, a lot and its mobilisation plan with one phase going live on 1 April 2019.
func newWorld(t testing.TB, db *database.DB, owners int) *world {
	t.Helper()
	w := &world{db: db, store: NewStore(db)}
	g := db.Gorm
	now := uk("2018-09-01 10:00")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ccg, provider := newID(), newID()
	must(g.Table("organisations").Create(map[string]any{"id": ccg, "name": "NHS Medway CCG " + ccg[:8], "kind": "commissioner", "created_at": now}).Error)
	must(g.Table("organisations").Create(map[string]any{"id": provider, "name": "Estuary Urgent Care " + provider[:8], "kind": "provider", "created_at": now}).Error)
	addUser := func(org, email, name string) person {
		p := person{ID: newID(), Email: email, Name: name}
		must(g.Table("users").Create(map[string]any{"id": p.ID, "org_id": org, "email": email, "name": name, "active": true,
			"created_at": now, "updated_at": now}).Error)
		return p
	}
	w.lead = addUser(ccg, "lead-"+ccg[:8]+"@medway-ccg.test", "Lena Lead")
	for i := range owners {
		w.owners = append(w.owners, addUser(provider, fmt.Sprintf("owner%02d-%s@estuary.test", i, provider[:8]), fmt.Sprintf("Owner %d", i)))
	}
	proc, lot := newID(), newID()
	must(g.Table("procurements").Create(map[string]any{"id": proc, "lead_org_id": ccg, "title": "Integrated urgent care",
		"reference": "KM-" + proc[:8], "regime": "pcr2015", "procedure": "open", "term_years": 5, "state": "awarded",
		"clarification_deadline": now, "submission_deadline": now, "evaluation_start": now, "award_date": now,
		"contract_start": now, "wrapped_key": []byte{1}, "created_by": w.lead.ID, "created_at": now, "updated_at": now}).Error)
	must(g.Table("lots").Create(map[string]any{"id": lot, "procurement_id": proc, "number": 1, "title": "Integrated urgent care",
		"service_types": "nhs111"}).Error)
	w.plan = Plan{ID: newID(), LotID: lot, ProcurementID: proc, LeadOrgID: ccg, ProviderOrgID: provider,
		ContractReference: "KM-IUCS-2018-L1", LeadUserID: w.lead.ID, ReminderOffsets: "14,7,1", EscalateAfterDays: 3,
		CreatedBy: w.lead.ID, CreatedAt: now}
	must(g.Create(&w.plan).Error)
	w.phase = Phase{ID: newID(), PlanID: w.plan.ID, Name: "GP out of hours", GoLive: uk("2019-04-01 08:00"), State: Mobilising}
	must(g.Create(&w.phase).Error)
	return w
}

// milestone adds a milestone and schedules its reminders as the service does, at now.
func (w *world) milestone(t testing.TB, title, dueOn string, owner person, done bool, now time.Time) Milestone {
	t.Helper()
	m := Milestone{ID: newID(), PlanID: w.plan.ID, PhaseID: w.phase.ID, Title: title, Workstream: "CQC registration",
		OwnerSide: Provider, OwnerUserID: owner.ID, DueOn: dueOn, Status: NotStarted, CreatedAt: now, UpdatedAt: now}
	if done {
		m.Status, m.AcceptedAt, m.AcceptedBy, m.CompletedOn = Done, &now, w.lead.ID, DayOf(now)
	}
	err := w.store.Tx(context.Background(), func(tx *Store) error {
		if err := tx.db.Create(&m).Error; err != nil {
			return err
		}
		return tx.RescheduleReminders(context.Background(), w.plan, m, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// change saves a milestone changed by fn and reschedules, as the service does.
func (w *world) change(t testing.TB, m Milestone, now time.Time, fn func(*Milestone)) Milestone {
	t.Helper()
	fn(&m)
	m.UpdatedAt = now
	err := w.store.Tx(context.Background(), func(tx *Store) error {
		if err := tx.db.Save(&m).Error; err != nil {
			return err
		}
		return tx.RescheduleReminders(context.Background(), w.plan, m, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (w *world) reminders(t testing.TB) []Reminder {
	t.Helper()
	var rs []Reminder
	if err := w.db.Gorm.Order("send_at, key").Find(&rs).Error; err != nil {
		t.Fatal(err)
	}
	return rs
}

// --- the scenario the exactly-once tests send ---

// At 09:30 on Monday 18 March 2019 (GMT) a plan has, for each of its owners in turn:
//   - milestones due tomorrow: their 1-day reminder is due (09:00 today);
//   - milestones due in a week: their 7-day reminder is due;
//   - milestones 2 days overdue, and milestones 5 days overdue: the owner's one overdue message of
//     today, listing them all, is due; and each 5-day one's escalation to the lead;
//   - milestones accepted as done, due tomorrow: nothing;
//
// and, Monday, everyone with open milestones (each owner, and the lead, whose plan has overdue
// ones) has the weekly digest due at 08:00. The milestones were made on Friday 15 March, so only
// the reminders still ahead then were written.
var (
	scenarioMade = uk("2019-03-15 10:00")
	scenarioNow  = uk("2019-03-18 09:30")
)

// expected is what each person must get, counted by kind.
type expected map[string]map[ReminderKind]int

func (e expected) add(email string, k ReminderKind, n int) {
	if e[email] == nil {
		e[email] = map[ReminderKind]int{}
	}
	e[email][k] += n
}

func (e expected) total() int {
	n := 0
	for _, ks := range e {
		for _, c := range ks {
			n += c
		}
	}
	return n
}

// scenario writes per milestones of each kind per owner and says what must arrive.
func (w *world) scenario(t testing.TB, per int) expected {
	t.Helper()
	want := expected{}
	for i, o := range w.owners {
		for j := range per {
			n := fmt.Sprintf("%d.%d", i, j)
			w.milestone(t, "Recruit call handlers "+n, "2019-03-19", o, false, scenarioMade)
			w.milestone(t, "Test telephony failover "+n, "2019-03-25", o, false, scenarioMade)
			w.milestone(t, "Register with CQC "+n, "2019-03-16", o, false, scenarioMade)
			w.milestone(t, "Sign information sharing agreement "+n, "2019-03-13", o, false, scenarioMade)
			w.milestone(t, "Agree clinical governance framework "+n, "2019-03-19", o, true, scenarioMade)
		}
		want.add(o.Email, DueSoon, 2*per)
		want.add(o.Email, Overdue, 1)
		want.add(o.Email, Digest, 1)
		want.add(w.lead.Email, Escalation, per)
	}
	want.add(w.lead.Email, Digest, 1)
	return want
}

// --- the SMTP server's count ---

func smtpServer(t testing.TB) *smtpmock.Server {
	t.Helper()
	// go-mail ends each conversation with RSET: without this the mock forgets the message on RSET.
	s := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
	if err := s.Start(); err != nil {
		t.Fatalf("start SMTP server: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

func smtpURL(s *smtpmock.Server) string { return fmt.Sprintf("smtp://127.0.0.1:%d", s.PortNumber()) }

var (
	messageIDHeader = regexp.MustCompile(`(?mi)^Message-ID:\s*<([^@>]+)@`)
	rcptAddress     = regexp.MustCompile(`<([^>]+)>`)
)

// delivery is one message the SMTP server accepted.
type delivery struct{ To, MessageID, Subject string }

func deliveries(s *smtpmock.Server) []delivery {
	var out []delivery
	for _, m := range s.Messages() {
		if !m.Msg() {
			continue
		}
		d := delivery{}
		if rr := m.RcpttoRequestResponse(); len(rr) > 0 {
			if a := rcptAddress.FindStringSubmatch(rr[0][0]); a != nil {
				d.To = strings.ToLower(a[1])
			}
		}
		if id := messageIDHeader.FindStringSubmatch(m.MsgRequest()); id != nil {
			d.MessageID = id[1]
		}
		// Long subjects are folded over lines, and may be encoded words.
		if msg, err := mail.ReadMessage(strings.NewReader(m.MsgRequest())); err == nil {
			d.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		}
		out = append(out, d)
	}
	return out
}

// checkExactlyOnce checks that every reminder expected arrived, and none twice: per recipient and
// kind, the reminders sent are the ones expected; each has one mail and one inbox message; and
// at the SMTP server each recipient has exactly the Message-IDs of their reminders' mails.
//
// A message is counted by its Message-ID. The outbox resends a message whose worker died after
// the server accepted it and before 'sent' was written (jobs/mailjobs.go: SMTP has no idempotent
// delivery, so no outbox can close that window), with the same Message-ID, and records the
// takeover in the mail row's in_doubt. So a message may reach the server more than once only if
// a worker was killed (killed true), and then at most once more than its in_doubt count: every
// extra delivery is one the outbox has on record. What must never happen is a reminder sent as
// two different messages, or not at all.
func checkExactlyOnce(t *testing.T, w *world, srv *smtpmock.Server, want expected, killed bool) {
	t.Helper()
	type sentRow struct {
		ID, Kind, Email, MailID, State string
	}
	var rows []sentRow
	if err := w.db.Gorm.Raw(`SELECT r.id, r.kind, u.email, r.mail_id, r.state FROM reminders r JOIN users u ON u.id = r.user_id
		WHERE r.state IN ('sent', 'sending', 'scheduled') AND r.send_at <= ?`, scenarioNow).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	got := expected{}
	mailOf := map[string]sentRow{}
	for _, r := range rows {
		if r.State != string(Sent) {
			t.Errorf("reminder %s (%s to %s) is %s, want sent", r.ID, r.Kind, r.Email, r.State)
			continue
		}
		if r.MailID == "" {
			t.Errorf("reminder %s (%s to %s) was sent with no mail", r.ID, r.Kind, r.Email)
			continue
		}
		got.add(r.Email, ReminderKind(r.Kind), 1)
		mailOf[r.MailID] = r
	}
	for email, kinds := range want {
		for k, n := range kinds {
			if got[email][k] != n {
				t.Errorf("%s: %d %s reminders sent, want %d", email, got[email][k], k, n)
			}
		}
	}
	for email, kinds := range got {
		for k, n := range kinds {
			if want[email][k] == 0 {
				t.Errorf("%s: %d %s reminders sent, want none", email, n, k)
			}
		}
	}
	// One mail row and one inbox message per reminder, never two.
	var mails, inbox, inboxReminders int64
	w.db.Gorm.Raw(`SELECT count(*) FROM mail_messages`).Scan(&mails)
	w.db.Gorm.Raw(`SELECT count(*) FROM inbox_messages`).Scan(&inbox)
	w.db.Gorm.Raw(`SELECT count(DISTINCT reminder_id) FROM inbox_messages`).Scan(&inboxReminders)
	if int(mails) != want.total() || int(inbox) != want.total() || int(inboxReminders) != want.total() {
		t.Errorf("%d mails and %d inbox messages (for %d reminders) in the database, want %d of each", mails, inbox, inboxReminders, want.total())
	}
	var doubts []struct {
		ID      string
		InDoubt int
	}
	if err := w.db.Gorm.Raw(`SELECT id, in_doubt FROM mail_messages`).Scan(&doubts).Error; err != nil {
		t.Fatal(err)
	}
	inDoubt := map[string]int{}
	for _, d := range doubts {
		inDoubt[d.ID] = d.InDoubt
		if d.InDoubt > 0 && !killed {
			t.Errorf("mail %s is in doubt %d times, though no worker was killed", d.ID, d.InDoubt)
		}
	}
	// At the SMTP server: every reminder's mail, to its recipient, and nothing else.
	seen := map[string]int{}
	for _, d := range deliveries(srv) {
		r, ok := mailOf[d.MessageID]
		if !ok {
			t.Errorf("the SMTP server got a message that is no due reminder's: to %s, %q (Message-ID %s)", d.To, d.Subject, d.MessageID)
			continue
		}
		if d.To != strings.ToLower(r.Email) {
			t.Errorf("mail %s of a reminder to %s went to %s", d.MessageID, r.Email, d.To)
		}
		seen[d.MessageID]++
	}
	perRecipient := map[string]int{}
	resent := 0
	for id, r := range mailOf {
		switch n := seen[id]; {
		case n == 0:
			t.Errorf("%s reminder to %s (mail %s) never reached the SMTP server", r.Kind, r.Email, id)
		case n > 1:
			resent += n - 1
			if !killed || n-1 > inDoubt[id] {
				t.Errorf("%s reminder to %s (mail %s) reached the SMTP server %d times, and the outbox has %d attempts in doubt on record",
					r.Kind, r.Email, id, n, inDoubt[id])
			}
		}
		if seen[id] > 0 {
			perRecipient[r.Email]++
		}
	}
	for email, kinds := range want {
		n := 0
		for _, c := range kinds {
			n += c
		}
		if perRecipient[email] != n {
			t.Errorf("%s got %d distinct messages, want %d", email, perRecipient[email], n)
		}
	}
	doubted := 0
	for _, n := range inDoubt {
		doubted += n
	}
	t.Logf("%d reminders to %d people: %d deliveries at the SMTP server, %d distinct; %d resent with the same Message-ID after a kill, of %d attempts in doubt on record",
		want.total(), len(want), len(deliveries(srv)), len(seen), resent, doubted)
}

// --- workers ---

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func testLog(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return quiet
}

type testWriter struct{ t testing.TB }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// clock is an instant that runs on in real time, as GOLIVE_NOW does; Set moves it.
type clock struct {
	mu      sync.Mutex
	start   time.Time
	started time.Time
}

func newClock(at time.Time) *clock { return &clock{start: at, started: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(time.Since(c.started)).UTC()
}

func (c *clock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.start, c.started = at, time.Now()
}

// startWorker runs a whole golive worker (mail and reminders) in this process, scanning every
// second rather than every minute so that the tests need not wait for the minute.
func startWorker(t testing.TB, db *database.DB, redisURL, smtp string, now func() time.Time, concurrency int) *jobs.Worker {
	t.Helper()
	w, err := newReminderWorker(db, redisURL, smtp, now, concurrency, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	return w
}

func newReminderWorker(db *database.DB, redisURL, smtp string, now func() time.Time, concurrency int, log *slog.Logger) (*jobs.Worker, error) {
	mailer, err := jobs.NewMailer(smtp, "golive <no-reply@golive.test>")
	if err != nil {
		return nil, err
	}
	w, err := jobs.NewWorker(jobs.WorkerConfig{DB: db, RedisURL: redisURL, Mailer: mailer, Logger: log, Concurrency: concurrency})
	if err != nil {
		return nil, err
	}
	r := &Reminders{Store: NewStore(db), Queue: w.Client(), Mail: w, BaseURL: "https://golive.test", Now: now, Log: log, Parallel: 8}
	if err := r.Register(w, "@every 1s"); err != nil {
		w.Shutdown()
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, err
	}
	return w, nil
}

// eventually polls cond until it holds, failing at a deadline generous enough for asynq to
// recover the tasks of a killed worker (its lease is 30 s, checked every minute, and then
// retried after 15–45 s) and for the outbox sweep (every minute), on a busy machine. On a
// timeout it says what explain says: for the exactly-once tests, what was and was not sent.
func eventually(t testing.TB, what string, limit time.Duration, cond func() bool, explain ...func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("timed out after %s waiting for %s", limit, what)
			for _, e := range explain {
				msg += "\n" + e()
			}
			t.Fatal(msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// allSent says whether every reminder due is sent and every mail is out of the outbox.
func allSent(t testing.TB, db *database.DB, want int) func() bool {
	return func() bool {
		var sent, mailsSent int64
		db.Gorm.Raw(`SELECT count(*) FROM reminders WHERE state = 'sent'`).Scan(&sent)
		db.Gorm.Raw(`SELECT count(*) FROM mail_messages WHERE status = 'sent'`).Scan(&mailsSent)
		return int(sent) == want && int(mailsSent) == want
	}
}

// progress says what was and was not sent: the reminders and mails by state, each one not yet
// sent (its kind, recipient, claim and attempts), and what the SMTP server has. It is what a
// timeout prints, so that a failure names the stuck reminder or mail rather than a count.
func progress(db *database.DB, srv *smtpmock.Server, want int) func() string {
	return func() string {
		var b strings.Builder
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		g := db.Gorm.WithContext(ctx)
		var states []struct {
			State string
			N     int
		}
		g.Raw(`SELECT state, count(*) AS n FROM reminders WHERE send_at <= ? GROUP BY state ORDER BY state`, scenarioNow).Scan(&states)
		fmt.Fprintf(&b, "want %d reminders sent, each with one mail; reminders due by state:", want)
		for _, st := range states {
			fmt.Fprintf(&b, " %s %d", st.State, st.N)
		}
		var statuses []struct {
			Status string
			N      int
		}
		g.Raw(`SELECT status, count(*) AS n FROM mail_messages GROUP BY status ORDER BY status`).Scan(&statuses)
		b.WriteString("; mails by status:")
		for _, st := range statuses {
			fmt.Fprintf(&b, " %s %d", st.Status, st.N)
		}
		got := deliveries(srv)
		distinct := map[string]bool{}
		for _, d := range got {
			distinct[d.MessageID] = true
		}
		fmt.Fprintf(&b, "; the SMTP server has %d deliveries of %d distinct messages", len(got), len(distinct))
		var reminders []struct {
			ID, Kind, Email, State, MailID string
			Attempts                       int
			ClaimedAt                      *time.Time
		}
		g.Raw(`SELECT r.id, r.kind, u.email, r.state, r.mail_id, r.attempts, r.claimed_at FROM reminders r JOIN users u ON u.id = r.user_id
			WHERE r.send_at <= ? AND r.state <> 'sent' ORDER BY r.send_at, r.key LIMIT 30`, scenarioNow).Scan(&reminders)
		for _, r := range reminders {
			fmt.Fprintf(&b, "\n  not sent: reminder %s (%s to %s) is %s, %d attempts, claimed at %s", r.ID, r.Kind, r.Email, r.State,
				r.Attempts, stamp(r.ClaimedAt))
		}
		var mails []struct {
			ID, ToAddr, Status, LastError string
			Attempts, InDoubt             int
			ClaimedAt                     *time.Time
		}
		g.Raw(`SELECT id, to_addr, status, last_error, attempts, in_doubt, claimed_at FROM mail_messages
			WHERE status <> 'sent' ORDER BY created_at, id LIMIT 30`).Scan(&mails)
		for _, m := range mails {
			fmt.Fprintf(&b, "\n  not sent: mail %s to %s is %s, %d attempts (%d in doubt), claimed at %s, at the SMTP server %t; last error %q",
				m.ID, m.ToAddr, m.Status, m.Attempts, m.InDoubt, stamp(m.ClaimedAt), distinct[m.ID], m.LastError)
		}
		return b.String()
	}
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// queues says what Redis still holds, for a timeout waiting for it to settle.
func queues(t testing.TB, redisURL string) func() string {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	return func() string {
		in := asynq.NewInspector(opt)
		defer in.Close()
		qs, err := in.Queues()
		if err != nil {
			return "Redis queues: " + err.Error()
		}
		var b strings.Builder
		b.WriteString("Redis queues:")
		for _, q := range qs {
			if info, err := in.GetQueueInfo(q); err == nil {
				fmt.Fprintf(&b, " %s (pending %d, active %d, scheduled %d, retry %d, archived %d)", q, info.Pending, info.Active,
					info.Scheduled, info.Retry, info.Archived)
			}
		}
		return b.String()
	}
}

// settled waits until Redis holds no task that could still send anything: every queue empty of
// pending, active, scheduled and retrying tasks (a killed worker's tasks included, once asynq
// has recovered and run them), so that a double send would have happened by now.
func settled(t testing.TB, redisURL string) func() bool {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspector(opt)
	t.Cleanup(func() { in.Close() })
	return func() bool {
		qs, err := in.Queues()
		if err != nil {
			return false
		}
		for _, q := range qs {
			info, err := in.GetQueueInfo(q)
			if err != nil || info.Pending+info.Active+info.Scheduled+info.Retry > 0 {
				return false
			}
		}
		return true
	}
}

// --- (a) a worker killed mid-run and restarted ---

const childEnv = "GOLIVE_REMINDER_WORKER"

// TestReminderWorkerProcess is not a test of its own: it is the worker process the kill test
// starts (and kills) by running this test binary again with GOLIVE_REMINDER_WORKER set.
func TestReminderWorkerProcess(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("the worker process of TestAWorkerKilledMidRunAndRestartedSendsEveryReminderOnce; runs only as its child")
	}
	at, err := time.Parse(time.RFC3339Nano, os.Getenv(childEnv+"_NOW"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(os.Getenv(childEnv+"_DB"), os.Getenv(childEnv+"_DATA"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := newClock(at)
	conc, _ := strconv.Atoi(os.Getenv(childEnv + "_CONCURRENCY"))
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w, err := newReminderWorker(db, os.Getenv(childEnv+"_REDIS"), os.Getenv(childEnv+"_SMTP"), c.Now, conc, log)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Shutdown()
	fmt.Println("worker started")
	// Until killed; a child whose parent died must not live on.
	time.Sleep(10 * time.Minute)
}

type child struct {
	name string
	cmd  *exec.Cmd
	out  bytes.Buffer
}

// startChild starts a worker process. On PostgreSQL its sessions carry name as their
// application_name, so that sessionsEnded can tell when the last of them has gone.
func startChild(t *testing.T, name, dbURL, dataDir, redisURL, smtp string, at time.Time, concurrency int) *child {
	t.Helper()
	c := &child{name: name}
	if dbURL != "" {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		dbURL = u.String()
	}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestReminderWorkerProcess$", "-test.count=1", "-test.timeout=11m")
	c.cmd.Env = append(os.Environ(), childEnv+"=1", childEnv+"_DB="+dbURL, childEnv+"_DATA="+dataDir, childEnv+"_REDIS="+redisURL,
		childEnv+"_SMTP="+smtp, childEnv+"_NOW="+at.Format(time.RFC3339Nano), childEnv+"_CONCURRENCY="+strconv.Itoa(concurrency))
	c.cmd.Stdout, c.cmd.Stderr = &syncWriter{w: &c.out}, &syncWriter{w: &c.out}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
		if t.Failed() {
			t.Logf("worker process %d said:\n%s", c.cmd.Process.Pid, c.out.String())
		}
	})
	return c
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// kill ends the worker with SIGKILL and returns once nothing it did can still change the
// database. The process being gone is not enough on PostgreSQL: a statement it had already sent
// runs on in its server session and can commit after the kill (a claim of a mail as 'sending',
// say, landing after the test has backdated the claims). Each session ends once its last
// statement is done and it finds the client gone, so kill waits for the worker's sessions to
// leave pg_stat_activity. SQLite is written in the worker's own process, so its death ends it.
func (c *child) kill(t *testing.T, db *database.DB) {
	t.Helper()
	sessions := func() (n int64, err error) {
		err = db.Gorm.Raw(`SELECT count(*) FROM pg_stat_activity WHERE application_name = ?`, c.name).Scan(&n).Error
		return n, err
	}
	if dbtest.Postgres() {
		// The worker is mid-run, so it has sessions; seeing none would make the wait below prove nothing.
		if n, err := sessions(); err != nil || n == 0 {
			t.Fatalf("%s has %d sessions in pg_stat_activity (%v): cannot tell when they end", c.name, n, err)
		}
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
	if !dbtest.Postgres() {
		return
	}
	claims := func() (n int64) {
		db.Gorm.Raw(`SELECT (SELECT count(*) FROM mail_messages WHERE status = 'sending') + (SELECT count(*) FROM reminders WHERE state = 'sending')`).Scan(&n)
		return n
	}
	atExit, start := claims(), time.Now()
	var open int64
	eventually(t, "the killed worker's database sessions to end", 2*time.Minute, func() bool {
		n, err := sessions()
		open = n
		return err == nil && n == 0
	}, func() string { return fmt.Sprintf("%d sessions of %s are still open", open, c.name) })
	t.Logf("%s: its sessions ended %s after the process; claims in 'sending' (mail and reminders) %d when it died, %d once its sessions ended",
		c.name, time.Since(start).Round(time.Millisecond), atExit, claims())
}

func TestAWorkerKilledMidRunAndRestartedSendsEveryReminderOnce(t *testing.T) {
	dbtest.Faults(t)
	t.Parallel()
	dbURL, dir := dbtest.URL(t)
	dataDir := filepath.Join(dir, "data")
	db, err := database.Open(dbURL, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	redisURL := dbtest.RedisURL(t)
	w := newWorld(t, db, 10)
	want := w.scenario(t, 4)
	srv := smtpServer(t)
	count := func(q string) int {
		var n int64
		db.Gorm.Raw(q).Scan(&n)
		return int(n)
	}

	// The first worker is killed while it is sending reminders: some sent, some claimed.
	report := progress(db, srv, want.total())
	first := startChild(t, "golive-killed-worker-1", dbURL, dataDir, redisURL, smtpURL(srv), scenarioNow, 4)
	watch(t, "the first worker to be in the middle of the reminders", func() bool {
		return count(`SELECT count(*) FROM reminders WHERE state = 'sending'`) > 0 &&
			count(`SELECT count(*) FROM reminders WHERE state = 'sent'`) >= 10
	}, report)
	first.kill(t, db)
	t.Logf("first worker killed with %d reminders sent, %d claimed, %d messages at the SMTP server",
		count(`SELECT count(*) FROM reminders WHERE state = 'sent'`), count(`SELECT count(*) FROM reminders WHERE state = 'sending'`),
		len(deliveries(srv)))

	// The dead worker's claims on mail go stale after ten minutes of the wall clock
	// (jobs.claimStale), which the outbox reads and a test cannot move: move the claims back
	// instead, as ten minutes would have (kill has waited until the dead worker can claim no
	// more). Its reminder claims go stale on the reminders' own clock, on which each next worker
	// starts six minutes later.
	if err := backdateMailClaims(db, 11*time.Minute); err != nil {
		t.Fatal(err)
	}
	later := scenarioNow.Add(reminderClaimStale + time.Minute)
	second := startChild(t, "golive-killed-worker-2", dbURL, dataDir, redisURL, smtpURL(srv), later, 4)

	// The second is killed while it is sending mail: once the SMTP server has a third of it.
	third := want.total() / 3
	watch(t, "the second worker to have sent a third of the messages", func() bool { return len(deliveries(srv)) >= third }, report)
	second.kill(t, db)
	atKill := len(deliveries(srv))
	if atKill >= want.total() {
		t.Fatalf("all %d messages were sent before the second worker was killed: nothing was left to recover", atKill)
	}
	t.Logf("second worker killed after %d of %d messages reached the SMTP server; %d mails left claimed", atKill, want.total(),
		count(`SELECT count(*) FROM mail_messages WHERE status = 'sending'`))
	if err := backdateMailClaims(db, 11*time.Minute); err != nil {
		t.Fatal(err)
	}
	startChild(t, "golive-worker-3", dbURL, dataDir, redisURL, smtpURL(srv), later.Add(reminderClaimStale+time.Minute), 4)

	// Within about three minutes: asynq hands back the dead workers' tasks after their lease
	// (checked every minute), and the outbox sweep (every minute) finds mail whose task is gone.
	// The limit is far above that, for a busy machine.
	eventually(t, "every reminder to be sent", 8*time.Minute, allSent(t, db, want.total()), report)
	eventually(t, "every task in Redis to be done", 5*time.Minute, settled(t, redisURL), queues(t, redisURL), report)
	checkExactlyOnce(t, w, srv, want, true)
}

// watch polls cond closely, to act at the moment it holds (a worker to kill mid-run).
func watch(t testing.TB, what string, cond func() bool, explain func() string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 3m0s waiting for %s\n%s", what, explain())
		}
		time.Sleep(time.Millisecond)
	}
}

// backdateMailClaims moves the claims on mail in 'sending' back by d: what d of waiting would do.
func backdateMailClaims(db *database.DB, d time.Duration) error {
	var rows []struct {
		ID        string
		ClaimedAt time.Time
	}
	if err := db.Gorm.Raw(`SELECT id, claimed_at FROM mail_messages WHERE status = 'sending'`).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		if err := db.Gorm.Exec(`UPDATE mail_messages SET claimed_at = ? WHERE id = ?`, r.ClaimedAt.Add(-d), r.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

// --- (b) Redis restarted mid-run ---

// restartableRedis is a Redis of this test's own, stopped and started again empty on the same
// port: a redis-server without persistence when the run uses a real Redis (never the machine's
// own), or a miniredis on the embedded pass.
type restartableRedis struct {
	t    *testing.T
	addr string
	mini *miniredis.Miniredis
	cmd  *exec.Cmd
}

func newRestartableRedis(t *testing.T) *restartableRedis {
	r := &restartableRedis{t: t}
	if os.Getenv("GOLIVE_TEST_REDIS_URL") != "" {
		if _, err := exec.LookPath("redis-server"); err != nil {
			t.Skip("GOLIVE_TEST_REDIS_URL is set but redis-server is not installed: the Redis restart test needs its own server")
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		r.addr = l.Addr().String()
		l.Close()
	} else {
		r.addr = "127.0.0.1:0"
	}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *restartableRedis) url() string { return "redis://" + r.addr + "/0" }

func (r *restartableRedis) start() {
	t := r.t
	if os.Getenv("GOLIVE_TEST_REDIS_URL") == "" {
		r.mini = miniredis.NewMiniRedis()
		if err := r.mini.StartAddr(r.addr); err != nil {
			t.Fatal(err)
		}
		r.addr = r.mini.Addr()
		return
	}
	_, port, _ := net.SplitHostPort(r.addr)
	r.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "redis-server on "+r.addr+" to answer", 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", r.addr, 100*time.Millisecond)
		if err != nil {
			return false
		}
		defer c.Close()
		_, _ = c.Write([]byte("PING\r\n"))
		buf := make([]byte, 7)
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		n, _ := c.Read(buf)
		return strings.HasPrefix(string(buf[:n]), "+PONG")
	})
}

func (r *restartableRedis) stop() {
	if r.mini != nil {
		r.mini.Close()
		r.mini = nil
	}
	if r.cmd != nil {
		_ = r.cmd.Process.Signal(syscall.SIGKILL)
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

func TestRedisRestartedMidRunLosesNoReminderAndDoublesNone(t *testing.T) {
	dbtest.Faults(t)
	t.Parallel()
	db := dbtest.Open(t)
	rds := newRestartableRedis(t)
	w := newWorld(t, db, 10)
	want := w.scenario(t, 4)
	srv := smtpServer(t)
	c := newClock(scenarioNow)
	startWorker(t, db, rds.url(), smtpURL(srv), c.Now, 2)

	report := progress(db, srv, want.total())
	restartAt := want.total() / 4
	watch(t, "a quarter of the messages to be sent", func() bool { return len(deliveries(srv)) >= restartAt }, report)
	rds.stop()
	atStop := len(deliveries(srv))
	time.Sleep(500 * time.Millisecond)
	rds.start()
	if atStop >= want.total() {
		t.Fatalf("all %d messages were sent before Redis stopped: no queued task was lost", atStop)
	}
	t.Logf("Redis stopped and started empty after %d of %d messages", atStop, want.total())

	// Reminders come back with the next scan; mail whose task was lost with the next outbox
	// sweep (a minute on).
	eventually(t, "every reminder to be sent", 8*time.Minute, allSent(t, db, want.total()), report)
	eventually(t, "every task in Redis to be done", 3*time.Minute, settled(t, rds.url()), queues(t, rds.url()), report)
	checkExactlyOnce(t, w, srv, want, false)
}

// --- (c) two workers at once ---

func TestTwoWorkersAtOnceSendEachReminderOnce(t *testing.T) {
	dbtest.Faults(t)
	t.Parallel()
	db := dbtest.Open(t)
	redisURL := dbtest.RedisURL(t)
	w := newWorld(t, db, 10)
	want := w.scenario(t, 4)
	srv := smtpServer(t)
	c := newClock(scenarioNow)
	// Two workers, each with its own scheduler: every scan runs twice, and every send task is
	// offered to both.
	startWorker(t, db, redisURL, smtpURL(srv), c.Now, 4)
	startWorker(t, db, redisURL, smtpURL(srv), c.Now, 4)

	report := progress(db, srv, want.total())
	eventually(t, "every reminder to be sent", 6*time.Minute, allSent(t, db, want.total()), report)
	// Let a few more scans from both run over what is sent.
	time.Sleep(3 * time.Second)
	eventually(t, "every task in Redis to be done", 3*time.Minute, settled(t, redisURL), queues(t, redisURL), report)
	checkExactlyOnce(t, w, srv, want, false)
}

func TestManySendsOfOneReminderAtOnceMakeOneMail(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 1)
	m := w.milestone(t, "Register with CQC", "2019-03-19", w.owners[0], false, scenarioMade)
	var id string
	db.Gorm.Raw(`SELECT id FROM reminders WHERE milestone_id = ?`, m.ID).Scan(&id)
	q := &recordingQueue{}
	r := &Reminders{Store: w.store, Queue: q, BaseURL: "https://golive.test", Now: func() time.Time { return scenarioNow }, Log: quiet}

	var wg sync.WaitGroup
	var mailed atomic.Int32
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mail, err := r.SendOnce(context.Background(), id)
			if err != nil {
				errs <- err
			}
			if mail != "" {
				mailed.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var mails, inbox int64
	db.Gorm.Raw(`SELECT count(*) FROM mail_messages`).Scan(&mails)
	db.Gorm.Raw(`SELECT count(*) FROM inbox_messages`).Scan(&inbox)
	if mailed.Load() != 1 || mails != 1 || inbox != 1 {
		t.Fatalf("eight sends at once: %d won, %d mails, %d inbox messages; want 1 of each", mailed.Load(), mails, inbox)
	}
}

// recordingQueue takes tasks without Redis, for tests of one step.
type recordingQueue struct {
	mu    sync.Mutex
	tasks []string
	mail  []string
}

func (q *recordingQueue) Enqueue(_ context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, o := range opts {
		if o.Type() == asynq.TaskIDOpt {
			id := o.Value().(string)
			if slices.Contains(q.tasks, id) {
				return nil, asynq.ErrTaskIDConflict
			}
			q.tasks = append(q.tasks, id)
		}
	}
	return &asynq.TaskInfo{}, nil
}

func (q *recordingQueue) EnqueueMail(_ context.Context, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.mail = append(q.mail, id)
	return nil
}

func (q *recordingQueue) EnqueueMails(_ context.Context, ids []string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.mail = append(q.mail, ids...)
	return nil
}

// --- (d) what no longer applies is cancelled, and times follow UK time ---

func TestDueRemindersGoAt9UKTimeEitherSideOfTheClockChange(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 1)
	// Due Friday 5 April 2019; the clocks went forward on Sunday 31 March.
	m := w.milestone(t, "Profile services on the Directory of Services", "2019-04-05", w.owners[0], false, uk("2019-03-01 12:00"))
	got := map[string]time.Time{}
	for _, r := range w.reminders(t) {
		got[r.Key] = r.SendAt.UTC()
	}
	want := map[string]time.Time{
		dueKey(m.ID, "2019-04-05", 14, w.owners[0].ID): time.Date(2019, 3, 22, 9, 0, 0, 0, time.UTC), // GMT
		dueKey(m.ID, "2019-04-05", 7, w.owners[0].ID):  time.Date(2019, 3, 29, 9, 0, 0, 0, time.UTC), // GMT
		dueKey(m.ID, "2019-04-05", 1, w.owners[0].ID):  time.Date(2019, 4, 4, 8, 0, 0, 0, time.UTC),  // 09:00 BST
	}
	if len(got) != len(want) {
		t.Fatalf("reminders %v, want %v", got, want)
	}
	for k, at := range want {
		if !got[k].Equal(at) {
			t.Errorf("%s at %s, want %s", k, got[k], at)
		}
	}

	// Overdue on Monday 8 April (BST): the scan's overdue reminder and the digest, at 09:00 and
	// 08:00 UK time, which are 08:00 and 07:00 UTC; in winter the same hours in UTC.
	r := &Reminders{Store: w.store, Queue: &recordingQueue{}, Now: func() time.Time { return uk("2019-04-08 00:05") }, Log: quiet}
	scanDay(t, r)
	r.Now = func() time.Time { return uk("2019-11-04 00:05") } // a Monday in GMT
	scanDay(t, r)
	at := map[string]string{}
	for _, r := range w.reminders(t) {
		at[r.Key] = r.SendAt.UTC().Format(time.RFC3339)
	}
	for key, want := range map[string]string{
		overdueKey("2019-04-08", w.owners[0].ID): "2019-04-08T08:00:00Z",
		digestKey(w.owners[0].ID, "2019-W15"):    "2019-04-08T07:00:00Z",
		overdueKey("2019-11-04", w.owners[0].ID): "2019-11-04T09:00:00Z",
		digestKey(w.owners[0].ID, "2019-W45"):    "2019-11-04T08:00:00Z",
	} {
		if at[key] != want {
			t.Errorf("%s at %q, want %s", key, at[key], want)
		}
	}
}

func TestAChangedDueDayOrOwnerAndACompletedMilestoneCancelWhatNoLongerApplies(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 2)
	made := uk("2019-03-01 12:00")
	moved := w.milestone(t, "Complete TUPE consultation", "2019-03-20", w.owners[0], false, made)
	done := w.milestone(t, "Register with CQC", "2019-03-20", w.owners[0], false, made)
	handed := w.milestone(t, "Test telephony failover", "2019-03-20", w.owners[0], false, made)
	if n := len(w.reminders(t)); n != 9 {
		t.Fatalf("%d reminders written, want 9 (14, 7 and 1 days before, for three milestones)", n)
	}

	// A week on, one due day moves out by two weeks, one milestone is accepted as done, and one
	// changes hands.
	later := uk("2019-03-08 15:00")
	o0, o1 := w.owners[0].ID, w.owners[1].ID
	moved = w.change(t, moved, later, func(m *Milestone) { m.DueOn = "2019-04-03" })
	w.change(t, done, later, func(m *Milestone) { m.Status, m.AcceptedAt, m.CompletedOn = Done, &later, "2019-03-08" })
	w.change(t, handed, later, func(m *Milestone) { m.OwnerUserID = o1 })
	wantStates := map[string]ReminderState{
		// The 14-day reminders of 6 March were not sent (no worker ran) and no longer apply either.
		dueKey(moved.ID, "2019-03-20", 14, o0):  Cancelled,
		dueKey(moved.ID, "2019-03-20", 7, o0):   Cancelled,
		dueKey(moved.ID, "2019-03-20", 1, o0):   Cancelled,
		dueKey(moved.ID, "2019-04-03", 14, o0):  Scheduled, // 20 March
		dueKey(moved.ID, "2019-04-03", 7, o0):   Scheduled,
		dueKey(moved.ID, "2019-04-03", 1, o0):   Scheduled,
		dueKey(done.ID, "2019-03-20", 14, o0):   Cancelled,
		dueKey(done.ID, "2019-03-20", 7, o0):    Cancelled,
		dueKey(done.ID, "2019-03-20", 1, o0):    Cancelled,
		dueKey(handed.ID, "2019-03-20", 14, o0): Cancelled,
		dueKey(handed.ID, "2019-03-20", 7, o0):  Cancelled,
		dueKey(handed.ID, "2019-03-20", 1, o0):  Cancelled,
		dueKey(handed.ID, "2019-03-20", 7, o1):  Scheduled, // 13 March, to the new owner
		dueKey(handed.ID, "2019-03-20", 1, o1):  Scheduled,
	}
	checkStates := func(when string) {
		t.Helper()
		got := map[string]ReminderState{}
		for _, r := range w.reminders(t) {
			got[r.Key] = r.State
		}
		if len(got) != len(wantStates) {
			t.Errorf("%s: %d reminders, want %d: %v", when, len(got), len(wantStates), got)
		}
		for key, want := range wantStates {
			if got[key] != want {
				t.Errorf("%s: %s is %q, want %s", when, key, got[key], want)
			}
		}
	}
	checkStates("after the changes")

	// Moving the due day back brings back its reminders still ahead (the same rows, not new ones),
	// and cancels the new day's; and moving it out again the other way round.
	moved = w.change(t, moved, later, func(m *Milestone) { m.DueOn = "2019-03-20" })
	var back []Reminder
	db.Gorm.Where("milestone_id = ? AND state = ?", moved.ID, Scheduled).Order("send_at").Find(&back)
	if got := keys(back); !slices.Equal(got, []string{dueKey(moved.ID, "2019-03-20", 7, o0), dueKey(moved.ID, "2019-03-20", 1, o0)}) {
		t.Errorf("after moving the due day back, scheduled: %v; want its 7- and 1-day reminders again", got)
	}
	moved = w.change(t, moved, later, func(m *Milestone) { m.DueOn = "2019-04-03" })
	checkStates("after moving the due day back and out again")

	// A real worker from 13 March to 20 March: only what still applies reaches the SMTP server.
	redisURL := dbtest.RedisURL(t)
	srv := smtpServer(t)
	c := newClock(uk("2019-03-13 09:30"))
	startWorker(t, db, redisURL, smtpURL(srv), c.Now, 2)
	eventually(t, "the new owner's 7-day reminder", time.Minute, func() bool { return len(deliveries(srv)) >= 1 })
	c.Set(uk("2019-03-19 09:30"))
	eventually(t, "the new owner's 1-day reminder", time.Minute, func() bool { return len(deliveries(srv)) >= 2 })
	// 20 March, a minute before the moved milestone's 14-day reminder: it is accepted as done.
	c.Set(uk("2019-03-20 08:59"))
	time.Sleep(2 * time.Second)
	w.change(t, moved, c.Now(), func(m *Milestone) {
		at := uk("2019-03-20 08:59")
		m.Status, m.AcceptedAt, m.CompletedOn = Done, &at, "2019-03-20"
	})
	c.Set(uk("2019-03-20 09:30"))
	time.Sleep(3 * time.Second)
	eventually(t, "the tasks to be done", time.Minute, settled(t, redisURL))

	var subjects []string
	for _, d := range deliveries(srv) {
		if d.To != strings.ToLower(w.owners[1].Email) {
			t.Errorf("a message went to %s: %q", d.To, d.Subject)
		}
		subjects = append(subjects, d.Subject)
	}
	if !slices.Equal(subjects, []string{"Due in 7 days: Test telephony failover", "Due tomorrow: Test telephony failover"}) {
		t.Errorf("the SMTP server got %q; want only the handed-over milestone's 7- and 1-day reminders, to its new owner", subjects)
	}
	var leftOver int64
	db.Gorm.Raw(`SELECT count(*) FROM reminders WHERE state IN ('scheduled', 'sending') AND send_at <= ?`, uk("2019-03-20 09:30")).Scan(&leftOver)
	if leftOver != 0 {
		t.Errorf("%d reminders due are neither sent nor cancelled", leftOver)
	}
}

func TestASendTaskFindsACompletedMilestonesReminderCancelled(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 1)
	m := w.milestone(t, "Register with CQC", "2019-03-19", w.owners[0], false, scenarioMade)
	q := &recordingQueue{}
	r := &Reminders{Store: w.store, Queue: q, Now: func() time.Time { return scenarioNow }, Log: quiet}
	if res := scanDay(t, r); res.Enqueued != 2 {
		t.Fatalf("scan: %+v; want its 1-day reminder and the owner's Monday digest enqueued", res)
	}
	// Accepted as done without the service's reschedule (a change made another way): the send
	// task still checks, and cancels rather than sends.
	db.Gorm.Model(&Milestone{}).Where("id = ?", m.ID).Updates(map[string]any{"status": Done, "accepted_at": scenarioNow})
	var id string
	db.Gorm.Raw(`SELECT id FROM reminders WHERE milestone_id = ?`, m.ID).Scan(&id)
	mail, err := r.SendOnce(context.Background(), id)
	if err != nil || mail != "" {
		t.Fatalf("send = %q, %v; want nothing sent", mail, err)
	}
	rem, _ := w.store.reminder(context.Background(), id)
	var mails int64
	db.Gorm.Raw(`SELECT count(*) FROM mail_messages`).Scan(&mails)
	if rem.State != Cancelled || mails != 0 {
		t.Fatalf("reminder %s with %d mails; want cancelled and none", rem.State, mails)
	}
}

// --- the scan ---

// scanDay scans until the day's rows are written (a scan writes in batches, about 50 ms' worth,
// so on a slow machine it can take more than one), and adds up what the scans did.
func scanDay(t *testing.T, r *Reminders) ScanResult {
	t.Helper()
	// The write budget is the one timing in a scan: on a busy machine the day's writes would
	// spread over several scans of the same minute, whose send tasks share their ids with the
	// first scan's, so what was enqueued would depend on the load. An hour's budget writes the
	// day in the first scan.
	if r.batch == 0 {
		r.batch, r.budget = writeBatch, time.Hour
	}
	var sum ScanResult
	for i := 0; ; i++ {
		res, err := r.ScanOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sum.Overdue, sum.Escalations, sum.Digests = sum.Overdue+res.Overdue, sum.Escalations+res.Escalations, sum.Digests+res.Digests
		sum.Enqueued += res.Enqueued
		sum.Due, sum.Written = res.Due, res.Written
		if res.Written {
			return sum
		}
		if i > 100 {
			t.Fatal("the day's rows are still not written after 100 scans")
		}
	}
}

func TestScanWritesTheKeysTheRulesNameAndNothingTwice(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 2)
	over := w.milestone(t, "Sign information sharing agreement", "2019-03-13", w.owners[0], false, scenarioMade)
	// A second overdue milestone of the same owner: still one overdue reminder for them today.
	w.milestone(t, "Register with CQC", "2019-03-16", w.owners[0], false, scenarioMade)
	lateLeadOwned := w.milestone(t, "Agree the contract variation", "2019-03-14", person{}, false, scenarioMade)
	w.milestone(t, "Recruit call handlers", "2019-03-19", w.owners[1], false, scenarioMade)
	w.milestone(t, "Done already", "2019-03-12", w.owners[1], true, scenarioMade)
	// The second owner turned the digest off.
	if err := w.store.setPreference(context.Background(), Preference{UserID: w.owners[1].ID, DigestEnabled: false, UpdatedAt: scenarioMade}); err != nil {
		t.Fatal(err)
	}
	q := &recordingQueue{}
	r := &Reminders{Store: w.store, Queue: q, Now: func() time.Time { return scenarioNow }, Log: quiet}
	first := scanDay(t, r)
	var got []string
	for _, rem := range w.reminders(t) {
		if rem.Kind != DueSoon {
			got = append(got, rem.Key)
			if !validID(rem.ID) {
				t.Errorf("reminder %s has id %q, not a UUID", rem.Key, rem.ID)
			}
		}
	}
	want := []string{
		overdueKey("2019-03-18", w.owners[0].ID),
		overdueKey("2019-03-18", w.lead.ID),                      // no owner: the lead is reminded
		escalationKey(over.ID, "2019-03-13", w.lead.ID),          // 5 days overdue
		escalationKey(lateLeadOwned.ID, "2019-03-14", w.lead.ID), // 4 days: the plan escalates after 3
		digestKey(w.owners[0].ID, "2019-W12"),
		digestKey(w.lead.ID, "2019-W12"),
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("the scan wrote\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if first.Enqueued != 7 { // the six above and the 1-day reminder of "Recruit call handlers"
		t.Errorf("first scan enqueued %d, want 7", first.Enqueued)
	}
	// Another worker's scans (with their own memory of the day) pass over the rows written.
	other := &Reminders{Store: w.store, Queue: q, Now: func() time.Time { return scenarioNow }, Log: quiet}
	second := scanDay(t, other)
	if second.Overdue+second.Escalations+second.Digests != 0 || second.Enqueued != 0 || second.Due != 7 {
		t.Errorf("another worker's scans: %+v; want nothing written or enqueued again, 7 still due", second)
	}
	if third, err := r.ScanOnce(context.Background()); err != nil || third.Due != 7 || third.Enqueued != 0 {
		t.Errorf("the next minute's scan: %+v, %v; want the 7 due found, none enqueued twice", third, err)
	}
	if n := len(w.reminders(t)); n != len(want)+1 { // and the 1-day reminder written with the milestone
		t.Errorf("%d reminder rows after two scans, want %d", n, len(want)+1)
	}
}

func TestEscalationsCannotBeTurnedOffButTheDigestCan(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 1)
	w.milestone(t, "Sign information sharing agreement", "2019-03-13", w.owners[0], false, scenarioMade)
	lead := &access.Actor{UserID: w.lead.ID}
	svc := &Service{Store: w.store, Now: func() time.Time { return scenarioMade }}
	off := false
	if _, err := svc.SetPreferences(context.Background(), lead, PreferencesInput{DigestEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	srv := smtpServer(t)
	startWorker(t, db, dbtest.RedisURL(t), smtpURL(srv), newClock(scenarioNow).Now, 2)
	// The owner: overdue and digest; the lead: the escalation, and no digest.
	// A bound, not a timing: on a busy machine a send that failed waits for asynq's retry.
	eventually(t, "three messages", 4*time.Minute, func() bool { return len(deliveries(srv)) >= 3 }, func() string {
		var got []string
		for _, d := range deliveries(srv) {
			got = append(got, d.To+": "+d.Subject)
		}
		return "delivered so far:\n  " + strings.Join(got, "\n  ")
	})
	time.Sleep(2 * time.Second)
	to := map[string][]string{}
	for _, d := range deliveries(srv) {
		to[d.To] = append(to[d.To], d.Subject)
	}
	lm := to[strings.ToLower(w.lead.Email)]
	if len(lm) != 1 || !strings.HasPrefix(lm[0], "Escalation: Sign information sharing agreement is 5 days overdue") {
		t.Errorf("the lead, digest off, got %q; want only the escalation", lm)
	}
	if om := to[strings.ToLower(w.owners[0].Email)]; len(om) != 2 {
		t.Errorf("the owner got %q; want the overdue reminder and the digest", om)
	}
}

// --- the words ---

func TestReminderMailSaysWhatWhichPlanAndPhaseTheDueDayAndLinksTheMilestone(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 1)
	m := w.milestone(t, "Register with CQC", "2019-03-25", w.owners[0], false, scenarioMade)
	r := &Reminders{Store: w.store, Queue: &recordingQueue{}, BaseURL: "https://golive.example.nhs.uk",
		Now: func() time.Time { return scenarioNow }, Log: quiet}
	scanDay(t, r)
	var id string
	db.Gorm.Raw(`SELECT id FROM reminders WHERE milestone_id = ? AND send_at <= ?`, m.ID, scenarioNow).Scan(&id)
	mailID, err := r.SendOnce(context.Background(), id)
	if err != nil || mailID == "" {
		t.Fatalf("send: %q, %v", mailID, err)
	}
	var mail struct{ ToAddr, Subject, BodyText string }
	db.Gorm.Raw(`SELECT to_addr, subject, body_text FROM mail_messages WHERE id = ?`, mailID).Scan(&mail)
	if mail.ToAddr != w.owners[0].Email || mail.Subject != "Due in 7 days: Register with CQC" {
		t.Errorf("mail to %q, subject %q", mail.ToAddr, mail.Subject)
	}
	for _, want := range []string{
		"Hello Owner 0,", `"Register with CQC" is due in 7 days, on Monday 25 March 2019.`,
		"Plan: Lot 1: Integrated urgent care (KM-IUCS-2018-L1)", "Phase: GP out of hours (go-live Monday 1 April 2019)",
		"Open the milestone: https://golive.example.nhs.uk/mobilisation/plans/" + w.plan.ID + "/milestones/" + m.ID,
		"cannot be turned off",
	} {
		if !strings.Contains(mail.BodyText, want) {
			t.Errorf("the mail does not say %q:\n%s", want, mail.BodyText)
		}
	}
	var in InboxMessage
	db.Gorm.Where("user_id = ?", w.owners[0].ID).Take(&in)
	if in.Subject != mail.Subject || in.Link != milestoneLink(w.plan.ID, m.ID) || strings.Contains(in.Body, "https://") ||
		strings.Contains(in.Body, "Open the milestone") || !strings.Contains(in.Body, `"Register with CQC" is due in 7 days`) {
		t.Errorf("inbox message %+v; want the same subject and words, the milestone's path as its link, not in the text", in)
	}
}

// --- the inbox: one's own only ---

// twoOwnersReminded is two owners with a milestone each, due in a week, and every reminder due
// by scenarioNow sent into their inboxes.
func twoOwnersReminded(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, dbtest.Open(t), 2)
	w.milestone(t, "Recruit call handlers", "2019-03-19", w.owners[0], false, scenarioMade)
	w.milestone(t, "Test telephony failover", "2019-03-19", w.owners[1], false, scenarioMade)
	r := &Reminders{Store: w.store, Queue: &recordingQueue{}, Now: func() time.Time { return scenarioNow }, Log: quiet}
	scanDay(t, r)
	for _, rem := range w.reminders(t) {
		if !rem.SendAt.After(scenarioNow) {
			if _, err := r.SendOnce(context.Background(), rem.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	return w
}

func TestEveryoneSeesAndMarksOnlyTheirOwnMessages(t *testing.T) {
	t.Parallel()
	w := twoOwnersReminded(t)
	ctx := context.Background()
	svc := &Service{Store: w.store, Now: func() time.Time { return scenarioNow }}
	a, b := &access.Actor{UserID: w.owners[0].ID}, &access.Actor{UserID: w.owners[1].ID}
	va, err := svc.Inbox(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	vb, _ := svc.Inbox(ctx, b)
	// Each: the 1-day reminder and the Monday digest, newest first.
	if len(va.Messages) != 2 || va.Unread != 2 || !va.Digest || len(vb.Messages) != 2 {
		t.Fatalf("inboxes: %d (%d unread) and %d messages; want 2 each, unread", len(va.Messages), va.Unread, len(vb.Messages))
	}
	for _, m := range va.Messages {
		if m.UserID != a.UserID || strings.Contains(m.Body, "Test telephony failover") {
			t.Errorf("owner 0 sees %q, which is not theirs", m.Subject)
		}
	}
	// Marking another's message read is not found, exactly like a message that does not exist.
	_, err = svc.MarkRead(ctx, a, MarkReadInput{MessageID: vb.Messages[0].ID})
	if !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("marking another's message read: %v, want not found", err)
	}
	if vb2, _ := svc.Inbox(ctx, b); vb2.Unread != 2 {
		t.Fatalf("the other's messages: %d unread, want still 2", vb2.Unread)
	}
	if n, err := svc.MarkRead(ctx, a, MarkReadInput{MessageID: va.Messages[0].ID}); err != nil || n != 1 {
		t.Fatalf("mark own read: %d, %v", n, err)
	}
	if n, err := svc.MarkRead(ctx, a, MarkReadInput{All: true}); err != nil || n != 1 {
		t.Fatalf("mark all read: %d, %v; want the one left", n, err)
	}
	if _, err := svc.MarkRead(ctx, a, MarkReadInput{}); !apperr.IsKind(err, apperr.Invalid) {
		t.Errorf("mark read with neither a message nor all: %v, want invalid", err)
	}
	if _, err := svc.MarkRead(ctx, a, MarkReadInput{MessageID: "not-an-id"}); !apperr.IsKind(err, apperr.NotFound) {
		t.Errorf("mark read of a malformed id: %v, want not found", err)
	}
	if _, err := svc.SetPreferences(ctx, a, PreferencesInput{}); !apperr.IsKind(err, apperr.Invalid) {
		t.Errorf("preferences without digest_enabled: %v, want invalid", err)
	}
	if _, err := svc.Inbox(ctx, nil); !apperr.IsKind(err, apperr.Unauthenticated) {
		t.Errorf("inbox of nobody: %v, want unauthenticated", err)
	}
}

func keys(rs []Reminder) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Key
	}
	return out
}

// --- the inbox pages and API, over HTTP ---

// inboxApp serves the inbox pages and API over w's database, behind a stand-in for sign-in that
// acts as the person whose user id is in X-Test-User (the tenants middleware and casbin are
// cmd/golive's, tested in its authorisation matrix).
func inboxApp(t *testing.T, w *world) *fiber.App {
	t.Helper()
	renderer, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := &web.Server{Renderer: renderer, Logger: quiet, BaseURL: "http://golive.test"}
	app := srv.NewApp(web.Options{})
	people := map[string]person{w.lead.ID: w.lead}
	for _, o := range w.owners {
		people[o.ID] = o
	}
	app.Use(func(c *fiber.Ctx) error {
		if p, ok := people[c.Get("X-Test-User")]; ok {
			web.SetActor(c, &access.Actor{UserID: p.ID, Name: p.Name, Email: p.Email})
		}
		return c.Next()
	})
	pass := func(access.Permission) fiber.Handler {
		return func(c *fiber.Ctx) error {
			if web.ActorFrom(c) == nil {
				return fiber.ErrUnauthorized
			}
			return c.Next()
		}
	}
	svc := &Service{Store: w.store, Now: func() time.Time { return scenarioNow }, Log: quiet}
	(&InboxPages{Svc: svc, Web: srv}).Mount(app, pass)
	(&InboxAPI{Svc: svc}).Mount(app.Group("/api/v1"), pass)
	return app
}

func call(t *testing.T, app *fiber.App, who person, method, path, contentType, body string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("X-Test-User", who.ID)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

const formType = "application/x-www-form-urlencoded"

func TestTheInboxPageShowsOnesOwnRemindersAndMarksThemRead(t *testing.T) {
	t.Parallel()
	w := twoOwnersReminded(t)
	app := inboxApp(t, w)
	me, other := w.owners[0], w.owners[1]

	status, _, page := call(t, app, me, "GET", "/inbox", "", "")
	if status != 200 {
		t.Fatalf("GET /inbox: %d", status)
	}
	for _, want := range []string{"You have 2 unread messages.", "Due tomorrow: Recruit call handlers", "Your mobilisation week: 1 due in the next 14 days",
		"Mark all as read", "Unread", `href="/mobilisation/plans/` + w.plan.ID + `/milestones/`, "the weekly digest is on"} {
		if !strings.Contains(page, html.EscapeString(want)) && !strings.Contains(page, want) {
			t.Errorf("the inbox does not show %q", want)
		}
	}
	if strings.Contains(page, "Test telephony failover") {
		t.Error("the inbox shows another person's reminder")
	}

	var theirs, mine []string
	w.db.Gorm.Raw(`SELECT id FROM inbox_messages WHERE user_id = ?`, other.ID).Scan(&theirs)
	w.db.Gorm.Raw(`SELECT id FROM inbox_messages WHERE user_id = ? ORDER BY created_at`, me.ID).Scan(&mine)
	if status, _, _ := call(t, app, me, "POST", "/inbox/read", formType, "message="+theirs[0]); status != 404 {
		t.Errorf("marking another's message read: %d, want 404", status)
	}
	if status, _, page := call(t, app, me, "POST", "/inbox/read", formType, ""); status != 422 || !strings.Contains(page, "Select a message to mark as read") {
		t.Errorf("marking nothing read: %d, want 422 with the reason in the error summary", status)
	}
	if status, h, _ := call(t, app, me, "POST", "/inbox/read", formType, "message="+mine[0]); status != 303 || h.Get("Location") != "/inbox" {
		t.Errorf("marking my message read: %d to %q, want 303 to /inbox", status, h.Get("Location"))
	}
	if _, _, page := call(t, app, me, "GET", "/inbox", "", ""); !strings.Contains(page, "You have 1 unread message.") {
		t.Error("after marking one read the inbox does not say 1 unread")
	}
	call(t, app, me, "POST", "/inbox/read", formType, "all=yes")
	if _, _, page := call(t, app, me, "GET", "/inbox", "", ""); !strings.Contains(page, "You have no unread messages.") || strings.Contains(page, "Mark all as read") {
		t.Error("after marking all read the inbox still shows unread messages")
	}
	var unreadTheirs int64
	w.db.Gorm.Raw(`SELECT count(*) FROM inbox_messages WHERE user_id = ? AND read_at IS NULL`, other.ID).Scan(&unreadTheirs)
	if unreadTheirs != 2 {
		t.Errorf("the other person's messages: %d unread, want 2 still", unreadTheirs)
	}
}

func TestReminderSettingsTurnTheDigestOffButNotEscalations(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 1)
	app := inboxApp(t, w)
	me := w.owners[0]
	_, _, page := call(t, app, me, "GET", "/account/reminders", "", "")
	for _, want := range []string{"Do you want the weekly digest?", `value="yes" checked`, "escalations to a plan&#39;s lead cannot be turned off"} {
		if !strings.Contains(page, want) {
			t.Errorf("the settings page does not show %q", want)
		}
	}
	for _, bad := range []string{"", "digest=maybe"} {
		status, _, page := call(t, app, me, "POST", "/account/reminders", formType, bad)
		if status != 422 || !strings.Contains(page, "Select whether you want the weekly digest") || !strings.Contains(page, `href="#digest"`) {
			t.Errorf("POST %q: %d; want 422 with the message beside the field and in the error summary", bad, status)
		}
	}
	if status, h, _ := call(t, app, me, "POST", "/account/reminders", formType, "digest=no"); status != 303 || h.Get("Location") != "/account/reminders" {
		t.Fatalf("turning the digest off: %d to %q", status, h.Get("Location"))
	}
	if on, _ := w.store.digestEnabled(context.Background(), me.ID); on {
		t.Fatal("the digest is still on")
	}
	if _, _, page := call(t, app, me, "GET", "/account/reminders", "", ""); !strings.Contains(page, `value="no" checked`) {
		t.Error("the settings page does not show the digest off")
	}
}

func TestTheInboxAPIAnswersOnesOwnAndRefusesBadBodiesAsProblems(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 2)
	w.milestone(t, "Recruit call handlers", "2019-03-19", w.owners[0], false, scenarioMade)
	r := &Reminders{Store: w.store, Queue: &recordingQueue{}, Now: func() time.Time { return scenarioNow }, Log: quiet}
	scanDay(t, r)
	for _, rem := range w.reminders(t) {
		if !rem.SendAt.After(scenarioNow) {
			if _, err := r.SendOnce(context.Background(), rem.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	app := inboxApp(t, w)
	me, other := w.owners[0], w.owners[1]

	var got InboxJSON
	status, _, body := call(t, app, me, "GET", "/api/v1/inbox", "", "")
	if status != 200 || json.Unmarshal([]byte(body), &got) != nil {
		t.Fatalf("GET /api/v1/inbox: %d %s", status, body)
	}
	if len(got.Messages) != 2 || got.Unread != 2 || !got.Preferences.DigestEnabled || got.Preferences.EscalationsCanBeTurnedOff {
		t.Errorf("inbox = %+v; want 2 unread messages and the digest on", got)
	}
	if got.Total != 2 || got.Page != 1 || got.Pages != 1 {
		t.Errorf("inbox paging = total %d, page %d of %d; want 2 on page 1 of 1", got.Total, got.Page, got.Pages)
	}
	for _, bad := range []string{"0", "x", "-2"} {
		status, h, body := call(t, app, me, "GET", "/api/v1/inbox?page="+bad, "", "")
		if status != 422 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || !strings.Contains(body, `"page"`) {
			t.Errorf("GET /api/v1/inbox?page=%s: %d %s; want 422 problem+json naming page", bad, status, body)
		}
	}
	_, _, body = call(t, app, other, "GET", "/api/v1/inbox", "", "")
	if strings.Contains(body, "Recruit call handlers") {
		t.Error("another person's inbox shows my reminder")
	}

	for _, tc := range []struct{ body, field string }{
		{`{}`, "digest_enabled"},
		{`{"digest_enabled": "no"}`, "digest_enabled"},
		{`{"digest_enabled": false, "escalations": false}`, "escalations"},
	} {
		status, h, body := call(t, app, me, "PUT", "/api/v1/inbox/preferences", "application/json", tc.body)
		if status != 422 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || !strings.Contains(body, `"`+tc.field+`"`) {
			t.Errorf("PUT %s: %d %s %s; want 422 problem+json naming %s", tc.body, status, h.Get("Content-Type"), body, tc.field)
		}
	}
	if status, _, body := call(t, app, me, "PUT", "/api/v1/inbox/preferences", "application/json", `{"digest_enabled": false}`); status != 200 || !strings.Contains(body, `"digest_enabled":false`) {
		t.Errorf("turning the digest off: %d %s", status, body)
	}
	if status, _, _ := call(t, app, me, "POST", "/api/v1/inbox/read", "application/json", `{"message_id": "`+newID()+`"}`); status != 404 {
		t.Errorf("marking a message that is not mine read: %d, want 404", status)
	}
	if status, _, body := call(t, app, me, "POST", "/api/v1/inbox/read", "application/json", `{"all": true}`); status != 200 || !strings.Contains(body, `"marked_read":2`) {
		t.Errorf("marking all read: %d %s", status, body)
	}
}

func TestTheDaysWritesGoOnScanByScanUntilDoneEachRowOnce(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 3)
	// Five milestones overdue, of three owners, three of them long enough to escalate; two due
	// the same day.
	for i, due := range []string{"2019-03-10", "2019-03-10", "2019-03-12", "2019-03-16", "2019-03-17"} {
		w.milestone(t, fmt.Sprintf("Overdue %d", i), due, w.owners[i%3], false, scenarioMade)
	}
	// One batch of two a scan: the day's writes take several scans, each going on after the last.
	r := &Reminders{Store: w.store, Queue: &recordingQueue{}, Now: func() time.Time { return scenarioNow }, Log: quiet,
		batch: 2, budget: time.Nanosecond}
	var scans int
	var overdue, escalations int64
	for {
		res, err := r.ScanOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		scans++
		overdue, escalations = overdue+res.Overdue, escalations+res.Escalations
		if res.Written || scans > 20 {
			break
		}
	}
	// Overdue, one per owner: the first batch writes the first two owners' (their milestones due
	// on the 10th), the second only the third owner's, passing over the later milestones of the
	// two whose row is written, and is short; escalations, one per milestone: 2 + 1; the
	// Monday's digests: 1.
	if overdue != 3 || escalations != 3 || scans != 5 {
		t.Errorf("%d overdue reminders and %d escalations in %d scans; want 3 and 3 in 5", overdue, escalations, scans)
	}
	var keys []string
	db.Gorm.Raw(`SELECT key FROM reminders WHERE kind IN ('overdue', 'escalation')`).Scan(&keys)
	if len(keys) != 6 {
		t.Errorf("rows %v, want the 6 written", keys)
	}
	// Another worker, from the start of the day, finds them written and writes nothing.
	other := &Reminders{Store: w.store, Queue: &recordingQueue{}, Now: func() time.Time { return scenarioNow }, Log: quiet,
		batch: 2, budget: time.Nanosecond}
	for range 4 {
		res, err := other.ScanOnce(context.Background())
		if err != nil || res.Overdue+res.Escalations+res.Digests != 0 {
			t.Fatalf("another worker's scan: %+v, %v; want nothing written", res, err)
		}
	}
}

// TestTheInboxIsPagedWithUnreadFirst: 30 messages, of which the 5 oldest are unread. The first
// page of 25 starts with those 5 (newest first among them), then the read ones newest first;
// the second page holds the last 5; a page past the end is the last page.
func TestTheInboxIsPagedWithUnreadFirst(t *testing.T) {
	t.Parallel()
	w := newWorld(t, dbtest.Open(t), 1)
	ctx := context.Background()
	me := w.owners[0].ID
	base := scenarioNow.Add(-100 * time.Hour)
	read := scenarioNow
	for i := range 30 {
		m := &InboxMessage{ID: uuid.Must(uuid.NewV7()).String(), UserID: me, Subject: fmt.Sprintf("message %02d", i),
			Body: "Overdue.", CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if i >= 5 {
			m.ReadAt = &read
		}
		if err := w.store.addInbox(ctx, []InboxMessage{*m}); err != nil {
			t.Fatal(err)
		}
	}
	svc := &Service{Store: w.store, Now: func() time.Time { return scenarioNow }}
	a := &access.Actor{UserID: me}
	subjects := func(v InboxView) []string {
		var out []string
		for _, m := range v.Messages {
			out = append(out, m.Subject)
		}
		return out
	}
	p1, err := svc.InboxPage(ctx, a, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Total != 30 || p1.Unread != 5 || p1.Pages != 2 || p1.Page != 1 || len(p1.Messages) != InboxPageSize {
		t.Fatalf("page 1: %d messages of %d, %d unread, page %d of %d", len(p1.Messages), p1.Total, p1.Unread, p1.Page, p1.Pages)
	}
	got := subjects(p1)
	if want := []string{"message 04", "message 03", "message 02", "message 01", "message 00", "message 29"}; !slices.Equal(got[:6], want) {
		t.Errorf("page 1 starts %v, want %v", got[:6], want)
	}
	p2, err := svc.InboxPage(ctx, a, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(p2); !slices.Equal(got, []string{"message 09", "message 08", "message 07", "message 06", "message 05"}) {
		t.Errorf("page 2: %v", got)
	}
	if past, err := svc.InboxPage(ctx, a, 99); err != nil || past.Page != 2 || len(past.Messages) != 5 {
		t.Errorf("page 99: page %d with %d messages, %v; want the last page", past.Page, len(past.Messages), err)
	}
	if first, err := svc.InboxPage(ctx, a, -3); err != nil || first.Page != 1 {
		t.Errorf("page -3: page %d, %v; want the first", first.Page, err)
	}
}

func TestParseInboxPage(t *testing.T) {
	for in, want := range map[string]int{"": 1, "1": 1, "7": 7} {
		if got, err := ParseInboxPage(in); err != nil || got != want {
			t.Errorf("ParseInboxPage(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-1", "x", "1.5", "99999999999999999999"} {
		if _, err := ParseInboxPage(in); !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("ParseInboxPage(%q): %v, want invalid", in, err)
		}
	}
}
