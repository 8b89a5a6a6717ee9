package mobilisation

import (
	"context"
	"fmt"
)

// ActivePeopleOf lists the active users of the organisations, by name: who a milestone can be
// given to (owners.go).
func (s *Store) ActivePeopleOf(ctx context.Context, orgIDs []string) ([]Person, error) {
	var out []Person
	if len(orgIDs) == 0 {
		return out, nil
	}
	err := s.q(ctx).Table("users").Select("id, org_id, name, email, active").
		Where("org_id IN ? AND active", orgIDs).Order("name, email").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("people of organisations: %w", err)
	}
	return out, nil
}
