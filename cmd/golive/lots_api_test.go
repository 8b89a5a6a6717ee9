package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golive/lots"
)

// lotsAPIClock is the test's clock for the procurement service: the same rules, a clock the
// test moves (past the submission deadline) instead of waiting three weeks.
type lotsAPIClock struct{ ns atomic.Int64 }

func (c *lotsAPIClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *lotsAPIClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *lotsAPIClock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func lotsAPIStartClock(s *server) *lotsAPIClock {
	c := &lotsAPIClock{}
	c.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s.App.Lots.Now = c.Now
	return c
}

// lotsAPIOrg reads an organisation's id: the API does not list organisations, and this is an id only.
func lotsAPIOrg(t *testing.T, s *server, name string) string {
	t.Helper()
	var id string
	if err := s.App.DB.Gorm.Raw("SELECT id FROM organisations WHERE name = ?", name).Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("organisation %q: %v", name, err)
	}
	return id
}

// lotsAPIWant calls the API and fails unless the status is want; problem answers must be problem+json.
func lotsAPIWant(t *testing.T, s *server, want int, method, path, token string, body, out any) []byte {
	t.Helper()
	resp, raw := s.api(t, method, path, token, body, out)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if want >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%s %s: %d answered as %q, not problem+json", method, path, want, resp.Header.Get("Content-Type"))
	}
	return raw
}

// lotsAPIRefused fails unless the call is refused with one of the statuses (403 or 404), as a problem.
func lotsAPIRefused(t *testing.T, s *server, who, method, path, token string) {
	t.Helper()
	resp, raw := s.api(t, method, path, token, nil, nil)
	if resp.StatusCode != 403 && resp.StatusCode != 404 {
		t.Fatalf("%s: %s %s answered %d, want 403 or 404: %s", who, method, path, resp.StatusCode, raw)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%s: refusal is not problem+json", who)
	}
}

type lotsAPIProblem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

func lotsAPIDecodeProblem(t *testing.T, raw []byte) lotsAPIProblem {
	t.Helper()
	var p lotsAPIProblem
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("not a problem document: %s", raw)
	}
	return p
}

type lotsAPIQuestion struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Kind   string `json:"kind"`
}

type lotsAPIProcurement struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Lots  []struct {
		ID            string            `json:"id"`
		Number        int               `json:"number"`
		Questions     []lotsAPIQuestion `json:"questions"`
		WeightProblem string            `json:"weight_problem"`
	} `json:"lots"`
	Clarifications []struct {
		ID         string `json:"id"`
		Number     int    `json:"number"`
		AskerOrgID string `json:"asker_org_id"`
	} `json:"clarifications"`
}

type lotsAPIReceipt struct {
	SubmissionID string    `json:"submission_id"`
	Lot          int       `json:"lot"`
	Version      int       `json:"version"`
	SubmittedAt  time.Time `json:"submitted_at"`
	SHA256       string    `json:"sha256"`
}

// lotsAPIAnswers answers every non-price question of a lot with text naming the bidder.
func lotsAPIAnswers(qs []lotsAPIQuestion, bidder string) map[string]any {
	answers := []map[string]string{}
	for _, q := range qs {
		if q.Kind != "price" {
			answers = append(answers, map[string]string{"question_id": q.ID, "text": fmt.Sprintf("%s answers question %s: sealed-%s-%s", bidder, q.Number, bidder, q.Number)})
		}
	}
	prices := []map[string]any{}
	for y := 1; y <= 5; y++ {
		prices = append(prices, map[string]any{"year": y, "pence": 6_000_000_000 + int64(y)})
	}
	return map[string]any{"answers": answers, "prices": prices}
}

// TestLotsAPIProcurementFromDraftToOpening walks a whole procurement through the JSON API only:
// the Medway lead builds it, both governing bodies approve, bidders ask and respond, the deadline
// passes on the test clock, two people open the responses and the lead reads them.
func TestLotsAPIProcurementFromDraftToOpening(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	now := clock.Now()

	lead := s.apiToken(t, "lead@medway-ccg.test")
	admin := s.apiToken(t, "admin@medway-ccg.test")
	medwayApprover := s.apiToken(t, "approver@medway-ccg.test")
	swaleApprover := s.apiToken(t, "approver@swale-ccg.test")
	observer := s.apiToken(t, "observer@medway-ccg.test")
	weald := s.apiToken(t, "bids@weald-ambulance.test")
	estuary := s.apiToken(t, "bids@estuary-urgent-care.test")
	northDowns := s.apiToken(t, "bids@north-downs-gp.test")
	// Healthwatch has no API (issue 14 item 7): it is refused on the pages, signed in.
	healthwatch := s.browser(t)
	healthwatch.signIn("reviewer@healthwatch-kent.test")
	bedsLead := s.apiToken(t, "lead@bedfordshire-ccg.test")
	platform := s.apiToken(t, "admin@golive.test")
	medway, swale := lotsAPIOrg(t, s, "NHS Medway CCG"), lotsAPIOrg(t, s, "NHS Swale CCG")
	wealdOrg := lotsAPIOrg(t, s, "Weald Ambulance Service NHS Trust")

	// The lead creates a draft led by Medway with Swale taking part.
	day := 24 * time.Hour
	in := map[string]any{
		"title": "Medway and Swale urgent treatment centres", "reference": "MS-UTC-2026", "regime": "psr2024",
		"procedure": "PSR competitive process", "description": "UTCs at MFT and Sheppey.", "term_years": 5, "extension_years": 2,
		"estimated_value_pence": 12_500_000_000, "participants": []string{medway, swale},
		"clarification_deadline": now.Add(10 * day), "submission_deadline": now.Add(20 * day), "evaluation_start": now.Add(21 * day),
		"award_date": now.Add(60 * day), "contract_start": now.Add(200 * day),
	}
	var p lotsAPIProcurement
	resp, raw := s.api(t, "POST", "/procurements", lead, in, &p)
	if resp.StatusCode != 201 || p.ID == "" || p.State != "draft" {
		t.Fatalf("create: %d %s", resp.StatusCode, raw)
	}
	if loc := resp.Header.Get("Location"); loc != "/api/v1/procurements/"+p.ID {
		t.Fatalf("Location %q", loc)
	}
	base := "/procurements/" + p.ID

	// A lot covering both, with the UTC template and one more question: 105 % is refused.
	var lot struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 201, "POST", base+"/lots", lead, map[string]any{"number": 1, "title": "Urgent treatment centres",
		"service_types": []string{"utc", "gp_ooh"}, "participants": []string{medway, swale}}, &lot)
	lotBase := base + "/lots/" + lot.ID
	lotsAPIWant(t, s, 204, "POST", lotBase+"/template", lead, map[string]any{"template": "utc"}, nil)
	lotsAPIWant(t, s, 201, "POST", lotBase+"/questions", lead, map[string]any{"section": "Social value", "number": "6.1",
		"text": "What social value will the contract bring to Medway and Swale?", "kind": "scored", "weight_bp": 500,
		"max_score": 4, "min_score": 0, "word_limit": 500, "panel": "patient"}, nil)
	raw = lotsAPIWant(t, s, 422, "POST", base+"/submit-for-approval", lead, nil, nil)
	if !strings.Contains(string(raw), "105%") {
		t.Fatalf("the weights problem does not say the total: %s", raw)
	}
	// Back to the template's 100 %, plus a pass/fail question that carries no weight.
	lotsAPIWant(t, s, 204, "POST", lotBase+"/template", lead, map[string]any{"template": "utc"}, nil)
	lotsAPIWant(t, s, 201, "POST", lotBase+"/questions", lead, map[string]any{"section": "Compliance", "number": "4.3",
		"text": "Confirm that every site will be open by its go-live date.", "kind": "pass_fail", "panel": "clinical"}, nil)

	// Publishing in draft, then before any governing body has decided: 409 both times.
	lotsAPIWant(t, s, 409, "POST", base+"/publish", lead, nil, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/submit-for-approval", lead, nil, nil)
	raw = lotsAPIWant(t, s, 409, "POST", base+"/publish", lead, nil, nil)
	if !strings.Contains(string(raw), "NHS Swale CCG") {
		t.Fatalf("the refusal does not say who is still to decide: %s", raw)
	}

	decision := map[string]any{"decision": "approve", "meeting_date": now.Add(-day), "minute_ref": "GB/2026/041", "part2": true}
	lotsAPIWant(t, s, 204, "POST", base+"/decision", medwayApprover, decision, nil)
	lotsAPIWant(t, s, 409, "POST", base+"/decision", medwayApprover, decision, nil) // once only
	decision["minute_ref"] = "SW/2026/17"
	lotsAPIWant(t, s, 204, "POST", base+"/decision", swaleApprover, decision, nil)
	// The tender period is 20 days: refused, naming it, until the lead confirms it.
	raw = lotsAPIWant(t, s, 422, "POST", base+"/publish", lead, nil, nil)
	if !strings.Contains(string(raw), `"field":"confirm_short_tender_period"`) || !strings.Contains(string(raw), "The tender period is 20 days, shorter than 30 days") {
		t.Fatalf("a short tender period is not refused by name: %s", raw)
	}
	lotsAPIWant(t, s, 422, "POST", base+"/publish", lead, map[string]any{"confirm_short_tender_period": false}, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/publish", lead, map[string]any{"confirm_short_tender_period": true}, nil)
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &p)
	if p.State != "published" || len(p.Lots) != 1 || len(p.Lots[0].Questions) == 0 || p.Lots[0].WeightProblem != "" {
		t.Fatalf("after publishing: %+v", p)
	}
	questions := p.Lots[0].Questions

	// The estimated value: the lead sees it; the observer and bidders do not.
	var view map[string]any
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &view)
	if v, ok := view["estimated_value_pence"].(float64); !ok || int64(v) != 12_500_000_000 {
		t.Fatalf("the lead does not see the value: %v", view["estimated_value_pence"])
	}
	if parts, _ := json.Marshal(view["participants"]); !strings.Contains(string(parts), `"name":"NHS Swale CCG"`) {
		t.Fatalf("participants without their names: %s", parts)
	}
	raw = lotsAPIWant(t, s, 200, "GET", base, observer, nil, nil)
	if strings.Contains(string(raw), "estimated_value") || strings.Contains(string(raw), "12500000000") {
		t.Fatalf("the observer sees the value: %s", raw)
	}

	// Weald registers and asks; the lead sees who asked and answers.
	opp := "/opportunities/" + p.ID
	lotsAPIWant(t, s, 204, "POST", opp+"/interest", weald, nil, nil)
	lotsAPIWant(t, s, 201, "POST", opp+"/clarifications", weald, map[string]any{"question": "Is the Sheppey mobile unit in scope of lot 1?"}, nil)
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &p)
	if len(p.Clarifications) != 1 || p.Clarifications[0].AskerOrgID != wealdOrg {
		t.Fatalf("the lead's clarifications: %+v", p.Clarifications)
	}
	lotsAPIWant(t, s, 204, "POST", base+"/clarifications/"+p.Clarifications[0].ID+"/answer", lead,
		map[string]any{"answer": "No: the mobile unit is for a later phase."}, nil)
	lotsAPIWant(t, s, 409, "POST", base+"/clarifications/"+p.Clarifications[0].ID+"/answer", lead,
		map[string]any{"answer": "Twice"}, nil)

	// Estuary registers and sees the answer, not who asked, and no value.
	lotsAPIWant(t, s, 204, "POST", opp+"/interest", estuary, nil, nil)
	raw = lotsAPIWant(t, s, 200, "GET", opp, estuary, nil, nil)
	var ov struct {
		Registered     bool `json:"registered"`
		Clarifications []map[string]any
	}
	if err := json.Unmarshal(raw, &ov); err != nil {
		t.Fatal(err)
	}
	if !ov.Registered || len(ov.Clarifications) != 1 || ov.Clarifications[0]["answer"] != "No: the mobile unit is for a later phase." || ov.Clarifications[0]["mine"] != false {
		t.Fatalf("Estuary's view of the clarifications: %s", raw)
	}
	for _, leak := range []string{wealdOrg, "Weald", "asker", "estimated_value", "12500000000"} {
		if strings.Contains(string(raw), leak) {
			t.Fatalf("the opportunity shows %q to Estuary: %s", leak, raw)
		}
	}

	// What a careless bidder might send to the bidder routes of a published procurement.
	for _, body := range []string{`{}`, `{"answers": null}`, `{"answers": [{"question_id": "x", "text": "y"}]}`,
		`{"answers": [], "prices": [{"year": 0, "pence": 1}, {"year": 1, "pence": -5}]}`, `{"answers": {}}`,
		`{"answers": [], "partners": [` + strings.Repeat(`"p",`, 50) + `"p"]}`, `{"answers": [{"question_id": "` + questions[0].ID + `", "text": "` + strings.Repeat("word ", 20000) + `"}]}`,
		`{"answers": [], "prices": [{"year": 1, "pence": 99999999999999999999}]}`, `[[[]]]`, `{"answers": [], "extra": 1}`} {
		raw := lotsAPIWant(t, s, 422, "PUT", opp+"/lots/"+lot.ID+"/response", estuary, body, nil)
		if len(lotsAPIDecodeProblem(t, raw).Detail) == 0 {
			t.Fatalf("no detail: %s", raw)
		}
	}
	for _, body := range []string{`{}`, `{"question": ""}`, `{"question": 7}`, `{"question": "` + strings.Repeat("?", 4001) + `"}`} {
		lotsAPIWant(t, s, 422, "POST", opp+"/clarifications", estuary, body, nil)
	}

	// Both bidders save and submit; North Downs only saves a draft.
	lotsAPIWant(t, s, 204, "POST", opp+"/interest", northDowns, nil, nil)
	receipts := map[string]lotsAPIReceipt{}
	for name, tok := range map[string]string{"weald": weald, "estuary": estuary} {
		lotsAPIWant(t, s, 200, "PUT", opp+"/lots/"+lot.ID+"/response", tok, lotsAPIAnswers(questions, name), nil)
		var r lotsAPIReceipt
		lotsAPIWant(t, s, 200, "POST", opp+"/lots/"+lot.ID+"/submit", tok, nil, &r)
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(r.SHA256) || r.SubmittedAt.IsZero() || r.Lot != 1 || r.Version != 1 {
			t.Fatalf("%s's receipt: %+v", name, r)
		}
		receipts[name] = r
	}
	lotsAPIWant(t, s, 200, "PUT", opp+"/lots/"+lot.ID+"/response", northDowns, lotsAPIAnswers(questions, "northdowns"), nil)

	// Each bidder sees only its own response.
	raw = lotsAPIWant(t, s, 200, "GET", opp, weald, nil, nil)
	if !strings.Contains(string(raw), "sealed-weald-") || strings.Contains(string(raw), "sealed-estuary-") || !strings.Contains(string(raw), receipts["weald"].SHA256) {
		t.Fatalf("Weald's view of its response: %s", raw)
	}

	// Before the deadline and opening nobody reads a response: not the lead, not the platform.
	lotsAPIWant(t, s, 403, "GET", lotBase+"/responses", lead, nil, nil)
	lotsAPIRefused(t, s, "platform admin", "GET", lotBase+"/responses", platform)
	var sealed [][]byte
	if err := s.App.DB.Gorm.Raw("SELECT answers_sealed FROM submissions WHERE procurement_id = ?", p.ID).Scan(&sealed).Error; err != nil || len(sealed) < 3 {
		t.Fatalf("sealed answers: %d rows, %v", len(sealed), err)
	}
	for _, b := range sealed {
		if bytes.Contains(b, []byte("sealed-")) || bytes.Contains(b, []byte("answers question")) {
			t.Fatal("the database holds an answer in plain text")
		}
	}

	// Those outside are refused the procurement, the other bidder's response and the asker.
	for _, path := range []string{base, opp, opp + "/lots/" + lot.ID + "/response"} {
		if code, body := healthwatch.get(path); (code != 403 && code != 404) || strings.Contains(body, "sealed-") {
			t.Fatalf("Healthwatch opened %s: %d", path, code)
		}
	}
	lotsAPIRefused(t, s, "another tenant's lead", "GET", base, bedsLead)
	lotsAPIRefused(t, s, "another tenant's lead", "GET", lotBase+"/responses", bedsLead)
	lotsAPIRefused(t, s, "a bidder", "GET", base, estuary)
	lotsAPIRefused(t, s, "a bidder", "GET", lotBase+"/responses", weald)
	lotsAPIRefused(t, s, "the platform admin", "GET", base, platform)
	raw = lotsAPIWant(t, s, 200, "GET", opp, northDowns, nil, nil)
	if strings.Contains(string(raw), "sealed-weald-") || strings.Contains(string(raw), "sealed-estuary-") || strings.Contains(string(raw), wealdOrg) {
		t.Fatalf("another bidder sees others' responses or the asker: %s", raw)
	}

	// The deadline passes: a late submission is refused, saying why.
	clock.Add(20*day + time.Hour)
	raw = lotsAPIWant(t, s, 409, "POST", opp+"/lots/"+lot.ID+"/submit", northDowns, nil, nil)
	if pr := lotsAPIDecodeProblem(t, raw); !strings.Contains(pr.Detail, "deadline") {
		t.Fatalf("the late refusal does not mention the deadline: %s", raw)
	}

	// Two people open: the lead starts, cannot confirm alone; the Medway admin confirms.
	lotsAPIWant(t, s, 403, "GET", lotBase+"/responses", lead, nil, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/start", lead, nil, nil)
	lotsAPIWant(t, s, 409, "POST", base+"/opening/confirm", lead, nil, nil)
	lotsAPIWant(t, s, 403, "GET", lotBase+"/responses", lead, nil, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/confirm", admin, nil, nil)

	var opened struct {
		Responses []struct {
			Bidder  string `json:"bidder"`
			SHA256  string `json:"sha256"`
			Answers []struct {
				QuestionID string `json:"question_id"`
				Text       string `json:"text"`
			} `json:"answers"`
		} `json:"responses"`
	}
	raw = lotsAPIWant(t, s, 200, "GET", lotBase+"/responses", lead, nil, &opened)
	if len(opened.Responses) != 2 {
		t.Fatalf("opened responses: %s", raw)
	}
	got := map[string]string{}
	for _, r := range opened.Responses {
		if len(r.Answers) != len(questions)-1 { // every question but the price schedule
			t.Fatalf("%s: %d answers", r.Bidder, len(r.Answers))
		}
		got[r.Bidder] = r.SHA256
	}
	if got["Weald Ambulance Service NHS Trust"] != receipts["weald"].SHA256 || got["Estuary Urgent Care CIC"] != receipts["estuary"].SHA256 {
		t.Fatalf("opened responses do not match the receipts: %v %v", got, receipts)
	}
	if !strings.Contains(string(raw), "sealed-weald-1.1") || !strings.Contains(string(raw), "sealed-estuary-1.1") {
		t.Fatalf("the opened answers are not the bidders': %s", raw)
	}
	if strings.Contains(string(raw), "6000000001") || strings.Contains(string(raw), "sealed-northdowns") {
		t.Fatalf("the price envelope or an unsubmitted draft was opened: %s", raw)
	}
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &p)
	if p.State != "opened" {
		t.Fatalf("state after opening: %s", p.State)
	}
}

// TestLotsAPIDocumentsAndTemplates uploads a document as multipart, downloads it as an
// attachment, and lists the templates.
func TestLotsAPIDocumentsAndTemplates(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	lead := s.apiToken(t, "lead@medway-ccg.test")
	observer := s.apiToken(t, "observer@medway-ccg.test")
	id := lotsAPIDraft(t, s, lead, clock.Now())

	upload := func(kind, name string, content []byte) (*http.Response, []byte) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("kind", kind)
		f, _ := w.CreateFormFile("file", name)
		_, _ = f.Write(content)
		_ = w.Close()
		req, _ := http.NewRequest("POST", s.URL+"/api/v1/procurements/"+id+"/documents", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+lead)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp, raw
	}
	spec := []byte("Service specification: urgent treatment centres.\nOpen 12 hours a day, every day.\n")
	resp, raw := upload("specification", `spec "v1".txt`, spec)
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
	var doc struct {
		ID, Href    string
		ContentType string `json:"content_type"`
		SHA256      string `json:"sha256"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.ID == "" || !strings.HasPrefix(doc.ContentType, "text/plain") || len(doc.SHA256) != 64 {
		t.Fatalf("uploaded document: %s", raw)
	}
	if resp.Header.Get("Location") != doc.Href || doc.Href != "/api/v1/procurements/"+id+"/documents/"+doc.ID {
		t.Fatalf("Location %q, href %q", resp.Header.Get("Location"), doc.Href)
	}
	// A real specification is several megabytes: uploads may exceed the 1 MB limit of other
	// bodies, up to 20 MB, and no further.
	big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0123456789abcdef\n"), 3<<20/17)...)
	if resp, raw := upload("specification", "spec.pdf", big); resp.StatusCode != 201 {
		t.Fatalf("a 3 MB upload: %d %s", resp.StatusCode, raw)
	}
	// Refused on its headers, before 24 MB are read.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/procurements/%s/documents HTTP/1.1\r\nHost: golive\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n--x\r\n", id, lead, 24<<20)
	if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err != nil || resp.StatusCode != 413 {
		t.Fatalf("a 24 MB upload: %v %v, want 413", resp, err)
	}
	for _, c := range []struct{ kind, name, body string }{
		{"specification", "page.html", "<html><script>alert(1)</script></html>"},
		{"nonsense", "a.txt", "text"},
		{"specification", "empty.txt", ""},
	} {
		if resp, raw := upload(c.kind, c.name, []byte(c.body)); resp.StatusCode != 422 {
			t.Fatalf("upload %s: %d %s", c.name, resp.StatusCode, raw)
		}
	}
	// Sent as JSON rather than multipart: a problem, not a 500.
	lotsAPIWant(t, s, 422, "POST", "/procurements/"+id+"/documents", lead, `{"kind":"other"}`, nil)

	req, _ := http.NewRequest("GET", s.URL+doc.Href, nil)
	req.Header.Set("Authorization", "Bearer "+observer)
	dl, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != 200 || !bytes.Equal(body, spec) || !strings.HasPrefix(dl.Header.Get("Content-Type"), "text/plain") ||
		!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") || dl.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %v", dl.StatusCode, dl.Header)
	}
	// Not published: providers do not see it.
	bidder := s.apiToken(t, "bids@estuary-urgent-care.test")
	lotsAPIWant(t, s, 404, "GET", "/opportunities/"+id+"/documents/"+doc.ID, bidder, nil, nil)

	var tpl struct {
		Templates []struct {
			Key      string `json:"key"`
			Sections []struct {
				Questions []struct {
					WeightBP int `json:"weight_bp"`
				} `json:"questions"`
			} `json:"sections"`
		} `json:"templates"`
		ScoreDescriptors []string `json:"score_descriptors"`
	}
	lotsAPIWant(t, s, 200, "GET", "/templates", lead, nil, &tpl)
	if len(tpl.Templates) != len(lots.Templates) || len(tpl.ScoreDescriptors) != 5 {
		t.Fatalf("templates: %+v", tpl)
	}
	for _, tp := range tpl.Templates {
		total := 0
		for _, sec := range tp.Sections {
			for _, q := range sec.Questions {
				total += q.WeightBP
			}
		}
		if total != lots.FullWeight {
			t.Fatalf("template %s weights %d", tp.Key, total)
		}
	}
}

// lotsAPIDraft creates a draft procurement with one lot and returns its id.
func lotsAPIDraft(t *testing.T, s *server, lead string, now time.Time) string {
	t.Helper()
	medway := lotsAPIOrg(t, s, "NHS Medway CCG")
	day := 24 * time.Hour
	var p struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 201, "POST", "/procurements", lead, map[string]any{
		"title": "Medway NHS 111", "reference": fmt.Sprintf("MW-%d", now.UnixNano()), "regime": "pa2023", "procedure": "Open",
		"term_years": 5, "participants": []string{medway},
		"clarification_deadline": now.Add(10 * day), "submission_deadline": now.Add(20 * day), "evaluation_start": now.Add(21 * day),
		"award_date": now.Add(60 * day), "contract_start": now.Add(200 * day),
	}, &p)
	lotsAPIWant(t, s, 201, "POST", "/procurements/"+p.ID+"/lots", lead, map[string]any{"number": 1, "title": "NHS 111",
		"service_types": []string{"nhs111", "cas"}, "participants": []string{medway}}, nil)
	return p.ID
}

// TestLotsAPIBadInputIsAProblemNeverA500 sends every body-taking route what a careless or hostile
// client might; every answer is a 4xx problem document, and "{}" names the missing fields.
func TestLotsAPIBadInputIsAProblemNeverA500(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	lead := s.apiToken(t, "lead@medway-ccg.test")
	approver := s.apiToken(t, "approver@medway-ccg.test")
	bidder := s.apiToken(t, "bids@estuary-urgent-care.test")
	id := lotsAPIDraft(t, s, lead, clock.Now())
	var p lotsAPIProcurement
	lotsAPIWant(t, s, 200, "GET", "/procurements/"+id, lead, nil, &p)
	lot := p.Lots[0].ID
	base := "/procurements/" + id
	missing := "01a20000-0000-7000-8000-000000000000"

	junk := []string{
		``, `{`, `null`, `[]`, `[{"a":1},2,"x"]`, `"string"`, `42`, `{"title": 5}`, `{}{}`, `{"unknown": true}`,
		`{"term_years": 1e400}`, `{"term_years": 99999999999999999999999}`, `{"estimated_value_pence": -1}`,
		`{"submission_deadline": "next Tuesday"}`, `{"submission_deadline": "2026-13-45T25:61:00Z"}`,
		`{"participants": [1, null, {"x": []}]}`, `{"participants": "` + strings.Repeat("x", 5000) + `"}`,
		`{"title": "` + strings.Repeat("é", 300) + `"}`, `{"answers": [{"question_id": []}]}`, `{"prices": [{"year": -1, "pence": 1e30}]}`,
		`{"decision": "maybe", "meeting_date": 12}`, `{"reason": ["a"]}`, "\x00\x01\x02", `{"title": "\ud800"}`,
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
	}
	routes := []struct {
		method, path, token string
		field               string // a field "{}" must name
	}{
		{"POST", "/procurements", lead, "title"},
		{"PATCH", base, lead, "submission_deadline"},
		{"POST", base + "/lots", lead, "participants"},
		{"POST", base + "/lots/" + lot + "/sites", lead, "org_id"},
		{"POST", base + "/lots/" + lot + "/phases", lead, "go_live"},
		{"POST", base + "/lots/" + lot + "/questions", lead, "kind"},
		{"POST", base + "/lots/" + lot + "/template", lead, "template"},
		{"POST", base + "/cancel", lead, "reason"},
		{"POST", base + "/decision", approver, "meeting_date"},
		{"POST", base + "/clarifications/" + missing + "/answer", lead, "answer"},
		{"POST", base + "/addenda", lead, "body"},
	}
	for _, r := range routes {
		raw := lotsAPIWant(t, s, 422, r.method, r.path, r.token, `{}`, nil)
		pr := lotsAPIDecodeProblem(t, raw)
		found := false
		for _, e := range pr.Errors {
			found = found || (e.Field == r.field && e.Detail != "")
		}
		if !found {
			t.Errorf("%s %s with {}: no message for %s: %s", r.method, r.path, r.field, raw)
		}
		for _, body := range junk {
			var b any = body
			if body == "" {
				b = []byte{}
			}
			resp, raw := s.api(t, r.method, r.path, r.token, b, nil)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s %s with %.40q: %d %s", r.method, r.path, body, resp.StatusCode, raw)
			}
		}
	}
	// Nothing above changed the draft.
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &p)
	if p.State != "draft" || len(p.Lots) != 1 || len(p.Lots[0].Questions) != 0 {
		t.Fatalf("bad requests changed the draft: %+v", p)
	}

	// Ids that are not ids, unknown ids, a lot of another procurement: 404.
	other := lotsAPIDraft(t, s, lead, clock.Now().Add(time.Second))
	var op lotsAPIProcurement
	lotsAPIWant(t, s, 200, "GET", "/procurements/"+other, lead, nil, &op)
	for _, path := range []string{
		"/procurements/not-an-id", "/procurements/" + missing, "/procurements/%27%3B%20DROP%20TABLE%20lots%3B--",
		"/procurements/" + id + "/documents/" + missing, "/procurements/" + id + "/documents/x",
	} {
		lotsAPIWant(t, s, 404, "GET", path, lead, nil, nil)
	}
	for _, path := range []string{"/opportunities/" + id, "/opportunities/nope", "/opportunities/" + id + "/documents/" + missing} {
		lotsAPIWant(t, s, 404, "GET", path, bidder, nil, nil)
	}
	lotsAPIWant(t, s, 404, "POST", base+"/lots/"+op.Lots[0].ID+"/questions", lead, `{}`, nil)
	lotsAPIWant(t, s, 404, "POST", base+"/lots/not-a-lot/template", lead, `{"template":"utc"}`, nil)
	lotsAPIWant(t, s, 404, "GET", base+"/lots/"+op.Lots[0].ID+"/responses", lead, nil, nil)
	lotsAPIWant(t, s, 422, "POST", base+"/lots/"+lot+"/template", lead, `{"template":"no-such-template"}`, nil)
	// A bidder's routes on a draft: not found, whatever the body.
	lotsAPIWant(t, s, 404, "PUT", "/opportunities/"+id+"/lots/"+lot+"/response", bidder, `{}`, nil)
	lotsAPIWant(t, s, 404, "POST", "/opportunities/"+id+"/clarifications", bidder, `{"question":"?"}`, nil)
	lotsAPIWant(t, s, 404, "POST", "/opportunities/"+id+"/lots/"+lot+"/submit", bidder, nil, nil)
}

// TestLotsAPIAttachmentsAreTheBiddersUntilOpened: a bidder attaches, reads and removes its own
// files; another bidder and the commissioners are refused until the opening, and the opened
// response lists them for the lead.
func TestLotsAPIAttachmentsAreTheBiddersUntilOpened(t *testing.T) {
	s := startServer(t, nil)
	procs := matrixProcurements(t, s)
	pub, opened := procs["published"], procs["opened"]
	weald := s.apiToken(t, "bids@weald-ambulance.test")
	estuary := s.apiToken(t, "bids@estuary-urgent-care.test")
	lead := s.apiToken(t, "lead@medway-ccg.test")
	own := "/opportunities/" + pub.id + "/lots/" + pub.lot + "/attachments/"

	resp, raw := s.api(t, "GET", own+pub.attachment, weald, nil, nil)
	if resp.StatusCode != 200 || string(raw) != "Our CQC registration.\n" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("the bidder's own file: %d %q %v", resp.StatusCode, raw, resp.Header)
	}
	if resp, _ := s.api(t, "GET", own+pub.attachment, estuary, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("another bidder reading it: %d", resp.StatusCode)
	}
	// Refused as unregistered (409), or, once registered, as not its own (404).
	if resp, _ := s.api(t, "DELETE", own+pub.attachment, estuary, nil, nil); resp.StatusCode != 409 {
		t.Fatalf("another, unregistered bidder removing it: %d", resp.StatusCode)
	}
	if resp, _ := s.api(t, "POST", "/opportunities/"+pub.id+"/interest", estuary, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	if resp, _ := s.api(t, "DELETE", own+pub.attachment, estuary, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("another bidder removing it: %d", resp.StatusCode)
	}
	sealed := "/procurements/" + pub.id + "/lots/" + pub.lot + "/responses/attachments/" + pub.attachment
	if resp, _ := s.api(t, "GET", sealed, lead, nil, nil); resp.StatusCode != 403 {
		t.Fatalf("the lead reading it before opening: %d", resp.StatusCode)
	}

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	f, _ := w.CreateFormFile("file", "workforce plan.txt")
	_, _ = f.Write([]byte("Workforce plan: 40 WTE clinicians.\n"))
	_ = w.Close()
	req, _ := http.NewRequest("POST", s.URL+"/api/v1"+own, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+weald)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var att struct{ ID, Name, SHA256, Href string }
	_ = json.NewDecoder(r.Body).Decode(&att)
	r.Body.Close()
	if r.StatusCode != 201 || att.Name != "workforce plan.txt" || len(att.SHA256) != 64 || r.Header.Get("Location") != "/api/v1"+own+att.ID {
		t.Fatalf("attach: %d %+v %s", r.StatusCode, att, r.Header.Get("Location"))
	}
	if resp, raw := s.api(t, "DELETE", own+att.ID, weald, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("remove: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := s.api(t, "DELETE", own+att.ID, weald, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("removing twice: %d", resp.StatusCode)
	}
	if resp, _ := s.api(t, "POST", own, weald, "{}", nil); resp.StatusCode != 422 {
		t.Fatalf("attaching JSON: %d", resp.StatusCode)
	}

	var list struct {
		Responses []struct {
			Attachments []struct{ ID, Name, Href string } `json:"attachments"`
		} `json:"responses"`
	}
	if resp, raw := s.api(t, "GET", "/procurements/"+opened.id+"/lots/"+opened.lot+"/responses", lead, nil, &list); resp.StatusCode != 200 ||
		len(list.Responses) != 1 || len(list.Responses[0].Attachments) != 2 {
		t.Fatalf("opened responses: %d %s", resp.StatusCode, raw)
	}
	for _, a := range list.Responses[0].Attachments {
		if resp, raw := s.api(t, "GET", strings.TrimPrefix(a.Href, "/api/v1"), lead, nil, nil); resp.StatusCode != 200 || len(raw) == 0 {
			t.Fatalf("opened attachment %s: %d", a.Name, resp.StatusCode)
		}
	}
}
