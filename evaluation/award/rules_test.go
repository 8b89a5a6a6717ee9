package award_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
)

// The award's state machine, without a database or HTTP: which stage each set of facts is in,
// which action each stage allows and what each refusal says, and what each person may do next.

var (
	ruleNow       = time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC)
	awardDate     = time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	contractStart = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	medway, swale = "org-medway", "org-swale"
	estuaryOrg    = "org-estuary"
	wealdOrg      = "org-weald"
)

func after(d time.Duration) *time.Time { t := ruleNow.Add(d); return &t }

func decided(s string) *string { return &s }

// scenario is a lot's award at ruleNow, named for where it stands.
type scenario struct {
	name  string
	facts award.Facts
}

// rec is a recommendation in state st: standstill, when it has started, began a day ago and
// ends in five days.
func rec(st award.State) *award.Recommendation {
	r := &award.Recommendation{ID: "rec-1", LotID: "lot-1", BidderOrgID: estuaryOrg, Regime: lots.PSR2024, State: st}
	if st != award.Pending && st != award.Rejected {
		r.StandstillStartedAt, r.StandstillEndsAt, r.AwardNotBefore = after(-24*time.Hour), after(5*24*time.Hour), after(5*24*time.Hour)
	}
	return r
}

func facts(regime lots.Regime, r *award.Recommendation, edit func(*award.Facts)) award.Facts {
	f := award.Facts{Now: ruleNow, Regime: regime, Commissioners: []string{medway, swale}, Current: r, Recommendable: true,
		AwardDate: awardDate, ContractStart: contractStart, Names: map[string]string{wealdOrg: "Weald Ambulance Service NHS Trust"}}
	if edit != nil {
		edit(&f)
	}
	return f
}

var (
	undecided = award.Representation{ID: "rep-1", RecommendationID: "rec-1", BidderOrgID: wealdOrg, MadeAt: ruleNow.Add(-time.Hour)}
	rejected  = award.Representation{ID: "rep-0", RecommendationID: "rec-1", BidderOrgID: wealdOrg, MadeAt: ruleNow.Add(-2 * time.Hour),
		Decision: decided("rejected")}
	running = award.Proceeding{ID: "proc-1", RecommendationID: "rec-1", ClaimantOrgID: wealdOrg, NotifiedOn: time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC)}
	ended   = award.Proceeding{ID: "proc-0", RecommendationID: "rec-1", ClaimantOrgID: wealdOrg, NotifiedOn: time.Date(2026, 1, 19, 0, 0, 0, 0, time.UTC),
		EndedOn: after(-time.Hour)}
)

func scenarios() []scenario {
	over := rec(award.Standstill)
	over.StandstillStartedAt, over.StandstillEndsAt, over.AwardNotBefore = after(-12*24*time.Hour), after(-time.Hour), after(-time.Hour)
	waiting := rec(award.Standstill) // standstill over, but the wait after a decision on a representation runs
	waiting.StandstillEndsAt, waiting.AwardNotBefore = after(-time.Hour), after(3*24*time.Hour)
	return []scenario{
		{"nothing recommended", facts(lots.PSR2024, nil, nil)},
		{"nothing recommended, every bid excluded", facts(lots.PSR2024, nil, func(f *award.Facts) { f.Recommendable = false })},
		{"the last recommendation was rejected", facts(lots.PSR2024, rec(award.Rejected), nil)},
		{"awaiting both governing bodies", facts(lots.PSR2024, rec(award.Pending), nil)},
		{"awaiting Swale, Medway approved", facts(lots.PSR2024, rec(award.Pending), func(f *award.Facts) {
			f.Approvals = []award.Approval{{RecommendationID: "rec-1", OrgID: medway, Decision: "approve", DecidedAt: ruleNow}}
		})},
		{"in standstill", facts(lots.PSR2024, rec(award.Standstill), nil)},
		{"in standstill under the PCR", facts(lots.PCR2015, rec(award.Standstill), nil)},
		{"paused by a representation", facts(lots.PSR2024, rec(award.Paused), func(f *award.Facts) {
			f.Representations = []award.Representation{rejected, undecided}
		})},
		{"suspended by proceedings", facts(lots.PCR2015, rec(award.Standstill), func(f *award.Facts) {
			f.Proceedings = []award.Proceeding{ended, running}
		})},
		{"waiting after a decision on a representation", facts(lots.PSR2024, waiting, func(f *award.Facts) {
			f.Representations = []award.Representation{rejected}
		})},
		{"standstill over", facts(lots.PSR2024, over, nil)},
		{"standstill over under the PCR, proceedings ended", facts(lots.PCR2015, over, func(f *award.Facts) {
			f.Proceedings = []award.Proceeding{ended}
		})},
		{"contract awarded", facts(lots.PSR2024, rec(award.Awarded), nil)},
	}
}

func TestEachSetOfFactsIsInOneStage(t *testing.T) {
	want := map[string]award.Stage{
		"nothing recommended":                              award.NoRecommendation,
		"nothing recommended, every bid excluded":          award.NoRecommendation,
		"the last recommendation was rejected":             award.NoRecommendation,
		"awaiting both governing bodies":                   award.AwaitingApprovals,
		"awaiting Swale, Medway approved":                  award.AwaitingApprovals,
		"in standstill":                                    award.InStandstill,
		"in standstill under the PCR":                      award.InStandstill,
		"paused by a representation":                       award.RepresentationPending,
		"suspended by proceedings":                         award.Suspended,
		"waiting after a decision on a representation":     award.InStandstill,
		"standstill over":                                  award.StandstillOver,
		"standstill over under the PCR, proceedings ended": award.StandstillOver,
		"contract awarded":                                 award.ContractAwarded,
	}
	for _, sc := range scenarios() {
		if got := award.StageOf(sc.facts); got != want[sc.name] {
			t.Errorf("%s: stage %q, want %q", sc.name, got, want[sc.name])
		}
	}
	// The stage is the clock's too: the last instant of standstill is still standstill.
	f := facts(lots.PSR2024, rec(award.Standstill), nil)
	f.Now = f.Current.AwardNotBefore.Add(-time.Nanosecond)
	if got := award.StageOf(f); got != award.InStandstill {
		t.Errorf("a nanosecond before the end: %q", got)
	}
	f.Now = *f.Current.AwardNotBefore
	if got := award.StageOf(f); got != award.StandstillOver {
		t.Errorf("at the end: %q", got)
	}
}

// allowed is what CheckAction says of one action: "" when it is allowed, else the kind of the
// refusal and a part of its message.
type allowed struct {
	kind apperr.Kind
	says string
}

var ok = allowed{}

func conflict(says string) allowed { return allowed{apperr.Conflict, says} }
func notFound(says string) allowed { return allowed{apperr.NotFound, says} }

// step is an action on something: the commissioner deciding, the bidder, the representation
// or the proceeding.
type step struct {
	act award.Action
	on  string
}

func TestEveryActionIsAllowedOnlyInItsStagesAndEachRefusalSaysWhy(t *testing.T) {
	var (
		recommend      = step{award.ActRecommend, ""}
		decideMedway   = step{award.ActDecide, medway}
		decideSwale    = step{award.ActDecide, swale}
		represent      = step{award.ActRepresent, wealdOrg}
		decideRep      = step{award.ActDecideRepresentation, undecided.ID}
		decideDecided  = step{award.ActDecideRepresentation, rejected.ID}
		record         = step{award.ActRecordProceedings, ""}
		endRunning     = step{award.ActEndSuspension, running.ID}
		endEnded       = step{award.ActEndSuspension, ended.ID}
		awardContract  = step{award.ActAwardContract, ""}
		steps          = []step{recommend, decideMedway, decideSwale, represent, decideRep, decideDecided, record, endRunning, endEnded, awardContract}
		hasOne         = conflict("This lot already has a recommendation")
		noDecision     = conflict("There is no recommendation awaiting a decision for this lot")
		notInStandstil = conflict("Representations are made during the standstill period")
		noRep          = notFound("Representation not found")
		noProc         = notFound("Proceedings not found")
		psr            = conflict("There is no automatic suspension under the Provider Selection Regime")
		notApproved    = conflict("The contract is awarded after every governing body has approved the recommendation and standstill has ended")
		inStandstill   = conflict("The lot is in standstill until midnight at the end of Sunday 25 January 2026 (UK time)")
	)
	want := map[string]map[step]allowed{
		"nothing recommended": {recommend: ok, decideMedway: noDecision, decideSwale: noDecision, represent: notInStandstil,
			decideRep: noRep, decideDecided: noRep, record: psr, endRunning: noProc, endEnded: noProc, awardContract: notApproved},
		"nothing recommended, every bid excluded": {recommend: conflict("every bid is excluded"), decideMedway: noDecision, decideSwale: noDecision,
			represent: notInStandstil, decideRep: noRep, decideDecided: noRep, record: psr, endRunning: noProc, endEnded: noProc, awardContract: notApproved},
		"the last recommendation was rejected": {recommend: ok, decideMedway: noDecision, decideSwale: noDecision, represent: notInStandstil,
			decideRep: noRep, decideDecided: noRep, record: psr, endRunning: noProc, endEnded: noProc, awardContract: notApproved},
		"awaiting both governing bodies": {recommend: conflict("This lot already has a recommendation (pending)"), decideMedway: ok, decideSwale: ok,
			represent: notInStandstil, decideRep: noRep, decideDecided: noRep, record: psr, endRunning: noProc, endEnded: noProc, awardContract: notApproved},
		"awaiting Swale, Medway approved": {recommend: hasOne, decideMedway: conflict("Your governing body has already decided on this recommendation"),
			decideSwale: ok, represent: notInStandstil, decideRep: noRep, decideDecided: noRep, record: psr, endRunning: noProc, endEnded: noProc,
			awardContract: notApproved},
		"in standstill": {recommend: hasOne, decideMedway: noDecision, decideSwale: noDecision, represent: ok, decideRep: noRep, decideDecided: noRep,
			record: psr, endRunning: noProc, endEnded: noProc, awardContract: inStandstill},
		"in standstill under the PCR": {recommend: hasOne, decideMedway: noDecision, decideSwale: noDecision, represent: ok, decideRep: noRep,
			decideDecided: noRep, record: ok, endRunning: noProc, endEnded: noProc, awardContract: inStandstill},
		"paused by a representation": {recommend: hasOne, decideMedway: noDecision, decideSwale: noDecision, represent: ok, decideRep: ok,
			decideDecided: conflict("This representation has already been decided"), record: psr, endRunning: noProc, endEnded: noProc,
			awardContract: conflict("The award is paused: a representation made during standstill awaits your decision")},
		"suspended by proceedings": {recommend: hasOne, decideMedway: noDecision, decideSwale: noDecision, represent: ok, decideRep: noRep,
			decideDecided: noRep, record: ok, endRunning: ok, endEnded: conflict("The end of this suspension has already been recorded"),
			awardContract: conflict("proceedings issued by Weald Ambulance Service NHS Trust, notified on 20 January 2026, suspend it (PCR 2015 reg. 95)")},
		"waiting after a decision on a representation": {recommend: hasOne, decideMedway: noDecision, decideSwale: noDecision,
			represent: conflict("The standstill period ended at midnight at the end of Tuesday 20 January 2026 (UK time): representations can no longer be made"),
			decideRep: noRep, decideDecided: conflict("already been decided"), record: psr, endRunning: noProc, endEnded: noProc,
			awardContract: conflict("After the decision on a representation the award waits until midnight at the end of Friday 23 January 2026 (UK time)")},
		"standstill over": {recommend: hasOne, decideMedway: noDecision, decideSwale: noDecision, represent: conflict("representations can no longer be made"),
			decideRep: noRep, decideDecided: noRep, record: psr, endRunning: noProc, endEnded: noProc, awardContract: ok},
		"standstill over under the PCR, proceedings ended": {recommend: hasOne, decideMedway: noDecision, decideSwale: noDecision,
			represent: conflict("representations can no longer be made"), decideRep: noRep, decideDecided: noRep, record: ok, endRunning: noProc,
			endEnded: conflict("already been recorded"), awardContract: ok},
		"contract awarded": {recommend: conflict("This lot already has a recommendation (awarded)"), decideMedway: noDecision, decideSwale: noDecision,
			represent: notInStandstil, decideRep: noRep, decideDecided: noRep, record: psr, endRunning: noProc, endEnded: noProc,
			awardContract: conflict("The contract for this lot has already been awarded")},
	}
	for _, sc := range scenarios() {
		ws, found := want[sc.name]
		if !found {
			t.Fatalf("no expectations for %q", sc.name)
		}
		for _, st := range steps {
			w := ws[st]
			err := award.CheckAction(st.act, sc.facts, st.on)
			switch {
			case w == ok && err != nil:
				t.Errorf("%s: %s on %q refused: %v", sc.name, st.act, st.on, err)
			case w != ok && (!apperr.IsKind(err, w.kind) || !strings.Contains(err.Error(), w.says)):
				t.Errorf("%s: %s on %q: got %v, want kind %v saying %q", sc.name, st.act, st.on, err, w.kind, w.says)
			}
		}
	}
	if err := award.CheckAction("fly", facts(lots.PSR2024, nil, nil), ""); !apperr.IsKind(err, apperr.Invalid) {
		t.Errorf("an unknown action: %v", err)
	}
}

func TestProceedingsBeforeStandstillUnderThePCRAreRefusedAsTooEarly(t *testing.T) {
	for _, r := range []*award.Recommendation{nil, rec(award.Pending)} {
		err := award.CheckAction(award.ActRecordProceedings, facts(lots.PCR2015, r, nil), "")
		if !apperr.IsKind(err, apperr.Conflict) || !strings.Contains(err.Error(), "once standstill has started") {
			t.Errorf("recommendation %+v: %v", r, err)
		}
	}
	err := award.CheckAction(award.ActRecordProceedings, facts(lots.PCR2015, rec(award.Awarded), nil), "")
	if !apperr.IsKind(err, apperr.Conflict) || !strings.Contains(err.Error(), "no longer applies") {
		t.Errorf("after the contract: %v", err)
	}
}

// next writes NextActions as text, to compare whole lists: "action[on] from … by …".
func next(ns []award.Next) []string {
	var out []string
	for _, n := range ns {
		s := string(n.Action)
		if n.On != "" {
			s += "[" + n.On + "]"
		}
		if n.From != nil {
			s += " from " + n.From.UTC().Format(time.RFC3339)
		}
		if n.By != nil {
			s += " by " + n.By.UTC().Format(time.RFC3339)
		}
		out = append(out, s)
	}
	return out
}

func TestEachPersonIsOfferedWhatTheyMayDoNextAndByWhen(t *testing.T) {
	lead := award.Who{Lead: true}
	medwayApprover, swaleApprover := award.Who{Approver: medway}, award.Who{Approver: swale}
	otherApprover := award.Who{Approver: "org-thanet"} // the lot does not cover Thanet
	weald := award.Who{Bidder: wealdOrg}
	byAward, byStart := " by "+awardDate.Format(time.RFC3339), " by "+contractStart.Format(time.RFC3339)
	standstillEnds := after(5 * 24 * time.Hour).Format(time.RFC3339)
	want := map[string]map[string][]string{
		"nothing recommended":                     {"lead": {"recommend" + byAward}},
		"nothing recommended, every bid excluded": {},
		"the last recommendation was rejected":    {"lead": {"recommend" + byAward}},
		"awaiting both governing bodies":          {"medway": {"decide" + byAward}, "swale": {"decide" + byAward}},
		"awaiting Swale, Medway approved":         {"swale": {"decide" + byAward}},
		"in standstill": {"lead": {"award_contract from " + standstillEnds + byStart},
			"weald": {"represent by " + standstillEnds}},
		"in standstill under the PCR": {"lead": {"record_proceedings", "award_contract from " + standstillEnds + byStart},
			"weald": {"represent by " + standstillEnds}},
		"paused by a representation": {"lead": {"decide_representation[rep-1]"}, "weald": {"represent by " + standstillEnds}},
		"suspended by proceedings": {"lead": {"end_suspension[proc-1]", "record_proceedings"},
			"weald": {"represent by " + standstillEnds}},
		"waiting after a decision on a representation": {"lead": {"award_contract from " + after(3*24*time.Hour).Format(time.RFC3339) + byStart}},
		"standstill over": {"lead": {"award_contract" + byStart}},
		"standstill over under the PCR, proceedings ended": {"lead": {"record_proceedings", "award_contract" + byStart}},
		"contract awarded": {},
	}
	people := map[string]award.Who{"lead": lead, "medway": medwayApprover, "swale": swaleApprover, "thanet": otherApprover, "weald": weald}
	for _, sc := range scenarios() {
		for name, w := range people {
			got, expected := next(award.NextActions(sc.facts, w)), want[sc.name][name]
			if !slices.Equal(got, expected) {
				t.Errorf("%s, %s: next %q, want %q", sc.name, name, got, expected)
			}
			// Whatever is offered without a later start CheckAction allows now; the contract
			// offered from a later day it refuses, saying until when.
			for _, n := range award.NextActions(sc.facts, w) {
				err := award.CheckAction(n.Action, sc.facts, onOf(n, w))
				if (n.From == nil) != (err == nil) {
					t.Errorf("%s, %s: %s offered (from %v) but CheckAction says %v", sc.name, name, n.Action, n.From, err)
				}
			}
		}
	}
	// No date in the timetable: the tasks say none rather than a zero date.
	f := facts(lots.PSR2024, nil, func(f *award.Facts) { f.AwardDate = time.Time{} })
	if got := next(award.NextActions(f, lead)); !slices.Equal(got, []string{"recommend"}) {
		t.Errorf("without an award date: %q", got)
	}
}

// onOf is what an offered action is on, as CheckAction takes it.
func onOf(n award.Next, w award.Who) string {
	switch n.Action {
	case award.ActDecide:
		return w.Approver
	case award.ActRepresent:
		return w.Bidder
	}
	return n.On
}

func TestEveryCommissionerTheLotCoversMustApprove(t *testing.T) {
	approve := func(org string) award.Approval { return award.Approval{OrgID: org, Decision: "approve"} }
	for _, tc := range []struct {
		ds   []award.Approval
		want bool
	}{
		{nil, false},
		{[]award.Approval{approve(medway)}, false},
		{[]award.Approval{approve(medway), {OrgID: swale, Decision: "reject"}}, false},
		{[]award.Approval{approve(swale), approve(medway)}, true},
		{[]award.Approval{approve(swale), approve("org-thanet")}, false}, // another commissioner's approval does not count
	} {
		if got := award.ApprovedByAll([]string{medway, swale}, tc.ds); got != tc.want {
			t.Errorf("%s: %v, want %v", fmt.Sprint(tc.ds), got, tc.want)
		}
	}
}

func TestOnlyARankedBidThatIsNotExcludedCanBeRecommended(t *testing.T) {
	for _, tc := range []struct {
		rs   []evaluation.Result
		want bool
	}{
		{nil, false},
		{[]evaluation.Result{{Bidder: "a", Excluded: true}}, false},
		{[]evaluation.Result{{Bidder: "a", Excluded: true}, {Bidder: "b", Rank: 1}}, true},
		{[]evaluation.Result{{Bidder: "a", Rank: 0}}, false},
	} {
		if got := award.Recommendable(tc.rs); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.rs, got, tc.want)
		}
	}
}
