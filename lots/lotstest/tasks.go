package lotstest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"golive/tenants"
)

// People are demo sign-ins of every role, at the organisations the tests' procurements involve
// and at others: the ones a dashboard task test checks have no task they should not have
// (another role, another tenant, another bidder, the platform admin).
var People = []string{
	"admin@golive.test",
	"admin@medway-ccg.test", "lead@medway-ccg.test", "evaluator@medway-ccg.test", "approver@medway-ccg.test", "observer@medway-ccg.test",
	"approver@swale-ccg.test", "approver@thanet-ccg.test", "approver@dgs-ccg.test", "admin@dgs-ccg.test",
	"lead@bedfordshire-ccg.test", "admin@bedfordshire-ccg.test", "approver@bedfordshire-ccg.test", "evaluator@bedfordshire-ccg.test",
	"reviewer@healthwatch-kent.test", "admin@healthwatch-kent.test",
	"bids@estuary-urgent-care.test", "admin@estuary-urgent-care.test", "bids@weald-ambulance.test", "bids@north-downs-gp.test",
}

// TaskLines are the tasks src puts on the dashboard of the demo user email, each as
// "title | href | due" (due in RFC 3339 UTC, or "no date"). A task that does not say where it
// is done, or say more than its title, fails the test: the dashboard shows both.
func (e *Env) TaskLines(t testing.TB, src tenants.TaskSource, email string) []string {
	t.Helper()
	a, ctx := e.As(t, email)
	ts := Must[[]tenants.Task](t)(src(ctx, a))
	out := make([]string, 0, len(ts))
	for _, task := range ts {
		due := "no date"
		if task.Due != nil {
			due = task.Due.UTC().Format(time.RFC3339)
		}
		if task.Href == "" || task.Detail == "" {
			t.Fatalf("%s's task %q does not say where it is done or say more: %+v", email, task.Title, task)
		}
		out = append(out, task.Title+" | "+task.Href+" | "+due)
	}
	return out
}

// WantTasks checks that each person named has exactly the tasks given, in order, each line
// saying the words given (nil: no task at all).
func (e *Env) WantTasks(t testing.TB, src tenants.TaskSource, when string, want map[string][]string) {
	t.Helper()
	for email, ws := range want {
		got := e.TaskLines(t, src, email)
		if len(got) != len(ws) {
			t.Fatalf("%s: %s has the tasks %q, want %d: %q", when, email, got, len(ws), ws)
		}
		for i, w := range ws {
			if !strings.Contains(got[i], w) {
				t.Fatalf("%s: %s's task %q, want one saying %q", when, email, got[i], w)
			}
		}
	}
}

// WantNoTasks checks that everyone in People but those excepted has no task at all from src.
func (e *Env) WantNoTasks(t testing.TB, src tenants.TaskSource, when string, except ...string) {
	t.Helper()
	for _, email := range People {
		if !slices.Contains(except, email) {
			if got := e.TaskLines(t, src, email); len(got) != 0 {
				t.Fatalf("%s: %s has the tasks %q, want none", when, email, got)
			}
		}
	}
}

// WantTaskOnlyFor checks that each person in who has exactly one task from src saying words,
// and that nobody else in People has any: for a dashboard where other tasks stand beside it.
func (e *Env) WantTaskOnlyFor(t testing.TB, src tenants.TaskSource, when, words string, who ...string) {
	t.Helper()
	for _, email := range append(slices.Clone(People), who...) {
		var n int
		got := e.TaskLines(t, src, email)
		for _, l := range got {
			if strings.Contains(l, words) {
				n++
			}
		}
		want := 0
		if slices.Contains(who, email) {
			want = 1
		}
		if n != want {
			t.Fatalf("%s: %s has %d tasks saying %q, want %d; their tasks: %q", when, email, n, words, want, got)
		}
	}
}
