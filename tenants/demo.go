package tenants

import (
	"context"
	"fmt"

	"golive/apperr"
	"golive/audit"
	"golive/tenants/access"
)

// DemoPassword signs in every demo user. It is printed by `golive demo`; never use demo data
// on a server people can reach.
const DemoPassword = "golive-demo-2026"

// DemoOrgs are the organisations of the seeds. The providers are fictional on purpose.
var DemoOrgs = []Organisation{
	{Name: "golive platform", Kind: Platform},
	{Name: "NHS Ashford CCG", Kind: Commissioner, ODSCode: "09C"},
	{Name: "NHS Canterbury and Coastal CCG", Kind: Commissioner, ODSCode: "09E"},
	{Name: "NHS Dartford, Gravesham and Swanley CCG", Kind: Commissioner, ODSCode: "09J"},
	{Name: "NHS Medway CCG", Kind: Commissioner, ODSCode: "09W"},
	{Name: "NHS South Kent Coast CCG", Kind: Commissioner, ODSCode: "10A"},
	{Name: "NHS Swale CCG", Kind: Commissioner, ODSCode: "10D"},
	{Name: "NHS Thanet CCG", Kind: Commissioner, ODSCode: "10E"},
	{Name: "NHS West Kent CCG", Kind: Commissioner, ODSCode: "99J"},
	{Name: "NHS Luton CCG", Kind: Commissioner, ODSCode: "06P"},
	{Name: "NHS Bedfordshire CCG", Kind: Commissioner, ODSCode: "06F"},
	{Name: "NHS Milton Keynes CCG", Kind: Commissioner, ODSCode: "04F"},
	{Name: "Healthwatch Kent", Kind: Healthwatch},
	{Name: "Healthwatch Medway", Kind: Healthwatch},
	{Name: "Weald Ambulance Service NHS Trust", Kind: Provider},
	{Name: "North Downs GP Federation", Kind: Provider},
	{Name: "Estuary Urgent Care CIC", Kind: Provider},
	{Name: "Channel Coast Health Partnership", Kind: Provider},
}

// DemoUser is one demo sign-in.
type DemoUser struct {
	Email, Name, Org string
	Roles            []access.Role
}

// DemoUsers are one sign-in per role (Medway CCG holds the commissioner roles), plus the
// people later demo data needs: an approver per CCG, a bidder per provider.
var DemoUsers = []DemoUser{
	{"admin@golive.test", "Pat Platform", "golive platform", []access.Role{access.RolePlatformAdmin}},
	{"admin@medway-ccg.test", "Alex Admin", "NHS Medway CCG", []access.Role{access.RoleTenantAdmin}},
	{"lead@medway-ccg.test", "Morgan Lead", "NHS Medway CCG", []access.Role{access.RoleProcurementLead}},
	{"evaluator@medway-ccg.test", "Dr Sam Evaluator", "NHS Medway CCG", []access.Role{access.RoleEvaluator}},
	{"finance@medway-ccg.test", "Nic Finance", "NHS Medway CCG", []access.Role{access.RoleEvaluator}}, // a panel needs more than one evaluator
	{"approver@medway-ccg.test", "Jo Approver", "NHS Medway CCG", []access.Role{access.RoleApprover}},
	{"observer@medway-ccg.test", "Lee Observer", "NHS Medway CCG", []access.Role{access.RoleObserver}},
	{"reviewer@healthwatch-kent.test", "Robin Reviewer", "Healthwatch Kent", []access.Role{access.RoleHealthwatch}},
	{"admin@healthwatch-kent.test", "Kim Healthwatch", "Healthwatch Kent", []access.Role{access.RoleTenantAdmin}},
	{"bids@estuary-urgent-care.test", "Charlie Bidder", "Estuary Urgent Care CIC", []access.Role{access.RoleBidder}},
	{"admin@estuary-urgent-care.test", "Dana Estuary", "Estuary Urgent Care CIC", []access.Role{access.RoleTenantAdmin}},
	{"bids@weald-ambulance.test", "Eli Weald", "Weald Ambulance Service NHS Trust", []access.Role{access.RoleBidder}},
	{"bids@north-downs-gp.test", "Fran Downs", "North Downs GP Federation", []access.Role{access.RoleBidder}},
	{"bids@channel-coast-health.test", "Gus Coast", "Channel Coast Health Partnership", []access.Role{access.RoleBidder}},
	{"admin@dgs-ccg.test", "Hana Admin", "NHS Dartford, Gravesham and Swanley CCG", []access.Role{access.RoleTenantAdmin}},
	{"lead@bedfordshire-ccg.test", "Ira Lead", "NHS Bedfordshire CCG", []access.Role{access.RoleProcurementLead}},
	{"admin@bedfordshire-ccg.test", "Jay Admin", "NHS Bedfordshire CCG", []access.Role{access.RoleTenantAdmin}},
	{"approver@ashford-ccg.test", "Approver Ashford", "NHS Ashford CCG", []access.Role{access.RoleApprover}},
	{"approver@canterbury-ccg.test", "Approver Canterbury", "NHS Canterbury and Coastal CCG", []access.Role{access.RoleApprover}},
	{"approver@dgs-ccg.test", "Approver DGS", "NHS Dartford, Gravesham and Swanley CCG", []access.Role{access.RoleApprover}},
	{"approver@skc-ccg.test", "Approver South Kent Coast", "NHS South Kent Coast CCG", []access.Role{access.RoleApprover}},
	{"approver@swale-ccg.test", "Approver Swale", "NHS Swale CCG", []access.Role{access.RoleApprover}},
	{"approver@thanet-ccg.test", "Approver Thanet", "NHS Thanet CCG", []access.Role{access.RoleApprover}},
	{"approver@westkent-ccg.test", "Approver West Kent", "NHS West Kent CCG", []access.Role{access.RoleApprover}},
	{"approver@luton-ccg.test", "Approver Luton", "NHS Luton CCG", []access.Role{access.RoleApprover}},
	{"approver@bedfordshire-ccg.test", "Approver Bedfordshire", "NHS Bedfordshire CCG", []access.Role{access.RoleApprover}},
	// Luton and Bedfordshire's evaluation panel: one evaluator from each CCG.
	{"evaluator@luton-ccg.test", "Dr Kai Luton", "NHS Luton CCG", []access.Role{access.RoleEvaluator}},
	{"evaluator@bedfordshire-ccg.test", "Mo Bedford", "NHS Bedfordshire CCG", []access.Role{access.RoleEvaluator}},
}

// LoadDemo creates the demo organisations and users; it does nothing when they exist already.
func (s *Service) LoadDemo(ctx context.Context) (bool, error) {
	if _, err := s.Store.OrgByName(ctx, DemoOrgs[0].Name); err == nil {
		return false, nil
	} else if !apperr.IsKind(err, apperr.NotFound) {
		return false, fmt.Errorf("check for demo data: %w", err)
	}
	hash, err := HashPassword(DemoPassword)
	if err != nil {
		return false, err
	}
	now := s.Now()
	ids := map[string]string{}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		// The roles' version before the audit chain: the order every role change takes them in.
		if err := tx.BumpPolicyVersion(ctx); err != nil {
			return err
		}
		for _, o := range DemoOrgs {
			o.ID, o.CreatedAt = NewID(), now
			if err := tx.CreateOrg(ctx, &o); err != nil {
				return err
			}
			ids[o.Name] = o.ID
			if err := tx.Audit(ctx, audit.Entry{TenantID: o.ID, Action: "organisation.created", ObjectType: "organisation",
				ObjectID: o.ID, Summary: map[string]any{"name": o.Name, "kind": string(o.Kind), "source": "demo"}}); err != nil {
				return err
			}
		}
		for _, du := range DemoUsers {
			u := User{ID: NewID(), OrgID: ids[du.Org], Email: du.Email, Name: du.Name, PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now}
			if u.OrgID == "" {
				return fmt.Errorf("demo user %s: no organisation %q", du.Email, du.Org)
			}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			if err := tx.SetRoles(ctx, u.ID, u.OrgID, du.Roles); err != nil {
				return err
			}
			if err := tx.Audit(ctx, audit.Entry{TenantID: u.OrgID, Action: "user.created", ObjectType: "user", ObjectID: u.ID,
				Summary: map[string]any{"email": u.Email, "roles": du.Roles, "source": "demo"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("load demo organisations and users: %w", err)
	}
	return true, s.Authz.Changed(ctx)
}
