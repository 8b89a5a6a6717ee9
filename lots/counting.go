package lots

import (
	"slices"
	"sort"
	"strings"
)

// LastCounted picks, per lot and bidder, the submission that counts at opening: the newest
// version that is not a draft, provided it is submitted and not awaiting re-confirmation. A
// draft started to replace a submission does not displace it until it is submitted; a
// withdrawal leaves nothing.
func LastCounted(all []Submission) []Submission {
	type key struct{ lot, bidder string }
	newest := map[key]Submission{}
	for _, s := range all {
		if s.State == SubDraft {
			continue
		}
		k := key{s.LotID, s.BidderOrgID}
		if cur, ok := newest[k]; !ok || s.Version > cur.Version {
			newest[k] = s
		}
	}
	var out []Submission
	for _, s := range newest {
		if s.State == SubSubmitted && !s.NeedsReconfirm {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].LotID != out[j].LotID {
			return out[i].LotID < out[j].LotID
		}
		return out[i].BidderOrgID < out[j].BidderOrgID
	})
	return out
}

// countedBids is LastCounted for one lot's submissions given one at a time by bidder, then by
// version (as lotBids reads them): it holds each bidder's newest version that is not a draft
// so far, and never every version.
type countedBids struct{ out []Submission }

// add takes the next submission.
func (c *countedBids) add(s Submission) {
	if s.State == SubDraft {
		return
	}
	if n := len(c.out); n > 0 && c.out[n-1].BidderOrgID == s.BidderOrgID {
		c.out[n-1] = s // a later version of the same bidder's
		return
	}
	c.out = append(c.out, s)
}

// counted is LastCounted of what add took, in its order.
func (c *countedBids) counted() []Submission {
	out := slices.DeleteFunc(c.out, func(s Submission) bool { return s.State != SubSubmitted || s.NeedsReconfirm })
	// Sorted as LastCounted sorts, whatever order the database's collation gave the bidders.
	slices.SortFunc(out, func(a, b Submission) int { return strings.Compare(a.BidderOrgID, b.BidderOrgID) })
	if len(out) == 0 {
		return nil
	}
	return out
}
