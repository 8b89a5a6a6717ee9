package lots_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/demo"
	"golive/lots"
	"golive/lots/lotstest"
	"golive/tenants"
	"golive/tenants/access"
)

type fixture struct {
	env  *lotstest.Env
	t    testing.TB
	db   *database.DB
	ten  *tenants.Service
	svc  *lots.Service
	now  time.Time
	orgs map[string]string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, now: time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)}
	f.env = lotstest.New(t, func() time.Time { return f.now })
	f.db, f.ten, f.svc, f.orgs = f.env.DB, f.env.Tenants, f.env.Lots, f.env.Orgs
	return f
}

func (f *fixture) as(email string) (*access.Actor, context.Context) {
	f.t.Helper()
	return f.env.As(f.t, email)
}

const secretAnswer = "Our unique staffing model uses the Swale rota of 17 paramedics"

// published builds a two-commissioner procurement (Medway leads, Swale takes part) with one lot
// of two scored questions and a price, approved and published, deadline on 1 March 2026 12:00.
func (f *fixture) published() (lots.Procurement, lots.Lot, []lots.Question) {
	t := f.t
	p, l := f.draft()
	lead, lctx := f.as("lead@medway-ccg.test")
	lotstest.OK(t, f.svc.SubmitForApproval(lctx, lead, p.ID))
	for _, ap := range []string{"approver@medway-ccg.test", "approver@swale-ccg.test"} {
		a, actx := f.as(ap)
		lotstest.OK(t, f.svc.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: f.now.Add(-time.Hour), MinuteRef: "GB/1", Part2: true}))
	}
	lotstest.OK(t, f.svc.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}))
	qs := lotstest.Must[[]lots.Question](t)(f.svc.Store.Questions(lctx, l.ID))
	return p, l, qs
}

// draft is the procurement of published, complete and ready to send for approval.
func (f *fixture) draft() (lots.Procurement, lots.Lot) {
	t := f.t
	lead, lctx := f.as("lead@medway-ccg.test")
	p := lotstest.Must[lots.Procurement](t)(f.svc.CreateProcurement(lctx, lead, lots.ProcurementInput{
		Title: "Medway and Swale UTC", Reference: "MS-1", Regime: lots.PSR2024, Procedure: "Competitive process", TermYears: 2,
		EstimatedValuePence: 123_456_789_00, Participants: []string{f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]},
		ClarificationDeadline: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC), SubmissionDeadline: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		EvaluationStart: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), AwardDate: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC),
		ContractStart: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}))
	l := lotstest.Must[lots.Lot](t)(f.svc.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "UTC", ServiceTypes: []string{"utc"},
		Participants: []string{f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]}}))
	for _, q := range []lots.QuestionInput{
		{Section: "Quality", Number: "1.1", Text: "Describe your workforce model", Kind: lots.Scored, WeightBP: 4000, MaxScore: 4, MinScore: 2, WordLimit: 50, Panel: lots.Clinical},
		{Section: "Quality", Number: "1.2", Text: "How will patients experience the service?", Kind: lots.Scored, WeightBP: 3000, MaxScore: 4, WordLimit: 50, Panel: lots.Patient},
		{Section: "Price", Number: "2.1", Text: "Price schedule", Kind: lots.Price, WeightBP: 3000, Panel: lots.Finance},
	} {
		lotstest.Must[lots.Question](t)(f.svc.AddQuestion(lctx, lead, l.ID, q))
	}
	return p, l
}

func (f *fixture) bid(email string, l lots.Lot, qs []lots.Question, text string) lots.Receipt {
	f.t.Helper()
	a, ctx := f.as(email)
	lotstest.OK(f.t, f.svc.RegisterInterest(ctx, a, l.ProcurementID))
	in := lots.DraftInput{Prices: []lots.PriceYear{{Year: 1, Pence: 100_000_00}, {Year: 2, Pence: 110_000_00}}}
	for _, q := range qs {
		if q.Kind != lots.Price {
			in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: text})
		}
	}
	lotstest.Must[lots.Submission](f.t)(f.svc.SaveDraft(ctx, a, l.ID, in))
	return lotstest.Must[lots.Receipt](f.t)(f.svc.Submit(ctx, a, l.ID))
}

func TestNobodyReadsAResponseBeforeTheDeadlineHasPassedAndTwoPeopleOpenedIt(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	r := f.bid("bids@estuary-urgent-care.test", l, qs, secretAnswer)
	if len(r.SHA256) != 64 {
		t.Fatalf("receipt %+v", r)
	}
	lead, lctx := f.as("lead@medway-ccg.test")
	admin, actx := f.as("admin@medway-ccg.test")
	platform, pctx := f.as("admin@golive.test")

	// Before the deadline: nobody, and the database holds no plaintext.
	_, err := f.svc.Responses(lctx, lead, p.ID, l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "the lead reading responses before the deadline")
	_, err = f.svc.Responses(pctx, platform, p.ID, l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "the platform admin reading responses")
	var blobs []struct{ AnswersSealed, PriceSealed []byte }
	f.db.Gorm.Raw("SELECT answers_sealed, price_sealed FROM submissions").Scan(&blobs)
	for _, b := range blobs {
		if bytes.Contains(b.AnswersSealed, []byte("Swale rota")) || bytes.Contains(b.PriceSealed, []byte("10000000")) {
			t.Fatal("plaintext in the database")
		}
	}
	var n int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE summary LIKE ?", "%Swale rota%").Scan(&n)
	if n != 0 {
		t.Fatal("an answer leaked into the audit trail")
	}
	lotstest.WantKind(t, f.svc.StartOpening(lctx, lead, p.ID), apperr.Conflict, "opening before the deadline")
	for _, u := range demo.People {
		a, ctx := f.as(u.Email)
		if _, err := f.svc.Responses(ctx, a, p.ID, l.ID); err == nil || !(apperr.IsKind(err, apperr.Forbidden) || apperr.IsKind(err, apperr.NotFound)) {
			t.Errorf("%s read responses before the deadline: %v", u.Email, err)
		}
	}

	// After the deadline, before opening: still sealed.
	f.now = p.SubmissionDeadline.Add(time.Minute)
	_, err = f.svc.Responses(lctx, lead, p.ID, l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "reading after the deadline but before opening")
	lotstest.OK(t, f.svc.StartOpening(lctx, lead, p.ID))
	_, err = f.svc.Responses(lctx, lead, p.ID, l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "reading after one person started the opening")
	lotstest.WantKind(t, f.svc.ConfirmOpening(lctx, lead, p.ID), apperr.Conflict, "the same person confirming")
	lotstest.OK(t, f.svc.ConfirmOpening(actx, admin, p.ID))

	resps := lotstest.Must[[]lots.ResponseView](t)(f.svc.Responses(lctx, lead, p.ID, l.ID))
	if len(resps) != 1 || resps[0].Answers[qs[0].ID] != secretAnswer || resps[0].SHA256 != r.SHA256 {
		t.Fatalf("opened responses: %+v", resps)
	}
	// Opening the quality envelope leaves the price schedule closed.
	var audits []string
	f.db.Gorm.Raw("SELECT action FROM audit_events WHERE object_id = ? ORDER BY seq", p.ID).Scan(&audits)
	if !strings.Contains(strings.Join(audits, ","), "opening.started,opening.confirmed") {
		t.Fatalf("opening not audited: %v", audits)
	}
}

func TestALateResponseIsRefused(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	a, ctx := f.as("bids@estuary-urgent-care.test")
	lotstest.OK(t, f.svc.RegisterInterest(ctx, a, p.ID))
	lotstest.Must[lots.Submission](t)(f.svc.SaveDraft(ctx, a, l.ID, lots.DraftInput{Answers: []lots.Answer{{QuestionID: qs[0].ID, Text: "x"}}}))
	f.now = p.SubmissionDeadline
	_, err := f.svc.Submit(ctx, a, l.ID)
	lotstest.WantKind(t, err, apperr.Conflict, "submitting at the deadline")
	if !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	_, err = f.svc.SaveDraft(ctx, a, l.ID, lots.DraftInput{})
	lotstest.WantKind(t, err, apperr.Conflict, "saving after the deadline")
}

func TestClarificationAnswersReachEveryBidderWithoutTheAsker(t *testing.T) {
	f := newFixture(t)
	p, _, _ := f.published()
	asker, actx := f.as("bids@weald-ambulance.test")
	other, octx := f.as("bids@estuary-urgent-care.test")
	lotstest.OK(t, f.svc.RegisterInterest(actx, asker, p.ID))
	lotstest.OK(t, f.svc.RegisterInterest(octx, other, p.ID))
	c := lotstest.Must[lots.Clarification](t)(f.svc.AskClarification(actx, asker, p.ID, lots.ClarificationInput{Question: "Is TUPE expected to apply?"}))

	v := lotstest.Must[lots.OpportunityView](t)(f.svc.Opportunity(octx, other, p.ID))
	if len(v.Clarifications) != 0 {
		t.Fatal("another bidder sees an unanswered private question")
	}
	lead, lctx := f.as("lead@medway-ccg.test")
	lotstest.OK(t, f.svc.AnswerClarification(lctx, lead, p.ID, c.ID, lots.AnswerInput{Answer: "Yes, for the current out-of-hours staff."}))
	v = lotstest.Must[lots.OpportunityView](t)(f.svc.Opportunity(octx, other, p.ID))
	if len(v.Clarifications) != 1 || v.Clarifications[0].Answer == "" || v.Clarifications[0].Mine {
		t.Fatalf("the other bidder's view: %+v", v.Clarifications)
	}
	var bodies []string
	f.db.Gorm.Raw("SELECT body_text FROM mail_messages WHERE subject LIKE 'Clarification%published%'").Scan(&bodies)
	if len(bodies) != 2 {
		t.Fatalf("%d notices, want one per registered bidder", len(bodies))
	}
	for _, b := range bodies {
		if strings.Contains(b, "Weald") {
			t.Fatal("the notice names the asker")
		}
	}
	mine := lotstest.Must[lots.OpportunityView](t)(f.svc.Opportunity(actx, asker, p.ID))
	if !mine.Clarifications[0].Mine {
		t.Fatal("the asker cannot tell its own question")
	}
}

func TestTheEstimatedValueIsSeenOnlyByTheLeadAndApprovers(t *testing.T) {
	f := newFixture(t)
	p, _, _ := f.published()
	for email, sees := range map[string]bool{
		"lead@medway-ccg.test": true, "approver@swale-ccg.test": true, "approver@medway-ccg.test": true,
		"observer@medway-ccg.test": false, "evaluator@medway-ccg.test": false, "admin@medway-ccg.test": false,
	} {
		a, ctx := f.as(email)
		v := lotstest.Must[lots.ProcurementView](t)(f.svc.Procurement(ctx, a, p.ID))
		if v.ShowValue != sees || (v.EstimatedValuePence != 0) != sees {
			t.Errorf("%s: ShowValue %v, value %d", email, v.ShowValue, v.EstimatedValuePence)
		}
	}
}

func TestOtherTenantsAndOtherBiddersAreRefused(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	f.bid("bids@estuary-urgent-care.test", l, qs, secretAnswer)

	beds, bctx := f.as("lead@bedfordshire-ccg.test")
	_, err := f.svc.Procurement(bctx, beds, p.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "another tenant reading the procurement")
	lotstest.WantKind(t, f.svc.Publish(bctx, beds, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}), apperr.NotFound, "another tenant publishing")
	thanet, tctx := f.as("approver@thanet-ccg.test")
	lotstest.WantKind(t, f.svc.Decide(tctx, thanet, p.ID, lots.DecisionInput{Decision: "reject", MeetingDate: f.now, MinuteRef: "x", Reason: "no"}), apperr.NotFound, "a non-participant's approver deciding")

	other, octx := f.as("bids@weald-ambulance.test")
	lotstest.OK(t, f.svc.RegisterInterest(octx, other, p.ID))
	v := lotstest.Must[lots.OpportunityView](t)(f.svc.Opportunity(octx, other, p.ID))
	if v.Lots[0].Latest != nil || v.Lots[0].Content != nil {
		t.Fatal("another bidder sees Estuary's response")
	}
	hw, hctx := f.as("reviewer@healthwatch-kent.test")
	_, err = f.svc.Procurement(hctx, hw, p.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Healthwatch reading the procurement")
	swale, sctx := f.as("approver@swale-ccg.test")
	lotstest.WantKind(t, f.svc.Publish(sctx, swale, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}), apperr.Forbidden, "a participant that does not lead publishing")
}

func TestEveryGoverningBodyMustApproveAndOneRejectionStopsIt(t *testing.T) {
	f := newFixture(t)
	lead, lctx := f.as("lead@medway-ccg.test")
	p := lotstest.Must[lots.Procurement](t)(f.svc.CreateProcurement(lctx, lead, lots.ProcurementInput{Title: "T", Reference: "T-1", Regime: lots.PA2023,
		Procedure: "Open", TermYears: 5, Participants: []string{f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]},
		ClarificationDeadline: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC), SubmissionDeadline: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		EvaluationStart: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), AwardDate: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC),
		ContractStart: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}))
	err := f.svc.SubmitForApproval(lctx, lead, p.ID)
	if e, isApp := apperr.As(err); !isApp || e.Kind != apperr.Invalid || len(e.Fields) == 0 {
		t.Fatalf("submitting an empty procurement: %v", err)
	}
	l := lotstest.Must[lots.Lot](t)(f.svc.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "L", ServiceTypes: []string{"nhs111"}, Participants: []string{f.orgs["NHS Medway CCG"]}}))
	lotstest.Must[lots.Question](t)(f.svc.AddQuestion(lctx, lead, l.ID, lots.QuestionInput{Section: "S", Number: "1", Text: "Q", Kind: lots.Scored, WeightBP: 9950, MaxScore: 4, Panel: lots.Clinical}))
	err = f.svc.SubmitForApproval(lctx, lead, p.ID)
	if e, _ := apperr.As(err); e == nil || !strings.Contains(e.Error()+join(e.Fields), "100") {
		t.Fatalf("weights of 99.5 %%: %v", err)
	}
	lotstest.OK(t, f.svc.ApplyTemplate(lctx, lead, l.ID, "psr"))
	lotstest.OK(t, f.svc.SubmitForApproval(lctx, lead, p.ID))

	med, mctx := f.as("approver@medway-ccg.test")
	lotstest.OK(t, f.svc.Decide(mctx, med, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: f.now, MinuteRef: "GB/1"}))
	lotstest.WantKind(t, f.svc.Decide(mctx, med, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: f.now, MinuteRef: "GB/1"}), apperr.Conflict, "deciding twice")
	err = f.svc.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true})
	if !apperr.IsKind(err, apperr.Conflict) || !strings.Contains(err.Error(), "NHS Swale CCG") {
		t.Fatalf("publishing with Swale undecided: %v", err)
	}
	sw, sctx := f.as("approver@swale-ccg.test")
	lotstest.OK(t, f.svc.Decide(sctx, sw, p.ID, lots.DecisionInput{Decision: "reject", MeetingDate: f.now, MinuteRef: "GB/9", Reason: "Affordability"}))
	lotstest.WantKind(t, f.svc.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}), apperr.Conflict, "publishing after a rejection")
	v := lotstest.Must[lots.ProcurementView](t)(f.svc.Procurement(lctx, lead, p.ID))
	if v.Effective != lots.Rejected {
		t.Fatalf("state after a rejection: %s", v.Effective)
	}
}

func TestAnAddendumThatChangesResponsesNeedsThemReconfirmed(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	f.bid("bids@estuary-urgent-care.test", l, qs, "first")
	lead, lctx := f.as("lead@medway-ccg.test")
	lotstest.Must[lots.Addendum](t)(f.svc.PublishAddendum(lctx, lead, p.ID, lots.AddendumInput{Title: "Question 1.1 reworded", Body: "See the new wording.", ChangesResponses: true}))
	a, ctx := f.as("bids@estuary-urgent-care.test")
	v := lotstest.Must[lots.OpportunityView](t)(f.svc.Opportunity(ctx, a, p.ID))
	if v.Lots[0].Counting || !v.Lots[0].Latest.NeedsReconfirm {
		t.Fatal("a response submitted before the addendum still counts unconfirmed")
	}
	lotstest.Must[lots.Receipt](t)(f.svc.Submit(ctx, a, l.ID))
	v = lotstest.Must[lots.OpportunityView](t)(f.svc.Opportunity(ctx, a, p.ID))
	if !v.Lots[0].Counting {
		t.Fatal("re-confirming did not make the response count")
	}
}

func TestWordLimitsAreEnforcedWithAMessagePerAnswer(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	a, ctx := f.as("bids@estuary-urgent-care.test")
	lotstest.OK(t, f.svc.RegisterInterest(ctx, a, p.ID))
	_, err := f.svc.SaveDraft(ctx, a, l.ID, lots.DraftInput{Answers: []lots.Answer{{QuestionID: qs[0].ID, Text: strings.Repeat("word ", 51)}}})
	e, isApp := apperr.As(err)
	if !isApp || e.Fields["answers."+qs[0].ID] == "" {
		t.Fatalf("51 words against a limit of 50: %v", err)
	}
}

func join(m map[string]string) string {
	var b strings.Builder
	for _, v := range m {
		b.WriteString(v)
	}
	return b.String()
}

// A lead's procurement references are unique whatever their case, on creation and on edit, and
// a clash is a conflict on the reference field (not a 500, as an edit once was).
func TestAReferenceIsUniqueWithinALeadWhateverItsCase(t *testing.T) {
	f := newFixture(t)
	lead, lctx := f.as("lead@medway-ccg.test")
	in := func(ref string) lots.ProcurementInput {
		return lots.ProcurementInput{Title: "Reference " + ref, Reference: ref, Regime: lots.PSR2024, Procedure: "Competitive process",
			TermYears: 2, EstimatedValuePence: 1_000_00, Participants: []string{f.orgs["NHS Medway CCG"]},
			ClarificationDeadline: f.now.AddDate(0, 1, 0), SubmissionDeadline: f.now.AddDate(0, 2, 0), EvaluationStart: f.now.AddDate(0, 2, 1),
			AwardDate: f.now.AddDate(0, 3, 0), ContractStart: f.now.AddDate(0, 8, 0)}
	}
	lotstest.Must[lots.Procurement](t)(f.svc.CreateProcurement(lctx, lead, in("DUP-A-1")))
	refused := func(what string, err error) {
		t.Helper()
		ae, ok := apperr.As(err)
		if !ok || ae.Kind != apperr.Conflict || ae.Fields["reference"] == "" {
			t.Fatalf("%s: got %v, want a conflict on the reference field", what, err)
		}
	}
	_, err := f.svc.CreateProcurement(lctx, lead, in("dup-a-1"))
	refused("creating dup-a-1 beside DUP-A-1", err)
	other := lotstest.Must[lots.Procurement](t)(f.svc.CreateProcurement(lctx, lead, in("OTHER-1")))
	_, err = f.svc.UpdateProcurement(lctx, lead, other.ID, in("Dup-A-1"))
	refused("renaming OTHER-1 to Dup-A-1", err)
	// The refused edit changed nothing, and the same reference is free at another lead.
	got := lotstest.Must[lots.ProcurementView](t)(f.svc.Procurement(lctx, lead, other.ID))
	if got.Reference != "OTHER-1" {
		t.Errorf("after the refused edit the reference is %q", got.Reference)
	}
	bed, bctx := f.as("lead@bedfordshire-ccg.test")
	bin := in("dup-a-1")
	bin.Participants = []string{f.orgs["NHS Bedfordshire CCG"]}
	lotstest.Must[lots.Procurement](t)(f.svc.CreateProcurement(bctx, bed, bin))
}
