package evaluation

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golive/lots"
	"golive/tenants/access"
)

// Pure rules of the quality evaluation: no database, no clock.

// MinRationale is the shortest rationale accepted for a score: a mark must say why, in words
// that would stand up in a challenge to the award.
const MinRationale = 20

// MinReason is the shortest reason accepted for a declared conflict of interest.
const MinReason = 10

// WideSpreadAt is the gap between the highest and lowest individual score at which moderation
// must look twice: evaluators read the response very differently.
const WideSpreadAt = 2

// CanLead: the lead commissioner's procurement lead forms panels and runs moderation. Another
// role of the lead commissioner (its own evaluators included) does not.
func CanLead(a *access.Actor, p lots.Procurement) bool {
	return lots.CanManage(a, p) && a.HasRole(access.RoleProcurementLead)
}

// Spread is the gap between the highest and lowest score; 0 for fewer than two.
func Spread(scores []int) int {
	if len(scores) < 2 {
		return 0
	}
	return slices.Max(scores) - slices.Min(scores)
}

// WideSpread flags scores moderation must discuss: max − min ≥ WideSpreadAt.
func WideSpread(scores []int) bool { return Spread(scores) >= WideSpreadAt }

// Split flags pass/fail results on which the evaluators disagree.
func Split(results []bool) bool {
	return slices.Contains(results, true) && slices.Contains(results, false)
}

// CheckRationale says what is wrong with a rationale, or "".
func CheckRationale(r string) string {
	n := utf8.RuneCountInString(strings.TrimSpace(r))
	switch {
	case n < MinRationale:
		return fmt.Sprintf("Give a rationale of at least %d characters", MinRationale)
	case n > 4000:
		return "Keep the rationale to 4,000 characters or fewer"
	}
	return ""
}

// CheckMark checks a mark against its question: a score from 0 to the top of the scale for a
// scored question, a pass or fail for a pass/fail one; the price schedule is never marked here.
func CheckMark(q lots.Question, score *int, passed *bool) map[string]string {
	switch q.Kind {
	case lots.Scored:
		if score == nil || *score < 0 || *score > q.MaxScore || passed != nil {
			return map[string]string{"score": fmt.Sprintf("Give question %s a score from 0 to %d", q.Number, q.MaxScore)}
		}
	case lots.PassFail:
		if passed == nil || score != nil {
			return map[string]string{"passed": fmt.Sprintf("Say whether the response passes question %s", q.Number)}
		}
	default:
		return map[string]string{"question_id": "The price schedule is scored by formula after quality moderation, not by the panel"}
	}
	return nil
}

// CheckAssignment says why a question cannot be given to an evaluator, or "".
func CheckAssignment(q lots.Question, healthwatch bool) string {
	if q.Kind == lots.Price {
		return fmt.Sprintf("Question %s is the price schedule: the panel never sees it; it is scored by formula after quality moderation", q.Number)
	}
	if healthwatch && q.Panel != lots.Patient {
		return fmt.Sprintf("Healthwatch evaluators score only the patient panel's questions; question %s is on the %s panel", q.Number, q.Panel)
	}
	return ""
}

// Declared reports whether the evaluator has declared about every bidder.
func Declared(userID string, bidders []string, decls []Declaration) bool {
	for _, b := range bidders {
		if _, ok := declarationOf(decls, userID, b); !ok {
			return false
		}
	}
	return true
}

// ConflictedWith reports whether the evaluator declared a conflict with the bidder.
func ConflictedWith(userID, bidder string, decls []Declaration) bool {
	d, ok := declarationOf(decls, userID, bidder)
	return ok && d.Decision == Conflicted
}

func declarationOf(decls []Declaration, userID, bidder string) (Declaration, bool) {
	for _, d := range decls {
		if d.UserID == userID && d.BidderOrgID == bidder {
			return d, true
		}
	}
	return Declaration{}, false
}

// Awaited lists the evaluators moderation of a question waits for: assigned to it, not yet
// submitted, and not conflicted with every bidder (one who may score nobody has nothing to
// submit). An evaluator who has not declared yet is awaited.
func Awaited(questionID string, members []PanelMember, assigned []Assignment, bidders []string, decls []Declaration) []string {
	var out []string
	for _, m := range members {
		if m.SubmittedAt != nil || !slices.ContainsFunc(assigned, func(as Assignment) bool { return as.UserID == m.UserID && as.QuestionID == questionID }) {
			continue
		}
		if len(bidders) > 0 && !slices.ContainsFunc(bidders, func(b string) bool { return !ConflictedWith(m.UserID, b, decls) }) {
			continue
		}
		out = append(out, m.UserID)
	}
	return out
}

// Missing words of a mark an evaluator owes: what is still to give before they may submit.
const (
	MissingMark      = "mark"      // no mark at all
	MissingRationale = "rationale" // a mark with no rationale to stand on
)

// MarkCheck is one mark an evaluator owes before submitting: an assigned question for a bidder
// they are not conflicted with, the mark if given, and what is missing of it ("" when nothing).
type MarkCheck struct {
	Question    lots.Question
	BidderOrgID string
	Mark        *IndividualScore
	Missing     string
}

// MarksOwed lists, question by question and bidder by bidder, every mark the evaluator must give
// before submitting: the rule SubmitScores applies and the check page shows, so they cannot
// disagree. A mark whose rationale is blank is owed still: a score must say why.
func MarksOwed(userID string, assigned []lots.Question, bidders []string, decls []Declaration, scores []IndividualScore) []MarkCheck {
	var out []MarkCheck
	for _, q := range assigned {
		for _, b := range bidders {
			if ConflictedWith(userID, b, decls) {
				continue
			}
			mc := MarkCheck{Question: q, BidderOrgID: b, Missing: MissingMark}
			if i := slices.IndexFunc(scores, func(s IndividualScore) bool {
				return s.UserID == userID && s.QuestionID == q.ID && s.BidderOrgID == b
			}); i >= 0 {
				mc.Mark, mc.Missing = &scores[i], ""
				if strings.TrimSpace(scores[i].Rationale) == "" {
					mc.Missing = MissingRationale
				}
			}
			out = append(out, mc)
		}
	}
	return out
}

// MissingScores lists, as "question number for bidder" pairs, what an evaluator has still to
// mark before submitting: the marks MarksOwed finds missing.
func MissingScores(userID string, assigned []lots.Question, bidders []string, decls []Declaration, scores []IndividualScore, names map[string]string) []string {
	var out []string
	for _, m := range MarksOwed(userID, assigned, bidders, decls, scores) {
		if m.Missing != "" {
			out = append(out, fmt.Sprintf("%s for %s", m.Question.Number, names[m.BidderOrgID]))
		}
	}
	return out
}

// QualityQuestions are those the panel marks: every question but the price schedule.
func QualityQuestions(qs []lots.Question) []lots.Question {
	var out []lots.Question
	for _, q := range qs {
		if q.Kind != lots.Price {
			out = append(out, q)
		}
	}
	return out
}

// QualityComplete reports whether every quality question has a consensus for every bidder:
// then quality moderation is over and the price envelope may be opened.
func QualityComplete(qs []lots.Question, bidders []string, cons []Consensus) bool {
	if len(bidders) == 0 {
		return false
	}
	for _, q := range QualityQuestions(qs) {
		for _, b := range bidders {
			if !slices.ContainsFunc(cons, func(c Consensus) bool { return c.QuestionID == q.ID && c.BidderOrgID == b }) {
				return false
			}
		}
	}
	return true
}
