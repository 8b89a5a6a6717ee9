package award

import (
	"context"
	"slices"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/lots"
	"golive/tenants/access"
)

// OutcomeView is a lot's award decision as one bidder sees it: nothing until standstill starts;
// then the notice it was sent (its own scores and the successful bidder's, with the reasons),
// the representations it has made and the decisions on them, and in the end the contract award.
type OutcomeView struct {
	Bidder     evaluation.Bidder
	Decided    bool // standstill has started on the live recommendation: every bidder has its letter
	Successful bool
	Winner     evaluation.Bidder
	Own        evaluation.Result
	// Winning is the successful bid's result without its price: a letter gives the winner's
	// scores, never what it bid.
	Winning             evaluation.Result
	Reason              string
	Regime              lots.Regime
	State               State
	StandstillStartedAt *time.Time
	StandstillEndsAt    *time.Time
	AwardNotBefore      *time.Time
	Letter              string // the notice of the decision, as the bidder was sent it
	Representations     []Representation
	CanRepresent        bool   // standstill has not ended: a representation may still be made
	Next                []Next // what the bidder may do next (NextActions)
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
	ev := s.Store.Eval
	sub, err := ev.OwnBid(ctx, lotID)
	if err != nil {
		return v, err
	}
	p, err := ev.BidProcurement(ctx, sub)
	if err != nil {
		return v, err
	}
	l, err := ev.Lot(ctx, lotID)
	if err != nil {
		return v, err
	}
	r, err := s.Store.CurrentRecommendation(ctx, l.ID, false)
	if err != nil {
		return v, err
	}
	own, err := s.People.OrgNames(ctx, []string{sub.BidderOrgID})
	if err != nil {
		return v, err
	}
	v.Bidder = evaluation.Bidder{OrgID: sub.BidderOrgID, Name: own[sub.BidderOrgID]}
	if r == nil || r.StandstillStartedAt == nil {
		return v, nil // no decision yet: the governing bodies have not all approved one
	}
	rk, err := s.Eval.Ranking(ctx, ev, p, l)
	if err != nil {
		return v, err
	}
	ds, err := s.Store.Approvals(ctx, r.ID)
	if err != nil {
		return v, err
	}
	n, err := s.notice(ctx, s.Store, p, l, r, ds, rk)
	if err != nil {
		return v, err
	}
	v.Decided, v.Successful, v.Reason, v.Regime, v.State = true, r.BidderOrgID == sub.BidderOrgID, r.Reason, r.Regime, r.State
	v.StandstillStartedAt, v.StandstillEndsAt, v.AwardNotBefore = r.StandstillStartedAt, r.StandstillEndsAt, r.AwardNotBefore
	v.Winner = evaluation.Bidder{OrgID: r.BidderOrgID, Name: rk.Names[r.BidderOrgID]}
	v.Letter = n.letter(sub.BidderOrgID)
	for _, x := range rk.Results {
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
	f := Facts{Now: s.Now(), Regime: p.Regime, Current: r, AwardDate: p.AwardDate, ContractStart: p.ContractStart}
	v.Next = NextActions(f, Who{Bidder: sub.BidderOrgID})
	_, v.CanRepresent = Offered(v.Next, ActRepresent, "")
	if r.State == Awarded {
		c, err := s.Store.Contract(ctx, l.ID)
		if err != nil {
			return v, err
		}
		if c != nil {
			v.Contract = &OutcomeContract{Provider: v.Winner.Name, Reference: c.ContractReference, StartDate: c.StartDate, AwardedAt: c.AwardedAt}
		}
	}
	return v, nil
}
