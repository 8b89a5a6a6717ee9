// Package jobsweb is the platform admin's view of background work: the mail outbox pages
// (/platform/outbox) and the asynq job monitor (/platform/jobs, which frames the monitor itself,
// served at /platform/jobs/monitor). It sits above jobs, which keeps
// the worker, the queue and the outbox free of HTTP and pages.
package jobsweb

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/google/uuid"
	"github.com/hibiken/asynqmon"

	"golive/apperr"
	"golive/jobs"
	"golive/web"
)

// Handlers are the platform admin's pages about mail and jobs. They check no roles: the routes
// are mounted behind casbin's platform-admin group.
type Handlers struct {
	Outbox *jobs.Outbox
	Server *web.Server
}

// outboxPageSize is how many messages one outbox page lists.
const outboxPageSize = 50

// MountPages registers the outbox pages on r, the group at /platform/outbox: GET / lists the
// messages, GET /:id shows one. The links the pages print assume that prefix.
func (h *Handlers) MountPages(r fiber.Router) {
	r.Get("/", h.outbox) // mounted at /platform/outbox
	r.Get("/:id", h.message)
}

// OutboxPage is what /platform/outbox shows.
type OutboxPage struct {
	Messages []OutboxItem
	Total    int64
	Page     int
	Pages    int
	First    int // position of the first message shown, from 1
	Last     int
	PrevHref string
	NextHref string
}

// OutboxItem is one message in the list.
type OutboxItem struct {
	ID             string
	Href           string
	To             string
	Subject        string
	StatusLabel    string
	StatusClass    string // NHS.UK tag colour
	TransportLabel string
	Attempts       int
	// InDoubt is how many times it was sent again after a worker died mid-send: it may have
	// reached the recipient more than once (with the same Message-ID).
	InDoubt   int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// MessagePage is what /platform/outbox/:id shows.
type MessagePage struct {
	OutboxItem
	TenantID  string
	ClaimedAt *time.Time
	// Kept is whether the message stayed here (the local outbox): only then is its text shown.
	Kept bool
	Text string
	// Paragraphs is Text split at blank lines, then into lines, so the page keeps the message's
	// layout without a <pre> that would not wrap.
	Paragraphs [][]string
}

func (h *Handlers) outbox(c *fiber.Ctx) error {
	page := 1
	if p := c.Query("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return apperr.NotFoundf("There is no page %q of the outbox", p)
		}
		page = n
	}
	rows, total, err := h.Outbox.Page(c.UserContext(), (page-1)*outboxPageSize, outboxPageSize)
	if err != nil {
		return err
	}
	pages := int((total + outboxPageSize - 1) / outboxPageSize)
	if pages == 0 {
		pages = 1
	}
	if page > pages {
		return apperr.NotFoundf("There is no page %d of the outbox: it has %d", page, pages)
	}
	p := OutboxPage{Total: total, Page: page, Pages: pages}
	for _, r := range rows {
		p.Messages = append(p.Messages, item(r))
	}
	if len(rows) > 0 {
		p.First = (page-1)*outboxPageSize + 1
		p.Last = p.First + len(rows) - 1
	}
	if page > 1 {
		p.PrevHref = "/platform/outbox?page=" + strconv.Itoa(page-1)
	}
	if page < pages {
		p.NextHref = "/platform/outbox?page=" + strconv.Itoa(page+1)
	}
	return h.Server.Render(c, "jobs/outbox", "Outbox", p, nil)
}

func (h *Handlers) message(c *fiber.Ctx) error {
	id := c.Params("id")
	// Anything that is not one of our ids is simply not found: no query, no 500.
	if u, err := uuid.Parse(id); err != nil || u.String() != id {
		return apperr.NotFoundf("There is no message with that id")
	}
	r, err := h.Outbox.Message(c.UserContext(), id)
	if err != nil {
		return err
	}
	if r == nil {
		return apperr.NotFoundf("There is no message with that id")
	}
	p := MessagePage{OutboxItem: item(*r), TenantID: r.TenantID, ClaimedAt: r.ClaimedAt}
	// Mail holds organisations' confidential business (standstill letters carry every bidder's
	// scores) and sign-in links (invitations, password resets): platform staff see where it went
	// and what happened to it, not what it says. The one exception is mail kept in the local
	// outbox (no SMTP server configured, as on a first run or the demo), where this page is the
	// only place anyone can read it.
	if r.Transport == jobs.TransportOutbox {
		p.Kept, p.Text, p.Paragraphs = true, r.BodyText, paragraphs(r.BodyText)
	}
	return h.Server.Render(c, "jobs/message", r.Subject, p, nil)
}

func item(r jobs.MailRow) OutboxItem {
	it := OutboxItem{
		ID: r.ID, Href: "/platform/outbox/" + url.PathEscape(r.ID), To: r.ToAddr, Subject: r.Subject,
		Attempts: r.Attempts, InDoubt: r.InDoubt, LastError: r.LastError, CreatedAt: r.CreatedAt, SentAt: r.SentAt,
	}
	switch r.Status {
	case jobs.StatusPending:
		it.StatusLabel, it.StatusClass = "Waiting", "nhsuk-tag--blue"
		if r.LastError != "" {
			it.StatusLabel, it.StatusClass = "Retrying", "nhsuk-tag--yellow"
		}
	case jobs.StatusSending:
		it.StatusLabel, it.StatusClass = "Sending", "nhsuk-tag--blue"
	case jobs.StatusSent:
		it.StatusLabel, it.StatusClass = "Sent", "nhsuk-tag--green"
	case jobs.StatusFailed:
		it.StatusLabel, it.StatusClass = "Failed", "nhsuk-tag--red"
	default:
		it.StatusLabel, it.StatusClass = r.Status, "nhsuk-tag--grey"
	}
	switch r.Transport {
	case jobs.TransportSMTP:
		it.TransportLabel = "Email (SMTP)"
	case jobs.TransportOutbox:
		// Said plainly, so no one takes a message kept here for one a person received.
		it.TransportLabel = "Kept in local outbox, not emailed"
	}
	return it
}

// asynqmonCSP is the Content-Security-Policy for the job monitor only: its page starts with an
// inline script and its components inject inline styles, and it loads Roboto and Material Icons
// from Google Fonts (without them its icons show as words). Everything else stays as strict as
// golive's own policy, including no framing.
const asynqmonCSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; " +
	"style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; " +
	"img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"

// MonitorPath is where the asynq monitor itself is served; /platform/jobs is golive's page that
// frames it, so that the platform admin keeps golive's header and menu around it.
const MonitorPath = "/platform/jobs/monitor"

// MountMonitorPage registers golive's Jobs page on r, the group at /platform/jobs.
func (h *Handlers) MountMonitorPage(r fiber.Router) {
	r.Get("/", h.monitor)
}

// MonitorPage is what /platform/jobs shows around the framed monitor.
type MonitorPage struct {
	MonitorHref string
}

func (h *Handlers) monitor(c *fiber.Ctx) error {
	return h.Server.Render(c, "jobs/monitor", "Jobs", MonitorPage{MonitorHref: MonitorPath + "/"}, nil)
}

// AsynqmonHandler serves the asynq monitor (queues, tasks, retries, the archive) at rootPath,
// e.g. MonitorPath. Mount it for both rootPath and rootPath+"/*", behind the platform-admin
// route group. A Redis URL that cannot be read gives a handler that answers with an error.
//
// The monitor's own API changes state (delete, run, archive tasks) with fetch calls that carry
// no CSRF token, so requests other than GET and HEAD must come from this site: a browser says so
// in Sec-Fetch-Site or Origin, which another site cannot forge.
func AsynqmonHandler(redisURL, rootPath string) fiber.Handler {
	opt, err := jobs.RedisOpt(redisURL)
	if err != nil {
		err = fmt.Errorf("job monitor: %w", err)
		return func(*fiber.Ctx) error { return err }
	}
	root := "/" + strings.Trim(rootPath, "/")
	mon := adaptor.HTTPHandler(asynqmon.New(asynqmon.Options{RootPath: root, RedisConnOpt: opt}))
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && !sameOrigin(c) {
			return apperr.Forbiddenf("The job monitor accepts changes only from its own pages")
		}
		if err := mon(c); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentSecurityPolicy, asynqmonCSP)
		c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
		return nil
	}
}

func sameOrigin(c *fiber.Ctx) bool {
	if s := c.Get("Sec-Fetch-Site"); s != "" {
		return s == "same-origin"
	}
	o := c.Get(fiber.HeaderOrigin)
	if o == "" {
		return false
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == string(c.Request().Host())
}

func paragraphs(text string) [][]string {
	var out [][]string
	var cur []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}
