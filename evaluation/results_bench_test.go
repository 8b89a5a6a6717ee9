package evaluation

import (
	"fmt"
	"testing"

	"golive/lots"
)

// BenchmarkCompute is the results of issue 5's moderation matrix: 8 bidders × 60 scored
// questions in 6 sections, top score 4, plus a price question.
//
//	go test -run xxx -bench Compute -benchmem ./evaluation/
func BenchmarkCompute(b *testing.B) {
	var secs []lots.Section
	qs := []lots.Question{{ID: "price", SectionID: "sp", Position: 1, Number: "7.1", Kind: lots.Price, WeightBP: 4000}}
	for s := 1; s <= 6; s++ {
		secs = append(secs, lots.Section{ID: fmt.Sprint("s", s), Position: s, Title: fmt.Sprint("Section ", s)})
	}
	secs = append(secs, lots.Section{ID: "sp", Position: 7, Title: "Price"})
	for i := range 60 {
		qs = append(qs, lots.Question{ID: fmt.Sprint("q", i), SectionID: fmt.Sprint("s", i%6+1), Position: i, Number: fmt.Sprint(i%6+1, ".", i),
			Kind: lots.Scored, WeightBP: 100, MaxScore: 4})
	}
	var bids []Bid
	for n := range 8 {
		bid := Bid{Bidder: fmt.Sprint("Bidder ", n), PricePence: int64(1_000_000 + 997*n), Scores: map[string]int{}}
		for i := range 60 {
			bid.Scores[fmt.Sprint("q", i)] = (n + i) % 5
		}
		bids = append(bids, bid)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(secs, qs, bids, LowestPrice); err != nil {
			b.Fatal(err)
		}
	}
}
