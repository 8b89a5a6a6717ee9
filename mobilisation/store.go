package mobilisation

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/jobs"
)

// Store is where mobilisation talks to the database (with reminders_store.go). A commissioner
// reads the plans of procurements its organisation takes part in; a provider the plans of its
// own contracts; nothing of a plan is read before one of those has let the plan in.
type Store struct {
	db *gorm.DB
}

// NewStore wraps the database.
func NewStore(db *database.DB) *Store { return &Store{db: db.Gorm} }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction: state, audit event and queued mail commit together.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.q(ctx).Transaction(func(tx *gorm.DB) error { return fn(&Store{db: tx}) })
}

// Audit appends an audit event in the transaction.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error { return audit.Record(ctx, s.db, e) }

// QueueMail writes a message to the outbox in the transaction; enqueue it after commit.
func (s *Store) QueueMail(ctx context.Context, m jobs.Mail) (string, error) {
	return jobs.QueueMail(ctx, s.db, m)
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFoundf("%s not found", what)
	}
	return err
}
