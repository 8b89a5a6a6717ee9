package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"golive/database"
	"golive/database/dbtest"
	demodata "golive/demo"
	"golive/evaluation/award"
	"golive/evaluation/evaltest"
	"golive/lots"
	"golive/mobilisation"
	"golive/tenants"
)

// Issue 17, item 2: a page's query count does not grow with what it lists, and stays within its
// target. Each count is the fewest statements of three requests of the page (see
// dbtest.QueriesFor), made as the signed-in user the page is for.

// queryFixture is a procurement led by Medway with n lots, each awarded to Estuary with a
// mobilisation plan: n plans on the programme dashboard and n lots on the procurement page.
type queryFixture struct {
	proc string
}

func queryCountFixture(t *testing.T, s *server, n int) queryFixture {
	t.Helper()
	ctx := context.Background()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	org := func(name string) string {
		var id string
		check(s.App.DB.Gorm.Raw("SELECT id FROM organisations WHERE name = ?", name).Scan(&id).Error)
		return id
	}
	lead, err := s.App.Tenants.ActorByEmail(ctx, "lead@medway-ccg.test")
	check(err)
	lctx := database.WithTenant(ctx, lead.OrgID)
	now := s.App.Cfg.Now()
	parts := []string{org("NHS Medway CCG"), org("NHS Swale CCG")}
	p, err := s.App.Lots.CreateProcurement(lctx, lead, lots.ProcurementInput{Title: "Query count", Reference: "QC-1",
		Regime: lots.PSR2024, Procedure: "Competitive process", TermYears: 5, EstimatedValuePence: 1_000_000_00, Participants: parts,
		ClarificationDeadline: now.AddDate(0, 0, 20), SubmissionDeadline: now.AddDate(0, 0, 30), EvaluationStart: now.AddDate(0, 0, 31),
		AwardDate: now.AddDate(0, 0, 60), ContractStart: now.AddDate(0, 0, 200)})
	check(err)
	es := award.NewStore(s.App.DB)
	provider := org("Estuary Urgent Care CIC")
	for i := 1; i <= n; i++ {
		l, err := s.App.Lots.AddLot(lctx, lead, p.ID, lots.LotInput{Number: i, Title: fmt.Sprintf("UTC %d", i), ServiceTypes: []string{"utc"}, Participants: parts})
		check(err)
		_, err = s.App.Lots.AddPhase(lctx, lead, l.ID, lots.PhaseInput{Name: fmt.Sprintf("Site %d", i), Service: "utc", GoLive: now.AddDate(0, 0, 200)})
		check(err)
		rec := award.Recommendation{ID: uuid.Must(uuid.NewV7()).String(), LotID: l.ID, ProcurementID: p.ID, BidderOrgID: provider,
			Reason: "Ranked first", Regime: p.Regime, State: award.Awarded, RecommendedBy: lead.UserID, RecommendedAt: now}
		check(es.AddRecommendation(ctx, &rec))
		check(es.AddContract(ctx, &award.Contract{LotID: l.ID, RecommendationID: rec.ID, ProcurementID: p.ID,
			ProviderOrgID: provider, ContractReference: fmt.Sprintf("QC-1-%d", i), StartDate: now.AddDate(0, 0, 200), TermYears: 5,
			ValuePence: 1_000_000_00, AwardedBy: lead.UserID, AwardedAt: now}))
		_, _, err = s.App.Mob.EnsurePlan(lctx, lead, l.ID, "")
		check(err)
	}
	return queryFixture{proc: p.ID}
}

// pageQueries is the statements one GET of path runs, signed in as email.
func pageQueries(t *testing.T, s *server, q *dbtest.QueryCounter, email, path string) int {
	t.Helper()
	b := s.browser(t)
	b.signIn(email)
	n := q.QueriesFor(3, func() {
		if code, body := b.get(path); code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, code, body)
		}
	})
	if os.Getenv("GOLIVE_TEST_SHOW_SQL") != "" {
		q.Reset()
		b.get(path)
		for _, s := range q.Statements() {
			t.Log(s)
		}
	}
	return n
}

// countsFor1And10 builds the fixture with 1 and with 10 items on two servers and measures the page.
func countsFor1And10(t *testing.T, email string, path func(queryFixture) string) (one, ten int) {
	t.Helper()
	for _, n := range []int{1, 10} {
		s := startServer(t, nil)
		q := requestCounter(t, s)
		f := queryCountFixture(t, s, n)
		c := pageQueries(t, s, q, email, path(f))
		t.Logf("%s with %d: %d queries", path(f), n, c)
		if n == 1 {
			one = c
		} else {
			ten = c
		}
	}
	return one, ten
}

// assertQueries fails when the count grows from 1 to 10 items, and when it is over target;
// unless gap says why that target is not met yet, when the test is skipped saying so, with the
// count measured (issue 17 keeps it open).
func assertQueries(t *testing.T, page, items string, one, ten, target int, gap string) {
	t.Helper()
	if ten != one {
		t.Errorf("%s: %d queries with 1 %s, %d with 10: the count grows with the %s", page, one, items, ten, items)
	}
	if ten <= target {
		return
	}
	if gap != "" && !t.Failed() {
		t.Skipf("%s: target NOT met: %d queries, the target is %d (constant with the %s: %d with 1, %d with 10). %s",
			page, ten, target, items, one, ten, gap)
	}
	t.Errorf("%s: %d queries, over the target of %d", page, ten, target)
}

// assertConstant fails when the count grows from 1 to 10 items: for the pages the issue sets no
// number for.
func assertConstant(t *testing.T, page, items string, one, ten int) {
	t.Helper()
	if ten != one {
		t.Errorf("%s: %d queries with 1 %s, %d with 10: the count grows with the %s", page, one, items, ten, items)
	}
}

func TestQueryCountProgrammeDashboard(t *testing.T) {
	one, ten := countsFor1And10(t, "lead@medway-ccg.test", func(queryFixture) string { return "/mobilisation" })
	assertQueries(t, "programme dashboard", "plans", one, ten, 12, "")
}

func TestQueryCountProcurement(t *testing.T) {
	one, ten := countsFor1And10(t, "lead@medway-ccg.test", func(f queryFixture) string { return "/procurements/" + f.proc })
	// 5: the session, the procurement with its opening, its lots, everything else it shows in one
	// statement (lots.Store.Records), and the names of the organisations it shows.
	assertQueries(t, "procurement page", "lots", one, ten, 10, "")
}

func TestQueryCountLotResults(t *testing.T) {
	var counts [2]int
	for i, n := range []int{1, 10} {
		s := startServer(t, nil)
		q := requestCounter(t, s)
		a := s.App
		m, err := evaltest.Build(context.Background(), evaltest.Services{DB: a.DB, Tenants: a.Tenants, Lots: a.Lots, Eval: a.Eval},
			evaltest.Size{Bidders: n, Questions: 3, Evaluators: 2}, fmt.Sprintf("qc%d", n))
		if err != nil {
			t.Fatal(err)
		}
		path := "/evaluations/lots/" + m.Lot.ID + "/results"
		counts[i] = pageQueries(t, s, q, m.LeadEmail, path)
		t.Logf("%s with %d bidders: %d queries", path, n, counts[i])
	}
	// 11 (12 before the lot and its procurement came in one statement, lots' LotWithProcurement).
	assertQueries(t, "lot results page", "bidders", counts[0], counts[1], 11, "")
}

// The signed-in dashboard lists the viewer's tasks from every procurement, lot and plan.
func TestQueryCountDashboard(t *testing.T) {
	one, ten := countsFor1And10(t, "lead@medway-ccg.test", func(queryFixture) string { return "/" })
	assertConstant(t, "dashboard", "lots and plans", one, ten)
	// And from every procurement: 1 and 10 more drafts beside the fixture's.
	var counts [2]int
	for i, n := range []int{1, 10} {
		s := startServer(t, nil)
		q := requestCounter(t, s)
		queryCountFixture(t, s, 1)
		ctx := context.Background()
		lead, err := s.App.Tenants.ActorByEmail(ctx, "lead@medway-ccg.test")
		if err != nil {
			t.Fatal(err)
		}
		now := s.App.Cfg.Now()
		for k := 1; k <= n; k++ {
			_, err := s.App.Lots.CreateProcurement(database.WithTenant(ctx, lead.OrgID), lead, lots.ProcurementInput{
				Title: fmt.Sprintf("Draft %d", k), Reference: fmt.Sprintf("QC-D%d", k), Regime: lots.PSR2024, Procedure: "Competitive process",
				TermYears: 5, EstimatedValuePence: 1_000_000_00, Participants: []string{lead.OrgID},
				ClarificationDeadline: now.AddDate(0, 0, 20), SubmissionDeadline: now.AddDate(0, 0, 30), EvaluationStart: now.AddDate(0, 0, 31),
				AwardDate: now.AddDate(0, 0, 60), ContractStart: now.AddDate(0, 0, 200)})
			if err != nil {
				t.Fatal(err)
			}
		}
		counts[i] = pageQueries(t, s, q, "lead@medway-ccg.test", "/")
		t.Logf("/ with %d more procurements: %d queries", n, counts[i])
	}
	assertConstant(t, "dashboard", "procurements", counts[0], counts[1])
}

// lotMatrix builds a lot evaluated to its opened prices with n bidders (evaltest), on a server
// counting its statements.
func lotMatrix(t *testing.T, n int) (*server, *dbtest.QueryCounter, evaltest.Matrix) {
	t.Helper()
	s := startServer(t, nil)
	q := requestCounter(t, s)
	a := s.App
	m, err := evaltest.Build(context.Background(), evaltest.Services{DB: a.DB, Tenants: a.Tenants, Lots: a.Lots, Eval: a.Eval},
		evaltest.Size{Bidders: n, Questions: 3, Evaluators: 2}, fmt.Sprintf("qc%d", n))
	if err != nil {
		t.Fatal(err)
	}
	return s, q, m
}

// lotPageCounts measures a lot's page with 1 and with 10 bidders, signed in as the lead.
func lotPageCounts(t *testing.T, path func(evaltest.Matrix) string) (one, ten int) {
	t.Helper()
	return lotCounts(t, path, func(s *server, q *dbtest.QueryCounter, m evaltest.Matrix, p string) int {
		return pageQueries(t, s, q, m.LeadEmail, p)
	})
}

// lotAPICounts measures a lot's API read with 1 and with 10 bidders, with the lead's token.
func lotAPICounts(t *testing.T, path func(evaltest.Matrix) string) (one, ten int) {
	t.Helper()
	return lotCounts(t, path, func(s *server, q *dbtest.QueryCounter, m evaltest.Matrix, p string) int {
		return apiQueries(t, s, q, s.apiToken(t, m.LeadEmail), p)
	})
}

// lotCounts measures path with 1 and with 10 bidders, each on a matrix of its own.
func lotCounts(t *testing.T, path func(evaltest.Matrix) string, measure func(*server, *dbtest.QueryCounter, evaltest.Matrix, string) int) (one, ten int) {
	t.Helper()
	for _, n := range []int{1, 10} {
		s, q, m := lotMatrix(t, n)
		c := measure(s, q, m, path(m))
		t.Logf("%s with %d bidders: %d queries", path(m), n, c)
		if n == 1 {
			one = c
		} else {
			ten = c
		}
	}
	return one, ten
}

func TestQueryCountModeration(t *testing.T) {
	one, ten := lotPageCounts(t, func(m evaltest.Matrix) string {
		return "/evaluations/lots/" + m.Lot.ID + "/questions/" + m.Questions[0].ID + "/moderation"
	})
	// 16 (18 before the marks came with the consensus and the bidders' names with the
	// evaluators', as on the moderation API).
	assertQueries(t, "moderation page", "bidders", one, ten, 16, "")
}

func TestQueryCountAward(t *testing.T) {
	one, ten := lotPageCounts(t, func(m evaltest.Matrix) string { return "/evaluations/lots/" + m.Lot.ID + "/award" })
	// 14 (15 before the lot and its procurement came in one statement).
	assertQueries(t, "award page", "bidders", one, ten, 14, "")
}

// planFixture is one awarded lot's plan with n milestones added after the template's, each
// depending on the one before, so that the plan and a milestone show n rows and n dependencies.
func planFixture(t *testing.T, s *server, n int) (plan, milestone string) {
	t.Helper()
	ctx := context.Background()
	queryCountFixture(t, s, 1)
	lead, err := s.App.Tenants.ActorByEmail(ctx, "lead@medway-ccg.test")
	if err != nil {
		t.Fatal(err)
	}
	lctx := database.WithTenant(ctx, lead.OrgID)
	cards, err := s.App.Mob.Plans(lctx, lead)
	if err != nil || len(cards) == 0 {
		t.Fatalf("plans: %v %d", err, len(cards))
	}
	plan = cards[len(cards)-1].PlanID
	v, err := s.App.Mob.PlanView(lctx, lead, plan)
	if err != nil || len(v.Phases) == 0 {
		t.Fatalf("plan view: %v", err)
	}
	var prev []string
	for i := 1; i <= n; i++ {
		ms, err := s.App.Mob.AddMilestone(lctx, lead, plan, mobilisation.MilestoneInput{PhaseID: v.Phases[0].ID,
			Title: fmt.Sprintf("Query count %d", i), Workstream: "Workforce", OwnerSide: mobilisation.Commissioner,
			DueOn: s.App.Cfg.Now().AddDate(0, 0, 30+i).Format("2006-01-02"), DependsOn: prev})
		if err != nil {
			t.Fatal(err)
		}
		prev, milestone = []string{ms.ID}, ms.ID
	}
	return plan, milestone
}

// planPageCounts measures a page of the plan with 1 and with 10 milestones added.
func planPageCounts(t *testing.T, path func(plan, milestone string) string) (one, ten int) {
	t.Helper()
	for _, n := range []int{1, 10} {
		s := startServer(t, nil)
		q := requestCounter(t, s)
		p := path(planFixture(t, s, n))
		c := pageQueries(t, s, q, "lead@medway-ccg.test", p)
		t.Logf("%s with %d milestones: %d queries", p, n, c)
		if n == 1 {
			one = c
		} else {
			ten = c
		}
	}
	return one, ten
}

func TestQueryCountPlan(t *testing.T) {
	one, ten := planPageCounts(t, func(plan, _ string) string { return "/mobilisation/plans/" + plan })
	assertConstant(t, "plan page", "milestones", one, ten)
}

func TestQueryCountMilestone(t *testing.T) {
	one, ten := planPageCounts(t, func(plan, ms string) string { return "/mobilisation/plans/" + plan + "/milestones/" + ms })
	assertConstant(t, "milestone page", "milestones", one, ten)
}

// Issue 17, item 1: authenticating a request (an API token or a session cookie) takes one
// statement, and a second only when the last use recorded is a minute old or more.
func TestQueryCountAuthentication(t *testing.T) {
	s := startServer(t, nil)
	q := requestCounter(t, s)
	ctx := context.Background()
	token := s.apiToken(t, "lead@medway-ccg.test")
	cookie, err := s.App.Tenants.SignIn(ctx, tenants.SignInInput{Email: "lead@medway-ccg.test", Password: demodata.Password}, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what string
		auth func() error
	}{
		{"API token", func() error { _, err := s.App.Tenants.TokenIdentity(ctx, token); return err }},
		{"session", func() error { _, err := s.App.Tenants.SessionIdentity(ctx, cookie); return err }},
	} {
		var counts []int
		for range 2 {
			q.Reset()
			if err := c.auth(); err != nil {
				t.Fatalf("%s: %v", c.what, err)
			}
			counts = append(counts, q.Count())
		}
		t.Logf("%s: %d statements, then %d within the minute", c.what, counts[0], counts[1])
		if counts[0] > 2 || counts[1] > 1 {
			t.Errorf("%s: %d statements, then %d within the minute; want at most 2, then 1", c.what, counts[0], counts[1])
		}
	}
}

// apiQueries is the statements one GET of /api/v1 path runs with token.
func apiQueries(t *testing.T, s *server, q *dbtest.QueryCounter, token, path string) int {
	t.Helper()
	n := q.QueriesFor(3, func() {
		if resp, body := s.api(t, "GET", path, token, nil, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, body)
		}
	})
	if os.Getenv("GOLIVE_TEST_SHOW_SQL") != "" {
		q.Reset()
		s.api(t, "GET", path, token, nil, nil)
		for _, s := range q.Statements() {
			t.Log(s)
		}
	}
	return n
}

// The lead's two hot API reads (BenchmarkModerationMatrixAPI): each round trip costs the
// server's CPU as well as time.
func TestQueryCountModerationAPI(t *testing.T) {
	one, ten := lotAPICounts(t, func(m evaltest.Matrix) string {
		return "/evaluations/lots/" + m.Lot.ID + "/questions/" + m.Questions[0].ID + "/moderation"
	})
	// 6: the token, the lot with its procurement, its opening and the participation check (lots'
	// LotWithProcurement), the question, the marks with the consensus (evaluation's
	// ModerationMarks), the submissions, and the bidders' and evaluators' names (tenants'
	// OrgAndPeopleNames).
	assertQueries(t, "moderation API", "bidders", one, ten, 6, "")
}

// On PostgreSQL the moderation API's 6 statements go in 3 round trips: the token; the lot (the
// route's scope check) with the question, its marks and the bids, read ahead of the check and
// pipelined (evaluation.ScopedAhead, database.Batch); and the names, which need the bids' and
// marks' ids.
func TestRoundTripsModerationAPI(t *testing.T) {
	trips := apiRoundTrips(t, func(m evaltest.Matrix) string {
		return "/evaluations/lots/" + m.Lot.ID + "/questions/" + m.Questions[0].ID + "/moderation"
	})
	if len(trips) != 3 || len(trips[1]) != 4 || !strings.Contains(trips[1][0], "FROM lots") {
		t.Fatalf("the moderation API went in %d round trips, want 3 with the lot and 3 reads in the second:\n%q", len(trips), trips)
	}
}

// The results API's 8 statements go in 3: the token; the lot with its evaluation records,
// questions, consensus marks, sections and bids with their prices, read ahead and pipelined; and
// the bidders' names.
func TestRoundTripsResultsAPI(t *testing.T) {
	trips := apiRoundTrips(t, func(m evaltest.Matrix) string { return "/evaluations/lots/" + m.Lot.ID + "/results" })
	if len(trips) != 3 || len(trips[1]) != 6 || !strings.Contains(trips[1][0], "FROM lots") {
		t.Fatalf("the results API went in %d round trips, want 3 with the lot and 5 reads in the second:\n%q", len(trips), trips)
	}
}

// apiRoundTrips is the statements of the lead's GET of an API path on a lot of 10 bidders,
// grouped by round trip: the fewest of three tries, since the worker's statements may land in
// one. PostgreSQL only: on SQLite a statement is a call in the process.
func apiRoundTrips(t *testing.T, path func(evaltest.Matrix) string) [][]string {
	t.Helper()
	if !dbtest.Postgres() {
		t.Skip("SQLite runs in the process: a statement is a call, not a round trip (GOLIVE_TEST_DATABASE_URL runs this on PostgreSQL)")
	}
	s, q, m := lotMatrix(t, 10)
	token := s.apiToken(t, m.LeadEmail)
	p := path(m)
	q.Explain()
	var best [][]string
	for try := range 3 {
		q.Reset()
		if resp, body := s.api(t, "GET", p, token, nil, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", p, resp.StatusCode, body)
		}
		if trips := q.RoundTrips(); try == 0 || len(trips) < len(best) {
			best = trips
		}
	}
	return best
}

func TestQueryCountResultsAPI(t *testing.T) {
	one, ten := lotAPICounts(t, func(m evaltest.Matrix) string { return "/evaluations/lots/" + m.Lot.ID + "/results" })
	// 8: the token, the lot with its procurement (LotWithProcurement), the lot's evaluation
	// state, the submissions with their prices, the organisations' names, the questions, the
	// consensus and the sections.
	assertQueries(t, "results API", "bidders", one, ten, 8, "")
}

// requestCounter counts the statements the server runs for a request: every statement on its
// database but the roles' version check, which each process runs on its own clock and after
// every role change Redis announces (a fixture that gave ten panel members their roles leaves
// announcements behind it, and on a busy machine their checks landed in every try of a count).
func requestCounter(t *testing.T, s *server) *dbtest.QueryCounter {
	t.Helper()
	q := dbtest.CountQueries(t, s.App.DB.Gorm)
	q.Ignore(tenants.PolicyVersionQuery)
	q.IgnoreUnattended() // the worker's jobs: a periodic one may wake during every try of a request
	return q
}
