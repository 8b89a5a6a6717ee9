package mobilisation

import (
	"strings"
	"testing"
	"time"

	"golive/tenants"
	"golive/tenants/access"
)

func taskLines(ts []tenants.Task) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Title+" → "+t.Href)
	}
	return strings.Join(out, "; ")
}

// Each mobilisation task appears when due and goes when done: the lead's acceptance, a
// person's own milestone (due soon, overdue), the approver's go/no-go and the lead's go-live.
func TestPlanTasksAppearWhenDueAndGoWhenDone(t *testing.T) {
	lead := &access.Actor{UserID: "u-lead", OrgID: "org-lead", Roles: []access.Role{access.RoleProcurementLead}}
	bidder := &access.Actor{UserID: "u-bid", OrgID: "org-prov", Roles: []access.Role{access.RoleBidder}}
	approver := &access.Actor{UserID: "u-appr", OrgID: "org-b", Roles: []access.Role{access.RoleApprover}}
	at := time.Date(2019, 2, 1, 9, 0, 0, 0, time.UTC)
	base := PlanView{Plan: Plan{ID: "plan"}, Today: "2019-02-11", ProcurementTitle: "IUCS", LotNumber: 1, ProviderName: "Weald"}
	ph := PhaseView{Phase: Phase{ID: "ph1", Name: "NHS 111"}, GoLiveDay: "2019-04-01"}
	ms := func(m MilestoneView) []MilestoneView {
		m.ID, m.PhaseID, m.PhaseName, m.Title = "m1", "ph1", "NHS 111", "Telephony tested"
		return []MilestoneView{m}
	}
	cases := []struct {
		name        string
		v           func(PlanView) PlanView
		a           *access.Actor
		words, href string
	}{
		{"provider asked for acceptance: the lead accepts", func(v PlanView) PlanView {
			v.CanManage, v.Milestones = true, ms(MilestoneView{CanAccept: true, Milestone: Milestone{DueOn: "2019-03-01", CompletionRequestedAt: &at, OwnerUserID: "u-bid"}})
			return v
		}, lead, "Accept or return “Telephony tested”", "/milestones/m1#acceptance"},
		{"accepted: the task goes", func(v PlanView) PlanView {
			v.CanManage, v.Milestones = true, ms(MilestoneView{Milestone: Milestone{DueOn: "2019-03-01", CompletionRequestedAt: &at, AcceptedAt: &at}})
			return v
		}, lead, "", ""},
		{"the lead's own milestone is overdue", func(v PlanView) PlanView {
			v.CanManage, v.Milestones = true, ms(MilestoneView{CanReport: true, Milestone: Milestone{DueOn: "2019-02-01", OwnerUserID: "u-lead"}})
			return v
		}, lead, "is 10 days overdue", "/milestones/m1"},
		{"someone else's overdue milestone is not the lead's task", func(v PlanView) PlanView {
			v.CanManage, v.Milestones = true, ms(MilestoneView{CanReport: false, Milestone: Milestone{DueOn: "2019-02-01", OwnerUserID: "u-bid"}})
			return v
		}, lead, "", ""},
		{"the bidder's milestone due soon", func(v PlanView) PlanView {
			v.Side, v.Milestones = Provider, ms(MilestoneView{CanReport: true, Milestone: Milestone{DueOn: "2019-02-20", OwnerUserID: "u-bid"}})
			return v
		}, bidder, "Complete “Telephony tested”", "/milestones/m1"},
		{"the bidder's milestone far off: not yet", func(v PlanView) PlanView {
			v.Side, v.Milestones = Provider, ms(MilestoneView{CanReport: true, Milestone: Milestone{DueOn: "2019-03-20", OwnerUserID: "u-bid"}})
			return v
		}, bidder, "", ""},
		{"the bidder asked for acceptance: it waits for the lead", func(v PlanView) PlanView {
			v.Side, v.Milestones = Provider, ms(MilestoneView{CanReport: true, Milestone: Milestone{DueOn: "2019-02-01", OwnerUserID: "u-bid", CompletionRequestedAt: &at}})
			return v
		}, bidder, "", ""},
		{"critical work open months before go-live: no decision yet", func(v PlanView) PlanView {
			v.CanDecide, v.Phases, v.Milestones = true, []PhaseView{ph}, ms(MilestoneView{Milestone: Milestone{Critical: true, DueOn: "2019-03-20"}})
			return v
		}, approver, "", ""},
		{"a month before go-live: the approver's go/no-go", func(v PlanView) PlanView {
			v.Today = "2019-03-04"
			v.CanDecide, v.Phases, v.Milestones = true, []PhaseView{ph}, ms(MilestoneView{Milestone: Milestone{Critical: true, DueOn: "2019-03-20"}})
			return v
		}, approver, "go/no-go decision on NHS 111", "/phases/ph1#decide"},
		{"critical work done: the approver's go/no-go", func(v PlanView) PlanView {
			v.CanDecide, v.Phases = true, []PhaseView{ph}
			return v
		}, approver, "go/no-go decision on NHS 111", "/phases/ph1#decide"},
		{"decided: the task goes", func(v PlanView) PlanView {
			p := ph
			p.Decisions = []DecisionView{{GoLiveDecision: GoLiveDecision{PhaseID: "ph1", OrgID: "org-b", Decision: Go}}}
			v.CanDecide, v.Phases = true, []PhaseView{p}
			return v
		}, approver, "", ""},
		{"the gate not passed: no go-live for the lead", func(v PlanView) PlanView {
			v.CanManage, v.Phases = true, []PhaseView{ph}
			return v
		}, lead, "", ""},
		{"the gate passed: the lead declares it live", func(v PlanView) PlanView {
			p := ph
			p.Ready = true
			v.CanManage, v.Phases = true, []PhaseView{p}
			return v
		}, lead, "Declare NHS 111 live", "/phases/ph1#go-live"},
		{"live: nothing", func(v PlanView) PlanView {
			p := ph
			p.State = Live
			v.CanManage, v.CanDecide, v.Phases = true, true, []PhaseView{p}
			return v
		}, lead, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := PlanTasks(c.v(base), c.a)
			if c.words == "" {
				if len(ts) != 0 {
					t.Fatalf("want none, got %s", taskLines(ts))
				}
				return
			}
			if len(ts) != 1 || !strings.Contains(ts[0].Title, c.words) || !strings.HasSuffix(ts[0].Href, c.href) || ts[0].Due == nil || ts[0].Detail == "" {
				t.Fatalf("want one task saying %q linking to …%s with a date, got %s", c.words, c.href, taskLines(ts))
			}
		})
	}
}
