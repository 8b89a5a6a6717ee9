package demo

import (
	"fmt"
	"strings"

	"golive/mobilisation"
)

// What the demo's people write on the default template's milestones (mobilisation.DefaultTemplate's keys):
// the owner's note on starting, and the note that asks for acceptance (the provider) or goes
// with the lead's acceptance (the commissioners'). Evidence names a file the provider attaches
// before asking; its content is made by demoEvidence.
type demoNote struct {
	start, done, evidence string
}

var demoNotes = map[string]demoNote{
	"contract_signed":      {"Contract particulars and schedules agreed with the provider; sent for signature.", "NHS Standard Contract signed by both parties; the signed copy is held by the contracts team.", ""},
	"mobilisation_board":   {"Members nominated by each commissioner and the provider; first meeting booked.", "The board met for the first time and agreed its terms of reference; it meets fortnightly until go-live.", ""},
	"mobilisation_plan":    {"First draft of the detailed plan shared with the commissioners' project lead.", "Plan version 1.2 agreed at the mobilisation board, with an owner for every workstream.", "mobilisation-plan-v1.2.txt"},
	"handover_agreed":      {"Handover meetings with the outgoing provider started: staff, assets and records.", "Handover schedule for records, staff and assets agreed with the outgoing provider.", ""},
	"reporting_agreed":     {"Draft information schedule and KPI definitions shared with the provider.", "Quality and performance reporting schedule agreed; the first monthly report is due in the service's first month.", ""},
	"tupe_information":     {"Employee liability information requested from the outgoing provider.", "Employee liability information received and checked against the staff list.", "employee-liability-information-summary.csv"},
	"tupe_consultation":    {"Measures letter sent to the outgoing provider; staff side consulted on the timetable.", "Consultation opened with every affected member of staff; the first group meetings are held.", ""},
	"workforce_model":      {"Rota modelling on last year's activity under way, with the weekend and bank holiday peaks.", "Workforce model and rota plan agreed at the mobilisation board.", "workforce-model-and-rota-plan.csv"},
	"tupe_complete":        {"Individual consultation meetings under way.", "Consultation closed; transferring staff confirmed by name.", ""},
	"recruitment":          {"Recruitment campaign live; the first interview days held.", "Every vacancy filled or covered by confirmed bank staff.", ""},
	"training":             {"Training plan and dates set; the clinical system's training environment booked.", "Every member of staff has completed induction and training on the clinical system and pathways.", ""},
	"rota_filled":          {"Rota for the first four weeks published to staff for shift bids.", "First four weeks' rota filled, with a named senior clinician on every shift.", ""},
	"site_surveys":         {"Surveys booked with each site's estates team.", "Surveys done; the estates requirements schedule is agreed.", ""},
	"premises_agreed":      {"Heads of terms agreed with NHS Property Services and the trusts.", "Licence to occupy signed for every site.", ""},
	"estates_works":        {"Works started; furniture and equipment ordered.", "Works complete and equipment installed at every site.", ""},
	"telephony_design":     {"Call routing and transfer design drafted with the telephony supplier.", "Telephony design agreed, including transfers from NHS 111 and the professional line.", ""},
	"telephony_live":       {"Installation scheduled with the supplier.", "Telephony installed; call routing, transfers and overflow tested.", ""},
	"it_infrastructure":    {"Network and hardware orders placed; HSCN connections ordered.", "IT infrastructure and HSCN connections in place and tested at every site.", ""},
	"clinical_system":      {"System build started with the supplier: templates and rotas.", "Clinical system configured; smartcards issued to every clinician.", ""},
	"interoperability":     {"Interface testing booked with NHS Digital and the ambulance service.", "Referral interfaces, GP Connect, Summary Care Record and post-event messages live and tested.", ""},
	"records_migrated":     {"Extract of special patient notes and care plans requested from the outgoing provider.", "Special patient notes and care plans migrated and spot-checked.", ""},
	"dos_drafted":          {"Profiles being drafted for each service and site.", "Profiles drafted and sent to the commissioners' Directory of Services lead for sign-off.", ""},
	"dos_profiling":        {"The Directory of Services lead is reviewing the draft profiles with the provider.", "Profiles signed off and scheduled to go live on the go-live day.", ""},
	"cqc_application":      {"Application drafted with the registered manager; locations and regulated activities listed.", "Application submitted to CQC; acknowledgement attached.", "cqc-application-acknowledgement.txt"},
	"cqc_registration":     {"CQC registration assessment under way.", "CQC registration confirmed for every location.", ""},
	"dspt":                 {"Toolkit evidence being gathered by the information governance lead.", "Data Security and Protection Toolkit submitted with every standard met.", "dspt-submission-confirmation.txt"},
	"sharing_agreements":   {"DPIA drafted; data sharing agreements sent to the partners.", "DPIA approved by the data protection officers; data sharing agreements signed.", ""},
	"clinical_governance":  {"Policies drafted; clinical lead appointed.", "Clinical governance framework, policies and clinical lead in place.", "clinical-governance-framework-v1.0.txt"},
	"safeguarding":         {"Safeguarding leads named; meeting with the safeguarding partnership booked.", "Safeguarding arrangements agreed with the local safeguarding partnership.", ""},
	"medicines":            {"Controlled drugs licence applied for to the Home Office.", "Medicines management policy in place and controlled drugs licence granted.", ""},
	"clinical_safety_case": {"Hazard log started with the clinical safety officer.", "Clinical safety case and hazard log signed by the clinical safety officer.", ""},
	"comms_plan":           {"Engagement plan drafted with each commissioner's communications team.", "Communications and engagement plan agreed at the mobilisation board.", ""},
	"stakeholders_briefed": {"Briefings booked with GP practices, the ambulance service and the acute trusts.", "Every GP practice, the ambulance service and the acute trusts briefed.", ""},
	"public_information":   {"Website copy and signage designs drafted.", "Public information, website and signage ready for launch.", ""},
	"end_to_end_testing":   {"Test scripts for patient journeys and referrals agreed.", "End-to-end tests of patient journeys and referrals passed.", ""},
	"business_continuity":  {"Business continuity plan drafted; failover test booked.", "Business continuity and escalation plans tested, telephony failover included.", ""},
	"readiness_review":     {"Readiness evidence gathered for the mobilisation board.", "Readiness assurance review held; the board recommends go.", ""},
	"go_no_go":             {"Readiness decisions requested from each commissioner's approver.", "Every commissioner's approver has signed go.", ""},
}

// noteOf is the demo note of a milestone; one the template added later gets plain words.
func noteOf(m mobilisation.Milestone) demoNote {
	if n, ok := demoNotes[m.TemplateKey]; ok {
		return n
	}
	return demoNote{start: "Work started.", done: "Done: " + m.Title + "."}
}

// demoEvidence is the content of a demo evidence file: plain text or CSV a person can open,
// about the plan's contract and provider.
func demoEvidence(name, contract, provider, phase string) []byte {
	var b strings.Builder
	switch {
	case strings.HasSuffix(name, ".csv"):
		switch {
		case strings.HasPrefix(name, "employee-liability"):
			b.WriteString("staff group,headcount,whole-time equivalent,transferring\n")
			for _, r := range []string{"Call handlers,118,96.4,yes", "Clinical advisers (nurses and paramedics),46,38.2,yes",
				"GPs (sessional),31,9.5,no", "Team leaders,12,12.0,yes", "Administration,9,7.6,yes"} {
				b.WriteString(r + "\n")
			}
		case strings.HasPrefix(name, "workforce-model"):
			b.WriteString("role,weekday WTE,weekend WTE,bank holiday WTE\n")
			for _, r := range []string{"Call handlers,62,88,94", "Nurses and paramedics,18,26,28", "GPs,6,11,12",
				"Pharmacists,2,4,4", "Shift managers,4,5,5"} {
				b.WriteString(r + "\n")
			}
		case strings.HasPrefix(name, "tupe-consultation"):
			b.WriteString("group,staff,consulted,confirmed,outstanding\n")
			for _, r := range []string{"Call handlers,118,118,109,9", "Clinical advisers,46,46,43,3", "Team leaders,12,12,12,0",
				"Administration,9,9,7,2"} {
				b.WriteString(r + "\n")
			}
		default:
			b.WriteString("service,site,profile,status\n")
			fmt.Fprintf(&b, "%s,all sites,draft,sent for sign-off\n", phase)
		}
		return []byte(b.String())
	}
	title := strings.TrimSuffix(name, ".txt")
	title = strings.ReplaceAll(title, "-", " ")
	fmt.Fprintf(&b, "%s\n\nContract: %s\nProvider: %s\nPhase: %s\n\n", strings.ToUpper(title[:1])+title[1:], contract, provider, phase)
	switch {
	case strings.HasPrefix(name, "mobilisation-plan"):
		b.WriteString("Workstreams and owners\n")
		for _, ws := range mobilisation.DefaultWorkstreams {
			fmt.Fprintf(&b, "- %s: a named lead, weekly progress to the mobilisation board\n", ws)
		}
	case strings.HasPrefix(name, "cqc-application"):
		b.WriteString("The Care Quality Commission acknowledges the application to register the locations and regulated\n" +
			"activities listed (treatment of disease, disorder or injury; diagnostic and screening procedures;\n" +
			"transport services, triage and medical advice provided remotely). It will be assessed in turn.\n")
	case strings.HasPrefix(name, "dspt"):
		b.WriteString("Data Security and Protection Toolkit 2018/19: submitted, standards met (all 10 data security standards).\n")
	default:
		b.WriteString("Agreed at the mobilisation board; version history and owners are in the document register.\n")
	}
	return []byte(b.String())
}
