package award

import (
	"slices"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/lots"
)

// The award's states and transitions as plain functions of data: no database, no HTTP, tested
// on their own (rules_test.go). A lot's award goes
//
//	no recommendation → recommended, awaiting the governing bodies → approved by every
//	commissioner the lot covers (or rejected: back to no recommendation) → standstill
//	(a representation pauses it until the lead decides; upheld: back to no recommendation;
//	under the PCR 2015 court proceedings suspend the contract until each ends) → standstill
//	over → contract awarded.
//
// The service refuses what CheckAction refuses, with its message; the award page offers, and
// the dashboard lists, what NextActions returns, which asks CheckAction. So the forms, the tasks
// and the refusals cannot disagree.

// Stage is where a lot's award stands at an instant: the current recommendation's stored state
// with the clock, the representations and the court proceedings taken into account.
type Stage string

const (
	NoRecommendation      Stage = "none"       // nothing recommended, or the last recommendation was rejected or withdrawn
	AwaitingApprovals     Stage = "approvals"  // recommended: each commissioner the lot covers decides (Part 2)
	InStandstill          Stage = "standstill" // every governing body approved: standstill, or the wait after a decision on a representation, runs
	RepresentationPending Stage = "paused"     // a representation made during standstill awaits the lead's decision
	Suspended             Stage = "suspended"  // court proceedings suspend the contract (PCR 2015 reg. 95)
	StandstillOver        Stage = "over"       // the contract may be awarded
	ContractAwarded       Stage = "awarded"
)

// Action is something done to a lot's award; CheckAction says when it may be done.
type Action string

const (
	ActRecommend            Action = "recommend"             // the lead recommends a preferred bidder
	ActDecide               Action = "decide"                // a governing body approves or rejects it (Part 2)
	ActRepresent            Action = "represent"             // a bidder makes a representation during standstill
	ActDecideRepresentation Action = "decide_representation" // the lead upholds or rejects one
	ActRecordProceedings    Action = "record_proceedings"    // the lead records court proceedings (PCR 2015)
	ActEndSuspension        Action = "end_suspension"        // the lead records how one proceeding's suspension ended
	ActAwardContract        Action = "award_contract"        // the lead records the contract award
)

// Facts are what the rules need to know about a lot's award at an instant.
type Facts struct {
	Now           time.Time
	Regime        lots.Regime
	Commissioners []string        // the commissioners the lot covers: each governing body decides
	Current       *Recommendation // the live recommendation; nil when none (or the last was rejected or withdrawn)
	// On Current (empty without one):
	Approvals       []Approval
	Representations []Representation
	Proceedings     []Proceeding
	// Recommendable: the ranking has a bid that may be recommended (ranked, not excluded).
	Recommendable bool
	// The procurement's timetable, for when things are due (zero: no date): the award date, by
	// which the preferred bidder is to be recommended and approved, and the contract start.
	AwardDate, ContractStart time.Time
	// Names are organisation names by id, for a refusal that names a claimant.
	Names map[string]string
}

// Who is the person asking, as the rules need them.
type Who struct {
	Lead     bool   // the lead commissioner's procurement lead (evaluation.CanLead)
	Approver string // the commissioner the lot covers whose governing body they decide for; "" if none
	Bidder   string // their organisation, when it has a counted response to the lot; "" otherwise
}

// Next is something a person may do next on a lot's award, and when.
type Next struct {
	Action Action
	On     string     // the representation or proceeding it is on; "" for the lot's award
	From   *time.Time // only from then (the contract, once standstill ends); nil: now
	By     *time.Time // when it is due, where a date applies
}

// live is the recommendation the rules act on: Current, unless it has been rejected or
// withdrawn (then there is none).
func (f Facts) live() *Recommendation {
	if f.Current == nil || !f.Current.State.Live() {
		return nil
	}
	return f.Current
}

// StageOf says where the award stands.
func StageOf(f Facts) Stage {
	r := f.live()
	switch {
	case r == nil:
		return NoRecommendation
	case r.State == Pending:
		return AwaitingApprovals
	case r.State == Awarded:
		return ContractAwarded
	case ContractSuspended(f.Proceedings):
		return Suspended
	case r.State == Paused:
		return RepresentationPending
	case r.AwardNotBefore == nil || f.Now.Before(*r.AwardNotBefore):
		return InStandstill
	}
	return StandstillOver
}

// Recommendable reports whether a ranking has a bid that may be recommended: ranked, and not
// excluded by a threshold.
func Recommendable(rs []evaluation.Result) bool {
	return slices.ContainsFunc(rs, func(r evaluation.Result) bool { return !r.Excluded && r.Rank > 0 })
}

// ApprovedByAll reports whether every commissioner a lot covers has approved: standstill then
// starts.
func ApprovedByAll(commissioners []string, ds []Approval) bool {
	for _, o := range commissioners {
		if !slices.ContainsFunc(ds, func(d Approval) bool { return d.OrgID == o && d.Decision == "approve" }) {
			return false
		}
	}
	return true
}

// CheckAction refuses an action the award's state does not allow now, saying why (a Conflict,
// or NotFound for a representation or proceeding that is not on the current recommendation).
// on is what the action is on: the commissioner deciding (ActDecide), the bidder (ActRepresent),
// the representation (ActDecideRepresentation) or the proceeding (ActEndSuspension); "" for the
// others. Who may take an action at all is the service's check, before this one.
func CheckAction(act Action, f Facts, on string) error {
	r := f.live()
	switch act {
	case ActRecommend:
		if r != nil {
			return apperr.Conflictf("This lot already has a recommendation (%s)", r.State)
		}
		if !f.Recommendable {
			return apperr.Conflictf("No bid can be recommended: every bid is excluded from the ranking")
		}
	case ActDecide:
		if r == nil || r.State != Pending {
			return apperr.Conflictf("There is no recommendation awaiting a decision for this lot")
		}
		if on != "" && slices.ContainsFunc(f.Approvals, func(d Approval) bool { return d.OrgID == on }) {
			return apperr.Conflictf("Your governing body has already decided on this recommendation")
		}
	case ActRepresent:
		if r == nil || (r.State != Standstill && r.State != Paused) || r.StandstillEndsAt == nil {
			return apperr.Conflictf("Representations are made during the standstill period")
		}
		if !f.Now.Before(*r.StandstillEndsAt) {
			return apperr.Conflictf("The standstill period ended at %s: representations can no longer be made", ukDay(*r.StandstillEndsAt))
		}
	case ActDecideRepresentation:
		i := slices.IndexFunc(f.Representations, func(x Representation) bool { return x.ID == on })
		if r == nil || i < 0 {
			return apperr.NotFoundf("Representation not found")
		}
		if f.Representations[i].Decision != nil {
			return apperr.Conflictf("This representation has already been decided")
		}
	case ActRecordProceedings:
		return ProceedingsRecordable(f.Regime, r)
	case ActEndSuspension:
		i := slices.IndexFunc(f.Proceedings, func(x Proceeding) bool { return x.ID == on })
		if r == nil || i < 0 {
			return apperr.NotFoundf("Proceedings not found")
		}
		if f.Proceedings[i].EndedOn != nil {
			return apperr.Conflictf("The end of this suspension has already been recorded")
		}
	case ActAwardContract:
		return contractRefusal(f)
	default:
		return apperr.Invalidf("There is no award action %q", string(act))
	}
	return nil
}

// contractRefusal says why the contract cannot be awarded now, or nil. Court proceedings come
// first: PCR 2015 reg. 95 suspends the contract whatever the standstill says.
func contractRefusal(f Facts) error {
	r := f.live()
	switch StageOf(f) {
	case Suspended:
		return apperr.Conflictf("%s", SuspensionMessage(f.Proceedings, f.Names))
	case NoRecommendation, AwaitingApprovals:
		return apperr.Conflictf("The contract is awarded after every governing body has approved the recommendation and standstill has ended")
	case ContractAwarded:
		return apperr.Conflictf("The contract for this lot has already been awarded")
	case RepresentationPending:
		return apperr.Conflictf("The award is paused: a representation made during standstill awaits your decision")
	case InStandstill:
		switch {
		case r.AwardNotBefore != nil && r.StandstillEndsAt != nil && r.AwardNotBefore.After(*r.StandstillEndsAt):
			return apperr.Conflictf("After the decision on a representation the award waits until %s", ukDay(*r.AwardNotBefore))
		case r.StandstillEndsAt != nil:
			return apperr.Conflictf("The lot is in standstill until %s: the contract may be awarded after that", ukDay(*r.StandstillEndsAt))
		}
		return apperr.Conflictf("The contract is awarded after every governing body has approved the recommendation and standstill has ended")
	}
	return nil
}

// NextActions lists what w may do next on the award, and by when where a date applies: the
// actions CheckAction allows now and that are w's to take, in the order the page shows them,
// plus the contract award during standstill, offered from the day it ends (the lead may prepare
// it; the service refuses it until then, saying until when).
//
// The dates: the recommendation and each governing body's decision are due by the timetable's
// award date; the contract by its contract start; a representation by the end of standstill.
// Deciding on a representation has no date in the regulations, but the award waits for it.
func NextActions(f Facts, w Who) []Next {
	var out []Next
	ok := func(act Action, on string) bool { return CheckAction(act, f, on) == nil }
	if w.Lead {
		if ok(ActRecommend, "") {
			out = append(out, Next{Action: ActRecommend, By: date(f.AwardDate)})
		}
		for _, rep := range f.Representations {
			if ok(ActDecideRepresentation, rep.ID) {
				out = append(out, Next{Action: ActDecideRepresentation, On: rep.ID})
			}
		}
		for _, p := range f.Proceedings {
			if ok(ActEndSuspension, p.ID) {
				out = append(out, Next{Action: ActEndSuspension, On: p.ID})
			}
		}
		if ok(ActRecordProceedings, "") {
			out = append(out, Next{Action: ActRecordProceedings})
		}
		switch {
		case ok(ActAwardContract, ""):
			out = append(out, Next{Action: ActAwardContract, By: date(f.ContractStart)})
		case StageOf(f) == InStandstill:
			out = append(out, Next{Action: ActAwardContract, From: f.live().AwardNotBefore, By: date(f.ContractStart)})
		}
	}
	if w.Approver != "" && slices.Contains(f.Commissioners, w.Approver) && ok(ActDecide, w.Approver) {
		out = append(out, Next{Action: ActDecide, By: date(f.AwardDate)})
	}
	if w.Bidder != "" && ok(ActRepresent, w.Bidder) {
		out = append(out, Next{Action: ActRepresent, By: f.live().StandstillEndsAt})
	}
	return out
}

// Offered finds act (on what it is on) among next.
func Offered(next []Next, act Action, on string) (Next, bool) {
	i := slices.IndexFunc(next, func(n Next) bool { return n.Action == act && n.On == on })
	if i < 0 {
		return Next{}, false
	}
	return next[i], true
}

func date(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
