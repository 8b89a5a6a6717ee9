package evaluation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
)

// Service is a lot's quality evaluation (DOMAIN.md steps 6 and 7, up to the consensus): the
// lead forms the panel; each evaluator declares interests, then scores their questions alone;
// the lead moderates each question once its evaluators have submitted. Price is never part of
// it: no method here reads a price envelope, a contract value or a total.
type Service struct {
	Store *Store
	Lots  *lots.Service // opens the quality envelope of responses
	Now   func() time.Time
	// Awards answers what evaluation asks of the award (awards.go); cmd/golive wires the award.
	Awards Awards
}

func validID(id string) bool { _, err := uuid.Parse(id); return err == nil }

func (s *Service) entry(a *access.Actor, tenant, action, objType, objID string, summary map[string]any) audit.Entry {
	return audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: tenant, Action: action,
		ObjectType: objType, ObjectID: objID, Summary: summary}
}

// opened refuses anything before the responses have been opened by two people after the deadline.
func (s *Service) opened(ctx context.Context, tx *Store, p lots.Procurement) error {
	o, err := tx.Opening(ctx, p.ID)
	if err != nil {
		return err
	}
	if lots.EffectiveState(p, o, s.Now()) != lots.Opened || !lots.CanReadResponses(p, o) {
		return apperr.Conflictf("The evaluation starts once the responses have been opened")
	}
	return nil
}

// leadLot loads a lot for its procurement's lead, after opening; lock holds the procurement
// row so that panel and moderation changes do not interleave.
func (s *Service) leadLot(ctx context.Context, tx *Store, a *access.Actor, lotID string, lock bool) (lots.Procurement, lots.Lot, error) {
	if !validID(lotID) {
		return lots.Procurement{}, lots.Lot{}, apperr.NotFoundf("Lot not found")
	}
	l, p, err := lotAndProcurement(ctx, tx, lotID, lock)
	if apperr.IsKind(err, apperr.NotFound) {
		return p, l, apperr.NotFoundf("Lot not found")
	}
	if err != nil {
		return p, l, err
	}
	if !CanLead(a, p) {
		return p, l, apperr.Forbiddenf("Only the lead commissioner's procurement lead can do this")
	}
	return p, l, s.opened(ctx, tx, p)
}

// lotAndProcurement loads a lot and its procurement, when the acting organisation takes part
// in it (else a not found error); lock holds the procurement row. Without the lock, one
// statement reads both and the opening (none when the route's scope check, Visible, has).
func lotAndProcurement(ctx context.Context, tx *Store, lotID string, lock bool) (lots.Lot, lots.Procurement, error) {
	if !lock {
		return tx.LotWithProcurement(ctx, lotID)
	}
	l, err := tx.Lot(ctx, lotID)
	if err != nil {
		return l, lots.Procurement{}, err
	}
	p, err := tx.Procurement(ctx, l.ProcurementID, true)
	return l, p, err
}

// panelLot loads a lot for the acting evaluator: only a member of its panel, in their own
// organisation, finds it.
func (s *Service) panelLot(ctx context.Context, tx *Store, a *access.Actor, lotID string, lock bool) (PanelMember, lots.Procurement, lots.Lot, error) {
	if !validID(lotID) {
		return PanelMember{}, lots.Procurement{}, lots.Lot{}, apperr.NotFoundf("Lot not found")
	}
	m, err := tx.Member(ctx, lotID, a.UserID, lock)
	if err != nil {
		return m, lots.Procurement{}, lots.Lot{}, err
	}
	p, err := tx.PanelProcurement(ctx, m)
	if err != nil {
		return m, p, lots.Lot{}, err
	}
	l, err := tx.Lot(ctx, lotID)
	if err != nil {
		return m, p, l, err
	}
	return m, p, l, s.opened(ctx, tx, p)
}

func bidderIDs(bids []lots.Submission) []string {
	out := make([]string, len(bids))
	for i, b := range bids {
		out[i] = b.BidderOrgID
	}
	return out
}

func questionByID(qs []lots.Question, id string) (lots.Question, bool) {
	i := slices.IndexFunc(qs, func(q lots.Question) bool { return q.ID == id })
	if i < 0 {
		return lots.Question{}, false
	}
	return qs[i], true
}

func assignedTo(as []Assignment, userID, questionID string) bool {
	return slices.ContainsFunc(as, func(x Assignment) bool { return x.UserID == userID && x.QuestionID == questionID })
}

func moderated(ms []Moderation, questionID string) bool {
	return slices.ContainsFunc(ms, func(m Moderation) bool { return m.QuestionID == questionID })
}

// --- the panel (the lead) ---

// EvaluatorInput puts a person on a lot's panel with the questions they score.
type EvaluatorInput struct {
	UserID    string   `json:"user_id" form:"user_id" validate:"required,uuid" label:"the evaluator"`
	Questions []string `json:"questions" form:"questions" validate:"required,min=1,dive,uuid" label:"the questions they score"`
}

// checkQuestions resolves the questions given to an evaluator and applies the panel rules.
func (s *Service) checkQuestions(ctx context.Context, tx *Store, l lots.Lot, ids []string, healthwatch bool) ([]lots.Question, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil, apperr.InvalidFields(map[string]string{"questions": "Select at least one question for the evaluator to score"})
	}
	qs, err := tx.Questions(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	mods, err := tx.Moderations(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	var out []lots.Question
	for _, id := range ids {
		q, ok := questionByID(qs, id)
		if !ok {
			return nil, apperr.InvalidFields(map[string]string{"questions": "Select questions of this lot"})
		}
		if msg := CheckAssignment(q, healthwatch); msg != "" {
			return nil, apperr.InvalidFields(map[string]string{"questions": msg})
		}
		if moderated(mods, q.ID) {
			return nil, apperr.Conflictf("Moderation of question %s has started: its evaluators are fixed", q.Number)
		}
		out = append(out, q)
	}
	return out, nil
}

func numbers(qs []lots.Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Number
	}
	return out
}

func ids(qs []lots.Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.ID
	}
	return out
}

// panelPlace says whether a person may sit on a lot's panel, and whether as a Healthwatch
// evaluator (who scores only the patient panel's questions); msg says why not. The same rule
// chooses whom the lead is offered and whom AddEvaluator accepts.
func panelPlace(c tenants.Person, participates bool) (healthwatch bool, msg string) {
	switch c.OrgKind {
	case access.Commissioner:
		if !participates || !c.Holds(access.RoleEvaluator) {
			return false, c.Name + " is not an evaluator of a commissioner taking part in this procurement"
		}
		return false, ""
	case access.Healthwatch:
		if !c.Holds(access.RoleHealthwatch) {
			return true, c.Name + " does not hold the Healthwatch evaluator role"
		}
		return true, ""
	}
	return false, "Evaluators come from the participating commissioners or from Healthwatch"
}

// AddEvaluator puts an evaluator on a lot's panel: a user with the evaluator role at a
// participating commissioner, or with the Healthwatch evaluator role at a Healthwatch, who
// scores only the patient panel's questions.
func (s *Service) AddEvaluator(ctx context.Context, a *access.Actor, lotID string, in EvaluatorInput) (PanelMember, error) {
	var m PanelMember
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		if !validID(in.UserID) {
			return apperr.InvalidFields(map[string]string{"user_id": "Select the evaluator"})
		}
		c, err := tx.Candidate(ctx, in.UserID)
		if apperr.IsKind(err, apperr.NotFound) || (err == nil && !c.Active) {
			return apperr.InvalidFields(map[string]string{"user_id": "Select an active user as the evaluator"})
		}
		if err != nil {
			return err
		}
		participates := false
		if c.OrgKind == access.Commissioner {
			if participates, err = tx.Participates(ctx, p.ID, c.OrgID); err != nil {
				return err
			}
		}
		healthwatch, msg := panelPlace(c, participates)
		if msg != "" {
			return apperr.InvalidFields(map[string]string{"user_id": msg})
		}
		qs, err := s.checkQuestions(ctx, tx, l, in.Questions, healthwatch)
		if err != nil {
			return err
		}
		m = PanelMember{LotID: l.ID, UserID: c.ID, ProcurementID: p.ID, OrgID: c.OrgID, Healthwatch: healthwatch, AddedBy: a.UserID, AddedAt: s.Now()}
		if err := tx.AddMember(ctx, &m); err != nil {
			return err
		}
		if err := tx.SetAssignments(ctx, l.ID, m.UserID, ids(qs)); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "panel.evaluator_added", "lot", l.ID,
			map[string]any{"evaluator": m.UserID, "org": m.OrgID, "healthwatch": healthwatch, "questions": numbers(qs)}))
	})
	return m, err
}

// AssignQuestions replaces the questions an evaluator scores, until they submit.
func (s *Service) AssignQuestions(ctx context.Context, a *access.Actor, lotID, userID string, questionIDs []string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		if !validID(userID) {
			return apperr.NotFoundf("Evaluator not found")
		}
		m, err := tx.PanelMember(ctx, l.ID, userID, true)
		if err != nil {
			return err
		}
		if m.SubmittedAt != nil {
			return apperr.Conflictf("The evaluator has submitted their scores: their questions are fixed")
		}
		qs, err := s.checkQuestions(ctx, tx, l, questionIDs, m.Healthwatch)
		if err != nil {
			return err
		}
		if err := tx.SetAssignments(ctx, l.ID, m.UserID, ids(qs)); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "panel.questions_assigned", "lot", l.ID,
			map[string]any{"evaluator": m.UserID, "questions": numbers(qs)}))
	})
}

// Bidder is a bidder of the lot.
type Bidder struct{ OrgID, Name string }

// MemberView is an evaluator as the lead sees them: never their scores.
type MemberView struct {
	UserID, Name, OrgName string
	Healthwatch           bool
	Questions             []string // numbers of the questions they score
	QuestionIDs           []string // and their ids
	Declared              bool     // about every bidder
	Conflicts             []string // names of the bidders they declared a conflict with
	SubmittedAt           *time.Time
}

// QuestionStatus is where moderation of a quality question is.
type QuestionStatus struct {
	Question          lots.Question
	Evaluators        int
	Awaiting          []string // names of the evaluators it waits for
	ModerationStarted bool
	Consensus         int // bidders with a consensus mark
}

// PanelView is the lead's view of a lot's panel: who scores what, who has declared and
// submitted, and where moderation is; no individual score.
type PanelView struct {
	Lot                lots.Lot
	Bidders            []Bidder
	Members            []MemberView
	Questions          []QuestionStatus
	QualityModeratedAt *time.Time // quality moderation complete: the price envelope may be opened
	PricesOpened       bool       // and they have been
}

// Panel is the lead's view of a lot's panel.
func (s *Service) Panel(ctx context.Context, a *access.Actor, lotID string) (PanelView, error) {
	var v PanelView
	p, l, err := s.leadLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return v, err
	}
	v.Lot = l
	st, err := s.lotState(ctx, s.Store, p, l)
	if err != nil {
		return v, err
	}
	v.Bidders = st.bidders
	users := make([]string, len(st.members))
	for i, m := range st.members {
		users[i] = m.UserID
	}
	unames, err := s.Store.UserNames(ctx, users)
	if err != nil {
		return v, err
	}
	var orgs []string
	for _, m := range st.members {
		orgs = append(orgs, m.OrgID)
	}
	onames, err := s.Store.OrgNames(ctx, orgs)
	if err != nil {
		return v, err
	}
	for _, m := range st.members {
		mv := MemberView{UserID: m.UserID, Name: unames[m.UserID], OrgName: onames[m.OrgID], Healthwatch: m.Healthwatch,
			Declared: Declared(m.UserID, st.bidderIDs, st.decls), SubmittedAt: m.SubmittedAt}
		for _, q := range st.qs {
			if assignedTo(st.assigned, m.UserID, q.ID) {
				mv.Questions = append(mv.Questions, q.Number)
				mv.QuestionIDs = append(mv.QuestionIDs, q.ID)
			}
		}
		for _, b := range st.bidders {
			if ConflictedWith(m.UserID, b.OrgID, st.decls) {
				mv.Conflicts = append(mv.Conflicts, b.Name)
			}
		}
		v.Members = append(v.Members, mv)
	}
	for _, q := range QualityQuestions(st.qs) {
		qv := QuestionStatus{Question: q, ModerationStarted: moderated(st.mods, q.ID)}
		for _, as := range st.assigned {
			if as.QuestionID == q.ID {
				qv.Evaluators++
			}
		}
		for _, u := range Awaited(q.ID, st.members, st.assigned, st.bidderIDs, st.decls) {
			qv.Awaiting = append(qv.Awaiting, unames[u])
		}
		for _, c := range st.cons {
			if c.QuestionID == q.ID {
				qv.Consensus++
			}
		}
		v.Questions = append(v.Questions, qv)
	}
	v.QualityModeratedAt = st.eval.QualityModeratedAt
	o, err := s.Store.PriceOpening(ctx, l.ID)
	if err != nil {
		return v, err
	}
	v.PricesOpened = o != nil
	return v, nil
}

// lotState is everything about a lot's evaluation, loaded once.
type lotState struct {
	qs        []lots.Question
	bids      []lots.Submission
	bidders   []Bidder
	bidderIDs []string
	members   []PanelMember
	assigned  []Assignment
	decls     []Declaration
	mods      []Moderation
	cons      []Consensus
	marks     consensusText // the consensus marks as the ranking reads them (resultsState only)
	eval      LotEvaluation
}

func (s *Service) lotState(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (lotState, error) {
	var st lotState
	var err error
	if st.qs, err = tx.Questions(ctx, l.ID); err != nil {
		return st, err
	}
	if err = st.loadBids(ctx, tx, p, l); err != nil {
		return st, err
	}
	if st.members, err = tx.Members(ctx, l.ID); err != nil {
		return st, err
	}
	if st.assigned, err = tx.Assignments(ctx, l.ID); err != nil {
		return st, err
	}
	if st.decls, err = tx.Declarations(ctx, l.ID); err != nil {
		return st, err
	}
	if st.mods, err = tx.Moderations(ctx, l.ID); err != nil {
		return st, err
	}
	if st.cons, err = tx.Consensus(ctx, l.ID); err != nil {
		return st, err
	}
	st.eval, err = tx.LotEvaluation(ctx, l)
	return st, err
}

// loadBids fills in the lot's counted bids and their bidders' names: the part of the state
// every read of a lot needs.
func (st *lotState) loadBids(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) error {
	var err error
	if st.bids, err = tx.Bids(ctx, p.ID, l.ID); err != nil {
		return err
	}
	st.bidderIDs = bidderIDs(st.bids)
	names, err := tx.OrgNames(ctx, st.bidderIDs)
	if err != nil {
		return err
	}
	st.nameBidders(names)
	return nil
}

// nameBidders fills in the bidders of the bids read, with their organisations' names.
func (st *lotState) nameBidders(names map[string]string) {
	st.bidders = slices.Grow(st.bidders, len(st.bidderIDs))
	for _, b := range st.bidderIDs {
		st.bidders = append(st.bidders, Bidder{OrgID: b, Name: names[b]})
	}
}

func (st lotState) bidderName(id string) string {
	for _, b := range st.bidders {
		if b.OrgID == id {
			return b.Name
		}
	}
	return ""
}

// --- declarations of interest (the evaluator) ---

// DeclarationInput declares, about one bidder, no interest or a conflict with its reason.
type DeclarationInput struct {
	BidderOrgID string   `json:"bidder_org_id" form:"bidder_org_id" validate:"required,uuid" label:"the bidder"`
	Decision    Interest `json:"decision" form:"decision" validate:"required,oneof=none conflict" label:"your declaration"`
	Reason      string   `json:"reason" form:"reason" validate:"max=2000" label:"the reason"`
}

// Declare records the acting evaluator's declaration about a bidder, before they read any
// response. A conflict stands once declared; no interest may later become a conflict until the
// evaluator submits, which drops their marks for that bidder.
func (s *Service) Declare(ctx context.Context, a *access.Actor, lotID string, in DeclarationInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	switch in.Decision {
	case NoInterest:
	case Conflicted:
		if len([]rune(in.Reason)) < MinReason {
			return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Say what the conflict of interest is, in at least %d characters", MinReason)})
		}
	default:
		return apperr.InvalidFields(map[string]string{"decision": "Declare no interest or a conflict of interest"})
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		m, p, l, err := s.panelLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		bids, err := tx.Bids(ctx, p.ID, l.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(bidderIDs(bids), in.BidderOrgID) {
			return apperr.NotFoundf("Bidder not found")
		}
		decls, err := tx.Declarations(ctx, l.ID)
		if err != nil {
			return err
		}
		dropped := int64(0)
		if prev, ok := declarationOf(decls, m.UserID, in.BidderOrgID); ok {
			switch {
			case prev.Decision == Conflicted:
				return apperr.Conflictf("Your declared conflict of interest stands; ask the procurement lead if it was made in error")
			case in.Decision == NoInterest:
				return apperr.Conflictf("You have already declared no interest in this bidder")
			case m.SubmittedAt != nil:
				return apperr.Conflictf("You have submitted your scores; ask the procurement lead to record the conflict of interest")
			}
			if dropped, err = tx.DeleteScoresFor(ctx, l.ID, m.UserID, in.BidderOrgID); err != nil {
				return err
			}
		}
		d := Declaration{LotID: l.ID, UserID: m.UserID, BidderOrgID: in.BidderOrgID, Decision: in.Decision, Reason: in.Reason, DeclaredAt: s.Now()}
		if err := tx.SaveDeclaration(ctx, &d); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "interest.declared", "lot", l.ID,
			map[string]any{"evaluator": m.UserID, "bidder": d.BidderOrgID, "decision": string(d.Decision), "reason": d.Reason, "marks_dropped": dropped}))
	})
}

// --- independent scoring (the evaluator) ---

// BidderStatus is a bidder as an evaluator sees it, with their declaration.
type BidderStatus struct {
	Bidder
	Declaration *Interest // nil until declared
}

// WorkspaceView is what an evaluator sees of a lot: their questions, the bidders and their
// own declarations and marks. There is no price, contract value or total in it.
type WorkspaceView struct {
	LotID       string
	LotNumber   int
	LotTitle    string
	Questions   []lots.Question // only those assigned to the evaluator
	Bidders     []BidderStatus
	DeclaredAll bool
	Scores      []IndividualScore // the evaluator's own
	Marks       []MarkCheck       // every mark owed before submitting, given or not (MarksOwed)
	Missing     []string          // what is still to mark before submitting: "1.2 for Estuary Urgent Care CIC"
	SubmittedAt *time.Time
}

// Workspace is the acting evaluator's view of a lot.
func (s *Service) Workspace(ctx context.Context, a *access.Actor, lotID string) (WorkspaceView, error) {
	m, p, l, err := s.panelLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return WorkspaceView{}, err
	}
	st, err := s.lotState(ctx, s.Store, p, l)
	if err != nil {
		return WorkspaceView{}, err
	}
	v := WorkspaceView{LotID: l.ID, LotNumber: l.Number, LotTitle: l.Title, SubmittedAt: m.SubmittedAt,
		DeclaredAll: Declared(m.UserID, st.bidderIDs, st.decls)}
	for _, q := range st.qs {
		if assignedTo(st.assigned, m.UserID, q.ID) {
			v.Questions = append(v.Questions, q)
		}
	}
	for _, b := range st.bidders {
		bs := BidderStatus{Bidder: b}
		if d, ok := declarationOf(st.decls, m.UserID, b.OrgID); ok {
			bs.Declaration = &d.Decision
		}
		v.Bidders = append(v.Bidders, bs)
	}
	if v.Scores, err = s.Store.ScoresOf(ctx, l.ID, m.UserID); err != nil {
		return v, err
	}
	names := map[string]string{}
	for _, b := range st.bidders {
		names[b.OrgID] = b.Name
	}
	v.Marks = MarksOwed(m.UserID, v.Questions, st.bidderIDs, st.decls, v.Scores)
	v.Missing = MissingScores(m.UserID, v.Questions, st.bidderIDs, st.decls, v.Scores, names)
	return v, nil
}

// AnswerView is a bidder's answer to a question an evaluator scores.
type AnswerView struct {
	QuestionID, Number, Question, Answer string
}

// ResponseView is the part of a bidder's response an evaluator may read.
type ResponseView struct {
	Bidder
	Answers []AnswerView
}

// readable loads what an evaluator needs to read or mark a bidder: they must have declared
// about every bidder, and not be conflicted with this one.
func (s *Service) readable(ctx context.Context, tx *Store, m PanelMember, p lots.Procurement, l lots.Lot, bidder string) (lots.Submission, lotState, error) {
	st, err := s.lotState(ctx, tx, p, l)
	if err != nil {
		return lots.Submission{}, st, err
	}
	i := slices.IndexFunc(st.bids, func(b lots.Submission) bool { return b.BidderOrgID == bidder })
	if i < 0 {
		return lots.Submission{}, st, apperr.NotFoundf("Bidder not found")
	}
	if !Declared(m.UserID, st.bidderIDs, st.decls) {
		return lots.Submission{}, st, apperr.Conflictf("Declare your interests for every bidder before reading or scoring any response")
	}
	if ConflictedWith(m.UserID, bidder, st.decls) {
		return lots.Submission{}, st, apperr.Forbiddenf("You declared a conflict of interest with %s: you neither read nor score its response", st.bidderName(bidder))
	}
	sub := st.bids[i]
	if err := tx.Sealed(ctx, &sub); err != nil {
		return lots.Submission{}, st, err
	}
	return sub, st, nil
}

// Response is a bidder's answers to the acting evaluator's questions, and to no other.
func (s *Service) Response(ctx context.Context, a *access.Actor, lotID, bidderOrgID string) (ResponseView, error) {
	m, p, l, err := s.panelLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return ResponseView{}, err
	}
	sub, st, err := s.readable(ctx, s.Store, m, p, l, bidderOrgID)
	if err != nil {
		return ResponseView{}, err
	}
	answers, err := s.Lots.OpenedAnswers(ctx, p, sub)
	if err != nil {
		return ResponseView{}, err
	}
	v := ResponseView{Bidder: Bidder{OrgID: sub.BidderOrgID, Name: st.bidderName(sub.BidderOrgID)}}
	for _, q := range st.qs {
		if assignedTo(st.assigned, m.UserID, q.ID) {
			v.Answers = append(v.Answers, AnswerView{QuestionID: q.ID, Number: q.Number, Question: q.Text, Answer: answers[q.ID]})
		}
	}
	return v, nil
}

// Answer is a bidder's answer to one question, for an evaluator who scores it.
func (s *Service) Answer(ctx context.Context, a *access.Actor, lotID, bidderOrgID, questionID string) (AnswerView, error) {
	m, p, l, err := s.panelLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return AnswerView{}, err
	}
	sub, st, err := s.readable(ctx, s.Store, m, p, l, bidderOrgID)
	if err != nil {
		return AnswerView{}, err
	}
	q, ok := questionByID(st.qs, questionID)
	if !ok {
		return AnswerView{}, apperr.NotFoundf("Question not found")
	}
	if !assignedTo(st.assigned, m.UserID, q.ID) {
		return AnswerView{}, apperr.Forbiddenf("Question %s is not one you score", q.Number)
	}
	answers, err := s.Lots.OpenedAnswers(ctx, p, sub)
	if err != nil {
		return AnswerView{}, err
	}
	return AnswerView{QuestionID: q.ID, Number: q.Number, Question: q.Text, Answer: answers[q.ID]}, nil
}

// ScoreInput is an evaluator's mark of one question for one bidder.
type ScoreInput struct {
	QuestionID  string `json:"question_id" form:"question_id" validate:"required,uuid" label:"the question"`
	BidderOrgID string `json:"bidder_org_id" form:"bidder_org_id" validate:"required,uuid" label:"the bidder"`
	Score       *int   `json:"score" form:"score" label:"the score"`
	Passed      *bool  `json:"passed" form:"passed" label:"pass or fail"`
	Rationale   string `json:"rationale" form:"rationale" validate:"required,max=4000" label:"the rationale"`
}

// digest stands for a mark in the audit trail: it proves later what was recorded without
// showing an individual score to the readers of the trail before moderation.
func digest(score *int, passed *bool, rationale string) string {
	var b strings.Builder
	if score != nil {
		b.WriteString(strconv.Itoa(*score))
	}
	b.WriteString("|")
	if passed != nil {
		b.WriteString(strconv.FormatBool(*passed))
	}
	b.WriteString("|" + rationale)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// RecordScore records or changes the acting evaluator's mark, until they submit.
func (s *Service) RecordScore(ctx context.Context, a *access.Actor, lotID string, in ScoreInput) error {
	in.Rationale = strings.TrimSpace(in.Rationale)
	return s.Store.Tx(ctx, func(tx *Store) error {
		m, p, l, err := s.panelLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		if m.SubmittedAt != nil {
			return apperr.Conflictf("You have submitted your scores: they are locked")
		}
		qs, err := tx.Questions(ctx, l.ID)
		if err != nil {
			return err
		}
		q, ok := questionByID(qs, in.QuestionID)
		if !ok {
			return apperr.NotFoundf("Question not found")
		}
		assigned, err := tx.Assignments(ctx, l.ID)
		if err != nil {
			return err
		}
		if !assignedTo(assigned, m.UserID, q.ID) {
			return apperr.Forbiddenf("Question %s is not one you score", q.Number)
		}
		if _, _, err := s.readable(ctx, tx, m, p, l, in.BidderOrgID); err != nil {
			return err
		}
		f := CheckMark(q, in.Score, in.Passed)
		if msg := CheckRationale(in.Rationale); msg != "" {
			if f == nil {
				f = map[string]string{}
			}
			f["rationale"] = msg
		}
		if len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		sc := IndividualScore{LotID: l.ID, UserID: m.UserID, QuestionID: q.ID, BidderOrgID: in.BidderOrgID,
			Score: in.Score, Passed: in.Passed, Rationale: in.Rationale, RecordedAt: s.Now()}
		if err := tx.SaveScore(ctx, &sc); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "score.recorded", "lot", l.ID,
			map[string]any{"evaluator": m.UserID, "question": q.Number, "bidder": sc.BidderOrgID, "digest": digest(sc.Score, sc.Passed, sc.Rationale)}))
	})
}

// SubmitScores locks the acting evaluator's marks, once every question they score is marked
// for every bidder they are not conflicted with.
func (s *Service) SubmitScores(ctx context.Context, a *access.Actor, lotID string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		m, p, l, err := s.panelLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		if m.SubmittedAt != nil {
			return apperr.Conflictf("You have already submitted your scores")
		}
		st, err := s.lotState(ctx, tx, p, l)
		if err != nil {
			return err
		}
		if !Declared(m.UserID, st.bidderIDs, st.decls) {
			return apperr.Conflictf("Declare your interests for every bidder before submitting")
		}
		var mine []lots.Question
		for _, q := range st.qs {
			if assignedTo(st.assigned, m.UserID, q.ID) {
				mine = append(mine, q)
			}
		}
		scores, err := tx.ScoresOf(ctx, l.ID, m.UserID)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, b := range st.bidders {
			names[b.OrgID] = b.Name
		}
		if missing := MissingScores(m.UserID, mine, st.bidderIDs, st.decls, scores, names); len(missing) > 0 {
			return apperr.Invalidf("Score every question before submitting; still to score: %s", strings.Join(missing, ", "))
		}
		now := s.Now()
		m.SubmittedAt = &now
		if err := tx.SaveMember(ctx, &m); err != nil {
			return err
		}
		var ds []string
		for _, sc := range scores {
			ds = append(ds, digest(sc.Score, sc.Passed, sc.Rationale))
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "scores.submitted", "lot", l.ID,
			map[string]any{"evaluator": m.UserID, "marks": len(scores), "digests": ds}))
	})
}

// Scores are one evaluator's individual marks on a lot. The evaluator reads their own; until
// moderation of a question nobody else does, the lead included: at moderation the lead sees
// the marks of the questions being moderated.
func (s *Service) Scores(ctx context.Context, a *access.Actor, lotID, userID string) ([]IndividualScore, error) {
	if !validID(lotID) || !validID(userID) {
		return nil, apperr.NotFoundf("Lot not found")
	}
	if userID == a.UserID {
		if m, _, l, err := s.panelLot(ctx, s.Store, a, lotID, false); err == nil {
			return s.Store.ScoresOf(ctx, l.ID, m.UserID)
		} else if !apperr.IsKind(err, apperr.NotFound) {
			return nil, err
		}
	}
	_, onPanel := s.Store.Member(ctx, lotID, a.UserID, false)
	_, l, err := s.leadLot(ctx, s.Store, a, lotID, false)
	if apperr.IsKind(err, apperr.NotFound) && onPanel == nil {
		// an evaluator whose organisation does not take part (Healthwatch) asking for another's marks
		return nil, apperr.Forbiddenf("Until moderation, an individual score is seen only by the evaluator who gave it")
	}
	if apperr.IsKind(err, apperr.Forbidden) {
		return nil, apperr.Forbiddenf("Until moderation, an individual score is seen only by the evaluator who gave it")
	}
	if err != nil {
		return nil, err
	}
	m, err := s.Store.PanelMember(ctx, l.ID, userID, false)
	if err != nil {
		return nil, err
	}
	mods, err := s.Store.Moderations(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	all, err := s.Store.ScoresOf(ctx, l.ID, m.UserID)
	if err != nil {
		return nil, err
	}
	var out []IndividualScore
	for _, sc := range all {
		if moderated(mods, sc.QuestionID) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, apperr.Forbiddenf("Individual scores are shown to the lead only at moderation, once every evaluator of a question has submitted")
	}
	return out, nil
}

// --- moderation (the lead) ---

// StartModeration starts moderation of a question once every evaluator it waits for has
// submitted; from then its individual marks are shown side by side and stay as submitted.
func (s *Service) StartModeration(ctx context.Context, a *access.Actor, lotID, questionID string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		st, err := s.lotState(ctx, tx, p, l)
		if err != nil {
			return err
		}
		q, ok := questionByID(st.qs, questionID)
		if !ok || q.Kind == lots.Price {
			return apperr.NotFoundf("Question not found")
		}
		if !slices.ContainsFunc(st.assigned, func(as Assignment) bool { return as.QuestionID == q.ID }) {
			return apperr.Conflictf("Nobody on the panel scores question %s yet", q.Number)
		}
		if waiting := Awaited(q.ID, st.members, st.assigned, st.bidderIDs, st.decls); len(waiting) > 0 {
			names, err := tx.UserNames(ctx, waiting)
			if err != nil {
				return err
			}
			var list []string
			for _, u := range waiting {
				list = append(list, names[u])
			}
			return apperr.Conflictf("Moderation of question %s starts when every evaluator has submitted; still to submit: %s", q.Number, strings.Join(list, ", "))
		}
		mod := Moderation{LotID: l.ID, QuestionID: q.ID, StartedBy: a.UserID, StartedAt: s.Now()}
		if err := tx.AddModeration(ctx, &mod); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "moderation.started", "lot", l.ID, map[string]any{"question": q.Number}))
	})
}

// Mark is one evaluator's mark, shown at moderation.
type Mark struct {
	UserID, Evaluator string
	Score             *int
	Passed            *bool
	Rationale         string
}

// ModeratedBid is one bidder's marks of the question side by side.
type ModeratedBid struct {
	Bidder
	Marks     []Mark
	Spread    int  // highest minus lowest score
	Wide      bool // a wide spread (or a split pass/fail) moderation must discuss
	Consensus *Consensus
}

// ModerationView is the lead's moderation of one quality question: marks only, no price.
type ModerationView struct {
	Question lots.Question
	Bids     []ModeratedBid
}

// queueModerationReads queues Moderation's reads of a question of a lot in b: the question and
// its marks, each kept in the request's memo once read.
func queueModerationReads(ctx context.Context, tx *Store, b *database.Batch, lotID, questionID string) (question func() (lots.Question, error), marks func() (bool, []IndividualScore, []Consensus, error)) {
	return tx.QueueQuestion(ctx, b, lotID, questionID), tx.QueueModerationMarks(ctx, b, lotID, questionID)
}

// ModerationAhead reads ahead of the scope check (Ahead) what Moderation reads first: the
// question, its marks and the lot's bids.
func (s *Service) ModerationAhead(ctx context.Context, b *database.Batch, lotID string, param func(string) string) func(lots.Lot) {
	questionID := param("question")
	if !validID(questionID) {
		return nil
	}
	question, marks := queueModerationReads(ctx, s.Store, b, lotID, questionID)
	bids := s.Store.QueueBidsAhead(ctx, b, lotID, false)
	return func(l lots.Lot) {
		// Into the memo; an error is Moderation's own to meet, reading again.
		_, _ = question()
		_, _, _, _ = marks()
		bids(l.ProcurementID)
	}
}

// Moderation shows the marks of a question under moderation side by side, per bidder. It is
// the lead's hot read (one question of many, reloaded as the panel discusses): it reads that
// question's rows only, not the lot's whole evaluation.
func (s *Service) Moderation(ctx context.Context, a *access.Actor, lotID, questionID string) (ModerationView, error) {
	p, l, err := s.leadLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return ModerationView{}, err
	}
	if !validID(questionID) {
		return ModerationView{}, apperr.NotFoundf("Question not found")
	}
	// The question, its marks and the bids depend only on the lot (let in above) and the
	// question's id: one round trip, none when the route read them ahead (ModerationAhead). A
	// price question's marks are read and not shown (it has none: price is not marked).
	b := s.Store.Batch()
	question, moderation := queueModerationReads(ctx, s.Store, b, l.ID, questionID)
	bids := s.Store.QueueBids(ctx, b, p.ID, l.ID)
	if err := b.Send(ctx); err != nil {
		return ModerationView{}, fmt.Errorf("moderation of question %s of lot %s: %w", questionID, l.ID, err)
	}
	q, err := question()
	if err != nil {
		return ModerationView{}, err
	}
	if q.Kind == lots.Price {
		return ModerationView{}, apperr.NotFoundf("Question not found")
	}
	started, marks, cons, err := moderation()
	if err != nil {
		return ModerationView{}, err
	}
	if !started {
		return ModerationView{}, apperr.Conflictf("Moderation of question %s has not started", q.Number)
	}
	var st lotState
	if st.bids, err = bids(); err != nil {
		return ModerationView{}, err
	}
	st.bidderIDs = bidderIDs(st.bids)
	// The names of those who marked, not of the whole panel: the same names, since a mark's
	// evaluator is on the panel (scores references panel_members, and a removal takes the
	// evaluator's marks with them), without reading the panel. With the bidders', in one
	// statement. Each evaluator once: tenants sizes its work by the ids it is given, and an
	// evaluator has a mark of every bidder. The marks are by bidder, so the first bidder's are
	// usually the whole panel's.
	first := 0
	for first < len(marks) && marks[first].BidderOrgID == marks[0].BidderOrgID {
		first++
	}
	markers := make([]string, 0, first)
	for _, m := range marks {
		if !slices.Contains(markers, m.UserID) {
			markers = append(markers, m.UserID)
		}
	}
	orgs, names, err := s.Store.OrgAndUserNames(ctx, st.bidderIDs, markers)
	if err != nil {
		return ModerationView{}, err
	}
	st.nameBidders(orgs)
	return moderationView(q, st.bidders, marks, names, cons), nil
}

// moderationView lays a question's marks side by side per bidder, with the spread moderation
// must discuss and the consensus so far. names are the panel's (a mark of anyone else, which
// cannot be, would show no name).
func moderationView(q lots.Question, bidders []Bidder, marks []IndividualScore, names map[string]string, cons []Consensus) ModerationView {
	// Every bidder's marks share one array, each bidder's list capped at its own end; the
	// scores a spread is taken of are one buffer, emptied for each bidder.
	all := make([]Mark, 0, len(marks))
	var scores []int
	var results []bool
	v := ModerationView{Question: q}
	if len(bidders) > 0 { // none is nil, as it was
		v.Bids = make([]ModeratedBid, 0, len(bidders))
	}
	for _, b := range bidders {
		mb := ModeratedBid{Bidder: b}
		scores, results = scores[:0], results[:0]
		from := len(all)
		for _, sc := range marks {
			if sc.BidderOrgID != b.OrgID {
				continue
			}
			all = append(all, Mark{UserID: sc.UserID, Evaluator: names[sc.UserID], Score: sc.Score, Passed: sc.Passed, Rationale: sc.Rationale})
			if sc.Score != nil {
				scores = append(scores, *sc.Score)
			}
			if sc.Passed != nil {
				results = append(results, *sc.Passed)
			}
		}
		if len(all) > from { // none is nil, as it was
			mb.Marks = all[from:len(all):len(all)]
		}
		mb.Spread = Spread(scores)
		mb.Wide = WideSpread(scores) || Split(results)
		for i := range cons {
			if cons[i].QuestionID == q.ID && cons[i].BidderOrgID == b.OrgID {
				mb.Consensus = &cons[i]
			}
		}
		v.Bids = append(v.Bids, mb)
	}
	return v
}

// ConsensusInput is the moderated mark of a question for a bidder.
type ConsensusInput struct {
	QuestionID  string `json:"question_id" form:"question_id" validate:"required,uuid" label:"the question"`
	BidderOrgID string `json:"bidder_org_id" form:"bidder_org_id" validate:"required,uuid" label:"the bidder"`
	Score       *int   `json:"score" form:"score" label:"the consensus score"`
	Passed      *bool  `json:"passed" form:"passed" label:"pass or fail"`
	Rationale   string `json:"rationale" form:"rationale" validate:"required,max=4000" label:"the rationale"`
}

// RecordConsensus records the consensus mark of a question under moderation for a bidder.
// When every quality question has one for every bidder, quality moderation is complete and
// the marks are final.
func (s *Service) RecordConsensus(ctx context.Context, a *access.Actor, lotID string, in ConsensusInput) error {
	in.Rationale = strings.TrimSpace(in.Rationale)
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		st, err := s.lotState(ctx, tx, p, l)
		if err != nil {
			return err
		}
		if st.eval.QualityModeratedAt != nil {
			return apperr.Conflictf("Quality moderation of this lot is complete: the consensus marks are final")
		}
		q, ok := questionByID(st.qs, in.QuestionID)
		if !ok || q.Kind == lots.Price {
			return apperr.NotFoundf("Question not found")
		}
		if !moderated(st.mods, q.ID) {
			return apperr.Conflictf("Moderation of question %s has not started", q.Number)
		}
		if !slices.Contains(st.bidderIDs, in.BidderOrgID) {
			return apperr.NotFoundf("Bidder not found")
		}
		f := CheckMark(q, in.Score, in.Passed)
		if msg := CheckRationale(in.Rationale); msg != "" {
			if f == nil {
				f = map[string]string{}
			}
			f["rationale"] = msg
		}
		if len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		c := Consensus{LotID: l.ID, QuestionID: q.ID, BidderOrgID: in.BidderOrgID, Score: in.Score, Passed: in.Passed,
			Rationale: in.Rationale, RecordedBy: a.UserID, RecordedAt: s.Now()}
		if err := tx.SaveConsensus(ctx, &c); err != nil {
			return err
		}
		if err := tx.Audit(ctx, s.entry(a, p.LeadOrgID, "consensus.recorded", "lot", l.ID,
			map[string]any{"question": q.Number, "bidder": c.BidderOrgID, "score": c.Score, "passed": c.Passed, "rationale": c.Rationale})); err != nil {
			return err
		}
		cons, err := tx.Consensus(ctx, l.ID)
		if err != nil {
			return err
		}
		if !QualityComplete(st.qs, st.bidderIDs, cons) {
			return nil
		}
		now := s.Now()
		st.eval.QualityModeratedAt, st.eval.QualityModeratedBy = &now, a.UserID
		if err := tx.SaveLotEvaluation(ctx, &st.eval); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "quality_moderation.completed", "lot", l.ID, map[string]any{"bidders": len(st.bidderIDs)}))
	})
}

// --- the panel's pages: whom the lead may add, taking an evaluator off, an evaluator's lots ---

// Eligible is a person the lead may put on a lot's panel.
type Eligible struct {
	UserID, Name, OrgName string
	Healthwatch           bool
}

// EligibleEvaluators lists the people the lead may still add to a lot's panel: evaluators of
// the commissioners taking part, then Healthwatch evaluators; nobody already on it.
func (s *Service) EligibleEvaluators(ctx context.Context, a *access.Actor, lotID string) ([]Eligible, error) {
	p, l, err := s.leadLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return nil, err
	}
	parts, err := s.Store.ParticipantOrgs(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	cs, err := s.Store.PanelCandidates(ctx, parts)
	if err != nil {
		return nil, err
	}
	members, err := s.Store.Members(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	var out []Eligible
	for _, c := range cs {
		if slices.ContainsFunc(members, func(m PanelMember) bool { return m.UserID == c.ID }) {
			continue
		}
		if hw, msg := panelPlace(c, slices.Contains(parts, c.OrgID)); msg == "" {
			out = append(out, Eligible{UserID: c.ID, Name: c.Name, OrgName: c.OrgName, Healthwatch: hw})
		}
	}
	slices.SortStableFunc(out, func(x, y Eligible) int {
		if x.Healthwatch != y.Healthwatch {
			if y.Healthwatch {
				return -1
			}
			return 1
		}
		return strings.Compare(x.OrgName+"\x00"+x.Name, y.OrgName+"\x00"+y.Name)
	})
	return out, nil
}

// RemovalInput says why an evaluator is taken off a panel; the reason stays in the audit trail.
type RemovalInput struct {
	Reason string `json:"reason" form:"reason" validate:"required,max=2000" label:"the reason"`
}

// RemoveEvaluator takes an evaluator off a lot's panel, with their questions, declarations and
// draft marks, until they submit. Submitted scores are part of the record of the evaluation
// (moderation reads them beside the consensus, a challenge to the award may ask for them), so
// an evaluator who has submitted stays.
func (s *Service) RemoveEvaluator(ctx context.Context, a *access.Actor, lotID, userID, reason string) error {
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case n < MinReason:
		return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Say why the evaluator is taken off the panel, in at least %d characters", MinReason)})
	case n > 2000:
		return apperr.InvalidFields(map[string]string{"reason": "Keep the reason to 2,000 characters or fewer"})
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		if !validID(userID) {
			return apperr.NotFoundf("Evaluator not found")
		}
		m, err := tx.PanelMember(ctx, l.ID, userID, true)
		if err != nil {
			return err
		}
		if m.SubmittedAt != nil {
			names, err := tx.UserNames(ctx, []string{m.UserID})
			if err != nil {
				return err
			}
			return apperr.Conflictf("%s has submitted their scores, and scores that have been submitted are part of the record of the evaluation: they stay on the panel", names[m.UserID])
		}
		r, err := tx.RemoveMember(ctx, l.ID, m.UserID)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "panel.evaluator_removed", "lot", l.ID,
			map[string]any{"evaluator": m.UserID, "org": m.OrgID, "healthwatch": m.Healthwatch, "reason": reason,
				"questions": r.Assignments, "declarations_dropped": r.Declarations, "marks_dropped": r.Marks}))
	})
}

// MyLot is a lot on whose panel the acting evaluator sits, and how far they have got.
type MyLot struct {
	LotID, LotTitle        string
	LotNumber              int
	Procurement, Reference string
	Healthwatch            bool
	Questions              int  // the questions they score
	Declared               bool // about every bidder
	Conflicts              int  // bidders they declared a conflict with
	Marked, ToMark         int  // marks given, of every question for every bidder they are not conflicted with
	SubmittedAt            *time.Time
	Opened                 bool      // the responses are open: the evaluation has started
	AwardDate              time.Time // the timetable's award day
}

// MyEvaluations lists the lots on whose panel the acting evaluator sits, in the acting
// organisation, with where they stand: nothing of anyone else's marks.
func (s *Service) MyEvaluations(ctx context.Context, a *access.Actor) ([]MyLot, error) {
	ms, err := s.Store.Memberships(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	var out []MyLot
	for _, m := range ms {
		p, err := s.Store.PanelProcurement(ctx, m)
		if err != nil {
			return nil, err
		}
		l, err := s.Store.Lot(ctx, m.LotID)
		if err != nil {
			return nil, err
		}
		st, err := s.lotState(ctx, s.Store, p, l)
		if err != nil {
			return nil, err
		}
		scores, err := s.Store.ScoresOf(ctx, l.ID, m.UserID)
		if err != nil {
			return nil, err
		}
		row := MyLot{LotID: l.ID, LotTitle: l.Title, LotNumber: l.Number, Procurement: p.Title, Reference: p.Reference,
			Healthwatch: m.Healthwatch, Declared: Declared(m.UserID, st.bidderIDs, st.decls), SubmittedAt: m.SubmittedAt,
			Opened: s.opened(ctx, s.Store, p) == nil, AwardDate: p.AwardDate}
		var mine []lots.Question
		for _, q := range st.qs {
			if assignedTo(st.assigned, m.UserID, q.ID) {
				mine = append(mine, q)
			}
		}
		row.Questions = len(mine)
		names := map[string]string{}
		for _, b := range st.bidders {
			names[b.OrgID] = b.Name
			if ConflictedWith(m.UserID, b.OrgID, st.decls) {
				row.Conflicts++
			} else {
				row.ToMark += len(mine)
			}
		}
		row.Marked = row.ToMark - len(MissingScores(m.UserID, mine, st.bidderIDs, st.decls, scores, names))
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(x, y MyLot) int {
		if c := strings.Compare(x.Procurement, y.Procurement); c != 0 {
			return c
		}
		return x.LotNumber - y.LotNumber
	})
	return out, nil
}

// SheetQuestion is one of the evaluator's questions with the bidder's answer and their own mark.
type SheetQuestion struct {
	Question lots.Question
	Answer   string
	Mark     *IndividualScore // nil until marked
}

// ScoreSheet is what an evaluator marks one bidder on: their questions only, no price.
type ScoreSheet struct {
	LotID       string
	LotNumber   int
	LotTitle    string
	Bidder      Bidder
	Questions   []SheetQuestion
	SubmittedAt *time.Time
}

// Sheet is the acting evaluator's questions for one bidder, with that bidder's answers and
// their own marks: once they have declared about every bidder, and not for a bidder they are
// conflicted with.
func (s *Service) Sheet(ctx context.Context, a *access.Actor, lotID, bidderOrgID string) (ScoreSheet, error) {
	m, p, l, err := s.panelLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return ScoreSheet{}, err
	}
	sub, st, err := s.readable(ctx, s.Store, m, p, l, bidderOrgID)
	if err != nil {
		return ScoreSheet{}, err
	}
	answers, err := s.Lots.OpenedAnswers(ctx, p, sub)
	if err != nil {
		return ScoreSheet{}, err
	}
	scores, err := s.Store.ScoresOf(ctx, l.ID, m.UserID)
	if err != nil {
		return ScoreSheet{}, err
	}
	v := ScoreSheet{LotID: l.ID, LotNumber: l.Number, LotTitle: l.Title, SubmittedAt: m.SubmittedAt,
		Bidder: Bidder{OrgID: sub.BidderOrgID, Name: st.bidderName(sub.BidderOrgID)}}
	for _, q := range st.qs {
		if !assignedTo(st.assigned, m.UserID, q.ID) {
			continue
		}
		sq := SheetQuestion{Question: q, Answer: answers[q.ID]}
		for i := range scores {
			if scores[i].QuestionID == q.ID && scores[i].BidderOrgID == sub.BidderOrgID {
				sq.Mark = &scores[i]
			}
		}
		v.Questions = append(v.Questions, sq)
	}
	return v, nil
}
