package award

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/evaluation"
	"golive/lots"
	"golive/tenants/access"
)

// The evaluation and award of the seeds' procurements, replayed through the service on a clock
// that walks through 2016 and 2018 (as lots.LoadDemo does for the procurements), so the demo's
// panels, marks, consensus, approvals, standstill and contracts went through every rule and left
// a true audit trail:
//
//   - Kent and Medway lot 1 (NHS 111 and CAS): two Medway evaluators and Healthwatch Kent's
//     reviewer on the patient questions; one declared conflict; independent marks; moderation;
//     prices opened; Weald Ambulance Service recommended in July 2018, approved by all eight
//     governing bodies, standstill, contract awarded from 1 April 2019 for five years.
//   - Kent and Medway lot 2 (UTCs and GP out of hours): panel formed, declarations made, the
//     evaluators part-way through their marks, nobody submitted.
//   - Luton and Bedfordshire: evaluated by an evaluator of each CCG and awarded to North Downs
//     GP Federation (fictional, in the place of the seed's real provider) for five years from
//     1 April 2017.
//
// Each step is its own function so that the mobilisation demo can continue from the contracts.

// Demo is what LoadDemo found or made: the demo lots and the contracts mobilisation starts from.
type Demo struct {
	Loaded           bool     // something was added this time
	Skipped          []string // parts left out, with the reason
	KentLot1         string   // lot ids; "" when the lots demo is absent
	KentLot2         string
	Luton            string
	KentLot1Contract *Contract
	LutonContract    *Contract
}

// Demo sign-ins the evaluation uses.
const (
	demoKentLead   = "lead@medway-ccg.test"
	demoBedsLead   = "lead@bedfordshire-ccg.test"
	demoClinical   = "evaluator@medway-ccg.test"      // Dr Sam Evaluator, Medway CCG
	demoFinance    = "finance@medway-ccg.test"        // Nic Finance, Medway CCG
	demoReviewer   = "reviewer@healthwatch-kent.test" // Robin Reviewer, Healthwatch Kent
	demoLutonEval  = "evaluator@luton-ccg.test"
	demoBedsEval   = "evaluator@bedfordshire-ccg.test"
	demoWeald      = "Weald Ambulance Service NHS Trust"
	demoEstuary    = "Estuary Urgent Care CIC"
	demoCoast      = "Channel Coast Health Partnership"
	demoNorthDowns = "North Downs GP Federation"
)

// The Kent and Medway governing bodies that decide on lot 1's award, with their approvers and
// the dates of the Part 2 meetings that approved Weald in July 2018 (the seeds: preferred
// bidders approved by August 2018). Lot 1 covers all eight CCGs.
var kentAwardMeetings = []struct{ approver, date string }{
	{"approver@ashford-ccg.test", "2018-07-12"}, {"approver@canterbury-ccg.test", "2018-07-12"},
	{"approver@skc-ccg.test", "2018-07-17"}, {"approver@thanet-ccg.test", "2018-07-17"},
	{"approver@westkent-ccg.test", "2018-07-19"}, {"approver@medway-ccg.test", "2018-07-24"},
	{"approver@dgs-ccg.test", "2018-07-26"}, {"approver@swale-ccg.test", "2018-07-26"},
}

// demoRun carries the clock and the first error: once a step fails, the later ones do nothing.
type demoRun struct {
	svc   Service
	eval  evaluation.Service
	lots  lots.Service
	clock time.Time
	actor lots.ActorFunc
	ctx   context.Context
	err   error
	seen  map[string]*access.Actor // a demo user's roles do not change during the replay
}

func demoTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, london)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func (d *demoRun) at(when string) { d.clock = demoTime(when) }

func (d *demoRun) as(email string) (*access.Actor, context.Context) {
	a, ok := d.seen[email]
	if !ok {
		var err error
		if a, err = d.actor(d.ctx, email); err != nil {
			d.fail("sign in as "+email, err)
			return &access.Actor{}, d.ctx
		}
		d.seen[email] = a
	}
	return a, database.WithTenant(d.ctx, a.OrgID)
}

func (d *demoRun) fail(what string, err error) {
	if d.err == nil {
		d.err = fmt.Errorf("demo evaluation: %s: %w", what, err)
	}
}

func (d *demoRun) do(what string, f func() error) {
	if d.err != nil {
		return
	}
	if err := f(); err != nil {
		d.fail(what, err)
	}
}

// demoLot is a demo lot as its lead sees it: questions by number, bidders by name.
type demoLot struct {
	id     string
	lead   string // the lead's email
	q      map[string]lots.Question
	bidder map[string]string // name → organisation id
}

// findLot finds lot number n of the lead's procurement with the reference; ok is false when the
// lots demo did not create it (the lead's tenant had procurements already).
func (d *demoRun) findLot(leadEmail, reference string, n int) (demoLot, bool) {
	l := demoLot{lead: leadEmail, q: map[string]lots.Question{}, bidder: map[string]string{}}
	if d.err != nil {
		return l, false
	}
	lead, ctx := d.as(leadEmail)
	list, err := d.lots.Procurements(ctx, lead)
	if err != nil {
		d.fail("procurements of "+leadEmail, err)
		return l, false
	}
	i := slices.IndexFunc(list, func(p lots.ProcurementSummary) bool { return p.Reference == reference })
	if i < 0 {
		return l, false
	}
	v, err := d.lots.Procurement(ctx, lead, list[i].ID)
	if err != nil {
		d.fail("procurement "+reference, err)
		return l, false
	}
	j := slices.IndexFunc(v.Lots, func(x lots.LotView) bool { return x.Number == n })
	if j < 0 {
		return l, false
	}
	l.id = v.Lots[j].ID
	for _, q := range v.Lots[j].Questions {
		l.q[q.Number] = q
	}
	pv, err := d.eval.Panel(ctx, lead, l.id)
	if err != nil {
		d.fail(fmt.Sprintf("panel of %s lot %d", reference, n), err)
		return l, false
	}
	for _, b := range pv.Bidders {
		l.bidder[b.Name] = b.OrgID
	}
	return l, true
}

// hasPanel reports whether the lot's panel has been formed: the demo evaluation of that lot
// was loaded before.
func (d *demoRun) hasPanel(l demoLot) bool {
	if d.err != nil {
		return true
	}
	lead, ctx := d.as(l.lead)
	pv, err := d.eval.Panel(ctx, lead, l.id)
	if err != nil {
		d.fail("panel", err)
		return true
	}
	return len(pv.Members) > 0
}

// missingUsers lists the demo sign-ins that do not exist: a data directory loaded by an older
// demo lacks the users added since.
func (d *demoRun) missingUsers(emails ...string) []string {
	var out []string
	for _, e := range emails {
		if _, err := d.actor(d.ctx, e); apperr.IsKind(err, apperr.NotFound) {
			out = append(out, e)
		} else if err != nil {
			d.fail("sign in as "+e, err)
		}
	}
	return out
}

// LoadDemo replays the evaluation and award of the demo procurements that lots.LoadDemo
// created. A lot whose panel exists already is left as it is, so running it again does nothing.
func (s *Service) LoadDemo(ctx context.Context, actor lots.ActorFunc) (Demo, error) {
	d := &demoRun{svc: *s, eval: *s.Eval, actor: actor, ctx: ctx, seen: map[string]*access.Actor{}}
	if s.Eval.Lots != nil {
		d.lots = *s.Eval.Lots
	}
	clock := func() time.Time { return d.clock }
	d.svc.Now, d.eval.Now, d.lots.Now = clock, clock, clock
	d.eval.Lots, d.svc.Eval = &d.lots, &d.eval
	var out Demo

	if l1, ok := d.findLot(demoKentLead, "KM-IUCS-2018", 1); ok {
		out.KentLot1 = l1.id
		if !d.hasPanel(l1) {
			d.kentLot1(l1)
			out.Loaded = d.err == nil
		}
		out.KentLot1Contract = d.contract(l1)
	}
	if l2, ok := d.findLot(demoKentLead, "KM-IUCS-2018", 2); ok {
		out.KentLot2 = l2.id
		if !d.hasPanel(l2) {
			d.kentLot2(l2)
			out.Loaded = d.err == nil
		}
	}
	if lb, ok := d.findLot(demoBedsLead, "LB-IUC-2016", 1); ok {
		out.Luton = lb.id
		if missing := d.missingUsers(demoLutonEval, demoBedsEval); len(missing) > 0 {
			out.Skipped = append(out.Skipped, "Luton and Bedfordshire's evaluation: this data directory has no "+strings.Join(missing, " or ")+
				" (added to the demo later); load the demo into an empty data directory to see it")
		} else if !d.hasPanel(lb) {
			d.lutonAndBedfordshire(lb)
			out.Loaded = d.err == nil
		}
		out.LutonContract = d.contract(lb)
	}
	if d.err != nil {
		return Demo{}, d.err
	}
	return out, nil
}

// contract is the lot's contract award, if any, as its lead reads it.
func (d *demoRun) contract(l demoLot) *Contract {
	if d.err != nil {
		return nil
	}
	lead, ctx := d.as(l.lead)
	v, err := d.svc.Award(ctx, lead, l.id)
	if apperr.IsKind(err, apperr.Conflict) {
		return nil // the lot's prices are not open yet: no award either
	}
	if err != nil {
		d.fail("award", err)
		return nil
	}
	return v.Contract
}

// --- the steps every lot goes through ---

// demoMember is an evaluator put on a panel with the questions they score.
type demoMember struct {
	email     string
	questions []string // numbers
}

func (d *demoRun) formPanel(l demoLot, members ...demoMember) {
	lead, ctx := d.as(l.lead)
	for _, m := range members {
		ev, _ := d.as(m.email)
		in := evaluation.EvaluatorInput{UserID: ev.UserID}
		for _, n := range m.questions {
			in.Questions = append(in.Questions, l.q[n].ID)
		}
		d.do("panel: add "+m.email, func() error {
			_, err := d.eval.AddEvaluator(ctx, lead, l.id, in)
			return err
		})
	}
}

// declare records an evaluator's declarations about every bidder of the lot: no interest,
// except for the bidders named in conflicts (name → the reason).
func (d *demoRun) declare(l demoLot, email string, conflicts map[string]string) {
	a, ctx := d.as(email)
	names := make([]string, 0, len(l.bidder))
	for n := range l.bidder {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		in := evaluation.DeclarationInput{BidderOrgID: l.bidder[n], Decision: evaluation.NoInterest}
		if reason, ok := conflicts[n]; ok {
			in.Decision, in.Reason = evaluation.Conflicted, reason
		}
		d.do("declare "+email+" about "+n, func() error { return d.eval.Declare(ctx, a, l.id, in) })
	}
}

// demoMark is one evaluator's mark of one question for one bidder, or a consensus (who ""). On
// a pass/fail question a mark of 1 is a pass and 0 a fail.
type demoMark struct {
	q, bidder, who string
	mark           int
	note           string
}

func (d *demoRun) score(l demoLot, m demoMark) {
	a, ctx := d.as(m.who)
	q := l.q[m.q]
	in := evaluation.ScoreInput{QuestionID: q.ID, BidderOrgID: l.bidder[m.bidder], Rationale: m.note}
	in.Score, in.Passed = markOf(q, m.mark)
	d.do(fmt.Sprintf("%s scores %s for %s", m.who, m.q, m.bidder), func() error { return d.eval.RecordScore(ctx, a, l.id, in) })
}

func markOf(q lots.Question, mark int) (*int, *bool) {
	if q.Kind == lots.PassFail {
		passed := mark > 0
		return nil, &passed
	}
	return &mark, nil
}

func (d *demoRun) submit(l demoLot, email string) {
	a, ctx := d.as(email)
	d.do("submit "+email, func() error { return d.eval.SubmitScores(ctx, a, l.id) })
}

// moderate starts moderation of each question the consensus marks name, in questionnaire
// order, and records them.
func (d *demoRun) moderate(l demoLot, consensus []demoMark) {
	lead, ctx := d.as(l.lead)
	started := map[string]bool{}
	for _, c := range consensus {
		if !started[c.q] {
			started[c.q] = true
			d.do("start moderation of "+c.q, func() error { return d.eval.StartModeration(ctx, lead, l.id, l.q[c.q].ID) })
		}
		q := l.q[c.q]
		in := evaluation.ConsensusInput{QuestionID: q.ID, BidderOrgID: l.bidder[c.bidder], Rationale: c.note}
		in.Score, in.Passed = markOf(q, c.mark)
		d.do(fmt.Sprintf("consensus %s for %s", c.q, c.bidder), func() error { return d.eval.RecordConsensus(ctx, lead, l.id, in) })
	}
}

// openPrices opens the price envelopes and returns the ranking.
func (d *demoRun) openPrices(l demoLot) evaluation.ResultsView {
	lead, ctx := d.as(l.lead)
	d.do("open prices", func() error { return d.eval.OpenPrices(ctx, lead, l.id) })
	var v evaluation.ResultsView
	d.do("results", func() (err error) {
		v, err = d.eval.Results(ctx, lead, l.id)
		return err
	})
	return v
}

// recommend recommends the first-ranked bidder, giving its scores against the runner-up's.
func (d *demoRun) recommend(l demoLot, v evaluation.ResultsView, why string) evaluation.Result {
	var first, second evaluation.Result
	for _, r := range v.Results {
		switch r.Rank {
		case 1:
			first = r
		case 2:
			second = r
		}
	}
	if d.err == nil && first.Bidder == "" {
		d.fail("recommend", fmt.Errorf("no bid ranked first"))
		return first
	}
	reason := fmt.Sprintf("%s ranks first with %s%% (quality %s%%, price %s%%)", v.Names[first.Bidder], first.TotalPercent(), first.QualityPercent(), first.PriceScorePercent())
	if second.Bidder != "" {
		reason += fmt.Sprintf(", ahead of %s with %s%%", v.Names[second.Bidder], second.TotalPercent())
	}
	reason += ". " + why
	lead, ctx := d.as(l.lead)
	d.do("recommend", func() error {
		_, err := d.svc.Recommend(ctx, lead, l.id, RecommendInput{BidderOrgID: first.Bidder, Reason: reason})
		return err
	})
	return first
}

// approve records a governing body's Part 2 approval of the recommendation.
func (d *demoRun) approve(l demoLot, approver, meeting string) {
	d.at(meeting + " 17:30")
	a, ctx := d.as(approver)
	reason := fmt.Sprintf("Approved in Part 2 of the governing body meeting of %s (minute GB/%s/P2).",
		demoTime(meeting+" 12:00").In(london).Format("2 January 2006"), strings.ReplaceAll(meeting, "-", ""))
	d.do("award approval by "+approver, func() error {
		return d.svc.DecideAward(ctx, a, l.id, AwardDecisionInput{Decision: "approve", Reason: reason})
	})
}

// awardContract records the contract to the recommended bidder at its total bid price.
func (d *demoRun) awardContract(l demoLot, winner evaluation.Result, reference string, start time.Time, years int) {
	lead, ctx := d.as(l.lead)
	d.do("award contract "+reference, func() error {
		_, err := d.svc.AwardContract(ctx, lead, l.id, ContractInput{ContractReference: reference, StartDate: start, TermYears: years, ValuePence: winner.PricePence})
		return err
	})
}

// --- Kent and Medway, lot 1: NHS 111 with an integrated clinical assessment service ---

// The conflict Nic Finance declared on both Kent and Medway lots.
const demoFinanceConflict = "Seconded to Estuary Urgent Care CIC as interim head of finance from October 2017 to March 2018; I still hold a bank contract with them."

func (d *demoRun) kentLot1(l demoLot) {
	d.kentLot1Panel(l)
	d.kentLot1Declarations(l)
	d.kentLot1Scores(l)
	d.kentLot1Moderation(l)
	v := d.kentLot1Prices(l)
	winner := d.kentLot1Recommendation(l, v)
	d.kentLot1Approvals(l)
	d.kentLot1Contract(l, winner)
}

// kentLot1Panel: the clinical evaluator scores every quality question; the finance evaluator
// the capacity, workforce, mobilisation, resilience and compliance ones; Healthwatch Kent the
// patient experience section.
func (d *demoRun) kentLot1Panel(l demoLot) {
	d.at("2018-05-08 09:30")
	d.formPanel(l,
		demoMember{demoClinical, []string{"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"}},
		demoMember{demoFinance, []string{"1.1", "1.9", "3.1", "3.2", "4.1", "4.2"}},
		demoMember{demoReviewer, []string{"2.1", "2.2"}},
	)
}

func (d *demoRun) kentLot1Declarations(l demoLot) {
	d.at("2018-05-08 11:00")
	d.declare(l, demoClinical, nil)
	d.declare(l, demoFinance, map[string]string{demoEstuary: demoFinanceConflict})
	d.at("2018-05-09 10:15")
	d.declare(l, demoReviewer, nil)
}

// kentLot1Marks are the panel's independent marks. Nic Finance, conflicted, marks only Weald.
var kentLot1Marks = []demoMark{
	{"1.1", demoWeald, demoClinical, 3, "Modelled on 2016/17 call volumes with Saturday morning and bank holiday peaks; 95% answered within 60 seconds, backed by the trust's other 111 sites as a virtual call centre. Nothing specific on staffing the Easter weekend surge locally."},
	{"1.1", demoWeald, demoFinance, 4, "Capacity plan costed line by line against the activity model, overtime premium for peaks included. The call answering standard is met in every month of their sensitivity analysis. Best-evidenced answer to this question."},
	{"1.2", demoWeald, demoClinical, 4, "Multidisciplinary CAS around the clock: GPs, ANPs, paramedics, pharmacists and a mental health nurse, with a dental nurse at weekends. Clinical queue managed by disposition with call-back times; a GP always on the floor. Excellent."},
	{"1.3", demoWeald, demoClinical, 3, "Hear and treat rising to 25% by year 2, with a 72-hour re-contact audit and clear safety-netting scripts. Would have liked evidence from their current service rather than projections."},
	{"1.4", demoWeald, demoClinical, 3, "Direct booking into GP out-of-hours and UTC slots through the national standards; DoS lead named. Booking into in-hours general practice is only 'in development'."},
	{"1.5", demoWeald, demoClinical, 2, "Relies on the Summary Care Record and special patient notes; no view of GP records or the Kent and Medway Care Record until year 2. Meets the requirement, with reservations."},
	{"1.6", demoWeald, demoClinical, 3, "Frequent-caller plan with named care coordinators and links to community teams; end-of-life patients flagged from EPaCCS. Good."},
	{"1.7", demoWeald, demoClinical, 2, "Strong on the 999 interface (ambulance validation), weak on face-to-face care: handover to the UTCs and to home visits is described in general terms only."},
	{"1.8", demoWeald, demoClinical, 3, "Pharmacist-led repeat prescription line and emergency supply through community pharmacy; controlled drugs governance clear. Electronic prescribing only from month 6."},
	{"1.9", demoWeald, demoClinical, 2, "Assumes 14 WTE sessional GPs from a market already short in Kent; the fall-back is more paramedic practitioners with no training plan for them. The clinical governance structure itself is fine."},
	{"1.9", demoWeald, demoFinance, 4, "Workforce plan is fully costed: vacancy factor, agency cap and retention premium all visible in the financial model. Governance and clinical safety officer posts funded from day one."},
	{"2.1", demoWeald, demoClinical, 3, "Interpreting through Language Line, text relay and BSL video relay; easy-read information. Good, though little on people with no phone at all."},
	{"2.1", demoWeald, demoReviewer, 2, "Written for people who can use a phone. Nothing on how people who are digitally excluded or homeless reach the service, and the online offer is the national one only. Our members raised this at every engagement event."},
	{"2.2", demoWeald, demoClinical, 2, "Quarterly patient panel and complaints reported to the CCGs, but no description of how the learning changes the service."},
	{"2.2", demoWeald, demoReviewer, 3, "Commits to a patient reference group with Healthwatch Kent and Healthwatch Medway as members, quarterly 'you said, we did' reports and mystery shopping. A good answer."},
	{"3.1", demoWeald, demoClinical, 3, "Realistic eight-month plan: TUPE consultation, telephony cut-over in February, DoS profiling from October. Dependence on the incumbent's data acknowledged."},
	{"3.1", demoWeald, demoFinance, 3, "Mobilisation costs shown separately and within budget; named owners and a readiness gate. The risk register is thin on estates."},
	{"3.2", demoWeald, demoClinical, 4, "Two call centres with automatic failover, tested twice a year, plus national contingency with other 111 providers. Excellent."},
	{"3.2", demoWeald, demoFinance, 3, "Solid continuity and the second site is costed in. Scored 3 because recovery times after a cyber incident are not stated."},
	{"4.1", demoWeald, demoClinical, 1, "Registered with CQC for triage and medical advice provided remotely; certificate supplied."},
	{"4.1", demoWeald, demoFinance, 1, "Registration confirmed and matches the regulated activities in the specification."},
	{"4.2", demoWeald, demoClinical, 1, "Data Security and Protection Toolkit: standards met, 2017/18 assessment attached."},
	{"4.2", demoWeald, demoFinance, 1, "Toolkit submission confirmed as 'standards met'."},

	{"1.1", demoEstuary, demoClinical, 2, "One call centre in Gillingham; peaks go to an overflow subcontractor not yet contracted. Meets the answering standard on paper only."},
	{"1.2", demoEstuary, demoClinical, 3, "GP-rich CAS drawing on the North Downs federation's sessional pool; a good clinical mix, but no mental health clinician overnight."},
	{"1.3", demoEstuary, demoClinical, 3, "Clear self-care and hear-and-treat protocols written by their own GPs; a realistic 20% target."},
	{"1.4", demoEstuary, demoClinical, 4, "Books directly into every federation practice's extended-access slots, the out-of-hours bases and the UTCs; DoS profiling already done for their current OOH service. Best answer on booking."},
	{"1.5", demoEstuary, demoClinical, 3, "Read access to GP records from day one through the federation's record-sharing agreement, and a plan for the Kent and Medway Care Record. Good."},
	{"1.6", demoEstuary, demoClinical, 3, "Care plans shared with practices and frequent callers reviewed monthly by a named GP. End-of-life detail is thin."},
	{"1.7", demoEstuary, demoClinical, 4, "Genuinely integrated with face-to-face care: the same clinicians work in the CAS and the OOH bases, on a shared rota and record. Excellent."},
	{"1.8", demoEstuary, demoClinical, 2, "Repeats the national guidance without saying how their pharmacists will be deployed."},
	{"1.9", demoEstuary, demoClinical, 2, "Depends on federation GPs taking extra sessions, with no evidence of how many will. Governance sound; the numbers are not."},
	{"2.1", demoEstuary, demoClinical, 4, "Outreach through member practices, leaflets in the six main community languages, BSL video relay and a walk-in option at the OOH bases for people without a phone. Excellent."},
	{"2.1", demoEstuary, demoReviewer, 1, "Mostly leaflets and a website. Nothing for Deaf people who do not use BSL, and the walk-in option is at two bases that are hard to reach by public transport. Poor for the people we hear from."},
	{"2.2", demoEstuary, demoClinical, 3, "Member practices' patient participation groups feed in; complaints reviewed monthly and lessons shared."},
	{"2.2", demoEstuary, demoReviewer, 3, "Will invite Healthwatch to the quality committee and run an annual survey with us. Practical commitments."},
	{"3.1", demoEstuary, demoClinical, 2, "Generic plan: telephony procurement not started and TUPE from the current 111 provider underestimated."},
	{"3.2", demoEstuary, demoClinical, 2, "Single call centre; continuity relies on a subcontract that is not yet in place."},
	{"4.1", demoEstuary, demoClinical, 1, "CQC registration for out-of-hours and remote triage in place for both partners; certificates attached."},
	{"4.2", demoEstuary, demoClinical, 1, "Toolkit standards met by both partners."},
}

// kentLot1Consensus is the moderation meeting's record, in questionnaire order.
var kentLot1Consensus = []demoMark{
	{"1.1", demoWeald, "", 3, "Agreed 3. Capacity is well evidenced and costed, but the local plan for surge weekends is not: it leans on the trust's other sites."},
	{"1.1", demoEstuary, "", 2, "Agreed 2: the standard is met only once the overflow subcontract is signed."},
	{"1.2", demoWeald, "", 4, "Agreed 4: a full multidisciplinary CAS around the clock, mental health included."},
	{"1.2", demoEstuary, "", 3, "Agreed 3: strong GP input; overnight mental health cover is a gap."},
	{"1.3", demoWeald, "", 3, "Agreed 3: sound safety-netting; the targets are projections rather than evidence."},
	{"1.3", demoEstuary, "", 3, "Agreed 3: clear protocols and a realistic target."},
	{"1.4", demoWeald, "", 3, "Agreed 3: out-of-hours and UTC booking in place; in-hours practice booking not yet."},
	{"1.4", demoEstuary, "", 4, "Agreed 4: direct booking across practices, OOH bases and UTCs, already working today."},
	{"1.5", demoWeald, "", 2, "Agreed 2: record access limited to the Summary Care Record until year 2."},
	{"1.5", demoEstuary, "", 3, "Agreed 3: GP record access from day one."},
	{"1.6", demoWeald, "", 3, "Agreed 3: frequent callers and end-of-life patients identified and coordinated."},
	{"1.6", demoEstuary, "", 3, "Agreed 3; end-of-life coordination to be strengthened in mobilisation."},
	{"1.7", demoWeald, "", 2, "Agreed 2: the interface with face-to-face urgent care is not described in operational terms."},
	{"1.7", demoEstuary, "", 4, "Agreed 4: shared clinicians, rota and record across the CAS and face-to-face services."},
	{"1.8", demoWeald, "", 3, "Agreed 3; electronic prescribing from month 6 noted as a mobilisation risk."},
	{"1.8", demoEstuary, "", 2, "Agreed 2: pharmacist deployment not described."},
	{"1.9", demoWeald, "", 3, "Wide spread (2 and 4) discussed: the plan is fully funded, but the GP numbers are optimistic for Kent. Agreed 3, with GP recruitment a contract monitoring point."},
	{"1.9", demoEstuary, "", 2, "Agreed 2: the workforce numbers rest on untested assumptions about federation sessions."},
	{"2.1", demoWeald, "", 2, "The panel accepted Healthwatch's point on digitally excluded people: the requirement is met for phone users only. Agreed 2."},
	{"2.1", demoEstuary, "", 2, "Widest spread of the lot (4 and 1). The outreach through practices is real, but the panel agreed with Healthwatch that Deaf people and people without transport are not provided for. Moderated to 2."},
	{"2.2", demoWeald, "", 3, "Agreed 3: the Healthwatch reference group and published feedback reports are concrete commitments."},
	{"2.2", demoEstuary, "", 3, "Agreed 3: both evaluators found the commitments practical."},
	{"3.1", demoWeald, "", 3, "Agreed 3: a realistic plan with owners and a readiness gate; estates risks to be tracked in mobilisation."},
	{"3.1", demoEstuary, "", 2, "Agreed 2: telephony and TUPE risks not addressed."},
	{"3.2", demoWeald, "", 4, "Agreed 4: tested dual-site failover; cyber recovery times to be confirmed before contract."},
	{"3.2", demoEstuary, "", 2, "Agreed 2: continuity depends on an unsigned subcontract."},
	{"4.1", demoWeald, "", 1, "Pass: CQC registration evidenced for the regulated activities."},
	{"4.1", demoEstuary, "", 1, "Pass: CQC registration evidenced for both partners."},
	{"4.2", demoWeald, "", 1, "Pass: Data Security and Protection Toolkit standards met."},
	{"4.2", demoEstuary, "", 1, "Pass: Data Security and Protection Toolkit standards met by both partners."},
}

// kentLot1Scores: each evaluator marks alone over the following weeks, then submits.
func (d *demoRun) kentLot1Scores(l demoLot) {
	days := map[string]string{demoClinical: "2018-05-14", demoFinance: "2018-05-21", demoReviewer: "2018-05-23"}
	for i, m := range kentLot1Marks {
		t := demoTime(days[m.who] + " 09:00").Add(time.Duration(i) * 37 * time.Minute)
		d.clock = t
		d.score(l, m)
	}
	d.at("2018-06-08 16:00")
	d.submit(l, demoClinical)
	d.at("2018-06-11 12:00")
	d.submit(l, demoFinance)
	d.at("2018-06-12 15:30")
	d.submit(l, demoReviewer)
}

// kentLot1Moderation: the moderation meeting of 20 and 21 June 2018.
func (d *demoRun) kentLot1Moderation(l demoLot) {
	d.at("2018-06-20 10:00")
	d.moderate(l, kentLot1Consensus[:16])
	d.at("2018-06-21 10:00")
	d.moderate(l, kentLot1Consensus[16:])
}

func (d *demoRun) kentLot1Prices(l demoLot) evaluation.ResultsView {
	d.at("2018-06-22 10:00")
	return d.openPrices(l)
}

// kentLot1Recommendation: the lead recommends the first-ranked bid on 2 July 2018.
func (d *demoRun) kentLot1Recommendation(l demoLot, v evaluation.ResultsView) evaluation.Result {
	d.at("2018-07-02 11:00")
	return d.recommend(l, v, "Strongest clinical assessment service and business continuity; Estuary's lower price does not make up for call handling that depends on an unsigned subcontract.")
}

// kentLot1Approvals: each of the eight governing bodies approves in Part 2; the last approval
// starts the PCR 2015 standstill of ten calendar days and sends the letters.
func (d *demoRun) kentLot1Approvals(l demoLot) {
	for _, m := range kentAwardMeetings {
		d.approve(l, m.approver, m.date)
	}
}

// kentLot1Contract: after standstill, the contract from 1 April 2019 for five years.
func (d *demoRun) kentLot1Contract(l demoLot, winner evaluation.Result) {
	d.at("2018-08-07 10:00")
	d.awardContract(l, winner, "KM-IUCS-2018-L1", demoTime("2019-04-01 00:00"), 5)
}

// --- Kent and Medway, lot 2: UTCs and GP-led out of hours, being scored ---

func (d *demoRun) kentLot2(l demoLot) {
	d.kentLot2Panel(l)
	d.kentLot2Declarations(l)
	d.kentLot2Scores(l)
}

func (d *demoRun) kentLot2Panel(l demoLot) {
	d.at("2018-06-25 09:30")
	d.formPanel(l,
		demoMember{demoClinical, []string{"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "3.1", "4.1", "4.2"}},
		demoMember{demoFinance, []string{"1.6", "3.1", "4.1", "4.2"}},
		demoMember{demoReviewer, []string{"2.1", "2.2"}},
	)
}

func (d *demoRun) kentLot2Declarations(l demoLot) {
	d.at("2018-06-25 14:00")
	d.declare(l, demoClinical, nil)
	d.declare(l, demoFinance, map[string]string{demoEstuary: demoFinanceConflict})
	d.at("2018-06-26 09:45")
	d.declare(l, demoReviewer, nil)
}

// kentLot2Marks: part-way, nobody has submitted. Nic Finance has not started.
var kentLot2Marks = []demoMark{
	{"1.1", demoCoast, demoClinical, 3, "GP-led at all three sites for 12 hours a day; rota shows GP cover at Sheppey from existing partnership GPs. Weekend nights at Medway rely on locums."},
	{"1.1", demoEstuary, demoClinical, 4, "Federation GPs lead every centre with a named clinical lead per site and 14-hour opening at Medway. Fully staffed rota attached."},
	{"1.2", demoCoast, demoClinical, 2, "Walk-in is well described; booking from 111 is promised but the slot-sharing arrangement with the CAS provider is not."},
	{"1.2", demoEstuary, demoClinical, 3, "Bookable slots already offered to 111 for their OOH service; same model extended to the UTCs."},
	{"1.3", demoCoast, demoClinical, 3, "X-ray on site at Medway and Gravesham, point-of-care bloods and ECG everywhere; Sheppey X-ray hours limited to weekdays."},
	{"2.1", demoCoast, demoReviewer, 3, "Live waiting times on screens and online, and a text when you are next. Patient experience measured through Friends and Family and a Healthwatch-run survey. Good."},
}

func (d *demoRun) kentLot2Scores(l demoLot) {
	for i, m := range kentLot2Marks {
		d.clock = demoTime("2018-07-02 09:30").Add(time.Duration(i) * 26 * time.Hour)
		d.score(l, m)
	}
}

// --- Luton and Bedfordshire: evaluated and awarded in 2016 ---

func (d *demoRun) lutonAndBedfordshire(l demoLot) {
	d.lutonPanel(l)
	d.lutonDeclarations(l)
	d.lutonScores(l)
	d.lutonModeration(l)
	v := d.lutonPrices(l)
	winner := d.lutonRecommendation(l, v)
	d.lutonApprovals(l)
	d.lutonContract(l, winner)
}

var lutonQuestions = []string{"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"}

// lutonPanel: one evaluator from each CCG scores every quality question. Luton and
// Bedfordshire's public engagement informed the questions; no Healthwatch sat on this panel.
func (d *demoRun) lutonPanel(l demoLot) {
	d.at("2016-09-12 09:30")
	d.formPanel(l, demoMember{demoLutonEval, lutonQuestions}, demoMember{demoBedsEval, lutonQuestions})
}

func (d *demoRun) lutonDeclarations(l demoLot) {
	d.at("2016-09-12 11:00")
	d.declare(l, demoLutonEval, nil)
	d.declare(l, demoBedsEval, nil)
}

// lutonEvidence is what each bidder's answer to a question showed, for the notes.
var lutonEvidence = map[string][2]string{ // number → {North Downs, Channel Coast}
	"1.1": {"Call centre in Dunstable with overflow to a second site in Bedford; peak staffing modelled on the 2015/16 winter.", "Single site on the south coast; Luton and Bedfordshire peaks covered by a shared national queue."},
	"1.2": {"GP-led CAS using BEDOC and MEDOC sessional GPs, with nurses and pharmacists.", "Nurse-led CAS with GP sessions at evenings and weekends only."},
	"1.3": {"Self-care protocols with a 72-hour safety-net call.", "Hear and treat described, with no re-contact audit."},
	"1.4": {"Books into the out-of-hours bases in Luton, Bedford and Dunstable from day one.", "Booking into the OOH bases promised for month 3."},
	"1.5": {"GP records viewed through SystmOne and EMIS sharing across both CCGs.", "Summary Care Record only."},
	"1.6": {"Care plans for frequent callers agreed with practices.", "Frequent-caller reviews quarterly."},
	"1.7": {"Shared rota across 111 clinical advice and the OOH bases and home visits.", "OOH bases run separately from the CAS, linked by referral."},
	"1.8": {"Pharmacist on shift at peak times; emergency supply pathway.", "Prescribing by GPs only."},
	"1.9": {"Workforce drawn from the current OOH providers with a TUPE plan.", "Relies on recruiting 30 WTE call handlers locally."},
	"2.1": {"Interpreting, text relay and home visits for housebound patients.", "Interpreting and text relay; little on digital exclusion."},
	"2.2": {"Quarterly patient forum with Healthwatch Luton and Healthwatch Bedford Borough.", "Annual survey and complaints reports."},
	"3.1": {"Mobilisation from November, telephony cut-over tested in February.", "Plan generic; telephony supplier not named."},
	"3.2": {"The Dunstable and Bedford sites fail over to each other, tested quarterly.", "Relies on the national contingency only."},
	"4.1": {"CQC registration for remote triage and OOH in place.", "CQC registration in place."},
	"4.2": {"Toolkit level 2 met.", "Toolkit level 2 met."},
}

// lutonScores are the two evaluators' marks {Luton, Bedfordshire} and the consensus, for North
// Downs then Channel Coast. Pass/fail questions are 1 (pass).
var lutonScores = map[string][2][3]int{
	"1.1": {{3, 3, 3}, {2, 3, 2}}, "1.2": {{4, 3, 4}, {2, 2, 2}}, "1.3": {{3, 3, 3}, {2, 2, 2}},
	"1.4": {{3, 4, 3}, {2, 2, 2}}, "1.5": {{4, 4, 4}, {2, 2, 2}}, "1.6": {{3, 3, 3}, {2, 3, 2}},
	"1.7": {{4, 3, 4}, {2, 2, 2}}, "1.8": {{3, 3, 3}, {2, 1, 2}}, "1.9": {{3, 3, 3}, {2, 2, 2}},
	"2.1": {{3, 3, 3}, {2, 2, 2}}, "2.2": {{3, 3, 3}, {3, 2, 2}}, "3.1": {{3, 3, 3}, {2, 2, 2}},
	"3.2": {{3, 3, 3}, {2, 2, 2}}, "4.1": {{1, 1, 1}, {1, 1, 1}}, "4.2": {{1, 1, 1}, {1, 1, 1}},
}

var verdicts = [2][5]string{
	{"Unacceptable.", "Poor: significant gaps.", "Acceptable, with minor reservations.", "Good: fully met, with evidence.", "Excellent: strong evidence and added value."},
	{"Does not address the requirement.", "Only partly addressed.", "Meets the requirement; some reservations.", "Fully meets the requirement.", "Fully met with innovation; excellent."},
}

func lutonNote(q lots.Question, evidence string, mark, variant int) string {
	if q.Kind == lots.PassFail {
		if mark > 0 {
			return evidence + " Pass."
		}
		return evidence + " Fail."
	}
	return evidence + " " + verdicts[variant][mark]
}

func (d *demoRun) lutonScores(l demoLot) {
	bidders := [2]string{demoNorthDowns, demoCoast}
	for e, who := range []string{demoLutonEval, demoBedsEval} {
		for i, n := range lutonQuestions {
			for b, bidder := range bidders {
				mark := lutonScores[n][b][e]
				d.clock = demoTime("2016-09-13 09:00").Add(time.Duration(e)*26*time.Hour + time.Duration(i*2+b)*47*time.Minute)
				d.score(l, demoMark{n, bidder, who, mark, lutonNote(l.q[n], lutonEvidence[n][b], mark, e)})
			}
		}
	}
	d.at("2016-09-29 17:00")
	d.submit(l, demoLutonEval)
	d.at("2016-09-30 12:00")
	d.submit(l, demoBedsEval)
}

func (d *demoRun) lutonModeration(l demoLot) {
	d.at("2016-10-05 10:00")
	var cons []demoMark
	for _, n := range lutonQuestions {
		for b, bidder := range [2]string{demoNorthDowns, demoCoast} {
			s := lutonScores[n][b]
			note := "Agreed: " + lutonNote(l.q[n], lutonEvidence[n][b], s[2], 0)
			if s[0] != s[1] {
				note = fmt.Sprintf("Scores of %d and %d discussed; moderated to %d. %s", s[0], s[1], s[2], lutonNote(l.q[n], lutonEvidence[n][b], s[2], 0))
			}
			cons = append(cons, demoMark{n, bidder, "", s[2], note})
		}
	}
	d.moderate(l, cons)
}

func (d *demoRun) lutonPrices(l demoLot) evaluation.ResultsView {
	d.at("2016-10-05 16:00")
	return d.openPrices(l)
}

func (d *demoRun) lutonRecommendation(l demoLot, v evaluation.ResultsView) evaluation.Result {
	d.at("2016-10-07 11:00")
	return d.recommend(l, v, "Equal prices; the stronger clinical model, with GP-led clinical assessment and shared out-of-hours rotas across Luton and Bedfordshire.")
}

// lutonApprovals: both governing bodies approve in Part 2 in October 2016; the PCR 2015
// standstill runs ten calendar days from the second.
func (d *demoRun) lutonApprovals(l demoLot) {
	d.approve(l, "approver@luton-ccg.test", "2016-10-18")
	d.approve(l, "approver@bedfordshire-ccg.test", "2016-10-19")
}

// lutonContract: a five-year contract from 1 April 2017, awarded on 1 November 2016. The value
// is recorded but, as Bedfordshire CCG said, commercially sensitive: only those allowed see it.
func (d *demoRun) lutonContract(l demoLot, winner evaluation.Result) {
	d.at("2016-11-01 09:00")
	d.awardContract(l, winner, "LB-IUC-2016-01", demoTime("2017-04-01 00:00"), 5)
}
