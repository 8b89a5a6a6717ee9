package evaluation

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The ranking's fractions are made in int64 where they fit (ratio, addRat, cmpRat and
// priceScore's int64 path): each must be math/big's value, reduced as big.Rat reduces it, for
// small values, values at the edge of int64 and values past it (where math/big takes over).
func TestTheInt64FractionsAreMathBigs(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	edge := []int64{0, 1, 2, 3, 7, 100, 9999, 10000, 1 << 31, math.MaxInt64 / 200, math.MaxInt64 / 100, math.MaxInt64/2 - 1,
		math.MaxInt64 / 2, math.MaxInt64/2 + 1, math.MaxInt64 - 1, math.MaxInt64}
	pick := func() int64 {
		switch rnd.IntN(3) {
		case 0:
			return edge[rnd.IntN(len(edge))]
		case 1:
			return rnd.Int64N(1_000_000_000)
		}
		return rnd.Int64()
	}
	same := func(what string, got, want *big.Rat) {
		t.Helper()
		if got.Cmp(want) != 0 || got.Num().Cmp(want.Num()) != 0 || got.Denom().Cmp(want.Denom()) != 0 || got.String() != want.String() {
			t.Fatalf("%s: %s, math/big has %s", what, got, want)
		}
	}
	for range 20000 {
		n, d := pick(), max(pick(), 1)
		same("ratio", ratio(n, d), big.NewRat(n, d))
		x, y := big.NewRat(pick(), max(pick(), 1)), big.NewRat(pick(), max(pick(), 1))
		same("x + y", addRat(x, y), new(big.Rat).Add(x, y))
		if got, want := cmpRat(x, y), x.Cmp(y); got != want {
			t.Fatalf("cmpRat(%s, %s) = %d, want %d", x, y, got, want)
		}
		if got, want := cmpRat(x, x), 0; got != want {
			t.Fatalf("cmpRat(%s, itself) = %d", x, got)
		}
		w, lowest, bid := int(rnd.Int64N(10001)), max(pick(), 1), max(pick(), 1)
		if rnd.IntN(2) == 0 {
			bid = lowest + rnd.Int64N(lowest)
		}
		wr := big.NewRat(int64(w), 100)
		l, p := new(big.Rat).SetInt64(lowest), new(big.Rat).SetInt64(bid)
		same("lowest price", priceScore(LowestPrice, w, lowest, bid), new(big.Rat).Mul(wr, new(big.Rat).Quo(l, p)))
		rel := new(big.Rat).Sub(new(big.Rat).Add(l, l), p)
		if rel.Sign() <= 0 {
			rel = new(big.Rat)
		} else {
			rel.Mul(rel, wr).Quo(rel, l)
		}
		same("relative price", priceScore(RelativePrice, w, lowest, bid), rel)
	}
}
