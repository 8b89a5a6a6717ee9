package jobsweb

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"golive/database"
	"golive/database/dbtest"
	"golive/frontend"
	"golive/jobs"
	"golive/web"
)

func pagesApp(t *testing.T, db *database.DB) *fiber.App {
	t.Helper()
	r, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Renderer: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app := s.NewApp(web.Options{})
	(&Handlers{Outbox: jobs.NewOutbox(db), Server: s}).MountPages(app.Group("/platform/outbox"))
	return app
}

func get(t *testing.T, app *fiber.App, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	return do(t, app, http.MethodGet, path, header...)
}

func do(t *testing.T, app *fiber.App, method, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// queueAt writes messages queued at the given times (UTC) and returns their ids.
func queueAt(t *testing.T, db *database.DB, at []time.Time, m func(i int) jobs.Mail) []string {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, len(at))
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		for i := range at {
			id, err := jobs.QueueMail(ctx, tx, m(i))
			if err != nil {
				return err
			}
			if err := tx.Exec("UPDATE mail_messages SET created_at = ? WHERE id = ?", at[i], id).Error; err != nil {
				return err
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestThePlatformAdminSeesQueuedMailNewestFirstInLondonTime(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	app := pagesApp(t, db)
	if _, body, _ := get(t, app, "/platform/outbox"); !strings.Contains(body, "No email has been queued yet") {
		t.Fatalf("empty outbox page does not say so:\n%s", body)
	}

	// 12:00 UTC in July is 13:00 in London.
	summer := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
	ids := queueAt(t, db, []time.Time{summer, summer.Add(time.Hour)}, func(i int) jobs.Mail {
		return jobs.Mail{To: fmt.Sprintf("lead%d@example.nhs.uk", i), Subject: fmt.Sprintf("Subject number %d", i), Text: "x"}
	})
	// The first was kept in the local outbox, as the worker records it (jobs' own tests send it).
	if err := db.Gorm.Exec("UPDATE mail_messages SET status = ?, transport = ?, sent_at = ?, attempts = 1 WHERE id = ?",
		jobs.StatusSent, jobs.TransportOutbox, summer.Add(time.Minute), ids[0]).Error; err != nil {
		t.Fatal(err)
	}

	status, body, _ := get(t, app, "/platform/outbox")
	if status != 200 {
		t.Fatalf("GET /platform/outbox = %d:\n%s", status, body)
	}
	newer, older := strings.Index(body, "Subject number 1"), strings.Index(body, "Subject number 0")
	if newer < 0 || older < 0 || newer > older {
		t.Fatalf("the newer message is not listed first:\n%s", body)
	}
	for _, want := range []string{"1 July 2025 at 1pm", "1 July 2025 at 2pm", "lead0@example.nhs.uk",
		"Kept in local outbox, not emailed", ">Sent<", ">Waiting<", `href="/platform/outbox/` + ids[0] + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("outbox page does not show %q", want)
		}
	}
}

func TestTheOutboxIsPagedFiftyAtATime(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	app := pagesApp(t, db)
	start := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	at := make([]time.Time, outboxPageSize+1)
	for i := range at {
		at[i] = start.Add(time.Duration(i) * time.Minute)
	}
	queueAt(t, db, at, func(i int) jobs.Mail {
		return jobs.Mail{To: "lead@example.nhs.uk", Subject: fmt.Sprintf("Message %03d", i), Text: "x"}
	})

	_, body, _ := get(t, app, "/platform/outbox")
	if !strings.Contains(body, "Showing 1 to 50 of 51 messages") || !strings.Contains(body, `href="/platform/outbox?page=2"`) {
		t.Fatalf("page 1 does not show 50 of 51 with a link to page 2:\n%s", body)
	}
	if strings.Contains(body, "Message 000") || !strings.Contains(body, "Message 050") {
		t.Fatal("page 1 is not the newest fifty")
	}
	status, body, _ := get(t, app, "/platform/outbox?page=2")
	if status != 200 || !strings.Contains(body, "Message 000") || strings.Contains(body, "Message 001") ||
		!strings.Contains(body, `href="/platform/outbox?page=1"`) {
		t.Fatalf("page 2 = %d, want only the oldest message and a link back:\n%s", status, body)
	}
	for _, p := range []string{"3", "0", "-1", "abc", "1e9"} {
		if status, _, _ := get(t, app, "/platform/outbox?page="+p); status != 404 {
			t.Errorf("page=%s = %d, want 404", p, status)
		}
	}
}

func TestThePlatformAdminReadsOneMessageAndUnknownIdsAreNotFound(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	app := pagesApp(t, db)
	ids := queueAt(t, db, []time.Time{time.Date(2025, 12, 1, 9, 30, 0, 0, time.UTC)}, func(int) jobs.Mail {
		return jobs.Mail{TenantID: "org-7", To: "lead@example.nhs.uk", Subject: "Clarification answered",
			Text: "Dear bidder,\nYour question has an answer.\n\n<script>alert(1)</script>"}
	})

	// Kept in the local outbox: this page is the only place to read it, so its text is shown.
	if err := db.Gorm.Exec("UPDATE mail_messages SET status = ?, transport = ? WHERE id = ?", jobs.StatusSent, jobs.TransportOutbox, ids[0]).Error; err != nil {
		t.Fatal(err)
	}
	status, body, _ := get(t, app, "/platform/outbox/"+ids[0])
	if status != 200 {
		t.Fatalf("GET message = %d:\n%s", status, body)
	}
	for _, want := range []string{"<h1>Clarification answered</h1>", "lead@example.nhs.uk", "1 December 2025 at 9:30am",
		"<p>Dear bidder,<br>Your question has an answer.</p>", "&lt;script&gt;alert(1)&lt;/script&gt;", "org-7"} {
		if !strings.Contains(body, want) {
			t.Errorf("message page does not show %q", want)
		}
	}
	if strings.Contains(body, "May have arrived twice") {
		t.Error("a message never taken over from a dead worker is shown as possibly sent twice")
	}
	// A message sent again after its worker died mid-send says it may have arrived twice.
	if err := db.Gorm.Exec("UPDATE mail_messages SET in_doubt = 1 WHERE id = ?", ids[0]).Error; err != nil {
		t.Fatal(err)
	}
	if _, body, _ := get(t, app, "/platform/outbox/"+ids[0]); !strings.Contains(body, "May have arrived twice") ||
		!strings.Contains(body, "Sent again 1 time after a worker stopped") {
		t.Errorf("message page of a message in doubt does not say it may have arrived twice:\n%s", body)
	}
	// Mail that went to (or waits for) the mail server: where it went and what happened, not
	// what it says.
	for _, st := range [][2]string{{jobs.StatusSent, jobs.TransportSMTP}, {jobs.StatusPending, ""}, {jobs.StatusFailed, ""}} {
		if err := db.Gorm.Exec("UPDATE mail_messages SET status = ?, transport = ? WHERE id = ?", st[0], st[1], ids[0]).Error; err != nil {
			t.Fatal(err)
		}
		_, body, _ := get(t, app, "/platform/outbox/"+ids[0])
		if strings.Contains(body, "Your question has an answer") || !strings.Contains(body, "not shown to platform staff") ||
			!strings.Contains(body, "lead@example.nhs.uk") || !strings.Contains(body, "Clarification answered") {
			t.Errorf("a %s message (%q) shows its text, or not its recipient and subject:\n%s", st[0], st[1], body)
		}
	}
	for _, id := range []string{"0194d3b0-0000-7000-8000-000000000000", "not-an-id", "%27%20OR%201=1--",
		strings.ReplaceAll(ids[0], "-", ""), strings.ToUpper(ids[0])} {
		if status, _, _ := get(t, app, "/platform/outbox/"+id); status != 404 {
			t.Errorf("GET /platform/outbox/%s = %d, want 404", id, status)
		}
	}
}

func TestTheJobMonitorGetsItsOwnContentSecurityPolicyAndRefusesCrossSiteChanges(t *testing.T) {
	db, redisURL := dbtest.Open(t), dbtest.RedisURL(t)
	app := pagesApp(t, db)
	app.Use(MonitorPath, AsynqmonHandler(redisURL, MonitorPath))
	client, err := jobs.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.EnqueueMail(context.Background(), "0194d3b0-0000-7000-8000-000000000001"); err != nil {
		t.Fatal(err)
	}

	status, body, h := get(t, app, "/platform/jobs/monitor")
	if status != 200 || !strings.Contains(body, "Asynq") || !strings.Contains(body, `window.FLAG_ROOT_PATH="\/platform\/jobs\/monitor"`) {
		t.Fatalf("GET /platform/jobs/monitor = %d:\n%s", status, body)
	}
	// golive's Jobs page frames the monitor; no other site may.
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'unsafe-inline'") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("monitor CSP = %q, want inline script allowed and framing by this site only", csp)
	}
	if xfo := h.Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
		t.Errorf("monitor X-Frame-Options = %q, want SAMEORIGIN", xfo)
	}
	status, body, _ = get(t, app, "/platform/jobs/monitor/api/queues")
	if status != 200 || !strings.Contains(body, `"queue":"default"`) {
		t.Fatalf("GET /platform/jobs/monitor/api/queues = %d: %s", status, body)
	}
	// Other pages keep golive's strict policy, and may not be framed.
	if _, _, h := get(t, app, "/platform/outbox"); strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("the outbox page allows inline script or framing: %q, X-Frame-Options %q", h.Get("Content-Security-Policy"), h.Get("X-Frame-Options"))
	}

	// Pausing the queue from another site is refused; from the monitor's own page it works.
	if status, _, _ := do(t, app, http.MethodPost, "/platform/jobs/monitor/api/queues/default:pause", "Sec-Fetch-Site", "cross-site"); status != 403 {
		t.Errorf("cross-site pause = %d, want 403", status)
	}
	if status, _, _ := do(t, app, http.MethodPost, "/platform/jobs/monitor/api/queues/default:pause", "Origin", "https://evil.example"); status != 403 {
		t.Errorf("pause from another origin = %d, want 403", status)
	}
	if status, _, _ := do(t, app, http.MethodPost, "/platform/jobs/monitor/api/queues/default:pause"); status != 403 {
		t.Errorf("pause without Origin = %d, want 403", status)
	}
	if status, body, _ := do(t, app, http.MethodPost, "/platform/jobs/monitor/api/queues/default:pause", "Sec-Fetch-Site", "same-origin"); status != 204 && status != 200 {
		t.Errorf("same-origin pause = %d: %s", status, body)
	}
}

func TestTheJobsPageFramesTheMonitorInsideGolive(t *testing.T) {
	db := dbtest.Open(t)
	r, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Renderer: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app := s.NewApp(web.Options{})
	(&Handlers{Outbox: jobs.NewOutbox(db), Server: s}).MountMonitorPage(app.Group("/platform/jobs"))
	status, body, _ := get(t, app, "/platform/jobs")
	if status != 200 {
		t.Fatalf("GET /platform/jobs = %d:\n%s", status, body)
	}
	for _, want := range []string{`<h1>Jobs</h1>`, `<iframe class="golive-job-monitor" src="/platform/jobs/monitor/" title="Job monitor`, `href="/platform/jobs/monitor/"`, `nhsuk-header`} {
		if !strings.Contains(body, want) {
			t.Errorf("the Jobs page lacks %s:\n%s", want, body)
		}
	}
}
