package mobilisation

import (
	"context"
	"fmt"

	"golive/apperr"
	"golive/lots"
)

// planData is what a plan's view is made from, loaded for many plans at once by PlansData: the
// programme dashboard shows every plan the viewer can see in a constant number of statements.
type planData struct {
	proc         lots.Procurement
	lot          lots.Lot
	templateName string // "" when the template is not the viewer's to see
	phases       []Phase
	milestones   []Milestone
	deps         []Dependency
	decisions    []GoLiveDecision
	links        map[string][]string
	evidence     map[string]int
	parts        []string
}

// PlansData loads, for each plan, its procurement, lot, template name, phases, milestones,
// dependencies, decisions, lot-phase links, evidence counts and lot participants: one
// statement each, whatever the number of plans.
func (s *Store) plansData(ctx context.Context, ps []Plan) (map[string]*planData, error) {
	out := make(map[string]*planData, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	var planIDs, procIDs, lotIDs, tplIDs []string
	for _, p := range ps {
		out[p.ID] = &planData{links: map[string][]string{}, evidence: map[string]int{}}
		planIDs, procIDs, lotIDs = append(planIDs, p.ID), append(procIDs, p.ProcurementID), append(lotIDs, p.LotID)
		if p.TemplateID != "" {
			tplIDs = append(tplIDs, p.TemplateID)
		}
	}
	procs, err := s.lots().ProcurementsByID(ctx, uniq(procIDs))
	if err != nil {
		return nil, err
	}
	ls, err := s.lots().Lots(ctx, uniq(lotIDs))
	if err != nil {
		return nil, err
	}
	parts, err := s.lots().LotsParticipants(ctx, uniq(lotIDs))
	if err != nil {
		return nil, err
	}
	tplNames := map[string]string{}
	if len(tplIDs) > 0 {
		var ts []Template
		if err := s.q(ctx).Scopes(visibleTemplates(ctx)).Where("id IN ?", uniq(tplIDs)).Find(&ts).Error; err != nil {
			return nil, fmt.Errorf("templates of plans: %w", err)
		}
		for _, t := range ts {
			tplNames[t.ID] = t.Name
		}
	}
	for _, p := range ps {
		d := out[p.ID]
		pr, ok := procs[p.ProcurementID]
		if !ok {
			return nil, apperr.NotFoundf("Procurement not found")
		}
		l, ok := ls[p.LotID]
		if !ok {
			return nil, apperr.NotFoundf("Lot not found")
		}
		d.proc, d.lot, d.templateName, d.parts = pr, l, tplNames[p.TemplateID], parts[p.LotID]
	}

	var phases []Phase
	if err := s.q(ctx).Where("plan_id IN ?", planIDs).Order("position, go_live, id").Find(&phases).Error; err != nil {
		return nil, fmt.Errorf("phases of plans: %w", err)
	}
	phasePlan := map[string]string{}
	for _, ph := range phases {
		out[ph.PlanID].phases = append(out[ph.PlanID].phases, ph)
		phasePlan[ph.ID] = ph.PlanID
	}
	var ms []Milestone
	if err := s.q(ctx).Where("plan_id IN ?", planIDs).Order("due_on, position, id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("milestones of plans: %w", err)
	}
	msPlan := map[string]string{}
	for _, m := range ms {
		out[m.PlanID].milestones = append(out[m.PlanID].milestones, m)
		msPlan[m.ID] = m.PlanID
	}
	var deps []Dependency
	err = s.q(ctx).Table("milestone_dependencies").Select("milestone_dependencies.*").
		Joins("JOIN milestones ON milestones.id = milestone_dependencies.milestone_id").
		Where("milestones.plan_id IN ?", planIDs).Order("milestone_dependencies.milestone_id, milestone_dependencies.depends_on_id").Scan(&deps).Error
	if err != nil {
		return nil, fmt.Errorf("dependencies of plans: %w", err)
	}
	for _, d := range deps {
		if pid, ok := msPlan[d.MilestoneID]; ok {
			out[pid].deps = append(out[pid].deps, d)
		}
	}
	var ds []GoLiveDecision
	err = s.q(ctx).Table("go_live_decisions").Select("go_live_decisions.*").
		Joins("JOIN plan_phases ON plan_phases.id = go_live_decisions.phase_id").
		Where("plan_phases.plan_id IN ?", planIDs).Order("go_live_decisions.phase_id, go_live_decisions.org_id").Scan(&ds).Error
	if err != nil {
		return nil, fmt.Errorf("decisions of plans: %w", err)
	}
	for _, d := range ds {
		if pid, ok := phasePlan[d.PhaseID]; ok {
			out[pid].decisions = append(out[pid].decisions, d)
		}
	}
	var links []PhaseLotPhase
	err = s.q(ctx).Table("plan_phase_lot_phases").Select("plan_phase_lot_phases.*").
		Joins("JOIN plan_phases ON plan_phases.id = plan_phase_lot_phases.plan_phase_id").
		Where("plan_phases.plan_id IN ?", planIDs).Order("plan_phase_lot_phases.lot_phase_id").Scan(&links).Error
	if err != nil {
		return nil, fmt.Errorf("lot phases of plans: %w", err)
	}
	for _, r := range links {
		if pid, ok := phasePlan[r.PlanPhaseID]; ok {
			out[pid].links[r.PlanPhaseID] = append(out[pid].links[r.PlanPhaseID], r.LotPhaseID)
		}
	}
	var counts []struct {
		MilestoneID string
		N           int
	}
	err = s.q(ctx).Table("milestone_evidence").Select("milestone_evidence.milestone_id, COUNT(*) AS n").
		Joins("JOIN milestones ON milestones.id = milestone_evidence.milestone_id").
		Where("milestones.plan_id IN ?", planIDs).Group("milestone_evidence.milestone_id").Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("evidence counts of plans: %w", err)
	}
	for _, c := range counts {
		if pid, ok := msPlan[c.MilestoneID]; ok {
			out[pid].evidence[c.MilestoneID] = c.N
		}
	}
	return out, nil
}
