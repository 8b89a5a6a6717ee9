package tenants

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// API is the JSON face of the same service.
type API struct {
	Svc *Service
}

// MeJSON is who the caller is.
type MeJSON struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Organisation OrgJSON  `json:"organisation"`
	Roles        []string `json:"roles"`
}

// OrgJSON is an organisation.
type OrgJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// MemberJSON is one person of the organisation.
type MemberJSON struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	Active       bool       `json:"active"`
	Roles        []string   `json:"roles"`
	LastSignInAt *time.Time `json:"last_sign_in_at"`
}

// InvitationJSON is a pending invitation.
type InvitationJSON struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Roles     []string  `json:"roles"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TokenJSON is an API token; Token is set only in the response that created it.
type TokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Token      string     `json:"token,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func memberJSON(m Member) MemberJSON {
	roles := RoleKeys(m.Roles)
	return MemberJSON{ID: m.ID, Name: m.Name, Email: m.Email, Active: m.Active, Roles: roles, LastSignInAt: m.LastSignInAt}
}

func invitationJSON(i Invitation) InvitationJSON {
	return InvitationJSON{ID: i.ID, Email: i.Email, Name: i.Name, Roles: strings.Split(i.Roles, ","), ExpiresAt: i.ExpiresAt}
}

func tokenJSON(t APIToken) TokenJSON {
	return TokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (h *API) me(c *fiber.Ctx) error {
	return web.JSON(c, meBody{web.ActorFrom(c)})
}

// meBody is MeJSON of the actor written by hand, byte for byte what c.JSON wrote for it
// (TestMeBodyIsWhatEncodingJSONWrites): /me is the API's cheapest call, so reflection, the
// copy json.Marshal returns and the list of role keys were a good part of what it cost.
type meBody struct{ a *access.Actor }

func (m meBody) AppendJSON(b []byte) []byte {
	a := m.a
	b = append(b, `{"id":`...)
	b = web.AppendJSONString(b, a.UserID)
	b = append(b, `,"name":`...)
	b = web.AppendJSONString(b, a.Name)
	b = append(b, `,"email":`...)
	b = web.AppendJSONString(b, a.Email)
	b = append(b, `,"organisation":{"id":`...)
	b = web.AppendJSONString(b, a.OrgID)
	b = append(b, `,"name":`...)
	b = web.AppendJSONString(b, a.OrgName)
	b = append(b, `,"kind":`...)
	b = web.AppendJSONString(b, string(a.OrgKind))
	b = append(b, `},"roles":[`...) // RoleKeys is never nil: no roles is [], not null
	for i, r := range a.Roles {
		if i > 0 {
			b = append(b, ',')
		}
		b = web.AppendJSONString(b, r.Key())
	}
	return append(b, "]}"...)
}

func (h *API) users(c *fiber.Ctx) error {
	members, inv, err := h.Svc.Members(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	out := struct {
		Users       []MemberJSON     `json:"users"`
		Invitations []InvitationJSON `json:"invitations"`
	}{Users: []MemberJSON{}, Invitations: []InvitationJSON{}}
	for _, m := range members {
		out.Users = append(out.Users, memberJSON(m))
	}
	for _, i := range inv {
		out.Invitations = append(out.Invitations, invitationJSON(i))
	}
	return c.JSON(out)
}

func (h *API) user(c *fiber.Ctx) error {
	m, err := h.Svc.Member(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(memberJSON(m))
}

func (h *API) updateUser(c *fiber.Ctx) error {
	// Not found comes before invalid, so another organisation's ids cannot be probed with bad bodies.
	if _, err := h.Svc.Member(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return err
	}
	var in MemberInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.Svc.UpdateMember(c.UserContext(), web.ActorFrom(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(memberJSON(m))
}

func (h *API) invite(c *fiber.Ctx) error {
	var in InviteInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	inv, err := h.Svc.Invite(c.UserContext(), web.ActorFrom(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(invitationJSON(inv))
}

func (h *API) tokens(c *fiber.Ctx) error {
	list, err := h.Svc.Tokens(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	out := struct {
		Tokens []TokenJSON `json:"tokens"`
	}{Tokens: []TokenJSON{}}
	for _, t := range list {
		out.Tokens = append(out.Tokens, tokenJSON(t))
	}
	return c.JSON(out)
}

func (h *API) createToken(c *fiber.Ctx) error {
	var in TokenInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	plain, t, err := h.Svc.CreateToken(c.UserContext(), web.ActorFrom(c), in)
	if err != nil {
		return err
	}
	out := tokenJSON(t)
	out.Token = plain
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *API) revokeToken(c *fiber.Ctx) error {
	if err := h.Svc.RevokeToken(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
