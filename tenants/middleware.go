package tenants

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/database"
	"golive/tenants/access"
	"golive/web"
)

// Cookie names.
const (
	SessionCookie = "golive_session"
	FormCookie    = "golive_form" // binds the CSRF token of signed-out forms (sign-in, reset)
)

// Middleware is sign-in and authorisation for every request: the only place either is decided.
type Middleware struct {
	Svc    *Service
	Secure bool
	// CSRFExempt are path prefixes that guard themselves: the job monitor (asynqmon) sends its
	// own requests without our token and refuses anything not from the same origin.
	CSRFExempt []string
}

// Authenticate resolves who is calling: a bearer token on /api, a session cookie on pages.
// It sets the actor and the tenant for every store call; an anonymous caller passes through
// and is stopped by Require on any non-public route.
func (m *Middleware) Authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var ident Identity
	var err error
	if web.IsAPI(c) {
		// The header's bytes as fasthttp holds them, for this call only: c.Get would copy them
		// into a string (Immutable) on every API request, only for the token to be hashed.
		h := c.Request().Header.Peek(fiber.HeaderAuthorization)
		if len(h) == 0 {
			return c.Next()
		}
		bearer, ok := bytes.CutPrefix(h, []byte("Bearer "))
		if !ok {
			return apperr.New(apperr.Unauthenticated, "Send the API token as: Authorization: Bearer <token>")
		}
		ident, err = tokenIdentity(ctx, m.Svc, bytes.TrimSpace(bearer))
		if err != nil {
			return err // a wrong token is refused outright, never treated as anonymous
		}
	} else {
		cookie := c.Cookies(SessionCookie)
		if cookie == "" {
			return c.Next()
		}
		ident, err = m.Svc.SessionIdentity(ctx, cookie)
		if apperr.IsKind(err, apperr.Unauthenticated) {
			m.clearSession(c)
			return c.Next()
		}
		if err != nil {
			return err
		}
	}
	web.SetActor(c, m.Svc.Actor(ident))
	c.SetUserContext(database.WithTenant(ctx, ident.Org.ID))
	return c.Next()
}

// Require admits a signed-in caller whose roles grant perm in their organisation.
func (m *Middleware) Require(perm access.Permission) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := web.ActorFrom(c)
		if a == nil {
			return apperr.New(apperr.Unauthenticated, "Sign in to continue")
		}
		if !m.Svc.Authz.Can(a.UserID, a.OrgID, perm) {
			return apperr.Forbiddenf("You do not have access to this: it needs a role your account does not have")
		}
		return c.Next()
	}
}

// Can is the navigation's view of the same decision.
func (m *Middleware) Can(a *access.Actor, p access.Permission) bool {
	return a != nil && m.Svc.Authz.Can(a.UserID, a.OrgID, p)
}

// CSRF checks the token on every state-changing page request. The API takes bearer tokens
// only, never cookies, so it cannot be driven by another site and needs no CSRF token.
func (m *Middleware) CSRF(c *fiber.Ctx) error {
	if web.IsAPI(c) {
		return c.Next()
	}
	for _, p := range m.CSRFExempt {
		if strings.HasPrefix(c.Path(), p) {
			return c.Next()
		}
	}
	binding := m.formBinding(c)
	if binding != "" {
		c.Locals(csrfKey, m.Svc.CSRFToken(binding))
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	token := c.FormValue("csrf")
	if token == "" {
		token = c.Get("X-CSRF-Token")
	}
	if binding == "" || !m.Svc.CheckCSRF(binding, token) {
		return apperr.Forbiddenf("This form has expired or was not sent from golive. Go back, reload the page and try again.")
	}
	return c.Next()
}

const csrfKey = "golive.csrf"

// FormToken is the CSRF token for the page being rendered.
func FormToken(c *fiber.Ctx) string {
	s, _ := c.Locals(csrfKey).(string)
	return s
}

// formBinding is what the CSRF token is bound to: the session when signed in, otherwise a
// random cookie set on the first page view.
func (m *Middleware) formBinding(c *fiber.Ctx) string {
	if a := web.ActorFrom(c); a != nil && a.SessionID != "" {
		return "sess:" + a.SessionID
	}
	v := c.Cookies(FormCookie)
	if v == "" || len(v) > 64 {
		if c.Method() != fiber.MethodGet {
			return ""
		}
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		v = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: FormCookie, Value: v, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: m.Secure, Expires: time.Now().Add(24 * time.Hour)})
	}
	return "anon:" + v
}

func (m *Middleware) setSession(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: m.Secure, Expires: time.Now().Add(SessionAbsolute)})
}

func (m *Middleware) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: m.Secure, Expires: time.Unix(0, 0), MaxAge: -1})
}
