package tenants

import (
	"github.com/gofiber/fiber/v2"

	"golive/web"
)

// RegisterPage is the supplier registration form, and its "check your email" answer.
type RegisterPage struct {
	Input RegisterInput
	Forms []Option
	Sent  bool
}

func (p *Pages) registerForm(c *fiber.Ctx) error {
	if web.ActorFrom(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return p.Web.Render(c, "tenants/register", "Register your organisation to bid", RegisterPage{Forms: providerForms("")}, nil)
}

func providerForms(chosen string) []Option {
	out := formOptions([]OrgKind{Provider}, chosen)
	out[0].Label = "Select what kind of organisation you are registering"
	return out
}

func (p *Pages) register(c *fiber.Ctx) error {
	var in RegisterInput
	err := web.ParseForm(c, &in)
	if err == nil {
		err = p.Svc.Register(c.UserContext(), in, web.ClientIP(c))
	}
	if err != nil {
		return p.formError(c, err, "tenants/register", "Register your organisation to bid", RegisterPage{Input: in, Forms: providerForms(in.LegalForm)})
	}
	// The same page whoever the address belongs to: see Service.Register.
	return p.Web.Render(c, "tenants/register", "Check your email", RegisterPage{Input: RegisterInput{Email: NormaliseEmail(in.Email)}, Sent: true}, nil)
}

// ConfirmRegistrationPage confirms the email and sets a password.
type ConfirmRegistrationPage struct {
	Token, OrgName, Email, Name string
}

func (p *Pages) confirmRegistrationForm(c *fiber.Ctx) error {
	r, err := p.Svc.PendingRegistration(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return p.Web.Render(c, "tenants/register_confirm", "Finish registering "+r.OrgName,
		ConfirmRegistrationPage{Token: c.Params("token"), OrgName: r.OrgName, Email: r.Email, Name: r.Name}, nil)
}

func (p *Pages) confirmRegistration(c *fiber.Ctx) error {
	r, err := p.Svc.PendingRegistration(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	page := ConfirmRegistrationPage{Token: c.Params("token"), OrgName: r.OrgName, Email: r.Email, Name: r.Name}
	var in AcceptInput
	err = web.ParseForm(c, &in)
	if err == nil {
		_, err = p.Svc.ConfirmRegistration(c.UserContext(), c.Params("token"), in)
	}
	if err != nil {
		page.Name = in.Name
		return p.formError(c, err, "tenants/register_confirm", "Finish registering "+r.OrgName, page)
	}
	web.SetFlash(c, r.OrgName+" is registered and you are its administrator. Sign in with your email address and the password you chose.")
	return p.Web.Render(c, "tenants/sign_in", "Sign in", SignInPage{Email: r.Email}, nil)
}
