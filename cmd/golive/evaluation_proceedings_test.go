package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"golive/ukclock"
)

// Court proceedings against the award (PCR 2015 reg. 95) over HTTP: the lead records them
// through the API and the award page, the contract is refused while any runs, and the
// suspension's end is recorded through both. Healthwatch, the evaluators and the bidders never
// see them.
func TestAwardSuspendedByCourtProceedingsOverTheAPIAndThePage(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	s.App.Eval.Now, s.App.Award.Now = clock.Now, clock.Now
	lot, q, org := awardPagesLotIn(t, s, clock, "pcr2015")
	ev := "/evaluations/lots/" + lot
	lead := s.apiToken(t, "lead@medway-ccg.test")

	// To standstill through the API: moderation, prices, recommendation, both approvals.
	lotsAPIWant(t, s, 204, "POST", ev+"/scores/submit", s.apiToken(t, "finance@medway-ccg.test"), nil, nil)
	for _, n := range []string{"1.1", "1.2", "1.3"} {
		lotsAPIWant(t, s, 204, "POST", ev+"/questions/"+q[n]+"/moderation", lead, nil, nil)
	}
	for name, m := range awardPagesMarks {
		for number, mark := range map[string]any{"1.1": m.q11, "1.2": m.q12, "1.3": m.pass} {
			body := map[string]any{"question_id": q[number], "bidder_org_id": org[name], "rationale": "The panel agreed this mark on the evidence for " + number + "."}
			if number == "1.3" {
				body["passed"] = mark
			} else {
				body["score"] = mark
			}
			lotsAPIWant(t, s, 204, "PUT", ev+"/consensus", lead, body, nil)
		}
	}
	lotsAPIWant(t, s, 204, "POST", ev+"/prices/open", lead, nil, nil)
	order, _, _ := awardPagesExpected()
	lotsAPIWant(t, s, 201, "POST", ev+"/recommendations", lead, map[string]any{"bidder_org_id": org[order[0]], "reason": order[0] + " is ranked first on the total score"}, nil)
	for _, email := range []string{"approver@swale-ccg.test", "approver@medway-ccg.test"} {
		lotsAPIWant(t, s, 204, "POST", ev+"/award/decisions", s.apiToken(t, email), map[string]any{"decision": "approve"}, nil)
	}
	var award evalAPIAward
	lotsAPIWant(t, s, 200, "GET", ev+"/award", lead, nil, &award)
	if len(award.Recommendations) != 1 || award.Recommendations[0].StandstillEndsAt == nil {
		t.Fatalf("not in standstill: %+v", award)
	}
	ends := *award.Recommendations[0].StandstillEndsAt
	today := func() string { return clock.Now().In(ukclock.London).Format("2006-01-02") }
	claimant := "Weald Ambulance Service NHS Trust"

	// The API: bad input is answered beside each field (problem+json), the approver is refused,
	// then the claim is recorded.
	raw := lotsAPIWant(t, s, 422, "POST", ev+"/award/proceedings", lead, map[string]any{"claimant_org_id": org[claimant], "notified_on": today(),
		"court": "High Court", "claim_reference": "HT<2026>"}, nil)
	if !strings.Contains(string(raw), `"claim_reference"`) {
		t.Fatalf("the bad claim reference is not answered beside its field: %s", raw)
	}
	lotsAPIWant(t, s, 422, "POST", ev+"/award/proceedings", lead, map[string]any{"claimant_org_id": org[claimant],
		"notified_on": clock.Now().Add(72 * time.Hour).In(ukclock.London).Format("2006-01-02"), "court": "High Court", "claim_reference": "HT-2026-000123"}, nil)
	lotsAPIWant(t, s, 403, "POST", ev+"/award/proceedings", s.apiToken(t, "approver@medway-ccg.test"), map[string]any{"claimant_org_id": org[claimant],
		"notified_on": today(), "court": "High Court", "claim_reference": "HT-2026-000123"}, nil)
	var p struct {
		ID         string  `json:"id"`
		NotifiedOn string  `json:"notified_on"`
		EndedOn    *string `json:"ended_on"`
	}
	lotsAPIWant(t, s, 201, "POST", ev+"/award/proceedings", lead, map[string]any{"claimant_org_id": org[claimant], "notified_on": today(),
		"court": " High Court, Technology and Construction Court ", "claim_reference": "HT-2026-000123"}, &p)
	if p.ID == "" || p.NotifiedOn != today() || p.EndedOn != nil {
		t.Fatalf("the proceedings recorded: %+v", p)
	}
	var view struct {
		Proceedings []struct {
			ID    string `json:"id"`
			Court string `json:"court"`
		} `json:"proceedings"`
		Suspended bool `json:"suspended"`
	}
	lotsAPIWant(t, s, 200, "GET", ev+"/award", lead, nil, &view)
	if !view.Suspended || len(view.Proceedings) != 1 || view.Proceedings[0].Court != "High Court, Technology and Construction Court" {
		t.Fatalf("the award view: %+v", view)
	}

	// Past standstill the contract is refused, naming the regulation, the claimant and the day.
	clock.Set(ends.Add(time.Hour))
	contract := map[string]any{"contract_reference": "MS-PCR-1", "start_date": "2026-10-01T00:00:00Z", "term_years": 2, "value_pence": 230_000_00}
	raw = lotsAPIWant(t, s, 409, "POST", ev+"/contract", lead, contract, nil)
	if !strings.Contains(string(raw), "proceedings issued by "+claimant) || !strings.Contains(string(raw), "PCR 2015 reg. 95") {
		t.Fatalf("the refusal does not say why: %s", raw)
	}

	// The award page shows the suspension; Healthwatch and evaluators never reach it, and the
	// bidders' outcome pages do not mention the claim.
	b := s.browser(t)
	b.signIn("lead@medway-ccg.test")
	_, body := b.get(ev + "/award")
	text := awardPagesText(body)
	for _, want := range []string{"Court proceedings", "Proceedings issued by " + claimant, "HT-2026-000123", "Suspended: court proceedings (PCR 2015 reg. 95)",
		"Contract suspended", "Record the end of the suspension"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the award page does not show %q:\n%s", want, text)
		}
	}
	if strings.Contains(body, `action="`+ev+`/contract"`) {
		t.Fatal("the contract form is offered while the contract is suspended")
	}
	for email, want := range map[string]int{"reviewer@healthwatch-kent.test": 403, "evaluator@medway-ccg.test": 403} {
		o := s.browser(t)
		o.signIn(email)
		if status, _ := o.get(ev + "/award"); status != want {
			t.Fatalf("%s reads the award page: %d", email, status)
		}
	}
	for _, email := range []string{"bids@estuary-urgent-care.test", "bids@weald-ambulance.test"} {
		o := s.browser(t)
		o.signIn(email)
		if _, body := o.get(ev + "/outcome"); strings.Contains(body, "HT-2026-000123") || strings.Contains(body, "Technology and Construction Court") {
			t.Fatalf("%s's outcome shows the claim", email)
		}
	}

	// The page's forms: a second claim, bad input beside the fields with what was typed kept.
	resp, body := b.post(ev+"/award/proceedings", withDate(t, url.Values{"claimant_org_id": {org["Estuary Urgent Care CIC"]},
		"court": {"County Court at Central London"}, "claim_reference": {"K00CL123 <x>"}}, "notified_on", today()))
	awardPagesWant(t, resp, body, 422, "")
	if !strings.Contains(body, `id="proc-claim_reference-error"`) || !strings.Contains(body, `value="County Court at Central London"`) {
		t.Fatalf("the bad claim reference is not refused beside its field:\n%s", awardPagesText(body))
	}
	resp, body = b.post(ev+"/award/proceedings", withDate(t, url.Values{"claimant_org_id": {org["Estuary Urgent Care CIC"]},
		"court": {"County Court at Central London"}, "claim_reference": {"K00CL123"}}, "notified_on", today()))
	awardPagesWant(t, resp, body, 303, ev+"/award")
	lotsAPIWant(t, s, 200, "GET", ev+"/award", lead, nil, &view)
	if len(view.Proceedings) != 2 {
		t.Fatalf("the award view after the second claim: %+v", view)
	}
	second := view.Proceedings[1].ID
	if second == p.ID {
		second = view.Proceedings[0].ID
	}

	// Ending Weald's through the page: bad input beside the field, then recorded; the contract
	// still waits for Estuary's.
	end := ev + "/award/proceedings/" + p.ID + "/end"
	resp, body = b.post(end, withDate(t, url.Values{}, "ended_on", today()))
	awardPagesWant(t, resp, body, 422, "")
	if !strings.Contains(body, `id="proc-1-end-how-error"`) {
		t.Fatalf("the missing way is not refused beside its field:\n%s", awardPagesText(body))
	}
	resp, body = b.post(end, withDate(t, url.Values{"how": {"discontinued"}, "note": {"Notice of discontinuance filed"}}, "ended_on", today()))
	awardPagesWant(t, resp, body, 303, ev+"/award")
	resp, body = b.post(end, withDate(t, url.Values{"how": {"discontinued"}}, "ended_on", today()))
	awardPagesWant(t, resp, body, 409, "")
	raw = lotsAPIWant(t, s, 409, "POST", ev+"/contract", lead, contract, nil)
	if !strings.Contains(string(raw), "proceedings issued by Estuary Urgent Care CIC") || strings.Contains(string(raw), claimant) {
		t.Fatalf("the refusal should name Estuary's proceedings alone: %s", raw)
	}

	// Ending Estuary's through the API: ending it twice or ending a proceeding never recorded is
	// refused; then the contract is awarded.
	lotsAPIWant(t, s, 422, "POST", ev+"/award/proceedings/"+second+"/end", lead, map[string]any{"ended_on": today(), "how": "dismissed"}, nil)
	lotsAPIWant(t, s, 404, "POST", ev+"/award/proceedings/0191e2a4-0000-7000-8000-000000000000/end", lead, map[string]any{"ended_on": today(), "how": "lifted"}, nil)
	lotsAPIWant(t, s, 200, "POST", ev+"/award/proceedings/"+second+"/end", lead, map[string]any{"ended_on": today(), "how": "lifted"}, nil)
	lotsAPIWant(t, s, 409, "POST", ev+"/award/proceedings/"+second+"/end", lead, map[string]any{"ended_on": today(), "how": "lifted"}, nil)
	lotsAPIWant(t, s, 200, "GET", ev+"/award", lead, nil, &view)
	if view.Suspended {
		t.Fatalf("still suspended after both ended: %+v", view)
	}
	lotsAPIWant(t, s, 201, "POST", ev+"/contract", lead, contract, nil)
	lotsAPIWant(t, s, 409, "POST", ev+"/award/proceedings", lead, map[string]any{"claimant_org_id": org[claimant], "notified_on": today(),
		"court": "High Court", "claim_reference": "HT-2026-000999"}, nil)
	var n int64
	s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action IN ('award.proceedings_recorded', 'award.suspension_ended')").Scan(&n)
	if n != 4 {
		t.Fatalf("%d audit events of proceedings, want 4", n)
	}
}
