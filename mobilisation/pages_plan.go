package mobilisation

import (
	"fmt"
	"io"
	"mime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/ukclock"
	"golive/web"
)

// A plan (its phases, timeline, workstreams and milestones), one milestone (its details, notes
// and evidence, and the forms of whoever may act on it) and one phase's go/no-go.

// --- rows the pages share ---

// PhaseRow is a phase as the pages show it.
type PhaseRow struct {
	ID, Href, Name, GoLive, Forecast, Slip string
	RAG                                    Tag
	Reason                                 string
	Live                                   bool
	LiveAt                                 *time.Time
	LiveBy                                 string
	Ready                                  bool
	Missing                                []string
}

func phaseRow(planID string, ph PhaseView) PhaseRow {
	r := PhaseRow{ID: ph.ID, Href: phaseHref(planID, ph.ID), Name: ph.Name, GoLive: dayText(ph.GoLiveDay), RAG: ragTag(ph.RAG),
		Reason: ph.Reason, Live: ph.State == Live, LiveAt: ph.LiveAt, LiveBy: ph.LiveByName, Ready: ph.Ready, Missing: ph.Missing}
	if f := ph.Outlook.ForecastDay; f != "" && !r.Live {
		r.Forecast = dayText(f)
	}
	if ph.Outlook.SlipDays > 0 && !r.Live {
		r.Slip = daysText(ph.Outlook.SlipDays) + " late"
	}
	return r
}

// MilestoneRow is a milestone as the pages' tables show it.
type MilestoneRow struct {
	ID, Href, Title, Workstream, Phase string
	Owner, OwnerOrg, Side              string
	Due, Forecast, Slip, Status        string
	RAG                                Tag
	Reason                             string
	CriticalPath, Critical, Done       bool
	Waiting                            bool // the provider asked for acceptance
	Evidence                           int
}

func milestoneRow(planID string, m MilestoneView) MilestoneRow {
	return milestoneRowOf(nil, milestoneHref(planID, m.ID), m)
}

// milestoneRowOf is milestoneRow linking to href, its texts made in texts.
func milestoneRowOf(texts *textBuf, href string, m MilestoneView) MilestoneRow {
	r := MilestoneRow{ID: m.ID, Href: href, Title: m.Title, Workstream: m.Workstream, Phase: m.PhaseName,
		Owner: m.OwnerName, OwnerOrg: m.OwnerOrgName, Side: ownerSideLabel(m.OwnerSide), Due: texts.day(m.DueOn),
		Status: statusLabel(m.Status), RAG: ragTag(m.RAG), Reason: m.Reason, CriticalPath: m.OnCriticalPath, Critical: m.Critical,
		Done: m.AcceptedAt != nil, Waiting: m.AcceptedAt == nil && m.CompletionRequestedAt != nil, Evidence: m.EvidenceCount}
	if r.Owner == "" {
		r.Owner = "Nobody yet"
	}
	if r.Done {
		r.Status = "Accepted"
		if m.CompletedOn != "" {
			r.Status = texts.cat("Accepted ", texts.day(m.CompletedOn))
		}
	}
	r.Reason = statusNote(r, m.Reason)
	if f := m.Forecast.Finish; f != "" && f != m.DueOn && !r.Done {
		r.Forecast = texts.day(f)
	}
	if m.Forecast.SlipDays > 0 && !r.Done {
		r.Slip = texts.days(m.Forecast.SlipDays, " late")
	}
	return r
}

// statusNote is what a milestone's reason adds to its status tag and progress, so that the
// pages say each thing once ("Done" then "Accepted 1 October 2018", not "Done Done: accepted 1
// October 2018 Done on 1 October 2018"): nothing for a done milestone (its status says when it
// was accepted) or an on-track one (its Green tag says so), and none of the words its progress
// or the waiting for acceptance already say ("Due in 5 days", not "Due in 5 days and not
// started" after "Not started").
func statusNote(r MilestoneRow, reason string) string {
	if r.Done || reason == "On track" {
		return ""
	}
	if r.Waiting {
		reason = strings.TrimSuffix(reason, "; completion is waiting for acceptance")
	}
	if strings.EqualFold(reason, r.Status) {
		return ""
	}
	return trimAndLower(reason, r.Status)
}

// trimAndLower is strings.TrimSuffix(reason, " and "+strings.ToLower(status)), without making
// the suffix when status is ASCII (as statuses are): a page of hundreds of milestones asks it
// of each.
func trimAndLower(reason, status string) string {
	for i := 0; i < len(status); i++ {
		if status[i] >= utf8.RuneSelf {
			return strings.TrimSuffix(reason, " and "+strings.ToLower(status))
		}
	}
	n := len(reason) - len(status)
	if n < len(" and ") || reason[n-len(" and "):n] != " and " {
		return reason
	}
	for i := 0; i < len(status); i++ {
		c := status[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if reason[n+i] != c {
			return reason
		}
	}
	return reason[:n-len(" and ")]
}

// --- the plan ---

// PlanPage is a plan: its phases, the timeline with the milestones table as its text
// alternative, the workstreams' status by phase.
type PlanPage struct {
	ID, Title, Procurement string
	Provider, Lead         string
	LeadUser, Template     string
	Today                  string
	RAG                    Tag
	Phases                 []PhaseRow
	Timeline               GanttTimeline
	Milestones             MilestoneRows // in the chart's order, narrowed by the filter
	AllMilestones          int           // how many the plan has, filter or not
	Filter                 PlanFilterForm
	Workstreams            WorkstreamTable
	CanManage              bool
}

// PlanFilterForm narrows the timeline and the milestones table to a phase and a workstream.
type PlanFilterForm struct {
	Active              bool
	Phases, Workstreams []web.Option
	Errs                map[string]string
}

// WorkstreamTable is each workstream's status in each phase and over the plan.
type WorkstreamTable struct {
	Phases []string
	Rows   []WorkstreamRow
}

// WorkstreamRow is one workstream across the phases.
type WorkstreamRow struct {
	Name    string
	Cells   []WorkstreamCell // one per phase, in order
	Overall WorkstreamCell
}

// WorkstreamCell is a workstream's status in a phase; Empty when it has no milestones there.
type WorkstreamCell struct {
	Empty bool
	RAG   Tag
	Done  string // "3 of 5 done"
}

func workstreamCell(texts *textBuf, w WorkstreamView) WorkstreamCell {
	var b [48]byte
	done := strconv.AppendInt(b[:0], int64(w.Done), 10)
	done = append(done, " of "...)
	done = strconv.AppendInt(done, int64(w.Milestones), 10)
	return WorkstreamCell{RAG: ragTag(w.RAG), Done: texts.bytes(append(done, " done"...))} // "3 of 5 done"
}

// ganttOf reduces a plan view to what the chart draws, its hrefs made in texts.
func ganttOf(texts *textBuf, v PlanView) GanttPlan {
	g := GanttPlan{Title: planTitle(v), Today: v.Today, Phases: make([]GanttPhase, 0, len(v.Phases)),
		Milestones: make([]GanttMilestone, 0, len(v.Milestones))}
	for _, ph := range v.Phases {
		g.Phases = append(g.Phases, GanttPhase{ID: ph.ID, Name: ph.Name, GoLive: ph.GoLiveDay, Forecast: ph.Outlook.ForecastDay, Live: ph.State == Live})
	}
	for _, m := range v.Milestones {
		g.Milestones = append(g.Milestones, GanttMilestone{ID: m.ID, PhaseID: m.PhaseID, Workstream: m.Workstream, Title: m.Title,
			Href: texts.cat(plansHref, v.Plan.ID, "/milestones/", m.ID), DueOn: m.DueOn, Finish: m.Forecast.Finish, RAG: m.RAG,
			Critical: m.OnCriticalPath, Done: m.AcceptedAt != nil})
	}
	return g
}

// planPage builds the plan page from its view, its timeline and milestones narrowed by f; errs
// are the filter's messages, shown beside its fields.
func planPage(v PlanView, f GanttFilter, errs map[string]string) PlanPage {
	texts := planTexts(v)
	return planPageOf(texts, v, ganttOf(texts, v), f, errs)
}

// planTexts is the buffer of the plan page's short texts (hrefs, days, counts): a plan has
// hundreds of milestones, each with a few.
func planTexts(v PlanView) *textBuf {
	return newTextBuf(160*len(v.Milestones) + 24*len(v.Workstreams)*(len(v.Phases)+1))
}

// planPageOf is planPage from the plan's chart, all (ganttOf(texts, v)).
func planPageOf(texts *textBuf, v PlanView, all GanttPlan, f GanttFilter, errs map[string]string) PlanPage {
	g := f.Filter(all)
	page := PlanPage{ID: v.Plan.ID, Title: planTitle(v), Procurement: v.ProcurementTitle + " (" + v.ProcurementReference + ")",
		Provider: v.ProviderName, Lead: v.LeadOrgName, LeadUser: v.LeadUserName, Template: v.TemplateName, Today: dayText(v.Today),
		RAG: ragTag(v.RAG), CanManage: v.CanManage, Timeline: GanttSections(g), AllMilestones: len(v.Milestones)}
	page.Filter = planFilterForm(all, f, errs)
	page.Phases = make([]PhaseRow, 0, len(v.Phases))
	page.Workstreams.Phases = make([]string, 0, len(v.Phases))
	for _, ph := range v.Phases {
		page.Phases = append(page.Phases, phaseRow(v.Plan.ID, ph))
		page.Workstreams.Phases = append(page.Workstreams.Phases, ph.Name)
	}
	// The table lists the milestones in the order the chart draws them, so the two read alike.
	// all.Milestones[i] is v.Milestones[i], with its href.
	byID := make(map[string]int, len(v.Milestones))
	for i, m := range v.Milestones {
		byID[m.ID] = i
	}
	shown := make(map[string]bool, len(g.Milestones))
	for _, m := range g.Milestones {
		shown[m.ID] = true
	}
	page.Milestones = make(MilestoneRows, 0, len(g.Milestones))
	for _, s := range page.Timeline.Sections {
		for _, r := range s.Chart.Rows {
			if i, ok := byID[r.ID]; ok && r.Kind == "milestone" && shown[r.ID] {
				page.Milestones = append(page.Milestones, milestoneRowOf(texts, all.Milestones[i].Href, v.Milestones[i]))
				delete(shown, r.ID)
			}
		}
	}
	for i, m := range v.Milestones { // anything the chart could not place (no phase) still listed
		if shown[m.ID] {
			page.Milestones = append(page.Milestones, milestoneRowOf(texts, all.Milestones[i].Href, m))
		}
	}
	page.Workstreams.Rows = make([]WorkstreamRow, 0, len(v.Workstreams))
	for _, w := range v.Workstreams {
		row := WorkstreamRow{Name: w.Name, Overall: workstreamCell(texts, w), Cells: make([]WorkstreamCell, 0, len(v.Phases))}
		for _, ph := range v.Phases {
			i := slices.IndexFunc(ph.Workstreams, func(x WorkstreamView) bool { return x.Name == w.Name })
			if i < 0 {
				row.Cells = append(row.Cells, WorkstreamCell{Empty: true})
				continue
			}
			row.Cells = append(row.Cells, workstreamCell(texts, ph.Workstreams[i]))
		}
		page.Workstreams.Rows = append(page.Workstreams.Rows, row)
	}
	return page
}

// planFilterForm offers the plan's phases and workstreams, the chosen ones selected.
func planFilterForm(p GanttPlan, f GanttFilter, errs map[string]string) PlanFilterForm {
	form := PlanFilterForm{Active: f.Active(), Errs: errs,
		Phases:      []web.Option{{Value: "", Label: "All phases", Selected: f.Phase == ""}},
		Workstreams: []web.Option{{Value: "", Label: "All workstreams", Selected: f.Workstream == ""}}}
	for _, ph := range p.Phases {
		form.Phases = append(form.Phases, web.Option{Value: ph.ID, Label: ph.Name, Selected: ph.ID == f.Phase})
	}
	seen := map[string]bool{}
	for _, m := range p.Milestones {
		if !seen[m.Workstream] {
			seen[m.Workstream] = true
			form.Workstreams = append(form.Workstreams, web.Option{Value: m.Workstream, Label: m.Workstream, Selected: m.Workstream == f.Workstream})
		}
	}
	return form
}

// plan shows a plan; ?phase= and ?workstream= narrow its timeline and milestones table. A
// choice the plan does not have is named beside its field, and the whole plan shown.
func (h *Pages) plan(c *fiber.Ctx) error {
	v, err := h.Svc.PlanView(c.UserContext(), web.ActorFrom(c), c.Params("plan"))
	if err != nil {
		return err
	}
	f := GanttFilter{Phase: c.Query("phase"), Workstream: c.Query("workstream")}
	texts := planTexts(v)
	all := ganttOf(texts, v)
	errs := f.Check(all)
	if errs != nil {
		f = GanttFilter{}
	}
	return h.render(c, "mobilisation/plan", planTitle(v), planPageOf(texts, v, all, f, errs), errs)
}

// --- a milestone ---

// MilestonePage is one milestone: its facts, what it depends on and what depends on it, its
// notes and evidence, and the forms for whoever may act on it.
type MilestonePage struct {
	PlanHref, PlanTitle string
	PhaseHref           string
	M                   MilestoneRow
	Requested           string // who asked for acceptance, and when
	Accepted            string
	DependsOn           []MilestoneRow
	Dependents          []MilestoneRow
	Notes               []NoteRow
	Evidence            []EvidenceRow

	CanReport, CanRequest, CanAccept, CanEdit bool
	Statuses                                  []web.Option
	ProgressNote, CompletionNote              string
	AcceptNote, ReturnReason                  string
	Edit                                      MilestoneEditForm
	Errs                                      map[string]map[string]string // per form: progress, evidence, completion, accept, return, edit
	MaxEvidenceMB                             int
}

// MilestoneEditForm is the lead's form to change a milestone.
type MilestoneEditForm struct {
	Title, Workstream        string
	DueOn                    web.DateField
	Critical                 bool
	Sides, Owners, DependsOn []web.Option
	CriticalItems            []web.Option
}

// NoteRow is a progress note.
type NoteRow struct {
	Author, Org, Change, Text string
	At                        time.Time
}

// EvidenceRow is an evidence file, linked.
type EvidenceRow struct {
	Href, Name, By string
	Size           int64
	At             time.Time
}

var reportable = []string{string(NotStarted), string(InProgress), string(Blocked)}

// milestoneForms is what was typed into the milestone page's forms, to show again with messages.
type milestoneForms struct {
	status, progressNote, completionNote, acceptNote, returnReason string
	edit                                                           *MilestoneChange
	due                                                            ukclock.DateInput // the due date as typed into edit
	errs                                                           map[string]map[string]string
}

func (h *Pages) milestonePage(c *fiber.Ctx, typed milestoneForms) (MilestonePage, string, error) {
	ctx, a := c.UserContext(), web.ActorFrom(c)
	d, err := h.Svc.MilestoneDetail(ctx, a, c.Params("plan"), c.Params("ms"))
	if err != nil {
		return MilestonePage{}, "", err
	}
	v, m := d.Plan, d.Milestone
	page := MilestonePage{PlanHref: planHref(v.Plan.ID), PlanTitle: planTitle(v), PhaseHref: phaseHref(v.Plan.ID, m.PhaseID),
		M: milestoneRow(v.Plan.ID, m), CanReport: m.CanReport, CanRequest: m.CanRequestCompletion, CanAccept: m.CanAccept,
		CanEdit: v.CanManage && m.AcceptedAt == nil, ProgressNote: typed.progressNote, CompletionNote: typed.completionNote,
		AcceptNote: typed.acceptNote, ReturnReason: typed.returnReason, Errs: typed.errs, MaxEvidenceMB: MaxEvidenceSize >> 20}
	if page.Errs == nil {
		page.Errs = map[string]map[string]string{}
	}
	if m.CompletionRequestedAt != nil {
		page.Requested = fmt.Sprintf("%s asked for it to be accepted on %s", orNobody(m.CompletionRequestedByName),
			ukclock.DateTime(*m.CompletionRequestedAt))
	}
	if m.AcceptedAt != nil {
		page.Accepted = fmt.Sprintf("Accepted as done by %s on %s", orNobody(m.AcceptedByName), ukclock.DateTime(*m.AcceptedAt))
	}
	for _, x := range d.DependsOn {
		page.DependsOn = append(page.DependsOn, milestoneRow(v.Plan.ID, x))
	}
	for _, x := range d.Dependents {
		page.Dependents = append(page.Dependents, milestoneRow(v.Plan.ID, x))
	}
	for i := len(d.Notes) - 1; i >= 0; i-- { // newest first
		n := d.Notes[i]
		row := NoteRow{Author: orNobody(n.AuthorName), Org: n.AuthorOrgName, Text: n.Text, At: n.CreatedAt}
		if n.StatusTo != "" && n.StatusTo != n.StatusFrom {
			row.Change = statusLabel(n.StatusFrom) + " to " + statusLabel(n.StatusTo)
		}
		page.Notes = append(page.Notes, row)
	}
	for _, e := range d.Evidence {
		page.Evidence = append(page.Evidence, EvidenceRow{Href: milestoneHref(v.Plan.ID, m.ID) + "/evidence/" + e.ID, Name: e.Name,
			By: orNobody(e.UploadedByName), Size: e.Size, At: e.UploadedAt})
	}
	// Nothing is chosen until the owner chooses: a report that only repeats the status it has
	// would say nothing.
	page.Statuses = web.OptionsOf(reportable, map[string]string{string(NotStarted): "Not started", string(InProgress): "In progress",
		string(Blocked): "Blocked: say what blocks it in the note"}, typed.status)
	if page.CanEdit {
		if page.Edit, err = h.editForm(c, v, m, typed.edit, typed.due); err != nil {
			return page, "", err
		}
	}
	return page, m.Title, nil
}

func orNobody(name string) string {
	if name == "" {
		return "Someone no longer here"
	}
	return name
}

// editForm fills the lead's form from the milestone, or from what was typed.
func (h *Pages) editForm(c *fiber.Ctx, v PlanView, m MilestoneView, typed *MilestoneChange, due ukclock.DateInput) (MilestoneEditForm, error) {
	f := MilestoneEditForm{Title: m.Title, Workstream: m.Workstream, Critical: m.Critical,
		DueOn: web.DateField{Name: "due_on", Prefix: "edit-", Legend: "Due date", Hint: "Moving it reschedules its reminders.", DateInput: dayInput(m.DueOn)}}
	side, owner, deps := string(m.OwnerSide), m.OwnerUserID, m.DependsOn
	if t := typed; t != nil {
		f.Title, f.Workstream, f.DueOn.DateInput, f.Critical = deref(t.Title), deref(t.Workstream), due, t.Critical != nil && *t.Critical
		side, owner = string(derefSide(t.OwnerSide)), deref(t.OwnerUserID)
		if t.DependsOn != nil {
			deps = *t.DependsOn
		}
	}
	f.CriticalItems = []web.Option{{Value: "yes", Label: "The phase cannot go live until it is done", Checked: f.Critical}}
	f.Sides = web.OptionsOf([]string{string(Provider), string(Commissioner)},
		map[string]string{string(Provider): "The provider (" + v.ProviderName + ")", string(Commissioner): "The commissioners"}, side)
	choices, err := h.Svc.OwnerChoices(c.UserContext(), web.ActorFrom(c), v.Plan.ID)
	if err != nil {
		return f, err
	}
	f.Owners = []web.Option{{Value: "", Label: "Nobody yet", Selected: owner == ""}}
	for _, p := range choices {
		f.Owners = append(f.Owners, web.Option{Value: p.ID, Label: p.Name + " (" + p.OrgName + ")", Selected: p.ID == owner})
	}
	// What it can depend on: the milestones of its own phase, and whatever it depends on already.
	for _, x := range v.Milestones {
		if x.ID == m.ID || (x.PhaseID != m.PhaseID && !slices.Contains(deps, x.ID)) {
			continue
		}
		f.DependsOn = append(f.DependsOn, web.Option{Value: x.ID, Label: x.Title + ", due " + dayText(x.DueOn), Checked: slices.Contains(deps, x.ID)})
	}
	return f, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefSide(s *OwnerSide) OwnerSide {
	if s == nil {
		return ""
	}
	return *s
}

func (h *Pages) milestone(c *fiber.Ctx) error { return h.renderMilestone(c, milestoneForms{}) }

// renderMilestone shows the milestone page; forms with messages are shown again as typed, and
// the error summary links to their fields by the ids they have on the page (form-field).
func (h *Pages) renderMilestone(c *fiber.Ctx, typed milestoneForms) error {
	page, title, err := h.milestonePage(c, typed)
	if err != nil {
		return err
	}
	var summary map[string]string
	for form, fields := range typed.errs {
		for k, v := range web.Prefixed(fields, form+"-") {
			if summary == nil {
				summary = map[string]string{}
			}
			summary[k] = v
		}
	}
	return h.render(c, "mobilisation/milestone", title, page, summary)
}

// milestoneDone answers a successful POST on a milestone: back to it, with what happened.
func milestoneDone(c *fiber.Ctx, msg string) error {
	return web.RedirectFlash(c, milestoneHref(c.Params("plan"), c.Params("ms")), msg)
}

// milestoneFormError shows the milestone page again with a form's messages, or passes on an
// error that is not about the form.
func (h *Pages) milestoneFormError(c *fiber.Ctx, form string, err error, typed milestoneForms) error {
	fields, err := formError(c, err)
	if err != nil {
		return err
	}
	typed.errs = map[string]map[string]string{form: fields}
	return h.renderMilestone(c, typed)
}

func (h *Pages) progress(c *fiber.Ctx) error {
	f := web.NewForm(c)
	in := ProgressInput{Status: Status(f.Str("status")), Note: f.Str("note")}
	typed := milestoneForms{status: string(in.Status), progressNote: in.Note}
	if fields := f.Check(&in); fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		typed.errs = map[string]map[string]string{"progress": fields}
		return h.renderMilestone(c, typed)
	}
	if _, err := h.Svc.ReportProgress(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("ms"), in); err != nil {
		return h.milestoneFormError(c, "progress", err, typed)
	}
	return milestoneDone(c, "Progress recorded.")
}

func (h *Pages) addEvidence(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderMilestone(c, milestoneForms{errs: map[string]map[string]string{"evidence": {"file": "Select a file to upload"}}})
	}
	if fh.Size > MaxEvidenceSize {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderMilestone(c, milestoneForms{errs: map[string]map[string]string{"evidence": {
			"file": fmt.Sprintf("The file must be %d MB or smaller", MaxEvidenceSize>>20)}}})
	}
	r, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open uploaded evidence: %w", err)
	}
	content, err := io.ReadAll(io.LimitReader(r, MaxEvidenceSize+1))
	r.Close()
	if err != nil {
		return fmt.Errorf("read uploaded evidence: %w", err)
	}
	e, err := h.Svc.AddEvidence(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("ms"), fh.Filename, content)
	if err != nil {
		return h.milestoneFormError(c, "evidence", err, milestoneForms{})
	}
	return milestoneDone(c, "Evidence “"+e.Name+"” attached.")
}

func (h *Pages) evidence(c *fiber.Ctx) error {
	if !validID(c.Params("ev")) {
		return apperr.NotFoundf("Evidence not found")
	}
	e, err := h.Svc.EvidenceFile(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("ms"), c.Params("ev"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, e.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": e.Name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(e.Data)
}

func (h *Pages) requestCompletion(c *fiber.Ctx) error {
	f := web.NewForm(c)
	in := CompletionInput{Note: f.Str("note")}
	typed := milestoneForms{completionNote: in.Note}
	if fields := f.Check(&in); fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		typed.errs = map[string]map[string]string{"completion": fields}
		return h.renderMilestone(c, typed)
	}
	if _, err := h.Svc.RequestCompletion(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("ms"), in); err != nil {
		return h.milestoneFormError(c, "completion", err, typed)
	}
	return milestoneDone(c, "You asked the commissioner to accept this milestone as done.")
}

func (h *Pages) accept(c *fiber.Ctx) error {
	f := web.NewForm(c)
	in := AcceptInput{Note: f.Str("note")}
	typed := milestoneForms{acceptNote: in.Note}
	if fields := f.Check(&in); fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		typed.errs = map[string]map[string]string{"accept": fields}
		return h.renderMilestone(c, typed)
	}
	m, err := h.Svc.Accept(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("ms"), in)
	if err != nil {
		return h.milestoneFormError(c, "accept", err, typed)
	}
	return milestoneDone(c, "“"+m.Title+"” accepted as done.")
}

func (h *Pages) returnMilestone(c *fiber.Ctx) error {
	f := web.NewForm(c)
	in := ReturnInput{Reason: f.Str("reason")}
	typed := milestoneForms{returnReason: in.Reason}
	if fields := f.Check(&in); fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		typed.errs = map[string]map[string]string{"return": fields}
		return h.renderMilestone(c, typed)
	}
	m, err := h.Svc.Return(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("ms"), in)
	if err != nil {
		return h.milestoneFormError(c, "return", err, typed)
	}
	return milestoneDone(c, "“"+m.Title+"” returned to the provider.")
}

// dueOn is how the milestone form asks for the due day; the API takes it as "2006-01-02".
var dueOn = ukclock.DateQuestion{Label: "due date", Required: true}

// dayInput shows a stored day ("2006-01-02") in the date input.
func dayInput(day string) ukclock.DateInput {
	t, err := time.ParseInLocation(dayLayout, day, ukclock.London)
	if err != nil {
		return ukclock.DateInput{}
	}
	in := ukclock.InputOf(t)
	in.Time = ""
	return in
}

// editMilestone saves the lead's whole form: every field is sent, so every field is set (no
// dependency ticked clears them).
func (h *Pages) editMilestone(c *fiber.Ctx) error {
	f := web.NewForm(c)
	title, ws, due, owner := f.Str("title"), f.Str("workstream"), ukclock.ISODay(f.Date("due_on", dueOn)), f.Str("owner_user_id")
	side, critical, deps := OwnerSide(f.Str("owner_side")), f.Checked("critical"), f.All("depends_on")
	if deps == nil {
		deps = []string{}
	}
	in := MilestoneChange{Title: &title, Workstream: &ws, OwnerSide: &side, OwnerUserID: &owner, DueOn: &due, Critical: &critical, DependsOn: &deps}
	typed := milestoneForms{edit: &in, due: f.DateInputOf("due_on")}
	if fields := f.Check(&in); fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		typed.errs = map[string]map[string]string{"edit": fields}
		return h.renderMilestone(c, typed)
	}
	m, err := h.Svc.EditMilestone(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("ms"), in)
	if err != nil {
		return h.milestoneFormError(c, "edit", err, typed)
	}
	return milestoneDone(c, "“"+m.Title+"” changed.")
}

// --- a phase's go/no-go ---

// PhasePage is a phase's readiness: its critical milestones, each commissioner's decision, the
// approver's form and the lead's button to declare it live.
type PhasePage struct {
	PlanHref, PlanTitle string
	P                   PhaseRow
	Critical            []MilestoneRow
	Decisions           []DecisionRow
	CanDecide           bool
	Decision            []web.Option
	Reason              string
	// A go signed now must acknowledge this many open critical milestones (the warning, the
	// box to confirm and the reason), in words: "21 critical milestones".
	OpenCritical    string
	Acknowledge     []web.Option
	Acknowledgement string
	// The lead is offered the button only when the phase can go live (CanGoLive); otherwise
	// (WaitsFor) pointed at what is missing.
	CanGoLive, WaitsFor bool
	Errs                map[string]map[string]string // decide, live
}

// DecisionRow is one commissioner's decision, or that it has not decided.
type DecisionRow struct {
	Org, Decision string
	Tag           Tag
	Reason, By    string
	At            *time.Time
	Acknowledged  string // "Signed go with 21 critical milestones open: <reason>", when it was
}

func (h *Pages) phasePage(c *fiber.Ctx, in DecisionInput, errs map[string]map[string]string) (PhasePage, string, error) {
	ctx, a := c.UserContext(), web.ActorFrom(c)
	v, err := h.Svc.PlanView(ctx, a, c.Params("plan"))
	if err != nil {
		return PhasePage{}, "", err
	}
	ph, ok := v.Phase(c.Params("phase"))
	if !ok {
		return PhasePage{}, "", apperr.NotFoundf("Phase not found")
	}
	lead := v.CanManage && ph.State != Live
	page := PhasePage{PlanHref: planHref(v.Plan.ID), PlanTitle: planTitle(v), P: phaseRow(v.Plan.ID, ph),
		CanDecide: v.CanDecide && ph.State != Live, CanGoLive: lead && ph.Ready, WaitsFor: lead && !ph.Ready,
		Reason: in.Reason, Acknowledgement: in.Acknowledgement, Errs: errs}
	if page.Errs == nil {
		page.Errs = map[string]map[string]string{}
	}
	if page.CanDecide && ph.OpenCritical > 0 {
		page.OpenCritical = plural(ph.OpenCritical, "critical milestone", "critical milestones")
		page.Acknowledge = []web.Option{{Value: "yes", Label: "I am signing go with " + page.OpenCritical + " still open",
			Checked: in.AcknowledgeOpenCritical}}
	}
	for _, m := range v.Milestones {
		if m.PhaseID == ph.ID && m.Critical {
			page.Critical = append(page.Critical, milestoneRow(v.Plan.ID, m))
		}
	}
	decision := string(in.Decision)
	for _, o := range v.Participants {
		row := DecisionRow{Org: o.Name, Decision: "Not decided yet", Tag: Tag{"Not decided", "nhsuk-tag--white"}}
		for _, d := range ph.Decisions {
			if d.OrgID != o.ID {
				continue
			}
			at := d.DecidedAt
			row.Reason, row.By, row.At = d.Reason, orNobody(d.DecidedByName), &at
			row.Decision, row.Tag = "Go", Tag{"Go", "nhsuk-tag--green"}
			if d.Decision == NoGo {
				row.Decision, row.Tag = "No-go", Tag{"No-go", "nhsuk-tag--red"}
			}
			if d.OpenCritical > 0 {
				row.Acknowledged = fmt.Sprintf("Signed go with %s open: %s",
					plural(d.OpenCritical, "critical milestone", "critical milestones"), d.Acknowledgement)
			}
			if a != nil && d.OrgID == a.OrgID && decision == "" {
				decision = string(d.Decision)
				if page.Reason == "" {
					page.Reason = d.Reason
				}
			}
		}
		page.Decisions = append(page.Decisions, row)
	}
	page.Decision = web.OptionsOf([]string{string(Go), string(NoGo)}, map[string]string{string(Go): "Go: ready to go live",
		string(NoGo): "No-go: not ready"}, decision)
	return page, ph.Name, nil
}

func (h *Pages) renderPhase(c *fiber.Ctx, in DecisionInput, errs map[string]map[string]string) error {
	page, name, err := h.phasePage(c, in, errs)
	if err != nil {
		return err
	}
	var summary map[string]string
	for form, fields := range errs {
		for k, v := range web.Prefixed(fields, form+"-") {
			if summary == nil {
				summary = map[string]string{}
			}
			summary[k] = v
		}
	}
	return h.render(c, "mobilisation/phase", "Go or no-go: "+name, page, summary)
}

func (h *Pages) phase(c *fiber.Ctx) error { return h.renderPhase(c, DecisionInput{}, nil) }

func (h *Pages) decide(c *fiber.Ctx) error {
	f := web.NewForm(c)
	in := DecisionInput{Decision: Decision(f.Str("decision")), Reason: f.Str("reason"),
		AcknowledgeOpenCritical: f.Str(AcknowledgeField) == "yes", Acknowledgement: f.Str(AcknowledgementField)}
	if fields := f.Check(&in); fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPhase(c, in, map[string]map[string]string{"decide": fields})
	}
	d, err := h.Svc.Decide(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("phase"), in)
	if err != nil {
		fields, err := formError(c, err)
		if err != nil {
			return err
		}
		return h.renderPhase(c, in, map[string]map[string]string{"decide": fields})
	}
	msg := "Your decision is recorded: go."
	if d.Decision == NoGo {
		msg = "Your decision is recorded: no-go."
	} else if d.OpenCritical > 0 {
		msg = fmt.Sprintf("Your decision is recorded: go, with %s open.", plural(d.OpenCritical, "critical milestone", "critical milestones"))
	}
	return web.RedirectFlash(c, phaseHref(c.Params("plan"), c.Params("phase")), msg)
}

// goLive declares the phase live. The button is offered only when it can succeed, but the
// service still checks: the gate may have closed since the page was shown.
func (h *Pages) goLive(c *fiber.Ctx) error {
	ph, err := h.Svc.GoLive(c.UserContext(), web.ActorFrom(c), c.Params("plan"), c.Params("phase"))
	if err != nil {
		fields, err := formError(c, err)
		if err != nil {
			return err
		}
		return h.renderPhase(c, DecisionInput{}, map[string]map[string]string{"live": web.FormWide(fields)})
	}
	return web.RedirectFlash(c, phaseHref(c.Params("plan"), c.Params("phase")), ph.Name+" is live.")
}
