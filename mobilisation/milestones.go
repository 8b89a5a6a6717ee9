package mobilisation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"golive/apperr"
	"golive/jobs"
	"golive/tenants/access"
)

// Milestones: the lead adds and changes them; their owner (the provider's people for the
// provider's, a commissioner's for the commissioners') reports progress and attaches evidence;
// the provider asks for completion and the lead accepts it — only then is a milestone done — or
// returns it with a reason. Every change is audited, and every change of due day, owner or
// status reschedules the milestone's reminders in the same transaction.

// MaxNote is the longest progress note.
const MaxNote = 4000

// MilestoneInput is a new milestone.
type MilestoneInput struct {
	PhaseID     string    `json:"phase_id" form:"phase_id" validate:"required,uuid" label:"the phase"`
	Title       string    `json:"title" form:"title" validate:"required,max=200" label:"the title"`
	Workstream  string    `json:"workstream" form:"workstream" validate:"required,max=80" label:"the workstream"`
	OwnerSide   OwnerSide `json:"owner_side" form:"owner_side" validate:"required,oneof=commissioner provider" label:"who owns it"`
	OwnerUserID string    `json:"owner_user_id" form:"owner_user_id" validate:"omitempty,uuid" label:"the owner"`
	DueOn       string    `json:"due_on" form:"due_on" validate:"required,max=20" label:"the due date"`
	Critical    bool      `json:"critical" form:"critical"`
	DependsOn   []string  `json:"depends_on" form:"depends_on" validate:"max=50,dive,uuid" label:"what it depends on"`
}

// MilestoneChange changes a milestone: only what is sent changes. An empty owner_user_id
// leaves the milestone without an owner.
type MilestoneChange struct {
	Title       *string    `json:"title" validate:"omitempty,max=200" label:"the title"`
	Workstream  *string    `json:"workstream" validate:"omitempty,max=80" label:"the workstream"`
	OwnerSide   *OwnerSide `json:"owner_side" validate:"omitempty,oneof=commissioner provider" label:"who owns it"`
	OwnerUserID *string    `json:"owner_user_id" validate:"omitempty,uuid" label:"the owner"`
	DueOn       *string    `json:"due_on" validate:"omitempty,max=20" label:"the due date"`
	Critical    *bool      `json:"critical"`
	DependsOn   *[]string  `json:"depends_on" validate:"omitempty,max=50,dive,uuid" label:"what it depends on"`
}

// checkOwner refuses an owner who is not on the milestone's side of the contract.
func (s *Service) checkOwner(ctx context.Context, tx *Store, p Plan, side OwnerSide, userID string) error {
	if userID == "" {
		return nil
	}
	people, err := tx.People(ctx, []string{userID})
	if err != nil {
		return err
	}
	u, ok := people[userID]
	if !ok {
		return apperr.InvalidFields(map[string]string{"owner_user_id": "Select someone who works on this contract"})
	}
	participants, err := tx.Participants(ctx, p.ProcurementID)
	if err != nil {
		return err
	}
	if msg := ownerProblem(side, u, p, participants); msg != "" {
		return apperr.InvalidFields(map[string]string{"owner_user_id": msg})
	}
	return nil
}

// checkDeps refuses dependencies on milestones of another plan or in a circle, naming them.
func checkDeps(ms []Milestone, deps []Dependency, id string, dependsOn []string) ([]Dependency, error) {
	out := slices.DeleteFunc(slices.Clone(deps), func(d Dependency) bool { return d.MilestoneID == id })
	for _, d := range dependsOn {
		if !slices.ContainsFunc(ms, func(m Milestone) bool { return m.ID == d }) {
			return nil, apperr.InvalidFields(map[string]string{"depends_on": "Select milestones of this plan"})
		}
		out = append(out, Dependency{MilestoneID: id, DependsOnID: d})
	}
	return out, CheckDependencies(ms, out)
}

func uniq(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// AddMilestone adds a milestone to a phase of the plan (the lead).
func (s *Service) AddMilestone(ctx context.Context, a *access.Actor, planID string, in MilestoneInput) (Milestone, error) {
	in.Title, in.Workstream = strings.TrimSpace(in.Title), strings.TrimSpace(in.Workstream)
	f := map[string]string{}
	if in.Title == "" {
		f["title"] = "Enter the title"
	}
	if in.Workstream == "" {
		f["workstream"] = "Enter the workstream"
	}
	due, err := ParseDay(in.DueOn)
	if err != nil {
		f["due_on"] = ruleMessage(err)
	}
	if len(f) > 0 {
		return Milestone{}, apperr.InvalidFields(f)
	}
	var m Milestone
	err = s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.leadPlan(ctx, tx, a, planID)
		if err != nil {
			return err
		}
		if _, err := tx.Phase(ctx, p.ID, in.PhaseID, false); err != nil {
			return apperr.InvalidFields(map[string]string{"phase_id": "Select a phase of this plan"})
		}
		if err := s.checkOwner(ctx, tx, p, in.OwnerSide, in.OwnerUserID); err != nil {
			return err
		}
		ms, err := tx.Milestones(ctx, p.ID)
		if err != nil {
			return err
		}
		deps, err := tx.Dependencies(ctx, p.ID)
		if err != nil {
			return err
		}
		pos, err := tx.NextMilestonePosition(ctx, p.ID)
		if err != nil {
			return err
		}
		now := s.Now()
		m = Milestone{ID: newID(), PlanID: p.ID, PhaseID: in.PhaseID, Title: in.Title, Workstream: in.Workstream, OwnerSide: in.OwnerSide,
			OwnerUserID: in.OwnerUserID, DueOn: due, Status: NotStarted, Critical: in.Critical, Position: pos, CreatedAt: now, UpdatedAt: now}
		dependsOn := uniq(in.DependsOn)
		if _, err := checkDeps(append(ms, m), deps, m.ID, dependsOn); err != nil {
			return err
		}
		if err := tx.AddMilestone(ctx, &m); err != nil {
			return err
		}
		if err := tx.SetDependencies(ctx, m.ID, dependsOn); err != nil {
			return err
		}
		if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "milestone.added", "milestone", m.ID,
			map[string]any{"plan": p.ID, "after": milestoneSummary(m, dependsOn)}))
	})
	return m, err
}

func milestoneSummary(m Milestone, dependsOn []string) map[string]any {
	return map[string]any{"phase": m.PhaseID, "title": m.Title, "workstream": m.Workstream, "owner_side": string(m.OwnerSide),
		"owner": m.OwnerUserID, "due_on": m.DueOn, "critical": m.Critical, "depends_on": dependsOn, "status": string(m.Status)}
}

func dependsOnOf(deps []Dependency, id string) []string {
	out := []string{}
	for _, d := range deps {
		if d.MilestoneID == id {
			out = append(out, d.DependsOnID)
		}
	}
	slices.Sort(out)
	return out
}

// EditMilestone changes a milestone (the lead). An accepted milestone is part of the record
// and is not changed.
func (s *Service) EditMilestone(ctx context.Context, a *access.Actor, planID, milestoneID string, in MilestoneChange) (Milestone, error) {
	if in.Title == nil && in.Workstream == nil && in.OwnerSide == nil && in.OwnerUserID == nil && in.DueOn == nil && in.Critical == nil && in.DependsOn == nil {
		return Milestone{}, apperr.InvalidFields(map[string]string{"title": "Change at least one thing"})
	}
	f := map[string]string{}
	if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
		f["title"] = "Enter the title"
	}
	if in.Workstream != nil && strings.TrimSpace(*in.Workstream) == "" {
		f["workstream"] = "Enter the workstream"
	}
	var due string
	if in.DueOn != nil {
		d, err := ParseDay(*in.DueOn)
		if err != nil {
			f["due_on"] = ruleMessage(err)
		}
		due = d
	}
	if len(f) > 0 {
		return Milestone{}, apperr.InvalidFields(f)
	}
	var m Milestone
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.leadPlan(ctx, tx, a, planID)
		if err != nil {
			return err
		}
		if !validID(milestoneID) {
			return apperr.NotFoundf("Milestone not found")
		}
		if m, err = tx.Milestone(ctx, p.ID, milestoneID, true); err != nil {
			return err
		}
		if m.AcceptedAt != nil {
			return apperr.Conflictf("“%s” was accepted as done on %s: it is part of the record and can no longer be changed", m.Title, ukDay(m.CompletedOn))
		}
		deps, err := tx.Dependencies(ctx, p.ID)
		if err != nil {
			return err
		}
		before := milestoneSummary(m, dependsOnOf(deps, m.ID))
		if in.Title != nil {
			m.Title = strings.TrimSpace(*in.Title)
		}
		if in.Workstream != nil {
			m.Workstream = strings.TrimSpace(*in.Workstream)
		}
		if in.OwnerSide != nil && *in.OwnerSide != m.OwnerSide {
			m.OwnerSide = *in.OwnerSide
			if in.OwnerUserID == nil {
				m.OwnerUserID = "" // the old owner is on the other side
			}
		}
		if in.OwnerUserID != nil {
			m.OwnerUserID = *in.OwnerUserID
		}
		if err := s.checkOwner(ctx, tx, p, m.OwnerSide, m.OwnerUserID); err != nil {
			return err
		}
		if in.DueOn != nil {
			m.DueOn = due
		}
		if in.Critical != nil {
			m.Critical = *in.Critical
		}
		dependsOn := dependsOnOf(deps, m.ID)
		if in.DependsOn != nil {
			dependsOn = uniq(*in.DependsOn)
			ms, err := tx.Milestones(ctx, p.ID)
			if err != nil {
				return err
			}
			if _, err := checkDeps(ms, deps, m.ID, dependsOn); err != nil {
				return err
			}
			if err := tx.SetDependencies(ctx, m.ID, dependsOn); err != nil {
				return err
			}
		}
		now := s.Now()
		m.UpdatedAt = now
		if err := tx.SaveMilestone(ctx, &m); err != nil {
			return err
		}
		if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "milestone.changed", "milestone", m.ID,
			map[string]any{"plan": p.ID, "before": before, "after": milestoneSummary(m, dependsOn)}))
	})
	return m, err
}

// RemoveMilestone takes a milestone out of the plan (the lead), unless it was accepted or
// others depend on it.
func (s *Service) RemoveMilestone(ctx context.Context, a *access.Actor, planID, milestoneID string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.leadPlan(ctx, tx, a, planID)
		if err != nil {
			return err
		}
		if !validID(milestoneID) {
			return apperr.NotFoundf("Milestone not found")
		}
		m, err := tx.Milestone(ctx, p.ID, milestoneID, true)
		if err != nil {
			return err
		}
		if m.AcceptedAt != nil {
			return apperr.Conflictf("“%s” was accepted as done: it is part of the record and cannot be removed", m.Title)
		}
		ms, err := tx.Milestones(ctx, p.ID)
		if err != nil {
			return err
		}
		deps, err := tx.Dependencies(ctx, p.ID)
		if err != nil {
			return err
		}
		var users []string
		for _, d := range deps {
			if d.DependsOnID == m.ID {
				if i := slices.IndexFunc(ms, func(x Milestone) bool { return x.ID == d.MilestoneID }); i >= 0 {
					users = append(users, "“"+ms[i].Title+"”")
				}
			}
		}
		if len(users) > 0 {
			return apperr.Conflictf("“%s” cannot be removed while other milestones depend on it: %s", m.Title, strings.Join(users, ", "))
		}
		if err := tx.DeleteMilestone(ctx, p.ID, m.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "milestone.removed", "milestone", m.ID,
			map[string]any{"plan": p.ID, "before": milestoneSummary(m, dependsOnOf(deps, m.ID))}))
	})
}

// ownMilestone loads a milestone, locked, with its plan.
func (s *Service) ownMilestone(ctx context.Context, tx *Store, a *access.Actor, planID, milestoneID string) (Plan, Milestone, error) {
	p, err := s.plan(ctx, tx, a, planID, true)
	if err != nil {
		return p, Milestone{}, err
	}
	if !validID(milestoneID) {
		return p, Milestone{}, apperr.NotFoundf("Milestone not found")
	}
	m, err := tx.Milestone(ctx, p.ID, milestoneID, true)
	return p, m, err
}

// ProgressInput is an owner's progress report: a new status, a note, or both. A blocked
// milestone says what blocks it. Done is not a status one reports: the lead accepts it.
type ProgressInput struct {
	Status Status `json:"status" form:"status" validate:"omitempty,max=20" label:"the status"`
	Note   string `json:"note" form:"note" validate:"max=4000" label:"the note"`
}

// ReportProgress records the owner's progress on a milestone. A change of status withdraws a
// request for completion that is waiting.
func (s *Service) ReportProgress(ctx context.Context, a *access.Actor, planID, milestoneID string, in ProgressInput) (Milestone, error) {
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.Status == Done:
		return Milestone{}, apperr.InvalidFields(map[string]string{"status": "A milestone is done when the commissioner accepts it: ask for completion instead"})
	case in.Status != "" && in.Status != NotStarted && in.Status != InProgress && in.Status != Blocked:
		return Milestone{}, apperr.InvalidFields(map[string]string{"status": "Select not started, in progress or blocked"})
	case in.Status == "" && in.Note == "":
		return Milestone{}, apperr.InvalidFields(map[string]string{"note": "Give a progress note or a new status"})
	case in.Status == Blocked && in.Note == "":
		return Milestone{}, apperr.InvalidFields(map[string]string{"note": "Say what is blocking it"})
	case len([]rune(in.Note)) > MaxNote:
		return Milestone{}, apperr.InvalidFields(map[string]string{"note": fmt.Sprintf("The note must be %d characters or fewer", MaxNote)})
	}
	var m Milestone
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, ms, err := s.ownMilestone(ctx, tx, a, planID, milestoneID)
		if err != nil {
			return err
		}
		m = ms
		if !CanReport(a, p, m) {
			return apperr.Forbiddenf("Progress on “%s” is reported by its owner, or by the %s's team", m.Title, m.OwnerSide)
		}
		if m.AcceptedAt != nil {
			return apperr.Conflictf("“%s” was accepted as done: there is no more progress to report", m.Title)
		}
		// A report that neither says anything nor changes anything would only add noise to
		// the milestone's history.
		if in.Note == "" && in.Status == m.Status {
			return apperr.InvalidFields(map[string]string{"note": fmt.Sprintf("“%s” is already %s: give a progress note to say what has changed",
				m.Title, strings.ToLower(statusLabel(m.Status)))})
		}
		now := s.Now()
		from := m.Status
		summary := map[string]any{"plan": p.ID, "note": in.Note}
		if in.Status != "" && in.Status != m.Status {
			m.Status = in.Status
			summary["status_from"], summary["status_to"] = string(from), string(m.Status)
			if m.CompletionRequestedAt != nil {
				m.CompletionRequestedAt, m.CompletionRequestedBy = nil, ""
				summary["completion_request_withdrawn"] = true
			}
		}
		n := Note{ID: newID(), MilestoneID: m.ID, AuthorID: a.UserID, AuthorOrgID: a.OrgID, Text: in.Note, CreatedAt: now}
		if m.Status != from {
			n.StatusFrom, n.StatusTo = from, m.Status
		}
		if err := tx.AddNote(ctx, &n); err != nil {
			return err
		}
		m.UpdatedAt = now
		if err := tx.SaveMilestone(ctx, &m); err != nil {
			return err
		}
		if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "milestone.progress", "milestone", m.ID, summary))
	})
	return m, err
}

// MaxEvidenceSize is the largest evidence file; MaxEvidenceFiles the most on one milestone.
const (
	MaxEvidenceSize  = 20 << 20
	MaxEvidenceFiles = 30
)

// evidenceTypes are what evidence may be: documents, spreadsheets, plain text and photographs
// (of a fitted-out site, say). The type is sniffed from the content, never taken from the name.
var evidenceTypes = []string{
	"application/pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"text/plain", "text/csv",
	"image/png", "image/jpeg",
}

// CheckEvidence returns the content type of an acceptable evidence file, or the message to show
// beside the file field.
func CheckEvidence(name string, content []byte) (string, string) {
	switch {
	case len(content) == 0:
		return "", "Select a file to upload"
	case len(content) > MaxEvidenceSize:
		return "", "The file must be smaller than 20 MB"
	case strings.TrimSpace(name) == "" || len(name) > 200 || strings.ContainsAny(name, "/\\\x00"):
		return "", "The file name must be 200 characters or fewer, without slashes"
	}
	mt := mimetype.Detect(content)
	base := strings.SplitN(mt.String(), ";", 2)[0]
	for m := mt; m != nil; m = m.Parent() {
		b := strings.SplitN(m.String(), ";", 2)[0]
		if !slices.Contains(evidenceTypes, b) {
			continue
		}
		if b == "text/plain" && base != "text/plain" && base != "text/csv" {
			break // HTML, SVG, scripts: text, but not evidence anyone should open from us
		}
		return base, ""
	}
	return "", "The file must be a PDF, Word, Excel, OpenDocument, plain text, CSV, PNG or JPEG file"
}

// AddEvidence attaches an evidence file to a milestone (its owner, or their side's team).
func (s *Service) AddEvidence(ctx context.Context, a *access.Actor, planID, milestoneID, name string, content []byte) (Evidence, error) {
	name = filepath.Base(strings.TrimSpace(name))
	ct, msg := CheckEvidence(name, content)
	if msg != "" {
		return Evidence{}, apperr.InvalidFields(map[string]string{"file": msg})
	}
	sum := sha256.Sum256(content)
	var e Evidence
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, m, err := s.ownMilestone(ctx, tx, a, planID, milestoneID)
		if err != nil {
			return err
		}
		if !CanReport(a, p, m) {
			return apperr.Forbiddenf("Evidence for “%s” comes from its owner, or from the %s's team", m.Title, m.OwnerSide)
		}
		if m.AcceptedAt != nil {
			return apperr.Conflictf("“%s” was accepted as done: its evidence is closed", m.Title)
		}
		list, err := tx.EvidenceList(ctx, m.ID)
		if err != nil {
			return err
		}
		if len(list) >= MaxEvidenceFiles {
			return apperr.InvalidFields(map[string]string{"file": fmt.Sprintf("A milestone can have up to %d evidence files", MaxEvidenceFiles)})
		}
		e = Evidence{ID: newID(), MilestoneID: m.ID, Name: name, ContentType: ct, Size: int64(len(content)),
			SHA256: hex.EncodeToString(sum[:]), Data: content, UploadedBy: a.UserID, UploadedAt: s.Now()}
		if err := tx.AddEvidence(ctx, &e); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "evidence.added", "milestone", m.ID,
			map[string]any{"plan": p.ID, "evidence": e.ID, "name": e.Name, "sha256": e.SHA256, "size": e.Size}))
	})
	e.Data = nil
	return e, err
}

// EvidenceFile is an evidence file with its content, for anyone who can see the plan.
func (s *Service) EvidenceFile(ctx context.Context, a *access.Actor, planID, milestoneID, evidenceID string) (Evidence, error) {
	p, err := s.plan(ctx, s.Store, a, planID, false)
	if err != nil {
		return Evidence{}, err
	}
	if !validID(milestoneID) || !validID(evidenceID) {
		return Evidence{}, apperr.NotFoundf("Evidence not found")
	}
	m, err := s.Store.Milestone(ctx, p.ID, milestoneID, false)
	if err != nil {
		return Evidence{}, err
	}
	return s.Store.Evidence(ctx, m.ID, evidenceID)
}

// CompletionInput is what the provider says when asking for a milestone to be accepted.
type CompletionInput struct {
	Note string `json:"note" form:"note" validate:"max=4000" label:"the note"`
}

// RequestCompletion asks the lead to accept a provider's milestone as done: it needs evidence
// attached or a note of how it was done.
func (s *Service) RequestCompletion(ctx context.Context, a *access.Actor, planID, milestoneID string, in CompletionInput) (Milestone, error) {
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > MaxNote {
		return Milestone{}, apperr.InvalidFields(map[string]string{"note": fmt.Sprintf("The note must be %d characters or fewer", MaxNote)})
	}
	var m Milestone
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, ms, err := s.ownMilestone(ctx, tx, a, planID, milestoneID)
		if err != nil {
			return err
		}
		m = ms
		if !CanRequestCompletion(a, p, m) {
			return apperr.Forbiddenf("The provider asks for its own milestones to be accepted; the lead accepts the commissioners' directly")
		}
		switch {
		case m.AcceptedAt != nil:
			return apperr.Conflictf("“%s” has already been accepted as done", m.Title)
		case m.CompletionRequestedAt != nil:
			return apperr.Conflictf("Completion of “%s” was asked for on %s and is waiting for the lead", m.Title, ukDay(DayOf(*m.CompletionRequestedAt)))
		}
		list, err := tx.EvidenceList(ctx, m.ID)
		if err != nil {
			return err
		}
		if len(list) == 0 && in.Note == "" {
			return apperr.InvalidFields(map[string]string{"note": "Attach evidence, or say how it was done"})
		}
		now := s.Now()
		from := m.Status
		m.Status, m.CompletionRequestedAt, m.CompletionRequestedBy, m.UpdatedAt = InProgress, &now, a.UserID, now
		text := in.Note
		if text == "" {
			text = "Asked for completion, with the evidence attached"
		}
		n := Note{ID: newID(), MilestoneID: m.ID, AuthorID: a.UserID, AuthorOrgID: a.OrgID, Text: text, CreatedAt: now}
		if from != m.Status {
			n.StatusFrom, n.StatusTo = from, m.Status
		}
		if err := tx.AddNote(ctx, &n); err != nil {
			return err
		}
		if err := tx.SaveMilestone(ctx, &m); err != nil {
			return err
		}
		if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
			return err
		}
		if mails, err = s.tellPeople(ctx, tx, p, []string{p.LeadUserID},
			fmt.Sprintf("Please accept: %s", m.Title),
			fmt.Sprintf("%s asks you to accept “%s” (contract %s) as done.\n\n%s\n\nEvidence files: %d\n\n%s\n",
				a.Name, m.Title, p.ContractReference, text, len(list), s.milestoneURL(p.ID, m.ID))); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "milestone.completion_requested", "milestone", m.ID,
			map[string]any{"plan": p.ID, "note": in.Note, "evidence": len(list)}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return m, err
}

// AcceptInput is the lead's note on accepting a milestone.
type AcceptInput struct {
	Note string `json:"note" form:"note" validate:"max=4000" label:"the note"`
}

// Accept records the lead's acceptance of a milestone: it is done, completed today (UK). A
// provider's milestone is accepted only once the provider has asked; a commissioner's needs
// evidence or a note of how it was done.
func (s *Service) Accept(ctx context.Context, a *access.Actor, planID, milestoneID string, in AcceptInput) (Milestone, error) {
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > MaxNote {
		return Milestone{}, apperr.InvalidFields(map[string]string{"note": fmt.Sprintf("The note must be %d characters or fewer", MaxNote)})
	}
	var m Milestone
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, ms, err := s.ownMilestone(ctx, tx, a, planID, milestoneID)
		if err != nil {
			return err
		}
		m = ms
		if !CanAccept(a, p) {
			return apperr.Forbiddenf("Only the lead commissioner's procurement lead accepts a milestone as done")
		}
		if m.AcceptedAt != nil {
			return apperr.Conflictf("“%s” has already been accepted as done", m.Title)
		}
		if m.OwnerSide == Provider && m.CompletionRequestedAt == nil {
			return apperr.Conflictf("The provider has not asked for “%s” to be accepted", m.Title)
		}
		list, err := tx.EvidenceList(ctx, m.ID)
		if err != nil {
			return err
		}
		if m.CompletionRequestedAt == nil && len(list) == 0 && in.Note == "" {
			return apperr.InvalidFields(map[string]string{"note": "Attach evidence, or say how it was done"})
		}
		now := s.Now()
		from := m.Status
		m.Status, m.AcceptedAt, m.AcceptedBy, m.CompletedOn, m.UpdatedAt = Done, &now, a.UserID, DayOf(now), now
		text := in.Note
		if text == "" {
			text = "Accepted as done"
		}
		n := Note{ID: newID(), MilestoneID: m.ID, AuthorID: a.UserID, AuthorOrgID: a.OrgID, Text: text, StatusFrom: from, StatusTo: Done, CreatedAt: now}
		if err := tx.AddNote(ctx, &n); err != nil {
			return err
		}
		if err := tx.SaveMilestone(ctx, &m); err != nil {
			return err
		}
		if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "milestone.accepted", "milestone", m.ID,
			map[string]any{"plan": p.ID, "completed_on": m.CompletedOn, "due_on": m.DueOn, "evidence": len(list), "note": in.Note}))
	})
	return m, err
}

// ReturnInput is why the lead does not accept a milestone yet.
type ReturnInput struct {
	Reason string `json:"reason" form:"reason" validate:"required,max=4000" label:"the reason"`
}

// Return sends a milestone the provider asked to be accepted back to it, in progress, with the
// lead's reason.
func (s *Service) Return(ctx context.Context, a *access.Actor, planID, milestoneID string, in ReturnInput) (Milestone, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return Milestone{}, apperr.InvalidFields(map[string]string{"reason": "Say what is still needed"})
	}
	var m Milestone
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, ms, err := s.ownMilestone(ctx, tx, a, planID, milestoneID)
		if err != nil {
			return err
		}
		m = ms
		if !CanAccept(a, p) {
			return apperr.Forbiddenf("Only the lead commissioner's procurement lead returns a milestone")
		}
		if m.AcceptedAt != nil {
			return apperr.Conflictf("“%s” has already been accepted as done", m.Title)
		}
		if m.CompletionRequestedAt == nil {
			return apperr.Conflictf("Nobody has asked for “%s” to be accepted", m.Title)
		}
		requester := m.CompletionRequestedBy
		now := s.Now()
		from := m.Status
		m.Status, m.CompletionRequestedAt, m.CompletionRequestedBy, m.UpdatedAt = InProgress, nil, "", now
		n := Note{ID: newID(), MilestoneID: m.ID, AuthorID: a.UserID, AuthorOrgID: a.OrgID, Text: in.Reason, CreatedAt: now}
		if from != m.Status {
			n.StatusFrom, n.StatusTo = from, m.Status
		}
		if err := tx.AddNote(ctx, &n); err != nil {
			return err
		}
		if err := tx.SaveMilestone(ctx, &m); err != nil {
			return err
		}
		if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
			return err
		}
		if mails, err = s.tellPeople(ctx, tx, p, []string{requester},
			fmt.Sprintf("Not accepted yet: %s", m.Title),
			fmt.Sprintf("%s has not accepted “%s” (contract %s) as done yet.\n\nWhat is still needed: %s\n\n%s\n",
				a.Name, m.Title, p.ContractReference, in.Reason, s.milestoneURL(p.ID, m.ID))); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "milestone.returned", "milestone", m.ID,
			map[string]any{"plan": p.ID, "reason": in.Reason}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return m, err
}

// milestoneURL is where a milestone is shown, for emails.
func (s *Service) milestoneURL(planID, milestoneID string) string {
	return strings.TrimSuffix(s.BaseURL, "/") + "/mobilisation/plans/" + planID + "/milestones/" + milestoneID
}

// tellPeople queues an email to each of the users (unknown and inactive ones left out), in the
// transaction; the caller enqueues the returned ids after commit.
func (s *Service) tellPeople(ctx context.Context, tx *Store, p Plan, userIDs []string, subject, text string) ([]string, error) {
	people, err := tx.People(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, u := range userIDs {
		person, ok := people[u]
		if !ok || !person.Active || person.Email == "" {
			continue
		}
		id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: person.Email, Subject: subject, Text: text})
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
