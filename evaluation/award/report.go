package award

import (
	"context"

	"golive/evaluation"
)

// AwardReport is a lot's award as evaluation's report and export give it (evaluation.Awards):
// every recommendation, oldest first, with the governing bodies' decisions and the
// representations on it, and the contract; people and organisations by name. The caller has
// let the lot in (evaluation's Report, through ValueLot).
func (s *Service) AwardReport(ctx context.Context, lotID string) ([]evaluation.ReportRecommendation, *evaluation.ReportContract, error) {
	recs, err := s.Store.Recommendations(ctx, lotID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	rec, err := s.Store.Records(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Store.Contract(ctx, lotID)
	if err != nil {
		return nil, nil, err
	}
	unames, onames, err := s.names(ctx, View{Recommendations: recs, Approvals: rec.Approvals, Representations: rec.Representations, Contract: c})
	if err != nil {
		return nil, nil, err
	}
	var out []evaluation.ReportRecommendation
	for _, r := range recs {
		rr := evaluation.ReportRecommendation{Bidder: onames[r.BidderOrgID], Reason: r.Reason, Regime: r.Regime, State: string(r.State),
			RecommendedBy: unames[r.RecommendedBy], RecommendedAt: r.RecommendedAt, StandstillStartedAt: r.StandstillStartedAt,
			StandstillEndsAt: r.StandstillEndsAt, AwardNotBefore: r.AwardNotBefore}
		for _, d := range rec.Approvals[r.ID] {
			rr.Approvals = append(rr.Approvals, evaluation.ReportApproval{Organisation: onames[d.OrgID], Decision: d.Decision, Reason: d.Reason,
				DecidedBy: unames[d.DecidedBy], DecidedAt: d.DecidedAt})
		}
		for _, rep := range rec.Representations[r.ID] {
			rp := evaluation.ReportRepresentation{Bidder: onames[rep.BidderOrgID], Text: rep.Text, MadeBy: unames[rep.MadeBy], MadeAt: rep.MadeAt,
				DecisionReason: rep.DecisionReason, DecidedBy: unames[rep.DecidedBy], DecidedAt: rep.DecidedAt}
			if rep.Decision != nil {
				rp.Decision = *rep.Decision
			}
			rr.Representations = append(rr.Representations, rp)
		}
		out = append(out, rr)
	}
	var rc *evaluation.ReportContract
	if c != nil {
		rc = &evaluation.ReportContract{Reference: c.ContractReference, Provider: onames[c.ProviderOrgID], StartDate: c.StartDate,
			TermYears: c.TermYears, ValuePence: c.ValuePence, AwardedBy: unames[c.AwardedBy], AwardedAt: c.AwardedAt}
	}
	return out, rc, nil
}
