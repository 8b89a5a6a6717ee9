package tenants

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golive/apperr"
	"golive/audit"
	"golive/jobs"
	"golive/tenants/access"
)

// Supplier registration: a provider's bid manager registers their organisation and themselves
// from the sign-in page. Nothing is made until they confirm their email by a one-time link; then
// the organisation exists (a provider, always) and they are its administrator and a bidder.
//
// What an outsider can learn from it: that an organisation with a given name or identifier is
// registered (organisations are public; they appear on notices), never who works there, and
// never whether an email address has an account: the answer to a registration with a known
// address is the same page as any other, and the mail goes to that address only.

// Registration is a provider's registration waiting for its email to be confirmed.
type Registration struct {
	ID                   string `gorm:"primaryKey"`
	TokenHash            string
	OrgName              string
	LegalForm            LegalForm
	ODSCode              string `gorm:"column:ods_code"`
	CompaniesHouseNumber string
	CharityNumber        string
	Email                string
	Name                 string
	IP                   string `gorm:"column:ip"`
	CreatedAt            time.Time
	ExpiresAt            time.Time
	ConfirmedAt          *time.Time
	OrgID                *string
}

const (
	// RegistrationTTL is how long the confirmation link works.
	RegistrationTTL = 24 * time.Hour
	// MaxRegistrations is how many registrations one network may send in an AttemptWindow: each
	// sends a mail, so the form must not become a way to flood mailboxes. A bid manager needs one.
	MaxRegistrations = 10
)

// RegisterInput is the registration form.
type RegisterInput struct {
	OrgName              string `form:"org_name" json:"org_name" validate:"required,max=160" label:"your organisation's name"`
	LegalForm            string `form:"legal_form" json:"legal_form" validate:"required,max=40" label:"what kind of organisation it is"`
	ODSCode              string `form:"ods_code" json:"ods_code" validate:"max=20" label:"the ODS code"`
	CompaniesHouseNumber string `form:"companies_house_number" json:"companies_house_number" validate:"max=20" label:"the Companies House number"`
	CharityNumber        string `form:"charity_number" json:"charity_number" validate:"max=20" label:"the charity number"`
	Name                 string `form:"name" json:"name" validate:"required,max=120" label:"your full name"`
	Email                string `form:"email" json:"email" validate:"required,email,max=254" label:"your email address"`
}

func registerAddressKey(ip string) string { return "golive:register:ip:" + NetworkOf(ip) }

// AlreadyRegistered is the message for an organisation golive knows already.
const AlreadyRegistered = "already registered: ask its administrator to invite you"

// Register records a registration and mails its confirmation link. It answers the same whether
// or not the email address has an account.
func (s *Service) Register(ctx context.Context, in RegisterInput, ip string) error {
	l := s.Limits.withDefaults()
	n, err := count(ctx, s.Redis, registerAddressKey(ip), l.Window, MaxRegistrations)
	if err != nil {
		return fmt.Errorf("count registrations from %s: %w", NetworkOf(ip), err)
	}
	if n > MaxRegistrations {
		return &apperr.Error{Kind: apperr.TooMany, Message: fmt.Sprintf("Too many registrations from your network. Wait %s and try again.", minutes(l.Window))}
	}
	name := strings.Join(strings.Fields(in.OrgName), " ")
	ids, msgs := CheckIdentifiers(Provider, Identifiers{LegalForm: LegalForm(in.LegalForm), ODSCode: in.ODSCode,
		CompaniesHouseNumber: in.CompaniesHouseNumber, CharityNumber: in.CharityNumber})
	if msgs != nil {
		if _, ok := msgs["legal_form"]; ok {
			msgs["legal_form"] = "Select what kind of organisation you are registering"
		}
		return apperr.InvalidFields(msgs)
	}
	if err := s.checkNotRegistered(ctx, name, ids); err != nil {
		return err
	}
	email := NormaliseEmail(in.Email)
	now := s.Now()
	_, err = s.Store.UserByEmail(ctx, email)
	known := err == nil
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		return fmt.Errorf("look up %s for registration: %w", email, err)
	}
	var mailID string
	if known {
		// Tell the address's owner, and only them, what happened: the page says the same as ever.
		err = s.Store.Tx(ctx, func(tx *Store) error {
			var err error
			mailID, err = tx.QueueMail(ctx, jobs.Mail{To: email, Subject: "Your golive registration",
				Text: fmt.Sprintf("Hello,\n\nSomeone asked to register %s on golive with this email address, which already has a golive account. An account belongs to one organisation, so nothing has been registered.\n\nSign in at %s/sign-in (or reset your password there). To register another organisation, use another email address.\n\nIf this was not you, ignore this email.\n", name, s.BaseURL)})
			if err != nil {
				return err
			}
			return tx.Audit(ctx, audit.Entry{Action: "registration.refused", ObjectType: "registration", ObjectID: NewID(),
				Summary: map[string]any{"organisation": name, "reason": "the email address has an account", "ip": ip}})
		})
		if err != nil {
			return fmt.Errorf("answer registration for %s: %w", name, err)
		}
		s.enqueue(ctx, mailID)
		return nil
	}
	token, hash := newToken("")
	r := Registration{ID: NewID(), TokenHash: hash, OrgName: name, LegalForm: ids.LegalForm, ODSCode: ids.ODSCode,
		CompaniesHouseNumber: ids.CompaniesHouseNumber, CharityNumber: ids.CharityNumber, Email: email,
		Name: strings.TrimSpace(in.Name), IP: ip, CreatedAt: now, ExpiresAt: now.Add(RegistrationTTL)}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.CreateRegistration(ctx, &r); err != nil {
			return err
		}
		var err error
		mailID, err = tx.QueueMail(ctx, jobs.Mail{To: email, Subject: "Confirm your golive registration",
			Text: fmt.Sprintf("Hello %s,\n\nTo finish registering %s on golive, confirm your email address and choose a password (the link works once, for 24 hours):\n%s/register/%s\n\nYou will be its golive administrator and can then invite your colleagues.\n\nIf you did not register, ignore this email: nothing is registered until the link is used.\n",
				r.Name, name, s.BaseURL, token)})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{Action: "registration.requested", ObjectType: "registration", ObjectID: r.ID,
			Summary: map[string]any{"organisation": name, "legal_form": string(r.LegalForm), "email": email, "ip": ip}})
	})
	if err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	s.enqueue(ctx, mailID)
	return nil
}

// checkNotRegistered refuses a name or identifier another organisation holds, naming nobody.
func (s *Service) checkNotRegistered(ctx context.Context, name string, ids Identifiers) error {
	held, err := s.Store.IdentifierHolders(ctx, "", name, ids)
	if err != nil {
		return err
	}
	if len(held) == 0 {
		return nil
	}
	msgs := map[string]string{}
	for field := range held {
		f := field
		if f == "name" {
			f = "org_name"
		}
		msgs[f] = "An organisation with this " + fieldLabel(field) + " is " + AlreadyRegistered
	}
	return &apperr.Error{Kind: apperr.Conflict, Message: "This organisation is " + AlreadyRegistered, Fields: msgs}
}

// PendingRegistration loads a registration by its link token, while the link works.
func (s *Service) PendingRegistration(ctx context.Context, token string) (Registration, error) {
	gone := apperr.NotFoundf("This registration link is not valid: it may have been used already or have expired. Register again.")
	if token == "" || len(token) > 100 {
		return Registration{}, gone
	}
	r, err := s.Store.RegistrationByHash(ctx, HashToken(token))
	if apperr.IsKind(err, apperr.NotFound) {
		return Registration{}, gone
	}
	if err != nil {
		return Registration{}, fmt.Errorf("load registration: %w", err)
	}
	if r.ConfirmedAt != nil || !s.Now().Before(r.ExpiresAt) {
		return Registration{}, gone
	}
	return r, nil
}

// ConfirmRegistration makes the organisation and its administrator; the link works once.
func (s *Service) ConfirmRegistration(ctx context.Context, token string, in AcceptInput) (User, error) {
	r, err := s.PendingRegistration(ctx, token)
	if err != nil {
		return User{}, err
	}
	if msg := CheckPassword(in.Password, r.Email); msg != "" {
		return User{}, apperr.InvalidFields(map[string]string{"password": msg})
	}
	ids := Identifiers{LegalForm: r.LegalForm, ODSCode: r.ODSCode, CompaniesHouseNumber: r.CompaniesHouseNumber, CharityNumber: r.CharityNumber}
	// Another registration of the same organisation may have been confirmed since.
	if err := s.checkNotRegistered(ctx, r.OrgName, ids); err != nil {
		return User{}, err
	}
	if _, err := s.Store.UserByEmail(ctx, r.Email); err == nil {
		return User{}, &apperr.Error{Kind: apperr.Conflict, Message: "This email address has a golive account already: sign in instead"}
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.Now()
	o := Organisation{ID: NewID(), Name: r.OrgName, Kind: Provider, LegalForm: r.LegalForm, ODSCode: r.ODSCode,
		CompaniesHouseNumber: r.CompaniesHouseNumber, CharityNumber: r.CharityNumber, CreatedAt: now, SelfRegistered: true}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = r.Name
	}
	u := User{ID: NewID(), OrgID: o.ID, Email: r.Email, Name: name, PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now}
	roles := []access.Role{access.RoleTenantAdmin, access.RoleBidder}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		ok, err := tx.ClaimRegistration(ctx, r.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.NotFoundf("This registration link has already been used")
		}
		if err := tx.CreateOrg(ctx, &o); err != nil {
			return err
		}
		if err := tx.SetRegistrationOrg(ctx, r.ID, o.ID); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.SetRoles(ctx, u.ID, o.ID, roles); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Entry{ActorUserID: u.ID, ActorOrgID: o.ID, TenantID: o.ID,
			Action: "organisation.registered", ObjectType: "organisation", ObjectID: o.ID,
			Summary: map[string]any{"organisation": orgSummary(o), "registration": r.ID}}); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: u.ID, ActorOrgID: o.ID, TenantID: o.ID,
			Action: "user.joined", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"email": u.Email, "roles": roles, "registration": r.ID}})
	})
	if err != nil {
		return User{}, fmt.Errorf("confirm registration %s: %w", r.ID, err)
	}
	return u, s.Authz.Changed(ctx)
}
