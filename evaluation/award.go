package evaluation

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"golive/apperr"
	"golive/jobs"
	"golive/lots"
	"golive/tenants/access"
)

// The award of a lot (DOMAIN.md step 8): the price envelopes open once quality moderation is
// complete; the results rank the bids; the lead recommends a preferred bidder; each
// participating commissioner's governing body decides on it (Part 2); standstill follows, with
// letters to every bidder; a representation pauses it; then the lead records the contract award.

// PriceOpening records that a lot's price envelopes were opened, by whom and when. The prices
// stay sealed in the submissions and are opened on each read.
type PriceOpening struct {
	LotID         string `gorm:"primaryKey"`
	ProcurementID string
	OpenedBy      string
	OpenedAt      time.Time
}

// AwardState is where a recommendation is.
type AwardState string

const (
	AwardPending    AwardState = "pending"    // waiting for the governing bodies
	AwardRejected   AwardState = "rejected"   // a governing body rejected it: the lead may recommend again
	AwardStandstill AwardState = "standstill" // every governing body approved; letters sent
	AwardPaused     AwardState = "paused"     // a representation awaits the lead's decision
	AwardWithdrawn  AwardState = "withdrawn"  // a representation was upheld: the lead may recommend again
	AwardAwarded    AwardState = "awarded"    // the contract is awarded
)

// AwardRecommendation is the lead's recommendation of a preferred bidder for a lot.
// AwardNotBefore is the later of the standstill end and any wait after a decision on a
// representation: the contract may be awarded from that instant.
type AwardRecommendation struct {
	ID                  string `gorm:"primaryKey"`
	LotID               string
	ProcurementID       string
	BidderOrgID         string
	Reason              string
	Regime              lots.Regime
	State               AwardState
	RecommendedBy       string
	RecommendedAt       time.Time
	StandstillStartedAt *time.Time
	StandstillEndsAt    *time.Time
	AwardNotBefore      *time.Time
}

// AwardApproval is one participating commissioner's governing-body decision on a recommendation.
type AwardApproval struct {
	RecommendationID string `gorm:"primaryKey"`
	OrgID            string `gorm:"primaryKey"`
	Decision         string // "approve" or "reject"
	Reason           string
	DecidedBy        string
	DecidedAt        time.Time
}

// Representation is a bidder's challenge made during standstill, with the lead's decision.
type Representation struct {
	ID               string `gorm:"primaryKey"`
	RecommendationID string
	BidderOrgID      string
	Text             string
	MadeBy           string
	MadeAt           time.Time
	Decision         *string // "upheld" or "rejected"; nil until decided
	DecisionReason   string
	DecidedBy        string
	DecidedAt        *time.Time
}

// ContractAward is the contract a lot was awarded as: what mobilisation starts from.
type ContractAward struct {
	LotID             string `gorm:"primaryKey"`
	RecommendationID  string
	ProcurementID     string
	ProviderOrgID     string
	ContractReference string
	StartDate         time.Time
	TermYears         int
	ValuePence        int64
	AwardedBy         string
	AwardedAt         time.Time
}

// AfterContractFunc runs after a contract award has committed: mobilisation makes the lot's
// plan with it (cmd/golive wires it, so that evaluation need not import mobilisation). It cannot
// undo the award; a failure is its own to log, and the lead can make the plan later.
type AfterContractFunc func(ctx context.Context, a *access.Actor, lotID string)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// ukDay names the last day of a period that ends at end (00:00 UK time of the next day).
func ukDay(end time.Time) string {
	return "midnight at the end of " + end.In(london).Add(-time.Minute).Format("Monday 2 January 2006") + " (UK time)"
}

func (s *Service) enqueue(ctx context.Context, ids []string) {
	for _, id := range ids {
		if err := s.Lots.Mail.EnqueueMail(ctx, id); err != nil && s.Lots.Log != nil {
			s.Lots.Log.Warn("enqueue mail; the sweep will send it", "mail", id, "err", err)
		}
	}
}

// isHealthwatch: a Healthwatch evaluator never sees price, contract value or totals (issue 5).
func isHealthwatch(a *access.Actor) bool {
	return a == nil || a.OrgKind == access.Healthwatch || a.HasRole(access.RoleHealthwatch)
}

// CanSeeAward: price, results and the award recommendation (a Part 2 matter) are seen by the
// lead commissioner's procurement lead and by the governing-body approvers of the commissioners
// the lot covers, when casbin lets their role see the commercially sensitive value. Never by
// Healthwatch, evaluators, observers or bidders.
func CanSeeAward(a *access.Actor, p lots.Procurement, lotParticipants []string, valueAllowed bool) bool {
	if isHealthwatch(a) || !valueAllowed {
		return false
	}
	if CanLead(a, p) {
		return true
	}
	return a.HasRole(access.RoleApprover) && slices.Contains(lotParticipants, a.OrgID)
}

// awardLot loads a lot for someone who may see its price, results and award, after opening.
func (s *Service) awardLot(ctx context.Context, tx *Store, a *access.Actor, lotID string, lock bool) (lots.Procurement, lots.Lot, []string, error) {
	if isHealthwatch(a) {
		return lots.Procurement{}, lots.Lot{}, nil, apperr.Forbiddenf("Healthwatch evaluators never see price, contract value or totals")
	}
	if !validID(lotID) {
		return lots.Procurement{}, lots.Lot{}, nil, apperr.NotFoundf("Lot not found")
	}
	l, err := tx.Lot(ctx, lotID)
	if err != nil {
		return lots.Procurement{}, l, nil, err
	}
	p, err := tx.Procurement(ctx, l.ProcurementID, lock)
	if apperr.IsKind(err, apperr.NotFound) {
		return p, l, nil, apperr.NotFoundf("Lot not found")
	}
	if err != nil {
		return p, l, nil, err
	}
	parts, err := tx.LotParticipants(ctx, l.ID)
	if err != nil {
		return p, l, nil, err
	}
	allowed := s.Lots.Authz != nil && s.Lots.Authz.Can(a.UserID, a.OrgID, access.PermProcValue)
	if !CanSeeAward(a, p, parts, allowed) {
		return p, l, parts, apperr.Forbiddenf("Price, results and the award are seen only by the procurement lead and the governing-body approvers of the commissioners this lot covers")
	}
	return p, l, parts, s.opened(ctx, tx, p)
}

// --- price opening ---

// OpenPrices opens the price envelopes of a lot: only its lead, and only once quality
// moderation is complete, so that quality is scored before price is seen.
func (s *Service) OpenPrices(ctx context.Context, a *access.Actor, lotID string) error {
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		ev, err := tx.LotEvaluation(ctx, l)
		if err != nil {
			return err
		}
		if ev.QualityModeratedAt == nil {
			return apperr.Conflictf("The price envelopes open only when quality moderation of the lot is complete")
		}
		o := PriceOpening{LotID: l.ID, ProcurementID: p.ID, OpenedBy: a.UserID, OpenedAt: s.Now()}
		if err := tx.AddPriceOpening(ctx, &o); err != nil {
			return err
		}
		bids, err := tx.Bids(ctx, p.ID, l.ID)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "prices.opened", "lot", l.ID, map[string]any{"bidders": len(bids)}))
	})
}

// BidPrice is one bidder's opened price: its schedule and total over the contract term.
type BidPrice struct {
	Bidder
	Years      []lots.PriceYear
	TotalPence int64
}

// prices opens each counted bid's price envelope; refused until the prices have been opened
// (which needs quality moderation complete).
func (s *Service) prices(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot, st lotState) ([]BidPrice, error) {
	if st.eval.QualityModeratedAt == nil {
		return nil, apperr.Conflictf("Prices stay sealed until quality moderation of the lot is complete")
	}
	o, err := tx.PriceOpening(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, apperr.Conflictf("The price envelopes of this lot have not been opened")
	}
	// One query for the eight (or so) price envelopes, one opening check and one key for them
	// all; the answers envelopes are neither read nor decrypted.
	bids := slices.Clone(st.bids)
	if err := tx.SealedPrices(ctx, bids); err != nil {
		return nil, err
	}
	schedules, err := s.Lots.OpenedPriceSchedules(ctx, p, bids)
	if err != nil {
		return nil, err
	}
	out := make([]BidPrice, 0, len(bids))
	for i, b := range bids {
		years := schedules[i]
		total, err := PriceTotal(years)
		if err != nil {
			return nil, err
		}
		out = append(out, BidPrice{Bidder: Bidder{OrgID: b.BidderOrgID, Name: st.bidderName(b.BidderOrgID)}, Years: years, TotalPence: total})
	}
	return out, nil
}

// priceState is the part of a lot's state its prices need: the bids and the milestones.
func priceState(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (lotState, error) {
	var st lotState
	if err := st.loadBids(ctx, tx, p, l); err != nil {
		return st, err
	}
	var err error
	st.eval, err = tx.LotEvaluation(ctx, l)
	return st, err
}

// resultsState is the part of a lot's state the ranking needs: the prices' part, the
// questions and the consensus marks (without their rationales). Not the panel, its
// assignments or declarations: notice reads those itself.
func resultsState(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (lotState, error) {
	st, err := priceState(ctx, tx, p, l)
	if err != nil {
		return st, err
	}
	if st.qs, err = tx.Questions(ctx, l.ID); err != nil {
		return st, err
	}
	st.cons, err = tx.ConsensusMarks(ctx, l.ID)
	return st, err
}

// Prices are a lot's opened prices, for those who may see them.
func (s *Service) Prices(ctx context.Context, a *access.Actor, lotID string) ([]BidPrice, error) {
	p, l, _, err := s.awardLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return nil, err
	}
	st, err := priceState(ctx, s.Store, p, l)
	if err != nil {
		return nil, err
	}
	return s.prices(ctx, s.Store, p, l, st)
}

// --- results ---

// ResultsView is a lot's ranking. Results name bidders by organisation id; Names maps them.
type ResultsView struct {
	Lot     lots.Lot
	Results []Result
	Names   map[string]string
	Formula PriceFormula // the lot's price formula (settings.go) the price scores were worked out with
}

// results computes a lot's ranking from the consensus marks and the opened prices. The state
// it returns is resultsState's: no panel, assignments, declarations or moderations, and
// consensus marks without their rationales.
func (s *Service) results(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (ResultsView, lotState, error) {
	v := ResultsView{Lot: l, Names: map[string]string{}}
	st, err := resultsState(ctx, tx, p, l)
	if err != nil {
		return v, st, err
	}
	prices, err := s.prices(ctx, tx, p, l, st)
	if err != nil {
		return v, st, err
	}
	sections, err := tx.Sections(ctx, l.ID)
	if err != nil {
		return v, st, err
	}
	bids := make([]Bid, 0, len(prices))
	for _, pr := range prices {
		b := Bid{Bidder: pr.OrgID, Scores: map[string]int{}, Passed: map[string]bool{}, PricePence: pr.TotalPence}
		for _, c := range st.cons {
			if c.BidderOrgID != pr.OrgID {
				continue
			}
			if c.Score != nil {
				b.Scores[c.QuestionID] = *c.Score
			}
			if c.Passed != nil {
				b.Passed[c.QuestionID] = *c.Passed
			}
		}
		bids = append(bids, b)
		v.Names[pr.OrgID] = pr.Name
	}
	if v.Formula, err = lotPriceFormula(ctx, tx, l.ID); err != nil {
		return v, st, err
	}
	v.Results, err = Compute(sections, st.qs, bids, v.Formula)
	return v, st, err
}

// Results is a lot's ranking, once its prices have been opened: for the lead and the
// governing-body approvers of the commissioners it covers; never for Healthwatch.
func (s *Service) Results(ctx context.Context, a *access.Actor, lotID string) (ResultsView, error) {
	p, l, _, err := s.awardLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return ResultsView{}, err
	}
	v, _, err := s.results(ctx, s.Store, p, l)
	return v, err
}

// --- recommendation and the governing bodies' decisions ---

// RecommendInput names the preferred bidder and why.
type RecommendInput struct {
	BidderOrgID string `json:"bidder_org_id" form:"bidder_org_id" validate:"required,uuid" label:"the preferred bidder"`
	Reason      string `json:"reason" form:"reason" validate:"required,max=4000" label:"the reason"`
}

// Recommend records the lead's recommendation of a preferred bidder: a ranked bid, with a
// reason. The participating commissioners' governing bodies then decide on it: their approvers
// are told by mail, after commit.
func (s *Service) Recommend(ctx context.Context, a *access.Actor, lotID string, in RecommendInput) (AwardRecommendation, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	var r AwardRecommendation
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		if len([]rune(in.Reason)) < MinRationale {
			return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Give the reason for the recommendation, in at least %d characters", MinRationale)})
		}
		cur, err := tx.CurrentRecommendation(ctx, l.ID, true)
		if err != nil {
			return err
		}
		if cur != nil {
			return apperr.Conflictf("This lot already has a recommendation (%s)", cur.State)
		}
		v, _, err := s.results(ctx, tx, p, l)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(v.Results, func(x Result) bool { return x.Bidder == in.BidderOrgID })
		if i < 0 {
			return apperr.InvalidFields(map[string]string{"bidder_org_id": "Choose a bidder for this lot"})
		}
		if res := v.Results[i]; res.Excluded || res.Rank == 0 {
			return apperr.InvalidFields(map[string]string{"bidder_org_id": v.Names[res.Bidder] + " is excluded: " + strings.Join(res.Reasons, "; ")})
		}
		r = AwardRecommendation{ID: newID(), LotID: l.ID, ProcurementID: p.ID, BidderOrgID: in.BidderOrgID, Reason: in.Reason,
			Regime: p.Regime, State: AwardPending, RecommendedBy: a.UserID, RecommendedAt: s.Now()}
		if err := tx.AddRecommendation(ctx, &r); err != nil {
			return err
		}
		if mails, err = s.queueApproverNotices(ctx, tx, p, l); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.recommended", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "bidder": r.BidderOrgID, "rank": v.Results[i].Rank, "reason": r.Reason, "notified": len(mails)}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return r, err
}

// awardPage is the address of a lot's award page (pages_award.go), where the approvers decide.
func (s *Service) awardPage(lotID string) string {
	return strings.TrimSuffix(s.Lots.BaseURL, "/") + "/evaluations/lots/" + lotID + "/award"
}

// queueApproverNotices queues a notice to every active approver of each commissioner the lot
// covers: the same commissioners whose decisions DecideAward waits for. The notice names the
// procurement and lot only: mail leaves the system, and the recommended bidder, its scores and
// its price are a Part 2 (confidential) matter, read on the award page after signing in.
func (s *Service) queueApproverNotices(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) ([]string, error) {
	parts, err := tx.LotParticipants(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	users, err := tx.ApproverUsers(ctx, parts)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("%s (%s), lot %d: %s\n\n"+
		"The procurement lead has recommended a preferred bidder for this lot. The recommendation awaits your governing body's decision.\n\n"+
		"This is a Part 2 (confidential) matter, so the details are not in this email: sign in to read the recommendation and record your governing body's decision at\n%s\n",
		p.Title, p.Reference, l.Number, l.Title, s.awardPage(l.ID))
	var mails []string
	for _, u := range users {
		id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
			Subject: fmt.Sprintf("Award recommendation for your governing body's decision: %s lot %d", p.Reference, l.Number), Text: text})
		if err != nil {
			return nil, err
		}
		mails = append(mails, id)
	}
	return mails, nil
}

// AwardDecisionInput is a governing body's decision on the recommendation. OrgID, when given,
// must be the approver's own commissioner: nobody decides for another.
type AwardDecisionInput struct {
	OrgID    string `json:"org_id" form:"org_id" label:"the commissioner"`
	Decision string `json:"decision" form:"decision" validate:"required,oneof=approve reject" label:"the decision"`
	Reason   string `json:"reason" form:"reason" validate:"max=4000" label:"the reason"`
}

// DecideAward records the acting approver's governing-body decision on a lot's recommendation,
// for their own commissioner. A rejection stops it; when every commissioner the lot covers has
// approved, standstill starts and the letters go to every bidder.
func (s *Service) DecideAward(ctx context.Context, a *access.Actor, lotID string, in AwardDecisionInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Decision != "approve" && in.Decision != "reject" {
		return apperr.InvalidFields(map[string]string{"decision": "Approve or reject the recommendation"})
	}
	if in.Decision == "reject" && len([]rune(in.Reason)) < MinReason {
		return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Give the reason for rejecting, in at least %d characters", MinReason)})
	}
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, parts, err := s.awardLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		if !a.HasRole(access.RoleApprover) || !slices.Contains(parts, a.OrgID) {
			return apperr.Forbiddenf("Only the governing-body approvers of the commissioners this lot covers decide on its award")
		}
		if in.OrgID != "" && in.OrgID != a.OrgID {
			return apperr.Forbiddenf("You decide for your own commissioner only")
		}
		r, err := tx.CurrentRecommendation(ctx, l.ID, true)
		if err != nil {
			return err
		}
		if r == nil || r.State != AwardPending {
			return apperr.Conflictf("There is no recommendation awaiting a decision for this lot")
		}
		now := s.Now()
		d := AwardApproval{RecommendationID: r.ID, OrgID: a.OrgID, Decision: in.Decision, Reason: in.Reason, DecidedBy: a.UserID, DecidedAt: now}
		if err := tx.AddApproval(ctx, &d); err != nil {
			return err
		}
		if err := tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.decided", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "org": d.OrgID, "decision": d.Decision, "reason": d.Reason})); err != nil {
			return err
		}
		if d.Decision == "reject" {
			r.State = AwardRejected
			return tx.SaveRecommendation(ctx, r)
		}
		ds, err := tx.Approvals(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, o := range parts {
			if !slices.ContainsFunc(ds, func(x AwardApproval) bool { return x.OrgID == o && x.Decision == "approve" }) {
				return nil
			}
		}
		mails, err = s.startStandstill(ctx, tx, a, p, l, r, ds, now)
		return err
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return err
}

// startStandstill starts the standstill on the last approval and queues the letters.
func (s *Service) startStandstill(ctx context.Context, tx *Store, a *access.Actor, p lots.Procurement, l lots.Lot, r *AwardRecommendation, ds []AwardApproval, now time.Time) ([]string, error) {
	ends, err := StandstillEnds(p.Regime, now)
	if err != nil {
		return nil, err
	}
	r.State, r.StandstillStartedAt, r.StandstillEndsAt, r.AwardNotBefore = AwardStandstill, &now, &ends, &ends
	if err := tx.SaveRecommendation(ctx, r); err != nil {
		return nil, err
	}
	v, st, err := s.results(ctx, tx, p, l)
	if err != nil {
		return nil, err
	}
	n, err := s.notice(ctx, tx, p, l, r, ds, v, st)
	if err != nil {
		return nil, err
	}
	users, err := tx.BidderUsers(ctx, st.bidderIDs)
	if err != nil {
		return nil, err
	}
	var mails []string
	for _, u := range users {
		id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
			Subject: fmt.Sprintf("Notice of intention to award: %s lot %d", p.Reference, l.Number), Text: n.letter(u.OrgID)})
		if err != nil {
			return nil, err
		}
		mails = append(mails, id)
	}
	return mails, tx.Audit(ctx, s.entry(a, p.LeadOrgID, "standstill.started", "lot", l.ID,
		map[string]any{"recommendation": r.ID, "regime": string(p.Regime), "ends_at": ends, "letters": len(mails)}))
}

// notice is what the standstill letters say; letter writes one bidder's.
type notice struct {
	p       lots.Procurement
	l       lots.Lot
	r       *AwardRecommendation
	v       ResultsView
	makers  []string // "name, organisation" of the governing-body approvers (PSR)
	managed []string // the conflicts of interest declared and how they were managed (PSR)
}

// notice gathers what the letters say; st needs only the bidders (the panel and its
// declarations are read here).
func (s *Service) notice(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot, r *AwardRecommendation, ds []AwardApproval, v ResultsView, st lotState) (notice, error) {
	n := notice{p: p, l: l, r: r, v: v}
	members, err := tx.Members(ctx, l.ID)
	if err != nil {
		return n, err
	}
	decls, err := tx.Declarations(ctx, l.ID)
	if err != nil {
		return n, err
	}
	var users, orgs []string
	for _, d := range ds {
		users, orgs = append(users, d.DecidedBy), append(orgs, d.OrgID)
	}
	for _, m := range members {
		users, orgs = append(users, m.UserID), append(orgs, m.OrgID)
	}
	unames, err := tx.UserNames(ctx, users)
	if err != nil {
		return n, err
	}
	onames, err := tx.OrgNames(ctx, orgs)
	if err != nil {
		return n, err
	}
	for _, d := range ds {
		n.makers = append(n.makers, fmt.Sprintf("%s, governing body of %s (approved %s)", unames[d.DecidedBy], onames[d.OrgID], d.DecidedAt.In(london).Format("2 January 2006")))
	}
	org := map[string]string{}
	for _, m := range members {
		org[m.UserID] = onames[m.OrgID]
	}
	for _, d := range decls {
		if d.Decision == Conflicted {
			n.managed = append(n.managed, fmt.Sprintf("%s (%s) declared a conflict of interest with %s: %s. Managed: they neither read nor scored %s's response, and the other evaluators' scores stand.",
				unames[d.UserID], org[d.UserID], st.bidderName(d.BidderOrgID), d.Reason, st.bidderName(d.BidderOrgID)))
		}
	}
	return n, nil
}

func scoreLines(b *strings.Builder, r Result) {
	for _, sec := range r.Sections {
		fmt.Fprintf(b, "  Section %q: %s of %s\n", sec.Title, sec.Percent(), Percent(big.NewRat(int64(sec.WeightBP), 100)))
	}
	fmt.Fprintf(b, "  Quality score: %s\n", r.QualityPercent())
	if r.Excluded {
		fmt.Fprintf(b, "  Excluded: %s\n", strings.Join(r.Reasons, "; "))
		return
	}
	fmt.Fprintf(b, "  Price score: %s\n  Total: %s\n  Rank: %d\n", r.PriceScorePercent(), r.TotalPercent(), r.Rank)
}

func (n notice) letter(bidder string) string {
	var own, win Result
	for _, r := range n.v.Results {
		if r.Bidder == bidder {
			own = r
		}
		if r.Bidder == n.r.BidderOrgID {
			win = r
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s), lot %d: %s\n\n", n.p.Title, n.p.Reference, n.l.Number, n.l.Title)
	if bidder == n.r.BidderOrgID {
		b.WriteString("The commissioners intend to award the contract for this lot to you.\n\n")
	} else {
		fmt.Fprintf(&b, "The commissioners intend to award the contract for this lot to %s. Your response was not successful.\n\n", n.v.Names[n.r.BidderOrgID])
	}
	fmt.Fprintf(&b, "Your scores (%s):\n", n.v.Names[bidder])
	scoreLines(&b, own)
	if bidder != n.r.BidderOrgID {
		fmt.Fprintf(&b, "\nThe successful bidder's scores (%s):\n", n.v.Names[win.Bidder])
		scoreLines(&b, win)
	}
	fmt.Fprintf(&b, "\nThe reasons for the decision: %s\n", n.r.Reason)
	if n.r.Regime == lots.PSR2024 {
		b.WriteString("\nThe reasons against the key criteria (the successful bidder's scores by section):\n")
		for _, sec := range win.Sections {
			fmt.Fprintf(&b, "  %s: %s of %s\n", sec.Title, sec.Percent(), Percent(big.NewRat(int64(sec.WeightBP), 100)))
		}
		b.WriteString("\nThe decision-makers:\n")
		for _, m := range n.makers {
			fmt.Fprintf(&b, "  %s\n", m)
		}
		b.WriteString("\nConflicts of interest declared and how they were managed:\n")
		if len(n.managed) == 0 {
			b.WriteString("  None were declared.\n")
		}
		for _, c := range n.managed {
			fmt.Fprintf(&b, "  %s\n", c)
		}
		fmt.Fprintf(&b, "\nThe standstill period ends at %s. Representations may be made before then.\n", ukDay(*n.r.StandstillEndsAt))
	} else {
		fmt.Fprintf(&b, "\nThe standstill period ends at %s. The contract will not be entered into before then.\n", ukDay(*n.r.StandstillEndsAt))
	}
	return b.String()
}

// --- representations ---

// RepresentationInput is what a bidder says against the decision.
type RepresentationInput struct {
	Text string `json:"text" form:"text" validate:"required,max=8000" label:"your representation"`
}

// MakeRepresentation records the acting bidder's representation during standstill (before it
// ends): the award is paused until the lead decides on it.
func (s *Service) MakeRepresentation(ctx context.Context, a *access.Actor, lotID string, in RepresentationInput) (Representation, error) {
	in.Text = strings.TrimSpace(in.Text)
	var rep Representation
	err := s.Store.Tx(ctx, func(tx *Store) error {
		if !validID(lotID) || !a.HasRole(access.RoleBidder) {
			return apperr.NotFoundf("Lot not found")
		}
		sub, err := tx.OwnBid(ctx, lotID)
		if err != nil {
			return err
		}
		p, err := tx.BidProcurement(ctx, sub)
		if err != nil {
			return err
		}
		if len([]rune(in.Text)) < MinRationale {
			return apperr.InvalidFields(map[string]string{"text": fmt.Sprintf("Say what your representation is, in at least %d characters", MinRationale)})
		}
		r, err := tx.CurrentRecommendation(ctx, lotID, true)
		if err != nil {
			return err
		}
		if r == nil || (r.State != AwardStandstill && r.State != AwardPaused) || r.StandstillEndsAt == nil {
			return apperr.Conflictf("Representations are made during the standstill period")
		}
		now := s.Now()
		if !now.Before(*r.StandstillEndsAt) {
			return apperr.Conflictf("The standstill period ended at %s: representations can no longer be made", ukDay(*r.StandstillEndsAt))
		}
		rep = Representation{ID: newID(), RecommendationID: r.ID, BidderOrgID: sub.BidderOrgID, Text: in.Text, MadeBy: a.UserID, MadeAt: now}
		if err := tx.AddRepresentation(ctx, &rep); err != nil {
			return err
		}
		r.State = AwardPaused
		if err := tx.SaveRecommendation(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "representation.made", "lot", lotID,
			map[string]any{"recommendation": r.ID, "representation": rep.ID, "bidder": rep.BidderOrgID}))
	})
	return rep, err
}

// RepresentationDecisionInput is the lead's decision on a representation.
type RepresentationDecisionInput struct {
	Decision string `json:"decision" form:"decision" validate:"required,oneof=upheld rejected" label:"the decision"`
	Reason   string `json:"reason" form:"reason" validate:"required,max=4000" label:"the reason"`
}

// DecideRepresentation records the lead's decision on a representation. Upheld, the
// recommendation is withdrawn (the lead may recommend again); rejected, once no other awaits a
// decision the award resumes: under the PSR not before AwardWaitAfterRepresentation of the
// decision, and never before the standstill's own end.
func (s *Service) DecideRepresentation(ctx context.Context, a *access.Actor, lotID, representationID string, in RepresentationDecisionInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Decision != "upheld" && in.Decision != "rejected" {
		return apperr.InvalidFields(map[string]string{"decision": "Uphold or reject the representation"})
	}
	if len([]rune(in.Reason)) < MinRationale {
		return apperr.InvalidFields(map[string]string{"reason": fmt.Sprintf("Give the reason for the decision, in at least %d characters", MinRationale)})
	}
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		if r == nil {
			return apperr.NotFoundf("Representation not found")
		}
		reps, err := tx.Representations(ctx, r.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(reps, func(x Representation) bool { return x.ID == representationID })
		if i < 0 {
			return apperr.NotFoundf("Representation not found")
		}
		rep := &reps[i]
		if rep.Decision != nil {
			return apperr.Conflictf("This representation has already been decided")
		}
		now := s.Now()
		rep.Decision, rep.DecisionReason, rep.DecidedBy, rep.DecidedAt = &in.Decision, in.Reason, a.UserID, &now
		if err := tx.SaveRepresentation(ctx, rep); err != nil {
			return err
		}
		summary := map[string]any{"recommendation": r.ID, "representation": rep.ID, "decision": in.Decision, "reason": in.Reason}
		switch {
		case in.Decision == "upheld":
			r.State = AwardWithdrawn
		case !slices.ContainsFunc(reps, func(x Representation) bool { return x.Decision == nil }):
			r.State = AwardStandstill
			notBefore := *r.StandstillEndsAt
			if r.Regime == lots.PSR2024 {
				if w := AwardWaitAfterRepresentation(now); w.After(notBefore) {
					notBefore = w
				}
			}
			if r.AwardNotBefore != nil && r.AwardNotBefore.After(notBefore) {
				notBefore = *r.AwardNotBefore
			}
			r.AwardNotBefore = &notBefore
			summary["award_not_before"] = notBefore
		}
		if err := tx.SaveRecommendation(ctx, r); err != nil {
			return err
		}
		users, err := tx.BidderUsers(ctx, []string{rep.BidderOrgID})
		if err != nil {
			return err
		}
		for _, u := range users {
			id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
				Subject: fmt.Sprintf("Decision on your representation: %s lot %d", p.Reference, l.Number),
				Text:    fmt.Sprintf("Your representation made on %s was %s.\n\nThe reason: %s\n", rep.MadeAt.In(london).Format("2 January 2006"), in.Decision, in.Reason)})
			if err != nil {
				return err
			}
			mails = append(mails, id)
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "representation.decided", "lot", l.ID, summary))
	})
	if err == nil {
		s.enqueue(ctx, mails)
	}
	return err
}

// --- contract award ---

// ContractInput is the contract the lead records after standstill.
type ContractInput struct {
	ContractReference string    `json:"contract_reference" form:"contract_reference" validate:"required,max=60" label:"the contract reference"`
	StartDate         time.Time `json:"start_date" form:"-" validate:"required" label:"the start date"`
	TermYears         int       `json:"term_years" form:"term_years" validate:"required,min=1,max=15" label:"the term in years"`
	ValuePence        int64     `json:"value_pence" form:"-" validate:"min=1" label:"the contract value"`
}

// AwardContract records the contract award to the preferred bidder, once standstill (and any
// wait after a representation) is over; every bidder is told.
func (s *Service) AwardContract(ctx context.Context, a *access.Actor, lotID string, in ContractInput) (ContractAward, error) {
	in.ContractReference = strings.TrimSpace(in.ContractReference)
	f := map[string]string{}
	if in.ContractReference == "" {
		f["contract_reference"] = "Enter the contract reference"
	}
	if in.StartDate.IsZero() {
		f["start_date"] = "Enter the start date"
	}
	if in.TermYears < 1 || in.TermYears > 15 {
		f["term_years"] = "Enter a term from 1 to 15 years"
	}
	if in.ValuePence < 1 {
		f["value_pence"] = "Enter the contract value"
	}
	if len(f) > 0 {
		return ContractAward{}, apperr.InvalidFields(f)
	}
	var c ContractAward
	var mails []string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		now := s.Now()
		if r != nil && r.State != AwardAwarded {
			// PCR 2015 reg. 95: proceedings the authority knows of suspend the contract, whatever
			// the standstill says, until the court lifts the suspension or they end.
			if err := s.suspended(ctx, tx, r); err != nil {
				return err
			}
		}
		switch {
		case r == nil || r.State == AwardPending:
			return apperr.Conflictf("The contract is awarded after every governing body has approved the recommendation and standstill has ended")
		case r.State == AwardAwarded:
			return apperr.Conflictf("The contract for this lot has already been awarded")
		case r.State == AwardPaused:
			return apperr.Conflictf("The award is paused: a representation made during standstill awaits your decision")
		case r.AwardNotBefore == nil || now.Before(*r.AwardNotBefore):
			if r.AwardNotBefore != nil && r.StandstillEndsAt != nil && r.AwardNotBefore.After(*r.StandstillEndsAt) {
				return apperr.Conflictf("After the decision on a representation the award waits until %s", ukDay(*r.AwardNotBefore))
			}
			return apperr.Conflictf("The lot is in standstill until %s: the contract may be awarded after that", ukDay(*r.StandstillEndsAt))
		}
		c = ContractAward{LotID: l.ID, RecommendationID: r.ID, ProcurementID: p.ID, ProviderOrgID: r.BidderOrgID,
			ContractReference: in.ContractReference, StartDate: in.StartDate.UTC(), TermYears: in.TermYears, ValuePence: in.ValuePence,
			AwardedBy: a.UserID, AwardedAt: now}
		if err := tx.AddContractAward(ctx, &c); err != nil {
			return err
		}
		r.State = AwardAwarded
		if err := tx.SaveRecommendation(ctx, r); err != nil {
			return err
		}
		bids, err := tx.Bids(ctx, p.ID, l.ID)
		if err != nil {
			return err
		}
		names, err := tx.OrgNames(ctx, []string{c.ProviderOrgID})
		if err != nil {
			return err
		}
		users, err := tx.BidderUsers(ctx, bidderIDs(bids))
		if err != nil {
			return err
		}
		for _, u := range users {
			text := fmt.Sprintf("%s (%s), lot %d: %s\n\nThe contract has been awarded to %s (contract %s), starting %s.\n",
				p.Title, p.Reference, l.Number, l.Title, names[c.ProviderOrgID], c.ContractReference, c.StartDate.In(london).Format("2 January 2006"))
			id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
				Subject: fmt.Sprintf("Contract awarded: %s lot %d", p.Reference, l.Number), Text: text})
			if err != nil {
				return err
			}
			mails = append(mails, id)
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "contract.awarded", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "provider": c.ProviderOrgID, "contract_reference": c.ContractReference,
				"start_date": c.StartDate, "term_years": c.TermYears, "value_pence": c.ValuePence}))
	})
	if err == nil {
		s.enqueue(ctx, mails)
		if s.AfterContract != nil {
			s.AfterContract(ctx, a, lotID)
		}
	}
	return c, err
}

// leadRecommendation is leadLot, locked, with the lot's current recommendation (nil if none),
// locked too: what each step of the award after the recommendation starts from.
func (s *Service) leadRecommendation(ctx context.Context, tx *Store, a *access.Actor, lotID string) (lots.Procurement, lots.Lot, *AwardRecommendation, error) {
	p, l, err := s.leadLot(ctx, tx, a, lotID, true)
	if err != nil {
		return p, l, nil, err
	}
	r, err := tx.CurrentRecommendation(ctx, l.ID, true)
	return p, l, r, err
}

// --- court proceedings (PCR 2015 reg. 95) ---

// suspended refuses the contract while court proceedings against r have not ended, naming
// each claimant and the day the authority was told.
func (s *Service) suspended(ctx context.Context, tx *Store, r *AwardRecommendation) error {
	ps, err := tx.Proceedings(ctx, r.ID)
	if err != nil || !ContractSuspended(ps) {
		return err
	}
	var orgs []string
	for _, p := range OpenProceedings(ps) {
		orgs = append(orgs, p.ClaimantOrgID)
	}
	names, err := tx.OrgNames(ctx, orgs)
	if err != nil {
		return err
	}
	return apperr.Conflictf("%s", SuspensionMessage(ps, names))
}

// RecordProceedings records that the authority was told of court proceedings (a claim form)
// a bidder of the lot issued against the decision to award: from then the contract cannot be
// entered into until their end is recorded (EndSuspension). Only under the PCR 2015, after
// standstill started and before the contract.
func (s *Service) RecordProceedings(ctx context.Context, a *access.Actor, lotID string, in ProceedingsInput) (Proceeding, error) {
	if f := CheckProceedings(&in); f != nil {
		return Proceeding{}, apperr.InvalidFields(f)
	}
	notified, _ := ukDate(in.NotifiedOn)
	var pr Proceeding
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		if err := ProceedingsRecordable(p.Regime, r); err != nil {
			return err
		}
		now := s.Now()
		f := map[string]string{}
		if m := ProceedingsDayProblem(notified, *r.StandstillStartedAt, now); m != "" {
			f["notified_on"] = m
		}
		bids, err := tx.Bids(ctx, p.ID, l.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(bidderIDs(bids), in.ClaimantOrgID) {
			f["claimant_org_id"] = "Choose a bidder for this lot: only a bidder can challenge the award"
		}
		if len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		pr = Proceeding{ID: newID(), RecommendationID: r.ID, LotID: l.ID, ProcurementID: p.ID, ClaimantOrgID: in.ClaimantOrgID,
			Court: in.Court, ClaimReference: in.ClaimReference, Note: in.Note, NotifiedOn: notified, RecordedBy: a.UserID, RecordedAt: now}
		if err := tx.AddProceeding(ctx, &pr); err != nil {
			return err
		}
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.proceedings_recorded", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "proceeding": pr.ID, "claimant": pr.ClaimantOrgID, "court": pr.Court,
				"claim_reference": pr.ClaimReference, "notified_on": in.NotifiedOn, "note": pr.Note}))
	})
	return pr, err
}

// EndSuspension records that the suspension one proceeding brought has ended, when and how.
// Once every proceeding against the recommendation has ended, the contract may be entered into
// again (subject to standstill and representations). Ending one twice is refused; one that was
// never recorded is not found.
func (s *Service) EndSuspension(ctx context.Context, a *access.Actor, lotID, proceedingID string, in SuspensionEndInput) (Proceeding, error) {
	if f := CheckSuspensionEnd(&in); f != nil {
		return Proceeding{}, apperr.InvalidFields(f)
	}
	ended, _ := ukDate(in.EndedOn)
	var pr Proceeding
	err := s.Store.Tx(ctx, func(tx *Store) error {
		p, l, r, err := s.leadRecommendation(ctx, tx, a, lotID)
		if err != nil {
			return err
		}
		if r == nil || !validID(proceedingID) {
			return apperr.NotFoundf("Proceedings not found")
		}
		ps, err := tx.Proceedings(ctx, r.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ps, func(x Proceeding) bool { return x.ID == proceedingID })
		if i < 0 {
			return apperr.NotFoundf("Proceedings not found")
		}
		pr = ps[i]
		if pr.EndedOn != nil {
			return apperr.Conflictf("The end of this suspension has already been recorded")
		}
		now := s.Now()
		if m := SuspensionEndDayProblem(ended, pr.NotifiedOn, now); m != "" {
			return apperr.InvalidFields(map[string]string{"ended_on": m})
		}
		how := in.How
		pr.EndedOn, pr.EndedHow, pr.EndNote, pr.EndedBy, pr.EndRecordedAt = &ended, &how, in.Note, a.UserID, &now
		if err := tx.EndProceeding(ctx, &pr); err != nil {
			return err
		}
		ps[i] = pr
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "award.suspension_ended", "lot", l.ID,
			map[string]any{"recommendation": r.ID, "proceeding": pr.ID, "claimant": pr.ClaimantOrgID, "ended_on": in.EndedOn,
				"how": string(in.How), "note": pr.EndNote, "still_suspended": ContractSuspended(ps)}))
	})
	return pr, err
}

// --- the award, as the lead and the approvers see it (Part 2) ---

// AwardView is a lot's award: every recommendation with the decisions and representations on
// it, and the contract. A Part 2 matter: only the lead and the lot's approvers see it.
type AwardView struct {
	Recommendations []AwardRecommendation
	Approvals       map[string][]AwardApproval  // by recommendation id
	Representations map[string][]Representation // by recommendation id
	Proceedings     map[string][]Proceeding     // by recommendation id (PCR 2015 only)
	Bidders         []Bidder                    // the lot's bidders: who could bring proceedings
	Contract        *ContractAward
}

// Award shows a lot's award to those who may see it.
func (s *Service) Award(ctx context.Context, a *access.Actor, lotID string) (AwardView, error) {
	v := AwardView{Approvals: map[string][]AwardApproval{}, Representations: map[string][]Representation{}, Proceedings: map[string][]Proceeding{}}
	p, l, _, err := s.awardLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return v, err
	}
	var st lotState
	if err := st.loadBids(ctx, s.Store, p, l); err != nil {
		return v, err
	}
	v.Bidders = st.bidders
	if v.Recommendations, err = s.Store.Recommendations(ctx, l.ID); err != nil {
		return v, err
	}
	for _, r := range v.Recommendations {
		if v.Approvals[r.ID], err = s.Store.Approvals(ctx, r.ID); err != nil {
			return v, err
		}
		if v.Representations[r.ID], err = s.Store.Representations(ctx, r.ID); err != nil {
			return v, err
		}
		if v.Proceedings[r.ID], err = s.Store.Proceedings(ctx, r.ID); err != nil {
			return v, err
		}
	}
	v.Contract, err = s.Store.ContractAward(ctx, l.ID)
	return v, err
}
