// Package notices publishes a procurement's public notices (tender, award, contract, and the
// implementation up to go-live), each as an Open Contracting Data Standard 1.1 release, and
// serves them to anyone without signing in: the /notices pages, an Atom feed, and the OCDS
// release packages and records under /api/v1/ocds.
//
// A release is stored once, as the JSON published, and never rewritten: a correction is a new
// release of the same ocid, and a record merges a contracting process's releases. What goes in
// a release is decided here (ocds.go), from facts the lifecycle services' hooks hand over through
// Source (cmd/golive wires it), so that lots, evaluation and mobilisation never import this
// package. Nothing confidential is ever in a notice: no losing bidder, no price, no score, no
// private document; before award, no bidder at all; values only when the lead chose to publish
// them (lots.Procurement.PublishValue).
package notices

import (
	"context"
	"time"

	"golive/lots"
)

// Kind is which notice a release is.
type Kind string

const (
	KindTender         Kind = "tender"
	KindAward          Kind = "award"
	KindContract       Kind = "contract"
	KindImplementation Kind = "implementation"
)

// Title names a notice of kind k under regime r as the law calls it; "" when the regime
// publishes no such notice (the PCR 2015's award decision is told to bidders in letters only,
// and its contract award notice follows the contract).
func Title(k Kind, r lots.Regime) string {
	switch k {
	case KindTender:
		if r == lots.PA2023 {
			return "Tender notice"
		}
		return "Contract notice"
	case KindAward:
		switch r {
		case lots.PSR2024:
			return "Notice of intention to award"
		case lots.PA2023:
			return "Contract award notice"
		}
		return ""
	case KindContract:
		switch r {
		case lots.PSR2024:
			return "Confirmation of award notice"
		case lots.PA2023:
			return "Contract details notice"
		}
		return "Contract award notice"
	case KindImplementation:
		return "Go-live update"
	}
	return ""
}

// Notice is one stored release and what the public pages list of it. Body is the release
// exactly as published; no code updates or deletes a row (the table is ocds_releases).
type Notice struct {
	ID            string `gorm:"primaryKey"` // the release id
	OCID          string `gorm:"column:ocid"`
	Seq           int64  // publication order, across all processes
	ProcurementID string
	LotID         string
	Kind          Kind
	Regime        lots.Regime
	Title         string
	Buyer         string // the lead commissioner's name, for lists
	SearchText    string // lower case: what the search matches
	PublishedAt   time.Time
	Body          string
}

// TableName: the releases.
func (Notice) TableName() string { return "ocds_releases" }

// Org is an organisation as a notice names it.
type Org struct {
	ID, Name string
	ODSCode  string // NHS Organisation Data Service code, "" when none
}

// Process is what every notice of a procurement says of it.
type Process struct {
	ProcurementID         string
	Title, Reference      string
	Description           string
	Procedure             string
	Regime                lots.Regime
	Lead                  Org
	Buyers                []Org // every participating commissioner, the lead included
	PublishedAt           *time.Time
	ClarificationDeadline time.Time
	SubmissionDeadline    time.Time
	ContractStart         time.Time
	TermYears             int
	EstimatedValuePence   int64
	PublishValue          bool
	Lots                  []Lot
}

// Lot is a lot as notices name it.
type Lot struct {
	ID          string
	Number      int
	Title       string
	Description string
}

// Award is a lot's award decision once standstill has started: the preferred bidder only,
// and how many bids the lot had, never who the others were.
type Award struct {
	LotID          string
	Supplier       Org
	Decided        time.Time // the standstill started (the notice's date)
	StandstillEnds time.Time
	Bids           int
}

// Contract is a lot's contract once awarded.
type Contract struct {
	Award
	Reference  string
	Signed     time.Time
	Start      time.Time
	TermYears  int
	ValuePence int64
}

// GoLive is a phase of a contract's mobilisation.
type GoLive struct {
	ID     string
	Name   string
	Due    time.Time
	LiveAt *time.Time
}

// Implementation is a contract's go-lives, for the implementation notice.
type Implementation struct {
	Contract
	Phases []GoLive
}

// Source is what notices read of the lifecycle, without an actor: cmd/golive implements it on
// the owners' exported reads. A nil result with no error means "nothing to publish yet".
type Source interface {
	Process(ctx context.Context, procurementID string) (Process, error)
	ProcurementOfLot(ctx context.Context, lotID string) (string, error)
	Award(ctx context.Context, lotID string) (*Award, error)
	Contract(ctx context.Context, lotID string) (*Contract, error)
	Implementation(ctx context.Context, lotID string) (*Implementation, error)
}
