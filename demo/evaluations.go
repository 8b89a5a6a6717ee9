package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/lots"
)

// The evaluation of the seeds' procurements, replayed through the evaluation service on a clock
// that walks through 2016 and 2018, and the awards that follow it (awards.go):
//
//   - Kent and Medway lot 1 (NHS 111 and CAS): two Medway evaluators and Healthwatch Kent's
//     reviewer on the patient questions; one declared conflict; independent marks; moderation;
//     prices opened; Weald Ambulance Service recommended in July 2018, approved by all eight
//     governing bodies, standstill, contract awarded from 1 April 2019 for five years.
//   - Kent and Medway lot 2 (UTCs and GP out of hours): panel formed, declarations made, the
//     evaluators part-way through their marks, nobody submitted. The mobilisation part, which
//     needs its contract, carries it on (finishKentLot2, awardKentLot2) in July and August 2018.
//   - Luton and Bedfordshire: evaluated by an evaluator of each CCG and awarded to North Downs
//     GP Federation (fictional, in the place of the seed's real provider) for five years from
//     1 April 2017.

// Evaluated is what Evaluations found or made: the demo lots and the contracts mobilisation
// starts from.
type Evaluated struct {
	Loaded           bool     // something was added this time
	Skipped          []string // parts left out, with the reason
	KentLot1         string   // lot ids; "" when the procurements part did not make the lots
	KentLot2         string
	Luton            string
	KentLot1Contract *Contract
	LutonContract    *Contract
}

// Evaluations replays the evaluation and award of the demo procurements that Procurements made.
// A lot whose panel exists already is left as it is, so running it again does nothing.
func Evaluations(ctx context.Context, s Services) (Evaluated, error) {
	d := newReplay(ctx, s, "evaluation")
	var out Evaluated

	if l1, ok := d.findLot(demoKentLead, "KM-IUCS-2018", 1); ok {
		out.KentLot1 = l1.id
		if !d.hasPanel(l1) {
			d.evaluateKentLot1(l1)
			out.Loaded = d.err == nil
		}
		out.KentLot1Contract = d.contract(l1)
	}
	if l2, ok := d.findLot(demoKentLead, "KM-IUCS-2018", 2); ok {
		out.KentLot2 = l2.id
		if !d.hasPanel(l2) {
			d.evaluateKentLot2(l2)
			out.Loaded = d.err == nil
		}
	}
	if lb, ok := d.findLot(demoBedsLead, "LB-IUC-2016", 1); ok {
		out.Luton = lb.id
		if missing := d.missingUsers(demoLutonEval, demoBedsEval); len(missing) > 0 {
			out.Skipped = append(out.Skipped, "Luton and Bedfordshire's evaluation: this data directory has no "+strings.Join(missing, " or ")+
				" (added to the demo later); load the demo into an empty data directory to see it")
		} else if !d.hasPanel(lb) {
			d.evaluateLutonAndBedfordshire(lb)
			out.Loaded = d.err == nil
		}
		out.LutonContract = d.contract(lb)
	}
	if d.err != nil {
		return Evaluated{}, d.err
	}
	return out, nil
}

// demoLot is a demo lot as its lead sees it: questions by number, bidders by name.
type demoLot struct {
	id     string
	lead   string // the lead's email
	q      map[string]lots.Question
	bidder map[string]string // name → organisation id
}

// findLot finds lot number n of the lead's procurement with the reference; ok is false when the
// procurements part did not make it (the lead's tenant had procurements already).
func (d *replay) findLot(leadEmail, reference string, n int) (demoLot, bool) {
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
func (d *replay) hasPanel(l demoLot) bool {
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
func (d *replay) missingUsers(emails ...string) []string {
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

// --- the steps every lot goes through ---

// demoMember is an evaluator put on a panel with the questions they score.
type demoMember struct {
	email     string
	questions []string // numbers
}

func (d *replay) formPanel(l demoLot, members ...demoMember) {
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
func (d *replay) declare(l demoLot, email string, conflicts map[string]string) {
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

func (d *replay) score(l demoLot, m demoMark) {
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

func (d *replay) submit(l demoLot, email string) {
	a, ctx := d.as(email)
	d.do("submit "+email, func() error { return d.eval.SubmitScores(ctx, a, l.id) })
}

// moderate starts moderation of each question the consensus marks name, in questionnaire
// order, and records them.
func (d *replay) moderate(l demoLot, consensus []demoMark) {
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
func (d *replay) openPrices(l demoLot) evaluation.ResultsView {
	lead, ctx := d.as(l.lead)
	d.do("open prices", func() error { return d.eval.OpenPrices(ctx, lead, l.id) })
	var v evaluation.ResultsView
	d.do("results", func() (err error) {
		v, err = d.eval.Results(ctx, lead, l.id)
		return err
	})
	return v
}

// --- Kent and Medway, lot 1: NHS 111 with an integrated clinical assessment service ---

// The conflict Nic Finance declared on both Kent and Medway lots.
const demoFinanceConflict = "Seconded to Estuary Urgent Care CIC as interim head of finance from October 2017 to March 2018; I still hold a bank contract with them."

func (d *replay) evaluateKentLot1(l demoLot) {
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
func (d *replay) kentLot1Panel(l demoLot) {
	d.at("2018-05-08 09:30")
	d.formPanel(l,
		demoMember{demoClinical, []string{"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"}},
		demoMember{demoFinance, []string{"1.1", "1.9", "3.1", "3.2", "4.1", "4.2"}},
		demoMember{demoReviewer, []string{"2.1", "2.2"}},
	)
}

func (d *replay) kentLot1Declarations(l demoLot) {
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
func (d *replay) kentLot1Scores(l demoLot) {
	days := map[string]string{demoClinical: "2018-05-14", demoFinance: "2018-05-21", demoReviewer: "2018-05-23"}
	for i, m := range kentLot1Marks {
		t := london(days[m.who] + " 09:00").Add(time.Duration(i) * 37 * time.Minute)
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
func (d *replay) kentLot1Moderation(l demoLot) {
	d.at("2018-06-20 10:00")
	d.moderate(l, kentLot1Consensus[:16])
	d.at("2018-06-21 10:00")
	d.moderate(l, kentLot1Consensus[16:])
}

func (d *replay) kentLot1Prices(l demoLot) evaluation.ResultsView {
	d.at("2018-06-22 10:00")
	return d.openPrices(l)
}

// --- Kent and Medway, lot 2: UTCs and GP-led out of hours, being scored ---

func (d *replay) evaluateKentLot2(l demoLot) {
	d.kentLot2Panel(l)
	d.kentLot2Declarations(l)
	d.kentLot2Scores(l)
}

func (d *replay) kentLot2Panel(l demoLot) {
	d.at("2018-06-25 09:30")
	d.formPanel(l,
		demoMember{demoClinical, []string{"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "3.1", "4.1", "4.2"}},
		demoMember{demoFinance, []string{"1.6", "3.1", "4.1", "4.2"}},
		demoMember{demoReviewer, []string{"2.1", "2.2"}},
	)
}

func (d *replay) kentLot2Declarations(l demoLot) {
	d.at("2018-06-25 14:00")
	d.declare(l, demoClinical, nil)
	d.declare(l, demoFinance, map[string]string{demoEstuary: demoFinanceConflict})
	d.at("2018-06-26 09:45")
	d.declare(l, demoReviewer, nil)
}

// kentLot2FirstMarks are the marks the panel had recorded by mid-July 2018 (when the evaluation
// part leaves the lot), one a day from 2 July: part-way, nobody has submitted, Nic Finance has
// not started. Their notes are in kentLot2Marks.
var kentLot2FirstMarks = []markKey{
	{"1.1", demoCoast, demoClinical}, {"1.1", demoEstuary, demoClinical}, {"1.2", demoCoast, demoClinical},
	{"1.2", demoEstuary, demoClinical}, {"1.3", demoCoast, demoClinical}, {"2.1", demoCoast, demoReviewer},
}

// markKey names an evaluator's mark of a question for a bidder.
type markKey struct{ q, bidder, who string }

// kentLot2Mark is the mark of kentLot2Marks that k names.
func kentLot2Mark(k markKey) demoMark {
	for _, m := range kentLot2Marks {
		if m.q == k.q && m.bidder == k.bidder && m.who == k.who {
			return m
		}
	}
	panic(fmt.Sprintf("no Kent and Medway lot 2 mark %+v", k))
}

func (d *replay) kentLot2Scores(l demoLot) {
	for i, k := range kentLot2FirstMarks {
		d.clock = london("2018-07-02 09:30").Add(time.Duration(i) * 26 * time.Hour)
		d.score(l, kentLot2Mark(k))
	}
}

// --- Luton and Bedfordshire: evaluated and awarded in 2016 ---

func (d *replay) evaluateLutonAndBedfordshire(l demoLot) {
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
func (d *replay) lutonPanel(l demoLot) {
	d.at("2016-09-12 09:30")
	d.formPanel(l, demoMember{demoLutonEval, lutonQuestions}, demoMember{demoBedsEval, lutonQuestions})
}

func (d *replay) lutonDeclarations(l demoLot) {
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

func (d *replay) lutonScores(l demoLot) {
	bidders := [2]string{demoNorthDowns, demoCoast}
	for e, who := range []string{demoLutonEval, demoBedsEval} {
		for i, n := range lutonQuestions {
			for b, bidder := range bidders {
				mark := lutonScores[n][b][e]
				d.clock = london("2016-09-13 09:00").Add(time.Duration(e)*26*time.Hour + time.Duration(i*2+b)*47*time.Minute)
				d.score(l, demoMark{n, bidder, who, mark, lutonNote(l.q[n], lutonEvidence[n][b], mark, e)})
			}
		}
	}
	d.at("2016-09-29 17:00")
	d.submit(l, demoLutonEval)
	d.at("2016-09-30 12:00")
	d.submit(l, demoBedsEval)
}

func (d *replay) lutonModeration(l demoLot) {
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

func (d *replay) lutonPrices(l demoLot) evaluation.ResultsView {
	d.at("2016-10-05 16:00")
	return d.openPrices(l)
}

// --- Kent and Medway, lot 2, carried on to its award ---

// kentLot2Marks is every mark of the lot's panel: Dr Sam Evaluator marks every clinical,
// mobilisation and compliance question, Nic Finance (conflicted with Estuary) the workforce,
// mobilisation and compliance ones for Channel Coast only, Healthwatch Kent's reviewer the patient
// experience ones. Those recorded already (kentLot2FirstMarks) are not recorded again.
var kentLot2Marks = []demoMark{
	{"1.1", demoCoast, demoClinical, 3, "GP-led at all three sites for 12 hours a day; rota shows GP cover at Sheppey from existing partnership GPs. Weekend nights at Medway rely on locums."},
	{"1.1", demoEstuary, demoClinical, 4, "Federation GPs lead every centre with a named clinical lead per site and 14-hour opening at Medway. Fully staffed rota attached."},
	{"1.2", demoCoast, demoClinical, 2, "Walk-in is well described; booking from 111 is promised but the slot-sharing arrangement with the CAS provider is not."},
	{"1.2", demoEstuary, demoClinical, 3, "Bookable slots already offered to 111 for their OOH service; same model extended to the UTCs."},
	{"1.3", demoCoast, demoClinical, 3, "X-ray on site at Medway and Gravesham, point-of-care bloods and ECG everywhere; Sheppey X-ray hours limited to weekdays."},
	{"1.3", demoEstuary, demoClinical, 3, "X-ray through the trusts' radiology under a service level agreement; point-of-care testing at every site; a transfer protocol for Sheppey at weekends."},
	{"1.4", demoCoast, demoClinical, 2, "Streaming by a nurse at the front door, but no agreement yet with Medway Maritime's emergency department on who streams out of hours."},
	{"1.4", demoEstuary, demoClinical, 4, "Joint streaming protocol drafted with the Medway emergency department's clinical director; a GP in the streaming role from 10:00 to 22:00."},
	{"1.5", demoCoast, demoClinical, 3, "Independent prescribers on every shift; patient group directions listed and signed off by the partnership's medicines group."},
	{"1.5", demoEstuary, demoClinical, 3, "Prescribing by GPs and advanced practitioners; patient group directions carried over from the federation's out-of-hours service."},
	{"1.6", demoCoast, demoClinical, 3, "Workforce model costed with a named clinical director; agency nurses cover the first six months."},
	{"1.6", demoEstuary, demoClinical, 3, "Federation GPs and advanced nurse practitioners with a clinical lead per site; the Sheppey GP sessions are not yet filled."},
	{"1.7", demoCoast, demoClinical, 2, "Links to GP out of hours by referral only; home visits run separately from the centres."},
	{"1.7", demoEstuary, demoClinical, 4, "One rota and one clinical record across the centres, GP out of hours and home visits, with the CAS booking into all three."},
	{"3.1", demoCoast, demoClinical, 3, "A plan per site with realistic July go-lives; the estates risk at Sheppey is named, with a fallback."},
	{"3.1", demoEstuary, demoClinical, 3, "Separate plans for April and July; TUPE from three outgoing providers mapped with dates."},
	{"4.1", demoCoast, demoClinical, 1, "CQC registration in place for the regulated activities; the new locations to be added before go-live."},
	{"4.1", demoEstuary, demoClinical, 1, "CQC registration of both partners in place; certificates attached."},
	{"4.2", demoCoast, demoClinical, 1, "Toolkit standards met."},
	{"4.2", demoEstuary, demoClinical, 1, "Toolkit standards met by both partners."},
	{"1.6", demoCoast, demoFinance, 3, "Staffing costs reconcile to the price schedule, agency premium included for the first six months."},
	{"3.1", demoCoast, demoFinance, 2, "The mobilisation budget is thin for three sites and a mobile unit: no contingency for the Sheppey estates works."},
	{"4.1", demoCoast, demoFinance, 1, "Registration certificates checked against the CQC register."},
	{"4.2", demoCoast, demoFinance, 1, "Toolkit publication checked."},
	{"2.1", demoCoast, demoReviewer, 3, "Live waiting times on screens and online, and a text when you are next. Patient experience measured through Friends and Family and a Healthwatch-run survey. Good."},
	{"2.1", demoEstuary, demoReviewer, 3, "Text updates and live waits, with a Healthwatch survey each year. Less on people who do not use smartphones."},
	{"2.2", demoCoast, demoReviewer, 2, "Little on reaching people on Sheppey without transport, or on interpreting at the centres."},
	{"2.2", demoEstuary, demoReviewer, 3, "Outreach through Sheppey community groups, interpreters on call and an easy-read leaflet, written with patients."},
}

// kentLot2Consensus is the moderation meeting's record of 23 and 24 July 2018.
var kentLot2Consensus = []demoMark{
	{"1.1", demoCoast, "", 3, "Agreed 3: GP-led at every site, with a reliance on locums at Medway at weekends."},
	{"1.1", demoEstuary, "", 4, "Agreed 4: fully staffed, GP-led rota with a named lead per site."},
	{"1.2", demoCoast, "", 2, "Agreed 2: booking from NHS 111 is not yet arranged with the CAS provider."},
	{"1.2", demoEstuary, "", 3, "Agreed 3: booking from NHS 111 already works for out of hours."},
	{"1.3", demoCoast, "", 3, "Agreed 3: diagnostics on site, with weekday-only X-ray at Sheppey."},
	{"1.3", demoEstuary, "", 3, "Agreed 3: diagnostics through the trusts, with a transfer protocol at weekends."},
	{"1.4", demoCoast, "", 2, "Agreed 2: no streaming agreement with the emergency department."},
	{"1.4", demoEstuary, "", 4, "Agreed 4: a joint streaming protocol with the emergency department."},
	{"1.5", demoCoast, "", 3, "Agreed 3: prescribers on every shift."},
	{"1.5", demoEstuary, "", 3, "Agreed 3: established prescribing and directions."},
	{"1.6", demoCoast, "", 3, "Agreed 3: costed and led, with an agency premium to watch."},
	{"1.6", demoEstuary, "", 3, "Agreed 3: strong leadership; Sheppey GP sessions a mobilisation risk."},
	{"1.7", demoCoast, "", 2, "Agreed 2: out of hours and home visits separate from the centres."},
	{"1.7", demoEstuary, "", 4, "Agreed 4: one rota and one record across the urgent care services."},
	{"2.1", demoCoast, "", 3, "Agreed 3, as Healthwatch marked it."},
	{"2.1", demoEstuary, "", 3, "Agreed 3, as Healthwatch marked it; digital exclusion to be covered in mobilisation."},
	{"2.2", demoCoast, "", 2, "Agreed 2: Healthwatch's point on Sheppey's transport accepted."},
	{"2.2", demoEstuary, "", 3, "Agreed 3: practical outreach written with patients."},
	{"3.1", demoCoast, "", 2, "Marks of 3 and 2 discussed: the panel shared the finance evaluator's concern about the estates contingency. Moderated to 2."},
	{"3.1", demoEstuary, "", 3, "Agreed 3: dated plans for both go-lives."},
	{"4.1", demoCoast, "", 1, "Pass: CQC registration evidenced."},
	{"4.1", demoEstuary, "", 1, "Pass: CQC registration evidenced for both partners."},
	{"4.2", demoCoast, "", 1, "Pass: Toolkit standards met."},
	{"4.2", demoEstuary, "", 1, "Pass: Toolkit standards met by both partners."},
}

// The lot's three governing bodies approve in Part 2 in August 2018 (the seeds: preferred

// finishKentLot2 carries lot 2's evaluation on from where Evaluations left it, through the
// evaluation service as the panel and the lead would, in July 2018: the remaining marks, the
// submissions, moderation and the price envelopes. ok is false when it cannot: after an error,
// or when the lot's evaluation has moved on since (a submission, moderation), which leaves the
// lot as it is and says so in out.Skipped.
func (d *replay) finishKentLot2(out *Mobilised, lotID string) (demoLot, evaluation.ResultsView, bool) {
	l := demoLot{id: lotID, lead: demoKentLead, q: map[string]lots.Question{}, bidder: map[string]string{}}
	if d.err != nil {
		return l, evaluation.ResultsView{}, false
	}
	lead, lctx := d.as(demoKentLead)
	panel, err := d.eval.Panel(lctx, lead, lotID)
	if err != nil {
		d.fail("lot 2's panel", err)
		return l, evaluation.ResultsView{}, false
	}
	moved := len(panel.Members) == 0 || panel.QualityModeratedAt != nil
	for _, m := range panel.Members {
		moved = moved || m.SubmittedAt != nil
	}
	for _, q := range panel.Questions {
		moved = moved || q.ModerationStarted
	}
	for _, b := range panel.Bidders {
		l.bidder[b.Name] = b.OrgID
	}
	if moved || l.bidder[demoEstuary] == "" || l.bidder[demoCoast] == "" {
		out.Skipped = append(out.Skipped, "Kent and Medway lot 2's award and mobilisation: its evaluation is not where the demo left it "+
			"(scoring in progress); load the demo into an empty data directory to see it")
		return l, evaluation.ResultsView{}, false
	}
	for _, q := range panel.Questions {
		l.q[q.Question.Number] = q.Question
	}

	// The remaining marks, each evaluator on their own days, then the submissions.
	days := map[string]string{demoClinical: "2018-07-09 09:30", demoReviewer: "2018-07-10 14:00", demoFinance: "2018-07-12 10:00"}
	for _, who := range []string{demoClinical, demoReviewer, demoFinance} {
		d.at(days[who])
		d.markRest(l, who)
	}
	for _, s := range []struct{ who, at string }{{demoReviewer, "2018-07-13 11:00"}, {demoClinical, "2018-07-13 16:00"}, {demoFinance, "2018-07-16 12:00"}} {
		d.at(s.at)
		d.submit(l, s.who)
	}

	// Moderation over two mornings, in questionnaire order.
	started := map[string]bool{}
	for i, c := range kentLot2Consensus {
		if i == 0 {
			d.at("2018-07-23 10:00")
		}
		if c.q == "2.1" && !started[c.q] {
			d.at("2018-07-24 10:00")
		}
		q := l.q[c.q]
		if !started[c.q] {
			started[c.q] = true
			d.do("lot 2: start moderation of "+c.q, func() error { return d.eval.StartModeration(lctx, lead, lotID, q.ID) })
		}
		d.clock = d.clock.Add(7 * time.Minute)
		in := evaluation.ConsensusInput{QuestionID: q.ID, BidderOrgID: l.bidder[c.bidder], Rationale: c.note}
		in.Score, in.Passed = markOf(q, c.mark)
		d.do(fmt.Sprintf("lot 2: consensus %s for %s", c.q, c.bidder), func() error { return d.eval.RecordConsensus(lctx, lead, lotID, in) })
	}

	d.at("2018-07-24 15:00")
	res := d.openPrices(l)
	return l, res, d.err == nil
}

// markRest records who's marks of lot 2 that are not recorded yet, a few minutes apart.
func (d *replay) markRest(l demoLot, who string) {
	if d.err != nil {
		return
	}
	a, ctx := d.as(who)
	ws, err := d.eval.Workspace(ctx, a, l.id)
	if err != nil {
		d.fail("lot 2: workspace of "+who, err)
		return
	}
	mine := map[string]bool{}
	for _, q := range ws.Questions {
		mine[q.ID] = true
	}
	for _, m := range kentLot2Marks {
		q := l.q[m.q]
		if m.who != who || !mine[q.ID] || slices.ContainsFunc(ws.Scores, func(s evaluation.IndividualScore) bool {
			return s.QuestionID == q.ID && s.BidderOrgID == l.bidder[m.bidder]
		}) {
			continue
		}
		d.clock = d.clock.Add(23 * time.Minute)
		d.score(l, m)
	}
}
