package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// mobAPIPlan is what the walk reads of a plan.
type mobAPIPlan struct {
	ID            string `json:"id"`
	ProviderOrgID string `json:"provider_org_id"`
	Side          string `json:"side"`
	Phases        []struct {
		ID          string   `json:"id"`
		Name        string   `json:"name"`
		GoLiveDay   string   `json:"go_live_day"`
		State       string   `json:"state"`
		RAG         string   `json:"rag"`
		ForecastDay string   `json:"forecast_day"`
		SlipDays    int      `json:"slip_days"`
		Ready       bool     `json:"ready"`
		Missing     []string `json:"missing"`
	} `json:"phases"`
	Milestones []mobAPIMilestone `json:"milestones"`
}

type mobAPIMilestone struct {
	ID            string `json:"id"`
	PhaseID       string `json:"phase_id"`
	TemplateKey   string `json:"template_key"`
	Title         string `json:"title"`
	OwnerSide     string `json:"owner_side"`
	DueOn         string `json:"due_on"`
	Status        string `json:"status"`
	Critical      bool   `json:"critical"`
	RAG           string `json:"rag"`
	EvidenceCount int    `json:"evidence_count"`
	CompletedOn   string `json:"completed_on"`
	AcceptedAt    string `json:"accepted_at"`
}

func (p mobAPIPlan) milestone(t *testing.T, phase int, key string) mobAPIMilestone {
	t.Helper()
	for _, m := range p.Milestones {
		if m.PhaseID == p.Phases[phase].ID && m.TemplateKey == key {
			return m
		}
	}
	t.Fatalf("no milestone %s in phase %d", key, phase)
	return mobAPIMilestone{}
}

// mobAPIUpload sends a file as multipart/form-data in the field "file".
func mobAPIUpload(t *testing.T, s *server, path, token, name string, content []byte) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest("POST", s.URL+"/api/v1"+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// mobAPIAwardedLot runs a procurement through the lots and evaluation APIs to its contract
// award: Medway leads with Swale; lot 1 has GP out of hours going live at golive1 and a UTC at
// golive2; Estuary wins over Weald. It returns the lot id.
func mobAPIAwardedLot(t *testing.T, s *server, clock *lotsAPIClock, golive1, golive2 time.Time) string {
	t.Helper()
	now := clock.Now()
	day := 24 * time.Hour
	lead := s.apiToken(t, "lead@medway-ccg.test")
	admin := s.apiToken(t, "admin@medway-ccg.test")
	medwayApprover := s.apiToken(t, "approver@medway-ccg.test")
	swaleApprover := s.apiToken(t, "approver@swale-ccg.test")
	clinical := s.apiToken(t, "evaluator@medway-ccg.test")
	medway, swale := lotsAPIOrg(t, s, "NHS Medway CCG"), lotsAPIOrg(t, s, "NHS Swale CCG")
	estuaryOrg, wealdOrg := lotsAPIOrg(t, s, "Estuary Urgent Care CIC"), lotsAPIOrg(t, s, "Weald Ambulance Service NHS Trust")

	var p lotsAPIProcurement
	lotsAPIWant(t, s, 201, "POST", "/procurements", lead, map[string]any{
		"title": "Medway and Swale urgent care", "reference": "MS-MOB-API", "regime": "psr2024", "procedure": "PSR competitive process",
		"term_years": 5, "estimated_value_pence": 50_000_000_00, "participants": []string{medway, swale},
		"clarification_deadline": now.Add(10 * day), "submission_deadline": now.Add(20 * day), "evaluation_start": now.Add(21 * day),
		"award_date": now.Add(60 * day), "contract_start": golive1,
	}, &p)
	base := "/procurements/" + p.ID
	var lot struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 201, "POST", base+"/lots", lead, map[string]any{"number": 1, "title": "GP out of hours and UTC",
		"service_types": []string{"gp_ooh", "utc"}, "participants": []string{medway, swale}}, &lot)
	lotsAPIWant(t, s, 201, "POST", base+"/lots/"+lot.ID+"/phases", lead, map[string]any{"name": "GP out of hours", "service": "gp_ooh", "go_live": golive1}, nil)
	lotsAPIWant(t, s, 201, "POST", base+"/lots/"+lot.ID+"/phases", lead, map[string]any{"name": "Medway UTC", "service": "utc", "go_live": golive2}, nil)
	lotsAPIWant(t, s, 201, "POST", base+"/lots/"+lot.ID+"/questions", lead, map[string]any{"section": "Quality", "number": "1.1",
		"text": "Describe your mobilisation plan", "kind": "scored", "weight_bp": 7000, "max_score": 4, "min_score": 1, "panel": "clinical"}, nil)
	lotsAPIWant(t, s, 201, "POST", base+"/lots/"+lot.ID+"/questions", lead, map[string]any{"section": "Price", "number": "2.1",
		"text": "Price schedule", "kind": "price", "weight_bp": 3000, "panel": "finance"}, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/submit-for-approval", lead, nil, nil)
	decision := map[string]any{"decision": "approve", "meeting_date": now.Add(-day), "minute_ref": "GB/2026/51", "part2": true}
	lotsAPIWant(t, s, 204, "POST", base+"/decision", medwayApprover, decision, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/decision", swaleApprover, decision, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/publish", lead, map[string]any{"confirm_short_tender_period": true}, nil)
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &p)
	q := map[string]string{}
	for _, qq := range p.Lots[0].Questions {
		q[qq.Number] = qq.ID
	}
	opp := "/opportunities/" + p.ID
	prices := []map[string]any{}
	for y := 1; y <= 5; y++ {
		prices = append(prices, map[string]any{"year": y, "pence": 100_000_00})
	}
	for _, email := range []string{"bids@estuary-urgent-care.test", "bids@weald-ambulance.test"} {
		tok := s.apiToken(t, email)
		lotsAPIWant(t, s, 204, "POST", opp+"/interest", tok, nil, nil)
		lotsAPIWant(t, s, 200, "PUT", opp+"/lots/"+lot.ID+"/response", tok, map[string]any{
			"answers": []map[string]string{{"question_id": q["1.1"], "text": "Our mobilisation plan."}},
			"prices":  prices}, nil)
		lotsAPIWant(t, s, 200, "POST", opp+"/lots/"+lot.ID+"/submit", tok, nil, nil)
	}
	clock.Add(20*day + time.Hour)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/start", lead, nil, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/confirm", admin, nil, nil)
	clock.Add(time.Hour)

	ev := "/evaluations/lots/" + lot.ID
	lotsAPIWant(t, s, 201, "POST", ev+"/panel", lead, map[string]any{"user_id": evalAPIUser(t, s, "evaluator@medway-ccg.test"), "questions": []string{q["1.1"]}}, nil)
	marks := map[string]int{estuaryOrg: 3, wealdOrg: 2}
	for b := range marks {
		lotsAPIWant(t, s, 204, "POST", ev+"/declarations", clinical, map[string]any{"bidder_org_id": b, "decision": "none"}, nil)
	}
	for b, mark := range marks {
		lotsAPIWant(t, s, 204, "PUT", ev+"/scores", clinical, map[string]any{"question_id": q["1.1"], "bidder_org_id": b, "score": mark,
			"rationale": "The plan is set out in full, with its risks and their owners."}, nil)
	}
	lotsAPIWant(t, s, 204, "POST", ev+"/scores/submit", clinical, nil, nil)
	lotsAPIWant(t, s, 204, "POST", ev+"/questions/"+q["1.1"]+"/moderation", lead, nil, nil)
	for b, mark := range marks {
		lotsAPIWant(t, s, 204, "PUT", ev+"/consensus", lead, map[string]any{"question_id": q["1.1"], "bidder_org_id": b, "score": mark,
			"rationale": "Agreed by the panel, as the evaluator's rationale records."}, nil)
	}
	lotsAPIWant(t, s, 204, "POST", ev+"/prices/open", lead, nil, nil)
	lotsAPIWant(t, s, 201, "POST", ev+"/recommendations", lead, map[string]any{"bidder_org_id": estuaryOrg,
		"reason": "Estuary is ranked first on quality and equal on price"}, nil)
	clock.Add(time.Hour)
	lotsAPIWant(t, s, 204, "POST", ev+"/award/decisions", swaleApprover, map[string]any{"decision": "approve"}, nil)
	lotsAPIWant(t, s, 204, "POST", ev+"/award/decisions", medwayApprover, map[string]any{"decision": "approve"}, nil)
	var award evalAPIAward
	lotsAPIWant(t, s, 200, "GET", ev+"/award", lead, nil, &award)
	clock.Set(*award.Recommendations[0].AwardNotBefore)
	lotsAPIWant(t, s, 201, "POST", ev+"/contract", lead, map[string]any{"contract_reference": "MS-MOB-1", "start_date": golive1.Format(time.RFC3339),
		"term_years": 5, "value_pence": 210_000_00}, nil)
	return lot.ID
}

// TestMobilisationAPIFromContractAwardToGoLive is the walk over the JSON API only: the
// contract award makes the plan with a phase per go-live; the provider reports progress and
// attaches evidence; the commissioner accepts it; a slip turns a phase red and moves its
// forecast; both commissioners sign the go/no-go; the phase goes live. Along the way: another
// provider, another tenant and Healthwatch get 404, the provider cannot accept its own work, and
// going live before the gate is passed is refused with what is missing.
func TestMobilisationAPIFromContractAwardToGoLive(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	s.App.Eval.Now, s.App.Award.Now, s.App.Mob.Now = clock.Now, clock.Now, clock.Now
	london, _ := time.LoadLocation("Europe/London")
	golive1 := time.Date(2027, 1, 4, 8, 0, 0, 0, london)
	golive2 := time.Date(2027, 4, 5, 8, 0, 0, 0, london)
	lotID := mobAPIAwardedLot(t, s, clock, golive1, golive2)

	lead := s.apiToken(t, "lead@medway-ccg.test")
	estuary := s.apiToken(t, "bids@estuary-urgent-care.test")
	medwayApprover := s.apiToken(t, "approver@medway-ccg.test")
	swaleApprover := s.apiToken(t, "approver@swale-ccg.test")

	// The contract award made the plan: two phases, one per go-live, each with the template.
	var list struct {
		Plans []struct {
			PlanID string `json:"plan_id"`
			Phases []struct {
				GoLiveDay string `json:"go_live_day"`
			} `json:"phases"`
		} `json:"plans"`
	}
	lotsAPIWant(t, s, 200, "GET", "/mobilisation/plans", lead, nil, &list)
	if len(list.Plans) != 1 || len(list.Plans[0].Phases) != 2 {
		t.Fatalf("after the contract award the lead's plans are %+v", list.Plans)
	}
	planPath := "/mobilisation/plans/" + list.Plans[0].PlanID
	var plan mobAPIPlan
	lotsAPIWant(t, s, 200, "GET", planPath, lead, nil, &plan)
	if plan.Phases[0].GoLiveDay != "2027-01-04" || plan.Phases[1].GoLiveDay != "2027-04-05" || plan.Phases[0].Name != "GP out of hours" ||
		len(plan.Milestones)%2 != 0 || len(plan.Milestones) < 40 || plan.Side != "commissioner" {
		t.Fatalf("the plan: phases %+v, %d milestones", plan.Phases, len(plan.Milestones))
	}
	for _, ph := range plan.Phases {
		if ph.RAG == "red" || ph.ForecastDay != ph.GoLiveDay || ph.State != "mobilising" {
			t.Fatalf("a phase at the start: %+v", ph)
		}
	}
	// Making it again (as after a failed award hook) gives the same plan.
	var again mobAPIPlan
	lotsAPIWant(t, s, 200, "POST", "/mobilisation/plans", lead, map[string]any{"lot_id": lotID}, &again)
	if again.ID != plan.ID {
		t.Fatalf("ensuring the plan again gave %s, want %s", again.ID, plan.ID)
	}
	lotsAPIWant(t, s, 422, "POST", "/mobilisation/plans", lead, map[string]any{"lot_id": "not-a-lot"}, nil)

	// The provider sees it as the provider; another provider, another tenant, Healthwatch do not.
	var theirs mobAPIPlan
	lotsAPIWant(t, s, 200, "GET", planPath, estuary, nil, &theirs)
	if theirs.Side != "provider" || len(theirs.Milestones) != len(plan.Milestones) {
		t.Fatalf("the provider's view: side %s, %d milestones", theirs.Side, len(theirs.Milestones))
	}
	// (Another provider, another tenant, Healthwatch's admin, a commissioner not taking part.)
	for _, email := range []string{"bids@weald-ambulance.test", "lead@bedfordshire-ccg.test", "admin@healthwatch-kent.test", "admin@dgs-ccg.test"} {
		lotsAPIWant(t, s, 404, "GET", planPath, s.apiToken(t, email), nil, nil)
	}
	// Healthwatch's reviewer, who has no API (issue 14 item 7), is refused the plan's page.
	refusedPage(t, s, "reviewer@healthwatch-kent.test", planPath, http.StatusForbidden)

	// The provider reports progress and attaches evidence, then asks for completion.
	tupe := plan.milestone(t, 0, "tupe_information")
	ms := planPath + "/milestones/" + tupe.ID
	raw := lotsAPIWant(t, s, 422, "POST", ms+"/progress", estuary, map[string]any{"status": "blocked"}, nil)
	if p := lotsAPIDecodeProblem(t, raw); len(p.Errors) != 1 || p.Errors[0].Field != "note" {
		t.Fatalf("blocked without a note: %s", raw)
	}
	lotsAPIWant(t, s, 422, "POST", ms+"/progress", estuary, map[string]any{"status": "done"}, nil)
	var detail struct {
		Milestone mobAPIMilestone `json:"milestone"`
		Notes     []struct {
			Text string `json:"text"`
		} `json:"notes"`
		Evidence []struct {
			Href   string `json:"href"`
			SHA256 string `json:"sha256"`
		} `json:"evidence"`
	}
	lotsAPIWant(t, s, 200, "POST", ms+"/progress", estuary, map[string]any{"status": "in_progress", "note": "Asked the outgoing provider for the ELI"}, &detail)
	if detail.Milestone.Status != "in_progress" || len(detail.Notes) != 1 {
		t.Fatalf("after reporting: %+v", detail)
	}
	content := []byte("Employee liability information: 42 staff in scope of TUPE.\n")
	resp, raw := mobAPIUpload(t, s, ms+"/evidence", estuary, "eli.txt", content)
	var ev struct {
		Href   string `json:"href"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}
	if resp.StatusCode != 201 || !strings.Contains(string(raw), `"sha256"`) {
		t.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, &ev); err != nil || ev.Size != int64(len(content)) || resp.Header.Get("Location") != ev.Href {
		t.Fatalf("the evidence record: %s (Location %s)", raw, resp.Header.Get("Location"))
	}
	sum := sha256.Sum256(content)
	if ev.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("the evidence hash %s", ev.SHA256)
	}
	resp, raw = mobAPIUpload(t, s, ms+"/evidence", estuary, "eli.pdf", []byte("<html><script>alert(1)</script></html>"))
	if resp.StatusCode != 422 {
		t.Fatalf("an HTML page as evidence: %d %s", resp.StatusCode, raw)
	}
	lotsAPIWant(t, s, 200, "POST", ms+"/completion-request", estuary, map[string]any{"note": "ELI received and checked"}, nil)
	lotsAPIWant(t, s, 403, "POST", ms+"/accept", estuary, map[string]any{}, nil) // never the provider

	// The commissioner opens the evidence and accepts.
	req, _ := http.NewRequest("GET", s.URL+ev.Href, nil)
	req.Header.Set("Authorization", "Bearer "+lead)
	dl, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != 200 || !bytes.Equal(body, content) || dl.Header.Get("X-Content-SHA256") != ev.SHA256 ||
		!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("downloading the evidence: %d %q", dl.StatusCode, dl.Header.Get("Content-Disposition"))
	}
	lotsAPIWant(t, s, 200, "POST", ms+"/accept", lead, map[string]any{"note": "Checked against the contract schedule"}, &detail)
	if detail.Milestone.Status != "done" || detail.Milestone.RAG != "done" || detail.Milestone.CompletedOn != clock.Now().In(london).Format("2006-01-02") ||
		detail.Milestone.EvidenceCount != 1 {
		t.Fatalf("after accepting: %+v", detail.Milestone)
	}

	// A slip: ten days after the TUPE consultation should have started, it has not. The phase
	// turns red and its forecast go-live moves.
	consultation := plan.milestone(t, 0, "tupe_consultation")
	due, _ := time.ParseInLocation("2006-01-02", consultation.DueOn, london)
	clock.Set(due.AddDate(0, 0, 10).Add(10 * time.Hour))
	lotsAPIWant(t, s, 200, "GET", planPath, lead, nil, &plan)
	late := plan.milestone(t, 0, "tupe_consultation")
	if ph := plan.Phases[0]; ph.RAG != "red" || ph.ForecastDay <= ph.GoLiveDay || ph.SlipDays <= 0 || late.RAG != "red" {
		t.Fatalf("after the slip: phase %+v, milestone %+v", ph, late)
	}
	var dash struct {
		Overdue []struct {
			MilestoneID string `json:"milestone_id"`
			DaysOverdue int    `json:"days_overdue"`
			OwnerName   string `json:"owner_name"`
		} `json:"overdue"`
	}
	lotsAPIWant(t, s, 200, "GET", "/mobilisation/dashboard", swaleApprover, nil, &dash)
	found := false
	for _, o := range dash.Overdue {
		found = found || (o.MilestoneID == consultation.ID && o.DaysOverdue == 10 && o.OwnerName == "Charlie Bidder")
	}
	if !found {
		t.Fatalf("Swale's dashboard does not show the late consultation and whose it is: %+v", dash.Overdue)
	}

	// Going live before the gate is passed is refused, naming what is missing.
	phasePath := planPath + "/phases/" + plan.Phases[0].ID
	raw = lotsAPIWant(t, s, 409, "POST", phasePath+"/go-live", lead, nil, nil)
	for _, want := range []string{"TUPE consultation with transferring staff started", "NHS Swale CCG has not made a go/no-go decision"} {
		if !strings.Contains(string(raw), want) {
			t.Fatalf("the refusal does not say %q: %s", want, raw)
		}
	}

	// Signing go while critical milestones are open needs an acknowledgement with a reason,
	// refused without it naming how many; it is recorded with the decision.
	lotsAPIWant(t, s, 200, "GET", planPath, lead, nil, &plan)
	open := 0
	for _, m := range plan.Milestones {
		if m.PhaseID == plan.Phases[0].ID && m.Critical && m.AcceptedAt == "" {
			open++
		}
	}
	raw = lotsAPIWant(t, s, 422, "POST", phasePath+"/decisions", medwayApprover, map[string]any{"decision": "go", "reason": "Assurance received"}, nil)
	fields := map[string]string{}
	for _, e := range lotsAPIDecodeProblem(t, raw).Errors {
		fields[e.Field] = e.Detail
	}
	if want := fmt.Sprintf("Confirm you are signing go with %d critical milestones still open", open); open < 2 ||
		fields["acknowledge_open_critical"] != want || fields["acknowledgement"] == "" {
		t.Fatalf("go with %d critical milestones open: %s", open, raw)
	}
	var signed struct {
		Decision        string `json:"decision"`
		OpenCritical    int    `json:"open_critical"`
		Acknowledgement string `json:"acknowledgement"`
	}
	lotsAPIWant(t, s, 200, "POST", phasePath+"/decisions", medwayApprover, map[string]any{"decision": "go", "reason": "Assurance received",
		"acknowledge_open_critical": true, "acknowledgement": "The board accepted the plan for what is outstanding"}, &signed)
	if signed.Decision != "go" || signed.OpenCritical != open || signed.Acknowledgement != "The board accepted the plan for what is outstanding" {
		t.Fatalf("the acknowledged go: %+v", signed)
	}
	var shown struct {
		Phases []struct {
			Decisions []struct {
				OpenCritical    int    `json:"open_critical"`
				Acknowledgement string `json:"acknowledgement"`
			} `json:"decisions"`
		} `json:"phases"`
	}
	lotsAPIWant(t, s, 200, "GET", planPath, swaleApprover, nil, &shown)
	if d := shown.Phases[0].Decisions; len(d) != 1 || d[0].OpenCritical != open || d[0].Acknowledgement == "" {
		t.Fatalf("the plan's decisions after the acknowledged go: %+v", d)
	}

	// Every critical milestone of the phase done: the provider asks, the lead accepts.
	for _, m := range plan.Milestones {
		if m.PhaseID != plan.Phases[0].ID || !m.Critical || m.Status == "done" {
			continue
		}
		mp := planPath + "/milestones/" + m.ID
		if m.OwnerSide == "provider" {
			lotsAPIWant(t, s, 200, "POST", mp+"/completion-request", estuary, map[string]any{"note": "Done: see the board pack"}, nil)
			lotsAPIWant(t, s, 200, "POST", mp+"/accept", lead, map[string]any{}, nil)
		} else {
			lotsAPIWant(t, s, 200, "POST", mp+"/accept", lead, map[string]any{"note": "Agreed at the mobilisation board"}, nil)
		}
	}

	// The go/no-go: each commissioner's approver signs for its own.
	lotsAPIWant(t, s, 403, "POST", phasePath+"/decisions", lead, map[string]any{"decision": "go", "reason": "Ready"}, nil)
	lotsAPIWant(t, s, 422, "POST", phasePath+"/decisions", medwayApprover, map[string]any{"decision": "go"}, nil)
	lotsAPIWant(t, s, 200, "POST", phasePath+"/decisions", medwayApprover, map[string]any{"decision": "go", "reason": "Assurance received at the board"}, &signed)
	if signed.OpenCritical != 0 || signed.Acknowledgement != "" {
		t.Fatalf("a go with nothing open still carries an acknowledgement: %+v", signed)
	}
	raw = lotsAPIWant(t, s, 409, "POST", phasePath+"/go-live", lead, nil, nil)
	if !strings.Contains(string(raw), "NHS Swale CCG has not made a go/no-go decision") || strings.Contains(string(raw), "NHS Medway CCG") {
		t.Fatalf("with Medway's go only: %s", raw)
	}
	lotsAPIWant(t, s, 200, "POST", phasePath+"/decisions", swaleApprover, map[string]any{"decision": "go", "reason": "Rota filled for the first month"}, nil)

	// Live.
	var live struct {
		State  string  `json:"state"`
		LiveAt *string `json:"live_at"`
		RAG    string  `json:"rag"`
	}
	lotsAPIWant(t, s, 200, "POST", phasePath+"/go-live", lead, nil, &live)
	if live.State != "live" || live.LiveAt == nil || live.RAG != "done" {
		t.Fatalf("the phase after going live: %+v", live)
	}
	lotsAPIWant(t, s, 409, "POST", phasePath+"/go-live", lead, nil, nil)
	var after struct {
		Plans []struct {
			Phases []struct {
				ID    string `json:"id"`
				State string `json:"state"`
			} `json:"phases"`
			NextGoLive *struct {
				ID string `json:"id"`
			} `json:"next_go_live"`
		} `json:"plans"`
	}
	lotsAPIWant(t, s, 200, "GET", "/mobilisation/dashboard", estuary, nil, &after)
	if len(after.Plans) != 1 || after.Plans[0].Phases[0].State != "live" || after.Plans[0].NextGoLive == nil || after.Plans[0].NextGoLive.ID != plan.Phases[1].ID {
		t.Fatalf("the provider's dashboard after go-live: %+v", after)
	}
	var mails int
	s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM mail_messages WHERE subject LIKE 'Live: GP out of hours%'").Scan(&mails)
	if mails != 2 {
		t.Fatalf("%d go-live emails, want 2 (Estuary's bid team and Medway's lead)", mails)
	}
}
