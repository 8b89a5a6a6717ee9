package lots

import (
	"strings"
	"testing"
	"time"
)

func TestTheSetUpTaskListFollowsTheRulesThatGuardTheButtons(t *testing.T) {
	now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	sound := Procurement{ID: "p1", ClarificationDeadline: now.Add(20 * day), SubmissionDeadline: now.Add(40 * day),
		EvaluationStart: now.Add(41 * day), AwardDate: now.Add(80 * day), ContractStart: now.Add(200 * day)}
	weighted := LotView{Lot: Lot{Number: 1}, Questions: []Question{{WeightBP: 10000}}}
	two := []Participant{{OrgID: "a"}, {OrgID: "b"}}
	approve := func(org string) ApprovalView {
		return ApprovalView{OrgID: org, Decision: &Approval{OrgID: org, Decision: "approve"}}
	}

	// status of each task, in order: details, timetable, lots, documents, approval, publish
	type want struct{ status, href []string }
	cases := []struct {
		name string
		v    ProcurementView
		want want
	}{
		{"a new draft", ProcurementView{Procurement: sound, Effective: Draft, Participants: two},
			want{[]string{"Completed", "Completed", "Not yet started", "Not yet started", "Cannot start yet", "Cannot start yet"},
				[]string{"/procurements/p1/edit", "/procurements/p1/edit", "/procurements/p1#lots", "/procurements/p1#documents", "", ""}}},
		{"a lot without questions and a backwards timetable",
			ProcurementView{Procurement: Procurement{ID: "p1", ClarificationDeadline: now.Add(50 * day), SubmissionDeadline: now.Add(40 * day),
				EvaluationStart: now.Add(41 * day), AwardDate: now.Add(80 * day), ContractStart: now.Add(200 * day)},
				Effective: Draft, Participants: two, Lots: []LotView{{Lot: Lot{Number: 1}}}},
			want{[]string{"Completed", "Incomplete", "Incomplete", "Not yet started", "Cannot start yet", "Cannot start yet"}, nil}},
		{"ready to submit", ProcurementView{Procurement: sound, Effective: Draft, Participants: two, Lots: []LotView{weighted}, Documents: []Document{{}}},
			want{[]string{"Completed", "Completed", "Completed", "Completed", "Not yet started", "Cannot start yet"},
				[]string{"/procurements/p1/edit", "/procurements/p1/edit", "/procurements/p1#lots", "/procurements/p1#documents", "/procurements/p1#actions", ""}}},
		{"one of two bodies has approved", ProcurementView{Procurement: sound, Effective: AwaitingApproval, Participants: two, Lots: []LotView{weighted},
			Approvals: []ApprovalView{approve("a"), {OrgID: "b"}}},
			want{[]string{"Completed", "Completed", "Completed", "Not yet started", "In progress", "Cannot start yet"},
				[]string{"", "", "", "", "/procurements/p1#decisions", ""}}},
		{"every body has approved", ProcurementView{Procurement: sound, Effective: AwaitingApproval, Participants: two, Lots: []LotView{weighted},
			Approvals: []ApprovalView{approve("a"), approve("b")}},
			want{[]string{"Completed", "Completed", "Completed", "Not yet started", "Completed", "Not yet started"},
				[]string{"", "", "", "", "/procurements/p1#decisions", "/procurements/p1/publish"}}},
		{"rejected", ProcurementView{Procurement: sound, Effective: Rejected, Participants: two, Lots: []LotView{weighted}},
			want{[]string{"Completed", "Completed", "Completed", "Not yet started", "Rejected", "Cannot start yet"}, nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tasks := SetUpTasks(c.v, now)
			if len(tasks) != 6 {
				t.Fatalf("%d tasks, want 6: %+v", len(tasks), tasks)
			}
			for i, task := range tasks {
				if task.Status != c.want.status[i] {
					t.Errorf("%s: status %q, want %q", task.Name, task.Status, c.want.status[i])
				}
				if c.want.href != nil && task.Href != c.want.href[i] {
					t.Errorf("%s: link %q, want %q", task.Name, task.Href, c.want.href[i])
				}
				if task.Done != (task.Status == "Completed") || task.NotYet != (task.Status == "Cannot start yet") {
					t.Errorf("%s: done %v, cannot start %v, for status %q", task.Name, task.Done, task.NotYet, task.Status)
				}
			}
		})
	}

	t.Run("what is missing is named", func(t *testing.T) {
		v := cases[1].v
		tasks := SetUpTasks(v, now)
		if !strings.Contains(tasks[1].Hint, "clarification deadline must be before") || tasks[2].Hint != "Lot 1 has no questions" {
			t.Errorf("hints: timetable %q, lots %q", tasks[1].Hint, tasks[2].Hint)
		}
		unweighted := v
		unweighted.Procurement = sound
		unweighted.Lots = []LotView{{Lot: Lot{Number: 2}, Questions: []Question{{WeightBP: 5000}}, WeightProblem: "weights add up to 50 %"}}
		if h := SetUpTasks(unweighted, now)[2].Hint; h != "Lot 2: weights add up to 50 %" {
			t.Errorf("lots hint %q", h)
		}
	})

	t.Run("gone once published, closed or cancelled", func(t *testing.T) {
		for _, st := range []State{Published, Closed, OpeningStarted, Opened, Cancelled} {
			if tasks := SetUpTasks(ProcurementView{Procurement: sound, Effective: st}, now); tasks != nil {
				t.Errorf("%s: %d tasks, want none", st, len(tasks))
			}
		}
	})
}
