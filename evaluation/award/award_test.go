package award_test

import (
	"context"
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/evaluation/award"
	"golive/lots/lotstest"
	"golive/tenants/access"

	"golive/apperr"
	"golive/evaluation"
	"golive/lots"
	"golive/tenants"
)

const (
	medwayApprover = "approver@medway-ccg.test"
	swaleApprover  = "approver@swale-ccg.test"
	estuaryTenders = "tenders@estuary-urgent-care.test" // Estuary's second bidder user
)

// consensusMarks are the moderated marks of the award tests: nobody is excluded; Estuary is
// stronger on both scored questions.
var consensusMarks = map[string]map[string]evaluation.ConsensusInput{
	"1.1": {estuary: {Score: intp(2)}, weald: {Score: intp(2)}},
	"1.2": {estuary: {Score: intp(3)}, weald: {Score: intp(2)}},
	"1.3": {estuary: {Passed: boolp(true)}, weald: {Passed: boolp(true)}},
}

// scoredUpTo runs a lot through the panel's scoring and starts moderation of every question,
// with Estuary given a second bidder user to write to.
func (f *fixture) scoredUpTo() world {
	t := f.t
	w := f.opened()
	ctx := context.Background()
	lotstest.OK(t, f.ten.Store.Tx(ctx, func(tx *tenants.Store) error {
		u := tenants.User{ID: tenants.NewID(), OrgID: f.orgs[estuary], Email: estuaryTenders, Name: "Tess Tenders",
			Active: true, CreatedAt: f.now, UpdatedAt: f.now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.SetRoles(ctx, u.ID, u.OrgID, []access.Role{access.RoleBidder})
	}))
	lotstest.OK(t, f.ten.Authz.Changed(ctx))
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	f.submit(w, medwayEmail, swaleEmail, hwEmail)
	lead, lctx := f.as(leadEmail)
	for _, n := range []string{"1.1", "1.2", "1.3"} {
		lotstest.OK(t, f.eval.StartModeration(lctx, lead, w.l.ID, w.q[n].ID))
	}
	return w
}

// moderate records every consensus mark: quality moderation is then complete.
func (f *fixture) moderate(w world) {
	lead, lctx := f.as(leadEmail)
	for num, byBidder := range consensusMarks {
		for bidder, in := range byBidder {
			in.QuestionID, in.BidderOrgID, in.Rationale = w.q[num].ID, w.bidders[bidder], rationale("was agreed by the panel for "+num)
			lotstest.OK(f.t, f.eval.RecordConsensus(lctx, lead, w.l.ID, in))
		}
	}
}

// moderatedAndPriced is a lot with quality moderation complete and its prices opened.
func (f *fixture) moderatedAndPriced() world {
	w := f.scoredUpTo()
	f.moderate(w)
	lead, lctx := f.as(leadEmail)
	lotstest.OK(f.t, f.eval.OpenPrices(lctx, lead, w.l.ID))
	return w
}

type letter struct{ To, Subject, Body string }

func letters(f *fixture, subject string) []letter {
	var out []letter
	f.db.Gorm.Raw("SELECT to_addr AS \"to\", subject, body_text AS body FROM mail_messages WHERE subject LIKE ? ORDER BY to_addr", subject+"%").Scan(&out)
	return out
}

// approverNotice is the subject of the mail that tells the approvers a recommendation awaits
// their governing body.
const approverNotice = "Award recommendation for your governing body's decision"

func mailCount(f *fixture) int {
	var n int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM mail_messages").Scan(&n)
	return int(n)
}

// recommendMailed recommends and returns the mails it queued (and their number), each to one
// address: nothing else may mail in between.
func recommendMailed(f *fixture, w world, bidder, reason string) (award.Recommendation, []letter) {
	f.t.Helper()
	before := mailCount(f)
	lead, lctx := f.as(leadEmail)
	rec := lotstest.Must[award.Recommendation](f.t)(f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[bidder], Reason: reason}))
	ls := letters(f, approverNotice)
	if after := mailCount(f); after-before != len(ls) {
		f.t.Fatalf("the recommendation queued %d mails, of which %d notices to approvers: it mails someone else", after-before, len(ls))
	}
	return rec, ls
}

// checkApproverNotices: one notice to each of want (sorted), naming the procurement and lot and
// linking to the award page, with nothing of the Part 2 recommendation in it.
func checkApproverNotices(t *testing.T, f *fixture, w world, ls []letter, reason string, want ...string) {
	t.Helper()
	var to []string
	for _, l := range ls {
		to = append(to, l.To)
	}
	if !slices.Equal(to, want) {
		t.Fatalf("the approvers told are %v, want %v (once each)", to, want)
	}
	link := "http://golive.test/evaluations/lots/" + w.l.ID + "/award"
	for _, l := range ls {
		for _, s := range []string{w.p.Title, w.p.Reference, "lot 1", "governing body's decision", "sign in", link} {
			if !strings.Contains(l.Body, s) {
				t.Fatalf("the notice to %s does not say %q:\n%s", l.To, s, l.Body)
			}
		}
		// Mail leaves the system: the bidder, the reason (which names it), scores and prices stay
		// on the page.
		for _, s := range []string{estuary, weald, "Estuary", "Weald", reason, "£", "100,000", "210,000", "100000", "210000", "Total", "%", "Rank"} {
			if strings.Contains(l.Subject+l.Body, s) {
				t.Fatalf("the notice to %s gives away %q:\n%s\n%s", l.To, s, l.Subject, l.Body)
			}
		}
	}
	var summary string
	f.db.Gorm.Raw("SELECT summary FROM audit_events WHERE action = 'award.recommended' ORDER BY seq DESC LIMIT 1").Scan(&summary)
	var got struct{ Notified *int }
	if err := json.Unmarshal([]byte(summary), &got); err != nil || got.Notified == nil || *got.Notified != len(want) {
		t.Fatalf("the award.recommended audit does not record %d notified: %s", len(want), summary)
	}
}

// expectedTotal works out a bid's total independently of Compute: consensus ÷ top × weight for
// each scored question, plus the lowest-price formula (every bid here is priced the same).
func expectedTotal(w world, bidder string) *big.Rat {
	total := new(big.Rat)
	for num, byBidder := range consensusMarks {
		q := w.q[num]
		if q.Kind != lots.Scored {
			continue
		}
		total.Add(total, big.NewRat(int64(*byBidder[bidder].Score)*int64(q.WeightBP), int64(q.MaxScore)*100))
	}
	// lowest ÷ bid × price weight, with both priced £100,000 + £110,000
	price := new(big.Rat).Mul(big.NewRat(210_000_00, 210_000_00), big.NewRat(int64(w.q["2.1"].WeightBP), 100))
	return total.Add(total, price)
}

func TestALotGoesFromModerationThroughStandstillToContractAward(t *testing.T) {
	f := newFixture(t)
	w := f.scoredUpTo()
	lead, lctx := f.as(leadEmail)

	// Before quality moderation is complete, every price read is refused.
	lotstest.WantKind(t, f.eval.OpenPrices(lctx, lead, w.l.ID), apperr.Conflict, "opening prices before quality moderation is complete")
	_, err := f.eval.Prices(lctx, lead, w.l.ID)
	lotstest.WantKind(t, err, apperr.Conflict, "reading prices before quality moderation is complete")
	_, err = f.eval.Results(lctx, lead, w.l.ID)
	lotstest.WantKind(t, err, apperr.Conflict, "reading results before quality moderation is complete")

	f.moderate(w)
	_, err = f.eval.Results(lctx, lead, w.l.ID)
	lotstest.WantKind(t, err, apperr.Conflict, "reading results before the prices are opened")
	medA, mctx := f.as(medwayEmail)
	lotstest.WantKind(t, f.eval.OpenPrices(mctx, medA, w.l.ID), apperr.Forbidden, "an evaluator opening the prices")
	lotstest.OK(t, f.eval.OpenPrices(lctx, lead, w.l.ID))
	lotstest.WantKind(t, f.eval.OpenPrices(lctx, lead, w.l.ID), apperr.Conflict, "opening the prices twice")
	if audits(f, "prices.opened") != 1 {
		t.Fatal("the price opening is not audited")
	}
	prices := lotstest.Must[[]evaluation.BidPrice](t)(f.eval.Prices(lctx, lead, w.l.ID))
	for _, p := range prices {
		if p.TotalPence != 210_000_00 {
			t.Fatalf("%s's total price is %d pence, want the sum of its two years", p.Name, p.TotalPence)
		}
	}

	// The ranking equals the one worked out here, for the lead and for an approver.
	for _, email := range []string{leadEmail, swaleApprover} {
		a, ctx := f.as(email)
		v := lotstest.Must[evaluation.ResultsView](t)(f.eval.Results(ctx, a, w.l.ID))
		if len(v.Results) != 2 || v.Results[0].Bidder != w.bidders[estuary] || v.Results[0].Rank != 1 || v.Results[1].Rank != 2 {
			t.Fatalf("%s sees the ranking %+v", email, v.Results)
		}
		for _, r := range v.Results {
			name := v.Names[r.Bidder]
			if want := expectedTotal(w, name); r.Total.Cmp(want) != 0 {
				t.Fatalf("%s's total is %s, want %s", name, r.Total.RatString(), want.RatString())
			}
		}
	}

	// Recommendation: a reason is required, and an unknown bidder is refused.
	_, err = f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[estuary], Reason: "best"})
	lotstest.WantKind(t, err, apperr.Invalid, "a recommendation without a reason")
	_, err = f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: f.orgs["North Downs GP Federation"], Reason: rationale("is the best value")})
	lotstest.WantKind(t, err, apperr.Invalid, "recommending a provider that did not bid")
	reason := "Estuary is ranked first on quality and equal on price"
	rec, notices := recommendMailed(f, w, estuary, reason)
	// The approvers of both commissioners the lot covers are told, and nobody else: not the lead,
	// the evaluators, the bidders, nor the approvers of the other CCGs.
	checkApproverNotices(t, f, w, notices, reason, medwayApprover, swaleApprover)
	_, err = f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[weald], Reason: rationale("is second")})
	lotstest.WantKind(t, err, apperr.Conflict, "a second recommendation while one is pending")

	// Each participating commissioner's approver decides for their own commissioner only.
	sw, sctx := f.as(swaleApprover)
	err = f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{OrgID: f.orgs["NHS Medway CCG"], Decision: "approve"})
	lotstest.WantKind(t, err, apperr.Forbidden, "Swale's approver deciding for Medway")
	err = f.svc.DecideAward(mctx, medA, w.l.ID, award.AwardDecisionInput{Decision: "approve"})
	lotstest.WantKind(t, err, apperr.Forbidden, "an evaluator deciding on the award")
	_, err = f.svc.Award(mctx, medA, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "an evaluator reading the Part 2 recommendation")
	f.now = f.now.Add(time.Hour)
	lotstest.OK(t, f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))
	lotstest.WantKind(t, f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "approve"}), apperr.Conflict, "Swale deciding twice")
	if n := len(letters(f, "Notice of intention to award")); n != 0 {
		t.Fatalf("%d letters before every governing body approved", n)
	}
	ma, mactx := f.as(medwayApprover)
	approvedAt := f.now
	lotstest.OK(t, f.svc.DecideAward(mactx, ma, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))

	// Standstill: PSR, from the last approval.
	av := lotstest.Must[award.View](t)(f.svc.Award(lctx, lead, w.l.ID))
	r := av.Recommendations[0]
	wantEnd := lotstest.Must[time.Time](t)(award.StandstillEnds(lots.PSR2024, approvedAt))
	if r.ID != rec.ID || r.State != award.Standstill || r.StandstillEndsAt == nil || !r.StandstillEndsAt.Equal(wantEnd) {
		t.Fatalf("after the approvals: %+v, want standstill to %s", r, wantEnd)
	}
	if len(av.Approvals[r.ID]) != 2 || audits(f, "award.decided") != 2 || audits(f, "standstill.started") != 1 {
		t.Fatal("the decisions are not recorded and audited")
	}

	// Letters: one per bidder user, each with its own total and the winner's.
	ls := letters(f, "Notice of intention to award")
	if len(ls) != 3 {
		t.Fatalf("%d letters, want 3 (two Estuary users, one Weald)", len(ls))
	}
	winTotal := "Total: " + evaluation.Percent(expectedTotal(w, estuary))
	wealdTotal := "Total: " + evaluation.Percent(expectedTotal(w, weald))
	for _, l := range ls {
		for _, want := range []string{winTotal, reason, "Jo Approver", "Approver Swale", "My partner is a paramedic manager at Weald", "Section \"Quality\": 42.50 of 70.00"} {
			if !strings.Contains(l.Body, want) {
				t.Fatalf("the letter to %s does not say %q:\n%s", l.To, want, l.Body)
			}
		}
		if l.To == "bids@weald-ambulance.test" && !strings.Contains(l.Body, wealdTotal) {
			t.Fatalf("Weald's letter does not give its own total:\n%s", l.Body)
		}
		if l.To != "bids@weald-ambulance.test" && strings.Contains(l.Body, wealdTotal) {
			t.Fatalf("Estuary's letter gives Weald's scores:\n%s", l.Body)
		}
	}

	// The contract is refused during standstill, naming the date in UK time.
	f.now = f.now.Add(48 * time.Hour)
	contract := award.ContractInput{ContractReference: "MS-EV-1", StartDate: w.p.ContractStart, TermYears: 2, ValuePence: 210_000_00}
	_, err = f.svc.AwardContract(lctx, lead, w.l.ID, contract)
	lotstest.WantKind(t, err, apperr.Conflict, "awarding during standstill")
	if lastDay := wantEnd.In(time.UTC).Add(-time.Minute).Format("2 January 2006"); !strings.Contains(err.Error(), lastDay) {
		t.Fatalf("the refusal does not name the last day of standstill (%s): %v", lastDay, err)
	}

	// A representation during standstill pauses the award.
	wb, wctx := f.as("bids@weald-ambulance.test")
	rep := lotstest.Must[award.Representation](t)(f.svc.MakeRepresentation(wctx, wb, w.l.ID, award.RepresentationInput{Text: "Our workforce model was marked down without reason"}))
	_, err = f.svc.AwardContract(lctx, lead, w.l.ID, contract)
	lotstest.WantKind(t, err, apperr.Conflict, "awarding while a representation awaits a decision")
	if !strings.Contains(err.Error(), "representation") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	// The decision late in standstill: the PSR wait runs past the standstill's end.
	f.now = wantEnd.Add(-36 * time.Hour)
	decided := f.now
	lotstest.OK(t, f.svc.DecideRepresentation(lctx, lead, w.l.ID, rep.ID, award.RepresentationDecisionInput{Decision: "rejected", Reason: "The moderation record gives the reasons for the score"}))
	waitEnd := award.AwardWaitAfterRepresentation(decided)
	if !waitEnd.After(wantEnd) {
		t.Fatalf("the test needs the wait (%s) to end after standstill (%s)", waitEnd, wantEnd)
	}
	av = lotstest.Must[award.View](t)(f.svc.Award(lctx, lead, w.l.ID))
	r = av.Recommendations[0]
	reps := av.Representations[r.ID]
	if r.State != award.Standstill || r.AwardNotBefore == nil || !r.AwardNotBefore.Equal(waitEnd) ||
		len(reps) != 1 || reps[0].Decision == nil || *reps[0].Decision != "rejected" || reps[0].DecidedBy != lead.UserID || reps[0].DecidedAt == nil {
		t.Fatalf("after the decision: %+v, %+v", r, reps)
	}
	f.now = wantEnd.Add(time.Hour)
	_, err = f.svc.AwardContract(lctx, lead, w.l.ID, contract)
	lotstest.WantKind(t, err, apperr.Conflict, "awarding after standstill but within the wait after the decision")
	if lastDay := waitEnd.Add(-time.Minute).Format("2 January 2006"); !strings.Contains(err.Error(), lastDay) {
		t.Fatalf("the refusal does not name the end of the wait (%s): %v", lastDay, err)
	}

	f.now = waitEnd
	c := lotstest.Must[award.Contract](t)(f.svc.AwardContract(lctx, lead, w.l.ID, contract))
	if c.ProviderOrgID != w.bidders[estuary] || c.ValuePence != 210_000_00 || c.TermYears != 2 || c.ContractReference != "MS-EV-1" {
		t.Fatalf("the contract: %+v", c)
	}
	if n := len(letters(f, "Contract awarded")); n != 3 {
		t.Fatalf("%d contract award letters, want 3", n)
	}
	if audits(f, "contract.awarded") != 1 || audits(f, "representation.made") != 1 || audits(f, "representation.decided") != 1 {
		t.Fatal("the award is not audited")
	}
	_, err = f.svc.AwardContract(lctx, lead, w.l.ID, contract)
	lotstest.WantKind(t, err, apperr.Conflict, "awarding twice")
}

func TestHealthwatchNeverSeesPriceOrTotals(t *testing.T) {
	f := newFixture(t)
	w := f.moderatedAndPriced()
	hw, hctx := f.as(hwEmail)
	_, err := f.eval.Results(hctx, hw, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "Healthwatch reading the results")
	if !strings.Contains(err.Error(), "Healthwatch") {
		t.Fatalf("Healthwatch is refused by another rule than its own: %v", err)
	}
	_, err = f.eval.Prices(hctx, hw, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "Healthwatch reading the prices")
	_, err = f.svc.Award(hctx, hw, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "Healthwatch reading the award")
	// An observer of the lead commissioner is not allowed either.
	o, octx := f.as("observer@medway-ccg.test")
	_, err = f.eval.Results(octx, o, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "an observer reading the results")
}

func TestOneRejectionStopsTheRecommendation(t *testing.T) {
	f := newFixture(t)
	w := f.moderatedAndPriced()
	lead, lctx := f.as(leadEmail)
	lotstest.Must[award.Recommendation](t)(f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[estuary], Reason: rationale("is ranked first")}))
	sw, sctx := f.as(swaleApprover)
	lotstest.WantKind(t, f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "reject"}), apperr.Invalid, "a rejection without a reason")
	lotstest.OK(t, f.svc.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "reject", Reason: "Mobilisation risk in Swale is too high"}))
	ma, mctx := f.as(medwayApprover)
	lotstest.WantKind(t, f.svc.DecideAward(mctx, ma, w.l.ID, award.AwardDecisionInput{Decision: "approve"}), apperr.Conflict, "approving a rejected recommendation")
	_, err := f.svc.AwardContract(lctx, lead, w.l.ID, award.ContractInput{ContractReference: "X", StartDate: w.p.ContractStart, TermYears: 2, ValuePence: 1})
	lotstest.WantKind(t, err, apperr.Conflict, "awarding without an approved recommendation")
	// The lead may recommend again.
	lotstest.Must[award.Recommendation](t)(f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[weald], Reason: rationale("is the alternative")}))
	if n := len(letters(f, "Notice of intention to award")); n != 0 {
		t.Fatalf("%d letters without approval", n)
	}
}

func TestAnotherTenantFindsNoAward(t *testing.T) {
	f := newFixture(t)
	w := f.moderatedAndPriced()
	lead, lctx := f.as(leadEmail)
	lotstest.Must[award.Recommendation](t)(f.svc.Recommend(lctx, lead, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[estuary], Reason: rationale("is ranked first")}))
	beds, bctx := f.as("lead@bedfordshire-ccg.test")
	lotstest.WantKind(t, f.eval.OpenPrices(bctx, beds, w.l.ID), apperr.NotFound, "Bedfordshire opening prices")
	_, err := f.eval.Prices(bctx, beds, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading prices")
	_, err = f.eval.Results(bctx, beds, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading results")
	_, err = f.svc.Award(bctx, beds, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading the award")
	_, err = f.svc.Recommend(bctx, beds, w.l.ID, award.RecommendInput{BidderOrgID: w.bidders[weald], Reason: rationale("is second")})
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire recommending")
	ba, bactx := f.as("approver@bedfordshire-ccg.test")
	lotstest.WantKind(t, f.svc.DecideAward(bactx, ba, w.l.ID, award.AwardDecisionInput{Decision: "approve"}), apperr.NotFound, "Bedfordshire's approver deciding")
	// A provider that did not bid cannot make a representation on the lot.
	nd, nctx := f.as("bids@north-downs-gp.test")
	_, err = f.svc.MakeRepresentation(nctx, nd, w.l.ID, award.RepresentationInput{Text: "We object to this award in the strongest terms"})
	lotstest.WantKind(t, err, apperr.NotFound, "a provider that did not bid making a representation")
}

func TestOnlyTheApproversOfTheCommissionersALotCoversAreToldOfItsRecommendation(t *testing.T) {
	f := newFixture(t)
	// Swale takes part in the procurement, but this lot covers Medway only: Swale's governing
	// body does not decide on its award, so its approver is not asked to.
	f.lotCovers = []string{"NHS Medway CCG"}
	w := f.moderatedAndPriced()
	ctx := context.Background()
	// A Medway approver who has left is not written to.
	lotstest.OK(t, f.ten.Store.Tx(ctx, func(tx *tenants.Store) error {
		u := tenants.User{ID: tenants.NewID(), OrgID: f.orgs["NHS Medway CCG"], Email: "former.approver@medway-ccg.test", Name: "Former Approver",
			Active: true, CreatedAt: f.now, UpdatedAt: f.now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.SetRoles(ctx, u.ID, u.OrgID, []access.Role{access.RoleApprover}); err != nil {
			return err
		}
		u.Active = false // after CreateUser: its column defaults to true, which a false would not override
		return tx.UpdateUser(ctx, &u)
	}))
	lotstest.OK(t, f.ten.Authz.Changed(ctx))

	reason := rationale("is ranked first")
	_, notices := recommendMailed(f, w, estuary, reason)
	checkApproverNotices(t, f, w, notices, reason, medwayApprover)

	// The same set DecideAward waits for: Medway's approval alone starts standstill.
	ma, mctx := f.as(medwayApprover)
	lotstest.OK(t, f.svc.DecideAward(mctx, ma, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))
	if audits(f, "standstill.started") != 1 {
		t.Fatal("Medway's approval did not start standstill on a lot only Medway covers")
	}
}
