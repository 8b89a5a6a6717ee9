package tenants

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/web"
)

// PlatformOrgJSON is an organisation as the platform admin sees it.
type PlatformOrgJSON struct {
	ID                   string     `json:"id"`
	Name                 string     `json:"name"`
	Kind                 string     `json:"kind"`
	LegalForm            string     `json:"legal_form"`
	ODSCode              string     `json:"ods_code"`
	CompaniesHouseNumber string     `json:"companies_house_number"`
	CharityNumber        string     `json:"charity_number"`
	Status               string     `json:"status"`
	SelfRegistered       bool       `json:"self_registered"`
	CreatedAt            time.Time  `json:"created_at"`
	DeactivatedAt        *time.Time `json:"deactivated_at"`
	SuspendedAt          *time.Time `json:"suspended_at"`
}

// PlatformOrgDetailJSON is an organisation with its people and pending invitations.
type PlatformOrgDetailJSON struct {
	PlatformOrgJSON
	Users       []MemberJSON     `json:"users"`
	Invitations []InvitationJSON `json:"invitations"`
}

func platformOrgJSON(o Organisation) PlatformOrgJSON {
	return PlatformOrgJSON{ID: o.ID, Name: o.Name, Kind: string(o.Kind), LegalForm: string(o.LegalForm), ODSCode: o.ODSCode,
		CompaniesHouseNumber: o.CompaniesHouseNumber, CharityNumber: o.CharityNumber, Status: string(o.Status()),
		SelfRegistered: o.SelfRegistered, CreatedAt: o.CreatedAt, DeactivatedAt: o.DeactivatedAt, SuspendedAt: o.SuspendedAt}
}

func (h *API) platformOrgs(c *fiber.Ctx) error {
	orgs, err := h.Svc.Organisations(c.UserContext(), web.ActorFrom(c), c.Query("q"), c.Query("kind"))
	if err != nil {
		return err
	}
	out := struct {
		Organisations []PlatformOrgJSON `json:"organisations"`
	}{Organisations: []PlatformOrgJSON{}}
	for _, o := range orgs {
		out.Organisations = append(out.Organisations, platformOrgJSON(o))
	}
	return c.JSON(out)
}

func (h *API) createPlatformOrg(c *fiber.Ctx) error {
	var in OrgInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Svc.CreateOrganisation(c.UserContext(), web.ActorFrom(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(platformOrgJSON(o))
}

func (h *API) platformOrg(c *fiber.Ctx) error {
	d, err := h.Svc.Organisation(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	out := PlatformOrgDetailJSON{PlatformOrgJSON: platformOrgJSON(d.Org), Users: []MemberJSON{}, Invitations: []InvitationJSON{}}
	for _, m := range d.Members {
		out.Users = append(out.Users, memberJSON(m))
	}
	for _, i := range d.Invitations {
		out.Invitations = append(out.Invitations, invitationJSON(i))
	}
	return c.JSON(out)
}

func (h *API) updatePlatformOrg(c *fiber.Ctx) error {
	// Not found before invalid, as everywhere.
	if _, err := h.Svc.Organisation(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return err
	}
	var in OrgEditInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Svc.UpdateOrganisation(c.UserContext(), web.ActorFrom(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(platformOrgJSON(o))
}

func (h *API) setPlatformOrgStatus(c *fiber.Ctx) error {
	if _, err := h.Svc.Organisation(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return err
	}
	var in OrgStatusInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := h.Svc.SetOrganisationStatus(c.UserContext(), web.ActorFrom(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(platformOrgJSON(o))
}

func (h *API) invitePlatformOrg(c *fiber.Ctx) error {
	if _, err := h.Svc.Organisation(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return err
	}
	var in OrgInviteInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	inv, err := h.Svc.InviteToOrganisation(c.UserContext(), web.ActorFrom(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(invitationJSON(inv))
}

func (h *API) resendPlatformInvitation(c *fiber.Ctx) error {
	inv, err := h.Svc.ResendInvitation(c.UserContext(), web.ActorFrom(c), c.Params("id"), c.Params("inv"))
	if err != nil {
		return err
	}
	return c.JSON(invitationJSON(inv))
}

func (h *API) revokePlatformInvitation(c *fiber.Ctx) error {
	if err := h.Svc.RevokeInvitation(c.UserContext(), web.ActorFrom(c), c.Params("id"), c.Params("inv")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
