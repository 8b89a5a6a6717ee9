package mobilisation

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"golive/audit"
	"golive/evaluation/award"
	"golive/tenants/access"
)

// MailQueue enqueues a message QueueMail wrote, after the transaction has committed.
type MailQueue interface {
	EnqueueMail(ctx context.Context, id string) error
}

// Service holds mobilisation's use cases: load → check → apply the rule → save and audit in
// one transaction → enqueue after commit.
type Service struct {
	Store     *Store
	Contracts Contracts // the award's contracts, which plans are made from
	Mail      MailQueue
	BaseURL   string
	Now       func() time.Time
	Log       *slog.Logger
	// OnLive, when set, is called with the lot after a phase goes live and commits: cmd/golive
	// publishes the implementation notice with it, so that mobilisation need not import notices.
	OnLive func(ctx context.Context, lotID string)
}

// Contracts is how mobilisation reads the contract a lot was awarded as: the award
// (evaluation/award) owns the contract awards, and cmd/golive wires its service in.
type Contracts interface {
	ContractOf(ctx context.Context, lotID string) (*award.Contract, error)
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func validID(id string) bool { _, err := uuid.Parse(id); return err == nil }

func (s *Service) entry(a *access.Actor, tenant, action, objType, objID string, summary map[string]any) audit.Entry {
	return audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: tenant, Action: action,
		ObjectType: objType, ObjectID: objID, Summary: summary}
}

// enqueue hands queued mail to the workers; a failure is logged, and the outbox sweep sends it.
func (s *Service) enqueue(ctx context.Context, ids []string) {
	for _, id := range ids {
		if err := s.Mail.EnqueueMail(ctx, id); err != nil && s.Log != nil {
			s.Log.Warn("enqueue mail; the sweep will send it", "mail", id, "err", err)
		}
	}
}
