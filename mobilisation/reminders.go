package mobilisation

// Reminders: what is sent to whom and when, and what it says, as plain functions (the store
// writes and claims the rows, reminders_store.go; the asynq jobs drive them, jobs.go).
//
// Each reminder is a row named by a unique key, so that no scan, retry or second worker can make
// a second one:
//
//	due:<milestone>:<due day>:<offset>:<recipient>  written when the due day is set
//	overdue:<UK day>:<recipient>                    written by the scan, daily while any of theirs is overdue
//	escalation:<milestone>:<due day>:<lead>         written by the scan, once per milestone and due day
//	digest:<recipient>:<ISO week>                   written by the scan on Mondays
//
// The due day is part of the due and escalation keys because a moved due day is a new promise:
// its reminders, and its escalation, are owed again. The overdue key starts with the day, so that
// the day's thousands of rows go into the key's index side by side rather than one page each. The SQL in reminders_store.go builds the
// keys the scan writes the same way (TestScanWritesTheKeysTheRulesName holds the two together).
//
// The overdue reminder is one a day per person, not per milestone (issue 14: one milestone 72 days
// late made 72 messages, and a lead had 133 unread): like the digest, it names no milestone, and
// what it lists is read when it is sent, so that a milestone done or moved since the morning's
// scan is left out, and a day with nothing overdue left sends nothing.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golive/apperr"
	"golive/tenants/access"
	"golive/web"
)

// Reminder times, UK wall clock (GMT in winter, BST in summer).
const (
	reminderHour = 9 // due, overdue and escalation reminders
	digestHour   = 8 // the weekly digest, on Mondays
	// digestAheadDays is how far ahead the digest looks: what is due in the next two weeks.
	digestAheadDays = 14
	// digestMaxItems keeps a digest readable; the plan page has the rest.
	digestMaxItems = 40
)

// DailySendAt is when a UK day's due, overdue and escalation reminders go out: the scan at that
// minute writes and enqueues them. The demo runs its replayed scans then.
func DailySendAt(day string) time.Time { return ReminderSendAt(day, reminderHour) }

var defaultOffsets = []int{14, 7, 1}

// isOpen says whether a milestone is still owed: done counts once the commissioner accepted it,
// and a milestone reported done is not reminded of while it waits for that acceptance.
func isOpen(m Milestone) bool { return m.Status != Done && m.AcceptedAt == nil }

// recipientOf is who is reminded of a milestone: its owner, or the plan's lead while it has none,
// so that no milestone goes unwatched.
func recipientOf(p Plan, m Milestone) string {
	if m.OwnerUserID != "" {
		return m.OwnerUserID
	}
	return p.LeadUserID
}

// planOffsets is the plan's reminder offsets; a value that cannot be read (the service validates
// what it stores) falls back to the default rather than silencing every reminder.
func planOffsets(p Plan) []int {
	if strings.TrimSpace(p.ReminderOffsets) == "" {
		return defaultOffsets
	}
	offs, err := ParseOffsets(p.ReminderOffsets)
	if err != nil || len(offs) == 0 {
		return defaultOffsets
	}
	return offs
}

func dueKey(milestoneID, dueOn string, offset int, user string) string {
	return "due:" + milestoneID + ":" + dueOn + ":" + strconv.Itoa(offset) + ":" + user
}

func overdueKey(day, user string) string { return "overdue:" + day + ":" + user }

func escalationKey(milestoneID, dueOn, user string) string {
	return "escalation:" + milestoneID + ":" + dueOn + ":" + user
}

func digestKey(user, week string) string { return "digest:" + user + ":" + week }

// isoWeek names the ISO week of a UK day, like "2019-W09".
func isoWeek(day string) string {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return ""
	}
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// mondayOf is the Monday of the ISO week of day.
func mondayOf(day string) string {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return ""
	}
	return AddDays(day, -((int(t.Weekday()) + 6) % 7))
}

// dueReminders are the "due" reminders milestone m owes, one per offset, to its recipient, at
// 09:00 UK time on the day offset days before the due day, keeping only those still ahead of now.
func dueReminders(p Plan, m Milestone, now time.Time) []Reminder {
	to := recipientOf(p, m)
	if !isOpen(m) || to == "" || m.DueOn == "" {
		return nil
	}
	var out []Reminder
	for off, day := range DueReminderDays(m.DueOn, planOffsets(p)) {
		at := ReminderSendAt(day, reminderHour)
		if !at.After(now) {
			continue
		}
		mid, pid := m.ID, p.ID
		out = append(out, Reminder{ID: newID(), Key: dueKey(m.ID, m.DueOn, off, to), MilestoneID: &mid, PlanID: &pid,
			UserID: to, Kind: DueSoon, SendAt: at, State: Scheduled})
	}
	slices.SortFunc(out, func(a, b Reminder) int { return a.SendAt.Compare(b.SendAt) })
	return out
}

// reminderApplies says whether a reminder about milestone m of plan p should still go out on
// today, and if not, why (for the log). It is asked when the milestone changes, to cancel what no
// longer applies, and again by the worker just before sending.
func reminderApplies(r Reminder, p Plan, m Milestone, today string) (bool, string) {
	if !isOpen(m) {
		return false, "the milestone is done"
	}
	switch r.Kind {
	case DueSoon:
		parts := strings.Split(r.Key, ":")
		if len(parts) != 5 || parts[1] != m.ID {
			return false, "not a reminder of this milestone"
		}
		if parts[2] != m.DueOn {
			return false, "the due day changed"
		}
		off, err := strconv.Atoi(parts[3])
		if err != nil || !slices.Contains(planOffsets(p), off) {
			return false, "the plan's reminder days changed"
		}
		if r.UserID != recipientOf(p, m) {
			return false, "the owner changed"
		}
		if today > m.DueOn {
			// Late by a worker that was down: the overdue reminder says it better now.
			return false, "the due day has passed"
		}
		for _, o := range planOffsets(p) {
			if o < off && AddDays(m.DueOn, -o) <= today {
				// Found late: a nearer reminder's day has come, and that one is sent instead.
				return false, "a later reminder replaces it"
			}
		}
	case Escalation:
		if r.Key != escalationKey(m.ID, m.DueOn, r.UserID) {
			return false, "the due day changed"
		}
		if r.UserID != p.LeadUserID {
			return false, "the plan's lead changed"
		}
		if OverdueDays(m.DueOn, today) < p.EscalateAfterDays {
			return false, "no longer overdue long enough to escalate"
		}
	default:
		return false, "not a milestone reminder"
	}
	return true, ""
}

// reminderAbout is what a milestone reminder speaks of, as the store loads it.
type reminderAbout struct {
	Plan      Plan
	Milestone Milestone
	PlanName  string // "Lot 1: Integrated urgent care (KM-2018-01)"
	PhaseName string
	GoLive    time.Time
	OwnerName string
}

// recipient is the person a reminder goes to.
type recipient struct {
	ID, Name, Email string
	Active          bool
}

// digestItem is a line of the weekly digest, or of the daily overdue message.
type digestItem struct {
	PlanID, MilestoneID, Title, PlanName, PhaseName, DueOn string
	Owned                                                  bool // theirs, rather than in a plan they lead
}

// message is what a reminder says: the same words by email and in the inbox.
type message struct {
	Subject string
	Body    string
	Link    string // path on golive; the email adds the base URL
}

// milestoneLink is the milestone's page.
func milestoneLink(planID, milestoneID string) string {
	return "/mobilisation/plans/" + planID + "/milestones/" + milestoneID
}

// ukLongDay is how a due day reads in a reminder: "Friday 5 April 2019".
func ukLongDay(day string) string {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return day
	}
	return t.Format("Monday 2 January 2006")
}

// composeReminder writes a due reminder or an escalation for to, on today.
func composeReminder(r Reminder, a reminderAbout, to recipient, today string) message {
	m := a.Milestone
	var subject, lead string
	switch r.Kind {
	case DueSoon:
		n := DaysBetween(today, m.DueOn)
		when := "in " + days(n)
		switch n {
		case 0:
			when = "today"
		case 1:
			when = "tomorrow"
		}
		subject = fmt.Sprintf("Due %s: %s", when, m.Title)
		lead = fmt.Sprintf("%q is due %s, on %s.", m.Title, when, ukLongDay(m.DueOn))
	case Escalation:
		n := OverdueDays(m.DueOn, today)
		subject = fmt.Sprintf("Escalation: %s is %s overdue", m.Title, days(n))
		lead = fmt.Sprintf("%q was due on %s and is %s overdue. As the plan's lead you are told once it is %s late.",
			m.Title, ukLongDay(m.DueOn), days(n), days(a.Plan.EscalateAfterDays))
	}
	link := milestoneLink(a.Plan.ID, m.ID)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n%s\n\n", to.Name, lead)
	fmt.Fprintf(&b, "Plan: %s\n", a.PlanName)
	if a.PhaseName != "" {
		fmt.Fprintf(&b, "Phase: %s", a.PhaseName)
		if !a.GoLive.IsZero() {
			fmt.Fprintf(&b, " (go-live %s)", ukLongDay(DayOf(a.GoLive)))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Workstream: %s\n", m.Workstream)
	if a.OwnerName != "" {
		fmt.Fprintf(&b, "Owner: %s\n", a.OwnerName)
	}
	fmt.Fprintf(&b, "\nOpen the milestone: {link}\n\n")
	switch r.Kind {
	case Escalation:
		b.WriteString("Escalations cannot be turned off.\n")
	default:
		b.WriteString("You get this because the milestone is yours. Reminders about due and overdue milestones cannot be turned off.\n")
	}
	return message{Subject: oneLine(subject), Body: b.String(), Link: link}
}

// composeDigest writes the weekly digest of items for to, or reports false when there is nothing
// to say (a digest is never empty).
func composeDigest(items []digestItem, to recipient, today string) (message, bool) {
	if len(items) == 0 {
		return message{}, false
	}
	var overdue, soon []digestItem
	for _, it := range items {
		if it.DueOn < today {
			overdue = append(overdue, it)
		} else {
			soon = append(soon, it)
		}
	}
	var parts []string
	if len(overdue) > 0 {
		parts = append(parts, fmt.Sprintf("%d overdue", len(overdue)))
	}
	if len(soon) > 0 {
		parts = append(parts, fmt.Sprintf("%d due in the next %d days", len(soon), digestAheadDays))
	}
	subject := "Your mobilisation week: " + strings.Join(parts, ", ")
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nYour mobilisation milestones for the week beginning %s.\n", to.Name, ukLongDay(mondayOf(today)))
	section := func(title string, list []digestItem) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, it := range list {
			who := ""
			if !it.Owned {
				who = " (in a plan you lead)"
			}
			fmt.Fprintf(&b, "- %s, due %s%s\n  %s, %s\n  {base}%s\n", it.Title, ukLongDay(it.DueOn), who, it.PlanName, it.PhaseName,
				milestoneLink(it.PlanID, it.MilestoneID))
		}
	}
	section("Overdue:", overdue)
	section(fmt.Sprintf("Due in the next %d days:", digestAheadDays), soon)
	b.WriteString("\nYou can turn this weekly digest off in your reminder settings: {base}/account/reminders\n" +
		"Reminders about due and overdue milestones, and escalations, cannot be turned off.\n")
	// No link of its own: each milestone in it has one.
	return message{Subject: subject, Body: b.String()}, true
}

// overdueMaxItems keeps the daily overdue message readable; the rest are counted, not listed.
const overdueMaxItems = 40

// overdueApplies says whether the daily overdue reminder r is still to go out on today, and if
// not, why. A day's message found late (the worker was down) is replaced by today's, which lists
// the same milestones as they are now.
func overdueApplies(r Reminder, today string) (bool, string) {
	if r.MilestoneID != nil {
		// Written per milestone before the messages were collapsed into one a day.
		return false, "replaced by the daily overdue message"
	}
	if today > DayOf(r.SendAt) {
		return false, "a later overdue reminder replaces it"
	}
	return true, ""
}

// composeOverdue writes the daily overdue message for to: every milestone of theirs still
// overdue on today (items, the most overdue first, up to overdueMaxItems, and more not listed),
// each with how late it is and its link. It reports false when nothing is overdue any more.
func composeOverdue(items []digestItem, more int, to recipient, today string) (message, bool) {
	if len(items) == 0 {
		return message{}, false
	}
	total := len(items) + max(more, 0)
	worst := 0
	for _, it := range items {
		worst = max(worst, OverdueDays(it.DueOn, today))
	}
	var subject string
	if total == 1 {
		subject = fmt.Sprintf("Overdue by %s: %s", days(worst), items[0].Title)
	} else {
		subject = fmt.Sprintf("%d milestones overdue, the longest by %s", total, days(worst))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", to.Name)
	if total == 1 {
		fmt.Fprintf(&b, "A milestone of yours is overdue on %s.\n\n", ukLongDay(today))
	} else {
		fmt.Fprintf(&b, "%d milestones of yours are overdue on %s.\n\n", total, ukLongDay(today))
	}
	for _, it := range items {
		fmt.Fprintf(&b, "- %s: %s overdue (due %s)\n  %s", it.Title, days(OverdueDays(it.DueOn, today)), ukLongDay(it.DueOn), it.PlanName)
		if it.PhaseName != "" {
			fmt.Fprintf(&b, ", %s", it.PhaseName)
		}
		fmt.Fprintf(&b, "\n  {base}%s\n", milestoneLink(it.PlanID, it.MilestoneID))
	}
	if more > 0 {
		fmt.Fprintf(&b, "\nAnd %d more, not listed here: each plan's page shows all its milestones.\n", more)
	}
	b.WriteString("\nYou get this message once a day while milestones of yours are overdue (a milestone with no owner is " +
		"its plan's lead's). Reminders about due and overdue milestones cannot be turned off.\n")
	// No link of its own: each milestone in it has one.
	return message{Subject: oneLine(subject), Body: b.String()}, true
}

// emailText is the message as an email: links in full.
func (m message) emailText(baseURL string) string {
	return strings.NewReplacer("{link}", baseURL+m.Link, "{base}", baseURL).Replace(m.Body)
}

// inboxText is the message as the inbox shows it: the line with the milestone's link is left
// out (the inbox links it under the message), and other links on this site stay relative.
func (m message) inboxText() string {
	var lines []string
	for _, l := range strings.Split(m.Body, "\n") {
		if !strings.Contains(l, "{link}") {
			lines = append(lines, l)
		}
	}
	return strings.ReplaceAll(strings.Join(lines, "\n"), "{base}", "")
}

// oneLine keeps a subject to one line of a length every mail server accepts.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = truncateRunes(s, 199) + "…"
	}
	return s
}

func truncateRunes(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// --- the inbox and reminder preferences (the signed-in person's own) ---

// InboxView is a person's inbox: their messages, newest first.
type InboxView struct {
	Messages    []InboxMessage
	Unread      int
	Total       int  // messages in all
	Page, Pages int  // this page (from 1) and how many there are
	Digest      bool // the weekly digest is on
}

// ParseInboxPage reads the API's page parameter: empty is the first page, otherwise a whole
// number from 1.
func ParseInboxPage(v string) (int, error) {
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, apperr.InvalidFields(map[string]string{"page": "Page must be a whole number from 1"})
	}
	return n, nil
}

// InboxPageSize is how many messages a page of the inbox shows.
const InboxPageSize = 25

// Inbox is the first page of the person's inbox: unread messages first.
func (s *Service) Inbox(ctx context.Context, a *access.Actor) (InboxView, error) {
	return s.InboxPage(ctx, a, 1)
}

// InboxPage is one page of the person's inbox, unread messages first; a page past the last is
// the last.
func (s *Service) InboxPage(ctx context.Context, a *access.Actor, page int) (InboxView, error) {
	if a == nil || a.UserID == "" {
		return InboxView{}, apperr.New(apperr.Unauthenticated, "Sign in to see your inbox")
	}
	page = max(page, 1)
	msgs, unread, total, err := s.Store.inbox(ctx, a.UserID, InboxPageSize, (page-1)*InboxPageSize)
	if err != nil {
		return InboxView{}, err
	}
	pages := max((total+InboxPageSize-1)/InboxPageSize, 1)
	if page > pages {
		return s.InboxPage(ctx, a, pages)
	}
	digest, err := s.Store.digestEnabled(ctx, a.UserID)
	if err != nil {
		return InboxView{}, err
	}
	return InboxView{Messages: msgs, Unread: unread, Total: total, Page: page, Pages: pages, Digest: digest}, nil
}

// MarkReadInput says which messages to mark read: one (MessageID) or all.
type MarkReadInput struct {
	MessageID string `json:"message_id" validate:"omitempty,max=64" label:"message id"`
	All       bool   `json:"all"`
}

// MarkRead marks the person's messages read and says how many changed. A message id that is not
// theirs is not found, exactly like one that does not exist.
func (s *Service) MarkRead(ctx context.Context, a *access.Actor, in MarkReadInput) (int, error) {
	if a == nil || a.UserID == "" {
		return 0, apperr.New(apperr.Unauthenticated, "Sign in to see your inbox")
	}
	if !in.All && in.MessageID == "" {
		return 0, apperr.InvalidFields(map[string]string{"message_id": "Select a message to mark as read, or mark all as read"})
	}
	if !in.All && !validID(in.MessageID) {
		return 0, apperr.NotFoundf("Message not found")
	}
	n, err := s.Store.markRead(ctx, a.UserID, in.MessageID, in.All, s.Now().UTC())
	if err != nil {
		return 0, err
	}
	if !in.All && n == 0 {
		// Already read, or not theirs: tell the two apart only for their own message.
		ok, err := s.Store.hasMessage(ctx, a.UserID, in.MessageID)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, apperr.NotFoundf("Message not found")
		}
	}
	return n, nil
}

// PreferencesInput is a person's reminder choice. Only the digest can be turned off.
type PreferencesInput struct {
	DigestEnabled *bool `json:"digest_enabled" validate:"required" label:"whether you want the weekly digest"`
}

// SetPreferences records the person's own reminder choice.
func (s *Service) SetPreferences(ctx context.Context, a *access.Actor, in PreferencesInput) (Preference, error) {
	if a == nil || a.UserID == "" {
		return Preference{}, apperr.New(apperr.Unauthenticated, "Sign in to change your reminders")
	}
	if err := web.Validate(in); err != nil {
		return Preference{}, err
	}
	p := Preference{UserID: a.UserID, DigestEnabled: *in.DigestEnabled, UpdatedAt: s.Now().UTC()}
	if err := s.Store.setPreference(ctx, p); err != nil {
		return Preference{}, err
	}
	return p, nil
}
