// Package audit is golive's tamper-evident audit trail. A procurement can be challenged in court
// (PSR 2023 reviews, judicial review), so every change a service makes is recorded in the same
// transaction as the change, and the events form one SHA-256 hash chain: altering, removing or
// truncating rows is detected by Verify and named by sequence number and id.
//
// What the chain proves: that the rows are the ones appended, in order, with nothing removed.
// What it cannot prove on its own: that someone with write access did not rewrite the whole
// chain from some row onwards, head included. For that, publish the head hash printed by
// `golive audit verify` somewhere the database administrator cannot change (a signed email to
// the contracting authority, a ticket), and compare later.
package audit

import (
	"fmt"
	"time"
)

// Event is one stored row of the audit trail.
type Event struct {
	ID          string    `gorm:"column:id;primaryKey"`
	Seq         int64     `gorm:"column:seq"`
	At          time.Time `gorm:"column:at"`
	TenantID    string    `gorm:"column:tenant_id"` // the organisation whose data changed; "" platform-wide
	ActorUserID string    `gorm:"column:actor_user_id"`
	ActorOrgID  string    `gorm:"column:actor_org_id"`
	Action      string    `gorm:"column:action"` // e.g. "user.invited"
	ObjectType  string    `gorm:"column:object_type"`
	ObjectID    string    `gorm:"column:object_id"`
	Summary     string    `gorm:"column:summary"` // canonical JSON of the change, hashed byte for byte
	PrevHash    string    `gorm:"column:prev_hash"`
	Hash        string    `gorm:"column:hash"`
	// SealedUnder is the procurement whose opening lifts this event's seal ("" when not sealed).
	// It is set at insert time and is not hashed: sealing is who may read, not what happened.
	SealedUnder string `gorm:"column:sealed_under"`
}

// TableName is the audit_events table of migration 00003.
func (Event) TableName() string { return "audit_events" }

// Head is the tip of the chain: the last sequence number handed out and its event's hash.
type Head struct {
	Seq  int64
	Hash string
}

// Entry is what a service records: Record adds the sequence, time, id and hashes.
type Entry struct {
	ActorUserID string
	ActorOrgID  string
	TenantID    string // the organisation whose data changed; "" for platform-wide changes
	Action      string // verb phrase namespaced by object, e.g. "user.invited", "lot.opened"
	ObjectType  string
	ObjectID    string
	// Summary is what changed (before/after values, reasons). It is stored as canonical JSON, so
	// it must marshal; never put secrets or bid prices not yet opened in it.
	Summary map[string]any
	// SealedUnder, a procurement id, seals the event until that procurement's bids are opened
	// (Unseal): until then only the actor's own organisation reads it. A bidder's events are
	// recorded in the commissioner's trail, and even that a provider bid, or when, is sealed.
	SealedUnder string
}

// Filter narrows a listing. Zero fields do not filter. From is inclusive, To exclusive.
type Filter struct {
	ObjectType string
	ObjectID   string
	UserID     string // the actor's user id (tenants answers who has an email address)
	From, To   time.Time
	Limit      int // 1 to MaxLimit; 0 means DefaultLimit
	Offset     int
}

const (
	// DefaultLimit is a page of the audit log.
	DefaultLimit = 50
	// MaxLimit bounds one API request.
	MaxLimit = 500
)

// ProblemKind is how the chain is broken.
type ProblemKind string

const (
	// Altered: a row's content no longer matches its hash (edited in place).
	Altered ProblemKind = "altered"
	// Missing: sequence numbers jump, so rows were deleted from the middle.
	Missing ProblemKind = "missing"
	// BrokenLink: a row's prev_hash is not the previous row's hash: the previous row was
	// rewritten with a recomputed hash, or this row's link was edited.
	BrokenLink ProblemKind = "broken_link"
	// TailDeleted: the head says more events were appended than the table holds.
	TailDeleted ProblemKind = "tail_deleted"
	// HeadMismatch: the last row's hash is not the head's: the last row was rewritten or the
	// head was edited.
	HeadMismatch ProblemKind = "head_mismatch"
	// Unchained: a row lies outside the chain (past the head, or seq below 1), so it was inserted
	// without taking the chain lock and no hash covers it.
	Unchained ProblemKind = "unchained"
)

// Problem names the first bad row of the chain.
type Problem struct {
	Kind   ProblemKind
	Seq    int64  // the sequence number of the row at fault (or the first one missing)
	ID     string // the row's id, when the row exists
	Detail string
}

func (p *Problem) Error() string {
	id := p.ID
	if id == "" {
		id = "(no row)"
	}
	return fmt.Sprintf("audit chain broken at seq %d id %s: %s: %s", p.Seq, id, p.Kind, p.Detail)
}

// Report is the outcome of verifying the stored chain.
type Report struct {
	Checked int64 // rows verified intact, in seq order, before any problem
	Head    Head
	Problem *Problem // nil when the chain is intact
}
