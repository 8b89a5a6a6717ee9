package lots

import (
	"strings"
	"testing"
	"time"

	"golive/tenants"
	"golive/tenants/access"
)

func titles(ts []tenants.Task) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Title+" → "+t.Href)
	}
	return strings.Join(out, "; ")
}

// Each procurement task appears in the state in which its action is allowed, to the role that
// may take it, and goes once the state moves on (the action done).
func TestProcurementTasksAppearWhenDueAndGoWhenDone(t *testing.T) {
	lead := &access.Actor{UserID: "u-lead", OrgID: "org-lead", Roles: []access.Role{access.RoleProcurementLead}}
	lead2 := &access.Actor{UserID: "u-lead2", OrgID: "org-lead", Roles: []access.Role{access.RoleProcurementLead}}
	admin := &access.Actor{UserID: "u-admin", OrgID: "org-lead", Roles: []access.Role{access.RoleTenantAdmin}}
	approver := &access.Actor{UserID: "u-appr", OrgID: "org-b", Roles: []access.Role{access.RoleApprover}}
	leadApprover := &access.Actor{UserID: "u-la", OrgID: "org-lead", Roles: []access.Role{access.RoleApprover}}
	p := Procurement{ID: "p1", Title: "IUCS", LeadOrgID: "org-lead", ClarificationDeadline: time.Date(2018, 3, 1, 12, 0, 0, 0, time.UTC)}
	parts := []string{"org-lead", "org-b"}
	both := []Approval{{OrgID: "org-lead", Decision: "approve"}, {OrgID: "org-b", Decision: "approve"}}
	started := &Opening{StartedBy: "u-lead", StartedAt: time.Date(2018, 5, 1, 9, 0, 0, 0, time.UTC)}
	confirmed := &Opening{StartedBy: "u-lead", ConfirmedBy: "u-admin", ConfirmedAt: &started.StartedAt}
	cases := []struct {
		name  string
		f     ProcurementFacts
		a     *access.Actor
		want  string // a word of the task's title, "" for none
		where string // the end of its link
	}{
		{"the lead finishes a draft", ProcurementFacts{P: p, State: Draft}, lead, "send it for approval", "/procurements/p1"},
		{"sent for approval: the draft task goes", ProcurementFacts{P: p, State: AwaitingApproval, Participants: parts}, lead, "", ""},
		{"an approver's business case is due", ProcurementFacts{P: p, State: AwaitingApproval, Participants: parts}, approver, "business case", "/decision"},
		{"an approver of the lead body too", ProcurementFacts{P: p, State: AwaitingApproval, Participants: parts}, leadApprover, "business case", "/decision"},
		{"decided: the approver's task goes", ProcurementFacts{P: p, State: AwaitingApproval, Participants: parts, Approvals: both}, approver, "", ""},
		{"an approver of a body not taking part has none", ProcurementFacts{P: p, State: AwaitingApproval, Participants: []string{"org-lead"}}, approver, "", ""},
		{"every body approved: the lead publishes", ProcurementFacts{P: p, State: AwaitingApproval, Participants: parts, Approvals: both}, lead, "Publish", "/procurements/p1"},
		{"published: nothing to publish", ProcurementFacts{P: p, State: Published}, lead, "", ""},
		{"a question waits for an answer", ProcurementFacts{P: p, State: Published, Unanswered: 2}, lead, "Answer 2 clarification questions", "/clarifications"},
		{"deadline passed: the lead opens", ProcurementFacts{P: p, State: Closed}, lead, "Open the responses", "/opening"},
		{"deadline passed: an organisation admin may open too", ProcurementFacts{P: p, State: Closed}, admin, "Open the responses", "/opening"},
		{"an approver may not open", ProcurementFacts{P: p, State: Closed}, leadApprover, "", ""},
		{"started: not the one who started", ProcurementFacts{P: p, State: OpeningStarted, Opening: started}, lead, "", ""},
		{"started: another lead confirms", ProcurementFacts{P: p, State: OpeningStarted, Opening: started}, lead2, "Confirm the opening", "/opening"},
		{"started: the organisation admin confirms", ProcurementFacts{P: p, State: OpeningStarted, Opening: started}, admin, "Confirm the opening", "/opening"},
		{"confirmed: the confirm task goes", ProcurementFacts{P: p, State: Opened, Opening: confirmed}, admin, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := ProcurementTasks(c.f, c.a)
			if c.want == "" {
				if len(ts) != 0 {
					t.Fatalf("want no task, got %s", titles(ts))
				}
				return
			}
			if len(ts) != 1 || !strings.Contains(ts[0].Title, c.want) || !strings.HasSuffix(ts[0].Href, c.where) || ts[0].Detail == "" {
				t.Fatalf("want one task saying %q linking to …%s, got %s", c.want, c.where, titles(ts))
			}
		})
	}
}

func TestBidderTasksAppearWhenDueAndGoWhenDone(t *testing.T) {
	deadline := time.Date(2018, 4, 1, 12, 0, 0, 0, time.UTC)
	p := Procurement{ID: "p1", Title: "IUCS", SubmissionDeadline: deadline}
	l1, l2 := Lot{ID: "l1", Number: 1}, Lot{ID: "l2", Number: 2}
	now := deadline.Add(-time.Hour)
	sub := func(lot string, v int, st SubmissionState, reconfirm bool) Submission {
		return Submission{LotID: lot, Version: v, State: st, NeedsReconfirm: reconfirm, SubmittedAt: &now}
	}
	cases := []struct {
		name string
		f    OpportunityFacts
		want []string // words of each task's title, in order
	}{
		{"published: respond", OpportunityFacts{P: p, State: Published}, []string{"Respond to IUCS"}},
		{"a draft only: still respond", OpportunityFacts{P: p, State: Published, Registered: true, Lots: []Lot{l1, l2},
			Submissions: []Submission{sub("l1", 1, SubDraft, false)}}, []string{"Respond to IUCS"}},
		{"submitted: the task goes", OpportunityFacts{P: p, State: Published, Registered: true, Lots: []Lot{l1, l2},
			Submissions: []Submission{sub("l1", 1, SubSubmitted, false)}}, nil},
		{"an addendum: re-confirm that lot", OpportunityFacts{P: p, State: Published, Registered: true, Lots: []Lot{l1, l2},
			Submissions: []Submission{sub("l1", 1, SubSubmitted, false), sub("l2", 1, SubSubmitted, true)}}, []string{"Re-confirm your response to lot 2"}},
		{"re-confirmed: the task goes", OpportunityFacts{P: p, State: Published, Registered: true, Lots: []Lot{l1, l2},
			Submissions: []Submission{sub("l2", 1, SubSubmitted, true), sub("l2", 2, SubSubmitted, false)}}, nil},
		{"deadline passed: nothing to do", OpportunityFacts{P: p, State: Closed}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := OpportunityTasks(c.f)
			if len(ts) != len(c.want) {
				t.Fatalf("want %q, got %s", c.want, titles(ts))
			}
			for i, w := range c.want {
				if !strings.Contains(ts[i].Title, w) || ts[i].Due == nil || !ts[i].Due.Equal(deadline) || ts[i].Href == "" {
					t.Fatalf("task %d: want %q due %v, got %+v", i, w, deadline, ts[i])
				}
			}
		})
	}
}
