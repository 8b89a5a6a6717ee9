package mobilisation_test

import (
	"context"
	"strings"
	"testing"

	"golive/apperr"
	"golive/lots/lotstest"
	"golive/mobilisation"
)

func intp(n int) *int { return &n }

func TestTheDefaultTemplateIsWrittenOnceAndCopiedNeverChanged(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lotstest.OK(t, f.svc.EnsureDefaultTemplate(ctx))
	lotstest.OK(t, f.svc.EnsureDefaultTemplate(ctx))
	var n int
	f.env.DB.Gorm.Raw("SELECT COUNT(*) FROM template_milestones WHERE template_id = ?", mobilisation.DefaultTemplateID()).Scan(&n)
	if want := len(mobilisation.DefaultTemplate()); n != want {
		t.Fatalf("the default has %d milestones after writing it twice, want %d", n, want)
	}

	lead, lctx := f.as(leadEmail)
	list := lotstest.Must[[]mobilisation.TemplateSummary](t)(f.svc.Templates(lctx, lead))
	if len(list) != 1 || !list[0].Default || list[0].Editable || list[0].Milestones != n {
		t.Fatalf("the templates: %+v", list)
	}
	_, err := f.svc.AddTemplateMilestone(lctx, lead, mobilisation.DefaultTemplateID(), mobilisation.TemplateMilestoneInput{Key: "x",
		Title: "X", Workstream: "X", OwnerSide: mobilisation.Provider, OffsetDays: intp(-1)})
	lotstest.WantKind(t, err, apperr.Forbidden, "changing the default template")

	bid, bctx := f.as(estuaryBids)
	_, err = f.svc.CopyTemplate(bctx, bid, mobilisation.TemplateCopyInput{Name: "Ours"})
	lotstest.WantKind(t, err, apperr.Forbidden, "a provider making a template")
	_, err = f.svc.CopyTemplate(lctx, lead, mobilisation.TemplateCopyInput{Name: "  "})
	lotstest.WantKind(t, err, apperr.Invalid, "a template without a name")

	own := lotstest.Must[mobilisation.TemplateView](t)(f.svc.CopyTemplate(lctx, lead, mobilisation.TemplateCopyInput{Name: "Medway urgent care"}))
	if !own.Editable || own.Default || len(own.Milestones) != n || own.OrgID != lead.OrgID {
		t.Fatalf("the copy: editable %v, %d milestones", own.Editable, len(own.Milestones))
	}
	// Another tenant cannot see it, nor make a plan from it.
	bl, blctx := f.as(bedsLead)
	lotstest.WantKind(t, f.svc.VisibleTemplate(blctx, bl, own.ID), apperr.NotFound, "another tenant's template")
	if l := lotstest.Must[[]mobilisation.TemplateSummary](t)(f.svc.Templates(blctx, bl)); len(l) != 1 {
		t.Fatalf("another tenant lists %d templates", len(l))
	}
	_, err = f.svc.AddTemplateMilestone(blctx, bl, own.ID, mobilisation.TemplateMilestoneInput{Key: "x", Title: "X", Workstream: "X",
		OwnerSide: mobilisation.Provider, OffsetDays: intp(-1)})
	lotstest.WantKind(t, err, apperr.NotFound, "another tenant changing the template")

	// Each bad milestone is refused beside its field.
	good := mobilisation.TemplateMilestoneInput{Key: "sheppey_parking", Title: "Parking at Sheppey agreed", Workstream: mobilisation.WSEstates,
		OwnerSide: mobilisation.Provider, OffsetDays: intp(-40), Critical: true, DependsOn: []string{"premises_agreed"}}
	for field, in := range map[string]mobilisation.TemplateMilestoneInput{
		"key":         {Key: "Sheppey Parking", Title: good.Title, Workstream: good.Workstream, OwnerSide: good.OwnerSide, OffsetDays: good.OffsetDays},
		"offset_days": {Key: "a", Title: good.Title, Workstream: good.Workstream, OwnerSide: good.OwnerSide, OffsetDays: intp(-1000)},
		"depends_on":  {Key: "b", Title: good.Title, Workstream: good.Workstream, OwnerSide: good.OwnerSide, OffsetDays: good.OffsetDays, DependsOn: []string{"no_such_key"}},
		"owner_side":  {Key: "c", Title: good.Title, Workstream: good.Workstream, OwnerSide: "both", OffsetDays: good.OffsetDays},
	} {
		_, err := f.svc.AddTemplateMilestone(lctx, lead, own.ID, in)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Fields[field] == "" {
			t.Fatalf("a milestone with a bad %s: %v", field, err)
		}
	}
	dup := good
	dup.Key = "cqc_registration"
	_, err = f.svc.AddTemplateMilestone(lctx, lead, own.ID, dup)
	if e, ok := apperr.As(err); !ok || e.Fields["key"] == "" {
		t.Fatalf("a key used twice: %v", err)
	}
	added := lotstest.Must[mobilisation.TemplateMilestone](t)(f.svc.AddTemplateMilestone(lctx, lead, own.ID, good))

	// A circle through the new milestone is refused, naming the milestones in it.
	var premises mobilisation.TemplateMilestone
	for _, m := range lotstest.Must[mobilisation.TemplateView](t)(f.svc.TemplateOf(lctx, lead, own.ID)).Milestones {
		if m.Key == "premises_agreed" {
			premises = m
		}
	}
	_, err = f.svc.EditTemplateMilestone(lctx, lead, own.ID, premises.ID, mobilisation.TemplateMilestoneChange{DependsOn: &[]string{"site_surveys", "sheppey_parking"}})
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid || !strings.Contains(e.Fields["depends_on"], "Parking at Sheppey agreed") || !strings.Contains(e.Fields["depends_on"], premises.Title) {
		t.Fatalf("a circle in the template: %v %+v", err, e)
	}
	_, err = f.svc.EditTemplateMilestone(lctx, lead, own.ID, premises.ID, mobilisation.TemplateMilestoneChange{})
	lotstest.WantKind(t, err, apperr.Invalid, "a change of nothing")
	changed := lotstest.Must[mobilisation.TemplateMilestone](t)(f.svc.EditTemplateMilestone(lctx, lead, own.ID, added.ID,
		mobilisation.TemplateMilestoneChange{OffsetDays: intp(-45)}))
	if changed.OffsetDays != -45 || changed.Key != "sheppey_parking" {
		t.Fatalf("after the change: %+v", changed)
	}

	// Removing: refused while another depends on it.
	err = f.svc.RemoveTemplateMilestone(lctx, lead, own.ID, premises.ID)
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.Conflict || !strings.Contains(e.Message, "Parking at Sheppey agreed") {
		t.Fatalf("removing a milestone others depend on: %v", err)
	}
	temp := lotstest.Must[mobilisation.TemplateMilestone](t)(f.svc.AddTemplateMilestone(lctx, lead, own.ID, mobilisation.TemplateMilestoneInput{
		Key: "temporary", Title: "Temporary", Workstream: "Other", OwnerSide: mobilisation.Commissioner, OffsetDays: intp(0)}))
	lotstest.OK(t, f.svc.RemoveTemplateMilestone(lctx, lead, own.ID, temp.ID))
	for action, want := range map[string]int{"template.copied": 1, "template.milestone_added": 2, "template.milestone_changed": 1, "template.milestone_removed": 1} {
		if got := f.audits(action); got != want {
			t.Fatalf("%d %s audit events, want %d", got, action, want)
		}
	}

	// A plan is made from the tenant's own template when it has one; not from another tenant's.
	w := f.procurement()
	f.award(&w)
	_, _, err = f.svc.EnsurePlan(lctx, lead, w.l.ID, newUUID())
	if e, ok := apperr.As(err); !ok || e.Fields["template_id"] == "" {
		t.Fatalf("a plan from an unknown template: %v", err)
	}
	p, _, err := f.svc.EnsurePlan(lctx, lead, w.l.ID, "")
	lotstest.OK(t, err)
	v := f.view(leadEmail, p.ID)
	if p.TemplateID != own.ID || v.TemplateName != "Medway urgent care" || len(v.Milestones) != 3*(n+1) {
		t.Fatalf("the plan is from %s (%s) with %d milestones, want the copy with %d", p.TemplateID, v.TemplateName, len(v.Milestones), 3*(n+1))
	}
	parking := f.milestone(p.ID, 2, "sheppey_parking")
	if parking.DueOn != "2019-05-17" || len(parking.DependsOn) != 1 {
		t.Fatalf("the added milestone in the plan: due %s, depends on %v", parking.DueOn, parking.DependsOn)
	}
}
