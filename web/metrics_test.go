package web

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	dto "github.com/prometheus/client_model/go"
)

func metricsApp(token string) *fiber.App {
	srv := &Server{Logger: discardLogger()}
	app := fiber.New(fiber.Config{ErrorHandler: srv.HandleError, DisableStartupMessage: true})
	app.Get("/metrics", MetricsAccess(token), func(c *fiber.Ctx) error { return c.SendString("golive_http_requests_total 1") })
	return app
}

// served runs app on a real loopback listener, so that the connection really is local.
func served(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { _ = app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func getStatus(t *testing.T, url string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Content-Type")
}

func TestMetricsWithoutATokenAreServedOnlyToThisMachineAndNotThroughAProxy(t *testing.T) {
	base := served(t, metricsApp(""))
	if code, _ := getStatus(t, base+"/metrics", nil); code != 200 {
		t.Errorf("a scraper on this machine got %d, want 200", code)
	}
	for _, h := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
		code, ctype := getStatus(t, base+"/metrics", map[string]string{h: "203.0.113.9"})
		if code != 403 || !strings.HasPrefix(ctype, "application/problem+json") {
			t.Errorf("a request through a local proxy (%s) got %d %s, want 403 problem+json", h, code, ctype)
		}
	}
	// fiber's in-memory test connection comes from 0.0.0.0: another machine.
	resp, err := metricsApp("").Test(httptest.NewRequest("GET", "/metrics", nil))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 403 {
		t.Errorf("a request from another machine got %d, want 403", resp.StatusCode)
	}
}

func TestMetricsWithATokenNeedItFromAnywhere(t *testing.T) {
	const token = "s3cret-metrics-token-for-the-scraper"
	base := served(t, metricsApp(token))
	for _, c := range []struct {
		auth string
		want int
	}{
		{"", 401}, {"Bearer wrong", 401}, {token, 401}, {"Bearer " + token + "x", 401}, {"Bearer " + token, 200},
	} {
		h := map[string]string{}
		if c.auth != "" {
			h["Authorization"] = c.auth
		}
		if code, _ := getStatus(t, base+"/metrics", h); code != c.want {
			t.Errorf("Authorization %q from this machine: %d, want %d", c.auth, code, c.want)
		}
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := metricsApp(token).Test(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("the token from another machine got %d, want 200", resp.StatusCode)
	}
}

// The middleware keeps each route's series after the first request: the counts must still be
// each route's, method's and status's own.
func TestRequestsAreCountedByRouteMethodAndStatus(t *testing.T) {
	m := NewMetrics()
	srv := &Server{Logger: discardLogger()}
	app := fiber.New(fiber.Config{ErrorHandler: srv.HandleError, DisableStartupMessage: true})
	app.Use(m.Middleware)
	app.Get("/things/:id", func(c *fiber.Ctx) error {
		if c.Params("id") == "missing" {
			return fiber.ErrNotFound
		}
		return c.SendString("ok")
	})
	for _, path := range []string{"/things/1", "/things/2", "/things/missing", "/things/3", "/nowhere"} {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"/things/:id", "GET", "200"}, 3},
		{[]string{"/things/:id", "GET", "404"}, 1},
		{[]string{"unmatched", "GET", "404"}, 1},
	} {
		var got dto.Metric
		if err := m.requests.WithLabelValues(c.labels...).Write(&got); err != nil {
			t.Fatal(err)
		}
		if got.GetCounter().GetValue() != c.want {
			t.Errorf("golive_http_requests_total%v = %v, want %v", c.labels, got.GetCounter().GetValue(), c.want)
		}
	}
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "golive_http_request_duration_seconds" && len(f.GetMetric()) != 2 {
			t.Errorf("%d latency series, want 2 (the route, and unmatched)", len(f.GetMetric()))
		}
	}
}
