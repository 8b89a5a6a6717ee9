package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEvaluationPanelPagesAnswerBadInputBesideTheField sends the panel and scoring forms what a
// person, or someone tampering with the form, might: each is answered with the NHS.UK error
// summary and a message beside the field (422, or 404 for an evaluator who does not exist),
// never a 500, and nothing is recorded.
func TestEvaluationPanelPagesAnswerBadInputBesideTheField(t *testing.T) {
	s := startServer(t, nil)
	opened := matrixProcurements(t, s)["opened"] // the Medway evaluator on question 1.1, a scored 0–4 clinical question
	base := "/evaluations/lots/" + opened.lot
	id := func(email string) string {
		var v string
		s.App.DB.Gorm.Raw("SELECT id FROM users WHERE email = ?", email).Scan(&v)
		return v
	}
	refused := func(b *browser, path string, form url.Values, field, message string) {
		t.Helper()
		resp, body := b.post(path, form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "nhsuk-error-summary") {
			t.Fatalf("POST %s %v: %d, want 422 with the error summary", path, form, resp.StatusCode)
		}
		if field != "" && !strings.Contains(body, `id="`+field+`-error"`) {
			t.Fatalf("POST %s %v: no message beside #%s", path, form, field)
		}
		if !strings.Contains(body, message) {
			t.Fatalf("POST %s %v: the page does not say %q", path, form, message)
		}
	}

	lead := s.browser(t)
	lead.signIn("lead@medway-ccg.test")
	if status, _ := lead.get(base); status != 200 {
		t.Fatalf("the lead's overview: %d", status)
	}
	refused(lead, base+"/panel", url.Values{"user_id": {"not-an-id"}, "questions": {opened.question}}, "add-user_id", "must be an id")
	refused(lead, base+"/panel", url.Values{"user_id": {id("finance@medway-ccg.test")}, "questions": {"not-an-id"}}, "add-questions", "Select the questions from the list")
	refused(lead, base+"/panel", url.Values{"user_id": {id("observer@medway-ccg.test")}, "questions": {opened.question}}, "add-user_id", "is not an evaluator")
	refused(lead, base+"/panel", url.Values{"form": {"addhw"}, "user_id": {id("reviewer@healthwatch-kent.test")}, "questions": {opened.question}},
		"addhw-questions", "only the patient panel")
	refused(lead, base+"/panel/"+opened.user+"/questions", url.Values{}, "assign-"+opened.user+"-questions", "at least one question")
	refused(lead, base+"/panel/"+opened.user+"/remove", url.Values{"reason": {strings.Repeat("x", 2001)}}, "remove-"+opened.user+"-reason", "2000 characters or fewer")
	if resp, _ := lead.post(base+"/panel/not-an-id/remove", url.Values{"reason": {"Added by mistake, not an evaluator"}}); resp.StatusCode != 404 {
		t.Fatalf("taking off an evaluator who does not exist: %d", resp.StatusCode)
	}

	ev := s.browser(t)
	ev.signIn("evaluator@medway-ccg.test")
	if status, body := ev.get("/evaluations"); status != 200 || !strings.Contains(body, base+"/workspace") {
		t.Fatalf("the evaluator's list: %d, or no link to the workspace", status)
	}
	ev.get(base + "/workspace")
	decision, reason := "decision-"+opened.bidder, "reason-"+opened.bidder
	refused(ev, base+"/declarations", url.Values{decision: {"maybe"}}, decision, "must be one of")
	refused(ev, base+"/declarations", url.Values{decision: {"conflict"}, reason: {"no"}}, reason, "at least 10 characters")
	if resp, _ := ev.post(base+"/declarations", url.Values{decision: {"none"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("declaring no interest: %d", resp.StatusCode)
	}

	sheet := base + "/bidders/" + opened.bidder
	if status, _ := ev.get(sheet); status != 200 {
		t.Fatalf("the scoring sheet: %d", status)
	}
	score, rationale := "score-"+opened.question, "rationale-"+opened.question
	good := "The workforce plan names its clinical leads and shows the rota."
	refused(ev, sheet, url.Values{score: {"three"}, rationale: {good}}, score, "whole number")
	refused(ev, sheet, url.Values{score: {"9"}, rationale: {good}}, score, "from 0 to 4")
	refused(ev, sheet, url.Values{score: {"3"}, rationale: {"Fine."}}, rationale, "at least 20 characters")
	refused(ev, sheet, url.Values{score: {"3"}, rationale: {strings.Repeat("y", 4001)}}, rationale, "4000 characters or fewer")
	refused(ev, sheet, url.Values{}, "", "at least one question")
	refused(ev, base+"/scores/submit", url.Values{}, "missing", "1 still to score")
	var marks int64
	s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM scores WHERE lot_id = ?", opened.lot).Scan(&marks)
	if marks != 0 {
		t.Fatalf("%d marks recorded from refused forms", marks)
	}
	if resp, _ := ev.post(sheet, url.Values{score: {"3"}, rationale: {good}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good mark: %d", resp.StatusCode)
	}
	if _, body := ev.get(sheet); !strings.Contains(body, good) || !strings.Contains(body, `value="3" checked`) {
		t.Fatal("the saved mark is not shown again")
	}
}
