// Package record assembles the record of a procurement's decision (record.zip): what a losing
// bidder's lawyer, the PSR's Independent Patient Choice and Procurement Panel or a court asks for
// (PSR regulation 24, see DOMAIN.md "Records"), in one archive that proves itself.
//
// The archive is built from sections that the packages owning the data export (lots: timeline,
// governing-body decisions, opening log; evaluation: declarations, scores, moderation, ranking,
// price formula; award: letters, representations and decisions), plus the audit events of the
// procurement and the audit chain's head, which this package reads through audit. A new kind of
// document (the public notices, say) is one more Provider. Every file is listed in
// manifest.json with its SHA-256; the audit events carry their chain hashes, so `golive record
// verify` can check both the archive and that its events are still those of the running chain.
package record

import (
	"context"

	"golive/tenants/access"
)

// File is one document of a section, as it goes into the archive.
type File struct {
	Name  string // within the section's folder: "decisions.csv"
	Title string // as the index page lists it
	Body  []byte
	// Answers are the items of regulation 24 the file records.
	Answers []Item
}

// Section is a part of the record one package owns: a folder of files in the archive.
type Section struct {
	Key   string // the folder, short and stable: "procurement", "evaluation/lot-1"
	Title string
	About string // a sentence for the index page: what the files hold
	Files []File
}

// Header is the procurement a record is of, from the package that owns procurements.
type Header struct {
	ProcurementID string
	Title         string
	Reference     string
	Regime        string // "psr2024", "pcr2015" …
	LeadOrgID     string
	LeadOrg       string // its name
	// ObjectIDs are the ids the procurement's audit events name as their object: the procurement
	// itself, its lots, questions, documents, clarifications, submissions …
	ObjectIDs []string
}

// Headers answers the procurement a record is of, and decides who may export it: it fails with
// apperr NotFound or Forbidden for anyone who may not.
type Headers interface {
	RecordHeader(ctx context.Context, a *access.Actor, procurementID string) (Header, error)
}

// Provider exports its package's sections of a procurement's record. Providers check the actor
// again (lots.CanKeepRecord), so that none can be called to read around the rule.
type Provider interface {
	RecordSections(ctx context.Context, a *access.Actor, procurementID string) ([]Section, error)
}
