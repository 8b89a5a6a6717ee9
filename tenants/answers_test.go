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
	k, p := memberKey{"u1", "org-1"}, access.PermEvaluate
	_, _, gen := c.decision(k, p) // a Can starts, reading the generation …
	c.forget()                    // … the rules are reloaded meanwhile …
	c.putDecision(gen, k, p, true)
	if _, hit, _ := c.decision(k, p); hit {
		t.Fatal("a decision from the rules before the reload was kept")
	}
	_, _, gen = c.decision(k, p)
	c.putDecision(gen, k, p, true)
	if ok, hit, _ := c.decision(k, p); !hit || !ok {
		t.Fatalf("a decision from the current rules was not kept: %v %v", ok, hit)
	}
	if _, hit, _ := c.decision(k, access.PermDashboard); hit {
		t.Fatal("a decision answered another permission's question")
	}
	if _, hit, _ := c.decision(memberKey{"u1", "org-2"}, p); hit {
		t.Fatal("a decision in one organisation answered for another")
	}
	c.forget()
	if _, hit, _ := c.decision(k, p); hit {
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
	for i := range maxMembers + 10 {
		c.putDecision(0, memberKey{"u" + strconv.Itoa(i), "org"}, access.PermEvaluate, true)
	}
	if n := len(c.members); n > maxMembers {
		t.Fatalf("the answers of %d members kept, more than %d", n, maxMembers)
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
