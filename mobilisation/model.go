// Package mobilisation follows an awarded contract to go-live (DOMAIN.md step 9): a plan per
// contract with a phase per go-live, milestones by workstream with owners, due days and
// dependencies, the provider's progress and evidence, the commissioner's acceptance, RAG status
// and a forecast go-live from the critical path, the go/no-go gate, and reminders sent at most
// once and never lost.
package mobilisation

import "time"

// OwnerSide is which side of the contract owns a milestone.
type OwnerSide string

const (
	Commissioner OwnerSide = "commissioner"
	Provider     OwnerSide = "provider"
)

// Status is a milestone's reported state. Done needs the commissioner's acceptance.
type Status string

const (
	NotStarted Status = "not_started"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Blocked    Status = "blocked"
)

// PhaseState is where a phase is: mobilising until its go/no-go gate is passed, then live.
type PhaseState string

const (
	Mobilising PhaseState = "mobilising"
	Live       PhaseState = "live"
)

// Template is a named set of milestones due relative to a phase's go-live. OrgID "" is the
// platform's default; a commissioner edits its own copy.
type Template struct {
	ID        string `gorm:"primaryKey"`
	OrgID     string
	Name      string
	CreatedBy string
	CreatedAt time.Time
}

// TableName: templates of mobilisation plans.
func (Template) TableName() string { return "mobilisation_templates" }

// TemplateMilestone is a milestone of a template. OffsetDays is relative to the go-live day
// (negative: before it). DependsOn lists other keys of the same template, space-separated.
type TemplateMilestone struct {
	ID         string `gorm:"primaryKey"`
	TemplateID string
	Key        string
	Title      string
	Workstream string
	OwnerSide  OwnerSide
	OffsetDays int
	Critical   bool
	DependsOn  string
	Position   int
}

// Plan is the mobilisation of one awarded contract (one lot).
type Plan struct {
	ID                string `gorm:"primaryKey"`
	LotID             string
	ProcurementID     string
	LeadOrgID         string
	ProviderOrgID     string
	ContractReference string
	TemplateID        string
	LeadUserID        string // escalations go to them
	ReminderOffsets   string `gorm:"default:14,7,1"` // days before the due day, comma-separated
	EscalateAfterDays int    `gorm:"default:3"`
	CreatedBy         string
	CreatedAt         time.Time
}

// TableName: mobilisation plans.
func (Plan) TableName() string { return "mobilisation_plans" }

// Phase is a go-live of a plan: the lot's phases (sites, services) that go live together.
type Phase struct {
	ID       string `gorm:"primaryKey"`
	PlanID   string
	Name     string
	GoLive   time.Time
	Position int
	State    PhaseState `gorm:"default:mobilising"`
	LiveAt   *time.Time
	LiveBy   string
}

// TableName: the phases of plans.
func (Phase) TableName() string { return "plan_phases" }

// PhaseLotPhase links a plan phase to a lot phase it covers.
type PhaseLotPhase struct {
	PlanPhaseID string `gorm:"primaryKey"`
	LotPhaseID  string `gorm:"primaryKey"`
}

// TableName: the link of plan phases to lot phases.
func (PhaseLotPhase) TableName() string { return "plan_phase_lot_phases" }

// Milestone is a piece of mobilisation work with a due day (DueOn, "2006-01-02", a UK calendar
// day). Status is what its owner reports; it counts as done only once AcceptedAt is set.
type Milestone struct {
	ID                    string `gorm:"primaryKey"`
	PlanID                string
	PhaseID               string
	TemplateKey           string
	Title                 string
	Workstream            string
	OwnerSide             OwnerSide
	OwnerUserID           string
	DueOn                 string
	Status                Status `gorm:"default:not_started"`
	Critical              bool
	CompletionRequestedAt *time.Time
	CompletionRequestedBy string
	AcceptedAt            *time.Time
	AcceptedBy            string
	CompletedOn           string // the UK day it was accepted as done
	Position              int
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// Dependency says MilestoneID cannot finish before DependsOnID.
type Dependency struct {
	MilestoneID string `gorm:"primaryKey"`
	DependsOnID string `gorm:"primaryKey"`
}

// TableName: dependencies between milestones.
func (Dependency) TableName() string { return "milestone_dependencies" }

// Note is a progress update on a milestone, with the status change it made, if any.
type Note struct {
	ID          string `gorm:"primaryKey"`
	MilestoneID string
	AuthorID    string
	AuthorOrgID string
	Text        string
	StatusFrom  Status
	StatusTo    Status
	CreatedAt   time.Time
}

// TableName: progress notes on milestones.
func (Note) TableName() string { return "milestone_notes" }

// Evidence is a file attached to a milestone.
type Evidence struct {
	ID          string `gorm:"primaryKey"`
	MilestoneID string
	Name        string
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	Data        []byte
	UploadedBy  string
	UploadedAt  time.Time
}

// TableName: evidence files on milestones.
func (Evidence) TableName() string { return "milestone_evidence" }

// Decision is a go/no-go readiness decision.
type Decision string

const (
	Go   Decision = "go"
	NoGo Decision = "no_go"
)

// GoLiveDecision is one participating commissioner's approver's readiness decision on a phase.
type GoLiveDecision struct {
	PhaseID   string `gorm:"primaryKey"`
	OrgID     string `gorm:"primaryKey"`
	Decision  Decision
	Reason    string
	DecidedBy string
	DecidedAt time.Time
	// A go signed with critical milestones of the phase still open: how many, and the approver's
	// reason for going ahead (CheckAcknowledgement). 0 and "" otherwise.
	OpenCritical    int
	Acknowledgement string
}

// ReminderKind is what a reminder is about.
type ReminderKind string

const (
	DueSoon    ReminderKind = "due"        // an offset before the due day
	Overdue    ReminderKind = "overdue"    // daily per person while any of theirs is overdue, listing them
	Escalation ReminderKind = "escalation" // to the commissioner lead after N days overdue
	Digest     ReminderKind = "digest"     // weekly, per person; the only kind one can turn off
)

// ReminderState: scheduled → sending (claimed) → sent; or cancelled when it no longer applies.
type ReminderState string

const (
	Scheduled ReminderState = "scheduled"
	Sending   ReminderState = "sending"
	Sent      ReminderState = "sent"
	Cancelled ReminderState = "cancelled"
)

// Reminder is one message to one person, named by Key (unique; built in reminders.go): e.g.
// "due:<milestone>:2019-04-01:14:<user>", "overdue:2019-03-02:<user>",
// "escalation:<milestone>:2019-02-25:<lead>" (the due day it escalates), "digest:<user>:2019-W09".
// The due day in the due and escalation keys is why a moved due day gets reminders of its own.
type Reminder struct {
	ID          string `gorm:"primaryKey"`
	Key         string
	MilestoneID *string
	PlanID      *string
	UserID      string
	Kind        ReminderKind
	SendAt      time.Time
	State       ReminderState `gorm:"default:scheduled"`
	Attempts    int
	ClaimedAt   *time.Time
	SentAt      *time.Time
	MailID      string
	CreatedAt   time.Time
}

// InboxMessage is what a reminder said, in the person's in-app inbox.
type InboxMessage struct {
	ID         string `gorm:"primaryKey"`
	UserID     string
	ReminderID string
	Subject    string
	Body       string
	Link       string
	CreatedAt  time.Time
	ReadAt     *time.Time
}

// Preference is a person's reminder choice: the weekly digest on or off.
type Preference struct {
	UserID        string `gorm:"primaryKey"`
	DigestEnabled bool   `gorm:"default:true"`
	UpdatedAt     time.Time
}

// TableName: reminder preferences.
func (Preference) TableName() string { return "reminder_preferences" }

// CalendarFeed is a private iCalendar URL: only the token's hash is kept. PlanID "" is the
// person's own feed (every milestone they own).
type CalendarFeed struct {
	TokenSHA256 string `gorm:"primaryKey;column:token_sha256"`
	UserID      string
	PlanID      string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}
