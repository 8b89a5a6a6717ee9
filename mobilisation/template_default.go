package mobilisation

// The workstreams of an urgent care mobilisation, in the order a plan lists them.
const (
	WSGovernance = "Governance and contract"
	WSWorkforce  = "Workforce recruitment and training"
	WSEstates    = "Estates"
	WSTelephony  = "Telephony"
	WSIT         = "IT, clinical systems and interoperability"
	WSDoS        = "Directory of Services"
	WSCQC        = "CQC registration"
	WSIG         = "Information governance"
	WSClinical   = "Clinical governance and safety"
	WSComms      = "Communications and engagement"
	WSTesting    = "Testing and readiness"
	WSGoNoGo     = "Go/no-go"
)

// DefaultWorkstreams is the order of the default template's workstreams.
var DefaultWorkstreams = []string{WSGovernance, WSWorkforce, WSEstates, WSTelephony, WSIT, WSDoS,
	WSCQC, WSIG, WSClinical, WSComms, WSTesting, WSGoNoGo}

// DefaultTemplate is the platform's template for mobilising an urgent care service: about six
// months of work before go-live. The offsets follow what constrains each step in practice: TUPE
// consultation must allow time for measures and a meaningful consultation before transfer (-150);
// CQC registration of new locations takes around ten weeks from a complete application, which needs
// the premises (-60); Directory of Services profiles must be live in time for NHS 111 to route to
// the service and be tested (-21); the go/no-go decision is a week before go-live (-7), so that a
// "no go" still leaves time to keep the outgoing service running. Every critical milestone leads,
// through its dependencies, to the go/no-go decision, so that the gate sees any critical slip.
func DefaultTemplate() []TemplateMilestone {
	c, p := Commissioner, Provider
	ms := []TemplateMilestone{
		// Governance and contract
		{Key: "contract_signed", Title: "Contract signed (NHS Standard Contract)", Workstream: WSGovernance, OwnerSide: c, OffsetDays: -180, Critical: true},
		{Key: "mobilisation_board", Title: "Mobilisation board and terms of reference in place", Workstream: WSGovernance, OwnerSide: c, OffsetDays: -170, DependsOn: "contract_signed"},
		{Key: "mobilisation_plan", Title: "Provider's detailed mobilisation plan agreed", Workstream: WSGovernance, OwnerSide: p, OffsetDays: -160, Critical: true, DependsOn: "mobilisation_board"},
		{Key: "handover_agreed", Title: "Handover from the outgoing provider agreed (records, staff, assets)", Workstream: WSGovernance, OwnerSide: c, OffsetDays: -120, Critical: true, DependsOn: "contract_signed"},
		{Key: "reporting_agreed", Title: "Quality and performance reporting (KPIs, information schedule) agreed", Workstream: WSGovernance, OwnerSide: c, OffsetDays: -45, DependsOn: "mobilisation_plan"},

		// Workforce recruitment and training, including TUPE
		{Key: "tupe_information", Title: "Employee liability information received from the outgoing provider", Workstream: WSWorkforce, OwnerSide: p, OffsetDays: -165, Critical: true, DependsOn: "contract_signed"},
		{Key: "tupe_consultation", Title: "TUPE consultation with transferring staff started", Workstream: WSWorkforce, OwnerSide: p, OffsetDays: -150, Critical: true, DependsOn: "tupe_information"},
		{Key: "workforce_model", Title: "Workforce model and rota plan agreed", Workstream: WSWorkforce, OwnerSide: p, OffsetDays: -140, Critical: true, DependsOn: "mobilisation_plan"},
		{Key: "tupe_complete", Title: "TUPE consultation complete and transferring staff confirmed", Workstream: WSWorkforce, OwnerSide: p, OffsetDays: -90, Critical: true, DependsOn: "tupe_consultation"},
		{Key: "recruitment", Title: "Recruitment to vacancies complete (clinicians, call handlers, drivers)", Workstream: WSWorkforce, OwnerSide: p, OffsetDays: -45, Critical: true, DependsOn: "workforce_model tupe_complete"},
		{Key: "training", Title: "Induction and training on the clinical system and pathways complete", Workstream: WSWorkforce, OwnerSide: p, OffsetDays: -14, Critical: true, DependsOn: "recruitment clinical_system"},
		{Key: "rota_filled", Title: "First four weeks' rota filled", Workstream: WSWorkforce, OwnerSide: p, OffsetDays: -14, Critical: true, DependsOn: "recruitment"},

		// Estates
		{Key: "site_surveys", Title: "Site surveys done and estates requirements agreed", Workstream: WSEstates, OwnerSide: p, OffsetDays: -150, DependsOn: "contract_signed"},
		{Key: "premises_agreed", Title: "Lease or licence to occupy agreed for every site", Workstream: WSEstates, OwnerSide: c, OffsetDays: -120, Critical: true, DependsOn: "site_surveys"},
		{Key: "estates_works", Title: "Estates works, equipment and fit-out complete", Workstream: WSEstates, OwnerSide: p, OffsetDays: -30, Critical: true, DependsOn: "premises_agreed"},

		// Telephony
		{Key: "telephony_design", Title: "Telephony design agreed (numbers, call routing, transfers from NHS 111)", Workstream: WSTelephony, OwnerSide: p, OffsetDays: -120, DependsOn: "workforce_model"},
		{Key: "telephony_live", Title: "Telephony installed and call routing tested", Workstream: WSTelephony, OwnerSide: p, OffsetDays: -28, Critical: true, DependsOn: "telephony_design estates_works"},

		// IT, clinical systems and interoperability
		{Key: "it_infrastructure", Title: "IT infrastructure and HSCN connection in place at every site", Workstream: WSIT, OwnerSide: p, OffsetDays: -75, Critical: true, DependsOn: "premises_agreed"},
		{Key: "clinical_system", Title: "Clinical system configured (templates, rotas, smartcards)", Workstream: WSIT, OwnerSide: p, OffsetDays: -45, Critical: true, DependsOn: "it_infrastructure dspt"},
		{Key: "interoperability", Title: "Interoperability live: NHS 111 and ambulance referrals, GP Connect, Summary Care Record, post-event messages", Workstream: WSIT, OwnerSide: p, OffsetDays: -21, Critical: true, DependsOn: "clinical_system sharing_agreements"},
		{Key: "records_migrated", Title: "Special patient notes and care plans migrated from the outgoing provider", Workstream: WSIT, OwnerSide: p, OffsetDays: -10, Critical: true, DependsOn: "clinical_system handover_agreed sharing_agreements"},

		// Directory of Services
		{Key: "dos_drafted", Title: "Directory of Services profiles drafted for every service and site", Workstream: WSDoS, OwnerSide: p, OffsetDays: -35, DependsOn: "mobilisation_plan"},
		{Key: "dos_profiling", Title: "Directory of Services profiling signed off with the DoS lead", Workstream: WSDoS, OwnerSide: c, OffsetDays: -21, Critical: true, DependsOn: "dos_drafted"},

		// CQC registration
		{Key: "cqc_application", Title: "CQC registration application submitted (locations and regulated activities)", Workstream: WSCQC, OwnerSide: p, OffsetDays: -110, Critical: true, DependsOn: "premises_agreed"},
		{Key: "cqc_registration", Title: "CQC registration confirmed for every location", Workstream: WSCQC, OwnerSide: p, OffsetDays: -60, Critical: true, DependsOn: "cqc_application"},

		// Information governance
		{Key: "dspt", Title: "Data Security and Protection Toolkit standards met", Workstream: WSIG, OwnerSide: p, OffsetDays: -90, Critical: true, DependsOn: "contract_signed"},
		{Key: "sharing_agreements", Title: "Data protection impact assessment done and data sharing agreements signed", Workstream: WSIG, OwnerSide: p, OffsetDays: -45, Critical: true, DependsOn: "dspt"},

		// Clinical governance and safety
		{Key: "clinical_governance", Title: "Clinical governance framework, policies and clinical lead in place", Workstream: WSClinical, OwnerSide: p, OffsetDays: -75, Critical: true, DependsOn: "mobilisation_plan"},
		{Key: "safeguarding", Title: "Safeguarding arrangements agreed with the local safeguarding partnership", Workstream: WSClinical, OwnerSide: p, OffsetDays: -45, Critical: true, DependsOn: "clinical_governance"},
		{Key: "medicines", Title: "Medicines management and controlled drugs licence in place", Workstream: WSClinical, OwnerSide: p, OffsetDays: -30, Critical: true, DependsOn: "clinical_governance cqc_registration"},
		{Key: "clinical_safety_case", Title: "Clinical safety case and hazard log (DCB0160) signed by the clinical safety officer", Workstream: WSClinical, OwnerSide: p, OffsetDays: -21, Critical: true, DependsOn: "clinical_system clinical_governance"},

		// Communications and engagement
		{Key: "comms_plan", Title: "Communications and engagement plan agreed", Workstream: WSComms, OwnerSide: c, OffsetDays: -120, DependsOn: "contract_signed"},
		{Key: "stakeholders_briefed", Title: "GP practices, ambulance service and acute trusts briefed on the new service", Workstream: WSComms, OwnerSide: c, OffsetDays: -30, DependsOn: "comms_plan"},
		{Key: "public_information", Title: "Public information, website and signage ready for launch", Workstream: WSComms, OwnerSide: p, OffsetDays: -10, DependsOn: "comms_plan estates_works"},

		// Testing and readiness
		{Key: "end_to_end_testing", Title: "End-to-end testing of patient journeys and referrals passed", Workstream: WSTesting, OwnerSide: p, OffsetDays: -14, Critical: true, DependsOn: "interoperability telephony_live dos_profiling clinical_safety_case"},
		{Key: "business_continuity", Title: "Business continuity and escalation plans tested", Workstream: WSTesting, OwnerSide: p, OffsetDays: -14, Critical: true, DependsOn: "telephony_live it_infrastructure"},
		{Key: "readiness_review", Title: "Readiness assurance review by the mobilisation board", Workstream: WSTesting, OwnerSide: c, OffsetDays: -10, Critical: true,
			DependsOn: "end_to_end_testing business_continuity training rota_filled records_migrated medicines safeguarding cqc_registration estates_works reporting_agreed"},

		// Go/no-go
		{Key: "go_no_go", Title: "Go/no-go decision signed by every commissioner", Workstream: WSGoNoGo, OwnerSide: c, OffsetDays: -7, Critical: true, DependsOn: "readiness_review"},
	}
	for i := range ms {
		ms[i].Position = i + 1
	}
	return ms
}
