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
	lots, err := s.Store.Lots(ctx, p.ID)
	if err != nil {
		return v, err
	}
	ids := make([]string, len(lots))
	for i, l := range lots {
		ids[i] = l.ID
	}
	rec, err := s.Store.Records(ctx, p.ID, ids)
	if err != nil {
		return v, err
	}
	// Every organisation the page names, in one read.
	orgs := slices.Clone(rec.ParticipantOrgs)
	for _, in := range rec.Interests {
		orgs = append(orgs, in.ProviderOrgID)
	}
	for _, ap := range rec.Approvals {
		orgs = append(orgs, ap.OrgID)
	}
	names, err := s.Store.OrgNames(ctx, orgs)
	if err != nil {
		return v, err
	}
	v.Participants = namedParticipants(p.ID, rec.ParticipantOrgs, names)
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
	counts := map[string]int{}
	for _, sub := range rec.Counted {
		counts[sub.LotID]++
	}
	for _, lv := range lotViewsOf(lots, names, rec.Contents) {
		lv.Responses = counts[lv.ID]
		v.Lots = append(v.Lots, lv)
	}
	for _, pt := range v.Participants {
		av := ApprovalView{OrgID: pt.OrgID, OrgName: pt.OrgName}
		for i := range rec.Approvals {
			if rec.Approvals[i].OrgID == pt.OrgID {
				av.Decision = &rec.Approvals[i]
			}
		}
		v.Approvals = append(v.Approvals, av)
		if pt.OrgID == a.OrgID && av.Decision == nil && p.State == AwaitingApproval && a.HasRole(access.RoleApprover) {
			v.MyDecisionDue = true
		}
	}
	past, err := s.succeededApprovals(ctx, v.Approvals, rec.Approvals)
	if err != nil {
		return v, err
	}
	v.Approvals = append(v.Approvals, past...)
	v.Documents = rec.Documents
	for _, in := range rec.Interests {
		v.Interests = append(v.Interests, names[in.ProviderOrgID])
	}
	v.Clarifications, v.Addenda = rec.Clarifications, rec.Addenda
	return v, nil
}

func (s *Service) lotView(ctx context.Context, l Lot, names map[string]string) (LotView, error) {
	vs, err := s.lotViews(ctx, []Lot{l}, names)
	if err != nil {
		return LotView{}, err
	}
	return vs[0], nil
}

// lotViews makes the views of many lots from one load of their contents: a constant number of
// statements whatever the number of lots (issue 17).
func (s *Service) lotViews(ctx context.Context, ls []Lot, names map[string]string) ([]LotView, error) {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	contents, err := s.Store.Contents(ctx, ids)
	if err != nil {
		return nil, err
	}
	return lotViewsOf(ls, names, contents), nil
}

// lotViewsOf makes the views of lots from their contents.
func lotViewsOf(ls []Lot, names map[string]string, contents map[string]*LotContents) []LotView {
	out := make([]LotView, 0, len(ls))
	for _, l := range ls {
		lv := LotView{Lot: l}
		for _, o := range l.Participants {
			lv.ParticipantNames = append(lv.ParticipantNames, names[o])
		}
		slices.Sort(lv.ParticipantNames)
		c := contents[l.ID]
		lv.Sites, lv.Phases, lv.Sections, lv.Questions = c.Sites, c.Phases, c.Sections, c.Questions
		if len(lv.Questions) > 0 {
			lv.WeightProblem = CheckWeights(lv.Questions)
		}
		out = append(out, lv)
	}
	return out
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
	if err := s.markAwarded(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// markAwarded says which opened procurements have a contract on every lot, so that a list does
// not call a finished procurement "Opened".
func (s *Service) markAwarded(ctx context.Context, out []ProcurementSummary) error {
	if s.Contracted == nil {
		return nil
	}
	var ids []string
	for _, p := range out {
		if p.State == Opened {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	contracted, err := s.Contracted(ctx, ids)
	if err != nil {
		return fmt.Errorf("contracts of %d procurements: %w", len(ids), err)
	}
	counts, err := s.Store.LotCounts(ctx, ids)
	if err != nil {
		return err
	}
	for i := range out {
		out[i].Awarded = AllAwarded(counts[out[i].ID], len(contracted[out[i].ID]))
	}
	return nil
}

// ProcurementSummary is a line of a list of procurements.
type ProcurementSummary struct {
	ID, Title, Reference string
	State                State
	SubmissionDeadline   time.Time
	Lead                 bool
	Awarded              bool // opened, with a contract awarded on every lot
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
// tenants.TaskSource): the facts of each procurement go through ProcurementTasks or
// OpportunityTasks, pure functions of the same state machine (CheckAction) the actions obey.
func (s *Service) Tasks(ctx context.Context, a *access.Actor) ([]tenants.Task, error) {
	var out []tenants.Task
	if _, ok := database.TenantFrom(ctx); !ok || a == nil {
		return nil, nil
	}
	now := s.Now()
	if a.HasRole(access.RoleBidder) {
		ps, err := s.Store.Opportunities(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			o, err := s.Store.Opening(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			f := OpportunityFacts{P: p, State: EffectiveState(p, o, now)}
			if f.State == Published {
				in, err := s.Store.Interest(ctx, p.ID)
				if err != nil {
					return nil, err
				}
				f.Registered = in != nil
				if f.Registered {
					if f.Submissions, err = s.Store.BidderSubmissions(ctx, p.ID); err != nil {
						return nil, err
					}
					if f.Lots, err = s.Store.Lots(ctx, p.ID); err != nil {
						return nil, err
					}
				}
			}
			out = append(out, OpportunityTasks(f)...)
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
		f := ProcurementFacts{P: p, State: EffectiveState(p, o, now), Opening: o}
		switch f.State {
		case AwaitingApproval:
			if f.Approvals, err = s.Store.Approvals(ctx, p.ID); err != nil {
				return nil, err
			}
			parts, err := s.Store.Participants(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			f.Participants = orgIDs(parts)
		case Published:
			if CanManage(a, p) {
				cs, err := s.Store.Clarifications(ctx, p.ID)
				if err != nil {
					return nil, err
				}
				for _, c := range cs {
					if c.PublishedAt == nil {
						f.Unanswered++
					}
				}
			}
		}
		out = append(out, ProcurementTasks(f, a)...)
	}
	return out, nil
}

// ProcurementFacts is what the commissioner side's dashboard needs of one procurement.
type ProcurementFacts struct {
	P            Procurement
	State        State // EffectiveState
	Opening      *Opening
	Approvals    []Approval // loaded while awaiting approval
	Participants []string   // organisation ids, loaded while awaiting approval
	Unanswered   int        // clarification questions not yet answered (lead only)
}

// ProcurementTasks are the commissioner side's tasks on one procurement: each offered exactly
// when CheckAction allows the action and the actor's roles grant it. The lead finishes the
// draft, publishes once every body approved, answers clarifications; an approver records its
// body's decision on the business case; whoever may open bids (lead or organisation admin of
// the lead commissioner) starts the opening, and a second such person confirms it.
func ProcurementTasks(f ProcurementFacts, a *access.Actor) []tenants.Task {
	p, st := f.P, f.State
	href := "/procurements/" + p.ID
	lead := CanManage(a, p)
	may := func(act Action) bool { return CheckAction(act, st) == nil }
	var out []tenants.Task
	if may(ActDecide) && a.HasRole(access.RoleApprover) && slices.Contains(f.Participants, a.OrgID) &&
		!slices.ContainsFunc(f.Approvals, func(ap Approval) bool { return ap.OrgID == a.OrgID }) {
		out = append(out, tenants.Task{Title: "Record your governing body's decision on the business case for " + p.Title, Href: href + "/decision",
			Detail: "The procurement cannot be published until every participating governing body approves it."})
	}
	if !lead {
		return out
	}
	if a.HasRole(access.RoleProcurementLead) {
		switch {
		case may(ActSubmitForApproval):
			out = append(out, tenants.Task{Title: "Finish " + p.Title + " and send it for approval", Href: href,
				Detail: "Complete the set-up tasks, then send the business case to the governing bodies."})
		case may(ActPublish):
			if ok, _, _ := ApprovalOutcome(f.Participants, f.Approvals); ok {
				out = append(out, tenants.Task{Title: "Publish " + p.Title + ": every governing body has approved", Href: href,
					Detail: "Bidders can respond once it is published."})
			}
		case may(ActClarify) && f.Unanswered > 0:
			d := p.ClarificationDeadline
			out = append(out, tenants.Task{Title: fmt.Sprintf("Answer %d clarification question%s on %s", f.Unanswered, plural(f.Unanswered), p.Title),
				Href: href + "/clarifications", Due: &d, Detail: "Answers are published to every bidder without saying who asked."})
		}
	}
	if !access.Grants(a.Roles, access.PermOpenBids) {
		return out
	}
	switch {
	case may(ActStartOpening):
		out = append(out, tenants.Task{Title: "Open the responses to " + p.Title + ": the deadline has passed", Href: href + "/opening",
			Detail: "Two people open the responses: you start, a colleague confirms."})
	case may(ActConfirmOpening) && f.Opening != nil && f.Opening.StartedBy != a.UserID:
		out = append(out, tenants.Task{Title: "Confirm the opening of " + p.Title + " as the second person", Href: href + "/opening",
			Detail: "The opening was started " + londonString(f.Opening.StartedAt) + "; nobody reads a response until it is confirmed."})
	}
	return out
}

// OpportunityFacts is what a bidder's dashboard needs of one opportunity.
type OpportunityFacts struct {
	P           Procurement
	State       State
	Registered  bool
	Lots        []Lot        // loaded when registered and open
	Submissions []Submission // the bidder's own, every version, loaded when registered and open
}

// OpportunityTasks are a bidder's tasks on one opportunity while it takes responses: respond
// (once per opportunity until something is submitted), and re-confirm each lot's response that
// an addendum put back in question, by the deadline.
func OpportunityTasks(f OpportunityFacts) []tenants.Task {
	if CheckAction(ActSubmitResponse, f.State) != nil {
		return nil
	}
	d := f.P.SubmissionDeadline
	href := "/opportunities/" + f.P.ID
	var out []tenants.Task
	latest := map[string]Submission{}
	for _, sub := range f.Submissions {
		if l, ok := latest[sub.LotID]; !ok || sub.Version >= l.Version {
			latest[sub.LotID] = sub
		}
	}
	submitted := false
	for _, l := range f.Lots {
		sub, ok := latest[l.ID]
		if !ok {
			continue
		}
		switch {
		case sub.State == SubSubmitted && sub.NeedsReconfirm:
			out = append(out, tenants.Task{Title: fmt.Sprintf("Re-confirm your response to lot %d of %s after the addendum", l.Number, f.P.Title),
				Href: href + "/lots/" + l.ID + "/response", Due: &d,
				Detail: "An addendum changed the procurement: your response does not count until you submit it again. Responses close " + londonString(d) + "."})
			submitted = true
		case sub.State == SubSubmitted:
			submitted = true
		}
	}
	if !submitted {
		out = append([]tenants.Task{{Title: "Respond to " + f.P.Title, Href: href, Detail: "Responses close " + londonString(d), Due: &d}}, out...)
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
