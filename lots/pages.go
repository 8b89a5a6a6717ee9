package lots

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// The commissioner side's pages: the list of procurements, the procurement form, the overview
// with its action forms, a lot, the governing body's decision, clarifications and addenda, the
// opening and the opened responses. Each handler reads the form, calls the service, and renders
// or redirects (303, with a flash); the bidder's pages are in pages_bidder.go.

func (h *Pages) can(c *fiber.Ctx, p access.Permission) bool {
	a := web.ActorFrom(c)
	return a != nil && h.Web.Can != nil && h.Web.Can(a, p)
}

// render shows a page with the flash a redirect left for it.
func (h *Pages) render(c *fiber.Ctx, page, title string, content any, fields map[string]string) error {
	web.TakeFlash(c)
	return h.Web.Render(c, page, title, content, fields)
}

// --- the list ---

// ProcurementRow is a line of the list of procurements.
type ProcurementRow struct {
	ProcurementSummary
	StateLabel string
}

// ListPage lists the procurements the organisation takes part in.
type ListPage struct {
	Procurements []ProcurementRow
	CanCreate    bool
	Opportunity  bool // the list of opportunities (bidders) rather than procurements
}

func (h *Pages) list(c *fiber.Ctx) error {
	ps, err := h.Svc.Procurements(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	page := ListPage{CanCreate: h.can(c, access.PermProcManage)}
	for _, p := range ps {
		label := stateLabel(p.State)
		if p.Awarded {
			label = "Awarded"
		}
		page.Procurements = append(page.Procurements, ProcurementRow{p, label})
	}
	return h.render(c, "lots/list", "Procurements", page, nil)
}

// --- the procurement form ---

// ProcurementFormPage creates or edits a procurement in draft.
type ProcurementFormPage struct {
	ID                                 string
	Title, Reference, Description      string
	TermYears, ExtensionYears, Value   string
	Regimes, Procedures, Commissioners []web.Option
	PublishValue                       []web.Option
	Timetable                          []web.DateField
	ProcedureChosen                    string
	CurrentTitle                       string
}

var procedures = []string{"Open", "Restricted", "Competitive dialogue", "Competitive flexible", "PSR competitive process"}

var regimeNames = map[string]string{"pcr2015": RegimeNames[PCR2015], "psr2024": RegimeNames[PSR2024], "pa2023": RegimeNames[PA2023]}

var timetable = []struct{ name, legend, hint string }{
	{"clarification_deadline", "Clarification deadline", "The last moment bidders can ask a question."},
	{"submission_deadline", "Submission deadline", "Responses are sealed until this has passed and two people open them."},
	{"evaluation_start", "Opening and evaluation start", "After the submission deadline."},
	{"award_date", "Award date", ""},
	{"contract_start", "Contract start", "Go-live of the first phase can be no earlier."},
}

// dateField is a date and time input showing t (blank for the zero time).
func dateField(name, legend, hint string, t time.Time) web.DateField {
	return web.DateField{Name: name, Legend: legend, Hint: hint, WithTime: true, DateInput: ukclock.InputOf(t)}
}

func (h *Pages) procurementForm(c *fiber.Ctx, id string, in ProcurementInput, typed bool) (ProcurementFormPage, error) {
	comms, err := h.Svc.Commissioners(c.UserContext())
	if err != nil {
		return ProcurementFormPage{}, err
	}
	page := ProcurementFormPage{ID: id, Title: in.Title, Reference: in.Reference, Description: in.Description,
		ProcedureChosen: in.Procedure}
	if typed {
		f := newForm(c)
		page.TermYears, page.ExtensionYears, page.Value = f.Str("term_years"), f.Str("extension_years"), f.Str("estimated_value")
		for _, t := range timetable {
			page.Timetable = append(page.Timetable, web.DateField{Name: t.name, Legend: t.legend, Hint: t.hint,
				WithTime: true, DateInput: f.DateInputOf(t.name)})
		}
	} else {
		if in.TermYears > 0 {
			page.TermYears = itoa(in.TermYears)
		}
		page.ExtensionYears = itoa(in.ExtensionYears)
		if in.EstimatedValuePence > 0 {
			page.Value = strings.TrimPrefix(FormatPence(in.EstimatedValuePence), "£")
		}
		times := []time.Time{in.ClarificationDeadline, in.SubmissionDeadline, in.EvaluationStart, in.AwardDate, in.ContractStart}
		for i, t := range timetable {
			page.Timetable = append(page.Timetable, dateField(t.name, t.legend, t.hint, times[i]))
		}
	}
	page.Regimes = web.OptionsOf([]string{"psr2024", "pa2023", "pcr2015"}, regimeNames, string(in.Regime))
	page.PublishValue = []web.Option{{Value: "yes", Label: "Publish the estimated and contract values in the public notices", Checked: in.PublishValue}}
	page.Procedures = append([]web.Option{{Value: "", Label: "Choose a procedure"}}, web.OptionsOf(procedures, nil, in.Procedure)...)
	for _, cm := range comms {
		page.Commissioners = append(page.Commissioners, web.Option{Value: cm.OrgID, Label: cm.OrgName, Checked: slices.Contains(in.Participants, cm.OrgID)})
	}
	return page, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// readProcurement reads the procurement form; dates, money and numbers as people type them.
func readProcurement(c *fiber.Ctx) (ProcurementInput, map[string]string) {
	f := newForm(c)
	in := ProcurementInput{Title: f.Str("title"), Reference: f.Str("reference"), Regime: Regime(f.Str("regime")),
		Procedure: f.Str("procedure"), Description: f.Str("description"), Participants: f.All("participants"),
		PublishValue: f.Str("publish_value") == "yes"}
	in.TermYears = f.Int("term_years", "the term in years")
	in.ExtensionYears = f.Int("extension_years", "the extension in years")
	in.EstimatedValuePence = f.pounds("estimated_value", "the estimated value")
	in.ClarificationDeadline = f.when("clarification_deadline", "clarification deadline")
	in.SubmissionDeadline = f.when("submission_deadline", "submission deadline")
	in.EvaluationStart = f.when("evaluation_start", "evaluation start")
	in.AwardDate = f.when("award_date", "award date")
	in.ContractStart = f.when("contract_start", "contract start")
	fields := f.Check(&in)
	if m, ok := fields["estimated_value_pence"]; ok {
		delete(fields, "estimated_value_pence")
		if _, mine := fields["estimated_value"]; !mine {
			fields["estimated_value"] = m
		}
	}
	if len(fields) == 0 {
		return in, nil
	}
	return in, fields
}

func (h *Pages) newForm(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	page, err := h.procurementForm(c, "", ProcurementInput{Participants: []string{a.OrgID}, TermYears: 5}, false)
	if err != nil {
		return err
	}
	return h.render(c, "lots/form", "Create a procurement", page, nil)
}

func (h *Pages) create(c *fiber.Ctx) error {
	in, fields := readProcurement(c)
	if fields == nil {
		p, err := h.Svc.CreateProcurement(c.UserContext(), web.ActorFrom(c), in)
		if err == nil {
			return web.RedirectFlash(c, "/procurements/"+p.ID, "Procurement "+p.Reference+" created as a draft.")
		}
		var status int
		if fields, status = web.FormFields(err); fields == nil {
			return err
		}
		c.Status(status)
	} else {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	page, err := h.procurementForm(c, "", in, true)
	if err != nil {
		return err
	}
	return h.Web.Render(c, "lots/form", "Create a procurement", page, fields)
}

func (h *Pages) editForm(c *fiber.Ctx) error {
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	if !v.CanManage {
		return apperr.Forbiddenf("Only the lead commissioner's procurement lead can change this procurement")
	}
	if err := CheckAction(ActEdit, v.Effective); err != nil {
		return err
	}
	in := ProcurementInput{Title: v.Title, Reference: v.Reference, Regime: v.Regime, Procedure: v.Procedure, Description: v.Description,
		TermYears: v.TermYears, ExtensionYears: v.ExtensionYears, EstimatedValuePence: v.EstimatedValuePence, PublishValue: v.PublishValue,
		ClarificationDeadline: v.ClarificationDeadline, SubmissionDeadline: v.SubmissionDeadline, EvaluationStart: v.EvaluationStart,
		AwardDate: v.AwardDate, ContractStart: v.ContractStart}
	for _, p := range v.Participants {
		in.Participants = append(in.Participants, p.OrgID)
	}
	page, err := h.procurementForm(c, v.ID, in, false)
	if err != nil {
		return err
	}
	page.CurrentTitle = v.Title
	return h.render(c, "lots/form", "Change "+v.Title, page, nil)
}

func (h *Pages) update(c *fiber.Ctx) error {
	id := c.Params("id")
	in, fields := readProcurement(c)
	if fields == nil {
		p, err := h.Svc.UpdateProcurement(c.UserContext(), web.ActorFrom(c), id, in)
		if err == nil {
			return web.RedirectFlash(c, "/procurements/"+p.ID, "Changes to "+p.Reference+" saved.")
		}
		var status int
		if fields, status = web.FormFields(err); fields == nil {
			return err
		}
		c.Status(status)
	} else {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), id)
	if err != nil {
		return err
	}
	page, err := h.procurementForm(c, v.ID, in, true)
	if err != nil {
		return err
	}
	page.CurrentTitle = v.Title
	return h.Web.Render(c, "lots/form", "Change "+v.Title, page, fields)
}

// --- the overview ---

// TimelineStep is one date of a procurement's life, for the timeline.
type TimelineStep struct {
	Label string
	When  time.Time
	Past  bool
	X     int // position on the drawing, 90 to 910 of 1000
}

// QuestionRow is a question as the questionnaire table shows it.
type QuestionRow struct {
	Question
	KindLabel, PanelLabel string
}

// SectionRows is a section of a questionnaire with its questions.
type SectionRows struct {
	Title     string
	Questions []QuestionRow
}

// PhaseRow is a go-live phase with its service and site named.
type PhaseRow struct {
	Phase
	ServiceLabel, SiteLabel string
}

// LotDisplay is a lot as the overview and the lot page show it.
type LotDisplay struct {
	LotView
	Services    string
	PhaseRows   []PhaseRow
	SiteOrg     map[string]string
	Sections    []SectionRows
	TotalWeight int
}

var kindNames = map[string]string{"scored": "Scored", "pass_fail": "Pass or fail", "price": "Price"}
var panelNames = map[string]string{"clinical": "Clinical", "patient": "Patient experience (Healthwatch)", "finance": "Finance"}

func lotDisplay(l LotView, names map[string]string) LotDisplay {
	d := LotDisplay{LotView: l, SiteOrg: map[string]string{}}
	var svcs []string
	for _, s := range strings.Split(l.ServiceTypes, ",") {
		if n := ServiceNames[s]; n != "" {
			svcs = append(svcs, n)
		}
	}
	d.Services = strings.Join(svcs, ", ")
	sites := map[string]string{}
	for _, s := range l.Sites {
		sites[s.ID] = s.Name
		d.SiteOrg[s.ID] = names[s.OrgID]
	}
	for _, ph := range l.Phases {
		site := "Whole lot"
		if ph.SiteID != "" {
			site = sites[ph.SiteID]
		}
		d.PhaseRows = append(d.PhaseRows, PhaseRow{Phase: ph, ServiceLabel: ServiceNames[ph.Service], SiteLabel: site})
	}
	for _, sec := range l.Sections {
		sr := SectionRows{Title: sec.Title}
		for _, q := range l.Questions {
			if q.SectionID == sec.ID {
				sr.Questions = append(sr.Questions, QuestionRow{Question: q, KindLabel: kindNames[string(q.Kind)], PanelLabel: panelNames[string(q.Panel)]})
			}
		}
		d.Sections = append(d.Sections, sr)
	}
	for _, q := range l.Questions {
		d.TotalWeight += q.WeightBP
	}
	return d
}

// ApprovalRow is a governing body's decision as the table shows it.
type ApprovalRow struct {
	ApprovalView
	DecisionLabel string
}

// OverviewPage is everything about one procurement, and what the person can do next.
type OverviewPage struct {
	V                                                  ProcurementView
	StateLabel, RegimeLabel, Value                     string
	Timeline, Drawing                                  []TimelineStep
	Lots                                               []LotDisplay
	Approvals                                          []ApprovalRow
	Clarifications, Unanswered                         int
	Edit, Submit, Return, Publish, Cancel, Upload      bool
	Decide, Opening, Clarify                           bool
	Record                                             bool // may download record.zip (package record)
	LotCommissioners, ServiceOptions, Kinds, Templates []web.Option
	Lot                                                struct{ Number, Title, Description string }
	Errs                                               map[string]map[string]string
	Progress                                           []LotProgress // each lot's tracker, once opened
	SetUp                                              []Stage       // the lead's task list until publication
}

func (h *Pages) overview(c *fiber.Ctx, v ProcurementView) OverviewPage {
	manage := v.CanManage && h.can(c, access.PermProcManage)
	allowed := func(act Action) bool { return manage && CheckAction(act, v.Effective) == nil }
	page := OverviewPage{V: v, StateLabel: stateLabel(v.Effective), RegimeLabel: regimeNames[string(v.Regime)],
		Edit: allowed(ActEdit), Submit: allowed(ActSubmitForApproval), Return: allowed(ActReturnToDraft),
		Publish: allowed(ActPublish), Cancel: allowed(ActCancel), Clarify: allowed(ActClarify),
		Decide:  v.MyDecisionDue && h.can(c, access.PermDecide),
		Opening: v.CanManage && h.can(c, access.PermOpenBids) && slices.Contains([]State{Closed, OpeningStarted, Opened}, v.Effective),
		Record:  v.CanManage && h.can(c, access.PermRecordExport),
		Errs:    map[string]map[string]string{}}
	page.Upload = manage && slices.Contains([]State{Draft, AwaitingApproval, Published, Rejected}, v.Effective)
	if manage {
		page.SetUp = SetUpTasks(v, h.Svc.Now())
	}
	if v.ShowValue {
		page.Value = FormatPence(v.EstimatedValuePence)
	}
	names := map[string]string{}
	for _, p := range v.Participants {
		names[p.OrgID] = p.OrgName
		page.LotCommissioners = append(page.LotCommissioners, web.Option{Value: p.OrgID, Label: p.OrgName})
	}
	for _, l := range v.Lots {
		page.Lots = append(page.Lots, lotDisplay(l, names))
	}
	for _, ap := range v.Approvals {
		row := ApprovalRow{ApprovalView: ap, DecisionLabel: "Not yet decided"}
		if ap.Decision != nil {
			row.DecisionLabel = map[string]string{"approve": "Approved", "reject": "Rejected"}[ap.Decision.Decision]
		}
		page.Approvals = append(page.Approvals, row)
	}
	for _, cl := range v.Clarifications {
		page.Clarifications++
		if cl.PublishedAt == nil {
			page.Unanswered++
		}
	}
	page.ServiceOptions = web.OptionsOf(ServiceTypes, ServiceNames)
	page.Kinds = web.OptionsOf(DocumentKinds, DocumentKindNames)
	page.Timeline, page.Drawing = timeline(v, h.Svc.Now())
	page.Lot.Number = itoa(len(v.Lots) + 1)
	return page
}

// timeline is the procurement's dates in order, every lot phase included (the list people
// read), and the drawing of it: the procurement's own steps and one point per go-live date,
// evenly spaced so that labels of close dates do not collide.
func timeline(v ProcurementView, now time.Time) (list, drawing []TimelineStep) {
	steps := []TimelineStep{{Label: "Created", When: v.CreatedAt}}
	if v.PublishedAt != nil {
		steps = append(steps, TimelineStep{Label: "Published", When: *v.PublishedAt})
	}
	steps = append(steps,
		TimelineStep{Label: "Clarifications close", When: v.ClarificationDeadline},
		TimelineStep{Label: "Responses due", When: v.SubmissionDeadline},
		TimelineStep{Label: "Opening", When: v.EvaluationStart},
		TimelineStep{Label: "Award", When: v.AwardDate},
		TimelineStep{Label: "Contract start", When: v.ContractStart})
	drawn := slices.Clone(steps)
	goLives := map[string]int{}
	for _, l := range v.Lots {
		for _, ph := range l.Phases {
			steps = append(steps, TimelineStep{Label: "Lot " + itoa(l.Number) + " go-live: " + ph.Name, When: ph.GoLive})
			day := ukclock.InLondon(ph.GoLive).Format("2006-01-02")
			if goLives[day] == 0 {
				drawn = append(drawn, TimelineStep{Label: "Go-live", When: ph.GoLive})
			}
			goLives[day]++
		}
	}
	list, drawing = dated(steps, now), dated(drawn, now)
	for i := range drawing {
		if n := goLives[ukclock.InLondon(drawing[i].When).Format("2006-01-02")]; drawing[i].Label == "Go-live" && n > 1 {
			drawing[i].Label = itoa(n) + " go-lives"
		}
		drawing[i].X = 500
		if len(drawing) > 1 {
			drawing[i].X = 90 + i*820/(len(drawing)-1)
		}
	}
	return list, drawing
}

// dated keeps the steps that have a date, in date order, marking those passed.
func dated(steps []TimelineStep, now time.Time) []TimelineStep {
	var out []TimelineStep
	for _, s := range steps {
		if !s.When.IsZero() {
			s.Past = !s.When.After(now)
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].When.Before(out[j].When) })
	return out
}

func (h *Pages) show(c *fiber.Ctx) error {
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	page := h.overview(c, v)
	if err := h.progress(c, &page); err != nil {
		return err
	}
	return h.render(c, "lots/show", v.Title, page, nil)
}

// overviewError shows the overview again with a form's messages: prefix names the form whose
// fields they are ("lot-"); "" turns them all into messages for the whole page.
func (h *Pages) overviewError(c *fiber.Ctx, err error, form, prefix string, fill func(*OverviewPage)) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	v, verr := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if verr != nil {
		return verr
	}
	page := h.overview(c, v)
	if err := h.progress(c, &page); err != nil {
		return err
	}
	if fill != nil {
		fill(&page)
	}
	summary := web.FormWide(fields)
	if prefix != "" {
		page.Errs[form] = fields
		summary = web.Prefixed(fields, prefix)
	}
	return h.Web.Render(c.Status(status), "lots/show", v.Title, page, summary)
}

func (h *Pages) addLot(c *fiber.Ctx) error {
	f := newForm(c)
	in := LotInput{Title: f.Str("title"), ServiceTypes: f.All("service_types"), Description: f.Str("description"), Participants: f.All("participants")}
	in.Number = f.Int("number", "the lot number")
	fill := func(p *OverviewPage) {
		p.Lot.Number, p.Lot.Title, p.Lot.Description = f.Str("number"), in.Title, in.Description
		p.ServiceOptions = web.OptionsOf(ServiceTypes, ServiceNames, in.ServiceTypes...)
		for i := range p.LotCommissioners {
			p.LotCommissioners[i].Checked = slices.Contains(in.Participants, p.LotCommissioners[i].Value)
		}
	}
	if fields := f.Check(&in); fields != nil {
		return h.overviewError(c, apperr.InvalidFields(fields), "lot", "lot-", fill)
	}
	l, err := h.Svc.AddLot(c.UserContext(), web.ActorFrom(c), c.Params("id"), in)
	if err != nil {
		return h.overviewError(c, err, "lot", "lot-", fill)
	}
	return web.RedirectFlash(c, "/procurements/"+l.ProcurementID+"/lots/"+l.ID, "Lot "+itoa(l.Number)+" added. Now add its sites, phases and questionnaire.")
}

func (h *Pages) upload(c *fiber.Ctx) error {
	kind := c.FormValue("kind")
	// A missing file is the service's to report beside the field, with the kind.
	name, content, err := readUpload(c)
	if apperr.IsKind(err, apperr.TooLarge) {
		return err
	}
	d, err := h.Svc.UploadDocument(c.UserContext(), web.ActorFrom(c), c.Params("id"), kind, name, content)
	if err != nil {
		return h.overviewError(c, err, "doc", "doc-", nil)
	}
	return web.RedirectFlash(c, "/procurements/"+d.ProcurementID+"#documents", "Document "+d.Name+" uploaded.")
}

func (h *Pages) download(c *fiber.Ctx) error {
	d, err := h.Svc.Document(c.UserContext(), c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	return sendFile(c, documentFile(d))
}

func (h *Pages) submitForApproval(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := h.Svc.SubmitForApproval(c.UserContext(), web.ActorFrom(c), id); err != nil {
		return h.overviewError(c, err, "", "", nil)
	}
	return web.RedirectFlash(c, "/procurements/"+id, "Sent to every participating governing body for their decision.")
}

func (h *Pages) returnToDraft(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := h.Svc.ReturnToDraft(c.UserContext(), web.ActorFrom(c), id); err != nil {
		return h.overviewError(c, err, "", "", nil)
	}
	return web.RedirectFlash(c, "/procurements/"+id, "The procurement is back in draft.")
}

func (h *Pages) publish(c *fiber.Ctx) error {
	id := c.Params("id")
	in := PublishInput{ConfirmShortTenderPeriod: c.FormValue(TenderPeriodField) == "yes"}
	if err := h.Svc.Publish(c.UserContext(), web.ActorFrom(c), id, in); err != nil {
		return h.publishError(c, err)
	}
	return web.RedirectFlash(c, "/procurements/"+id, "Published: providers can now register interest and respond.")
}

func (h *Pages) cancel(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := h.Svc.Cancel(c.UserContext(), web.ActorFrom(c), id, c.FormValue("reason")); err != nil {
		return h.overviewError(c, err, "cancel", "cancel-", nil)
	}
	return web.RedirectFlash(c, "/procurements/"+id, "The procurement has been cancelled.")
}

// --- a lot ---

// LotPage is one lot, with the forms that build it.
type LotPage struct {
	V                         ProcurementView
	Lot                       LotDisplay
	Edit                      bool
	ResponsesLink             bool
	EvaluationLink            bool // the lead's evaluation of the lot, once the responses are opened
	SiteOrgs, Services, Sites []web.Option
	Kinds, Panels, Templates  []web.Option
	Site                      struct{ Name, Address string }
	Phase                     struct{ Name string }
	PhaseDate                 web.DateField
	Question                  struct{ Section, Number, Text, Guidance, Weight, MaxScore, MinScore, WordLimit string }
	Errs                      map[string]map[string]string
	Progress                  *LotProgress // where the lot stands, once opened
}

func (h *Pages) lotPage(c *fiber.Ctx) (LotPage, error) {
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return LotPage{}, err
	}
	idx := slices.IndexFunc(v.Lots, func(l LotView) bool { return l.ID == c.Params("lot") })
	if idx < 0 {
		return LotPage{}, apperr.NotFoundf("Lot not found")
	}
	names := map[string]string{}
	for _, p := range v.Participants {
		names[p.OrgID] = p.OrgName
	}
	l := v.Lots[idx]
	page := LotPage{V: v, Lot: lotDisplay(l, names), Errs: map[string]map[string]string{},
		Edit:           v.CanManage && h.can(c, access.PermProcManage) && CheckAction(ActEdit, v.Effective) == nil,
		ResponsesLink:  v.CanManage && v.ResponsesOpen && h.can(c, access.PermProcManage),
		EvaluationLink: v.CanManage && v.ResponsesOpen && h.can(c, access.PermPanelManage)}
	for _, o := range l.Participants {
		page.SiteOrgs = append(page.SiteOrgs, web.Option{Value: o, Label: names[o]})
	}
	sort.Slice(page.SiteOrgs, func(i, j int) bool { return page.SiteOrgs[i].Label < page.SiteOrgs[j].Label })
	page.SiteOrgs = append([]web.Option{{Value: "", Label: "Choose a commissioner"}}, page.SiteOrgs...)
	page.Services = web.OptionsOf(strings.Split(l.ServiceTypes, ","), ServiceNames)
	page.Sites = []web.Option{{Value: "", Label: "The whole lot"}}
	for _, s := range l.Sites {
		page.Sites = append(page.Sites, web.Option{Value: s.ID, Label: s.Name})
	}
	page.Kinds = web.OptionsOf([]string{"scored", "pass_fail", "price"}, kindNames, "scored")
	page.Panels = web.OptionsOf([]string{"clinical", "patient", "finance"}, panelNames, "clinical")
	page.Templates = []web.Option{{Value: "", Label: "Choose a template"}}
	for _, t := range Templates {
		page.Templates = append(page.Templates, web.Option{Value: t.Key, Label: t.Name})
	}
	page.PhaseDate = dateField("go_live", "Go-live date and time", "No earlier than the contract start.", time.Time{})
	page.PhaseDate.Prefix = "phase-"
	page.Question.MaxScore, page.Question.MinScore = "4", "0"
	if len(l.Sections) > 0 {
		page.Question.Section = l.Sections[len(l.Sections)-1].Title
	}
	if h.Progress != nil && v.Effective == Opened {
		pr, err := h.Progress(c.UserContext(), web.ActorFrom(c), v.Procurement, l.Lot)
		if err != nil {
			return page, err
		}
		page.Progress = &LotProgress{ID: l.ID, Title: l.Title, Number: l.Number, Progress: pr}
	}
	return page, nil
}

func (h *Pages) lot(c *fiber.Ctx) error {
	page, err := h.lotPage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/lot", "Lot "+itoa(page.Lot.Number)+": "+page.Lot.Title, page, nil)
}

// lotError shows the lot page again with one form's messages beside its fields.
func (h *Pages) lotError(c *fiber.Ctx, err error, form string, fill func(*LotPage)) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.lotPage(c)
	if perr != nil {
		return perr
	}
	if fill != nil {
		fill(&page)
	}
	page.Errs[form] = fields
	return h.Web.Render(c.Status(status), "lots/lot", "Lot "+itoa(page.Lot.Number)+": "+page.Lot.Title, page, web.Prefixed(fields, form+"-"))
}

func (h *Pages) lotDone(c *fiber.Ctx, msg string) error {
	return web.RedirectFlash(c, "/procurements/"+c.Params("id")+"/lots/"+c.Params("lot"), msg)
}

func (h *Pages) addSite(c *fiber.Ctx) error {
	f := newForm(c)
	in := SiteInput{Name: f.Str("name"), OrgID: f.Str("org_id"), Address: f.Str("address")}
	fill := func(p *LotPage) {
		p.Site.Name, p.Site.Address = in.Name, in.Address
		for i := range p.SiteOrgs {
			p.SiteOrgs[i].Selected = p.SiteOrgs[i].Value == in.OrgID
		}
	}
	if fields := f.Check(&in); fields != nil {
		return h.lotError(c, apperr.InvalidFields(fields), "site", fill)
	}
	s, err := h.Svc.AddSite(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	if err != nil {
		return h.lotError(c, err, "site", fill)
	}
	return h.lotDone(c, "Site "+s.Name+" added.")
}

func (h *Pages) addPhase(c *fiber.Ctx) error {
	f := newForm(c)
	in := PhaseInput{Name: f.Str("name"), Service: f.Str("service"), SiteID: f.Str("site_id")}
	in.GoLive = f.when("go_live", "go-live date")
	fill := func(p *LotPage) {
		p.Phase.Name = in.Name
		p.PhaseDate.DateInput = f.DateInputOf("go_live")
		for i := range p.Services {
			p.Services[i].Selected = p.Services[i].Value == in.Service
			p.Services[i].Checked = p.Services[i].Selected
		}
		for i := range p.Sites {
			p.Sites[i].Selected = p.Sites[i].Value == in.SiteID
		}
	}
	if fields := f.Check(&in); fields != nil {
		return h.lotError(c, apperr.InvalidFields(fields), "phase", fill)
	}
	ph, err := h.Svc.AddPhase(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	if err != nil {
		return h.lotError(c, err, "phase", fill)
	}
	return h.lotDone(c, "Phase "+ph.Name+" added.")
}

func (h *Pages) addQuestion(c *fiber.Ctx) error {
	f := newForm(c)
	in := QuestionInput{Section: f.Str("section"), Number: f.Str("number"), Text: f.Str("text"), Guidance: f.Str("guidance"),
		Kind: QuestionKind(f.Str("kind")), Panel: Panel(f.Str("panel"))}
	in.WeightBP = f.percent("weight", "the weight")
	in.MaxScore = f.Int("max_score", "the top score")
	in.MinScore = f.Int("min_score", "the minimum acceptable score")
	in.WordLimit = f.Int("word_limit", "the word limit")
	fill := func(p *LotPage) {
		q := &p.Question
		q.Section, q.Number, q.Text, q.Guidance = in.Section, in.Number, in.Text, in.Guidance
		q.Weight, q.MaxScore, q.MinScore, q.WordLimit = f.Str("weight"), f.Str("max_score"), f.Str("min_score"), f.Str("word_limit")
		p.Kinds = web.OptionsOf([]string{"scored", "pass_fail", "price"}, kindNames, string(in.Kind))
		p.Panels = web.OptionsOf([]string{"clinical", "patient", "finance"}, panelNames, string(in.Panel))
	}
	fields := f.Check(&in)
	if m, ok := fields["weight_bp"]; ok {
		delete(fields, "weight_bp")
		if _, mine := fields["weight"]; !mine {
			fields["weight"] = m
		}
	}
	if len(fields) > 0 {
		return h.lotError(c, apperr.InvalidFields(fields), "question", fill)
	}
	q, err := h.Svc.AddQuestion(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Fields["weight_bp"] != "" {
			ae.Fields["weight"] = ae.Fields["weight_bp"]
			delete(ae.Fields, "weight_bp")
		}
		return h.lotError(c, err, "question", fill)
	}
	return h.lotDone(c, "Question "+q.Number+" added.")
}

func (h *Pages) applyTemplate(c *fiber.Ctx) error {
	key := c.FormValue("template")
	if err := h.Svc.ApplyTemplate(c.UserContext(), web.ActorFrom(c), c.Params("lot"), key); err != nil {
		return h.lotError(c, err, "tpl", nil)
	}
	t, _ := TemplateByKey(key)
	return h.lotDone(c, "The questionnaire now follows the template: "+t.Name+".")
}

// ResponsesPage shows the opened quality responses to a lot: never prices.
type ResponsesPage struct {
	V         ProcurementView
	Lot       LotView
	Questions []Question
	Responses []ResponseView
}

func (h *Pages) responses(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	rs, err := h.Svc.Responses(c.UserContext(), a, c.Params("id"), c.Params("lot"))
	if err != nil {
		return err
	}
	v, err := h.Svc.Procurement(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	idx := slices.IndexFunc(v.Lots, func(l LotView) bool { return l.ID == c.Params("lot") })
	if idx < 0 {
		return apperr.NotFoundf("Lot not found")
	}
	page := ResponsesPage{V: v, Lot: v.Lots[idx], Responses: rs}
	for _, q := range page.Lot.Questions {
		if q.Kind != Price {
			page.Questions = append(page.Questions, q)
		}
	}
	return h.render(c, "lots/responses", "Responses to lot "+itoa(page.Lot.Number), page, nil)
}

// --- the governing body's decision ---

// DecisionPage records a governing body's decision on the business case.
type DecisionPage struct {
	V                 ProcurementView
	Decisions         []web.Option
	Meeting           web.DateField
	MinuteRef, Reason string
	Part2             bool
	Value             string
}

func (h *Pages) decisionPage(c *fiber.Ctx) (DecisionPage, error) {
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return DecisionPage{}, err
	}
	page := DecisionPage{V: v, Decisions: web.OptionsOf([]string{"approve", "reject"}, map[string]string{"approve": "Approve", "reject": "Reject"}),
		Meeting: web.DateField{Name: "meeting_date", Legend: "Date of the governing body meeting"}, Part2: true}
	if v.ShowValue {
		page.Value = FormatPence(v.EstimatedValuePence)
	}
	return page, nil
}

func (h *Pages) decisionForm(c *fiber.Ctx) error {
	page, err := h.decisionPage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/decision", "Governing body decision", page, nil)
}

func (h *Pages) decide(c *fiber.Ctx) error {
	f := newForm(c)
	in := DecisionInput{Decision: f.Str("decision"), MinuteRef: f.Str("minute_ref"), Part2: f.Checked("part2"), Reason: f.Str("reason")}
	in.MeetingDate = f.Date("meeting_date", ukclock.DateQuestion{Label: "meeting date", Required: true})
	fields := f.Check(&in)
	var err error
	if fields == nil {
		if err = h.Svc.Decide(c.UserContext(), web.ActorFrom(c), c.Params("id"), in); err == nil {
			word := map[string]string{"approve": "approval", "reject": "rejection"}[in.Decision]
			return web.RedirectFlash(c, "/procurements/"+c.Params("id"), "Your governing body's "+word+" is recorded.")
		}
	} else {
		err = apperr.InvalidFields(fields)
	}
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.decisionPage(c)
	if perr != nil {
		return perr
	}
	page.Decisions = web.OptionsOf([]string{"approve", "reject"}, map[string]string{"approve": "Approve", "reject": "Reject"}, in.Decision)
	page.Meeting.DateInput, page.MinuteRef, page.Reason, page.Part2 = f.DateInputOf("meeting_date"), in.MinuteRef, in.Reason, in.Part2
	return h.Web.Render(c.Status(status), "lots/decision", "Governing body decision", page, fields)
}

// --- clarifications and addenda ---

// ClarificationRow is a clarification as the lead sees it.
type ClarificationRow struct {
	Clarification
	Asker, AnswerTyped, QuestionTyped string
	Errs                              map[string]string
}

// ClarificationsPage lists the clarifications and takes answers and addenda.
type ClarificationsPage struct {
	V                 ProcurementView
	Manage, ShowAsker bool
	Rows              []ClarificationRow
	Addendum          struct {
		Title, Body string
		Changes     bool
	}
	Deadline     web.DateField
	AddendumErrs map[string]string
}

func (h *Pages) clarificationsPage(c *fiber.Ctx) (ClarificationsPage, error) {
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return ClarificationsPage{}, err
	}
	page := ClarificationsPage{V: v, ShowAsker: v.CanManage,
		Manage: v.CanManage && h.can(c, access.PermProcManage) && CheckAction(ActClarify, v.Effective) == nil,
		Deadline: web.DateField{Name: "new_submission_deadline", Prefix: "addendum-", Legend: "New submission deadline (optional)", WithTime: true,
			Hint: "Leave blank to keep " + londonString(v.SubmissionDeadline) + "."}}
	names := map[string]string{}
	if page.ShowAsker {
		var ids []string
		for _, cl := range v.Clarifications {
			ids = append(ids, cl.AskerOrgID)
		}
		if names, err = h.Svc.OrgNamesOf(c.UserContext(), ids); err != nil {
			return page, err
		}
	}
	for _, cl := range v.Clarifications {
		row := ClarificationRow{Clarification: cl}
		if page.ShowAsker {
			row.Asker = names[cl.AskerOrgID]
		}
		row.AskerOrgID = ""
		page.Rows = append(page.Rows, row)
	}
	return page, nil
}

func (h *Pages) clarifications(c *fiber.Ctx) error {
	page, err := h.clarificationsPage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/clarifications", "Clarifications and addenda", page, nil)
}

func (h *Pages) answer(c *fiber.Ctx) error {
	f := newForm(c)
	cid := c.Params("cid")
	in := AnswerInput{Answer: f.Str("answer"), Question: f.Str("question")}
	var e error
	if fields := f.Check(&in); fields != nil {
		e = apperr.InvalidFields(fields)
	} else if e = h.Svc.AnswerClarification(c.UserContext(), web.ActorFrom(c), c.Params("id"), cid, in); e == nil {
		return web.RedirectFlash(c, "/procurements/"+c.Params("id")+"/clarifications", "Answer published to every registered bidder, without saying who asked.")
	}
	fields, status := web.FormFields(e)
	if fields == nil {
		return e
	}
	page, perr := h.clarificationsPage(c)
	if perr != nil {
		return perr
	}
	for i := range page.Rows {
		if page.Rows[i].ID == cid {
			page.Rows[i].Errs, page.Rows[i].AnswerTyped, page.Rows[i].QuestionTyped = fields, in.Answer, in.Question
		}
	}
	return h.Web.Render(c.Status(status), "lots/clarifications", "Clarifications and addenda", page, web.Prefixed(fields, "answer-"+cid+"-"))
}

func (h *Pages) addendum(c *fiber.Ctx) error {
	f := newForm(c)
	in := AddendumInput{Title: f.Str("title"), Body: f.Str("body"), ChangesResponses: f.Checked("changes_responses")}
	if t := f.when("new_submission_deadline", "new submission deadline"); !t.IsZero() {
		in.NewSubmissionDeadline = &t
	}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else if _, err = h.Svc.PublishAddendum(c.UserContext(), web.ActorFrom(c), c.Params("id"), in); err == nil {
		return web.RedirectFlash(c, "/procurements/"+c.Params("id")+"/clarifications", "Addendum published to every registered bidder.")
	}
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.clarificationsPage(c)
	if perr != nil {
		return perr
	}
	page.Addendum.Title, page.Addendum.Body, page.Addendum.Changes = in.Title, in.Body, in.ChangesResponses
	page.Deadline.DateInput = f.DateInputOf("new_submission_deadline")
	page.AddendumErrs = fields
	return h.Web.Render(c.Status(status), "lots/clarifications", "Clarifications and addenda", page, web.Prefixed(fields, "addendum-"))
}

// --- opening ---

// OpeningPage is the two-person opening of the responses.
type OpeningPage struct {
	V                          ProcurementView
	StateLabel                 string
	StartedBy, ConfirmedBy     string
	Start, Confirm, YouStarted bool
}

func (h *Pages) openingPage(c *fiber.Ctx) (OpeningPage, error) {
	a := web.ActorFrom(c)
	v, err := h.Svc.Procurement(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return OpeningPage{}, err
	}
	if !v.CanManage {
		return OpeningPage{}, apperr.Forbiddenf("Only the lead commissioner opens the responses")
	}
	page := OpeningPage{V: v, StateLabel: stateLabel(v.Effective), Start: v.Effective == Closed, Confirm: v.Effective == OpeningStarted}
	if v.Opening != nil {
		names, err := h.Svc.PeopleNames(c.UserContext(), []string{v.Opening.StartedBy, v.Opening.ConfirmedBy})
		if err != nil {
			return page, err
		}
		page.StartedBy, page.ConfirmedBy = names[v.Opening.StartedBy], names[v.Opening.ConfirmedBy]
		page.YouStarted = v.Opening.StartedBy == a.UserID
	}
	return page, nil
}

func (h *Pages) opening(c *fiber.Ctx) error {
	page, err := h.openingPage(c)
	if err != nil {
		return err
	}
	return h.render(c, "lots/opening", "Opening the responses", page, nil)
}

func (h *Pages) openingError(c *fiber.Ctx, err error) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.openingPage(c)
	if perr != nil {
		return perr
	}
	return h.Web.Render(c.Status(status), "lots/opening", "Opening the responses", page, web.FormWide(fields))
}

func (h *Pages) startOpening(c *fiber.Ctx) error {
	if err := h.Svc.StartOpening(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return h.openingError(c, err)
	}
	return web.RedirectFlash(c, "/procurements/"+c.Params("id")+"/opening", "Opening started. A second person must now confirm it.")
}

func (h *Pages) confirmOpening(c *fiber.Ctx) error {
	if err := h.Svc.ConfirmOpening(c.UserContext(), web.ActorFrom(c), c.Params("id")); err != nil {
		return h.openingError(c, err)
	}
	return web.RedirectFlash(c, "/procurements/"+c.Params("id")+"/opening", "Opening confirmed: the quality responses can now be read.")
}
