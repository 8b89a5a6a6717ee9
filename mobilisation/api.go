package mobilisation

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// The JSON face of mobilisation: decode, validate, one service call, answer. Every response is
// one of the explicit types below, never a model struct. Days a person picks (due days, go-live
// days) are "YYYY-MM-DD" UK calendar days; instants are RFC 3339 in UTC.

// --- response types ---

// OrgJSON is an organisation by id and name.
type OrgJSON struct {
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
}

// WorkstreamJSON is a workstream's status.
type WorkstreamJSON struct {
	Name       string `json:"name"`
	RAG        RAG    `json:"rag"`
	Milestones int    `json:"milestones"`
	Done       int    `json:"done"`
}

// DecisionJSON is a commissioner's go/no-go decision on a phase.
type DecisionJSON struct {
	PhaseID       string    `json:"phase_id"`
	OrgID         string    `json:"org_id"`
	OrgName       string    `json:"org_name"`
	Decision      Decision  `json:"decision"`
	Reason        string    `json:"reason"`
	DecidedBy     string    `json:"decided_by"`
	DecidedByName string    `json:"decided_by_name"`
	DecidedAt     time.Time `json:"decided_at"`
	// OpenCritical is how many critical milestones were open when a go was signed (0 if none,
	// or a no-go), and Acknowledgement the approver's reason for signing go all the same.
	OpenCritical    int    `json:"open_critical"`
	Acknowledgement string `json:"acknowledgement"`
}

// PhaseJSON is a phase with its status, forecast go-live, decisions and gate.
type PhaseJSON struct {
	ID           string           `json:"id"`
	Name         string           `json:"name"`
	Position     int              `json:"position"`
	GoLive       time.Time        `json:"go_live"`
	GoLiveDay    string           `json:"go_live_day"`
	State        PhaseState       `json:"state"`
	LiveAt       *time.Time       `json:"live_at"`
	LiveBy       string           `json:"live_by"`
	LiveByName   string           `json:"live_by_name"`
	LotPhaseIDs  []string         `json:"lot_phase_ids"`
	RAG          RAG              `json:"rag"`
	Reason       string           `json:"reason"`
	ForecastDay  string           `json:"forecast_day"`
	SlipDays     int              `json:"slip_days"`
	CriticalPath []string         `json:"critical_path"`
	Workstreams  []WorkstreamJSON `json:"workstreams"`
	Decisions    []DecisionJSON   `json:"decisions"`
	Ready        bool             `json:"ready"`
	Missing      []string         `json:"missing"`
}

// MilestoneJSON is a milestone with its status, forecast and what the caller may do with it.
type MilestoneJSON struct {
	ID                    string     `json:"id"`
	PhaseID               string     `json:"phase_id"`
	PhaseName             string     `json:"phase_name"`
	TemplateKey           string     `json:"template_key"`
	Title                 string     `json:"title"`
	Workstream            string     `json:"workstream"`
	OwnerSide             OwnerSide  `json:"owner_side"`
	OwnerUserID           string     `json:"owner_user_id"`
	OwnerName             string     `json:"owner_name"`
	OwnerOrgName          string     `json:"owner_org_name"`
	DueOn                 string     `json:"due_on"`
	Status                Status     `json:"status"`
	Critical              bool       `json:"critical"`
	DependsOn             []string   `json:"depends_on"`
	RAG                   RAG        `json:"rag"`
	Reason                string     `json:"reason"`
	ForecastFinish        string     `json:"forecast_finish"`
	SlipDays              int        `json:"slip_days"`
	Late                  bool       `json:"late"`
	OnCriticalPath        bool       `json:"on_critical_path"`
	EvidenceCount         int        `json:"evidence_count"`
	CompletionRequestedAt *time.Time `json:"completion_requested_at"`
	CompletionRequestedBy string     `json:"completion_requested_by"`
	AcceptedAt            *time.Time `json:"accepted_at"`
	AcceptedBy            string     `json:"accepted_by"`
	CompletedOn           string     `json:"completed_on"`
	CanReport             bool       `json:"can_report"`
	CanRequestCompletion  bool       `json:"can_request_completion"`
	CanAccept             bool       `json:"can_accept"`
}

// PlanJSON is a whole plan as of today.
type PlanJSON struct {
	ID                   string           `json:"id"`
	LotID                string           `json:"lot_id"`
	ProcurementID        string           `json:"procurement_id"`
	ProcurementTitle     string           `json:"procurement_title"`
	ProcurementReference string           `json:"procurement_reference"`
	LotNumber            int              `json:"lot_number"`
	LotTitle             string           `json:"lot_title"`
	LeadOrgID            string           `json:"lead_org_id"`
	LeadOrgName          string           `json:"lead_org_name"`
	ProviderOrgID        string           `json:"provider_org_id"`
	ProviderName         string           `json:"provider_name"`
	ContractReference    string           `json:"contract_reference"`
	TemplateID           string           `json:"template_id"`
	TemplateName         string           `json:"template_name"`
	LeadUserID           string           `json:"lead_user_id"`
	LeadUserName         string           `json:"lead_user_name"`
	ReminderOffsets      string           `json:"reminder_offsets"`
	EscalateAfterDays    int              `json:"escalate_after_days"`
	CreatedAt            time.Time        `json:"created_at"`
	Today                string           `json:"today"`
	Side                 OwnerSide        `json:"side"`
	RAG                  RAG              `json:"rag"`
	CanManage            bool             `json:"can_manage"`
	CanDecide            bool             `json:"can_decide"`
	Participants         []OrgJSON        `json:"participants"`
	Phases               []PhaseJSON      `json:"phases"`
	Milestones           []MilestoneJSON  `json:"milestones"`
	Workstreams          []WorkstreamJSON `json:"workstreams"`
}

// MilestoneRefJSON is a milestone named from another.
type MilestoneRefJSON struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	DueOn  string `json:"due_on"`
	Status Status `json:"status"`
	RAG    RAG    `json:"rag"`
}

// NoteJSON is a progress note.
type NoteJSON struct {
	ID            string    `json:"id"`
	AuthorID      string    `json:"author_id"`
	AuthorName    string    `json:"author_name"`
	AuthorOrgName string    `json:"author_org_name"`
	Text          string    `json:"text"`
	StatusFrom    Status    `json:"status_from"`
	StatusTo      Status    `json:"status_to"`
	CreatedAt     time.Time `json:"created_at"`
}

// EvidenceJSON is an evidence file's record; href downloads it.
type EvidenceJSON struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	ContentType    string    `json:"content_type"`
	Size           int64     `json:"size"`
	SHA256         string    `json:"sha256"`
	UploadedBy     string    `json:"uploaded_by"`
	UploadedByName string    `json:"uploaded_by_name"`
	UploadedAt     time.Time `json:"uploaded_at"`
	Href           string    `json:"href"`
}

// MilestoneDetailJSON is a milestone with its notes, evidence and dependencies.
type MilestoneDetailJSON struct {
	PlanID     string             `json:"plan_id"`
	Milestone  MilestoneJSON      `json:"milestone"`
	DependsOn  []MilestoneRefJSON `json:"depends_on"`
	Dependents []MilestoneRefJSON `json:"dependents"`
	Notes      []NoteJSON         `json:"notes"`
	Evidence   []EvidenceJSON     `json:"evidence"`
}

// PhaseCardJSON is a phase on the dashboard.
type PhaseCardJSON struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	GoLiveDay   string     `json:"go_live_day"`
	ForecastDay string     `json:"forecast_day"`
	SlipDays    int        `json:"slip_days"`
	RAG         RAG        `json:"rag"`
	Reason      string     `json:"reason"`
	State       PhaseState `json:"state"`
	LiveAt      *time.Time `json:"live_at"`
}

// OverdueJSON is a milestone past its due day and whose it is.
type OverdueJSON struct {
	PlanID            string    `json:"plan_id"`
	ContractReference string    `json:"contract_reference"`
	MilestoneID       string    `json:"milestone_id"`
	Title             string    `json:"title"`
	PhaseName         string    `json:"phase_name"`
	Workstream        string    `json:"workstream"`
	DueOn             string    `json:"due_on"`
	DaysOverdue       int       `json:"days_overdue"`
	Critical          bool      `json:"critical"`
	OwnerSide         OwnerSide `json:"owner_side"`
	OwnerName         string    `json:"owner_name"`
	OwnerOrgName      string    `json:"owner_org_name"`
}

// PlanCardJSON is a plan in a list or on the dashboard.
type PlanCardJSON struct {
	PlanID               string          `json:"plan_id"`
	ContractReference    string          `json:"contract_reference"`
	ProcurementTitle     string          `json:"procurement_title"`
	ProcurementReference string          `json:"procurement_reference"`
	LotNumber            int             `json:"lot_number"`
	LotTitle             string          `json:"lot_title"`
	LeadOrgName          string          `json:"lead_org_name"`
	ProviderName         string          `json:"provider_name"`
	Side                 OwnerSide       `json:"side"`
	RAG                  RAG             `json:"rag"`
	Milestones           int             `json:"milestones"`
	Done                 int             `json:"done"`
	Phases               []PhaseCardJSON `json:"phases"`
	NextGoLive           *PhaseCardJSON  `json:"next_go_live"`
	Overdue              []OverdueJSON   `json:"overdue"`
}

// GoLiveJSON is a coming go-live on the dashboard.
type GoLiveJSON struct {
	PlanID            string        `json:"plan_id"`
	ContractReference string        `json:"contract_reference"`
	ProcurementTitle  string        `json:"procurement_title"`
	LotNumber         int           `json:"lot_number"`
	ProviderName      string        `json:"provider_name"`
	Phase             PhaseCardJSON `json:"phase"`
}

// DashboardJSON is the caller's programme of plans.
type DashboardJSON struct {
	Today       string         `json:"today"`
	Plans       []PlanCardJSON `json:"plans"`
	NextGoLives []GoLiveJSON   `json:"next_go_lives"`
	Overdue     []OverdueJSON  `json:"overdue"`
}

// TemplateMilestoneJSON is a milestone of a template.
type TemplateMilestoneJSON struct {
	ID         string    `json:"id"`
	Key        string    `json:"key"`
	Title      string    `json:"title"`
	Workstream string    `json:"workstream"`
	OwnerSide  OwnerSide `json:"owner_side"`
	OffsetDays int       `json:"offset_days"`
	Critical   bool      `json:"critical"`
	DependsOn  []string  `json:"depends_on"`
	Position   int       `json:"position"`
}

// TemplateSummaryJSON is a template in the list.
type TemplateSummaryJSON struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Default    bool      `json:"default"`
	Editable   bool      `json:"editable"`
	Milestones int       `json:"milestones"`
	CreatedAt  time.Time `json:"created_at"`
}

// TemplateJSON is a template with its milestones.
type TemplateJSON struct {
	ID         string                  `json:"id"`
	Name       string                  `json:"name"`
	Default    bool                    `json:"default"`
	Editable   bool                    `json:"editable"`
	CreatedAt  time.Time               `json:"created_at"`
	Milestones []TemplateMilestoneJSON `json:"milestones"`
}

// --- conversions ---

func workstreamsJSON(ws []WorkstreamView) []WorkstreamJSON {
	out := []WorkstreamJSON{}
	for _, w := range ws {
		out = append(out, WorkstreamJSON{Name: w.Name, RAG: w.RAG, Milestones: w.Milestones, Done: w.Done})
	}
	return out
}

func decisionJSON(d DecisionView) DecisionJSON {
	return DecisionJSON{PhaseID: d.PhaseID, OrgID: d.OrgID, OrgName: d.OrgName, Decision: d.Decision, Reason: d.Reason,
		DecidedBy: d.DecidedBy, DecidedByName: d.DecidedByName, DecidedAt: d.DecidedAt.UTC(), OpenCritical: d.OpenCritical,
		Acknowledgement: d.Acknowledgement}
}

func phaseJSON(ph PhaseView) PhaseJSON {
	j := PhaseJSON{ID: ph.ID, Name: ph.Name, Position: ph.Position, GoLive: ph.GoLive.UTC(), GoLiveDay: ph.GoLiveDay, State: ph.State,
		LiveAt: web.TimeOrNull(ph.LiveAt), LiveBy: ph.LiveBy, LiveByName: ph.LiveByName, LotPhaseIDs: web.OrEmpty(ph.LotPhaseIDs), RAG: ph.RAG,
		Reason: ph.Reason, ForecastDay: ph.Outlook.ForecastDay, SlipDays: ph.Outlook.SlipDays, CriticalPath: web.OrEmpty(ph.Outlook.CriticalPath),
		Workstreams: workstreamsJSON(ph.Workstreams), Decisions: []DecisionJSON{}, Ready: ph.Ready, Missing: web.OrEmpty(ph.Missing)}
	if j.ForecastDay == "" {
		j.ForecastDay = j.GoLiveDay
	}
	for _, d := range ph.Decisions {
		j.Decisions = append(j.Decisions, decisionJSON(d))
	}
	return j
}

func milestoneJSON(m MilestoneView) MilestoneJSON {
	return MilestoneJSON{ID: m.ID, PhaseID: m.PhaseID, PhaseName: m.PhaseName, TemplateKey: m.TemplateKey, Title: m.Title,
		Workstream: m.Workstream, OwnerSide: m.OwnerSide, OwnerUserID: m.OwnerUserID, OwnerName: m.OwnerName, OwnerOrgName: m.OwnerOrgName,
		DueOn: m.DueOn, Status: m.Status, Critical: m.Critical, DependsOn: web.OrEmpty(m.DependsOn), RAG: m.RAG, Reason: m.Reason,
		ForecastFinish: m.Forecast.Finish, SlipDays: m.Forecast.SlipDays, Late: m.Forecast.Late, OnCriticalPath: m.OnCriticalPath,
		EvidenceCount: m.EvidenceCount, CompletionRequestedAt: web.TimeOrNull(m.CompletionRequestedAt), CompletionRequestedBy: m.CompletionRequestedBy,
		AcceptedAt: web.TimeOrNull(m.AcceptedAt), AcceptedBy: m.AcceptedBy, CompletedOn: m.CompletedOn, CanReport: m.CanReport,
		CanRequestCompletion: m.CanRequestCompletion, CanAccept: m.CanAccept}
}

func planJSON(v PlanView) PlanJSON {
	p := v.Plan
	j := PlanJSON{ID: p.ID, LotID: p.LotID, ProcurementID: p.ProcurementID, ProcurementTitle: v.ProcurementTitle,
		ProcurementReference: v.ProcurementReference, LotNumber: v.LotNumber, LotTitle: v.LotTitle, LeadOrgID: p.LeadOrgID,
		LeadOrgName: v.LeadOrgName, ProviderOrgID: p.ProviderOrgID, ProviderName: v.ProviderName, ContractReference: p.ContractReference,
		TemplateID: p.TemplateID, TemplateName: v.TemplateName, LeadUserID: p.LeadUserID, LeadUserName: v.LeadUserName,
		ReminderOffsets: p.ReminderOffsets, EscalateAfterDays: p.EscalateAfterDays, CreatedAt: p.CreatedAt.UTC(), Today: v.Today,
		Side: v.Side, RAG: v.RAG, CanManage: v.CanManage, CanDecide: v.CanDecide, Participants: []OrgJSON{}, Phases: []PhaseJSON{},
		Milestones: []MilestoneJSON{}, Workstreams: workstreamsJSON(v.Workstreams)}
	for _, o := range v.Participants {
		j.Participants = append(j.Participants, OrgJSON{OrgID: o.ID, Name: o.Name})
	}
	for _, ph := range v.Phases {
		j.Phases = append(j.Phases, phaseJSON(ph))
	}
	for _, m := range v.Milestones {
		j.Milestones = append(j.Milestones, milestoneJSON(m))
	}
	return j
}

func refsJSON(ms []MilestoneView) []MilestoneRefJSON {
	out := []MilestoneRefJSON{}
	for _, m := range ms {
		out = append(out, MilestoneRefJSON{ID: m.ID, Title: m.Title, DueOn: m.DueOn, Status: m.Status, RAG: m.RAG})
	}
	return out
}

func apiMilestoneHref(planID, milestoneID string) string {
	return "/api/v1/mobilisation/plans/" + planID + "/milestones/" + milestoneID
}

func evidenceJSON(planID string, e EvidenceView) EvidenceJSON {
	return EvidenceJSON{ID: e.ID, Name: e.Name, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256, UploadedBy: e.UploadedBy,
		UploadedByName: e.UploadedByName, UploadedAt: e.UploadedAt.UTC(), Href: apiMilestoneHref(planID, e.MilestoneID) + "/evidence/" + e.ID}
}

func detailJSON(d MilestoneDetail) MilestoneDetailJSON {
	j := MilestoneDetailJSON{PlanID: d.Plan.Plan.ID, Milestone: milestoneJSON(d.Milestone), DependsOn: refsJSON(d.DependsOn),
		Dependents: refsJSON(d.Dependents), Notes: []NoteJSON{}, Evidence: []EvidenceJSON{}}
	for _, n := range d.Notes {
		j.Notes = append(j.Notes, NoteJSON{ID: n.ID, AuthorID: n.AuthorID, AuthorName: n.AuthorName, AuthorOrgName: n.AuthorOrgName,
			Text: n.Text, StatusFrom: n.StatusFrom, StatusTo: n.StatusTo, CreatedAt: n.CreatedAt.UTC()})
	}
	for _, e := range d.Evidence {
		j.Evidence = append(j.Evidence, evidenceJSON(j.PlanID, e))
	}
	return j
}

func phaseCardJSON(c PhaseCard) PhaseCardJSON {
	return PhaseCardJSON{ID: c.ID, Name: c.Name, GoLiveDay: c.GoLiveDay, ForecastDay: c.ForecastDay, SlipDays: c.SlipDays, RAG: c.RAG,
		Reason: c.Reason, State: c.State, LiveAt: web.TimeOrNull(c.LiveAt)}
}

func overdueJSON(items []OverdueItem) []OverdueJSON {
	out := []OverdueJSON{}
	for _, o := range items {
		out = append(out, OverdueJSON{PlanID: o.PlanID, ContractReference: o.ContractReference, MilestoneID: o.MilestoneID, Title: o.Title,
			PhaseName: o.PhaseName, Workstream: o.Workstream, DueOn: o.DueOn, DaysOverdue: o.DaysOverdue, Critical: o.Critical,
			OwnerSide: o.OwnerSide, OwnerName: o.OwnerName, OwnerOrgName: o.OwnerOrgName})
	}
	return out
}

func cardJSON(c PlanCard) PlanCardJSON {
	j := PlanCardJSON{PlanID: c.PlanID, ContractReference: c.ContractReference, ProcurementTitle: c.ProcurementTitle,
		ProcurementReference: c.ProcurementReference, LotNumber: c.LotNumber, LotTitle: c.LotTitle, LeadOrgName: c.LeadOrgName,
		ProviderName: c.ProviderName, Side: c.Side, RAG: c.RAG, Milestones: c.Milestones, Done: c.Done, Phases: []PhaseCardJSON{},
		Overdue: overdueJSON(c.Overdue)}
	for _, ph := range c.Phases {
		j.Phases = append(j.Phases, phaseCardJSON(ph))
	}
	if c.NextGoLive != nil {
		n := phaseCardJSON(*c.NextGoLive)
		j.NextGoLive = &n
	}
	return j
}

func templateMilestonesJSON(ms []TemplateMilestone) []TemplateMilestoneJSON {
	out := []TemplateMilestoneJSON{}
	for _, m := range ms {
		out = append(out, templateMilestoneJSON(m))
	}
	return out
}

func templateMilestoneJSON(m TemplateMilestone) TemplateMilestoneJSON {
	return TemplateMilestoneJSON{ID: m.ID, Key: m.Key, Title: m.Title, Workstream: m.Workstream, OwnerSide: m.OwnerSide,
		OffsetDays: m.OffsetDays, Critical: m.Critical, DependsOn: web.OrEmpty(templateKeys(m.DependsOn)), Position: m.Position}
}

func templateJSON(v TemplateView) TemplateJSON {
	return TemplateJSON{ID: v.ID, Name: v.Name, Default: v.Default, Editable: v.Editable, CreatedAt: v.CreatedAt.UTC(),
		Milestones: templateMilestonesJSON(v.Milestones)}
}

// --- handlers ---

func apiPlanHref(id string) string { return "/api/v1/mobilisation/plans/" + id }

func (h *API) plans(c *fiber.Ctx) error {
	cards, err := h.Svc.Plans(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	out := []PlanCardJSON{}
	for _, card := range cards {
		out = append(out, cardJSON(card))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"plans": out})
}

func (h *API) dashboard(c *fiber.Ctx) error {
	d, err := h.Svc.Dashboard(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	out := DashboardJSON{Today: d.Today, Plans: []PlanCardJSON{}, NextGoLives: []GoLiveJSON{}, Overdue: overdueJSON(d.Overdue)}
	for _, card := range d.Plans {
		out.Plans = append(out.Plans, cardJSON(card))
	}
	for _, g := range d.NextGoLives {
		out.NextGoLives = append(out.NextGoLives, GoLiveJSON{PlanID: g.PlanID, ContractReference: g.ContractReference,
			ProcurementTitle: g.ProcurementTitle, LotNumber: g.LotNumber, ProviderName: g.ProviderName, Phase: phaseCardJSON(g.Phase)})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h *API) ensurePlan(c *fiber.Ctx) error {
	var in PlanInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ctx, a := c.UserContext(), web.ActorFrom(c)
	p, made, err := h.Svc.EnsurePlan(ctx, a, in.LotID, in.TemplateID)
	if err != nil {
		return err
	}
	v, err := h.Svc.PlanView(ctx, a, p.ID)
	if err != nil {
		return err
	}
	if made {
		return web.Created(c, apiPlanHref(p.ID), planJSON(v))
	}
	c.Location(apiPlanHref(p.ID))
	return c.JSON(planJSON(v))
}

func (h *API) plan(c *fiber.Ctx) error {
	v, err := h.Svc.PlanView(c.UserContext(), web.ActorFrom(c), c.Params("plan"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(planJSON(v))
}

func (h *API) settings(c *fiber.Ctx) error {
	var in SettingsInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ctx, a := c.UserContext(), web.ActorFrom(c)
	p, err := h.Svc.UpdateSettings(ctx, a, c.Params("plan"), in)
	if err != nil {
		return err
	}
	v, err := h.Svc.PlanView(ctx, a, p.ID)
	if err != nil {
		return err
	}
	return c.JSON(planJSON(v))
}

// detail answers with a milestone as it now is.
func (h *API) detail(c *fiber.Ctx, status int, milestoneID string) error {
	d, err := h.Svc.MilestoneDetail(c.UserContext(), web.ActorFrom(c), c.Params("plan"), milestoneID)
	if err != nil {
		return err
	}
	if status == fiber.StatusCreated {
		return web.Created(c, apiMilestoneHref(d.Plan.Plan.ID, milestoneID), detailJSON(d))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(detailJSON(d))
}

// onMilestone is every change to one milestone over the API: decode and validate the body, make
// the change, answer with the milestone as it now is.
func onMilestone[In any](c *fiber.Ctx, h *API, change func(context.Context, *access.Actor, string, string, In) (Milestone, error)) error {
	var in In
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := change(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("milestone"), in)
	if err != nil {
		return err
	}
	return h.detail(c, fiber.StatusOK, m.ID)
}

func (h *API) milestone(c *fiber.Ctx) error {
	return h.detail(c, fiber.StatusOK, c.Params("milestone"))
}

func (h *API) addMilestone(c *fiber.Ctx) error {
	var in MilestoneInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.Svc.AddMilestone(c.UserContext(), web.ActorFrom(c), c.Params("plan"), in)
	if err != nil {
		return err
	}
	return h.detail(c, fiber.StatusCreated, m.ID)
}

func (h *API) editMilestone(c *fiber.Ctx) error { return onMilestone(c, h, h.Svc.EditMilestone) }

func (h *API) removeMilestone(c *fiber.Ctx) error {
	return web.Act(c, "plan", func(ctx context.Context, a *access.Actor, plan string) error {
		return h.Svc.RemoveMilestone(ctx, a, plan, c.Params("milestone"))
	})
}

func (h *API) progress(c *fiber.Ctx) error { return onMilestone(c, h, h.Svc.ReportProgress) }

func (h *API) addEvidence(c *fiber.Ctx) error {
	name, content, err := web.ReadUpload(c, MaxEvidenceSize)
	if err != nil {
		return err
	}
	ctx, a, planID := c.UserContext(), web.ActorFrom(c), c.Params("plan")
	e, err := h.Svc.AddEvidence(ctx, a, planID, c.Params("milestone"), name, content)
	if err != nil {
		return err
	}
	j := evidenceJSON(planID, EvidenceView{Evidence: e, UploadedByName: a.Name})
	return web.Created(c, j.Href, j)
}

func (h *API) evidence(c *fiber.Ctx) error {
	e, err := h.Svc.EvidenceFile(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("milestone"), c.Params("evidence"))
	if err != nil {
		return err
	}
	return web.SendFile(c, web.File{Name: e.Name, ContentType: e.ContentType, SHA256: e.SHA256, Content: e.Data})
}

func (h *API) requestCompletion(c *fiber.Ctx) error {
	return onMilestone(c, h, h.Svc.RequestCompletion)
}

func (h *API) accept(c *fiber.Ctx) error { return onMilestone(c, h, h.Svc.Accept) }

func (h *API) returnMilestone(c *fiber.Ctx) error { return onMilestone(c, h, h.Svc.Return) }

func (h *API) decide(c *fiber.Ctx) error {
	var in DecisionInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ctx, a := c.UserContext(), web.ActorFrom(c)
	d, err := h.Svc.Decide(ctx, a, c.Params("plan"), c.Params("phase"), in)
	if err != nil {
		return err
	}
	return c.JSON(decisionJSON(DecisionView{GoLiveDecision: d, OrgName: a.OrgName, DecidedByName: a.Name}))
}

func (h *API) goLive(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), web.ActorFrom(c)
	ph, err := h.Svc.GoLive(ctx, a, c.Params("plan"), c.Params("phase"))
	if err != nil {
		return err
	}
	v, err := h.Svc.PlanView(ctx, a, ph.PlanID)
	if err != nil {
		return err
	}
	pv, _ := v.Phase(ph.ID)
	return c.JSON(phaseJSON(pv))
}

// --- templates ---

func apiTemplateHref(id string) string { return "/api/v1/mobilisation/templates/" + id }

func (h *API) templates(c *fiber.Ctx) error {
	ts, err := h.Svc.Templates(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	out := []TemplateSummaryJSON{}
	for _, t := range ts {
		out = append(out, TemplateSummaryJSON{ID: t.ID, Name: t.Name, Default: t.Default, Editable: t.Editable, Milestones: t.Milestones,
			CreatedAt: t.CreatedAt.UTC()})
	}
	return c.JSON(fiber.Map{"templates": out})
}

func (h *API) template(c *fiber.Ctx) error {
	v, err := h.Svc.TemplateOf(c.UserContext(), web.ActorFrom(c), c.Params("template"))
	if err != nil {
		return err
	}
	return c.JSON(templateJSON(v))
}

func (h *API) copyTemplate(c *fiber.Ctx) error {
	var in TemplateCopyInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := h.Svc.CopyTemplate(c.UserContext(), web.ActorFrom(c), in)
	if err != nil {
		return err
	}
	return web.Created(c, apiTemplateHref(v.ID), templateJSON(v))
}

func (h *API) addTemplateMilestone(c *fiber.Ctx) error {
	var in TemplateMilestoneInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.Svc.AddTemplateMilestone(c.UserContext(), web.ActorFrom(c), c.Params("template"), in)
	if err != nil {
		return err
	}
	return web.Created(c, apiTemplateHref(m.TemplateID)+"/milestones/"+m.ID, templateMilestoneJSON(m))
}

func (h *API) editTemplateMilestone(c *fiber.Ctx) error {
	var in TemplateMilestoneChange
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.Svc.EditTemplateMilestone(c.UserContext(), web.ActorFrom(c), c.Params("template"), c.Params("item"), in)
	if err != nil {
		return err
	}
	return c.JSON(templateMilestoneJSON(m))
}

func (h *API) removeTemplateMilestone(c *fiber.Ctx) error {
	return web.Act(c, "template", func(ctx context.Context, a *access.Actor, template string) error {
		return h.Svc.RemoveTemplateMilestone(ctx, a, template, c.Params("item"))
	})
}
