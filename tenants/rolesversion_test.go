package tenants_test

import (
	"context"
	"testing"

	"golive/database/dbtest"
	"golive/tenants"
)

// The roles' version check runs on each process's own clock (Authorizer.Watch), so the query
// counts of requests leave it out (PolicyVersionQuery): it must be the statement PolicyVersion
// runs, and nothing else may be left out with it.
func TestTheRolesVersionCheckIsNotCountedAsARequestsStatement(t *testing.T) {
	db := dbtest.Open(t)
	q := dbtest.CountQueries(t, db.Gorm)
	q.Ignore(tenants.PolicyVersionQuery)
	st := tenants.NewStore(db)
	ctx := context.Background()
	if _, err := st.PolicyVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if n := q.Count(); n != 0 {
		t.Fatalf("the roles' version check counted %d statements: %q", n, q.Statements())
	}
	if err := st.BumpPolicyVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if n := q.Count(); n != 1 {
		t.Fatalf("a change of the roles' version counted %d statements, want 1: %q", n, q.Statements())
	}
}
