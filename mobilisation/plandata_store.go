package mobilisation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

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

	// Each phase with its lot phases, each milestone with what it depends on and its evidence
	// count: subqueries in the same statement, so that the plans cost two statements here.
	agg := func(col string) string {
		if s.postgres() {
			return "string_agg(" + col + ", ',')"
		}
		return "group_concat(" + col + ", ',')"
	}
	split := func(p *string) []string {
		if p == nil || *p == "" {
			return nil
		}
		out := strings.Split(*p, ",")
		slices.Sort(out)
		return out
	}
	var phases []struct {
		Phase
		LotPhaseIDs *string
	}
	if err := s.q(ctx).Model(&Phase{}).Select("plan_phases.*, (SELECT "+agg("lot_phase_id")+
		" FROM plan_phase_lot_phases WHERE plan_phase_lot_phases.plan_phase_id = plan_phases.id) AS lot_phase_ids").
		Where("plan_phases.plan_id IN ?", planIDs).Order("position, go_live, id").Find(&phases).Error; err != nil {
		return nil, fmt.Errorf("phases of plans: %w", err)
	}
	for _, ph := range phases {
		d := out[ph.PlanID]
		d.phases = append(d.phases, ph.Phase)
		if ids := split(ph.LotPhaseIDs); len(ids) > 0 {
			d.links[ph.ID] = ids
		}
	}
	var ms []struct {
		Milestone
		DependsOnIDs *string
		EvidenceN    int
	}
	err = s.q(ctx).Model(&Milestone{}).Select("milestones.*, (SELECT "+agg("depends_on_id")+
		" FROM milestone_dependencies WHERE milestone_dependencies.milestone_id = milestones.id) AS depends_on_ids, "+
		"(SELECT COUNT(*) FROM milestone_evidence WHERE milestone_evidence.milestone_id = milestones.id) AS evidence_n").
		Where("milestones.plan_id IN ?", planIDs).Order("due_on, position, id").Find(&ms).Error
	if err != nil {
		return nil, fmt.Errorf("milestones of plans: %w", err)
	}
	for _, m := range ms {
		d := out[m.PlanID]
		d.milestones = append(d.milestones, m.Milestone)
		for _, on := range split(m.DependsOnIDs) {
			d.deps = append(d.deps, Dependency{MilestoneID: m.ID, DependsOnID: on})
		}
		if m.EvidenceN > 0 {
			d.evidence[m.ID] = m.EvidenceN
		}
	}
	for _, d := range out {
		slices.SortFunc(d.deps, func(a, b Dependency) int {
			return cmp.Or(strings.Compare(a.MilestoneID, b.MilestoneID), strings.Compare(a.DependsOnID, b.DependsOnID))
		})
	}
	phasePlan := map[string]string{}
	for _, ph := range phases {
		phasePlan[ph.ID] = ph.PlanID
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
	return out, nil
}
