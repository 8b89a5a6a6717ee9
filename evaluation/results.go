// Package evaluation is the second half of a procurement's life up to award (DOMAIN.md steps 6
// to 8): scoring, moderation, weighted results and ranking per lot, and the award.
package evaluation

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"golive/apperr"
	"golive/lots"
)

// This file turns a lot's moderated scores and its bids' prices into weighted results and a
// ranking. It is pure arithmetic: no database, no clock. Every value is exact (*big.Rat, in
// percentage points of the lot's total: 100 is full marks); only the display strings are
// rounded, and only at the end, so that a total is never the sum of rounded parts. Quality is
// summed in whole units (exactSum) and divided once per section and once per bid.

// PriceFormula is how a bid's price is turned into a price score.
type PriceFormula string

const (
	// LowestPrice is the default: price score = lowest compliant price ÷ bid price × price
	// weight. The lowest compliant bid gets the full weight and every other bid a share in
	// proportion; the score never reaches 0.
	LowestPrice PriceFormula = "lowest"
	// RelativePrice: price score = price weight × (1 − (bid price − lowest compliant price) ÷
	// lowest compliant price), floored at 0. Each 1 % above the lowest costs 1 % of the price
	// weight, so a bid at twice the lowest price or more scores 0. It spreads the scores wider
	// than LowestPrice.
	RelativePrice PriceFormula = "relative"
)

// ErrIncomplete is wrapped by Compute's error when a consensus score or a pass/fail result is
// still missing: results cannot be computed until every score is in.
var ErrIncomplete = errors.New("evaluation: scores missing")

// Bid is one bidder's moderated marks for a lot, with its price.
type Bid struct {
	Bidder string          // who, as the results should name them (an organisation id or name); unique per lot
	Scores map[string]int  // consensus score per scored question, by question id: 0 to its MaxScore
	Passed map[string]bool // result per pass/fail question, by question id: false is a fail
	// PricePence is the bid price: the total over the contract term, in pence (PriceTotal of
	// the price schedule). It must be above 0 when the lot has a price question.
	PricePence int64
}

// QuestionScore is the weighted score of one scored question.
type QuestionScore struct {
	QuestionID string
	Number     string // "2.1"
	Consensus  int
	MaxScore   int
	WeightBP   int
}

// Weighted is the question's exact weighted score: consensus ÷ MaxScore × WeightBP, in
// percentage points. It is made when asked for (a page shows it), not when the results are
// computed: the sums do not need it (see exactSum).
func (q QuestionScore) Weighted() *big.Rat {
	return big.NewRat(int64(q.Consensus)*int64(q.WeightBP), int64(q.MaxScore)*100)
}

// Percent is the weighted score for display, e.g. "18.75": Percent(q.Weighted()) without
// making the fraction. A results page shows one for every question of every bid (480 for
// 8 bidders and 60 questions), so it is worked out in integers: the score is
// consensus × WeightBP ÷ MaxScore hundredths of a percentage point, rounded half-up once.
func (q QuestionScore) Percent() string { return string(q.appendPercent(make([]byte, 0, 24))) }

// appendPercent appends Percent's string.
func (q QuestionScore) appendPercent(b []byte) []byte {
	if q.MaxScore < 1 || q.Consensus < 0 || q.WeightBP < 0 {
		return appendPercent(b, q.Weighted()) // cannot be (Compute refuses such marks), but stays exact if it is
	}
	n, d := int64(q.Consensus)*int64(q.WeightBP), int64(q.MaxScore)
	return appendHundredths(b, (2*n+d)/(2*d))
}

// SectionScore is the quality score of one section: the sum of its scored questions.
type SectionScore struct {
	SectionID string
	Position  int
	Title     string
	WeightBP  int // what the section's scored questions can earn, in basis points
	Questions []QuestionScore
	Score     *big.Rat // in percentage points
}

// Percent is the section's score for display, e.g. "30.00".
func (s SectionScore) Percent() string { return Percent(s.Score) }

// Result is one bid's evaluation. Exact values are in percentage points of the lot's total
// (100 = full marks). An excluded bid keeps its Sections and Quality (the moderation record
// shows them) but has no PriceScore or Total (nil) and no Rank (0).
type Result struct {
	Bidder     string
	PricePence int64
	Sections   []SectionScore // in questionnaire order; only sections with scored questions
	Quality    *big.Rat
	PriceScore *big.Rat
	Total      *big.Rat
	Excluded   bool
	Reasons    []string // why it is excluded, in questionnaire order
	Rank       int      // 1 is the preferred bidder; tied bids share a rank (1, 1, 3)
}

// QualityPercent is the quality score for display, e.g. "45.00".
func (r Result) QualityPercent() string { return Percent(r.Quality) }

// PriceScorePercent is the price score for display; "" for an excluded bid.
func (r Result) PriceScorePercent() string { return Percent(r.PriceScore) }

// TotalPercent is the total for display; "" for an excluded bid.
func (r Result) TotalPercent() string { return Percent(r.Total) }

// Percent shows an exact score in percentage points rounded half-up to 2 decimal places:
// 5.125 → "5.13", 63.75 → "63.75", 10 → "10.00". nil (no score) is "". Round only for display:
// add exact values, then call Percent on the sum.
func Percent(x *big.Rat) string {
	if x == nil {
		return ""
	}
	return string(appendPercent(make([]byte, 0, 24), x))
}

// appendPercent appends Percent's string; nothing for nil.
func appendPercent(b []byte, x *big.Rat) []byte {
	if x == nil {
		return b
	}
	// A score's fraction is small (its denominator divides 100 × the top scores' least common
	// multiple, or a bid price): in int64 the rounding is the same and makes no big.Int.
	if n, d := x.Num(), x.Denom(); n.Sign() >= 0 && n.IsInt64() && d.IsInt64() {
		if n, d := n.Int64(), d.Int64(); n <= maxExactPercent && d <= maxExactPercent {
			return appendHundredths(b, (200*n+d)/(2*d))
		}
	}
	// FloatString rounds halves away from zero: half-up for the non-negative scores here.
	return append(b, x.FloatString(2)...)
}

// maxExactPercent bounds the numerator and denominator Percent rounds in int64: 200 × n + d
// must not overflow.
const maxExactPercent = (1<<63 - 1) / 256

// appendHundredths appends n hundredths (n ≥ 0) as a decimal with two places: 1875 → "18.75".
func appendHundredths(b []byte, n int64) []byte {
	b = strconv.AppendInt(b, n/100, 10)
	r := n % 100
	return append(b, '.', byte('0'+r/10), byte('0'+r%10))
}

// PriceTotal is a bid price: the sum of its price schedule's years, in pence. A negative
// year, a year priced twice or a total beyond int64 is an error.
func PriceTotal(years []lots.PriceYear) (int64, error) {
	var total int64
	seen := map[int]bool{}
	for _, y := range years {
		if y.Pence < 0 {
			return 0, apperr.Invalidf("Year %d of the price schedule is negative", y.Year)
		}
		if seen[y.Year] {
			return 0, apperr.Invalidf("Year %d of the price schedule is priced twice", y.Year)
		}
		seen[y.Year] = true
		if total > (1<<63-1)-y.Pence {
			return 0, apperr.Invalidf("The price schedule's total is too large")
		}
		total += y.Pence
	}
	return total, nil
}

// Compute works out a lot's results from its questionnaire and its bids' moderated marks.
//
// Quality: each scored question earns consensus ÷ MaxScore × WeightBP; a section's score and
// the quality score are the sums. Thresholds: a consensus below the question's MinScore
// excludes the bid ("Question 2.1 scored 1, below the minimum of 2"), and so does a fail on a
// pass/fail question ("Failed question 4.1"); the reasons are kept. Excluded bids are not
// ranked and are not compliant, so their prices never set the lowest price.
//
// Price: the price question's weight is scored by formula ("" means LowestPrice) against the
// lowest price among compliant bids. A lot without a price question scores price 0.
// Total = quality + price score.
//
// Ranking, per lot, by total, highest first. Ties: the higher quality score wins; if still
// equal, the lower price wins; if still equal, the bids share the rank and the next rank is
// skipped (1, 1, 3). The results come back ranked bids first in rank order (tied bids in input
// order), then excluded bids in input order.
//
// Errors: a missing consensus score or pass/fail result is an *apperr.Error of kind Conflict
// wrapping ErrIncomplete, naming everything that is missing; a price of 0 or less (when the lot
// has a price question), a score outside 0 to MaxScore, a mark for a question the lot does not
// have, weights that do not add up to 100 % and other inconsistent input are kind Invalid.
func Compute(sections []lots.Section, qs []lots.Question, bids []Bid, formula PriceFormula) ([]Result, error) {
	// The maps are put in the compact form the arithmetic works on (bidMarks): a mark for a
	// question the lot does not have is kept aside, for checkBids to refuse as before.
	idx := indexQuestions(qs)
	grid := make([]mark, len(bids)*len(qs))
	in := make([]bidMarks, len(bids))
	for n, b := range bids {
		bm := bidMarks{Bidder: b.Bidder, PricePence: b.PricePence, marks: grid[n*len(qs) : (n+1)*len(qs) : (n+1)*len(qs)]}
		for id, s := range b.Scores {
			bm.setScore(idx.at(id), id, s)
		}
		for id, p := range b.Passed {
			bm.setPassed(idx.at(id), id, p)
		}
		in[n] = bm
	}
	return compute(sections, qs, in, formula)
}

// mark is one consensus mark of a bid in compact form: what the arithmetic needs of it.
type mark struct {
	score int
	set   markFlags
}

type markFlags uint8

const (
	hasScore markFlags = 1 << iota
	hasPassed
	passed
)

// bidMarks is a Bid with its marks by question index (the lot's questions as given to
// compute) rather than in maps by question id: a results page ranks every bid on every read,
// and 480 marks in maps, or as Consensus rows, were a large part of what each read allocated.
type bidMarks struct {
	Bidder     string
	PricePence int64
	marks      []mark      // one per question of the lot
	stray      []strayMark // marks for questions the lot does not have: refused by checkBids
}

// strayMark is a mark for a question id the lot does not have.
type strayMark struct {
	questionID string
	mark
}

// setScore records the consensus score for the question at index i of the lot's questions, or
// for question id the lot does not have when i < 0.
func (b *bidMarks) setScore(i int, id string, score int) {
	if i >= 0 {
		b.marks[i].score, b.marks[i].set = score, b.marks[i].set|hasScore
		return
	}
	b.stray = append(b.stray, strayMark{questionID: id, mark: mark{score: score, set: hasScore}})
}

// setPassed records the pass/fail result as setScore the score.
func (b *bidMarks) setPassed(i int, id string, ok bool) {
	f := hasPassed
	if ok {
		f |= passed
	}
	if i >= 0 {
		b.marks[i].set |= f
		return
	}
	b.stray = append(b.stray, strayMark{questionID: id, mark: mark{set: f}})
}

// questionIndex finds a lot's questions by id: their indexes sorted by id (a stable sort, so
// of an id given twice the first, which questionnaire refuses anyway), searched by halving.
// A slice of ints rather than a map: it is made for every results page.
type questionIndex struct {
	qs    []lots.Question
	order []int
}

func indexQuestions(qs []lots.Question) questionIndex {
	order := make([]int, len(qs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(qs[a].ID, qs[b].ID) })
	return questionIndex{qs: qs, order: order}
}

// at is the index of question id, -1 when the lot does not have it.
func (x questionIndex) at(id string) int {
	n, found := slices.BinarySearchFunc(x.order, id, func(i int, id string) int { return strings.Compare(x.qs[i].ID, id) })
	if !found {
		return -1
	}
	return x.order[n]
}

// compute is Compute on bids in compact form.
func compute(sections []lots.Section, qs []lots.Question, bids []bidMarks, formula PriceFormula) ([]Result, error) {
	if formula == "" {
		formula = LowestPrice
	}
	if formula != LowestPrice && formula != RelativePrice {
		return nil, apperr.Invalidf("Unknown price formula %q: use %q or %q", formula, LowestPrice, RelativePrice)
	}
	secs, ordered, price, err := questionnaire(sections, qs)
	if err != nil {
		return nil, err
	}
	if err := checkBids(qs, ordered, price, bids); err != nil {
		return nil, err
	}

	unit := scoreUnit(qs)
	results := make([]Result, len(bids))
	// Every bid's question scores in one array: the same for each bid but its consensus.
	nScored := 0
	for _, q := range qs {
		if q.Kind == lots.Scored {
			nScored++
		}
	}
	scores := make([]QuestionScore, len(bids)*nScored)
	for i, b := range bids {
		results[i] = quality(secs, qs, ordered, b, unit, scores[i*nScored:(i+1)*nScored:(i+1)*nScored])
	}

	// The lowest price among compliant bids only: an excluded bid cannot set the benchmark.
	var lowest int64
	for i, r := range results {
		if !r.Excluded && (lowest == 0 || bids[i].PricePence < lowest) {
			lowest = bids[i].PricePence
		}
	}
	var ranked []int
	for i := range results {
		r := &results[i]
		if r.Excluded {
			continue
		}
		r.PriceScore = new(big.Rat)
		if price >= 0 {
			r.PriceScore = priceScore(formula, qs[price].WeightBP, lowest, bids[i].PricePence)
		}
		r.Total = addRat(r.Quality, r.PriceScore)
		ranked = append(ranked, i)
	}

	slices.SortStableFunc(ranked, func(a, b int) int { return compareRank(results[a], results[b]) })
	out := make([]Result, 0, len(results))
	for n, i := range ranked {
		r := results[i]
		r.Rank = n + 1
		if n > 0 && compareRank(out[n-1], r) == 0 {
			r.Rank = out[n-1].Rank
		}
		out = append(out, r)
	}
	for _, r := range results {
		if r.Excluded {
			out = append(out, r)
		}
	}
	return out, nil
}

// compareRank orders compliant results best first: total, then quality (both higher first),
// then price (lower first). 0 means a shared rank.
func compareRank(a, b Result) int {
	if c := cmpRat(b.Total, a.Total); c != 0 {
		return c
	}
	if c := cmpRat(b.Quality, a.Quality); c != 0 {
		return c
	}
	return cmp.Compare(a.PricePence, b.PricePence)
}

// priceScore is a compliant bid's price score in percentage points; lowest and bid are > 0.
// The fraction is made in int64 when its parts fit (they do for any price up to about
// £9 trillion against a 100 % weight), in math/big otherwise.
func priceScore(formula PriceFormula, weightBP int, lowest, bid int64) *big.Rat {
	switch formula {
	case RelativePrice:
		// w × (1 − (p − l) ÷ l) = w × (2l − p) ÷ l, w = weightBP ÷ 100
		if lowest <= math.MaxInt64/2 {
			s := 2*lowest - bid
			if s <= 0 {
				return new(big.Rat)
			}
			if n, ok := mul64(int64(weightBP), s); ok {
				if d, ok := mul64(100, lowest); ok {
					return ratio(n, d)
				}
			}
		}
	default: // LowestPrice: w × l ÷ p
		if n, ok := mul64(int64(weightBP), lowest); ok {
			if d, ok := mul64(100, bid); ok {
				return ratio(n, d)
			}
		}
	}
	w := big.NewRat(int64(weightBP), 100)
	l, p := new(big.Rat).SetInt64(lowest), new(big.Rat).SetInt64(bid)
	switch formula {
	case RelativePrice:
		s := new(big.Rat).Sub(new(big.Rat).Add(l, l), p)
		if s.Sign() <= 0 {
			return new(big.Rat)
		}
		return s.Mul(s, w).Quo(s, l)
	default:
		return new(big.Rat).Mul(w, l.Quo(l, p))
	}
}

// mul64 is a × b for a, b ≥ 0, and whether it fits in an int64.
func mul64(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

// ratio is the fraction n ÷ d (n ≥ 0, d > 0) as a *big.Rat. It is reduced in int64 and set
// through the Rat's numerator and denominator, which big.Rat documents as references to its
// own: the same value as big.NewRat, without NewRat's normalisation in big.Int (a greatest
// common divisor and its temporaries), of which a ranking made dozens.
func ratio(n, d int64) *big.Rat {
	if n < 0 || d <= 0 {
		return big.NewRat(n, d)
	}
	if g := gcd(n, d); g > 1 {
		n, d = n/g, d/g
	}
	r := new(big.Rat).SetInt64(n)
	if d != 1 {
		r.Denom().SetInt64(d)
	}
	return r
}

// fraction is x's numerator and denominator when both fit in an int64 and x ≥ 0.
func fraction(x *big.Rat) (n, d int64, ok bool) {
	if num, den := x.Num(), x.Denom(); num.Sign() >= 0 && num.IsInt64() && den.IsInt64() {
		return num.Int64(), den.Int64(), true
	}
	return 0, 0, false
}

// addRat is x + y, worked out in int64 when the parts fit (scores do), in math/big otherwise.
func addRat(x, y *big.Rat) *big.Rat {
	if a, b, ok := fraction(x); ok {
		if c, d, ok := fraction(y); ok {
			// a/b + c/d = (a·d/g + c·b/g) ÷ (b·d/g), g = gcd(b, d)
			g := gcd(b, d)
			ad, ok1 := mul64(a, d/g)
			cb, ok2 := mul64(c, b/g)
			den, ok3 := mul64(b, d/g)
			if ok1 && ok2 && ok3 && ad <= math.MaxInt64-cb {
				return ratio(ad+cb, den)
			}
		}
	}
	return new(big.Rat).Add(x, y)
}

// cmpRat is x.Cmp(y), worked out in 128-bit integers when the parts fit in int64: Rat.Cmp
// makes two big.Int products every time, and sorting a ranking compares often.
func cmpRat(x, y *big.Rat) int {
	if a, b, ok := fraction(x); ok {
		if c, d, ok := fraction(y); ok {
			// a/b against c/d is a·d against c·b: b and d are > 0
			h1, l1 := bits.Mul64(uint64(a), uint64(d))
			h2, l2 := bits.Mul64(uint64(c), uint64(b))
			return cmp.Or(cmp.Compare(h1, h2), cmp.Compare(l1, l2))
		}
	}
	return x.Cmp(y)
}

// section is a questionnaire section with its questions in order.
type section struct {
	lots.Section
	questions []int // indexes into the lot's questions, by position
}

// questionnaire checks the questionnaire and puts it in order: sections by position, questions
// by position within them. It returns the sections, every question's index in that order, and
// the price question's index (-1 when there is none). Indexes rather than copies of the
// questions: a question is a large struct and a lot has dozens.
func questionnaire(sections []lots.Section, qs []lots.Question) ([]section, []int, int, error) {
	secs := make([]section, len(sections))
	idx := make(map[string]int, len(sections))
	for i, s := range sections {
		if _, dup := idx[s.ID]; dup {
			return nil, nil, -1, apperr.Invalidf("Section %q is given twice", s.Title)
		}
		idx[s.ID] = i
		secs[i] = section{Section: s}
	}
	slices.SortStableFunc(secs, func(a, b section) int { return cmp.Compare(a.Position, b.Position) })
	for i, s := range secs {
		idx[s.ID] = i
	}
	if msg := lots.CheckWeights(qs); msg != "" {
		// The lot could not have been published like this; a total out of anything but 100
		// would be wrong without looking wrong.
		return nil, nil, -1, apperr.Invalidf("The results cannot be computed: %s", msg)
	}
	// A question given twice is found by sorting the indexes by id (no map of the ids): every
	// occurrence after the first is a repeat.
	byID := make([]int, 2*len(qs))
	order, repeat := byID[:len(qs)], byID[len(qs):]
	for i := range order {
		order[i], repeat[i] = i, 0
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(qs[a].ID, qs[b].ID) })
	for n := 1; n < len(order); n++ {
		if qs[order[n]].ID == qs[order[n-1]].ID {
			repeat[order[n]] = 1
		}
	}
	price := -1
	// Each section's indexes are a part of one array, sized by counting first.
	counts := make([]int, len(secs)+1)
	for _, q := range qs {
		if i, ok := idx[q.SectionID]; ok {
			counts[i+1]++
		}
	}
	for i := range secs {
		counts[i+1] += counts[i]
	}
	ordered := make([]int, len(qs))
	for i := range secs {
		secs[i].questions = ordered[counts[i]:counts[i]:counts[i+1]]
	}
	for n := range qs {
		q := &qs[n]
		i, ok := idx[q.SectionID]
		switch {
		case repeat[n] == 1:
			return nil, nil, -1, apperr.Invalidf("Question %s is given twice", q.Number)
		case !ok:
			return nil, nil, -1, apperr.Invalidf("Question %s is in a section the lot does not have", q.Number)
		case q.Kind == lots.Scored && q.MaxScore < 1:
			return nil, nil, -1, apperr.Invalidf("Question %s needs a top score of at least 1", q.Number)
		case q.Kind == lots.Price && price >= 0:
			return nil, nil, -1, apperr.Invalidf("The lot has two price questions (%s and %s): it can have one", qs[price].Number, q.Number)
		case q.Kind != lots.Scored && q.Kind != lots.PassFail && q.Kind != lots.Price:
			return nil, nil, -1, apperr.Invalidf("Question %s is of an unknown kind %q", q.Number, q.Kind)
		}
		if q.Kind == lots.Price {
			price = n
		}
		secs[i].questions = append(secs[i].questions, n)
	}
	for i := range secs {
		slices.SortStableFunc(secs[i].questions, func(a, b int) int { return cmp.Compare(qs[a].Position, qs[b].Position) })
	}
	// ordered holds every section's indexes, in section order: every question in order.
	return secs, ordered[:counts[len(secs)]], price, nil
}

// checkBids refuses bids whose marks do not fit the questionnaire, and lists every mark still
// missing. ordered is the questions' indexes in questionnaire order.
func checkBids(qs []lots.Question, ordered []int, price int, bids []bidMarks) error {
	var missing []string
	for n, b := range bids {
		if strings.TrimSpace(b.Bidder) == "" {
			return apperr.Invalidf("A bid has no bidder")
		}
		for _, o := range bids[:n] {
			if o.Bidder == b.Bidder {
				return apperr.Invalidf("%s has two bids for the lot", b.Bidder)
			}
		}
		if price >= 0 && b.PricePence <= 0 {
			return apperr.Invalidf("%s's price must be above £0 (it is %d pence)", b.Bidder, b.PricePence)
		}
		for _, i := range ordered {
			m, q := b.marks[i], &qs[i]
			if m.set&hasScore == 0 {
				continue
			}
			if q.Kind != lots.Scored {
				return apperr.Invalidf("%s has a score for a question that is not a scored question of the lot (%s)", b.Bidder, q.ID)
			}
			if m.score < 0 || m.score > q.MaxScore {
				return apperr.Invalidf("%s's score for question %s is %d: it must be from 0 to %d", b.Bidder, q.Number, m.score, q.MaxScore)
			}
		}
		for _, s := range b.stray {
			if s.set&hasScore != 0 {
				return apperr.Invalidf("%s has a score for a question that is not a scored question of the lot (%s)", b.Bidder, s.questionID)
			}
		}
		for _, i := range ordered {
			if b.marks[i].set&hasPassed != 0 && qs[i].Kind != lots.PassFail {
				return apperr.Invalidf("%s has a pass/fail result for a question that is not a pass/fail question of the lot (%s)", b.Bidder, qs[i].ID)
			}
		}
		for _, s := range b.stray {
			if s.set&hasPassed != 0 {
				return apperr.Invalidf("%s has a pass/fail result for a question that is not a pass/fail question of the lot (%s)", b.Bidder, s.questionID)
			}
		}
		for _, i := range ordered {
			q := &qs[i]
			switch q.Kind {
			case lots.Scored:
				if b.marks[i].set&hasScore == 0 {
					missing = append(missing, fmt.Sprintf("%s has no consensus score for question %s", b.Bidder, q.Number))
				}
			case lots.PassFail:
				if b.marks[i].set&hasPassed == 0 {
					missing = append(missing, fmt.Sprintf("%s has no pass/fail result for question %s", b.Bidder, q.Number))
				}
			}
		}
	}
	if len(missing) > 0 {
		return &apperr.Error{Kind: apperr.Conflict, Err: ErrIncomplete,
			Message: "Results cannot be computed until every score is in: " + strings.Join(missing, "; ")}
	}
	return nil
}

// quality scores one bid's quality and applies the thresholds; its marks are complete and valid.
// scores has room for the bid's question scores: its sections' lists are parts of it.
func quality(secs []section, qs []lots.Question, ordered []int, b bidMarks, unit int64, scores []QuestionScore) Result {
	n := 0
	for _, s := range secs {
		for _, i := range s.questions {
			if qs[i].Kind == lots.Scored {
				n++
				break
			}
		}
	}
	r := Result{Bidder: b.Bidder, PricePence: b.PricePence, Sections: make([]SectionScore, 0, n)}
	total := exactSum{unit: unit}
	for _, s := range secs {
		ss := SectionScore{SectionID: s.ID, Position: s.Position, Title: s.Title}
		sum := exactSum{unit: unit}
		k := 0 // the section's scores are the next k of scores
		for _, i := range s.questions {
			q := &qs[i]
			if q.Kind != lots.Scored {
				continue
			}
			c := b.marks[i].score
			scores[k] = QuestionScore{QuestionID: q.ID, Number: q.Number, Consensus: c, MaxScore: q.MaxScore, WeightBP: q.WeightBP}
			k++
			ss.WeightBP += q.WeightBP
			sum.add(c, q.WeightBP, q.MaxScore)
			total.add(c, q.WeightBP, q.MaxScore)
		}
		if k > 0 {
			ss.Questions = scores[:k:k]
			scores = scores[k:]
			ss.Score = sum.rat()
			r.Sections = append(r.Sections, ss)
		}
	}
	r.Quality = total.rat()
	for _, i := range ordered {
		q, m := &qs[i], b.marks[i]
		switch {
		case q.Kind == lots.Scored && m.score < q.MinScore:
			r.Reasons = append(r.Reasons, fmt.Sprintf("Question %s scored %d, below the minimum of %d", q.Number, m.score, q.MinScore))
		case q.Kind == lots.PassFail && m.set&passed == 0:
			r.Reasons = append(r.Reasons, fmt.Sprintf("Failed question %s", q.Number))
		}
	}
	r.Excluded = len(r.Reasons) > 0
	return r
}

// maxUnit bounds scoreUnit so that a sum of consensus × WeightBP × (unit ÷ MaxScore) over a
// lot's questions (the weights add up to at most 10,000 basis points) stays far inside int64.
const maxUnit = 1 << 40

// scoreUnit is the least common multiple of the scored questions' top scores: every weighted
// score is a whole number of 1/(unit × 100) percentage points, so the sums can be taken in
// int64 and divided once. It is 0 when the multiple would be too large for that (top scores
// such as 97, 89 and 83 together), and the sums are then taken in math/big.
func scoreUnit(qs []lots.Question) int64 {
	unit := int64(1)
	for _, q := range qs {
		if q.Kind != lots.Scored {
			continue
		}
		m := int64(q.MaxScore)
		unit = unit / gcd(unit, m) * m
		if unit > maxUnit {
			return 0
		}
	}
	return unit
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// exactSum adds weighted scores exactly. Ranking decides a contract, so nothing is rounded:
// with a unit (scoreUnit) the sum is whole numbers of 1/(unit × 100) percentage points and
// costs no allocation per question; without one it falls back to adding *big.Rat.
type exactSum struct {
	unit int64
	n    int64
	big  *big.Rat
}

// add adds consensus ÷ top × weightBP basis points.
func (s *exactSum) add(consensus, weightBP, top int) {
	if s.unit > 0 {
		s.n += int64(consensus) * int64(weightBP) * (s.unit / int64(top))
		return
	}
	if s.big == nil {
		s.big = new(big.Rat)
	}
	s.big.Add(s.big, big.NewRat(int64(consensus)*int64(weightBP), int64(top)*100))
}

// rat is the sum in percentage points.
func (s *exactSum) rat() *big.Rat {
	switch {
	case s.unit > 0:
		return ratio(s.n, s.unit*100)
	case s.big == nil:
		return new(big.Rat)
	default:
		return s.big
	}
}
