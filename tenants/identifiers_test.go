package tenants

import (
	"maps"
	"slices"
	"testing"
)

func TestCheckIdentifiersAcceptsWhatTheRegistersIssueAndRefusesTheRest(t *testing.T) {
	tests := []struct {
		name    string
		kind    OrgKind
		in      Identifiers
		want    Identifiers // normalised, when accepted
		refused []string    // fields with a message
	}{
		{"a CCG's code of digits and a letter", Commissioner, Identifiers{LegalForm: FormCommissioner, ODSCode: "09W"}, Identifiers{LegalForm: FormCommissioner, ODSCode: "09W"}, nil},
		{"an ICB's code of letters", Commissioner, Identifiers{LegalForm: FormCommissioner, ODSCode: "QKS"}, Identifiers{LegalForm: FormCommissioner, ODSCode: "QKS"}, nil},
		{"a code typed in lower case with spaces", Commissioner, Identifiers{LegalForm: FormCommissioner, ODSCode: " q h g "}, Identifiers{LegalForm: FormCommissioner, ODSCode: "QHG"}, nil},
		{"a commissioner without a code", Commissioner, Identifiers{LegalForm: FormCommissioner}, Identifiers{}, []string{"ods_code"}},
		{"a commissioner's code of 4 characters", Commissioner, Identifiers{LegalForm: FormCommissioner, ODSCode: "09WX"}, Identifiers{}, []string{"ods_code"}},
		{"a commissioner's code with a hyphen", Commissioner, Identifiers{LegalForm: FormCommissioner, ODSCode: "0-9"}, Identifiers{}, []string{"ods_code"}},
		{"a commissioner as a company", Commissioner, Identifiers{LegalForm: FormCompany, CompaniesHouseNumber: "01234567"}, Identifiers{}, []string{"legal_form"}},
		{"a commissioner with a Companies House number", Commissioner, Identifiers{LegalForm: FormCommissioner, ODSCode: "09W", CompaniesHouseNumber: "01234567"}, Identifiers{}, []string{"companies_house_number"}},
		{"a trust's code beginning R", Provider, Identifiers{LegalForm: FormNHSTrust, ODSCode: "rye"}, Identifiers{LegalForm: FormNHSTrust, ODSCode: "RYE"}, nil},
		{"a trust's code not beginning R", Provider, Identifiers{LegalForm: FormNHSTrust, ODSCode: "09W"}, Identifiers{}, []string{"ods_code"}},
		{"a trust's code of 5 characters (a site, not the trust)", Provider, Identifiers{LegalForm: FormNHSTrust, ODSCode: "RYE01"}, Identifiers{}, []string{"ods_code"}},
		{"a company of England and Wales", Provider, Identifiers{LegalForm: FormCompany, CompaniesHouseNumber: "01234567"}, Identifiers{LegalForm: FormCompany, CompaniesHouseNumber: "01234567"}, nil},
		{"a Scottish company", Provider, Identifiers{LegalForm: FormCompany, CompaniesHouseNumber: "sc123456"}, Identifiers{LegalForm: FormCompany, CompaniesHouseNumber: "SC123456"}, nil},
		{"a company number of 7 digits", Provider, Identifiers{LegalForm: FormCompany, CompaniesHouseNumber: "1234567"}, Identifiers{}, []string{"companies_house_number"}},
		{"a company without its number", Provider, Identifiers{LegalForm: FormCompany}, Identifiers{}, []string{"companies_house_number"}},
		{"a company with a charity number", Provider, Identifiers{LegalForm: FormCompany, CompaniesHouseNumber: "01234567", CharityNumber: "1123456"}, Identifiers{}, []string{"charity_number"}},
		{"a CIC that is also a charity", Provider, Identifiers{LegalForm: FormCIC, CompaniesHouseNumber: "09876543", CharityNumber: "1123456"}, Identifiers{LegalForm: FormCIC, CompaniesHouseNumber: "09876543", CharityNumber: "1123456"}, nil},
		{"a CIC without its company number", Provider, Identifiers{LegalForm: FormCIC, CharityNumber: "1123456"}, Identifiers{}, []string{"companies_house_number"}},
		{"a charity of England and Wales", Healthwatch, Identifiers{LegalForm: FormCharity, CharityNumber: "1123456"}, Identifiers{LegalForm: FormCharity, CharityNumber: "1123456"}, nil},
		{"a Scottish charity", Provider, Identifiers{LegalForm: FormCharity, CharityNumber: "SC012345"}, Identifiers{LegalForm: FormCharity, CharityNumber: "SC012345"}, nil},
		{"a Northern Irish charity", Provider, Identifiers{LegalForm: FormCharity, CharityNumber: "NIC100002"}, Identifiers{LegalForm: FormCharity, CharityNumber: "NIC100002"}, nil},
		{"a charity number of letters", Provider, Identifiers{LegalForm: FormCharity, CharityNumber: "ABCDEF"}, Identifiers{}, []string{"charity_number"}},
		{"a partnership needs no number", Provider, Identifiers{LegalForm: FormPartnership}, Identifiers{LegalForm: FormPartnership}, nil},
		{"a partnership with an ODS code", Provider, Identifiers{LegalForm: FormPartnership, ODSCode: "RYE"}, Identifiers{}, []string{"ods_code"}},
		{"Healthwatch as an NHS trust", Healthwatch, Identifiers{LegalForm: FormNHSTrust, ODSCode: "RYE"}, Identifiers{}, []string{"legal_form"}},
		{"no legal form", Provider, Identifiers{}, Identifiers{}, []string{"legal_form"}},
		{"a platform organisation is never created", Platform, Identifiers{}, Identifiers{}, []string{"legal_form"}},
		{"several wrong at once", Provider, Identifiers{LegalForm: FormCIC, CompaniesHouseNumber: "X", CharityNumber: "Y", ODSCode: "R"}, Identifiers{}, []string{"charity_number", "companies_house_number", "ods_code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msgs := CheckIdentifiers(tt.kind, tt.in)
			fields := slices.Sorted(maps.Keys(msgs))
			if !slices.Equal(fields, tt.refused) {
				t.Fatalf("refused %v (%v), want %v", fields, msgs, tt.refused)
			}
			if len(tt.refused) == 0 && got != tt.want {
				t.Errorf("normalised to %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestADeactivatedOrSuspendedOrganisationsPeopleMayNotSignIn(t *testing.T) {
	var o Organisation
	if SignInRefusal(o) != "" {
		t.Error("an active organisation is refused")
	}
	now := o.CreatedAt
	o.SuspendedAt = &now
	if o.Status() != StatusSuspended || SignInRefusal(o) == "" {
		t.Error("a suspended organisation is not refused")
	}
	o.DeactivatedAt = &now
	if o.Status() != StatusDeactivated || SignInRefusal(o) == "" {
		t.Error("a deactivated organisation is not refused")
	}
}
