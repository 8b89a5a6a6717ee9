package mobilisation

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
)

// A plan is made from a contract award (DOMAIN.md step 9): when the lead records the award,
// the award calls EnsurePlan through its AfterContract hook; if that failed, the lead makes it
// explicitly, and making it twice gives the same plan.

// PlanInput asks for the plan of an awarded lot, from a template (the commissioner's newest own
// template, or else the default, when none is named).
type PlanInput struct {
	LotID      string `json:"lot_id" form:"lot_id" validate:"required,uuid" label:"the lot"`
	TemplateID string `json:"template_id" form:"template_id" validate:"omitempty,uuid" label:"the template"`
}

// EnsurePlan makes the mobilisation plan of an awarded lot, or returns the one it has (created
// false): a phase per go-live of the lot (GroupLotPhases; the contract start when the lot has no
// phases), the template's milestones in every phase, the provider's milestones owned by the
// provider's first bid-team user (or nobody yet), the commissioners' by the lead, and the
// reminders before each due day. Only the lead commissioner's procurement lead makes it.
func (s *Service) EnsurePlan(ctx context.Context, a *access.Actor, lotID, templateID string) (Plan, bool, error) {
	if isHealthwatch(a) || !validID(lotID) {
		return Plan{}, false, apperr.NotFoundf("Lot not found")
	}
	if templateID != "" && !validID(templateID) {
		return Plan{}, false, apperr.InvalidFields(map[string]string{"template_id": "Select the default or one of your templates"})
	}
	if _, err := s.defaultTemplate(ctx); err != nil {
		return Plan{}, false, err
	}
	var p Plan
	created := false
	err := s.Store.Tx(ctx, func(tx *Store) error {
		l, err := tx.Lot(ctx, lotID)
		if err != nil {
			return err
		}
		proc, err := tx.Procurement(ctx, l.ProcurementID)
		if apperr.IsKind(err, apperr.NotFound) {
			// the lot of a procurement the organisation takes no part in: asked for a lot, it is not found
			return apperr.NotFoundf("Lot not found")
		}
		if err != nil {
			return err
		}
		if !lots.CanManage(a, proc) || !a.HasRole(access.RoleProcurementLead) {
			return apperr.Forbiddenf("Only the lead commissioner's procurement lead makes the mobilisation plan")
		}
		if existing, err := tx.PlanOfLot(ctx, l.ID); err != nil || existing != nil {
			if existing != nil {
				p = *existing
			}
			return err
		}
		// A contract award is never changed once made: read outside this transaction, it is
		// the one the award committed.
		c, err := s.Contracts.ContractOf(ctx, l.ID)
		if err != nil {
			return err
		}
		if c == nil {
			return apperr.Conflictf("The mobilisation plan is made from the contract award: the contract for lot %d has not been awarded", l.Number)
		}
		tpl, err := s.chooseTemplate(ctx, tx, templateID)
		if err != nil {
			return err
		}
		tms, err := tx.TemplateMilestones(ctx, tpl.ID)
		if err != nil {
			return err
		}
		lotPhases, err := tx.LotPhases(ctx, l.ID)
		if err != nil {
			return err
		}
		drafts := GroupLotPhases(lotPhases)
		if len(drafts) == 0 {
			drafts = []PhaseDraft{{Name: "Service start", GoLive: c.StartDate}}
		}
		now := s.Now()
		p = Plan{ID: newID(), LotID: l.ID, ProcurementID: proc.ID, LeadOrgID: proc.LeadOrgID, ProviderOrgID: c.ProviderOrgID,
			ContractReference: c.ContractReference, TemplateID: tpl.ID, LeadUserID: a.UserID, ReminderOffsets: "14,7,1",
			EscalateAfterDays: 3, CreatedBy: a.UserID, CreatedAt: now}
		if err := tx.CreatePlan(ctx, &p); err != nil {
			return err
		}
		phases := make([]Phase, len(drafts))
		for i, d := range drafts {
			phases[i] = Phase{ID: newID(), PlanID: p.ID, Name: d.Name, GoLive: d.GoLive.UTC(), Position: i, State: Mobilising}
			if err := tx.AddPhase(ctx, &phases[i], d.LotPhaseIDs); err != nil {
				return err
			}
		}
		ms, deps, err := Instantiate(tms, phases)
		if err != nil {
			return err
		}
		providerOwner, err := tx.FirstUserWithRole(ctx, c.ProviderOrgID, access.RoleBidder)
		if err != nil {
			return err
		}
		for i := range ms {
			m := &ms[i]
			m.PlanID, m.Status, m.Position, m.CreatedAt, m.UpdatedAt = p.ID, NotStarted, i, now, now
			if m.OwnerSide == Provider {
				m.OwnerUserID = providerOwner
			} else {
				m.OwnerUserID = a.UserID
			}
			if err := tx.AddMilestone(ctx, m); err != nil {
				return err
			}
		}
		if err := tx.AddDependencies(ctx, deps); err != nil {
			return err
		}
		for _, m := range ms {
			if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
				return err
			}
		}
		created = true
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "plan.created", "mobilisation_plan", p.ID,
			map[string]any{"lot": l.ID, "contract_reference": p.ContractReference, "provider": p.ProviderOrgID,
				"template": tpl.ID, "phases": len(phases), "milestones": len(ms)}))
	})
	if errors.Is(err, errPlanExists) {
		// Made at the same moment by the award's hook and the lead: both get that one.
		existing, err := s.Store.PlanOfLot(ctx, lotID)
		if err != nil || existing == nil {
			return Plan{}, false, err
		}
		return *existing, false, nil
	}
	return p, created, err
}

// PlanOfLot is the lot's plan, or nil while none has been made (the contract is not awarded
// yet, or the award's hook failed and the lead has still to make it). A plan the acting person
// cannot see is nil too, so that the answer tells nobody about another's lots.
func (s *Service) PlanOfLot(ctx context.Context, a *access.Actor, lotID string) (*Plan, error) {
	if isHealthwatch(a) || !validID(lotID) {
		return nil, apperr.NotFoundf("Lot not found")
	}
	p, err := s.Store.PlanOfLot(ctx, lotID)
	if err != nil || p == nil {
		return nil, err
	}
	if _, err := s.Store.Plan(ctx, p.ID, false); apperr.IsKind(err, apperr.NotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return p, nil
}

// chooseTemplate is the template a plan is made from: the one named (the default or the
// tenant's own), or the tenant's newest own template, or the default.
func (s *Service) chooseTemplate(ctx context.Context, tx *Store, id string) (Template, error) {
	if id != "" {
		t, err := tx.Template(ctx, id, false)
		if apperr.IsKind(err, apperr.NotFound) {
			return t, apperr.InvalidFields(map[string]string{"template_id": "Select the default or one of your templates"})
		}
		return t, err
	}
	own, err := tx.LatestOwnTemplate(ctx)
	if err != nil || own != nil {
		if own == nil {
			return Template{}, err
		}
		return *own, err
	}
	return tx.Template(ctx, defaultTemplateID, false)
}

// SettingsInput is how a plan reminds people: the days before a due day (e.g. "14,7,1") and
// after how many days overdue the lead hears of it.
type SettingsInput struct {
	ReminderOffsets   string `json:"reminder_offsets" form:"reminder_offsets" validate:"required,max=60" label:"the days before the due day"`
	EscalateAfterDays int    `json:"escalate_after_days" form:"escalate_after_days" validate:"required,min=1,max=60" label:"the days overdue before escalation"`
}

// UpdateSettings changes a plan's reminder settings (the lead); every open milestone's
// reminders are rescheduled in the same transaction.
func (s *Service) UpdateSettings(ctx context.Context, a *access.Actor, planID string, in SettingsInput) (Plan, error) {
	offsets, err := ParseOffsets(in.ReminderOffsets)
	if err != nil {
		return Plan{}, fieldError("reminder_offsets", err)
	}
	if in.EscalateAfterDays < 1 || in.EscalateAfterDays > 60 {
		return Plan{}, apperr.InvalidFields(map[string]string{"escalate_after_days": "Enter a number of days from 1 to 60"})
	}
	parts := make([]string, len(offsets))
	for i, o := range offsets {
		parts[i] = strconv.Itoa(o)
	}
	var p Plan
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if p, err = s.leadPlan(ctx, tx, a, planID); err != nil {
			return err
		}
		before := map[string]any{"reminder_offsets": p.ReminderOffsets, "escalate_after_days": p.EscalateAfterDays}
		p.ReminderOffsets, p.EscalateAfterDays = strings.Join(parts, ","), in.EscalateAfterDays
		if err := tx.SavePlan(ctx, &p); err != nil {
			return err
		}
		ms, err := tx.Milestones(ctx, p.ID)
		if err != nil {
			return err
		}
		now := s.Now()
		for _, m := range ms {
			if m.AcceptedAt == nil {
				if err := tx.RescheduleReminders(ctx, p, m, now); err != nil {
					return err
				}
			}
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "plan.settings_changed", "mobilisation_plan", p.ID,
			map[string]any{"before": before, "after": map[string]any{"reminder_offsets": p.ReminderOffsets, "escalate_after_days": p.EscalateAfterDays}}))
	})
	return p, err
}

// plan loads a plan the acting person can see; lock holds it for the transaction.
func (s *Service) plan(ctx context.Context, tx *Store, a *access.Actor, planID string, lock bool) (Plan, error) {
	if isHealthwatch(a) || !validID(planID) {
		return Plan{}, apperr.NotFoundf("Plan not found")
	}
	return tx.Plan(ctx, planID, lock)
}

// leadPlan loads a plan, locked, for its lead.
func (s *Service) leadPlan(ctx context.Context, tx *Store, a *access.Actor, planID string) (Plan, error) {
	p, err := s.plan(ctx, tx, a, planID, true)
	if err != nil {
		return p, err
	}
	if !IsLead(a, p) {
		return p, apperr.Forbiddenf("Only the lead commissioner's procurement lead runs the mobilisation plan")
	}
	return p, nil
}

// ruleMessage is what a rule's refusal (an apperr from rules.go) says, for people.
func ruleMessage(err error) string {
	if ae, ok := apperr.As(err); ok {
		return ae.Message
	}
	return err.Error()
}

// fieldError puts a rule's refusal beside a field.
func fieldError(field string, err error) error {
	return apperr.InvalidFields(map[string]string{field: ruleMessage(err)})
}
