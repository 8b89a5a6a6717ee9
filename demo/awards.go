package demo

import (
	"fmt"
	"strings"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/ukclock"
)

// The awards of the demo lots: the lead's recommendation of the first-ranked bid, each
// governing body's Part 2 approval (the last starts the PCR 2015 standstill and sends the
// letters), and the contract after standstill. This file is the only one that calls the award
// service or names its types; the rest of the demo carries a Contract on.

// Contract is what the demo carries on from a lot's contract award: the mobilisation plan is
// made just after it.
type Contract struct {
	LotID             string
	ContractReference string
	AwardedAt         time.Time
}

func contractOf(c *award.Contract) *Contract {
	if c == nil {
		return nil
	}
	return &Contract{LotID: c.LotID, ContractReference: c.ContractReference, AwardedAt: c.AwardedAt}
}

// KentLot2Contract is Kent and Medway lot 2's contract reference.
const KentLot2Contract = "KM-IUCS-2018-L2"

// The Kent and Medway governing bodies that decide on lot 1's award, with their approvers and
// the dates of the Part 2 meetings that approved Weald in July 2018 (the seeds: preferred
// bidders approved by August 2018). Lot 1 covers all eight CCGs.
var kentAwardMeetings = []struct{ approver, date string }{
	{"approver@ashford-ccg.test", "2018-07-12"}, {"approver@canterbury-ccg.test", "2018-07-12"},
	{"approver@skc-ccg.test", "2018-07-17"}, {"approver@thanet-ccg.test", "2018-07-17"},
	{"approver@westkent-ccg.test", "2018-07-19"}, {"approver@medway-ccg.test", "2018-07-24"},
	{"approver@dgs-ccg.test", "2018-07-26"}, {"approver@swale-ccg.test", "2018-07-26"},
}

// Lot 2's three governing bodies approve in Part 2 in August 2018 (the seeds: preferred
// bidders approved by August 2018).
var kentLot2AwardMeetings = []struct{ approver, date string }{
	{"approver@medway-ccg.test", "2018-08-09"}, {"approver@dgs-ccg.test", "2018-08-14"}, {"approver@swale-ccg.test", "2018-08-16"},
}

// contract is the lot's contract award, if any, as its lead reads it.
func (d *replay) contract(l demoLot) *Contract {
	if d.err != nil {
		return nil
	}
	lead, ctx := d.as(l.lead)
	v, err := d.award.Award(ctx, lead, l.id)
	if apperr.IsKind(err, apperr.Conflict) {
		return nil // the lot's prices are not open yet: no award either
	}
	if err != nil {
		d.fail("award", err)
		return nil
	}
	return contractOf(v.Contract)
}

// recommend recommends the first-ranked bidder, giving its scores against the runner-up's.
func (d *replay) recommend(l demoLot, v evaluation.ResultsView, why string) evaluation.Result {
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
		_, err := d.award.Recommend(ctx, lead, l.id, award.RecommendInput{BidderOrgID: first.Bidder, Reason: reason})
		return err
	})
	return first
}

// approve records a governing body's Part 2 approval of the recommendation.
func (d *replay) approve(l demoLot, approver, meeting string) {
	d.at(meeting + " 17:30")
	a, ctx := d.as(approver)
	reason := fmt.Sprintf("Approved in Part 2 of the governing body meeting of %s (minute GB/%s/P2).",
		london(meeting+" 12:00").In(ukclock.London).Format("2 January 2006"), strings.ReplaceAll(meeting, "-", ""))
	d.do("award approval by "+approver, func() error {
		return d.award.DecideAward(ctx, a, l.id, award.AwardDecisionInput{Decision: "approve", Reason: reason})
	})
}

// afterStandstill moves the clock past the end of the lot's standstill if it has not ended.
func (d *replay) afterStandstill(l demoLot) {
	if d.err != nil {
		return
	}
	lead, ctx := d.as(l.lead)
	if av, err := d.award.Award(ctx, lead, l.id); err == nil && len(av.Recommendations) > 0 {
		if nb := av.Recommendations[len(av.Recommendations)-1].AwardNotBefore; nb != nil && nb.After(d.clock) {
			d.clock = nb.Add(time.Hour)
		}
	}
}

// awardContract records the contract to the recommended bidder at its total bid price.
func (d *replay) awardContract(l demoLot, winner evaluation.Result, reference string, start time.Time, years int) *Contract {
	lead, ctx := d.as(l.lead)
	var c award.Contract
	d.do("award contract "+reference, func() (err error) {
		c, err = d.award.AwardContract(ctx, lead, l.id, award.ContractInput{ContractReference: reference, StartDate: start, TermYears: years, ValuePence: winner.PricePence})
		return err
	})
	if d.err != nil {
		return nil
	}
	return contractOf(&c)
}

// --- Kent and Medway, lot 1 ---

// kentLot1Recommendation: the lead recommends the first-ranked bid on 2 July 2018.
func (d *replay) kentLot1Recommendation(l demoLot, v evaluation.ResultsView) evaluation.Result {
	d.at("2018-07-02 11:00")
	return d.recommend(l, v, "Strongest clinical assessment service and business continuity; Estuary's lower price does not make up for call handling that depends on an unsigned subcontract.")
}

// kentLot1Approvals: each of the eight governing bodies approves in Part 2; the last approval
// starts the PCR 2015 standstill of ten calendar days and sends the letters.
func (d *replay) kentLot1Approvals(l demoLot) {
	for _, m := range kentAwardMeetings {
		d.approve(l, m.approver, m.date)
	}
}

// kentLot1Contract: after standstill, the contract from 1 April 2019 for five years.
func (d *replay) kentLot1Contract(l demoLot, winner evaluation.Result) {
	d.at("2018-08-07 10:00")
	d.awardContract(l, winner, "KM-IUCS-2018-L1", london("2019-04-01 00:00"), 5)
}

// --- Kent and Medway, lot 2 ---

// awardKentLot2 carries lot 2 on from where Evaluations left it to its contract, and returns
// the contract (or the one it has): the rest of the evaluation (finishKentLot2), then the
// recommendation of the first-ranked bid, the Part 2 approvals, the PCR 2015 standstill and the
// contract from 1 April 2019. A lot whose evaluation has moved on since Evaluations began it is
// left as it is, and said so in out.Skipped.
func (d *replay) awardKentLot2(out *Mobilised, lotID string) *Contract {
	if lotID == "" || d.err != nil {
		return nil
	}
	if c := d.contract(demoLot{id: lotID, lead: demoKentLead}); c != nil || d.err != nil {
		return c
	}
	l, res, ok := d.finishKentLot2(out, lotID)
	if !ok {
		return nil
	}
	d.at("2018-07-30 11:00")
	first := d.recommend(l, res, "One rota and one record across the centres, GP out of hours and home visits, and a streaming agreement with the emergency department, outweigh the higher price.")
	// Part 2 approvals; the last starts the ten calendar days of PCR 2015 standstill.
	for _, m := range kentLot2AwardMeetings {
		d.approve(l, m.approver, m.date)
	}
	// The contract, the first working Monday after standstill.
	d.at("2018-09-03 10:00")
	d.afterStandstill(l)
	c := d.awardContract(l, first, KentLot2Contract, london("2019-04-01 00:00"), 5)
	if c == nil {
		return nil
	}
	out.Loaded = true
	return c
}

// --- Luton and Bedfordshire ---

func (d *replay) lutonRecommendation(l demoLot, v evaluation.ResultsView) evaluation.Result {
	d.at("2016-10-07 11:00")
	return d.recommend(l, v, "Equal prices; the stronger clinical model, with GP-led clinical assessment and shared out-of-hours rotas across Luton and Bedfordshire.")
}

// lutonApprovals: both governing bodies approve in Part 2 in October 2016; the PCR 2015
// standstill runs ten calendar days from the second.
func (d *replay) lutonApprovals(l demoLot) {
	d.approve(l, "approver@luton-ccg.test", "2016-10-18")
	d.approve(l, "approver@bedfordshire-ccg.test", "2016-10-19")
}

// lutonContract: a five-year contract from 1 April 2017, awarded on 1 November 2016. The value
// is recorded but, as Bedfordshire CCG said, commercially sensitive: only those allowed see it.
func (d *replay) lutonContract(l demoLot, winner evaluation.Result) {
	d.at("2016-11-01 09:00")
	d.awardContract(l, winner, "LB-IUC-2016-01", london("2017-04-01 00:00"), 5)
}
