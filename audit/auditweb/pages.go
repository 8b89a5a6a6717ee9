package auditweb

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/audit"
	"golive/ukclock"
	"golive/web"
)

// MountPages registers the organisation admin's audit log page on r, the group at /admin/audit.
// Roles are not checked here: the caller gives that group the casbin middleware.
func (h *Handlers) MountPages(r fiber.Router) {
	r.Get("/", h.logPage) // mounted at /admin/audit
}

// pageSize is the number of events per page of the audit log.
const pageSize = audit.DefaultLimit

// maxPage stops an offset scan of millions of rows from a hand-edited URL.
const maxPage = 10000

// LogPage is what the audit log page shows.
type LogPage struct {
	OrgName    string
	ObjectType string
	ObjectID   string
	User       string
	From, To   DateField
	Valid      bool // the filters were accepted and Rows holds the results
	Filtered   bool
	Rows       []LogRow
	PageNo     int
	PrevHref   string
	NextHref   string
}

// DateField is an NHS.UK date input (day, month, year) with its message.
type DateField struct {
	Name, Legend, Hint string
	Day, Month, Year   string
	Err                string
	BadPart            string // "day", "month" or "year": the input the message points at
}

// LogRow is one event as the page shows it.
type LogRow struct {
	Seq        int64
	When       string // Europe/London, to the second
	WhenISO    string // for the <time> element
	ActorName  string
	ActorEmail string
	ActorID    string
	Action     string
	ObjectType string
	ObjectID   string
	Summary    []SummaryItem
}

// SummaryItem is one top-level key of an event's summary.
type SummaryItem struct {
	Key, Value string
}

func (h *Handlers) logPage(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	ctx, err := requireActor(c, a)
	if err != nil {
		return err
	}
	p := LogPage{
		OrgName:    a.OrgName,
		ObjectType: c.Query("object_type"),
		ObjectID:   c.Query("object_id"),
		User:       c.Query("user"),
		From: DateField{Name: "from", Legend: "Date from", Hint: "For example, 15 3 2025",
			Day: c.Query("from-day"), Month: c.Query("from-month"), Year: c.Query("from-year")},
		To: DateField{Name: "to", Legend: "Date to", Hint: "Includes events on this day",
			Day: c.Query("to-day"), Month: c.Query("to-month"), Year: c.Query("to-year")},
	}
	errs := map[string]string{}
	f := textFilter(p.ObjectType, p.ObjectID, p.User, [3]string{"object_type", "object_id", "user"}, errs)
	from, fromSet := p.From.parse(errs)
	to, toSet := p.To.parse(errs)
	// What was typed comes back beside its message, but not bytes a page cannot hold.
	for _, s := range []*string{&p.ObjectType, &p.ObjectID, &p.User, &p.From.Day, &p.From.Month, &p.From.Year, &p.To.Day, &p.To.Month, &p.To.Year} {
		*s = web.Printable(*s)
	}
	if toSet && !to.IsZero() {
		to = to.AddDate(0, 0, 1) // "to 3 March" includes 3 March
	}
	if fromSet && toSet && !from.IsZero() && !to.IsZero() && !to.After(from) {
		p.To.Err, p.To.BadPart = "Date to must be the same as or after date from", "day"
		errs["to-day"] = p.To.Err
	}
	if len(errs) > 0 {
		// The form comes back with each message beside its field, like any NHS.UK form.
		return h.Server.Render(c.Status(fiber.StatusUnprocessableEntity), "audit/log", "Audit log", p, errs)
	}
	f.From, f.To = from, to
	p.Filtered = f != (query{})

	p.PageNo, _ = strconv.Atoi(c.Query("page"))
	if p.PageNo < 1 || p.PageNo > maxPage {
		p.PageNo = 1
	}
	f.Limit, f.Offset = pageSize, (p.PageNo-1)*pageSize
	rows, more, err := h.search(ctx, f)
	if err != nil {
		return err
	}
	p.Valid = true
	for _, r := range rows {
		p.Rows = append(p.Rows, toLogRow(r))
	}
	if p.PageNo > 1 {
		p.PrevHref = pageHref(c, p.PageNo-1)
	}
	if more && p.PageNo < maxPage {
		p.NextHref = pageHref(c, p.PageNo+1)
	}
	return h.Server.Render(c, "audit/log", "Audit log", p, nil)
}

// parse reads the date and files its message under the id of the input it points at, so the
// error summary link lands on that input.
func (d *DateField) parse(errs map[string]string) (t time.Time, set bool) {
	t, set, bad, msg := dateParts{Day: d.Day, Month: d.Month, Year: d.Year}.londonDay(d.Legend)
	if msg != "" {
		d.Err, d.BadPart = msg, bad
		errs[d.Name+"-"+bad] = msg
		return time.Time{}, set
	}
	return t, set
}

func pageHref(c *fiber.Ctx, page int) string {
	q := url.Values{}
	for _, k := range []string{"object_type", "object_id", "user", "from-day", "from-month", "from-year", "to-day", "to-month", "to-year"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	q.Set("page", strconv.Itoa(page))
	return "/admin/audit?" + q.Encode()
}

func toLogRow(r Row) LogRow {
	at := r.At.In(ukclock.London)
	return LogRow{
		Seq:        r.Seq,
		When:       at.Format("2 January 2006 15:04:05"),
		WhenISO:    at.Format(time.RFC3339),
		ActorName:  r.ActorName,
		ActorEmail: r.ActorEmail,
		ActorID:    r.ActorUserID,
		Action:     r.Action,
		ObjectType: r.ObjectType,
		ObjectID:   r.ObjectID,
		Summary:    summaryItems(r.Summary),
	}
}

// summaryItems shows a summary's top-level keys in order; nested values stay compact JSON.
func summaryItems(summary string) []SummaryItem {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(summary), &m); err != nil {
		return []SummaryItem{{Key: "summary", Value: summary}}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	items := make([]SummaryItem, 0, len(keys))
	for _, k := range keys {
		v := string(m[k])
		var s string
		if json.Unmarshal(m[k], &s) == nil {
			v = s
		}
		items = append(items, SummaryItem{Key: k, Value: v})
	}
	return items
}
