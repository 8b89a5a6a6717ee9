package tenants

import (
	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/web"
)

// Option is one choice of a select or radios.
type Option struct {
	Value, Label      string
	Checked, Selected bool
}

func kindOptions(chosen string, withAll bool) []Option {
	var out []Option
	if withAll {
		out = append(out, Option{Value: "", Label: "All kinds", Selected: chosen == ""})
	}
	for _, k := range []struct {
		k     OrgKind
		label string
	}{{Commissioner, "Commissioner (a CCG or ICB)"}, {Provider, "Provider (bids for contracts)"}, {Healthwatch, "Healthwatch"}} {
		out = append(out, Option{Value: string(k.k), Label: k.label, Checked: chosen == string(k.k), Selected: chosen == string(k.k)})
	}
	return out
}

func formOptions(kinds []OrgKind, chosen string) []Option {
	out := []Option{{Value: "", Label: "Select what kind of organisation this is", Selected: chosen == ""}}
	seen := map[LegalForm]bool{}
	for _, k := range kinds {
		for _, f := range FormsFor(k) {
			if !seen[f] {
				seen[f] = true
				out = append(out, Option{Value: string(f), Label: f.Label(), Selected: chosen == string(f)})
			}
		}
	}
	return out
}

// OrgsPage lists and searches organisations.
type OrgsPage struct {
	Q     string
	Kinds []Option
	Orgs  []Organisation
}

func (p *Pages) platformOrgs(c *fiber.Ctx) error {
	q, kind := c.Query("q"), c.Query("kind")
	orgs, err := p.Svc.Organisations(c.UserContext(), web.ActorFrom(c), q, kind)
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid {
		return p.Web.Render(c.Status(ae.Status()), "tenants/platform_orgs", "Organisations", OrgsPage{Q: q, Kinds: kindOptions(kind, true)}, ae.Fields)
	}
	if err != nil {
		return err
	}
	return p.Web.Render(c, "tenants/platform_orgs", "Organisations", OrgsPage{Q: q, Kinds: kindOptions(kind, true), Orgs: orgs}, nil)
}

// OrgFormPage creates or edits an organisation.
type OrgFormPage struct {
	Org    Organisation // set when editing
	Input  OrgInput
	Kinds  []Option
	Forms  []Option
	Action string
}

func (p *Pages) newOrgForm(c *fiber.Ctx) error {
	return p.Web.Render(c, "tenants/platform_org_form", "Create an organisation", OrgFormPage{Action: "/platform/organisations/new",
		Kinds: kindOptions("", false), Forms: formOptions([]OrgKind{Commissioner, Provider, Healthwatch}, "")}, nil)
}

func (p *Pages) createOrg(c *fiber.Ctx) error {
	var in OrgInput
	err := web.ParseForm(c, &in)
	var o Organisation
	if err == nil {
		o, err = p.Svc.CreateOrganisation(c.UserContext(), web.ActorFrom(c), in)
	}
	if err != nil {
		return p.formError(c, err, "tenants/platform_org_form", "Create an organisation", OrgFormPage{Action: "/platform/organisations/new",
			Input: in, Kinds: kindOptions(in.Kind, false), Forms: formOptions([]OrgKind{Commissioner, Provider, Healthwatch}, in.LegalForm)})
	}
	return p.renderOrg(c, o.ID, o.Name+" created. Now invite its first administrator.")
}

// OrgPage is one organisation: its identifiers, status, people and invitations.
type OrgPage struct {
	OrgDetail
	CanSuspend bool
}

// renderOrg shows the organisation; after a change (flash set) it redirects there, so that a
// reload does not send the form again.
func (p *Pages) renderOrg(c *fiber.Ctx, id, flash string) error {
	if flash != "" {
		return web.RedirectFlash(c, "/platform/organisations/"+id, flash)
	}
	d, err := p.Svc.Organisation(c.UserContext(), web.ActorFrom(c), id)
	if err != nil {
		return err
	}
	web.TakeFlash(c)
	return p.Web.Render(c, "tenants/platform_org", d.Org.Name, OrgPage{OrgDetail: d, CanSuspend: d.Org.SelfRegistered}, nil)
}

func (p *Pages) platformOrg(c *fiber.Ctx) error { return p.renderOrg(c, c.Params("id"), "") }

func (p *Pages) editOrgForm(c *fiber.Ctx) error {
	d, err := p.Svc.Organisation(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	o := d.Org
	in := OrgInput{Name: o.Name, Kind: string(o.Kind), LegalForm: string(o.LegalForm), ODSCode: o.ODSCode,
		CompaniesHouseNumber: o.CompaniesHouseNumber, CharityNumber: o.CharityNumber}
	return p.Web.Render(c, "tenants/platform_org_form", "Change "+o.Name, OrgFormPage{Org: o, Input: in,
		Action: "/platform/organisations/" + o.ID + "/edit", Forms: formOptions([]OrgKind{o.Kind}, in.LegalForm)}, nil)
}

func (p *Pages) editOrg(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	d, err := p.Svc.Organisation(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	var in OrgEditInput
	err = web.ParseForm(c, &in)
	if err == nil {
		_, err = p.Svc.UpdateOrganisation(c.UserContext(), a, d.Org.ID, in)
	}
	if err != nil {
		return p.formError(c, err, "tenants/platform_org_form", "Change "+d.Org.Name, OrgFormPage{Org: d.Org,
			Input:  OrgInput{Name: in.Name, Kind: string(d.Org.Kind), LegalForm: in.LegalForm, ODSCode: in.ODSCode, CompaniesHouseNumber: in.CompaniesHouseNumber, CharityNumber: in.CharityNumber},
			Action: "/platform/organisations/" + d.Org.ID + "/edit", Forms: formOptions([]OrgKind{d.Org.Kind}, in.LegalForm)})
	}
	return p.renderOrg(c, d.Org.ID, "Changes saved.")
}

func (p *Pages) orgStatus(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	d, err := p.Svc.Organisation(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	var in OrgStatusInput
	err = web.ParseForm(c, &in)
	var o Organisation
	if err == nil {
		o, err = p.Svc.SetOrganisationStatus(c.UserContext(), a, d.Org.ID, in)
	}
	if err != nil {
		return p.formError(c, err, "tenants/platform_org", d.Org.Name, OrgPage{OrgDetail: d, CanSuspend: d.Org.SelfRegistered})
	}
	msg := map[OrgStatus]string{StatusActive: o.Name + " is active: its people can sign in.",
		StatusDeactivated: o.Name + " is deactivated: its people can no longer sign in. Its data stays.",
		StatusSuspended:   o.Name + " is suspended: its people cannot sign in until you make it active again."}[o.Status()]
	return p.renderOrg(c, o.ID, msg)
}

// OrgInvitePage invites someone to an organisation.
type OrgInvitePage struct {
	Org         Organisation
	Email, Name string
	Roles       []RoleOption
}

func (p *Pages) orgInviteForm(c *fiber.Ctx) error {
	d, err := p.Svc.Organisation(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	return p.Web.Render(c, "tenants/platform_invite", "Invite a user to "+d.Org.Name, OrgInvitePage{Org: d.Org,
		Roles: roleOptions(d.Org.Kind, []string{access.RoleTenantAdmin.Key()})}, nil)
}

func (p *Pages) orgInvite(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	d, err := p.Svc.Organisation(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	var in OrgInviteInput
	err = web.ParseForm(c, &in)
	if err == nil {
		_, err = p.Svc.InviteToOrganisation(c.UserContext(), a, d.Org.ID, in)
	}
	if err != nil {
		return p.formError(c, err, "tenants/platform_invite", "Invite a user to "+d.Org.Name, OrgInvitePage{Org: d.Org,
			Email: in.Email, Name: in.Name, Roles: roleOptions(d.Org.Kind, in.Roles)})
	}
	return p.renderOrg(c, d.Org.ID, "Invitation sent to "+NormaliseEmail(in.Email)+".")
}

func (p *Pages) resendOrgInvitation(c *fiber.Ctx) error {
	inv, err := p.Svc.ResendInvitation(c.UserContext(), web.ActorFrom(c), c.Params("id"), c.Params("inv"))
	if err != nil {
		return err
	}
	return p.renderOrg(c, inv.OrgID, "Invitation sent again to "+inv.Email+": the earlier link no longer works.")
}

func (p *Pages) revokeOrgInvitation(c *fiber.Ctx) error {
	if err := p.Svc.RevokeInvitation(c.UserContext(), web.ActorFrom(c), c.Params("id"), c.Params("inv")); err != nil {
		return err
	}
	return p.renderOrg(c, c.Params("id"), "Invitation revoked: its link no longer works.")
}
