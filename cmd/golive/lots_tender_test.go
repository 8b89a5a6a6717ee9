package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Publishing a procurement whose tender period is shorter than 30 days brings the page back
// naming the period, with a box to confirm; only with it ticked is it published.
func TestPublishingAShortTenderPeriodAsksForConfirmationNamingIt(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	now, day := clock.Now(), 24*time.Hour
	lead := s.apiToken(t, "lead@medway-ccg.test")
	medway, swale := lotsAPIOrg(t, s, "NHS Medway CCG"), lotsAPIOrg(t, s, "NHS Swale CCG")
	var p lotsAPIProcurement
	lotsAPIWant(t, s, 201, "POST", "/procurements", lead, map[string]any{
		"title": "Medway and Swale short tender", "reference": "MS-SHORT-TENDER", "regime": "psr2024", "procedure": "PSR competitive process",
		"term_years": 2, "participants": []string{medway, swale},
		"clarification_deadline": now.Add(5 * day), "submission_deadline": now.Add(12*day + time.Hour), "evaluation_start": now.Add(13 * day),
		"award_date": now.Add(60 * day), "contract_start": now.Add(200 * day),
	}, &p)
	base := "/procurements/" + p.ID
	var l struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 201, "POST", base+"/lots", lead, map[string]any{"number": 1, "title": "UTC", "service_types": []string{"utc"},
		"participants": []string{medway, swale}}, &l)
	lotsAPIWant(t, s, 204, "POST", base+"/lots/"+l.ID+"/template", lead, map[string]any{"template": "utc"}, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/submit-for-approval", lead, nil, nil)
	decision := map[string]any{"decision": "approve", "meeting_date": now.Add(-day), "minute_ref": "GB/2026/77", "part2": true}
	lotsAPIWant(t, s, 204, "POST", base+"/decision", s.apiToken(t, "approver@medway-ccg.test"), decision, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/decision", s.apiToken(t, "approver@swale-ccg.test"), decision, nil)

	b := s.browser(t)
	b.signIn("lead@medway-ccg.test")
	if code, body := b.get(base); code != 200 || strings.Contains(body, `name="confirm_short_tender_period"`) {
		t.Fatalf("the page asks for confirmation before publishing is tried: %d", code)
	}
	resp, body := b.post(base+"/publish", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("publishing a 12-day tender period unconfirmed: %d, want 422\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{
		"The tender period is 12 days, shorter than 30 days. Confirm that bidders have enough time to respond",
		`href="#publish-confirm_short_tender_period"`, // the error summary links to the box
		`id="publish-confirm_short_tender_period" name="confirm_short_tender_period" type="checkbox" value="yes"`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the refusal lacks %q:\n%s", want, body)
		}
	}
	var got lotsAPIProcurement
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &got)
	if got.State != "awaiting_approval" {
		t.Fatalf("published without confirmation: %s", got.State)
	}
	resp, body = b.post(base+"/publish", url.Values{"confirm_short_tender_period": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publishing confirmed: %d\n%s", resp.StatusCode, body)
	}
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &got)
	if got.State != "published" {
		t.Fatalf("after confirming: %s", got.State)
	}
}
