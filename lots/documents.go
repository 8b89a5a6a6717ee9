package lots

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"golive/apperr"
	"golive/tenants/access"
)

// MaxDocumentSize is the largest document a procurement can publish.
const MaxDocumentSize = 20 << 20

// documentTypes are what commissioners publish: the type is sniffed from the content, never
// taken from the name or the browser's word.
var documentTypes = map[string]string{
	"application/pdf": ".pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
	"application/vnd.oasis.opendocument.text":                                 ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                          ".ods",
	"text/plain": ".txt",
}

// DocumentKinds are what a document is for.
var DocumentKinds = []string{"specification", "contract", "questionnaire", "pricing", "other"}

// DocumentKindNames are the kinds as people read them.
var DocumentKindNames = map[string]string{"specification": "Service specification", "contract": "Contract",
	"questionnaire": "Questionnaire", "pricing": "Pricing schedule", "other": "Other"}

// KindName is the document's kind as people read it.
func (d Document) KindName() string {
	if n, ok := DocumentKindNames[d.Kind]; ok {
		return n
	}
	return d.Kind
}

// CheckDocument returns the content type of an acceptable document, or per-field messages.
func CheckDocument(name, kind string, content []byte) (string, map[string]string) {
	f := map[string]string{}
	if len(content) == 0 {
		f["file"] = "Select a file to upload"
	} else if len(content) > MaxDocumentSize {
		f["file"] = "The file must be smaller than 20 MB"
	}
	if strings.TrimSpace(name) == "" || len(name) > 200 || strings.ContainsAny(name, "/\\\x00") {
		f["file"] = "The file name must be 200 characters or fewer, without slashes"
	}
	ok := false
	for _, k := range DocumentKinds {
		ok = ok || k == kind
	}
	if !ok {
		f["kind"] = "Select what the document is"
	}
	if len(f) > 0 {
		return "", f
	}
	mt := mimetype.Detect(content)
	for m := mt; m != nil; m = m.Parent() {
		base := strings.SplitN(m.String(), ";", 2)[0]
		if _, ok := documentTypes[base]; ok {
			if base == "text/plain" && !strings.HasPrefix(mt.String(), "text/plain") {
				break // HTML, SVG, scripts: text, but not documents to hand to bidders
			}
			return strings.SplitN(mt.String(), ";", 2)[0], nil
		}
	}
	return "", map[string]string{"file": "The file must be a PDF, Word, Excel, OpenDocument or plain text document"}
}

// UploadDocument publishes a document with a procurement; allowed until it is opened.
func (s *Service) UploadDocument(ctx context.Context, a *access.Actor, id, kind, name string, content []byte) (Document, error) {
	name = filepath.Base(strings.TrimSpace(name))
	ct, f := CheckDocument(name, kind, content)
	if len(f) > 0 {
		return Document{}, apperr.InvalidFields(f)
	}
	sum := sha256.Sum256(content)
	var d Document
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, id, "")
		if err != nil {
			return err
		}
		if st := EffectiveState(p, nil, s.Now()); st != Draft && st != AwaitingApproval && st != Published && st != Rejected {
			return apperr.Conflictf("Documents can no longer be added: the procurement is %s", strings.ReplaceAll(string(st), "_", " "))
		}
		d = Document{ID: newID(), ProcurementID: p.ID, Kind: kind, Name: name, ContentType: ct, Size: int64(len(content)),
			SHA256: hex.EncodeToString(sum[:]), Content: content, UploadedBy: a.UserID, UploadedAt: s.Now()}
		if err := tx.AddDocument(ctx, &d); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "document.uploaded", "document", d.ID,
			map[string]any{"procurement": p.ID, "name": d.Name, "sha256": d.SHA256, "size": d.Size}))
	})
	d.Content = nil
	return d, err
}

// Document returns a document for a commissioner who takes part.
func (s *Service) Document(ctx context.Context, id, docID string) (Document, error) {
	if !validID(id) || !validID(docID) {
		return Document{}, apperr.NotFoundf("Document not found")
	}
	if _, err := s.Store.Procurement(ctx, id); err != nil {
		return Document{}, err
	}
	return s.Store.Document(ctx, id, docID)
}

// OpportunityDocument returns a document of a published procurement, for a provider.
func (s *Service) OpportunityDocument(ctx context.Context, id, docID string) (Document, error) {
	if !validID(id) || !validID(docID) {
		return Document{}, apperr.NotFoundf("Document not found")
	}
	if _, err := s.Store.Opportunity(ctx, id); err != nil {
		return Document{}, err
	}
	return s.Store.Document(ctx, id, docID)
}
