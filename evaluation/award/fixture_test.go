package award_test

import (
	"context"
	"testing"
	"time"

	"golive/database"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
	"golive/lots/lotstest"
	"golive/tenants"
	"golive/tenants/access"
)

// The fixture of the award's tests: a lot run through lots to opening and through the
// evaluation's panel and scoring (as evaluation's own tests do), with the award on top.
type fixture struct {
	env  *lotstest.Env
	t    testing.TB
	db   *database.DB
	ten  *tenants.Service
	lots *lots.Service
	eval *evaluation.Service
	svc  *award.Service
	now  time.Time
	orgs map[string]string
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
	f.eval = &evaluation.Service{Store: evaluation.NewStore(f.env.DB), Lots: f.lots, Now: clock}
	f.svc = &award.Service{Store: award.NewStore(f.env.DB), Eval: f.eval, People: tenants.NewDirectory(f.env.DB),
		Mail: f.lots.Mail, BaseURL: f.lots.BaseURL, Now: clock, Log: f.lots.Log}
	f.eval.Awards = f.svc
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
	if regime == lots.PCR2015 {
		// The PCR 2015 govern only what began before 24 February 2025 (lots.CheckRegime): the
		// procurement is created then, and the rest of the test runs on its own clock.
		now := f.now
		f.now = time.Date(2025, 2, 20, 9, 0, 0, 0, time.UTC)
		defer func() { f.now = now }()
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
		lotstest.Must[evaluation.PanelMember](f.t)(f.eval.AddEvaluator(lctx, lead, w.l.ID, evaluation.EvaluatorInput{UserID: f.userID(email), Questions: qs}))
	}
}

func (f *fixture) declare(w world, email, bidder string, d evaluation.Interest, reason string) {
	f.t.Helper()
	a, ctx := f.as(email)
	lotstest.OK(f.t, f.eval.Declare(ctx, a, w.l.ID, evaluation.DeclarationInput{BidderOrgID: w.bidders[bidder], Decision: d, Reason: reason}))
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
	return f.eval.RecordScore(ctx, a, w.l.ID, evaluation.ScoreInput{QuestionID: w.q[number].ID, BidderOrgID: w.bidders[bidder],
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
		lotstest.OK(f.t, f.eval.SubmitScores(ctx, a, w.l.ID))
	}
}

func audits(f *fixture, action string) int {
	var n int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM audit_events WHERE action = ?", action).Scan(&n)
	return int(n)
}
