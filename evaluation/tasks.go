package evaluation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golive/database"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
	"golive/ukclock"
)

// Tasks lists what the actor must do next in evaluations, for the dashboard (a
// tenants.TaskSource): an evaluator's (Healthwatch included) declare, score and submit on each
// lot of their panels; the lead's build the panel, moderate and open the prices on each lot of
// their opened procurements. The facts go through PanelTasks and LeadLotTasks, pure functions of
// the same rules (Declared, MissingScores, Awaited, QualityComplete) the actions check.
func (s *Service) Tasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	if _, ok := database.TenantFrom(ctx); !ok || a == nil {
		return nil, nil
	}
	var out []tenants.Task
	if a.HasRole(access.RoleEvaluator) || a.HasRole(access.RoleHealthwatch) {
		rows, err := s.MyEvaluations(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, PanelTasks(rows)...)
	}
	if a.HasRole(access.RoleProcurementLead) {
		ts, err := s.leadTasks(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

func (s *Service) leadTasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	ps, err := s.Lots.Store.Procurements(ctx)
	if err != nil {
		return nil, err
	}
	var out []tenants.Task
	for _, p := range ps {
		if !CanLead(a, p) || p.State != lots.Opened {
			continue
		}
		if err := s.opened(ctx, s.Store, p); err != nil {
			continue // not yet readable: nothing to evaluate
		}
		ls, err := s.Lots.Store.Lots(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			st, err := s.lotState(ctx, s.Store, p, l)
			if err != nil {
				return nil, err
			}
			o, err := s.Store.PriceOpening(ctx, l.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, LeadLotTasks(LeadLotFacts{Procurement: p, Lot: l, Questions: st.qs, Bidders: st.bidderIDs,
				Members: st.members, Assigned: st.assigned, Declarations: st.decls, Moderations: st.mods, Consensus: st.cons,
				QualityModeratedAt: st.eval.QualityModeratedAt, PricesOpened: o != nil})...)
		}
	}
	return out, nil
}

// PanelTasks are an evaluator's tasks on the lots of their panels: declare about every bidder
// before reading a response, then mark every assigned question for every bidder they are not
// conflicted with, then submit; nothing once submitted. Each is due by the timetable's award day.
func PanelTasks(rows []MyLot) []tenants.Task {
	var out []tenants.Task
	for _, r := range rows {
		if r.SubmittedAt != nil || r.Questions == 0 || !r.Opened {
			continue
		}
		ws := "/evaluations/lots/" + r.LotID + "/workspace"
		lot := fmt.Sprintf("lot %d of %s", r.LotNumber, r.Procurement)
		var due *time.Time
		by := ""
		if !r.AwardDate.IsZero() {
			d := r.AwardDate
			due, by = &d, " The timetable plans the award for "+d.In(ukclock.London).Format("2 January 2006")+"."
		}
		switch {
		case !r.Declared:
			out = append(out, tenants.Task{Title: "Declare your interests for " + lot, Href: ws + "#declare", Due: due,
				Detail: "Declare any conflict of interest with each bidder before you read a response." + by})
		case r.Marked < r.ToMark:
			out = append(out, tenants.Task{Title: fmt.Sprintf("Score %s: %d of %d marks given", lot, r.Marked, r.ToMark), Href: ws + "#bidders", Due: due,
				Detail: "Mark each of your questions for each bidder, with your reasons." + by})
		default:
			out = append(out, tenants.Task{Title: "Submit your scores for " + lot, Href: checkPath(r.LotID), Due: due,
				Detail: "Every mark is given: check them, then submit them so that moderation can start." + by})
		}
	}
	return out
}

// LeadLotFacts is what the lead's tasks on one lot's evaluation are worked out from.
type LeadLotFacts struct {
	Procurement        lots.Procurement
	Lot                lots.Lot
	Questions          []lots.Question
	Bidders            []string
	Members            []PanelMember
	Assigned           []Assignment
	Declarations       []Declaration
	Moderations        []Moderation
	Consensus          []Consensus
	QualityModeratedAt *time.Time
	PricesOpened       bool
}

// LeadLotTasks are the lead's tasks on one lot after opening: build the panel until every
// quality question has someone to score it; moderate each question once nobody is awaited
// (StartModeration's rule) until every bidder has a consensus; then open the prices (OpenPrices'
// rule). A lot nobody bid for has nothing to evaluate.
func LeadLotTasks(f LeadLotFacts) []tenants.Task {
	if len(f.Bidders) == 0 {
		return nil
	}
	base := "/evaluations/lots/" + f.Lot.ID
	lot := fmt.Sprintf("lot %d of %s", f.Lot.Number, f.Procurement.Title)
	var due *time.Time
	if !f.Procurement.AwardDate.IsZero() {
		d := f.Procurement.AwardDate
		due = &d
	}
	qq := QualityQuestions(f.Questions)
	var unassigned, ready []string
	for _, q := range qq {
		if !slices.ContainsFunc(f.Assigned, func(as Assignment) bool { return as.QuestionID == q.ID }) {
			unassigned = append(unassigned, q.Number)
			continue
		}
		if len(Awaited(q.ID, f.Members, f.Assigned, f.Bidders, f.Declarations)) > 0 {
			continue
		}
		for _, b := range f.Bidders {
			if !slices.ContainsFunc(f.Consensus, func(c Consensus) bool { return c.QuestionID == q.ID && c.BidderOrgID == b }) {
				ready = append(ready, q.Number)
				break
			}
		}
	}
	var out []tenants.Task
	if len(f.Members) == 0 || len(unassigned) > 0 {
		d := f.Procurement.EvaluationStart
		detail := "Add evaluators and assign each quality question to at least one of them."
		if len(unassigned) > 0 && len(f.Members) > 0 {
			detail = "Nobody scores question" + pluralS(len(unassigned)) + " " + strings.Join(unassigned, ", ") + " yet."
		}
		out = append(out, tenants.Task{Title: "Build the evaluation panel for " + lot, Href: base + "#panel", Due: &d,
			Detail: detail + " The timetable starts the evaluation on " + d.In(ukclock.London).Format("2 January 2006") + "."})
	}
	if len(ready) > 0 {
		out = append(out, tenants.Task{Title: "Moderate " + lot + ": question" + pluralS(len(ready)) + " " + strings.Join(ready, ", ") + " ready",
			Href: base + "#moderation", Due: due, Detail: "Every evaluator of these questions has submitted: agree a consensus mark for each bidder."})
	}
	if f.QualityModeratedAt != nil && !f.PricesOpened {
		out = append(out, tenants.Task{Title: "Open the price envelopes for " + lot, Href: base + "/results", Due: due,
			Detail: "Quality moderation is complete: the prices may now be opened and the bids ranked."})
	}
	return out
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
