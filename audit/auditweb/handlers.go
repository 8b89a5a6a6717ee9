// Package auditweb is the audit trail's face on the web: the organisation admin's audit log page
// (/admin/audit) and the JSON listing (/api/v1/audit). It sits above audit, which keeps the chain,
// its store and `audit verify` free of HTTP, pages and other features' tables: the names and
// email addresses of the people in the log come from the directory it is given
// (tenants.Directory, which owns the users table).
package auditweb

import (
	"context"
	"fmt"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/tenants"
	"golive/tenants/access"
	"golive/web"
)

// Directory says who the people in the log are. tenants.Directory is the one golive wires in.
type Directory interface {
	// People maps user ids to people; ids of deleted accounts are left out.
	People(ctx context.Context, ids []string) (map[string]tenants.Person, error)
	// PersonByEmail finds an account by email address (any case); an unknown one is NotFound.
	PersonByEmail(ctx context.Context, email string) (tenants.Person, error)
}

// Handlers serves the audit log page and API over one database.
type Handlers struct {
	DB     *database.DB
	Server *web.Server
	People Directory
}

// NewHandlers builds the audit handlers.
func NewHandlers(db *database.DB, srv *web.Server, people Directory) *Handlers {
	return &Handlers{DB: db, Server: srv, People: people}
}

// Row is an event as a person reads it: with the actor's name when their account still exists.
type Row struct {
	audit.Event
	ActorName  string
	ActorEmail string
}

// query is what a person asked the log for: audit's filter, and perhaps an actor's email
// address, which the directory turns into their id.
type query struct {
	audit.Filter
	Email string
}

// search lists one page of the acting organisation's events (q.Limit of them) and reports whether
// there are more. It asks for one extra row rather than counting: a count over a busy tenant's
// years of events would cost more than the page itself.
func (h *Handlers) search(ctx context.Context, q query) ([]Row, bool, error) {
	f := q.Filter
	if q.Email != "" {
		p, err := h.People.PersonByEmail(ctx, q.Email)
		if apperr.IsKind(err, apperr.NotFound) {
			// An unknown address matches nothing, exactly as a known one with no events here
			// does, so the filter cannot be used to probe which addresses have accounts.
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("audit log: actor by email: %w", err)
		}
		if f.UserID != "" && f.UserID != p.ID {
			return nil, false, nil
		}
		f.UserID = p.ID
	}
	limit := f.Limit
	f.Limit = limit + 1
	events, err := audit.List(ctx, h.DB.Gorm, f)
	if err != nil {
		return nil, false, err
	}
	more := len(events) > limit
	if more {
		events = events[:limit]
	}
	ids := make([]string, 0, len(events))
	for _, e := range events {
		ids = append(ids, e.ActorUserID)
	}
	// Deleted users are simply absent: the event keeps their id, which is what the chain proves.
	people, err := h.People.People(ctx, ids)
	if err != nil {
		return nil, false, fmt.Errorf("audit log: look up actors: %w", err)
	}
	rows := make([]Row, len(events))
	for i, e := range events {
		p := people[e.ActorUserID]
		rows[i] = Row{Event: e, ActorName: p.Name, ActorEmail: p.Email}
	}
	return rows, more, nil
}

// requireActor returns the request's context, which the sign-in middleware gives the acting
// organisation. Without one the handlers stop: a missing tenant is a wiring mistake, logged as an
// internal error, and must never widen the log to every organisation.
func requireActor(c interface{ UserContext() context.Context }, a *access.Actor) (context.Context, error) {
	if a == nil {
		return nil, apperr.New(apperr.Unauthenticated, "Sign in to see the audit log")
	}
	ctx := c.UserContext()
	if _, ok := database.TenantFrom(ctx); !ok {
		return nil, fmt.Errorf("audit log for user %s: %w", a.UserID, database.ErrNoTenant)
	}
	return ctx, nil
}
