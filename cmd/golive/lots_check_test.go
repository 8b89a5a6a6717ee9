package main

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golive/lots"
)

// lotsCheckFixture is a procurement approved by both governing bodies with a 12-day tender
// period (short: publishing asks to confirm it), built over the API.
type lotsCheckFixture struct {
	id, base, opp, lot string
	questions          []lotsAPIQuestion
}

func newLotsCheckFixture(t *testing.T, s *server, ref string) lotsCheckFixture {
	t.Helper()
	clock := lotsAPIStartClock(s)
	now, day := clock.Now(), 24*time.Hour
	lead := s.apiToken(t, "lead@medway-ccg.test")
	medway, swale := lotsAPIOrg(t, s, "NHS Medway CCG"), lotsAPIOrg(t, s, "NHS Swale CCG")
	var p lotsAPIProcurement
	lotsAPIWant(t, s, 201, "POST", "/procurements", lead, map[string]any{
		"title": "Medway and Swale check " + ref, "reference": ref, "regime": "psr2024", "procedure": "PSR competitive process",
		"term_years": 2, "participants": []string{medway, swale},
		"clarification_deadline": now.Add(5 * day), "submission_deadline": now.Add(12*day + time.Hour), "evaluation_start": now.Add(13 * day),
		"award_date": now.Add(60 * day), "contract_start": now.Add(200 * day),
	}, &p)
	fx := lotsCheckFixture{id: p.ID, base: "/procurements/" + p.ID, opp: "/opportunities/" + p.ID}
	var l struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 201, "POST", fx.base+"/lots", lead, map[string]any{"number": 1, "title": "Sheppey UTC", "service_types": []string{"utc"},
		"participants": []string{medway, swale}}, &l)
	fx.lot = l.ID
	lotsAPIWant(t, s, 201, "POST", fx.base+"/lots/"+l.ID+"/sites", lead, map[string]any{"name": "Sheppey Community Hospital", "org_id": swale, "address": "Plover Road, Minster"}, nil)
	lotsAPIWant(t, s, 204, "POST", fx.base+"/lots/"+l.ID+"/template", lead, map[string]any{"template": "utc"}, nil)
	lotsAPIWant(t, s, 204, "POST", fx.base+"/submit-for-approval", lead, nil, nil)
	decision := map[string]any{"decision": "approve", "meeting_date": now.Add(-day), "minute_ref": "GB/2026/78", "part2": true}
	lotsAPIWant(t, s, 204, "POST", fx.base+"/decision", s.apiToken(t, "approver@medway-ccg.test"), decision, nil)
	lotsAPIWant(t, s, 204, "POST", fx.base+"/decision", s.apiToken(t, "approver@swale-ccg.test"), decision, nil)
	lotsAPIWant(t, s, 200, "GET", fx.base, lead, nil, &p)
	fx.questions = p.Lots[0].Questions
	return fx
}

func (fx lotsCheckFixture) state(t *testing.T, s *server) string {
	t.Helper()
	var st string
	if err := s.App.DB.Gorm.Raw("SELECT state FROM procurements WHERE id = ?", fx.id).Scan(&st).Error; err != nil {
		t.Fatal(err)
	}
	return st
}

// refusedPage fails unless a signed-in person's GET is refused (403 or 404, as the guard decides).
func refusedPage(t *testing.T, s *server, email, path string, want int) {
	t.Helper()
	b := s.browser(t)
	b.signIn(email)
	if code, _ := b.get(path); code != want {
		t.Fatalf("%s: GET %s answered %d, want %d", email, path, code, want)
	}
}

// The lead's "Publish" leads to a page that summarises what bidders will see, each part with a
// link to where it is changed, and names the short tender period with a box to confirm it.
// Looking at it publishes nothing; publishing from it does.
func TestPublishingPassesThroughACheckPage(t *testing.T) {
	s := startServer(t, nil)
	fx := newLotsCheckFixture(t, s, "MS-CHECK-PUB")
	b := s.browser(t)
	b.signIn("lead@medway-ccg.test")

	code, body := b.get(fx.base)
	if code != 200 || !strings.Contains(body, `href="`+fx.base+`/publish"`) || strings.Contains(body, `action="`+fx.base+`/publish"`) {
		t.Fatalf("the procurement page does not lead to the check before publishing (%d)", code)
	}
	code, body = b.get(fx.base + "/publish")
	if code != 200 {
		t.Fatalf("the check page: %d\n%s", code, body)
	}
	for _, want := range []string{
		"Check before you publish", "Medway and Swale check MS-CHECK-PUB", "MS-CHECK-PUB", html.EscapeString(lots.RegimeNames[lots.PSR2024]),
		"Lot 1: Sheppey UTC", "Sheppey Community Hospital", "NHS Swale CCG",
		fmt.Sprintf("%d questions in", len(fx.questions)), `id="check-tender-days">12 days<`,
		"The tender period is 12 days, shorter than 30 days. Confirm that bidders have enough time to respond",
		`id="publish-confirm_short_tender_period" name="confirm_short_tender_period" type="checkbox" value="yes"`,
		`href="` + fx.base + `/edit">Change<span class="nhsuk-u-visually-hidden"> the title`,
		`href="` + fx.base + `/lots/` + fx.lot + `#site-name">Change`,
		`href="` + fx.base + `#documents">Change`,
		`class="nhsuk-summary-list__actions"`, `action="` + fx.base + `/publish"`, "Approved by all 2 governing bodies",
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the check page lacks %q:\n%s", want, body)
		}
	}
	if got := fx.state(t, s); got != "awaiting_approval" {
		t.Fatalf("looking at the check page changed the state to %s", got)
	}

	// Unconfirmed, the check page comes back with the message beside the box.
	resp, body := b.post(fx.base+"/publish", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Check before you publish") ||
		!strings.Contains(body, `href="#publish-confirm_short_tender_period"`) || !strings.Contains(body, `id="publish-confirm_short_tender_period-error"`) {
		t.Fatalf("publishing unconfirmed: %d\n%s", resp.StatusCode, body)
	}
	if got := fx.state(t, s); got != "awaiting_approval" {
		t.Fatalf("published without confirmation: %s", got)
	}
	resp, body = b.post(fx.base+"/publish", url.Values{"confirm_short_tender_period": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fx.base {
		t.Fatalf("publishing from the check page: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if got := fx.state(t, s); got != "published" {
		t.Fatalf("after publishing: %s", got)
	}
	// Once published there is nothing to check: the page says why rather than offering it again.
	if code, body := b.get(fx.base + "/publish"); code != http.StatusConflict || strings.Contains(body, `action="`+fx.base+`/publish"`) {
		t.Fatalf("the check page after publishing: %d", code)
	}
}

// The check before publishing is the lead's alone, through the guard of publishing itself.
func TestThePublishCheckPageRefusesOthers(t *testing.T) {
	s := startServer(t, nil)
	fx := newLotsCheckFixture(t, s, "MS-CHECK-REFUSE")
	path := fx.base + "/publish"
	refusedPage(t, s, "lead@bedfordshire-ccg.test", path, http.StatusNotFound)     // another tenant
	refusedPage(t, s, "bids@estuary-urgent-care.test", path, http.StatusForbidden) // a bidder
	refusedPage(t, s, "evaluator@medway-ccg.test", path, http.StatusForbidden)     // a role that may not publish
	refusedPage(t, s, "approver@swale-ccg.test", path, http.StatusForbidden)       // a participant's approver
	if got := fx.state(t, s); got != "awaiting_approval" {
		t.Fatalf("the refused looks changed the state to %s", got)
	}
}

// A bidder's response page leads to a check of the saved draft, each answer with a link back to
// its field; the check submits nothing; submitting from it seals the response. Another bidder's
// check shows only its own draft.
func TestSubmittingAResponsePassesThroughACheckPage(t *testing.T) {
	s := startServer(t, nil)
	fx := newLotsCheckFixture(t, s, "MS-CHECK-SUB")
	lotsAPIWant(t, s, 204, "POST", fx.base+"/publish", s.apiToken(t, "lead@medway-ccg.test"), map[string]any{"confirm_short_tender_period": true}, nil)
	respond, check := fx.opp+"/lots/"+fx.lot+"/response", fx.opp+"/lots/"+fx.lot+"/submit"
	submissions := func(bidder string) []string {
		var states []string
		s.App.DB.Gorm.Raw(`SELECT s.state FROM submissions s JOIN organisations o ON o.id = s.bidder_org_id
			WHERE s.procurement_id = ? AND o.name = ? ORDER BY s.version`, fx.id, bidder).Scan(&states)
		return states
	}

	estuary := s.browser(t)
	estuary.signIn("bids@estuary-urgent-care.test")
	estuary.get(fx.opp)
	estuary.post(fx.opp+"/interest", nil)
	if code, _ := estuary.get(check); code != http.StatusConflict {
		t.Fatalf("the check with no draft saved: %d, want 409", code)
	}

	// Every quality question answered but the last; a price for year 1 only.
	form := url.Values{"then": {"check"}, "price_1": {"1,250,000"}}
	var quality []lotsAPIQuestion
	for _, q := range fx.questions {
		if q.Kind != "price" {
			quality = append(quality, q)
		}
	}
	for _, q := range quality[:len(quality)-1] {
		form.Set("answer_"+q.ID, "Estuary answers "+q.Number+" in full")
	}
	estuary.get(respond)
	resp, body := estuary.post(respond, form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != check {
		t.Fatalf("save and check: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	code, body := estuary.get(respond)
	if code != 200 || !strings.Contains(body, `href="`+check+`"`) || strings.Contains(body, `action="`+check+`"`) {
		t.Fatalf("the response page does not lead to the check before submitting (%d)", code)
	}
	code, body = estuary.get(check)
	if code != 200 {
		t.Fatalf("the check page: %d\n%s", code, body)
	}
	last := quality[len(quality)-1]
	for _, want := range []string{
		"Check your response to lot 1: Sheppey UTC", fmt.Sprintf("You answered %d of %d questions", len(quality)-1, len(quality)),
		"Estuary answers " + quality[0].Number + " in full",
		`href="` + respond + `#answer_` + quality[0].ID + `">Change`,
		`href="` + respond + `#answer_` + last.ID + `">Change`, "Not answered",
		"£1,250,000", "Contract year 2</dt>", "Not given", "Estuary Urgent Care CIC bids alone", "No files attached",
		// What submitting would refuse is listed, each linked to its field, and nothing is offered to submit.
		"Your response is not complete", `<a href="` + respond + `#answer_` + last.ID + `">Answer question ` + last.Number + `</a>`,
		`<a href="` + respond + `#prices">Enter a price for every contract year (1 to 2)</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the check page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, `action="`+check+`"`) {
		t.Fatal("the check of an incomplete response offers to submit it")
	}
	// Completed, the check offers to submit.
	form.Set("answer_"+last.ID, "Estuary answers "+last.Number+" last")
	form.Set("price_2", "1,300,000")
	estuary.post(respond, form)
	if code, body = estuary.get(check); code != 200 || strings.Contains(body, "Your response is not complete") ||
		!strings.Contains(body, `action="`+check+`"`) || !strings.Contains(body, "£1,300,000") || strings.Contains(body, "Not answered") {
		t.Fatalf("the check of a complete response (%d):\n%s", code, body)
	}
	if got := submissions("Estuary Urgent Care CIC"); len(got) != 1 || got[0] != string(lots.SubDraft) {
		t.Fatalf("looking at the check page changed the submissions: %v", got)
	}

	// Weald, another bidder, checks its own draft and never Estuary's.
	weald := s.browser(t)
	weald.signIn("bids@weald-ambulance.test")
	weald.get(fx.opp)
	weald.post(fx.opp+"/interest", nil)
	if code, body := weald.get(check); code != http.StatusConflict || strings.Contains(body, "Estuary") {
		t.Fatalf("another bidder's check with no draft of its own: %d", code)
	}
	weald.get(respond)
	weald.post(respond, url.Values{"answer_" + quality[0].ID: {"Weald answers in its own words"}})
	if code, body := weald.get(check); code != 200 || strings.Contains(body, "Estuary") || strings.Contains(body, "1,250,000") ||
		!strings.Contains(body, "Weald answers in its own words") {
		t.Fatalf("another bidder's check page (%d) shows what is not its own:\n%s", code, body)
	}

	resp, body = estuary.post(check, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != respond {
		t.Fatalf("submitting from the check page: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if got := submissions("Estuary Urgent Care CIC"); len(got) != 1 || got[0] != string(lots.SubSubmitted) {
		t.Fatalf("after submitting: %v", got)
	}
	if got := submissions("Weald Ambulance Service NHS Trust"); len(got) != 1 || got[0] != string(lots.SubDraft) {
		t.Fatalf("Weald's draft after Estuary submitted: %v", got)
	}
	if code, _ := estuary.get(check); code != http.StatusConflict {
		t.Fatalf("the check with the response already submitted: %d, want 409", code)
	}
}

// The check before submitting is a bidder's, on an opportunity it can see, through the guard of
// submitting itself.
func TestTheSubmitCheckPageRefusesOthers(t *testing.T) {
	s := startServer(t, nil)
	fx := newLotsCheckFixture(t, s, "MS-CHECK-SUBREF")
	// Not yet published: no provider can see it, as if it were another tenant's.
	path := fx.opp + "/lots/" + fx.lot + "/submit"
	refusedPage(t, s, "bids@estuary-urgent-care.test", path, http.StatusNotFound)
	lotsAPIWant(t, s, 204, "POST", fx.base+"/publish", s.apiToken(t, "lead@medway-ccg.test"), map[string]any{"confirm_short_tender_period": true}, nil)
	refusedPage(t, s, "lead@medway-ccg.test", path, http.StatusForbidden)       // the commissioner running it
	refusedPage(t, s, "lead@bedfordshire-ccg.test", path, http.StatusForbidden) // another tenant's lead
	refusedPage(t, s, "reviewer@healthwatch-kent.test", path, http.StatusForbidden)
	refusedPage(t, s, "admin@golive.test", path, http.StatusForbidden)
	// A lot of another procurement, under this one's address.
	other := newLotsCheckFixture(t, s, "MS-CHECK-OTHER")
	refusedPage(t, s, "bids@estuary-urgent-care.test", fx.opp+"/lots/"+other.lot+"/submit", http.StatusNotFound)
}
