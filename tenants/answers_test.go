package tenants

import (
	"strconv"
	"testing"

	"golive/tenants/access"
)

// An answer worked out from the rules before a reload, and stored after it, would be honoured
// until the next reload: a removed role kept. It must not be stored.
func TestAnAnswerFromRulesSinceReloadedIsNotKept(t *testing.T) {
	var c answers
	k := decisionKey{memberKey{"u1", "org-1"}, access.PermEvaluate}
	_, _, gen := c.decision(k) // a Can starts, reading the generation …
	c.forget()                 // … the rules are reloaded meanwhile …
	c.putDecision(gen, k, true)
	if _, hit, _ := c.decision(k); hit {
		t.Fatal("a decision from the rules before the reload was kept")
	}
	_, _, gen = c.decision(k)
	c.putDecision(gen, k, true)
	if ok, hit, _ := c.decision(k); !hit || !ok {
		t.Fatalf("a decision from the current rules was not kept: %v %v", ok, hit)
	}
	c.forget()
	if _, hit, _ := c.decision(k); hit {
		t.Fatal("a reload kept a decision")
	}

	m := memberKey{"u1", "org-1"}
	_, _, gen = c.rolesOf(m)
	c.forget()
	c.putRoles(gen, m, []access.Role{access.RoleEvaluator})
	if _, hit, _ := c.rolesOf(m); hit {
		t.Fatal("roles from the rules before the reload were kept")
	}
}

func TestTheAnswersStayBounded(t *testing.T) {
	var c answers
	for i := range maxAnswers + 10 {
		k := decisionKey{memberKey{"u" + strconv.Itoa(i), "org"}, access.PermEvaluate}
		c.putDecision(0, k, true)
	}
	if n := len(c.can); n > maxAnswers {
		t.Fatalf("%d decisions kept, more than %d", n, maxAnswers)
	}
}

// The roles are each request's own: one changing its actor's must not change another's.
func TestRolesOfGivesEachCallerItsOwnList(t *testing.T) {
	f := newFixture(t)
	ev, _ := f.actor(t, "evaluator@medway-ccg.test")
	first := f.svc.Authz.RolesOf(ev.UserID, ev.OrgID)
	if len(first) == 0 {
		t.Fatal("the evaluator has no role")
	}
	want := first[0]
	first[0] = access.Role{}
	if again := f.svc.Authz.RolesOf(ev.UserID, ev.OrgID); again[0] != want {
		t.Fatalf("a caller's change to its list reached the next caller: %v", again)
	}
}
