package main

import (
	"encoding/json"
	"testing"
)

// TestTheLeadTakesAnEvaluatorOffThePanelOverTheAPI: DELETE /evaluations/lots/:lot/panel/:user
// needs a reason, in a JSON body like every other change; the evaluator leaves the panel and the
// lot with them; nobody else may do it, and another tenant's lead does not find the lot.
func TestTheLeadTakesAnEvaluatorOffThePanelOverTheAPI(t *testing.T) {
	s := startServer(t, nil)
	opened := matrixProcurements(t, s)["opened"] // its panel: the Medway evaluator
	lead := s.apiToken(t, "lead@medway-ccg.test")
	evaluator := s.apiToken(t, "evaluator@medway-ccg.test")
	bedsLead := s.apiToken(t, "lead@bedfordshire-ccg.test")
	path := "/evaluations/lots/" + opened.lot + "/panel/" + opened.user

	for _, body := range []any{nil, map[string]any{}, map[string]any{"reason": "short"}, map[string]any{"reason": "Left the CCG last week", "why": "x"}} {
		raw := lotsAPIWant(t, s, 422, "DELETE", path, lead, body, nil)
		if body != nil {
			var p problem
			if err := json.Unmarshal(raw, &p); err != nil || (p.Detail == "" && len(p.Errors) == 0) {
				t.Fatalf("the refusal of %v says nothing: %s", body, raw)
			}
		}
	}
	lotsAPIWant(t, s, 403, "DELETE", path, evaluator, map[string]any{"reason": "I would rather not take part"}, nil)
	lotsAPIRefused(t, s, "another tenant's lead", "DELETE", path, bedsLead)
	lotsAPIWant(t, s, 200, "GET", "/evaluations/lots/"+opened.lot+"/workspace", evaluator, nil, nil)

	lotsAPIWant(t, s, 204, "DELETE", path, lead, map[string]any{"reason": "Dr Evaluator has left the CCG"}, nil)
	var panel struct {
		Members []struct {
			UserID string `json:"user_id"`
		} `json:"members"`
	}
	lotsAPIWant(t, s, 200, "GET", "/evaluations/lots/"+opened.lot+"/panel", lead, nil, &panel)
	if len(panel.Members) != 0 {
		t.Fatalf("still on the panel: %+v", panel.Members)
	}
	// Off the panel, the evaluator's organisation takes part, so the lot is found, but not their place on it.
	lotsAPIWant(t, s, 404, "GET", "/evaluations/lots/"+opened.lot+"/workspace", evaluator, nil, nil)
	lotsAPIWant(t, s, 404, "DELETE", path, lead, map[string]any{"reason": "Dr Evaluator has left the CCG"}, nil)
}
