package mobilisation

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

// Tasks lists what the actor must do next in mobilisation, for the dashboard (a
// tenants.TaskSource): each plan they can see, read as the plan page reads it (planViews, with
// Assess and the gate), goes through PlanTasks.
func (s *Service) Tasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	if _, ok := database.TenantFrom(ctx); !ok || a == nil || isHealthwatch(a) {
		return nil, nil
	}
	if !access.Grants(a.Roles, access.PermPlanView) {
		return nil, nil
	}
	ps, err := s.Store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, nil
	}
	// one batched load for every plan: the dashboard's statements do not grow with the plans
	vs, err := s.planViews(ctx, s.Store, a, ps)
	if err != nil {
		return nil, err
	}
	var out []tenants.Task
	for _, v := range vs {
		out = append(out, PlanTasks(v, a)...)
	}
	return out, nil
}

// GoNoGoDays is how long before a phase's go-live its go/no-go decision is due even while
// critical milestones are still open.
const GoNoGoDays = 28

// endOfDay is the last minute of a UK calendar day, as the dashboard's "Due …" shows it.
func endOfDay(day string) *time.Time {
	t, err := time.ParseInLocation(dayLayout, day, ukclock.London)
	if err != nil {
		return nil
	}
	t = t.AddDate(0, 0, 1).Add(-time.Minute)
	return &t
}

// PlanTasks are the actor's tasks on one plan, from the plan as its page shows it (so from the
// same permissions and gate that guard the forms):
//   - the lead: accept or return each milestone waiting for acceptance (CanAccept); declare a
//     phase live once its gate is passed (ReadyToGoLive);
//   - anyone: their own milestones, and the unowned ones they answer for (CanReport),
//     that are overdue or due within DueSoonDays and not yet waiting for acceptance;
//   - an approver of a commissioner the lot covers (CanDecide): the go/no-go decision on each
//     phase not yet live that their commissioner has not signed, once its critical milestones
//     are done or its go-live is GoNoGoDays away.
func PlanTasks(v PlanView, a *access.Actor) []tenants.Task {
	var out []tenants.Task
	plan := fmt.Sprintf("%s (lot %d)", v.ProcurementTitle, v.LotNumber)
	for _, m := range v.Milestones {
		if m.AcceptedAt != nil {
			continue
		}
		href := milestoneHref(v.Plan.ID, m.ID)
		if m.CanAccept && m.CompletionRequestedAt != nil {
			out = append(out, tenants.Task{Title: fmt.Sprintf("Accept or return “%s”: %s says it is done", m.Title, v.ProviderName),
				Href: href + "#acceptance", Due: endOfDay(m.DueOn), Detail: "Phase " + m.PhaseName + " of " + plan + ". Check the evidence, then accept it as done or return it."})
			continue
		}
		mine := m.OwnerUserID == a.UserID || m.OwnerUserID == ""
		if !mine || !m.CanReport || m.CompletionRequestedAt != nil {
			continue
		}
		late := OverdueDays(m.DueOn, v.Today)
		switch {
		case late > 0:
			out = append(out, tenants.Task{Title: fmt.Sprintf("“%s” is %s overdue", m.Title, daysText(late)), Href: href, Due: endOfDay(m.DueOn),
				Detail: "Your milestone in phase " + m.PhaseName + " of " + plan + ": report progress, or ask for it to be accepted as done."})
		case DaysBetween(v.Today, m.DueOn) <= DueSoonDays:
			out = append(out, tenants.Task{Title: fmt.Sprintf("Complete “%s”", m.Title), Href: href, Due: endOfDay(m.DueOn),
				Detail: "Your milestone in phase " + m.PhaseName + " of " + plan + "."})
		}
	}
	for _, ph := range v.Phases {
		if ph.State == Live {
			continue
		}
		href := phaseHref(v.Plan.ID, ph.ID)
		if v.CanManage && ph.Ready {
			out = append(out, tenants.Task{Title: "Declare " + ph.Name + " live", Href: href + "#go-live", Due: endOfDay(ph.GoLiveDay),
				Detail: "Every critical milestone is done and every commissioner has decided go: the go-live gate of " + plan + " is passed."})
		}
		openCritical := 0
		for _, m := range v.Milestones {
			if m.PhaseID == ph.ID && m.Critical && m.AcceptedAt == nil {
				openCritical++
			}
		}
		// The decision is due once the critical work is done, or a month before go-live whatever
		// its state: months ahead, with the work open, there is nothing yet to decide on.
		if v.CanDecide && (openCritical == 0 || DaysBetween(v.Today, ph.GoLiveDay) <= GoNoGoDays) {
			decided := false
			for _, d := range ph.Decisions {
				if d.OrgID == a.OrgID {
					decided = true
				}
			}
			if !decided {
				out = append(out, tenants.Task{Title: "Make your go/no-go decision on " + ph.Name, Href: href + "#decide", Due: endOfDay(ph.GoLiveDay),
					Detail: "Your commissioner's readiness decision before go-live of " + plan + "; " + plural(openCritical, "critical milestone is", "critical milestones are") + " still open."})
			}
		}
	}
	return out
}

// Stages reads a lot's evaluation and award from the award (cmd/golive wires it).
type Stages interface {
	Stages(ctx context.Context, a *access.Actor, p lots.Procurement, l lots.Lot) ([]lots.Stage, bool, error)
}

// LotProgress is where a lot stands from evaluation to go-live (lots.ProgressOf): the award's
// stages, then its plan and its go-lives.
func (s *Service) LotProgress(award Stages) lots.ProgressOf {
	return func(ctx context.Context, a *access.Actor, p lots.Procurement, l lots.Lot) (lots.Progress, error) {
		st, awarded, err := award.Stages(ctx, a, p, l)
		if err != nil {
			return lots.Progress{}, err
		}
		pr := lots.Progress{Stages: st, Awarded: awarded}
		mob := lots.Stage{Name: "Mobilisation", Status: "Cannot start yet", NotYet: true}
		golive := lots.Stage{Name: "Go-live", Status: "Cannot start yet", NotYet: true}
		plan, err := s.PlanOfLot(ctx, a, l.ID)
		if err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return pr, err
		}
		if plan != nil {
			phases, err := s.Store.Phases(ctx, plan.ID)
			if err != nil {
				return pr, err
			}
			n := 0
			for _, ph := range phases {
				if ph.State == Live {
					n++
				}
			}
			mob = lots.Stage{Name: "Mobilisation", Status: "Mobilising", NotYet: false}
			if access.Grants(a.Roles, access.PermPlanView) {
				mob.Href = planHref(plan.ID)
			}
			golive = lots.Stage{Name: "Go-live", Status: fmt.Sprintf("%d of %d phases live", n, len(phases))}
			if len(phases) > 0 && n == len(phases) {
				mob.Status, mob.Done = "Complete", true
				golive.Status, golive.Done, pr.Live = "Live", true, true
			}
		}
		pr.Stages = append(pr.Stages, mob, golive)
		return pr, nil
	}
}
