package migrations

// Owners names, for every table these migrations create, the one Go package that may query it.
// Any other package asks the owner through its exported Go (tenants.Directory for people and
// organisations, lots' reads for procurements, lots, questions, openings and bids), so that a
// table's layout is known in one place and can change there. owners_test.go reads this map
// and the module's source and fails when a package names a table it does not own.
var Owners = map[string]string{
	// who is who: people, their organisations, sign-in, and the roles casbin stores
	"organisations":   "golive/tenants",
	"users":           "golive/tenants",
	"sessions":        "golive/tenants",
	"invitations":     "golive/tenants",
	"password_resets": "golive/tenants",
	"api_tokens":      "golive/tenants",
	"casbin_rule":     "golive/tenants",
	"authz_version":   "golive/tenants",
	"registrations":   "golive/tenants",
	// NHS reorganisations: who succeeded whom, from when (tenants/succession*.go)
	"successions":             "golive/tenants",
	"succession_predecessors": "golive/tenants",

	// the hash-chained audit trail (other stores append through audit.Record)
	"audit_events": "golive/audit",
	"audit_head":   "golive/audit",
	// procurements whose bidders' events have been opened to the commissioners (migration 00017)
	"audit_unsealed": "golive/audit",

	// the mail outbox (other stores queue through jobs.QueueMail)
	"mail_messages": "golive/jobs",

	// a procurement up to the opening of its bids
	"procurements":         "golive/lots",
	"participants":         "golive/lots",
	"lots":                 "golive/lots",
	"lot_participants":     "golive/lots",
	"sites":                "golive/lots",
	"phases":               "golive/lots",
	"sections":             "golive/lots",
	"questions":            "golive/lots",
	"approvals":            "golive/lots",
	"documents":            "golive/lots",
	"interests":            "golive/lots",
	"clarifications":       "golive/lots",
	"addenda":              "golive/lots",
	"submissions":          "golive/lots",
	"openings":             "golive/lots",
	"response_attachments": "golive/lots",

	// evaluation: panels, declarations, marks, moderation, prices
	"panel_members":           "golive/evaluation",
	"panel_assignments":       "golive/evaluation",
	"declarations":            "golive/evaluation",
	"scores":                  "golive/evaluation",
	"moderations":             "golive/evaluation",
	"consensus_scores":        "golive/evaluation",
	"lot_evaluations":         "golive/evaluation",
	"price_openings":          "golive/evaluation",
	"lot_evaluation_settings": "golive/evaluation",

	// the award: recommendation, approvals, standstill, representations, proceedings, contract
	"award_recommendations": "golive/evaluation/award",
	"award_approvals":       "golive/evaluation/award",
	"representations":       "golive/evaluation/award",
	"contract_awards":       "golive/evaluation/award",
	"court_proceedings":     "golive/evaluation/award",

	// mobilisation to go-live
	"mobilisation_templates": "golive/mobilisation",
	"template_milestones":    "golive/mobilisation",
	"mobilisation_plans":     "golive/mobilisation",
	"plan_phases":            "golive/mobilisation",
	"plan_phase_lot_phases":  "golive/mobilisation",
	"milestones":             "golive/mobilisation",
	"milestone_dependencies": "golive/mobilisation",
	"milestone_notes":        "golive/mobilisation",
	"milestone_evidence":     "golive/mobilisation",
	"go_live_decisions":      "golive/mobilisation",
	"reminders":              "golive/mobilisation",
	"inbox_messages":         "golive/mobilisation",
	"reminder_preferences":   "golive/mobilisation",
	"calendar_feeds":         "golive/mobilisation",

	"ocds_releases": "golive/notices",
}
