package web

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"golive/frontend"
	"golive/tenants/access"
)

// Render fills the layout from the request (who is signed in, what they may see) and renders
// page with content; fieldErrs become the error summary and the messages beside each field.
func (s *Server) Render(c *fiber.Ctx, page, title string, content any, fieldErrs map[string]string) error {
	p := frontend.Page{Layout: s.layout(c, title, fieldErrs), Content: content}
	if len(p.Errors) > 1 {
		// The summary lists errors in the order their fields appear on the page, which only the
		// rendered page knows: render once to find the fields, then again with the order fixed.
		// Only a page with two or more errors pays for this.
		var first bytes.Buffer
		if err := s.Renderer.Render(&first, page, p); err == nil {
			p.Errors = InPageOrder(first.Bytes(), p.Errors)
		}
	}
	c.Type("html", "utf-8")
	return s.Renderer.Render(c.Response().BodyWriter(), page, p)
}

// InPageOrder orders an error summary as the page does: form-wide messages first, then each
// field's message by where the element with that id is in html; a field the page lacks goes
// last, keeping the order it came in.
func InPageOrder(html []byte, errs []frontend.FieldError) []frontend.FieldError {
	pos := func(e frontend.FieldError) int {
		if e.Field == "" {
			return -1
		}
		if i := bytes.Index(html, []byte(`id="`+e.Field+`"`)); i >= 0 {
			return i
		}
		return len(html)
	}
	out := slices.Clone(errs)
	slices.SortStableFunc(out, func(a, b frontend.FieldError) int { return pos(a) - pos(b) })
	return out
}

// RenderFlash is Render with a one-line confirmation above the content.
func (s *Server) RenderFlash(c *fiber.Ctx, page, title, flash string, content any) error {
	p := frontend.Page{Layout: s.layout(c, title, nil), Content: content}
	p.Flash = flash
	c.Type("html", "utf-8")
	return s.Renderer.Render(c.Response().BodyWriter(), page, p)
}

func (s *Server) layout(c *fiber.Ctx, title string, fieldErrs map[string]string) frontend.Layout {
	l := frontend.Layout{Title: title, Path: c.Path(), FieldErrs: fieldErrs, RequestID: RequestID(c)}
	if l.FieldErrs == nil {
		l.FieldErrs = map[string]string{}
	}
	if msg := c.Locals(flashKey); msg != nil {
		l.Flash = toString(msg)
	}
	keys := make([]string, 0, len(fieldErrs))
	for k := range fieldErrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field := k
		if strings.HasPrefix(k, "_") { // form-wide messages have no field to link to
			field = ""
		}
		l.Errors = append(l.Errors, frontend.FieldError{Field: field, Message: fieldErrs[k]})
	}
	if t, ok := c.Locals("golive.csrf").(string); ok {
		l.CSRF = t // bound to the session, or before sign-in to a cookie: set by the CSRF middleware
	}
	a := ActorFrom(c)
	if a == nil {
		return l
	}
	l.User = &frontend.User{Name: a.Name, Email: a.Email, OrgName: a.OrgName, OrgKind: string(a.OrgKind), Roles: a.RoleKeys()}
	l.Nav = s.links(c, a, s.Nav)
	l.Account = s.links(c, a, s.Account)
	return l
}

// links are the items the actor is offered, marked current on their own pages and below.
func (s *Server) links(c *fiber.Ctx, a *access.Actor, items []NavItem) []frontend.Link {
	var out []frontend.Link
	for _, n := range items {
		if n.Perm != (access.Permission{}) && (s.Can == nil || !s.Can(a, n.Perm)) {
			continue
		}
		if len(n.Kinds) > 0 && !slices.Contains(n.Kinds, a.OrgKind) {
			continue
		}
		cur := c.Path() == n.Href || (n.Href != "/" && strings.HasPrefix(c.Path(), n.Href+"/"))
		out = append(out, frontend.Link{Label: n.Label, Href: n.Href, Current: cur})
	}
	return out
}

const flashKey = "golive.flash"

// SetFlash shows msg on the page rendered for this request.
func SetFlash(c *fiber.Ctx, msg string) { c.Locals(flashKey, msg) }

func toString(v any) string {
	s, _ := v.(string)
	return s
}
