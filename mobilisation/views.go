package mobilisation

import (
	"cmp"
	"context"
	"slices"
	"time"

	"golive/apperr"
	"golive/tenants/access"
)

// What the pages and the API show of plans: read models built from the data and Assess, with
// the names people need, and what the viewer may do. Nothing here changes anything.

// OrgRef is an organisation by id and name.
type OrgRef struct{ ID, Name string }

// WorkstreamView is a workstream's status over a phase or the whole plan.
type WorkstreamView struct {
	Name             string
	RAG              RAG
	Milestones, Done int
}

// DecisionView is a commissioner's readiness decision, with names.
type DecisionView struct {
	GoLiveDecision
	OrgName, DecidedByName string
}

// PhaseView is a phase with its status, forecast, readiness decisions and gate.
type PhaseView struct {
	Phase
	GoLiveDay   string
	LotPhaseIDs []string
	RAG         RAG
	Reason      string
	Outlook     PhaseOutlook
	Workstreams []WorkstreamView
	Decisions   []DecisionView
	Ready       bool
	Missing     []string // what stops it going live, for people
	// OpenCritical is how many critical milestones a go signed now must acknowledge.
	OpenCritical int
	LiveByName   string
}

// MilestoneView is a milestone with its status, forecast, owner's name and what the viewer may do.
type MilestoneView struct {
	Milestone
	PhaseName                 string
	OwnerName, OwnerOrgName   string
	DependsOn                 []string
	RAG                       RAG
	Reason                    string
	Forecast                  MilestoneForecast
	OnCriticalPath            bool
	EvidenceCount             int
	CompletionRequestedByName string
	AcceptedByName            string
	CanReport                 bool
	CanRequestCompletion      bool
	CanAccept                 bool
}

// PlanView is a whole plan as of today.
type PlanView struct {
	Plan                 Plan
	Today                string
	Side                 OwnerSide // how the viewer stands to the plan
	ProcurementTitle     string
	ProcurementReference string
	LotNumber            int
	LotTitle             string
	LeadOrgName          string
	ProviderName         string
	LeadUserName         string
	TemplateName         string
	RAG                  RAG
	Phases               []PhaseView
	Milestones           []MilestoneView // by phase, then due day
	Workstreams          []WorkstreamView
	Participants         []OrgRef // the commissioners the lot covers: who sign the go/no-go
	CanManage            bool
	CanDecide            bool
}

// Phase finds a phase of the view.
func (v PlanView) Phase(id string) (PhaseView, bool) {
	i := slices.IndexFunc(v.Phases, func(p PhaseView) bool { return p.ID == id })
	if i < 0 {
		return PhaseView{}, false
	}
	return v.Phases[i], true
}

// Milestone finds a milestone of the view.
func (v PlanView) Milestone(id string) (MilestoneView, bool) {
	i := slices.IndexFunc(v.Milestones, func(m MilestoneView) bool { return m.ID == id })
	if i < 0 {
		return MilestoneView{}, false
	}
	return v.Milestones[i], true
}

// PlanView shows a plan to anyone who can see it.
func (s *Service) PlanView(ctx context.Context, a *access.Actor, planID string) (PlanView, error) {
	p, err := s.plan(ctx, s.Store, a, planID, false)
	if err != nil {
		return PlanView{}, err
	}
	return s.planView(ctx, s.Store, a, p)
}

func (s *Service) planView(ctx context.Context, tx *Store, a *access.Actor, p Plan) (PlanView, error) {
	vs, err := s.planViews(ctx, tx, a, []Plan{p})
	if err != nil {
		return PlanView{}, err
	}
	return vs[0], nil
}

// planViews makes the views of many plans from one load of what they need: a constant number
// of statements whatever the number of plans (issue 17).
func (s *Service) planViews(ctx context.Context, tx *Store, a *access.Actor, ps []Plan) ([]PlanView, error) {
	data, err := tx.plansData(ctx, ps)
	if err != nil {
		return nil, err
	}
	var userIDs, orgIDs []string
	for _, p := range ps {
		d := data[p.ID]
		userIDs = append(userIDs, p.LeadUserID)
		for _, m := range d.milestones {
			userIDs = append(userIDs, m.OwnerUserID, m.CompletionRequestedBy, m.AcceptedBy)
		}
		for _, dc := range d.decisions {
			userIDs = append(userIDs, dc.DecidedBy)
		}
		for _, ph := range d.phases {
			userIDs = append(userIDs, ph.LiveBy)
		}
		orgIDs = append(append(orgIDs, p.LeadOrgID, p.ProviderOrgID), d.parts...)
	}
	people, err := tx.People(ctx, uniq(userIDs))
	if err != nil {
		return nil, err
	}
	for _, u := range people {
		orgIDs = append(orgIDs, u.OrgID)
	}
	orgs, err := tx.OrgNames(ctx, uniq(orgIDs))
	if err != nil {
		return nil, err
	}
	out := make([]PlanView, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.buildPlanView(a, p, data[p.ID], people, orgs))
	}
	return out, nil
}

// buildPlanView makes one plan's view from what planViews loaded.
func (s *Service) buildPlanView(a *access.Actor, p Plan, d *planData, people map[string]Person, orgs map[string]string) PlanView {
	today := DayOf(s.Now())
	v := PlanView{Plan: p, Today: today, Side: SideOf(a, p), CanManage: IsLead(a, p)}
	proc, l := d.proc, d.lot
	v.ProcurementTitle, v.ProcurementReference, v.LotNumber, v.LotTitle = proc.Title, proc.Reference, l.Number, l.Title
	v.TemplateName = d.templateName
	phases, ms, deps, ds, links, evidence, parts := d.phases, d.milestones, d.deps, d.decisions, d.links, d.evidence, d.parts
	v.CanDecide = CanDecide(a, parts)
	v.LeadOrgName, v.ProviderName, v.LeadUserName = orgs[p.LeadOrgID], orgs[p.ProviderOrgID], people[p.LeadUserID].Name
	for _, o := range parts {
		v.Participants = append(v.Participants, OrgRef{ID: o, Name: orgs[o]})
	}

	as := Assess(p, phases, ms, deps, today)
	v.RAG = as.RAG
	phaseName := map[string]string{}
	onPath := map[string]bool{}
	for _, ph := range phases {
		pa := as.Phases[ph.ID]
		pv := PhaseView{Phase: ph, GoLiveDay: DayOf(ph.GoLive), LotPhaseIDs: links[ph.ID], RAG: pa.RAG, Reason: pa.Reason,
			Outlook: pa.Outlook, LiveByName: people[ph.LiveBy].Name}
		for _, id := range pa.Outlook.CriticalPath {
			onPath[id] = true
		}
		for _, d := range ds {
			if d.PhaseID == ph.ID {
				pv.Decisions = append(pv.Decisions, DecisionView{GoLiveDecision: d, OrgName: orgs[d.OrgID], DecidedByName: people[d.DecidedBy].Name})
			}
		}
		if ph.State != Live {
			pv.Ready, pv.Missing = readiness(ph, ms, ds, parts, orgs)
			pv.OpenCritical = len(OpenCriticalToAcknowledge(Go, ph, ms))
		}
		phaseName[ph.ID] = ph.Name
		v.Phases = append(v.Phases, pv)
	}
	position := map[string]int{}
	for i, ph := range phases {
		position[ph.ID] = i
	}
	for _, m := range ms {
		ma := as.Milestones[m.ID]
		owner := people[m.OwnerUserID]
		v.Milestones = append(v.Milestones, MilestoneView{Milestone: m, PhaseName: phaseName[m.PhaseID], OwnerName: owner.Name,
			OwnerOrgName: orgs[owner.OrgID], DependsOn: dependsOnOf(deps, m.ID), RAG: ma.RAG, Reason: ma.Reason, Forecast: ma.Forecast,
			OnCriticalPath: onPath[m.ID], EvidenceCount: evidence[m.ID], CompletionRequestedByName: people[m.CompletionRequestedBy].Name,
			AcceptedByName: people[m.AcceptedBy].Name, CanReport: m.AcceptedAt == nil && CanReport(a, p, m),
			CanRequestCompletion: m.AcceptedAt == nil && m.CompletionRequestedAt == nil && CanRequestCompletion(a, p, m),
			CanAccept:            m.AcceptedAt == nil && CanAccept(a, p) && (m.OwnerSide == Commissioner || m.CompletionRequestedAt != nil)})
	}
	slices.SortStableFunc(v.Milestones, func(x, y MilestoneView) int {
		return cmp.Or(cmp.Compare(position[x.PhaseID], position[y.PhaseID]), cmp.Compare(x.DueOn, y.DueOn), cmp.Compare(x.Position, y.Position))
	})
	for i := range v.Phases {
		v.Phases[i].Workstreams = workstreams(v.Milestones, v.Phases[i].ID)
	}
	v.Workstreams = workstreams(v.Milestones, "")
	return v
}

// workstreams rolls milestones up by workstream (of one phase, or all when phaseID is ""), in
// the default template's order, then any others by name.
func workstreams(ms []MilestoneView, phaseID string) []WorkstreamView {
	byName := map[string]*WorkstreamView{}
	rags := map[string][]RAG{}
	var names []string
	for _, m := range ms {
		if phaseID != "" && m.PhaseID != phaseID {
			continue
		}
		w := byName[m.Workstream]
		if w == nil {
			w = &WorkstreamView{Name: m.Workstream}
			byName[m.Workstream] = w
			names = append(names, m.Workstream)
		}
		w.Milestones++
		if m.RAG == RAGDone {
			w.Done++
		}
		rags[m.Workstream] = append(rags[m.Workstream], m.RAG)
	}
	rank := func(n string) int {
		if i := slices.Index(DefaultWorkstreams, n); i >= 0 {
			return i
		}
		return len(DefaultWorkstreams)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b)) })
	out := make([]WorkstreamView, 0, len(names))
	for _, n := range names {
		w := byName[n]
		w.RAG = Rollup(rags[n])
		out = append(out, *w)
	}
	return out
}

// NoteView is a progress note with its author's names.
type NoteView struct {
	Note
	AuthorName, AuthorOrgName string
}

// EvidenceView is an evidence file (without its content) with its uploader's name.
type EvidenceView struct {
	Evidence
	UploadedByName string
}

// MilestoneDetail is one milestone with its notes, evidence and what it depends on.
type MilestoneDetail struct {
	Plan       PlanView
	Milestone  MilestoneView
	Phase      PhaseView
	DependsOn  []MilestoneView
	Dependents []MilestoneView
	Notes      []NoteView
	Evidence   []EvidenceView
}

// MilestoneDetail shows a milestone to anyone who can see its plan.
func (s *Service) MilestoneDetail(ctx context.Context, a *access.Actor, planID, milestoneID string) (MilestoneDetail, error) {
	p, err := s.plan(ctx, s.Store, a, planID, false)
	if err != nil {
		return MilestoneDetail{}, err
	}
	if !validID(milestoneID) {
		return MilestoneDetail{}, apperr.NotFoundf("Milestone not found")
	}
	if _, err := s.Store.Milestone(ctx, p.ID, milestoneID, false); err != nil {
		return MilestoneDetail{}, err
	}
	pv, err := s.planView(ctx, s.Store, a, p)
	if err != nil {
		return MilestoneDetail{}, err
	}
	mv, ok := pv.Milestone(milestoneID)
	if !ok {
		return MilestoneDetail{}, apperr.NotFoundf("Milestone not found")
	}
	d := MilestoneDetail{Plan: pv, Milestone: mv}
	d.Phase, _ = pv.Phase(mv.PhaseID)
	for _, x := range pv.Milestones {
		if slices.Contains(mv.DependsOn, x.ID) {
			d.DependsOn = append(d.DependsOn, x)
		}
		if slices.Contains(x.DependsOn, mv.ID) {
			d.Dependents = append(d.Dependents, x)
		}
	}
	notes, err := s.Store.Notes(ctx, mv.ID)
	if err != nil {
		return d, err
	}
	files, err := s.Store.EvidenceList(ctx, mv.ID)
	if err != nil {
		return d, err
	}
	var ids []string
	for _, n := range notes {
		ids = append(ids, n.AuthorID)
	}
	for _, f := range files {
		ids = append(ids, f.UploadedBy)
	}
	people, err := s.Store.People(ctx, uniq(ids))
	if err != nil {
		return d, err
	}
	var orgIDs []string
	for _, n := range notes {
		orgIDs = append(orgIDs, n.AuthorOrgID)
	}
	orgs, err := s.Store.OrgNames(ctx, uniq(orgIDs))
	if err != nil {
		return d, err
	}
	for _, n := range notes {
		d.Notes = append(d.Notes, NoteView{Note: n, AuthorName: people[n.AuthorID].Name, AuthorOrgName: orgs[n.AuthorOrgID]})
	}
	for _, f := range files {
		d.Evidence = append(d.Evidence, EvidenceView{Evidence: f, UploadedByName: people[f.UploadedBy].Name})
	}
	return d, nil
}

// PhaseCard is a phase as the dashboard shows it.
type PhaseCard struct {
	ID, Name               string
	GoLiveDay, ForecastDay string
	SlipDays               int
	RAG                    RAG
	Reason                 string
	State                  PhaseState
	LiveAt                 *time.Time
}

// OverdueItem is a milestone past its due day and whose it is.
type OverdueItem struct {
	PlanID, ContractReference string
	MilestoneID, Title        string
	PhaseName, Workstream     string
	DueOn                     string
	DaysOverdue               int
	Critical                  bool
	OwnerSide                 OwnerSide
	OwnerName, OwnerOrgName   string
}

// PlanCard is a plan on the dashboard: its phases' status, its next go-live and what is overdue.
type PlanCard struct {
	PlanID, ContractReference              string
	ProcurementTitle, ProcurementReference string
	LotNumber                              int
	LotTitle                               string
	LeadOrgName, ProviderName              string
	Side                                   OwnerSide
	RAG                                    RAG
	Phases                                 []PhaseCard
	NextGoLive                             *PhaseCard
	Overdue                                []OverdueItem
	Milestones, Done                       int
}

// GoLiveItem is a coming go-live on the dashboard.
type GoLiveItem struct {
	PlanID, ContractReference string
	ProcurementTitle          string
	LotNumber                 int
	ProviderName              string
	Phase                     PhaseCard
}

// Dashboard is the programme view: every plan the viewer's organisation takes part in (a
// commissioner) or provides (a provider), the coming go-lives and everything overdue.
type Dashboard struct {
	Today       string
	Plans       []PlanCard
	NextGoLives []GoLiveItem
	Overdue     []OverdueItem
}

func cardOf(v PlanView) PlanCard {
	c := PlanCard{PlanID: v.Plan.ID, ContractReference: v.Plan.ContractReference, ProcurementTitle: v.ProcurementTitle,
		ProcurementReference: v.ProcurementReference, LotNumber: v.LotNumber, LotTitle: v.LotTitle, LeadOrgName: v.LeadOrgName,
		ProviderName: v.ProviderName, Side: v.Side, RAG: v.RAG, Milestones: len(v.Milestones)}
	for _, ph := range v.Phases {
		pc := PhaseCard{ID: ph.ID, Name: ph.Name, GoLiveDay: ph.GoLiveDay, ForecastDay: ph.Outlook.ForecastDay, SlipDays: ph.Outlook.SlipDays,
			RAG: ph.RAG, Reason: ph.Reason, State: ph.State, LiveAt: ph.LiveAt}
		if pc.ForecastDay == "" {
			pc.ForecastDay = pc.GoLiveDay
		}
		c.Phases = append(c.Phases, pc)
		if ph.State != Live && (c.NextGoLive == nil || pc.GoLiveDay < c.NextGoLive.GoLiveDay) {
			next := pc
			c.NextGoLive = &next
		}
	}
	for _, m := range v.Milestones {
		if m.AcceptedAt != nil {
			c.Done++
			continue
		}
		if n := OverdueDays(m.DueOn, v.Today); n > 0 {
			c.Overdue = append(c.Overdue, OverdueItem{PlanID: v.Plan.ID, ContractReference: v.Plan.ContractReference, MilestoneID: m.ID,
				Title: m.Title, PhaseName: m.PhaseName, Workstream: m.Workstream, DueOn: m.DueOn, DaysOverdue: n, Critical: m.Critical,
				OwnerSide: m.OwnerSide, OwnerName: m.OwnerName, OwnerOrgName: m.OwnerOrgName})
		}
	}
	slices.SortStableFunc(c.Overdue, func(x, y OverdueItem) int { return cmp.Compare(y.DaysOverdue, x.DaysOverdue) })
	return c
}

// Plans lists the plans the viewer can see, as cards.
func (s *Service) Plans(ctx context.Context, a *access.Actor) ([]PlanCard, error) {
	if isHealthwatch(a) {
		return []PlanCard{}, nil
	}
	ps, err := s.Store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	vs, err := s.planViews(ctx, s.Store, a, ps)
	if err != nil {
		return nil, err
	}
	out := make([]PlanCard, 0, len(vs))
	for _, v := range vs {
		out = append(out, cardOf(v))
	}
	return out, nil
}

// Dashboard is the viewer's programme of plans.
func (s *Service) Dashboard(ctx context.Context, a *access.Actor) (Dashboard, error) {
	cards, err := s.Plans(ctx, a)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Today: DayOf(s.Now()), Plans: cards}
	for _, c := range cards {
		for _, ph := range c.Phases {
			if ph.State != Live {
				d.NextGoLives = append(d.NextGoLives, GoLiveItem{PlanID: c.PlanID, ContractReference: c.ContractReference,
					ProcurementTitle: c.ProcurementTitle, LotNumber: c.LotNumber, ProviderName: c.ProviderName, Phase: ph})
			}
		}
		d.Overdue = append(d.Overdue, c.Overdue...)
	}
	slices.SortStableFunc(d.NextGoLives, func(x, y GoLiveItem) int { return cmp.Compare(x.Phase.GoLiveDay, y.Phase.GoLiveDay) })
	slices.SortStableFunc(d.Overdue, func(x, y OverdueItem) int { return cmp.Compare(y.DaysOverdue, x.DaysOverdue) })
	return d, nil
}
