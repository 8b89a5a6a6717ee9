package lots

import (
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/ukclock"
)

func TestEveryActionIsAllowedOnlyInItsStates(t *testing.T) {
	states := []State{Draft, AwaitingApproval, Rejected, Published, Closed, OpeningStarted, Opened, Cancelled}
	want := map[Action]string{
		ActEdit:              "draft",
		ActSubmitForApproval: "draft",
		ActDecide:            "awaiting_approval",
		ActReturnToDraft:     "awaiting_approval rejected",
		ActPublish:           "awaiting_approval",
		ActClarify:           "published",
		ActSubmitResponse:    "published",
		ActStartOpening:      "closed",
		ActConfirmOpening:    "opening",
		ActCancel:            "draft awaiting_approval rejected published closed opening opened",
	}
	for act, allowed := range want {
		for _, st := range states {
			err := CheckAction(act, st)
			ok := strings.Contains(" "+allowed+" ", " "+string(st)+" ")
			if ok && err != nil {
				t.Errorf("%s in %s refused: %v", act, st, err)
			}
			if !ok && !apperr.IsKind(err, apperr.Conflict) {
				t.Errorf("%s in %s: got %v, want a conflict", act, st, err)
			}
		}
	}
	err := CheckAction(ActPublish, Draft)
	if err == nil || !strings.Contains(err.Error(), "published only when it is awaiting approval; this one is draft") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	if CheckAction("fly", Draft) == nil {
		t.Fatal("an unknown action passed")
	}
}

func TestAPublishedProcurementClosesAtItsDeadlineAndOpensWithTwoPeople(t *testing.T) {
	deadline := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := Procurement{State: Published, SubmissionDeadline: deadline}
	confirmed := deadline.Add(time.Hour)
	for _, tc := range []struct {
		now  time.Time
		o    *Opening
		want State
	}{
		{deadline.Add(-time.Nanosecond), nil, Published},
		{deadline, nil, Closed}, // the deadline itself is too late
		{deadline.Add(time.Hour), &Opening{StartedBy: "a"}, OpeningStarted},
		{deadline.Add(time.Hour), &Opening{StartedBy: "a", ConfirmedBy: "b", ConfirmedAt: &confirmed}, Opened},
	} {
		if got := EffectiveState(p, tc.o, tc.now); got != tc.want {
			t.Errorf("at %s with %+v: %s, want %s", tc.now, tc.o, got, tc.want)
		}
	}
	for _, st := range []State{Draft, Cancelled, Opened, Rejected} {
		if got := EffectiveState(Procurement{State: st, SubmissionDeadline: deadline}, nil, deadline.Add(time.Hour)); got != st {
			t.Errorf("stored %s became %s", st, got)
		}
	}
}

func TestResponsesAreReadableOnlyAfterAConfirmedOpening(t *testing.T) {
	deadline := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := Procurement{SubmissionDeadline: deadline}
	after, before := deadline.Add(time.Minute), deadline.Add(-time.Minute)
	if CanReadResponses(p, nil) || CanReadResponses(p, &Opening{StartedBy: "a"}) {
		t.Fatal("readable without a confirmed opening")
	}
	if CanReadResponses(p, &Opening{ConfirmedAt: &before}) {
		t.Fatal("readable after an opening confirmed before the deadline")
	}
	if !CanReadResponses(p, &Opening{ConfirmedAt: &after}) {
		t.Fatal("not readable after a confirmed opening")
	}
}

func TestWeightsMustAddUpToExactlyOneHundredPercent(t *testing.T) {
	qs := func(ws ...int) []Question {
		var out []Question
		for _, w := range ws {
			out = append(out, Question{WeightBP: w})
		}
		return out
	}
	if msg := CheckWeights(qs(4000, 3000, 3000)); msg != "" {
		t.Fatalf("100%%: %s", msg)
	}
	for ws, want := range map[*[]int]string{
		{4000, 3000, 2950}: "99.5%", {5000, 5001}: "100.01%", {}: "0%", {2500}: "25%",
	} {
		msg := CheckWeights(qs(*ws...))
		if !strings.Contains(msg, "add up to "+want+";") || !strings.Contains(msg, "100%") {
			t.Errorf("%v: %q", *ws, msg)
		}
	}
}

func TestQuestionsAreCheckedForTheirKind(t *testing.T) {
	for _, tc := range []struct {
		q     Question
		field string
	}{
		{Question{Kind: Scored, MaxScore: 0, WeightBP: 100}, "max_score"},
		{Question{Kind: Scored, MaxScore: 4, MinScore: 5, WeightBP: 100}, "min_score"},
		{Question{Kind: Scored, MaxScore: 4}, "weight_bp"},
		{Question{Kind: PassFail, WeightBP: 100}, "weight_bp"},
		{Question{Kind: Price, WeightBP: 100, Panel: Clinical}, "panel"},
		{Question{Kind: Price, Panel: Finance}, "weight_bp"},
		{Question{Kind: Price, WeightBP: 100, Panel: Finance, WordLimit: 10}, "word_limit"},
	} {
		if f := CheckQuestion(tc.q); f[tc.field] == "" {
			t.Errorf("%+v: no message for %s (%v)", tc.q, tc.field, f)
		}
	}
	if f := CheckQuestion(Question{Kind: Scored, MaxScore: 4, MinScore: 2, WeightBP: 1000, Panel: Patient}); len(f) > 0 {
		t.Errorf("a sound question: %v", f)
	}
}

func TestEveryTemplateWeighsOneHundredPercentAndPassesItsOwnRules(t *testing.T) {
	for _, key := range []string{"iuc", "utc", "psr"} {
		tp, ok := TemplateByKey(key)
		if !ok {
			t.Fatalf("no template %s", key)
		}
		var qs []Question
		numbers := map[string]bool{}
		patient := false
		for _, s := range tp.Sections {
			for _, tq := range s.Questions {
				q := Question{Number: tq.Number, Kind: tq.Kind, WeightBP: tq.WeightBP, MaxScore: tq.MaxScore, MinScore: tq.MinScore, WordLimit: tq.WordLimit, Panel: tq.Panel}
				if f := CheckQuestion(q); len(f) > 0 {
					t.Errorf("%s %s: %v", key, tq.Number, f)
				}
				if numbers[tq.Number] {
					t.Errorf("%s: question %s twice", key, tq.Number)
				}
				numbers[tq.Number] = true
				patient = patient || tq.Panel == Patient
				qs = append(qs, q)
			}
		}
		if msg := CheckWeights(qs); msg != "" {
			t.Errorf("%s: %s", key, msg)
		}
		if !patient {
			t.Errorf("%s: nothing for Healthwatch's patient experience panel", key)
		}
	}
	psr, _ := TemplateByKey("psr")
	var titles []string
	for _, s := range psr.Sections {
		titles = append(titles, s.Title)
	}
	for _, c := range []string{"Quality and innovation", "Value", "Integration, collaboration and service sustainability",
		"Improving access, reducing health inequalities and facilitating choice", "Social value"} {
		if !strings.Contains(strings.Join(titles, "|"), c) {
			t.Errorf("PSR template lacks the key criterion %q", c)
		}
	}
	if _, ok := TemplateByKey("nope"); ok {
		t.Fatal("an unknown template was found")
	}
}

func TestTheTimetableRunsInOrderAndOpeningNeverPrecedesTheDeadline(t *testing.T) {
	now := time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)
	good := Procurement{
		ClarificationDeadline: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC), SubmissionDeadline: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		EvaluationStart: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), AwardDate: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC),
		ContractStart: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	if f := CheckTimetable(good, now, true); len(f) > 0 {
		t.Fatalf("a sound timetable: %v", f)
	}
	for field, change := range map[string]func(*Procurement){
		"clarification_deadline": func(p *Procurement) { p.ClarificationDeadline = p.SubmissionDeadline },
		"evaluation_start":       func(p *Procurement) { p.EvaluationStart = p.SubmissionDeadline.Add(-time.Minute) },
		"award_date":             func(p *Procurement) { p.AwardDate = p.EvaluationStart.Add(-time.Hour) },
		"contract_start":         func(p *Procurement) { p.ContractStart = p.AwardDate },
	} {
		p := good
		change(&p)
		if f := CheckTimetable(p, now, false); f[field] == "" {
			t.Errorf("%s: no message (%v)", field, f)
		}
	}
	late := now.AddDate(0, 2, 0)
	if f := CheckTimetable(good, late, false); len(f) > 0 {
		t.Errorf("a draft may keep past dates until it is published: %v", f)
	}
	if f := CheckTimetable(good, late, true); f["submission_deadline"] == "" || f["clarification_deadline"] == "" {
		t.Errorf("publishing with past deadlines: %v", f)
	}
}

func TestDeadlinesAreUKWallClockTimesAcrossTheClockChanges(t *testing.T) {
	for _, tc := range []struct{ date, clock, utc string }{
		{"2026-03-28", "12:00", "2026-03-28T12:00:00Z"}, // GMT, the day before the clocks go forward
		{"2026-03-29", "12:00", "2026-03-29T11:00:00Z"}, // BST from 01:00 that morning
		{"2026-03-30", "12:00", "2026-03-30T11:00:00Z"},
		{"2026-10-24", "12:00", "2026-10-24T11:00:00Z"}, // still BST
		{"2026-10-25", "12:00", "2026-10-25T12:00:00Z"}, // GMT again from 02:00
		{"2018-05-04", "12:00", "2018-05-04T11:00:00Z"}, // Kent and Medway's submission deadline
		{"2026-12-25", "", "2026-12-25T00:00:00Z"},
	} {
		got, err := ukclock.LondonTime(tc.date, tc.clock)
		if err != nil || got.Format(time.RFC3339) != tc.utc {
			t.Errorf("%s %s: %s %v, want %s", tc.date, tc.clock, got.Format(time.RFC3339), err, tc.utc)
		}
		if err == nil && tc.clock != "" && ukclock.InLondon(got).Format("15:04") != tc.clock {
			t.Errorf("%s %s shows as %s", tc.date, tc.clock, ukclock.InLondon(got).Format("15:04"))
		}
	}
	if _, err := ukclock.LondonTime("2026-03-29", "01:30"); err == nil {
		t.Error("01:30 on 29 March 2026 does not exist in the UK but was accepted")
	}
	for _, bad := range [][2]string{{"2026-02-30", "12:00"}, {"tomorrow", "12:00"}, {"2026-01-01", "25:00"}, {"", ""}} {
		if _, err := ukclock.LondonTime(bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestAnswersAreCheckedAgainstTheQuestionnaire(t *testing.T) {
	qs := []Question{
		{ID: "q1", Number: "1.1", Kind: Scored, WordLimit: 5},
		{ID: "q2", Number: "1.2", Kind: PassFail},
		{ID: "qp", Number: "2.1", Kind: Price},
	}
	draft := Content{Answers: []Answer{{QuestionID: "q1", Text: "one two three four five"}}}
	if f := CheckAnswers(qs, draft, 3, false); len(f) > 0 {
		t.Fatalf("an incomplete draft within limits: %v", f)
	}
	if f := CheckAnswers(qs, draft, 3, true); f["answers.q2"] != "Answer question 1.2" || !strings.Contains(f["prices"], "every contract year") {
		t.Fatalf("an incomplete final response: %v", f)
	}
	long := Content{Answers: []Answer{{QuestionID: "q1", Text: "one two three four five six"}}}
	if f := CheckAnswers(qs, long, 3, false); f["answers.q1"] != "The answer to question 1.1 is 6 words; the limit is 5" {
		t.Fatalf("over the word limit: %v", f)
	}
	for name, c := range map[string]Content{
		"unknown question": {Answers: []Answer{{QuestionID: "zz", Text: "x"}}},
		"answer to price":  {Answers: []Answer{{QuestionID: "qp", Text: "x"}}},
		"twice":            {Answers: []Answer{{QuestionID: "q1", Text: "a"}, {QuestionID: "q1", Text: "b"}}},
		"year 4 of 3":      {Prices: []PriceYear{{Year: 4, Pence: 1}}},
		"year 0":           {Prices: []PriceYear{{Year: 0, Pence: 1}}},
		"negative":         {Prices: []PriceYear{{Year: 1, Pence: -1}}},
		"year twice":       {Prices: []PriceYear{{Year: 1, Pence: 1}, {Year: 1, Pence: 2}}},
		"too long":         {Answers: []Answer{{QuestionID: "q2", Text: strings.Repeat("x", MaxAnswerChars+1)}}},
	} {
		if f := CheckAnswers(qs, c, 3, false); len(f) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
	full := Content{Answers: []Answer{{QuestionID: "q1", Text: "fine"}, {QuestionID: "q2", Text: "Yes"}},
		Prices: []PriceYear{{Year: 3, Pence: 3}, {Year: 1, Pence: 1}, {Year: 2, Pence: 2}}}
	if f := CheckAnswers(qs, full, 3, true); len(f) > 0 {
		t.Fatalf("a complete response: %v", f)
	}
	if f := CheckAnswers(qs[:2], Content{Prices: []PriceYear{{Year: 1, Pence: 1}}}, 3, false); f["prices"] == "" {
		t.Fatal("prices for a lot without a price schedule")
	}
}

func TestApprovalNeedsEveryParticipantAndOneRejectionStopsIt(t *testing.T) {
	parts := []string{"a", "b", "c"}
	ap := func(org, d string) Approval { return Approval{OrgID: org, Decision: d} }
	ok, rej, pend := ApprovalOutcome(parts, []Approval{ap("a", "approve"), ap("b", "approve")})
	if ok || len(rej) != 0 || len(pend) != 1 || pend[0] != "c" {
		t.Fatalf("two of three: %v %v %v", ok, rej, pend)
	}
	ok, _, _ = ApprovalOutcome(parts, []Approval{ap("a", "approve"), ap("b", "approve"), ap("c", "approve")})
	if !ok {
		t.Fatal("all three approved but not approved")
	}
	ok, rej, _ = ApprovalOutcome(parts, []Approval{ap("a", "approve"), ap("b", "reject"), ap("c", "approve")})
	if ok || len(rej) != 1 || rej[0] != "b" {
		t.Fatalf("one rejection: %v %v", ok, rej)
	}
	ok, _, _ = ApprovalOutcome(parts, []Approval{ap("a", "approve"), ap("b", "approve"), ap("x", "approve")})
	if ok {
		t.Fatal("an outsider's approval counted")
	}
	if ok, _, _ := ApprovalOutcome(nil, nil); ok {
		t.Fatal("no participants approved")
	}
}

func TestALotCoversASubsetOfTheProcurementsCommissioners(t *testing.T) {
	if msg := CheckLotParticipants([]string{"a", "b"}, []string{"b"}); msg != "" {
		t.Fatal(msg)
	}
	if CheckLotParticipants([]string{"a", "b"}, nil) == "" || CheckLotParticipants([]string{"a"}, []string{"a", "mk"}) == "" {
		t.Fatal("an empty lot or an outsider (Milton Keynes) accepted")
	}
}

func TestTheReceiptHashIsCanonical(t *testing.T) {
	a := Content{Answers: []Answer{{QuestionID: "q2", Text: "b"}, {QuestionID: "q1", Text: "a"}}, Prices: []PriceYear{{2, 20}, {1, 10}}}
	b := Content{Answers: []Answer{{QuestionID: "q1", Text: "a"}, {QuestionID: "q2", Text: "b"}}, Prices: []PriceYear{{1, 10}, {2, 20}}}
	if ReceiptHash(a) != ReceiptHash(b) || len(ReceiptHash(a)) != 64 {
		t.Fatal("the same content gave different receipts")
	}
	c := b
	c.Answers = []Answer{{QuestionID: "q1", Text: "a"}, {QuestionID: "q2", Text: "b."}}
	if ReceiptHash(c) == ReceiptHash(b) {
		t.Fatal("different content gave the same receipt")
	}
	if ReceiptHash(Content{}) != ReceiptHash(Content{Answers: []Answer{}, Prices: []PriceYear{}}) {
		t.Fatal("nil and empty differ")
	}
}

func TestMoneyIsExactPence(t *testing.T) {
	for in, want := range map[string]int64{
		"315,000,000": 31_500_000_000, "£1,234.50": 123_450, "0.01": 1, "12": 1200, " £ 7.5 ": 750, "": 0,
	} {
		got, err := ParsePounds(in)
		if err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"-5", "1.234", "abc", "1e9", "1/2", "99999999999999999999", "NaN"} {
		if _, err := ParsePounds(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for p, want := range map[int64]string{31_500_000_000: "£315,000,000.00", 5: "£0.05", 123_450: "£1,234.50", -100: "-£1.00", 0: "£0.00"} {
		if got := FormatPence(p); got != want {
			t.Errorf("%d: %s, want %s", p, got, want)
		}
	}
	if FormatPercent(1250) != "12.5%" || FormatPercent(10000) != "100%" || FormatPercent(5) != "0.05%" {
		t.Error(FormatPercent(1250), FormatPercent(10000), FormatPercent(5))
	}
}

func TestWordCount(t *testing.T) {
	for s, n := range map[string]int{"": 0, "  one  ": 1, "one two\nthree\tfour": 4, "co-operate, don't": 2} {
		if WordCount(s) != n {
			t.Errorf("%q: %d, want %d", s, WordCount(s), n)
		}
	}
}

func TestAllAwardedNeedsAContractOnEveryLot(t *testing.T) {
	for _, c := range []struct {
		lots, contracted int
		want             bool
	}{{0, 0, false}, {1, 0, false}, {1, 1, true}, {3, 2, false}, {3, 3, true}} {
		if got := AllAwarded(c.lots, c.contracted); got != c.want {
			t.Errorf("AllAwarded(%d lots, %d contracted) = %v, want %v", c.lots, c.contracted, got, c.want)
		}
	}
}

func TestReceiptReferenceIsShortAndComesFromTheHash(t *testing.T) {
	sum := "3f9ac21bd4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f"
	if got := ReceiptReference(2, 3, sum); got != "L2-V3-3F9A-C21B" {
		t.Errorf("ReceiptReference = %q", got)
	}
	if got := ReceiptReference(1, 1, ""); got != "L1-V1" {
		t.Errorf("without a hash: %q", got)
	}
	r := Receipt{Lot: 2, Version: 3, SHA256: sum}
	if r.Reference() != "L2-V3-3F9A-C21B" {
		t.Errorf("Receipt.Reference = %q", r.Reference())
	}
}

func TestAShortTenderPeriodNeedsConfirmationNamingIt(t *testing.T) {
	pub := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	cases := []struct {
		name      string
		deadline  time.Time
		confirmed bool
		want      string // the message; "" passes
	}{
		{"30 days passes", pub.Add(30 * day), false, ""},
		{"longer passes", pub.Add(45 * day), false, ""},
		{"12 days is named", pub.Add(12*day + 5*time.Hour), false, "The tender period is 12 days, shorter than 30 days. Confirm that bidders have enough time to respond"},
		{"a minute short of 30", pub.Add(30*day - time.Minute), false, "The tender period is 29 days, shorter than 30 days. Confirm that bidders have enough time to respond"},
		{"one day is singular", pub.Add(day + time.Hour), false, "The tender period is 1 day, shorter than 30 days. Confirm that bidders have enough time to respond"},
		{"hours", pub.Add(3 * time.Hour), false, "The tender period is less than a day, shorter than 30 days. Confirm that bidders have enough time to respond"},
		{"confirmed short passes", pub.Add(2 * day), true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CheckTenderPeriod(pub, c.deadline, c.confirmed)[TenderPeriodField]
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}
