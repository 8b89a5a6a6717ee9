package lots

import (
	"reflect"
	"testing"
)

func TestTheLastSubmittedVersionCounts(t *testing.T) {
	sub := func(lot, bidder string, v int, st SubmissionState, reconfirm bool) Submission {
		return Submission{ID: lot + bidder + string(rune('0'+v)), LotID: lot, BidderOrgID: bidder, Version: v, State: st, NeedsReconfirm: reconfirm}
	}
	cases := []struct {
		name string
		in   []Submission
		want []string // ids
	}{
		{"a draft alone is not a bid", []Submission{sub("L1", "A", 1, SubDraft, false)}, nil},
		{"the replacement counts once submitted", []Submission{sub("L1", "A", 1, SubSubmitted, false), sub("L1", "A", 2, SubSubmitted, false)}, []string{"L1A2"}},
		{"an unsubmitted replacement leaves the earlier one counting", []Submission{sub("L1", "A", 1, SubSubmitted, false), sub("L1", "A", 2, SubDraft, false)}, []string{"L1A1"}},
		{"a withdrawal leaves nothing", []Submission{sub("L1", "A", 1, SubSubmitted, false), sub("L1", "A", 2, SubWithdrawn, false)}, nil},
		{"an unconfirmed one after an addendum is not opened", []Submission{sub("L1", "A", 1, SubSubmitted, true)}, nil},
		{"each lot and bidder on its own", []Submission{sub("L1", "A", 1, SubSubmitted, false), sub("L2", "A", 1, SubSubmitted, false), sub("L1", "B", 1, SubSubmitted, false)}, []string{"L1A1", "L1B1", "L2A1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := LastCounted(c.in)
			if len(got) != len(c.want) {
				t.Fatalf("got %d, want %v", len(got), c.want)
			}
			for i, s := range got {
				if s.ID != c.want[i] {
					t.Fatalf("got %s at %d, want %v", s.ID, i, c.want)
				}
			}
		})
	}
}

// countedBids is LastCounted for one lot's submissions read by bidder then version.
func TestCountedBidsAreLastCountedOfRowsByBidderThenVersion(t *testing.T) {
	sub := func(bidder string, v int, st SubmissionState, reconfirm bool) Submission {
		return Submission{ID: bidder + string(rune('0'+v)), LotID: "L1", BidderOrgID: bidder, Version: v, State: st, NeedsReconfirm: reconfirm}
	}
	for _, in := range [][]Submission{
		nil,
		{sub("A", 1, SubDraft, false)},
		{sub("A", 1, SubSubmitted, false), sub("A", 2, SubSubmitted, false)},
		{sub("A", 1, SubSubmitted, false), sub("A", 2, SubDraft, false)},
		{sub("A", 1, SubSubmitted, false), sub("A", 2, SubWithdrawn, false), sub("A", 3, SubDraft, false)},
		{sub("A", 1, SubSubmitted, true), sub("B", 1, SubSubmitted, false)},
		{sub("A", 1, SubSubmitted, false), sub("A", 2, SubSubmitted, true), sub("B", 1, SubDraft, false),
			sub("C", 1, SubWithdrawn, false), sub("C", 2, SubSubmitted, false), sub("C", 3, SubDraft, false), sub("D", 1, SubSubmitted, false)},
		// The database's collation may put the bidders in another order than Go's.
		{sub("b", 1, SubSubmitted, false), sub("B", 1, SubSubmitted, false), sub("B", 2, SubSubmitted, false), sub("a", 1, SubSubmitted, false)},
	} {
		var c countedBids
		for _, s := range in {
			c.add(s)
		}
		if got, want := c.counted(), LastCounted(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: got %v, want %v", in, got, want)
		}
	}
}
