package evaluation

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"golive/lots"
)

// The results API writes its answer without building the ResultsJSON (resultsAnswer): its
// bytes must be those of the ResultsJSON the handler built before (resultsJSON), which are
// encoding/json's (TestTheHandWrittenResultsJSONIsEncodingJSONsBytes). Rankings computed from
// random marks (excluded bids, sections without scored questions, top scores whose scores
// are not whole hundredths), awkward names, and views Compute never makes (no sections, a
// score too large for the integer rounding, nothing at all).
func TestTheResultsAnswerIsTheResultsJSONsBytes(t *testing.T) {
	same := func(v ResultsView) {
		t.Helper()
		want, err := json.Marshal(resultsJSON(v))
		if err != nil {
			t.Fatal(err)
		}
		whole := resultsJSON(v)
		if built := whole.AppendJSON(nil); string(built) != string(want) {
			t.Fatalf("ResultsJSON.AppendJSON is not encoding/json:\n%s\n%s", built, want)
		}
		if got := (resultsAnswer{&v}).AppendJSON([]byte("kept")); string(got) != "kept"+string(want) {
			t.Fatalf("the answer:\n%s\nthe ResultsJSON:\n%s", got[4:], want)
		}
	}

	rnd := rand.New(rand.NewPCG(1, 2))
	names := []string{"Estuary <Care> & Co", "Weald \"Ambulance\"", "café", "bad\xffutf8", "sep\u2028", ""}
	for try := range 200 {
		secs, qs := randomQuestionnaire(rnd)
		var bids []Bid
		v := ResultsView{Lot: lots.Lot{ID: fmt.Sprint("lot-", try)}, Names: map[string]string{}, Formula: []PriceFormula{LowestPrice, RelativePrice}[rnd.IntN(2)]}
		for n := range 1 + rnd.IntN(8) {
			b := Bid{Bidder: fmt.Sprint("bidder-", n), PricePence: 1 + rnd.Int64N(1_000_000_000), Scores: map[string]int{}, Passed: map[string]bool{}}
			for _, q := range qs {
				switch q.Kind {
				case lots.Scored:
					b.Scores[q.ID] = rnd.IntN(q.MaxScore + 1)
				case lots.PassFail:
					b.Passed[q.ID] = rnd.IntN(8) > 0
				}
			}
			bids = append(bids, b)
			if rnd.IntN(4) > 0 {
				v.Names[b.Bidder] = names[rnd.IntN(len(names))]
			}
		}
		var err error
		if v.Results, err = Compute(secs, qs, bids, v.Formula); err != nil {
			t.Fatal(err)
		}
		same(v)
	}

	huge := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 80), big.NewInt(3))
	same(ResultsView{})
	same(ResultsView{Results: []Result{{Bidder: "a"}, {Bidder: "b", Sections: []SectionScore{}, Reasons: []string{}}}})
	same(ResultsView{Lot: lots.Lot{ID: "l"}, Results: []Result{{Bidder: "a", Quality: huge, PriceScore: huge, Total: huge, Rank: 1,
		Sections: []SectionScore{{SectionID: "s", Title: "T", WeightBP: 1, Score: huge, Questions: []QuestionScore{
			{QuestionID: "q", Number: "1.1", Consensus: -1, MaxScore: 3, WeightBP: 1}}}, {SectionID: "e"}}}}})
}

// randomQuestionnaire is a valid questionnaire: up to five sections of up to eight questions,
// scored (top scores 1 to 10), pass/fail, and a price question or none, the weights adding up
// to 100 %.
func randomQuestionnaire(rnd *rand.Rand) ([]lots.Section, []lots.Question) {
	var secs []lots.Section
	var qs []lots.Question
	for s := range 1 + rnd.IntN(5) {
		secs = append(secs, lots.Section{ID: fmt.Sprint("s", s), Position: rnd.IntN(10), Title: fmt.Sprint("Section ", s)})
		for range rnd.IntN(9) {
			q := lots.Question{ID: fmt.Sprint("q", len(qs)), SectionID: fmt.Sprint("s", s), Position: rnd.IntN(10), Number: fmt.Sprint(s, ".", len(qs))}
			if rnd.IntN(5) == 0 {
				q.Kind = lots.PassFail
			} else {
				q.Kind, q.MaxScore, q.MinScore = lots.Scored, 1+rnd.IntN(10), rnd.IntN(2)
			}
			qs = append(qs, q)
		}
	}
	left := lots.FullWeight
	if rnd.IntN(3) > 0 {
		w := 1000 + rnd.IntN(5000)
		qs = append(qs, lots.Question{ID: "price", SectionID: secs[0].ID, Position: 99, Number: "9.9", Kind: lots.Price, WeightBP: w})
		left -= w
	}
	var scored []int
	for i, q := range qs {
		if q.Kind == lots.Scored {
			scored = append(scored, i)
		}
	}
	if len(scored) == 0 {
		qs = append(qs, lots.Question{ID: "only", SectionID: secs[0].ID, Position: 0, Number: "0.1", Kind: lots.Scored, MaxScore: 3})
		scored = append(scored, len(qs)-1)
	}
	for n, i := range scored {
		w := left / (len(scored) - n)
		if n < len(scored)-1 {
			w = 1 + rnd.IntN(w)
		}
		qs[i].WeightBP = w
		left -= w
	}
	return secs, qs
}
