package demo

import (
	"context"
	"fmt"
	"slices"

	"golive/tenants"
)

// successionsOfTheSeeds are the reorganisations that followed the seeds (DOMAIN.md, "What a
// real deployment meets"), each from midnight in England on its day. Their people move with
// their roles, so that a demo sign-in of 2019 (lead@medway-ccg.test) is, served in 2026, the
// same person at NHS Kent and Medway ICB.
var successionsOfTheSeeds = []struct {
	day          string
	predecessors []string
	successor    string
	note         string
}{
	{"2020-04-01", []string{"NHS Ashford CCG", "NHS Canterbury and Coastal CCG", "NHS Dartford, Gravesham and Swanley CCG", "NHS Medway CCG",
		"NHS South Kent Coast CCG", "NHS Swale CCG", "NHS Thanet CCG", "NHS West Kent CCG"}, "NHS Kent and Medway CCG",
		"Kent and Medway's eight CCGs merged"},
	{"2021-04-01", []string{"NHS Bedfordshire CCG", "NHS Luton CCG", "NHS Milton Keynes CCG"}, "NHS Bedfordshire, Luton and Milton Keynes CCG",
		"Bedfordshire, Luton and Milton Keynes CCGs merged"},
	{"2022-07-01", []string{"NHS Kent and Medway CCG"}, "NHS Kent and Medway ICB", "Health and Care Act 2022: CCGs replaced by integrated care boards"},
	{"2022-07-01", []string{"NHS Bedfordshire, Luton and Milton Keynes CCG"}, "NHS Bedfordshire, Luton and Milton Keynes ICB", "Health and Care Act 2022: CCGs replaced by integrated care boards"},
}

// Successions schedules the reorganisations of 2020–2022 as the platform admin, through the
// successions service. They are in the future of the demo's moment (February 2019), so `make
// run` shows the CCGs; served with a later GOLIVE_NOW, the scheduler applies them. A succession
// already recorded (scheduled or applied) is left as it is.
func Successions(ctx context.Context, s Services) (bool, error) {
	if s.Successions == nil {
		return false, nil
	}
	admin, err := s.Tenants.ActorByEmail(ctx, "admin@golive.test")
	if err != nil {
		return false, fmt.Errorf("demo successions: the platform admin: %w", err)
	}
	existing, err := s.Successions.List(ctx, admin)
	if err != nil {
		return false, fmt.Errorf("demo successions: %w", err)
	}
	orgs, err := s.Successions.SuccessionChoices(ctx, admin)
	if err != nil {
		return false, fmt.Errorf("demo successions: %w", err)
	}
	ids := map[string]string{}
	for _, o := range orgs {
		ids[o.Name] = o.ID
	}
	added := false
	for _, d := range successionsOfTheSeeds {
		at, _ := tenants.EffectiveAt(d.day)
		if slices.ContainsFunc(existing, func(v tenants.SuccessionView) bool {
			return v.Live() && v.SuccessorOrgID == ids[d.successor] && v.EffectiveAt.Equal(at)
		}) {
			continue
		}
		in := tenants.SuccessionInput{Successor: ids[d.successor], EffectiveDate: d.day, Users: string(tenants.UsersMove), Note: d.note}
		for _, p := range d.predecessors {
			in.Predecessors = append(in.Predecessors, ids[p])
		}
		if _, err := s.Successions.Schedule(ctx, admin, in); err != nil {
			return added, fmt.Errorf("demo succession of %s from %s: %w", d.successor, d.day, err)
		}
		added = true
	}
	return added, nil
}
