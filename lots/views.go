package lots

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/tenants"
	"golive/tenants/access"
)

// LotView is a lot with everything it holds.
type LotView struct {
	Lot
	ParticipantNames []string
	Sites            []Site
	Phases           []Phase
	Sections         []Section
	Questions        []Question
	WeightProblem    string // "" when the weights add up to 100 %
	Responses        int    // submitted responses that count (a number, never content)
}

// ApprovalView is a participating commissioner and its decision, if any.
type ApprovalView struct {
	OrgID, OrgName string
	Decision       *Approval
}

// ProcurementView is what the commissioner side sees of a procurement.
type ProcurementView struct {
	Procurement
	Effective      State
	ShowValue      bool // false: the estimated value is zeroed and must not be shown
	CanManage      bool
	Participants   []Participant
	Lots           []LotView
	Approvals      []ApprovalView
	Documents      []Document
	Interests      []string // registered providers' names
	Clarifications []Clarification
	Addenda        []Addendum
	Opening        *Opening
	ResponsesOpen  bool // the deadline has passed and the opening is confirmed
	MyDecisionDue  bool // the actor is an approver whose body has not decided
}

// Procurement is the commissioner view of one procurement the actor's organisation takes part in.
func (s *Service) Procurement(ctx context.Context, a *access.Actor, id string) (ProcurementView, error) {
	if !validID(id) {
		return ProcurementView{}, apperr.NotFoundf("Procurement not found")
	}
	p, err := s.Store.Procurement(ctx, id)
	if err != nil {
		return ProcurementView{}, err
	}
	v := ProcurementView{Procurement: p, CanManage: CanManage(a, p)}
	if v.Participants, err = s.Store.Participants(ctx, p.ID); err != nil {
		return v, err
	}
	v.ShowValue = CanSeeValue(a, v.Participants, s.Authz.Can(a.UserID, a.OrgID, access.PermProcValue))
	if !v.ShowValue {
		v.EstimatedValuePence = 0
	}
	v.WrappedKey = nil
	if v.Opening, err = s.Store.Opening(ctx, p.ID); err != nil {
		return v, err
	}
	v.Effective = EffectiveState(p, v.Opening, s.Now())
	v.ResponsesOpen = CanReadResponses(p, v.Opening)
	names := map[string]string{}
	for _, pt := range v.Participants {
		names[pt.OrgID] = pt.OrgName
	}
	counts, err := s.Store.SubmissionCounts(ctx, p.ID)
	if err != nil {
		return v, err
	}
	lots, err := s.Store.Lots(ctx, p.ID)
	if err != nil {
		return v, err
	}
	for _, l := range lots {
		lv, err := s.lotView(ctx, l, names)
		if err != nil {
			return v, err
		}
		lv.Responses = counts[l.ID]
		v.Lots = append(v.Lots, lv)
	}
	approvals, err := s.Store.Approvals(ctx, p.ID)
	if err != nil {
		return v, err
	}
	for _, pt := range v.Participants {
		av := ApprovalView{OrgID: pt.OrgID, OrgName: pt.OrgName}
		for i := range approvals {
			if approvals[i].OrgID == pt.OrgID {
				av.Decision = &approvals[i]
			}
		}
		v.Approvals = append(v.Approvals, av)
		if pt.OrgID == a.OrgID && av.Decision == nil && p.State == AwaitingApproval && a.HasRole(access.RoleApprover) {
			v.MyDecisionDue = true
		}
	}
	past, err := s.succeededApprovals(ctx, v.Approvals, approvals)
	if err != nil {
		return v, err
	}
	v.Approvals = append(v.Approvals, past...)
	if v.Documents, err = s.Store.Documents(ctx, p.ID); err != nil {
		return v, err
	}
	interests, orgNames, err := s.Store.Interests(ctx, p.ID)
	if err != nil {
		return v, err
	}
	for _, in := range interests {
		v.Interests = append(v.Interests, orgNames[in.ProviderOrgID])
	}
	if v.Clarifications, err = s.Store.Clarifications(ctx, p.ID); err != nil {
		return v, err
	}
	v.Addenda, err = s.Store.Addenda(ctx, p.ID)
	return v, err
}

func (s *Service) lotView(ctx context.Context, l Lot, names map[string]string) (LotView, error) {
	lv := LotView{Lot: l}
	for _, o := range l.Participants {
		lv.ParticipantNames = append(lv.ParticipantNames, names[o])
	}
	slices.Sort(lv.ParticipantNames)
	var err error
	if lv.Sites, err = s.Store.Sites(ctx, l.ID); err != nil {
		return lv, err
	}
	if lv.Phases, err = s.Store.Phases(ctx, l.ID); err != nil {
		return lv, err
	}
	if lv.Sections, err = s.Store.Sections(ctx, l.ID); err != nil {
		return lv, err
	}
	if lv.Questions, err = s.Store.Questions(ctx, l.ID); err != nil {
		return lv, err
	}
	if len(lv.Questions) > 0 {
		lv.WeightProblem = CheckWeights(lv.Questions)
	}
	return lv, nil
}

// Procurements lists those the actor's organisation takes part in.
func (s *Service) Procurements(ctx context.Context, a *access.Actor) ([]ProcurementSummary, error) {
	ps, err := s.Store.Procurements(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ProcurementSummary, 0, len(ps))
	for _, p := range ps {
		o, err := s.Store.Opening(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, ProcurementSummary{ID: p.ID, Title: p.Title, Reference: p.Reference, State: EffectiveState(p, o, s.Now()),
			SubmissionDeadline: p.SubmissionDeadline, Lead: p.LeadOrgID == a.OrgID})
	}
	return out, nil
}

// ProcurementSummary is a line of a list of procurements.
type ProcurementSummary struct {
	ID, Title, Reference string
	State                State
	SubmissionDeadline   time.Time
	Lead                 bool
}

// ResponseView is one opened response, quality envelope only.
type ResponseView struct {
	SubmissionID string
	Bidder       string
	Partners     string
	Version      int
	SubmittedAt  *time.Time
	SHA256       string
	Answers      map[string]string // question id → answer
	Attachments  []Attachment      // sealed content not loaded; download through OpenedAttachment
}

// Responses are the opened responses to a lot. Until the deadline has passed and two people
// have opened them, nobody — lead and platform admin included — reads any content.
func (s *Service) Responses(ctx context.Context, a *access.Actor, procurementID, lotID string) ([]ResponseView, error) {
	if !validID(procurementID) || !validID(lotID) {
		return nil, apperr.NotFoundf("Lot not found")
	}
	p, err := s.Store.Procurement(ctx, procurementID)
	if err != nil {
		return nil, err
	}
	o, err := s.Store.Opening(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if !CanReadResponses(p, o) {
		return nil, apperr.Forbiddenf("Responses are sealed until the submission deadline has passed and two people have opened them")
	}
	subs, err := s.Store.Counted(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, sub := range subs {
		ids = append(ids, sub.BidderOrgID)
	}
	names, err := s.Store.OrgNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []ResponseView
	for _, sub := range subs {
		if sub.LotID != lotID {
			continue
		}
		c, err := s.unseal(p, sub, false) // the price envelope stays closed until moderation
		if err != nil {
			return nil, err
		}
		rv := ResponseView{SubmissionID: sub.ID, Bidder: names[sub.BidderOrgID], Partners: sub.Partners, Version: sub.Version,
			SubmittedAt: sub.SubmittedAt, SHA256: sub.ContentSHA256, Answers: map[string]string{}}
		for _, an := range c.Answers {
			rv.Answers[an.QuestionID] = an.Text
		}
		if rv.Attachments, err = s.Store.Attachments(ctx, sub.ID); err != nil {
			return nil, err
		}
		out = append(out, rv)
	}
	return out, nil
}

// --- the bidder's view ---

// BidLot is a lot as a bidder sees it, with their own latest response.
type BidLot struct {
	LotView
	Latest      *Submission
	Content     *Content // the bidder's own latest content, unsealed for them alone
	Receipt     *Receipt
	Counting    bool         // a submitted version counts (not withdrawn, not awaiting re-confirmation)
	Attachments []Attachment // the files of the bidder's latest version
}

// OpportunityView is a procurement as a provider sees it: never the value, never who asked.
type OpportunityView struct {
	ID, Title, Reference, Description, Procedure string
	Regime                                       Regime
	TermYears, ExtensionYears                    int
	ClarificationDeadline, SubmissionDeadline    time.Time
	ContractStart                                time.Time
	Effective                                    State
	LeadName                                     string
	Registered                                   bool
	Lots                                         []BidLot
	Documents                                    []Document
	Clarifications                               []BidderClarification
	Addenda                                      []Addendum
}

// BidderClarification is a clarification without its asker; Mine marks the bidder's own.
type BidderClarification struct {
	Number           int
	Question, Answer string
	AskedAt          time.Time
	PublishedAt      *time.Time
	Mine             bool
}

// Opportunities lists published procurements for providers.
func (s *Service) Opportunities(ctx context.Context) ([]ProcurementSummary, error) {
	ps, err := s.Store.Opportunities(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ProcurementSummary, 0, len(ps))
	for _, p := range ps {
		o, err := s.Store.Opening(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, ProcurementSummary{ID: p.ID, Title: p.Title, Reference: p.Reference, State: EffectiveState(p, o, s.Now()), SubmissionDeadline: p.SubmissionDeadline})
	}
	return out, nil
}

// Opportunity is one published procurement for the acting provider.
func (s *Service) Opportunity(ctx context.Context, a *access.Actor, id string) (OpportunityView, error) {
	if !validID(id) {
		return OpportunityView{}, apperr.NotFoundf("Opportunity not found")
	}
	p, err := s.Store.Opportunity(ctx, id)
	if err != nil {
		return OpportunityView{}, err
	}
	o, err := s.Store.Opening(ctx, p.ID)
	if err != nil {
		return OpportunityView{}, err
	}
	v := OpportunityView{ID: p.ID, Title: p.Title, Reference: p.Reference, Description: p.Description, Procedure: p.Procedure,
		Regime: p.Regime, TermYears: p.TermYears, ExtensionYears: p.ExtensionYears, ClarificationDeadline: p.ClarificationDeadline,
		SubmissionDeadline: p.SubmissionDeadline, ContractStart: p.ContractStart, Effective: EffectiveState(p, o, s.Now())}
	names, err := s.Store.OrgNames(ctx, []string{p.LeadOrgID})
	if err != nil {
		return v, err
	}
	v.LeadName = names[p.LeadOrgID]
	in, err := s.Store.Interest(ctx, p.ID)
	if err != nil {
		return v, err
	}
	v.Registered = in != nil
	parts, err := s.Store.Participants(ctx, p.ID)
	if err != nil {
		return v, err
	}
	pnames := map[string]string{}
	for _, pt := range parts {
		pnames[pt.OrgID] = pt.OrgName
	}
	lots, err := s.Store.Lots(ctx, p.ID)
	if err != nil {
		return v, err
	}
	for _, l := range lots {
		lv, err := s.lotView(ctx, l, pnames)
		if err != nil {
			return v, err
		}
		bl := BidLot{LotView: lv}
		if v.Registered {
			if err := s.ownResponse(ctx, p, &bl); err != nil {
				return v, err
			}
		}
		v.Lots = append(v.Lots, bl)
	}
	if v.Documents, err = s.Store.Documents(ctx, p.ID); err != nil {
		return v, err
	}
	cs, err := s.Store.BidderClarifications(ctx, p.ID)
	if err != nil {
		return v, err
	}
	for _, c := range cs {
		bc := BidderClarification{Number: c.Number, Question: c.Question, AskedAt: c.AskedAt, PublishedAt: c.PublishedAt, Mine: c.AskerOrgID == a.OrgID}
		if c.PublishedAt != nil {
			bc.Answer = c.Answer
		}
		v.Clarifications = append(v.Clarifications, bc)
	}
	v.Addenda, err = s.Store.Addenda(ctx, p.ID)
	return v, err
}

// ownResponse fills the bidder's own latest response: the bidder always reads its own.
func (s *Service) ownResponse(ctx context.Context, p Procurement, bl *BidLot) error {
	all, err := s.Store.BidderSubmissions(ctx, p.ID)
	if err != nil {
		return err
	}
	var mine []Submission
	for _, sub := range all {
		if sub.LotID == bl.ID {
			mine = append(mine, sub)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	latest := mine[len(mine)-1]
	bl.Latest = &latest
	bl.Counting = len(LastCounted(mine)) == 1
	if latest.State != SubWithdrawn {
		c, err := s.unseal(p, latest, true)
		if err != nil {
			return err
		}
		bl.Content = &c
		if bl.Attachments, err = s.Store.Attachments(ctx, latest.ID); err != nil {
			return err
		}
	}
	for i := len(mine) - 1; i >= 0; i-- {
		if mine[i].State == SubSubmitted && mine[i].SubmittedAt != nil {
			bl.Receipt = &Receipt{SubmissionID: mine[i].ID, Lot: bl.Number, Version: mine[i].Version, SubmittedAt: *mine[i].SubmittedAt, SHA256: mine[i].ContentSHA256}
			break
		}
	}
	return nil
}

// --- dashboard ---

// Tasks lists what the actor must do next in procurements, for the dashboard (a
// tenants.TaskSource).
func (s *Service) Tasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	var out []tenants.Task
	if _, ok := database.TenantFrom(ctx); !ok {
		return nil, nil
	}
	if a.HasRole(access.RoleBidder) {
		ops, err := s.Opportunities(ctx)
		if err != nil {
			return nil, err
		}
		for _, op := range ops {
			if op.State != Published {
				continue
			}
			d := op.SubmissionDeadline
			out = append(out, tenants.Task{Title: "Respond to " + op.Title, Href: "/opportunities/" + op.ID,
				Detail: "Responses close " + londonString(d), Due: &d})
		}
		return out, nil
	}
	if !a.HasRole(access.RoleProcurementLead) && !a.HasRole(access.RoleApprover) && !a.HasRole(access.RoleTenantAdmin) {
		return nil, nil
	}
	ps, err := s.Store.Procurements(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		o, err := s.Store.Opening(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		st := EffectiveState(p, o, s.Now())
		href := "/procurements/" + p.ID
		lead := p.LeadOrgID == a.OrgID
		switch {
		case st == AwaitingApproval && a.HasRole(access.RoleApprover):
			approvals, err := s.Store.Approvals(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			if !slices.ContainsFunc(approvals, func(ap Approval) bool { return ap.OrgID == a.OrgID }) {
				out = append(out, tenants.Task{Title: "Record your governing body's decision on " + p.Title, Href: href})
			}
		case st == Draft && lead && a.HasRole(access.RoleProcurementLead):
			out = append(out, tenants.Task{Title: "Finish " + p.Title + " and send it for approval", Href: href})
		case st == AwaitingApproval && lead && a.HasRole(access.RoleProcurementLead):
			approvals, _ := s.Store.Approvals(ctx, p.ID)
			parts, _ := s.Store.Participants(ctx, p.ID)
			if ok, _, _ := ApprovalOutcome(orgIDs(parts), approvals); ok {
				out = append(out, tenants.Task{Title: "Publish " + p.Title + ": every governing body has approved", Href: href})
			}
		case st == Published && lead && a.HasRole(access.RoleProcurementLead):
			cs, err := s.Store.Clarifications(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			n := 0
			for _, c := range cs {
				if c.PublishedAt == nil {
					n++
				}
			}
			if n > 0 {
				out = append(out, tenants.Task{Title: fmt.Sprintf("Answer %d clarification question%s on %s", n, plural(n), p.Title), Href: href + "/clarifications"})
			}
		case st == Closed && lead:
			out = append(out, tenants.Task{Title: "Open the responses to " + p.Title + ": the deadline has passed", Href: href + "/opening"})
		case st == OpeningStarted && lead && o != nil && o.StartedBy != a.UserID:
			out = append(out, tenants.Task{Title: "Confirm the opening of " + p.Title + " as the second person", Href: href + "/opening"})
		}
	}
	return out, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
