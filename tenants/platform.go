package tenants

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"golive/apperr"
	"golive/audit"
	"golive/jobs"
	"golive/tenants/access"
)

// Platform administration: the platform admin creates and looks after organisations and gives
// each its first administrator. It sees who an organisation's people are, never what they do.

// OrgInput is an organisation as the platform admin creates it.
type OrgInput struct {
	Name                 string `form:"name" json:"name" validate:"required,max=160" label:"the organisation's name"`
	Kind                 string `form:"kind" json:"kind" validate:"required,oneof=commissioner provider healthwatch" label:"what the organisation does on golive"`
	LegalForm            string `form:"legal_form" json:"legal_form" validate:"required,max=40" label:"what kind of organisation this is"`
	ODSCode              string `form:"ods_code" json:"ods_code" validate:"max=20" label:"the ODS code"`
	CompaniesHouseNumber string `form:"companies_house_number" json:"companies_house_number" validate:"max=20" label:"the Companies House number"`
	CharityNumber        string `form:"charity_number" json:"charity_number" validate:"max=20" label:"the charity number"`
}

// OrgEditInput changes an organisation's name and identifiers; its kind never changes, since
// its people's roles depend on it.
type OrgEditInput struct {
	Name                 string `form:"name" json:"name" validate:"required,max=160" label:"the organisation's name"`
	LegalForm            string `form:"legal_form" json:"legal_form" validate:"required,max=40" label:"what kind of organisation this is"`
	ODSCode              string `form:"ods_code" json:"ods_code" validate:"max=20" label:"the ODS code"`
	CompaniesHouseNumber string `form:"companies_house_number" json:"companies_house_number" validate:"max=20" label:"the Companies House number"`
	CharityNumber        string `form:"charity_number" json:"charity_number" validate:"max=20" label:"the charity number"`
}

// OrgStatusInput deactivates, suspends or reactivates an organisation.
type OrgStatusInput struct {
	Status string `form:"status" json:"status" validate:"required,oneof=active deactivated suspended" label:"the organisation's status"`
	Reason string `form:"reason" json:"reason" validate:"max=500" label:"the reason"`
}

// OrgInviteInput invites a person to an organisation; roles default to its administrator.
type OrgInviteInput struct {
	Email string   `form:"email" json:"email" validate:"required,email,max=254" label:"an email address"`
	Name  string   `form:"name" json:"name" validate:"required,max=120" label:"their full name"`
	Roles []string `form:"roles" json:"roles" validate:"max=8,dive,max=40" label:"roles"`
}

// OrgDetail is an organisation with its people and pending invitations.
type OrgDetail struct {
	Org         Organisation
	Members     []Member
	Invitations []Invitation
}

func requirePlatform(a *access.Actor) error {
	if !a.HasRole(access.RolePlatformAdmin) || a.OrgKind != Platform {
		return apperr.Forbiddenf("Only the platform admin manages organisations")
	}
	return nil
}

// Organisations lists organisations matching q, of kind when set.
func (s *Service) Organisations(ctx context.Context, a *access.Actor, q string, kind string) ([]Organisation, error) {
	if err := requirePlatform(a); err != nil {
		return nil, err
	}
	switch OrgKind(kind) {
	case "", Commissioner, Provider, Healthwatch:
	default:
		return nil, apperr.InvalidFields(map[string]string{"kind": "Select commissioner, provider or Healthwatch"})
	}
	if len(q) > 160 {
		return nil, apperr.InvalidFields(map[string]string{"q": "Search for 160 characters or fewer"})
	}
	return s.Store.SearchOrgs(ctx, q, OrgKind(kind))
}

// checkOrg checks the identifiers' form and that no other organisation holds them or the name.
func (s *Service) checkOrg(ctx context.Context, exceptID string, kind OrgKind, name string, in Identifiers) (Identifiers, error) {
	ids, msgs := CheckIdentifiers(kind, in)
	if msgs != nil {
		return ids, apperr.InvalidFields(msgs)
	}
	held, err := s.Store.IdentifierHolders(ctx, exceptID, name, ids)
	if err != nil {
		return ids, err
	}
	if len(held) > 0 {
		msgs = map[string]string{}
		for field, o := range held {
			msgs[field] = "This " + fieldLabel(field) + " belongs to " + o.Name + " already"
		}
		return ids, &apperr.Error{Kind: apperr.Conflict, Message: "Another organisation has this name or identifier", Fields: msgs}
	}
	return ids, nil
}

func fieldLabel(field string) string {
	switch field {
	case "ods_code":
		return "ODS code"
	case "companies_house_number":
		return "Companies House number"
	case "charity_number":
		return "charity number"
	}
	return "name"
}

// CreateOrganisation makes a commissioner, provider or Healthwatch organisation.
func (s *Service) CreateOrganisation(ctx context.Context, a *access.Actor, in OrgInput) (Organisation, error) {
	if err := requirePlatform(a); err != nil {
		return Organisation{}, err
	}
	kind := OrgKind(in.Kind)
	name := strings.Join(strings.Fields(in.Name), " ")
	ids, err := s.checkOrg(ctx, "", kind, name, Identifiers{LegalForm: LegalForm(in.LegalForm), ODSCode: in.ODSCode,
		CompaniesHouseNumber: in.CompaniesHouseNumber, CharityNumber: in.CharityNumber})
	if err != nil {
		return Organisation{}, err
	}
	o := Organisation{ID: NewID(), Name: name, Kind: kind, LegalForm: ids.LegalForm, ODSCode: ids.ODSCode,
		CompaniesHouseNumber: ids.CompaniesHouseNumber, CharityNumber: ids.CharityNumber, CreatedAt: s.Now()}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.CreateOrg(ctx, &o); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: o.ID,
			Action: "organisation.created", ObjectType: "organisation", ObjectID: o.ID, Summary: orgSummary(o)})
	})
	if err != nil {
		return Organisation{}, fmt.Errorf("create organisation %s: %w", name, err)
	}
	return o, nil
}

func orgSummary(o Organisation) map[string]any {
	return map[string]any{"name": o.Name, "kind": string(o.Kind), "legal_form": string(o.LegalForm), "ods_code": o.ODSCode,
		"companies_house_number": o.CompaniesHouseNumber, "charity_number": o.CharityNumber, "status": string(o.Status())}
}

// platformOrg loads an organisation the platform admin may manage: not a platform organisation.
func (s *Service) platformOrg(ctx context.Context, a *access.Actor, id string) (Organisation, error) {
	if err := requirePlatform(a); err != nil {
		return Organisation{}, err
	}
	if _, err := uuid.Parse(id); err != nil {
		return Organisation{}, apperr.NotFoundf("Organisation not found")
	}
	o, err := s.Store.Org(ctx, id)
	if err != nil {
		return Organisation{}, err
	}
	if o.Kind == Platform {
		return Organisation{}, apperr.NotFoundf("Organisation not found")
	}
	return o, nil
}

// Organisation loads one organisation with its people, their roles, and pending invitations.
func (s *Service) Organisation(ctx context.Context, a *access.Actor, id string) (OrgDetail, error) {
	o, err := s.platformOrg(ctx, a, id)
	if err != nil {
		return OrgDetail{}, err
	}
	users, err := s.Store.OrgUsers(ctx, o.ID)
	if err != nil {
		return OrgDetail{}, err
	}
	roles, err := s.Store.Roles(ctx, o.ID)
	if err != nil {
		return OrgDetail{}, err
	}
	d := OrgDetail{Org: o}
	for _, u := range users {
		d.Members = append(d.Members, Member{User: u, Roles: roles[u.ID]})
	}
	if d.Invitations, err = s.Store.OrgPendingInvitations(ctx, o.ID, s.Now()); err != nil {
		return OrgDetail{}, err
	}
	return d, nil
}

// UpdateOrganisation changes an organisation's name and identifiers.
func (s *Service) UpdateOrganisation(ctx context.Context, a *access.Actor, id string, in OrgEditInput) (Organisation, error) {
	o, err := s.platformOrg(ctx, a, id)
	if err != nil {
		return Organisation{}, err
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	ids, err := s.checkOrg(ctx, o.ID, o.Kind, name, Identifiers{LegalForm: LegalForm(in.LegalForm), ODSCode: in.ODSCode,
		CompaniesHouseNumber: in.CompaniesHouseNumber, CharityNumber: in.CharityNumber})
	if err != nil {
		return Organisation{}, err
	}
	before := orgSummary(o)
	o.Name, o.LegalForm, o.ODSCode, o.CompaniesHouseNumber, o.CharityNumber = name, ids.LegalForm, ids.ODSCode, ids.CompaniesHouseNumber, ids.CharityNumber
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.UpdateOrg(ctx, &o); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: o.ID,
			Action: "organisation.updated", ObjectType: "organisation", ObjectID: o.ID,
			Summary: map[string]any{"before": before, "after": orgSummary(o)}})
	})
	if err != nil {
		return Organisation{}, fmt.Errorf("update organisation %s: %w", id, err)
	}
	return o, nil
}

// SetOrganisationStatus deactivates an organisation (its people can no longer sign in; its data
// stays), suspends a self-registration that looks fake, or makes either active again.
func (s *Service) SetOrganisationStatus(ctx context.Context, a *access.Actor, id string, in OrgStatusInput) (Organisation, error) {
	o, err := s.platformOrg(ctx, a, id)
	if err != nil {
		return Organisation{}, err
	}
	want := OrgStatus(in.Status)
	if want == StatusSuspended && !o.SelfRegistered {
		msg := "Only an organisation that registered itself can be suspended: deactivate this one instead"
		return Organisation{}, &apperr.Error{Kind: apperr.Conflict, Message: msg, Fields: map[string]string{"status": msg}}
	}
	before := o.Status()
	if before == want {
		return o, nil
	}
	now := s.Now()
	switch want {
	case StatusActive:
		o.DeactivatedAt, o.SuspendedAt = nil, nil
	case StatusDeactivated:
		o.DeactivatedAt = &now
	case StatusSuspended:
		o.SuspendedAt = &now
	}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.UpdateOrg(ctx, &o); err != nil {
			return err
		}
		if want != StatusActive {
			if err := tx.DeleteOrgSessions(ctx, o.ID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: o.ID,
			Action: "organisation." + string(want), ObjectType: "organisation", ObjectID: o.ID,
			Summary: map[string]any{"before": string(before), "after": string(want), "reason": strings.TrimSpace(in.Reason)}})
	})
	if err != nil {
		return Organisation{}, fmt.Errorf("set status of organisation %s: %w", id, err)
	}
	return o, nil
}

// InviteToOrganisation sends a one-time link to join an organisation, as its administrator
// unless other roles are given: how an organisation gets its first administrator.
func (s *Service) InviteToOrganisation(ctx context.Context, a *access.Actor, orgID string, in OrgInviteInput) (Invitation, error) {
	o, err := s.platformOrg(ctx, a, orgID)
	if err != nil {
		return Invitation{}, err
	}
	if o.Status() != StatusActive {
		return Invitation{}, &apperr.Error{Kind: apperr.Conflict, Message: "Reactivate the organisation before inviting anyone to it"}
	}
	if len(in.Roles) == 0 {
		in.Roles = []string{access.RoleTenantAdmin.Key()}
	}
	roles, msg := CheckRoles(o.Kind, in.Roles)
	if msg != "" {
		return Invitation{}, apperr.InvalidFields(map[string]string{"roles": msg})
	}
	in.Email = NormaliseEmail(in.Email)
	if _, err := s.Store.UserByEmail(ctx, in.Email); err == nil {
		return Invitation{}, apperr.InvalidFields(map[string]string{"email": "Someone with this email address already has an account"})
	}
	token, hash := newToken("")
	now := s.Now()
	inv := Invitation{ID: NewID(), OrgID: o.ID, Email: in.Email, Name: strings.TrimSpace(in.Name),
		Roles: strings.Join(RoleKeys(roles), ","), TokenHash: hash, InvitedBy: a.UserID, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	var mailID string
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.CreateInvitation(ctx, &inv); err != nil {
			return err
		}
		var err error
		if mailID, err = tx.QueueMail(ctx, s.orgInvitationMail(o, inv, roles, token)); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: o.ID,
			Action: "user.invited", ObjectType: "invitation", ObjectID: inv.ID,
			Summary: map[string]any{"email": inv.Email, "roles": roles, "by": "platform"}})
	})
	if err != nil {
		return Invitation{}, fmt.Errorf("invite %s to %s: %w", in.Email, o.ID, err)
	}
	s.enqueue(ctx, mailID)
	return inv, nil
}

func (s *Service) orgInvitationMail(o Organisation, inv Invitation, roles []access.Role, token string) jobs.Mail {
	return jobs.Mail{TenantID: o.ID, To: inv.Email, Subject: "You are invited to golive for " + o.Name,
		Text: fmt.Sprintf("Hello %s,\n\nThe golive platform team has invited you to join %s on golive as %s.\n\nAccept the invitation and choose a password (the link works once, for 7 days):\n%s/invitations/%s\n\nIf you did not expect this, ignore this email.\n",
			inv.Name, o.Name, roleList(roles), s.BaseURL, token)}
}

// ResendInvitation sends a pending invitation again with a new link, valid for another 7 days;
// the old link stops working.
func (s *Service) ResendInvitation(ctx context.Context, a *access.Actor, orgID, invID string) (Invitation, error) {
	o, inv, err := s.orgInvitation(ctx, a, orgID, invID)
	if err != nil {
		return Invitation{}, err
	}
	token, hash := newToken("")
	now := s.Now()
	inv.TokenHash, inv.ExpiresAt = hash, now.Add(InvitationTTL)
	var mailID string
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.RenewInvitation(ctx, inv.ID, hash, inv.ExpiresAt, now); err != nil {
			return err
		}
		var err error
		if mailID, err = tx.QueueMail(ctx, s.orgInvitationMail(o, inv, ParseRoles(strings.Split(inv.Roles, ",")), token)); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: o.ID,
			Action: "invitation.resent", ObjectType: "invitation", ObjectID: inv.ID, Summary: map[string]any{"email": inv.Email}})
	})
	if err != nil {
		return Invitation{}, fmt.Errorf("resend invitation %s: %w", invID, err)
	}
	s.enqueue(ctx, mailID)
	return inv, nil
}

// RevokeInvitation stops a pending invitation's link from working.
func (s *Service) RevokeInvitation(ctx context.Context, a *access.Actor, orgID, invID string) error {
	o, inv, err := s.orgInvitation(ctx, a, orgID, invID)
	if err != nil {
		return err
	}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.RevokeInvitation(ctx, inv.ID, s.Now()); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: o.ID,
			Action: "invitation.revoked", ObjectType: "invitation", ObjectID: inv.ID, Summary: map[string]any{"email": inv.Email}})
	})
	if err != nil {
		return fmt.Errorf("revoke invitation %s: %w", invID, err)
	}
	return nil
}

func (s *Service) orgInvitation(ctx context.Context, a *access.Actor, orgID, invID string) (Organisation, Invitation, error) {
	o, err := s.platformOrg(ctx, a, orgID)
	if err != nil {
		return Organisation{}, Invitation{}, err
	}
	if _, err := uuid.Parse(invID); err != nil {
		return Organisation{}, Invitation{}, apperr.NotFoundf("Invitation not found")
	}
	inv, err := s.Store.OrgInvitation(ctx, o.ID, invID)
	if err != nil {
		return Organisation{}, Invitation{}, err
	}
	if inv.AcceptedAt != nil || inv.RevokedAt != nil {
		return Organisation{}, Invitation{}, &apperr.Error{Kind: apperr.Conflict, Message: "This invitation has been accepted or revoked already"}
	}
	return o, inv, nil
}

// PlatformTasks are the platform admin's dashboard entries: where organisations are managed, and
// organisations that nobody can administer yet.
func (s *Service) PlatformTasks(ctx context.Context, a *access.Actor) ([]Task, error) {
	if !a.HasRole(access.RolePlatformAdmin) || a.OrgKind != Platform {
		return nil, nil
	}
	out := []Task{{Title: "Manage organisations", Href: "/platform/organisations",
		Detail: "Create commissioners, providers and Healthwatch, invite their first administrators, deactivate or suspend them."}}
	orgs, err := s.Store.SearchOrgs(ctx, "", "")
	if err != nil {
		return nil, err
	}
	counts, err := s.Store.AdminCounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.Status() == StatusActive && counts[o.ID] == 0 {
			out = append(out, Task{Title: "Give " + o.Name + " an administrator", Href: "/platform/organisations/" + o.ID,
				Detail: "Nobody can manage its users until its first administrator accepts an invitation."})
		}
	}
	return out, nil
}

// RoleList is the invitation's role keys.
func (i Invitation) RoleList() []string { return strings.Split(i.Roles, ",") }
