package award

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"golive/evaluation"
	"golive/jobs"
	"golive/lots"
	"golive/tenants/access"
	"golive/ukclock"
)

// The award's mail: the notice to the approvers that a recommendation awaits their governing
// body, and the standstill letter each bidder is sent (and reads again on its outcome page).

// awardPage is the address of a lot's award page (pages.go), where the approvers decide.
func (s *Service) awardPage(lotID string) string {
	return strings.TrimSuffix(s.BaseURL, "/") + "/evaluations/lots/" + lotID + "/award"
}

// queueApproverNotices queues a notice to every active approver of each commissioner the lot
// covers: the same commissioners whose decisions DecideAward waits for. The notice names the
// procurement and lot only: mail leaves the system, and the recommended bidder, its scores and
// its price are a Part 2 (confidential) matter, read on the award page after signing in.
func (s *Service) queueApproverNotices(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot) ([]string, error) {
	parts, err := tx.Eval.LotParticipants(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	users, err := s.People.Holders(ctx, access.RoleApprover, parts)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("%s (%s), lot %d: %s\n\n"+
		"The procurement lead has recommended a preferred bidder for this lot. The recommendation awaits your governing body's decision.\n\n"+
		"This is a Part 2 (confidential) matter, so the details are not in this email: sign in to read the recommendation and record your governing body's decision at\n%s\n",
		p.Title, p.Reference, l.Number, l.Title, s.awardPage(l.ID))
	var mails []string
	for _, u := range users {
		id, err := tx.QueueMail(ctx, jobs.Mail{TenantID: p.LeadOrgID, To: u.Email,
			Subject: fmt.Sprintf("Award recommendation for your governing body's decision: %s lot %d", p.Reference, l.Number), Text: text})
		if err != nil {
			return nil, err
		}
		mails = append(mails, id)
	}
	return mails, nil
}

// notice is what the standstill letters say; letter writes one bidder's.
type notice struct {
	p       lots.Procurement
	l       lots.Lot
	r       *Recommendation
	v       evaluation.ResultsView
	makers  []string // "name, organisation" of the governing-body approvers (PSR)
	managed []string // the conflicts of interest declared and how they were managed (PSR)
}

// notice gathers what the letters say: the ranking, who decided, and the conflicts of
// interest declared on the panel.
func (s *Service) notice(ctx context.Context, tx *Store, p lots.Procurement, l lots.Lot, r *Recommendation, ds []Approval, rk evaluation.Ranking) (notice, error) {
	n := notice{p: p, l: l, r: r, v: rk.ResultsView}
	conflicts, err := s.Eval.DeclaredConflicts(ctx, tx.Eval, l.ID)
	if err != nil {
		return n, err
	}
	var users, orgs []string
	for _, d := range ds {
		users, orgs = append(users, d.DecidedBy), append(orgs, d.OrgID)
	}
	for _, c := range conflicts {
		users, orgs = append(users, c.UserID), append(orgs, c.OrgID)
	}
	people, err := s.People.People(ctx, users)
	if err != nil {
		return n, err
	}
	onames, err := s.People.OrgNames(ctx, orgs)
	if err != nil {
		return n, err
	}
	for _, d := range ds {
		n.makers = append(n.makers, fmt.Sprintf("%s, governing body of %s (approved %s)", people[d.DecidedBy].Name, onames[d.OrgID], d.DecidedAt.In(ukclock.London).Format("2 January 2006")))
	}
	bidder := map[string]string{}
	for _, b := range rk.Bidders {
		bidder[b.OrgID] = b.Name
	}
	for _, c := range conflicts {
		n.managed = append(n.managed, fmt.Sprintf("%s (%s) declared a conflict of interest with %s: %s. Managed: they neither read nor scored %s's response, and the other evaluators' scores stand.",
			people[c.UserID].Name, onames[c.OrgID], bidder[c.BidderOrgID], c.Reason, bidder[c.BidderOrgID]))
	}
	return n, nil
}

func scoreLines(b *strings.Builder, r evaluation.Result) {
	for _, sec := range r.Sections {
		fmt.Fprintf(b, "  Section %q: %s of %s\n", sec.Title, sec.Percent(), evaluation.Percent(big.NewRat(int64(sec.WeightBP), 100)))
	}
	fmt.Fprintf(b, "  Quality score: %s\n", r.QualityPercent())
	if r.Excluded {
		fmt.Fprintf(b, "  Excluded: %s\n", strings.Join(r.Reasons, "; "))
		return
	}
	fmt.Fprintf(b, "  Price score: %s\n  Total: %s\n  Rank: %d\n", r.PriceScorePercent(), r.TotalPercent(), r.Rank)
}

func (n notice) letter(bidder string) string {
	var own, win evaluation.Result
	for _, r := range n.v.Results {
		if r.Bidder == bidder {
			own = r
		}
		if r.Bidder == n.r.BidderOrgID {
			win = r
		}
	}
	var b strings.Builder
	if n.r.Regime == lots.PA2023 {
		// Procurement Act 2023 s.50: before the contract award notice, each bidder is given an
		// assessment summary of its own tender and the winner's; this letter is that summary.
		b.WriteString("Assessment summary (Procurement Act 2023, section 50)\n\n")
	}
	fmt.Fprintf(&b, "%s (%s), lot %d: %s\n\n", n.p.Title, n.p.Reference, n.l.Number, n.l.Title)
	if bidder == n.r.BidderOrgID {
		b.WriteString("The commissioners intend to award the contract for this lot to you.\n\n")
	} else {
		fmt.Fprintf(&b, "The commissioners intend to award the contract for this lot to %s. Your response was not successful.\n\n", n.v.Names[n.r.BidderOrgID])
	}
	fmt.Fprintf(&b, "Your scores (%s):\n", n.v.Names[bidder])
	scoreLines(&b, own)
	if bidder != n.r.BidderOrgID {
		fmt.Fprintf(&b, "\nThe successful bidder's scores (%s):\n", n.v.Names[win.Bidder])
		scoreLines(&b, win)
	}
	fmt.Fprintf(&b, "\nThe reasons for the decision: %s\n", n.r.Reason)
	if n.r.Regime == lots.PSR2024 {
		b.WriteString("\nThe reasons against the key criteria (the successful bidder's scores by section):\n")
		for _, sec := range win.Sections {
			fmt.Fprintf(&b, "  %s: %s of %s\n", sec.Title, sec.Percent(), evaluation.Percent(big.NewRat(int64(sec.WeightBP), 100)))
		}
		b.WriteString("\nThe decision-makers:\n")
		for _, m := range n.makers {
			fmt.Fprintf(&b, "  %s\n", m)
		}
		b.WriteString("\nConflicts of interest declared and how they were managed:\n")
		if len(n.managed) == 0 {
			b.WriteString("  None were declared.\n")
		}
		for _, c := range n.managed {
			fmt.Fprintf(&b, "  %s\n", c)
		}
		fmt.Fprintf(&b, "\nThe standstill period ends at %s. Representations may be made before then.\n", ukDay(*n.r.StandstillEndsAt))
	} else if n.r.Regime == lots.PA2023 {
		fmt.Fprintf(&b, "\nThe contract award notice is published today; the standstill of 8 working days beginning with today ends at %s. The contract will not be entered into before then.\n", ukDay(*n.r.StandstillEndsAt))
	} else {
		fmt.Fprintf(&b, "\nThe standstill period ends at %s. The contract will not be entered into before then.\n", ukDay(*n.r.StandstillEndsAt))
	}
	return b.String()
}

// letterTitle is what the standstill letters are called under regime r: under the Procurement
// Act 2023 they are the assessment summaries (s.50), elsewhere the notice of intention to award.
func letterTitle(r lots.Regime) string {
	if r == lots.PA2023 {
		return "Assessment summary"
	}
	return "Notice of intention to award"
}
