package award

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"golive/apperr"
	"golive/audit"
	"golive/evaluation"
	"golive/jobs"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
	"golive/ukclock"
)

// Service is a lot's award. Each use case lets the lot in through evaluation (who may see or
// lead it), gathers the Facts, asks CheckAction (rules.go), then writes its rows and the audit
// event in one transaction and queues the letters, which are enqueued after commit.
type Service struct {
	Store   *Store
	Eval    *evaluation.Service
	People  *tenants.Directory // names, and who holds the approver or bidder role, for the letters
	Mail    lots.MailQueue
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
	// AfterContract, when set, is called after a contract award commits.
	AfterContract AfterContractFunc
	// OnStandstill and OnContract, when set, are called after the standstill starts (the
	// notice of intention to award, or the Act's contract award notice, is published) and after
	// a contract award commits: cmd/golive publishes the notices with them, so that the award
	// need not import notices. A failure is theirs to log; it cannot undo the award.
	OnStandstill func(ctx context.Context, lotID string)
	OnContract   func(ctx context.Context, lotID string)
}

func (s *Service) entry(a *access.Actor, tenant, action, objType, objID string, summary map[string]any) audit.Entry {
	return audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: tenant, Action: action,
		ObjectType: objType, ObjectID: objID, Summary: summary}
}

func (s *Service) enqueue(ctx context.Context, ids []string) {
	for _, id := range ids {
		if err := s.Mail.EnqueueMail(ctx, id); err != nil && s.Log != nil {
			s.Log.Warn("enqueue mail; the sweep will send it", "mail", id, "err", err)
		}
	}
}

// who is the actor as the rules see them on a lot of p covering commissioners; bidder is
// their organisation when it bid for the lot.
func who(a *access.Actor, p lots.Procurement, commissioners []string, bidder string) Who {
	w := Who{Lead: evaluation.CanLead(a, p), Bidder: bidder}
	if a.HasRole(access.RoleApprover) && slices.Contains(commissioners, a.OrgID) {
		w.Approver = a.OrgID
	}
	return w
}

// factsOf gathers what the rules need about a lot's current recommendation r (nil: none) in
// tx. The ranking (Recommendable) is the caller's, when it matters.
func (s *Service) factsOf(ctx context.Context, tx *Store, p lots.Procurement, commissioners []string, r *Recommendation) (Facts, error) {
	f := Facts{Now: s.Now(), Regime: p.Regime, Commissioners: commissioners, Current: r, AwardDate: p.AwardDate, ContractStart: p.ContractStart}
	if r == nil {
		return f, nil
	}
	rec, err := tx.Records(ctx, []string{r.ID})
	if err != nil {
		return f, err
	}
	f.Approvals, f.Representations, f.Proceedings = rec.Approvals[r.ID], rec.Representations[r.ID], rec.Proceedings[r.ID]
	return f, s.nameClaimants(ctx, &f)
}

// nameClaimants names the claimants of the proceedings still running, for the refusal that
// names them.
func (s *Service) nameClaimants(ctx context.Context, f *Facts) error {
	var orgs []string
	for _, p := range OpenProceedings(f.Proceedings) {
		orgs = append(orgs, p.ClaimantOrgID)
	}
	if len(orgs) == 0 {
		return nil
	}
	var err error
	f.Names, err = s.People.OrgNames(ctx, orgs)
	return err
}

// leadRecommendation is the lead's lot, the procurement locked, with its current
// recommendation (nil if none), locked too: what each step after the recommendation starts from.
func (s *Service) leadRecommendation(ctx context.Context, tx *Store, a *access.Actor, lotID string) (lots.Procurement, lots.Lot, *Recommendation, error) {
	p, l, err := s.Eval.LeadLot(ctx, tx.Eval, a, lotID, true)
	if err != nil {
		return p, l, nil, err
	}
	r, err := tx.CurrentRecommendation(ctx, l.ID, true)
	return p, l, r, err
}

func orgIDs(bs []evaluation.Bidder) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.OrgID
	}
	return out
}

// --- recommendation and the governing bodies' decisions ---

// RecommendInput names the preferred bidder and why.
type RecommendInput struct {
	BidderOrgID string `json:"bidder_org_id" form:"bidder_org_id" validate:"required,uuid" label:"the preferred bidder"`
	Reason      string `json:"reason" form:"reason" validate:"required,max=4000" label:"the reason"`
}

// Recommend records the lead's recommendation of a preferred bidder: a ranked bid, with a
// reason. The participating commissioners' governing bodies then decide on it: their approvers
// are told by mail, after commit.
func (s *Service) Recommend(ctx context.Context, a *access.Actor, lotID string, in RecommendInput) (Recommendation, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	var r Recommendation
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.Eval.LeadLot(ctx, tx.Eval, a, lotID, true)
		if err != nil {
			return err
		}
		if len([]rune(in.Reason)) < evaluation.MinRationale {
			return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Give the reason for the recommendation, in at least %d characters", evaluation.MinRationale)})
		}
		cur, err := tx.CurrentRecommendation(ctx, l.ID, true)
		if err != nil {
			return err
		}
		// The ranking is refused, saying why, until it can be computed; a lot with a
		// recommendation has one, so the order of these checks shows nowhere.
		rk, err := s.Eval.Ranking(ctx, tx.Eval, p, l)
		if err != nil {
			return err
		}
		f := Facts{Now: s.Now(), Regime: p.Regime, Current: cur, Recommendable: Recommendable(rk.Results)}
		if err := CheckAction(ActRecommend, f, ""); err != nil {
			return err
		}
		i := slices.IndexFunc(rk.Results, func(x evaluation.Result) bool { return x.Bidder == in.BidderOrgID })
		if i < 0 {
			return apperr.InvalidFields(map[string]string{"bidder_org_id": "Select a bidder for this lot"})
		}
		if res := rk.Results[i]; res.Excluded || res.Rank == 0 {
			return apperr.InvalidFields(map[string]string{"bidder_org_id": rk.Names[res.Bidder] + " is excluded: " + strings.Join(res.Reasons, "; ")})
		}
		r = Recommendation{ID: newID(), LotID: l.ID, ProcurementID: p.ID, BidderOrgID: in.BidderOrgID, Reason: in.Reason,
			Regime: p.Regime, State: Pending, RecommendedBy: a.UserID, RecommendedAt: f.Now}
		if err := tx.AddRecommendation(ctx, &r); err != nil {
			return err
		}
		if mails, err = s.queueApproverNotices(ctx, tx, p, l); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.recommended", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "bidder": r.BidderOrgID, "rank": rk.Results[i].Rank, "reason": r.Reason, "notified": len(mails)}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return r, err
}

// AwardDecisionInput is a governing body's decision on the recommendation. OrgID, when given,
// must be the approver's own commissioner: nobody decides for another.
type AwardDecisionInput struct {
	OrgID    string `json:"org_id" form:"org_id" label:"the commissioner"`
	Decision string `json:"decision" form:"decision" validate:"required,oneof=approve reject" label:"the decision"`
	Reason   string `json:"reason" form:"reason" validate:"max=4000" label:"the reason"`
}

// DecideAward records the acting approver's governing-body decision on a lot's recommendation,
// for their own commissioner. A rejection stops it; when every commissioner the lot covers has
// approved, standstill starts and the letters go to every bidder.
func (s *Service) DecideAward(ctx context.Context, a *access.Actor, lotID string, in AwardDecisionInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Decision != "approve" && in.Decision != "reject" {
		return apperr.InvalidFields(map[string]string{"decision": "Approve or reject the recommendation"})
	}
	if in.Decision == "reject" && len([]rune(in.Reason)) < evaluation.MinReason {
		return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Give the reason for rejecting, in at least %d characters", evaluation.MinReason)})
	}
	var mails []string
	started := false
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, parts, err := s.Eval.ValueLot(ctx, tx.Eval, a, lotID, true)
		if err != nil {
			return err
		}
		if who(a, p, parts, "").Approver == "" {
			return apperr.Forbiddenf("Only the governing-body approvers of the commissioners this lot covers decide on its award")
		}
		if in.OrgID != "" && in.OrgID != a.OrgID {
			return apperr.Forbiddenf("You decide for your own commissioner only")
		}
		r, err := tx.CurrentRecommendation(ctx, l.ID, true)
		if err != nil {
			return err
		}
		f, err := s.factsOf(ctx, tx, p, parts, r)
		if err != nil {
			return err
		}
		if err := CheckAction(ActDecide, f, a.OrgID); err != nil {
			return err
		}
		d := Approval{RecommendationID: r.ID, OrgID: a.OrgID, Decision: in.Decision, Reason: in.Reason, DecidedBy: a.UserID, DecidedAt: f.Now}
		if err := tx.AddApproval(ctx, &d); err != nil {
			return err
		}
		if err := tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.decided", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "org": d.OrgID, "decision": d.Decision, "reason": d.Reason})); err != nil {
			return err
		}
		if d.Decision == "reject" {
			r.State = Rejected
			return tx.SaveRecommendation(ctx, r)
		}
		ds, err := tx.Approvals(ctx, r.ID)
		if err != nil || !ApprovedByAll(parts, ds) {
			return err
		}
		mails, err = s.startStandstill(ctx, tx, a, p, l, r, ds, f.Now)
		started = err == nil
		return err
	})
	if err == nil {
		s.enqueue(ctx, mails)
		if started && s.OnStandstill != nil {
			s.OnStandstill(ctx, lotID)
		}
	}
	return err
}

// startStandstill starts the standstill on the last approval and queues the letters.
func (s *Service) startStandstill(ctx context.Context, tx *Store, a *access.Actor, p lots.Procurement, l lots.Lot, r *Recommendation, ds []Approval, now time.Time) ([]string, error) {
	ends, err := StandstillEnds(p.Regime, now)
	if err != nil {
		return nil, err
	}
	r.State, r.StandstillStartedAt, r.StandstillEndsAt, r.AwardNotBefore = Standstill, &now, &ends, &ends
	if err := tx.SaveRecommendation(ctx, r); err != nil {
		return nil, err
	}
	rk, err := s.Eval.Ranking(ctx, tx.Eval, p, l)
	if err != nil {
		return nil, err
	}
	n, err := s.notice(ctx, tx, p, l, r, ds, rk)
	if err != nil {
		return nil, err
	}
	users, err := s.People.Holders(ctx, access.RoleBidder, orgIDs(rk.Bidders))
	if err != nil {
		return nil, err
	}
	var mails []string
	for _, u := range users {
		id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
			Subject: fmt.Sprintf("%s: %s lot %d", letterTitle(p.Regime), p.Reference, l.Number), Text: n.letter(u.OrgID)})
		if err != nil {
			return nil, err
		}
		mails = append(mails, id)
	}
	return mails, tx.Audit(ctx, s.entry(a, p.LeadOrgID, "standstill.started", "lot", l.ID,
		map[string]any{"recommendation": r.ID, "regime": string(p.Regime), "ends_at": ends, "letters": len(mails)}))
}

// --- representations ---

// RepresentationInput is what a bidder says against the decision.
type RepresentationInput struct {
	Text string `json:"text" form:"text" validate:"required,max=8000" label:"your representation"`
}

// MakeRepresentation records the acting bidder's representation during standstill (before it
// ends): the award is paused until the lead decides on it.
func (s *Service) MakeRepresentation(ctx context.Context, a *access.Actor, lotID string, in RepresentationInput) (Representation, error) {
	in.Text = strings.TrimSpace(in.Text)
	var rep Representation
	err := s.Store.Tx(ctx, func(tx *Store) error {
		if !validID(lotID) || !a.HasRole(access.RoleBidder) {
			return apperr.NotFoundf("Lot not found")
		}
		sub, err := tx.Eval.OwnBid(ctx, lotID)
		if err != nil {
			return err
		}
		p, err := tx.Eval.BidProcurement(ctx, sub)
		if err != nil {
			return err
		}
		if len([]rune(in.Text)) < evaluation.MinRationale {
			return apperr.InvalidFields(map[string]string{"text": fmt.Sprintf("Say what your representation is, in at least %d characters", evaluation.MinRationale)})
		}
		r, err := tx.CurrentRecommendation(ctx, lotID, true)
		if err != nil {
			return err
		}
		// The representation's rule needs only the recommendation and the clock.
		f := Facts{Now: s.Now(), Regime: p.Regime, Current: r}
		if err := CheckAction(ActRepresent, f, sub.BidderOrgID); err != nil {
			return err
		}
		rep = Representation{ID: newID(), RecommendationID: r.ID, BidderOrgID: sub.BidderOrgID, Text: in.Text, MadeBy: a.UserID, MadeAt: f.Now}
		if err := tx.AddRepresentation(ctx, &rep); err != nil {
			return err
		}
		r.State = Paused
		if err := tx.SaveRecommendation(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "representation.made", "lot", lotID,
			map[string]any{"recommendation": r.ID, "representation": rep.ID, "bidder": rep.BidderOrgID}))
	})
	return rep, err
}

// RepresentationDecisionInput is the lead's decision on a representation.
type RepresentationDecisionInput struct {
	Decision string `json:"decision" form:"decision" validate:"required,oneof=upheld rejected" label:"the decision"`
	Reason   string `json:"reason" form:"reason" validate:"required,max=4000" label:"the reason"`
}

// DecideRepresentation records the lead's decision on a representation. Upheld, the
// recommendation is withdrawn (the lead may recommend again); rejected, once no other awaits a
// decision the award resumes: under the PSR not before AwardWaitAfterRepresentation of the
// decision, and never before the standstill's own end.
func (s *Service) DecideRepresentation(ctx context.Context, a *access.Actor, lotID, representationID string, in RepresentationDecisionInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Decision != "upheld" && in.Decision != "rejected" {
		return apperr.InvalidFields(map[string]string{"decision": "Uphold or reject the representation"})
	}
	if len([]rune(in.Reason)) < evaluation.MinRationale {
		return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Give the reason for the decision, in at least %d characters", evaluation.MinRationale)})
	}
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		f, err := s.factsOf(ctx, tx, p, nil, r)
		if err != nil {
			return err
		}
		if err := CheckAction(ActDecideRepresentation, f, representationID); err != nil {
			return err
		}
		reps := f.Representations
		rep := &reps[slices.IndexFunc(reps, func(x Representation) bool { return x.ID == representationID })]
		now := f.Now
		rep.Decision, rep.DecisionReason, rep.DecidedBy, rep.DecidedAt = &in.Decision, in.Reason, a.UserID, &now
		if err := tx.SaveRepresentation(ctx, rep); err != nil {
			return err
		}
		summary := map[string]any{"recommendation": r.ID, "representation": rep.ID, "decision": in.Decision, "reason": in.Reason}
		switch {
		case in.Decision == "upheld":
			r.State = Withdrawn
		case !slices.ContainsFunc(reps, func(x Representation) bool { return x.Decision == nil }):
			r.State = Standstill
			notBefore := *r.StandstillEndsAt
			if r.Regime == lots.PSR2024 {
				if w := AwardWaitAfterRepresentation(now); w.After(notBefore) {
					notBefore = w
				}
			}
			if r.AwardNotBefore != nil && r.AwardNotBefore.After(notBefore) {
				notBefore = *r.AwardNotBefore
			}
			r.AwardNotBefore = &notBefore
			summary["award_not_before"] = notBefore
		}
		if err := tx.SaveRecommendation(ctx, r); err != nil {
			return err
		}
		users, err := s.People.Holders(ctx, access.RoleBidder, []string{rep.BidderOrgID})
		if err != nil {
			return err
		}
		for _, u := range users {
			id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
				Subject: fmt.Sprintf("Decision on your representation: %s lot %d", p.Reference, l.Number),
				Text:    fmt.Sprintf("Your representation made on %s was %s.\n\nThe reason: %s\n", rep.MadeAt.In(ukclock.London).Format("2 January 2006"), in.Decision, in.Reason)})
			if err != nil {
				return err
			}
			mails = append(mails, id)
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "representation.decided", "lot", l.ID, summary))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return err
}

// --- contract award ---

// ContractInput is the contract the lead records after standstill.
type ContractInput struct {
	ContractReference string    `json:"contract_reference" form:"contract_reference" validate:"required,max=60" label:"the contract reference"`
	StartDate         time.Time `json:"start_date" form:"-" validate:"required" label:"the start date"`
	TermYears         int       `json:"term_years" form:"term_years" validate:"required,min=1,max=15" label:"the term in years"`
	ValuePence        int64     `json:"value_pence" form:"-" validate:"min=1" label:"the contract value"`
}

// AwardContract records the contract award to the preferred bidder, once standstill (and any
// wait after a representation) is over and no court proceedings suspend it; every bidder is
// told.
func (s *Service) AwardContract(ctx context.Context, a *access.Actor, lotID string, in ContractInput) (Contract, error) {
	in.ContractReference = strings.TrimSpace(in.ContractReference)
	f := map[string]string{}
	if in.ContractReference == "" {
		f["contract_reference"] = "Enter the contract reference"
	}
	if in.StartDate.IsZero() {
		f["start_date"] = "Enter the start date"
	}
	if in.TermYears < 1 || in.TermYears > 15 {
		f["term_years"] = "Enter a term from 1 to 15 years"
	}
	if in.ValuePence < 1 {
		f["value_pence"] = "Enter the contract value"
	}
	if len(f) > 0 {
		return Contract{}, apperr.InvalidFields(f)
	}
	var c Contract
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		facts, err := s.factsOf(ctx, tx, p, nil, r)
		if err != nil {
			return err
		}
		if err := CheckAction(ActAwardContract, facts, ""); err != nil {
			return err
		}
		c = Contract{LotID: l.ID, RecommendationID: r.ID, ProcurementID: p.ID, ProviderOrgID: r.BidderOrgID,
			ContractReference: in.ContractReference, StartDate: in.StartDate.UTC(), TermYears: in.TermYears, ValuePence: in.ValuePence,
			AwardedBy: a.UserID, AwardedAt: facts.Now}
		if err := tx.AddContract(ctx, &c); err != nil {
			return err
		}
		r.State = Awarded
		if err := tx.SaveRecommendation(ctx, r); err != nil {
			return err
		}
		bidders, err := s.Eval.Bidders(ctx, tx.Eval, p, l)
		if err != nil {
			return err
		}
		provider := ""
		if i := slices.IndexFunc(bidders, func(b evaluation.Bidder) bool { return b.OrgID == c.ProviderOrgID }); i >= 0 {
			provider = bidders[i].Name
		}
		users, err := s.People.Holders(ctx, access.RoleBidder, orgIDs(bidders))
		if err != nil {
			return err
		}
		for _, u := range users {
			text := fmt.Sprintf("%s (%s), lot %d: %s\n\nThe contract has been awarded to %s (contract %s), starting %s.\n",
				p.Title, p.Reference, l.Number, l.Title, provider, c.ContractReference, c.StartDate.In(ukclock.London).Format("2 January 2006"))
			id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
				Subject: fmt.Sprintf("Contract awarded: %s lot %d", p.Reference, l.Number), Text: text})
			if err != nil {
				return err
			}
			mails = append(mails, id)
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "contract.awarded", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "provider": c.ProviderOrgID, "contract_reference": c.ContractReference,
				"start_date": c.StartDate, "term_years": c.TermYears, "value_pence": c.ValuePence}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
		if s.AfterContract != nil {
			s.AfterContract(ctx, a, lotID)
		}
		if s.OnContract != nil {
			s.OnContract(ctx, lotID)
		}
	}
	return c, err
}

// ContractedLots names, per procurement, the lots with a contract awarded: lots asks it (as
// lots.ContractedLots) so that an awarded procurement says so and cannot be cancelled.
func (s *Service) ContractedLots(ctx context.Context, procurementIDs []string) (map[string][]string, error) {
	return s.Store.ContractedLots(ctx, procurementIDs)
}

// ContractOf is the contract a lot was awarded as, or nil: for a feature that has let the lot
// in itself (mobilisation makes its plan from it).
func (s *Service) ContractOf(ctx context.Context, lotID string) (*Contract, error) {
	return s.Store.Contract(ctx, lotID)
}

// --- court proceedings (PCR 2015 reg. 95) ---

// RecordProceedings records that the authority was told of court proceedings (a claim form)
// a bidder of the lot issued against the decision to award: from then the contract cannot be
// entered into until their end is recorded (EndSuspension). Only under the PCR 2015, after
// standstill started and before the contract.
func (s *Service) RecordProceedings(ctx context.Context, a *access.Actor, lotID string, in ProceedingsInput) (Proceeding, error) {
	if f := CheckProceedings(&in); f != nil {
		return Proceeding{}, apperr.InvalidFields(f)
	}
	notified, _ := ukDate(in.NotifiedOn)
	var pr Proceeding
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		facts, err := s.factsOf(ctx, tx, p, nil, r)
		if err != nil {
			return err
		}
		if err := CheckAction(ActRecordProceedings, facts, ""); err != nil {
			return err
		}
		f := map[string]string{}
		if m := ProceedingsDayProblem(notified, *r.StandstillStartedAt, facts.Now); m != "" {
			f["notified_on"] = m
		}
		bidders, err := s.Eval.Bidders(ctx, tx.Eval, p, l)
		if err != nil {
			return err
		}
		if !slices.Contains(orgIDs(bidders), in.ClaimantOrgID) {
			f["claimant_org_id"] = "Select a bidder for this lot: only a bidder can challenge the award"
		}
		if len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		pr = Proceeding{ID: newID(), RecommendationID: r.ID, LotID: l.ID, ProcurementID: p.ID, ClaimantOrgID: in.ClaimantOrgID,
			Court: in.Court, ClaimReference: in.ClaimReference, Note: in.Note, NotifiedOn: notified, RecordedBy: a.UserID, RecordedAt: facts.Now}
		if err := tx.AddProceeding(ctx, &pr); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.proceedings_recorded", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "proceeding": pr.ID, "claimant": pr.ClaimantOrgID, "court": pr.Court,
				"claim_reference": pr.ClaimReference, "notified_on": in.NotifiedOn, "note": pr.Note}))
	})
	return pr, err
}

// EndSuspension records that the suspension one proceeding brought has ended, when and how.
// Once every proceeding against the recommendation has ended, the contract may be entered into
// again (subject to standstill and representations). Ending one twice is refused; one that was
// never recorded is not found.
func (s *Service) EndSuspension(ctx context.Context, a *access.Actor, lotID, proceedingID string, in SuspensionEndInput) (Proceeding, error) {
	if f := CheckSuspensionEnd(&in); f != nil {
		return Proceeding{}, apperr.InvalidFields(f)
	}
	ended, _ := ukDate(in.EndedOn)
	var pr Proceeding
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		if r == nil || !validID(proceedingID) {
			return apperr.NotFoundf("Proceedings not found")
		}
		f, err := s.factsOf(ctx, tx, p, nil, r)
		if err != nil {
			return err
		}
		if err := CheckAction(ActEndSuspension, f, proceedingID); err != nil {
			return err
		}
		ps := f.Proceedings
		i := slices.IndexFunc(ps, func(x Proceeding) bool { return x.ID == proceedingID })
		pr = ps[i]
		if m := SuspensionEndDayProblem(ended, pr.NotifiedOn, f.Now); m != "" {
			return apperr.InvalidFields(map[string]string{"ended_on": m})
		}
		how := in.How
		pr.EndedOn, pr.EndedHow, pr.EndNote, pr.EndedBy, pr.EndRecordedAt = &ended, &how, in.Note, a.UserID, &f.Now
		if err := tx.EndProceeding(ctx, &pr); err != nil {
			return err
		}
		ps[i] = pr
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.suspension_ended", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "proceeding": pr.ID, "claimant": pr.ClaimantOrgID, "ended_on": in.EndedOn,
				"how": string(in.How), "note": pr.EndNote, "still_suspended": ContractSuspended(ps)}))
	})
	return pr, err
}

// --- the award, as the lead and the approvers see it (Part 2) ---

// View is a lot's award: every recommendation with the decisions, representations and
// proceedings on it, the lot's bidders and the contract. A Part 2 matter: only the lead and the
// lot's approvers see it.
type View struct {
	Recommendations []Recommendation
	Approvals       map[string][]Approval       // by recommendation id
	Representations map[string][]Representation // by recommendation id
	Proceedings     map[string][]Proceeding     // by recommendation id (PCR 2015 only)
	Bidders         []evaluation.Bidder         // the lot's bidders: who could bring proceedings
	Contract        *Contract
}

// Current is the lot's live recommendation, or nil.
func (v View) Current() *Recommendation {
	for i := len(v.Recommendations) - 1; i >= 0; i-- {
		if v.Recommendations[i].State.Live() {
			return &v.Recommendations[i]
		}
	}
	return nil
}

// facts are the rules' facts of the view at now, for a lot of p covering commissioners.
func (v View) facts(now time.Time, p lots.Procurement, commissioners []string) Facts {
	f := Facts{Now: now, Regime: p.Regime, Commissioners: commissioners, AwardDate: p.AwardDate, ContractStart: p.ContractStart, Names: map[string]string{}}
	if r := v.Current(); r != nil {
		f.Current, f.Approvals, f.Representations, f.Proceedings = r, v.Approvals[r.ID], v.Representations[r.ID], v.Proceedings[r.ID]
	}
	for _, b := range v.Bidders {
		f.Names[b.OrgID] = b.Name
	}
	return f
}

// Award shows a lot's award to those who may see it.
func (s *Service) Award(ctx context.Context, a *access.Actor, lotID string) (View, error) {
	p, l, _, err := s.Eval.ValueLot(ctx, s.Store.Eval, a, lotID, false)
	if err != nil {
		return View{Approvals: map[string][]Approval{}, Representations: map[string][]Representation{}, Proceedings: map[string][]Proceeding{}}, err
	}
	return s.view(ctx, s.Store, p, l)
}

func (s *Service) view(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (View, error) {
	v := View{Approvals: map[string][]Approval{}, Representations: map[string][]Representation{}, Proceedings: map[string][]Proceeding{}}
	var err error
	if v.Bidders, err = s.Eval.Bidders(ctx, tx.Eval, p, l); err != nil {
		return v, err
	}
	if v.Recommendations, err = tx.Recommendations(ctx, l.ID); err != nil {
		return v, err
	}
	ids := make([]string, len(v.Recommendations))
	for i, r := range v.Recommendations {
		ids[i] = r.ID
	}
	rec, err := tx.Records(ctx, ids)
	if err != nil {
		return v, err
	}
	v.Approvals, v.Representations, v.Proceedings = rec.Approvals, rec.Representations, rec.Proceedings
	v.Contract, err = tx.Contract(ctx, l.ID)
	return v, err
}

// Overview is everything the award page shows, in one call: the lot, its price status, the
// ranking a recommendation is made from (or why there is none yet), the award, the names of the
// people and organisations it mentions, and what the reader may do next (NextActions).
type Overview struct {
	View
	Lot         evaluation.LotCaption
	Status      evaluation.AwardStatus
	Ranking     *evaluation.ResultsView // nil until the ranking can be computed
	RankingNote string                  // why there is no ranking yet
	People      map[string]string       // names by user id
	Orgs        map[string]string       // names by organisation id
	Facts       Facts
	Who         Who // the reader, as the rules see them
	Next        []Next
}

// Overview gathers a lot's award page for the lead or one of the lot's approvers.
func (s *Service) Overview(ctx context.Context, a *access.Actor, lotID string) (Overview, error) {
	var ov Overview
	var err error
	if ov.Lot, err = s.Eval.LotCaption(ctx, a, lotID); err != nil {
		return ov, err
	}
	if ov.Status, err = s.Eval.AwardStatus(ctx, a, lotID); err != nil {
		return ov, err
	}
	p, l, parts, err := s.Eval.ValueLot(ctx, s.Store.Eval, a, lotID, false)
	if err != nil {
		return ov, err
	}
	if ov.View, err = s.view(ctx, s.Store, p, l); err != nil {
		return ov, err
	}
	if ov.Status.PricesOpenedAt == nil {
		ov.RankingNote = "A preferred bidder is recommended from the ranking, once quality moderation is complete and the price envelopes have been opened."
	} else if rk, err := s.Eval.Ranking(ctx, s.Store.Eval, p, l); err != nil {
		ae, ok := apperr.As(err)
		if !ok || (ae.Kind != apperr.Conflict && ae.Kind != apperr.Invalid) {
			return ov, err
		}
		ov.RankingNote = ae.Message
	} else {
		ov.Ranking = &rk.ResultsView
	}
	if ov.People, ov.Orgs, err = s.names(ctx, ov.View); err != nil {
		return ov, err
	}
	ov.Facts = ov.View.facts(s.Now(), p, parts)
	ov.Facts.Recommendable = ov.Ranking != nil && Recommendable(ov.Ranking.Results)
	ov.Who = who(a, p, parts, "")
	ov.Next = NextActions(ov.Facts, ov.Who)
	return ov, nil
}

// names resolves the people and organisations an award view mentions, at once.
func (s *Service) names(ctx context.Context, v View) (map[string]string, map[string]string, error) {
	var people, orgs []string
	for _, r := range v.Recommendations {
		people, orgs = append(people, r.RecommendedBy), append(orgs, r.BidderOrgID)
		for _, d := range v.Approvals[r.ID] {
			people, orgs = append(people, d.DecidedBy), append(orgs, d.OrgID)
		}
		for _, rep := range v.Representations[r.ID] {
			people, orgs = append(people, rep.MadeBy, rep.DecidedBy), append(orgs, rep.BidderOrgID)
		}
		for _, pr := range v.Proceedings[r.ID] {
			people, orgs = append(people, pr.RecordedBy, pr.EndedBy), append(orgs, pr.ClaimantOrgID)
		}
	}
	if c := v.Contract; c != nil {
		people, orgs = append(people, c.AwardedBy), append(orgs, c.ProviderOrgID)
	}
	ps, err := s.People.People(ctx, people)
	if err != nil {
		return nil, nil, err
	}
	pn := make(map[string]string, len(ps))
	for id, p := range ps {
		pn[id] = p.Name
	}
	on, err := s.People.OrgNames(ctx, orgs)
	return pn, on, err
}

// Recommended reports whether a preferred bidder has ever been recommended for the lot, read
// in evaluation's transaction tx: evaluation fixes the price formula from then (evaluation.Awards).
func (s *Service) Recommended(ctx context.Context, tx *evaluation.Store, lotID string) (bool, error) {
	return on(tx).HasRecommendation(ctx, lotID)
}
