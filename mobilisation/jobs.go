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
	TypeReminderScan = "reminder:scan"
	TypeReminderSend = "reminder:send"
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
	// writeBatch is how many milestones one statement of the daily writes covers, and writeBudget
	// about how long a scan spends on them before it leaves the rest to the next minute's.
	writeBatch  = 250
	writeBudget = 50 * time.Millisecond
)

// Queue enqueues tasks: *jobs.Client (or the worker's own, Worker.Client()).
type Queue interface {
	Enqueue(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
	EnqueueMail(ctx context.Context, id string) error
}

// Reminders runs the reminder jobs: a periodic scan that writes the reminders falling due and
// enqueues a send task per due row, and the send task, which claims its row in the database
// before it writes anything. Every step is safe to run twice or on several workers at once:
// rows are named by a unique key, tasks by the row's id, and only the worker that wins the
// claim writes the mail, in the same transaction that marks the reminder sent. A task lost with
// Redis is found again by the next scan, since its row is still 'scheduled'.
type Reminders struct {
	Store   *Store
	Queue   Queue
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
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
	w.Handle(TypeReminderSend, r.Send)
	// No retry: the next scan is the retry.
	return w.Schedule(scanSpec, asynq.NewTask(TypeReminderScan, nil), asynq.MaxRetry(0), asynq.Timeout(50*time.Second))
}

type reminderPayload struct {
	ID string `json:"id"`
}

// SendTask is the task that sends reminder id, and its options: the task id is the row's, so
// Redis refuses a second task for a reminder while one is queued or waiting to retry.
func SendTask(id string) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(reminderPayload{ID: id}) // a struct of one string always marshals
	return asynq.NewTask(TypeReminderSend, b), []asynq.Option{
		asynq.TaskID("reminder:" + id),
		asynq.MaxRetry(reminderMaxRetry),
		asynq.Timeout(reminderSendTimeout),
	}
}

// ScanResult is what one scan did.
type ScanResult struct {
	Overdue, Escalations, Digests int64 // rows written
	Written                       bool  // today's rows are all written (by this process)
	Due                           int   // rows found ready to send
	Enqueued                      int   // send tasks enqueued (the others were queued already)
}

// Scan is the periodic task: write what falls due now, then enqueue every due reminder.
func (r *Reminders) Scan(ctx context.Context, _ *asynq.Task) error {
	res, err := r.ScanOnce(ctx)
	if res.Enqueued > 0 || res.Overdue+res.Escalations+res.Digests > 0 {
		r.log().Info("reminder scan", "overdue", res.Overdue, "escalations", res.Escalations, "digests", res.Digests,
			"due", res.Due, "enqueued", res.Enqueued)
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
	ids, err := r.Store.dueReminderIDs(ctx, now, now.Add(-reminderClaimStale), scanMax)
	if err != nil {
		return res, err
	}
	if len(ids) == scanMax {
		r.log().Warn("more reminders are due than one scan enqueues; the next scans take the rest", "max", scanMax)
	}
	res.Due = len(ids)
	var errs []error
	res.Enqueued, errs = r.enqueueAll(ctx, ids)
	if len(errs) > 0 {
		// Redis down, most likely: the rows are still scheduled, and the next scan tries again.
		return res, fmt.Errorf("reminder scan: %d of %d could not be enqueued: %w", len(errs), len(ids), errors.Join(errs[:min(len(errs), 5)]...))
	}
	return res, nil
}

// enqueueAll enqueues a send task for each reminder of ids, Parallel at a time.
func (r *Reminders) enqueueAll(ctx context.Context, ids []string) (int, []error) {
	var (
		mu       sync.Mutex
		enqueued int
		errs     []error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, max(1, r.Parallel))
	)
	for _, id := range ids {
		slots <- struct{}{}
		wg.Add(1)
		go func(id string) {
			defer func() { <-slots; wg.Done() }()
			t, opts := SendTask(id)
			_, err := r.Queue.Enqueue(ctx, t, opts...)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				enqueued++
			case errors.Is(err, asynq.ErrTaskIDConflict):
				// Queued already, running, or waiting to retry.
			default:
				errs = append(errs, err)
			}
		}(id)
	}
	wg.Wait()
	return enqueued, errs
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

// Send is the send task: claim the row, then, in one transaction, check the reminder still
// applies, write the mail and the inbox message and mark the reminder sent; enqueue the mail
// after the commit (if that fails, the outbox sweep sends it).
func (r *Reminders) Send(ctx context.Context, t *asynq.Task) error {
	var p reminderPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || !validID(p.ID) {
		return fmt.Errorf("reminder:send payload %q: %v: %w", t.Payload(), err, asynq.SkipRetry)
	}
	mailID, err := r.SendOnce(ctx, p.ID)
	if err != nil {
		return err
	}
	if mailID != "" {
		if err := r.Queue.EnqueueMail(ctx, mailID); err != nil {
			r.log().Warn("enqueue reminder mail; the outbox sweep will send it", "mail_id", mailID, "err", err)
		}
	}
	return nil
}

// SendOnce sends reminder id if this worker wins its claim, and returns the id of the mail it
// queued ("" when there was none to queue: claimed elsewhere, cancelled, or in-app only).
func (r *Reminders) SendOnce(ctx context.Context, id string) (string, error) {
	// Microseconds: PostgreSQL keeps no more, and finishing matches the claim by this time.
	now := r.Now().UTC().Truncate(time.Microsecond)
	won, err := r.Store.claimReminder(ctx, id, now, now.Add(-reminderClaimStale))
	if err != nil || !won {
		// Not won: sent already, cancelled, or being sent by another worker.
		return "", err
	}
	mailID, err := r.deliver(ctx, id, now)
	if err != nil {
		// Let asynq's retry (or, after a crash, the next scan) have it again. Written even if
		// shutdown cancelled ctx, or the retry would wait for the claim to go stale.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if rerr := r.Store.releaseReminder(wctx, id, now); rerr != nil {
			r.log().Error("could not release reminder claim; it is retried once stale", "reminder_id", id, "err", rerr)
		}
		return "", fmt.Errorf("send reminder %s: %w", id, err)
	}
	return mailID, nil
}

// deliver does the claimed reminder's one transaction.
func (r *Reminders) deliver(ctx context.Context, id string, claimedAt time.Time) (string, error) {
	today := DayOf(claimedAt)
	var mailID string
	err := r.Store.Tx(ctx, func(tx *Store) error {
		rem, err := tx.reminder(ctx, id)
		if err != nil {
			return err
		}
		msg, skip, err := r.compose(ctx, tx, rem, today)
		if err != nil {
			return err
		}
		if skip != "" {
			r.log().Info("reminder cancelled: no longer applies", "reminder_id", id, "kind", rem.Kind, "why", skip)
			return ignoreLost(tx.finishReminder(ctx, id, claimedAt, Cancelled, claimedAt))
		}
		// First, so that in PostgreSQL the row is locked against a concurrent cancellation.
		if err := tx.finishReminder(ctx, id, claimedAt, Sent, claimedAt); err != nil {
			return err
		}
		to, err := tx.recipient(ctx, rem.UserID)
		if err != nil {
			return err
		}
		if err := tx.addInbox(ctx, &InboxMessage{ID: newID(), UserID: rem.UserID, ReminderID: rem.ID, Subject: msg.Subject,
			Body: msg.inboxText(), Link: msg.Link, CreatedAt: claimedAt}); err != nil {
			return err
		}
		mailID, err = tx.queueMail(ctx, jobs.Mail{To: to.Email, Subject: msg.Subject, Text: msg.emailText(r.BaseURL)})
		if apperr.IsKind(err, apperr.Invalid) {
			// An address no server would take: the inbox still has it, and ten retries would not help.
			r.log().Warn("reminder shown in the inbox only: the address cannot take mail", "reminder_id", id, "user_id", rem.UserID, "err", err)
			mailID = ""
			return nil
		}
		if err != nil {
			return err
		}
		return tx.setReminderMail(ctx, id, mailID)
	})
	if errors.Is(err, errClaimLost) {
		// Cancelled by a change to the milestone, or taken over: nothing was written.
		r.log().Info("reminder not sent: cancelled or taken over while claimed", "reminder_id", id)
		return "", nil
	}
	return mailID, err
}

func ignoreLost(err error) error {
	if errors.Is(err, errClaimLost) {
		return nil
	}
	return err
}

// compose reads what the reminder speaks of, in the transaction, and writes its message; skip
// says why it is not to be sent, when it no longer applies.
func (r *Reminders) compose(ctx context.Context, tx *Store, rem Reminder, today string) (message, string, error) {
	to, err := tx.recipient(ctx, rem.UserID)
	if apperr.IsKind(err, apperr.NotFound) {
		return message{}, "the person no longer exists", nil
	}
	if err != nil {
		return message{}, "", err
	}
	if !to.Active {
		return message{}, "the person's account is closed", nil
	}
	if rem.Kind == Digest {
		on, err := tx.digestEnabled(ctx, rem.UserID)
		if err != nil {
			return message{}, "", err
		}
		if !on {
			return message{}, "the person turned the digest off", nil
		}
		items, err := tx.digestItems(ctx, rem.UserID, today, AddDays(today, digestAheadDays))
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
		items, more, err := tx.overdueItems(ctx, rem.UserID, today, overdueMaxItems)
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
	about, err := tx.reminderAbout(ctx, *rem.MilestoneID)
	if apperr.IsKind(err, apperr.NotFound) {
		return message{}, "the milestone no longer exists", nil
	}
	if err != nil {
		return message{}, "", err
	}
	if ok, why := reminderApplies(rem, about.Plan, about.Milestone, today); !ok {
		return message{}, why, nil
	}
	return composeReminder(rem, about, to, today), "", nil
}
