package lots

import "golive/tenants/access"

// Object rules: casbin has already said the actor's role may do the kind of thing at the route;
// these say whether they may do it to this procurement.

// CanManage: only the lead commissioner's people change a procurement.
func CanManage(a *access.Actor, p Procurement) bool { return a != nil && a.OrgID == p.LeadOrgID }

// CanSeeValue: the estimated value is commercially sensitive; only commissioner roles casbin
// allows (lead, approver) of a participating commissioner see it, never bidders, Healthwatch
// or observers.
func CanSeeValue(a *access.Actor, participants []Participant, allowed bool) bool {
	if a == nil || !allowed {
		return false
	}
	for _, p := range participants {
		if p.OrgID == a.OrgID {
			return true
		}
	}
	return false
}

// CanReadResponses: sealed content is readable by the commissioner side only once the
// deadline has passed and two people have opened it.
func CanReadResponses(p Procurement, o *Opening) bool {
	return o != nil && o.ConfirmedAt != nil && !o.ConfirmedAt.Before(p.SubmissionDeadline)
}

// CanKeepRecord: the record of a procurement (package record) is the lead commissioner's: its
// procurement lead and organisation admin export it (access.PermRecordExport), no participating
// commissioner, who keeps its own governing body's papers.
func CanKeepRecord(a *access.Actor, p Procurement) bool {
	return CanManage(a, p) && access.Grants(a.Roles, access.PermRecordExport)
}
