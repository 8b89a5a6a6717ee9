package lots

import (
	"context"

	"golive/apperr"
)

// OpenedAnswers opens the quality envelope of a counted submission for the evaluation: the
// answers by question id, never the price schedule, which stays sealed until quality
// moderation is complete. The evaluation decides who may read which answer; this refuses
// anything before the deadline has passed and two people have opened the responses.
func (s *Service) OpenedAnswers(ctx context.Context, p Procurement, sub Submission) (map[string]string, error) {
	o, err := s.Store.Opening(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if !CanReadResponses(p, o) || sub.ProcurementID != p.ID {
		return nil, apperr.Forbiddenf("Responses are sealed until the submission deadline has passed and two people have opened them")
	}
	c, err := s.unseal(p, sub, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(c.Answers))
	for _, an := range c.Answers {
		out[an.QuestionID] = an.Text
	}
	return out, nil
}
