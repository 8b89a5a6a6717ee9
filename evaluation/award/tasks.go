package award

import (
	"context"
	"fmt"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
	"golive/ukclock"
)

// Tasks lists what the actor must do next on the awards of the lots they take part in, for the
// dashboard (a tenants.TaskSource): NextActions of each lot's award, so that a task is listed
// exactly when the award page offers the form. The lead: recommend, decide on representations,
// the contract once standstill ends and after; an approver of a commissioner the lot covers:
// its governing body's Part 2 decision; a bidder: its outcome letter while it may still make a
// representation. Each task links to where it is done and says by when.
func (s *Service) Tasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	if _, ok := database.TenantFrom(ctx); !ok || a == nil {
		return nil, nil
	}
	var out []tenants.Task
	if a.HasRole(access.RoleBidder) {
		ts, err := s.bidderTasks(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	if a.HasRole(access.RoleProcurementLead) || a.HasRole(access.RoleApprover) {
		ts, err := s.commissionerTasks(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

// commissionerTasks: the awards under way on the lots whose prices are open, of the
// procurements the actor's organisation takes part in.
func (s *Service) commissionerTasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	priced, err := s.Eval.PricedLots(ctx)
	if err != nil || len(priced) == 0 {
		return nil, err
	}
	ids := make([]string, len(priced))
	for i, pl := range priced {
		ids[i] = pl.Lot.ID
	}
	live, err := s.Store.LiveRecommendations(ctx, ids)
	if err != nil {
		return nil, err
	}
	var recIDs []string
	for _, r := range live {
		recIDs = append(recIDs, r.ID)
	}
	rec, err := s.Store.Records(ctx, recIDs)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []tenants.Task
	for _, pl := range priced {
		p, l := pl.Procurement, pl.Lot
		w := who(a, p, l.Participants, "")
		if !w.Lead && w.Approver == "" {
			continue
		}
		f := Facts{Now: now, Regime: p.Regime, Commissioners: l.Participants, AwardDate: p.AwardDate, ContractStart: p.ContractStart}
		if r, ok := live[l.ID]; ok {
			f.Current, f.Approvals, f.Representations, f.Proceedings = &r, rec.Approvals[r.ID], rec.Representations[r.ID], rec.Proceedings[r.ID]
		} else if w.Lead {
			// Only a lot awaiting a recommendation needs its ranking here: whether a bid may be
			// recommended. Until the ranking can be computed there is nothing to recommend.
			rk, err := s.Eval.Ranking(ctx, s.Store.Eval, p, l)
			if err != nil && !apperr.IsKind(err, apperr.Conflict) {
				return nil, err
			}
			f.Recommendable = err == nil && Recommendable(rk.Results)
		}
		for _, n := range NextActions(f, w) {
			if t, ok := task(n, p, l, now); ok {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// bidderTasks: the lots the bidder bid for whose award is in standstill.
func (s *Service) bidderTasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	ids, err := s.Eval.BidLots(ctx)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	live, err := s.Store.LiveRecommendations(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []tenants.Task
	for _, id := range ids {
		r, ok := live[id]
		if !ok {
			continue
		}
		ev := s.Store.Eval
		sub, err := ev.OwnBid(ctx, id)
		if err != nil {
			return nil, err
		}
		p, err := ev.BidProcurement(ctx, sub)
		if err != nil {
			return nil, err
		}
		l, err := ev.Lot(ctx, id)
		if err != nil {
			return nil, err
		}
		f := Facts{Now: now, Regime: p.Regime, Current: &r, AwardDate: p.AwardDate, ContractStart: p.ContractStart}
		for _, n := range NextActions(f, Who{Bidder: sub.BidderOrgID}) {
			if t, ok := task(n, p, l, now); ok {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// task is how the dashboard says one of NextActions; false for what is not a task to list
// (recording court proceedings, or their end, happens when the court acts, not by a date).
func task(n Next, p lots.Procurement, l lots.Lot, now time.Time) (tenants.Task, bool) {
	lot := fmt.Sprintf("lot %d of %s", l.Number, p.Title)
	award := "/evaluations/lots/" + l.ID + "/award"
	switch n.Action {
	case ActRecommend:
		return tenants.Task{Title: "Recommend a preferred bidder for " + lot, Href: award + "#recommendation", Due: n.By,
			Detail: "The ranking is ready. The timetable plans the award for " + timetableDay(n.By) + "."}, true
	case ActDecide:
		return tenants.Task{Title: "Record your governing body's decision on the award of " + lot, Href: award + "#approvals", Due: n.By,
			Detail: "A Part 2 (confidential) matter: the recommendation is on the award page. The timetable plans the award for " + timetableDay(n.By) + "."}, true
	case ActDecideRepresentation:
		return tenants.Task{Title: "Decide on a representation against the award of " + lot, Href: award + "#representations",
			Detail: "Decide as soon as you can: the award is paused until you do."}, true
	case ActAwardContract:
		if n.From != nil && now.Before(*n.From) {
			return tenants.Task{Title: "Award the contract for " + lot + " when standstill ends", Href: award + "#contract", Due: n.By,
				Detail: "The contract may be awarded from " + ukDay(*n.From) + "; the timetable starts it on " + timetableDay(n.By) + "."}, true
		}
		return tenants.Task{Title: "Award the contract for " + lot + ": standstill is over", Href: award + "#contract", Due: n.By,
			Detail: "The timetable starts the contract on " + timetableDay(n.By) + "."}, true
	case ActRepresent:
		return tenants.Task{Title: "Read the outcome of your response to " + lot, Href: "/evaluations/lots/" + l.ID + "/outcome", Due: lastMinute(n.By),
			Detail: "You may make a representation against the decision until " + ukDay(*n.By) + "."}, true
	}
	return tenants.Task{}, false
}

// timetableDay is a day as people read it, or "no date" in a timetable without one.
func timetableDay(t *time.Time) string {
	if t == nil {
		return "no date"
	}
	return t.In(ukclock.London).Format("2 January 2006")
}

// lastMinute shows a period that ends at midnight as the last minute of its last day (the
// dashboard says "Due 29 June 2027 23:59", not 30 June 00:00).
func lastMinute(end *time.Time) *time.Time {
	if end == nil {
		return nil
	}
	t := end.Add(-time.Minute)
	return &t
}
