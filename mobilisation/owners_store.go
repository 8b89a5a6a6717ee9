package mobilisation

import (
	"context"
)

// ActivePeopleOf lists the active users of the organisations, by name: who a milestone can be
// given to (owners.go).
func (s *Store) ActivePeopleOf(ctx context.Context, orgIDs []string) ([]Person, error) {
	ps, err := s.people().ActivePeople(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Person, len(ps))
	for i, p := range ps {
		out[i] = personOf(p)
	}
	return out, nil
}
