package evaluation

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"golive/apperr"
	"golive/lots"
)

// The expected values in these tests are worked out by hand in the comments, in percentage
// points, and written as fractions: they do not come from the code under test.

const pounds = 100 // pence

// kentLot1 is a questionnaire like Kent and Medway's lot 1 (NHS 111 and CAS): 60 % quality,
// 40 % price, a pass/fail compliance question. Sections are given out of order on purpose.
func kentLot1() ([]lots.Section, []lots.Question) {
	secs := []lots.Section{
		{ID: "s5", Position: 5, Title: "Price"},
		{ID: "s1", Position: 1, Title: "Clinical model"},
		{ID: "s3", Position: 3, Title: "Patient experience"},
		{ID: "s2", Position: 2, Title: "Workforce"},
		{ID: "s4", Position: 4, Title: "Compliance"},
	}
	qs := []lots.Question{
		{ID: "q51", SectionID: "s5", Position: 1, Number: "5.1", Kind: lots.Price, WeightBP: 4000, Panel: lots.Finance},
		{ID: "q12", SectionID: "s1", Position: 2, Number: "1.2", Kind: lots.Scored, WeightBP: 1500, MaxScore: 4, MinScore: 2},
		{ID: "q11", SectionID: "s1", Position: 1, Number: "1.1", Kind: lots.Scored, WeightBP: 2500, MaxScore: 4, MinScore: 2},
		{ID: "q21", SectionID: "s2", Position: 1, Number: "2.1", Kind: lots.Scored, WeightBP: 1000, MaxScore: 4, MinScore: 2},
		{ID: "q31", SectionID: "s3", Position: 1, Number: "3.1", Kind: lots.Scored, WeightBP: 1000, MaxScore: 4, MinScore: 1, Panel: lots.Patient},
		{ID: "q41", SectionID: "s4", Position: 1, Number: "4.1", Kind: lots.PassFail},
	}
	return secs, qs
}

// kentBid is a bid on kentLot1: scores for 1.1, 1.2, 2.1 and 3.1, the 4.1 result, the price in pounds.
func kentBid(name string, s11, s12, s21, s31 int, passed bool, priceGBP int64) Bid {
	return Bid{Bidder: name, PricePence: priceGBP * pounds,
		Scores: map[string]int{"q11": s11, "q12": s12, "q21": s21, "q31": s31},
		Passed: map[string]bool{"q41": passed}}
}

// kentBids: Downs GP Federation has the lowest price but scores 1 on 2.1 (minimum 2).
func kentBids() []Bid {
	return []Bid{
		kentBid("Estuary Urgent Care", 3, 3, 2, 4, true, 300_000_000),
		kentBid("Weald Ambulance", 4, 4, 3, 2, true, 320_000_000),
		kentBid("Channel Coast Health", 2, 2, 2, 2, true, 280_000_000),
		kentBid("Downs GP Federation", 4, 4, 1, 4, true, 250_000_000),
	}
}

func byBidder(t *testing.T, rs []Result) map[string]Result {
	t.Helper()
	m := map[string]Result{}
	for _, r := range rs {
		m[r.Bidder] = r
	}
	return m
}

func bidders(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Bidder)
	}
	return out
}

func rat(a, b int64) *big.Rat { return big.NewRat(a, b) }

func sameRat(got, want *big.Rat) bool { return got != nil && want != nil && got.Cmp(want) == 0 }

func TestComputeRanksKentLot1ByTotalWithLowestPriceFormula(t *testing.T) {
	secs, qs := kentLot1()
	rs, err := Compute(secs, qs, kentBids(), "")
	if err != nil {
		t.Fatal(err)
	}
	// Lowest compliant price: Channel Coast's £280m (Downs' £250m is excluded). Weight 40.
	tests := []struct {
		bidder                 string
		rank                   int
		sections               []string // Clinical model, Workforce, Patient experience
		quality, price, total  string
		exactQuality, exactTot *big.Rat
	}{
		// 3/4×25 + 3/4×15 = 18.75 + 11.25 = 30; 2/4×10 = 5; 4/4×10 = 10; quality 45.
		// price 280/300 × 40 = 112/3 = 37.333…; total 45 + 112/3 = 247/3 = 82.333…
		{"Estuary Urgent Care", 2, []string{"30.00", "5.00", "10.00"}, "45.00", "37.33", "82.33", rat(45, 1), rat(247, 3)},
		// 25 + 15 = 40; 3/4×10 = 7.5; 2/4×10 = 5; quality 52.5.
		// price 280/320 × 40 = 35; total 87.5.
		{"Weald Ambulance", 1, []string{"40.00", "7.50", "5.00"}, "52.50", "35.00", "87.50", rat(105, 2), rat(175, 2)},
		// 12.5 + 7.5 = 20; 5; 5; quality 30. Price: the lowest, 40; total 70.
		{"Channel Coast Health", 3, []string{"20.00", "5.00", "5.00"}, "30.00", "40.00", "70.00", rat(30, 1), rat(70, 1)},
	}
	got := byBidder(t, rs)
	for _, tc := range tests {
		t.Run(tc.bidder, func(t *testing.T) {
			r := got[tc.bidder]
			if r.Excluded || r.Rank != tc.rank {
				t.Errorf("rank %d, excluded %v; want rank %d", r.Rank, r.Excluded, tc.rank)
			}
			var secs []string
			for _, s := range r.Sections {
				secs = append(secs, s.Percent())
			}
			if strings.Join(secs, " ") != strings.Join(tc.sections, " ") {
				t.Errorf("sections %v, want %v", secs, tc.sections)
			}
			if r.QualityPercent() != tc.quality || r.PriceScorePercent() != tc.price || r.TotalPercent() != tc.total {
				t.Errorf("quality %s, price %s, total %s; want %s, %s, %s",
					r.QualityPercent(), r.PriceScorePercent(), r.TotalPercent(), tc.quality, tc.price, tc.total)
			}
			if !sameRat(r.Quality, tc.exactQuality) || !sameRat(r.Total, tc.exactTot) {
				t.Errorf("exact quality %v, total %v; want %v, %v", r.Quality, r.Total, tc.exactQuality, tc.exactTot)
			}
		})
	}
	if want := "Weald Ambulance,Estuary Urgent Care,Channel Coast Health,Downs GP Federation"; strings.Join(bidders(rs), ",") != want {
		t.Errorf("order %v, want %s", bidders(rs), want)
	}
	sec := got["Estuary Urgent Care"].Sections
	if titles := []string{sec[0].Title, sec[1].Title, sec[2].Title}; strings.Join(titles, ",") != "Clinical model,Workforce,Patient experience" {
		t.Errorf("sections in order %v: want questionnaire order, only sections with scored questions", titles)
	}
	if q := sec[0].Questions; len(q) != 2 || q[0].Number != "1.1" || q[0].Percent() != "18.75" || q[1].Percent() != "11.25" {
		t.Errorf("clinical model questions %+v", q)
	}
}

func TestComputeExcludedBidsAreNotRankedAndSayWhy(t *testing.T) {
	tests := []struct {
		name    string
		bid     Bid
		reasons []string
	}{
		{"a consensus below the minimum", kentBid("Downs GP Federation", 4, 4, 1, 4, true, 250_000_000),
			[]string{"Question 2.1 scored 1, below the minimum of 2"}},
		{"a fail on a pass/fail question", kentBid("Downs GP Federation", 4, 4, 4, 4, false, 250_000_000),
			[]string{"Failed question 4.1"}},
		{"both, in questionnaire order", kentBid("Downs GP Federation", 1, 4, 4, 0, false, 250_000_000),
			[]string{"Question 1.1 scored 1, below the minimum of 2", "Question 3.1 scored 0, below the minimum of 1", "Failed question 4.1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			secs, qs := kentLot1()
			bids := kentBids()
			bids[3] = tc.bid
			rs, err := Compute(secs, qs, bids, LowestPrice)
			if err != nil {
				t.Fatal(err)
			}
			last := rs[len(rs)-1]
			if last.Bidder != "Downs GP Federation" || !last.Excluded || last.Rank != 0 {
				t.Fatalf("last result %s excluded %v rank %d: want Downs excluded, unranked, last", last.Bidder, last.Excluded, last.Rank)
			}
			if strings.Join(last.Reasons, "|") != strings.Join(tc.reasons, "|") {
				t.Errorf("reasons %q, want %q", last.Reasons, tc.reasons)
			}
			if last.PriceScore != nil || last.Total != nil || last.TotalPercent() != "" {
				t.Errorf("an excluded bid has price score %v and total %v; want none", last.PriceScore, last.Total)
			}
			if last.Quality == nil || len(last.Sections) != 3 {
				t.Errorf("an excluded bid keeps its quality scores for the record: %v, %d sections", last.Quality, len(last.Sections))
			}
			// The other three are ranked as before: Downs' lower price counts for nothing.
			if got := byBidder(t, rs); got["Channel Coast Health"].PriceScorePercent() != "40.00" || got["Weald Ambulance"].Rank != 1 {
				t.Errorf("compliant bids changed: Coast price %s, Weald rank %d", got["Channel Coast Health"].PriceScorePercent(), got["Weald Ambulance"].Rank)
			}
		})
	}
}

func TestComputeLowestPriceIsTheLowestCompliantPrice(t *testing.T) {
	tests := []struct {
		name       string
		downsS21   int // Downs' consensus on 2.1 (minimum 2)
		coastPrice string
		coastExact *big.Rat
	}{
		// Downs (£250m) excluded: the lowest compliant price is Coast's own £280m: 40.
		{"the cheapest bid is excluded", 1, "40.00", rat(40, 1)},
		// Downs compliant: 250/280 × 40 = 10000/280 = 250/7 = 35.714…
		{"the cheapest bid is compliant", 2, "35.71", rat(250, 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			secs, qs := kentLot1()
			bids := kentBids()
			bids[3] = kentBid("Downs GP Federation", 4, 4, tc.downsS21, 4, true, 250_000_000)
			rs, err := Compute(secs, qs, bids, LowestPrice)
			if err != nil {
				t.Fatal(err)
			}
			c := byBidder(t, rs)["Channel Coast Health"]
			if c.PriceScorePercent() != tc.coastPrice || !sameRat(c.PriceScore, tc.coastExact) {
				t.Errorf("Coast's price score %s (%v), want %s", c.PriceScorePercent(), c.PriceScore, tc.coastPrice)
			}
		})
	}
}

func TestComputeRelativePriceFormulaIsFlooredAtZero(t *testing.T) {
	secs, qs := kentLot1()
	bids := kentBids()
	bids = append(bids,
		kentBid("Twice the Lowest", 2, 2, 2, 2, true, 560_000_000),
		kentBid("Far Too Dear", 2, 2, 2, 2, true, 700_000_000),
	)
	rs, err := Compute(secs, qs, bids, RelativePrice)
	if err != nil {
		t.Fatal(err)
	}
	// Lowest compliant £280m, weight 40: score = 40 × (1 − (bid − 280)/280).
	tests := []struct {
		bidder string
		price  string
		exact  *big.Rat
	}{
		{"Channel Coast Health", "40.00", rat(40, 1)},
		{"Estuary Urgent Care", "37.14", rat(260, 7)}, // 40 × (1 − 20/280) = 40 × 260/280 = 260/7 = 37.142…
		{"Weald Ambulance", "34.29", rat(240, 7)},     // 40 × 240/280 = 240/7 = 34.285…
		{"Twice the Lowest", "0.00", rat(0, 1)},       // 40 × (1 − 280/280) = 0
		{"Far Too Dear", "0.00", rat(0, 1)},           // 40 × (1 − 420/280) = −20: floored at 0
		{"Downs GP Federation", "", nil},              // excluded: no price score
	}
	got := byBidder(t, rs)
	for _, tc := range tests {
		t.Run(tc.bidder, func(t *testing.T) {
			r := got[tc.bidder]
			if r.PriceScorePercent() != tc.price {
				t.Errorf("price score %q, want %q", r.PriceScorePercent(), tc.price)
			}
			if tc.exact != nil && !sameRat(r.PriceScore, tc.exact) {
				t.Errorf("exact price score %v, want %v", r.PriceScore, tc.exact)
			}
		})
	}
	// Weald: 52.5 + 240/7 = 86.785… still first; Estuary: 45 + 260/7 = 82.142…
	if got["Weald Ambulance"].Rank != 1 || got["Estuary Urgent Care"].Rank != 2 || got["Estuary Urgent Care"].TotalPercent() != "82.14" {
		t.Errorf("Weald rank %d, Estuary rank %d total %s", got["Weald Ambulance"].Rank, got["Estuary Urgent Care"].Rank, got["Estuary Urgent Care"].TotalPercent())
	}
}

// tieLot: one scored question worth 60 (out of 4, no minimum) and a price worth 40.
func tieLot() ([]lots.Section, []lots.Question) {
	return []lots.Section{{ID: "s1", Position: 1, Title: "Quality"}, {ID: "s2", Position: 2, Title: "Price"}},
		[]lots.Question{
			{ID: "q1", SectionID: "s1", Position: 1, Number: "1.1", Kind: lots.Scored, WeightBP: 6000, MaxScore: 4},
			{ID: "q2", SectionID: "s2", Position: 1, Number: "2.1", Kind: lots.Price, WeightBP: 4000, Panel: lots.Finance},
		}
}

func tieBid(name string, score int, pricePence int64) Bid {
	return Bid{Bidder: name, Scores: map[string]int{"q1": score}, PricePence: pricePence}
}

func TestComputeRankTies(t *testing.T) {
	tests := []struct {
		name    string
		formula PriceFormula
		bids    []Bid
		order   string // bidders in result order
		ranks   []int
	}{
		{
			// Y: 3/4×60 = 45, lowest price 40: 85. X: 60, 40 × 100/160 = 25: 85. Equal totals;
			// X has the higher quality.
			name: "equal totals: the higher quality wins", formula: LowestPrice,
			bids:  []Bid{tieBid("Y", 3, 100), tieBid("X", 4, 160)},
			order: "X,Y", ranks: []int{1, 2},
		},
		{
			// Z: 60 + 40 = 100. X and Y: quality 60; relative price scores 40 × (1 − 100/100) = 0
			// and 40 × (1 − 150/100) < 0, floored at 0: both total 60, equal quality; X is cheaper.
			name: "equal totals and quality: the lower price wins", formula: RelativePrice,
			bids:  []Bid{tieBid("Y", 4, 250), tieBid("X", 4, 200), tieBid("Z", 4, 100)},
			order: "Z,X,Y", ranks: []int{1, 2, 3},
		},
		{
			// P and Q: 60 + 40 = 100 at the same price; R: 45 + 40 = 85.
			name: "equal in everything: a shared rank, the next skipped", formula: LowestPrice,
			bids:  []Bid{tieBid("P", 4, 100), tieBid("Q", 4, 100), tieBid("R", 3, 100)},
			order: "P,Q,R", ranks: []int{1, 1, 3},
		},
		{
			// A: 100; B and C: 85; D: 2/4×60 + 40 = 70.
			name: "a shared second place", formula: LowestPrice,
			bids:  []Bid{tieBid("D", 2, 100), tieBid("C", 3, 100), tieBid("B", 3, 100), tieBid("A", 4, 100)},
			order: "A,C,B,D", ranks: []int{1, 2, 2, 4},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			secs, qs := tieLot()
			rs, err := Compute(secs, qs, tc.bids, tc.formula)
			if err != nil {
				t.Fatal(err)
			}
			var ranks []int
			for _, r := range rs {
				ranks = append(ranks, r.Rank)
			}
			if strings.Join(bidders(rs), ",") != tc.order || !equalInts(ranks, tc.ranks) {
				t.Errorf("got %v ranked %v, want %s ranked %v", bidders(rs), ranks, tc.order, tc.ranks)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestComputeRoundsOnlyForDisplayAtTheEnd(t *testing.T) {
	secs := []lots.Section{{ID: "s1", Position: 1, Title: "Halves"}, {ID: "s2", Position: 2, Title: "Thirds"}, {ID: "s3", Position: 3, Title: "Price"}}
	qs := []lots.Question{
		{ID: "a", SectionID: "s1", Position: 1, Number: "1.1", Kind: lots.Scored, WeightBP: 1025, MaxScore: 4},
		{ID: "b", SectionID: "s1", Position: 2, Number: "1.2", Kind: lots.Scored, WeightBP: 1025, MaxScore: 4},
		{ID: "c", SectionID: "s2", Position: 1, Number: "2.1", Kind: lots.Scored, WeightBP: 1000, MaxScore: 3},
		{ID: "d", SectionID: "s2", Position: 2, Number: "2.2", Kind: lots.Scored, WeightBP: 1000, MaxScore: 3},
		{ID: "e", SectionID: "s2", Position: 3, Number: "2.3", Kind: lots.Scored, WeightBP: 1000, MaxScore: 3},
		{ID: "p", SectionID: "s3", Position: 1, Number: "3.1", Kind: lots.Price, WeightBP: 4950, Panel: lots.Finance},
	}
	bids := []Bid{{Bidder: "Only", PricePence: 1000,
		Scores: map[string]int{"a": 2, "b": 2, "c": 1, "d": 1, "e": 1}}}
	rs, err := Compute(secs, qs, bids, LowestPrice)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	// 2/4 × 10.25 = 5.125 each: shown "5.13" (half-up), but the section is 10.25, not 5.13 + 5.13 = 10.26.
	// 1/3 × 10 = 3.333… each: shown "3.33", but the section is 10, not 3.33 × 3 = 9.99.
	tests := []struct{ what, got, want string }{
		{"question 1.1", r.Sections[0].Questions[0].Percent(), "5.13"},
		{"question 1.2", r.Sections[0].Questions[1].Percent(), "5.13"},
		{"section of halves", r.Sections[0].Percent(), "10.25"},
		{"question 2.1", r.Sections[1].Questions[0].Percent(), "3.33"},
		{"section of thirds", r.Sections[1].Percent(), "10.00"},
		{"quality", r.QualityPercent(), "20.25"},
		{"price", r.PriceScorePercent(), "49.50"},
		{"total", r.TotalPercent(), "69.75"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %s, want %s", tc.what, tc.got, tc.want)
		}
	}
	if !sameRat(r.Sections[0].Questions[0].Weighted(), rat(41, 8)) {
		t.Errorf("question 1.1 exact %v, want 41/8", r.Sections[0].Questions[0].Weighted())
	}
}

func TestResultPercentRoundsHalfUp(t *testing.T) {
	tests := []struct {
		x    *big.Rat
		want string
	}{
		{rat(6375, 100), "63.75"},
		{rat(5125, 1000), "5.13"},
		{rat(5, 1000), "0.01"},
		{rat(4999, 1000000), "0.00"},
		{rat(2, 3), "0.67"},
		{rat(1, 3), "0.33"},
		{rat(10, 1), "10.00"},
		{rat(0, 1), "0.00"},
		{rat(99995, 1000), "100.00"},
		{nil, ""},
	}
	for _, tc := range tests {
		if got := Percent(tc.x); got != tc.want {
			t.Errorf("Percent(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

// Percent and QuestionScore.Percent round in int64 where the fraction fits: they must show
// what big.Rat's FloatString(2) shows, digit for digit, for every score and at the edges.
func TestPercentInIntegersIsFloatString(t *testing.T) {
	check := func(x *big.Rat) {
		t.Helper()
		if got, want := Percent(x), x.FloatString(2); got != want {
			t.Fatalf("Percent(%v) = %q, FloatString(2) = %q", x, got, want)
		}
	}
	for _, d := range []int64{1, 2, 3, 7, 8, 12, 16, 200, 400, 1000, 1200, 99999, 1 << 40} {
		for n := int64(0); n <= 3000; n++ {
			check(big.NewRat(n, d))
		}
		check(big.NewRat(maxExactPercent, d))
		check(big.NewRat(maxExactPercent+1, d))
		check(big.NewRat(1<<62, d))
	}
	check(big.NewRat(5, maxExactPercent))
	check(big.NewRat(5, maxExactPercent+2))
	check(big.NewRat(-1, 1000)) // not a score: falls back to FloatString's "-0.00"
	check(big.NewRat(-12345, 100))
	huge := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(3), 100), big.NewInt(7))
	check(huge)
	rnd := rand.New(rand.NewPCG(17, 5))
	for range 100_000 {
		check(big.NewRat(rnd.Int64N(1<<50), 1+rnd.Int64N(1<<40)))
	}

	for top := 1; top <= 100; top++ {
		for _, w := range []int{0, 1, 7, 100, 125, 333, 1000, 2500, 10000} {
			for c := 0; c <= top; c++ {
				q := QuestionScore{Consensus: c, MaxScore: top, WeightBP: w}
				if got, want := q.Percent(), q.Weighted().FloatString(2); got != want {
					t.Fatalf("%d of %d at %d bp: Percent() = %q, want %q", c, top, w, got, want)
				}
			}
		}
	}
}

func TestComputeRefusesIncompleteOrInvalidInput(t *testing.T) {
	tests := []struct {
		name    string
		change  func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula)
		kind    apperr.Kind
		message []string
	}{
		{"missing scores are named", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			delete(bids[0].Scores, "q12")
			delete(bids[1].Passed, "q41")
			return qs, bids, ""
		}, apperr.Conflict, []string{"until every score is in",
			"Estuary Urgent Care has no consensus score for question 1.2", "Weald Ambulance has no pass/fail result for question 4.1"}},
		{"a zero price", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			bids[2].PricePence = 0
			return qs, bids, ""
		}, apperr.Invalid, []string{"Channel Coast Health's price must be above £0"}},
		{"a negative price", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			bids[2].PricePence = -5
			return qs, bids, ""
		}, apperr.Invalid, []string{"Channel Coast Health's price must be above £0"}},
		{"a score above the top of the scale", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			bids[0].Scores["q11"] = 5
			return qs, bids, ""
		}, apperr.Invalid, []string{"question 1.1 is 5: it must be from 0 to 4"}},
		{"a score for a question the lot does not have", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			bids[0].Scores["q99"] = 2
			return qs, bids, ""
		}, apperr.Invalid, []string{"not a scored question of the lot"}},
		{"an unknown formula", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			return qs, bids, "cheapest"
		}, apperr.Invalid, []string{"Unknown price formula"}},
		{"weights that do not add up to 100 %", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			qs[0].WeightBP = 3000
			return qs, bids, ""
		}, apperr.Invalid, []string{"add up to 90%"}},
		{"the same bidder twice", func(qs []lots.Question, bids []Bid) ([]lots.Question, []Bid, PriceFormula) {
			bids[1].Bidder = bids[0].Bidder
			return qs, bids, ""
		}, apperr.Invalid, []string{"has two bids"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			secs, qs := kentLot1()
			qs, bids, formula := tc.change(qs, kentBids())
			rs, err := Compute(secs, qs, bids, formula)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != tc.kind {
				t.Fatalf("got %v, %v; want an error of kind %v", rs, err, tc.kind)
			}
			for _, m := range tc.message {
				if !strings.Contains(ae.Message, m) {
					t.Errorf("message %q does not say %q", ae.Message, m)
				}
			}
			if errors.Is(err, ErrIncomplete) != (tc.kind == apperr.Conflict) {
				t.Errorf("errors.Is(err, ErrIncomplete) = %v", errors.Is(err, ErrIncomplete))
			}
		})
	}
}

func TestComputeWithEveryBidExcludedRanksNobody(t *testing.T) {
	secs, qs := kentLot1()
	bids := kentBids()
	for i := range bids {
		bids[i].Passed["q41"] = false
	}
	rs, err := Compute(secs, qs, bids, LowestPrice)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if !r.Excluded || r.Rank != 0 || r.Total != nil {
			t.Errorf("%s: excluded %v rank %d total %v", r.Bidder, r.Excluded, r.Rank, r.Total)
		}
	}
}

func TestPriceTotalOfASchedule(t *testing.T) {
	tests := []struct {
		name    string
		years   []lots.PriceYear
		want    int64
		wantErr bool
	}{
		// Five years of £62m rising 2 % a year on the first year: 62 + 63.24 + 64.48 + 65.72 + 66.96 = £322.4m.
		{"five years", []lots.PriceYear{{Year: 1, Pence: 6_200_000_000}, {Year: 2, Pence: 6_324_000_000}, {Year: 3, Pence: 6_448_000_000}, {Year: 4, Pence: 6_572_000_000}, {Year: 5, Pence: 6_696_000_000}}, 32_240_000_000, false},
		{"nothing priced", nil, 0, false},
		{"a negative year", []lots.PriceYear{{Year: 1, Pence: 100}, {Year: 2, Pence: -1}}, 0, true},
		{"a year twice", []lots.PriceYear{{Year: 1, Pence: 100}, {Year: 1, Pence: 100}}, 0, true},
		{"beyond int64", []lots.PriceYear{{Year: 1, Pence: 1 << 62}, {Year: 2, Pence: 1 << 62}}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PriceTotal(tc.years)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("PriceTotal = %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// Quality is summed in whole units of the top scores' least common multiple, or, when that
// multiple is too large, in math/big. Either way each section and the quality must equal the
// fractions consensus ÷ top × weight added one by one, which is what this test adds.
func TestComputeSumsExactlyWhateverTheTopScores(t *testing.T) {
	for _, tc := range []struct {
		name string
		tops []int
	}{
		{"usual top scores (whole units)", []int{4, 5, 10, 3, 7, 4, 9}},
		{"large prime top scores (math/big)", []int{97, 89, 83, 79, 73, 71, 67}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secs := []lots.Section{{ID: "s1", Position: 1, Title: "A"}, {ID: "s2", Position: 2, Title: "B"}, {ID: "s3", Position: 3, Title: "Price"}}
			weights := []int{1111, 937, 1303, 501, 777, 1371, 1000} // 7,000 basis points: 70 % quality
			qs := []lots.Question{{ID: "p", SectionID: "s3", Position: 1, Number: "3.1", Kind: lots.Price, WeightBP: 3000, Panel: lots.Finance}}
			for i, top := range tc.tops {
				sec := "s1"
				if i >= 3 {
					sec = "s2"
				}
				qs = append(qs, lots.Question{ID: fmt.Sprint("q", i), SectionID: sec, Position: i, Number: fmt.Sprint("1.", i),
					Kind: lots.Scored, WeightBP: weights[i], MaxScore: top})
			}
			var bids []Bid
			for b := range 5 {
				bid := Bid{Bidder: fmt.Sprint("Bidder ", b), PricePence: int64(1000 + b), Scores: map[string]int{}}
				for i, top := range tc.tops {
					bid.Scores[fmt.Sprint("q", i)] = (b*7 + i*13) % (top + 1)
				}
				bids = append(bids, bid)
			}
			rs, err := Compute(secs, qs, bids, LowestPrice)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range byBidder(t, rs) {
				var bid Bid
				for _, b := range bids {
					if b.Bidder == r.Bidder {
						bid = b
					}
				}
				want := map[string]*big.Rat{"s1": new(big.Rat), "s2": new(big.Rat)}
				quality := new(big.Rat)
				for i, top := range tc.tops {
					w := big.NewRat(int64(bid.Scores[fmt.Sprint("q", i)]*weights[i]), int64(top*100))
					sec := "s1"
					if i >= 3 {
						sec = "s2"
					}
					want[sec].Add(want[sec], w)
					quality.Add(quality, w)
				}
				for _, s := range r.Sections {
					if !sameRat(s.Score, want[s.SectionID]) {
						t.Errorf("%s section %s: %v, want %v", r.Bidder, s.SectionID, s.Score, want[s.SectionID])
					}
				}
				if !sameRat(r.Quality, quality) {
					t.Errorf("%s quality: %v, want %v", r.Bidder, r.Quality, quality)
				}
				if quality.Sign() == 0 {
					t.Errorf("%s: the fixture should give some quality marks", r.Bidder)
				}
			}
		})
	}
}

func TestScoreUnitIsTheTopScoresLeastCommonMultipleOrNone(t *testing.T) {
	q := func(tops ...int) []lots.Question {
		var qs []lots.Question
		for _, top := range tops {
			qs = append(qs, lots.Question{Kind: lots.Scored, MaxScore: top})
		}
		return append(qs, lots.Question{Kind: lots.PassFail}, lots.Question{Kind: lots.Price})
	}
	for _, tc := range []struct {
		tops []int
		want int64
	}{
		{[]int{4, 4, 4}, 4},
		{[]int{4, 6, 10}, 60},
		{[]int{5}, 5},
		{nil, 1},
		{[]int{97, 89, 83, 79, 73, 71, 67}, 0}, // 1.3 × 10^13: beyond maxUnit
	} {
		if got := scoreUnit(q(tc.tops...)); got != tc.want {
			t.Errorf("scoreUnit(%v) = %d, want %d", tc.tops, got, tc.want)
		}
	}
}
