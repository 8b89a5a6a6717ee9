package jobs

import (
	"context"

	"golive/database"
)

// Outbox reads the mail outbox for the platform admin's pages (jobs/jobsweb), so that only this
// package queries mail_messages.
type Outbox struct{ db *database.DB }

// NewOutbox reads the outbox of db.
func NewOutbox(db *database.DB) *Outbox { return &Outbox{db: db} }

// Page is limit messages from offset, newest first, without their text, and how many there are;
// messages sealed until a procurement's opening are left out of both.
func (o *Outbox) Page(ctx context.Context, offset, limit int) ([]MailRow, int64, error) {
	return listMail(ctx, o.db.Gorm, offset, limit)
}

// Message is one message with its text, or nil when there is none with that id or it is sealed.
func (o *Outbox) Message(ctx context.Context, id string) (*MailRow, error) {
	return getOpenMail(ctx, o.db.Gorm, id)
}
