package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/evaluation"
)

// evalAPIUser reads a user's id: the API lists no users to a lead, and this is an id only.
func evalAPIUser(t *testing.T, s *server, email string) string {
	t.Helper()
	var id string
	if err := s.App.DB.Gorm.Raw("SELECT id FROM users WHERE email = ?", email).Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("user %q: %v", email, err)
	}
	return id
}

type evalAPIAward struct {
	Recommendations []struct {
		ID               string     `json:"id"`
		BidderOrgID      string     `json:"bidder_org_id"`
		State            string     `json:"state"`
		StandstillEndsAt *time.Time `json:"standstill_ends_at"`
		AwardNotBefore   *time.Time `json:"award_not_before"`
		Approvals        []struct {
			OrgID    string `json:"org_id"`
			Decision string `json:"decision"`
		} `json:"approvals"`
		Representations []struct {
			ID       string  `json:"id"`
			Decision *string `json:"decision"`
		} `json:"representations"`
	} `json:"recommendations"`
	Contract *struct {
		ProviderOrgID string `json:"provider_org_id"`
		ValuePence    int64  `json:"value_pence"`
	} `json:"contract"`
}

// TestEvaluationAPIFromPanelToContractAward walks a lot through evaluation and award over the
// JSON API only: the lead forms a panel of two Medway evaluators and a Healthwatch reviewer; each
// declares and scores independently; the lead moderates to consensus, opens the prices and
// reads the ranking; both governing bodies approve the recommendation; a bidder's representation
// is rejected; and once standstill is over on the test clock the contract is awarded. Along the
// way: Healthwatch is refused the results, an evaluator another's scores, and nobody scores
// before declaring.
func TestEvaluationAPIFromPanelToContractAward(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	s.App.Eval.Now, s.App.Award.Now = clock.Now, clock.Now
	now := clock.Now()
	day := 24 * time.Hour

	lead := s.apiToken(t, "lead@medway-ccg.test")
	admin := s.apiToken(t, "admin@medway-ccg.test")
	medwayApprover := s.apiToken(t, "approver@medway-ccg.test")
	swaleApprover := s.apiToken(t, "approver@swale-ccg.test")
	clinical := s.apiToken(t, "evaluator@medway-ccg.test")
	finance := s.apiToken(t, "finance@medway-ccg.test")
	// Healthwatch's lay reviewer has no API (issue 14 item 7): they score on the pages, and what
	// this test checks of them is checked there, as the person signed in.
	healthwatch := s.browser(t)
	healthwatch.signIn("reviewer@healthwatch-kent.test")
	hwActor := signInActor(t, s, "reviewer@healthwatch-kent.test")
	hwCtx := database.WithTenant(context.Background(), hwActor.OrgID)
	weald := s.apiToken(t, "bids@weald-ambulance.test")
	estuary := s.apiToken(t, "bids@estuary-urgent-care.test")
	bedsLead := s.apiToken(t, "lead@bedfordshire-ccg.test")
	medway, swale := lotsAPIOrg(t, s, "NHS Medway CCG"), lotsAPIOrg(t, s, "NHS Swale CCG")
	estuaryOrg, wealdOrg := lotsAPIOrg(t, s, "Estuary Urgent Care CIC"), lotsAPIOrg(t, s, "Weald Ambulance Service NHS Trust")
	clinicalID, financeID := evalAPIUser(t, s, "evaluator@medway-ccg.test"), evalAPIUser(t, s, "finance@medway-ccg.test")
	healthwatchID := evalAPIUser(t, s, "reviewer@healthwatch-kent.test")

	// A procurement through the lots API to opening: one lot, a clinical question (1.1), a
	// patient question (1.2), a pass/fail (1.3) and a price schedule (2.1).
	var p lotsAPIProcurement
	lotsAPIWant(t, s, 201, "POST", "/procurements", lead, map[string]any{
		"title": "Medway and Swale UTC evaluation", "reference": "MS-EVAL-API", "regime": "psr2024", "procedure": "PSR competitive process",
		"term_years": 2, "estimated_value_pence": 50_000_000_00, "participants": []string{medway, swale},
		"clarification_deadline": now.Add(10 * day), "submission_deadline": now.Add(20 * day), "evaluation_start": now.Add(21 * day),
		"award_date": now.Add(60 * day), "contract_start": now.Add(200 * day),
	}, &p)
	base := "/procurements/" + p.ID
	var lot struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 201, "POST", base+"/lots", lead, map[string]any{"number": 1, "title": "UTC", "service_types": []string{"utc"},
		"participants": []string{medway, swale}}, &lot)
	for _, q := range []map[string]any{
		{"section": "Quality", "number": "1.1", "text": "Describe your workforce model", "kind": "scored", "weight_bp": 4000, "max_score": 4, "min_score": 2, "panel": "clinical"},
		{"section": "Quality", "number": "1.2", "text": "How will patients experience the service?", "kind": "scored", "weight_bp": 3000, "max_score": 4, "panel": "patient"},
		{"section": "Quality", "number": "1.3", "text": "Confirm CQC registration", "kind": "pass_fail", "panel": "clinical"},
		{"section": "Price", "number": "2.1", "text": "Price schedule", "kind": "price", "weight_bp": 3000, "panel": "finance"},
	} {
		lotsAPIWant(t, s, 201, "POST", base+"/lots/"+lot.ID+"/questions", lead, q, nil)
	}
	lotsAPIWant(t, s, 204, "POST", base+"/submit-for-approval", lead, nil, nil)
	decision := map[string]any{"decision": "approve", "meeting_date": now.Add(-day), "minute_ref": "GB/2026/50", "part2": true}
	lotsAPIWant(t, s, 204, "POST", base+"/decision", medwayApprover, decision, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/decision", swaleApprover, decision, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/publish", lead, map[string]any{"confirm_short_tender_period": true}, nil)
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &p)
	q := map[string]string{}
	for _, qq := range p.Lots[0].Questions {
		q[qq.Number] = qq.ID
	}
	opp := "/opportunities/" + p.ID
	for _, tok := range []string{weald, estuary} {
		lotsAPIWant(t, s, 204, "POST", opp+"/interest", tok, nil, nil)
		lotsAPIWant(t, s, 200, "PUT", opp+"/lots/"+lot.ID+"/response", tok, map[string]any{
			"answers": []map[string]string{{"question_id": q["1.1"], "text": "Our workforce model."}, {"question_id": q["1.2"], "text": "Patients first."},
				{"question_id": q["1.3"], "text": "Registered."}},
			"prices": []map[string]any{{"year": 1, "pence": 100_000_00}, {"year": 2, "pence": 110_000_00}}}, nil)
		lotsAPIWant(t, s, 200, "POST", opp+"/lots/"+lot.ID+"/submit", tok, nil, nil)
	}
	clock.Add(20*day + time.Hour)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/start", lead, nil, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/confirm", admin, nil, nil)
	clock.Add(time.Hour)

	// The panel: the two Medway evaluators on every quality question, Healthwatch on 1.2.
	ev := "/evaluations/lots/" + lot.ID
	all := []string{q["1.1"], q["1.2"], q["1.3"]}
	resp, raw := s.api(t, "POST", ev+"/panel", lead, map[string]any{"user_id": clinicalID, "questions": all}, nil)
	if resp.StatusCode != 201 || resp.Header.Get("Location") != "/api/v1"+ev+"/panel" {
		t.Fatalf("add evaluator: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), raw)
	}
	lotsAPIWant(t, s, 201, "POST", ev+"/panel", lead, map[string]any{"user_id": financeID, "questions": []string{q["1.1"]}}, nil)
	lotsAPIWant(t, s, 204, "PUT", ev+"/panel/"+financeID+"/questions", lead, map[string]any{"questions": all}, nil)
	lotsAPIWant(t, s, 422, "POST", ev+"/panel", lead, map[string]any{"user_id": healthwatchID, "questions": []string{q["1.1"]}}, nil)
	lotsAPIWant(t, s, 201, "POST", ev+"/panel", lead, map[string]any{"user_id": healthwatchID, "questions": []string{q["1.2"]}}, nil)
	lotsAPIWant(t, s, 403, "POST", ev+"/panel", clinical, map[string]any{"user_id": financeID, "questions": all}, nil)
	lotsAPIRefused(t, s, "another tenant's lead", "GET", ev+"/panel", bedsLead)
	var panel struct {
		Members []struct {
			Name      string   `json:"name"`
			Questions []string `json:"questions"`
		} `json:"members"`
		Bidders []struct{ Name string } `json:"bidders"`
	}
	lotsAPIWant(t, s, 200, "GET", ev+"/panel", lead, nil, &panel)
	if len(panel.Members) != 3 || len(panel.Bidders) != 2 {
		t.Fatalf("the panel: %+v", panel)
	}

	// Declarations first: scoring or reading before declaring about every bidder is refused.
	rationale := func(what string) string { return "The response " + what + ", as the evidence in section 2 shows." }
	score := func(tok, number, bidder string, mark any) (int, []byte) {
		body := map[string]any{"question_id": q[number], "bidder_org_id": bidder, "rationale": rationale("meets " + number)}
		if number == "1.3" {
			body["passed"] = mark
		} else {
			body["score"] = mark
		}
		resp, raw := s.api(t, "PUT", ev+"/scores", tok, body, nil)
		return resp.StatusCode, raw
	}
	if status, raw := score(clinical, "1.1", estuaryOrg, 3); status != 409 && status != 422 {
		t.Fatalf("scoring before declaring: %d %s", status, raw)
	}
	lotsAPIWant(t, s, 409, "GET", ev+"/bidders/"+estuaryOrg+"/response", clinical, nil, nil)
	for _, tok := range []string{clinical, finance} {
		for _, b := range []string{estuaryOrg, wealdOrg} {
			lotsAPIWant(t, s, 204, "POST", ev+"/declarations", tok, map[string]any{"bidder_org_id": b, "decision": "none"}, nil)
		}
	}
	if resp, body := healthwatch.post(ev+"/declarations", url.Values{"decision-" + estuaryOrg: {"none"}, "decision-" + wealdOrg: {"none"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Healthwatch's declarations: %d\n%s", resp.StatusCode, body)
	}
	// Their workspace has the patient question alone, and no money; so has each bidder's sheet.
	ws, err := s.App.Eval.Workspace(hwCtx, hwActor, lot.ID)
	if err != nil || len(ws.Questions) != 1 || ws.Questions[0].Number != "1.2" || !ws.DeclaredAll {
		t.Fatalf("Healthwatch's workspace: %+v %v", ws, err)
	}
	code, body := healthwatch.get(ev + "/workspace")
	if code != 200 || !strings.Contains(body, "How will patients experience the service?") || strings.Contains(body, "Describe your workforce model") ||
		strings.Contains(body, "Price schedule") || strings.Contains(body, "£") {
		t.Fatalf("Healthwatch's workspace page (%d) shows another question or money:\n%s", code, body)
	}
	code, body = healthwatch.get(ev + "/bidders/" + estuaryOrg)
	if code != 200 || !strings.Contains(body, "Patients first.") || strings.Contains(body, "Our workforce model.") ||
		strings.Contains(body, "Registered.") || strings.Contains(body, "£") {
		t.Fatalf("Healthwatch reads (%d) more than its patient question of Estuary's response:\n%s", code, body)
	}

	// Independent scores: Estuary stronger on both scored questions.
	marks := map[string]map[string]any{
		estuaryOrg: {"1.1": 3, "1.2": 3, "1.3": true},
		wealdOrg:   {"1.1": 2, "1.2": 2, "1.3": true},
	}
	for _, tok := range []string{clinical, finance} {
		for b, m := range marks {
			for _, n := range []string{"1.1", "1.2", "1.3"} {
				if status, raw := score(tok, n, b, m[n]); status != 204 {
					t.Fatalf("score %s: %d %s", n, status, raw)
				}
			}
		}
	}
	for b, m := range marks {
		resp, body := healthwatch.post(ev+"/bidders/"+b, url.Values{"score-" + q["1.2"]: {fmt.Sprint(m["1.2"])}, "rationale-" + q["1.2"]: {rationale("meets 1.2")}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("Healthwatch's score: %d\n%s", resp.StatusCode, body)
		}
	}
	var own struct {
		Scores []struct {
			QuestionID string `json:"question_id"`
		} `json:"scores"`
	}
	lotsAPIWant(t, s, 200, "GET", ev+"/evaluators/"+clinicalID+"/scores", clinical, nil, &own)
	if len(own.Scores) != 6 {
		t.Fatalf("the clinical evaluator's own marks: %d, want 6", len(own.Scores))
	}
	// Nobody reads another's marks before moderation: not a fellow evaluator, not Healthwatch, not the lead.
	lotsAPIRefused(t, s, "an evaluator reading another's scores", "GET", ev+"/evaluators/"+financeID+"/scores", clinical)
	if _, err := s.App.Eval.Scores(hwCtx, hwActor, lot.ID, clinicalID); !apperr.IsKind(err, apperr.Forbidden) && !apperr.IsKind(err, apperr.NotFound) {
		t.Fatalf("Healthwatch reading another's scores: %v", err)
	}
	lotsAPIRefused(t, s, "the lead reading scores", "GET", ev+"/evaluators/"+clinicalID+"/scores", lead)
	lotsAPIWant(t, s, 409, "POST", ev+"/questions/"+q["1.1"]+"/moderation", lead, nil, nil) // not everyone has submitted
	for _, tok := range []string{clinical, finance} {
		lotsAPIWant(t, s, 204, "POST", ev+"/scores/submit", tok, nil, nil)
	}
	if resp, body := healthwatch.post(ev+"/scores/submit", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Healthwatch submits: %d\n%s", resp.StatusCode, body)
	}
	if status, _ := score(clinical, "1.1", wealdOrg, 4); status != 409 {
		t.Fatalf("changing a mark after submitting: %d", status)
	}

	// Moderation to consensus.
	for _, n := range []string{"1.1", "1.2", "1.3"} {
		lotsAPIWant(t, s, 204, "POST", ev+"/questions/"+q[n]+"/moderation", lead, nil, nil)
	}
	var mod struct {
		Bids []struct {
			OrgID string `json:"org_id"`
			Marks []struct {
				Score     *int   `json:"score"`
				Rationale string `json:"rationale"`
			} `json:"marks"`
		} `json:"bids"`
	}
	lotsAPIWant(t, s, 200, "GET", ev+"/questions/"+q["1.2"]+"/moderation", lead, nil, &mod)
	if len(mod.Bids) != 2 || len(mod.Bids[0].Marks) != 3 || mod.Bids[0].Marks[0].Rationale == "" {
		t.Fatalf("moderation of 1.2: %+v", mod)
	}
	// The route reads the question, its marks and the bids ahead of its scope check
	// (evaluation.ScopedAhead): none of it reaches anyone the check refuses.
	for who, tok := range map[string]string{"another tenant's lead": bedsLead, "a bidder": weald, "an evaluator": clinical} {
		resp, raw := s.api(t, "GET", ev+"/questions/"+q["1.2"]+"/moderation", tok, nil, nil)
		if resp.StatusCode != 403 && resp.StatusCode != 404 || strings.Contains(string(raw), mod.Bids[0].Marks[0].Rationale) {
			t.Fatalf("%s: the moderation of 1.2 answered %d: %s", who, resp.StatusCode, raw)
		}
	}
	lotsAPIWant(t, s, 409, "POST", ev+"/prices/open", lead, nil, nil) // quality not yet moderated
	for b, m := range marks {
		for _, n := range []string{"1.1", "1.2", "1.3"} {
			body := map[string]any{"question_id": q[n], "bidder_org_id": b, "rationale": rationale("was agreed by the panel for " + n)}
			if n == "1.3" {
				body["passed"] = m[n]
			} else {
				body["score"] = m[n]
			}
			lotsAPIWant(t, s, 204, "PUT", ev+"/consensus", lead, body, nil)
		}
	}

	// Prices opened, then the ranking: Estuary first. Healthwatch never sees it.
	lotsAPIWant(t, s, 403, "POST", ev+"/prices/open", clinical, nil, nil)
	lotsAPIWant(t, s, 204, "POST", ev+"/prices/open", lead, nil, nil)
	var results struct {
		Results []struct {
			BidderOrgID string `json:"bidder_org_id"`
			Rank        int    `json:"rank"`
			Total       string `json:"total"`
		} `json:"results"`
	}
	for _, tok := range []string{lead, swaleApprover} {
		raw := lotsAPIWant(t, s, 200, "GET", ev+"/results", tok, nil, &results)
		if len(results.Results) != 2 || results.Results[0].BidderOrgID != estuaryOrg || results.Results[0].Rank != 1 || results.Results[1].Rank != 2 ||
			results.Results[0].Total != "82.50" {
			t.Fatalf("the ranking: %+v", results.Results)
		}
		// The body is written by hand (evaluation/api_json.go): it is what encoding/json writes
		// for the same answer, byte for byte.
		var whole evaluation.ResultsJSON
		if err := json.Unmarshal(raw, &whole); err != nil {
			t.Fatal(err)
		}
		if want, _ := json.Marshal(whole); string(raw) != string(want) {
			t.Fatalf("the results answer:\n%s\nencoding/json writes:\n%s", raw, want)
		}
	}
	if code, body := healthwatch.get(ev + "/results"); code != 403 || strings.Contains(body, "82.50") {
		t.Fatalf("Healthwatch's results page: %d", code)
	}
	if _, err := s.App.Eval.Results(hwCtx, hwActor, lot.ID); !apperr.IsKind(err, apperr.Forbidden) {
		t.Fatalf("the service gives Healthwatch the results: %v", err)
	}
	lotsAPIWant(t, s, 403, "GET", ev+"/results", clinical, nil, nil)
	lotsAPIRefused(t, s, "another tenant's lead", "GET", ev+"/results", bedsLead)
	lotsAPIRefused(t, s, "a bidder", "GET", ev+"/results", weald) // read ahead of the scope check, as moderation is

	// The opened prices: each bid's schedule and its total, for the lead and the approvers only.
	var prices struct {
		Prices []struct {
			BidderOrgID string `json:"bidder_org_id"`
			Years       []struct {
				Year  int   `json:"year"`
				Pence int64 `json:"pence"`
			} `json:"years"`
			TotalPence int64 `json:"total_pence"`
		} `json:"prices"`
	}
	for _, tok := range []string{lead, medwayApprover} {
		lotsAPIWant(t, s, 200, "GET", ev+"/prices", tok, nil, &prices)
		if len(prices.Prices) != 2 {
			t.Fatalf("the opened prices: %+v", prices)
		}
		for _, p := range prices.Prices {
			var sum int64
			for _, y := range p.Years {
				sum += y.Pence
			}
			if len(p.Years) != 2 || p.TotalPence != sum || sum != 100_000_00+110_000_00 {
				t.Fatalf("%s's opened price: %+v, want the two years it bid and their sum", p.BidderOrgID, p)
			}
		}
	}
	// Healthwatch never sees a price: not on the results page (above), not in the export, not
	// from the service.
	if code, _ := healthwatch.get(ev + "/export.csv"); code != 403 {
		t.Fatalf("Healthwatch's export of prices: %d", code)
	}
	if _, err := s.App.Eval.Prices(hwCtx, hwActor, lot.ID); !apperr.IsKind(err, apperr.Forbidden) {
		t.Fatalf("the service gives Healthwatch the prices: %v", err)
	}
	lotsAPIWant(t, s, 403, "GET", ev+"/prices", clinical, nil, nil)
	lotsAPIRefused(t, s, "another tenant's lead", "GET", ev+"/prices", bedsLead)

	// The price formula: the lead's choice until a recommendation. Both bids are priced the same,
	// so either formula gives both the full price weight and the ranking stands.
	raw = lotsAPIWant(t, s, 422, "PUT", ev+"/price-formula", lead, map[string]any{"price_formula": "cheapest"}, nil)
	if p := lotsAPIDecodeProblem(t, raw); !strings.Contains(string(raw), "price_formula") || p.Status != 422 {
		t.Fatalf("an unknown formula is not refused on its field: %s", raw)
	}
	lotsAPIWant(t, s, 422, "PUT", ev+"/price-formula", lead, map[string]any{"price_formula": "relative", "weight": 1}, nil)
	lotsAPIWant(t, s, 403, "PUT", ev+"/price-formula", clinical, map[string]any{"price_formula": "relative"}, nil)
	lotsAPIWant(t, s, 403, "PUT", ev+"/price-formula", swaleApprover, map[string]any{"price_formula": "relative"}, nil)
	lotsAPIWant(t, s, 204, "PUT", ev+"/price-formula", lead, map[string]any{"price_formula": "relative"}, nil)
	var ranked struct {
		PriceFormula string `json:"price_formula"`
		Results      []struct {
			BidderOrgID string `json:"bidder_org_id"`
			Total       string `json:"total"`
		} `json:"results"`
	}
	lotsAPIWant(t, s, 200, "GET", ev+"/results", swaleApprover, nil, &ranked)
	if ranked.PriceFormula != "relative" || len(ranked.Results) != 2 || ranked.Results[0].BidderOrgID != estuaryOrg || ranked.Results[0].Total != "82.50" {
		t.Fatalf("the ranking with the relative formula: %+v", ranked)
	}

	// Recommendation and both governing bodies' approvals start standstill.
	lotsAPIWant(t, s, 422, "POST", ev+"/recommendations", lead, map[string]any{"bidder_org_id": estuaryOrg}, nil)
	resp, raw = s.api(t, "POST", ev+"/recommendations", lead, map[string]any{"bidder_org_id": estuaryOrg,
		"reason": "Estuary is ranked first on quality and equal on price"}, nil)
	if resp.StatusCode != 201 || resp.Header.Get("Location") != "/api/v1"+ev+"/award" {
		t.Fatalf("recommend: %d %s", resp.StatusCode, raw)
	}
	// Both covered commissioners' approvers are mailed a link to the award page, and nothing of
	// the Part 2 recommendation itself.
	var notices []struct{ To, Body string }
	s.App.DB.Gorm.Raw("SELECT to_addr AS \"to\", body_text AS body FROM mail_messages WHERE subject LIKE 'Award recommendation for your governing body%' ORDER BY to_addr").Scan(&notices)
	if len(notices) != 2 || notices[0].To != "approver@medway-ccg.test" || notices[1].To != "approver@swale-ccg.test" {
		t.Fatalf("the approvers told of the recommendation: %+v", notices)
	}
	for _, n := range notices {
		if !strings.Contains(n.Body, s.URL+ev+"/award") || strings.Contains(n.Body, "Estuary") || strings.Contains(n.Body, "Weald") {
			t.Fatalf("the notice to %s:\n%s", n.To, n.Body)
		}
	}
	lotsAPIWant(t, s, 409, "PUT", ev+"/price-formula", lead, map[string]any{"price_formula": "lowest"}, nil) // fixed by the recommendation
	lotsAPIWant(t, s, 403, "POST", ev+"/award/decisions", lead, map[string]any{"decision": "approve"}, nil)
	lotsAPIWant(t, s, 403, "POST", ev+"/award/decisions", swaleApprover, map[string]any{"org_id": medway, "decision": "approve"}, nil)
	clock.Add(time.Hour)
	lotsAPIWant(t, s, 204, "POST", ev+"/award/decisions", swaleApprover, map[string]any{"decision": "approve"}, nil)
	lotsAPIWant(t, s, 204, "POST", ev+"/award/decisions", medwayApprover, map[string]any{"decision": "approve"}, nil)
	var award evalAPIAward
	lotsAPIWant(t, s, 200, "GET", ev+"/award", lead, nil, &award)
	if len(award.Recommendations) != 1 || award.Recommendations[0].State != "standstill" || award.Recommendations[0].StandstillEndsAt == nil ||
		len(award.Recommendations[0].Approvals) != 2 || award.Contract != nil {
		t.Fatalf("after the approvals: %+v", award)
	}
	if code, _ := healthwatch.get(ev + "/award"); code != 403 {
		t.Fatalf("Healthwatch's award page: %d", code)
	}
	standstillEnds := *award.Recommendations[0].StandstillEndsAt

	// During standstill: no contract; Weald's representation is heard and rejected.
	contract := map[string]any{"contract_reference": "MS-EVAL-1", "start_date": now.Add(200 * day).Format(time.RFC3339),
		"term_years": 2, "value_pence": 210_000_00}
	clock.Add(day)
	lotsAPIWant(t, s, 409, "POST", ev+"/contract", lead, contract, nil)
	var rep struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 404, "POST", ev+"/representations", s.apiToken(t, "bids@north-downs-gp.test"),
		map[string]any{"text": "We object to this award in the strongest terms"}, nil)
	lotsAPIWant(t, s, 201, "POST", ev+"/representations", weald, map[string]any{"text": "Our workforce model was marked down without reason"}, &rep)
	lotsAPIWant(t, s, 409, "POST", ev+"/contract", lead, contract, nil)
	lotsAPIWant(t, s, 204, "POST", ev+"/representations/"+rep.ID+"/decision", lead,
		map[string]any{"decision": "rejected", "reason": "The moderation record gives the reasons for the score"}, nil)
	lotsAPIWant(t, s, 200, "GET", ev+"/award", medwayApprover, nil, &award)
	r := award.Recommendations[0]
	if r.AwardNotBefore == nil || r.AwardNotBefore.Before(standstillEnds) || len(r.Representations) != 1 || r.Representations[0].Decision == nil {
		t.Fatalf("after the representation: %+v", r)
	}

	// Past standstill (and the wait after the decision): the contract is awarded, once.
	clock.Set(*r.AwardNotBefore)
	var c struct {
		ProviderOrgID string `json:"provider_org_id"`
		ValuePence    int64  `json:"value_pence"`
	}
	resp, raw = s.api(t, "POST", ev+"/contract", lead, contract, &c)
	if resp.StatusCode != 201 || c.ProviderOrgID != estuaryOrg || c.ValuePence != 210_000_00 {
		t.Fatalf("the contract award: %d %s", resp.StatusCode, raw)
	}
	lotsAPIWant(t, s, 409, "POST", ev+"/contract", lead, contract, nil)
	lotsAPIWant(t, s, 200, "GET", ev+"/award", lead, nil, &award)
	if award.Contract == nil || award.Contract.ProviderOrgID != estuaryOrg || award.Recommendations[0].State != "awarded" {
		t.Fatalf("the award after the contract: %+v", award)
	}
}
