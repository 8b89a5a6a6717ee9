package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"golive/database"
	demodata "golive/demo"
	"golive/tenants"
	"golive/tenants/access"
)

// caller is one person in the matrix: a demo sign-in, its single role, and where it belongs.
type caller struct {
	key, email string
	role       access.Role
	org        string
}

// The owning tenant is NHS Medway CCG; the others are the same role in another tenant, another
// provider, Healthwatch and the platform.
var callers = []caller{
	{"anonymous", "", access.Role{}, ""},
	{"platform admin", "admin@golive.test", access.RolePlatformAdmin, "platform"},
	{"Medway tenant admin", "admin@medway-ccg.test", access.RoleTenantAdmin, "medway"},
	{"Medway procurement lead", "lead@medway-ccg.test", access.RoleProcurementLead, "medway"},
	{"Medway evaluator", "evaluator@medway-ccg.test", access.RoleEvaluator, "medway"},
	{"Medway approver", "approver@medway-ccg.test", access.RoleApprover, "medway"},
	{"Medway observer", "observer@medway-ccg.test", access.RoleObserver, "medway"},
	{"Healthwatch evaluator", "reviewer@healthwatch-kent.test", access.RoleHealthwatch, "healthwatch"},
	{"Estuary bidder", "bids@estuary-urgent-care.test", access.RoleBidder, "estuary"},
	{"Estuary provider admin", "admin@estuary-urgent-care.test", access.RoleTenantAdmin, "estuary"},
	{"DGS tenant admin (another tenant)", "admin@dgs-ccg.test", access.RoleTenantAdmin, "dgs"},
	{"Bedfordshire procurement lead (another tenant)", "lead@bedfordshire-ccg.test", access.RoleProcurementLead, "bedfordshire"},
	{"Weald bidder (another provider)", "bids@weald-ambulance.test", access.RoleBidder, "weald"},
}

var everyone = []access.Role{access.RolePlatformAdmin, access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleEvaluator,
	access.RoleApprover, access.RoleObserver, access.RoleHealthwatch, access.RoleBidder}

// apiUsers are the roles that use the API and so have API tokens: all but Healthwatch's lay
// reviewers, who score on the pages (issue 14 item 7).
var apiUsers = []access.Role{access.RolePlatformAdmin, access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleEvaluator,
	access.RoleApprover, access.RoleObserver, access.RoleBidder}

// inboxHolders are the roles of people who can be given a mobilisation milestone, and so be
// reminded of it: everyone signed in but the platform admin and Healthwatch.
var inboxHolders = []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleEvaluator, access.RoleApprover,
	access.RoleObserver, access.RoleBidder}

// routeSpec is what the matrix expects of one route: public, or the roles that pass and, for a
// route on one object, who owns it (an organisation: "medway", "weald"; or "lead", one person).
type routeSpec struct {
	method, path string
	public       bool
	roles        []access.Role
	owner        string
	obj          string // the procurement a lots route acts on: draft, published or opened
}

func specs() []routeSpec {
	admin := []access.Role{access.RoleTenantAdmin}
	platform := []access.Role{access.RolePlatformAdmin}
	audit := []access.Role{access.RoleTenantAdmin}
	procView := []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleEvaluator, access.RoleApprover, access.RoleObserver}
	lead := []access.Role{access.RoleProcurementLead}
	approver := []access.Role{access.RoleApprover}
	opener := []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead}
	bidder := []access.Role{access.RoleBidder}
	scorer := []access.Role{access.RoleEvaluator, access.RoleHealthwatch}
	award := []access.Role{access.RoleProcurementLead, access.RoleApprover} // who may see the value
	return []routeSpec{
		{method: "GET", path: "/healthz", public: true},
		{method: "GET", path: "/readyz", public: true},
		{method: "GET", path: "/metrics", public: true},
		{method: "GET", path: "/api/v1/openapi.json", public: true},
		// Public notices (package notices): anyone reads what was published; what they must never
		// show is TestAnonymousCrawlOfTheNoticesShowsNothingConfidential's.
		{method: "GET", path: "/notices", public: true},
		{method: "GET", path: "/notices/feed.atom", public: true},
		{method: "GET", path: "/notices/:id", public: true},
		{method: "GET", path: "/api/v1/ocds/releases", public: true},
		{method: "GET", path: "/api/v1/ocds/records/:ocid", public: true},
		{method: "GET", path: "/sign-in", public: true},
		{method: "POST", path: "/sign-in", public: true},
		{method: "GET", path: "/forgot-password", public: true},
		{method: "POST", path: "/forgot-password", public: true},
		{method: "GET", path: "/reset-password/:token", public: true},
		{method: "POST", path: "/reset-password/:token", public: true},
		{method: "GET", path: "/invitations/:token", public: true},
		{method: "POST", path: "/invitations/:token", public: true},
		{method: "GET", path: "/register", public: true},
		{method: "POST", path: "/register", public: true},
		{method: "GET", path: "/register/:token", public: true},
		{method: "POST", path: "/register/:token", public: true},

		{method: "GET", path: "/", roles: everyone},
		{method: "GET", path: "/account/tokens", roles: apiUsers},
		{method: "POST", path: "/account/tokens", roles: apiUsers},
		{method: "POST", path: "/account/tokens/:id/revoke", roles: apiUsers, owner: "lead"},
		{method: "GET", path: "/admin/users", roles: admin},
		{method: "GET", path: "/admin/users/invite", roles: admin},
		{method: "POST", path: "/admin/users/invite", roles: admin},
		{method: "GET", path: "/admin/users/:id", roles: admin, owner: "medway"},
		{method: "POST", path: "/admin/users/:id", roles: admin, owner: "medway"},
		{method: "GET", path: "/admin/audit", roles: audit},
		{method: "GET", path: "/platform/outbox", roles: platform},
		{method: "GET", path: "/platform/outbox/:id", roles: platform},
		{method: "GET", path: "/platform/jobs", roles: platform},
		{method: "GET", path: "/platform/jobs/monitor/", roles: platform},
		// Successions (NHS reorganisations): the platform admin's alone, on its own object.
		{method: "GET", path: "/platform/successions", roles: platform},
		{method: "GET", path: "/platform/successions/new", roles: platform},
		{method: "POST", path: "/platform/successions", roles: platform},
		{method: "GET", path: "/platform/successions/:id", roles: platform},
		{method: "POST", path: "/platform/successions/:id/cancel", roles: platform},
		{method: "GET", path: "/api/v1/platform/successions", roles: platform},
		{method: "POST", path: "/api/v1/platform/successions", roles: platform},
		{method: "GET", path: "/api/v1/platform/successions/:id", roles: platform},
		{method: "POST", path: "/api/v1/platform/successions/:id/cancel", roles: platform},

		// Platform administration (tenants/platform*.go), on NHS Medway CCG and an invitation the
		// platform admin sent to it. Only the platform admin passes: every tenant's admin, lead and
		// bidder is refused (403), as the platform admin is from every procurement row above and below.
		// Sent empty, the forms answer 422; resend and revoke are the routes' point (then 409).
		{method: "GET", path: "/platform/organisations", roles: platform},
		{method: "GET", path: "/platform/organisations/new", roles: platform},
		{method: "POST", path: "/platform/organisations/new", roles: platform},
		{method: "GET", path: "/platform/organisations/:id", roles: platform},
		{method: "GET", path: "/platform/organisations/:id/edit", roles: platform},
		{method: "POST", path: "/platform/organisations/:id/edit", roles: platform},
		{method: "POST", path: "/platform/organisations/:id/status", roles: platform},
		{method: "GET", path: "/platform/organisations/:id/invite", roles: platform},
		{method: "POST", path: "/platform/organisations/:id/invite", roles: platform},
		{method: "POST", path: "/platform/organisations/:id/invitations/:inv/resend", roles: platform},
		{method: "POST", path: "/platform/organisations/:id/invitations/:inv/revoke", roles: platform},
		{method: "GET", path: "/api/v1/platform/organisations", roles: platform},
		{method: "POST", path: "/api/v1/platform/organisations", roles: platform},
		{method: "GET", path: "/api/v1/platform/organisations/:id", roles: platform},
		{method: "PATCH", path: "/api/v1/platform/organisations/:id", roles: platform},
		{method: "PUT", path: "/api/v1/platform/organisations/:id/status", roles: platform},
		{method: "POST", path: "/api/v1/platform/organisations/:id/invitations", roles: platform},
		{method: "POST", path: "/api/v1/platform/organisations/:id/invitations/:inv/resend", roles: platform},
		{method: "DELETE", path: "/api/v1/platform/organisations/:id/invitations/:inv", roles: platform},

		// Procurements (lots). Medway leads each, Swale takes part: DGS and Bedfordshire are outsiders.
		{method: "GET", path: "/procurements", roles: procView},
		{method: "GET", path: "/procurements/new", roles: lead},
		{method: "POST", path: "/procurements/new", roles: lead},
		{method: "GET", path: "/procurements/:id", roles: procView, owner: "medway", obj: "draft"},
		{method: "GET", path: "/procurements/:id/edit", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/edit", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/lots", roles: lead, owner: "medway", obj: "draft"},
		{method: "GET", path: "/procurements/:id/lots/:lot", roles: procView, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/lots/:lot/sites", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/lots/:lot/phases", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/lots/:lot/questions", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/lots/:lot/template", roles: lead, owner: "medway", obj: "draft"},
		{method: "GET", path: "/procurements/:id/lots/:lot/responses", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/procurements/:id/lots/:lot/responses/attachments/:att", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/procurements/:id/documents", roles: lead, owner: "medway", obj: "draft"},
		{method: "GET", path: "/procurements/:id/documents/:doc", roles: procView, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/submit-for-approval", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/return-to-draft", roles: lead, owner: "medway", obj: "draft"},
		// The check before publishing: a draft cannot be published yet, so the lead gets 409.
		{method: "GET", path: "/procurements/:id/publish", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/publish", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/cancel", roles: lead, owner: "medway", obj: "draft"},
		{method: "GET", path: "/procurements/:id/decision", roles: approver, owner: "medway", obj: "draft"},
		{method: "POST", path: "/procurements/:id/decision", roles: approver, owner: "medway", obj: "draft"},
		{method: "GET", path: "/procurements/:id/clarifications", roles: procView, owner: "medway", obj: "published"},
		{method: "POST", path: "/procurements/:id/clarifications/:cid/answer", roles: lead, owner: "medway", obj: "published"},
		{method: "POST", path: "/procurements/:id/addenda", roles: lead, owner: "medway", obj: "published"},
		{method: "GET", path: "/procurements/:id/opening", roles: opener, owner: "medway", obj: "opened"},
		{method: "POST", path: "/procurements/:id/opening/start", roles: opener, owner: "medway", obj: "opened"},
		{method: "POST", path: "/procurements/:id/opening/confirm", roles: opener, owner: "medway", obj: "opened"},
		{method: "GET", path: "/opportunities", roles: bidder},
		{method: "GET", path: "/opportunities/:id", roles: bidder, obj: "published"},
		{method: "GET", path: "/opportunities/:id/documents/:doc", roles: bidder, obj: "published"},
		{method: "POST", path: "/opportunities/:id/interest", roles: bidder, obj: "published"},
		{method: "POST", path: "/opportunities/:id/clarifications", roles: bidder, obj: "published"},
		{method: "GET", path: "/opportunities/:id/lots/:lot/response", roles: bidder, obj: "published"},
		{method: "POST", path: "/opportunities/:id/lots/:lot/response", roles: bidder, obj: "published"},
		// The check before submitting shows each bidder its own draft, if it has one (else 409).
		{method: "GET", path: "/opportunities/:id/lots/:lot/submit", roles: bidder, obj: "published"},
		{method: "POST", path: "/opportunities/:id/lots/:lot/submit", roles: bidder, obj: "published"},
		{method: "POST", path: "/opportunities/:id/lots/:lot/attachments", roles: bidder, obj: "published"},
		{method: "GET", path: "/opportunities/:id/lots/:lot/attachments/:att", roles: bidder, owner: "weald", obj: "published"},
		{method: "POST", path: "/opportunities/:id/lots/:lot/attachments/:att/remove", roles: bidder, owner: "weald", obj: "published"},

		{method: "GET", path: "/api/v1/me", roles: everyone},
		{method: "GET", path: "/api/v1/users", roles: admin},
		{method: "GET", path: "/api/v1/users/:id", roles: admin, owner: "medway"},
		{method: "PATCH", path: "/api/v1/users/:id", roles: admin, owner: "medway"},
		{method: "POST", path: "/api/v1/invitations", roles: admin},
		{method: "GET", path: "/api/v1/tokens", roles: apiUsers},
		{method: "POST", path: "/api/v1/tokens", roles: apiUsers},
		{method: "DELETE", path: "/api/v1/tokens/:id", roles: apiUsers, owner: "lead"},
		{method: "GET", path: "/api/v1/audit", roles: audit},

		{method: "GET", path: "/api/v1/procurements", roles: procView},
		{method: "POST", path: "/api/v1/procurements", roles: lead},
		{method: "GET", path: "/api/v1/procurements/:id", roles: procView, owner: "medway", obj: "draft"},
		{method: "PATCH", path: "/api/v1/procurements/:id", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/lots", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/lots/:lot/sites", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/lots/:lot/phases", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/lots/:lot/questions", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/lots/:lot/template", roles: lead, owner: "medway", obj: "draft"},
		{method: "GET", path: "/api/v1/procurements/:id/lots/:lot/responses", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/procurements/:id/lots/:lot/responses/attachments/:att", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/procurements/:id/documents", roles: lead, owner: "medway", obj: "draft"},
		{method: "GET", path: "/api/v1/procurements/:id/documents/:doc", roles: procView, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/submit-for-approval", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/return-to-draft", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/publish", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/cancel", roles: lead, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/decision", roles: approver, owner: "medway", obj: "draft"},
		{method: "POST", path: "/api/v1/procurements/:id/clarifications/:cid/answer", roles: lead, owner: "medway", obj: "published"},
		{method: "POST", path: "/api/v1/procurements/:id/addenda", roles: lead, owner: "medway", obj: "published"},
		{method: "POST", path: "/api/v1/procurements/:id/opening/start", roles: opener, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/procurements/:id/opening/confirm", roles: opener, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/templates", roles: procView},
		{method: "GET", path: "/api/v1/opportunities", roles: bidder},
		{method: "GET", path: "/api/v1/opportunities/:id", roles: bidder, obj: "published"},
		{method: "GET", path: "/api/v1/opportunities/:id/documents/:doc", roles: bidder, obj: "published"},
		{method: "POST", path: "/api/v1/opportunities/:id/interest", roles: bidder, obj: "published"},
		{method: "POST", path: "/api/v1/opportunities/:id/clarifications", roles: bidder, obj: "published"},
		{method: "PUT", path: "/api/v1/opportunities/:id/lots/:lot/response", roles: bidder, obj: "published"},
		{method: "POST", path: "/api/v1/opportunities/:id/lots/:lot/submit", roles: bidder, obj: "published"},
		{method: "POST", path: "/api/v1/opportunities/:id/lots/:lot/attachments", roles: bidder, obj: "published"},
		{method: "GET", path: "/api/v1/opportunities/:id/lots/:lot/attachments/:att", roles: bidder, owner: "weald", obj: "published"},
		{method: "DELETE", path: "/api/v1/opportunities/:id/lots/:lot/attachments/:att", roles: bidder, owner: "weald", obj: "published"},

		// Evaluation and award, on the opened procurement's lot. Its panel is the Medway evaluator
		// alone: Healthwatch, not on it, finds the lot no more than another tenant does (404).
		// The Medway evaluator reads its own scores (:user); other GETs answer 200 or 409 (not yet).
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/panel", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/panel", roles: lead, owner: "medway", obj: "opened"},
		{method: "PUT", path: "/api/v1/evaluations/lots/:lot/panel/:user/questions", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/workspace", roles: scorer, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/declarations", roles: scorer, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/bidders/:bidder/response", roles: scorer, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/evaluators/:user/scores", roles: scorer, owner: "medway", obj: "opened"},
		{method: "PUT", path: "/api/v1/evaluations/lots/:lot/scores", roles: scorer, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/scores/submit", roles: scorer, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/questions/:question/moderation", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/questions/:question/moderation", roles: lead, owner: "medway", obj: "opened"},
		{method: "PUT", path: "/api/v1/evaluations/lots/:lot/consensus", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/prices/open", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/results", roles: award, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/recommendations", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/award", roles: award, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/award/decisions", roles: approver, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/representations", roles: bidder, owner: "weald", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/representations/:rep/decision", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/contract", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/award/proceedings", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/api/v1/evaluations/lots/:lot/award/proceedings/:proceeding/end", roles: lead, owner: "medway", obj: "opened"},

		// evaluation pages: the panel and scoring (evaluation/pages_panel.go)
		// The lead's overview and panel forms; the evaluator's list, workspace and scoring sheet. The
		// Medway evaluator has not declared: the sheet, the check of the scores and the submission answer 409, forms sent
		// empty 422, and nothing changes. Taking an evaluator off the panel is new in the API too.
		{method: "GET", path: "/evaluations", roles: scorer},
		{method: "GET", path: "/evaluations/lots/:lot", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/panel", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/panel/:user/questions", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/panel/:user/remove", roles: lead, owner: "medway", obj: "opened"},
		{method: "DELETE", path: "/api/v1/evaluations/lots/:lot/panel/:user", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/evaluations/lots/:lot/workspace", roles: scorer, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/declarations", roles: scorer, owner: "medway", obj: "opened"},
		{method: "GET", path: "/evaluations/lots/:lot/scores/check", roles: scorer, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/scores/submit", roles: scorer, owner: "medway", obj: "opened"},
		{method: "GET", path: "/evaluations/lots/:lot/bidders/:bidder", roles: scorer, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/bidders/:bidder", roles: scorer, owner: "medway", obj: "opened"},

		// evaluation pages: moderation, results and the award (evaluation/pages_award.go)
		// Nothing is moderated on this lot: moderation cannot start (409), the results and award
		// pages say why there is no ranking yet (200), forms sent empty answer 422 and the prices
		// stay sealed (409). The bidder's outcome is "no decision yet". The opened prices and the
		// price formula are new in the API too.
		{method: "GET", path: "/evaluations/lots/:lot/questions/:question/moderation", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/questions/:question/moderation", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/consensus", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/prices/open", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/evaluations/lots/:lot/results", roles: award, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/price-formula", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/evaluations/lots/:lot/award", roles: award, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/recommendations", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/award/decisions", roles: approver, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/representations/:rep/decision", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/contract", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/award/proceedings", roles: lead, owner: "medway", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/award/proceedings/:proceeding/end", roles: lead, owner: "medway", obj: "opened"},
		{method: "GET", path: "/evaluations/lots/:lot/outcome", roles: bidder, owner: "weald", obj: "opened"},
		{method: "POST", path: "/evaluations/lots/:lot/representations", roles: bidder, owner: "weald", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/prices", roles: award, owner: "medway", obj: "opened"},
		{method: "PUT", path: "/api/v1/evaluations/lots/:lot/price-formula", roles: lead, owner: "medway", obj: "opened"},

		// evaluation export and report (evaluation/export.go)
		{method: "GET", path: "/evaluations/lots/:lot/export.xlsx", roles: award, owner: "medway", obj: "opened"},
		{method: "GET", path: "/evaluations/lots/:lot/export.csv", roles: award, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/evaluations/lots/:lot/export", roles: award, owner: "medway", obj: "opened"},

		// the record of a procurement (record/): the lead commissioner's procurement lead and
		// organisation admin only (access.PermRecordExport says why the others are refused)
		{method: "GET", path: "/procurements/:id/record.zip", roles: opener, owner: "medway", obj: "opened"},
		{method: "GET", path: "/api/v1/procurements/:id/record.zip", roles: opener, owner: "medway", obj: "opened"},

		// inbox and reminder preferences (mobilisation/pages_inbox.go)
		// Everyone who can be given a milestone has an inbox (not the platform admin, not
		// Healthwatch): their own, so no owner. Sent empty, the changes answer 422 and nothing is
		// marked read.
		{method: "GET", path: "/inbox", roles: inboxHolders},
		{method: "POST", path: "/inbox/read", roles: inboxHolders},
		{method: "GET", path: "/account/reminders", roles: inboxHolders},
		{method: "POST", path: "/account/reminders", roles: inboxHolders},
		{method: "GET", path: "/api/v1/inbox", roles: inboxHolders},
		{method: "POST", path: "/api/v1/inbox/read", roles: inboxHolders},
		{method: "PUT", path: "/api/v1/inbox/preferences", roles: inboxHolders},

		// mobilisation API (mobilisation/routes.go), on the plan of an awarded contract (obj "plan",
		// mobilisation_fixtures_test.go): Medway and Swale take part, Estuary provides. What both
		// sides see is owned by "medway+estuary"; DGS, Bedfordshire and Weald get 404. Progress and
		// evidence are guarded by view (whose milestone it is, is the service's rule), so sent
		// empty they answer 422 to every viewer. DELETE rows remove a spare milestone and template
		// item, once, as the lead.
		{method: "GET", path: "/api/v1/mobilisation/dashboard", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}},
		{method: "GET", path: "/api/v1/mobilisation/plans", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}},
		{method: "POST", path: "/api/v1/mobilisation/plans", roles: lead},
		{method: "GET", path: "/api/v1/mobilisation/plans/:plan", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "PUT", path: "/api/v1/mobilisation/plans/:plan/settings", roles: lead, owner: "medway", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/milestones", roles: lead, owner: "medway", obj: "plan"},
		{method: "GET", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "PATCH", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone", roles: lead, owner: "medway", obj: "plan"},
		{method: "DELETE", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone", roles: lead, owner: "medway", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone/progress", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone/evidence", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "GET", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone/evidence/:evidence", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone/completion-request", roles: bidder, owner: "estuary", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone/accept", roles: lead, owner: "medway", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/milestones/:milestone/return", roles: lead, owner: "medway", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/phases/:phase/decisions", roles: approver, owner: "medway", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/plans/:plan/phases/:phase/go-live", roles: lead, owner: "medway", obj: "plan"},
		{method: "GET", path: "/api/v1/mobilisation/templates", roles: lead},
		{method: "POST", path: "/api/v1/mobilisation/templates", roles: lead},
		{method: "GET", path: "/api/v1/mobilisation/templates/:template", roles: lead, owner: "medway", obj: "plan"},
		{method: "POST", path: "/api/v1/mobilisation/templates/:template/milestones", roles: lead, owner: "medway", obj: "plan"},
		{method: "PATCH", path: "/api/v1/mobilisation/templates/:template/milestones/:item", roles: lead, owner: "medway", obj: "plan"},
		{method: "DELETE", path: "/api/v1/mobilisation/templates/:template/milestones/:item", roles: lead, owner: "medway", obj: "plan"},

		// mobilisation pages (mobilisation/pages*.go), on the same plan as the API rows. The feed is
		// public (its token is the credential; a made-up one is 404). Sent empty, the forms answer
		// 422, or 409 where the state refuses first (accepting what was not asked for, going live
		// before the gate); the two calendar-link POSTs make a link for the caller, which is their point.
		{method: "GET", path: "/calendar/:token.ics", public: true},
		{method: "GET", path: "/mobilisation", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}},
		{method: "GET", path: "/mobilisation/calendar", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}},
		{method: "POST", path: "/mobilisation/calendar", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}},
		{method: "POST", path: "/mobilisation/calendar/revoke", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}},
		{method: "GET", path: "/mobilisation/plans/:plan", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "GET", path: "/mobilisation/plans/:plan/export.xlsx", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "GET", path: "/mobilisation/plans/:plan/export.csv", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/calendar", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "GET", path: "/mobilisation/plans/:plan/milestones/:ms", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/milestones/:ms", roles: lead, owner: "medway", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/milestones/:ms/progress", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/milestones/:ms/evidence", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "GET", path: "/mobilisation/plans/:plan/milestones/:ms/evidence/:ev", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/milestones/:ms/request-completion", roles: bidder, owner: "estuary", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/milestones/:ms/accept", roles: lead, owner: "medway", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/milestones/:ms/return", roles: lead, owner: "medway", obj: "plan"},
		{method: "GET", path: "/mobilisation/plans/:plan/phases/:phase", roles: []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleApprover, access.RoleObserver, access.RoleBidder}, owner: "medway+estuary", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/phases/:phase", roles: approver, owner: "medway", obj: "plan"},
		{method: "POST", path: "/mobilisation/plans/:plan/phases/:phase/live", roles: lead, owner: "medway", obj: "plan"},

		// Withdrawals after every attachment row: a withdrawn response carries nothing forward.
		{method: "POST", path: "/opportunities/:id/lots/:lot/withdraw", roles: bidder, obj: "published"},
		{method: "POST", path: "/api/v1/opportunities/:id/lots/:lot/withdraw", roles: bidder, obj: "published"},

		// Signing out last, so the session serves every row above first.
		{method: "POST", path: "/sign-out", roles: everyone},
	}
}

// TestAuthorisationMatrix calls every route as each role of the owning tenant, the same roles in
// another tenant, another provider, Healthwatch, the platform and an anonymous caller, and
// checks each answer. A route the app serves but the table lacks fails the test.
func TestAuthorisationMatrix(t *testing.T) {
	s := startServer(t, nil)
	ctx := context.Background()

	served := map[string]bool{}
	for _, r := range s.App.Fiber.GetRoutes(true) {
		if r.Method == "HEAD" || r.Method == "USE" || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		served[r.Method+" "+strings.TrimSuffix(r.Path, "/")] = true
	}
	listed := map[string]bool{}
	for _, sp := range specs() {
		listed[sp.method+" "+sp.path] = true
	}
	var missing []string
	for r := range served {
		if !listed[r] && r != "GET " { // "GET /" is listed as "/"; its trimmed form is empty
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes with no row in the authorisation matrix: %v", missing)
	}

	fx := newMatrixFixtures(t, s)

	for _, c := range callers {
		t.Run(c.key, func(t *testing.T) {
			b := s.browser(t)
			var token string
			switch {
			case c.email != "" && !slices.Contains(apiUsers, c.role):
				// A role without the API calls it with a token made behind the service's back (as
				// if before the role lost the API): every call is refused, whatever the route.
				b.signIn(c.email)
				token = heldToken(t, s, c.email)
			case c.email != "":
				b.signIn(c.email)
				a := signInActor(t, s, c.email)
				var err error
				token, _, err = s.App.Tenants.CreateToken(database.WithTenant(ctx, a.OrgID), a, tenants.TokenInput{Name: "matrix"})
				if err != nil {
					t.Fatal(err)
				}
			default:
				b.get("/sign-in") // an anonymous visitor still has a valid signed-out form token
			}
			for _, sp := range specs() {
				path := fx.path(sp)
				status, location := call(t, s, b, token, sp.method, path)
				want := expect(c, sp, strings.HasPrefix(sp.path, "/api/"))
				if !want.ok(status, location) {
					t.Errorf("%s %s as %s: got %d %s, want %s", sp.method, path, c.key, status, location, want)
				}
			}
			if status, loc := call(t, s, b, "", "GET", "/"); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/sign-in") {
				t.Errorf("after signing out, the dashboard answered %d %s", status, loc)
			}
		})
	}
}

type outcome struct {
	exact    int    // this status exactly, when set
	redirect string // a 303 to this path prefix, when set
	allowed  bool   // passed authorisation: any status but 401, 403, 404 and 5xx
	public   bool   // anything but 401, 403 and 5xx
}

// matrixFixtures are the objects of the owning tenant the matrix (and the input sweep) call
// routes on: a Medway user, the Medway lead's tokens, a mail message, the procurements and the
// mobilisation plan.
type matrixFixtures struct {
	evaluatorID, mailID string
	orgID, orgInvID     string // NHS Medway CCG, and the platform admin's invitation to it
	successionID        string // a succession far in the future: cancelled by the matrix's first call
	pageTok, apiTok     tenants.APIToken
	procs               map[string]matrixProc
	plan                matrixPlan
}

func newMatrixFixtures(t *testing.T, s *server) matrixFixtures {
	t.Helper()
	ctx := context.Background()
	var fx matrixFixtures
	s.App.DB.Gorm.Raw("SELECT id FROM users WHERE email = 'evaluator@medway-ccg.test'").Scan(&fx.evaluatorID)
	lead := signInActor(t, s, "lead@medway-ccg.test")
	leadCtx := database.WithTenant(ctx, lead.OrgID)
	var err error
	if _, fx.pageTok, err = s.App.Tenants.CreateToken(leadCtx, lead, tenants.TokenInput{Name: "page target"}); err != nil {
		t.Fatal(err)
	}
	if _, fx.apiTok, err = s.App.Tenants.CreateToken(leadCtx, lead, tenants.TokenInput{Name: "api target"}); err != nil {
		t.Fatal(err)
	}
	admin := signInActor(t, s, "admin@medway-ccg.test")
	if _, err := s.App.Tenants.Invite(database.WithTenant(ctx, admin.OrgID), admin, tenants.InviteInput{Email: "matrix@medway-ccg.test", Name: "M", Roles: []string{access.RoleObserver.Key()}}); err != nil {
		t.Fatal(err)
	}
	s.App.DB.Gorm.Raw("SELECT id FROM mail_messages LIMIT 1").Scan(&fx.mailID)
	fx.orgID = admin.OrgID
	platform := signInActor(t, s, "admin@golive.test")
	inv, err := s.App.Tenants.InviteToOrganisation(database.WithTenant(ctx, platform.OrgID), platform, fx.orgID,
		tenants.OrgInviteInput{Email: "matrix-admin@medway-ccg.test", Name: "M"})
	if err != nil {
		t.Fatal(err)
	}
	fx.orgInvID = inv.ID
	fx.procs = matrixProcurements(t, s)
	fx.successionID = matrixSuccession(t, s)
	fx.plan = matrixMobilisation(t, s)
	return fx
}

// path puts the fixtures' ids into a route of the matrix.
func (fx matrixFixtures) path(sp routeSpec) string {
	switch {
	case sp.obj == "plan":
		return fx.plan.path(sp.method, sp.path)
	case sp.obj != "":
		o := fx.procs[sp.obj]
		if strings.HasPrefix(sp.path, "/api/") {
			o.attachment = o.apiAttachment // the pages' rows remove the other one
		}
		return strings.NewReplacer(":id", o.id, ":lot", o.lot, ":doc", o.doc, ":cid", o.clarification, ":att", o.attachment,
			":question", o.question, ":user", o.user, ":bidder", o.bidder, ":rep", o.rep, ":proceeding", o.rep).Replace(sp.path)
	case strings.Contains(sp.path, "/tokens/") && strings.HasPrefix(sp.path, "/api"):
		return strings.Replace(sp.path, ":id", fx.apiTok.ID, 1)
	case strings.Contains(sp.path, "/tokens/"):
		return strings.Replace(sp.path, ":id", fx.pageTok.ID, 1)
	case strings.Contains(sp.path, "/outbox/"):
		return strings.Replace(sp.path, ":id", fx.mailID, 1)
	case strings.Contains(sp.path, "/platform/organisations/"):
		return strings.NewReplacer(":id", fx.orgID, ":inv", fx.orgInvID).Replace(sp.path)
	case strings.Contains(sp.path, "/successions/"):
		return strings.Replace(sp.path, ":id", fx.successionID, 1)
	}
	return strings.NewReplacer(":token", "not-a-real-token", ":id", fx.evaluatorID).Replace(sp.path)
}

func (o outcome) ok(status int, location string) bool {
	switch {
	case o.redirect != "":
		return status == http.StatusSeeOther && strings.HasPrefix(location, o.redirect)
	case o.exact != 0:
		return status == o.exact
	case o.allowed:
		return status < 500 && status != 401 && status != 403 && status != 404 && !strings.HasPrefix(location, "/sign-in")
	case o.public:
		return status < 500 && status != 401 && status != 403
	}
	return false
}

func (o outcome) String() string {
	switch {
	case o.redirect != "":
		return "303 to " + o.redirect
	case o.exact != 0:
		return fmt.Sprint(o.exact)
	case o.allowed:
		return "allowed"
	}
	return "public"
}

func expect(c caller, sp routeSpec, api bool) outcome {
	switch {
	case sp.public:
		return outcome{public: true}
	case sp.path == "/sign-out":
		return outcome{redirect: "/sign-in"} // signed in or not, you end up signed out
	case c.email == "" && api:
		return outcome{exact: 401}
	case c.email == "":
		return outcome{redirect: "/sign-in"}
	case api && !slices.Contains(apiUsers, c.role):
		return outcome{exact: 403} // a token of a role without the API is refused on every call
	case !slices.Contains(sp.roles, c.role):
		return outcome{exact: 403}
	case sp.owner != "" && sp.owner != "lead" && !slices.Contains(strings.Split(sp.owner, "+"), c.org): // "medway+estuary": either
		return outcome{exact: 404} // another organisation's object
	case sp.owner == "lead" && c.email != "lead@medway-ccg.test":
		return outcome{exact: 404}
	}
	return outcome{allowed: true}
}

// call makes one request. Changes are sent empty, so an allowed caller gets a validation answer
// (422) and nothing changes, except the two revocations and sign-out, which are the route's point.
func call(t *testing.T, s *server, b *browser, token, method, path string) (int, string) {
	t.Helper()
	if strings.HasPrefix(path, "/api/") {
		var body any
		if method == "POST" || method == "PATCH" || method == "PUT" {
			body = "{}"
		}
		resp, _ := s.api(t, method, strings.TrimPrefix(path, "/api/v1"), token, body, nil)
		return resp.StatusCode, resp.Header.Get("Location")
	}
	if method == "GET" {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	resp, _ := b.post(path, url.Values{})
	return resp.StatusCode, resp.Header.Get("Location")
}

func signInActor(t *testing.T, s *server, email string) *access.Actor {
	t.Helper()
	ctx := context.Background()
	cookie, err := s.App.Tenants.SignIn(ctx, tenants.SignInInput{Email: email, Password: demodata.Password}, "127.0.0.2", "test")
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.App.Tenants.SessionIdentity(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	return s.App.Tenants.Actor(id)
}
