package evaluation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/database"
	"golive/evaluation"
	"golive/evaluation/award"
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
	lots *lots.Service
	svc  *evaluation.Service
	// award is the award on top of the evaluation: the price formula is fixed, and the export
	// gives the award, once a bidder is recommended.
	award *award.Service
	now   time.Time
	orgs  map[string]string
	// lotCovers names the commissioners the lot covers; empty, both Medway and Swale.
	lotCovers []string
	// regime is the procurement's regime; empty, the PSR.
	regime lots.Regime
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, now: time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	f.env = lotstest.New(t, clock)
	f.db, f.ten, f.lots, f.orgs = f.env.DB, f.env.Tenants, f.env.Lots, f.env.Orgs
	f.svc = &evaluation.Service{Store: evaluation.NewStore(f.env.DB), Lots: f.lots, Now: clock}
	f.award = &award.Service{Store: award.NewStore(f.env.DB), Eval: f.svc, People: tenants.NewDirectory(f.env.DB),
		Mail: f.lots.Mail, BaseURL: f.lots.BaseURL, Now: clock, Log: f.lots.Log}
	f.svc.Awards = f.award
	// A second commissioner's evaluator: the demo has one evaluator, at Medway.
	err := f.ten.Store.Tx(ctx, func(tx *tenants.Store) error {
		u := tenants.User{ID: tenants.NewID(), OrgID: f.orgs["NHS Swale CCG"], Email: "evaluator@swale-ccg.test", Name: "Dr Pat Swale",
			Active: true, CreatedAt: f.now, UpdatedAt: f.now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.SetRoles(ctx, u.ID, u.OrgID, []access.Role{access.RoleEvaluator})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ten.Authz.Changed(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) as(email string) (*access.Actor, context.Context) {
	f.t.Helper()
	return f.env.As(f.t, email)
}

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

const (
	leadEmail   = "lead@medway-ccg.test"
	medwayEmail = "evaluator@medway-ccg.test"
	swaleEmail  = "evaluator@swale-ccg.test"
	hwEmail     = "reviewer@healthwatch-kent.test"
	estuary     = "Estuary Urgent Care CIC"
	weald       = "Weald Ambulance Service NHS Trust"
)

// world is a procurement run through lots to opening: Medway leads, Swale takes part; one lot
// with a clinical question (1.1), a patient question (1.2), a pass/fail (1.3) and a price
// schedule (2.1); Estuary and Weald have bid.
type world struct {
	p       lots.Procurement
	l       lots.Lot
	q       map[string]lots.Question // by number
	bidders map[string]string        // name → org id
}

func answerText(bidder, number string) string {
	return bidder + " answers question " + number + " in full"
}

func (f *fixture) published() world {
	t := f.t
	lead, lctx := f.as(leadEmail)
	medway, swale := f.orgs["NHS Medway CCG"], f.orgs["NHS Swale CCG"]
	regime := f.regime
	if regime == "" {
		regime = lots.PSR2024
	}
	p := lotstest.Must[lots.Procurement](t)(f.lots.CreateProcurement(lctx, lead, lots.ProcurementInput{
		Title: "Medway and Swale UTC", Reference: "MS-EV", Regime: regime, Procedure: "Competitive process", TermYears: 2,
		EstimatedValuePence: 123_456_789_00, Participants: []string{medway, swale},
		ClarificationDeadline: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC), SubmissionDeadline: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		EvaluationStart: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), AwardDate: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC),
		ContractStart: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}))
	covers := []string{medway, swale}
	if len(f.lotCovers) > 0 {
		covers = nil
		for _, name := range f.lotCovers {
			covers = append(covers, f.orgs[name])
		}
	}
	l := lotstest.Must[lots.Lot](t)(f.lots.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "UTC", ServiceTypes: []string{"utc"},
		Participants: covers}))
	for _, q := range []lots.QuestionInput{
		{Section: "Quality", Number: "1.1", Text: "Describe your workforce model", Kind: lots.Scored, WeightBP: 4000, MaxScore: 4, MinScore: 2, Panel: lots.Clinical},
		{Section: "Quality", Number: "1.2", Text: "How will patients experience the service?", Kind: lots.Scored, WeightBP: 3000, MaxScore: 4, Panel: lots.Patient},
		{Section: "Quality", Number: "1.3", Text: "Confirm CQC registration", Kind: lots.PassFail, Panel: lots.Clinical},
		{Section: "Price", Number: "2.1", Text: "Price schedule", Kind: lots.Price, WeightBP: 3000, Panel: lots.Finance},
	} {
		lotstest.Must[lots.Question](t)(f.lots.AddQuestion(lctx, lead, l.ID, q))
	}
	lotstest.OK(t, f.lots.SubmitForApproval(lctx, lead, p.ID))
	for _, ap := range []string{"approver@medway-ccg.test", "approver@swale-ccg.test"} {
		a, actx := f.as(ap)
		lotstest.OK(t, f.lots.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: f.now.Add(-time.Hour), MinuteRef: "GB/1", Part2: true}))
	}
	lotstest.OK(t, f.lots.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}))
	w := world{p: p, l: l, q: map[string]lots.Question{}, bidders: map[string]string{}}
	for _, q := range lotstest.Must[[]lots.Question](t)(f.lots.Store.Questions(lctx, l.ID)) {
		w.q[q.Number] = q
	}
	for email, name := range map[string]string{"bids@estuary-urgent-care.test": estuary, "bids@weald-ambulance.test": weald} {
		a, ctx := f.as(email)
		lotstest.OK(t, f.lots.RegisterInterest(ctx, a, p.ID))
		in := lots.DraftInput{Prices: []lots.PriceYear{{Year: 1, Pence: 100_000_00}, {Year: 2, Pence: 110_000_00}}}
		for _, q := range w.q {
			if q.Kind != lots.Price {
				in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: answerText(name, q.Number)})
			}
		}
		lotstest.Must[lots.Submission](t)(f.lots.SaveDraft(ctx, a, l.ID, in))
		lotstest.Must[lots.Receipt](t)(f.lots.Submit(ctx, a, l.ID))
		w.bidders[name] = a.OrgID
	}
	return w
}

// opened runs the procurement past its deadline and through the two-person opening.
func (f *fixture) opened() world {
	w := f.published()
	f.now = w.p.SubmissionDeadline.Add(time.Hour)
	lead, lctx := f.as(leadEmail)
	admin, actx := f.as("admin@medway-ccg.test")
	lotstest.OK(f.t, f.lots.StartOpening(lctx, lead, w.p.ID))
	lotstest.OK(f.t, f.lots.ConfirmOpening(actx, admin, w.p.ID))
	f.now = f.now.Add(time.Hour)
	return w
}

func (f *fixture) userID(email string) string {
	a, _ := f.as(email)
	return a.UserID
}

// panel puts the Medway and Swale evaluators on 1.1, 1.2 and 1.3, and Healthwatch on 1.2.
func (f *fixture) panel(w world) {
	lead, lctx := f.as(leadEmail)
	all := []string{w.q["1.1"].ID, w.q["1.2"].ID, w.q["1.3"].ID}
	for email, qs := range map[string][]string{medwayEmail: all, swaleEmail: all, hwEmail: {w.q["1.2"].ID}} {
		lotstest.Must[evaluation.PanelMember](f.t)(f.svc.AddEvaluator(lctx, lead, w.l.ID, evaluation.EvaluatorInput{UserID: f.userID(email), Questions: qs}))
	}
}

func (f *fixture) declare(w world, email, bidder string, d evaluation.Interest, reason string) {
	f.t.Helper()
	a, ctx := f.as(email)
	lotstest.OK(f.t, f.svc.Declare(ctx, a, w.l.ID, evaluation.DeclarationInput{BidderOrgID: w.bidders[bidder], Decision: d, Reason: reason}))
}

// declarations: nobody is conflicted but the Swale evaluator, with Weald.
func (f *fixture) declarations(w world) {
	for _, e := range []string{medwayEmail, hwEmail} {
		f.declare(w, e, estuary, evaluation.NoInterest, "")
		f.declare(w, e, weald, evaluation.NoInterest, "")
	}
	f.declare(w, swaleEmail, estuary, evaluation.NoInterest, "")
	f.declare(w, swaleEmail, weald, evaluation.Conflicted, "My partner is a paramedic manager at Weald")
}

func rationale(what string) string {
	return "The response " + what + ", as the evidence in section 2 shows."
}

func (f *fixture) score(w world, email, number, bidder string, score *int, passed *bool) error {
	a, ctx := f.as(email)
	return f.svc.RecordScore(ctx, a, w.l.ID, evaluation.ScoreInput{QuestionID: w.q[number].ID, BidderOrgID: w.bidders[bidder],
		Score: score, Passed: passed, Rationale: rationale("meets the requirement " + number)})
}

// scores marks every assigned question, Estuary 1.1 widely apart (3 and 1).
func (f *fixture) scores(w world) {
	t := f.t
	lotstest.OK(t, f.score(w, medwayEmail, "1.1", estuary, intp(3), nil))
	lotstest.OK(t, f.score(w, medwayEmail, "1.1", weald, intp(2), nil))
	lotstest.OK(t, f.score(w, medwayEmail, "1.2", estuary, intp(2), nil))
	lotstest.OK(t, f.score(w, medwayEmail, "1.2", weald, intp(2), nil))
	lotstest.OK(t, f.score(w, medwayEmail, "1.3", estuary, nil, boolp(true)))
	lotstest.OK(t, f.score(w, medwayEmail, "1.3", weald, nil, boolp(true)))
	lotstest.OK(t, f.score(w, swaleEmail, "1.1", estuary, intp(1), nil))
	lotstest.OK(t, f.score(w, swaleEmail, "1.2", estuary, intp(3), nil))
	lotstest.OK(t, f.score(w, swaleEmail, "1.3", estuary, nil, boolp(true)))
	lotstest.OK(t, f.score(w, hwEmail, "1.2", estuary, intp(4), nil))
	lotstest.OK(t, f.score(w, hwEmail, "1.2", weald, intp(3), nil))
}

func (f *fixture) submit(w world, emails ...string) {
	for _, e := range emails {
		a, ctx := f.as(e)
		lotstest.OK(f.t, f.svc.SubmitScores(ctx, a, w.l.ID))
	}
}

func audits(f *fixture, action string) int {
	var n int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action = ?", action).Scan(&n)
	return int(n)
}

func TestAPanelScoresIndependentlyThenModeratesToConsensus(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	lead, lctx := f.as(leadEmail)
	f.panel(w)
	v := lotstest.Must[evaluation.PanelView](t)(f.svc.Panel(lctx, lead, w.l.ID))
	if len(v.Members) != 3 || len(v.Bidders) != 2 || len(v.Questions) != 3 {
		t.Fatalf("panel: %d members, %d bidders, %d quality questions", len(v.Members), len(v.Bidders), len(v.Questions))
	}

	f.declarations(w)
	if n := audits(f, "interest.declared"); n != 6 {
		t.Fatalf("%d declarations audited, want 6", n)
	}
	hw, hctx := f.as(hwEmail)
	r := lotstest.Must[evaluation.ResponseView](t)(f.svc.Response(hctx, hw, w.l.ID, w.bidders[estuary]))
	if len(r.Answers) != 1 || r.Answers[0].Number != "1.2" || r.Answers[0].Answer != answerText(estuary, "1.2") {
		t.Fatalf("Healthwatch reads %+v, want only its patient question", r.Answers)
	}

	f.scores(w)
	// An evaluator may change a mark until they submit.
	lotstest.OK(t, f.score(w, medwayEmail, "1.1", weald, intp(1), nil))
	med, mctx := f.as(medwayEmail)
	own := lotstest.Must[[]evaluation.IndividualScore](t)(f.svc.Scores(mctx, med, w.l.ID, med.UserID))
	if len(own) != 6 {
		t.Fatalf("Medway's own marks: %d, want 6", len(own))
	}
	for _, sc := range own {
		if sc.QuestionID == w.q["1.1"].ID && sc.BidderOrgID == w.bidders[weald] && *sc.Score != 1 {
			t.Fatalf("the changed mark is %d", *sc.Score)
		}
	}

	f.submit(w, medwayEmail, swaleEmail, hwEmail)
	lotstest.WantKind(t, f.score(w, medwayEmail, "1.1", weald, intp(4), nil), apperr.Conflict, "changing a mark after submitting")
	v = lotstest.Must[evaluation.PanelView](t)(f.svc.Panel(lctx, lead, w.l.ID))
	for _, m := range v.Members {
		if m.SubmittedAt == nil || !m.Declared {
			t.Fatalf("%s: submitted %v, declared %v", m.Name, m.SubmittedAt, m.Declared)
		}
		if m.Name == "Dr Pat Swale" && (len(m.Conflicts) != 1 || m.Conflicts[0] != weald) {
			t.Fatalf("Swale's conflicts: %v", m.Conflicts)
		}
	}

	for _, n := range []string{"1.1", "1.2", "1.3"} {
		lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q[n].ID))
	}
	mv := lotstest.Must[evaluation.ModerationView](t)(f.svc.Moderation(lctx, lead, w.l.ID, w.q["1.1"].ID))
	for _, b := range mv.Bids {
		switch b.Name {
		case estuary:
			if len(b.Marks) != 2 || b.Spread != 2 || !b.Wide {
				t.Fatalf("Estuary on 1.1: %+v", b)
			}
		case weald:
			// the Swale evaluator is conflicted with Weald: one mark only
			if len(b.Marks) != 1 || b.Wide {
				t.Fatalf("Weald on 1.1: %+v", b)
			}
		}
	}
	// At moderation the lead sees individual marks.
	if got := lotstest.Must[[]evaluation.IndividualScore](t)(f.svc.Scores(lctx, lead, w.l.ID, med.UserID)); len(got) != 6 {
		t.Fatalf("the lead sees %d of Medway's marks at moderation", len(got))
	}

	consensus := map[string]map[string]evaluation.ConsensusInput{
		"1.1": {estuary: {Score: intp(2)}, weald: {Score: intp(1)}},
		"1.2": {estuary: {Score: intp(3)}, weald: {Score: intp(2)}},
		"1.3": {estuary: {Passed: boolp(true)}, weald: {Passed: boolp(true)}},
	}
	n := 0
	for num, byBidder := range consensus {
		for bidder, in := range byBidder {
			if v := lotstest.Must[evaluation.PanelView](t)(f.svc.Panel(lctx, lead, w.l.ID)); v.QualityModeratedAt != nil {
				t.Fatalf("quality moderation complete after %d of 6 consensus marks", n)
			}
			in.QuestionID, in.BidderOrgID, in.Rationale = w.q[num].ID, w.bidders[bidder], rationale("was agreed by the panel for "+num)
			lotstest.OK(t, f.svc.RecordConsensus(lctx, lead, w.l.ID, in))
			n++
		}
	}
	v = lotstest.Must[evaluation.PanelView](t)(f.svc.Panel(lctx, lead, w.l.ID))
	if v.QualityModeratedAt == nil {
		t.Fatal("quality moderation is not complete with every consensus recorded")
	}
	if audits(f, "quality_moderation.completed") != 1 || audits(f, "consensus.recorded") != 6 || audits(f, "scores.submitted") != 3 {
		t.Fatal("moderation not audited")
	}
	err := f.svc.RecordConsensus(lctx, lead, w.l.ID, evaluation.ConsensusInput{QuestionID: w.q["1.1"].ID, BidderOrgID: w.bidders[weald],
		Score: intp(4), Rationale: rationale("was changed after moderation")})
	lotstest.WantKind(t, err, apperr.Conflict, "changing a consensus after quality moderation is complete")

	// The audit trail proves each mark without showing it before moderation.
	var leaked int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action IN ('score.recorded', 'scores.submitted') AND summary LIKE ?", "%meets the requirement%").Scan(&leaked)
	if leaked != 0 {
		t.Fatal("an individual rationale is in the audit trail")
	}
}

func TestNobodyReadsOrScoresBeforeDeclaringForEveryBidder(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	f.declare(w, medwayEmail, estuary, evaluation.NoInterest, "")
	err := f.score(w, medwayEmail, "1.1", estuary, intp(3), nil)
	lotstest.WantKind(t, err, apperr.Conflict, "scoring before declaring about Weald")
	if !strings.Contains(err.Error(), "Declare") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	med, mctx := f.as(medwayEmail)
	_, err = f.svc.Response(mctx, med, w.l.ID, w.bidders[estuary])
	lotstest.WantKind(t, err, apperr.Conflict, "reading a response before declaring about Weald")
	lotstest.WantKind(t, f.svc.Declare(mctx, med, w.l.ID, evaluation.DeclarationInput{BidderOrgID: w.bidders[weald], Decision: evaluation.Conflicted, Reason: ""}),
		apperr.Invalid, "a conflict without a reason")
	f.declare(w, medwayEmail, weald, evaluation.NoInterest, "")
	lotstest.OK(t, f.score(w, medwayEmail, "1.1", estuary, intp(3), nil))
}

func TestAConflictedEvaluatorNeitherReadsNorScoresThatBidder(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	f.declarations(w)
	sw, sctx := f.as(swaleEmail)
	_, err := f.svc.Response(sctx, sw, w.l.ID, w.bidders[weald])
	lotstest.WantKind(t, err, apperr.Forbidden, "the Swale evaluator reading Weald")
	_, err = f.svc.Answer(sctx, sw, w.l.ID, w.bidders[weald], w.q["1.1"].ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "the Swale evaluator reading Weald's 1.1")
	lotstest.WantKind(t, f.score(w, swaleEmail, "1.1", weald, intp(2), nil), apperr.Forbidden, "the Swale evaluator scoring Weald")
	r := lotstest.Must[evaluation.ResponseView](t)(f.svc.Response(sctx, sw, w.l.ID, w.bidders[estuary]))
	if len(r.Answers) != 3 {
		t.Fatalf("Swale reads %d of Estuary's answers, want 3", len(r.Answers))
	}
	// A declared conflict stands.
	lotstest.WantKind(t, f.svc.Declare(sctx, sw, w.l.ID, evaluation.DeclarationInput{BidderOrgID: w.bidders[weald], Decision: evaluation.NoInterest}),
		apperr.Conflict, "withdrawing a conflict")
	// Swale has nothing to mark for Weald: submitting needs only Estuary's marks.
	lotstest.OK(t, f.score(w, swaleEmail, "1.1", estuary, intp(1), nil))
	lotstest.OK(t, f.score(w, swaleEmail, "1.2", estuary, intp(3), nil))
	lotstest.OK(t, f.score(w, swaleEmail, "1.3", estuary, nil, boolp(false)))
	f.submit(w, swaleEmail)
}

func TestAnEvaluatorReadsOnlyTheirQuestionsAndTheirOwnScores(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	hw, hctx := f.as(hwEmail)
	_, err := f.svc.Answer(hctx, hw, w.l.ID, w.bidders[estuary], w.q["1.1"].ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "Healthwatch reading the clinical question")
	a := lotstest.Must[evaluation.AnswerView](t)(f.svc.Answer(hctx, hw, w.l.ID, w.bidders[estuary], w.q["1.2"].ID))
	if a.Answer != answerText(estuary, "1.2") {
		t.Fatalf("Healthwatch's own question reads %q", a.Answer)
	}
	lotstest.WantKind(t, f.score(w, hwEmail, "1.1", estuary, intp(4), nil), apperr.Forbidden, "Healthwatch scoring the clinical question")
	ws := lotstest.Must[evaluation.WorkspaceView](t)(f.svc.Workspace(hctx, hw, w.l.ID))
	if len(ws.Questions) != 1 || ws.Questions[0].Number != "1.2" || len(ws.Scores) != 2 {
		t.Fatalf("Healthwatch's workspace: %d questions, %d marks", len(ws.Questions), len(ws.Scores))
	}

	med := f.userID(medwayEmail)
	sw, sctx := f.as(swaleEmail)
	_, err = f.svc.Scores(sctx, sw, w.l.ID, med)
	lotstest.WantKind(t, err, apperr.Forbidden, "the Swale evaluator reading Medway's marks")
	_, err = f.svc.Scores(hctx, hw, w.l.ID, med)
	lotstest.WantKind(t, err, apperr.Forbidden, "Healthwatch reading Medway's marks")
	// Even once moderation has started, another evaluator does not read them.
	f.submit(w, medwayEmail, swaleEmail, hwEmail)
	lead, lctx := f.as(leadEmail)
	lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q["1.1"].ID))
	_, err = f.svc.Scores(sctx, sw, w.l.ID, med)
	lotstest.WantKind(t, err, apperr.Forbidden, "the Swale evaluator reading Medway's marks at moderation")
	_, err = f.svc.Moderation(sctx, sw, w.l.ID, w.q["1.1"].ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "the Swale evaluator reading the moderation")
}

func TestTheLeadSeesWhoSubmittedButNoIndividualScoreBeforeModeration(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	f.submit(w, medwayEmail)
	lead, lctx := f.as(leadEmail)
	med := f.userID(medwayEmail)
	_, err := f.svc.Scores(lctx, lead, w.l.ID, med)
	lotstest.WantKind(t, err, apperr.Forbidden, "the lead reading Medway's submitted marks before moderation")
	_, err = f.svc.Moderation(lctx, lead, w.l.ID, w.q["1.1"].ID)
	lotstest.WantKind(t, err, apperr.Conflict, "the lead reading the moderation before it starts")
	v := lotstest.Must[evaluation.PanelView](t)(f.svc.Panel(lctx, lead, w.l.ID))
	submitted := 0
	for _, m := range v.Members {
		if m.SubmittedAt != nil {
			submitted++
		}
	}
	if submitted != 1 {
		t.Fatalf("%d submitted, want 1", submitted)
	}
	// The lead commissioner's own evaluator is not the lead.
	m, mctx := f.as(medwayEmail)
	_, err = f.svc.Panel(mctx, m, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "Medway's evaluator reading the panel")
}

func TestModerationStartsOnlyWhenEveryEvaluatorHasSubmitted(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	f.submit(w, medwayEmail, hwEmail)
	lead, lctx := f.as(leadEmail)
	err := f.svc.StartModeration(lctx, lead, w.l.ID, w.q["1.1"].ID)
	lotstest.WantKind(t, err, apperr.Conflict, "moderating 1.1 before the Swale evaluator submitted")
	if !strings.Contains(err.Error(), "Dr Pat Swale") {
		t.Fatalf("the refusal does not say who is awaited: %v", err)
	}
	v := lotstest.Must[evaluation.PanelView](t)(f.svc.Panel(lctx, lead, w.l.ID))
	if len(v.Questions[0].Awaiting) != 1 || v.Questions[0].Awaiting[0] != "Dr Pat Swale" {
		t.Fatalf("awaiting on 1.1: %v", v.Questions[0].Awaiting)
	}
	f.submit(w, swaleEmail)
	lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q["1.1"].ID))
	lotstest.OK(t, f.svc.RecordConsensus(lctx, lead, w.l.ID, evaluation.ConsensusInput{QuestionID: w.q["1.1"].ID, BidderOrgID: w.bidders[estuary],
		Score: intp(2), Rationale: rationale("was agreed after discussion")}))
	err = f.svc.RecordConsensus(lctx, lead, w.l.ID, evaluation.ConsensusInput{QuestionID: w.q["1.2"].ID, BidderOrgID: w.bidders[estuary],
		Score: intp(2), Rationale: rationale("was agreed after discussion")})
	lotstest.WantKind(t, err, apperr.Conflict, "a consensus on a question whose moderation has not started")
}

func TestThePanelFormsOnlyAfterOpeningAndOnlyFromEvaluators(t *testing.T) {
	f := newFixture(t)
	w := f.published()
	lead, lctx := f.as(leadEmail)
	in := evaluation.EvaluatorInput{UserID: f.userID(medwayEmail), Questions: []string{w.q["1.1"].ID}}
	_, err := f.svc.AddEvaluator(lctx, lead, w.l.ID, in)
	lotstest.WantKind(t, err, apperr.Conflict, "forming the panel before opening")
	f.now = w.p.SubmissionDeadline.Add(time.Hour)
	admin, actx := f.as("admin@medway-ccg.test")
	lotstest.OK(t, f.lots.StartOpening(lctx, lead, w.p.ID))
	lotstest.OK(t, f.lots.ConfirmOpening(actx, admin, w.p.ID))

	sw, sctx := f.as("approver@swale-ccg.test")
	_, err = f.svc.AddEvaluator(sctx, sw, w.l.ID, in)
	lotstest.WantKind(t, err, apperr.Forbidden, "a participant that does not lead forming the panel")
	for _, email := range []string{"observer@medway-ccg.test", "approver@swale-ccg.test", "bids@estuary-urgent-care.test"} {
		_, err = f.svc.AddEvaluator(lctx, lead, w.l.ID, evaluation.EvaluatorInput{UserID: f.userID(email), Questions: []string{w.q["1.1"].ID}})
		lotstest.WantKind(t, err, apperr.Invalid, email+" put on the panel")
	}
	_, err = f.svc.AddEvaluator(lctx, lead, w.l.ID, evaluation.EvaluatorInput{UserID: f.userID(medwayEmail), Questions: []string{w.q["2.1"].ID}})
	lotstest.WantKind(t, err, apperr.Invalid, "the price schedule given to the panel")
	lotstest.Must[evaluation.PanelMember](t)(f.svc.AddEvaluator(lctx, lead, w.l.ID, in))
	_, err = f.svc.AddEvaluator(lctx, lead, w.l.ID, in)
	lotstest.WantKind(t, err, apperr.Conflict, "the same evaluator twice")
}

func TestHealthwatchScoresOnlyPatientQuestionsAndSeesNoPrice(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	lead, lctx := f.as(leadEmail)
	hwID := f.userID(hwEmail)
	_, err := f.svc.AddEvaluator(lctx, lead, w.l.ID, evaluation.EvaluatorInput{UserID: hwID, Questions: []string{w.q["1.2"].ID, w.q["1.1"].ID}})
	lotstest.WantKind(t, err, apperr.Invalid, "Healthwatch given the clinical question")
	if e, _ := apperr.As(err); e == nil || !strings.Contains(e.Fields["questions"], "patient") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	f.panel(w)
	lotstest.WantKind(t, f.svc.AssignQuestions(lctx, lead, w.l.ID, hwID, []string{w.q["1.3"].ID}), apperr.Invalid, "Healthwatch given the pass/fail clinical question")
	f.declarations(w)
	f.scores(w)
	f.submit(w, medwayEmail, swaleEmail, hwEmail)
	lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q["1.2"].ID))

	// Every read that shows the lot's moderation (where totals and price join it next) refuses
	// Healthwatch, even on its own question.
	hw, hctx := f.as(hwEmail)
	_, err = f.svc.Moderation(hctx, hw, w.l.ID, w.q["1.2"].ID)
	if !apperr.IsKind(err, apperr.NotFound) && !apperr.IsKind(err, apperr.Forbidden) {
		t.Fatalf("Healthwatch reading the moderation: %v", err)
	}
	_, err = f.svc.Panel(hctx, hw, w.l.ID)
	if !apperr.IsKind(err, apperr.NotFound) && !apperr.IsKind(err, apperr.Forbidden) {
		t.Fatalf("Healthwatch reading the panel: %v", err)
	}
	// What it does read holds no price question.
	ws := lotstest.Must[evaluation.WorkspaceView](t)(f.svc.Workspace(hctx, hw, w.l.ID))
	for _, q := range ws.Questions {
		if q.Kind == lots.Price || q.Panel != lots.Patient {
			t.Fatalf("Healthwatch's workspace shows question %s", q.Number)
		}
	}
	_, err = f.svc.Answer(hctx, hw, w.l.ID, w.bidders[estuary], w.q["2.1"].ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "Healthwatch reading the price schedule")
}

func TestAnotherTenantGetsNotFound(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	beds, bctx := f.as("lead@bedfordshire-ccg.test")
	_, err := f.svc.AddEvaluator(bctx, beds, w.l.ID, evaluation.EvaluatorInput{UserID: f.userID(medwayEmail), Questions: []string{w.q["1.1"].ID}})
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire forming the panel")
	_, err = f.svc.Panel(bctx, beds, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading the panel")
	lotstest.WantKind(t, f.svc.StartModeration(bctx, beds, w.l.ID, w.q["1.1"].ID), apperr.NotFound, "Bedfordshire starting moderation")
	_, err = f.svc.Moderation(bctx, beds, w.l.ID, w.q["1.1"].ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading the moderation")
	_, err = f.svc.Workspace(bctx, beds, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading the workspace")
	_, err = f.svc.Scores(bctx, beds, w.l.ID, f.userID(medwayEmail))
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading Medway's marks")
	_, err = f.svc.Response(bctx, beds, w.l.ID, w.bidders[estuary])
	lotstest.WantKind(t, err, apperr.NotFound, "Bedfordshire reading a response")

	// A panel member's own user acting in another organisation's tenant finds nothing.
	med, _ := f.as(medwayEmail)
	otherCtx := database.WithTenant(context.Background(), f.orgs["NHS Bedfordshire CCG"])
	_, err = f.svc.Workspace(otherCtx, med, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "Medway's evaluator under Bedfordshire's tenant")
	err = f.svc.RecordScore(otherCtx, med, w.l.ID, evaluation.ScoreInput{QuestionID: w.q["1.1"].ID, BidderOrgID: w.bidders[estuary], Score: intp(1), Rationale: rationale("x")})
	lotstest.WantKind(t, err, apperr.NotFound, "Medway's evaluator scoring under Bedfordshire's tenant")
	// No tenant at all fails too, never reads every tenant's rows.
	_, err = f.svc.Workspace(context.Background(), med, w.l.ID)
	if err == nil {
		t.Fatal("a workspace read without a tenant succeeded")
	}
}

func countRows(f *fixture, table, lotID, userID string) int {
	var n int64
	f.db.Gorm.Table(table).Where("lot_id = ? AND user_id = ?", lotID, userID).Count(&n)
	return int(n)
}

func TestTheLeadTakesAnEvaluatorOffThePanelUntilTheySubmit(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	lead, lctx := f.as(leadEmail)
	swale, med := f.userID(swaleEmail), f.userID(medwayEmail)
	const why = "Dr Swale has left the CCG and can no longer take part"

	err := f.svc.RemoveEvaluator(lctx, lead, w.l.ID, swale, "left")
	lotstest.WantKind(t, err, apperr.Invalid, "a removal with too short a reason")
	if e, _ := apperr.As(err); e == nil || e.Fields["reason"] == "" {
		t.Fatalf("the refusal is not beside the reason: %v", err)
	}
	m, mctx := f.as(medwayEmail)
	lotstest.WantKind(t, f.svc.RemoveEvaluator(mctx, m, w.l.ID, swale, why), apperr.Forbidden, "an evaluator taking another off the panel")
	beds, bctx := f.as("lead@bedfordshire-ccg.test")
	lotstest.WantKind(t, f.svc.RemoveEvaluator(bctx, beds, w.l.ID, swale, why), apperr.NotFound, "another tenant's lead taking an evaluator off")
	lotstest.WantKind(t, f.svc.RemoveEvaluator(lctx, lead, w.l.ID, f.userID("observer@medway-ccg.test"), why), apperr.NotFound, "taking off someone not on the panel")
	lotstest.WantKind(t, f.svc.RemoveEvaluator(lctx, lead, w.l.ID, "not-an-id", why), apperr.NotFound, "taking off a malformed id")
	if n := countRows(f, "scores", w.l.ID, swale); n != 3 {
		t.Fatalf("refused removals changed Swale's marks: %d, want 3", n)
	}

	lotstest.OK(t, f.svc.RemoveEvaluator(lctx, lead, w.l.ID, swale, "  "+why+"  "))
	for _, table := range []string{"panel_members", "panel_assignments", "declarations", "scores"} {
		if n := countRows(f, table, w.l.ID, swale); n != 0 {
			t.Fatalf("%d rows of %s left for the evaluator taken off", n, table)
		}
	}
	var summary string
	f.db.Gorm.Raw("SELECT summary FROM audit_events WHERE action = 'panel.evaluator_removed'").Scan(&summary)
	if !strings.Contains(summary, why) || !strings.Contains(summary, swale) {
		t.Fatalf("the removal's audit entry does not keep who and why: %q", summary)
	}
	v := lotstest.Must[evaluation.PanelView](t)(f.svc.Panel(lctx, lead, w.l.ID))
	if len(v.Members) != 2 {
		t.Fatalf("%d on the panel after taking one of 3 off", len(v.Members))
	}
	sw, sctx := f.as(swaleEmail)
	_, err = f.svc.Workspace(sctx, sw, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "the evaluator taken off reading the workspace")

	// Moderation no longer waits for them; and the evaluators who have submitted stay.
	f.submit(w, medwayEmail, hwEmail)
	lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q["1.1"].ID))
	err = f.svc.RemoveEvaluator(lctx, lead, w.l.ID, med, why)
	lotstest.WantKind(t, err, apperr.Conflict, "taking off an evaluator who has submitted")
	if !strings.Contains(err.Error(), "part of the record") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	if n := countRows(f, "scores", w.l.ID, med); n != 6 {
		t.Fatalf("the submitted evaluator's marks: %d, want 6", n)
	}

	// Put back, they start again: declarations first.
	lotstest.Must[evaluation.PanelMember](t)(f.svc.AddEvaluator(lctx, lead, w.l.ID, evaluation.EvaluatorInput{UserID: swale, Questions: []string{w.q["1.2"].ID}}))
	ws := lotstest.Must[evaluation.WorkspaceView](t)(f.svc.Workspace(sctx, sw, w.l.ID))
	if ws.DeclaredAll || len(ws.Scores) != 0 {
		t.Fatalf("put back on the panel: declared %v, %d marks", ws.DeclaredAll, len(ws.Scores))
	}
}

func TestTheLeadIsOfferedOnlyThoseWhoMaySitOnThePanel(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	lead, lctx := f.as(leadEmail)
	names := func() map[string]bool {
		out := map[string]bool{}
		for _, e := range lotstest.Must[[]evaluation.Eligible](t)(f.svc.EligibleEvaluators(lctx, lead, w.l.ID)) {
			out[e.Name+"|"+e.OrgName+"|"+map[bool]string{true: "healthwatch", false: "commissioner"}[e.Healthwatch]] = true
		}
		return out
	}
	got := names()
	for _, want := range []string{"Dr Sam Evaluator|NHS Medway CCG|commissioner", "Dr Pat Swale|NHS Swale CCG|commissioner",
		"Robin Reviewer|Healthwatch Kent|healthwatch"} {
		if !got[want] {
			t.Errorf("%s is not offered; offered: %v", want, got)
		}
	}
	for k := range got {
		// evaluators of the commissioners taking part and Healthwatch evaluators only: no lead,
		// approver, observer, admin, bidder, nor anyone of a commissioner not taking part
		if !strings.HasSuffix(k, "|NHS Medway CCG|commissioner") && !strings.HasSuffix(k, "|NHS Swale CCG|commissioner") && !strings.HasSuffix(k, "|healthwatch") {
			t.Errorf("offered %s", k)
		}
	}
	for _, email := range []string{leadEmail, "approver@medway-ccg.test", "observer@medway-ccg.test", "admin@healthwatch-kent.test"} {
		a, _ := f.as(email)
		for k := range got {
			if strings.HasPrefix(k, a.Name+"|") {
				t.Errorf("offered %s (%s)", k, email)
			}
		}
	}
	f.panel(w)
	if got := names(); got["Dr Sam Evaluator|NHS Medway CCG|commissioner"] || got["Robin Reviewer|Healthwatch Kent|healthwatch"] {
		t.Fatalf("offered again once on the panel: %v", got)
	}
	m, mctx := f.as(medwayEmail)
	_, err := f.svc.EligibleEvaluators(mctx, m, w.l.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "an evaluator listing whom the lead may add")
	beds, bctx := f.as("lead@bedfordshire-ccg.test")
	_, err = f.svc.EligibleEvaluators(bctx, beds, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "another tenant's lead listing the candidates")
}

func TestAnEvaluatorSeesWhereTheyStandOnEachOfTheirLots(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	sw, sctx := f.as(swaleEmail)
	mine := func() evaluation.MyLot {
		t.Helper()
		ls := lotstest.Must[[]evaluation.MyLot](t)(f.svc.MyEvaluations(sctx, sw))
		if len(ls) != 1 || ls[0].LotID != w.l.ID || ls[0].Reference != "MS-EV" {
			t.Fatalf("the Swale evaluator's lots: %+v", ls)
		}
		return ls[0]
	}
	if l := mine(); l.Declared || l.Questions != 3 || l.Healthwatch {
		t.Fatalf("before declaring: %+v", l)
	}
	f.declarations(w)
	// conflicted with Weald: 3 questions for Estuary only
	if l := mine(); !l.Declared || l.Conflicts != 1 || l.ToMark != 3 || l.Marked != 0 {
		t.Fatalf("after declaring: %+v", l)
	}
	f.scores(w)
	if l := mine(); l.Marked != 3 || l.SubmittedAt != nil {
		t.Fatalf("after scoring: %+v", l)
	}
	ws := lotstest.Must[evaluation.WorkspaceView](t)(f.svc.Workspace(sctx, sw, w.l.ID))
	if len(ws.Missing) != 0 {
		t.Fatalf("nothing is missing, yet the workspace lists %v", ws.Missing)
	}
	f.submit(w, swaleEmail)
	if l := mine(); l.SubmittedAt == nil {
		t.Fatalf("after submitting: %+v", l)
	}
	hw, hctx := f.as(hwEmail)
	ls := lotstest.Must[[]evaluation.MyLot](t)(f.svc.MyEvaluations(hctx, hw))
	if len(ls) != 1 || !ls[0].Healthwatch || ls[0].Questions != 1 || ls[0].ToMark != 2 || ls[0].Marked != 2 {
		t.Fatalf("Healthwatch's lots: %+v", ls)
	}
	// The lead sits on no panel; the same evaluator in another tenant's context has no lots.
	lead, lctx := f.as(leadEmail)
	if ls := lotstest.Must[[]evaluation.MyLot](t)(f.svc.MyEvaluations(lctx, lead)); len(ls) != 0 {
		t.Fatalf("the lead's own lots: %+v", ls)
	}
	other := database.WithTenant(context.Background(), f.orgs["NHS Bedfordshire CCG"])
	if ls := lotstest.Must[[]evaluation.MyLot](t)(f.svc.MyEvaluations(other, sw)); len(ls) != 0 {
		t.Fatalf("the Swale evaluator under Bedfordshire's tenant: %+v", ls)
	}
}

func TestTheScoringSheetHoldsTheEvaluatorsQuestionsForOneBidderAndTheirOwnMarks(t *testing.T) {
	f := newFixture(t)
	w := f.opened()
	f.panel(w)
	hw, hctx := f.as(hwEmail)
	_, err := f.svc.Sheet(hctx, hw, w.l.ID, w.bidders[estuary])
	lotstest.WantKind(t, err, apperr.Conflict, "the sheet before declaring")
	f.declarations(w)
	lotstest.OK(t, f.score(w, hwEmail, "1.2", estuary, intp(4), nil))
	s := lotstest.Must[evaluation.ScoreSheet](t)(f.svc.Sheet(hctx, hw, w.l.ID, w.bidders[estuary]))
	if s.Bidder.Name != estuary || len(s.Questions) != 1 {
		t.Fatalf("Healthwatch's sheet for Estuary: %+v", s)
	}
	q := s.Questions[0]
	if q.Question.Number != "1.2" || q.Answer != answerText(estuary, "1.2") || q.Mark == nil || *q.Mark.Score != 4 {
		t.Fatalf("Healthwatch's question on the sheet: %+v", q)
	}
	s = lotstest.Must[evaluation.ScoreSheet](t)(f.svc.Sheet(hctx, hw, w.l.ID, w.bidders[weald]))
	if len(s.Questions) != 1 || s.Questions[0].Mark != nil {
		t.Fatalf("Healthwatch's sheet for Weald shows a mark it did not give: %+v", s.Questions)
	}
	sw, sctx := f.as(swaleEmail)
	_, err = f.svc.Sheet(sctx, sw, w.l.ID, w.bidders[weald])
	lotstest.WantKind(t, err, apperr.Forbidden, "the conflicted evaluator's sheet for Weald")
	s = lotstest.Must[evaluation.ScoreSheet](t)(f.svc.Sheet(sctx, sw, w.l.ID, w.bidders[estuary]))
	if len(s.Questions) != 3 {
		t.Fatalf("the Swale evaluator's sheet has %d questions, want 3", len(s.Questions))
	}
	for _, q := range s.Questions {
		if q.Mark != nil {
			t.Fatalf("the Swale evaluator sees a mark on %s it did not give (Healthwatch's?)", q.Question.Number)
		}
	}
}
