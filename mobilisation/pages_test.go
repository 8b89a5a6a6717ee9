package mobilisation

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"golive/database"
	"golive/database/dbtest"
	"golive/frontend"
	"golive/jobs"
	"golive/tenants/access"
	"golive/web"
)

// The pages over the real service and database (SQLite, or PostgreSQL when
// GOLIVE_TEST_DATABASE_URL is set), behind a stand-in for sign-in that sets the actor a test
// names: what each person sees and may do, the forms' answers, the private calendar feeds and
// the exports. The browser walk of the whole journey, with axe, is frontend/e2e/mobilisation.test.mjs.

// pagesWorld is one plan of Medway's procurement (Swale takes part) provided by Estuary, with
// another procurement of DGS's provided by Weald that none of the first plan's people can see.
type pagesWorld struct {
	db                            *database.DB
	svc                           *Service
	app                           *fiber.App
	actors                        map[string]*access.Actor
	plan, other                   Plan
	phase                         Phase
	cqc, dos, gonogo, tupe, estat Milestone
	now                           time.Time
}

func newPagesWorld(t *testing.T) *pagesWorld {
	t.Helper()
	db := dbtest.Open(t)
	mail, err := jobs.NewClient(dbtest.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mail.Close() })
	w := &pagesWorld{db: db, actors: map[string]*access.Actor{}, now: uk("2019-02-11 10:00")}
	g := db.Gorm
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	made := uk("2018-08-20 10:00")
	org := func(name, kind string) string {
		id := newID()
		must(g.Table("organisations").Create(map[string]any{"id": id, "name": name, "kind": kind, "created_at": made}).Error)
		return id
	}
	medway, swale, dgs := org("NHS Medway CCG", "commissioner"), org("NHS Swale CCG", "commissioner"), org("NHS Dartford, Gravesham and Swanley CCG", "commissioner")
	estuary, weald, hw := org("Estuary Urgent Care", "provider"), org("Weald Ambulance Trust", "provider"), org("Healthwatch Kent", "healthwatch")
	user := func(key, orgID, orgKind, name string, roles ...string) *access.Actor {
		id := newID()
		email := strings.ReplaceAll(key, " ", ".") + "@golive.test"
		must(g.Table("users").Create(map[string]any{"id": id, "org_id": orgID, "email": email, "name": name, "active": true,
			"created_at": made, "updated_at": made}).Error)
		a := &access.Actor{UserID: id, Name: name, Email: email, OrgID: orgID, OrgKind: access.OrgKind(orgKind)}
		for _, k := range roles {
			r, _ := access.ParseRole(k)
			a.Roles = append(a.Roles, r)
		}
		w.actors[key] = a
		return a
	}
	lead := user("lead", medway, "commissioner", "Lena Lead", "procurement_lead")
	user("swale approver", swale, "commissioner", "Sam Approver", "gb_approver")
	user("medway approver", medway, "commissioner", "Mo Approver", "gb_approver")
	bid := user("bidder", estuary, "provider", "Bea Bidder", "bidder")
	user("dgs admin", dgs, "commissioner", "Dee Admin", "tenant_admin", "procurement_lead")
	weal := user("weald bidder", weald, "provider", "Wes Weald", "bidder")
	user("healthwatch", hw, "healthwatch", "Hal Watch", "healthwatch_evaluator")

	procurement := func(leadOrg string, parts ...string) (string, string) {
		proc, lot := newID(), newID()
		must(g.Table("procurements").Create(map[string]any{"id": proc, "lead_org_id": leadOrg, "title": "Kent and Medway integrated urgent care",
			"reference": "KM-" + proc[:8], "regime": "pcr2015", "procedure": "Open", "term_years": 5, "state": "awarded",
			"clarification_deadline": made, "submission_deadline": made, "evaluation_start": made, "award_date": made,
			"contract_start": made, "wrapped_key": []byte{1}, "created_by": lead.UserID, "created_at": made, "updated_at": made}).Error)
		must(g.Table("lots").Create(map[string]any{"id": lot, "procurement_id": proc, "number": 2, "title": "UTCs and GP out of hours",
			"service_types": "utc"}).Error)
		for _, o := range parts {
			must(g.Table("participants").Create(map[string]any{"procurement_id": proc, "org_id": o}).Error)
			must(g.Table("lot_participants").Create(map[string]any{"lot_id": lot, "org_id": o}).Error)
		}
		return proc, lot
	}
	proc, lot := procurement(medway, medway, swale)
	w.plan = Plan{ID: newID(), LotID: lot, ProcurementID: proc, LeadOrgID: medway, ProviderOrgID: estuary,
		ContractReference: "KM-IUCS-L2", LeadUserID: lead.UserID, ReminderOffsets: "14,7,1", EscalateAfterDays: 3,
		CreatedBy: lead.UserID, CreatedAt: made}
	must(g.Create(&w.plan).Error)
	w.phase = Phase{ID: newID(), PlanID: w.plan.ID, Name: "GP out of hours", GoLive: uk("2019-04-01 00:00"), State: Mobilising}
	must(g.Create(&w.phase).Error)
	ms := func(title, ws, due string, side OwnerSide, owner string, critical bool) Milestone {
		m := Milestone{ID: newID(), PlanID: w.plan.ID, PhaseID: w.phase.ID, Title: title, Workstream: ws, OwnerSide: side,
			OwnerUserID: owner, DueOn: due, Status: NotStarted, Critical: critical, CreatedAt: made, UpdatedAt: made}
		must(g.Create(&m).Error)
		return m
	}
	w.tupe = ms("TUPE consultation complete", "Workforce recruitment and training", "2018-11-01", Provider, bid.UserID, false)
	w.cqc = ms("CQC registration approved", "CQC registration", "2019-01-31", Provider, bid.UserID, true)
	w.dos = ms("DoS profiles live", "Directory of Services", "2019-03-11", Provider, bid.UserID, true)
	w.estat = ms("Base site lease signed", "Estates", "2019-02-28", Commissioner, lead.UserID, false)
	w.gonogo = ms("Go/no-go", "Go/no-go", "2019-03-25", Commissioner, lead.UserID, true)
	must(g.Create(&[]Dependency{{MilestoneID: w.dos.ID, DependsOnID: w.cqc.ID}, {MilestoneID: w.gonogo.ID, DependsOnID: w.dos.ID}}).Error)

	// DGS's procurement, provided by Weald: the Weald bidder is (wrongly) named owner of a
	// milestone of Medway's plan too, which Weald cannot see.
	oproc, olot := procurement(dgs, dgs)
	w.other = Plan{ID: newID(), LotID: olot, ProcurementID: oproc, LeadOrgID: dgs, ProviderOrgID: weald,
		ContractReference: "DGS-UTC", LeadUserID: w.actors["dgs admin"].UserID, CreatedBy: lead.UserID, CreatedAt: made}
	must(g.Create(&w.other).Error)
	ophase := Phase{ID: newID(), PlanID: w.other.ID, Name: "DGS UTC", GoLive: uk("2019-07-01 00:00"), State: Mobilising}
	must(g.Create(&ophase).Error)
	must(g.Create(&Milestone{ID: newID(), PlanID: w.other.ID, PhaseID: ophase.ID, Title: "Weald's own milestone", Workstream: "Estates",
		OwnerSide: Provider, OwnerUserID: weal.UserID, DueOn: "2019-05-01", Status: NotStarted, CreatedAt: made, UpdatedAt: made}).Error)
	ms("Milestone Weald must not see", "Estates", "2019-03-01", Provider, weal.UserID, false)

	renderer, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.svc = &Service{Store: NewStore(db), Mail: mail, BaseURL: "http://golive.test", Now: func() time.Time { return w.now }, Log: log}
	srv := &web.Server{Renderer: renderer, Logger: log, BaseURL: "http://golive.test",
		// casbin's answer for these roles: everyone here but Healthwatch may view plans.
		Can: func(a *access.Actor, p access.Permission) bool { return a != nil && a.OrgKind != access.Healthwatch }}
	w.app = srv.NewApp(web.Options{})
	// A stand-in for sign-in: the actor named in the header, acting for their organisation.
	w.app.Use(func(c *fiber.Ctx) error {
		if a := w.actors[c.Get("X-Test-Actor")]; a != nil {
			web.SetActor(c, a)
			c.SetUserContext(database.WithTenant(c.UserContext(), a.OrgID))
		}
		return c.Next()
	})
	pass := func(access.Permission) fiber.Handler {
		return func(c *fiber.Ctx) error {
			if web.ActorFrom(c) == nil {
				return fiber.ErrUnauthorized
			}
			return c.Next()
		}
	}
	(&Pages{Svc: w.svc, Web: srv}).Mount(w.app, pass)
	return w
}

// do makes a request as who ("" for nobody) and returns the status, Location and body.
func (w *pagesWorld) do(t *testing.T, who, method, path string, body io.Reader, contentType string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if who != "" {
		req.Header.Set("X-Test-Actor", who)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := w.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func (w *pagesWorld) get(t *testing.T, who, path string) (int, string) {
	t.Helper()
	status, _, body := w.do(t, who, "GET", path, nil, "")
	return status, body
}

func (w *pagesWorld) post(t *testing.T, who, path string, form url.Values) (int, string, string) {
	t.Helper()
	return w.do(t, who, "POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// htmlDoc parses a page and indexes its elements by id, failing on an id used twice.
func htmlDoc(t *testing.T, body string) map[string]*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]*html.Node{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "id" {
				if _, dup := ids[a.Val]; dup {
					t.Errorf("id %q used twice", a.Val)
				}
				ids[a.Val] = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return ids
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// nextElement is the first element named tag after n among its following siblings.
// nextElement is the first tag element after n among its following siblings, or inside one of
// them (a table sits in a scrolling region on the pages).
func nextElement(n *html.Node, tag string) *html.Node {
	var find func(*html.Node) *html.Node
	find = func(x *html.Node) *html.Node {
		if x.Type == html.ElementNode && x.Data == tag {
			return x
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if f := find(c); f != nil {
				return f
			}
		}
		return nil
	}
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if f := find(s); f != nil {
			return f
		}
	}
	return &html.Node{}
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestPlanPageShowsTheTimelineAndItsTextAlternative(t *testing.T) {
	w := newPagesWorld(t)
	status, body := w.get(t, "lead", planHref(w.plan.ID))
	if status != 200 {
		t.Fatalf("plan page: %d\n%s", status, body)
	}
	ids := htmlDoc(t, body)
	// One chart per phase (the plan has one); its milestones are links, so it is a group, not an image.
	title, desc := ids["gantt-title-0"], ids["gantt-desc-0"]
	if title == nil || desc == nil || title.Parent.Data != "svg" {
		t.Fatal("the timeline has no <title> and <desc>")
	}
	svg := title.Parent
	if attr(svg, "role") != "group" || attr(svg, "aria-labelledby") != "gantt-title-0" {
		t.Errorf("svg role %q labelledby %q", attr(svg, "role"), attr(svg, "aria-labelledby"))
	}
	for _, id := range strings.Fields(attr(svg, "aria-describedby")) {
		if ids[id] == nil {
			t.Errorf("the timeline is described by #%s, which is not on the page", id)
		}
	}
	table := ids["milestones-table"]
	if table == nil || !strings.Contains(attr(svg, "aria-describedby"), "milestones-table") {
		t.Fatal("the milestones table is not the timeline's description")
	}
	tableText := text(table)
	for _, want := range []string{"CQC registration approved", "DoS profiles live", "Go/no-go", "Red"} {
		if !strings.Contains(tableText, want) {
			t.Errorf("the milestones table lacks %q", want)
		}
	}
	// The CQC registration was due 31 January and is not done: red, overdue, and the chain
	// DoS → go/no-go slips with it, so the go-live is forecast late and drawn as such.
	svgText := text(svg)
	for _, want := range []string{"Go-live 1 Apr 2019", "Forecast go-live", "CP", "R CP", "Today 11 Feb 2019", "Jan 2019"} {
		if !strings.Contains(svgText, want) {
			t.Errorf("the timeline does not say %q: %s", want, svgText)
		}
	}
	if !strings.Contains(text(ids["gantt-desc-0"]), "red (R)") {
		t.Errorf("desc: %s", text(ids["gantt-desc-0"]))
	}
	for _, want := range []string{"Phases and go-live dates", "Workstreams", "export.xlsx", "export.csv", "Create a calendar link for this plan"} {
		if !strings.Contains(body, want) {
			t.Errorf("the plan page lacks %q", want)
		}
	}
}

// elements lists the elements under n named tag with class class.
func elements(n *html.Node, tag, class string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && slices.Contains(strings.Fields(attr(n, "class")), class) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func TestEachMilestoneOnTheTimelineLinksToItsPageNamedInFull(t *testing.T) {
	w := newPagesWorld(t)
	status, body := w.get(t, "lead", planHref(w.plan.ID))
	if status != 200 {
		t.Fatalf("plan page: %d", status)
	}
	svg := htmlDoc(t, body)["gantt-title-0"].Parent
	links := map[string]*html.Node{}
	for _, a := range elements(svg, "a", "golive-gantt__milestone") {
		links[attr(a, "href")] = a
	}
	for _, m := range []Milestone{w.tupe, w.cqc, w.dos, w.estat, w.gonogo} {
		a := links[milestoneHref(w.plan.ID, m.ID)]
		if a == nil {
			t.Errorf("%q has no link on the timeline; links: %v", m.Title, slices.Collect(maps.Keys(links)))
			continue
		}
		// The <title> is the tooltip on hover; the aria-label names the link to the keyboard.
		if a.FirstChild == nil || a.FirstChild.Data != "title" || text(a.FirstChild) != m.Title {
			t.Errorf("%q's link does not start with its <title>: %s", m.Title, renderNode(a))
		}
		if !strings.HasPrefix(attr(a, "aria-label"), m.Title) {
			t.Errorf("%q's link is named %q", m.Title, attr(a, "aria-label"))
		}
		if !strings.Contains(renderNode(a), "<polygon") {
			t.Errorf("%q's link does not hold its diamond", m.Title)
		}
	}
	if len(links) != 6 { // the five above and the one Weald must not see
		t.Errorf("%d milestone links, want 6", len(links))
	}
	if got := svg.Parent.Parent; got.Data != "details" || !hasAttr(got, "open") {
		t.Errorf("a small plan's phase is not a <details> shown open: %s", got.Data)
	}
}

func TestThePlanFilterNarrowsTheTimelineAndTable(t *testing.T) {
	w := newPagesWorld(t)
	status, body := w.get(t, "lead", planHref(w.plan.ID)+"?workstream=Estates")
	if status != 200 {
		t.Fatalf("filtered plan page: %d", status)
	}
	ids := htmlDoc(t, body)
	// Estates has two milestones of the six: the lease, and the one Weald must not see.
	var names []string
	for _, a := range elements(ids["gantt-title-0"].Parent, "a", "golive-gantt__milestone") {
		names = append(names, text(a.FirstChild))
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Base site lease signed", "Milestone Weald must not see"}) {
		t.Errorf("the Estates timeline shows %q", names)
	}
	table := text(ids["milestones-table"])
	if !strings.Contains(table, "Base site lease signed") || strings.Contains(table, "CQC registration approved") {
		t.Errorf("the Estates table: %s", table)
	}
	if !strings.Contains(text(ids["filter-summary"]), "Showing 2 of 6 milestones") {
		t.Errorf("summary: %s", text(ids["filter-summary"]))
	}
	if sel := ids["filter-workstream"]; sel == nil || !strings.Contains(renderNode(sel), `<option value="Estates" selected`) {
		t.Error("the workstream chosen is not selected in the form")
	}

	// A phase the plan does not have: said beside the field, and the whole plan shown.
	status, body = w.get(t, "lead", planHref(w.plan.ID)+"?phase="+newID())
	if status != 200 {
		t.Fatalf("unknown phase: %d", status)
	}
	ids = htmlDoc(t, body)
	if !strings.Contains(text(ids["filter-phase-error"]), "Select a phase from the list") {
		t.Errorf("no message beside the phase: %v", ids["filter-phase-error"] != nil)
	}
	if !strings.Contains(body, `href="#filter-phase"`) {
		t.Error("the error summary does not link to the phase")
	}
	if n := len(elements(ids["gantt-title-0"].Parent, "a", "golive-gantt__milestone")); n != 6 {
		t.Errorf("%d milestones shown after an unknown phase, want all 6", n)
	}
}

// The status cell of the milestones table says each thing once: the tag, then the progress,
// then what the reason adds (issue 14 item 6: not "Done Done: accepted 1 October 2018 Done on 1
// October 2018" or "Green In progress On track"). The reasons are the rules' own.
func TestTheMilestoneStatusSaysEachThingOnce(t *testing.T) {
	const today = "2019-01-21"
	at := time.Date(2019, 1, 10, 12, 0, 0, 0, time.UTC)
	tag := func(class, label string) string {
		return `<strong class="nhsuk-tag nhsuk-tag--` + class + `">` + label + `</strong> `
	}
	for _, c := range []struct {
		name string
		m    Milestone
		want string
	}{
		{"accepted", Milestone{DueOn: "2018-10-03", Status: Done, AcceptedAt: &at, CompletedOn: "2018-10-01"},
			tag("grey", "Done") + "Accepted 1 October 2018"},
		{"on track", Milestone{DueOn: "2019-02-15", Status: InProgress},
			tag("green", "Green") + "In progress"},
		{"due soon", Milestone{DueOn: "2019-01-26", Status: NotStarted},
			tag("orange", "Amber") + `Not started<br><span class="nhsuk-body-s">Due in 5 days</span>`},
		{"overdue, waiting for acceptance", Milestone{DueOn: "2019-01-16", Status: InProgress, CompletionRequestedAt: &at},
			tag("red", "Red") + `In progress, waiting for acceptance<br><span class="nhsuk-body-s">Overdue by 5 days (due 16 January 2019)</span>`},
		{"blocked", Milestone{DueOn: "2019-03-01", Status: Blocked},
			tag("red", "Red") + "Blocked"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.m.ID, c.m.Title = newID(), "Telephony installed"
			rag, reason := MilestoneRAG(c.m, MilestoneForecast{}, nil, today)
			row := string(milestoneRow("plan", MilestoneView{Milestone: c.m, RAG: rag, Reason: reason, OwnerName: "Eli Weald"}).PlanTableRow())
			const open = `<span class="nhsuk-table__heading" aria-hidden="true">Status </span><span>`
			i := strings.Index(row, open)
			if i < 0 {
				t.Fatalf("no status cell in %s", row)
			}
			cell := row[i+len(open):]
			cell = cell[:strings.Index(cell, "</span></td>")]
			if cell != c.want {
				t.Errorf("the status cell (reason %q)\n got %s\nwant %s", reason, cell, c.want)
			}
		})
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func renderNode(n *html.Node) string {
	var b strings.Builder
	_ = html.Render(&b, n)
	return b.String()
}

func TestWhoSeesAPlan(t *testing.T) {
	w := newPagesWorld(t)
	for who, want := range map[string]int{"lead": 200, "swale approver": 200, "bidder": 200, "dgs admin": 404, "weald bidder": 404, "healthwatch": 404} {
		for _, path := range []string{planHref(w.plan.ID), milestoneHref(w.plan.ID, w.cqc.ID), phaseHref(w.plan.ID, w.phase.ID), planHref(w.plan.ID) + "/export.csv"} {
			if status, _ := w.get(t, who, path); status != want {
				t.Errorf("%s GET %s: %d, want %d", who, path, status, want)
			}
		}
	}
	if status, _ := w.get(t, "lead", milestoneHref(w.plan.ID, newID())); status != 404 {
		t.Errorf("an unknown milestone: %d", status)
	}
	if status, _ := w.get(t, "lead", milestoneHref(w.plan.ID, "not-an-id")); status != 404 {
		t.Errorf("a malformed milestone id: %d", status)
	}
	if status, _ := w.get(t, "lead", phaseHref(w.plan.ID, newID())); status != 404 {
		t.Errorf("an unknown phase: %d", status)
	}
	if status, _ := w.get(t, "dgs admin", planHref(w.other.ID)); status != 200 {
		t.Errorf("DGS's own plan: %d", status)
	}
}

func TestMilestoneJourneyOnPages(t *testing.T) {
	w := newPagesWorld(t)
	cqc := milestoneHref(w.plan.ID, w.cqc.ID)

	t.Run("the provider's owner reports progress; the lead cannot accept what was not asked for", func(t *testing.T) {
		_, body := w.get(t, "bidder", cqc)
		for _, want := range []string{"Report progress", "Add evidence", "Ask for acceptance"} {
			if !strings.Contains(body, want) {
				t.Errorf("the owner's page lacks %q", want)
			}
		}
		if strings.Contains(body, "Accept as done") || strings.Contains(body, "Change this milestone") {
			t.Error("the provider is offered the lead's forms")
		}
		_, body = w.get(t, "lead", cqc)
		if strings.Contains(body, "Accept as done") || !strings.Contains(body, "Change this milestone") {
			t.Error("the lead's page before any request: want the edit form, no acceptance yet")
		}
		_, body = w.get(t, "swale approver", cqc)
		if strings.Contains(body, "<form method=\"post\" action=\""+cqc) {
			t.Error("an approver who owns nothing here is offered a form")
		}
	})

	t.Run("a bad status is shown beside the field", func(t *testing.T) {
		status, _, body := w.post(t, "bidder", cqc+"/progress", url.Values{"status": {"done"}, "note": {"All done"}})
		if status != 422 {
			t.Fatalf("progress with status done: %d", status)
		}
		ids := htmlDoc(t, body)
		if ids["progress-status-error"] == nil || !strings.Contains(body, `href="#progress-status"`) {
			t.Errorf("no message beside the status field, or no link to it in the summary")
		}
		if !strings.Contains(text(ids["progress-note"]), "All done") {
			t.Error("the note typed is lost")
		}
	})

	t.Run("progress, evidence and the request for acceptance", func(t *testing.T) {
		status, loc, body := w.post(t, "bidder", cqc+"/progress", url.Values{"status": {"in_progress"}, "note": {"Application submitted to CQC"}})
		if status != 303 || loc != cqc {
			t.Fatalf("progress: %d %s\n%s", status, loc, body)
		}
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "cqc-registration.pdf")
		fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
		mw.Close()
		status, loc, body = w.do(t, "bidder", "POST", cqc+"/evidence", &b, mw.FormDataContentType())
		if status != 303 || loc != cqc {
			t.Fatalf("evidence: %d %s\n%s", status, loc, body)
		}
		status, loc, _ = w.post(t, "bidder", cqc+"/request-completion", url.Values{"note": {"Registration certificate attached"}})
		if status != 303 || loc != cqc {
			t.Fatalf("request completion: %d %s", status, loc)
		}
		_, body = w.get(t, "lead", cqc)
		for _, want := range []string{"Accept as done", "Return to the provider", "cqc-registration.pdf", "Application submitted to CQC", "Not started to In progress"} {
			if !strings.Contains(body, want) {
				t.Errorf("the lead's page lacks %q", want)
			}
		}
		var link string
		for _, part := range strings.Split(body, `href="`) {
			if strings.HasPrefix(part, cqc+"/evidence/") {
				link = part[:strings.Index(part, `"`)]
			}
		}
		status, file := w.get(t, "swale approver", link)
		if status != 200 || !strings.HasPrefix(file, "%PDF") {
			t.Errorf("evidence download %s: %d", link, status)
		}
	})

	t.Run("the lead accepts: done", func(t *testing.T) {
		status, loc, body := w.post(t, "lead", cqc+"/accept", url.Values{"note": {"Certificate checked"}})
		if status != 303 || loc != cqc {
			t.Fatalf("accept: %d %s\n%s", status, loc, body)
		}
		_, body = w.get(t, "bidder", cqc)
		if !strings.Contains(body, `<p id="milestone-status"><strong class="nhsuk-tag nhsuk-tag--grey">Done</strong> Accepted 11 February 2019</p>`) ||
			strings.Contains(body, "Report progress") {
			t.Errorf("after acceptance the page should say done and offer no progress form")
		}
	})

	t.Run("the lead moves a due day; an impossible dependency is refused beside the field", func(t *testing.T) {
		dos := milestoneHref(w.plan.ID, w.dos.ID)
		form := url.Values{"title": {"DoS profiles live"}, "workstream": {"Directory of Services"},
			"due_on-day": {"18"}, "due_on-month": {"3"}, "due_on-year": {"2019"},
			"owner_side": {"provider"}, "owner_user_id": {w.actors["bidder"].UserID}, "critical": {"yes"}, "depends_on": {w.cqc.ID}}
		if status, loc, body := w.post(t, "lead", dos, form); status != 303 || loc != dos {
			t.Fatalf("edit: %d %s\n%s", status, loc, body)
		}
		if _, body := w.get(t, "lead", dos); !strings.Contains(body, "18 March 2019") {
			t.Errorf("the new due day is not shown")
		}
		form.Set("due_on-day", "31")
		form.Set("due_on-month", "02")
		form.Set("title", "DoS profiles live, checked")
		status, _, body := w.post(t, "lead", dos, form)
		doc := htmlDoc(t, body)
		if status != 422 || doc["edit-due_on-error"] == nil || !strings.Contains(text(doc["edit-due_on-error"]), "Due date must be a real date") {
			t.Fatalf("an impossible date: %d, or no message beside the date\n%s", status, body)
		}
		// The message is linked to the day, the part that is wrong, and everything typed is kept.
		if day := doc["edit-due_on"]; day == nil || attr(day, "name") != "due_on-day" || attr(day, "value") != "31" || !strings.Contains(attr(day, "class"), "nhsuk-input--error") {
			t.Errorf("the day box should carry the link, the error style and what was typed")
		}
		if month := doc["edit-due_on-month"]; month == nil || attr(month, "value") != "02" || strings.Contains(attr(month, "class"), "nhsuk-input--error") {
			t.Errorf("the month box should keep 02 and not be marked wrong")
		}
		if !strings.Contains(body, `href="#edit-due_on"`) || attr(doc["edit-title"], "value") != "DoS profiles live, checked" {
			t.Errorf("the summary should link to the date, and the title typed should be kept")
		}
		form.Set("due_on-day", "18")
		form.Set("due_on-month", "3")
		form.Set("title", "DoS profiles live")
		form["depends_on"] = []string{w.gonogo.ID} // go/no-go already depends on DoS: a circle
		status, _, body = w.post(t, "lead", dos, form)
		if status != 422 || !strings.Contains(body, `href="#edit-depends_on"`) {
			t.Errorf("a circular dependency: %d, or not linked to the field", status)
		}
		if status, _, _ := w.post(t, "bidder", dos, form); status != 403 {
			t.Errorf("the provider editing a milestone: %d", status)
		}
	})
}

func TestGoNoGoPage(t *testing.T) {
	w := newPagesWorld(t)
	ph := phaseHref(w.plan.ID, w.phase.ID)

	// Not ready: the lead is not offered the button but told what is missing; a POST all the
	// same is still refused, saying why.
	_, body := w.get(t, "lead", ph)
	ids := htmlDoc(t, body)
	if strings.Contains(body, "Declare live") || ids["live-waits"] == nil {
		t.Error("the lead is offered Declare live before the phase can go live")
	}
	if ids["missing"] == nil || !strings.Contains(text(ids["missing"]), "“CQC registration approved” is not done") {
		t.Errorf("the missing list should name the open critical milestones: %v", ids["missing"])
	}
	status, _, body := w.post(t, "lead", ph+"/live", url.Values{})
	if status != 409 || !strings.Contains(body, "cannot go live yet") || htmlDoc(t, body)["live-refused"] == nil {
		t.Fatalf("going live early: %d, want 409 with what is missing\n%s", status, body)
	}

	// The approver is warned that 3 critical milestones (CQC, DoS, go/no-go) are open.
	_, body = w.get(t, "swale approver", ph)
	ids = htmlDoc(t, body)
	if !strings.Contains(body, "Sign the decision") || strings.Contains(body, "Declare live") || ids["live-waits"] != nil {
		t.Error("an approver should see the decision form and not the lead's button")
	}
	if got := text(ids["open-critical"]); !strings.Contains(got, "3 critical milestones still open") || ids["decide-acknowledge_open_critical"] == nil ||
		ids["decide-acknowledgement"] == nil {
		t.Errorf("the warning and the acknowledgement: %q", got)
	}
	if status, _, _ := w.post(t, "swale approver", ph, url.Values{"decision": {"go"}}); status != 422 {
		t.Errorf("a decision with no reason: %d", status)
	}
	status, _, body = w.post(t, "swale approver", ph, url.Values{"decision": {"go"}, "reason": {"Swale is ready"}})
	ids = htmlDoc(t, body)
	if status != 422 || !strings.Contains(text(ids["decide-acknowledge_open_critical-error"]), "Confirm you are signing go with 3 critical milestones still open") ||
		ids["decide-acknowledgement-error"] == nil || !strings.Contains(body, `href="#decide-acknowledge_open_critical"`) {
		t.Fatalf("go without acknowledging the open critical milestones: %d\n%s", status, body)
	}
	if status, loc, _ := w.post(t, "swale approver", ph, url.Values{"decision": {"go"}, "reason": {"Swale is ready"},
		AcknowledgeField: {"yes"}, AcknowledgementField: {"CQC confirmed by telephone"}}); status != 303 || loc != ph {
		t.Errorf("Swale's decision: %d %s", status, loc)
	}
	if status, _, _ := w.post(t, "dgs admin", ph, url.Values{"decision": {"go"}, "reason": {"x"}}); status != 404 {
		t.Errorf("an outsider's decision: %d", status)
	}
	_, body = w.get(t, "lead", ph)
	ids = htmlDoc(t, body)
	if got := text(nextElement(ids["decisions"], "table")); !strings.Contains(got, "NHS Swale CCG Go Swale is ready") ||
		!strings.Contains(got, "Signed go with 3 critical milestones open: CQC confirmed by telephone Sam Approver") ||
		!strings.Contains(got, "NHS Medway CCG Not decided") {
		t.Errorf("decisions table: %s", got)
	}
	if ids["missing"] == nil || !strings.Contains(text(ids["missing"]), "NHS Medway CCG") {
		t.Errorf("the missing list should name Medway's decision: %v", ids["missing"])
	}

	// Every critical milestone accepted: Medway signs go with no warning, and the lead is offered
	// the button.
	for _, m := range []Milestone{w.cqc, w.dos} {
		mp := milestoneHref(w.plan.ID, m.ID)
		if status, _, _ := w.post(t, "bidder", mp+"/request-completion", url.Values{"note": {"Done"}}); status != 303 {
			t.Fatalf("asking to complete %s: %d", m.Title, status)
		}
		if status, _, _ := w.post(t, "lead", mp+"/accept", url.Values{"note": {"Checked"}}); status != 303 {
			t.Fatalf("accepting %s: %d", m.Title, status)
		}
	}
	if status, _, _ := w.post(t, "lead", milestoneHref(w.plan.ID, w.gonogo.ID)+"/accept", url.Values{"note": {"Held"}}); status != 303 {
		t.Fatalf("accepting the go/no-go: %d", status)
	}
	_, body = w.get(t, "medway approver", ph)
	if htmlDoc(t, body)["open-critical"] != nil || strings.Contains(body, AcknowledgementField) {
		t.Error("the approver is warned of open critical milestones once all are accepted")
	}
	if status, _, _ := w.post(t, "medway approver", ph, url.Values{"decision": {"go"}, "reason": {"Medway is ready"}}); status != 303 {
		t.Errorf("Medway's go with nothing open: %d", status)
	}
	_, body = w.get(t, "lead", ph)
	ids = htmlDoc(t, body)
	if !strings.Contains(body, "Declare live") || ids["live-waits"] != nil || ids["missing"] != nil {
		t.Errorf("the lead is not offered Declare live when the phase is ready:\n%s", text(ids["go-live"]))
	}
	if status, loc, _ := w.post(t, "lead", ph+"/live", url.Values{}); status != 303 || loc != ph {
		t.Errorf("declaring live when ready: %d %s", status, loc)
	}
}

func TestDashboardPage(t *testing.T) {
	w := newPagesWorld(t)
	status, body := w.get(t, "lead", "/mobilisation")
	if status != 200 {
		t.Fatalf("dashboard: %d", status)
	}
	for _, want := range []string{"KM-IUCS-L2: lot 2, UTCs and GP out of hours", "GP out of hours", "CQC registration approved", "Bea Bidder", "Estuary Urgent Care", "11 days"} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	if strings.Contains(body, "DGS-UTC") {
		t.Error("Medway's dashboard shows DGS's plan")
	}
	_, body = w.get(t, "weald bidder", "/mobilisation")
	if strings.Contains(body, "KM-IUCS-L2") || !strings.Contains(body, "DGS-UTC") {
		t.Error("Weald's dashboard: its own plan only")
	}
}

func TestPlanExports(t *testing.T) {
	w := newPagesWorld(t)
	req := httptest.NewRequest("GET", planHref(w.plan.ID)+"/export.csv", nil)
	req.Header.Set("X-Test-Actor", "bidder")
	resp, err := w.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/csv; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="mobilisation-KM-IUCS-L2-2019-02-11.csv"`) {
		t.Fatalf("csv: %d %s %s", resp.StatusCode, ct, resp.Header.Get("Content-Disposition"))
	}
	r := csv.NewReader(resp.Body)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rec := range recs {
		if rec[0] == "milestones" {
			n++
			if rec[3] == "DoS profiles live" && (rec[13] != "Yes" || rec[14] != "CQC registration approved") {
				t.Errorf("DoS row: %v", rec)
			}
		}
	}
	if n != 6 {
		t.Errorf("%d milestones in the CSV, want 6", n)
	}
	req = httptest.NewRequest("GET", planHref(w.plan.ID)+"/export.xlsx", nil)
	req.Header.Set("X-Test-Actor", "lead")
	resp, err = w.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, _ := f.GetRows("Milestones")
	if len(rows) != 7 {
		t.Errorf("%d rows in the Milestones sheet, want a header and 6", len(rows))
	}
}

// feedOf fetches a calendar link as a calendar program does: no session.
func (w *pagesWorld) feedOf(t *testing.T, url string) (int, *ics.Calendar) {
	t.Helper()
	path := strings.TrimPrefix(url, "http://golive.test")
	status, body := w.get(t, "", path)
	if status != 200 {
		return status, nil
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, body)
	}
	return status, cal
}

// newFeed makes a link on the calendar page, as who, and reads it off the page.
func (w *pagesWorld) newFeed(t *testing.T, who, path string) string {
	t.Helper()
	status, _, body := w.post(t, who, path, url.Values{})
	if status != 200 {
		t.Fatalf("create a calendar link at %s as %s: %d\n%s", path, who, status, body)
	}
	n := htmlDoc(t, body)["new-calendar-link"]
	if n == nil {
		t.Fatalf("the new link is not shown\n%s", body)
	}
	return text(n)
}

func uids(cal *ics.Calendar) map[string]*ics.VEvent {
	out := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		out[e.Id()] = e
	}
	return out
}

func TestCalendarFeeds(t *testing.T) {
	w := newPagesWorld(t)

	t.Run("a plan's feed: every milestone and go-live, all day, with stable UIDs", func(t *testing.T) {
		link := w.newFeed(t, "swale approver", planHref(w.plan.ID)+"/calendar")
		if !strings.HasPrefix(link, "http://golive.test/calendar/") || !strings.HasSuffix(link, ".ics") {
			t.Fatalf("link %q", link)
		}
		status, cal := w.feedOf(t, link)
		if status != 200 {
			t.Fatalf("feed: %d", status)
		}
		resp, err := w.app.Test(httptest.NewRequest("GET", strings.TrimPrefix(link, "http://golive.test"), nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
			t.Errorf("feed Content-Type %q", ct)
		}
		evs := uids(cal)
		if len(evs) != 7 { // six milestones and one go-live
			t.Errorf("%d events, want 7", len(evs))
		}
		e := evs[w.cqc.ID+"@golive"]
		if e == nil {
			t.Fatalf("no event for the CQC milestone among %v", evs)
		}
		start, err := e.GetAllDayStartAt()
		if err != nil || start.Format(dayFormat) != "2019-01-31" {
			t.Errorf("CQC starts %v (%v)", start, err)
		}
		desc := e.GetProperty(ics.ComponentPropertyDescription).Value
		for _, want := range []string{"KM-IUCS-L2", "Status: Not started", "RAG: Red"} {
			if !strings.Contains(desc, want) {
				t.Errorf("description %q lacks %q", desc, want)
			}
		}
		if u := e.GetProperty(ics.ComponentPropertyUrl).Value; u != "http://golive.test"+milestoneHref(w.plan.ID, w.cqc.ID) {
			t.Errorf("URL %q", u)
		}
		if evs["phase-"+w.phase.ID+"@golive"] == nil {
			t.Error("no go-live event")
		}
		var hashes []string
		w.db.Gorm.Table("calendar_feeds").Pluck("token_sha256", &hashes)
		token := strings.TrimSuffix(strings.TrimPrefix(link, "http://golive.test/calendar/"), ".ics")
		for _, h := range hashes {
			if strings.Contains(h, token) {
				t.Error("the token itself is stored")
			}
		}
		if len(hashes) != 1 || hashes[0] != feedHash(token) {
			t.Errorf("stored %v, want the token's SHA-256 only", hashes)
		}
	})

	t.Run("a person's feed: only the milestones they own, in plans they can see", func(t *testing.T) {
		_, cal := w.feedOf(t, w.newFeed(t, "bidder", "/mobilisation/calendar"))
		evs := uids(cal)
		if len(evs) != 3 || evs[w.cqc.ID+"@golive"] == nil || evs[w.tupe.ID+"@golive"] == nil || evs[w.dos.ID+"@golive"] == nil {
			t.Errorf("the bidder's own milestones: %v", evs)
		}
		_, cal = w.feedOf(t, w.newFeed(t, "weald bidder", "/mobilisation/calendar"))
		for _, e := range cal.Events() {
			if s := e.GetProperty(ics.ComponentPropertySummary).Value; !strings.HasPrefix(s, "DGS-UTC") {
				t.Errorf("Weald's feed shows %q, of a plan Weald cannot see", s)
			}
		}
		if len(cal.Events()) != 1 {
			t.Errorf("Weald's feed: %d events, want its one milestone", len(cal.Events()))
		}
		if status, _, _ := w.post(t, "weald bidder", planHref(w.plan.ID)+"/calendar", url.Values{}); status != 404 {
			t.Errorf("a link to a plan Weald cannot see: %d", status)
		}
	})

	t.Run("unknown, malformed and revoked links are 404", func(t *testing.T) {
		link := w.newFeed(t, "lead", planHref(w.plan.ID)+"/calendar")
		if status, _ := w.feedOf(t, link); status != 200 {
			t.Fatalf("feed: %d", status)
		}
		token, _, _ := newFeedToken()
		for _, path := range []string{"/calendar/" + token + ".ics", "/calendar/short.ics", "/calendar/" + strings.Repeat("!", 43) + ".ics", "/calendar/" + token + ".ics.ics"} {
			if status, _ := w.get(t, "", path); status != 404 {
				t.Errorf("%s: %d", path, status)
			}
		}
		var id string
		w.db.Gorm.Table("calendar_feeds").Where("token_sha256 = ?", feedHash(strings.TrimSuffix(strings.TrimPrefix(link, "http://golive.test/calendar/"), ".ics"))).Pluck("token_sha256", &id)
		if status, _, _ := w.post(t, "bidder", "/mobilisation/calendar/revoke", url.Values{"feed": {id}}); status != 404 {
			t.Errorf("revoking another person's link: %d", status)
		}
		if status, loc, _ := w.post(t, "lead", "/mobilisation/calendar/revoke", url.Values{"feed": {id}}); status != 303 || loc != "/mobilisation/calendar" {
			t.Fatalf("revoke: %d %s", status, loc)
		}
		if status, _ := w.feedOf(t, link); status != 404 {
			t.Errorf("a revoked link: %d", status)
		}
		_, body := w.get(t, "lead", "/mobilisation/calendar")
		if !strings.Contains(body, "Revoked") {
			t.Error("the calendar page does not show the link as revoked")
		}
	})

	t.Run("a link closes with its owner's access", func(t *testing.T) {
		link := w.newFeed(t, "swale approver", planHref(w.plan.ID)+"/calendar")
		own := w.newFeed(t, "bidder", "/mobilisation/calendar")
		w.db.Gorm.Exec("DELETE FROM participants WHERE org_id = ?", w.actors["swale approver"].OrgID)
		if status, _ := w.feedOf(t, link); status != 404 {
			t.Errorf("Swale no longer takes part, its link answers %d", status)
		}
		w.db.Gorm.Exec("UPDATE users SET active = ? WHERE id = ?", false, w.actors["bidder"].UserID)
		if status, _ := w.feedOf(t, own); status != 404 {
			t.Errorf("a deactivated person's link answers %d", status)
		}
	})
}

func TestCalendarLinksAreLimited(t *testing.T) {
	w := newPagesWorld(t)
	for i := range maxLiveFeeds {
		w.newFeed(t, "lead", fmt.Sprintf("/mobilisation/calendar?%d", i))
	}
	status, _, body := w.post(t, "lead", "/mobilisation/calendar", url.Values{})
	if status != 409 || !strings.Contains(body, "revoke one you no longer use") {
		t.Errorf("one link too many: %d", status)
	}
}

// --- rendering speed: a 300-milestone plan, no database ---

func bigPlanView(n int) PlanView {
	g := bigPlan(n)
	v := PlanView{Plan: Plan{ID: newID(), ContractReference: "BIG-1"}, Today: g.Today, LotNumber: 1, LotTitle: "Everything",
		ProcurementTitle: "A large programme", ProcurementReference: "BIG", RAG: RAGRed, ProviderName: "Provider", LeadOrgName: "Lead"}
	for _, ph := range g.Phases {
		v.Phases = append(v.Phases, PhaseView{Phase: Phase{ID: ph.ID, Name: ph.Name}, GoLiveDay: ph.GoLive, RAG: RAGAmber,
			Outlook: PhaseOutlook{GoLiveDay: ph.GoLive, ForecastDay: ph.Forecast}})
	}
	for _, m := range g.Milestones {
		v.Milestones = append(v.Milestones, MilestoneView{Milestone: Milestone{ID: m.ID, PhaseID: m.PhaseID, Title: m.Title,
			Workstream: m.Workstream, DueOn: m.DueOn, Status: InProgress}, RAG: m.RAG, OnCriticalPath: m.Critical,
			Forecast: MilestoneForecast{Finish: m.Finish}, OwnerName: "Owner", Reason: "Due soon"})
	}
	for i := range v.Phases {
		v.Phases[i].Workstreams = workstreams(v.Milestones, v.Phases[i].ID)
	}
	v.Workstreams = workstreams(v.Milestones, "")
	return v
}

func TestBigPlanPageRenders(t *testing.T) {
	r, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Render(&b, "mobilisation/plan", frontend.Page{Content: planPage(bigPlanView(300), GanttFilter{}, nil)}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "<polygon"); n != 300 {
		t.Errorf("%d diamonds, want 300", n)
	}
	if n := strings.Count(b.String(), `<tr role="row" class="nhsuk-table__row">`); n < 300 {
		t.Errorf("%d table rows, want at least 300", n)
	}
}

// BenchmarkPlanPage300 is the plan page of 300 milestones: the chart's layout, the page model
// and the template, as a request pays for them after the plan view is loaded.
func BenchmarkPlanPage300(b *testing.B) {
	r, err := frontend.New()
	if err != nil {
		b.Fatal(err)
	}
	v := bigPlanView(300)
	var buf bytes.Buffer
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		buf.Reset()
		if err := r.Render(&buf, "mobilisation/plan", frontend.Page{Content: planPage(v, GanttFilter{}, nil)}); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time as well as wall time: on a busy machine the wall time also counts the waiting.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(buf.Len())/1024, "KB/page")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
