package mobilisation

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/web"
)

// The mobilisation pages: the programme dashboard (pages_dashboard.go), a plan with its timeline,
// a milestone, a phase's go/no-go (pages_plan.go), the person's private calendar links and the
// feeds themselves, and the plan's export. Each handler reads the form, calls the service and
// renders, or redirects (303, with a flash); who may see which plan is scope.go's, who may do
// what to it the service's.

// Pages are the HTML handlers.
type Pages struct {
	Svc *Service
	Web *web.Server
}

// Mount registers the pages, each behind the permission it needs (casbin) and, on one plan, the
// plan's visibility to the caller (scope.go). The calendar feed is public: its token is the
// credential, and the service checks its owner may still see what it shows.
func (h *Pages) Mount(app fiber.Router, guard web.Guard) {
	view, manage := guard(access.PermPlanView), guard(access.PermPlanManage)
	update, golive := guard(access.PermPlanUpdate), guard(access.PermGoLive)
	plan := scoped("plan", h.Svc.VisiblePlan)

	app.Get("/calendar/:token.ics", h.feed)

	app.Get("/mobilisation", view, h.dashboard)
	app.Get("/mobilisation/calendar", view, h.calendar)
	app.Post("/mobilisation/calendar", view, h.createOwnFeed)
	app.Post("/mobilisation/calendar/revoke", view, h.revokeFeed)

	const p = "/mobilisation/plans/:plan"
	app.Get(p, view, plan, h.plan)
	app.Get(p+"/export.xlsx", view, plan, h.exportXLSX)
	app.Get(p+"/export.csv", view, plan, h.exportCSV)
	app.Post(p+"/calendar", view, plan, h.createPlanFeed)

	const m = p + "/milestones/:ms"
	app.Get(m, view, plan, h.milestone)
	app.Post(m, manage, plan, h.editMilestone)
	// Progress and evidence come from a milestone's owner, who may be on either side (a
	// commissioner's milestone can belong to any of its people): the service's CanReport decides.
	app.Post(m+"/progress", view, plan, h.progress)
	app.Post(m+"/evidence", view, plan, h.addEvidence)
	app.Get(m+"/evidence/:ev", view, plan, h.evidence)
	app.Post(m+"/request-completion", update, plan, h.requestCompletion)
	app.Post(m+"/accept", manage, plan, h.accept)
	app.Post(m+"/return", manage, plan, h.returnMilestone)

	const ph = p + "/phases/:phase"
	app.Get(ph, view, plan, h.phase)
	app.Post(ph, golive, plan, h.decide)
	app.Post(ph+"/live", manage, plan, h.goLive)
}

// render shows a page with the flash a redirect left for it.
func (h *Pages) render(c *fiber.Ctx, page, title string, content any, fields map[string]string) error {
	web.TakeFlash(c)
	return h.Web.Render(c, page, title, content, fields)
}

// formError turns a service error into messages beside a form's fields (with the status to
// answer), or returns it for the one error handler when it is not about the form.
func formError(c *fiber.Ctx, err error) (map[string]string, error) {
	fields, status := web.FormFields(err)
	if fields == nil {
		return nil, err
	}
	c.Status(status)
	return fields, nil
}

// --- what pages show: labels and tags ---

// Tag is a status as an NHS.UK tag: its words and its colour (the words say it all).
type Tag struct{ Label, Class string }

var ragTags = map[RAG]Tag{
	RAGRed:   {"Red", "nhsuk-tag--red"},
	RAGAmber: {"Amber", "nhsuk-tag--orange"},
	RAGGreen: {"Green", "nhsuk-tag--green"},
	RAGDone:  {"Done", "nhsuk-tag--grey"},
}

func ragTag(r RAG) Tag {
	if t, ok := ragTags[r]; ok {
		return t
	}
	return Tag{"Not assessed", "nhsuk-tag--white"}
}

func statusLabel(s Status) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

func ragLabel(r RAG) string { return ragTag(r).Label }

// dayText shows a UK calendar day as people read it: "1 April 2019".
func dayText(d string) string {
	t, err := time.Parse(dayFormat, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}

func daysText(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// planTitle names a plan: its contract and lot.
func planTitle(v PlanView) string {
	return fmt.Sprintf("%s: lot %d, %s", v.Plan.ContractReference, v.LotNumber, v.LotTitle)
}

// plansHref is where the address of every plan starts.
const plansHref = "/mobilisation/plans/"

func planHref(id string) string        { return plansHref + id }
func milestoneHref(p, m string) string { return plansHref + p + "/milestones/" + m }
func phaseHref(p, ph string) string    { return plansHref + p + "/phases/" + ph }

// --- the plan's export ---

func exportOf(v PlanView, a *access.Actor, now time.Time) ExportPlan {
	x := ExportPlan{Contract: v.Plan.ContractReference, Procurement: v.ProcurementTitle + " (" + v.ProcurementReference + ")",
		Lot: fmt.Sprintf("Lot %d: %s", v.LotNumber, v.LotTitle), Provider: v.ProviderName, Lead: v.LeadOrgName, RAG: v.RAG,
		Today: v.Today, ExportedAt: now}
	if a != nil {
		x.ExportedBy = a.Name
	}
	for _, ph := range v.Phases {
		state := "Mobilising"
		if ph.State == Live {
			state = "Live"
		}
		x.Phases = append(x.Phases, ExportPhase{Name: ph.Name, GoLive: ph.GoLiveDay, Forecast: ph.Outlook.ForecastDay,
			SlipDays: ph.Outlook.SlipDays, RAG: ph.RAG, State: state, LiveAt: ph.LiveAt, LiveBy: ph.LiveByName})
		for _, d := range ph.Decisions {
			decision := "Go"
			if d.Decision == NoGo {
				decision = "No-go"
			}
			x.Decisions = append(x.Decisions, ExportDecision{Phase: ph.Name, Commissioner: d.OrgName, Decision: decision,
				Reason: d.Reason, DecidedBy: d.DecidedByName, DecidedAt: d.DecidedAt})
		}
	}
	title := map[string]string{}
	for _, m := range v.Milestones {
		title[m.ID] = m.Title
	}
	for _, m := range v.Milestones {
		var deps []string
		for _, d := range m.DependsOn {
			deps = append(deps, title[d])
		}
		owner := m.OwnerName
		if m.OwnerOrgName != "" {
			owner += " (" + m.OwnerOrgName + ")"
		}
		x.Milestones = append(x.Milestones, ExportMilestone{Phase: m.PhaseName, Workstream: m.Workstream, Title: m.Title,
			Owner: owner, OwnerSide: ownerSideLabel(m.OwnerSide), Due: m.DueOn, Status: statusLabel(m.Status), RAG: m.RAG,
			Reason: m.Reason, Forecast: m.Forecast.Finish, SlipDays: m.Forecast.SlipDays, CompletedOn: m.CompletedOn,
			Critical: m.OnCriticalPath, DependsOn: deps})
	}
	return x
}

func ownerSideLabel(s OwnerSide) string {
	if s == Provider {
		return "Provider"
	}
	return "Commissioners"
}

// exportName is a file name for the plan's export: its contract reference, made safe.
func exportName(v PlanView, ext string) string {
	var b strings.Builder
	for _, r := range v.Plan.ContractReference {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteRune('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "plan"
	}
	return "mobilisation-" + name + "-" + v.Today + "." + ext
}

func (h *Pages) export(c *fiber.Ctx, ext, contentType string, write func(*bytes.Buffer, ExportPlan) error) error {
	a := web.ActorFrom(c)
	v, err := h.Svc.PlanView(c.UserContext(), a, c.Params("plan"))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := write(&b, exportOf(v, a, h.Svc.Now())); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+exportName(v, ext)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b.Bytes())
}

func (h *Pages) exportXLSX(c *fiber.Ctx) error {
	return h.export(c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		func(b *bytes.Buffer, p ExportPlan) error { return WritePlanXLSX(b, p) })
}

func (h *Pages) exportCSV(c *fiber.Ctx) error {
	return h.export(c, "csv", "text/csv; charset=utf-8", func(b *bytes.Buffer, p ExportPlan) error { return WritePlanCSV(b, p) })
}

// --- calendar links and feeds ---

// CalendarPage lists the person's private calendar links; NewURL is shown once, straight after
// a link is made.
type CalendarPage struct {
	NewURL, NewFor string
	Feeds          []FeedRow
	Plans          []PlanLink
}

// FeedRow is one of the person's links.
type FeedRow struct {
	ID, For, ForHref string
	CreatedAt        time.Time
	RevokedAt        *time.Time
}

// PlanLink is a plan by name, linked.
type PlanLink struct{ Href, Title string }

func (h *Pages) calendar(c *fiber.Ctx) error { return h.renderCalendar(c, "", "", nil) }

func (h *Pages) renderCalendar(c *fiber.Ctx, token, forWhat string, fields map[string]string) error {
	ctx, a := c.UserContext(), web.ActorFrom(c)
	feeds, err := h.Svc.CalendarFeeds(ctx, a)
	if err != nil {
		return err
	}
	cards, err := h.Svc.Plans(ctx, a)
	if err != nil {
		return err
	}
	page := CalendarPage{NewFor: forWhat}
	if token != "" {
		page.NewURL = h.Svc.FeedURL(token)
	}
	names := map[string]string{}
	for _, pc := range cards {
		names[pc.PlanID] = fmt.Sprintf("%s: lot %d, %s", pc.ContractReference, pc.LotNumber, pc.LotTitle)
		page.Plans = append(page.Plans, PlanLink{Href: planHref(pc.PlanID), Title: names[pc.PlanID]})
	}
	for _, f := range feeds {
		row := FeedRow{ID: f.TokenSHA256, For: "Milestones you own", CreatedAt: f.CreatedAt, RevokedAt: f.RevokedAt}
		if f.PlanID != "" {
			row.For, row.ForHref = names[f.PlanID], planHref(f.PlanID)
			if row.For == "" {
				row.For, row.ForHref = "A plan you can no longer see", ""
			}
		}
		page.Feeds = append(page.Feeds, row)
	}
	if token != "" {
		// A secret is on this page: keep it out of caches and history.
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return h.render(c, "mobilisation/calendar", "Calendar links", page, fields)
}

func (h *Pages) createOwnFeed(c *fiber.Ctx) error {
	token, err := h.Svc.CreateCalendarFeed(c.UserContext(), web.ActorFrom(c), "")
	if err != nil {
		fields, err := formError(c, err)
		if err != nil {
			return err
		}
		return h.renderCalendar(c, "", "", web.FormWide(fields))
	}
	return h.renderCalendar(c, token, "the milestones you own", nil)
}

func (h *Pages) createPlanFeed(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorFrom(c)
	v, err := h.Svc.PlanView(ctx, a, c.Params("plan"))
	if err != nil {
		return err
	}
	token, err := h.Svc.CreateCalendarFeed(ctx, a, v.Plan.ID)
	if err != nil {
		fields, err := formError(c, err)
		if err != nil {
			return err
		}
		return h.renderCalendar(c, "", "", web.FormWide(fields))
	}
	return h.renderCalendar(c, token, planTitle(v), nil)
}

func (h *Pages) revokeFeed(c *fiber.Ctx) error {
	if err := h.Svc.RevokeCalendarFeed(c.UserContext(), web.ActorFrom(c), web.NewForm(c).Str("feed")); err != nil {
		fields, err := formError(c, err)
		if err != nil {
			return err
		}
		return h.renderCalendar(c, "", "", web.FormWide(fields))
	}
	return web.RedirectFlash(c, "/mobilisation/calendar", "Calendar link revoked: calendars using it will no longer update.")
}

// feed serves a private calendar link. No session: the token is the credential, and anything
// wrong with it is 404, like any page that is not there.
func (h *Pages) feed(c *fiber.Ctx) error {
	mayView := func(a *access.Actor) bool { return h.Web.Can != nil && h.Web.Can(a, access.PermPlanView) }
	name, events, err := h.Svc.Calendar(c.UserContext(), c.Params("token"), mayView)
	if err != nil {
		if apperr.IsKind(err, apperr.NotFound) {
			return c.Status(fiber.StatusNotFound).SendString("Calendar not found\n")
		}
		return err
	}
	var b bytes.Buffer
	if err := WriteCalendar(&b, name, events); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	return c.Send(b.Bytes())
}
