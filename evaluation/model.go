package evaluation

import "time"

// PanelMember is an evaluator on a lot's panel: a participating commissioner's evaluator, or a
// Healthwatch evaluator invited to score the patient questions. SubmittedAt locks their scores.
type PanelMember struct {
	LotID         string `gorm:"primaryKey"`
	UserID        string `gorm:"primaryKey"`
	ProcurementID string
	OrgID         string
	Healthwatch   bool
	AddedBy       string
	AddedAt       time.Time
	SubmittedAt   *time.Time
}

// Assignment is a question an evaluator scores.
type Assignment struct {
	LotID      string `gorm:"primaryKey"`
	UserID     string `gorm:"primaryKey"`
	QuestionID string `gorm:"primaryKey"`
}

// TableName keeps assignments with the panel.
func (Assignment) TableName() string { return "panel_assignments" }

// Interest is what an evaluator declares about a bidder.
type Interest string

const (
	NoInterest Interest = "none"
	Conflicted Interest = "conflict" // the evaluator neither reads nor scores that bidder
)

// Declaration is an evaluator's declaration of interest about one bidder of the lot.
type Declaration struct {
	LotID       string `gorm:"primaryKey"`
	UserID      string `gorm:"primaryKey"`
	BidderOrgID string `gorm:"primaryKey"`
	Decision    Interest
	Reason      string
	DeclaredAt  time.Time
}

// IndividualScore is one evaluator's own mark of one question for one bidder: Score on a
// scored question, Passed on a pass/fail one. Nobody else sees it before moderation.
type IndividualScore struct {
	LotID       string `gorm:"primaryKey"`
	UserID      string `gorm:"primaryKey"`
	QuestionID  string `gorm:"primaryKey"`
	BidderOrgID string `gorm:"primaryKey"`
	Score       *int
	Passed      *bool
	Rationale   string
	RecordedAt  time.Time
}

// TableName: the table holds the individual scores.
func (IndividualScore) TableName() string { return "scores" }

// Moderation records that moderation of a question has started.
type Moderation struct {
	LotID      string `gorm:"primaryKey"`
	QuestionID string `gorm:"primaryKey"`
	StartedBy  string
	StartedAt  time.Time
}

// Consensus is the moderated mark of one question for one bidder.
type Consensus struct {
	LotID       string `gorm:"primaryKey"`
	QuestionID  string `gorm:"primaryKey"`
	BidderOrgID string `gorm:"primaryKey"`
	Score       *int
	Passed      *bool
	Rationale   string
	RecordedBy  string
	RecordedAt  time.Time
}

// TableName: GORM would not pluralise it usefully.
func (Consensus) TableName() string { return "consensus_scores" }

// LotEvaluation holds a lot's evaluation milestones. QualityModeratedAt set means every
// quality question has a consensus for every bidder: the price envelope may be opened.
type LotEvaluation struct {
	LotID              string `gorm:"primaryKey"`
	ProcurementID      string
	QualityModeratedAt *time.Time
	QualityModeratedBy string
}
