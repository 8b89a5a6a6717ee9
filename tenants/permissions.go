package tenants

import "golive/frontend"

// Permission is what a role may do, in any organisation it holds the role in. These rows are
// casbin's p-rules; everything not listed is denied.
type Permission struct{ Obj, Act string }

// Objects and actions the routes are guarded by. Later features add theirs here, so the whole
// answer to "who may do what" stays in this one table.
var (
	PermDashboard   = Permission{"dashboard", "view"}
	PermOwnTokens   = Permission{"tokens", "manage"}
	PermUsersManage = Permission{"users", "manage"}
	PermAuditRead   = Permission{"audit", "read"}
	PermOutbox      = Permission{"outbox", "read"}
	PermJobs        = Permission{"jobs", "admin"}

	// Procurements (lots): commissioners see the procurements they take part in; the lead runs
	// them; only the lead and governing-body approvers see the estimated value.
	PermProcView    = Permission{"procurements", "view"}
	PermProcManage  = Permission{"procurements", "manage"}
	PermProcValue   = Permission{"procurements", "value"}
	PermDecide      = Permission{"business_cases", "decide"}
	PermOpenBids    = Permission{"bids", "open"}
	PermOpportunity = Permission{"opportunities", "view"}
	PermBid         = Permission{"bids", "manage"}

	// Evaluation and award (evaluation): evaluators (Healthwatch included) score; the lead runs
	// the panel, moderation and the award; approvers decide on the award for their governing
	// body; bidders make representations. Price, results and the award are read with
	// PermProcValue; the service's CanX rules decide the rest.
	PermEvaluate    = Permission{"evaluations", "score"}
	PermPanelManage = Permission{"evaluations", "manage"}
	PermAwardDecide = Permission{"awards", "decide"}
	PermRepresent   = Permission{"awards", "represent"}

	// Mobilisation: commissioners taking part and the provider see the plan; the lead runs it
	// and accepts evidence; the provider reports progress; approvers sign the go/no-go; everyone
	// signed in has an inbox and reminder preferences. Which plan, milestone and phase each may
	// touch is the service's rule.
	PermPlanView   = Permission{"mobilisation", "view"}
	PermPlanManage = Permission{"mobilisation", "manage"}
	PermPlanUpdate = Permission{"mobilisation", "update"}
	PermGoLive     = Permission{"mobilisation", "golive"}
	PermInbox      = Permission{"inbox", "read"}
)

// RolePermissions is the policy golive enforces: role → permissions.
var RolePermissions = map[string][]Permission{
	RolePlatformAdmin:   {PermDashboard, PermOwnTokens, PermOutbox, PermJobs},
	RoleTenantAdmin:     {PermDashboard, PermOwnTokens, PermUsersManage, PermAuditRead, PermProcView, PermOpenBids, PermPlanView, PermInbox},
	RoleProcurementLead: {PermDashboard, PermOwnTokens, PermProcView, PermProcManage, PermProcValue, PermOpenBids, PermPanelManage, PermPlanView, PermPlanManage, PermInbox},
	RoleEvaluator:       {PermDashboard, PermOwnTokens, PermProcView, PermEvaluate, PermInbox},
	RoleHealthwatch:     {PermDashboard, PermOwnTokens, PermEvaluate, PermInbox},
	RoleApprover:        {PermDashboard, PermOwnTokens, PermProcView, PermProcValue, PermDecide, PermAwardDecide, PermPlanView, PermGoLive, PermInbox},
	RoleBidder:          {PermDashboard, PermOwnTokens, PermOpportunity, PermBid, PermRepresent, PermPlanView, PermPlanUpdate, PermInbox},
	RoleObserver:        {PermDashboard, PermOwnTokens, PermProcView, PermPlanView, PermInbox},
}

func roleLabelFor(r string) string { return frontend.RoleName(r) }
