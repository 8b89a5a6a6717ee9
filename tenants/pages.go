package tenants

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/web"
)

// Task is one thing a person must do next, shown on their dashboard: the one task type every
// feature's TaskSource returns. Href is where it is done; Due, when a date applies, is when it
// is due by (Detail says more when the date needs words).
type Task struct {
	Title, Detail, Href string
	Due                 *time.Time
}

// SortTasks puts the tasks in the order they are due, those without a date last, keeping each
// source's order among equals.
func SortTasks(ts []Task) {
	slices.SortStableFunc(ts, func(x, y Task) int {
		switch {
		case x.Due == nil && y.Due == nil:
			return 0
		case x.Due == nil:
			return 1
		case y.Due == nil:
			return -1
		}
		return x.Due.Compare(*y.Due)
	})
}

// TaskSource lists tasks for the actor; each feature contributes one (cmd/golive wires them).
type TaskSource func(ctx context.Context, a *access.Actor) ([]Task, error)

// Pages are the HTML handlers of sign-in, the dashboard, organisation admin and API tokens.
type Pages struct {
	Svc   *Service
	Web   *web.Server
	MW    *Middleware
	Tasks []TaskSource
}

// SignInPage is the sign-in form.
type SignInPage struct {
	Email, Next string
}

func (p *Pages) signInForm(c *fiber.Ctx) error {
	if web.ActorFrom(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return p.Web.Render(c, "tenants/sign_in", "Sign in", SignInPage{Next: c.Query("next")}, nil)
}

func (p *Pages) signIn(c *fiber.Ctx) error {
	var in SignInInput
	err := web.ParseForm(c, &in)
	if err == nil {
		var token string
		token, err = p.Svc.SignIn(c.UserContext(), in, web.ClientIP(c), c.Get(fiber.HeaderUserAgent))
		if err == nil {
			p.MW.setSession(c, token)
			return c.Redirect(safeNext(in.Next), fiber.StatusSeeOther)
		}
	}
	ae, ok := apperr.As(err)
	if !ok {
		return err
	}
	fields := ae.Fields
	if len(fields) == 0 {
		fields = map[string]string{"_form": ae.Message}
	}
	return p.Web.Render(c.Status(ae.Status()), "tenants/sign_in", "Sign in", SignInPage{Email: in.Email, Next: in.Next}, fields)
}

// safeNext only follows local paths, so the sign-in form cannot be used to send people elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func (p *Pages) signOut(c *fiber.Ctx) error {
	if err := p.Svc.SignOut(c.UserContext(), web.ActorFrom(c)); err != nil {
		return err
	}
	p.MW.clearSession(c)
	return c.Redirect("/sign-in", fiber.StatusSeeOther)
}

// DashboardPage lists what the person must do next.
type DashboardPage struct {
	Name, OrgName string
	Roles         []string
	Tasks         []Task
}

func (p *Pages) dashboard(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	page := DashboardPage{Name: a.Name, OrgName: a.OrgName, Roles: a.RoleKeys()}
	for _, src := range p.Tasks {
		t, err := src(c.UserContext(), a)
		if err != nil {
			return err
		}
		page.Tasks = append(page.Tasks, t...)
	}
	SortTasks(page.Tasks)
	return p.Web.Render(c, "tenants/dashboard", "Dashboard", page, nil)
}

// ForgotPage is the forgotten-password form and its confirmation.
type ForgotPage struct {
	Email string
	Sent  bool
}

func (p *Pages) forgotForm(c *fiber.Ctx) error {
	return p.Web.Render(c, "tenants/forgot", "Reset your password", ForgotPage{}, nil)
}

func (p *Pages) forgot(c *fiber.Ctx) error {
	var in ForgotInput
	if err := web.ParseForm(c, &in); err != nil {
		return p.formError(c, err, "tenants/forgot", "Reset your password", ForgotPage{Email: in.Email})
	}
	if err := p.Svc.RequestReset(c.UserContext(), in, web.ClientIP(c)); err != nil {
		return p.formError(c, err, "tenants/forgot", "Reset your password", ForgotPage{Email: in.Email})
	}
	return p.Web.Render(c, "tenants/forgot", "Check your email", ForgotPage{Email: in.Email, Sent: true}, nil)
}

// SetPasswordPage completes an invitation or a reset.
type SetPasswordPage struct {
	Invitation bool
	Token      string
	Email      string
	Name       string
	OrgName    string
	Roles      []string
}

func (p *Pages) resetForm(c *fiber.Ctx) error {
	if _, err := p.Svc.CheckReset(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	return p.Web.Render(c, "tenants/set_password", "Choose a new password", SetPasswordPage{Token: c.Params("token")}, nil)
}

func (p *Pages) reset(c *fiber.Ctx) error {
	var in AcceptInput
	page := SetPasswordPage{Token: c.Params("token")}
	err := web.ParseForm(c, &in)
	if err == nil {
		err = p.Svc.ResetPassword(c.UserContext(), c.Params("token"), in)
	}
	if err != nil {
		return p.formError(c, err, "tenants/set_password", "Choose a new password", page)
	}
	web.SetFlash(c, "Your password has been changed. Sign in with your new password.")
	return p.Web.Render(c, "tenants/sign_in", "Sign in", SignInPage{}, nil)
}

func (p *Pages) invitationForm(c *fiber.Ctx) error {
	inv, org, err := p.Svc.Invitation(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return p.Web.Render(c, "tenants/set_password", "Join "+org.Name+" on golive", SetPasswordPage{Invitation: true,
		Token: c.Params("token"), Email: inv.Email, Name: inv.Name, OrgName: org.Name, Roles: strings.Split(inv.Roles, ",")}, nil)
}

func (p *Pages) acceptInvitation(c *fiber.Ctx) error {
	inv, org, err := p.Svc.Invitation(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	page := SetPasswordPage{Invitation: true, Token: c.Params("token"), Email: inv.Email, Name: inv.Name, OrgName: org.Name, Roles: strings.Split(inv.Roles, ",")}
	var in AcceptInput
	err = web.ParseForm(c, &in)
	if err == nil {
		_, err = p.Svc.AcceptInvitation(c.UserContext(), c.Params("token"), in)
	}
	if err != nil {
		page.Name = in.Name
		return p.formError(c, err, "tenants/set_password", "Join "+org.Name+" on golive", page)
	}
	web.SetFlash(c, "Your account is ready. Sign in with your email address and the password you chose.")
	return p.Web.Render(c, "tenants/sign_in", "Sign in", SignInPage{Email: inv.Email}, nil)
}

// formError re-renders a form with its messages for a validation failure; any other error goes
// to the one error handler.
func (p *Pages) formError(c *fiber.Ctx, err error, page, title string, content any) error {
	ae, ok := apperr.As(err)
	if !ok || (ae.Kind != apperr.Invalid && ae.Kind != apperr.Conflict && ae.Kind != apperr.TooMany) {
		return err
	}
	fields := ae.Fields
	if len(fields) == 0 {
		fields = map[string]string{"_form": ae.Message}
	}
	return p.Web.Render(c.Status(ae.Status()), page, title, content, fields)
}

// UsersPage lists the organisation's people and pending invitations.
type UsersPage struct {
	OrgName     string
	Members     []Member
	Invitations []Invitation
}

func (p *Pages) users(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	members, inv, err := p.Svc.Members(c.UserContext(), a)
	if err != nil {
		return err
	}
	return p.Web.Render(c, "tenants/users", "Users", UsersPage{OrgName: a.OrgName, Members: members, Invitations: inv}, nil)
}

// RoleOption is a role checkbox.
type RoleOption struct {
	Value, Label string
	Checked      bool
}

func roleOptions(kind OrgKind, chosen []string) []RoleOption {
	var out []RoleOption
	for _, r := range RolesFor(kind) {
		out = append(out, RoleOption{Value: r.Key(), Label: r.Label(), Checked: slices.Contains(chosen, r.Key())})
	}
	return out
}

// InvitePage is the invitation form.
type InvitePage struct {
	OrgName     string
	Email, Name string
	Roles       []RoleOption
}

func (p *Pages) inviteForm(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	return p.Web.Render(c, "tenants/invite", "Invite a user", InvitePage{OrgName: a.OrgName, Roles: roleOptions(a.OrgKind, nil)}, nil)
}

func (p *Pages) invite(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	var in InviteInput
	err := web.ParseForm(c, &in)
	if err == nil {
		_, err = p.Svc.Invite(c.UserContext(), a, in)
	}
	if err != nil {
		return p.formError(c, err, "tenants/invite", "Invite a user", InvitePage{OrgName: a.OrgName, Email: in.Email, Name: in.Name, Roles: roleOptions(a.OrgKind, in.Roles)})
	}
	members, inv, err := p.Svc.Members(c.UserContext(), a)
	if err != nil {
		return err
	}
	return p.Web.RenderFlash(c, "tenants/users", "Users", "Invitation sent to "+in.Email+".", UsersPage{OrgName: a.OrgName, Members: members, Invitations: inv})
}

// MemberPage edits one person's roles and status.
type MemberPage struct {
	Member Member
	Roles  []RoleOption
	Self   bool
}

func (p *Pages) member(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	m, err := p.Svc.Member(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	return p.Web.Render(c, "tenants/member", m.Name, MemberPage{Member: m, Roles: roleOptions(a.OrgKind, RoleKeys(m.Roles)), Self: m.ID == a.UserID}, nil)
}

// memberForm is the page form: the active flag arrives as a radio value.
type memberForm struct {
	Roles  []string `form:"roles" validate:"required,min=1,max=8,dive,max=40" label:"roles"`
	Active string   `form:"active" validate:"required,oneof=yes no" label:"whether the account is active"`
}

func (p *Pages) updateMember(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	m, err := p.Svc.Member(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	var f memberForm
	err = web.ParseForm(c, &f)
	if err == nil {
		active := f.Active == "yes"
		m, err = p.Svc.UpdateMember(c.UserContext(), a, m.ID, MemberInput{Roles: f.Roles, Active: &active})
	}
	if err != nil {
		return p.formError(c, err, "tenants/member", m.Name, MemberPage{Member: m, Roles: roleOptions(a.OrgKind, f.Roles), Self: m.ID == a.UserID})
	}
	return p.Web.RenderFlash(c, "tenants/member", m.Name, "Changes saved.", MemberPage{Member: m, Roles: roleOptions(a.OrgKind, RoleKeys(m.Roles)), Self: m.ID == a.UserID})
}

// TokensPage lists the person's API tokens; NewToken is shown once, straight after creation.
type TokensPage struct {
	Tokens   []APIToken
	NewToken string
	Name     string
	BaseURL  string
}

func (p *Pages) tokens(c *fiber.Ctx) error {
	return p.renderTokens(c, "", "", nil)
}

func (p *Pages) renderTokens(c *fiber.Ctx, newToken, flash string, fields map[string]string) error {
	a := web.ActorFrom(c)
	list, err := p.Svc.Tokens(c.UserContext(), a)
	if err != nil {
		return err
	}
	page := TokensPage{Tokens: list, NewToken: newToken, BaseURL: p.Web.BaseURL}
	if fields != nil {
		page.Name = c.FormValue("name")
		return p.Web.Render(c.Status(422), "tenants/tokens", "API tokens", page, fields)
	}
	if flash != "" {
		return p.Web.RenderFlash(c, "tenants/tokens", "API tokens", flash, page)
	}
	return p.Web.Render(c, "tenants/tokens", "API tokens", page, nil)
}

func (p *Pages) createToken(c *fiber.Ctx) error {
	var in TokenInput
	err := web.ParseForm(c, &in)
	var plain string
	if err == nil {
		plain, _, err = p.Svc.CreateToken(c.UserContext(), web.ActorFrom(c), in)
	}
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid {
			return p.renderTokens(c, "", "", ae.Fields)
		}
		return err
	}
	// Never cache the one page that shows the secret.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return p.renderTokens(c, plain, "", nil)
}

func (p *Pages) revokeToken(c *fiber.Ctx) error {
	if err := p.Svc.RevokeToken(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return err
	}
	return p.renderTokens(c, "", "Token revoked: programs using it can no longer sign in.", nil)
}
