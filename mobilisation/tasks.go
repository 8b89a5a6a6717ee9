package mobilisation

import (
	"context"
	"fmt"
	"time"

	"golive/database"
	"golive/tenants"
	"golive/tenants/access"
	"golive/ukclock"
)

// Tasks lists what the actor must do next in mobilisation, for the dashboard (a
// tenants.TaskSource): each plan they can see, read as the plan page reads it (planView, with
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
	var out []tenants.Task
	for _, p := range ps {
		v, err := s.planView(ctx, s.Store, a, p)
		if err != nil {
			return nil, err
		}
		out = append(out, PlanTasks(v, a)...)
	}
	return out, nil
}

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
//     phase not yet live that their commissioner has not signed.
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
		if v.CanDecide {
			decided := false
			for _, d := range ph.Decisions {
				if d.OrgID == a.OrgID {
					decided = true
				}
			}
			if !decided {
				out = append(out, tenants.Task{Title: "Make your go/no-go decision on " + ph.Name, Href: href + "#decide", Due: endOfDay(ph.GoLiveDay),
					Detail: "Your commissioner's readiness decision before go-live of " + plan + "; " + plural(len(ph.Missing), "thing still stands", "things still stand") + " in the way."})
			}
		}
	}
	return out
}
