// Package demo loads the demo: the seeds' organisations and people, and their procurements of
// 2016 and 2018 replayed through the feature services, as the people of the seeds would have
// used golive, up to Monday 11 February 2019 (Moment). Every step goes through a service call a
// real user makes (tenants, lots, evaluation, mobilisation), so the demo data went through every
// rule and left a true audit trail:
//
//   - people.go: the organisations (the eight Kent and Medway CCGs, Luton, Bedfordshire and
//     Milton Keynes CCGs, Healthwatch, four fictional providers) and one sign-in per role;
//   - procurements.go: Kent and Medway's IUCS procurement (two lots, approved by all eight
//     governing bodies, published, clarified, bid for and opened) and Luton and Bedfordshire's;
//   - evaluations.go: the panels, declarations, independent marks, moderation and prices of each
//     lot; awards.go: the recommendations, governing-body approvals and contracts;
//   - mobilisation.go: the plans made from the contracts and what their people did on them, with
//     the reminder scan run every morning as the worker would; notes.go: what they wrote;
//   - successions.go: the reorganisations that followed (the CCG mergers of 2020 and 2021, the
//     ICBs of 2022), recorded ahead and applied by the scheduler as GOLIVE_NOW passes them.
//
// The replay keeps its own clock: each part copies the services it drives and sets their Now to
// the moment in the seeds that a step happened. That is the one seam the demo needs beyond what
// a user can do, since a person cannot travel back to 2016. Loading is idempotent: a part finds
// what a previous load made and leaves it as it is.
package demo

import (
	"context"
	"fmt"
	"time"

	"golive/database"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
	"golive/mobilisation"
	"golive/tenants"
	"golive/tenants/access"
	"golive/ukclock"
)

// Moment is the instant the demo is set at: Monday 11 February 2019, 09:00 in the UK (GMT),
// seven weeks before Kent and Medway's first go-lives. The demo is replayed up to it and its last
// reminder scan runs at it; `make run` serves the demo with GOLIVE_NOW at it, so that the pages
// show the mobilisation as it then stood.
const Moment = "2019-02-11T09:00:00Z"

// Services are the feature services the demo drives, as the binary wires them (a part needs
// only those it drives: Procurements, tenants and lots). The demo never changes them: each part
// of the replay works on copies on its own clock.
type Services struct {
	Tenants *tenants.Service
	Lots    *lots.Service
	Eval    *evaluation.Service
	Award   *award.Service
	Mob     *mobilisation.Service
	// Successions records the reorganisations of 2020–2022 (successions.go); left out when nil.
	Successions *tenants.Successions
}

// Result is what a load did.
type Result struct {
	Loaded  bool     // something was added this time
	Skipped []string // parts left out, with the reason
}

// Load loads the whole demo: the organisations and people, the procurements, their evaluations
// and awards, and the mobilisation of the contracts.
func Load(ctx context.Context, s Services) (Result, error) {
	orgIDs, created, err := LoadPeople(ctx, s.Tenants)
	if err != nil {
		return Result{}, err
	}
	procs, err := Procurements(ctx, s, orgIDs)
	if err != nil {
		return Result{}, err
	}
	ev, err := Evaluations(ctx, s)
	if err != nil {
		return Result{}, err
	}
	mob, err := Mobilisation(ctx, s, ev)
	if err != nil {
		return Result{}, err
	}
	succ, err := Successions(ctx, s)
	if err != nil {
		return Result{}, err
	}
	return Result{Loaded: created || procs || ev.Loaded || mob.Loaded || succ, Skipped: append(ev.Skipped, mob.Skipped...)}, nil
}

// replay is one part of the demo being played: copies of the services on the part's own clock,
// which each step sets to the moment it happened, and the first error (once a step fails, the
// later ones do nothing).
type replay struct {
	part  string // named in errors
	ctx   context.Context
	clock time.Time
	lots  *lots.Service
	eval  *evaluation.Service
	award *award.Service
	mob   *mobilisation.Service
	actor func(ctx context.Context, email string) (*access.Actor, error)
	seen  map[string]*access.Actor // a demo user's roles do not change during the replay
	err   error
}

func newReplay(ctx context.Context, s Services, part string) *replay {
	r := &replay{part: part, ctx: ctx, actor: s.Tenants.ActorByEmail, seen: map[string]*access.Actor{}}
	clock := func() time.Time { return r.clock }
	if s.Lots != nil {
		l := *s.Lots
		l.Now = clock
		r.lots = &l
	}
	if s.Eval != nil {
		e := *s.Eval
		e.Now, e.Lots = clock, r.lots
		r.eval = &e
	}
	if s.Award != nil {
		// The awards replayed here are years back: the mobilisation part makes each plan itself,
		// on its own clock, at the moment of the award, rather than the award's hook on today's.
		aw := *s.Award
		aw.Now, aw.Eval, aw.AfterContract = clock, r.eval, nil
		r.award = &aw
	}
	if s.Mob != nil {
		m := *s.Mob
		m.Now = clock
		r.mob = &m
	}
	return r
}

// london is a UK wall-clock time of the seeds, "2006-01-02 15:04", in UTC.
func london(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ukclock.London)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func (r *replay) at(when string) { r.clock = london(when) }

// as is the demo user's actor and a context carrying their organisation, as a request has.
func (r *replay) as(email string) (*access.Actor, context.Context) {
	a, ok := r.seen[email]
	if !ok {
		var err error
		if a, err = r.actor(r.ctx, email); err != nil {
			r.fail("sign in as "+email, err)
			return &access.Actor{}, r.ctx
		}
		r.seen[email] = a
	}
	return a, database.WithTenant(r.ctx, a.OrgID)
}

func (r *replay) fail(what string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("demo %s: %s: %w", r.part, what, err)
	}
}

func (r *replay) do(what string, f func() error) {
	if r.err != nil {
		return
	}
	if err := f(); err != nil {
		r.fail(what, err)
	}
}
