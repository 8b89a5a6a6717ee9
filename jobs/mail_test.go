package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"golive/apperr"
	"golive/database"
)

func TestAQueuedMailIsDeliveredOnceWithItsRecipientSubjectAndText(t *testing.T) {
	e := newEnv(t)
	srv := smtpServer(t, smtpmock.ConfigurationAttr{})
	e.worker(t, smtpMailer(t, srv))

	id := e.queue(t, Mail{TenantID: "org-1", To: "lead@example.nhs.uk", Subject: "Your bid for Lot 1 was received",
		Text: "Thank you.\n\nWe received your bid for Lot 1 at 10:00."})

	row := e.waitForStatus(t, id, StatusSent)
	if row.Transport != TransportSMTP || row.SentAt == nil || row.Attempts != 1 || row.LastError != "" {
		t.Fatalf("sent row = %+v, want transport smtp, sent_at set, 1 attempt, no error", row)
	}
	got := received(srv)
	if len(got) != 1 {
		t.Fatalf("the SMTP server received %d messages, want 1", len(got))
	}
	if r := recipients(got[0]); len(r) != 1 || !strings.Contains(r[0], "<lead@example.nhs.uk>") {
		t.Errorf("recipients = %q, want lead@example.nhs.uk", r)
	}
	body := got[0].MsgRequest()
	for _, want := range []string{"Subject: Your bid for Lot 1 was received", "To: <lead@example.nhs.uk>",
		"We received your bid for Lot 1 at 10:00.", "Message-ID: <" + id + "@golive.test>"} {
		if !strings.Contains(body, want) {
			t.Errorf("message does not contain %q:\n%s", want, body)
		}
	}

	// The same message enqueued again (a retried request) runs a job that sends nothing.
	e.enqueueAgain(t, id)
	eventually(t, "the second mail:send job to run", func() bool { return e.jobs(t, TypeMailSend, "ok") == 2 })
	if n := len(received(srv)); n != 1 {
		t.Fatalf("after a second job the SMTP server has %d messages, want still 1", n)
	}
}

func TestRunningTheSendJobTwiceDeliversOnce(t *testing.T) {
	e := newEnv(t)
	srv := smtpServer(t, smtpmock.ConfigurationAttr{})
	j := e.mailJobs(smtpMailer(t, srv))
	ctx := context.Background()

	id := e.queue(t, Mail{To: "a@example.nhs.uk", Subject: "One", Text: "one"})
	for range 2 {
		if err := j.send(ctx, mailSendTask(id)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(received(srv)); n != 1 {
		t.Fatalf("two runs one after the other: %d messages, want 1", n)
	}

	// Eight at once, as when a task is duplicated across workers.
	id2 := e.queue(t, Mail{To: "b@example.nhs.uk", Subject: "Two", Text: "two"})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- j.send(ctx, mailSendTask(id2))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(received(srv)); n != 2 {
		t.Fatalf("eight runs at once: %d messages in all, want 2", n)
	}
	if r := e.row(t, id2); r.Status != StatusSent || r.Attempts != 1 {
		t.Fatalf("row = %+v, want sent after 1 attempt", r)
	}
}

func TestTwoWorkersDeliverEachMessageOnce(t *testing.T) {
	e := newEnv(t)
	srv := smtpServer(t, smtpmock.ConfigurationAttr{})
	m := smtpMailer(t, srv)
	e.worker(t, m)
	e.worker(t, m)

	const n = 20
	ids := make([]string, n)
	for i := range ids {
		ids[i] = e.queue(t, Mail{To: fmt.Sprintf("person%d@example.nhs.uk", i), Subject: fmt.Sprintf("Message %d", i), Text: "hello"})
		// Enqueued twice, as a retried request would: the second is refused by its task id.
		if err := e.client.EnqueueMail(context.Background(), ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		e.waitForStatus(t, id, StatusSent)
	}
	got := received(srv)
	if len(got) != n {
		t.Fatalf("the SMTP server received %d messages, want %d", len(got), n)
	}
	seen := map[string]int{}
	for _, m := range got {
		for _, r := range recipients(m) {
			seen[r]++
		}
	}
	for i := range n {
		key := fmt.Sprintf("RCPT TO:<person%d@example.nhs.uk>", i)
		if seen[key] != 1 {
			t.Errorf("person%d received %d messages, want 1 (recipients seen: %v)", i, seen[key], seen)
		}
	}
}

func TestARolledBackTransactionQueuesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	errBidRejected := errors.New("bid rejected")
	err := e.db.Tx(ctx, func(tx *gorm.DB) error {
		if _, err := QueueMail(ctx, tx, Mail{To: "lead@example.nhs.uk", Subject: "Bid received", Text: "…"}); err != nil {
			return err
		}
		return errBidRejected // the change the mail was about fails after the mail was queued
	})
	if !errors.Is(err, errBidRejected) {
		t.Fatalf("Tx = %v, want the caller's error", err)
	}
	var count int64
	if err := e.db.Gorm.Table("mail_messages").Count(&count).Error; err != nil {
		t.Fatal(err)
	}
	if count != 0 {
		t.Fatalf("%d messages are queued after a rollback, want 0", count)
	}
	// Nor does the sweep find anything to send.
	if err := e.mailJobs(OutboxMailer{}).sweep(ctx, nil); err != nil {
		t.Fatal(err)
	}
	q, err := inspector(t, e.redisURL).GetQueueInfo("default")
	if err == nil && q.Size != 0 {
		t.Fatalf("%d tasks are queued after a rollback, want 0", q.Size)
	}
}

func TestQueueMailRefusesAnAddressNoServerWouldAccept(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, m := range []Mail{
		{To: "not an address", Subject: "s", Text: "t"},
		{To: "Someone <a@example.nhs.uk>", Subject: "s", Text: "t"},
		{To: "a@example.nhs.uk", Subject: "", Text: "t"},
		{To: "a@example.nhs.uk", Subject: "two\r\nBcc: x@example.com", Text: "t"},
	} {
		err := e.db.Tx(ctx, func(tx *gorm.DB) error { _, err := QueueMail(ctx, tx, m); return err })
		if !apperr.IsKind(err, apperr.Invalid) {
			t.Errorf("QueueMail(%+v) = %v, want an Invalid error", m, err)
		}
	}
}

func TestTheSweepSendsMailWhoseTaskWasLostWithRedis(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := smtpServer(t, smtpmock.ConfigurationAttr{})

	lost := e.queue(t, Mail{To: "lost@example.nhs.uk", Subject: "Lost task", Text: "lost"})
	// A message whose worker died mid-send, long enough ago for its claim to be stale.
	stuck := e.queue(t, Mail{To: "stuck@example.nhs.uk", Subject: "Stuck", Text: "stuck"})
	// Redis restarts and forgets every task.
	opt, err := redis.ParseURL(e.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	if err := rc.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	old := database.Now().Add(-2 * time.Minute)
	if err := e.db.Gorm.Exec("UPDATE mail_messages SET created_at = ?", old).Error; err != nil {
		t.Fatal(err)
	}
	if err := e.db.Gorm.Exec("UPDATE mail_messages SET status = ?, claimed_at = ?, attempts = 1 WHERE id = ?",
		StatusSending, database.Now().Add(-claimStale-time.Minute), stuck).Error; err != nil {
		t.Fatal(err)
	}

	e.worker(t, smtpMailer(t, srv))
	if _, err := e.client.Enqueue(ctx, asynq.NewTask(TypeMailSweep, nil)); err != nil {
		t.Fatal(err)
	}
	// The stuck message's first attempt may have reached the server: it is recorded as in doubt.
	// The lost one never had a worker, so nothing about it is in doubt.
	if r := e.waitForStatus(t, lost, StatusSent); r.InDoubt != 0 {
		t.Errorf("lost message in doubt %d times, want 0: no worker ever held it", r.InDoubt)
	}
	if r := e.waitForStatus(t, stuck, StatusSent); r.Attempts != 2 || r.InDoubt != 1 {
		t.Errorf("stuck message: attempts %d, in doubt %d; want 2 and 1", r.Attempts, r.InDoubt)
	}
	// Sweeping again, now that both are sent, enqueues nothing.
	if err := e.mailJobs(OutboxMailer{}).sweep(ctx, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the sweep job to finish", func() bool { return e.jobs(t, TypeMailSweep, "ok") >= 1 })
	if got := received(srv); len(got) != 2 {
		t.Fatalf("the SMTP server received %d messages, want 2 (one each)", len(got))
	}
}

// The window SMTP leaves open, shown on purpose: a worker claims a message, the server takes it,
// and the worker dies before writing 'sent'. Nothing here can tell that from a death just before
// the server took it, so the message is sent again, with the same Message-ID, exactly once more,
// and the takeover is on record as in doubt.
func TestAMessageWhoseWorkerDiedAfterTheServerTookItIsSentOnceMoreAndRecordedInDoubt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := smtpServer(t, smtpmock.ConfigurationAttr{})
	mailer := smtpMailer(t, srv)
	id := e.queue(t, Mail{To: "lead@example.nhs.uk", Subject: "Escalation: CQC registration", Text: "Overdue by 3 days."})

	// The worker that dies: it wins the claim and the server accepts the message.
	claimedAt := database.Now().Add(-claimStale - time.Minute).Truncate(time.Microsecond)
	if won, err := claimMail(ctx, e.db.Gorm, id, claimedAt, claimedAt.Add(-claimStale)); err != nil || !won {
		t.Fatalf("claim: %v %v", won, err)
	}
	if _, err := mailer.Send(ctx, Message{ID: id, To: "lead@example.nhs.uk", Subject: "Escalation: CQC registration", Text: "Overdue by 3 days."}); err != nil {
		t.Fatal(err)
	}

	// A live worker finds the stale claim (its task is still queued) and takes it over.
	e.worker(t, mailer)
	r := e.waitForStatus(t, id, StatusSent)
	if r.Attempts != 2 || r.InDoubt != 1 {
		t.Errorf("after the takeover: attempts %d, in doubt %d; want 2 and 1", r.Attempts, r.InDoubt)
	}
	got := received(srv)
	if len(got) != 2 {
		t.Fatalf("the SMTP server has %d messages, want 2: the dead worker's and the one sent again", len(got))
	}
	for _, m := range got {
		if !strings.Contains(m.MsgRequest(), "Message-ID: <"+id+"@golive.test>") {
			t.Errorf("a copy without the message's own Message-ID:\n%s", m.MsgRequest())
		}
	}
	// Sent now: neither the sweep nor another run of its task sends it a third time.
	if err := e.mailJobs(OutboxMailer{}).sweep(ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.enqueueAgain(t, id)
	eventually(t, "the second send job to finish", func() bool { return e.jobs(t, TypeMailSend, "ok") >= 2 })
	if n := len(received(srv)); n != 2 {
		t.Errorf("the SMTP server has %d messages after the sweep and a second job, want still 2", n)
	}
}

func TestTheSweepLeavesFreshAndInProgressMailAlone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fresh := e.queue(t, Mail{To: "fresh@example.nhs.uk", Subject: "Fresh", Text: "x"})
	busy := e.queue(t, Mail{To: "busy@example.nhs.uk", Subject: "Busy", Text: "x"})
	if err := e.db.Gorm.Exec("UPDATE mail_messages SET status = ?, claimed_at = ?, created_at = ? WHERE id = ?",
		StatusSending, database.Now(), database.Now().Add(-time.Hour), busy).Error; err != nil {
		t.Fatal(err)
	}
	ids, err := mailToSweep(ctx, e.db.Gorm, database.Now().Add(-sweepPendingAfter), database.Now().Add(-claimStale), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 0 {
		t.Fatalf("sweep would re-enqueue %v, want nothing (fresh %s, busy %s)", ids, fresh, busy)
	}
}

func TestAnSMTPFailureLeavesTheMessageWaitingAndALaterAttemptSucceeds(t *testing.T) {
	e := newEnv(t)
	refusing := smtpServer(t, smtpmock.ConfigurationAttr{BlacklistedMailfromEmails: []string{"no-reply@golive.test"}})
	healthy := smtpServer(t, smtpmock.ConfigurationAttr{})
	var m switchMailer
	m.set(smtpMailer(t, refusing))
	e.worker(t, &m)

	id := e.queue(t, Mail{To: "lead@example.nhs.uk", Subject: "Contract award", Text: "Awarded."})
	var row MailRow
	eventually(t, "the failed attempt to be recorded", func() bool {
		row = e.row(t, id)
		return row.LastError != "" && row.Status == StatusPending
	})
	if row.Attempts != 1 || row.SentAt != nil || row.Transport != "" {
		t.Fatalf("after a refused attempt row = %+v, want pending, 1 attempt, not sent", row)
	}
	if !strings.Contains(row.LastError, "smtp 127.0.0.1") {
		t.Errorf("last_error = %q, want the server's answer", row.LastError)
	}
	if n := len(received(refusing)); n != 0 {
		t.Fatalf("the refusing server accepted %d messages", n)
	}

	// The mail server recovers; the retry asynq scheduled is run now rather than in a minute.
	m.set(smtpMailer(t, healthy))
	insp := inspector(t, e.redisURL)
	eventually(t, "the task to wait for its retry", func() bool {
		info, err := insp.GetTaskInfo("default", "mail:"+id)
		return err == nil && info.State == asynq.TaskStateRetry
	})
	if err := insp.RunTask("default", "mail:"+id); err != nil {
		t.Fatal(err)
	}
	row = e.waitForStatus(t, id, StatusSent)
	if row.Attempts != 2 || row.LastError != "" || row.Transport != TransportSMTP {
		t.Fatalf("after the retry row = %+v, want sent by smtp on attempt 2, error cleared", row)
	}
	if n := len(received(healthy)); n != 1 {
		t.Fatalf("the healthy server received %d messages, want 1", n)
	}
	if n := e.jobs(t, TypeMailSend, "error"); n != 1 {
		t.Errorf("golive_jobs_total{type=mail:send,outcome=error} = %d, want 1", n)
	}
}

func TestTheLastFailedAttemptMarksTheMessageFailed(t *testing.T) {
	e := newEnv(t)
	refusing := smtpServer(t, smtpmock.ConfigurationAttr{BlacklistedMailfromEmails: []string{"no-reply@golive.test"}})
	j := e.mailJobs(smtpMailer(t, refusing))
	id := e.queue(t, Mail{To: "lead@example.nhs.uk", Subject: "Award", Text: "x"})
	// The context asynq gives the tenth retry says it is the last.
	ctx := lastRetryContext(t, e, id)
	if err := j.send(ctx, mailSendTask(id)); err == nil {
		t.Fatal("send to a refusing server succeeded")
	}
	if r := e.row(t, id); r.Status != StatusFailed || r.LastError == "" {
		t.Fatalf("row = %+v, want failed with the error", r)
	}
}

// lastRetryContext runs a task whose retry count has reached its maximum through a real asynq
// server and hands back the context its handler saw.
func lastRetryContext(t *testing.T, e *env, id string) context.Context {
	t.Helper()
	got := make(chan context.Context, 1)
	opt, err := asynq.ParseRedisURI(e.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	srv := asynq.NewServer(opt, asynq.Config{Concurrency: 1, Logger: asynqLogger{e.log}, LogLevel: asynq.FatalLevel,
		RetryDelayFunc: func(int, error, *asynq.Task) time.Duration { return 0 }})
	mux := asynq.NewServeMux()
	mux.HandleFunc("probe", func(ctx context.Context, _ *asynq.Task) error {
		if n, _ := asynq.GetRetryCount(ctx); n < 1 {
			return errors.New("fail the first run so the retry count moves")
		}
		got <- context.WithoutCancel(ctx)
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	if _, err := e.client.Enqueue(context.Background(), asynq.NewTask("probe", nil), asynq.MaxRetry(1)); err != nil {
		t.Fatal(err)
	}
	select {
	case ctx := <-got:
		return ctx
	case <-time.After(30 * time.Second):
		t.Fatal("timed out waiting for the probe task's retry")
	}
	return nil
}

func TestTheLocalOutboxKeepsTheMessageWithoutSendingIt(t *testing.T) {
	e := newEnv(t)
	m, err := NewMailer("", testFrom)
	if err != nil {
		t.Fatal(err)
	}
	e.worker(t, m)
	id := e.queue(t, Mail{To: "lead@example.nhs.uk", Subject: "Reset your password", Text: "Use this link."})
	row := e.waitForStatus(t, id, StatusSent)
	if row.Transport != TransportOutbox || row.BodyText != "Use this link." || row.ToAddr != "lead@example.nhs.uk" {
		t.Fatalf("row = %+v, want the message kept with transport outbox", row)
	}
}

func TestABatchOfMailRunEightTimesAtOnceDeliversEachMessageOnce(t *testing.T) {
	e := newEnv(t)
	srv := smtpServer(t, smtpmock.ConfigurationAttr{MultipleMessageReceiving: true})
	j := e.mailJobs(smtpMailer(t, srv))
	ctx := context.Background()

	// More than two chunks of mailChunk, written as a batch of reminders writes them.
	ms := make([]Mail, 2*mailChunk+5)
	for i := range ms {
		ms[i] = Mail{To: fmt.Sprintf("owner%02d@example.nhs.uk", i), Subject: fmt.Sprintf("Due tomorrow: milestone %d", i), Text: "Due."}
	}
	var ids []string
	if err := e.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		ids, err = QueueMails(ctx, tx, ms)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	payload := fmt.Sprintf(`{"ids":["%s"]}`, strings.Join(ids, `","`))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- j.sendBatch(ctx, asynq.NewTask(TypeMailBatch, []byte(payload)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for _, m := range received(srv) {
		for _, id := range ids {
			if strings.Contains(m.MsgRequest(), "Message-ID: <"+id+"@golive.test>") {
				seen[id]++
			}
		}
	}
	for i, id := range ids {
		if seen[id] != 1 {
			t.Errorf("message %d (%s) reached the server %d times, want once", i, id, seen[id])
		}
		if r := e.row(t, id); r.Status != StatusSent || r.Attempts != 1 || r.Transport != TransportSMTP {
			t.Errorf("row %d = %s after %d attempts by %q, want sent after 1 by smtp", i, r.Status, r.Attempts, r.Transport)
		}
	}
}
