package tenants

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golive/tenants/access"
	"golive/ukclock"
)

// SuccessionState is where a succession stands.
type SuccessionState string

const (
	SuccessionScheduled SuccessionState = "scheduled" // recorded, its date not yet come
	SuccessionApplied   SuccessionState = "applied"   // carried out: the predecessors are history
	SuccessionCancelled SuccessionState = "cancelled" // withdrawn before its date
)

// UsersChoice is what a succession does with the predecessors' people.
type UsersChoice string

const (
	// UsersMove moves each person, with their roles, to the successor: the same account, so
	// the audit trail still names the same person for what they did before.
	UsersMove UsersChoice = "move"
	// UsersInvite leaves the people behind (unable to act) and invites each active one to the
	// successor with the roles they held; accepting moves their account there.
	UsersInvite UsersChoice = "invite"
)

// maxPredecessors bounds one succession: the largest NHS merger so far joined eight CCGs, and
// an ICB cluster a handful of ICBs.
const maxPredecessors = 20

// Succession is one recorded reorganisation: the predecessors are succeeded by the successor
// from EffectiveAt.
type Succession struct {
	ID             string `gorm:"primaryKey"`
	SuccessorOrgID string
	EffectiveAt    time.Time
	Users          UsersChoice
	State          SuccessionState
	Note           string
	CreatedBy      string
	CreatedAt      time.Time
	AppliedAt      *time.Time
	CancelledBy    string
	CancelledAt    *time.Time

	Predecessors []string `gorm:"-"` // organisation ids, by name
}

// Live reports whether the succession stands (scheduled or applied).
func (s Succession) Live() bool {
	return s.State == SuccessionScheduled || s.State == SuccessionApplied
}

// SuccessionPlan is what the platform admin asks for, resolved to organisations.
type SuccessionPlan struct {
	Predecessors []string
	Successor    string
	EffectiveAt  time.Time
	Users        UsersChoice
}

// CheckSuccession validates a plan against the organisations it names (orgs, by id) and the
// successions already live (scheduled or applied). It returns messages by form field; none
// when the plan may be recorded.
//
// The rules keep the history a chain that reads one way: an organisation is succeeded at most
// once; an organisation that is itself still to come (the successor of a scheduled succession)
// can only be succeeded after it comes; nobody succeeds themself, directly or through a chain;
// commissioners succeed commissioners and providers providers (a commissioner never inherits a
// provider's bids, nor a provider a commissioner's procurements).
func CheckSuccession(p SuccessionPlan, orgs map[string]Organisation, live []Succession) map[string]string {
	bad := map[string]string{}
	succ, ok := orgs[p.Successor]
	switch {
	case p.Successor == "":
		bad["successor"] = "Choose the organisation that succeeds them"
	case !ok:
		bad["successor"] = "Choose an organisation that exists"
	case succ.Kind != access.Commissioner && succ.Kind != access.Provider:
		bad["successor"] = "Only commissioners and providers can be succeeded"
	}
	switch {
	case len(p.Predecessors) == 0:
		bad["predecessors"] = "Choose at least one organisation that is succeeded"
	case len(p.Predecessors) > maxPredecessors:
		bad["predecessors"] = fmt.Sprintf("Choose at most %d organisations", maxPredecessors)
	}
	if p.EffectiveAt.IsZero() {
		bad["effective_date"] = "Enter the date the succession takes effect"
	}
	if p.Users != UsersMove && p.Users != UsersInvite {
		bad["users"] = "Choose whether their people move or are invited"
	}
	if _, has := bad["predecessors"]; has {
		return bad
	}
	seen := map[string]bool{}
	for _, id := range p.Predecessors {
		o, ok := orgs[id]
		switch {
		case seen[id]:
			bad["predecessors"] = "Choose each organisation once"
		case !ok:
			bad["predecessors"] = "Choose organisations that exist"
		case id == p.Successor:
			bad["predecessors"] = o.Name + " cannot succeed itself"
		case succ.Kind != "" && o.Kind != succ.Kind:
			bad["predecessors"] = fmt.Sprintf("%s is a %s and %s a %s: an organisation is succeeded by one of its own kind", o.Name, o.Kind, succ.Name, succ.Kind)
		}
		seen[id] = true
		if _, has := bad["predecessors"]; has {
			return bad
		}
	}
	for _, s := range live {
		if !s.Live() {
			continue
		}
		for _, id := range p.Predecessors {
			if slices.Contains(s.Predecessors, id) {
				bad["predecessors"] = fmt.Sprintf("%s is already succeeded by %s from %s", orgs[id].Name, nameOr(orgs, s.SuccessorOrgID), ukDate(s.EffectiveAt))
				return bad
			}
			// An organisation that comes into being by a succession is succeeded only after it.
			if s.SuccessorOrgID == id && !s.EffectiveAt.Before(p.EffectiveAt) {
				bad["effective_date"] = fmt.Sprintf("%s takes over from its predecessors on %s: it can be succeeded only after that", orgs[id].Name, ukDate(s.EffectiveAt))
				return bad
			}
		}
		if slices.Contains(s.Predecessors, p.Successor) {
			// The successor is itself succeeded: only a succession that takes effect before that.
			if !p.EffectiveAt.Before(s.EffectiveAt) {
				bad["successor"] = fmt.Sprintf("%s is succeeded by %s from %s", succ.Name, nameOr(orgs, s.SuccessorOrgID), ukDate(s.EffectiveAt))
				return bad
			}
		}
	}
	if cycles(p, live) {
		bad["successor"] = "That would make an organisation its own successor"
	}
	return bad
}

// cycles reports whether adding p makes a chain of live successions lead back to where it began.
func cycles(p SuccessionPlan, live []Succession) bool {
	next := map[string]string{}
	for _, s := range live {
		if s.Live() {
			for _, id := range s.Predecessors {
				next[id] = s.SuccessorOrgID
			}
		}
	}
	for _, id := range p.Predecessors {
		next[id] = p.Successor
	}
	for at, steps := p.Successor, 0; at != ""; at, steps = next[at], steps+1 {
		if slices.Contains(p.Predecessors, at) || steps > len(next) {
			return true
		}
	}
	return false
}

// FinalSuccessor follows applied successions (predecessor → successor) from id to the
// organisation that holds its place today; id itself when it was never succeeded.
func FinalSuccessor(id string, next map[string]string) string {
	for steps := 0; steps <= len(next); steps++ {
		n, ok := next[id]
		if !ok || n == "" {
			return id
		}
		id = n
	}
	return id // a cycle cannot be recorded (CheckSuccession); stop rather than loop
}

// SucceededName is how pages name an organisation that has been succeeded: "NHS Medway CCG
// (now NHS Kent and Medway ICB)". The name it had stays first, since what it did was done
// under it; the name alone when it was not succeeded.
func SucceededName(name, nowName string) string {
	if nowName == "" || nowName == name {
		return name
	}
	return name + " (now " + nowName + ")"
}

// SuccessionDue reports whether a scheduled succession is to be applied at now.
func SuccessionDue(s Succession, now time.Time) bool {
	return s.State == SuccessionScheduled && !now.Before(s.EffectiveAt)
}

// CanCancelSuccession says why a succession cannot be cancelled at now ("" when it can): once
// its date has come it may already have moved procurements and people, and the way back is a
// new succession, not an undo.
func CanCancelSuccession(s Succession, now time.Time) string {
	switch {
	case s.State == SuccessionCancelled:
		return "This succession was cancelled already"
	case s.State == SuccessionApplied:
		return "This succession has taken effect: record a new one to change it"
	case !now.Before(s.EffectiveAt):
		return "This succession takes effect now and can no longer be cancelled"
	}
	return ""
}

// JoinRoles is the union of two role sets in the order access.Roles lists them: a person who
// moves keeps the roles they had and any they already held at the successor.
func JoinRoles(a, b []access.Role) []access.Role {
	var out []access.Role
	for _, r := range access.Roles {
		if slices.Contains(a, r) || slices.Contains(b, r) {
			out = append(out, r)
		}
	}
	return out
}

func nameOr(orgs map[string]Organisation, id string) string {
	if o, ok := orgs[id]; ok {
		return o.Name
	}
	return "another organisation"
}

// ukDate is a date as people in England write it: "1 April 2020".
func ukDate(t time.Time) string {
	return strings.TrimSpace(t.In(ukclock.London).Format("2 January 2006"))
}
