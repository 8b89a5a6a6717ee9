package lots

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"golive/apperr"
	"golive/audit"
	"golive/jobs"
	"golive/tenants/access"
)

// Authorizer is casbin's answer, for the field-level rule on the estimated value.
type Authorizer interface {
	Can(userID, orgID string, p access.Permission) bool
}

// MailQueue enqueues outbox messages after commit.
type MailQueue interface {
	EnqueueMail(ctx context.Context, id string) error
}

// Service is the procurement lifecycle up to opening.
type Service struct {
	Store   *Store
	Authz   Authorizer
	Mail    MailQueue
	Secret  []byte
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
	// OldSecret (GOLIVE_OLD_SECRET_KEY) still unwraps procurement keys during a key rotation.
	OldSecret []byte
	// OnPublished, when set, is called after a publication commits: cmd/golive publishes the
	// tender notice with it, so that lots need not import notices. It cannot undo the
	// publication; a failure is its own to log.
	OnPublished func(ctx context.Context, procurementID string)
	// Contracted, when set, names the lots of a procurement with a contract awarded: such a
	// procurement can no longer be cancelled, and lists call it "Awarded".
	Contracted ContractedLots
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func validID(id string) bool { _, err := uuid.Parse(id); return err == nil }

func (s *Service) entry(a *access.Actor, tenant, action, objType, objID string, summary map[string]any) audit.Entry {
	return audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: tenant, Action: action,
		ObjectType: objType, ObjectID: objID, Summary: summary}
}

// sealedEntry is entry for what a bidder does on a procurement: the event goes into the lead
// commissioner's trail, sealed until the bids are opened (audit.Unseal in ConfirmOpening), so
// that neither the commissioners nor the platform operator learn before then who is bidding,
// when they saved or submitted, or what they attached. The bidder's organisation reads it.
func (s *Service) sealedEntry(a *access.Actor, p Procurement, action, objType, objID string, summary map[string]any) audit.Entry {
	e := s.entry(a, p.LeadOrgID, action, objType, objID, summary)
	e.SealedUnder = p.ID
	return e
}

// mailSeal is what a mail to a bidder about p is sealed under: p until its bids are opened
// (jobs.Unseal in ConfirmOpening), nothing after.
func mailSeal(ctx context.Context, tx *Store, p Procurement) (string, error) {
	o, err := tx.Opening(ctx, p.ID)
	if err != nil {
		return "", err
	}
	if o != nil && o.ConfirmedAt != nil {
		return "", nil
	}
	return p.ID, nil
}

func (s *Service) enqueue(ctx context.Context, ids []string) {
	for _, id := range ids {
		if err := s.Mail.EnqueueMail(ctx, id); err != nil {
			s.Log.Warn("enqueue mail; the sweep will send it", "mail", id, "err", err)
		}
	}
}

// --- procurements ---

// ProcurementInput creates or edits a procurement in draft.
type ProcurementInput struct {
	Title                 string    `json:"title" form:"title" validate:"required,max=200" label:"a title"`
	Reference             string    `json:"reference" form:"reference" validate:"required,max=60" label:"a reference"`
	Regime                Regime    `json:"regime" form:"regime" validate:"required,oneof=pcr2015 psr2024 pa2023" label:"the regime"`
	Procedure             string    `json:"procedure" form:"procedure" validate:"required,max=80" label:"the procedure"`
	Description           string    `json:"description" form:"description" validate:"max=4000" label:"the description"`
	TermYears             int       `json:"term_years" form:"term_years" validate:"required,min=1,max=15" label:"the term in years"`
	ExtensionYears        int       `json:"extension_years" form:"extension_years" validate:"min=0,max=10" label:"the extension in years"`
	EstimatedValuePence   int64     `json:"estimated_value_pence" form:"-" validate:"min=0" label:"the estimated value"`
	PublishValue          bool      `json:"publish_value" form:"publish_value" label:"whether to publish the value"`
	Participants          []string  `json:"participants" form:"participants" validate:"required,min=1,max=50,dive,uuid" label:"participating commissioners"`
	ClarificationDeadline time.Time `json:"clarification_deadline" form:"-" validate:"required" label:"the clarification deadline"`
	SubmissionDeadline    time.Time `json:"submission_deadline" form:"-" validate:"required" label:"the submission deadline"`
	EvaluationStart       time.Time `json:"evaluation_start" form:"-" validate:"required" label:"the evaluation start"`
	AwardDate             time.Time `json:"award_date" form:"-" validate:"required" label:"the award date"`
	ContractStart         time.Time `json:"contract_start" form:"-" validate:"required" label:"the contract start"`
}

func (in ProcurementInput) apply(p *Procurement) {
	p.Title, p.Reference, p.Regime, p.Procedure = strings.TrimSpace(in.Title), strings.TrimSpace(in.Reference), in.Regime, in.Procedure
	p.Description, p.TermYears, p.ExtensionYears, p.EstimatedValuePence = in.Description, in.TermYears, in.ExtensionYears, in.EstimatedValuePence
	p.PublishValue = in.PublishValue
	p.ClarificationDeadline, p.SubmissionDeadline = in.ClarificationDeadline.UTC(), in.SubmissionDeadline.UTC()
	p.EvaluationStart, p.AwardDate, p.ContractStart = in.EvaluationStart.UTC(), in.AwardDate.UTC(), in.ContractStart.UTC()
}

func (s *Service) checkParticipants(ctx context.Context, lead string, orgs []string) error {
	if !slices.Contains(orgs, lead) {
		return apperr.InvalidFields(map[string]string{"participants": "The lead commissioner must take part in its own procurement"})
	}
	all, err := s.Store.Commissioners(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, c := range all {
		known[c.OrgID] = true
	}
	for _, o := range orgs {
		if !known[o] {
			return apperr.InvalidFields(map[string]string{"participants": "Participants must be commissioners"})
		}
	}
	return nil
}

// CreateProcurement starts a draft led by the actor's commissioner.
func (s *Service) CreateProcurement(ctx context.Context, a *access.Actor, in ProcurementInput) (Procurement, error) {
	in.Participants = dedupe(in.Participants)
	if err := s.checkParticipants(ctx, a.OrgID, in.Participants); err != nil {
		return Procurement{}, err
	}
	now := s.Now()
	if f := CheckRegime(in.Regime, now); len(f) > 0 {
		return Procurement{}, apperr.InvalidFields(f)
	}
	p := Procurement{ID: newID(), LeadOrgID: a.OrgID, State: Draft, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	in.apply(&p)
	if f := CheckTimetable(p, now, false); len(f) > 0 {
		return Procurement{}, apperr.InvalidFields(f)
	}
	key, err := NewKey()
	if err != nil {
		return Procurement{}, err
	}
	ring, err := s.keyring()
	if err != nil {
		return Procurement{}, err
	}
	if p.WrappedKey, p.KeyID, err = ring.Wrap(key, p.ID); err != nil {
		return Procurement{}, fmt.Errorf("wrap key of %s: %w", p.ID, err)
	}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.CreateProcurement(ctx, &p, in.Participants); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "procurement.created", "procurement", p.ID,
			map[string]any{"title": p.Title, "reference": p.Reference, "participants": in.Participants}))
	})
	if err != nil {
		return Procurement{}, fmt.Errorf("create procurement %s: %w", in.Reference, err)
	}
	return p, nil
}

// lead loads a procurement the actor's organisation leads, locked, checking the action.
func (s *Service) lead(ctx context.Context, tx *Store, a *access.Actor, id string, act Action) (Procurement, error) {
	if !validID(id) {
		return Procurement{}, apperr.NotFoundf("Procurement not found")
	}
	p, err := tx.ProcurementForUpdate(ctx, id)
	if err != nil {
		return p, err
	}
	if !CanManage(a, p) {
		return p, apperr.Forbiddenf("Only the lead commissioner's procurement lead can do this")
	}
	if act == "" {
		return p, nil
	}
	o, err := tx.Opening(ctx, p.ID)
	if err != nil {
		return p, err
	}
	return p, CheckAction(act, EffectiveState(p, o, s.Now()))
}

// UpdateProcurement edits a draft.
func (s *Service) UpdateProcurement(ctx context.Context, a *access.Actor, id string, in ProcurementInput) (Procurement, error) {
	in.Participants = dedupe(in.Participants)
	var p Procurement
	err := s.Store.Tx(ctx, func(tx *Store) error {
		var err error
		if p, err = s.lead(ctx, tx, a, id, ActEdit); err != nil {
			return err
		}
		if err := s.checkParticipants(ctx, p.LeadOrgID, in.Participants); err != nil {
			return err
		}
		if in.Regime != p.Regime {
			if f := CheckRegime(in.Regime, s.Now()); len(f) > 0 {
				return apperr.InvalidFields(f)
			}
		}
		in.apply(&p)
		if f := CheckTimetable(p, s.Now(), false); len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		p.UpdatedAt = s.Now()
		if err := tx.SaveProcurement(ctx, &p); err != nil {
			return err
		}
		if err := tx.SetParticipants(ctx, p.ID, in.Participants); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "procurement.updated", "procurement", p.ID,
			map[string]any{"title": p.Title, "participants": in.Participants}))
	})
	return p, err
}

// --- lots and their parts ---

// LotInput adds or edits a lot.
type LotInput struct {
	Number       int      `json:"number" form:"number" validate:"required,min=1,max=99" label:"the lot number"`
	Title        string   `json:"title" form:"title" validate:"required,max=200" label:"a title"`
	ServiceTypes []string `json:"service_types" form:"service_types" validate:"required,min=1,dive,oneof=nhs111 cas utc gp_ooh home_visits mobile_unit telephony" label:"the services"`
	Description  string   `json:"description" form:"description" validate:"max=4000" label:"the description"`
	Participants []string `json:"participants" form:"participants" validate:"required,min=1,dive,uuid" label:"the commissioners it covers"`
}

// AddLot adds a lot to a draft.
func (s *Service) AddLot(ctx context.Context, a *access.Actor, procurementID string, in LotInput) (Lot, error) {
	var l Lot
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, procurementID, ActEdit)
		if err != nil {
			return err
		}
		parts, err := tx.Participants(ctx, p.ID)
		if err != nil {
			return err
		}
		in.Participants = dedupe(in.Participants)
		if msg := CheckLotParticipants(orgIDs(parts), in.Participants); msg != "" {
			return apperr.InvalidFields(map[string]string{"participants": msg})
		}
		l = Lot{ID: newID(), ProcurementID: p.ID, Number: in.Number, Title: strings.TrimSpace(in.Title),
			ServiceTypes: strings.Join(in.ServiceTypes, ","), Description: in.Description, Participants: in.Participants}
		if err := tx.SaveLot(ctx, &l); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "lot.added", "lot", l.ID,
			map[string]any{"procurement": p.ID, "number": l.Number, "title": l.Title, "participants": l.Participants}))
	})
	return l, err
}

// lotOf loads a lot of a procurement the actor leads, for a change.
func (s *Service) lotOf(ctx context.Context, tx *Store, a *access.Actor, lotID string) (Procurement, Lot, error) {
	if !validID(lotID) {
		return Procurement{}, Lot{}, apperr.NotFoundf("Lot not found")
	}
	l, err := tx.Lot(ctx, lotID)
	if err != nil {
		return Procurement{}, l, err
	}
	p, err := s.lead(ctx, tx, a, l.ProcurementID, ActEdit)
	if apperr.IsKind(err, apperr.NotFound) {
		return p, l, apperr.NotFoundf("Lot not found")
	}
	return p, l, err
}

// SiteInput adds a site to a lot.
type SiteInput struct {
	Name    string `json:"name" form:"name" validate:"required,max=200" label:"the site name"`
	OrgID   string `json:"org_id" form:"org_id" validate:"required,uuid" label:"the commissioner"`
	Address string `json:"address" form:"address" validate:"max=400" label:"the address"`
}

// AddSite adds a site served for one of the lot's commissioners.
func (s *Service) AddSite(ctx context.Context, a *access.Actor, lotID string, in SiteInput) (Site, error) {
	var site Site
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.lotOf(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		if !slices.Contains(l.Participants, in.OrgID) {
			return apperr.InvalidFields(map[string]string{"org_id": "The site must be in the area of a commissioner the lot covers"})
		}
		site = Site{ID: newID(), LotID: l.ID, OrgID: in.OrgID, Name: strings.TrimSpace(in.Name), Address: in.Address}
		if err := tx.Add(ctx, "site", &site); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "site.added", "site", site.ID, map[string]any{"lot": l.ID, "name": site.Name}))
	})
	return site, err
}

// PhaseInput adds a go-live phase to a lot.
type PhaseInput struct {
	Name    string    `json:"name" form:"name" validate:"required,max=200" label:"the phase name"`
	Service string    `json:"service" form:"service" validate:"required,oneof=nhs111 cas utc gp_ooh home_visits mobile_unit" label:"the service"`
	SiteID  string    `json:"site_id" form:"site_id" validate:"omitempty,uuid" label:"the site"`
	GoLive  time.Time `json:"go_live" form:"-" validate:"required" label:"the go-live date"`
}

// AddPhase adds a go-live phase.
func (s *Service) AddPhase(ctx context.Context, a *access.Actor, lotID string, in PhaseInput) (Phase, error) {
	var ph Phase
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.lotOf(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		if !slices.Contains(strings.Split(l.ServiceTypes, ","), in.Service) {
			return apperr.InvalidFields(map[string]string{"service": "The lot does not include that service"})
		}
		if in.SiteID != "" {
			sites, err := tx.Sites(ctx, l.ID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(sites, func(s Site) bool { return s.ID == in.SiteID }) {
				return apperr.InvalidFields(map[string]string{"site_id": "Select one of the lot's sites"})
			}
		}
		if in.GoLive.Before(p.ContractStart) {
			return apperr.InvalidFields(map[string]string{"go_live": "A phase cannot go live before the contract starts"})
		}
		ph = Phase{ID: newID(), LotID: l.ID, Name: strings.TrimSpace(in.Name), Service: in.Service, SiteID: in.SiteID, GoLive: in.GoLive.UTC()}
		if err := tx.Add(ctx, "phase", &ph); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "phase.added", "phase", ph.ID, map[string]any{"lot": l.ID, "name": ph.Name, "go_live": ph.GoLive}))
	})
	return ph, err
}

// QuestionInput adds a question to a lot's questionnaire, in a section named by title.
type QuestionInput struct {
	Section   string       `json:"section" form:"section" validate:"required,max=200" label:"the section"`
	Number    string       `json:"number" form:"number" validate:"required,max=10" label:"the question number"`
	Text      string       `json:"text" form:"text" validate:"required,max=4000" label:"the question"`
	Guidance  string       `json:"guidance" form:"guidance" validate:"max=4000" label:"the guidance"`
	Kind      QuestionKind `json:"kind" form:"kind" validate:"required,oneof=scored pass_fail price" label:"the kind of question"`
	WeightBP  int          `json:"weight_bp" form:"-" validate:"min=0,max=10000" label:"the weight"`
	MaxScore  int          `json:"max_score" form:"max_score" validate:"min=0,max=10" label:"the top score"`
	MinScore  int          `json:"min_score" form:"min_score" validate:"min=0,max=10" label:"the minimum acceptable score"`
	WordLimit int          `json:"word_limit" form:"word_limit" validate:"min=0,max=5000" label:"the word limit"`
	Panel     Panel        `json:"panel" form:"panel" validate:"required,oneof=clinical patient finance" label:"the panel"`
}

// AddQuestion adds a question; weights are checked as a whole when the lot goes for approval.
func (s *Service) AddQuestion(ctx context.Context, a *access.Actor, lotID string, in QuestionInput) (Question, error) {
	var q Question
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.lotOf(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		q = Question{ID: newID(), LotID: l.ID, Number: in.Number, Text: strings.TrimSpace(in.Text), Guidance: in.Guidance,
			Kind: in.Kind, WeightBP: in.WeightBP, MaxScore: in.MaxScore, MinScore: in.MinScore, WordLimit: in.WordLimit, Panel: in.Panel}
		if f := CheckQuestion(q); len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		sections, err := tx.Sections(ctx, l.ID)
		if err != nil {
			return err
		}
		idx := slices.IndexFunc(sections, func(s Section) bool { return strings.EqualFold(s.Title, strings.TrimSpace(in.Section)) })
		if idx < 0 {
			sec := Section{ID: newID(), LotID: l.ID, Position: len(sections) + 1, Title: strings.TrimSpace(in.Section)}
			if err := tx.Add(ctx, "section", &sec); err != nil {
				return err
			}
			q.SectionID = sec.ID
		} else {
			q.SectionID = sections[idx].ID
		}
		qs, err := tx.Questions(ctx, l.ID)
		if err != nil {
			return err
		}
		q.Position = len(qs) + 1
		if err := tx.Add(ctx, "question", &q); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "question.added", "question", q.ID,
			map[string]any{"lot": l.ID, "number": q.Number, "kind": string(q.Kind), "weight_bp": q.WeightBP}))
	})
	return q, err
}

// ApplyTemplate replaces a lot's questionnaire with a template's.
func (s *Service) ApplyTemplate(ctx context.Context, a *access.Actor, lotID, key string) error {
	t, ok := TemplateByKey(key)
	if !ok {
		return apperr.InvalidFields(map[string]string{"template": "Select one of the templates"})
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.lotOf(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		if err := tx.DeleteQuestionnaire(ctx, l.ID); err != nil {
			return fmt.Errorf("clear questionnaire of %s: %w", l.ID, err)
		}
		pos := 0
		for i, ts := range t.Sections {
			sec := Section{ID: newID(), LotID: l.ID, Position: i + 1, Title: ts.Title}
			if err := tx.Add(ctx, "section", &sec); err != nil {
				return err
			}
			for _, tq := range ts.Questions {
				pos++
				q := Question{ID: newID(), LotID: l.ID, SectionID: sec.ID, Position: pos, Number: tq.Number, Text: tq.Text,
					Guidance: tq.Guidance, Kind: tq.Kind, WeightBP: tq.WeightBP, MaxScore: tq.MaxScore, MinScore: tq.MinScore,
					WordLimit: tq.WordLimit, Panel: tq.Panel}
				if err := tx.Add(ctx, "question", &q); err != nil {
					return err
				}
			}
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "questionnaire.template_applied", "lot", l.ID, map[string]any{"template": key}))
	})
}

// --- approval and publication ---

// SubmitForApproval sends the business case to every participating governing body, once the
// procurement is complete: lots, questionnaires weighted to 100 %, a sound timetable.
func (s *Service) SubmitForApproval(ctx context.Context, a *access.Actor, id string) error {
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, id, ActSubmitForApproval)
		if err != nil {
			return err
		}
		if err := s.complete(ctx, tx, p); err != nil {
			return err
		}
		p.State, p.UpdatedAt = AwaitingApproval, s.Now()
		if err := tx.SaveProcurement(ctx, &p); err != nil {
			return err
		}
		if err := tx.ClearApprovals(ctx, p.ID); err != nil {
			return err
		}
		parts, err := tx.Participants(ctx, p.ID)
		if err != nil {
			return err
		}
		emails, err := tx.RoleEmails(ctx, orgIDs(parts), access.RoleApprover)
		if err != nil {
			return err
		}
		for _, e := range emails {
			id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: e, Subject: "Business case for your decision: " + p.Title,
				Text: fmt.Sprintf("The business case for %s (%s) is ready for your governing body's decision.\n\nRecord the decision at %s/procurements/%s\n", p.Title, p.Reference, s.BaseURL, p.ID)})
			if err != nil {
				return err
			}
			mails = append(mails, id)
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "procurement.submitted_for_approval", "procurement", p.ID, nil))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return err
}

// complete checks what a procurement needs before approval, as messages a lead can act on.
func (s *Service) complete(ctx context.Context, tx *Store, p Procurement) error {
	problems := map[string]string{}
	if f := CheckTimetable(p, s.Now(), true); len(f) > 0 {
		for k, v := range f {
			problems[k] = v
		}
	}
	lots, err := tx.Lots(ctx, p.ID)
	if err != nil {
		return err
	}
	if len(lots) == 0 {
		problems["_lots"] = "Add at least one lot"
	}
	for _, l := range lots {
		qs, err := tx.Questions(ctx, l.ID)
		if err != nil {
			return err
		}
		if len(qs) == 0 {
			problems["_lot"+l.ID] = fmt.Sprintf("Lot %d has no questions", l.Number)
		} else if msg := CheckWeights(qs); msg != "" {
			problems["_lot"+l.ID] = fmt.Sprintf("Lot %d: %s", l.Number, msg)
		}
	}
	if len(problems) > 0 {
		return &apperr.Error{Kind: apperr.Invalid, Message: "The procurement is not ready for approval", Fields: problems}
	}
	return nil
}

// ReturnToDraft lets the lead revise a rejected business case (or withdraw one awaiting
// decisions); recorded decisions are cleared when it is submitted again.
func (s *Service) ReturnToDraft(ctx context.Context, a *access.Actor, id string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, id, ActReturnToDraft)
		if err != nil {
			return err
		}
		p.State, p.UpdatedAt = Draft, s.Now()
		if err := tx.SaveProcurement(ctx, &p); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "procurement.returned_to_draft", "procurement", p.ID, nil))
	})
}

// DecisionInput is a governing body's decision on the business case.
type DecisionInput struct {
	Decision    string    `json:"decision" form:"decision" validate:"required,oneof=approve reject" label:"the decision"`
	MeetingDate time.Time `json:"meeting_date" form:"-" validate:"required" label:"the meeting date"`
	MinuteRef   string    `json:"minute_ref" form:"minute_ref" validate:"required,max=80" label:"the minute reference"`
	Part2       bool      `json:"part2" form:"part2" label:"whether it was taken in private"`
	Reason      string    `json:"reason" form:"reason" validate:"required_if=Decision reject,max=2000" label:"the reason"`
}

// Decide records the actor's governing body's decision; each approver decides only for their
// own commissioner, once.
func (s *Service) Decide(ctx context.Context, a *access.Actor, id string, in DecisionInput) error {
	if !validID(id) {
		return apperr.NotFoundf("Procurement not found")
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, err := tx.ProcurementForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := CheckAction(ActDecide, p.State); err != nil {
			return err
		}
		if in.MeetingDate.After(s.Now()) {
			return apperr.InvalidFields(map[string]string{"meeting_date": "The meeting date cannot be in the future"})
		}
		existing, err := tx.Approvals(ctx, p.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(existing, func(ap Approval) bool { return ap.OrgID == a.OrgID }) {
			return apperr.Conflictf("Your governing body's decision is already recorded")
		}
		ap := Approval{ProcurementID: p.ID, OrgID: a.OrgID, Decision: in.Decision, MeetingDate: in.MeetingDate.UTC(),
			MinuteRef: strings.TrimSpace(in.MinuteRef), Part2: in.Part2, Reason: in.Reason, DecidedBy: a.UserID, DecidedAt: s.Now()}
		if err := tx.Add(ctx, "decision", &ap); err != nil {
			return err
		}
		parts, err := tx.Participants(ctx, p.ID)
		if err != nil {
			return err
		}
		_, rejected, _ := ApprovalOutcome(orgIDs(parts), append(existing, ap))
		if len(rejected) > 0 {
			p.State, p.UpdatedAt = Rejected, s.Now()
			if err := tx.SaveProcurement(ctx, &p); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, s.entry(a, a.OrgID, "business_case."+in.Decision+"d", "procurement", p.ID,
			map[string]any{"meeting_date": ap.MeetingDate, "minute_ref": ap.MinuteRef, "part2": ap.Part2}))
	})
}

// PublishInput is what publishing takes: the lead's confirmation of a tender period shorter
// than MinTenderDays (CheckTenderPeriod).
type PublishInput struct {
	ConfirmShortTenderPeriod bool `json:"confirm_short_tender_period" form:"confirm_short_tender_period"`
}

// Publish opens the procurement to providers, once every governing body has approved; after
// commit its tender notice is published (OnPublished).
func (s *Service) Publish(ctx context.Context, a *access.Actor, id string, in PublishInput) error {
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, id, ActPublish)
		if err != nil {
			return err
		}
		parts, err := tx.Participants(ctx, p.ID)
		if err != nil {
			return err
		}
		approvals, err := tx.Approvals(ctx, p.ID)
		if err != nil {
			return err
		}
		ok, _, pending := ApprovalOutcome(orgIDs(parts), approvals)
		if !ok {
			names, _ := tx.OrgNames(ctx, pending)
			var list []string
			for _, id := range pending {
				list = append(list, names[id])
			}
			return apperr.Conflictf("Every participating governing body must approve first; still to decide: %s", strings.Join(list, ", "))
		}
		if f := CheckTimetable(p, s.Now(), true); len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		if f := CheckTenderPeriod(s.Now(), p.SubmissionDeadline, in.ConfirmShortTenderPeriod); len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		now := s.Now()
		p.State, p.PublishedAt, p.UpdatedAt = Published, &now, now
		if err := tx.SaveProcurement(ctx, &p); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "procurement.published", "procurement", p.ID, nil))
	})
	if err == nil && s.OnPublished != nil {
		s.OnPublished(ctx, id)
	}
	return err
}

// Cancel stops a procurement before award, with a reason.
func (s *Service) Cancel(ctx context.Context, a *access.Actor, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 2000 {
		return apperr.InvalidFields(map[string]string{"reason": "Enter the reason for cancelling (2,000 characters or fewer)"})
	}
	if err := s.refuseIfContracted(ctx, id); err != nil {
		return err
	}
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, err := s.lead(ctx, tx, a, id, ActCancel)
		if err != nil {
			return err
		}
		wasPublic := p.PublishedAt != nil
		p.State, p.UpdatedAt = Cancelled, s.Now()
		if err := tx.SaveProcurement(ctx, &p); err != nil {
			return err
		}
		if wasPublic {
			if mails, err = s.notifyBidders(ctx, tx, p, "Procurement cancelled: "+p.Title,
				fmt.Sprintf("The commissioners have cancelled %s (%s).\n\nReason: %s\n", p.Title, p.Reference, reason)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "procurement.cancelled", "procurement", p.ID, map[string]any{"reason": reason}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return err
}

// refuseIfContracted refuses to cancel a procurement on which a contract stands. It asks before
// the cancelling transaction: awarding a contract takes the lead and a completed standstill,
// which a concurrent cancel cannot race in any way that matters.
func (s *Service) refuseIfContracted(ctx context.Context, id string) error {
	if s.Contracted == nil || !validID(id) {
		return nil
	}
	m, err := s.Contracted(ctx, []string{id})
	if err != nil {
		return fmt.Errorf("contracts of procurement %s: %w", id, err)
	}
	if n := len(m[id]); n > 0 {
		return apperr.Conflictf("A contract has been awarded on %d lot%s of this procurement: it can no longer be cancelled", n, plural(n))
	}
	return nil
}

// notifyBidders queues one mail to every bidder user of every registered provider.
func (s *Service) notifyBidders(ctx context.Context, tx *Store, p Procurement, subject, text string) ([]string, error) {
	interests, _, err := tx.Interests(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var orgs []string
	for _, i := range interests {
		orgs = append(orgs, i.ProviderOrgID)
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	emails, err := tx.RoleEmails(ctx, orgs, access.RoleBidder)
	if err != nil {
		return nil, err
	}
	// The recipients are the bidders: the outbox would list them.
	seal, err := mailSeal(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range emails {
		id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: e, Subject: subject, SealedUnder: seal,
			Text: text + fmt.Sprintf("\nSee the opportunity at %s/opportunities/%s\n", s.BaseURL, p.ID)})
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func orgIDs(ps []Participant) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.OrgID
	}
	return out
}

func dedupe(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}
