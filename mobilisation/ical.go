package mobilisation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"golive/apperr"
	"golive/database"
	"golive/tenants/access"
	"golive/ukclock"
)

// iCalendar feeds: a private link per plan (every milestone and go-live) or per person (the
// milestones they own), for calendar programs that poll a URL and cannot sign in. The link is
// the secret: 32 random bytes, of which only the SHA-256 is kept, so a copy of the database
// cannot be turned into working links; the owner can revoke it. Each request re-checks that
// the owner is still active and may still see what the feed shows.

// CalendarEvent is one all-day event of a feed.
type CalendarEvent struct {
	UID         string // stable across requests, so calendars update rather than duplicate
	Day         string // the UK day it falls on
	Summary     string
	Description string
	URL         string
	Modified    time.Time
}

// maxLiveFeeds bounds the links one person can hold: each one is a standing way in.
const maxLiveFeeds = 20

// WriteCalendar writes events as an iCalendar feed named name (RFC 5545), all-day events on
// their days: a due day is a calendar day in the UK, not an instant.
func WriteCalendar(w io.Writer, name string, events []CalendarEvent) error {
	cal := ics.NewCalendarFor("golive")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetXWRTimezone("Europe/London")
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, e := range events {
		day, err := time.Parse(dayFormat, e.Day)
		if err != nil {
			continue // a milestone without a due day has nothing to show in a calendar
		}
		ev := cal.AddEvent(e.UID)
		stamp := e.Modified
		if stamp.IsZero() {
			stamp = day
		}
		ev.SetDtStampTime(stamp)
		ev.SetModifiedAt(stamp)
		ev.SetAllDayStartAt(day)
		ev.SetAllDayEndAt(day.AddDate(0, 0, 1)) // DTEND of an all-day event is the next day
		ev.SetSummary(e.Summary)
		if e.Description != "" {
			ev.SetDescription(e.Description)
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		}
		ev.SetTimeTransparency(ics.TransparencyTransparent) // a deadline, not a meeting: not busy
	}
	// RFC 5545 lines end in CRLF; the library's default is the machine's newline.
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

const dayFormat = "2006-01-02"

// newFeedToken is a link's secret and the hash that is stored.
func newFeedToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, feedHash(token), nil
}

func feedHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// validFeedToken: the shape newFeedToken makes (43 base64url characters), checked before any
// hashing or database read.
func validFeedToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// FeedURL is the address calendar programs subscribe to.
func (s *Service) FeedURL(token string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/calendar/" + token + ".ics"
}

// CreateCalendarFeed makes a private link for the actor: to the plan planID (which the route's
// scope has let them see), or, with planID "", to the milestones they own. It returns the
// token, which is shown once and never stored.
func (s *Service) CreateCalendarFeed(ctx context.Context, a *access.Actor, planID string) (string, error) {
	if a == nil {
		return "", apperr.New(apperr.Unauthenticated, "Sign in to continue")
	}
	var p Plan
	if planID != "" {
		var err error
		if p, err = s.plan(ctx, s.Store, a, planID, false); err != nil {
			return "", err
		}
	}
	token, hash, err := newFeedToken()
	if err != nil {
		return "", err
	}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		n, err := tx.CountLiveCalendarFeeds(ctx, a.UserID)
		if err != nil {
			return err
		}
		if n >= maxLiveFeeds {
			return apperr.Conflictf("You already have %d calendar links: revoke one you no longer use first", n)
		}
		if err := tx.CreateCalendarFeed(ctx, CalendarFeed{TokenSHA256: hash, UserID: a.UserID, PlanID: planID, CreatedAt: s.Now().UTC()}); err != nil {
			return err
		}
		tenant := a.OrgID
		if p.ID != "" {
			tenant = p.LeadOrgID
		}
		// The audit names the link by the start of its hash: enough to tell links apart, no use
		// to anyone who reads the log.
		return tx.Audit(ctx, s.entry(a, tenant, "calendar_feed.create", "calendar_feed", hash[:12], map[string]any{"plan_id": planID}))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeCalendarFeed ends one of the actor's links, named by its id (the hash).
func (s *Service) RevokeCalendarFeed(ctx context.Context, a *access.Actor, id string) error {
	if a == nil {
		return apperr.New(apperr.Unauthenticated, "Sign in to continue")
	}
	if strings.TrimSpace(id) == "" {
		return apperr.InvalidFields(map[string]string{"feed": "Select the calendar link to revoke"})
	}
	if len(id) != 64 {
		return apperr.NotFoundf("Calendar link not found")
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		f, err := tx.RevokeCalendarFeed(ctx, a.UserID, id, s.Now().UTC())
		if err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, a.OrgID, "calendar_feed.revoke", "calendar_feed", id[:12], map[string]any{"plan_id": f.PlanID}))
	})
}

// CalendarFeeds lists the actor's links.
func (s *Service) CalendarFeeds(ctx context.Context, a *access.Actor) ([]CalendarFeed, error) {
	if a == nil {
		return nil, apperr.New(apperr.Unauthenticated, "Sign in to continue")
	}
	return s.Store.CalendarFeedsOf(ctx, a.UserID)
}

// FeedActor resolves a token to its live feed and the person it belongs to, as the actor the
// feed is built for. Anything wrong — malformed, unknown, revoked, the person deactivated — is
// the same "not found", so a link cannot be probed.
func (s *Service) FeedActor(ctx context.Context, token string) (CalendarFeed, *access.Actor, error) {
	gone := apperr.NotFoundf("Calendar not found")
	if !validFeedToken(token) {
		return CalendarFeed{}, nil, gone
	}
	f, err := s.Store.LiveCalendarFeed(ctx, feedHash(token))
	if err != nil {
		if apperr.IsKind(err, apperr.NotFound) {
			return f, nil, gone
		}
		return f, nil, err
	}
	o, err := s.Store.FeedOwner(ctx, f.UserID)
	if err != nil {
		return f, nil, err
	}
	if !o.Active {
		return f, nil, gone
	}
	return f, &access.Actor{UserID: o.ID, Name: o.Name, Email: o.Email, OrgID: o.OrgID, OrgName: o.OrgName, OrgKind: o.OrgKind}, nil
}

// Calendar is the feed a token opens: its name and events. mayView is casbin's answer to
// whether the owner may still see plans at all (a role taken away closes their links).
func (s *Service) Calendar(ctx context.Context, token string, mayView func(*access.Actor) bool) (string, []CalendarEvent, error) {
	f, a, err := s.FeedActor(ctx, token)
	if err != nil {
		return "", nil, err
	}
	if !mayView(a) {
		return "", nil, apperr.NotFoundf("Calendar not found")
	}
	// The request has no session: the plans are read as the owner's organisation sees them.
	ctx = database.WithTenant(ctx, a.OrgID)
	if f.PlanID != "" {
		v, err := s.PlanView(ctx, a, f.PlanID)
		if err != nil {
			if apperr.IsKind(err, apperr.NotFound) {
				return "", nil, apperr.NotFoundf("Calendar not found")
			}
			return "", nil, err
		}
		return "golive: " + v.Plan.ContractReference + " mobilisation", PlanEvents(v, s.BaseURL, ""), nil
	}
	if isHealthwatch(a) {
		return "", nil, apperr.NotFoundf("Calendar not found")
	}
	plans, err := s.Store.Plans(ctx)
	if err != nil {
		return "", nil, err
	}
	var events []CalendarEvent
	for _, p := range plans {
		v, err := s.planView(ctx, s.Store, a, p)
		if err != nil {
			return "", nil, err
		}
		events = append(events, PlanEvents(v, s.BaseURL, a.UserID)...)
	}
	return "golive: milestones of " + a.Name, events, nil
}

// PlanEvents are a plan's events: every milestone and go-live, or with owner set only the
// milestones that person owns. UIDs are the milestone's (or phase's) id, stable for ever.
func PlanEvents(v PlanView, baseURL, owner string) []CalendarEvent {
	base := strings.TrimRight(baseURL, "/")
	ref := v.Plan.ContractReference
	plan := fmt.Sprintf("%s (%s, lot %d: %s)", ref, v.ProcurementTitle, v.LotNumber, v.LotTitle)
	var out []CalendarEvent
	for _, m := range v.Milestones {
		if owner != "" && m.OwnerUserID != owner {
			continue
		}
		summary := ref + ": " + m.Title
		if m.AcceptedAt != nil {
			summary += " (done)"
		}
		status := statusLabel(m.Status)
		if m.AcceptedAt != nil {
			status = "Done, accepted on " + dayText(m.CompletedOn)
		} else if m.CompletionRequestedAt != nil {
			status += ", waiting for the commissioner to accept it"
		}
		lines := []string{
			"Plan: " + plan,
			"Phase: " + m.PhaseName,
			"Workstream: " + m.Workstream,
			"Status: " + status,
			"RAG: " + ragLabel(m.RAG) + reasonSuffix(m.Reason),
		}
		if m.OwnerName != "" {
			lines = append(lines, "Owner: "+m.OwnerName+orgSuffix(m.OwnerOrgName))
		}
		if m.AcceptedAt == nil && m.Forecast.Finish != "" && m.Forecast.Finish != m.DueOn {
			lines = append(lines, "Forecast finish: "+dayText(m.Forecast.Finish))
		}
		if m.OnCriticalPath {
			lines = append(lines, "On the critical path to go-live")
		}
		out = append(out, CalendarEvent{UID: m.ID + "@golive", Day: m.DueOn, Summary: summary, Description: strings.Join(lines, "\n"),
			URL: base + milestoneHref(v.Plan.ID, m.ID), Modified: m.UpdatedAt})
	}
	if owner != "" {
		return out
	}
	for _, ph := range v.Phases {
		summary := ref + ": go-live of " + ph.Name
		lines := []string{"Plan: " + plan}
		modified := v.Plan.CreatedAt
		if ph.State == Live && ph.LiveAt != nil {
			summary += " (live)"
			lines = append(lines, "Live since "+ukclock.DateTime(*ph.LiveAt))
			modified = *ph.LiveAt
		} else {
			lines = append(lines, "RAG: "+ragLabel(ph.RAG)+reasonSuffix(ph.Reason))
			if f := ph.Outlook.ForecastDay; f != "" && f != ph.GoLiveDay {
				lines = append(lines, "Forecast go-live: "+dayText(f))
			}
		}
		out = append(out, CalendarEvent{UID: "phase-" + ph.ID + "@golive", Day: ph.GoLiveDay, Summary: summary,
			Description: strings.Join(lines, "\n"), URL: base + phaseHref(v.Plan.ID, ph.ID), Modified: modified})
	}
	return out
}

func reasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return ": " + r
}

func orgSuffix(o string) string {
	if o == "" {
		return ""
	}
	return " (" + o + ")"
}
