package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"golive/database"
)

const (
	// claimStale is when a 'sending' claim is taken to belong to a dead worker. It is far above
	// the send task's timeout (2 minutes), so a send still in progress is never taken over.
	claimStale = 10 * time.Minute
	// sweepPendingAfter is how long a pending message waits for its task before the sweep assumes
	// the task was lost (enqueue failed after commit, or Redis lost its data).
	sweepPendingAfter = time.Minute
	// sweepBatch bounds one sweep; the next minute's sweep takes the rest.
	sweepBatch = 1000
	// maxLastError keeps a server's long answer from filling the row.
	maxLastError = 2000
)

type mailJobs struct {
	db     *database.DB
	mailer Mailer
	client *Client
	log    *slog.Logger
}

// send delivers one queued message. It is safe to run twice, or on two workers at once: it sends
// only after winning the claim on the row, and a message already sent is never claimed again.
//
// The one window left is a worker dying after the server accepted the message and before 'sent'
// is written. SMTP has no idempotent delivery, so from here such a death cannot be told from one
// before the server took the message: after claimStale the sweep sends it again with the same
// Message-ID (by which mail stores recognise the same message), and the claim's takeover counts
// the attempt in in_doubt. Delivery is at-least-once only there, and every possible duplicate is
// on record; the alternative is mail silently lost.
func (j *mailJobs) send(ctx context.Context, t *asynq.Task) error {
	var p mailPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.ID == "" {
		return fmt.Errorf("mail:send payload %q: %v: %w", t.Payload(), err, asynq.SkipRetry)
	}
	// Microseconds: PostgreSQL keeps no more, and finishMail matches the claim by this time.
	now := database.Now().Truncate(time.Microsecond)
	won, err := claimMail(ctx, j.db.Gorm, p.ID, now, now.Add(-claimStale))
	if err != nil {
		return err
	}
	if !won {
		// Sent already, being sent by another worker, or never committed: nothing to do.
		j.log.Debug("mail not claimed: already sent or in progress", "mail_id", p.ID)
		return nil
	}
	row, err := getMail(ctx, j.db.Gorm, p.ID)
	if err != nil {
		return err
	}
	if row == nil {
		return fmt.Errorf("mail %s vanished after it was claimed", p.ID)
	}

	transport, sendErr := j.mailer.Send(ctx, Message{ID: row.ID, To: row.ToAddr, Subject: row.Subject, Text: row.BodyText})

	// The outcome is written even if shutdown has cancelled ctx: a send that happened but is not
	// recorded would be sent again once the claim goes stale.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if sendErr == nil {
		err := finishMail(wctx, j.db.Gorm, row.ID, now, map[string]any{
			"status": StatusSent, "sent_at": database.Now(), "transport": transport, "last_error": "",
		})
		if err != nil {
			j.log.Error("mail was sent but could not be marked sent: it may be sent again", "mail_id", row.ID, "err", err)
			return err
		}
		j.log.Info("mail sent", "mail_id", row.ID, "transport", transport, "tenant", row.TenantID)
		return nil
	}

	status := StatusPending
	if lastAttempt(ctx) {
		status = StatusFailed
	}
	if err := finishMail(wctx, j.db.Gorm, row.ID, now, map[string]any{
		"status": status, "last_error": truncate(sendErr.Error(), maxLastError),
	}); err != nil {
		j.log.Error("could not record failed mail attempt", "mail_id", row.ID, "err", err)
	}
	// Returned so asynq retries with backoff (or archives the task after the last attempt).
	return fmt.Errorf("send mail %s: %w", row.ID, sendErr)
}

// mailChunk is how many messages of a batch go to the server between two writes of 'sent': the
// messages a worker killed mid-batch may have sent without saying so, to be sent again (in
// doubt) once its claim is stale. The fewer, the more commits.
const mailChunk = 20

// sendBatch delivers a batch of queued messages over one connection to the server, with the
// same claim as send: it sends only the rows it wins, all claimed in one statement. Each chunk's
// sent messages are written 'sent' in one statement; a message the server refused goes back to
// pending (failed on the last attempt), and the task is retried for those alone, since the
// claim passes over what is sent.
func (j *mailJobs) sendBatch(ctx context.Context, t *asynq.Task) error {
	var p mailBatchPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || len(p.IDs) == 0 || len(p.IDs) > maxMailBatch {
		return fmt.Errorf("mail:send-batch payload of %d bytes: %v: %w", len(t.Payload()), err, asynq.SkipRetry)
	}
	return j.sendIDs(ctx, p.IDs, lastAttempt(ctx))
}

// sendIDs is sendBatch's work: last says whether a failure is final (the task's last attempt).
func (j *mailJobs) sendIDs(ctx context.Context, ids []string, last bool) error {
	now := database.Now().Truncate(time.Microsecond)
	rows, err := claimMails(ctx, j.db.Gorm, ids, now, now.Add(-claimStale))
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	slices.SortFunc(rows, func(a, b MailRow) int { return strings.Compare(a.ID, b.ID) })
	sess := openSession(j.mailer)
	defer func() {
		if err := sess.Close(); err != nil {
			j.log.Debug("close mail session", "err", err)
		}
	}()
	var failed []error
	for k := 0; k < len(rows); k += mailChunk {
		chunk := rows[k:min(k+mailChunk, len(rows))]
		if ctx.Err() != nil {
			// Shutting down, or out of time: what is not sent yet goes back to pending at once
			// rather than waiting for its claim to go stale, and the task is retried.
			rest := make([]string, 0, len(rows)-k)
			for _, r := range rows[k:] {
				rest = append(rest, r.ID)
			}
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
			defer cancel()
			if err := releaseMails(wctx, j.db.Gorm, rest, now); err != nil {
				j.log.Error("could not put unsent mail back; it is sent once its claim is stale", "mails", len(rest), "err", err)
			}
			return fmt.Errorf("send mail batch: %d of %d not sent: %w", len(rest), len(rows), ctx.Err())
		}
		msgs := make([]Message, len(chunk))
		for i, r := range chunk {
			msgs[i] = Message{ID: r.ID, To: r.ToAddr, Subject: r.Subject, Text: r.BodyText}
		}
		transport, errs := sess.Send(ctx, msgs)
		// Written even if shutdown has cancelled ctx, as in send.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		var sent []string
		for i, r := range chunk {
			if errs[i] == nil {
				sent = append(sent, r.ID)
				continue
			}
			failed = append(failed, fmt.Errorf("mail %s: %w", r.ID, errs[i]))
			status := StatusPending
			if last {
				status = StatusFailed
			}
			if err := finishMail(wctx, j.db.Gorm, r.ID, now, map[string]any{
				"status": status, "last_error": truncate(errs[i].Error(), maxLastError),
			}); err != nil {
				j.log.Error("could not record failed mail attempt", "mail_id", r.ID, "err", err)
			}
		}
		if len(sent) > 0 {
			n, err := markMailsSent(wctx, j.db.Gorm, sent, now, database.Now(), transport)
			if err != nil {
				cancel()
				j.log.Error("mail was sent but could not be marked sent: it may be sent again", "mails", len(sent), "err", err)
				return err
			}
			if int(n) != len(sent) {
				j.log.Error("mail was sent but its claim was taken over: it may be sent again", "mails", len(sent), "held", n)
			}
		}
		cancel()
	}
	j.log.Info("mail batch sent", "mails", len(rows)-len(failed), "failed", len(failed))
	if len(failed) > 0 {
		// Returned so asynq retries the batch with backoff: the claim takes only what is not sent.
		return fmt.Errorf("send mail batch: %d of %d failed: %w", len(failed), len(rows), errors.Join(failed[:min(len(failed), 5)]...))
	}
	return nil
}

// lastAttempt reports whether asynq will not retry this task after a failure.
func lastAttempt(ctx context.Context) bool {
	n, ok1 := asynq.GetRetryCount(ctx)
	max, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && n >= max
}

// sweep enqueues mail whose task may have been lost. Enqueueing a message whose task still
// exists is refused by its task id, so sweeping often, or from several workers, sends nothing twice.
func (j *mailJobs) sweep(ctx context.Context, _ *asynq.Task) error {
	now := database.Now()
	ids, err := mailToSweep(ctx, j.db.Gorm, now.Add(-sweepPendingAfter), now.Add(-claimStale), sweepBatch)
	if err != nil {
		return err
	}
	var enqueued int
	var errs []error
	for _, id := range ids {
		_, err := j.client.Enqueue(ctx, mailSendTask(id), mailSendOptions(id)...)
		switch {
		case err == nil:
			enqueued++
		case errors.Is(err, asynq.ErrTaskIDConflict):
			// Its task is still queued or waiting to retry.
		default:
			errs = append(errs, err)
		}
	}
	if enqueued > 0 {
		j.log.Info("mail sweep re-enqueued messages whose task was missing", "count", enqueued)
	}
	if len(errs) > 0 {
		return fmt.Errorf("mail sweep: %d of %d could not be enqueued: %w", len(errs), len(ids), errors.Join(errs...))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary so the column holds valid UTF-8.
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
