package evaluation

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
)

// The whole evaluation of a lot in one value, for the export (export.go): what a legal
// challenge to the award would ask for — who sat on the panel, what they declared, every
// individual mark and its rationale, the consensus, the weighted results and the award.

// Report is a lot's evaluation as the lead and the lot's approvers export it. Names, not ids:
// it is read by people. Individual marks are only those of questions whose moderation has
// started (before that nobody but the evaluator sees them); Results stay empty, with
// ResultsPending saying why, until the prices have been opened.
type Report struct {
	GeneratedAt time.Time
	GeneratedBy string

	Procurement  lots.Procurement
	LeadOrg      string
	Lot          lots.Lot
	Participants []string // names of the commissioners the lot covers
	Sections     []lots.Section
	Questions    []lots.Question // in questionnaire order
	Bidders      []Bidder

	Panel        []ReportEvaluator
	Declarations []ReportDeclaration
	Scores       []ReportScore
	Consensus    []ReportConsensus

	QualityModeratedAt *time.Time
	PricesOpenedAt     *time.Time
	PricesOpenedBy     string

	Results        []ReportResult // Compute's order: ranked bids by rank, then excluded bids
	ResultsPending string         // why there are no results yet; "" once they are computed

	Recommendations []ReportRecommendation // oldest first
	Contract        *ReportContract
}

// ReportEvaluator is a member of the panel.
type ReportEvaluator struct {
	Name, Organisation string
	Healthwatch        bool
	Questions          []string // numbers of the questions they score
	SubmittedAt        *time.Time
}

// ReportDeclaration is an evaluator's declaration of interest about a bidder.
type ReportDeclaration struct {
	Evaluator, Organisation, Bidder string
	Decision                        Interest
	Reason                          string
	DeclaredAt                      time.Time
}

// ReportScore is one evaluator's mark of one question for one bidder.
type ReportScore struct {
	Question, Bidder, Evaluator, Organisation string
	Score                                     *int
	Passed                                    *bool
	Rationale                                 string
	RecordedAt                                time.Time
}

// ReportConsensus is the moderated mark of a question for a bidder.
type ReportConsensus struct {
	Question, Bidder string
	Score            *int
	Passed           *bool
	Rationale        string
	RecordedBy       string
	RecordedAt       time.Time
}

// ReportResult is one bid's result, exactly as Results computes it, with the bidder's name.
type ReportResult struct {
	Result
	Name string
}

// ReportApproval is a governing body's decision on a recommendation.
type ReportApproval struct {
	Organisation, Decision, Reason, DecidedBy string
	DecidedAt                                 time.Time
}

// ReportRepresentation is a bidder's representation and the lead's decision on it.
type ReportRepresentation struct {
	Bidder, Text, MadeBy string
	MadeAt               time.Time
	Decision             string // "upheld", "rejected" or "" while it awaits a decision
	DecisionReason       string
	DecidedBy            string
	DecidedAt            *time.Time
}

// ReportRecommendation is a recommendation of a preferred bidder with what followed it.
type ReportRecommendation struct {
	Bidder, Reason      string
	Regime              lots.Regime
	State               string // the award's state of the recommendation ("standstill", "awarded" …)
	RecommendedBy       string
	RecommendedAt       time.Time
	StandstillStartedAt *time.Time
	StandstillEndsAt    *time.Time
	AwardNotBefore      *time.Time
	Approvals           []ReportApproval
	Representations     []ReportRepresentation
}

// ReportContract is the contract the lot was awarded as.
type ReportContract struct {
	Reference, Provider string
	StartDate           time.Time
	TermYears           int
	ValuePence          int64
	AwardedBy           string
	AwardedAt           time.Time
}

// Export is Report for a download, and records it: a copy of the scores and prices that leaves
// golive is part of what a challenge to the award may ask about (who took one, when, in what form).
func (s *Service) Export(ctx context.Context, a *access.Actor, lotID string, f ExportFormat) (Report, error) {
	r, err := s.Report(ctx, a, lotID)
	if err != nil {
		return r, err
	}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		return tx.Audit(ctx, s.entry(a, r.Procurement.LeadOrgID, "evaluation.exported", "lot", r.Lot.ID,
			map[string]any{"format": string(f)}))
	})
	if err != nil {
		return r, fmt.Errorf("record the export of lot %s: %w", r.Lot.ID, err)
	}
	return r, nil
}

// Report gathers a lot's whole evaluation for those who may see its results (the rule of
// Results: the lead and the governing-body approvers of the commissioners it covers, never
// Healthwatch, evaluators, observers or bidders).
func (s *Service) Report(ctx context.Context, a *access.Actor, lotID string) (Report, error) {
	p, l, parts, err := s.ValueLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return Report{}, err
	}
	return s.report(ctx, p, l, parts, a.Name)
}

// report gathers the evaluation of a lot its caller has let the reader see (Report, the record).
func (s *Service) report(ctx context.Context, p lots.Procurement, l lots.Lot, parts []string, by string) (Report, error) {
	r := Report{GeneratedAt: s.Now(), GeneratedBy: by, Procurement: p, Lot: l}
	st, err := s.lotState(ctx, s.Store, p, l)
	if err != nil {
		return r, err
	}
	r.Bidders, r.QualityModeratedAt = slices.Clone(st.bidders), st.eval.QualityModeratedAt
	slices.SortStableFunc(r.Bidders, func(x, y Bidder) int { return cmp.Compare(x.Name, y.Name) })
	if r.Sections, err = s.Store.Sections(ctx, l.ID); err != nil {
		return r, err
	}
	r.Questions = inQuestionnaireOrder(r.Sections, st.qs)
	number := map[string]string{}
	order := map[string]int{}
	for i, q := range r.Questions {
		number[q.ID], order[q.ID] = q.Number, i
	}

	// Only the marks of questions under moderation are read at all: the query filters them.
	scores, err := s.Store.ModeratedScores(ctx, l.ID)
	if err != nil {
		return r, err
	}
	opening, err := s.Store.PriceOpening(ctx, l.ID)
	if err != nil {
		return r, err
	}
	if s.Awards != nil {
		if r.Recommendations, r.Contract, err = s.Awards.AwardReport(ctx, l.ID); err != nil {
			return r, err
		}
	}

	// Everyone the report names, resolved at once.
	var users []string
	orgs := append([]string{p.LeadOrgID}, parts...)
	for _, m := range st.members {
		users, orgs = append(users, m.UserID), append(orgs, m.OrgID)
	}
	for _, c := range st.cons {
		users = append(users, c.RecordedBy)
	}
	if opening != nil {
		users = append(users, opening.OpenedBy)
	}
	unames, err := s.Store.UserNames(ctx, reportIDs(users))
	if err != nil {
		return r, err
	}
	onames, err := s.Store.OrgNames(ctx, reportIDs(orgs))
	if err != nil {
		return r, err
	}
	bname := func(id string) string {
		if n := st.bidderName(id); n != "" {
			return n
		}
		return onames[id]
	}
	orgOf := map[string]string{}
	for _, m := range st.members {
		orgOf[m.UserID] = onames[m.OrgID]
	}

	r.LeadOrg = onames[p.LeadOrgID]
	for _, o := range parts {
		r.Participants = append(r.Participants, onames[o])
	}
	if opening != nil {
		r.PricesOpenedAt, r.PricesOpenedBy = &opening.OpenedAt, unames[opening.OpenedBy]
	}
	for _, m := range st.members {
		e := ReportEvaluator{Name: unames[m.UserID], Organisation: onames[m.OrgID], Healthwatch: m.Healthwatch, SubmittedAt: m.SubmittedAt}
		for _, q := range r.Questions {
			if assignedTo(st.assigned, m.UserID, q.ID) {
				e.Questions = append(e.Questions, q.Number)
			}
		}
		r.Panel = append(r.Panel, e)
	}
	panelOrder := map[string]int{}
	for i, m := range st.members {
		panelOrder[m.UserID] = i
	}
	bidderOrder := map[string]int{}
	for i, b := range r.Bidders {
		bidderOrder[b.OrgID] = i
	}

	decls := slices.Clone(st.decls)
	slices.SortStableFunc(decls, func(x, y Declaration) int {
		return cmp.Or(cmp.Compare(panelOrder[x.UserID], panelOrder[y.UserID]), cmp.Compare(bidderOrder[x.BidderOrgID], bidderOrder[y.BidderOrgID]))
	})
	for _, d := range decls {
		r.Declarations = append(r.Declarations, ReportDeclaration{Evaluator: unames[d.UserID], Organisation: orgOf[d.UserID],
			Bidder: bname(d.BidderOrgID), Decision: d.Decision, Reason: d.Reason, DeclaredAt: d.DeclaredAt})
	}

	slices.SortStableFunc(scores, func(x, y IndividualScore) int {
		return cmp.Or(cmp.Compare(order[x.QuestionID], order[y.QuestionID]), cmp.Compare(bidderOrder[x.BidderOrgID], bidderOrder[y.BidderOrgID]),
			cmp.Compare(panelOrder[x.UserID], panelOrder[y.UserID]))
	})
	for _, sc := range scores {
		r.Scores = append(r.Scores, ReportScore{Question: number[sc.QuestionID], Bidder: bname(sc.BidderOrgID), Evaluator: unames[sc.UserID],
			Organisation: orgOf[sc.UserID], Score: sc.Score, Passed: sc.Passed, Rationale: sc.Rationale, RecordedAt: sc.RecordedAt})
	}

	cons := slices.Clone(st.cons)
	slices.SortStableFunc(cons, func(x, y Consensus) int {
		return cmp.Or(cmp.Compare(order[x.QuestionID], order[y.QuestionID]), cmp.Compare(bidderOrder[x.BidderOrgID], bidderOrder[y.BidderOrgID]))
	})
	for _, c := range cons {
		r.Consensus = append(r.Consensus, ReportConsensus{Question: number[c.QuestionID], Bidder: bname(c.BidderOrgID), Score: c.Score,
			Passed: c.Passed, Rationale: c.Rationale, RecordedBy: unames[c.RecordedBy], RecordedAt: c.RecordedAt})
	}

	// The results are those Results shows, from the same computation; until they can be
	// computed (moderation under way, prices sealed) the rest of the evaluation still exports.
	v, _, err := s.results(ctx, s.Store, p, l)
	switch {
	case apperr.IsKind(err, apperr.Conflict):
		ae, _ := apperr.As(err)
		r.ResultsPending = ae.Message
	case err != nil:
		return r, err
	default:
		for _, res := range v.Results {
			r.Results = append(r.Results, ReportResult{Result: res, Name: v.Names[res.Bidder]})
		}
	}

	return r, nil
}

// inQuestionnaireOrder sorts questions as the questionnaire reads: by section, then position.
func inQuestionnaireOrder(sections []lots.Section, qs []lots.Question) []lots.Question {
	pos := map[string]int{}
	for _, s := range sections {
		pos[s.ID] = s.Position
	}
	out := slices.Clone(qs)
	slices.SortStableFunc(out, func(x, y lots.Question) int {
		return cmp.Or(cmp.Compare(pos[x.SectionID], pos[y.SectionID]), cmp.Compare(x.Position, y.Position))
	})
	return out
}

// reportIDs is ids once each, without the empty one (a decision not yet taken has no maker).
func reportIDs(ids []string) []string {
	out := slices.Compact(slices.Sorted(slices.Values(ids)))
	return slices.DeleteFunc(out, func(id string) bool { return id == "" })
}
