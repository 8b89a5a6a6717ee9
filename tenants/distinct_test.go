package tenants

import (
	"fmt"
	"slices"
	"testing"
)

// distinct keeps the first of each id, in order, without "", for a short list (searched) and a
// long one (a set) alike.
func TestDistinctKeepsTheFirstOfEachInOrder(t *testing.T) {
	long, longWant := []string{}, []string{}
	for i := range 40 {
		long = append(long, fmt.Sprint("id", i%25), "")
		if i < 25 {
			longWant = append(longWant, fmt.Sprint("id", i))
		}
	}
	// more distinct ids than are searched, before a repeat and after one
	many, manyWant := []string{}, []string{}
	for i := range 90 {
		many = append(many, fmt.Sprint("m", i%45))
		if i < 45 {
			manyWant = append(manyWant, fmt.Sprint("m", i))
		}
	}
	repeatFirst := append([]string{"m0", "m0"}, many...)
	for _, c := range []struct{ in, want []string }{
		{nil, nil},
		{[]string{""}, nil},
		{[]string{"b", "a", "c"}, []string{"b", "a", "c"}},
		{[]string{"b", "", "a", "b", "c", "a"}, []string{"b", "a", "c"}},
		{long, longWant},
		{many, manyWant},
		{repeatFirst, manyWant},
		{manyWant, manyWant},
	} {
		got := distinct(c.in)
		if !slices.Equal(got, c.want) || len(got) != len(c.want) {
			t.Errorf("distinct(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A list already distinct may be given back itself, but never with room to append into it.
	in := append(make([]string, 0, 4), "a", "b", "c")
	_ = append(distinct(in), "added")
	if in[:4][3] == "added" {
		t.Error("appending to distinct's answer wrote into its argument's array")
	}
}
