package tenants

import (
	"regexp"
	"slices"
	"strings"
)

// LegalForm is what an organisation is in law, which says which public identifiers it has.
type LegalForm string

const (
	FormNone         LegalForm = ""                 // the platform itself
	FormCommissioner LegalForm = "nhs_commissioner" // a CCG or ICB: an ODS code
	FormNHSTrust     LegalForm = "nhs_trust"        // an NHS trust or foundation trust: an ODS code beginning R
	FormCompany      LegalForm = "company"          // a company limited by shares or guarantee: Companies House
	FormCIC          LegalForm = "cic"              // a community interest company: Companies House, perhaps a charity number
	FormCharity      LegalForm = "charity"          // a registered charity: a charity number, perhaps Companies House
	FormPartnership  LegalForm = "partnership"      // a GP partnership or other unincorporated body: no public register
)

var formLabels = map[LegalForm]string{
	FormCommissioner: "NHS commissioner (CCG or ICB)",
	FormNHSTrust:     "NHS trust or foundation trust",
	FormCompany:      "Company",
	FormCIC:          "Community interest company (CIC)",
	FormCharity:      "Registered charity",
	FormPartnership:  "Partnership (for example a GP partnership)",
}

// Label is the form as people read it.
func (f LegalForm) Label() string {
	if l, ok := formLabels[f]; ok {
		return l
	}
	return string(f)
}

// FormsFor are the legal forms an organisation of kind k may have: a commissioner is an NHS
// body; Healthwatch is, by statute, a social enterprise (a CIC, a charity or a company).
func FormsFor(k OrgKind) []LegalForm {
	switch k {
	case Commissioner:
		return []LegalForm{FormCommissioner}
	case Provider:
		return []LegalForm{FormNHSTrust, FormCompany, FormCIC, FormCharity, FormPartnership}
	case Healthwatch:
		return []LegalForm{FormCIC, FormCharity, FormCompany}
	}
	return nil
}

// Identifiers are an organisation's public identifiers, as typed.
type Identifiers struct {
	LegalForm            LegalForm
	ODSCode              string
	CompaniesHouseNumber string
	CharityNumber        string
}

var (
	// ODS codes of commissioners are three letters or digits: 09W (NHS Medway CCG), QKS (NHS
	// Kent and Medway ICB). Trusts' are three characters beginning with R (RYE, RN7).
	odsCommissioner = regexp.MustCompile(`^[0-9A-Z]{3}$`)
	odsTrust        = regexp.MustCompile(`^R[0-9A-Z]{2}$`)
	// Companies House numbers are 8 characters: 8 digits in England and Wales, or a two-letter
	// prefix and 6 digits (SC Scotland, NI Northern Ireland, OC an LLP, ...).
	companiesHouse = regexp.MustCompile(`^([0-9]{8}|[A-Z]{2}[0-9]{6})$`)
	// Charity numbers: England and Wales 6 or 7 digits; Scotland SC and 6 digits; Northern
	// Ireland NIC and 6 digits.
	charityNumber = regexp.MustCompile(`^([0-9]{6,7}|SC[0-9]{6}|NIC[0-9]{6})$`)
)

// normaliseIdentifier upper-cases and removes spaces, as people type "sc 123456".
func normaliseIdentifier(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckIdentifiers normalises the identifiers of an organisation of kind k and returns a
// message per field that is wrong ("" field names the form itself): the legal form must suit
// the kind, each form has the identifier its register gives it, and an identifier it cannot
// have is refused rather than kept unchecked.
func CheckIdentifiers(k OrgKind, in Identifiers) (Identifiers, map[string]string) {
	out := Identifiers{LegalForm: in.LegalForm, ODSCode: normaliseIdentifier(in.ODSCode),
		CompaniesHouseNumber: normaliseIdentifier(in.CompaniesHouseNumber), CharityNumber: normaliseIdentifier(in.CharityNumber)}
	msgs := map[string]string{}
	if !slices.Contains(FormsFor(k), out.LegalForm) {
		msgs["legal_form"] = "Select what kind of organisation this is"
		return out, msgs
	}
	need := map[string]bool{}
	allow := map[string]bool{}
	switch out.LegalForm {
	case FormCommissioner, FormNHSTrust:
		need["ods_code"] = true
	case FormCompany:
		need["companies_house_number"] = true
	case FormCIC:
		need["companies_house_number"], allow["charity_number"] = true, true
	case FormCharity:
		need["charity_number"], allow["companies_house_number"] = true, true
	}
	check := func(field, value, label string, ok func(string) bool, format string) {
		switch {
		case value == "" && need[field]:
			msgs[field] = "Enter the " + label
		case value == "":
		case !need[field] && !allow[field]:
			msgs[field] = "A " + strings.ToLower(out.LegalForm.Label()) + " has no " + label + ": leave it blank"
		case !ok(value):
			msgs[field] = "Enter the " + label + " in the correct format, " + format
		}
	}
	odsOK := odsCommissioner.MatchString
	odsFormat := "3 letters or numbers, like 09W or QKS"
	if out.LegalForm == FormNHSTrust {
		odsOK, odsFormat = odsTrust.MatchString, "3 characters beginning with R, like RYE"
	}
	check("ods_code", out.ODSCode, "ODS code", odsOK, odsFormat)
	check("companies_house_number", out.CompaniesHouseNumber, "Companies House number", companiesHouse.MatchString,
		"8 characters, like 01234567 or SC123456")
	check("charity_number", out.CharityNumber, "charity number", charityNumber.MatchString,
		"like 1123456, SC012345 or NIC100002")
	if len(msgs) == 0 {
		return out, nil
	}
	return out, msgs
}

// OrgStatus is whether an organisation's people may sign in.
type OrgStatus string

const (
	StatusActive      OrgStatus = "active"
	StatusDeactivated OrgStatus = "deactivated"
	StatusSuspended   OrgStatus = "suspended"
)

// Status is the organisation's status; deactivation outranks a suspension.
func (o Organisation) Status() OrgStatus {
	switch {
	case o.DeactivatedAt != nil:
		return StatusDeactivated
	case o.SuspendedAt != nil:
		return StatusSuspended
	}
	return StatusActive
}

// SignInRefusal is why the people of o may not sign in, or "" when they may.
func SignInRefusal(o Organisation) string {
	switch o.Status() {
	case StatusDeactivated:
		return "Your organisation's account has been closed: contact the golive service desk"
	case StatusSuspended:
		return "Your organisation's registration is being checked: contact the golive service desk"
	}
	return ""
}
