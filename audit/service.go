package audit

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// Handlers serves the audit log page and API over one database.
type Handlers struct {
	DB     *database.DB
	Server *web.Server
}

// NewHandlers builds the audit handlers.
func NewHandlers(db *database.DB, srv *web.Server) *Handlers {
	return &Handlers{DB: db, Server: srv}
}

// Row is an event as a person reads it: with the actor's name when their account still exists.
type Row struct {
	Event
	ActorName  string
	ActorEmail string
}

// search lists one page of the acting organisation's events (f.Limit of them) and reports whether
// there are more. It asks for one extra row rather than counting: a count over a busy tenant's
// years of events would cost more than the page itself.
func (h *Handlers) search(ctx context.Context, f Filter) ([]Row, bool, error) {
	limit := f.Limit
	f.Limit = limit + 1
	events, err := List(ctx, h.DB.Gorm, f)
	if err != nil {
		return nil, false, err
	}
	more := len(events) > limit
	if more {
		events = events[:limit]
	}
	ids := make([]string, 0, len(events))
	seen := map[string]bool{}
	for _, e := range events {
		if e.ActorUserID != "" && !seen[e.ActorUserID] {
			seen[e.ActorUserID] = true
			ids = append(ids, e.ActorUserID)
		}
	}
	people, err := People(ctx, h.DB.Gorm, ids)
	if err != nil {
		return nil, false, err
	}
	rows := make([]Row, len(events))
	for i, e := range events {
		p := people[e.ActorUserID]
		rows[i] = Row{Event: e, ActorName: p.Name, ActorEmail: p.Email}
	}
	return rows, more, nil
}

// VerifyCommand is `golive audit verify`: it prints the verified count and the head hash (to be
// kept somewhere the database administrator cannot change, see the package comment), or returns
// an error naming the first bad row so the command exits non-zero.
func VerifyCommand(ctx context.Context, db *database.DB, w io.Writer) error {
	rep, err := Verify(ctx, db.Gorm)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("%w (%d events before it verified)", rep.Problem, rep.Checked)
	}
	if _, err := fmt.Fprintf(w, "audit chain verified: %d events\nhead: seq %d hash %s\n", rep.Checked, rep.Head.Seq, rep.Head.Hash); err != nil {
		return fmt.Errorf("print audit verification: %w", err)
	}
	return nil
}

// Object types are code names such as "lot" or "evaluation.question".
var objectTypeRe = regexp.MustCompile(`^[a-z][a-z0-9_.-]*$`)

const (
	maxObjectType = 100
	maxObjectID   = 200
	maxUser       = 254 // the longest email address
)

// textFilter checks the three text filters shared by the page and the API; messages go in errs
// under the given field names.
func textFilter(objectType, objectID, user string, names [3]string, errs map[string]string) Filter {
	var f Filter
	objectType, objectID, user = strings.TrimSpace(objectType), strings.TrimSpace(objectID), strings.TrimSpace(user)
	switch {
	case len(objectType) > maxObjectType:
		errs[names[0]] = fmt.Sprintf("Object type must be %d characters or fewer", maxObjectType)
	case objectType != "" && !objectTypeRe.MatchString(objectType):
		errs[names[0]] = "Object type must be lower-case letters, numbers, dots, dashes or underscores, like lot or user"
	default:
		f.ObjectType = objectType
	}
	if len(objectID) > maxObjectID {
		errs[names[1]] = fmt.Sprintf("Object id must be %d characters or fewer", maxObjectID)
	} else {
		f.ObjectID = objectID
	}
	switch {
	case len(user) > maxUser:
		errs[names[2]] = fmt.Sprintf("User must be %d characters or fewer", maxUser)
	case strings.Contains(user, "@"):
		f.UserEmail = user
	default:
		f.UserID = user
	}
	return f
}

// dateParts is a date as typed in the NHS.UK date input: day, month and year fields.
type dateParts struct {
	Day, Month, Year string
}

// londonDay parses a date typed in three parts and returns the instant that London day starts.
// bad names the part to link the error to ("day", "month" or "year"); label is "Date from".
func (d dateParts) londonDay(label string) (t time.Time, set bool, bad, msg string) {
	day, month, year := strings.TrimSpace(d.Day), strings.TrimSpace(d.Month), strings.TrimSpace(d.Year)
	if day == "" && month == "" && year == "" {
		return time.Time{}, false, "", ""
	}
	switch {
	case day == "":
		return time.Time{}, true, "day", label + " must include a day"
	case month == "":
		return time.Time{}, true, "month", label + " must include a month"
	case year == "":
		return time.Time{}, true, "year", label + " must include a year"
	}
	dn, err1 := strconv.Atoi(day)
	mn, err2 := strconv.Atoi(month)
	yn, err3 := strconv.Atoi(year)
	switch {
	case err1 != nil || dn < 1 || dn > 31:
		return time.Time{}, true, "day", label + " must be a real date"
	case err2 != nil || mn < 1 || mn > 12:
		return time.Time{}, true, "month", label + " must be a real date"
	case err3 != nil || len(year) != 4 || yn < 2000 || yn > 2200:
		return time.Time{}, true, "year", label + " must include a year with 4 numbers, like 2025"
	}
	t = time.Date(yn, time.Month(mn), dn, 0, 0, 0, 0, ukclock.London)
	if t.Day() != dn { // 31 April rolls over to 1 May
		return time.Time{}, true, "day", label + " must be a real date"
	}
	return t, true, "", ""
}

// apiTime parses an API bound: a date YYYY-MM-DD (a London day; as the upper bound it includes
// the whole day) or an RFC 3339 instant.
func apiTime(s string, upper bool) (time.Time, bool) {
	if t, err := time.ParseInLocation(time.DateOnly, s, ukclock.London); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	return time.Time{}, false
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
