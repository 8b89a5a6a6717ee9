package mobilisation

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"golive/apperr"
	"golive/tenants/access"
)

// Templates of mobilisation plans: the platform's default (DefaultTemplate), written to the
// database at start-up or on first use, and each commissioner's own copies, which its
// procurement lead edits. A plan is made from a template once and then has a life of its own:
// changing a template never changes a plan already made from it.

// defaultTemplateID is fixed, so that writing the default is idempotent across restarts and
// across processes starting at once: a second writer finds the same id and adds nothing.
var defaultTemplateID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://golive/mobilisation/templates/default")).String()

// DefaultTemplateName is what the default template is called.
const DefaultTemplateName = "Urgent care mobilisation (platform default)"

// DefaultTemplateID is the id of the platform's default template.
func DefaultTemplateID() string { return defaultTemplateID }

// EnsureDefaultTemplate writes the platform's default template, adding any of its milestones
// that are missing (by key); safe to call at every start-up.
func (s *Service) EnsureDefaultTemplate(ctx context.Context) error {
	tms := DefaultTemplate()
	for i := range tms {
		tms[i].ID = uuid.NewSHA1(uuid.MustParse(defaultTemplateID), []byte(tms[i].Key)).String()
		tms[i].TemplateID = defaultTemplateID
		tms[i].Position = i
	}
	// A broken default would make every plan fail: refuse it here, at start-up, instead.
	if _, _, err := Instantiate(tms, nil); err != nil {
		return fmt.Errorf("the default mobilisation template is not valid: %w", err)
	}
	t := Template{ID: defaultTemplateID, Name: DefaultTemplateName, CreatedAt: s.Now().UTC()}
	return s.Store.Tx(ctx, func(tx *Store) error { return tx.EnsureTemplate(ctx, t, tms) })
}

// defaultTemplate loads the default template, writing it first if this database has none.
func (s *Service) defaultTemplate(ctx context.Context) (Template, error) {
	t, err := s.Store.Template(ctx, defaultTemplateID, false)
	if apperr.IsKind(err, apperr.NotFound) {
		if err := s.EnsureDefaultTemplate(ctx); err != nil {
			return t, err
		}
		t, err = s.Store.Template(ctx, defaultTemplateID, false)
	}
	return t, err
}

// TemplateSummary is a template in a list.
type TemplateSummary struct {
	Template
	Default    bool // the platform's, copied rather than changed
	Editable   bool // the acting person may change it
	Milestones int
}

// Templates lists the default and the acting organisation's own templates.
func (s *Service) Templates(ctx context.Context, a *access.Actor) ([]TemplateSummary, error) {
	if isHealthwatch(a) {
		return nil, apperr.NotFoundf("Template not found")
	}
	if _, err := s.defaultTemplate(ctx); err != nil {
		return nil, err
	}
	ts, err := s.Store.Templates(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	counts, err := s.Store.TemplateMilestoneCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]TemplateSummary, len(ts))
	for i, t := range ts {
		out[i] = TemplateSummary{Template: t, Default: t.OrgID == "", Editable: CanEditTemplate(a, t), Milestones: counts[t.ID]}
	}
	return out, nil
}

// TemplateView is a template with its milestones.
type TemplateView struct {
	Template
	Default    bool
	Editable   bool
	Milestones []TemplateMilestone
}

// TemplateOf shows one template (the default or the acting organisation's own).
func (s *Service) TemplateOf(ctx context.Context, a *access.Actor, id string) (TemplateView, error) {
	if err := s.VisibleTemplate(ctx, a, id); err != nil {
		return TemplateView{}, err
	}
	t, err := s.Store.Template(ctx, id, false)
	if err != nil {
		return TemplateView{}, err
	}
	ms, err := s.Store.TemplateMilestones(ctx, t.ID)
	return TemplateView{Template: t, Default: t.OrgID == "", Editable: CanEditTemplate(a, t), Milestones: ms}, err
}

// TemplateCopyInput names a new template copied from an existing one (the default when empty).
type TemplateCopyInput struct {
	Name string `json:"name" form:"name" validate:"required,max=120" label:"a name for the template"`
	From string `json:"from_template_id" form:"from_template_id" validate:"omitempty,uuid" label:"the template to copy"`
}

// CopyTemplate makes the acting commissioner a template of its own, a copy of the default or of
// another of its own, which its procurement lead may then change.
func (s *Service) CopyTemplate(ctx context.Context, a *access.Actor, in TemplateCopyInput) (TemplateView, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return TemplateView{}, apperr.InvalidFields(map[string]string{"name": "Enter a name for the template"})
	}
	if in.From == "" {
		in.From = defaultTemplateID
	}
	if a == nil || !a.HasRole(access.RoleProcurementLead) || isHealthwatch(a) {
		return TemplateView{}, apperr.Forbiddenf("Only a commissioner's procurement lead makes templates")
	}
	if _, err := s.defaultTemplate(ctx); err != nil {
		return TemplateView{}, err
	}
	var v TemplateView
	err := s.Store.Tx(ctx, func(tx *Store) error {
		from, err := tx.Template(ctx, in.From, false)
		if apperr.IsKind(err, apperr.NotFound) {
			return apperr.InvalidFields(map[string]string{"from_template_id": "Select the default or one of your templates to copy"})
		}
		if err != nil {
			return err
		}
		src, err := tx.TemplateMilestones(ctx, from.ID)
		if err != nil {
			return err
		}
		t := Template{ID: newID(), OrgID: a.OrgID, Name: in.Name, CreatedBy: a.UserID, CreatedAt: s.Now()}
		ms := make([]TemplateMilestone, len(src))
		for i, m := range src {
			m.ID, m.TemplateID = newID(), t.ID
			ms[i] = m
		}
		if err := tx.CreateTemplate(ctx, &t, ms); err != nil {
			return err
		}
		v = TemplateView{Template: t, Editable: true, Milestones: ms}
		return tx.Audit(ctx, s.entry(a, a.OrgID, "template.copied", "mobilisation_template", t.ID,
			map[string]any{"name": t.Name, "from": from.ID, "milestones": len(ms)}))
	})
	return v, err
}

// TemplateMilestoneInput is a milestone of a template: due OffsetDays from the go-live
// (negative: before), depending on other milestones of the template by key.
type TemplateMilestoneInput struct {
	Key        string    `json:"key" form:"key" validate:"required,max=40" label:"a key"`
	Title      string    `json:"title" form:"title" validate:"required,max=200" label:"the title"`
	Workstream string    `json:"workstream" form:"workstream" validate:"required,max=80" label:"the workstream"`
	OwnerSide  OwnerSide `json:"owner_side" form:"owner_side" validate:"required,oneof=commissioner provider" label:"who owns it"`
	OffsetDays *int      `json:"offset_days" form:"offset_days" validate:"required" label:"the days from go-live"`
	Critical   bool      `json:"critical" form:"critical"`
	DependsOn  []string  `json:"depends_on" form:"depends_on" validate:"max=30,dive,max=40" label:"what it depends on"`
}

// TemplateMilestoneChange changes a template milestone: only what is sent changes.
type TemplateMilestoneChange struct {
	Title      *string    `json:"title" validate:"omitempty,max=200" label:"the title"`
	Workstream *string    `json:"workstream" validate:"omitempty,max=80" label:"the workstream"`
	OwnerSide  *OwnerSide `json:"owner_side" validate:"omitempty,oneof=commissioner provider" label:"who owns it"`
	OffsetDays *int       `json:"offset_days" label:"the days from go-live"`
	Critical   *bool      `json:"critical"`
	DependsOn  *[]string  `json:"depends_on" validate:"omitempty,max=30,dive,max=40" label:"what it depends on"`
}

// Template offsets stay within what a mobilisation spans: two years before go-live to a year after.
const (
	MinOffsetDays = -730
	MaxOffsetDays = 365
)

var templateKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func checkTemplateFields(title, workstream string, offset int) map[string]string {
	f := map[string]string{}
	if strings.TrimSpace(title) == "" {
		f["title"] = "Enter the title"
	}
	if strings.TrimSpace(workstream) == "" {
		f["workstream"] = "Enter the workstream"
	}
	if offset < MinOffsetDays || offset > MaxOffsetDays {
		f["offset_days"] = fmt.Sprintf("Enter a number of days from %d (before go-live) to %d (after)", MinOffsetDays, MaxOffsetDays)
	}
	return f
}

// checkTemplate refuses a template whose dependencies name a key it does not have or go round
// in a circle, naming the milestones.
func checkTemplate(tms []TemplateMilestone) error {
	keys := map[string]TemplateMilestone{}
	for _, m := range tms {
		keys[m.Key] = m
	}
	ms := make([]Milestone, 0, len(tms))
	var deps []Dependency
	for _, m := range tms {
		ms = append(ms, Milestone{ID: m.Key, Title: m.Title})
		for _, k := range templateKeys(m.DependsOn) {
			if _, ok := keys[k]; !ok {
				return apperr.InvalidFields(map[string]string{"depends_on": fmt.Sprintf("There is no milestone with the key %q in this template", k)})
			}
			deps = append(deps, Dependency{MilestoneID: m.Key, DependsOnID: k})
		}
	}
	return CheckDependencies(ms, deps)
}

// editableTemplate loads a template the acting lead may change, locked.
func (s *Service) editableTemplate(ctx context.Context, tx *Store, a *access.Actor, id string) (Template, []TemplateMilestone, error) {
	if isHealthwatch(a) || !validID(id) {
		return Template{}, nil, apperr.NotFoundf("Template not found")
	}
	t, err := tx.Template(ctx, id, true)
	if err != nil {
		return t, nil, err
	}
	if t.OrgID == "" {
		return t, nil, apperr.Forbiddenf("The platform's default template cannot be changed: copy it and change your copy")
	}
	if !CanEditTemplate(a, t) {
		return t, nil, apperr.Forbiddenf("Only your organisation's procurement lead changes its templates")
	}
	ms, err := tx.TemplateMilestones(ctx, t.ID)
	return t, ms, err
}

func joinKeys(keys []string) string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if k = strings.TrimSpace(k); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return strings.Join(out, " ")
}

// AddTemplateMilestone adds a milestone to one of the acting commissioner's templates.
func (s *Service) AddTemplateMilestone(ctx context.Context, a *access.Actor, templateID string, in TemplateMilestoneInput) (TemplateMilestone, error) {
	in.Key, in.Title, in.Workstream = strings.TrimSpace(in.Key), strings.TrimSpace(in.Title), strings.TrimSpace(in.Workstream)
	offset := 0
	if in.OffsetDays != nil {
		offset = *in.OffsetDays
	}
	f := checkTemplateFields(in.Title, in.Workstream, offset)
	if in.OffsetDays == nil {
		f["offset_days"] = "Enter the days from go-live"
	}
	if !templateKey.MatchString(in.Key) {
		f["key"] = "Enter a key of lower-case letters, digits and underscores, starting with a letter, like cqc_registration"
	}
	if in.OwnerSide != Commissioner && in.OwnerSide != Provider {
		f["owner_side"] = "Select who owns it: the commissioner or the provider"
	}
	if len(f) > 0 {
		return TemplateMilestone{}, apperr.InvalidFields(f)
	}
	var m TemplateMilestone
	err := s.Store.Tx(ctx, func(tx *Store) error {
		t, ms, err := s.editableTemplate(ctx, tx, a, templateID)
		if err != nil {
			return err
		}
		for _, x := range ms {
			if x.Key == in.Key {
				return apperr.InvalidFields(map[string]string{"key": "The template already has a milestone with the key " + in.Key})
			}
		}
		m = TemplateMilestone{ID: newID(), TemplateID: t.ID, Key: in.Key, Title: in.Title, Workstream: in.Workstream,
			OwnerSide: in.OwnerSide, OffsetDays: offset, Critical: in.Critical, DependsOn: joinKeys(in.DependsOn)}
		for _, x := range ms {
			m.Position = max(m.Position, x.Position+1)
		}
		if err := checkTemplate(append(ms, m)); err != nil {
			return err
		}
		if err := tx.AddTemplateMilestone(ctx, &m); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, a.OrgID, "template.milestone_added", "mobilisation_template", t.ID,
			map[string]any{"key": m.Key, "title": m.Title, "offset_days": m.OffsetDays, "owner_side": string(m.OwnerSide),
				"critical": m.Critical, "depends_on": m.DependsOn}))
	})
	return m, err
}

// EditTemplateMilestone changes a milestone of one of the acting commissioner's templates.
func (s *Service) EditTemplateMilestone(ctx context.Context, a *access.Actor, templateID, itemID string, in TemplateMilestoneChange) (TemplateMilestone, error) {
	if in.Title == nil && in.Workstream == nil && in.OwnerSide == nil && in.OffsetDays == nil && in.Critical == nil && in.DependsOn == nil {
		return TemplateMilestone{}, apperr.InvalidFields(map[string]string{"title": "Change at least one thing"})
	}
	var m TemplateMilestone
	err := s.Store.Tx(ctx, func(tx *Store) error {
		t, ms, err := s.editableTemplate(ctx, tx, a, templateID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ms, func(x TemplateMilestone) bool { return x.ID == itemID })
		if i < 0 {
			return apperr.NotFoundf("Template milestone not found")
		}
		before := ms[i]
		m = ms[i]
		if in.Title != nil {
			m.Title = strings.TrimSpace(*in.Title)
		}
		if in.Workstream != nil {
			m.Workstream = strings.TrimSpace(*in.Workstream)
		}
		if in.OwnerSide != nil {
			m.OwnerSide = *in.OwnerSide
		}
		if in.OffsetDays != nil {
			m.OffsetDays = *in.OffsetDays
		}
		if in.Critical != nil {
			m.Critical = *in.Critical
		}
		if in.DependsOn != nil {
			m.DependsOn = joinKeys(*in.DependsOn)
		}
		f := checkTemplateFields(m.Title, m.Workstream, m.OffsetDays)
		if m.OwnerSide != Commissioner && m.OwnerSide != Provider {
			f["owner_side"] = "Select who owns it: the commissioner or the provider"
		}
		if len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		ms[i] = m
		if err := checkTemplate(ms); err != nil {
			return err
		}
		if err := tx.SaveTemplateMilestone(ctx, &m); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, a.OrgID, "template.milestone_changed", "mobilisation_template", t.ID,
			map[string]any{"key": m.Key, "before": templateSummary(before), "after": templateSummary(m)}))
	})
	return m, err
}

func templateSummary(m TemplateMilestone) map[string]any {
	return map[string]any{"title": m.Title, "workstream": m.Workstream, "owner_side": string(m.OwnerSide),
		"offset_days": m.OffsetDays, "critical": m.Critical, "depends_on": m.DependsOn}
}

// RemoveTemplateMilestone takes a milestone out of one of the acting commissioner's templates,
// unless others depend on it.
func (s *Service) RemoveTemplateMilestone(ctx context.Context, a *access.Actor, templateID, itemID string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		t, ms, err := s.editableTemplate(ctx, tx, a, templateID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ms, func(x TemplateMilestone) bool { return x.ID == itemID })
		if i < 0 {
			return apperr.NotFoundf("Template milestone not found")
		}
		var users []string
		for _, x := range ms {
			if slices.Contains(templateKeys(x.DependsOn), ms[i].Key) {
				users = append(users, "“"+x.Title+"”")
			}
		}
		if len(users) > 0 {
			return apperr.Conflictf("“%s” cannot be removed: %s depend%s on it", ms[i].Title, strings.Join(users, ", "), map[bool]string{true: "s", false: ""}[len(users) == 1])
		}
		if err := tx.DeleteTemplateMilestone(ctx, t.ID, itemID); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, a.OrgID, "template.milestone_removed", "mobilisation_template", t.ID,
			map[string]any{"key": ms[i].Key, "title": ms[i].Title}))
	})
}
