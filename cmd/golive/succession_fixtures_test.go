package main

import (
	"context"
	"testing"

	"golive/tenants"
	"golive/tenants/access"
)

// orgID is the id of a demo organisation, by name.
func orgID(t *testing.T, s *server, name string) string {
	t.Helper()
	orgs, err := tenants.NewDirectory(s.App.DB).OrganisationsOfKind(context.Background(), access.Commissioner)
	if err != nil {
		t.Fatal(err)
	}
	provs, err := tenants.NewDirectory(s.App.DB).OrganisationsOfKind(context.Background(), access.Provider)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range append(orgs, provs...) {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no organisation %q", name)
	return ""
}

// matrixSuccession records a succession of two CCGs far in the future, for the routes on one.
func matrixSuccession(t *testing.T, s *server) string {
	t.Helper()
	admin := signInActor(t, s, "admin@golive.test")
	sc, err := s.App.Succ.Schedule(context.Background(), admin, tenants.SuccessionInput{
		Predecessors: []string{orgID(t, s, "NHS Thanet CCG")}, Successor: orgID(t, s, "NHS South Kent Coast CCG"),
		EffectiveDate: "2099-04-01", Users: "move"})
	if err != nil {
		t.Fatal(err)
	}
	return sc.ID
}
