package mobilisation

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
	"golive/ukclock"
)

// Kent and Medway lot 2 (urgent treatment centres and GP-led out of hours) is left by the
// evaluation demo part-way through its scoring. Mobilising its three phases needs its contract,
// so the mobilisation demo carries its evaluation on, through the evaluation service as the
// panel, the lead and the three governing bodies would, in July and August 2018: the remaining
// marks, the submissions, moderation, the price envelopes, the recommendation of the first-ranked
// bid, the Part 2 approvals, the PCR 2015 standstill and the contract from 1 April 2019.

// The demo people of the lot's evaluation (as evaluation/award/demo.go has them).
const (
	demoKentLead = "lead@medway-ccg.test"
	demoClinical = "evaluator@medway-ccg.test"
	demoFinance  = "finance@medway-ccg.test"
	demoReviewer = "reviewer@healthwatch-kent.test"
	demoEstuary  = "Estuary Urgent Care CIC"
	demoCoast    = "Channel Coast Health Partnership"
)

// KentLot2Contract is lot 2's contract reference.
const KentLot2Contract = "KM-IUCS-2018-L2"

// demoMark is an evaluator's mark (or, with who "", the consensus) of a question for a bidder.
// On a pass/fail question 1 is a pass.
type demoMark struct {
	q, bidder, who string
	mark           int
	note           string
}

// kentLot2Marks is every mark of the lot's panel: Dr Sam Evaluator marks every clinical,
// mobilisation and compliance question, Nic Finance (conflicted with Estuary) the workforce,
// mobilisation and compliance ones for Channel Coast only, Healthwatch Kent's reviewer the patient
// experience ones. Those the evaluation demo recorded already are not recorded again.
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
// bidders approved by August 2018).
var kentLot2AwardMeetings = []struct{ approver, date string }{
	{"approver@medway-ccg.test", "2018-08-09"}, {"approver@dgs-ccg.test", "2018-08-14"}, {"approver@swale-ccg.test", "2018-08-16"},
}

func markOf(q lots.Question, mark int) (*int, *bool) {
	if q.Kind == lots.PassFail {
		passed := mark > 0
		return nil, &passed
	}
	return &mark, nil
}

// awardKentLot2 carries lot 2 on to its contract and returns it (or the contract it has). A lot
// whose evaluation has moved on since the evaluation demo began it (a submission, moderation)
// is left as it is, and said so in out.Skipped.
func (d *demoRun) awardKentLot2(out *Demo, lotID string) *award.Contract {
	if lotID == "" || d.err != nil {
		return nil
	}
	lead, lctx := d.as(demoKentLead)
	av, err := d.award.Award(lctx, lead, lotID)
	switch {
	case err == nil && av.Contract != nil:
		return av.Contract
	case err != nil && !apperr.IsKind(err, apperr.Conflict): // Conflict: prices not opened yet
		d.fail("lot 2's award", err)
		return nil
	}
	panel, err := d.eval.Panel(lctx, lead, lotID)
	if err != nil {
		d.fail("lot 2's panel", err)
		return nil
	}
	moved := len(panel.Members) == 0 || panel.QualityModeratedAt != nil
	for _, m := range panel.Members {
		moved = moved || m.SubmittedAt != nil
	}
	for _, q := range panel.Questions {
		moved = moved || q.ModerationStarted
	}
	bidder := map[string]string{}
	for _, b := range panel.Bidders {
		bidder[b.Name] = b.OrgID
	}
	if moved || bidder[demoEstuary] == "" || bidder[demoCoast] == "" {
		out.Skipped = append(out.Skipped, "Kent and Medway lot 2's award and mobilisation: its evaluation is not where the demo left it "+
			"(scoring in progress); load the demo into an empty data directory to see it")
		return nil
	}
	question := map[string]lots.Question{}
	for _, q := range panel.Questions {
		question[q.Question.Number] = q.Question
	}

	// The remaining marks, each evaluator on their own days, then the submissions.
	days := map[string]string{demoClinical: "2018-07-09 09:30", demoReviewer: "2018-07-10 14:00", demoFinance: "2018-07-12 10:00"}
	for _, who := range []string{demoClinical, demoReviewer, demoFinance} {
		d.at(days[who])
		d.markRest(lotID, who, question, bidder)
	}
	for _, s := range []struct{ who, at string }{{demoReviewer, "2018-07-13 11:00"}, {demoClinical, "2018-07-13 16:00"}, {demoFinance, "2018-07-16 12:00"}} {
		d.at(s.at)
		a, ctx := d.as(s.who)
		d.do("lot 2: submit "+s.who, func() error { return d.eval.SubmitScores(ctx, a, lotID) })
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
		q := question[c.q]
		if !started[c.q] {
			started[c.q] = true
			d.do("lot 2: start moderation of "+c.q, func() error { return d.eval.StartModeration(lctx, lead, lotID, q.ID) })
		}
		d.clock = d.clock.Add(7 * time.Minute)
		in := evaluation.ConsensusInput{QuestionID: q.ID, BidderOrgID: bidder[c.bidder], Rationale: c.note}
		in.Score, in.Passed = markOf(q, c.mark)
		d.do(fmt.Sprintf("lot 2: consensus %s for %s", c.q, c.bidder), func() error { return d.eval.RecordConsensus(lctx, lead, lotID, in) })
	}

	d.at("2018-07-24 15:00")
	d.do("lot 2: open prices", func() error { return d.eval.OpenPrices(lctx, lead, lotID) })
	var res evaluation.ResultsView
	d.do("lot 2: results", func() (err error) {
		res, err = d.eval.Results(lctx, lead, lotID)
		return err
	})
	if d.err != nil {
		return nil
	}
	var first, second evaluation.Result
	for _, r := range res.Results {
		switch r.Rank {
		case 1:
			first = r
		case 2:
			second = r
		}
	}
	if first.Bidder == "" {
		d.fail("lot 2: recommend", fmt.Errorf("no bid ranked first"))
		return nil
	}
	reason := fmt.Sprintf("%s ranks first with %s%% (quality %s%%, price %s%%)", res.Names[first.Bidder], first.TotalPercent(),
		first.QualityPercent(), first.PriceScorePercent())
	if second.Bidder != "" {
		reason += fmt.Sprintf(", ahead of %s with %s%%", res.Names[second.Bidder], second.TotalPercent())
	}
	reason += ". One rota and one record across the centres, GP out of hours and home visits, and a streaming agreement with the emergency department, outweigh the higher price."
	d.at("2018-07-30 11:00")
	d.do("lot 2: recommend", func() error {
		_, err := d.award.Recommend(lctx, lead, lotID, award.RecommendInput{BidderOrgID: first.Bidder, Reason: reason})
		return err
	})

	// Part 2 approvals; the last starts the ten calendar days of PCR 2015 standstill.
	for _, m := range kentLot2AwardMeetings {
		d.at(m.date + " 17:30")
		a, ctx := d.as(m.approver)
		day := demoTime(m.date + " 12:00").In(ukclock.London).Format("2 January 2006")
		in := award.AwardDecisionInput{Decision: "approve",
			Reason: fmt.Sprintf("Approved in Part 2 of the governing body meeting of %s (minute GB/%s/P2).", day, strings.ReplaceAll(m.date, "-", ""))}
		d.do("lot 2: approval by "+m.approver, func() error { return d.award.DecideAward(ctx, a, lotID, in) })
	}

	// The contract, the first working Monday after standstill.
	d.at("2018-09-03 10:00")
	if av, err := d.award.Award(lctx, lead, lotID); err == nil && len(av.Recommendations) > 0 {
		if nb := av.Recommendations[len(av.Recommendations)-1].AwardNotBefore; nb != nil && nb.After(d.clock) {
			d.clock = nb.Add(time.Hour)
		}
	}
	var c award.Contract
	d.do("lot 2: award contract "+KentLot2Contract, func() (err error) {
		c, err = d.award.AwardContract(lctx, lead, lotID, award.ContractInput{ContractReference: KentLot2Contract,
			StartDate: demoTime("2019-04-01 00:00"), TermYears: 5, ValuePence: first.PricePence})
		return err
	})
	if d.err != nil {
		return nil
	}
	out.Loaded = true
	return &c
}

// markRest records who's marks that are not recorded yet, a few minutes apart.
func (d *demoRun) markRest(lotID, who string, question map[string]lots.Question, bidder map[string]string) {
	if d.err != nil {
		return
	}
	a, ctx := d.as(who)
	ws, err := d.eval.Workspace(ctx, a, lotID)
	if err != nil {
		d.fail("lot 2: workspace of "+who, err)
		return
	}
	mine := map[string]bool{}
	for _, q := range ws.Questions {
		mine[q.ID] = true
	}
	for _, m := range kentLot2Marks {
		q := question[m.q]
		if m.who != who || !mine[q.ID] || slices.ContainsFunc(ws.Scores, func(s evaluation.IndividualScore) bool {
			return s.QuestionID == q.ID && s.BidderOrgID == bidder[m.bidder]
		}) {
			continue
		}
		d.clock = d.clock.Add(23 * time.Minute)
		in := evaluation.ScoreInput{QuestionID: q.ID, BidderOrgID: bidder[m.bidder], Rationale: m.note}
		in.Score, in.Passed = markOf(q, m.mark)
		d.do(fmt.Sprintf("lot 2: %s scores %s for %s", who, m.q, m.bidder), func() error { return d.eval.RecordScore(ctx, a, lotID, in) })
	}
}
