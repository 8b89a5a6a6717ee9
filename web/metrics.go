package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are golive's Prometheus series; the registry is served at /metrics.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	Jobs     *prometheus.CounterVec
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
func (m *Metrics) Middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	route := strings.Clone(c.Route().Path)
	if route == "" || route == "/" && c.Path() != "/" {
		route = "unmatched"
	}
	method := strings.Clone(c.Method())
	m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().StatusCode())).Inc()
	m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	return nil
}
