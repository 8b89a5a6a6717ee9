// Package access names who may do what in golive, in one place: the roles a person holds in an
// organisation, the permissions each role grants, and the Actor every service acts for.
//
// Roles and permissions are values with unexported fields, so code outside this package can
// only use the ones declared here: a misspelt role or permission is a compile error, and
// `grep -rn 'access.Perm'` answers "who may do what".
package access

import (
	"fmt"
	"slices"
)

// Role is what a person may be in their organisation; casbin stores its key in grouping rules.
type Role struct{ key string }

// The roles golive knows.
var (
	RolePlatformAdmin   = Role{"platform_admin"}
	RoleTenantAdmin     = Role{"tenant_admin"}
	RoleProcurementLead = Role{"procurement_lead"}
	RoleEvaluator       = Role{"evaluator"}
	RoleHealthwatch     = Role{"healthwatch_evaluator"}
	RoleApprover        = Role{"gb_approver"}
	RoleBidder          = Role{"bidder"}
	RoleObserver        = Role{"observer"}
)

// Roles in the order pages list them.
var Roles = []Role{RolePlatformAdmin, RoleTenantAdmin, RoleProcurementLead, RoleEvaluator,
	RoleHealthwatch, RoleApprover, RoleBidder, RoleObserver}

var roleLabels = map[Role]string{
	RolePlatformAdmin:   "Platform admin",
	RoleTenantAdmin:     "Organisation admin",
	RoleProcurementLead: "Procurement lead",
	RoleEvaluator:       "Evaluator",
	RoleHealthwatch:     "Healthwatch evaluator",
	RoleApprover:        "Governing-body approver",
	RoleBidder:          "Bidder",
	RoleObserver:        "Observer",
}

// Key is the role as stored and as the API spells it ("procurement_lead").
func (r Role) Key() string { return r.key }

// String is the key, so a role prints as it is stored.
func (r Role) String() string { return r.key }

// Label is the role as people read it ("Procurement lead").
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return r.key
}

// IsZero reports whether r is no role at all.
func (r Role) IsZero() bool { return r.key == "" }

// MarshalText writes the key, so JSON carries "procurement_lead".
func (r Role) MarshalText() ([]byte, error) { return []byte(r.key), nil }

// UnmarshalText accepts only a known key.
func (r *Role) UnmarshalText(b []byte) error {
	p, ok := ParseRole(string(b))
	if !ok {
		return fmt.Errorf("unknown role %q", b)
	}
	*r = p
	return nil
}

// ParseRole is the role with the given key, for input from forms, the API and storage.
func ParseRole(key string) (Role, bool) {
	for _, r := range Roles {
		if r.key == key {
			return r, true
		}
	}
	return Role{}, false
}

// RoleLabel is the label of a role key, or the key itself when it names no role.
func RoleLabel(key string) string {
	if r, ok := ParseRole(key); ok {
		return r.Label()
	}
	return key
}

// Permission is what a role may do, in any organisation it holds the role in: casbin's p-rules.
type Permission struct{ obj, act string }

// Obj and Act are the permission as casbin stores it.
func (p Permission) Obj() string { return p.obj }
func (p Permission) Act() string { return p.act }

func (p Permission) String() string { return p.obj + ":" + p.act }

// The permissions routes are guarded by. Everything not granted below is denied.
var (
	PermDashboard = Permission{"dashboard", "view"}
	// PermOwnTokens is using the API: making, listing and revoking one's own API tokens, and
	// calling /api/v1 with them. A token carries no more than its owner holds: while the owner's
	// roles grant no PermOwnTokens (Healthwatch's, who score on the pages), their tokens are
	// refused (Service.TokenIdentity), whenever they were made.
	PermOwnTokens   = Permission{"tokens", "manage"}
	PermUsersManage = Permission{"users", "manage"}
	PermAuditRead   = Permission{"audit", "read"}
	PermOutbox      = Permission{"outbox", "read"}
	PermJobs        = Permission{"jobs", "admin"}
	// PermOrganisations is the platform admin's: create, edit, deactivate and suspend
	// organisations, invite their first administrators and see who their people are (never
	// their procurements).
	PermOrganisations = Permission{"organisations", "manage"}

	// Procurements (lots): commissioners see the procurements they take part in; the lead runs
	// them; only the lead and governing-body approvers see the estimated value.
	PermProcView    = Permission{"procurements", "view"}
	PermProcManage  = Permission{"procurements", "manage"}
	PermProcValue   = Permission{"procurements", "value"}
	PermDecide      = Permission{"business_cases", "decide"}
	PermOpenBids    = Permission{"bids", "open"}
	PermOpportunity = Permission{"opportunities", "view"}
	PermBid         = Permission{"bids", "manage"}

	// Evaluation and award: evaluators (Healthwatch included) score; the lead runs the panel,
	// moderation and the award; approvers decide on the award for their governing body;
	// bidders make representations. Price, results and the award are read with PermProcValue;
	// the services' CanX rules decide the rest.
	PermEvaluate    = Permission{"evaluations", "score"}
	PermPanelManage = Permission{"evaluations", "manage"}
	PermAwardDecide = Permission{"awards", "decide"}
	PermRepresent   = Permission{"awards", "represent"}

	// Mobilisation: commissioners taking part and the provider see the plan; the lead runs it
	// and accepts evidence; the provider reports progress; approvers sign the go/no-go; everyone
	// signed in who can be given a milestone (the people of the commissioners and providers) has
	// an inbox and reminder preferences; Healthwatch, never on a plan, has none. Which plan,
	// milestone and phase each may touch is the service's rule.
	PermPlanView   = Permission{"mobilisation", "view"}
	PermPlanManage = Permission{"mobilisation", "manage"}
	PermPlanUpdate = Permission{"mobilisation", "update"}
	PermGoLive     = Permission{"mobilisation", "golive"}
	PermInbox      = Permission{"inbox", "read"}

	// The record of a procurement's decision (record.zip: every score, price, minute and audit
	// event of it): the lead commissioner's procurement lead, who answers a challenge, and its
	// organisation admin, who answers for the organisation when the lead has moved on. Approvers
	// see the award of their own lots but not the whole file; evaluators, Healthwatch, observers
	// and bidders see only their part; the platform admin sees no tenant's data.
	PermRecordExport = Permission{"records", "export"}
	// Successions (NHS reorganisations): the platform admin records, and may cancel before its
	// date, that organisations are succeeded by another. It names organisations only: nothing of
	// a procurement is shown.
	PermSuccessions = Permission{"successions", "manage"}
)

// RolePermissions is the policy golive enforces: role → permissions.
var RolePermissions = map[Role][]Permission{
	RolePlatformAdmin:   {PermDashboard, PermOwnTokens, PermOutbox, PermJobs, PermOrganisations, PermSuccessions},
	RoleTenantAdmin:     {PermDashboard, PermOwnTokens, PermUsersManage, PermAuditRead, PermProcView, PermOpenBids, PermPlanView, PermInbox, PermRecordExport},
	RoleProcurementLead: {PermDashboard, PermOwnTokens, PermProcView, PermProcManage, PermProcValue, PermOpenBids, PermPanelManage, PermPlanView, PermPlanManage, PermInbox, PermRecordExport},
	RoleEvaluator:       {PermDashboard, PermOwnTokens, PermProcView, PermEvaluate, PermInbox},
	// Healthwatch volunteers are lay patient representatives who score on the pages: no API, and
	// no inbox (reminders are of mobilisation milestones, never theirs).
	RoleHealthwatch: {PermDashboard, PermEvaluate},
	RoleApprover:    {PermDashboard, PermOwnTokens, PermProcView, PermProcValue, PermDecide, PermAwardDecide, PermPlanView, PermGoLive, PermInbox},
	RoleBidder:      {PermDashboard, PermOwnTokens, PermOpportunity, PermBid, PermRepresent, PermPlanView, PermPlanUpdate, PermInbox},
	RoleObserver:    {PermDashboard, PermOwnTokens, PermProcView, PermPlanView, PermInbox},
}

// Grants reports whether any of roles grants p, by the table above (the casbin policy is
// loaded from the same table; this answers without a lookup, for pages and tasks).
func Grants(roles []Role, p Permission) bool {
	for _, r := range roles {
		if slices.Contains(RolePermissions[r], p) {
			return true
		}
	}
	return false
}

// OrgKind is what an organisation is to golive.
type OrgKind string

const (
	Commissioner OrgKind = "commissioner" // a CCG or ICB: a tenant
	Provider     OrgKind = "provider"     // a bidder, outside every tenant
	Healthwatch  OrgKind = "healthwatch"  // patient voice, invited onto panels
	Platform     OrgKind = "platform"     // runs golive
)

// Actor is the person a service acts for: who they are, the organisation they act in and
// the roles they hold there. The sign-in middleware makes it; services read it and never the
// HTTP request.
type Actor struct {
	UserID    string
	Name      string
	Email     string
	OrgID     string
	OrgName   string
	OrgKind   OrgKind
	Roles     []Role
	SessionID string // empty when signed in by API token
	TokenID   string // set when signed in by API token
}

// HasRole reports whether the actor holds role in their organisation.
func (a *Actor) HasRole(r Role) bool { return a != nil && slices.Contains(a.Roles, r) }

// RoleKeys are the actor's roles as stored.
func (a *Actor) RoleKeys() []string {
	out := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		out[i] = r.key
	}
	return out
}
