package notices

import (
	"fmt"
	"strings"
	"time"

	"golive/lots"
)

// The OCDS 1.1 release as golive fills it: only the fields it publishes. Field names are the
// standard's; the lots extension adds tender.lots and award.relatedLots, the bid extension
// bids.statistics.

type Release struct {
	OCID           string      `json:"ocid"`
	ID             string      `json:"id"`
	Date           string      `json:"date"`
	Tag            []string    `json:"tag"`
	InitiationType string      `json:"initiationType"`
	Language       string      `json:"language,omitempty"`
	Parties        []Party     `json:"parties,omitempty"`
	Buyer          *OrgRef     `json:"buyer,omitempty"`
	Tender         *Tender     `json:"tender,omitempty"`
	Awards         []AwardJSON `json:"awards,omitempty"`
	Contracts      []ContractJ `json:"contracts,omitempty"`
	Bids           *Bids       `json:"bids,omitempty"`
}

type Party struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Roles      []string    `json:"roles"`
}

type Identifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName,omitempty"`
}

type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type Value struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

type Period struct {
	StartDate      string `json:"startDate,omitempty"`
	EndDate        string `json:"endDate,omitempty"`
	DurationInDays int    `json:"durationInDays,omitempty"`
}

type Tender struct {
	ID                       string   `json:"id"`
	Title                    string   `json:"title,omitempty"`
	Description              string   `json:"description,omitempty"`
	Status                   string   `json:"status,omitempty"`
	ProcuringEntity          *OrgRef  `json:"procuringEntity,omitempty"`
	Value                    *Value   `json:"value,omitempty"`
	ProcurementMethod        string   `json:"procurementMethod,omitempty"`
	ProcurementMethodDetails string   `json:"procurementMethodDetails,omitempty"`
	MainProcurementCategory  string   `json:"mainProcurementCategory,omitempty"`
	TenderPeriod             *Period  `json:"tenderPeriod,omitempty"`
	EnquiryPeriod            *Period  `json:"enquiryPeriod,omitempty"`
	ContractPeriod           *Period  `json:"contractPeriod,omitempty"`
	Lots                     []LotRef `json:"lots,omitempty"`
}

type LotRef struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Status      string `json:"status,omitempty"`
}

type AwardJSON struct {
	ID             string   `json:"id"`
	Title          string   `json:"title,omitempty"`
	Status         string   `json:"status,omitempty"`
	Date           string   `json:"date,omitempty"`
	Value          *Value   `json:"value,omitempty"`
	Suppliers      []OrgRef `json:"suppliers,omitempty"`
	ContractPeriod *Period  `json:"contractPeriod,omitempty"`
	RelatedLots    []string `json:"relatedLots,omitempty"`
}

type ContractJ struct {
	ID             string           `json:"id"`
	AwardID        string           `json:"awardID"`
	Title          string           `json:"title,omitempty"`
	Status         string           `json:"status,omitempty"`
	Period         *Period          `json:"period,omitempty"`
	Value          *Value           `json:"value,omitempty"`
	DateSigned     string           `json:"dateSigned,omitempty"`
	Implementation *ImplementationJ `json:"implementation,omitempty"`
}

type ImplementationJ struct {
	Milestones []Milestone `json:"milestones"`
}

type Milestone struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Type    string `json:"type"`
	DueDate string `json:"dueDate,omitempty"`
	DateMet string `json:"dateMet,omitempty"`
	Status  string `json:"status"`
}

type Bids struct {
	Statistics []Statistic `json:"statistics"`
}

// Statistic is the bid extension's aggregate: golive publishes the count of bids per lot only,
// never a bidder or a price.
type Statistic struct {
	ID         string  `json:"id"`
	Measure    string  `json:"measure"`
	Value      float64 `json:"value"`
	Date       string  `json:"date,omitempty"`
	RelatedLot string  `json:"relatedLot,omitempty"`
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// OCID is the contracting process's identifier: one per procurement, its lots included.
func OCID(prefix, procurementID string) string { return prefix + "-" + procurementID }

// partyID names an organisation in parties: by its ODS code (org-id.org's GB-NHS scheme) when it
// has one, otherwise by golive's id.
func partyID(o Org) string {
	if o.ODSCode != "" {
		return "GB-NHS-" + o.ODSCode
	}
	return "GB-GOLIVE-" + o.ID
}

func ref(o Org) *OrgRef { return &OrgRef{ID: partyID(o), Name: o.Name} }

func pounds(pence int64) *Value { return &Value{Amount: float64(pence) / 100, Currency: "GBP"} }

// parties lists the buyers (each participating commissioner), the lead as procuring entity, and
// the supplier when there is one, as tenderer and supplier: the only bidder ever named.
func parties(p Process, supplier *Org) []Party {
	var out []Party
	for _, b := range p.Buyers {
		pt := Party{ID: partyID(b), Name: b.Name, Roles: []string{"buyer"}}
		if b.ODSCode != "" {
			pt.Identifier = &Identifier{Scheme: "GB-NHS", ID: b.ODSCode, LegalName: b.Name}
		}
		if b.ID == p.Lead.ID {
			pt.Roles = append(pt.Roles, "procuringEntity")
		}
		out = append(out, pt)
	}
	if supplier != nil {
		pt := Party{ID: partyID(*supplier), Name: supplier.Name, Roles: []string{"tenderer", "supplier"}}
		if supplier.ODSCode != "" {
			pt.Identifier = &Identifier{Scheme: "GB-NHS", ID: supplier.ODSCode, LegalName: supplier.Name}
		}
		out = append(out, pt)
	}
	return out
}

// method maps golive's procedure to OCDS's closed procurementMethod codelist.
func method(procedure string) string {
	p := strings.ToLower(procedure)
	switch {
	case strings.Contains(p, "restricted"), strings.Contains(p, "dialogue"), strings.Contains(p, "flexible"):
		return "selective"
	case strings.Contains(p, "direct"), strings.Contains(p, "negotiated"):
		return "limited"
	}
	return "open"
}

// category: golive's procurements buy services (urgent care, or a platform run as a service).
func category(Process) string { return "services" }

func base(prefix string, p Process, tag []string, date time.Time, supplier *Org) Release {
	return Release{OCID: OCID(prefix, p.ProcurementID), Date: stamp(date), Tag: tag, InitiationType: "tender", Language: "en",
		Parties: parties(p, supplier), Buyer: ref(p.Lead)}
}

func lotIDOf(l Lot) string { return l.ID }

func contractPeriod(start time.Time, years int) *Period {
	if start.IsZero() {
		return nil
	}
	end := start.AddDate(years, 0, 0).Add(-time.Second)
	return &Period{StartDate: stamp(start), EndDate: stamp(end)}
}

// TenderRelease is the tender notice: the procurement, its lots and its timetable. No bidder.
func TenderRelease(prefix string, p Process) Release {
	date := time.Time{}
	if p.PublishedAt != nil {
		date = *p.PublishedAt
	}
	r := base(prefix, p, []string{"tender"}, date, nil)
	t := &Tender{ID: p.ProcurementID, Title: p.Title, Description: p.Description, Status: "active", ProcuringEntity: ref(p.Lead),
		ProcurementMethod: method(p.Procedure), ProcurementMethodDetails: p.Procedure + " (" + lots.RegimeNames[p.Regime] + ")",
		MainProcurementCategory: category(p),
		TenderPeriod:            &Period{StartDate: stamp(date), EndDate: stamp(p.SubmissionDeadline)},
		EnquiryPeriod:           &Period{StartDate: stamp(date), EndDate: stamp(p.ClarificationDeadline)},
		ContractPeriod:          contractPeriod(p.ContractStart, p.TermYears)}
	if p.PublishValue && p.EstimatedValuePence > 0 {
		t.Value = pounds(p.EstimatedValuePence)
	}
	for _, l := range p.Lots {
		t.Lots = append(t.Lots, LotRef{ID: lotIDOf(l), Title: fmt.Sprintf("Lot %d: %s", l.Number, l.Title), Description: l.Description, Status: "active"})
	}
	r.Tender = t
	return r
}

func awardID(lotID string) string    { return "award-" + lotID }
func contractID(lotID string) string { return "contract-" + lotID }

func lotTitle(p Process, lotID string) string {
	for _, l := range p.Lots {
		if l.ID == lotID {
			return fmt.Sprintf("Lot %d: %s", l.Number, l.Title)
		}
	}
	return ""
}

func bidStats(a Award) *Bids {
	return &Bids{Statistics: []Statistic{{ID: "bids-" + a.LotID, Measure: "bids", Value: float64(a.Bids), RelatedLot: a.LotID}}}
}

// AwardRelease is the award decision published at the start of standstill (the PSR's notice of
// intention to award, the Act's contract award notice): the preferred bidder and the number of
// bids, nothing of the others.
func AwardRelease(prefix string, p Process, a Award) Release {
	r := base(prefix, p, []string{"award"}, a.Decided, &a.Supplier)
	r.Tender = &Tender{ID: p.ProcurementID, Lots: []LotRef{{ID: a.LotID, Status: "active"}}}
	r.Awards = []AwardJSON{{ID: awardID(a.LotID), Title: lotTitle(p, a.LotID), Status: "pending", Date: stamp(a.Decided),
		Suppliers: []OrgRef{*ref(a.Supplier)}, RelatedLots: []string{a.LotID}}}
	r.Bids = bidStats(a)
	return r
}

// ContractRelease is the contract notice once the contract is awarded (the PSR's confirmation
// of award, the Act's contract details notice, the PCR 2015's contract award notice, which
// also carries the award since no award notice went before it).
func ContractRelease(prefix string, p Process, c Contract) Release {
	tag := []string{"awardUpdate", "contract"}
	if Title(KindAward, p.Regime) == "" {
		tag = []string{"award", "contract"}
	}
	r := base(prefix, p, tag, c.Signed, &c.Supplier)
	r.Tender = &Tender{ID: p.ProcurementID, Lots: []LotRef{{ID: c.LotID, Status: "complete"}}}
	aw := AwardJSON{ID: awardID(c.LotID), Title: lotTitle(p, c.LotID), Status: "active", Date: stamp(c.Decided),
		Suppliers: []OrgRef{*ref(c.Supplier)}, RelatedLots: []string{c.LotID}, ContractPeriod: contractPeriod(c.Start, c.TermYears)}
	ct := ContractJ{ID: contractID(c.LotID), AwardID: aw.ID, Title: c.Reference, Status: "active",
		Period: contractPeriod(c.Start, c.TermYears), DateSigned: stamp(c.Signed)}
	if p.PublishValue && c.ValuePence > 0 {
		aw.Value, ct.Value = pounds(c.ValuePence), pounds(c.ValuePence)
	}
	r.Awards, r.Contracts = []AwardJSON{aw}, []ContractJ{ct}
	r.Bids = bidStats(c.Award)
	return r
}

// ImplementationRelease is the contract's go-lives as implementation milestones: met when the
// phase went live, scheduled until then.
func ImplementationRelease(prefix string, p Process, im Implementation, date time.Time) Release {
	r := base(prefix, p, []string{"implementation"}, date, &im.Supplier)
	var ms []Milestone
	for _, ph := range im.Phases {
		m := Milestone{ID: "golive-" + ph.ID, Title: "Go-live: " + ph.Name, Type: "delivery", DueDate: stamp(ph.Due), Status: "scheduled"}
		if ph.LiveAt != nil {
			m.DateMet, m.Status = stamp(*ph.LiveAt), "met"
		}
		ms = append(ms, m)
	}
	r.Contracts = []ContractJ{{ID: contractID(im.LotID), AwardID: awardID(im.LotID), Title: im.Reference, Status: "active",
		Implementation: &ImplementationJ{Milestones: ms}}}
	return r
}
