package evaluation

import (
	"context"
	"slices"

	"golive/lots"
	"golive/tenants/access"
)

// The seam between the evaluation and the award (evaluation/award). The award builds on the
// evaluation: it recommends from the ranking, and its letters give the scores. So the award
// imports evaluation and calls the exported Go below, in its own transaction (Store.DB); and
// evaluation, which cannot import the award, asks it the little it needs through Awards, which
// cmd/golive wires.

// Awards is what evaluation asks of the award.
type Awards interface {
	// Recommended reports whether a preferred bidder has ever been recommended for the lot,
	// rejected or withdrawn recommendations included, read in tx: the price formula is then
	// fixed.
	Recommended(ctx context.Context, tx *Store, lotID string) (bool, error)
	// AwardReport is the lot's award as the report (report.go) gives it: every recommendation,
	// oldest first, with the decisions and representations on it, and the contract, with names.
	AwardReport(ctx context.Context, lotID string) ([]ReportRecommendation, *ReportContract, error)
}

// recommended asks the award whether the lot has had a recommendation; without an award
// (a Service built for the evaluation alone, as some tests do) it has not.
func (s *Service) recommended(ctx context.Context, tx *Store, lotID string) (bool, error) {
	if s.Awards == nil {
		return false, nil
	}
	return s.Awards.Recommended(ctx, tx, lotID)
}

// LeadLot loads a lot for its procurement's lead, after opening; lock holds the procurement
// row until the transaction ends, so that award steps, like panel and moderation changes, do
// not interleave. Anyone else is refused (Forbidden), another tenant's lot is not found.
func (s *Service) LeadLot(ctx context.Context, tx *Store, a *access.Actor, lotID string, lock bool) (lots.Procurement, lots.Lot, error) {
	return s.leadLot(ctx, tx, a, lotID, lock)
}

// Ranking is a lot's results with every bidder that has a counted response: what a
// recommendation is made from and what the standstill letters give.
type Ranking struct {
	ResultsView
	Bidders []Bidder // by organisation id
}

// Ranking computes a lot's ranking in tx (Results without the permission check, which the
// caller has made through ValueLot or LeadLot). Until it can be computed (moderation under way,
// prices sealed) it is refused with a Conflict that says why.
func (s *Service) Ranking(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) (Ranking, error) {
	v, st, err := s.results(ctx, tx, p, l)
	return Ranking{ResultsView: v, Bidders: st.bidders}, err
}

// Bidders lists a lot's bidders (those with a counted response), by organisation id.
func (s *Service) Bidders(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) ([]Bidder, error) {
	var st lotState
	err := st.loadBids(ctx, tx, p, l)
	return st.bidders, err
}

// DeclaredConflict is a conflict of interest an evaluator on a lot's panel declared with a
// bidder: the PSR's record of the decision lists them with how they were managed.
type DeclaredConflict struct {
	UserID, OrgID string // the evaluator and their organisation
	BidderOrgID   string
	Reason        string
}

// DeclaredConflicts lists the conflicts of interest declared on a lot's panel, in the order
// they are stored.
func (s *Service) DeclaredConflicts(ctx context.Context, tx *Store, lotID string) ([]DeclaredConflict, error) {
	members, err := tx.Members(ctx, lotID)
	if err != nil {
		return nil, err
	}
	decls, err := tx.Declarations(ctx, lotID)
	if err != nil {
		return nil, err
	}
	org := map[string]string{}
	for _, m := range members {
		org[m.UserID] = m.OrgID
	}
	var out []DeclaredConflict
	for _, d := range decls {
		if d.Decision == Conflicted {
			out = append(out, DeclaredConflict{UserID: d.UserID, OrgID: org[d.UserID], BidderOrgID: d.BidderOrgID, Reason: d.Reason})
		}
	}
	return out, nil
}

// PricedLot is a lot whose price envelopes are open, with its procurement.
type PricedLot struct {
	Procurement lots.Procurement
	Lot         lots.Lot // with the commissioners it covers (Participants)
	Opening     PriceOpening
}

// PricedLots lists the lots, of the procurements the acting organisation takes part in, whose
// price envelopes are open: the lots an award can be under way on, for the dashboard. Only
// procurements with an opening are read further.
func (s *Service) PricedLots(ctx context.Context) ([]PricedLot, error) {
	ps, err := s.Lots.Store.Procurements(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	opened, err := s.Store.PriceOpenings(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []PricedLot
	for _, p := range ps {
		if !slices.ContainsFunc(opened, func(o PriceOpening) bool { return o.ProcurementID == p.ID }) {
			continue
		}
		ls, err := s.Lots.Store.Lots(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if i := slices.IndexFunc(opened, func(o PriceOpening) bool { return o.LotID == l.ID }); i >= 0 {
				out = append(out, PricedLot{Procurement: p, Lot: l, Opening: opened[i]})
			}
		}
	}
	return out, nil
}

// BidLots lists the lots the acting bidder has a counted response to, by id.
func (s *Service) BidLots(ctx context.Context) ([]string, error) {
	subs, err := s.Store.OwnBids(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(subs))
	for i, sub := range subs {
		out[i] = sub.LotID
	}
	return out, nil
}
