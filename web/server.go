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
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/google/uuid"
	"github.com/valyala/fasthttp"

	"golive/apperr"
	"golive/tenants/access"
)

// Renderer renders a named page template.
type Renderer interface {
	Render(w io.Writer, name string, data any) error
}

// NavItem is a link in the header, shown when the actor has Perm and, when Kinds is set, acts
// in an organisation of one of those kinds (a provider's admin runs no procurements, so is not
// offered "Procurements" though the role's permission would let them open an empty list).
type NavItem struct {
	Label, Href string
	Perm        access.Permission
	Kinds       []access.OrgKind
}

// Server holds what handlers share: the renderer, the permission check for navigation, logging.
type Server struct {
	Renderer Renderer
	Logger   *slog.Logger
	Metrics  *Metrics
	// Can answers casbin's question for navigation; routes enforce it themselves.
	Can func(a *access.Actor, p access.Permission) bool
	Nav []NavItem
	// Account are the links in the header's account section (NHS.UK header: account items with
	// an href): what is about the person rather than the work, such as their API tokens.
	Account []NavItem
	Secure  bool // the base URL is https: cookies get Secure
	BaseURL string
}

// Options for the Fiber app.
type Options struct {
	BodyLimit    int // every request body but file uploads; default 1 MB
	UploadLimit  int // multipart/form-data bodies (documents); default 21 MB
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// TrustedProxies are the reverse proxies (IPs or CIDR ranges, GOLIVE_TRUSTED_PROXIES) whose
	// X-Forwarded-For is believed; empty = none, the client is the connection's address.
	TrustedProxies []string
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
		// Forwarding headers (X-Forwarded-Proto, -Host) count only from a proxy listed here.
		// No ProxyHeader on purpose: with one, c.IP() returns the left-most X-Forwarded-For
		// entry, which the client writes itself. The client's address is ClientIP's to find.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          o.TrustedProxies,
		// Room for an NHS sign-in's cookies and a long search; beyond it the answer is 431.
		ReadBufferSize: 16 << 10,
		// Multipart bodies are parsed when a handler asks (ReadUpload), so a malformed one gets
		// that handler's field message, not fasthttp's own text before any route is known.
		DisablePreParseMultipartForm: true,
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
	app.Use(requestid.New())
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.Logger.Error("panic", "request_id", RequestID(c), "panic", fmt.Sprint(e))
	}}))
	app.Use(SecurityHeaders)
	if s.Metrics != nil {
		app.Use(s.Metrics.Middleware)
	}
	app.Use(s.logRequests)
	return app
}

// ClientIP is the address of whoever sent the request, for rate limits, sessions and audit: never
// c.IP(). Without a trusted proxy (Options.TrustedProxies) it is the connection's address, whatever
// the headers say. From a trusted proxy it is the right-most X-Forwarded-For entry that is not
// itself a trusted proxy: each proxy appends the address it received the request from, so the
// entries left of that one were written by the client and prove nothing. An entry that is not
// an address stops the walk at the last hop a trusted proxy vouched for.
func ClientIP(c *fiber.Ctx) string {
	remote := c.Context().RemoteIP()
	trusted := c.App().Config().TrustedProxies
	if len(trusted) == 0 {
		return remote.String()
	}
	isTrusted := func(ip net.IP) bool {
		for _, t := range trusted {
			if _, n, err := net.ParseCIDR(t); err == nil {
				if n.Contains(ip) {
					return true
				}
			} else if p := net.ParseIP(t); p != nil && p.Equal(ip) {
				return true
			}
		}
		return false
	}
	client := remote
	if !isTrusted(client) {
		return client.String()
	}
	// A proxy may add its own header line rather than append to the client's (HAProxy's
	// forwardfor does): the lines in order are one list, and the last line is the nearest hop.
	var hops []string
	for _, line := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(line), ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		ip := parseHop(hops[i])
		if ip == nil {
			break
		}
		client = ip
		if !isTrusted(ip) {
			break
		}
	}
	return client.String()
}

// parseHop reads one X-Forwarded-For entry: an address, or one with a port as some load
// balancers write it ("203.0.113.7:51234", "[2001:db8::7]:443"); nil if it is neither.
func parseHop(s string) net.IP {
	s = strings.TrimSpace(s)
	if ip := net.ParseIP(s); ip != nil {
		return ip
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		return net.ParseIP(host)
	}
	return nil
}

// ParseTrustedProxies reads a comma-separated list of IPs and CIDR ranges, the form of
// GOLIVE_TRUSTED_PROXIES; the error names the first entry that is neither.
func ParseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if ip := net.ParseIP(e); ip != nil {
			// Fiber matches single addresses as strings: write them the way RemoteIP prints them.
			out = append(out, ip.String())
			continue
		}
		_, n, err := net.ParseCIDR(e)
		if err != nil {
			return nil, fmt.Errorf("entry %q is not an IP address or CIDR range, like 10.0.0.7 or 10.0.0.0/24", e)
		}
		if ones, _ := n.Mask.Size(); ones == 0 {
			// Every address would be a proxy, so any client could write its own address.
			return nil, fmt.Errorf("entry %q trusts every address: list only your proxies", e)
		}
		out = append(out, n.String())
	}
	return out, nil
}

// SecurityHeaders sets a CSP with no inline script, forbids framing and MIME sniffing.
func SecurityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	for _, kv := range securityHeaders {
		h.SetCanonical(kv[0], kv[1])
	}
	return c.Next()
}

// securityHeaders are set on every response, so their names are written canonical and both as
// bytes once, here, rather than normalised and converted on each request.
var securityHeaders = [][2][]byte{
	{[]byte("Content-Security-Policy"), []byte("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")},
	{[]byte("X-Content-Type-Options"), []byte("nosniff")},
	{[]byte("X-Frame-Options"), []byte("DENY")},
	{[]byte("Referrer-Policy"), []byte("same-origin")},
	{[]byte("Cross-Origin-Opener-Policy"), []byte("same-origin")},
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
	// The line's attributes cost allocations on every request: none when the level is off.
	if !s.Logger.Enabled(c.UserContext(), lvl) {
		return nil
	}
	// Attrs, not key-value pairs: the same line, without boxing each value into an interface.
	var buf [7]slog.Attr
	attrs := append(buf[:0], slog.String("request_id", RequestID(c)), slog.String("method", c.Method()),
		slog.String("path", c.Path()), slog.Int("status", status), slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	if a := ActorFrom(c); a != nil && !unattributed(c) {
		attrs = append(attrs, slog.String("user", a.UserID), slog.String("org", a.OrgID))
	}
	s.Logger.LogAttrs(c.UserContext(), lvl, "request", attrs...)
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

// RequestID is the request's id (from the requestid middleware); a request that failed
// before any middleware ran (an unreadable request) gets one here, so every answer has one.
func RequestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(requestid.ConfigDefault.ContextKey).(string); ok && id != "" {
		return id
	}
	id := uuid.NewString()
	c.Locals(requestid.ConfigDefault.ContextKey, id)
	c.Set(fiber.HeaderXRequestID, id)
	return id
}

// HandleError is the one place an error becomes a response.
func (s *Server) HandleError(c *fiber.Ctx, err error) error {
	// No request id yet means fasthttp could not read the request (headers too large, a broken
	// body): no route, page or session is known, so the answer is a problem document.
	unread := c.Locals(requestid.ConfigDefault.ContextKey) == nil
	ae := s.classify(c, err)
	status := ae.Status()
	if unread || IsAPI(c) {
		p := Problem{Type: "about:blank", Title: titleFor(status), Status: status, Detail: ae.Message,
			Instance: c.OriginalURL(), RequestID: RequestID(c)}
		if unread {
			p.Instance = "" // the URL may be what was too large
		}
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
		case 431, 414:
			return &apperr.Error{Kind: apperr.HeadersTooLarge, Message: "The request's address or headers are too large"}
		case 400, 422:
			// fasthttp's and Go's own wording (a malformed body, a bad header) is not for users.
			return &apperr.Error{Kind: apperr.Invalid, Message: "The request could not be read: check its format and try again", Err: err}
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
		s.Logger.Error("request timed out", "request_id", RequestID(c), "err", err)
	} else {
		s.Logger.Error("internal error", "request_id", RequestID(c), "path", c.Path(), "err", err)
	}
	return &apperr.Error{Kind: apperr.Internal, Message: "Internal error: the problem has been logged with request id " + RequestID(c)}
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
	case 431:
		return "Request headers too large"
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
