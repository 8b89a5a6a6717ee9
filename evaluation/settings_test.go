package evaluation_test

import (
	"math/big"
	"testing"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
	"golive/lots/lotstest"
)

// lopsidedMarks are consensus marks whose ranking turns on the price formula: Estuary is far
// better on quality but bids twice Weald's price.
var lopsidedMarks = map[string]map[string]evaluation.ConsensusInput{
	"1.1": {estuary: {Score: intp(4)}, weald: {Score: intp(2)}},
	"1.2": {estuary: {Score: intp(3)}, weald: {Score: intp(2)}},
	"1.3": {estuary: {Passed: boolp(true)}, weald: {Passed: boolp(true)}},
}

// lopsidedPrices are the bids' price schedules: Estuary's revised bid is twice Weald's.
var lopsidedPrices = map[string][]lots.PriceYear{
	estuary: {{Year: 1, Pence: 200_000_00}, {Year: 2, Pence: 220_000_00}},
	weald:   {{Year: 1, Pence: 100_000_00}, {Year: 2, Pence: 110_000_00}},
}

// lopsided runs a lot to its ranking with lopsidedMarks and lopsidedPrices: Estuary revises its
// price before the deadline (the new version is the one that counts), then the lot is opened,
// scored, moderated and its prices opened.
func (f *fixture) lopsided() world {
	t := f.t
	w := f.published()
	a, ctx := f.as("bids@estuary-urgent-care.test")
	in := lots.DraftInput{Prices: lopsidedPrices[estuary]}
	for _, q := range w.q {
		if q.Kind != lots.Price {
			in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: answerText(estuary, q.Number)})
		}
	}
	lotstest.Must[lots.Submission](t)(f.lots.SaveDraft(ctx, a, w.l.ID, in))
	lotstest.Must[lots.Receipt](t)(f.lots.Submit(ctx, a, w.l.ID))

	f.now = w.p.SubmissionDeadline.Add(time.Hour)
	lead, lctx := f.as(leadEmail)
	admin, actx := f.as("admin@medway-ccg.test")
	lotstest.OK(t, f.lots.StartOpening(lctx, lead, w.p.ID))
	lotstest.OK(t, f.lots.ConfirmOpening(actx, admin, w.p.ID))
	f.now = f.now.Add(time.Hour)
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	f.submit(w, medwayEmail, swaleEmail, hwEmail)
	for _, n := range []string{"1.1", "1.2", "1.3"} {
		lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q[n].ID))
	}
	for num, byBidder := range lopsidedMarks {
		for bidder, in := range byBidder {
			in.QuestionID, in.BidderOrgID, in.Rationale = w.q[num].ID, w.bidders[bidder], rationale("was agreed by the panel for "+num)
			lotstest.OK(t, f.svc.RecordConsensus(lctx, lead, w.l.ID, in))
		}
	}
	lotstest.OK(t, f.svc.OpenPrices(lctx, lead, w.l.ID))
	return w
}

// lopsidedTotal works a bid's total out here, from the weights and the formula as written in
// the tender: quality is consensus ÷ top of the scale × weight; price is scored against the
// lowest price of the two (both bids are compliant).
func lopsidedTotal(w world, bidder string, formula evaluation.PriceFormula) *big.Rat {
	total := new(big.Rat)
	for num, byBidder := range lopsidedMarks {
		if q := w.q[num]; q.Kind == lots.Scored {
			total.Add(total, big.NewRat(int64(*byBidder[bidder].Score)*int64(q.WeightBP), int64(q.MaxScore)*100))
		}
	}
	price := func(b string) int64 {
		var sum int64
		for _, y := range lopsidedPrices[b] {
			sum += y.Pence
		}
		return sum
	}
	lowest, bid := min(price(estuary), price(weald)), price(bidder)
	weight := big.NewRat(int64(w.q["2.1"].WeightBP), 100)
	switch formula {
	case evaluation.RelativePrice:
		// weight × (1 − (bid − lowest) ÷ lowest), not below 0
		share := new(big.Rat).Sub(big.NewRat(1, 1), big.NewRat(bid-lowest, lowest))
		if share.Sign() < 0 {
			share.SetInt64(0)
		}
		total.Add(total, share.Mul(share, weight))
	default:
		total.Add(total, new(big.Rat).Mul(big.NewRat(lowest, bid), weight))
	}
	return total
}

// wantRanking checks a ranking against the totals worked out here, best first.
func wantRanking(t *testing.T, v evaluation.ResultsView, w world, formula evaluation.PriceFormula, first, second string) {
	t.Helper()
	if v.Formula != formula {
		t.Fatalf("the ranking was worked out with %q, want %q", v.Formula, formula)
	}
	if len(v.Results) != 2 || v.Results[0].Bidder != w.bidders[first] || v.Results[0].Rank != 1 || v.Results[1].Bidder != w.bidders[second] || v.Results[1].Rank != 2 {
		t.Fatalf("with the %s formula the ranking is %s then %s, want %s then %s", formula, v.Names[v.Results[0].Bidder], v.Names[v.Results[1].Bidder], first, second)
	}
	for _, r := range v.Results {
		name := v.Names[r.Bidder]
		if want := lopsidedTotal(w, name, formula); r.Total.Cmp(want) != 0 {
			t.Fatalf("with the %s formula %s's total is %s, want %s", formula, name, r.Total.RatString(), want.RatString())
		}
	}
}

func TestThePriceFormulaTheLeadChoosesRanksTheLot(t *testing.T) {
	f := newFixture(t)
	w := f.lopsided()
	lead, lctx := f.as(leadEmail)

	// The default: lowest ÷ bid halves Estuary's price score, and its quality carries it.
	wantRanking(t, lotstest.Must[evaluation.ResultsView](t)(f.svc.Results(lctx, lead, w.l.ID)), w, evaluation.LowestPrice, estuary, weald)

	// Relative to the lowest, twice the price scores nothing: Weald goes first.
	lotstest.OK(t, f.svc.SetPriceFormula(lctx, lead, w.l.ID, evaluation.RelativePrice))
	for _, email := range []string{leadEmail, swaleApprover} {
		a, ctx := f.as(email)
		wantRanking(t, lotstest.Must[evaluation.ResultsView](t)(f.svc.Results(ctx, a, w.l.ID)), w, evaluation.RelativePrice, weald, estuary)
	}
	st := lotstest.Must[evaluation.AwardStatus](t)(f.svc.AwardStatus(lctx, lead, w.l.ID))
	if st.Formula != evaluation.RelativePrice || st.FormulaSetBy != "Morgan Lead" || st.FormulaSetAt == nil || st.FormulaFixed {
		t.Fatalf("the award status after choosing the formula: %+v", st)
	}
	if audits(f, "price_formula.set") != 1 {
		t.Fatal("choosing the price formula is not audited")
	}

	// And back: the choice is the lead's until a recommendation.
	lotstest.OK(t, f.svc.SetPriceFormula(lctx, lead, w.l.ID, evaluation.LowestPrice))
	wantRanking(t, lotstest.Must[evaluation.ResultsView](t)(f.svc.Results(lctx, lead, w.l.ID)), w, evaluation.LowestPrice, estuary, weald)

	// Nobody else chooses it, and only the two formulas exist.
	err := f.svc.SetPriceFormula(lctx, lead, w.l.ID, "cheapest")
	lotstest.WantKind(t, err, apperr.Invalid, "an unknown formula")
	if ae, _ := apperr.As(err); ae.Fields["price_formula"] == "" {
		t.Fatalf("an unknown formula is not refused on its field: %v", err)
	}
	for email, kind := range map[string]apperr.Kind{swaleApprover: apperr.Forbidden, medwayEmail: apperr.Forbidden, hwEmail: apperr.NotFound,
		"lead@bedfordshire-ccg.test": apperr.NotFound} {
		a, ctx := f.as(email)
		lotstest.WantKind(t, f.svc.SetPriceFormula(ctx, a, w.l.ID, evaluation.RelativePrice), kind, email+" choosing the price formula")
	}
	if audits(f, "price_formula.set") != 2 {
		t.Fatal("a refused choice was audited, or an accepted one was not")
	}
}

func TestThePriceFormulaIsFixedOnceABidderIsRecommended(t *testing.T) {
	f := newFixture(t)
	w := f.lopsided()
	lead, lctx := f.as(leadEmail)
	lotstest.Must[award.Recommendation](t)(f.award.Recommend(lctx, lead, w.l.ID,
		award.RecommendInput{BidderOrgID: w.bidders[estuary], Reason: rationale("is ranked first")}))
	lotstest.WantKind(t, f.svc.SetPriceFormula(lctx, lead, w.l.ID, evaluation.RelativePrice), apperr.Conflict, "changing the formula after the recommendation")
	wantRanking(t, lotstest.Must[evaluation.ResultsView](t)(f.svc.Results(lctx, lead, w.l.ID)), w, evaluation.LowestPrice, estuary, weald)

	// A rejected recommendation leaves the formula fixed: a new one is weighed on the same ranking.
	sw, sctx := f.as(swaleApprover)
	lotstest.OK(t, f.award.DecideAward(sctx, sw, w.l.ID, award.AwardDecisionInput{Decision: "reject", Reason: "Mobilisation risk in Swale is too high"}))
	lotstest.WantKind(t, f.svc.SetPriceFormula(lctx, lead, w.l.ID, evaluation.RelativePrice), apperr.Conflict, "changing the formula after a rejected recommendation")
	if st := lotstest.Must[evaluation.AwardStatus](t)(f.svc.AwardStatus(lctx, lead, w.l.ID)); !st.FormulaFixed {
		t.Fatal("the award status does not say the formula is fixed")
	}
	if audits(f, "price_formula.set") != 0 {
		t.Fatal("a refused change of formula was audited")
	}
}
