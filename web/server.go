// Package web is golive's HTTP plumbing: the Fiber app, its middleware, strict decoding and
// validation, and the one place errors become responses (problem+json or an NHS.UK page).
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/valyala/fasthttp"

	"golive/apperr"
)

// Renderer renders a named page template.
type Renderer interface {
	Render(w io.Writer, name string, data any) error
}

// NavItem is a link in the header, shown when the actor may do Act on Obj.
type NavItem struct {
	Label, Href, Obj, Act string
}

// Server holds what handlers share: the renderer, the permission check for navigation, logging.
type Server struct {
	Renderer Renderer
	Logger   *slog.Logger
	Metrics  *Metrics
	// Can answers casbin's question for navigation; routes enforce it themselves.
	Can     func(a *Actor, obj, act string) bool
	Nav     []NavItem
	Secure  bool // the base URL is https: cookies get Secure
	BaseURL string
}

// Options for the Fiber app.
type Options struct {
	BodyLimit    int // every request body but file uploads; default 1 MB
	UploadLimit  int // multipart/form-data bodies (documents); default 21 MB
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
}

// NewApp builds the Fiber app with golive's middleware and error handler.
func (s *Server) NewApp(o Options) *fiber.App {
	if o.BodyLimit == 0 {
		o.BodyLimit = 1 << 20
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = 15 * time.Second
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = 60 * time.Second
	}
	app := fiber.New(fiber.Config{
		AppName:               "golive",
		ErrorHandler:          s.HandleError,
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		IdleTimeout:           90 * time.Second,
		DisableStartupMessage: true,
		// Fiber's strings point into buffers it reuses after the request; anything kept longer
		// (metric labels, values handed to jobs) would change under us. Copy them all.
		Immutable: true,
		// Requests arrive straight or through one proxy; the header is not trusted by default.
		EnableTrustedProxyCheck: true,
	})
	if o.UploadLimit == 0 {
		o.UploadLimit = 21 << 20
	}
	// Decided from the headers, before any body is read: only a multipart upload may be large.
	app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		if bytes.HasPrefix(h.ContentType(), []byte("multipart/form-data")) {
			return fasthttp.RequestConfig{MaxRequestBodySize: o.UploadLimit}
		}
		return fasthttp.RequestConfig{}
	}
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.Logger.Error("panic", "request_id", c.Locals("requestid"), "panic", fmt.Sprint(e))
	}}))
	app.Use(requestid.New())
	app.Use(SecurityHeaders)
	if s.Metrics != nil {
		app.Use(s.Metrics.Middleware)
	}
	app.Use(s.logRequests)
	return app
}

// SecurityHeaders sets a CSP with no inline script, forbids framing and MIME sniffing.
func SecurityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}

func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	lvl := slog.LevelInfo
	if status >= 500 {
		lvl = slog.LevelError
	}
	attrs := []any{"request_id", c.Locals("requestid"), "method", c.Method(), "path", c.Path(),
		"status", status, "duration_ms", time.Since(start).Milliseconds()}
	if a := ActorFrom(c); a != nil {
		attrs = append(attrs, "user", a.UserID, "org", a.OrgID)
	}
	s.Logger.Log(c.UserContext(), lvl, "request", attrs...)
	return nil
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one field's message; Pointer is a JSON Pointer into the request body.
type ProblemField struct {
	Field   string `json:"field"`
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

// HandleError is the one place an error becomes a response.
func (s *Server) HandleError(c *fiber.Ctx, err error) error {
	ae := s.classify(c, err)
	status := ae.Status()
	if IsAPI(c) {
		p := Problem{Type: "about:blank", Title: titleFor(status), Status: status, Detail: ae.Message,
			Instance: c.OriginalURL(), RequestID: fmt.Sprint(c.Locals("requestid"))}
		for _, k := range sortedKeys(ae.Fields) {
			p.Errors = append(p.Errors, ProblemField{Field: k, Pointer: "#/" + strings.ReplaceAll(k, ".", "/"), Detail: ae.Fields[k]})
		}
		if status == 401 {
			c.Set("WWW-Authenticate", `Bearer realm="golive"`)
		}
		c.Status(status)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return c.JSON(p, "application/problem+json")
	}
	if status == 401 {
		return c.Redirect("/sign-in?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	return s.Render(c.Status(status), "error", titleFor(status), ErrorPage{Status: status, Message: ae.Message}, ae.Fields)
}

// ErrorPage is what the error page shows.
type ErrorPage struct {
	Status  int
	Message string
}

func (s *Server) classify(c *fiber.Ctx, err error) *apperr.Error {
	if ae, ok := apperr.As(err); ok && ae.Kind != apperr.Internal {
		return ae
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case 404:
			return apperr.NotFoundf("Page not found")
		case 405:
			return &apperr.Error{Kind: apperr.NotFound, Message: "That method is not allowed here"}
		case 413:
			return &apperr.Error{Kind: apperr.TooLarge, Message: "The request is too large"}
		case 400, 422:
			return apperr.Invalidf("The request could not be read: %s", fe.Message)
		case 408:
			return &apperr.Error{Kind: apperr.Invalid, Message: "The request took too long to arrive"}
		case 429:
			return &apperr.Error{Kind: apperr.TooMany, Message: "Too many requests: wait a minute and try again"}
		}
		if fe.Code < 500 {
			return &apperr.Error{Kind: apperr.Invalid, Message: fe.Message}
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		s.Logger.Error("request timed out", "request_id", c.Locals("requestid"), "err", err)
	} else {
		s.Logger.Error("internal error", "request_id", c.Locals("requestid"), "path", c.Path(), "err", err)
	}
	return &apperr.Error{Kind: apperr.Internal, Message: "Internal error: the problem has been logged with request id " + fmt.Sprint(c.Locals("requestid"))}
}

func titleFor(status int) string {
	switch status {
	case 401:
		return "Sign in required"
	case 403:
		return "You do not have access"
	case 404:
		return "Not found"
	case 409:
		return "Conflict"
	case 413:
		return "Too large"
	case 422:
		return "There is a problem"
	case 429:
		return "Too many attempts"
	case 500:
		return "Sorry, there is a problem with the service"
	}
	return "There is a problem"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
