// Package evaltest builds large evaluations for benchmarks: the moderation matrix of issue 5
// (8 bidders × 60 questions × 6 evaluators), put through the lots and evaluation services from
// the procurement to the opened prices, so that what is measured reads rows the rules wrote.
package evaltest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golive/database"
	"golive/evaluation"
	"golive/lots"
	"golive/tenants"
	"golive/tenants/access"
)

// Services are the services the matrix goes through; their clocks are left alone (the build
// runs on its own clock, in the past, so a server on the real clock sees the lot opened).
type Services struct {
	DB      *database.DB // PostgreSQL lets the evaluators mark at the same time; SQLite has one writer
	Tenants *tenants.Service
	Lots    *lots.Service
	Eval    *evaluation.Service
}

// Size is the shape of the matrix: every evaluator marks every quality question for every bidder.
type Size struct {
	Bidders, Questions, Evaluators int
}

// Issue5 is the matrix the issue asks to benchmark.
var Issue5 = Size{Bidders: 8, Questions: 60, Evaluators: 6}

// Matrix is a lot evaluated to the end of quality moderation, with its prices opened: every
// question is under moderation with a consensus for every bidder.
type Matrix struct {
	Lot       lots.Lot
	Questions []lots.Question // the quality questions, in order
	Bidders   []string        // organisation ids
	LeadEmail string
}

// LeadEmail is the demo procurement lead who runs the matrix's procurement and moderation.
const LeadEmail = "lead@medway-ccg.test"

// answer is about 150 words, like a real answer cut to a word limit, so that the sealed
// envelopes the evaluation reads are of a realistic size.
var answer = strings.TrimSpace(strings.Repeat("We will staff the service with an integrated clinical team and report performance weekly. ", 11))

// Build creates the matrix: a Medway-led procurement with Swale taking part, one lot of
// size.Questions scored questions and a price schedule; size.Bidders providers bid; size.Evaluators
// evaluators (new users of the two CCGs) declare, mark everything and submit; the lead moderates
// every question to a consensus and opens the prices. tag keeps the new organisations and users
// apart when a database holds more than one matrix.
func Build(ctx context.Context, svc Services, size Size, tag string) (Matrix, error) {
	if size.Questions < 1 || size.Questions*100 > 9900 {
		return Matrix{}, fmt.Errorf("evaltest: %d questions do not fit the weights", size.Questions)
	}
	var mu sync.Mutex
	clock := time.Now().UTC().AddDate(0, 0, -120).Truncate(time.Hour)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	set := func(t time.Time) { mu.Lock(); clock = t; mu.Unlock() }
	ls := *svc.Lots
	ls.Now = now
	ev := *svc.Eval
	ev.Lots, ev.Now = &ls, now
	b := &builder{ctx: ctx, svc: svc, eval: &ev, size: size, tag: tag}

	bidders, evaluators, err := b.people(clock)
	if err != nil {
		return Matrix{}, err
	}
	lead, lctx, err := b.as(LeadEmail)
	if err != nil {
		return Matrix{}, err
	}
	medway, swale := b.org("NHS Medway CCG"), b.org("NHS Swale CCG")
	start := clock
	p, err := ls.CreateProcurement(lctx, lead, lots.ProcurementInput{
		Title: "Moderation matrix " + tag, Reference: "MATRIX-" + tag, Regime: lots.PSR2024, Procedure: "Competitive process",
		TermYears: 5, EstimatedValuePence: 50_000_000_00, Participants: []string{medway, swale},
		ClarificationDeadline: start.AddDate(0, 0, 20), SubmissionDeadline: start.AddDate(0, 0, 30), EvaluationStart: start.AddDate(0, 0, 31),
		AwardDate: start.AddDate(0, 0, 90), ContractStart: start.AddDate(0, 0, 300)})
	if err != nil {
		return Matrix{}, fmt.Errorf("procurement: %w", err)
	}
	l, err := ls.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "Integrated urgent care", ServiceTypes: []string{"nhs111", "cas"}, Participants: []string{medway, swale}})
	if err != nil {
		return Matrix{}, fmt.Errorf("lot: %w", err)
	}
	for q := 1; q <= size.Questions; q++ {
		if _, err := ls.AddQuestion(lctx, lead, l.ID, lots.QuestionInput{Section: fmt.Sprintf("Section %d", (q-1)/12+1), Number: fmt.Sprintf("%d.%d", (q-1)/12+1, (q-1)%12+1),
			Text: fmt.Sprintf("Question %d of the matrix", q), Kind: lots.Scored, WeightBP: 100, MaxScore: 4, WordLimit: 500, Panel: lots.Clinical}); err != nil {
			return Matrix{}, fmt.Errorf("question %d: %w", q, err)
		}
	}
	if _, err := ls.AddQuestion(lctx, lead, l.ID, lots.QuestionInput{Section: "Price", Number: "P", Text: "Price schedule", Kind: lots.Price,
		WeightBP: 10000 - 100*size.Questions, Panel: lots.Finance}); err != nil {
		return Matrix{}, fmt.Errorf("price question: %w", err)
	}
	if err := ls.SubmitForApproval(lctx, lead, p.ID); err != nil {
		return Matrix{}, fmt.Errorf("submit for approval: %w", err)
	}
	for _, email := range []string{"approver@medway-ccg.test", "approver@swale-ccg.test"} {
		a, actx, err := b.as(email)
		if err != nil {
			return Matrix{}, err
		}
		if err := ls.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: start.Add(-time.Hour), MinuteRef: "GB/MATRIX", Part2: true}); err != nil {
			return Matrix{}, fmt.Errorf("business case approval: %w", err)
		}
	}
	if err := ls.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}); err != nil {
		return Matrix{}, fmt.Errorf("publish: %w", err)
	}
	all, err := ls.Store.Questions(lctx, l.ID)
	if err != nil {
		return Matrix{}, err
	}
	m := Matrix{Lot: l, LeadEmail: LeadEmail, Questions: evaluation.QualityQuestions(all)}

	// Bids: every bidder answers every question and prices five years.
	set(start.AddDate(0, 0, 5))
	for i, a := range bidders {
		bctx := database.WithTenant(ctx, a.OrgID)
		in := lots.DraftInput{}
		for _, q := range m.Questions {
			in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: answer})
		}
		for y := 1; y <= 5; y++ {
			in.Prices = append(in.Prices, lots.PriceYear{Year: y, Pence: int64(1_000_000_00 + i*3_000_000_00 + y*50_000_00)})
		}
		if err := ls.RegisterInterest(bctx, a, p.ID); err != nil {
			return m, fmt.Errorf("interest: %w", err)
		}
		if _, err := ls.SaveDraft(bctx, a, l.ID, in); err != nil {
			return m, fmt.Errorf("bid: %w", err)
		}
		if _, err := ls.Submit(bctx, a, l.ID); err != nil {
			return m, fmt.Errorf("submit bid: %w", err)
		}
		m.Bidders = append(m.Bidders, a.OrgID)
	}

	// Opening by two people after the deadline.
	set(p.SubmissionDeadline.Add(time.Hour))
	admin, actx, err := b.as("admin@medway-ccg.test")
	if err != nil {
		return m, err
	}
	if err := ls.StartOpening(lctx, lead, p.ID); err != nil {
		return m, fmt.Errorf("start opening: %w", err)
	}
	if err := ls.ConfirmOpening(actx, admin, p.ID); err != nil {
		return m, fmt.Errorf("confirm opening: %w", err)
	}

	// The panel: every evaluator scores every quality question.
	set(p.EvaluationStart)
	qids := make([]string, len(m.Questions))
	for i, q := range m.Questions {
		qids[i] = q.ID
	}
	for _, e := range evaluators {
		if _, err := ev.AddEvaluator(lctx, lead, l.ID, evaluation.EvaluatorInput{UserID: e.UserID, Questions: qids}); err != nil {
			return m, fmt.Errorf("panel: %w", err)
		}
	}

	// Independent marking: on PostgreSQL the evaluators work at the same time, as they would.
	set(p.EvaluationStart.Add(24 * time.Hour))
	errs := make(chan error, len(evaluators))
	for ei, e := range evaluators {
		if svc.DB != nil && svc.DB.Dialect == database.Postgres {
			go func() { errs <- b.mark(e, ei, m) }()
		} else {
			errs <- b.mark(e, ei, m)
		}
	}
	for range evaluators {
		if err := <-errs; err != nil {
			return m, err
		}
	}

	// Moderation of every question, a consensus for every bidder, then the prices.
	set(p.EvaluationStart.AddDate(0, 0, 14))
	for qi, q := range m.Questions {
		if err := ev.StartModeration(lctx, lead, l.ID, q.ID); err != nil {
			return m, fmt.Errorf("start moderation of %s: %w", q.Number, err)
		}
		for bi, bidder := range m.Bidders {
			score := Mark(bi, qi, 0)
			if err := ev.RecordConsensus(lctx, lead, l.ID, evaluation.ConsensusInput{QuestionID: q.ID, BidderOrgID: bidder, Score: &score,
				Rationale: fmt.Sprintf("Consensus after discussion of question %s: the panel settled on %d.", q.Number, score)}); err != nil {
				return m, fmt.Errorf("consensus on %s: %w", q.Number, err)
			}
		}
	}
	if err := ev.OpenPrices(lctx, lead, l.ID); err != nil {
		return m, fmt.Errorf("open prices: %w", err)
	}
	return m, nil
}

// Mark is evaluator e's mark of question q for bidder b: spread over the 0 to 4 scale so that
// moderation flags a wide spread on some questions, as a real panel's marks do.
func Mark(b, q, e int) int { return (b*7 + q*3 + e*5 + b*q) % 5 }

type builder struct {
	ctx  context.Context
	svc  Services
	eval *evaluation.Service
	size Size
	tag  string
	orgs map[string]string
}

func (b *builder) as(email string) (*access.Actor, context.Context, error) {
	a, err := b.svc.Tenants.ActorByEmail(b.ctx, email)
	if err != nil {
		return nil, nil, err
	}
	return a, database.WithTenant(b.ctx, a.OrgID), nil
}

func (b *builder) org(name string) string { return b.orgs[name] }

// people adds the bidders (a provider and a bidder user each) and the evaluators (alternately
// at Medway and Swale) and returns their actors.
func (b *builder) people(now time.Time) (bidders, evaluators []*access.Actor, err error) {
	ctx, ts := b.ctx, b.svc.Tenants
	orgs, err := ts.Store.Orgs(ctx)
	if err != nil {
		return nil, nil, err
	}
	b.orgs = map[string]string{}
	for _, o := range orgs {
		b.orgs[o.Name] = o.ID
	}
	var bidderEmails, evaluatorEmails []string
	err = ts.Store.Tx(ctx, func(tx *tenants.Store) error {
		user := func(org, email, name string, role access.Role) error {
			u := tenants.User{ID: tenants.NewID(), OrgID: org, Email: email, Name: name, Active: true, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			return tx.SetRoles(ctx, u.ID, org, []access.Role{role})
		}
		for i := 0; i < b.size.Bidders; i++ {
			o := tenants.Organisation{ID: tenants.NewID(), Name: fmt.Sprintf("Matrix provider %s-%d", b.tag, i+1), Kind: tenants.Provider, CreatedAt: now}
			if err := tx.CreateOrg(ctx, &o); err != nil {
				return err
			}
			email := fmt.Sprintf("bids-%s-%d@matrix-provider.test", b.tag, i+1)
			if err := user(o.ID, email, fmt.Sprintf("Bidder %d", i+1), access.RoleBidder); err != nil {
				return err
			}
			bidderEmails = append(bidderEmails, email)
		}
		for i := 0; i < b.size.Evaluators; i++ {
			org, domain := b.orgs["NHS Medway CCG"], "medway-ccg.test"
			if i%2 == 1 {
				org, domain = b.orgs["NHS Swale CCG"], "swale-ccg.test"
			}
			email := fmt.Sprintf("matrix-%s-evaluator-%d@%s", b.tag, i+1, domain)
			if err := user(org, email, fmt.Sprintf("Matrix evaluator %d", i+1), access.RoleEvaluator); err != nil {
				return err
			}
			evaluatorEmails = append(evaluatorEmails, email)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("matrix people: %w", err)
	}
	if err := ts.Authz.Changed(ctx); err != nil {
		return nil, nil, err
	}
	for _, e := range bidderEmails {
		a, _, err := b.as(e)
		if err != nil {
			return nil, nil, err
		}
		bidders = append(bidders, a)
	}
	for _, e := range evaluatorEmails {
		a, _, err := b.as(e)
		if err != nil {
			return nil, nil, err
		}
		evaluators = append(evaluators, a)
	}
	return bidders, evaluators, nil
}

// mark is one evaluator's work: declare no interest in every bidder, mark every question for
// every bidder with a rationale, submit.
func (b *builder) mark(a *access.Actor, ei int, m Matrix) error {
	ctx := database.WithTenant(b.ctx, a.OrgID)
	for _, bidder := range m.Bidders {
		if err := b.eval.Declare(ctx, a, m.Lot.ID, evaluation.DeclarationInput{BidderOrgID: bidder, Decision: evaluation.NoInterest}); err != nil {
			return fmt.Errorf("declare: %w", err)
		}
	}
	for qi, q := range m.Questions {
		for bi, bidder := range m.Bidders {
			score := Mark(bi, qi, ei+1)
			if err := b.eval.RecordScore(ctx, a, m.Lot.ID, evaluation.ScoreInput{QuestionID: q.ID, BidderOrgID: bidder, Score: &score,
				Rationale: fmt.Sprintf("Question %s, bidder %d: scored %d against the descriptors; evidence weighed as read.", q.Number, bi+1, score)}); err != nil {
				return fmt.Errorf("score %s: %w", q.Number, err)
			}
		}
	}
	if err := b.eval.SubmitScores(ctx, a, m.Lot.ID); err != nil {
		return fmt.Errorf("submit scores: %w", err)
	}
	return nil
}
