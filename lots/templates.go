package lots

// Templates are questionnaires a lead starts a lot from: weights in basis points adding up to
// exactly 100 %, the national specifications' elements as questions, and the panel that scores
// each (patient experience questions are Healthwatch's).

// Template is a whole questionnaire.
type Template struct {
	Key, Name, Description string
	Sections               []TemplateSection
}

// TemplateSection is a titled group of questions.
type TemplateSection struct {
	Title     string
	Questions []TemplateQuestion
}

// TemplateQuestion is a question as a template holds it.
type TemplateQuestion struct {
	Number, Text, Guidance string
	Kind                   QuestionKind
	WeightBP               int
	MaxScore, MinScore     int
	WordLimit              int
	Panel                  Panel
}

// ScoreDescriptors are the 0 to 4 scale every scored template question uses.
var ScoreDescriptors = []string{
	"0 – Unacceptable: no answer, or the answer does not address the requirement",
	"1 – Poor: the requirement is only partly addressed, with significant gaps or risks",
	"2 – Acceptable: the requirement is met, with minor reservations",
	"3 – Good: the requirement is fully met, with evidence",
	"4 – Excellent: the requirement is fully met with strong evidence and added value or innovation",
}

func scored(n, text string, weight, minScore, words int, panel Panel) TemplateQuestion {
	return TemplateQuestion{Number: n, Text: text, Kind: Scored, WeightBP: weight, MaxScore: 4, MinScore: minScore, WordLimit: words, Panel: panel}
}

func passFail(n, text string) TemplateQuestion {
	return TemplateQuestion{Number: n, Text: text, Kind: PassFail, Panel: Clinical, WordLimit: 300}
}

func price(n string, weight int) TemplateQuestion {
	return TemplateQuestion{Number: n, Text: "Price schedule: your price for each contract year, in pounds", Kind: Price, WeightBP: weight, Panel: Finance,
		Guidance: "Price every year of the initial term. Prices are sealed in their own envelope and opened only after quality moderation."}
}

// Templates available to every tenant.
var Templates = []Template{
	{Key: "iuc", Name: "Integrated urgent care (NHS 111 and clinical assessment service)",
		Description: "The elements of the national Integrated Urgent Care Service Specification, with patient experience scored by Healthwatch.",
		Sections: []TemplateSection{
			{Title: "Integrated urgent care service model", Questions: []TemplateQuestion{
				scored("1.1", "How will you provide a single point of access through NHS 111, answering calls promptly at all times including peaks?", 800, 2, 750, Clinical),
				scored("1.2", "Describe your clinical assessment service: its multidisciplinary workforce (GPs, nurses, paramedics, pharmacists, dental and mental health clinicians) and how calls reach the right clinician.", 1000, 2, 1000, Clinical),
				scored("1.3", "How will you complete more episodes with clinical advice and self-care (hear and treat) safely?", 500, 0, 500, Clinical),
				scored("1.4", "How will you book patients directly into appointments and onward services, using the Directory of Services?", 700, 2, 750, Clinical),
				scored("1.5", "How will clinicians see patient records, special patient notes and care plans, and share information with other services (interoperability)?", 600, 2, 750, Clinical),
				scored("1.6", "How will you support patients with complex needs, frequent callers and people at the end of life?", 400, 0, 500, Clinical),
				scored("1.7", "How will the service work with face-to-face urgent care, urgent treatment centres, GP out of hours and the ambulance service?", 600, 0, 750, Clinical),
				scored("1.8", "How will you manage prescribing and medicines, including the role of pharmacists?", 400, 0, 500, Clinical),
				scored("1.9", "Describe your workforce plan, training and clinical governance, including how you will assure clinical safety.", 700, 2, 1000, Clinical),
			}},
			{Title: "Patient experience", Questions: []TemplateQuestion{
				scored("2.1", "How will the service be accessible to everyone, including people with disabilities, who do not speak English or who are digitally excluded?", 700, 2, 750, Patient),
				scored("2.2", "How will you involve patients, carers and Healthwatch, and learn from feedback and complaints?", 500, 0, 500, Patient),
			}},
			{Title: "Mobilisation and resilience", Questions: []TemplateQuestion{
				scored("3.1", "Describe your mobilisation plan to go-live, including TUPE, telephony, IT and Directory of Services profiling.", 600, 2, 1000, Clinical),
				scored("3.2", "How will you keep the service running through surges, incidents and system failures (business continuity)?", 300, 0, 500, Clinical),
			}},
			{Title: "Compliance", Questions: []TemplateQuestion{
				passFail("4.1", "Confirm that you are, or will be before go-live, registered with the Care Quality Commission for the regulated activities the service needs."),
				passFail("4.2", "Confirm that you meet the Data Security and Protection Toolkit standards."),
			}},
			{Title: "Price", Questions: []TemplateQuestion{price("5.1", 2200)}},
		}},
	{Key: "utc", Name: "Urgent treatment centres (national UTC specification)",
		Description: "The national Urgent Treatment Centre standards, with GP-led out of hours and patient experience scored by Healthwatch.",
		Sections: []TemplateSection{
			{Title: "Urgent treatment centre standards", Questions: []TemplateQuestion{
				scored("1.1", "How will each centre be GP-led and open at least 12 hours a day, every day, with the staffing to do so?", 1000, 2, 1000, Clinical),
				scored("1.2", "How will patients book appointments through NHS 111 and the clinical assessment service, as well as walk in?", 800, 2, 750, Clinical),
				scored("1.3", "How will you treat minor illnesses and injuries, with diagnostics (X-ray, blood tests, ECG) on site?", 800, 2, 750, Clinical),
				scored("1.4", "How will you stream patients with the emergency department at the front door of the hospital?", 800, 0, 750, Clinical),
				scored("1.5", "How will you manage prescribing and patient group directions?", 400, 0, 500, Clinical),
				scored("1.6", "Describe your workforce model and clinical leadership across the centres.", 900, 2, 1000, Clinical),
				scored("1.7", "How will the centres work with GP out of hours, home visits and the integrated urgent care service?", 700, 0, 750, Clinical),
			}},
			{Title: "Patient experience", Questions: []TemplateQuestion{
				scored("2.1", "How will you keep waits short and tell patients what to expect, and how will you measure their experience?", 800, 2, 750, Patient),
				scored("2.2", "How will you reduce health inequalities in the centres' populations and communicate with patients and carers?", 500, 0, 500, Patient),
			}},
			{Title: "Mobilisation", Questions: []TemplateQuestion{
				scored("3.1", "Describe your phased mobilisation to each site's go-live date, including estates and TUPE.", 700, 2, 1000, Clinical),
			}},
			{Title: "Compliance", Questions: []TemplateQuestion{
				passFail("4.1", "Confirm Care Quality Commission registration for the regulated activities at every site before go-live."),
				passFail("4.2", "Confirm that you meet the Data Security and Protection Toolkit standards."),
			}},
			{Title: "Price", Questions: []TemplateQuestion{price("5.1", 2600)}},
		}},
	{Key: "psr", Name: "Provider Selection Regime key criteria",
		Description: "The five key criteria of the Health Care Services (Provider Selection Regime) Regulations 2023, for a competitive process.",
		Sections: []TemplateSection{
			{Title: "Quality and innovation", Questions: []TemplateQuestion{
				scored("1.1", "How will the service deliver safe, effective, high-quality care, and how will you assure it?", 1500, 2, 1000, Clinical),
				scored("1.2", "What will you do differently or better, and how will you introduce innovation safely?", 1500, 0, 750, Clinical),
			}},
			{Title: "Value", Questions: []TemplateQuestion{price("2.1", 2000)}},
			{Title: "Integration, collaboration and service sustainability", Questions: []TemplateQuestion{
				scored("3.1", "How will you work with other providers and the system to integrate care, and keep the service sustainable for its term?", 2000, 2, 1000, Clinical),
			}},
			{Title: "Improving access, reducing health inequalities and facilitating choice", Questions: []TemplateQuestion{
				scored("4.1", "How will you improve access, reduce health inequalities and give patients choice?", 2000, 2, 1000, Patient),
			}},
			{Title: "Social value", Questions: []TemplateQuestion{
				scored("5.1", "What social value will the contract bring: local employment, environmental sustainability, community wellbeing?", 1000, 0, 750, Patient),
			}},
		}},
}

// TemplateByKey finds a template.
func TemplateByKey(key string) (Template, bool) {
	for _, t := range Templates {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}
