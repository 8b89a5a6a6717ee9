package mobilisation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"golive/apperr"
	"golive/jobs"
)

// Task types of mobilisation's reminders.
const (
	TypeReminderScan  = "reminder:scan"
	TypeReminderBatch = "reminder:send-batch"
)

// ScanEveryMinute is the cron spec of the reminder scan (Europe/London, as the scheduler reads it).
const ScanEveryMinute = "* * * * *"

const (
	// reminderClaimStale is when a 'sending' claim is taken to belong to a dead worker: far above
	// the send task's timeout, so a send still in progress is never taken over.
	reminderClaimStale  = 5 * time.Minute
	reminderSendTimeout = time.Minute
	reminderMaxRetry    = 10
	// scanMax bounds the due reminders one scan enqueues: a backlog beyond it is taken on by the
	// next minutes', as what is sent leaves it.
	scanMax = 50_000
	// sendBatch is the most reminders one send task claims and sends: one claim, one
	// transaction and one mail task for them all. A smaller backlog is spread over about
	// sendSpread tasks (of at least sendBatchMin), so that a worker's goroutines share it.
	sendBatch    = 100
	sendBatchMin = 10
	sendSpread   = 8
	// writeBatch is how many milestones one statement of the daily writes covers, and writeBudget
	// about how long a scan spends on them before it leaves the rest to the next minute's.
	writeBatch  = 250
	writeBudget = 50 * time.Millisecond
)

// Queue enqueues tasks: *jobs.Client (or the worker's own, Worker.Client()).
type Queue interface {
	Enqueue(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
	EnqueueMail(ctx context.Context, id string) error
	EnqueueMails(ctx context.Context, ids []string) error
}

// MailSender sends mail queued in the outbox now, from the calling job (*jobs.Worker).
type MailSender interface {
	SendMails(ctx context.Context, ids []string) error
}

// Reminders runs the reminder jobs: a periodic scan that writes the reminders falling due and
// enqueues send tasks for the due rows, one per batch of them, and the send task, which claims a
// batch of due rows in the database (one statement) before it writes anything. Every step is
// safe to run twice or on several workers at once: rows are named by a unique key, the claim
// gives each row to one worker only, and only the worker that holds a row's claim writes its
// mail, in the same transaction that marks it sent. A task lost with Redis is found again by the
// next scan, since its rows are still 'scheduled'.
type Reminders struct {
	Store   *Store
	Queue   Queue
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
	// Mail, when set (the worker, *jobs.Worker), sends a batch's mail from its send task as soon
	// as the batch commits, over one SMTP connection; otherwise the mail goes as one task per
	// batch through Queue.
	Mail MailSender
	// Parallel is how many send tasks the scan enqueues at once (one when zero): at 09:00 there
	// are thousands, each a round trip to Redis. More than one needs a Queue safe for concurrent
	// use, as *jobs.Client is.
	Parallel int

	mu  sync.Mutex
	day dayWrites // what this process has written of today's overdue reminders, escalations and digests

	batch  int           // writeBatch unless set (tests)
	budget time.Duration // writeBudget unless set (tests)
}

func (r *Reminders) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}

// Register adds the reminder handlers to w and the scan to its scheduler on scanSpec
// (ScanEveryMinute in production).
func (r *Reminders) Register(w *jobs.Worker, scanSpec string) error {
	if r.Store == nil || r.Queue == nil || r.Now == nil {
		return errors.New("reminders: store, queue and clock are required")
	}
	w.Handle(TypeReminderScan, r.Scan)
	w.Handle(TypeReminderBatch, r.SendBatch)
	// No retry: the next scan is the retry.
	return w.Schedule(scanSpec, asynq.NewTask(TypeReminderScan, nil), asynq.MaxRetry(0), asynq.Timeout(50*time.Second))
}

type batchPayload struct {
	Max int `json:"max"`
}

// BatchTask is the send task that claims and sends up to max due reminders, and its options.
// It names no rows: it claims whichever are due when it runs. Its id is the scan's minute and
// the task's place in it, so the scans of one minute (or of several workers) enqueue each task
// once, while a task that fails and waits for its retry holds up nothing after that minute.
func BatchTask(minute time.Time, k, max int) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(batchPayload{Max: max}) // a struct of one int always marshals
	return asynq.NewTask(TypeReminderBatch, b), []asynq.Option{
		asynq.TaskID(fmt.Sprintf("reminder-batch:%s:%d", minute.UTC().Format("2006-01-02T15:04"), k)),
		asynq.MaxRetry(reminderMaxRetry),
		asynq.Timeout(reminderSendTimeout),
	}
}

// batchSize is how many reminders each send task takes when due are due.
func batchSize(due int) int {
	return min(sendBatch, max(sendBatchMin, (due+sendSpread-1)/sendSpread))
}

// ScanResult is what one scan did.
type ScanResult struct {
	Overdue, Escalations, Digests int64 // rows written
	Written                       bool  // today's rows are all written (by this process)
	Due                           int   // rows found ready to send
	Batches                       int   // send tasks enqueued (the others were queued already)
	Enqueued                      int   // due rows those tasks are for
}

// Scan is the periodic task: write what falls due now, then enqueue the send tasks of every due
// reminder.
func (r *Reminders) Scan(ctx context.Context, _ *asynq.Task) error {
	res, err := r.ScanOnce(ctx)
	if res.Enqueued > 0 || res.Overdue+res.Escalations+res.Digests > 0 {
		r.log().Info("reminder scan", "overdue", res.Overdue, "escalations", res.Escalations, "digests", res.Digests,
			"due", res.Due, "batches", res.Batches, "enqueued", res.Enqueued)
	}
	return err
}

// ScanOnce runs one scan at the clock's now.
func (r *Reminders) ScanOnce(ctx context.Context) (ScanResult, error) {
	var res ScanResult
	now := r.Now().UTC().Truncate(time.Microsecond)
	if err := r.write(ctx, now, &res); err != nil {
		return res, err
	}
	due, err := r.Store.dueReminderCount(ctx, now, now.Add(-reminderClaimStale), scanMax)
	if err != nil {
		return res, err
	}
	if due == scanMax {
		r.log().Warn("more reminders are due than one scan enqueues; the next scans take the rest", "max", scanMax)
	}
	res.Due = due
	size := batchSize(due)
	var tasks []batchTask
	for k := 0; k*size < due; k++ {
		tasks = append(tasks, batchTask{k: k, n: min(size, due-k*size)})
	}
	var errs []error
	res.Batches, res.Enqueued, errs = r.enqueueAll(ctx, now.Truncate(time.Minute), size, tasks)
	if len(errs) > 0 {
		// Redis down, most likely: the rows are still scheduled, and the next scan tries again.
		return res, fmt.Errorf("reminder scan: %d of %d send tasks could not be enqueued: %w", len(errs), len(tasks), errors.Join(errs[:min(len(errs), 5)]...))
	}
	return res, nil
}

type batchTask struct{ k, n int }

// enqueueAll enqueues the send tasks, Parallel at a time, and says how many it enqueued and for
// how many reminders.
func (r *Reminders) enqueueAll(ctx context.Context, minute time.Time, size int, tasks []batchTask) (int, int, []error) {
	var (
		mu             sync.Mutex
		batches, count int
		errs           []error
		wg             sync.WaitGroup
		slots          = make(chan struct{}, max(1, r.Parallel))
	)
	for _, bt := range tasks {
		slots <- struct{}{}
		wg.Add(1)
		go func(bt batchTask) {
			defer func() { <-slots; wg.Done() }()
			t, opts := BatchTask(minute, bt.k, size)
			_, err := r.Queue.Enqueue(ctx, t, opts...)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				batches++
				count += bt.n
			case errors.Is(err, asynq.ErrTaskIDConflict):
				// Queued already this minute, running, or waiting to retry.
			default:
				errs = append(errs, err)
			}
		}(bt)
	}
	wg.Wait()
	return batches, count, errs
}

// dayWrites is how far a process has got with a UK day's writes: the batches go in milestone id
// order, and each kind is done once a batch comes back short.
type dayWrites struct {
	day                           string
	overdueAfter, escalationAfter batchMark
	overdueDone, escalationDone   bool
	digestDone                    bool
}

// write adds the reminders that are written when they fall due: today's overdue reminders (one
// per person with a milestone overdue) and escalations (one per milestone), and on Mondays the
// week's digests.
//
// They depend on the day alone, so each worker process writes them with its first scans of the
// UK day (in batches, about writeBudget a scan) and not again that day: every other minute the
// scan is just the look for what is due, however many milestones are overdue. Several workers
// each write them, the unique key making the second write nothing. A milestone that falls
// overdue later in the day by a change (its due day moved into the past, or its acceptance
// withdrawn) has its first overdue reminder the next morning.
func (r *Reminders) write(ctx context.Context, now time.Time, res *ScanResult) error {
	today := DayOf(now)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.day.day != today {
		r.day = dayWrites{day: today, digestDone: mondayOf(today) != today}
	}
	d := &r.day
	at := ReminderSendAt(today, reminderHour)
	batch, budget := writeBatch, writeBudget
	if r.batch > 0 {
		batch, budget = r.batch, r.budget
	}
	started := time.Now()
	// At least one batch a scan, more while within the budget.
	for first := true; !(d.overdueDone && d.escalationDone && d.digestDone) && (first || time.Since(started) < budget); first = false {
		switch {
		case !d.overdueDone:
			ms, err := r.Store.overdueBatch(ctx, today, d.overdueAfter, batch)
			if err != nil {
				return err
			}
			n, err := r.Store.writeOverdue(ctx, idsOf(ms), today, at, now)
			if err != nil {
				return err
			}
			res.Overdue += n
			d.overdueAfter = d.overdueAfter.after(ms)
			d.overdueDone = len(ms) < batch
		case !d.escalationDone:
			ms, err := r.Store.escalationBatch(ctx, today, d.escalationAfter, batch)
			if err != nil {
				return err
			}
			n, err := r.Store.writeEscalations(ctx, idsOf(ms), today, at, now)
			if err != nil {
				return err
			}
			res.Escalations += n
			d.escalationAfter = d.escalationAfter.after(ms)
			d.escalationDone = len(ms) < batch
		default:
			// Written by the first scan of the Monday in any worker (before 08:00 when the workers
			// are up), so a person whose first milestone comes later that Monday has theirs the
			// next week. Once a week, so in one statement.
			digestAt := ReminderSendAt(today, digestHour)
			written, err := r.Store.digestWritten(ctx, digestAt)
			if err != nil {
				return err
			}
			if !written {
				if res.Digests, err = r.Store.writeDigests(ctx, isoWeek(today), today, AddDays(today, digestAheadDays), digestAt, now); err != nil {
					return err
				}
			}
			d.digestDone = true
		}
	}
	res.Written = d.overdueDone && d.escalationDone && d.digestDone
	return nil
}

// SendBatch is the send task: claim a batch of due reminders, then, in one transaction, write
// the mail and the inbox message of each that still applies and mark it sent (and the others
// cancelled); after the commit, send the batch's mail over one SMTP connection (Mail), or enqueue
// it as one task (if that fails, the outbox sweep sends it).
func (r *Reminders) SendBatch(ctx context.Context, t *asynq.Task) error {
	var p batchPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.Max < 1 || p.Max > sendBatch {
		return fmt.Errorf("reminder:send-batch payload %q: %v: %w", t.Payload(), err, asynq.SkipRetry)
	}
	// Microseconds: PostgreSQL keeps no more, and finishing matches the claim by this time.
	now := r.Now().UTC().Truncate(time.Microsecond)
	rems, err := r.Store.claimDueReminders(ctx, now, now.Add(-reminderClaimStale), p.Max)
	if err != nil || len(rems) == 0 {
		return err
	}
	mailIDs, err := r.deliver(ctx, rems, now)
	if err != nil {
		return err
	}
	r.enqueueMail(ctx, mailIDs)
	return nil
}

func (r *Reminders) enqueueMail(ctx context.Context, mailIDs []string) {
	if len(mailIDs) == 0 {
		return
	}
	if r.Mail != nil {
		// Sent now, by this task, as the mail task would; what fails is enqueued as that task.
		if err := r.Mail.SendMails(ctx, mailIDs); err != nil {
			r.log().Warn("reminder mail not all sent nor enqueued; the outbox sweep will send it", "mails", len(mailIDs), "err", err)
		}
		return
	}
	if err := r.Queue.EnqueueMails(ctx, mailIDs); err != nil {
		r.log().Warn("enqueue reminder mail; the outbox sweep will send it", "mails", len(mailIDs), "err", err)
	}
}

// SendOnce sends reminder id if this worker wins its claim, and returns the id of the mail it
// queued ("" when there was none to queue: claimed elsewhere, cancelled, or in-app only). It is
// the send task for one named reminder; it does not enqueue the mail.
func (r *Reminders) SendOnce(ctx context.Context, id string) (string, error) {
	now := r.Now().UTC().Truncate(time.Microsecond)
	rems, err := r.Store.claimReminders(ctx, []string{id}, now, now.Add(-reminderClaimStale))
	if err != nil || len(rems) == 0 {
		// Not won: sent already, cancelled, or being sent by another worker.
		return "", err
	}
	mailIDs, err := r.deliver(ctx, rems, now)
	if err != nil || len(mailIDs) == 0 {
		return "", err
	}
	return mailIDs[0], nil
}

// outgoing is a claimed reminder that still applies, as it is to be written.
type outgoing struct {
	rem  Reminder
	msg  message
	mail *jobs.Mail // nil: the address can take no mail, and the inbox alone has it
}

// deliver writes the claimed reminders rems (claimed at claimedAt) in one transaction and returns
// the ids of the mails it queued. What they speak of is read first, for the whole batch at once:
// each recipient once, each milestone with its plan and phase once. If it fails, the claims are
// released for asynq's retry (or, after a crash, the next scan).
func (r *Reminders) deliver(ctx context.Context, rems []Reminder, claimedAt time.Time) ([]string, error) {
	ids := make([]string, len(rems))
	for i, rem := range rems {
		ids[i] = rem.ID
	}
	mailIDs, err := r.deliverClaimed(ctx, rems, claimedAt)
	if err != nil {
		// Written even if shutdown cancelled ctx, or the retry would wait for the claims to go stale.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if rerr := r.Store.releaseReminders(wctx, ids, claimedAt); rerr != nil {
			r.log().Error("could not release reminder claims; they are retried once stale", "reminders", len(ids), "err", rerr)
		}
		return nil, fmt.Errorf("send %d reminders: %w", len(ids), err)
	}
	return mailIDs, nil
}

func (r *Reminders) deliverClaimed(ctx context.Context, rems []Reminder, claimedAt time.Time) ([]string, error) {
	today := DayOf(claimedAt)
	var users, milestones []string
	for _, rem := range rems {
		users = append(users, rem.UserID)
		if rem.MilestoneID != nil && (rem.Kind == DueSoon || rem.Kind == Escalation) {
			milestones = append(milestones, *rem.MilestoneID)
		}
	}
	people, err := r.Store.recipients(ctx, users)
	if err != nil {
		return nil, err
	}
	abouts, err := r.Store.remindersAbout(ctx, milestones)
	if err != nil {
		return nil, err
	}
	var cancel, send []string
	var out []outgoing
	for _, rem := range rems {
		msg, skip, err := r.compose(ctx, r.Store, rem, today, people, abouts)
		if err != nil {
			return nil, err
		}
		if skip != "" {
			r.log().Info("reminder cancelled: no longer applies", "reminder_id", rem.ID, "kind", rem.Kind, "why", skip)
			cancel = append(cancel, rem.ID)
			continue
		}
		o := outgoing{rem: rem, msg: msg}
		m := jobs.Mail{ID: jobs.NewMailID(), To: people[rem.UserID].Email, Subject: msg.Subject, Text: msg.emailText(r.BaseURL)}
		if err := jobs.CheckMail(m); apperr.IsKind(err, apperr.Invalid) {
			// An address no server would take: the inbox still has it, and ten retries would not help.
			r.log().Warn("reminder shown in the inbox only: the address cannot take mail", "reminder_id", rem.ID, "user_id", rem.UserID, "err", err)
		} else if err != nil {
			return nil, err
		} else {
			o.mail = &m
		}
		send = append(send, rem.ID)
		out = append(out, o)
	}
	var mailIDs []string
	err = r.Store.Tx(ctx, func(tx *Store) error {
		mailIDs = nil
		if len(cancel) > 0 {
			if err := tx.cancelReminders(ctx, cancel, claimedAt); err != nil {
				return err
			}
		}
		if len(send) == 0 {
			return nil
		}
		mailOf := make(map[string]string, len(out))
		for _, o := range out {
			if o.mail != nil {
				mailOf[o.rem.ID] = o.mail.ID
			}
		}
		// First, so that in PostgreSQL the rows are locked against a concurrent cancellation.
		held, err := tx.markRemindersSent(ctx, send, mailOf, claimedAt, claimedAt)
		if err != nil {
			return err
		}
		holds := make(map[string]bool, len(held))
		for _, id := range held {
			holds[id] = true
		}
		var inbox []InboxMessage
		var mails []jobs.Mail
		for _, o := range out {
			if !holds[o.rem.ID] {
				// Cancelled by a change to the milestone, or taken over: nothing is written for it.
				r.log().Info("reminder not sent: cancelled or taken over while claimed", "reminder_id", o.rem.ID)
				continue
			}
			inbox = append(inbox, InboxMessage{ID: newID(), UserID: o.rem.UserID, ReminderID: o.rem.ID, Subject: o.msg.Subject,
				Body: o.msg.inboxText(), Link: o.msg.Link, CreatedAt: claimedAt})
			if o.mail != nil {
				mails = append(mails, *o.mail)
			}
		}
		if err := tx.addInbox(ctx, inbox); err != nil {
			return err
		}
		mailIDs, err = tx.queueMails(ctx, mails)
		return err
	})
	return mailIDs, err
}

// compose writes the reminder's message, from the batch's people and milestones and, for an
// overdue message or a digest, what it lists, read now; skip says why it is not to be sent, when
// it no longer applies.
func (r *Reminders) compose(ctx context.Context, st *Store, rem Reminder, today string, people map[string]recipient,
	abouts map[string]reminderAbout) (message, string, error) {
	to, ok := people[rem.UserID]
	if !ok {
		return message{}, "the person no longer exists", nil
	}
	if !to.Active {
		return message{}, "the person's account is closed", nil
	}
	if rem.Kind == Digest {
		on, err := st.digestEnabled(ctx, rem.UserID)
		if err != nil {
			return message{}, "", err
		}
		if !on {
			return message{}, "the person turned the digest off", nil
		}
		items, err := st.digestItems(ctx, rem.UserID, today, AddDays(today, digestAheadDays))
		if err != nil {
			return message{}, "", err
		}
		msg, ok := composeDigest(items, to, today)
		if !ok {
			return message{}, "nothing to put in the digest", nil
		}
		return msg, "", nil
	}
	if rem.Kind == Overdue {
		if ok, why := overdueApplies(rem, today); !ok {
			return message{}, why, nil
		}
		items, more, err := st.overdueItems(ctx, rem.UserID, today, overdueMaxItems)
		if err != nil {
			return message{}, "", err
		}
		msg, ok := composeOverdue(items, more, to, today)
		if !ok {
			return message{}, "nothing of theirs is overdue any more", nil
		}
		return msg, "", nil
	}
	if rem.MilestoneID == nil {
		return message{}, "not about a milestone", nil
	}
	about, ok := abouts[*rem.MilestoneID]
	if !ok {
		return message{}, "the milestone no longer exists", nil
	}
	if ok, why := reminderApplies(rem, about.Plan, about.Milestone, today); !ok {
		return message{}, why, nil
	}
	return composeReminder(rem, about, to, today), "", nil
}
