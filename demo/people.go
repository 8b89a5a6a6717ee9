package demo

import (
	"context"

	"golive/tenants"
	"golive/tenants/access"
)

// Password signs in every demo user. It is printed by `golive demo`; never use demo data
// on a server people can reach.
const Password = "golive-demo-2026"

// Organisations are the organisations of the seeds. The providers are fictional on purpose.
var Organisations = []tenants.Organisation{
	{Name: "golive platform", Kind: tenants.Platform},
	{Name: "NHS Ashford CCG", Kind: tenants.Commissioner, ODSCode: "09C"},
	{Name: "NHS Canterbury and Coastal CCG", Kind: tenants.Commissioner, ODSCode: "09E"},
	{Name: "NHS Dartford, Gravesham and Swanley CCG", Kind: tenants.Commissioner, ODSCode: "09J"},
	{Name: "NHS Medway CCG", Kind: tenants.Commissioner, ODSCode: "09W"},
	{Name: "NHS South Kent Coast CCG", Kind: tenants.Commissioner, ODSCode: "10A"},
	{Name: "NHS Swale CCG", Kind: tenants.Commissioner, ODSCode: "10D"},
	{Name: "NHS Thanet CCG", Kind: tenants.Commissioner, ODSCode: "10E"},
	{Name: "NHS West Kent CCG", Kind: tenants.Commissioner, ODSCode: "99J"},
	{Name: "NHS Luton CCG", Kind: tenants.Commissioner, ODSCode: "06P"},
	{Name: "NHS Bedfordshire CCG", Kind: tenants.Commissioner, ODSCode: "06F"},
	{Name: "NHS Milton Keynes CCG", Kind: tenants.Commissioner, ODSCode: "04F"},
	// The bodies that succeeded them (successions.go): no one signs in for them until the
	// successions take effect and the CCGs' people move to them.
	{Name: "NHS Kent and Medway CCG", Kind: tenants.Commissioner, ODSCode: "91Q"},
	{Name: "NHS Bedfordshire, Luton and Milton Keynes CCG", Kind: tenants.Commissioner, ODSCode: "M1J4Y"},
	{Name: "NHS Kent and Medway ICB", Kind: tenants.Commissioner, ODSCode: "QKS"},
	{Name: "NHS Bedfordshire, Luton and Milton Keynes ICB", Kind: tenants.Commissioner, ODSCode: "QHG"},
	{Name: "Healthwatch Kent", Kind: tenants.Healthwatch},
	{Name: "Healthwatch Medway", Kind: tenants.Healthwatch},
	{Name: "Weald Ambulance Service NHS Trust", Kind: tenants.Provider},
	{Name: "North Downs GP Federation", Kind: tenants.Provider},
	{Name: "Estuary Urgent Care CIC", Kind: tenants.Provider},
	{Name: "Channel Coast Health Partnership", Kind: tenants.Provider},
}

// Person is one demo sign-in.
type Person struct {
	Email, Name, Org string
	Roles            []access.Role
}

// People are one sign-in per role (Medway CCG holds the commissioner roles), plus the
// people later demo data needs: an approver per CCG, a bidder per provider.
var People = []Person{
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

// LoadPeople creates the demo organisations and people through the tenants service, as an
// operator loading them would; it does nothing when they exist already. It returns the ids of
// the demo organisations by name, and whether it created them now.
func LoadPeople(ctx context.Context, ts *tenants.Service) (map[string]string, bool, error) {
	seed := tenants.Seed{Source: "demo", Organisations: Organisations, Password: Password}
	for _, p := range People {
		seed.People = append(seed.People, tenants.SeedPerson{Email: p.Email, Name: p.Name, Org: p.Org, Roles: p.Roles})
	}
	return ts.LoadSeed(ctx, seed)
}

// The demo people the replay acts as most, and the providers by name.
const (
	demoKentLead   = "lead@medway-ccg.test"
	demoBedsLead   = "lead@bedfordshire-ccg.test"
	demoClinical   = "evaluator@medway-ccg.test"      // Dr Sam Evaluator, Medway CCG
	demoFinance    = "finance@medway-ccg.test"        // Nic Finance, Medway CCG
	demoReviewer   = "reviewer@healthwatch-kent.test" // Robin Reviewer, Healthwatch Kent
	demoLutonEval  = "evaluator@luton-ccg.test"
	demoBedsEval   = "evaluator@bedfordshire-ccg.test"
	demoWeald      = "Weald Ambulance Service NHS Trust"
	demoEstuary    = "Estuary Urgent Care CIC"
	demoCoast      = "Channel Coast Health Partnership"
	demoNorthDowns = "North Downs GP Federation"
)
