package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"golive/database"
	"golive/tenants"
)

// The input sweep: every operation in the OpenAPI document, and every form the matrix lists,
// is sent bodies no client should send — the wrong JSON types, empty and huge values, NUL and
// invalid UTF-8, malformed JSON and multipart — with good and bad path ids, by a caller allowed
// to reach it. Nothing may answer 5xx; the API answers problem documents with a request id;
// the server stays healthy. It runs on SQLite and on PostgreSQL (the second pass of make test),
// where text cannot hold NUL, so a NUL that reached the database would show up as a 500.
func TestNoInputGivesAServerError(t *testing.T) {
	s := startServer(t, nil)
	fx := newMatrixFixtures(t, s)
	raw, err := buildOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	sw := &sweeper{t: t, s: s, doc: doc, tokens: map[string]string{}, browsers: map[string]*browser{}}

	ops := 0
	datesShown := map[string]bool{}
	for _, sp := range specs() {
		if sp.public || sp.path == "/sign-out" || strings.HasSuffix(sp.path, "/revoke") {
			continue // public routes are swept below; revocations would end the sweep's own sign-ins
		}
		c, ok := allowedCaller(sp)
		if !ok {
			continue
		}
		path := fx.path(sp)
		if strings.HasPrefix(sp.path, "/api/") {
			op, ok := doc.operation(sp.method, sp.path)
			if !ok {
				t.Errorf("%s %s is served but not in the OpenAPI document", sp.method, sp.path)
				continue
			}
			ops++
			sw.api(c, sp, path, op)
			continue
		}
		if sp.method == "POST" {
			sw.form(c, path)
			sw.dates(c, sp, path, datesShown)
		}
		if sp.method == "GET" && sp.path == "/admin/audit" {
			sw.auditDates(c, datesShown)
		}
		sw.badIDs(c, sp, func(p string) { sw.page(c, sp.method, p) })
	}
	if ops < 90 {
		t.Errorf("swept %d API operations; the document lists more than 90", ops)
	}
	sw.public()
	sw.transport()
	// The sweep reached these date inputs with the form shown again; the others (the contract's
	// start date, the court proceedings' days, a milestone's due date) belong to forms the
	// sweep's objects no longer offer by then, and are tested with their pages.
	for _, want := range dateInputsShown {
		if !datesShown[want] {
			t.Errorf("the date sweep did not see the %s date input shown again", want)
		}
	}
	t.Logf("date inputs shown again: %v", slices.Sorted(maps.Keys(datesShown)))

	// Still healthy, and still answering a signed-in caller.
	resp, err := http.Get(s.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the sweep /healthz answered %v %v", resp, err)
	}
	resp.Body.Close()
	if resp, body := s.api(t, "GET", "/me", sw.token(callers[3]), nil, nil); resp.StatusCode != 200 {
		t.Fatalf("after the sweep /me answered %d %s", resp.StatusCode, body)
	}
	t.Logf("sent %d requests; %d API operations", sw.sent, ops)
}

// allowedCaller is the first caller the matrix lets through a route: the right role, in the
// organisation that owns the route's object.
func allowedCaller(sp routeSpec) (caller, bool) {
	for _, c := range callers {
		if c.email == "" || !slices.Contains(sp.roles, c.role) {
			continue
		}
		switch {
		case strings.HasPrefix(sp.path, "/api/") && !slices.Contains(apiUsers, c.role):
			continue // a role without the API has no token to call it with
		case sp.owner == "lead" && c.email != "lead@medway-ccg.test":
			continue
		case sp.owner != "" && sp.owner != "lead" && !slices.Contains(strings.Split(sp.owner, "+"), c.org):
			continue
		}
		return c, true
	}
	return caller{}, false
}

type sweeper struct {
	t        *testing.T
	s        *server
	doc      openAPIDoc
	tokens   map[string]string
	browsers map[string]*browser
	sent     int
}

func (sw *sweeper) token(c caller) string {
	if tok, ok := sw.tokens[c.email]; ok {
		return tok
	}
	a := signInActor(sw.t, sw.s, c.email)
	tok, _, err := sw.s.App.Tenants.CreateToken(database.WithTenant(sw.t.Context(), a.OrgID), a, tenants.TokenInput{Name: "sweep"})
	if err != nil {
		sw.t.Fatal(err)
	}
	sw.tokens[c.email] = tok
	return tok
}

func (sw *sweeper) browser(c caller) *browser {
	if b, ok := sw.browsers[c.email]; ok {
		return b
	}
	b := sw.s.browser(sw.t)
	b.signIn(c.email)
	sw.browsers[c.email] = b
	return b
}

// send makes one request and checks the answer: never 5xx, and on the API a problem document
// with a request id whenever it is an error.
func (sw *sweeper) send(what string, req *http.Request, api bool) {
	sw.t.Helper()
	sw.sent++
	client := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		sw.t.Errorf("%s: %v", what, err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		sw.t.Errorf("%s: %d %s", what, resp.StatusCode, trimBody(body))
		return
	}
	if !api || resp.StatusCode < 400 {
		return
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		sw.t.Errorf("%s: %d answered %q, not a problem document: %s", what, resp.StatusCode, ct, trimBody(body))
		return
	}
	var p struct {
		Status    int    `json:"status"`
		Detail    string `json:"detail"`
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Status != resp.StatusCode || p.RequestID == "" || strings.Contains(p.RequestID, "nil") {
		sw.t.Errorf("%s: %d problem document without its status or request id: %s", what, resp.StatusCode, trimBody(body))
	}
	if strings.Contains(p.Detail, "a JSON an") {
		sw.t.Errorf("%s: garbled message %q", what, p.Detail)
	}
}

func trimBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// api sweeps one operation: bodies built from its request schema, then bad path ids.
func (sw *sweeper) api(c caller, sp routeSpec, path string, op openAPIOp) {
	tok := sw.token(c)
	call := func(p, contentType string, body []byte, label string) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, _ := http.NewRequest(sp.method, sw.s.URL+p, rd)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		sw.send(fmt.Sprintf("%s %s as %s, %s", sp.method, p, c.key, label), req, true)
	}
	if sp.method == "GET" || sp.method == "DELETE" {
		call(path, "", nil, "no body")
		sw.badIDs(c, sp, func(p string) { call(p, "", nil, "bad id") })
		return
	}
	schema, multipartBody := sw.doc.requestSchema(op)
	if multipartBody {
		for label, b := range multipartBodies() {
			call(path, b.contentType, b.body, label)
		}
	}
	for label, body := range jsonBodies(sw.doc, schema) {
		call(path, "application/json", body, label)
	}
	call(path, "text/plain", []byte("x"), "text/plain body")
	sw.badIDs(c, sp, func(p string) { call(p, "application/json", []byte("{}"), "bad id") })
}

var routeParam = regexp.MustCompile(`:[a-z]+`)

// badIDs calls the route with each path parameter replaced by ids that name nothing.
func (sw *sweeper) badIDs(c caller, sp routeSpec, call func(path string)) {
	for _, bad := range []string{"x", "00000000-0000-0000-0000-000000000000", "%00", "%FF%FE", "..%2F..%2Fetc", strings.Repeat("9", 2000), "'%20OR%201=1--"} {
		p := routeParam.ReplaceAllString(sp.path, bad)
		if p != sp.path {
			call(p)
		}
	}
}

// page sends a request to a page route (a GET, or a POST with an empty form).
func (sw *sweeper) page(c caller, method, path string) {
	b := sw.browser(c)
	var req *http.Request
	if method == "GET" {
		req, _ = http.NewRequest("GET", sw.s.URL+path, nil)
	} else {
		req, _ = http.NewRequest(method, sw.s.URL+path, strings.NewReader("csrf="+url.QueryEscape(b.csrf)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	sw.sendWith(b, fmt.Sprintf("%s %s as %s", method, path, c.key), req)
}

func (sw *sweeper) sendWith(b *browser, what string, req *http.Request) {
	sw.t.Helper()
	for _, ck := range b.c.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	sw.send(what, req, false)
}

// formFields are the names every form of golive uses (collected once from the templates'
// name="…" attributes would be nicer, but the pages need objects to render; these cover them),
// then the parts of every date input (dateFields).
var formFields = append([]string{"title", "reference", "regime", "procedure", "term_years", "term_months", "estimated_value",
	"participants", "number", "service_types", "name", "service", "text", "question",
	"answer", "reason", "decision", "minute", "score", "rationale", "passed", "bidder", "user_id", "questions", "email",
	"roles", "active", "password", "confirm", "note", "status", "owner", "workstream", "critical",
	"depends_on", "summary", "formula", "claimant", "court", "claim_reference", "how",
	"contract_reference", "word_limit", "weight", "min_score", "scale", "panel", "kind", "section", "prices",
	"year", "pence", "value", "offsets", "escalate_after_days", "weekly_digest", "milestone", "phase", "acknowledge",
	"acknowledge_open_critical", "acknowledgement"}, dateInputNames(dateFields...)...)

// dateFields are the NHS.UK date inputs of golive's page forms. Each is sent as its parts
// (name-day, name-month, name-year and name-time), as the browser sends them; the API keeps its
// RFC 3339 fields and is swept from the OpenAPI document.
var dateFields = []string{"clarification_deadline", "submission_deadline", "evaluation_start", "award_date", "contract_start",
	"go_live", "meeting_date", "new_submission_deadline", "effective_date", "start_date", "notified_on", "ended_on", "due_on"}

// dateInputNames are the names of the inputs of the date inputs given.
func dateInputNames(fields ...string) []string {
	var out []string
	for _, f := range fields {
		for _, part := range []string{"day", "month", "year", "time"} {
			out = append(out, f+"-"+part)
		}
	}
	return out
}

// form posts variants of a form with every known field set to the same hostile value.
func (sw *sweeper) form(c caller, path string) {
	b := sw.browser(c)
	values := map[string]string{
		"empty":        "",
		"NUL":          "a\x00b",
		"100k":         strings.Repeat("x", 100_000),
		"negative":     "-1",
		"huge number":  "99999999999999999999",
		"not a date":   "32/13/0000",
		"script":       `<script>alert(1)</script>`,
		"invalid utf8": "\xff\xfe",
	}
	for label, v := range values {
		form := url.Values{"csrf": {b.csrf}}
		for i, f := range formFields {
			if label == "100k" && i >= 8 {
				break // eight 100k fields stay under the 1 MB body limit, which would cut the rest off
			}
			form[f] = []string{v}
		}
		req, _ := http.NewRequest("POST", sw.s.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sw.sendWith(b, fmt.Sprintf("POST %s as %s, every field %s", path, c.key, label), req)
	}
	// A form body that is not a form at all, and a malformed multipart one.
	for label, mb := range multipartBodies() {
		req, _ := http.NewRequest("POST", sw.s.URL+path+"?csrf="+url.QueryEscape(b.csrf), bytes.NewReader(mb.body))
		req.Header.Set("Content-Type", mb.contentType)
		req.Header.Set("X-CSRF-Token", b.csrf)
		sw.sendWith(b, fmt.Sprintf("POST %s as %s, %s", path, c.key, label), req)
	}
}

// public sweeps the signed-out forms.
func (sw *sweeper) public() {
	for _, path := range []string{"/sign-in", "/forgot-password", "/reset-password/not-a-token", "/invitations/not-a-token"} {
		b := sw.s.browser(sw.t)
		b.get("/sign-in")
		for _, v := range []string{"", "a\x00b", strings.Repeat("x", 100_000), "\xff\xfe"} {
			form := url.Values{"csrf": {b.csrf}, "email": {v}, "password": {v}, "confirm": {v}, "name": {v}}
			req, _ := http.NewRequest("POST", sw.s.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			sw.sendWith(b, "POST "+path+" signed out", req)
		}
	}
}

// transport sends what breaks HTTP itself rather than a handler: oversized headers and URLs.
func (sw *sweeper) transport() {
	tok := sw.token(callers[3])
	for _, api := range []bool{true, false} {
		base := sw.s.URL + "/procurements"
		if api {
			base = sw.s.URL + "/api/v1/procurements"
		}
		req, _ := http.NewRequest("GET", base+"?q="+strings.Repeat("a", 20_000), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		sw.sendHuge(fmt.Sprintf("a 20 KB URL (api %v)", api), req, api)
		req, _ = http.NewRequest("GET", base, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("X-Padding", strings.Repeat("b", 20_000))
		sw.sendHuge(fmt.Sprintf("a 20 KB header (api %v)", api), req, api)
	}
}

// sendHuge expects 431 (or 414) as a problem document for the API.
func (sw *sweeper) sendHuge(what string, req *http.Request, api bool) {
	sw.t.Helper()
	sw.sent++
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		sw.t.Errorf("%s: %v", what, err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 431 && resp.StatusCode != 414 {
		sw.t.Errorf("%s: %d %s, want 431", what, resp.StatusCode, trimBody(body))
	}
	if ct := resp.Header.Get("Content-Type"); api && !strings.HasPrefix(ct, "application/problem+json") {
		sw.t.Errorf("%s: answered %q, not a problem document", what, ct)
	}
}

type rawBody struct {
	contentType string
	body        []byte
}

func multipartBodies() map[string]rawBody {
	var good bytes.Buffer
	mw := multipart.NewWriter(&good)
	fw, _ := mw.CreateFormFile("file", "a\x00b.pdf")
	fw.Write([]byte("%PDF-1.4 sweep"))
	mw.WriteField("name", "a\x00b")
	mw.Close()
	return map[string]rawBody{
		"multipart with NUL names":   {mw.FormDataContentType(), good.Bytes()},
		"malformed multipart":        {"multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end")},
		"multipart without boundary": {"multipart/form-data", []byte("nothing")},
	}
}

// jsonBodies are the bodies sent to one operation: whole-body shapes, then a plausible body
// with one property at a time made hostile, so that each hostile value reaches as far as the
// other fields let it.
func jsonBodies(doc openAPIDoc, schema map[string]any) map[string][]byte {
	out := map[string][]byte{
		"no body":            nil,
		"{}":                 []byte(`{}`),
		"[]":                 []byte(`[]`),
		`"x"`:                []byte(`"x"`),
		"null":               []byte(`null`),
		"a number":           []byte(`12`),
		"malformed JSON":     []byte(`{"title": "x",`),
		"two objects":        []byte(`{}{}`),
		"deeply nested":      []byte(strings.Repeat("[", 5000) + strings.Repeat("]", 5000)),
		"invalid UTF-8 keys": []byte("{\"\xff\": 1}"),
	}
	props := doc.properties(schema)
	if len(props) == 0 {
		return out
	}
	base := map[string]any{}
	names := make([]string, 0, len(props))
	for name, ps := range props {
		base[name] = doc.plausible(ps, name, 0)
		names = append(names, name)
	}
	sort.Strings(names)
	out["plausible"] = mustJSON(base)
	for _, name := range names {
		for label, v := range hostileValues(doc.typeOf(props[name])) {
			body := map[string]any{}
			for k, bv := range base {
				body[k] = bv
			}
			body[name] = v
			b := mustJSON(body)
			if label == "invalid UTF-8" {
				b = bytes.Replace(b, []byte("INVALIDUTF8"), []byte("\xff\xfe"), 1)
			}
			out[name+" "+label] = b
		}
	}
	return out
}

func hostileValues(typ string) map[string]any {
	v := map[string]any{
		"NUL":           "a\u0000b",
		"invalid UTF-8": "INVALIDUTF8",
		"100k":          strings.Repeat("x", 100_000),
		"null":          nil,
		"huge number":   json.Number("99999999999999999999999"),
		"negative":      -1,
		"float":         1.5,
		"object":        map[string]any{"a": 1},
		"array":         []any{"a\u0000", 1, nil},
	}
	if typ == "string" {
		v["wrong type"] = 12
	} else {
		v["wrong type"] = "twelve"
	}
	return v
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// openAPIDoc is the part of the served OpenAPI document the sweep reads.
type openAPIDoc struct {
	Paths      map[string]map[string]openAPIOp `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

type openAPIOp struct {
	RequestBody struct {
		Content map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
}

// operation finds a route of the app (":id") in the document ("{id}").
func (d openAPIDoc) operation(method, path string) (openAPIOp, bool) {
	p := routeParam.ReplaceAllStringFunc(strings.TrimPrefix(path, "/api/v1"), func(s string) string { return "{" + s[1:] + "}" })
	op, ok := d.Paths[p][strings.ToLower(method)]
	return op, ok
}

func (d openAPIDoc) requestSchema(op openAPIOp) (schema map[string]any, multipart bool) {
	for ct, c := range op.RequestBody.Content {
		if strings.HasPrefix(ct, "multipart/") {
			multipart = true
		}
		if ct == "application/json" {
			schema = d.resolve(c.Schema)
		}
	}
	return schema, multipart
}

func (d openAPIDoc) resolve(s map[string]any) map[string]any {
	for i := 0; i < 10; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		s = d.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	}
	return s
}

func (d openAPIDoc) properties(s map[string]any) map[string]map[string]any {
	s = d.resolve(s)
	out := map[string]map[string]any{}
	props, _ := s["properties"].(map[string]any)
	for k, v := range props {
		if m, ok := v.(map[string]any); ok {
			out[k] = d.resolve(m)
		}
	}
	return out
}

func (d openAPIDoc) typeOf(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if xs, ok := x.(string); ok && xs != "null" {
				return xs
			}
		}
	}
	return "object"
}

// plausible is a value of the schema's type that a real client might send.
func (d openAPIDoc) plausible(s map[string]any, name string, depth int) any {
	s = d.resolve(s)
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	switch d.typeOf(s) {
	case "string":
		switch s["format"] {
		case "date-time":
			return time.Now().AddDate(0, 1, 0).UTC().Format(time.RFC3339)
		case "date":
			return time.Now().AddDate(0, 1, 0).UTC().Format(time.DateOnly)
		case "uuid":
			return "00000000-0000-7000-8000-000000000000"
		case "email":
			return "sweep@example.test"
		}
		return "Sweep " + name
	case "integer", "number":
		if m, ok := s["minimum"].(float64); ok && m > 1 {
			return m
		}
		return 1
	case "boolean":
		return true
	case "array":
		if depth > 3 {
			return []any{}
		}
		items, _ := s["items"].(map[string]any)
		return []any{d.plausible(items, name, depth+1)}
	}
	if depth > 3 {
		return map[string]any{}
	}
	obj := map[string]any{}
	for k, ps := range d.properties(s) {
		obj[k] = d.plausible(ps, k, depth+1)
	}
	return obj
}

// dateForms are the page forms with a date input, by route, and the date inputs each reads.
var dateForms = map[string][]string{
	"/procurements/new":                                        {"clarification_deadline", "submission_deadline", "evaluation_start", "award_date", "contract_start"},
	"/procurements/:id/edit":                                   {"clarification_deadline", "submission_deadline", "evaluation_start", "award_date", "contract_start"},
	"/procurements/:id/lots/:lot/phases":                       {"go_live"},
	"/procurements/:id/decision":                               {"meeting_date"},
	"/procurements/:id/addenda":                                {"new_submission_deadline"},
	"/platform/successions":                                    {"effective_date"},
	"/evaluations/lots/:lot/contract":                          {"start_date"},
	"/evaluations/lots/:lot/award/proceedings":                 {"notified_on"},
	"/evaluations/lots/:lot/award/proceedings/:proceeding/end": {"ended_on"},
	"/mobilisation/plans/:plan/milestones/:ms":                 {"due_on"},
}

// dateInputsShown are the date inputs (route and name) the sweep must see shown again.
var dateInputsShown = []string{"/admin/audit from", "/admin/audit to", "/platform/successions effective_date",
	"/procurements/:id/addenda new_submission_deadline", "/procurements/:id/decision meeting_date",
	"/procurements/:id/lots/:lot/phases go_live", "/procurements/new clarification_deadline", "/procurements/new submission_deadline",
	"/procurements/new evaluation_start", "/procurements/new award_date", "/procurements/new contract_start",
	"/procurements/:id/edit clarification_deadline", "/procurements/:id/edit submission_deadline",
	"/procurements/:id/edit evaluation_start", "/procurements/:id/edit award_date", "/procurements/:id/edit contract_start"}

// dateTyped is one thing typed into a date input's parts; kept says the page must show it
// again as typed (text no database can hold is refused, not shown back).
type dateTyped struct {
	day, month, year, time string
	kept                   bool
}

var datesTyped = map[string]dateTyped{
	"empty":                {},
	"not a date":           {"32/13/0000", "32/13/0000", "32/13/0000", "32/13/0000", true},
	"negative":             {"-1", "-1", "-1", "-1", true},
	"huge number":          {"99999999999999999999", "99999999999999999999", "99999999999999999999", "99999999999999999999", true},
	"script":               {`<script>alert(1)</script>`, `"><b>`, `'`, `&amp;`, true},
	"10k":                  {strings.Repeat("9", 10_000), strings.Repeat("1", 10_000), strings.Repeat("2", 10_000), strings.Repeat("3", 10_000), true},
	"Arabic digits":        {"٣", "٤", "٢٠٢٧", "١٢:٠٠", true},
	"no month":             {"1", "", "2027", "09:00", true},
	"31 February at 25:00": {"31", "2", "2027", "25:00", true},
	"NUL":                  {"1\x00", "2", "2027", "09:00", false},
	"invalid utf8":         {"1", "\xff\xfe", "2027", "09:00", false},
}

// dates posts the date inputs of a date form (sp.path in dateForms), and nothing else, with
// each of datesTyped in turn. Nothing may answer 5xx; where the answer shows the form again,
// each date input must show an error beside it, the error summary must link to one of its
// boxes, and what was typed must be shown again. shown records the inputs seen so.
func (sw *sweeper) dates(c caller, sp routeSpec, path string, shown map[string]bool) {
	fields, ok := dateForms[sp.path]
	if !ok {
		return
	}
	b := sw.browser(c)
	for label, typed := range datesTyped {
		form := url.Values{"csrf": {b.csrf}}
		for _, f := range fields {
			form.Set(f+"-day", typed.day)
			form.Set(f+"-month", typed.month)
			form.Set(f+"-year", typed.year)
			form.Set(f+"-time", typed.time)
		}
		what := fmt.Sprintf("POST %s as %s, dates %s", path, c.key, label)
		req, _ := http.NewRequest("POST", sw.s.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		body, status := sw.sendForBody(b, what, req)
		if status >= 500 || status == 0 {
			continue // reported by sendForBody
		}
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			sw.t.Errorf("%s: the page does not parse: %v", what, err)
			continue
		}
		for i, f := range fields {
			group := dateGroup(doc, f)
			if group == nil {
				continue // the answer is not the form (a redirect, or a page without it)
			}
			if i == 0 {
				checkSummaryLands(sw.t, what, doc)
			}
			shown[sp.path+" "+f] = true
			if label == "empty" {
				continue // a date may be optional
			}
			checkDateBeside(sw.t, what, doc, group, f, typed)
		}
	}
}

// auditDates sends the audit log's date filter (a GET form) each of datesTyped.
func (sw *sweeper) auditDates(c caller, shown map[string]bool) {
	b := sw.browser(c)
	for label, typed := range datesTyped {
		q := url.Values{}
		for _, f := range []string{"from", "to"} {
			q.Set(f+"-day", typed.day)
			q.Set(f+"-month", typed.month)
			q.Set(f+"-year", typed.year)
		}
		what := fmt.Sprintf("GET /admin/audit as %s, dates %s", c.key, label)
		req, _ := http.NewRequest("GET", sw.s.URL+"/admin/audit?"+q.Encode(), nil)
		body, status := sw.sendForBody(b, what, req)
		if status != 200 && status != 422 {
			continue // 431 for the 10k parts, which make a URL too long; a 5xx is reported by sendForBody
		}
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			sw.t.Errorf("%s: the page does not parse: %v", what, err)
			continue
		}
		checkSummaryLands(sw.t, what, doc)
		for _, f := range []string{"from", "to"} {
			group := dateGroup(doc, f)
			if group == nil {
				sw.t.Errorf("%s: the audit log does not show its %q date input", what, f)
				continue
			}
			shown["/admin/audit "+f] = true
			if label == "empty" {
				continue
			}
			typed.time = ""
			checkDateBeside(sw.t, what, doc, group, f, typed)
		}
	}
}

// sendForBody is send for a page whose answer the caller reads: its body and status (0 when
// the request failed).
func (sw *sweeper) sendForBody(b *browser, what string, req *http.Request) (string, int) {
	sw.t.Helper()
	sw.sent++
	for _, ck := range b.c.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	client := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		sw.t.Errorf("%s: %v", what, err)
		return "", 0
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		sw.t.Errorf("%s: %d %s", what, resp.StatusCode, trimBody(raw))
	}
	return string(raw), resp.StatusCode
}

// dateGroup is the form group (div.nhsuk-form-group) of the date input name: the nearest one
// holding its fieldset, or nil when the page has no input name-day.
func dateGroup(doc *html.Node, name string) *html.Node {
	day := findNode(doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == name+"-day" })
	if day == nil {
		return nil
	}
	for n := day.Parent; n != nil; n = n.Parent {
		if n.Data == "fieldset" {
			for g := n.Parent; g != nil; g = g.Parent {
				if g.Data == "div" && hasClass(g, "nhsuk-form-group") {
					return g
				}
			}
		}
	}
	return nil
}

// checkDateBeside asserts the date input name, in group, shows an error beside it that the
// error summary links to, and, when typed.kept, shows again what was typed.
func checkDateBeside(t *testing.T, what string, doc, group *html.Node, name string, typed dateTyped) {
	t.Helper()
	if !hasClass(group, "nhsuk-form-group--error") {
		t.Errorf("%s: the %s date input is not shown in error", what, name)
		return
	}
	msg := findNode(group, func(n *html.Node) bool { return n.Data == "span" && hasClass(n, "nhsuk-error-message") })
	if msg == nil || strings.TrimSpace(strings.TrimPrefix(nodeText(msg), "Error:")) == "" {
		t.Errorf("%s: no message beside the %s date input", what, name)
		return
	}
	ids := map[string]bool{}
	values := map[string]string{}
	for _, part := range []string{"day", "month", "year", "time"} {
		in := findNode(group, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == name+"-"+part })
		if in == nil {
			continue
		}
		ids[attr(in, "id")] = true
		values[part] = attr(in, "value")
	}
	linked := false
	for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "#") }) {
		if ids[strings.TrimPrefix(attr(a, "href"), "#")] && findUp(a, func(n *html.Node) bool { return hasClass(n, "nhsuk-error-summary") }) {
			linked = true
		}
	}
	if !linked {
		t.Errorf("%s: the error summary does not link to a box of the %s date input (%v)", what, name, ids)
	}
	if !typed.kept {
		return
	}
	want := map[string]string{"day": typed.day, "month": typed.month, "year": typed.year, "time": typed.time}
	for part, got := range values {
		if got != want[part] {
			t.Errorf("%s: the %s %s box shows %.40q, not what was typed, %.40q", what, name, part, got, want[part])
		}
	}
}

// checkSummaryLands asserts every link of the page's error summary lands on something on it.
func checkSummaryLands(t *testing.T, what string, doc *html.Node) {
	t.Helper()
	for _, a := range findAll(doc, func(n *html.Node) bool {
		return n.Data == "a" && findUp(n, func(p *html.Node) bool { return hasClass(p, "nhsuk-error-summary") })
	}) {
		id := strings.TrimPrefix(attr(a, "href"), "#")
		if findNode(doc, func(n *html.Node) bool { return attr(n, "id") == id }) == nil {
			t.Errorf("%s: the error summary links to #%s, which is not on the page (%q)", what, id, nodeText(a))
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && slices.Contains(strings.Fields(attr(n, "class")), class)
}

func findNode(n *html.Node, match func(*html.Node) bool) *html.Node {
	if all := findAll(n, match); len(all) > 0 {
		return all[0]
	}
	return nil
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func findUp(n *html.Node, match func(*html.Node) bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && match(p) {
			return true
		}
	}
	return false
}

func nodeText(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(sb.String()), " ")
}
