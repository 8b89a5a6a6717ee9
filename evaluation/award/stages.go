package award

import (
	"context"

	"golive/evaluation"
	"golive/lots"
	"golive/tenants/access"
)

// Stages says where a lot's evaluation and award stand, for the procurement pages' tracker
// (lots.ProgressOf): the lead's evaluation overview and the award page (lead and approvers,
// who may see the value) are linked; awarded reports that its contract is awarded.
func (s *Service) Stages(ctx context.Context, a *access.Actor, p lots.Procurement, l lots.Lot) ([]lots.Stage, bool, error) {
	ev := s.Store.Eval
	le, err := ev.LotEvaluation(ctx, l)
	if err != nil {
		return nil, false, err
	}
	o, err := ev.PriceOpening(ctx, l.ID)
	if err != nil {
		return nil, false, err
	}
	c, err := s.Store.Contract(ctx, l.ID)
	if err != nil {
		return nil, false, err
	}
	live, err := s.Store.LiveRecommendations(ctx, []string{l.ID})
	if err != nil {
		return nil, false, err
	}
	evs := lots.Stage{Name: "Evaluation", Status: "In progress"}
	switch {
	case o != nil:
		evs.Status, evs.Done = "Complete: prices opened", true
	case le.QualityModeratedAt != nil:
		evs.Status = "Quality moderated: prices sealed"
	}
	value := access.Grants(a.Roles, access.PermProcValue)
	if evaluation.CanLead(a, p) {
		evs.Href = "/evaluations/lots/" + l.ID
	} else if value && o != nil {
		evs.Href = "/evaluations/lots/" + l.ID + "/results"
	}
	aw := lots.Stage{Name: "Award", Status: "Cannot start yet", NotYet: true}
	if r, ok := live[l.ID]; ok {
		aw = lots.Stage{Name: "Award", Status: awardStateNames[r.State]}
	} else if o != nil {
		aw = lots.Stage{Name: "Award", Status: "Not started"}
	}
	if c != nil {
		aw.Status, aw.Done, aw.NotYet = "Contract awarded", true, false
	}
	if value && !aw.NotYet {
		aw.Href = "/evaluations/lots/" + l.ID + "/award"
	}
	return []lots.Stage{evs, aw}, c != nil, nil
}

// OutcomeOf is what the acting bidder was told of a lot's award (lots.OutcomeOf), for the
// opportunity page's statuses and its link to the outcome letter.
func (s *Service) OutcomeOf(ctx context.Context, a *access.Actor, lotID string) (lots.Outcome, error) {
	v, err := s.Outcome(ctx, a, lotID)
	if err != nil {
		return lots.Outcome{}, err
	}
	return lots.Outcome{Decided: v.Decided, Successful: v.Successful, Awarded: v.Contract != nil}, nil
}
