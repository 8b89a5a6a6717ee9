package lots

import "sort"

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
