package mobilisation

import (
	"context"

	"golive/apperr"
	"golive/tenants/access"
)

// OwnerChoice is a person a milestone can be given to, with their organisation's name.
type OwnerChoice struct {
	Person
	OrgName string
	Side    OwnerSide
}

// OwnerChoices lists who the lead can make a milestone's owner: the provider's people for the
// provider's milestones, and the people of the commissioners taking part in the procurement
// for the commissioners' (the rule checkOwner applies when the choice is saved).
func (s *Service) OwnerChoices(ctx context.Context, a *access.Actor, planID string) ([]OwnerChoice, error) {
	p, err := s.plan(ctx, s.Store, a, planID, false)
	if err != nil {
		return nil, err
	}
	if !IsLead(a, p) {
		return nil, apperr.Forbiddenf("Only the lead commissioner's procurement lead gives milestones owners")
	}
	parts, err := s.Store.Participants(ctx, p.ProcurementID)
	if err != nil {
		return nil, err
	}
	orgs, err := s.Store.OrgNames(ctx, append([]string{p.ProviderOrgID}, parts...))
	if err != nil {
		return nil, err
	}
	people, err := s.Store.ActivePeopleOf(ctx, append([]string{p.ProviderOrgID}, parts...))
	if err != nil {
		return nil, err
	}
	out := make([]OwnerChoice, 0, len(people))
	for _, side := range []OwnerSide{Provider, Commissioner} {
		for _, u := range people {
			if (u.OrgID == p.ProviderOrgID) == (side == Provider) {
				out = append(out, OwnerChoice{Person: u, OrgName: orgs[u.OrgID], Side: side})
			}
		}
	}
	return out, nil
}
