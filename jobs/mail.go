// Package jobs runs golive's background work on asynq (Redis) and sends its mail through an
// outbox table: a message is written in the caller's transaction, enqueued after commit, and
// delivered by a job that claims the row first, so a retried or duplicated task never sends twice
// and a task lost with Redis is found again by a sweep.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"golive/apperr"
	"golive/database"
)

// Mail is a message to queue for one recipient. TenantID is the organisation it is sent for
// ("" for platform mail); it is kept for the record, not used to route.
type Mail struct {
	// ID is the message's id: "" for a new one, or one from NewMailID when the caller must name
	// the message in the same transaction (a reminder records its mail's id as it is marked sent).
	ID       string
	TenantID string
	To       string
	Subject  string
	Text     string
	// SealedUnder, a procurement id, keeps the message out of the platform's outbox pages until
	// that procurement's bids are opened (Unseal): a receipt or a letter to a bidder would
	// otherwise tell the operator who is bidding, and when. It is sent as any other.
	SealedUnder string
}

// Status of a row in mail_messages.
const (
	StatusPending = "pending" // waiting for a worker (new, or put back after a failed attempt)
	StatusSending = "sending" // claimed by a worker; stale after claimStale
	StatusSent    = "sent"    // accepted by the SMTP server, or kept in the local outbox
	StatusFailed  = "failed"  // every retry failed; last_error says why
)

// Transports a message can leave by.
const (
	TransportSMTP   = "smtp"
	TransportOutbox = "outbox"
)

// Limits that keep a header within what SMTP servers accept and a body within reason.
const (
	maxSubject = 998
	maxBody    = 1 << 20
)

// QueueMail writes m as a pending message inside tx, the caller's transaction, so the mail exists
// exactly when the change that caused it commits. The caller enqueues it with
// Client.EnqueueMail(ctx, id) after the commit, never before: a job that ran before the commit
// would find no row (or a row that is then rolled back).
func QueueMail(ctx context.Context, tx *gorm.DB, m Mail) (string, error) {
	ids, err := QueueMails(ctx, tx, []Mail{m})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// QueueMails is QueueMail for several messages in one statement (a batch of reminders): all are
// written or none. Enqueue them after the commit with Client.EnqueueMails, as one task.
func QueueMails(ctx context.Context, tx *gorm.DB, ms []Mail) ([]string, error) {
	if tx == nil {
		return nil, errors.New("queue mail: no transaction")
	}
	if len(ms) == 0 {
		return nil, nil
	}
	rows := make([]MailRow, len(ms))
	ids := make([]string, len(ms))
	now := database.Now()
	for i, m := range ms {
		if err := CheckMail(m); err != nil {
			return nil, err
		}
		if m.ID == "" {
			m.ID = NewMailID()
		}
		rows[i] = MailRow{
			ID:          m.ID,
			TenantID:    m.TenantID,
			ToAddr:      strings.TrimSpace(m.To),
			Subject:     m.Subject,
			BodyText:    m.Text,
			CreatedAt:   now,
			Status:      StatusPending,
			SealedUnder: m.SealedUnder,
		}
		ids[i] = m.ID
	}
	if err := insertMail(ctx, tx, rows); err != nil {
		if len(rows) == 1 {
			return nil, fmt.Errorf("queue mail to %s: %w", rows[0].ToAddr, err)
		}
		return nil, fmt.Errorf("queue %d mails: %w", len(rows), err)
	}
	return ids, nil
}

// NewMailID is a new message id (a version 7 UUID: time first, so new rows go to the end of the
// index).
func NewMailID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Unseal shows on the outbox pages the messages sealed under procurementID, in the caller's
// transaction (the opening's).
func Unseal(ctx context.Context, tx *gorm.DB, procurementID string) error {
	if err := unsealMail(ctx, tx, procurementID); err != nil {
		return fmt.Errorf("unseal mail of %s: %w", procurementID, err)
	}
	return nil
}

// CheckMail refuses what no SMTP server would accept, at the moment the caller can still say so,
// rather than as a job that fails ten times in the background (an apperr.Invalid with the fields).
func CheckMail(m Mail) error {
	fields := map[string]string{}
	if a, err := mail.ParseAddress(strings.TrimSpace(m.To)); err != nil || a.Name != "" || a.Address != strings.TrimSpace(m.To) {
		fields["to"] = "Enter an email address in the correct format, like name@example.nhs.uk"
	}
	switch {
	case strings.TrimSpace(m.Subject) == "":
		fields["subject"] = "Enter a subject"
	case len(m.Subject) > maxSubject:
		fields["subject"] = fmt.Sprintf("Subject must be %d characters or fewer", maxSubject)
	case strings.ContainsAny(m.Subject, "\r\n"):
		// A line break in a header is how headers are injected.
		fields["subject"] = "Subject must be one line"
	}
	if len(m.Text) > maxBody {
		fields["text"] = "Message is too long"
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return nil
}

// Message is one email as a Mailer sends it. ID, when set, becomes the Message-ID header, so a
// message resent after a worker died mid-send can be recognised as the same one.
type Message struct {
	ID      string
	To      string
	Subject string
	Text    string
}

// MailRow is a row of mail_messages, as the worker keeps it and the outbox pages show it.
type MailRow struct {
	ID        string     `gorm:"column:id;primaryKey"`
	TenantID  string     `gorm:"column:tenant_id;default:''"`
	ToAddr    string     `gorm:"column:to_addr"`
	Subject   string     `gorm:"column:subject"`
	BodyText  string     `gorm:"column:body_text"`
	CreatedAt time.Time  `gorm:"column:created_at"`
	Status    string     `gorm:"column:status;default:pending"`
	Attempts  int        `gorm:"column:attempts;default:0"`
	ClaimedAt *time.Time `gorm:"column:claimed_at"`
	SentAt    *time.Time `gorm:"column:sent_at"`
	LastError string     `gorm:"column:last_error;default:''"`
	Transport string     `gorm:"column:transport;default:''"`
	// InDoubt counts the attempts taken over from a worker that died mid-send (migration 00012).
	InDoubt int `gorm:"column:in_doubt;default:0"`
	// SealedUnder is the procurement whose opening shows the message on the outbox pages
	// (migration 00017); "" once opened, or when it was never sealed.
	SealedUnder string `gorm:"column:sealed_under;default:''"`
}

func (MailRow) TableName() string { return "mail_messages" }
