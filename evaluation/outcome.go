package evaluation

import (
	"context"
	"slices"
	"time"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
)

// OutcomeView is a lot's award decision as one bidder sees it: nothing until standstill starts;
// then the notice it was sent (its own scores and the successful bidder's, with the reasons),
// the representations it has made and the decisions on them, and in the end the contract award.
type OutcomeView struct {
	Bidder     Bidder
	Decided    bool // standstill has started on the live recommendation: every bidder has its letter
	Successful bool
	Winner     Bidder
	Own        Result
	// Winning is the successful bid's result without its price: a letter gives the winner's
	// scores, never what it bid.
	Winning             Result
	Reason              string
	Regime              lots.Regime
	State               AwardState
	StandstillStartedAt *time.Time
	StandstillEndsAt    *time.Time
	AwardNotBefore      *time.Time
	Letter              string // the notice of the decision, as the bidder was sent it
	Representations     []Representation
	CanRepresent        bool // standstill has not ended: a representation may still be made
	Contract            *OutcomeContract
}

// OutcomeContract is what every bidder is told of the contract award (not its value).
type OutcomeContract struct {
	Provider, Reference string
	StartDate           time.Time
	AwardedAt           time.Time
}

// Outcome shows the acting bidder the decision on a lot it bid for.
func (s *Service) Outcome(ctx context.Context, a *access.Actor, lotID string) (OutcomeView, error) {
	var v OutcomeView
	if a == nil || !validID(lotID) || !a.HasRole(access.RoleBidder) {
		return v, apperr.NotFoundf("Lot not found")
	}
	sub, err := s.Store.OwnBid(ctx, lotID)
	if err != nil {
		return v, err
	}
	p, err := s.Store.BidProcurement(ctx, sub)
	if err != nil {
		return v, err
	}
	l, err := s.Store.Lot(ctx, lotID)
	if err != nil {
		return v, err
	}
	r, err := s.Store.CurrentRecommendation(ctx, l.ID, false)
	if err != nil {
		return v, err
	}
	own, err := s.Store.OrgNames(ctx, []string{sub.BidderOrgID})
	if err != nil {
		return v, err
	}
	v.Bidder = Bidder{OrgID: sub.BidderOrgID, Name: own[sub.BidderOrgID]}
	if r == nil || r.StandstillStartedAt == nil {
		return v, nil // no decision yet: the governing bodies have not all approved one
	}
	res, st, err := s.results(ctx, s.Store, p, l)
	if err != nil {
		return v, err
	}
	ds, err := s.Store.Approvals(ctx, r.ID)
	if err != nil {
		return v, err
	}
	n, err := s.notice(ctx, s.Store, p, l, r, ds, res, st)
	if err != nil {
		return v, err
	}
	v.Decided, v.Successful, v.Reason, v.Regime, v.State = true, r.BidderOrgID == sub.BidderOrgID, r.Reason, r.Regime, r.State
	v.StandstillStartedAt, v.StandstillEndsAt, v.AwardNotBefore = r.StandstillStartedAt, r.StandstillEndsAt, r.AwardNotBefore
	v.Winner = Bidder{OrgID: r.BidderOrgID, Name: res.Names[r.BidderOrgID]}
	v.Letter = n.letter(sub.BidderOrgID)
	for _, x := range res.Results {
		if x.Bidder == sub.BidderOrgID {
			v.Own = x
		}
		if x.Bidder == r.BidderOrgID {
			v.Winning = x
			v.Winning.PricePence = 0
		}
	}
	reps, err := s.Store.Representations(ctx, r.ID)
	if err != nil {
		return v, err
	}
	v.Representations = slices.DeleteFunc(reps, func(x Representation) bool { return x.BidderOrgID != sub.BidderOrgID })
	v.CanRepresent = (r.State == AwardStandstill || r.State == AwardPaused) && r.StandstillEndsAt != nil && s.Now().Before(*r.StandstillEndsAt)
	if r.State == AwardAwarded {
		c, err := s.Store.ContractAward(ctx, l.ID)
		if err != nil {
			return v, err
		}
		if c != nil {
			v.Contract = &OutcomeContract{Provider: v.Winner.Name, Reference: c.ContractReference, StartDate: c.StartDate, AwardedAt: c.AwardedAt}
		}
	}
	return v, nil
}
