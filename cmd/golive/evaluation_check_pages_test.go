package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAnEvaluatorChecksTheirScoresBeforeSubmittingAndNobodyElseReadsThem walks the check step
// before submitting scores on the matrix's opened lot (the Medway evaluator scores one question
// for Weald, the one bidder): the check page lists what is missing, with a link to where it is
// given, and offers no submit; once marked, it shows the mark and its rationale with a link to
// change it, and the button; reading it changes nothing; submitting from it locks the marks.
// Another tenant's evaluator, an evaluator of the same tenant not on the panel, Healthwatch (not
// on it), the bidder, and roles that do not score (the lot's own lead, an approver) are refused
// it, and none reads the rationale.
func TestAnEvaluatorChecksTheirScoresBeforeSubmittingAndNobodyElseReadsThem(t *testing.T) {
	s := startServer(t, nil)
	opened := matrixProcurements(t, s)["opened"]
	base := "/evaluations/lots/" + opened.lot
	check, sheet := base+"/scores/check", base+"/bidders/"+opened.bidder
	counts := func() (audits, marks, submitted int64) {
		s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM audit_events").Scan(&audits)
		s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM scores WHERE lot_id = ?", opened.lot).Scan(&marks)
		s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM panel_members WHERE lot_id = ? AND submitted_at IS NOT NULL", opened.lot).Scan(&submitted)
		return
	}
	const submitButton = ">Submit scores</button>"

	ev := s.browser(t)
	ev.signIn("evaluator@medway-ccg.test")
	if status, _ := ev.get(check); status != http.StatusConflict {
		t.Fatalf("the check before declaring: %d, want 409", status)
	}
	if resp, _ := ev.post(base+"/declarations", url.Values{"decision-" + opened.bidder: {"none"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("declaring no interest: %d", resp.StatusCode)
	}
	if _, body := ev.get(base + "/workspace"); !strings.Contains(body, `href="`+check+`"`) {
		t.Fatalf("the workspace does not link to the check:\n%s", awardPagesText(body))
	}

	// Nothing marked: the page lists the mark still to give, linked to the sheet at its question.
	a0, m0, s0 := counts()
	status, body := ev.get(check)
	if status != 200 {
		t.Fatalf("the check page: %d\n%s", status, awardPagesText(body))
	}
	if !strings.Contains(body, `id="missing"`) || !strings.Contains(body, `href="`+sheet+`#question-`+opened.question+`"`) {
		t.Fatalf("the missing mark is not listed with a link to its question on the sheet:\n%s", body)
	}
	if strings.Contains(body, submitButton) {
		t.Fatal("the check offers to submit with a mark missing")
	}
	if a, m, sub := counts(); a != a0 || m != m0 || sub != s0 {
		t.Fatalf("reading the check changed something: audit %d→%d, marks %d→%d, submitted %d→%d", a0, a, m0, m, s0, sub)
	}

	rationale := "The workforce plan names its clinical leads and shows the rota."
	if resp, _ := ev.post(sheet, url.Values{"score-" + opened.question: {"3"}, "rationale-" + opened.question: {rationale}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good mark: %d", resp.StatusCode)
	}
	a0, m0, s0 = counts()
	_, body = ev.get(check)
	text := awardPagesText(body)
	if !strings.Contains(text, "Your score: 3 of 4") || !strings.Contains(text, rationale) || strings.Contains(body, `id="missing"`) {
		t.Fatalf("the check does not show the mark and its rationale, or still flags it missing:\n%s", text)
	}
	if !strings.Contains(body, `<a href="`+sheet+`#question-`+opened.question+`">Change`) || !strings.Contains(body, submitButton) {
		t.Fatalf("no Change link to the sheet, or no submit button:\n%s", body)
	}
	if !strings.Contains(body, `action="`+base+`/scores/submit"`) {
		t.Fatal("the button does not post to the submission")
	}
	if a, m, sub := counts(); a != a0 || m != m0 || sub != s0 {
		t.Fatalf("reading the check changed something: audit %d→%d, marks %d→%d, submitted %d→%d", a0, a, m0, m, s0, sub)
	}

	for _, c := range []struct {
		who, email string
		status     int
	}{
		{"another tenant's evaluator", "evaluator@bedfordshire-ccg.test", http.StatusNotFound},
		{"another evaluator, not on the panel", "finance@medway-ccg.test", http.StatusNotFound},
		{"Healthwatch, not on the panel", "reviewer@healthwatch-kent.test", http.StatusNotFound},
		{"the bidder", "bids@weald-ambulance.test", http.StatusForbidden},
		{"the lot's own lead, who does not score", "lead@medway-ccg.test", http.StatusForbidden},
		{"an approver", "approver@medway-ccg.test", http.StatusForbidden},
	} {
		b := s.browser(t)
		b.signIn(c.email)
		status, body := b.get(check)
		if status != c.status || strings.Contains(body, rationale) {
			t.Errorf("%s: the check page answers %d, want %d (rationale shown: %v)", c.who, status, c.status, strings.Contains(body, rationale))
		}
	}

	resp, _ := ev.post(base+"/scores/submit", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"/workspace" {
		t.Fatalf("submitting from the check: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, _, sub := counts(); sub != 1 {
		t.Fatalf("%d evaluators submitted, want 1", sub)
	}
	_, body = ev.get(check)
	if !strings.Contains(body, `id="submitted"`) || strings.Contains(body, submitButton) || strings.Contains(body, ">Change<") || !strings.Contains(body, rationale) {
		t.Fatalf("once submitted the check is not read only with the marks:\n%s", awardPagesText(body))
	}
}
