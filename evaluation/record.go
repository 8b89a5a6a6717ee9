package evaluation

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"

	"golive/apperr"
	"golive/lots"
	"golive/record"
	"golive/tenants/access"
)

// The evaluation's part of a procurement's record (package record): per lot, the tables of the
// evaluation's export (panel, declarations, each evaluator's scores and rationale, consensus,
// ranking), each as its own CSV file, the price formula, and how declared conflicts were managed.

// RecordSections is the evaluation's sections of the record (record.Provider): one per lot.
func (s *Service) RecordSections(ctx context.Context, a *access.Actor, procurementID string) ([]record.Section, error) {
	if a == nil || !validID(procurementID) {
		return nil, apperr.NotFoundf("Procurement not found")
	}
	p, err := s.Store.Procurement(ctx, procurementID, false)
	if err != nil {
		return nil, err
	}
	if !lots.CanKeepRecord(a, p) {
		return nil, apperr.Forbiddenf("The record of a procurement is exported by the lead commissioner's procurement lead or organisation admin")
	}
	if err := s.opened(ctx, s.Store, p); apperr.IsKind(err, apperr.Conflict) {
		return []record.Section{{Key: "evaluation", Title: "Evaluation",
			About: "The evaluation has not started: the responses have not been opened."}}, nil
	} else if err != nil {
		return nil, err
	}
	lotList, err := s.Store.ProcurementLots(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var out []record.Section
	for _, l := range lotList {
		parts, err := s.Store.LotParticipants(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		r, err := s.report(ctx, p, l, parts, a.Name)
		if err != nil {
			return nil, fmt.Errorf("record of lot %s: %w", l.ID, err)
		}
		formula, err := lotPriceFormula(ctx, s.Store, l.ID)
		if err != nil {
			return nil, err
		}
		sec := record.Section{Key: fmt.Sprintf("evaluation/lot-%d", l.Number), Title: fmt.Sprintf("Evaluation of lot %d: %s", l.Number, l.Title),
			About: "The panel and its declarations of interest, each evaluator's own scores and rationale, moderation and consensus, the ranking, the price formula, and the award with the governing bodies' decisions and the representations."}
		for _, t := range exportTables(r) {
			body, err := exportTableCSV(t)
			if err != nil {
				return nil, err
			}
			sec.Files = append(sec.Files, record.File{Name: strings.ReplaceAll(t.part, "_", "-") + ".csv", Title: t.sheet, Body: body, Answers: recordItems[t.part]})
		}
		sec.Files = append(sec.Files,
			record.File{Name: "price-formula.txt", Title: "Price formula", Body: []byte(priceFormulaText(formula)), Answers: []record.Item{record.ItemCriteria}},
			record.File{Name: "conflicts.txt", Title: "Conflicts of interest and how they were managed", Body: []byte(conflictsText(r)), Answers: []record.Item{record.ItemConflicts}})
		out = append(out, sec)
	}
	return out, nil
}

// recordItems are the items of regulation 24 each table of the export records.
var recordItems = map[string][]record.Item{
	"summary":           {record.ItemProvider},
	"questions":         {record.ItemCriteria},
	"ranking":           {record.ItemReasons},
	"section_scores":    {record.ItemReasons},
	"individual_scores": {record.ItemScores},
	"consensus":         {record.ItemScores},
	"declarations":      {record.ItemConflicts},
	"panel":             {record.ItemDecisionMakers},
	"award":             {record.ItemDecisionMakers, record.ItemProvider, record.ItemRepresentations},
}

// exportTableCSV writes one table of the export as a CSV file of its own.
func exportTableCSV(t exportTable) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := make([]string, len(t.cols))
	for i, c := range t.cols {
		header[i] = c.key
	}
	_ = w.Write(header)
	for _, row := range t.rows {
		rec := make([]string, len(t.cols))
		for i := range t.cols {
			if i < len(row) {
				rec[i] = csvExportValue(row[i])
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write %s csv: %w", t.part, err)
	}
	return b.Bytes(), nil
}

func priceFormulaText(f PriceFormula) string {
	switch f {
	case RelativePrice:
		return "Price formula: relative (\"relative\").\n\nPrice score = price weight × (1 − (bid price − lowest compliant price) ÷ lowest compliant price), floored at 0.\nEach 1 % above the lowest compliant price costs 1 % of the price weight; a bid at twice the lowest price or more scores 0.\nScores are exact fractions, rounded only for display.\n"
	default:
		return "Price formula: lowest price (\"lowest\", the default).\n\nPrice score = lowest compliant price ÷ bid price × price weight.\nThe lowest compliant bid gets the full price weight and every other bid a share in proportion.\nScores are exact fractions, rounded only for display.\n"
	}
}

// conflictsText says, for each declared conflict, how it was managed: the conflicted evaluator
// neither reads nor scores that bidder's response (the rule the panel enforces), as the
// standstill letters say.
func conflictsText(r Report) string {
	var b strings.Builder
	n := 0
	for _, d := range r.Declarations {
		if d.Decision != Conflicted {
			continue
		}
		n++
		fmt.Fprintf(&b, "%s (%s) declared a conflict of interest with %s on %s: %s.\nManaged: they neither read nor scored %s's response; the other evaluators' scores stand.\n\n",
			d.Evaluator, d.Organisation, d.Bidder, d.DeclaredAt.Format("2 January 2006"), d.Reason, d.Bidder)
	}
	if n == 0 {
		fmt.Fprintf(&b, "No evaluator declared a conflict of interest (%d declarations, all \"no interest\": see declarations.csv).\n", len(r.Declarations))
	}
	return b.String()
}
