package web

import (
	"crypto/subtle"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"golive/apperr"
)

// Metrics are golive's Prometheus series; the registry is served at /metrics.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	Jobs     *prometheus.CounterVec

	// series holds each route, method and status's counter and histogram once looked up: the
	// vectors hash the label values and compare them on every lookup, on every request. The map
	// is never changed once published: a new series (a handful per route, early on) publishes
	// a copy with it, so that a request reads it with one atomic load and takes no lock, not
	// even a read lock, whose counter every request on every core would write.
	mu     sync.Mutex // serialises the copies
	series atomic.Pointer[map[seriesKey]requestSeries]
}

type seriesKey struct {
	route, method string
	status        int
}

type requestSeries struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// NewMetrics registers the request, latency and job series.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_http_requests_total",
			Help: "HTTP requests by route pattern, method and status."}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "golive_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: prometheus.DefBuckets}, []string{"route", "method"}),
		Jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_jobs_total",
			Help: "Background jobs processed by type and outcome."}, []string{"type", "outcome"}),
	}
	r.MustRegister(m.requests, m.latency, m.Jobs, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Middleware counts requests by route pattern (never the raw path, which would hold ids).
// CountJob adds one to golive_jobs_total for a job of taskType that ended with outcome ("ok" or
// "error"): the worker's jobs.JobCounter.
func (m *Metrics) CountJob(taskType, outcome string) {
	m.Jobs.WithLabelValues(taskType, outcome).Inc()
}

func (m *Metrics) Middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	route := c.Route().Path
	if route == "" || route == "/" && c.Path() != "/" {
		route = "unmatched"
	}
	s := m.seriesFor(seriesKey{route, c.Method(), c.Response().StatusCode()})
	s.requests.Inc()
	s.latency.Observe(time.Since(start).Seconds())
	return nil
}

func (m *Metrics) seriesFor(k seriesKey) requestSeries {
	if p := m.series.Load(); p != nil {
		if s, ok := (*p)[k]; ok {
			return s
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.series.Load()
	if old != nil {
		if s, ok := (*old)[k]; ok { // published while this request waited for the lock
			return s
		}
	}
	// Kept beyond the request: copies, not strings that may point into Fiber's buffers.
	k.route, k.method = strings.Clone(k.route), strings.Clone(k.method)
	s := requestSeries{requests: m.requests.WithLabelValues(k.route, k.method, strconv.Itoa(k.status)),
		latency: m.latency.WithLabelValues(k.route, k.method)}
	next := make(map[seriesKey]requestSeries, 1)
	if old != nil {
		next = maps.Clone(*old)
	}
	next[k] = s
	m.series.Store(&next)
	return s
}

// MetricsAccess guards /metrics. The series name routes and count requests, jobs and mail per
// type: nothing of a tenant's, but a map of the service that need not be public. With a token
// (GOLIVE_METRICS_TOKEN) a scraper sends it as a bearer token from anywhere; without one only
// this machine may read them, so a first run works and a deployment must choose.
func MetricsAccess(token string) fiber.Handler {
	want := []byte("Bearer " + token)
	return func(c *fiber.Ctx) error {
		if token != "" {
			if subtle.ConstantTimeCompare([]byte(c.Get(fiber.HeaderAuthorization)), want) == 1 {
				return c.Next()
			}
			return apperr.New(apperr.Unauthenticated, "The metrics need the bearer token set in GOLIVE_METRICS_TOKEN")
		}
		// The connection's own address, never a header a caller could write. A reverse proxy on
		// this machine makes every caller's connection local, so a request that came through one
		// (it says so in a forwarding header) is not taken as local.
		proxied := c.Get(fiber.HeaderXForwardedFor) != "" || c.Get("Forwarded") != "" || c.Get("X-Real-Ip") != ""
		if c.Context().RemoteIP().IsLoopback() && !proxied {
			return c.Next()
		}
		return apperr.Forbiddenf("The metrics are served only on this machine unless GOLIVE_METRICS_TOKEN is set")
	}
}
