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
)

// RolePermissions is the policy golive enforces: role → permissions.
var RolePermissions = map[string][]Permission{
	RolePlatformAdmin:   {PermDashboard, PermOwnTokens, PermOutbox, PermJobs},
	RoleTenantAdmin:     {PermDashboard, PermOwnTokens, PermUsersManage, PermAuditRead},
	RoleProcurementLead: {PermDashboard, PermOwnTokens},
	RoleEvaluator:       {PermDashboard, PermOwnTokens},
	RoleHealthwatch:     {PermDashboard, PermOwnTokens},
	RoleApprover:        {PermDashboard, PermOwnTokens},
	RoleBidder:          {PermDashboard, PermOwnTokens},
	RoleObserver:        {PermDashboard, PermOwnTokens},
}

func roleLabelFor(r string) string { return frontend.RoleName(r) }
