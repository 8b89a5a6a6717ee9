// Package award is the award of a lot (DOMAIN.md step 8), after its evaluation: the lead
// recommends a preferred bidder from the ranking; each participating commissioner's governing
// body decides on it (Part 2); once all have approved, standstill starts and every bidder is
// sent its letter; a bidder's representation pauses the award until the lead decides on it;
// under the PCR 2015 court proceedings suspend the contract; then the lead records the contract
// award, from which mobilisation starts.
//
// The award builds on evaluation (package golive/evaluation): it asks evaluation for the lot,
// who may see it and the ranking through exported Go, in one transaction with its own rows.
// evaluation never imports the award. The award owns the tables award_recommendations,
// award_approvals, representations, court_proceedings and contract_awards; nobody else queries
// them (mobilisation reads a contract through Service.ContractOf). Its states and transitions
// are plain Go in rules.go: the service's refusals, the award page's forms and the dashboard's
// tasks all come from CheckAction and NextActions there.
package award

import (
	"context"
	"time"

	"github.com/google/uuid"

	"golive/lots"
	"golive/tenants/access"
	"golive/ukclock"
)

// State is where a recommendation is, as stored.
type State string

const (
	Pending    State = "pending"    // waiting for the governing bodies
	Rejected   State = "rejected"   // a governing body rejected it: the lead may recommend again
	Standstill State = "standstill" // every governing body approved; letters sent
	Paused     State = "paused"     // a representation awaits the lead's decision
	Withdrawn  State = "withdrawn"  // a representation was upheld: the lead may recommend again
	Awarded    State = "awarded"    // the contract is awarded
)

// Live reports whether a recommendation in state s is the lot's current one: neither rejected
// nor withdrawn.
func (s State) Live() bool { return s != Rejected && s != Withdrawn }

// Recommendation is the lead's recommendation of a preferred bidder for a lot.
// AwardNotBefore is the later of the standstill end and any wait after a decision on a
// representation: the contract may be awarded from that instant.
type Recommendation struct {
	ID                  string `gorm:"primaryKey"`
	LotID               string
	ProcurementID       string
	BidderOrgID         string
	Reason              string
	Regime              lots.Regime
	State               State
	RecommendedBy       string
	RecommendedAt       time.Time
	StandstillStartedAt *time.Time
	StandstillEndsAt    *time.Time
	AwardNotBefore      *time.Time
}

// TableName: the award's, not a procurement's.
func (Recommendation) TableName() string { return "award_recommendations" }

// Approval is one participating commissioner's governing-body decision on a recommendation.
type Approval struct {
	RecommendationID string `gorm:"primaryKey"`
	OrgID            string `gorm:"primaryKey"`
	Decision         string // "approve" or "reject"
	Reason           string
	DecidedBy        string
	DecidedAt        time.Time
}

// TableName: lots has its own approvals, of the business case.
func (Approval) TableName() string { return "award_approvals" }

// Representation is a bidder's challenge made during standstill, with the lead's decision.
type Representation struct {
	ID               string `gorm:"primaryKey"`
	RecommendationID string
	BidderOrgID      string
	Text             string
	MadeBy           string
	MadeAt           time.Time
	Decision         *string // "upheld" or "rejected"; nil until decided
	DecisionReason   string
	DecidedBy        string
	DecidedAt        *time.Time
}

// TableName names the table whatever the type is called.
func (Representation) TableName() string { return "representations" }

// Contract is the contract a lot was awarded as: what mobilisation starts from.
type Contract struct {
	LotID             string `gorm:"primaryKey"`
	RecommendationID  string
	ProcurementID     string
	ProviderOrgID     string
	ContractReference string
	StartDate         time.Time
	TermYears         int
	ValuePence        int64
	AwardedBy         string
	AwardedAt         time.Time
}

// TableName: the contract awards.
func (Contract) TableName() string { return "contract_awards" }

// SuspensionEnd is how the automatic suspension of a contract by court proceedings ended
// (PCR 2015 reg. 95(1)): the court lifted it by an interim order, or the proceedings were
// determined, discontinued (or withdrawn), or otherwise disposed of (settled).
type SuspensionEnd string

const (
	SuspensionLifted        SuspensionEnd = "lifted"
	ProceedingsDetermined   SuspensionEnd = "determined"
	ProceedingsDiscontinued SuspensionEnd = "discontinued"
	ProceedingsSettled      SuspensionEnd = "settled"
)

// Proceeding is a claim form a bidder issued against the decision to award a lot, as the
// procurement lead recorded it, and how the suspension it brought ended (nil EndedOn: it runs).
// NotifiedOn and EndedOn are days: the start (00:00) of the UK day, stored in UTC.
type Proceeding struct {
	ID               string `gorm:"primaryKey"`
	RecommendationID string
	LotID            string
	ProcurementID    string
	ClaimantOrgID    string
	Court            string
	ClaimReference   string
	Note             string
	NotifiedOn       time.Time
	RecordedBy       string
	RecordedAt       time.Time
	EndedOn          *time.Time
	EndedHow         *SuspensionEnd
	EndNote          string
	EndedBy          string
	EndRecordedAt    *time.Time
}

// TableName: the proceedings are in court, not the portal's.
func (Proceeding) TableName() string { return "court_proceedings" }

// AfterContractFunc runs after a contract award has committed: mobilisation makes the lot's
// plan with it (cmd/golive wires it, so that the award need not import mobilisation). It cannot
// undo the award; a failure is its own to log, and the lead can make the plan later.
type AfterContractFunc func(ctx context.Context, a *access.Actor, lotID string)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func validID(id string) bool { _, err := uuid.Parse(id); return err == nil }

// ukDay names the last day of a period that ends at end (00:00 UK time of the next day).
func ukDay(end time.Time) string {
	return "midnight at the end of " + end.In(ukclock.London).Add(-time.Minute).Format("Monday 2 January 2006") + " (UK time)"
}
