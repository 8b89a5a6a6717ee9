package main

import (
	"context"
	"fmt"

	"golive/database"
	"golive/evaluation/award"
	"golive/lots"
	"golive/mobilisation"
	"golive/notices"
	"golive/tenants"
)

// noticeSource is what notices read of the lifecycle, through each owner's exported reads. It
// lives here so that notices imports none of the lifecycle services and they import none of it.
type noticeSource struct {
	lots   *lots.Reads
	award  *award.Store
	mob    *mobilisation.Store
	people *tenants.Directory
}

func newNoticeSource(db *database.DB) *noticeSource {
	return &noticeSource{lots: lots.ReadsOn(db.Gorm), award: award.NewStore(db), mob: mobilisation.NewStore(db), people: tenants.NewDirectory(db)}
}

func (s *noticeSource) orgs(ctx context.Context, ids []string) (map[string]notices.Org, error) {
	os, err := s.people.Organisations(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]notices.Org{}
	for id, o := range os {
		out[id] = notices.Org{ID: o.ID, Name: o.Name, ODSCode: o.ODSCode}
	}
	return out, nil
}

func (s *noticeSource) org(ctx context.Context, id string) (notices.Org, error) {
	m, err := s.orgs(ctx, []string{id})
	if err != nil {
		return notices.Org{}, err
	}
	return m[id], nil
}

func (s *noticeSource) Process(ctx context.Context, id string) (notices.Process, error) {
	p, err := s.lots.ProcurementByID(ctx, id)
	if err != nil {
		return notices.Process{}, err
	}
	parts, err := s.lots.ParticipantOrgs(ctx, id)
	if err != nil {
		return notices.Process{}, err
	}
	orgs, err := s.orgs(ctx, append([]string{p.LeadOrgID}, parts...))
	if err != nil {
		return notices.Process{}, err
	}
	ls, err := s.lots.LotsOf(ctx, id)
	if err != nil {
		return notices.Process{}, err
	}
	out := notices.Process{ProcurementID: p.ID, Title: p.Title, Reference: p.Reference, Description: p.Description,
		Procedure: p.Procedure, Regime: p.Regime, Lead: orgs[p.LeadOrgID], PublishedAt: p.PublishedAt,
		ClarificationDeadline: p.ClarificationDeadline, SubmissionDeadline: p.SubmissionDeadline, ContractStart: p.ContractStart,
		TermYears: p.TermYears, EstimatedValuePence: p.EstimatedValuePence, PublishValue: p.PublishValue}
	for _, o := range parts {
		out.Buyers = append(out.Buyers, orgs[o])
	}
	for _, l := range ls {
		out.Lots = append(out.Lots, notices.Lot{ID: l.ID, Number: l.Number, Title: l.Title, Description: l.Description})
	}
	return out, nil
}

func (s *noticeSource) ProcurementOfLot(ctx context.Context, lotID string) (string, error) {
	l, err := s.lots.Lot(ctx, lotID)
	return l.ProcurementID, err
}

func (s *noticeSource) Award(ctx context.Context, lotID string) (*notices.Award, error) {
	r, err := s.award.CurrentRecommendation(ctx, lotID, false)
	if err != nil || r == nil || r.StandstillStartedAt == nil {
		return nil, err
	}
	sup, err := s.org(ctx, r.BidderOrgID)
	if err != nil {
		return nil, err
	}
	bids, err := s.lots.Bids(ctx, r.ProcurementID, lotID)
	if err != nil {
		return nil, fmt.Errorf("count the bids for lot %s: %w", lotID, err)
	}
	a := &notices.Award{LotID: lotID, Supplier: sup, Decided: *r.StandstillStartedAt, Bids: len(bids)}
	if r.StandstillEndsAt != nil {
		a.StandstillEnds = *r.StandstillEndsAt
	}
	return a, nil
}

func (s *noticeSource) Contract(ctx context.Context, lotID string) (*notices.Contract, error) {
	c, err := s.award.Contract(ctx, lotID)
	if err != nil || c == nil {
		return nil, err
	}
	sup, err := s.org(ctx, c.ProviderOrgID)
	if err != nil {
		return nil, err
	}
	bids, err := s.lots.Bids(ctx, c.ProcurementID, lotID)
	if err != nil {
		return nil, fmt.Errorf("count the bids for lot %s: %w", lotID, err)
	}
	out := &notices.Contract{Award: notices.Award{LotID: lotID, Supplier: sup, Decided: c.AwardedAt, Bids: len(bids)},
		Reference: c.ContractReference, Signed: c.AwardedAt, Start: c.StartDate, TermYears: c.TermYears, ValuePence: c.ValuePence}
	if r, err := s.award.CurrentRecommendation(ctx, lotID, false); err == nil && r != nil && r.StandstillStartedAt != nil {
		out.Decided = *r.StandstillStartedAt
	}
	return out, nil
}

func (s *noticeSource) Implementation(ctx context.Context, lotID string) (*notices.Implementation, error) {
	c, err := s.Contract(ctx, lotID)
	if err != nil || c == nil {
		return nil, err
	}
	plan, err := s.mob.PlanOfLot(ctx, lotID)
	if err != nil || plan == nil {
		return nil, err
	}
	phs, err := s.mob.Phases(ctx, plan.ID)
	if err != nil {
		return nil, err
	}
	im := &notices.Implementation{Contract: *c}
	for _, ph := range phs {
		im.Phases = append(im.Phases, notices.GoLive{ID: ph.ID, Name: ph.Name, Due: ph.GoLive, LiveAt: ph.LiveAt})
	}
	return im, nil
}
