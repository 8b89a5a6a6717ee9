package award_test

import (
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/evaluation/award"
	"golive/lots"
	"golive/lots/lotstest"
	"golive/ukclock"
)

// toStandstill recommends Estuary on a priced lot and has both governing bodies approve it:
// standstill starts with the second approval. It returns when standstill ends.
func (f *fixture) toStandstill(w world) time.Time {
	f.t.Helper()
	recommendMailed(f, w, estuary, "Estuary is ranked first on quality and equal on price")
	return f.approved(w)
}

// approved has both governing bodies approve the recommendation; it returns when standstill ends.
func (f *fixture) approved(w world) time.Time {
	f.t.Helper()
	for _, email := range []string{swaleApprover, medwayApprover} {
		a, ctx := f.as(email)
		lotstest.OK(f.t, f.svc.DecideAward(ctx, a, w.l.ID, award.AwardDecisionInput{Decision: "approve"}))
	}
	lead, lctx := f.as(leadEmail)
	av := lotstest.Must[award.View](f.t)(f.svc.Award(lctx, lead, w.l.ID))
	r := av.Recommendations[0]
	if r.State != award.Standstill || r.StandstillEndsAt == nil {
		f.t.Fatalf("not in standstill: %+v", r)
	}
	return *r.StandstillEndsAt
}

func ukDay(t time.Time) string { return t.In(ukclock.London).Format("2006-01-02") }

func wantField(t *testing.T, err error, field, contains, what string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Kind != apperr.Invalid || !strings.Contains(ae.Fields[field], contains) {
		t.Fatalf("%s: got %v (fields %v), want a message beside %s saying %q", what, err, func() map[string]string {
			if ok {
				return ae.Fields
			}
			return nil
		}(), field, contains)
	}
}

func TestCourtProceedingsSuspendTheContractUntilEveryOneEnds(t *testing.T) {
	f := newFixture(t)
	f.regime = lots.PCR2015
	w := f.moderatedAndPriced()
	lead, lctx := f.as(leadEmail)
	claim := func(bidder, on string) award.ProceedingsInput {
		return award.ProceedingsInput{ClaimantOrgID: w.bidders[bidder], NotifiedOn: on, Court: "  High Court, Technology and Construction Court ",
			ClaimReference: " HT-2026-000123 ", Note: "Served by email on the procurement lead"}
	}

	// Before any decision to award has been notified, there is nothing to challenge.
	_, err := f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(weald, ukDay(f.now)))
	lotstest.WantKind(t, err, apperr.Conflict, "proceedings before any recommendation")
	recommendMailed(f, w, estuary, "Estuary is ranked first on quality and equal on price")
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(weald, ukDay(f.now)))
	lotstest.WantKind(t, err, apperr.Conflict, "proceedings while the governing bodies have yet to approve")
	started := f.now
	ends := f.approved(w)
	if r := lotstest.Must[award.View](t)(f.svc.Award(lctx, lead, w.l.ID)).Recommendations[0]; r.Regime != lots.PCR2015 {
		t.Fatalf("the lot is under %s, not the PCR", r.Regime)
	}

	// Bad input is refused beside each field, and nothing is recorded.
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, award.ProceedingsInput{Court: "   ", ClaimReference: " "})
	for _, field := range []string{"claimant_org_id", "notified_on", "court", "claim_reference"} {
		wantField(t, err, field, "", "empty proceedings")
	}
	bad := claim(weald, ukDay(f.now))
	bad.ClaimReference = "<script>"
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, bad)
	wantField(t, err, "claim_reference", "letters, digits", "a claim reference with markup")
	bad = claim(weald, ukDay(f.now))
	bad.Court = strings.Repeat("C", award.MaxCourt+1)
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, bad)
	wantField(t, err, "court", "200 characters", "a court name too long")
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(weald, "2026-02-30"))
	wantField(t, err, "notified_on", "real date", "a day that does not exist")
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(weald, ukDay(f.now.Add(48*time.Hour))))
	wantField(t, err, "notified_on", "future", "a day in the future")
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(weald, ukDay(started.Add(-72*time.Hour))))
	wantField(t, err, "notified_on", "before standstill began", "a day before standstill")
	outsider := claim(weald, ukDay(f.now))
	outsider.ClaimantOrgID = f.orgs["North Downs GP Federation"]
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, outsider)
	wantField(t, err, "claimant_org_id", "bidder", "a claimant that did not bid")
	// Only the lead records them.
	ap, actx := f.as(medwayApprover)
	_, err = f.svc.RecordProceedings(actx, ap, w.l.ID, claim(weald, ukDay(f.now)))
	lotstest.WantKind(t, err, apperr.Forbidden, "an approver recording proceedings")
	if audits(f, "award.proceedings_recorded") != 0 {
		t.Fatal("a refused record was audited")
	}

	// Weald's claim, trimmed; past standstill the contract is still refused, naming the regulation,
	// the claimant and the day.
	f.now = f.now.Add(24 * time.Hour)
	wealdOn := f.now
	pw := lotstest.Must[award.Proceeding](t)(f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(weald, ukDay(wealdOn))))
	if pw.Court != "High Court, Technology and Construction Court" || pw.ClaimReference != "HT-2026-000123" || pw.ClaimantOrgID != w.bidders[weald] {
		t.Fatalf("the proceedings as recorded: %+v", pw)
	}
	if audits(f, "award.proceedings_recorded") != 1 {
		t.Fatal("the proceedings are not audited")
	}
	f.now = ends.Add(time.Hour)
	contract := award.ContractInput{ContractReference: "MS-EV-1", StartDate: w.p.ContractStart, TermYears: 2, ValuePence: 210_000_00}
	_, err = f.svc.AwardContract(lctx, lead, w.l.ID, contract)
	lotstest.WantKind(t, err, apperr.Conflict, "awarding while proceedings suspend the contract")
	wantMsg := "The contract cannot be entered into: proceedings issued by " + weald + ", notified on " + wealdOn.In(ukclock.London).Format("2 January 2006") +
		", suspend it (PCR 2015 reg. 95) until the court lifts the suspension or the proceedings end"
	if !strings.Contains(err.Error(), wantMsg) {
		t.Fatalf("the refusal: %v\nwant: %s", err, wantMsg)
	}

	// Estuary issues too: the contract waits for both.
	pe := lotstest.Must[award.Proceeding](t)(f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(estuary, ukDay(f.now))))

	// Ending: bad input beside the fields; then Estuary's (the later claim) ends, and Weald's alone
	// still suspends the contract.
	_, err = f.svc.EndSuspension(lctx, lead, w.l.ID, pw.ID, award.SuspensionEndInput{EndedOn: "", How: "dismissed"})
	wantField(t, err, "ended_on", "Enter the day", "an end without a day")
	wantField(t, err, "how", "Select how", "an end with an unknown way")
	_, err = f.svc.EndSuspension(lctx, lead, w.l.ID, pw.ID, award.SuspensionEndInput{EndedOn: ukDay(wealdOn.Add(-48 * time.Hour)), How: award.SuspensionLifted})
	wantField(t, err, "ended_on", "before the authority was told", "an end before the notice")
	_, err = f.svc.EndSuspension(lctx, lead, w.l.ID, pw.ID, award.SuspensionEndInput{EndedOn: ukDay(f.now.Add(48 * time.Hour)), How: award.SuspensionLifted})
	wantField(t, err, "ended_on", "future", "an end in the future")
	_, err = f.svc.EndSuspension(lctx, lead, w.l.ID, "0191e2a4-0000-7000-8000-000000000000", award.SuspensionEndInput{EndedOn: ukDay(f.now), How: award.SuspensionLifted})
	lotstest.WantKind(t, err, apperr.NotFound, "ending proceedings never recorded")
	lotstest.Must[award.Proceeding](t)(f.svc.EndSuspension(lctx, lead, w.l.ID, pe.ID, award.SuspensionEndInput{EndedOn: ukDay(f.now), How: award.ProceedingsDiscontinued, Note: "Notice of discontinuance filed"}))
	_, err = f.svc.EndSuspension(lctx, lead, w.l.ID, pe.ID, award.SuspensionEndInput{EndedOn: ukDay(f.now), How: award.SuspensionLifted})
	lotstest.WantKind(t, err, apperr.Conflict, "ending the same suspension twice")

	_, err = f.svc.AwardContract(lctx, lead, w.l.ID, contract)
	lotstest.WantKind(t, err, apperr.Conflict, "awarding while the first proceedings run")
	if !strings.Contains(err.Error(), "proceedings issued by "+weald) || strings.Contains(err.Error(), estuary) {
		t.Fatalf("the refusal should name Weald's open proceedings alone: %v", err)
	}

	// The court lifts the other suspension: the contract may be entered into.
	lotstest.Must[award.Proceeding](t)(f.svc.EndSuspension(lctx, lead, w.l.ID, pw.ID, award.SuspensionEndInput{EndedOn: ukDay(f.now), How: award.SuspensionLifted}))
	av := lotstest.Must[award.View](t)(f.svc.Award(lctx, lead, w.l.ID))
	ps := av.Proceedings[av.Recommendations[0].ID]
	if len(ps) != 2 || award.ContractSuspended(ps) || ps[0].EndedHow == nil || *ps[0].EndedHow != award.SuspensionLifted ||
		ps[1].EndNote != "Notice of discontinuance filed" || ps[0].EndedBy != lead.UserID {
		t.Fatalf("the proceedings after both ended: %+v", ps)
	}
	lotstest.Must[award.Contract](t)(f.svc.AwardContract(lctx, lead, w.l.ID, contract))
	if audits(f, "award.proceedings_recorded") != 2 || audits(f, "award.suspension_ended") != 2 {
		t.Fatal("the proceedings and their ends are not all audited")
	}

	// Once the contract is entered into, reg. 95 no longer applies.
	_, err = f.svc.RecordProceedings(lctx, lead, w.l.ID, claim(weald, ukDay(f.now)))
	lotstest.WantKind(t, err, apperr.Conflict, "proceedings after the contract")
}

func TestThereIsNoAutomaticSuspensionUnderThePSR(t *testing.T) {
	f := newFixture(t)
	w := f.moderatedAndPriced()
	f.toStandstill(w)
	lead, lctx := f.as(leadEmail)
	_, err := f.svc.RecordProceedings(lctx, lead, w.l.ID, award.ProceedingsInput{ClaimantOrgID: w.bidders[weald], NotifiedOn: ukDay(f.now),
		Court: "High Court", ClaimReference: "HT-2026-000124"})
	lotstest.WantKind(t, err, apperr.Conflict, "proceedings on a PSR lot")
	if !strings.Contains(err.Error(), "Provider Selection Regime") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	if audits(f, "award.proceedings_recorded") != 0 {
		t.Fatal("a refused record was audited")
	}
}
