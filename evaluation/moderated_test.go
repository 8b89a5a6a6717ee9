package evaluation_test

import (
	"context"

	"golive/evaluation"
	"golive/lots/lotstest"
	"golive/tenants"
	"golive/tenants/access"
)

// A lot scored, moderated and priced, for the tests of price, results and the export (the
// award's tests, in evaluation/award, build the same lot).

const (
	medwayApprover = "approver@medway-ccg.test"
	swaleApprover  = "approver@swale-ccg.test"
	estuaryTenders = "tenders@estuary-urgent-care.test" // Estuary's second bidder user
)

// consensusMarks are the moderated marks of the award tests: nobody is excluded; Estuary is
// stronger on both scored questions.
var consensusMarks = map[string]map[string]evaluation.ConsensusInput{
	"1.1": {estuary: {Score: intp(2)}, weald: {Score: intp(2)}},
	"1.2": {estuary: {Score: intp(3)}, weald: {Score: intp(2)}},
	"1.3": {estuary: {Passed: boolp(true)}, weald: {Passed: boolp(true)}},
}

// scoredUpTo runs a lot through the panel's scoring and starts moderation of every question,
// with Estuary given a second bidder user to write to.
func (f *fixture) scoredUpTo() world {
	t := f.t
	w := f.opened()
	ctx := context.Background()
	lotstest.OK(t, f.ten.Store.Tx(ctx, func(tx *tenants.Store) error {
		u := tenants.User{ID: tenants.NewID(), OrgID: f.orgs[estuary], Email: estuaryTenders, Name: "Tess Tenders",
			Active: true, CreatedAt: f.now, UpdatedAt: f.now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.SetRoles(ctx, u.ID, u.OrgID, []access.Role{access.RoleBidder})
	}))
	lotstest.OK(t, f.ten.Authz.Changed(ctx))
	f.panel(w)
	f.declarations(w)
	f.scores(w)
	f.submit(w, medwayEmail, swaleEmail, hwEmail)
	lead, lctx := f.as(leadEmail)
	for _, n := range []string{"1.1", "1.2", "1.3"} {
		lotstest.OK(t, f.svc.StartModeration(lctx, lead, w.l.ID, w.q[n].ID))
	}
	return w
}

// moderate records every consensus mark: quality moderation is then complete.
func (f *fixture) moderate(w world) {
	lead, lctx := f.as(leadEmail)
	for num, byBidder := range consensusMarks {
		for bidder, in := range byBidder {
			in.QuestionID, in.BidderOrgID, in.Rationale = w.q[num].ID, w.bidders[bidder], rationale("was agreed by the panel for "+num)
			lotstest.OK(f.t, f.svc.RecordConsensus(lctx, lead, w.l.ID, in))
		}
	}
}

// moderatedAndPriced is a lot with quality moderation complete and its prices opened.
func (f *fixture) moderatedAndPriced() world {
	w := f.scoredUpTo()
	f.moderate(w)
	lead, lctx := f.as(leadEmail)
	lotstest.OK(f.t, f.svc.OpenPrices(lctx, lead, w.l.ID))
	return w
}

type letter struct{ To, Subject, Body string }
