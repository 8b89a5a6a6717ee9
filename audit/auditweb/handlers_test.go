package auditweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"golive/audit"
	"golive/audit/auditweb"
	"golive/database"
	"golive/database/dbtest"
	"golive/frontend"
	"golive/tenants"
	"golive/tenants/access"
	"golive/web"
)

// app serves the audit routes as the org-a admin, standing in for the sign-in middleware.
func app(t *testing.T, db *database.DB) *fiber.App {
	t.Helper()
	r, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := &web.Server{Renderer: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a := srv.NewApp(web.Options{})
	a.Use(func(c *fiber.Ctx) error {
		web.SetActor(c, &access.Actor{UserID: "user-a", Name: "Ann Admin", OrgID: "org-a", OrgName: "North CCG", Roles: []access.Role{access.RoleTenantAdmin}})
		c.SetUserContext(database.WithTenant(c.UserContext(), "org-a"))
		return c.Next()
	})
	h := auditweb.NewHandlers(db, srv, tenants.NewDirectory(db))
	// As cmd/golive mounts them: each behind its casbin group.
	h.MountPages(a.Group("/admin/audit"))
	h.MountAPI(a.Group("/api/v1/audit"))
	return a
}

func record(t testing.TB, db *database.DB, e audit.Entry) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *gorm.DB) error {
		return audit.Record(context.Background(), tx, e)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func entry(tenant, action string, n int) audit.Entry {
	return audit.Entry{ActorUserID: "user-" + tenant, ActorOrgID: tenant, TenantID: tenant, Action: action,
		ObjectType: "lot", ObjectID: fmt.Sprintf("lot-%d", n), Summary: map[string]any{"n": n, "title": "Lot " + fmt.Sprint(n)}}
}

func get(t *testing.T, a *fiber.App, url string) (int, string) {
	t.Helper()
	resp, err := a.Test(httptest.NewRequest("GET", url, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func seedOrgs(t *testing.T, db *database.DB) {
	t.Helper()
	now := database.Now()
	for _, sql := range []struct {
		q    string
		args []any
	}{
		{"INSERT INTO organisations (id, name, kind, created_at) VALUES ('org-a', 'North CCG', 'commissioner', ?)", []any{now}},
		{"INSERT INTO users (id, org_id, email, name, created_at, updated_at) VALUES ('user-org-a', 'org-a', 'sam@north.nhs.uk', 'Sam Smith', ?, ?)", []any{now, now}},
	} {
		if err := db.Gorm.Exec(sql.q, sql.args...).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func TestTheAdminSeesTheirOrganisationsEventsNewestFirstInUKTime(t *testing.T) {
	db := dbtest.Open(t)
	seedOrgs(t, db)
	record(t, db, entry("org-a", "lot.created", 1))
	record(t, db, entry("org-b", "lot.secret", 2))
	record(t, db, entry("org-a", "lot.opened", 3))
	a := app(t, db)

	status, body := get(t, a, "/admin/audit")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	if strings.Contains(body, "lot.secret") {
		t.Fatal("another organisation's event is shown")
	}
	opened, created := strings.Index(body, "lot.opened"), strings.Index(body, "lot.created")
	if opened < 0 || created < 0 || opened > created {
		t.Fatal("want both events, newest first")
	}
	if !strings.Contains(body, "Sam Smith") || !strings.Contains(body, "Lot 3") {
		t.Fatal("want the actor's name and the summary")
	}

	status, body = get(t, a, "/admin/audit?user=SAM@north.nhs.uk&object_id=lot-1")
	if status != 200 || !strings.Contains(body, "lot.created") || strings.Contains(body, "lot.opened") {
		t.Fatalf("filter by email and object: status %d", status)
	}
	status, body = get(t, a, "/admin/audit?user=nobody@example.com")
	if status != 200 || !strings.Contains(body, "No events match") {
		t.Fatalf("an unknown email matches nothing: status %d", status)
	}
}

func TestBadFiltersOnThePageGetMessagesBesideTheFields(t *testing.T) {
	db := dbtest.Open(t)
	a := app(t, db)
	status, body := get(t, a, "/admin/audit?object_type=Lot%20Types!&from-day=31&from-month=4&from-year=2025&to-day=1&to-month=&to-year=2025&page=zz")
	if status != 422 {
		t.Fatalf("want 422 with the form, got %d: %s", status, body)
	}
	for _, want := range []string{
		`href="#object_type"`, "Object type must be lower-case",
		`href="#from-day"`, "Date from must be a real date",
		`href="#to-month"`, "Date to must include a month",
		`value="31"`, // what was typed comes back
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// NUL and bytes that are not UTF-8 get the message every form gives them, and are not echoed.
	status, body = get(t, a, "/admin/audit?object_id=a%00b&user=%ff%fe&from-day=%00")
	if status != 422 {
		t.Fatalf("NUL and invalid UTF-8: want 422, got %d", status)
	}
	for _, want := range []string{`href="#object_id"`, `href="#user"`, web.BadTextMessage, "a\uFFFDb", "value=\"\uFFFD\""} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.ContainsRune(body, 0) || !utf8.ValidString(body) {
		t.Error("the page echoes NUL or bytes that are not UTF-8")
	}
	status, body = get(t, a, "/api/v1/audit?object_id=a%00b&user=%ff")
	if status != 422 || !strings.Contains(body, `"field":"object_id"`) || !strings.Contains(body, `"field":"user"`) {
		t.Fatalf("the API with NUL and invalid UTF-8: want 422 naming object_id and user, got %d %s", status, body)
	}
	status, body = get(t, a, "/admin/audit?from-day=2&from-month=3&from-year=2025&to-day=1&to-month=3&to-year=2025")
	if status != 422 || !strings.Contains(body, "Date to must be the same as or after date from") {
		t.Fatalf("to before from: %d", status)
	}
}

func TestThePagePaginatesFiftyAtATime(t *testing.T) {
	db := dbtest.Open(t)
	for i := range 51 {
		record(t, db, entry("org-a", "lot.updated", i))
		if i%10 == 0 { // other organisations' events in between, which no page counts
			record(t, db, entry(fmt.Sprintf("org-%d", i), "lot.updated", i))
		}
	}
	a := app(t, db)
	_, body := get(t, a, "/admin/audit")
	if n := strings.Count(body, `<tr class="nhsuk-table__row" id="event-`); n != 50 {
		t.Fatalf("want 50 rows on page 1, got %d", n)
	}
	if !strings.Contains(body, `href="/admin/audit?page=2"`) {
		t.Fatal("want a link to page 2")
	}
	_, body = get(t, a, "/admin/audit?page=2")
	if n := strings.Count(body, `<tr class="nhsuk-table__row" id="event-`); n != 1 || strings.Contains(body, "page=3") {
		t.Fatalf("want 1 row and no next link on page 2, got %d", n)
	}
}

func TestTheAPIListsEventsAsJSONAndRefusesBadParameters(t *testing.T) {
	db := dbtest.Open(t)
	record(t, db, entry("org-a", "lot.created", 1))
	record(t, db, entry("org-b", "lot.secret", 2))
	record(t, db, entry("org-a", "lot.opened", 3))
	a := app(t, db)

	status, body := get(t, a, "/api/v1/audit?object_type=lot&limit=1")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var out auditweb.ListJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 || !out.HasMore || out.Events[0].Action != "lot.opened" || string(out.Events[0].Summary) != `{"n":3,"title":"Lot 3"}` {
		t.Fatalf("got %s", body)
	}
	// What the API returns is enough to recompute the chain link.
	e := out.Events[0]
	ev := audit.Event{ID: e.ID, Seq: e.Seq, At: e.At, TenantID: e.TenantID, ActorUserID: e.ActorUserID, ActorOrgID: e.ActorOrgID,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, Summary: string(e.Summary)}
	if audit.Hash(e.PrevHash, ev) != e.Hash {
		t.Fatal("the API's fields do not reproduce the event's hash")
	}

	status, body = get(t, a, "/api/v1/audit?from=2025-13-01&limit=0&objecttype=lot")
	if status != 422 || !strings.Contains(body, `"field":"from"`) || !strings.Contains(body, `"field":"limit"`) || !strings.Contains(body, `"field":"objecttype"`) {
		t.Fatalf("want 422 naming from, limit and the unknown parameter, got %d %s", status, body)
	}
	status, body = get(t, a, "/api/v1/audit?from=2020-01-01&to=2020-01-31")
	if status != 200 || !strings.Contains(body, `"events":[]`) {
		t.Fatalf("an empty window: %d %s", status, body)
	}
}

func TestTheOpenAPIFragmentDescribesTheRoute(t *testing.T) {
	var frag struct {
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(auditweb.OpenAPI, &frag); err != nil {
		t.Fatal(err)
	}
	if frag.Paths["/audit"] == nil || frag.Components.Schemas["AuditEvent"] == nil {
		t.Fatalf("fragment lacks the path or schema")
	}
	if _, err := web.MergeOpenAPI([]byte(`{"openapi":"3.1.0"}`), auditweb.OpenAPI); err != nil {
		t.Fatal(err)
	}
}
