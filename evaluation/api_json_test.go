package evaluation_test

import (
	"encoding/json"
	"math/rand"
	"testing"
	"testing/quick"

	"golive/evaluation"
)

// The results answer is written by hand (api_json.go); its bytes must be encoding/json's (what
// c.JSON wrote before) for every value: random ones (testing/quick fills every field, a field
// added later included, with nil and empty lists) and awkward strings (escapes, HTML, invalid
// UTF-8, the line separators JavaScript chokes on).
func TestTheHandWrittenResultsJSONIsEncodingJSONsBytes(t *testing.T) {
	awkward := []string{"", "plain", "5.13", "100.00", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", `say "hi"`, `back\slash`,
		"<b>Smith & Sons</b>", "tab\there", "line\nbreak", "nul\x00", "del\x7f", "bell\x07", "ctl\x1f", "café", "Ünïcödé 💷",
		"sep\u2028par\u2029", "bad\xffutf8", "half\xe2\x82", "lone\x80", "\ufffd", "'single'", "{\"json\":[1]}"}
	rnd := rand.New(rand.NewSource(1))
	pick := func(s string) string {
		switch rnd.Intn(3) {
		case 0:
			return s // testing/quick's: any runes
		case 1:
			return awkward[rnd.Intn(len(awkward))]
		}
		b := make([]byte, rnd.Intn(12)) // ASCII, control characters included
		for i := range b {
			b[i] = byte(rnd.Intn(128))
		}
		return string(b)
	}
	same := func(v evaluation.ResultsJSON) bool {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.AppendJSON([]byte("kept")); string(got) != "kept"+string(want) {
			t.Errorf("hand-written:\n%s\nencoding/json:\n%s", got[4:], want)
			return false
		}
		return true
	}
	check := func(v evaluation.ResultsJSON) bool {
		if !same(v) {
			return false
		}
		// The same value with awkward strings and the values omitempty leaves out.
		v.LotID, v.PriceFormula = pick(v.LotID), evaluation.PriceFormula(pick(string(v.PriceFormula)))
		for i := range v.Results {
			r := &v.Results[i]
			r.BidderOrgID, r.Name, r.Quality, r.PriceScore, r.Total = pick(r.BidderOrgID), pick(r.Name), pick(r.Quality), pick(r.PriceScore), pick(r.Total)
			if rnd.Intn(2) == 0 {
				r.Rank = 0
			}
			for j := range r.Reasons {
				r.Reasons[j] = pick(r.Reasons[j])
			}
			for j := range r.Sections {
				s := &r.Sections[j]
				s.SectionID, s.Title, s.Score = pick(s.SectionID), pick(s.Title), pick(s.Score)
				for k := range s.Questions {
					q := &s.Questions[k]
					q.QuestionID, q.Number, q.Weighted = pick(q.QuestionID), pick(q.Number), pick(q.Weighted)
				}
			}
		}
		return same(v)
	}
	if err := quick.Check(check, &quick.Config{MaxCount: 400, Rand: rand.New(rand.NewSource(2))}); err != nil {
		t.Fatal(err)
	}

	// And the shape the handler writes, with every string awkward in turn.
	for _, s := range awkward {
		v := evaluation.ResultsJSON{LotID: s, PriceFormula: evaluation.RelativePrice, Results: []evaluation.ResultJSON{
			{BidderOrgID: s, Name: s, PricePence: 123456789, Quality: s, PriceScore: s, Total: s, Excluded: true, Reasons: []string{s, s}, Rank: 2,
				Sections: []evaluation.SectionScoreJSON{{SectionID: s, Title: s, WeightBP: 2500, Score: s,
					Questions: []evaluation.QuestionScoreJSON{{QuestionID: s, Number: s, Consensus: 3, MaxScore: 4, WeightBP: 1250, Weighted: s}}}}},
			{Sections: []evaluation.SectionScoreJSON{}, Reasons: []string{}, PricePence: -1},
			{},
		}}
		if !same(v) {
			t.Fatalf("with %q", s)
		}
	}
	if !same(evaluation.ResultsJSON{}) || !same(evaluation.ResultsJSON{Results: []evaluation.ResultJSON{}}) {
		t.Fatal("an empty ranking")
	}
}
