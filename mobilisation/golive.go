package mobilisation

import (
	"context"
	"fmt"
	"strings"

	"golive/apperr"
	"golive/jobs"
	"golive/tenants/access"
	"golive/ukclock"
)

// The go/no-go gate of a phase: each commissioner the lot covers signs its readiness decision
// through its governing-body approver (decisions stay with each commissioner, DOMAIN.md); the
// lead declares the phase live only when every critical milestone of it has been accepted as
// done and every one of those decisions is "go" (ReadyToGoLive). Going live is audited and
// the provider and every commissioner's lead are told.

// DecisionInput is an approver's readiness decision on a phase. A go while critical milestones
// of the phase are still open must be acknowledged, with a reason (CheckAcknowledgement).
type DecisionInput struct {
	Decision                Decision `json:"decision" form:"decision" validate:"required,oneof=go no_go" label:"the decision"`
	Reason                  string   `json:"reason" form:"reason" validate:"required,max=2000" label:"the reason"`
	AcknowledgeOpenCritical bool     `json:"acknowledge_open_critical" form:"acknowledge_open_critical"`
	Acknowledgement         string   `json:"acknowledgement" form:"acknowledgement" validate:"max=2000" label:"the reason for signing go with critical milestones open"`
}

// Decide records the acting approver's go/no-go decision on a phase for their own
// commissioner, replacing an earlier one, until the phase is live.
func (s *Service) Decide(ctx context.Context, a *access.Actor, planID, phaseID string, in DecisionInput) (GoLiveDecision, error) {
	in.Reason, in.Acknowledgement = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Acknowledgement)
	f := map[string]string{}
	if in.Decision != Go && in.Decision != NoGo {
		f["decision"] = "Select go or no-go"
	}
	if in.Reason == "" {
		f["reason"] = "Give the reason for the decision"
	}
	if len(f) > 0 {
		return GoLiveDecision{}, apperr.InvalidFields(f)
	}
	var d GoLiveDecision
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, ph, err := s.phaseOf(ctx, tx, a, planID, phaseID)
		if err != nil {
			return err
		}
		parts, err := tx.LotParticipants(ctx, p.LotID)
		if err != nil {
			return err
		}
		if !CanDecide(a, parts) {
			return apperr.Forbiddenf("The go/no-go decision is signed by the governing-body approvers of the commissioners this lot covers, each for their own")
		}
		if ph.State == Live {
			return apperr.Conflictf("%s is already live", ph.Name)
		}
		ms, err := tx.Milestones(ctx, p.ID)
		if err != nil {
			return err
		}
		open := len(OpenCriticalToAcknowledge(in.Decision, ph, ms))
		if f := CheckAcknowledgement(open, in.AcknowledgeOpenCritical, in.Acknowledgement); f != nil {
			return apperr.InvalidFields(f)
		}
		ds, err := tx.Decisions(ctx, p.ID)
		if err != nil {
			return err
		}
		d = GoLiveDecision{PhaseID: ph.ID, OrgID: a.OrgID, Decision: in.Decision, Reason: in.Reason, DecidedBy: a.UserID, DecidedAt: s.Now()}
		summary := map[string]any{"plan": p.ID, "phase": ph.ID, "org": a.OrgID, "decision": string(in.Decision), "reason": in.Reason}
		if open > 0 {
			// An acknowledgement sent with nothing to acknowledge is not recorded: it would
			// say a risk was accepted that was not there.
			d.OpenCritical, d.Acknowledgement = open, in.Acknowledgement
			summary["open_critical"], summary["acknowledgement"] = open, in.Acknowledgement
		}
		for _, old := range ds {
			if old.PhaseID == ph.ID && old.OrgID == a.OrgID {
				prev := map[string]any{"decision": string(old.Decision), "reason": old.Reason, "by": old.DecidedBy}
				if old.OpenCritical > 0 {
					prev["open_critical"], prev["acknowledgement"] = old.OpenCritical, old.Acknowledgement
				}
				summary["previous"] = prev
			}
		}
		if err := tx.SaveDecision(ctx, &d); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "golive.decided", "plan_phase", ph.ID, summary))
	})
	return d, err
}

// phaseOf loads a plan and one of its phases, both locked.
func (s *Service) phaseOf(ctx context.Context, tx *Store, a *access.Actor, planID, phaseID string) (Plan, Phase, error) {
	p, err := s.plan(ctx, tx, a, planID, true)
	if err != nil {
		return p, Phase{}, err
	}
	if !validID(phaseID) {
		return p, Phase{}, apperr.NotFoundf("Phase not found")
	}
	ph, err := tx.Phase(ctx, p.ID, phaseID, true)
	return p, ph, err
}

// readiness is whether a phase may go live and, if not, what is missing, naming commissioners.
func readiness(ph Phase, ms []Milestone, ds []GoLiveDecision, parts []string, orgNames map[string]string) (bool, []string) {
	ok, missing := ReadyToGoLive(ph, ms, ds, parts)
	for i := range missing {
		for _, o := range parts {
			if n := orgNames[o]; n != "" {
				missing[i] = strings.ReplaceAll(missing[i], o, n)
			}
		}
	}
	return ok, missing
}

// GoLive declares a phase live (the lead), only when the gate is passed; otherwise it is
// refused with what is missing.
func (s *Service) GoLive(ctx context.Context, a *access.Actor, planID, phaseID string) (Phase, error) {
	var ph Phase
	var mails []string
	lotID := ""
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, phase, err := s.phaseOf(ctx, tx, a, planID, phaseID)
		if err != nil {
			return err
		}
		ph, lotID = phase, p.LotID
		if !IsLead(a, p) {
			return apperr.Forbiddenf("Only the lead commissioner's procurement lead declares a phase live")
		}
		if ph.State == Live {
			return apperr.Conflictf("%s is already live", ph.Name)
		}
		ms, err := tx.Milestones(ctx, p.ID)
		if err != nil {
			return err
		}
		ds, err := tx.Decisions(ctx, p.ID)
		if err != nil {
			return err
		}
		parts, err := tx.LotParticipants(ctx, p.LotID)
		if err != nil {
			return err
		}
		names, err := tx.OrgNames(ctx, append([]string{p.ProviderOrgID}, parts...))
		if err != nil {
			return err
		}
		if ok, missing := readiness(ph, ms, ds, parts, names); !ok {
			return apperr.Conflictf("%s cannot go live yet: %s", ph.Name, strings.Join(missing, "; "))
		}
		now := s.Now()
		ph.State, ph.LiveAt, ph.LiveBy = Live, &now, a.UserID
		if err := tx.SavePhase(ctx, &ph); err != nil {
			return err
		}
		proc, err := tx.ProcurementOf(ctx, p)
		if err != nil {
			return err
		}
		l, err := tx.Lot(ctx, p.LotID)
		if err != nil {
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%s), lot %d: %s\n\n", proc.Title, proc.Reference, l.Number, l.Title)
		fmt.Fprintf(&b, "%s went live on %s, declared by %s. The service is now provided by %s under contract %s.\n\nReadiness decisions:\n",
			ph.Name, ukclock.DateTime(now), a.Name, names[p.ProviderOrgID], p.ContractReference)
		for _, d := range ds {
			if d.PhaseID == ph.ID {
				fmt.Fprintf(&b, "  %s: %s (%s)\n", names[d.OrgID], d.Decision, d.Reason)
			}
		}
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSuffix(s.BaseURL, "/")+"/mobilisation/plans/"+p.ID)
		to, err := tx.RoleEmails(ctx, []string{p.ProviderOrgID}, access.RoleBidder)
		if err != nil {
			return err
		}
		leads, err := tx.RoleEmails(ctx, uniq(append([]string{p.LeadOrgID}, parts...)), access.RoleProcurementLead)
		if err != nil {
			return err
		}
		for _, email := range uniq(append(to, leads...)) {
			id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: email, Subject: fmt.Sprintf("Live: %s (%s lot %d)", ph.Name, proc.Reference, l.Number), Text: b.String()})
			if err != nil {
				return err
			}
			mails = append(mails, id)
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "phase.live", "plan_phase", ph.ID,
			map[string]any{"plan": p.ID, "phase": ph.Name, "go_live": DayOf(ph.GoLive), "live_on": DayOf(now), "emails": len(mails)}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
		if s.OnLive != nil {
			s.OnLive(ctx, lotID)
		}
	}
	return ph, err
}
