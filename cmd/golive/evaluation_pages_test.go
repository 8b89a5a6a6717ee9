package main

import (
	"context"
	"html"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golive/database"
	"golive/evaluation"
	"golive/frontend"
)

// The moderation, results and award pages (evaluation/pages_results.go, evaluation/award/pages.go) over HTTP, as the people
// who use them would post their forms. The lot gets to moderation through the API; from there
// everything is a page.

// awardPagesMarks are the fixed set the ranking is worked out from: each bidder's consensus
// (scores of 1.1 and 1.2 out of 4, pass or fail of 1.3) and its price for each of two years.
var awardPagesMarks = map[string]struct {
	q11, q12 int
	pass     bool
	years    [2]int64
}{
	"Estuary Urgent Care CIC":           {4, 3, true, [2]int64{115_000_00, 115_000_00}},
	"Weald Ambulance Service NHS Trust": {3, 3, true, [2]int64{100_000_00, 110_000_00}},
	"North Downs GP Federation":         {3, 4, false, [2]int64{100_000_00, 100_000_00}},
}

var awardPagesBidders = map[string]string{
	"Estuary Urgent Care CIC":           "bids@estuary-urgent-care.test",
	"Weald Ambulance Service NHS Trust": "bids@weald-ambulance.test",
	"North Downs GP Federation":         "bids@north-downs-gp.test",
}

// awardPagesLot runs a lot through the API to the point where both evaluators have scored every
// question and the clinical one has submitted: Medway leads, Swale takes part; 1.1 is weighted
// 40 % (minimum 2 of 4), 1.2 30 %, 1.3 is pass or fail and the price 30 %. The finance evaluator
// marks Estuary's 1.1 three points below the clinical one: a wide spread.
func awardPagesLot(t *testing.T, s *server, clock *lotsAPIClock) (lot string, q map[string]string, org map[string]string) {
	t.Helper()
	return awardPagesLotIn(t, s, clock, "psr2024")
}

// awardPagesLotIn is awardPagesLot under a regime: "psr2024" or "pcr2015".
func awardPagesLotIn(t *testing.T, s *server, clock *lotsAPIClock, regime string) (lot string, q map[string]string, org map[string]string) {
	t.Helper()
	ref, procedure := "MS-AWARD-PAGES", "PSR competitive process"
	if regime != "psr2024" {
		ref, procedure = "MS-AWARD-PAGES-"+strings.ToUpper(regime), "Open procedure"
	}
	now, day := clock.Now(), 24*time.Hour
	lead, admin := s.apiToken(t, "lead@medway-ccg.test"), s.apiToken(t, "admin@medway-ccg.test")
	medway, swale := lotsAPIOrg(t, s, "NHS Medway CCG"), lotsAPIOrg(t, s, "NHS Swale CCG")
	var p lotsAPIProcurement
	if regime == "pcr2015" {
		// The PCR 2015 govern only what began before 24 February 2025: created then, and the
		// clock put back straight after.
		clock.Set(time.Date(2025, 2, 20, 9, 0, 0, 0, time.UTC))
	}
	lotsAPIWant(t, s, 201, "POST", "/procurements", lead, map[string]any{
		"title": "Medway and Swale UTC award pages", "reference": ref, "regime": regime, "procedure": procedure,
		"term_years": 2, "estimated_value_pence": 50_000_000_00, "participants": []string{medway, swale},
		"clarification_deadline": now.Add(10 * day), "submission_deadline": now.Add(20 * day), "evaluation_start": now.Add(21 * day),
		"award_date": now.Add(60 * day), "contract_start": now.Add(200 * day),
	}, &p)
	clock.Set(now)
	base := "/procurements/" + p.ID
	var l struct {
		ID string `json:"id"`
	}
	lotsAPIWant(t, s, 201, "POST", base+"/lots", lead, map[string]any{"number": 1, "title": "UTC", "service_types": []string{"utc"},
		"participants": []string{medway, swale}}, &l)
	for _, qq := range []map[string]any{
		{"section": "Service delivery", "number": "1.1", "text": "Describe your workforce model", "kind": "scored", "weight_bp": 4000, "max_score": 4, "min_score": 2, "panel": "clinical"},
		{"section": "Patient experience", "number": "1.2", "text": "How will patients experience the service?", "kind": "scored", "weight_bp": 3000, "max_score": 4, "panel": "patient"},
		{"section": "Service delivery", "number": "1.3", "text": "Confirm CQC registration", "kind": "pass_fail", "panel": "clinical"},
		{"section": "Price", "number": "2.1", "text": "Price schedule", "kind": "price", "weight_bp": 3000, "panel": "finance"},
	} {
		lotsAPIWant(t, s, 201, "POST", base+"/lots/"+l.ID+"/questions", lead, qq, nil)
	}
	lotsAPIWant(t, s, 204, "POST", base+"/submit-for-approval", lead, nil, nil)
	decision := map[string]any{"decision": "approve", "meeting_date": now.Add(-day), "minute_ref": "GB/2026/51", "part2": true}
	lotsAPIWant(t, s, 204, "POST", base+"/decision", s.apiToken(t, "approver@medway-ccg.test"), decision, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/decision", s.apiToken(t, "approver@swale-ccg.test"), decision, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/publish", lead, map[string]any{"confirm_short_tender_period": true}, nil)
	lotsAPIWant(t, s, 200, "GET", base, lead, nil, &p)
	q = map[string]string{}
	for _, qq := range p.Lots[0].Questions {
		q[qq.Number] = qq.ID
	}
	org = map[string]string{}
	for name, email := range awardPagesBidders {
		org[name] = lotsAPIOrg(t, s, name)
		tok := s.apiToken(t, email)
		m := awardPagesMarks[name]
		opp := "/opportunities/" + p.ID
		lotsAPIWant(t, s, 204, "POST", opp+"/interest", tok, nil, nil)
		lotsAPIWant(t, s, 200, "PUT", opp+"/lots/"+l.ID+"/response", tok, map[string]any{
			"answers": []map[string]string{{"question_id": q["1.1"], "text": "Our workforce model."}, {"question_id": q["1.2"], "text": "Patients first."},
				{"question_id": q["1.3"], "text": "Registered."}},
			"prices": []map[string]any{{"year": 1, "pence": m.years[0]}, {"year": 2, "pence": m.years[1]}}}, nil)
		lotsAPIWant(t, s, 200, "POST", opp+"/lots/"+l.ID+"/submit", tok, nil, nil)
	}
	clock.Add(20*day + time.Hour)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/start", lead, nil, nil)
	lotsAPIWant(t, s, 204, "POST", base+"/opening/confirm", admin, nil, nil)
	clock.Add(time.Hour)

	ev := "/evaluations/lots/" + l.ID
	all := []string{q["1.1"], q["1.2"], q["1.3"]}
	for _, email := range []string{"evaluator@medway-ccg.test", "finance@medway-ccg.test"} {
		lotsAPIWant(t, s, 201, "POST", ev+"/panel", lead, map[string]any{"user_id": evalAPIUser(t, s, email), "questions": all}, nil)
		tok := s.apiToken(t, email)
		for _, id := range org {
			lotsAPIWant(t, s, 204, "POST", ev+"/declarations", tok, map[string]any{"bidder_org_id": id, "decision": "none"}, nil)
		}
		for name, id := range org {
			m := awardPagesMarks[name]
			q11 := m.q11
			if email == "finance@medway-ccg.test" && name == "Estuary Urgent Care CIC" {
				q11 = 1
			}
			for number, mark := range map[string]any{"1.1": q11, "1.2": m.q12, "1.3": m.pass} {
				body := map[string]any{"question_id": q[number], "bidder_org_id": id, "rationale": "The response to " + number + " shows the evidence we need."}
				if number == "1.3" {
					body["passed"] = mark
				} else {
					body["score"] = mark
				}
				lotsAPIWant(t, s, 204, "PUT", ev+"/scores", tok, body, nil)
			}
		}
		if email == "evaluator@medway-ccg.test" {
			lotsAPIWant(t, s, 204, "POST", ev+"/scores/submit", tok, nil, nil)
		}
	}
	return l.ID, q, org
}

// awardPagesExpected works the ranking of awardPagesMarks out here, from the weights and the
// lowest-price formula: totals of the compliant bids, best first, and the excluded bidder.
func awardPagesExpected() (order []string, totals map[string]*big.Rat, excluded string) {
	totals = map[string]*big.Rat{}
	lowest := int64(0)
	for name, m := range awardPagesMarks {
		if !m.pass {
			excluded = name // a fail on 1.3 excludes the bid: its price sets no benchmark
			continue
		}
		if p := m.years[0] + m.years[1]; lowest == 0 || p < lowest {
			lowest = p
		}
	}
	for name, m := range awardPagesMarks {
		if name == excluded {
			continue
		}
		total := new(big.Rat).Add(big.NewRat(int64(m.q11)*4000, 4*100), big.NewRat(int64(m.q12)*3000, 4*100))
		total.Add(total, new(big.Rat).Mul(big.NewRat(lowest, m.years[0]+m.years[1]), big.NewRat(3000, 100)))
		totals[name] = total
		order = append(order, name)
	}
	if totals[order[0]].Cmp(totals[order[1]]) < 0 {
		order[0], order[1] = order[1], order[0]
	}
	return order, totals, excluded
}

var (
	awardPagesTags  = regexp.MustCompile(`<[^>]*>`)
	awardPagesRows  = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	awardPagesCells = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
)

// awardPagesText is what a reader sees of some HTML: its text, spaces collapsed.
func awardPagesText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(awardPagesTags.ReplaceAllString(s, " "))), " ")
}

// awardPagesTable reads the body rows of the table with id, as text cells.
func awardPagesTable(t *testing.T, body, id string) [][]string {
	t.Helper()
	start := strings.Index(body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no table #%s on the page:\n%s", id, awardPagesText(body))
	}
	table := body[start:]
	table = table[:strings.Index(table, "</table>")]
	table = table[strings.Index(table, "<tbody"):]
	var rows [][]string
	for _, r := range awardPagesRows.FindAllStringSubmatch(table, -1) {
		var cells []string
		for _, c := range awardPagesCells.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, awardPagesText(c[1]))
		}
		rows = append(rows, cells)
	}
	return rows
}

// awardPagesWant fails unless a page answers status (303s are followed by nobody: the browser
// does not follow redirects) and, for a redirect, leads to location.
func awardPagesWant(t *testing.T, resp *http.Response, body string, status int, location string) {
	t.Helper()
	if resp.StatusCode != status || (location != "" && resp.Header.Get("Location") != location) {
		t.Fatalf("%s %s: %d %s, want %d %s\n%s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, resp.Header.Get("Location"),
			status, location, awardPagesText(body))
	}
}

func TestEvaluationPagesFromModerationToContractAward(t *testing.T) {
	s := startServer(t, nil)
	clock := lotsAPIStartClock(s)
	s.App.Eval.Now, s.App.Award.Now = clock.Now, clock.Now
	lot, q, org := awardPagesLot(t, s, clock)
	ev := "/evaluations/lots/" + lot
	lead := s.browser(t)
	lead.signIn("lead@medway-ccg.test")

	// Before moderation: the page names who is still awaited, and starting is refused until then.
	mod := ev + "/questions/" + q["1.1"] + "/moderation"
	status, body := lead.get(mod)
	if status != 200 || !strings.Contains(body, "Nic Finance") || strings.Contains(body, "Wide spread") {
		t.Fatalf("moderation of 1.1 before it starts: %d\n%s", status, awardPagesText(body))
	}
	resp, body := lead.post(mod, nil)
	awardPagesWant(t, resp, body, 409, "")
	if !strings.Contains(awardPagesText(body), "still to submit: Nic Finance") {
		t.Fatalf("the refusal does not name who is awaited:\n%s", awardPagesText(body))
	}
	lotsAPIWant(t, s, 204, "POST", ev+"/scores/submit", s.apiToken(t, "finance@medway-ccg.test"), nil, nil)

	// Moderation: the marks side by side, Estuary's 1.1 flagged; a consensus without a rationale
	// is refused beside its field; then every consensus through the forms.
	for _, n := range []string{"1.1", "1.2", "1.3"} {
		resp, body := lead.post(ev+"/questions/"+q[n]+"/moderation", nil)
		awardPagesWant(t, resp, body, 303, ev+"/questions/"+q[n]+"/moderation")
	}
	_, body = lead.get(mod)
	if n := strings.Count(body, `nhsuk-tag--red">Wide spread</strong>`); n != 1 {
		t.Fatalf("%d wide spread flags on 1.1, want 1 (Estuary, marked 4 and 1):\n%s", n, awardPagesText(body))
	}
	if !strings.Contains(awardPagesText(body), "The scores are 3 points apart") {
		t.Fatal("the flag does not say how wide the spread is")
	}
	resp, body = lead.post(ev+"/consensus", url.Values{"question_id": {q["1.1"]}, "bidder_org_id": {org["Estuary Urgent Care CIC"]}, "score": {"4"}, "rationale": {"Too short"}})
	awardPagesWant(t, resp, body, 422, "")
	m := regexp.MustCompile(`id="(bid-\d+-)rationale-error"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `href="#`+m[1]+`rationale"`) || !strings.Contains(body, `value="Too short"`) && !strings.Contains(body, ">Too short</textarea>") {
		t.Fatalf("the short rationale is not refused beside its field, with what was typed kept:\n%s", body)
	}
	for name, mk := range awardPagesMarks {
		for number, mark := range map[string]string{"1.1": strconv.Itoa(mk.q11), "1.2": strconv.Itoa(mk.q12), "1.3": strconv.FormatBool(mk.pass)} {
			form := url.Values{"question_id": {q[number]}, "bidder_org_id": {org[name]}, "rationale": {"The panel agreed this mark on the evidence given for " + number + "."}}
			if number == "1.3" {
				form.Set("passed", mark)
			} else {
				form.Set("score", mark)
			}
			resp, body := lead.post(ev+"/consensus", form)
			awardPagesWant(t, resp, body, 303, ev+"/questions/"+q[number]+"/moderation")
		}
	}

	// Results: sealed until opened through the page; then the ranking rows are the service's,
	// and equal to the ranking worked out here.
	_, body = lead.get(ev + "/results")
	if !strings.Contains(body, "Open the price envelopes") || strings.Contains(body, `id="ranking"`) {
		t.Fatalf("before opening, the results page:\n%s", awardPagesText(body))
	}
	resp, body = lead.post(ev+"/prices/open", nil)
	awardPagesWant(t, resp, body, 303, ev+"/results")
	leadActor := signInActor(t, s, "lead@medway-ccg.test")
	ctx := database.WithTenant(context.Background(), leadActor.OrgID)
	order, totals, excluded := awardPagesExpected()
	checkRanking := func(formula evaluation.PriceFormula) {
		t.Helper()
		v, err := s.App.Eval.Results(ctx, leadActor, lot)
		if err != nil {
			t.Fatal(err)
		}
		status, body := lead.get(ev + "/results")
		rows := awardPagesTable(t, body, "ranking")
		if status != 200 || len(rows) != len(v.Results) {
			t.Fatalf("the ranking page: %d, %d rows for %d results", status, len(rows), len(v.Results))
		}
		for i, r := range v.Results {
			rank := "Not ranked"
			if r.Rank > 0 {
				rank = strconv.Itoa(r.Rank)
			}
			want := []string{rank, v.Names[r.Bidder]}
			for _, sec := range r.Sections {
				want = append(want, sec.Percent())
			}
			ex := "No"
			if r.Excluded {
				ex = "Excluded " + strings.Join(r.Reasons, "; ")
			}
			want = append(want, r.QualityPercent(), frontend.Pence(r.PricePence), r.PriceScorePercent(), r.TotalPercent(), ex)
			if strings.Join(rows[i], " | ") != strings.Join(want, " | ") {
				t.Fatalf("row %d of the ranking page:\n got %q\nwant %q", i+1, rows[i], want)
			}
		}
		for i, name := range order {
			if v.Names[v.Results[i].Bidder] != name {
				t.Fatalf("rank %d is %s, want %s", i+1, v.Names[v.Results[i].Bidder], name)
			}
			if formula == evaluation.LowestPrice && v.Results[i].Total.Cmp(totals[name]) != 0 {
				t.Fatalf("%s's total is %s, want %s worked out from the weights", name, v.Results[i].Total.RatString(), totals[name].RatString())
			}
		}
		if last := v.Results[len(v.Results)-1]; v.Names[last.Bidder] != excluded || !last.Excluded || last.Reasons[0] != "Failed question 1.3" {
			t.Fatalf("the excluded bid: %+v", last)
		}
		// The chart draws the same bids in the same order, with its text alternative named.
		chart := body[strings.Index(body, "<svg class=\"golive-timeline\" xmlns"):]
		chart = chart[:strings.Index(chart, "</svg>")]
		if !strings.Contains(chart, `role="img"`) || !strings.Contains(chart, `aria-describedby="ranking-caption"`) || !strings.Contains(chart, "<title id=\"results-chart-title\">") {
			t.Fatalf("the chart is not an image described by the ranking table:\n%s", chart)
		}
		at := 0
		for i, r := range v.Results {
			label := v.Names[r.Bidder]
			if r.Rank > 0 {
				label = strconv.Itoa(i+1) + ". " + label
			}
			next := strings.Index(chart[at:], html.EscapeString(label)+"</text>")
			if next < 0 {
				t.Fatalf("the chart does not draw %q after the bars before it", label)
			}
			at += next
		}
		prices := awardPagesTable(t, body, "prices")
		if len(prices) != 3 || prices[0][0] != order[0] {
			t.Fatalf("the opened prices: %q", prices)
		}
	}
	checkRanking(evaluation.LowestPrice)

	// The price formula through its form: an unknown one is refused beside the field; the
	// relative one changes the price scores, and the page follows.
	resp, body = lead.post(ev+"/price-formula", url.Values{"price_formula": {"cheapest"}})
	awardPagesWant(t, resp, body, 422, "")
	if !strings.Contains(body, `id="formula-price_formula-error"`) || !strings.Contains(body, `href="#formula-price_formula"`) {
		t.Fatalf("an unknown formula is not refused beside its field:\n%s", awardPagesText(body))
	}
	resp, body = lead.post(ev+"/price-formula", url.Values{"price_formula": {"relative"}})
	awardPagesWant(t, resp, body, 303, ev+"/results")
	checkRanking(evaluation.RelativePrice)

	// Healthwatch and evaluators never reach the results; an approver of the lot does.
	for email, want := range map[string]int{"reviewer@healthwatch-kent.test": 403, "evaluator@medway-ccg.test": 403, "approver@swale-ccg.test": 200} {
		b := s.browser(t)
		b.signIn(email)
		if status, _ := b.get(ev + "/results"); status != want {
			t.Fatalf("%s reading the results page: %d, want %d", email, status, want)
		}
	}

	// The award: recommendation, both governing bodies, standstill.
	resp, body = lead.post(ev+"/recommendations", url.Values{"bidder_org_id": {org[excluded]}, "reason": {"The cheapest response of the three bidders"}})
	awardPagesWant(t, resp, body, 422, "")
	resp, body = lead.post(ev+"/recommendations", url.Values{"bidder_org_id": {org[order[0]]}, "reason": {order[0] + " is ranked first on the total score"}})
	awardPagesWant(t, resp, body, 303, ev+"/award")
	for _, email := range []string{"approver@swale-ccg.test", "approver@medway-ccg.test"} {
		b := s.browser(t)
		b.signIn(email)
		if _, body := b.get(ev + "/award"); !strings.Contains(body, `action="`+ev+`/award/decisions"`) {
			t.Fatalf("%s is not offered the decision:\n%s", email, awardPagesText(body))
		}
		resp, body := b.post(ev+"/award/decisions", url.Values{"decision": {"approve"}})
		awardPagesWant(t, resp, body, 303, ev+"/award")
		clock.Add(time.Minute)
	}
	_, body = lead.get(ev + "/award")
	if rows := awardPagesTable(t, body, "approvals-table"); len(rows) != 2 || rows[0][1] != "Approved" || rows[1][1] != "Approved" {
		t.Fatalf("the approvals: %q", rows)
	}
	if !strings.Contains(body, "<strong>Standstill ends</strong>: midnight at the end of") {
		t.Fatalf("the timeline does not give the standstill's end:\n%s", awardPagesText(body))
	}

	// Weald reads its letter and makes a representation; the lead rejects it.
	weald := s.browser(t)
	weald.signIn(awardPagesBidders["Weald Ambulance Service NHS Trust"])
	_, body = weald.get(ev + "/outcome")
	if !strings.Contains(awardPagesText(body), "intend to award the contract for this lot to "+order[0]) {
		t.Fatalf("Weald's outcome:\n%s", awardPagesText(body))
	}
	resp, body = weald.post(ev+"/representations", url.Values{"text": {"Our workforce model was marked down without reason"}})
	awardPagesWant(t, resp, body, 303, ev+"/outcome")
	_, body = lead.get(ev + "/award")
	rm := regexp.MustCompile(`action="` + regexp.QuoteMeta(ev) + `/representations/([0-9a-f-]{36})/decision"`).FindStringSubmatch(body)
	if rm == nil {
		t.Fatalf("no decision form for the representation:\n%s", awardPagesText(body))
	}
	resp, body = lead.post(ev+"/representations/"+rm[1]+"/decision", url.Values{"decision": {"rejected"}, "reason": {"The moderation record gives the reasons for the score"}})
	awardPagesWant(t, resp, body, 303, ev+"/award")

	// The contract: refused before the day, with the service's message on the form; then awarded.
	contract := withDate(t, url.Values{"contract_reference": {"MS-AWARD-1"}, "term_months": {"24"}, "value": {"230,000"}}, "start_date", "2026-10-01")
	resp, body = lead.post(ev+"/contract", contract)
	awardPagesWant(t, resp, body, 409, "")
	if !strings.Contains(body, `id="contract-form-error"`) || !strings.Contains(awardPagesText(body), "Error: The lot is in standstill until midnight at the end of") {
		t.Fatalf("the early award is not refused on the form:\n%s", awardPagesText(body))
	}
	resp, body = lead.post(ev+"/contract", withDate(t, url.Values{"contract_reference": {"MS-AWARD-1"}, "term_months": {"25"}, "value": {"230,000"}}, "start_date", "2026-10-01"))
	awardPagesWant(t, resp, body, 422, "")
	if !strings.Contains(body, `id="contract-term_months-error"`) {
		t.Fatal("a term that is not whole years is not refused beside its field")
	}
	// A start date with no month: the message beside the date input, on the month box, and
	// everything typed kept.
	resp, body = lead.post(ev+"/contract", url.Values{"contract_reference": {"MS-AWARD-1"}, "start_date-day": {"1"}, "start_date-year": {"2026"},
		"term_months": {"24"}, "value": {"230,000"}})
	awardPagesWant(t, resp, body, 422, "")
	for _, want := range []string{`id="contract-start_date-error"`, "Start date must include a month", `href="#contract-start_date"`,
		`class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-2 nhsuk-input--error" id="contract-start_date" name="start_date-month" type="text" inputmode="numeric" value=""`,
		`id="contract-start_date-day" name="start_date-day" type="text" inputmode="numeric" value="1"`,
		`name="start_date-year" type="text" inputmode="numeric" value="2026"`, `value="MS-AWARD-1"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("the start date without a month: no %s in\n%s", want, body)
		}
	}
	av, err := s.App.Award.Award(ctx, leadActor, lot)
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(*av.Recommendations[0].AwardNotBefore)
	resp, body = lead.post(ev+"/contract", contract)
	awardPagesWant(t, resp, body, 303, ev+"/award")
	if av, err = s.App.Award.Award(ctx, leadActor, lot); err != nil || av.Contract == nil || av.Contract.TermYears != 2 ||
		av.Contract.ValuePence != 230_000_00 || av.Contract.ProviderOrgID != org[order[0]] {
		t.Fatalf("the contract: %+v %v", av.Contract, err)
	}
	_, body = weald.get(ev + "/outcome")
	if !strings.Contains(awardPagesText(body), "Contract awarded Provider "+order[0]) {
		t.Fatalf("Weald is not told of the contract:\n%s", awardPagesText(body))
	}
}
