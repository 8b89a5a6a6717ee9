package lots

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"golive/apperr"
	"golive/tenants/access"
)

// Attachment is a file a bidder attaches to one version of a response. Its content is sealed
// under the procurement's key like the answers; the name and SHA-256 go into the receipt.
type Attachment struct {
	ID            string `gorm:"primaryKey"`
	SubmissionID  string
	BidderOrgID   string
	Name          string
	ContentType   string
	Size          int64
	SHA256        string `gorm:"column:sha256"`
	ContentSealed []byte `json:"-"`
	UploadedBy    string
	UploadedAt    time.Time `gorm:"autoCreateTime:false"`
}

// TableName: the table says what the rows are for.
func (Attachment) TableName() string { return "response_attachments" }

// AttachmentRef is what a receipt covers of an attachment.
type AttachmentRef struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// MaxAttachments bounds the files of one response.
const MaxAttachments = 20

func refs(as []Attachment) []AttachmentRef {
	out := make([]AttachmentRef, len(as))
	for i, a := range as {
		out[i] = AttachmentRef{Name: a.Name, SHA256: a.SHA256}
	}
	return out
}

// The additional data binds an attachment's envelope to its bidder and content, so it can be
// carried into the bidder's next version but not into another bidder's response.
func attachmentAAD(bidder, sum string) string { return "attachment:" + bidder + ":" + sum }

// draftFor returns the bidder's draft of a lot to change, starting a new version (carrying the
// answers and attachments of the last one) when the latest is submitted or withdrawn.
func (s *Service) draftFor(ctx context.Context, tx *Store, a *access.Actor, p Procurement, l Lot) (Submission, error) {
	latest, err := tx.LatestSubmission(ctx, l.ID)
	if err != nil {
		return Submission{}, err
	}
	if latest != nil && latest.State == SubDraft {
		return *latest, nil
	}
	now := s.Now()
	sub := Submission{ID: newID(), ProcurementID: p.ID, LotID: l.ID, BidderOrgID: a.OrgID, Version: 1, State: SubDraft,
		CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	var c Content
	if latest != nil {
		sub.Version = latest.Version + 1
		if latest.State == SubSubmitted {
			sub.Partners = latest.Partners
			if c, err = s.unseal(p, *latest, true); err != nil {
				return sub, err
			}
		}
	}
	if err := s.seal(p, &sub, c); err != nil {
		return sub, err
	}
	if err := tx.SaveSubmission(ctx, &sub); err != nil {
		return sub, err
	}
	if latest != nil && latest.State == SubSubmitted {
		if err := tx.CopyAttachments(ctx, latest.ID, sub.ID, newID); err != nil {
			return sub, err
		}
	}
	return sub, nil
}

// AddAttachment attaches a file to the bidder's draft response to a lot, before the deadline.
func (s *Service) AddAttachment(ctx context.Context, a *access.Actor, lotID, name string, content []byte) (Attachment, error) {
	name = filepath.Base(strings.TrimSpace(name))
	ct, f := CheckDocument(name, "other", content)
	if len(f) > 0 {
		return Attachment{}, apperr.InvalidFields(f)
	}
	sum := sha256.Sum256(content)
	att := Attachment{ID: newID(), BidderOrgID: a.OrgID, Name: name, ContentType: ct, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: a.UserID}
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, _, err := s.bidderLot(ctx, tx, lotID)
		if err != nil {
			return err
		}
		sub, err := s.draftFor(ctx, tx, a, p, l)
		if err != nil {
			return err
		}
		existing, err := tx.Attachments(ctx, sub.ID)
		if err != nil {
			return err
		}
		if len(existing) >= MaxAttachments {
			return apperr.InvalidFields(map[string]string{"file": fmt.Sprintf("A response can have up to %d attachments", MaxAttachments)})
		}
		for _, e := range existing {
			if e.Name == name {
				return apperr.InvalidFields(map[string]string{"file": "There is already an attachment called " + name + ": remove it first"})
			}
		}
		key, err := s.dataKey(p)
		if err != nil {
			return err
		}
		if att.ContentSealed, err = Seal(key, content, attachmentAAD(a.OrgID, att.SHA256)); err != nil {
			return err
		}
		att.SubmissionID, att.UploadedAt = sub.ID, s.Now()
		if err := tx.AddAttachment(ctx, &att); err != nil {
			return err
		}
		return tx.Audit(ctx, s.sealedEntry(a, p, "submission.attachment_added", "submission", sub.ID,
			map[string]any{"lot": l.ID, "version": sub.Version, "name": att.Name, "sha256": att.SHA256, "size": att.Size}))
	})
	att.ContentSealed = nil
	return att, err
}

// RemoveAttachment takes a file off the bidder's draft (starting a new version if the latest
// was submitted, so the submitted one stays as it was).
func (s *Service) RemoveAttachment(ctx context.Context, a *access.Actor, lotID, attachmentID string) error {
	if !validID(attachmentID) {
		return apperr.NotFoundf("Attachment not found")
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, _, err := s.bidderLot(ctx, tx, lotID)
		if err != nil {
			return err
		}
		att, err := tx.OwnAttachment(ctx, l.ID, attachmentID)
		if err != nil {
			return err
		}
		sub, err := s.draftFor(ctx, tx, a, p, l)
		if err != nil {
			return err
		}
		removed, err := tx.DeleteAttachment(ctx, sub.ID, att.SHA256, att.Name)
		if err != nil {
			return err
		}
		if !removed {
			return apperr.NotFoundf("Your current response has no attachment %s", att.Name)
		}
		return tx.Audit(ctx, s.sealedEntry(a, p, "submission.attachment_removed", "submission", sub.ID,
			map[string]any{"lot": l.ID, "version": sub.Version, "name": att.Name, "sha256": att.SHA256}))
	})
}

// OwnAttachment returns a file of any version of the bidder's own response to a lot, unsealed.
func (s *Service) OwnAttachment(ctx context.Context, procurementID, lotID, attachmentID string) (Attachment, []byte, error) {
	if !validID(procurementID) || !validID(lotID) || !validID(attachmentID) {
		return Attachment{}, nil, apperr.NotFoundf("Attachment not found")
	}
	p, err := s.Store.Opportunity(ctx, procurementID)
	if err != nil {
		return Attachment{}, nil, err
	}
	if err := s.checkLot(ctx, p.ID, lotID); err != nil {
		return Attachment{}, nil, err
	}
	att, err := s.Store.OwnAttachment(ctx, lotID, attachmentID)
	if err != nil {
		return att, nil, err
	}
	return s.openAttachment(p, att)
}

// OpenedAttachment returns a file of a counted response, for the commissioners, only once the
// responses are open: the same rule as the answers.
func (s *Service) OpenedAttachment(ctx context.Context, procurementID, lotID, attachmentID string) (Attachment, []byte, error) {
	if !validID(procurementID) || !validID(lotID) || !validID(attachmentID) {
		return Attachment{}, nil, apperr.NotFoundf("Attachment not found")
	}
	p, err := s.Store.Procurement(ctx, procurementID)
	if err != nil {
		return Attachment{}, nil, err
	}
	o, err := s.Store.Opening(ctx, p.ID)
	if err != nil {
		return Attachment{}, nil, err
	}
	if !CanReadResponses(p, o) {
		return Attachment{}, nil, apperr.Forbiddenf("Responses are sealed until the submission deadline has passed and two people have opened them")
	}
	subs, err := s.Store.Counted(ctx, p.ID)
	if err != nil {
		return Attachment{}, nil, err
	}
	for _, sub := range subs {
		if sub.LotID != lotID {
			continue
		}
		att, err := s.Store.Attachment(ctx, sub.ID, attachmentID)
		if apperr.IsKind(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return att, nil, err
		}
		return s.openAttachment(p, att)
	}
	return Attachment{}, nil, apperr.NotFoundf("Attachment not found")
}

func (s *Service) openAttachment(p Procurement, att Attachment) (Attachment, []byte, error) {
	key, err := s.dataKey(p)
	if err != nil {
		return att, nil, err
	}
	content, err := Open(key, att.ContentSealed, attachmentAAD(att.BidderOrgID, att.SHA256))
	if err != nil {
		return att, nil, fmt.Errorf("open attachment %s: %w", att.ID, err)
	}
	att.ContentSealed = nil
	return att, content, nil
}
