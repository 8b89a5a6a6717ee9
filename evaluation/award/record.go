package award

import (
	"context"
	"fmt"
	"strings"

	"golive/apperr"
	"golive/lots"
	"golive/record"
	"golive/tenants/access"
)

// The award's part of a procurement's record (package record): per lot, the standstill letters
// each bidder was sent, and the representations with the decisions on them.
//
// A letter is not stored as such: the outbox keeps what left (and golive forgets mail bodies
// after delivery), so the record writes each letter again with the code that wrote it, from the
// stored recommendation, approvals and ranking, which are frozen once standstill starts (the
// price formula cannot change after a recommendation). The standstill.started audit event in
// the record says when and how many letters were queued.

// RecordSections is the award's sections of the record (record.Provider): one per lot with a
// recommendation.
func (s *Service) RecordSections(ctx context.Context, a *access.Actor, procurementID string) ([]record.Section, error) {
	if a == nil || !validID(procurementID) {
		return nil, apperr.NotFoundf("Procurement not found")
	}
	ev := s.Store.Eval
	p, err := ev.Procurement(ctx, procurementID, false)
	if err != nil {
		return nil, err
	}
	if !lots.CanKeepRecord(a, p) {
		return nil, apperr.Forbiddenf("The record of a procurement is exported by the lead commissioner's procurement lead or organisation admin")
	}
	lotList, err := ev.ProcurementLots(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var out []record.Section
	for _, l := range lotList {
		sec, err := s.lotRecord(ctx, p, l)
		if err != nil {
			return nil, fmt.Errorf("record of the award of lot %s: %w", l.ID, err)
		}
		if len(sec.Files) > 0 {
			out = append(out, sec)
		}
	}
	return out, nil
}

func (s *Service) lotRecord(ctx context.Context, p lots.Procurement, l lots.Lot) (record.Section, error) {
	sec := record.Section{Key: fmt.Sprintf("award/lot-%d", l.Number), Title: fmt.Sprintf("Award of lot %d: %s", l.Number, l.Title),
		About: "The letters each bidder was sent when standstill started, written again from the stored decision by the code that wrote them, and the representations with the decisions on them."}
	recs, err := s.Store.Recommendations(ctx, l.ID)
	if err != nil || len(recs) == 0 {
		return sec, err
	}
	var letters strings.Builder
	var rows [][]string
	for i := range recs {
		r := &recs[i]
		rec, err := s.Store.Records(ctx, []string{r.ID})
		if err != nil {
			return sec, err
		}
		unames, onames, err := s.names(ctx, View{Recommendations: recs[i : i+1], Approvals: rec.Approvals, Representations: rec.Representations})
		if err != nil {
			return sec, err
		}
		for _, rep := range rec.Representations[r.ID] {
			decision := ""
			if rep.Decision != nil {
				decision = *rep.Decision
			}
			rows = append(rows, []string{onames[r.BidderOrgID], onames[rep.BidderOrgID], rep.Text, unames[rep.MadeBy], record.UKTime(&rep.MadeAt),
				decision, rep.DecisionReason, unames[rep.DecidedBy], record.UKTime(rep.DecidedAt)})
		}
		if r.StandstillStartedAt == nil {
			continue
		}
		rk, err := s.Eval.Ranking(ctx, s.Store.Eval, p, l)
		if err != nil {
			return sec, err
		}
		n, err := s.notice(ctx, s.Store, p, l, r, rec.Approvals[r.ID], rk)
		if err != nil {
			return sec, err
		}
		for _, b := range rk.Bidders {
			fmt.Fprintf(&letters, "==== To %s: notice of intention to award, %s lot %d (standstill started %s UK time) ====\n\n%s\n\n",
				b.Name, p.Reference, l.Number, record.UKTime(r.StandstillStartedAt), n.letter(b.OrgID))
		}
	}
	if letters.Len() > 0 {
		sec.Files = append(sec.Files, record.File{Name: "letters.txt", Title: "Standstill letters as sent to each bidder", Body: []byte(letters.String()), Answers: []record.Item{record.ItemReasons}})
	}
	sec.Files = append(sec.Files, record.File{Name: "representations.csv", Title: "Representations and the decisions on them",
		Body: record.CSV([]string{"recommended_bidder", "from_bidder", "representation", "made_by", "made_at_uk", "decision", "reason", "decided_by", "decided_at_uk"}, rows), Answers: []record.Item{record.ItemRepresentations}})
	return sec, nil
}
