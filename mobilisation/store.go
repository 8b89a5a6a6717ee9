package mobilisation

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/jobs"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
)

// Store is where mobilisation talks to the database (with reminders_store.go). A commissioner
// reads the plans of procurements its organisation takes part in; a provider the plans of its
// own contracts; nothing of a plan is read before one of those has let the plan in.
type Store struct {
	db *gorm.DB
}

// NewStore wraps the database.
func NewStore(db *database.DB) *Store { return &Store{db: db.Gorm} }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction: state, audit event and queued mail commit together.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.q(ctx).Transaction(func(tx *gorm.DB) error { return fn(&Store{db: tx}) })
}

// Audit appends an audit event in the transaction.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error { return audit.Record(ctx, s.db, e) }

// QueueMail writes a message to the outbox in the transaction; enqueue it after commit.
func (s *Store) QueueMail(ctx context.Context, m jobs.Mail) (string, error) {
	return jobs.QueueMail(ctx, s.db, m)
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFoundf("%s not found", what)
	}
	return err
}

func (s *Store) locked(q *gorm.DB, lock bool) *gorm.DB {
	if lock && s.db.Dialector.Name() == "postgres" {
		return q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

func (s *Store) create(ctx context.Context, what string, v any) error {
	if err := s.q(ctx).Create(v).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("That %s already exists", what)
		}
		return fmt.Errorf("create %s: %w", what, err)
	}
	return nil
}

func (s *Store) save(ctx context.Context, what string, v any) error {
	if err := s.q(ctx).Save(v).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("That %s already exists", what)
		}
		return fmt.Errorf("save %s: %w", what, err)
	}
	return nil
}

// --- plans: let in by taking part in the procurement or by being the provider ---

// visiblePlans starts a query of the plans the acting organisation may see: those it provides,
// and those of the procurements it takes part in (lots answers which). With no organisation in
// the context it fails.
func (s *Store) visiblePlans(ctx context.Context) (*gorm.DB, error) {
	org, ok := database.TenantFrom(ctx)
	if !ok {
		return nil, database.ErrNoTenant
	}
	procs, err := s.lots().ProcurementsOfActingOrg(ctx)
	if err != nil {
		return nil, err
	}
	return s.q(ctx).Where("(mobilisation_plans.provider_org_id = ? OR mobilisation_plans.procurement_id IN ?)", org, procs), nil
}

// Plan loads a plan the acting organisation may see; any other is not found. lock holds the
// row until the transaction ends, so changes to one plan do not interleave.
func (s *Store) Plan(ctx context.Context, id string, lock bool) (Plan, error) {
	load := func() (Plan, error) {
		var p Plan
		q, err := s.visiblePlans(ctx)
		if err != nil {
			return p, err
		}
		err = s.locked(q.Where("mobilisation_plans.id = ?", id), lock).Take(&p).Error
		return p, notFound(err, "Plan")
	}
	if lock {
		return load()
	}
	// A plan's pages ask for it from several services; once a request (scoped by the acting
	// organisation, as visiblePlans is).
	return database.Memoize(ctx, s.db, "mobilisation_plans.visible|"+id, nil, load)
}

// Plans lists the plans the acting organisation may see, oldest first.
func (s *Store) Plans(ctx context.Context) ([]Plan, error) {
	q, err := s.visiblePlans(ctx)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	var out []Plan
	if err := q.Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	return out, nil
}

// errPlanExists: another transaction made the lot's plan first.
var errPlanExists = errors.New("the lot already has a plan")

// PlanOfLot loads a lot's plan, or nil. Call it only for a lot the service has let in.
func (s *Store) PlanOfLot(ctx context.Context, lotID string) (*Plan, error) {
	var p Plan
	err := s.q(ctx).Where("lot_id = ?", lotID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("plan of lot %s: %w", lotID, err)
	}
	return &p, nil
}

// CreatePlan inserts a plan; errPlanExists when the lot has one.
func (s *Store) CreatePlan(ctx context.Context, p *Plan) error {
	if err := s.q(ctx).Create(p).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return errPlanExists
		}
		return fmt.Errorf("create plan: %w", err)
	}
	return nil
}

// SavePlan writes a plan's settings.
func (s *Store) SavePlan(ctx context.Context, p *Plan) error { return s.save(ctx, "plan", p) }

// --- what a plan is made from, and who it names: asked of the features that own them ---

// lots reads procurements and lots from their owner, on the store's connection (inside Tx,
// the transaction's).
func (s *Store) lots() *lots.Reads { return lots.ReadsOn(s.db) }

// people asks tenants' directory who people and organisations are, on the store's connection.
func (s *Store) people() *tenants.Directory { return tenants.DirectoryOn(s.db) }

// Procurement loads a procurement the acting organisation takes part in; any other is not found.
func (s *Store) Procurement(ctx context.Context, id string) (lots.Procurement, error) {
	return s.lots().Procurement(ctx, id, false)
}

// ProcurementOf loads the procurement of a plan the service has let in.
func (s *Store) ProcurementOf(ctx context.Context, p Plan) (lots.Procurement, error) {
	return s.lots().ProcurementByID(ctx, p.ProcurementID)
}

// Lot loads a lot; whether the caller may see it is decided on its procurement.
func (s *Store) Lot(ctx context.Context, id string) (lots.Lot, error) { return s.lots().Lot(ctx, id) }

// LotPhases lists a lot's phases by go-live.
func (s *Store) LotPhases(ctx context.Context, lotID string) ([]lots.Phase, error) {
	return s.lots().Phases(ctx, lotID)
}

// LotParticipants lists the commissioners a lot covers: whose approvers sign its go/no-go.
func (s *Store) LotParticipants(ctx context.Context, lotID string) ([]string, error) {
	return s.lots().LotParticipants(ctx, lotID)
}

// Participants lists the commissioners taking part in a procurement.
func (s *Store) Participants(ctx context.Context, procurementID string) ([]string, error) {
	return s.lots().ParticipantOrgs(ctx, procurementID)
}

// FirstUserWithRole is the earliest active user holding role at the organisation (by when
// they joined, then email), or "".
func (s *Store) FirstUserWithRole(ctx context.Context, orgID string, role access.Role) (string, error) {
	holders, err := s.people().Holders(ctx, role, []string{orgID})
	if err != nil {
		return "", fmt.Errorf("first %s user: %w", role, err)
	}
	if len(holders) == 0 {
		return "", nil
	}
	return holders[0].ID, nil
}

// Person is a user as a plan names them.
type Person struct {
	ID, OrgID, Name, Email string
	Active                 bool
}

func personOf(p tenants.Person) Person {
	return Person{ID: p.ID, OrgID: p.OrgID, Name: p.Name, Email: p.Email, Active: p.Active}
}

// People loads users by id (unknown ids are left out).
func (s *Store) People(ctx context.Context, ids []string) (map[string]Person, error) {
	ps, err := s.people().People(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Person, len(ps))
	for id, p := range ps {
		out[id] = personOf(p)
	}
	return out, nil
}

// OrgNames maps organisation ids to names.
func (s *Store) OrgNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.people().OrgNames(ctx, ids)
}

// RoleEmails lists the emails of active users holding role at any of the organisations, once
// each, by email.
func (s *Store) RoleEmails(ctx context.Context, orgIDs []string, role access.Role) ([]string, error) {
	holders, err := s.people().Holders(ctx, role, orgIDs)
	if err != nil {
		return nil, fmt.Errorf("emails of %s users: %w", role, err)
	}
	out := []string{}
	for _, h := range holders {
		out = append(out, h.Email)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// --- phases ---

// AddPhase inserts a plan phase with the lot phases it covers.
func (s *Store) AddPhase(ctx context.Context, ph *Phase, lotPhaseIDs []string) error {
	if err := s.create(ctx, "phase", ph); err != nil {
		return err
	}
	for _, id := range lotPhaseIDs {
		if err := s.create(ctx, "phase link", &PhaseLotPhase{PlanPhaseID: ph.ID, LotPhaseID: id}); err != nil {
			return err
		}
	}
	return nil
}

// Phases lists a plan's phases in order.
func (s *Store) Phases(ctx context.Context, planID string) ([]Phase, error) {
	var out []Phase
	if err := s.q(ctx).Where("plan_id = ?", planID).Order("position, go_live, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("phases of plan %s: %w", planID, err)
	}
	return out, nil
}

// Phase loads one phase of a plan.
func (s *Store) Phase(ctx context.Context, planID, id string, lock bool) (Phase, error) {
	var ph Phase
	err := s.locked(s.q(ctx).Where("plan_id = ? AND id = ?", planID, id), lock).Take(&ph).Error
	return ph, notFound(err, "Phase")
}

// SavePhase writes a phase.
func (s *Store) SavePhase(ctx context.Context, ph *Phase) error { return s.save(ctx, "phase", ph) }

// PhaseLotPhases maps each phase of a plan to the lot phases it covers.
func (s *Store) PhaseLotPhases(ctx context.Context, planID string) (map[string][]string, error) {
	var rows []PhaseLotPhase
	err := s.q(ctx).Table("plan_phase_lot_phases").Select("plan_phase_lot_phases.*").
		Joins("JOIN plan_phases ON plan_phases.id = plan_phase_lot_phases.plan_phase_id").
		Where("plan_phases.plan_id = ?", planID).Order("plan_phase_lot_phases.lot_phase_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("lot phases of plan %s: %w", planID, err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.PlanPhaseID] = append(out[r.PlanPhaseID], r.LotPhaseID)
	}
	return out, nil
}

// --- milestones and their dependencies ---

// Milestones lists a plan's milestones by due day.
func (s *Store) Milestones(ctx context.Context, planID string) ([]Milestone, error) {
	var out []Milestone
	if err := s.q(ctx).Where("plan_id = ?", planID).Order("due_on, position, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("milestones of plan %s: %w", planID, err)
	}
	return out, nil
}

// Milestone loads one milestone of a plan.
func (s *Store) Milestone(ctx context.Context, planID, id string, lock bool) (Milestone, error) {
	var m Milestone
	err := s.locked(s.q(ctx).Where("plan_id = ? AND id = ?", planID, id), lock).Take(&m).Error
	return m, notFound(err, "Milestone")
}

// AddMilestone inserts a milestone.
func (s *Store) AddMilestone(ctx context.Context, m *Milestone) error {
	return s.create(ctx, "milestone", m)
}

// SaveMilestone writes a milestone.
func (s *Store) SaveMilestone(ctx context.Context, m *Milestone) error {
	return s.save(ctx, "milestone", m)
}

// DeleteMilestone removes a milestone; its dependencies, notes, evidence and reminders go with it.
func (s *Store) DeleteMilestone(ctx context.Context, planID, id string) error {
	if err := s.q(ctx).Where("plan_id = ? AND id = ?", planID, id).Delete(&Milestone{}).Error; err != nil {
		return fmt.Errorf("remove milestone: %w", err)
	}
	return nil
}

// NextMilestonePosition is one after the last position used in a plan.
func (s *Store) NextMilestonePosition(ctx context.Context, planID string) (int, error) {
	var n *int
	if err := s.q(ctx).Model(&Milestone{}).Where("plan_id = ?", planID).Select("MAX(position)").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("milestone position: %w", err)
	}
	if n == nil {
		return 0, nil
	}
	return *n + 1, nil
}

// Dependencies lists every dependency between a plan's milestones.
func (s *Store) Dependencies(ctx context.Context, planID string) ([]Dependency, error) {
	var out []Dependency
	err := s.q(ctx).Table("milestone_dependencies").Select("milestone_dependencies.*").
		Joins("JOIN milestones ON milestones.id = milestone_dependencies.milestone_id").
		Where("milestones.plan_id = ?", planID).Order("milestone_dependencies.milestone_id, milestone_dependencies.depends_on_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("dependencies of plan %s: %w", planID, err)
	}
	return out, nil
}

// AddDependencies inserts dependencies.
func (s *Store) AddDependencies(ctx context.Context, deps []Dependency) error {
	for i := range deps {
		if err := s.create(ctx, "dependency", &deps[i]); err != nil {
			return err
		}
	}
	return nil
}

// SetDependencies replaces what a milestone depends on.
func (s *Store) SetDependencies(ctx context.Context, milestoneID string, dependsOn []string) error {
	if err := s.q(ctx).Where("milestone_id = ?", milestoneID).Delete(&Dependency{}).Error; err != nil {
		return fmt.Errorf("clear dependencies: %w", err)
	}
	deps := make([]Dependency, len(dependsOn))
	for i, d := range dependsOn {
		deps[i] = Dependency{MilestoneID: milestoneID, DependsOnID: d}
	}
	return s.AddDependencies(ctx, deps)
}

// --- progress notes and evidence ---

// AddNote records a progress note.
func (s *Store) AddNote(ctx context.Context, n *Note) error { return s.create(ctx, "note", n) }

// Notes lists a milestone's notes, oldest first.
func (s *Store) Notes(ctx context.Context, milestoneID string) ([]Note, error) {
	var out []Note
	if err := s.q(ctx).Where("milestone_id = ?", milestoneID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("notes of %s: %w", milestoneID, err)
	}
	return out, nil
}

// AddEvidence stores an evidence file.
func (s *Store) AddEvidence(ctx context.Context, e *Evidence) error {
	return s.create(ctx, "evidence", e)
}

// EvidenceList lists a milestone's evidence, without the files.
func (s *Store) EvidenceList(ctx context.Context, milestoneID string) ([]Evidence, error) {
	var out []Evidence
	err := s.q(ctx).Omit("data").Where("milestone_id = ?", milestoneID).Order("uploaded_at, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("evidence of %s: %w", milestoneID, err)
	}
	return out, nil
}

// Evidence loads one evidence file of a milestone, with its content.
func (s *Store) Evidence(ctx context.Context, milestoneID, id string) (Evidence, error) {
	var e Evidence
	err := s.q(ctx).Where("milestone_id = ? AND id = ?", milestoneID, id).Take(&e).Error
	return e, notFound(err, "Evidence")
}

// EvidenceCounts counts the evidence files of each milestone of a plan.
func (s *Store) EvidenceCounts(ctx context.Context, planID string) (map[string]int, error) {
	var rows []struct {
		MilestoneID string
		N           int
	}
	err := s.q(ctx).Table("milestone_evidence").Select("milestone_evidence.milestone_id, COUNT(*) AS n").
		Joins("JOIN milestones ON milestones.id = milestone_evidence.milestone_id").
		Where("milestones.plan_id = ?", planID).Group("milestone_evidence.milestone_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("evidence counts of %s: %w", planID, err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.MilestoneID] = r.N
	}
	return out, nil
}

// --- go/no-go decisions ---

// Decisions lists the readiness decisions on every phase of a plan.
func (s *Store) Decisions(ctx context.Context, planID string) ([]GoLiveDecision, error) {
	var out []GoLiveDecision
	err := s.q(ctx).Table("go_live_decisions").Select("go_live_decisions.*").
		Joins("JOIN plan_phases ON plan_phases.id = go_live_decisions.phase_id").
		Where("plan_phases.plan_id = ?", planID).Order("go_live_decisions.phase_id, go_live_decisions.org_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("decisions of plan %s: %w", planID, err)
	}
	return out, nil
}

// SaveDecision records a commissioner's readiness decision on a phase, replacing its earlier one.
func (s *Store) SaveDecision(ctx context.Context, d *GoLiveDecision) error {
	err := s.q(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "phase_id"}, {Name: "org_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"decision", "reason", "decided_by", "decided_at", "open_critical", "acknowledgement"})}).Create(d).Error
	if err != nil {
		return fmt.Errorf("record decision: %w", err)
	}
	return nil
}

// --- templates: the platform's default and the acting organisation's own ---

// visibleTemplates limits templates to the default and the acting organisation's own.
func visibleTemplates(ctx context.Context) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		org, ok := database.TenantFrom(ctx)
		if !ok {
			_ = db.AddError(database.ErrNoTenant)
			return db
		}
		return db.Where("org_id IN ?", []string{"", org})
	}
}

// EnsureTemplate writes a template and its milestones unless they are there already (by id
// and by key): safe to run at every start-up and from two processes at once.
func (s *Store) EnsureTemplate(ctx context.Context, t Template, ms []TemplateMilestone) error {
	if err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&t).Error; err != nil {
		return fmt.Errorf("write template %s: %w", t.Name, err)
	}
	for i := range ms {
		if err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&ms[i]).Error; err != nil {
			return fmt.Errorf("write template milestone %s: %w", ms[i].Key, err)
		}
	}
	return nil
}

// Templates lists the default and the acting organisation's templates, default first.
func (s *Store) Templates(ctx context.Context) ([]Template, error) {
	var out []Template
	if err := s.q(ctx).Scopes(visibleTemplates(ctx)).Order("org_id, created_at, name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	return out, nil
}

// Template loads the default or one of the acting organisation's templates; any other is not found.
func (s *Store) Template(ctx context.Context, id string, lock bool) (Template, error) {
	var t Template
	err := s.locked(s.q(ctx).Scopes(visibleTemplates(ctx)).Where("id = ?", id), lock).Take(&t).Error
	return t, notFound(err, "Template")
}

// LatestOwnTemplate is the acting organisation's newest template, or nil.
func (s *Store) LatestOwnTemplate(ctx context.Context) (*Template, error) {
	var t Template
	err := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Order("created_at DESC, id DESC").Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("own template: %w", err)
	}
	return &t, nil
}

// CreateTemplate inserts a template with its milestones.
func (s *Store) CreateTemplate(ctx context.Context, t *Template, ms []TemplateMilestone) error {
	if err := s.create(ctx, "template", t); err != nil {
		return err
	}
	for i := range ms {
		if err := s.create(ctx, "template milestone", &ms[i]); err != nil {
			return err
		}
	}
	return nil
}

// TemplateMilestones lists a template's milestones in order.
func (s *Store) TemplateMilestones(ctx context.Context, templateID string) ([]TemplateMilestone, error) {
	var out []TemplateMilestone
	if err := s.q(ctx).Where("template_id = ?", templateID).Order("position, key").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("milestones of template %s: %w", templateID, err)
	}
	return out, nil
}

// TemplateMilestoneCounts counts the milestones of each template.
func (s *Store) TemplateMilestoneCounts(ctx context.Context, templateIDs []string) (map[string]int, error) {
	out := map[string]int{}
	if len(templateIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TemplateID string
		N          int
	}
	err := s.q(ctx).Model(&TemplateMilestone{}).Select("template_id, COUNT(*) AS n").Where("template_id IN ?", templateIDs).
		Group("template_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("template sizes: %w", err)
	}
	for _, r := range rows {
		out[r.TemplateID] = r.N
	}
	return out, nil
}

// AddTemplateMilestone inserts a template milestone.
func (s *Store) AddTemplateMilestone(ctx context.Context, m *TemplateMilestone) error {
	if err := s.q(ctx).Create(m).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.InvalidFields(map[string]string{"key": "The template already has a milestone with the key " + m.Key})
		}
		return fmt.Errorf("add template milestone: %w", err)
	}
	return nil
}

// SaveTemplateMilestone writes a template milestone.
func (s *Store) SaveTemplateMilestone(ctx context.Context, m *TemplateMilestone) error {
	if err := s.q(ctx).Save(m).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.InvalidFields(map[string]string{"key": "The template already has a milestone with the key " + m.Key})
		}
		return fmt.Errorf("save template milestone: %w", err)
	}
	return nil
}

// DeleteTemplateMilestone removes a template milestone.
func (s *Store) DeleteTemplateMilestone(ctx context.Context, templateID, id string) error {
	if err := s.q(ctx).Where("template_id = ? AND id = ?", templateID, id).Delete(&TemplateMilestone{}).Error; err != nil {
		return fmt.Errorf("remove template milestone: %w", err)
	}
	return nil
}
