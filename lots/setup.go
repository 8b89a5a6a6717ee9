package lots

import (
	"fmt"
	"sort"
	"time"
)

// SetUpTasks is the lead's task list from a new draft to publication (the GOV.UK and NHS.UK
// "task list" pattern): what is done, what is still to do and what cannot start yet, each linked
// to where it is done. It reads the same rules that guard the actions — CheckTimetable, the
// weights, ApprovalOutcome and CheckAction — so it cannot offer what the buttons would refuse.
// It is nil once the procurement has been published or cancelled: the lots' own trackers take
// over from there.
func SetUpTasks(v ProcurementView, now time.Time) []Stage {
	switch v.Effective {
	case Draft, AwaitingApproval, Rejected:
	default:
		return nil
	}
	base := "/procurements/" + v.ID
	draft := v.Effective == Draft
	edit := func(href string) string {
		if draft {
			return href
		}
		return ""
	}

	details := Stage{Name: "Details and value", Status: "Completed", Done: true, Href: edit(base + "/edit")}

	timetable := Stage{Name: "Timetable", Href: edit(base + "/edit")}
	if f := CheckTimetable(v.Procurement, now, true); len(f) > 0 {
		timetable.Status, timetable.Hint = "Incomplete", firstMessage(f)
	} else {
		timetable.Status, timetable.Done = "Completed", true
	}

	lots := Stage{Name: "Lots and questionnaires", Href: edit(base + "#lots")}
	switch {
	case len(v.Lots) == 0:
		lots.Status, lots.Hint = "Not yet started", "Add at least one lot"
	default:
		lots.Status, lots.Done = "Completed", true
		for _, l := range v.Lots {
			if len(l.Questions) == 0 {
				lots.Status, lots.Hint, lots.Done = "Incomplete", fmt.Sprintf("Lot %d has no questions", l.Number), false
				break
			}
			if l.WeightProblem != "" {
				lots.Status, lots.Hint, lots.Done = "Incomplete", fmt.Sprintf("Lot %d: %s", l.Number, l.WeightProblem), false
				break
			}
		}
	}

	documents := Stage{Name: "Tender documents (optional)", Href: edit(base + "#documents"), Status: "Not yet started"}
	if len(v.Documents) > 0 {
		documents.Status, documents.Hint, documents.Done = "Completed", fmt.Sprintf("%d document%s uploaded", len(v.Documents), plural(len(v.Documents))), true
	}

	ready := timetable.Done && lots.Done
	approval := Stage{Name: "Business case approved by every governing body"}
	approved, _, pending := ApprovalOutcome(participantIDs(v.Participants), approvals(v.Approvals))
	switch v.Effective {
	case Draft:
		if ready {
			approval.Status, approval.Hint, approval.Href = "Not yet started", "Submit the business case for approval", base+"#actions"
		} else {
			approval.Status, approval.Hint, approval.NotYet = "Cannot start yet", "Complete the timetable and the lots first", true
		}
	case AwaitingApproval:
		if approved {
			approval.Status, approval.Done, approval.Href = "Completed", true, base+"#decisions"
		} else {
			approval.Status, approval.Hint, approval.Href = "In progress", fmt.Sprintf("%d of %d governing bodies still to decide", len(pending), len(v.Participants)), base+"#decisions"
		}
	case Rejected:
		approval.Status, approval.Hint, approval.Href = "Rejected", "Return it to draft to revise the business case", base+"#actions"
	}

	publish := Stage{Name: "Check and publish to bidders"}
	if CheckAction(ActPublish, v.Effective) == nil && approval.Done {
		publish.Status, publish.Href = "Not yet started", base+"/publish"
	} else {
		publish.Status, publish.Hint, publish.NotYet = "Cannot start yet", "Every governing body must approve the business case first", true
	}
	return []Stage{details, timetable, lots, documents, approval, publish}
}

// firstMessage is one of a form's messages, the same one each time.
func firstMessage(f map[string]string) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return f[keys[0]]
}

func participantIDs(ps []Participant) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.OrgID
	}
	return ids
}

func approvals(as []ApprovalView) []Approval {
	var out []Approval
	for _, a := range as {
		if a.Decision != nil {
			out = append(out, *a.Decision)
		}
	}
	return out
}
