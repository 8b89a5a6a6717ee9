package lots

import (
	"context"
	"crypto/cipher"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golive/apperr"
	"golive/jobs"
	"golive/tenants/access"
	"golive/ukclock"
)

// opportunity loads a published procurement for a provider, checking the action on its
// effective state.
func (s *Service) opportunity(ctx context.Context, tx *Store, id string, act Action) (Procurement, error) {
	if !validID(id) {
		return Procurement{}, apperr.NotFoundf("Opportunity not found")
	}
	p, err := tx.Opportunity(ctx, id)
	if err != nil {
		return p, err
	}
	if act == "" {
		return p, nil
	}
	o, err := tx.Opening(ctx, p.ID)
	if err != nil {
		return p, err
	}
	return p, CheckAction(act, EffectiveState(p, o, s.Now()))
}

// RegisterInterest records the actor's provider as a bidder for a published procurement.
func (s *Service) RegisterInterest(ctx context.Context, a *access.Actor, id string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.opportunity(ctx, tx, id, ActSubmitResponse)
		if err != nil {
			return err
		}
		in, err := tx.Interest(ctx, p.ID)
		if err != nil || in != nil {
			return err // registering twice is a no-op
		}
		if err := tx.AddInterest(ctx, &Interest{ProcurementID: p.ID, ProviderOrgID: a.OrgID, RegisteredBy: a.UserID,
			RegisteredAt: s.Now(), ContactEmail: a.Email}); err != nil {
			return err
		}
		return tx.Audit(ctx, s.sealedEntry(a, p, "interest.registered", "procurement", p.ID, map[string]any{"provider": a.OrgID}))
	})
}

func (s *Service) registered(ctx context.Context, tx *Store, p Procurement) error {
	in, err := tx.Interest(ctx, p.ID)
	if err != nil {
		return err
	}
	if in == nil {
		return apperr.Conflictf("Register your interest in this procurement first")
	}
	return nil
}

// ClarificationInput is a bidder's question.
type ClarificationInput struct {
	Question string `json:"question" form:"question" validate:"required,max=4000" label:"your question"`
}

// AskClarification records a private question from a registered bidder, before the
// clarification deadline.
func (s *Service) AskClarification(ctx context.Context, a *access.Actor, id string, in ClarificationInput) (Clarification, error) {
	var c Clarification
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.opportunity(ctx, tx, id, ActClarify)
		if err != nil {
			return err
		}
		if !s.Now().Before(p.ClarificationDeadline) {
			return apperr.Conflictf("The deadline for clarification questions has passed")
		}
		if err := s.registered(ctx, tx, p); err != nil {
			return err
		}
		n, err := tx.NextNumber(ctx, "clarifications", p.ID)
		if err != nil {
			return err
		}
		c = Clarification{ID: newID(), ProcurementID: p.ID, Number: n, AskerOrgID: a.OrgID, AskedBy: a.UserID,
			Question: strings.TrimSpace(in.Question), AskedAt: s.Now()}
		if err := tx.Add(ctx, "clarification", &c); err != nil {
			return err
		}
		emails, err := tx.RoleEmails(ctx, []string{p.LeadOrgID}, access.RoleProcurementLead)
		if err != nil {
			return err
		}
		for _, e := range emails {
			mid, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: e, Subject: fmt.Sprintf("Clarification question %d on %s", n, p.Reference),
				Text: fmt.Sprintf("A bidder has asked a clarification question on %s.\n\nAnswer it at %s/procurements/%s/clarifications\n", p.Title, s.BaseURL, p.ID)})
			if err != nil {
				return err
			}
			mails = append(mails, mid)
		}
		return tx.Audit(ctx, s.sealedEntry(a, p, "clarification.asked", "clarification", c.ID, map[string]any{"procurement": p.ID, "number": n}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return c, err
}

// AnswerInput is the lead's answer, published to every registered bidder.
type AnswerInput struct {
	Answer string `json:"answer" form:"answer" validate:"required,max=8000" label:"the answer"`
	// Question may restate the bidder's question, e.g. to take out anything that names them.
	Question string `json:"question" form:"question" validate:"max=4000" label:"the question as published"`
}

// AnswerClarification publishes an answer to every registered bidder without saying who asked.
func (s *Service) AnswerClarification(ctx context.Context, a *access.Actor, id, clarificationID string, in AnswerInput) error {
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, id, ActClarify)
		if err != nil {
			return err
		}
		if !validID(clarificationID) {
			return apperr.NotFoundf("Clarification not found")
		}
		c, err := tx.Clarification(ctx, p.ID, clarificationID)
		if err != nil {
			return err
		}
		if c.PublishedAt != nil {
			return apperr.Conflictf("Clarification %d has already been answered and published", c.Number)
		}
		now := s.Now()
		c.Answer, c.AnsweredBy, c.PublishedAt = strings.TrimSpace(in.Answer), a.UserID, &now
		if q := strings.TrimSpace(in.Question); q != "" {
			c.Question = q
		}
		if err := tx.save(ctx, "clarification", &c); err != nil {
			return err
		}
		if mails, err = s.notifyBidders(ctx, tx, p, fmt.Sprintf("Clarification %d published: %s", c.Number, p.Reference),
			fmt.Sprintf("A clarification has been published on %s.\n\nQuestion %d: %s\n\nAnswer: %s\n", p.Title, c.Number, c.Question, c.Answer)); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "clarification.published", "clarification", c.ID, map[string]any{"procurement": p.ID, "number": c.Number}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return err
}

// AddendumInput publishes a change to the procurement.
type AddendumInput struct {
	Title                 string     `json:"title" form:"title" validate:"required,max=200" label:"a title"`
	Body                  string     `json:"body" form:"body" validate:"required,max=8000" label:"what has changed"`
	ChangesResponses      bool       `json:"changes_responses" form:"changes_responses" label:"whether responses must be re-confirmed"`
	NewSubmissionDeadline *time.Time `json:"new_submission_deadline" form:"-" label:"the new submission deadline"`
}

// PublishAddendum publishes a change to every registered bidder. One that changes the
// questionnaire or documents marks submitted responses as needing re-confirmation.
func (s *Service) PublishAddendum(ctx context.Context, a *access.Actor, id string, in AddendumInput) (Addendum, error) {
	var ad Addendum
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, id, ActClarify)
		if err != nil {
			return err
		}
		if in.NewSubmissionDeadline != nil {
			p.SubmissionDeadline = in.NewSubmissionDeadline.UTC()
			if f := CheckTimetable(p, s.Now(), false); len(f) > 0 {
				return apperr.InvalidFields(map[string]string{"new_submission_deadline": firstOf(f)})
			}
			if !p.SubmissionDeadline.After(s.Now()) {
				return apperr.InvalidFields(map[string]string{"new_submission_deadline": "The new deadline must be in the future"})
			}
			p.UpdatedAt = s.Now()
			if err := tx.SaveProcurement(ctx, &p); err != nil {
				return err
			}
		}
		n, err := tx.NextNumber(ctx, "addenda", p.ID)
		if err != nil {
			return err
		}
		ad = Addendum{ID: newID(), ProcurementID: p.ID, Number: n, Title: strings.TrimSpace(in.Title), Body: in.Body,
			ChangesResponses: in.ChangesResponses, NewSubmissionDeadline: in.NewSubmissionDeadline, PublishedBy: a.UserID, PublishedAt: s.Now()}
		if err := tx.Add(ctx, "addendum", &ad); err != nil {
			return err
		}
		text := fmt.Sprintf("Addendum %d to %s: %s\n\n%s\n", n, p.Title, ad.Title, ad.Body)
		if in.ChangesResponses {
			if _, err := tx.MarkReconfirm(ctx, p.ID); err != nil {
				return fmt.Errorf("mark responses for re-confirmation: %w", err)
			}
			text += "\nThis addendum changes what bidders respond to. If you have already submitted a response, re-confirm it (or replace it) before the deadline: an unconfirmed response will not be opened.\n"
		}
		if mails, err = s.notifyBidders(ctx, tx, p, fmt.Sprintf("Addendum %d published: %s", n, p.Reference), text); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "addendum.published", "addendum", ad.ID,
			map[string]any{"procurement": p.ID, "number": n, "changes_responses": in.ChangesResponses, "new_deadline": in.NewSubmissionDeadline}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return ad, err
}

func firstOf(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}

// --- submissions ---

// DraftInput is a bidder's response to a lot, saved as a draft.
type DraftInput struct {
	Answers  []Answer    `json:"answers" validate:"max=500,dive" label:"the answers"`
	Prices   []PriceYear `json:"prices" validate:"max=20,dive" label:"the price schedule"`
	Partners []string    `json:"partners" form:"partners" validate:"max=10,dive,max=200" label:"the partnership members"`
}

// bidderLot loads the lot, its procurement (published, before the deadline) and questions.
func (s *Service) bidderLot(ctx context.Context, tx *Store, lotID string) (Procurement, Lot, []Question, error) {
	if !validID(lotID) {
		return Procurement{}, Lot{}, nil, apperr.NotFoundf("Lot not found")
	}
	l, err := tx.Lot(ctx, lotID)
	if err != nil {
		return Procurement{}, l, nil, err
	}
	p, err := s.opportunity(ctx, tx, l.ProcurementID, ActSubmitResponse)
	if apperr.IsKind(err, apperr.Conflict) && !s.Now().Before(p.SubmissionDeadline) {
		return p, l, nil, apperr.Conflictf("The submission deadline (%s) has passed: responses can no longer be changed or submitted", londonString(p.SubmissionDeadline))
	}
	if err != nil {
		return p, l, nil, err
	}
	if err := s.registered(ctx, tx, p); err != nil {
		return p, l, nil, err
	}
	qs, err := tx.Questions(ctx, l.ID)
	return p, l, qs, err
}

func londonString(t time.Time) string { return ukclock.DateTime(t) }

func (s *Service) seal(p Procurement, sub *Submission, c Content) error {
	key, err := s.dataKey(p)
	if err != nil {
		return err
	}
	answers, _ := json.Marshal(c.Answers)
	prices, _ := json.Marshal(c.Prices)
	if sub.AnswersSealed, err = Seal(key, answers, "answers:"+sub.ID+":"+sub.BidderOrgID); err != nil {
		return err
	}
	if sub.PriceSealed, err = Seal(key, prices, "prices:"+sub.ID+":"+sub.BidderOrgID); err != nil {
		return err
	}
	sub.ContentSHA256 = ReceiptHash(c)
	return nil
}

// unseal opens a submission's envelopes; callers have checked who may read.
func (s *Service) unseal(p Procurement, sub Submission, withPrice bool) (Content, error) {
	key, err := s.dataKey(p)
	if err != nil {
		return Content{}, err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return Content{}, fmt.Errorf("the data key of procurement %s: %w", p.ID, err)
	}
	var c Content
	raw, err := openWith(gcm, sub.AnswersSealed, "answers:"+sub.ID+":"+sub.BidderOrgID)
	if err != nil {
		return c, fmt.Errorf("open answers of %s: %w", sub.ID, err)
	}
	if err := json.Unmarshal(raw, &c.Answers); err != nil {
		return c, fmt.Errorf("decode answers of %s: %w", sub.ID, err)
	}
	if withPrice {
		if c.Prices, err = unsealPrices(gcm, sub); err != nil {
			return c, err
		}
	}
	return c, nil
}

// dataKey unwraps a procurement's data key, for opening its envelopes.
func (s *Service) dataKey(p Procurement) ([]byte, error) {
	ring, err := s.keyring()
	if err != nil {
		return nil, err
	}
	key, err := ring.Unwrap(p.WrappedKey, p.KeyID, p.ID)
	if err != nil {
		return nil, fmt.Errorf("unwrap key of %s: %w", p.ID, err)
	}
	return key, nil
}

// unsealPrices opens the price envelope alone. The two envelopes are sealed apart (seal), so
// reading prices never decrypts the answers, which are most of a response.
func unsealPrices(gcm cipher.AEAD, sub Submission) ([]PriceYear, error) {
	raw, err := openWith(gcm, sub.PriceSealed, "prices:"+sub.ID+":"+sub.BidderOrgID)
	if err != nil {
		return nil, fmt.Errorf("open prices of %s: %w", sub.ID, err)
	}
	var out []PriceYear
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decode prices of %s: %w", sub.ID, err)
	}
	return out, nil
}

// SaveDraft saves the bidder's response as a draft; after a submission it starts a new
// version, so every submitted version is kept as it was.
func (s *Service) SaveDraft(ctx context.Context, a *access.Actor, lotID string, in DraftInput) (Submission, error) {
	var sub Submission
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, qs, err := s.bidderLot(ctx, tx, lotID)
		if err != nil {
			return err
		}
		c := Content{Answers: in.Answers, Prices: in.Prices}
		if f := CheckAnswers(qs, c, p.TermYears, false); len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		// A new version after a submission carries its attachments; the submitted one stays as it was.
		if sub, err = s.draftFor(ctx, tx, a, p, l); err != nil {
			return err
		}
		sub.Partners, sub.UpdatedAt = strings.Join(trimAll(in.Partners), ","), s.Now()
		if err := s.seal(p, &sub, c); err != nil {
			return err
		}
		if err := tx.SaveSubmission(ctx, &sub); err != nil {
			return err
		}
		return tx.Audit(ctx, s.sealedEntry(a, p, "submission.draft_saved", "submission", sub.ID,
			map[string]any{"lot": l.ID, "version": sub.Version}))
	})
	return sub, err
}

// Receipt is what a bidder gets on submitting: when, and the SHA-256 of what was submitted.
type Receipt struct {
	SubmissionID string    `json:"submission_id"`
	Lot          int       `json:"lot"`
	Version      int       `json:"version"`
	SubmittedAt  time.Time `json:"submitted_at"`
	SHA256       string    `json:"sha256"`
}

// Reference is the receipt's short reference for people to quote.
func (r Receipt) Reference() string { return ReceiptReference(r.Lot, r.Version, r.SHA256) }

// ReceiptReference is a short reference a person can read out on the phone: the lot, the
// version and the first eight hex digits of the SHA-256, so that it is checked against the full
// hash on the receipt page rather than being another number to trust.
func ReceiptReference(lot, version int, sha256 string) string {
	h := strings.ToUpper(sha256)
	if len(h) < 8 {
		return fmt.Sprintf("L%d-V%d", lot, version)
	}
	return fmt.Sprintf("L%d-V%d-%s-%s", lot, version, h[:4], h[4:8])
}

// Submit submits the bidder's draft (or re-confirms a submitted response after an addendum)
// before the deadline, and emails the receipt.
func (s *Service) Submit(ctx context.Context, a *access.Actor, lotID string) (Receipt, error) {
	var r Receipt
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, qs, err := s.bidderLot(ctx, tx, lotID)
		if err != nil {
			return err
		}
		sub, err := tx.LatestSubmission(ctx, l.ID)
		if err != nil {
			return err
		}
		switch {
		case sub == nil || sub.State == SubWithdrawn:
			return apperr.Conflictf("Save a response to lot %d before submitting it", l.Number)
		case sub.State == SubSubmitted && !sub.NeedsReconfirm:
			return apperr.Conflictf("Your response to lot %d is already submitted", l.Number)
		}
		c, err := s.unseal(p, *sub, true)
		if err != nil {
			return err
		}
		if f := CheckAnswers(qs, c, p.TermYears, true); len(f) > 0 {
			return &apperr.Error{Kind: apperr.Invalid, Message: "Your response is not complete", Fields: f}
		}
		atts, err := tx.Attachments(ctx, sub.ID)
		if err != nil {
			return err
		}
		c.Attachments = refs(atts)
		sub.ContentSHA256 = ReceiptHash(c) // the receipt covers the attached files too
		now := s.Now()
		sub.State, sub.NeedsReconfirm, sub.SubmittedBy, sub.SubmittedAt, sub.UpdatedAt = SubSubmitted, false, a.UserID, &now, now
		if err := tx.SaveSubmission(ctx, sub); err != nil {
			return err
		}
		r = Receipt{SubmissionID: sub.ID, Lot: l.Number, Version: sub.Version, SubmittedAt: now, SHA256: sub.ContentSHA256}
		// Before the deadline, so never opened yet: sealed under the procurement.
		mid, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: a.Email, SealedUnder: p.ID, Subject: fmt.Sprintf("Receipt: your response to %s lot %d", p.Reference, l.Number),
			Text: fmt.Sprintf("Your response to %s, lot %d (%s), version %d, was received at %s.\n\nReceipt reference: %s\nSHA-256 of what you submitted: %s\n\nKeep this receipt. Responses stay sealed until the deadline has passed and the commissioners open them.\n",
				p.Title, l.Number, l.Title, sub.Version, londonString(now), r.Reference(), sub.ContentSHA256)})
		if err != nil {
			return err
		}
		mails = append(mails, mid)
		return tx.Audit(ctx, s.sealedEntry(a, p, "submission.submitted", "submission", sub.ID,
			map[string]any{"lot": l.ID, "version": sub.Version, "sha256": sub.ContentSHA256}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return r, err
}

// Withdraw withdraws the bidder's response to a lot before the deadline.
func (s *Service) Withdraw(ctx context.Context, a *access.Actor, lotID string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, _, err := s.bidderLot(ctx, tx, lotID)
		if err != nil {
			return err
		}
		latest, err := tx.LatestSubmission(ctx, l.ID)
		if err != nil {
			return err
		}
		if latest == nil || latest.State == SubWithdrawn {
			return apperr.Conflictf("There is no response to lot %d to withdraw", l.Number)
		}
		now := s.Now()
		w := Submission{ID: newID(), ProcurementID: p.ID, LotID: l.ID, BidderOrgID: a.OrgID, Version: latest.Version + 1,
			State: SubWithdrawn, AnswersSealed: []byte{}, PriceSealed: []byte{}, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
		if latest.State == SubDraft {
			w.Version = latest.Version // a draft is withdrawn where it stands
			w.ID = latest.ID
		}
		if err := tx.SaveSubmission(ctx, &w); err != nil {
			return err
		}
		return tx.Audit(ctx, s.sealedEntry(a, p, "submission.withdrawn", "submission", w.ID, map[string]any{"lot": l.ID, "version": w.Version}))
	})
}

// --- opening ---

// StartOpening is the first of the two people opening the responses, after the deadline.
func (s *Service) StartOpening(ctx context.Context, a *access.Actor, id string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.opener(ctx, tx, a, id, ActStartOpening)
		if err != nil {
			return err
		}
		o := Opening{ProcurementID: p.ID, StartedBy: a.UserID, StartedAt: s.Now()}
		if err := tx.SaveOpening(ctx, &o); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "opening.started", "procurement", p.ID, nil))
	})
}

// ConfirmOpening is the second person: a different one from who started it.
func (s *Service) ConfirmOpening(ctx context.Context, a *access.Actor, id string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.opener(ctx, tx, a, id, ActConfirmOpening)
		if err != nil {
			return err
		}
		o, err := tx.Opening(ctx, p.ID)
		if err != nil {
			return err
		}
		if o.StartedBy == a.UserID {
			return apperr.Conflictf("A second person must confirm the opening: you started it")
		}
		now := s.Now()
		o.ConfirmedBy, o.ConfirmedAt = a.UserID, &now
		if err := tx.SaveOpening(ctx, o); err != nil {
			return err
		}
		p.State, p.UpdatedAt = Opened, now
		if err := tx.SaveProcurement(ctx, &p); err != nil {
			return err
		}
		counts, err := tx.SubmissionCounts(ctx, p.ID)
		if err != nil {
			return err
		}
		// The bids are open: so are the bidders' events and the mail to them (sealedEntry).
		if err := tx.Unseal(ctx, p.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "opening.confirmed", "procurement", p.ID,
			map[string]any{"started_by": o.StartedBy, "started_at": o.StartedAt, "responses_per_lot": counts}))
	})
}

// opener loads a procurement for opening: people of the lead commissioner with the open role.
func (s *Service) opener(ctx context.Context, tx *Store, a *access.Actor, id string, act Action) (Procurement, error) {
	return s.lead(ctx, tx, a, id, act)
}

func trimAll(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
