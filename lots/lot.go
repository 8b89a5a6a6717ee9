// Package lots is the first half of a procurement's life (DOMAIN.md steps 1 to 5): a joint
// procurement of several commissioners, its lots, sites and go-live phases, the questionnaire,
// each governing body's business case decision, publication to bidders, anonymous
// clarifications and addenda, sealed submissions, and the two-person opening.
package lots

import "time"

// State is where a procurement is in its life.
type State string

const (
	Draft            State = "draft"
	AwaitingApproval State = "awaiting_approval" // business case with the governing bodies
	Rejected         State = "rejected"          // a governing body said no: it does not go ahead as it stands
	Published        State = "published"         // open to bidders until the submission deadline
	Closed           State = "closed"            // deadline passed, not yet opened (derived from the clock)
	OpeningStarted   State = "opening"           // one person has started the opening; a second must confirm
	Opened           State = "opened"            // responses readable by the evaluation
	Cancelled        State = "cancelled"
)

// Regime is the procurement law the procurement runs under; it decides standstill later, and
// which notices are published (package notices).
type Regime string

const (
	PCR2015 Regime = "pcr2015" // Public Contracts Regulations 2015: only what began before 24 February 2025
	PSR2024 Regime = "psr2024" // Provider Selection Regime: health care services, since 1 January 2024
	PA2023  Regime = "pa2023"  // Procurement Act 2023: other goods and services, begun on or after 24 February 2025
)

// RegimeNames name the regimes for people.
var RegimeNames = map[Regime]string{
	PCR2015: "Public Contracts Regulations 2015",
	PSR2024: "Provider Selection Regime",
	PA2023:  "Procurement Act 2023",
}

// Procurement is one tender, led by one commissioner on behalf of the participating ones.
type Procurement struct {
	ID             string `gorm:"primaryKey"`
	LeadOrgID      string // the tenant that runs it
	Title          string
	Reference      string
	Regime         Regime
	Procedure      string // open, restricted, competitive dialogue, competitive flexible, PSR competitive process
	Description    string
	TermYears      int
	ExtensionYears int
	// EstimatedValuePence is commercially sensitive: only commissioner roles allowed see it.
	EstimatedValuePence int64
	// PublishValue is the lead's choice to publish the estimated and contract values in the
	// public notices; off, the notices say nothing of value (Bedfordshire declined to give it).
	PublishValue          bool
	State                 State
	ClarificationDeadline time.Time
	SubmissionDeadline    time.Time
	EvaluationStart       time.Time
	AwardDate             time.Time
	ContractStart         time.Time
	// WrappedKey is the procurement's data key, sealed with the service's secret key.
	WrappedKey  []byte
	KeyID       string // of the secret wrapping WrappedKey (seal.go); "" if wrapped before key ids
	CreatedBy   string
	CreatedAt   time.Time `gorm:"autoCreateTime:false"` // the service's clock, not GORM's
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
	PublishedAt *time.Time
}

// Participant is a commissioner taking part in a procurement: its users see it, its
// governing body decides on it.
type Participant struct {
	ProcurementID string `gorm:"primaryKey"`
	OrgID         string `gorm:"primaryKey"`
	OrgName       string `gorm:"-"` // from tenants' directory (Store.Participants); not a column
}

// Lot is a part of a procurement contracted separately.
type Lot struct {
	ID            string `gorm:"primaryKey"`
	ProcurementID string
	Number        int
	Title         string
	ServiceTypes  string // comma-separated ServiceType keys
	Description   string
	Participants  []string `gorm:"-"` // org ids: a subset of the procurement's
}

// Service types a lot can cover.
var ServiceTypes = []string{"nhs111", "cas", "utc", "gp_ooh", "home_visits", "mobile_unit", "telephony"}

// ServiceNames label the service types for people.
var ServiceNames = map[string]string{
	"nhs111": "NHS 111", "cas": "Clinical assessment service", "utc": "Urgent treatment centre",
	"gp_ooh": "GP out of hours (base site)", "home_visits": "Out of hours home visits", "mobile_unit": "Mobile facility",
	"telephony": "Telephony platform",
}

// LotParticipant is one commissioner a lot covers.
type LotParticipant struct {
	LotID string `gorm:"primaryKey"`
	OrgID string `gorm:"primaryKey"`
}

// Site is where a lot's service is delivered.
type Site struct {
	ID      string `gorm:"primaryKey"`
	LotID   string
	OrgID   string // the commissioner whose area it serves
	Name    string
	Address string
}

// Phase is a go-live of some of a lot's services at some of its sites.
type Phase struct {
	ID      string `gorm:"primaryKey"`
	LotID   string
	Name    string
	Service string // a ServiceType key
	SiteID  string // "" when the phase covers the whole lot
	GoLive  time.Time
}

// QuestionKind is how a question is answered and marked.
type QuestionKind string

const (
	Scored   QuestionKind = "scored"    // on a scale with descriptors, e.g. 0 to 4
	PassFail QuestionKind = "pass_fail" // a fail excludes the bid
	Price    QuestionKind = "price"     // the price schedule, per contract year
)

// Panel is who scores a question.
type Panel string

const (
	Clinical Panel = "clinical"
	Patient  Panel = "patient" // patient experience: Healthwatch
	Finance  Panel = "finance"
)

// Section groups questions of a lot's questionnaire.
type Section struct {
	ID       string `gorm:"primaryKey"`
	LotID    string
	Position int
	Title    string
}

// Question is one question of a lot's questionnaire. Weights are basis points of the lot's
// total (10,000 = 100 %), integers so that they add up exactly.
type Question struct {
	ID        string `gorm:"primaryKey"`
	LotID     string
	SectionID string
	Position  int
	Number    string // "2.3"
	Text      string
	Guidance  string
	Kind      QuestionKind
	WeightBP  int `gorm:"column:weight_bp"`
	MaxScore  int // top of the scale, e.g. 4
	MinScore  int // the threshold: a consensus below it fails the bid
	WordLimit int // 0 = none
	Panel     Panel
}

// Approval is one governing body's decision on the business case.
type Approval struct {
	ProcurementID string `gorm:"primaryKey"`
	OrgID         string `gorm:"primaryKey"`
	Decision      string // approve or reject
	MeetingDate   time.Time
	MinuteRef     string
	Part2         bool // taken in the private part of the meeting
	Reason        string
	DecidedBy     string
	DecidedAt     time.Time
}

// Document is a file published with a procurement (specification, contract, addendum).
type Document struct {
	ID            string `gorm:"primaryKey"`
	ProcurementID string
	Kind          string // specification, contract, questionnaire, other
	Name          string
	ContentType   string
	Size          int64
	SHA256        string `gorm:"column:sha256"`
	// Content is kept in the database, not on one machine's disk, so any serve process can send it.
	Content    []byte `json:"-"`
	AddendumID string
	UploadedBy string
	UploadedAt time.Time
}

// Interest is a provider's registration for a published procurement.
type Interest struct {
	ProcurementID string `gorm:"primaryKey"`
	ProviderOrgID string `gorm:"primaryKey"`
	RegisteredBy  string
	RegisteredAt  time.Time
	ContactEmail  string
}

// Clarification is a bidder's private question; its answer is published to every registered
// bidder without saying who asked.
type Clarification struct {
	ID            string `gorm:"primaryKey"`
	ProcurementID string
	Number        int
	AskerOrgID    string // never shown to other bidders
	AskedBy       string
	Question      string
	AskedAt       time.Time
	Answer        string
	AnsweredBy    string
	PublishedAt   *time.Time
}

// Addendum is a published change: to documents, the questionnaire or the deadlines.
type Addendum struct {
	ID                    string `gorm:"primaryKey"`
	ProcurementID         string
	Number                int
	Title                 string
	Body                  string
	ChangesResponses      bool // the questionnaire or documents changed: submitted responses need re-confirming
	NewSubmissionDeadline *time.Time
	PublishedBy           string
	PublishedAt           time.Time
}

// TableName: GORM would say "addendums".
func (Addendum) TableName() string { return "addenda" }

// SubmissionState is where a bidder's response to a lot is.
type SubmissionState string

const (
	SubDraft     SubmissionState = "draft"
	SubSubmitted SubmissionState = "submitted"
	SubWithdrawn SubmissionState = "withdrawn"
)

// Submission is one version of a bidder's response to one lot. Answers and the price schedule
// are sealed separately (two envelopes); the database holds only ciphertext.
type Submission struct {
	ID             string `gorm:"primaryKey"`
	ProcurementID  string
	LotID          string
	BidderOrgID    string
	Version        int
	State          SubmissionState
	Partners       string // comma-separated member organisation names of a partnership; "" alone
	AnswersSealed  []byte // AES-256-GCM of the answers JSON under the procurement's key
	PriceSealed    []byte // the price envelope, opened only after quality moderation
	ContentSHA256  string `gorm:"column:content_sha256"` // of the canonical plaintext, for the receipt
	NeedsReconfirm bool
	CreatedBy      string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt      time.Time `gorm:"autoUpdateTime:false"`
	SubmittedBy    string
	SubmittedAt    *time.Time
}

// Answer is a bidder's answer to one question.
type Answer struct {
	QuestionID string `json:"question_id"`
	Text       string `json:"text"`
}

// PriceYear is one contract year of a price schedule, in pence.
type PriceYear struct {
	Year  int   `json:"year"`
	Pence int64 `json:"pence"`
}

// Content is what a submission seals: the quality answers; the price goes in its own envelope.
type Content struct {
	Answers []Answer    `json:"answers"`
	Prices  []PriceYear `json:"prices,omitempty"`
	// Attachments are sealed one by one (attachments.go); the receipt covers their names and hashes.
	Attachments []AttachmentRef `json:"attachments,omitempty"`
}

// Opening records who opened a procurement's quality envelopes: two different people.
type Opening struct {
	ProcurementID string `gorm:"primaryKey"`
	StartedBy     string
	StartedAt     time.Time
	ConfirmedBy   string
	ConfirmedAt   *time.Time
}
