package lots

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"golive/apperr"
	"golive/record"
	"golive/tenants/access"
)

// The procurement's part of its record (package record): the timeline of its key dates, the
// governing bodies' decisions on the business case with their minutes, the opening log, the
// documents published and the clarifications answered.

// recordProcurement loads a procurement for the record's reader: another organisation's is not
// found, and within the lead commissioner only CanKeepRecord's roles may export it.
func (s *Service) recordProcurement(ctx context.Context, a *access.Actor, id string) (Procurement, error) {
	if a == nil || !validID(id) {
		return Procurement{}, apperr.NotFoundf("Procurement not found")
	}
	p, err := s.Store.Procurement(ctx, id)
	if err != nil {
		return p, err
	}
	if !CanKeepRecord(a, p) {
		return p, apperr.Forbiddenf("The record of a procurement is exported by the lead commissioner's procurement lead or organisation admin")
	}
	return p, nil
}

// RecordHeader is the procurement a record is of (record.Headers).
func (s *Service) RecordHeader(ctx context.Context, a *access.Actor, id string) (record.Header, error) {
	p, err := s.recordProcurement(ctx, a, id)
	if err != nil {
		return record.Header{}, err
	}
	ids, err := s.Store.RecordObjectIDs(ctx, p.ID)
	if err != nil {
		return record.Header{}, err
	}
	names, err := s.Store.OrgNames(ctx, []string{p.LeadOrgID})
	if err != nil {
		return record.Header{}, err
	}
	return record.Header{ProcurementID: p.ID, Title: p.Title, Reference: p.Reference, Regime: regimeNames[string(p.Regime)],
		LeadOrgID: p.LeadOrgID, LeadOrg: names[p.LeadOrgID], ObjectIDs: ids}, nil
}

// RecordSections is the procurement's section of its record (record.Provider).
func (s *Service) RecordSections(ctx context.Context, a *access.Actor, id string) ([]record.Section, error) {
	p, err := s.recordProcurement(ctx, a, id)
	if err != nil {
		return nil, err
	}
	approvals, err := s.Store.Approvals(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("record of %s: list approvals: %w", p.ID, err)
	}
	opening, err := s.Store.Opening(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	subs, err := s.Store.RecordSubmissions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	lotList, err := s.Store.Lots(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	docs, err := s.Store.Documents(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("record of %s: list documents: %w", p.ID, err)
	}
	clars, err := s.Store.Clarifications(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("record of %s: list clarifications: %w", p.ID, err)
	}
	adds, err := s.Store.Addenda(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("record of %s: list addenda: %w", p.ID, err)
	}

	users := []string{p.CreatedBy}
	orgs := []string{p.LeadOrgID}
	for _, ap := range approvals {
		users, orgs = append(users, ap.DecidedBy), append(orgs, ap.OrgID)
	}
	if opening != nil {
		users = append(users, opening.StartedBy, opening.ConfirmedBy)
	}
	for _, sub := range subs {
		users, orgs = append(users, sub.SubmittedBy), append(orgs, sub.BidderOrgID)
	}
	for _, d := range docs {
		users = append(users, d.UploadedBy)
	}
	for _, c := range clars {
		users = append(users, c.AnsweredBy)
	}
	for _, ad := range adds {
		users = append(users, ad.PublishedBy)
	}
	unames, err := s.Store.PeopleNames(ctx, users)
	if err != nil {
		return nil, err
	}
	onames, err := s.Store.OrgNames(ctx, orgs)
	if err != nil {
		return nil, err
	}
	lotName := map[string]string{}
	for _, l := range lotList {
		lotName[l.ID] = fmt.Sprintf("Lot %d: %s", l.Number, l.Title)
	}

	type event struct {
		at        time.Time
		what, who string
		planned   bool
		detail    string
	}
	var tl []event
	add := func(at time.Time, what, who, detail string, planned bool) {
		if !at.IsZero() {
			tl = append(tl, event{at: at, what: what, who: who, detail: detail, planned: planned})
		}
	}
	add(p.CreatedAt, "Procurement created", unames[p.CreatedBy], p.Procedure, false)
	for _, ap := range approvals {
		add(ap.DecidedAt, "Business case decided by the governing body of "+onames[ap.OrgID], unames[ap.DecidedBy], ap.Decision+", minute "+ap.MinuteRef, false)
	}
	for _, d := range docs {
		add(d.UploadedAt, "Document published: "+d.Name, unames[d.UploadedBy], d.Kind, false)
	}
	for _, c := range clars {
		if c.PublishedAt != nil {
			add(*c.PublishedAt, fmt.Sprintf("Clarification %d answered", c.Number), unames[c.AnsweredBy], "", false)
		}
	}
	for _, ad := range adds {
		add(ad.PublishedAt, fmt.Sprintf("Addendum %d published: %s", ad.Number, ad.Title), unames[ad.PublishedBy], "", false)
	}
	add(p.ClarificationDeadline, "Clarification deadline", "", "", true)
	add(p.SubmissionDeadline, "Submission deadline", "", "", true)
	opened := opening != nil && opening.ConfirmedAt != nil
	for _, sub := range subs {
		if sub.SubmittedAt != nil && opened { // before the opening, who responded and when is sealed
			add(*sub.SubmittedAt, fmt.Sprintf("Response submitted (%s, version %d)", lotName[sub.LotID], sub.Version), onames[sub.BidderOrgID], "", false)
		}
	}
	if opening != nil {
		add(opening.StartedAt, "Opening started", unames[opening.StartedBy], "", false)
		if opening.ConfirmedAt != nil {
			add(*opening.ConfirmedAt, "Opening confirmed by a second person", unames[opening.ConfirmedBy], "", false)
		}
	}
	add(p.EvaluationStart, "Evaluation start", "", "", true)
	add(p.AwardDate, "Award date", "", "", true)
	add(p.ContractStart, "Contract start", "", "", true)
	slices.SortStableFunc(tl, func(x, y event) int { return cmp.Compare(x.at.UnixNano(), y.at.UnixNano()) })
	var rows [][]string
	for _, e := range tl {
		kind := "Happened"
		if e.planned {
			kind = "Planned date"
		}
		rows = append(rows, []string{record.UKTime(&e.at), kind, e.what, e.who, e.detail})
	}
	timeline := record.CSV([]string{"when_uk", "kind", "what", "who", "detail"}, rows)

	rows = nil
	for _, ap := range approvals {
		part2 := "No"
		if ap.Part2 {
			part2 = "Yes"
		}
		rows = append(rows, []string{onames[ap.OrgID], ap.Decision, ap.MeetingDate.Format(time.DateOnly), ap.MinuteRef, part2, ap.Reason,
			unames[ap.DecidedBy], record.UKTime(&ap.DecidedAt)})
	}
	decisions := record.CSV([]string{"governing_body", "decision", "meeting_date", "minute", "part_2", "reason", "recorded_by", "recorded_at_uk"}, rows)

	rows = nil
	if opening != nil {
		rows = append(rows, []string{"Opening started", unames[opening.StartedBy], record.UKTime(&opening.StartedAt), "", "", ""})
		if opening.ConfirmedAt != nil {
			rows = append(rows, []string{"Opening confirmed", unames[opening.ConfirmedBy], record.UKTime(opening.ConfirmedAt), "", "", ""})
		}
	}
	// Responses are listed once two people have opened them: before that, who responded is sealed.
	for _, sub := range LastCounted(subs) {
		if opening == nil || opening.ConfirmedAt == nil {
			break
		}
		rows = append(rows, []string{"Response opened", onames[sub.BidderOrgID], record.UKTime(sub.SubmittedAt), lotName[sub.LotID],
			fmt.Sprint(sub.Version), sub.ContentSHA256})
	}
	openingLog := record.CSV([]string{"entry", "who", "when_uk", "lot", "version", "content_sha256"}, rows)

	rows = nil
	for _, d := range docs {
		rows = append(rows, []string{d.Name, d.Kind, fmt.Sprint(d.Size), d.SHA256, unames[d.UploadedBy], record.UKTime(&d.UploadedAt)})
	}
	documents := record.CSV([]string{"name", "kind", "bytes", "sha256", "published_by", "published_at_uk"}, rows)

	rows = nil
	for _, c := range clars {
		rows = append(rows, []string{fmt.Sprint(c.Number), c.Question, c.Answer, unames[c.AnsweredBy], record.UKTime(c.PublishedAt)})
	}
	for _, ad := range adds {
		rows = append(rows, []string{fmt.Sprintf("Addendum %d", ad.Number), ad.Title, ad.Body, unames[ad.PublishedBy], record.UKTime(&ad.PublishedAt)})
	}
	clarifications := record.CSV([]string{"number", "question_or_title", "answer_or_body", "by", "published_at_uk"}, rows)

	return []record.Section{{
		Key: "procurement", Title: "The procurement",
		About: "Its key dates, the governing bodies' decisions on the business case with their minutes, the opening of the responses, and what was published to bidders. Clarifications are listed without who asked.",
		Files: []record.File{
			{Name: "timeline.csv", Title: "Timeline", Body: timeline, Answers: []record.Item{record.ItemProcess}},
			{Name: "governing-body-decisions.csv", Title: "Governing-body decisions on the business case, with their minutes", Body: decisions, Answers: []record.Item{record.ItemDecisionMakers}},
			{Name: "opening-log.csv", Title: "Opening log", Body: openingLog, Answers: []record.Item{record.ItemProcess}},
			{Name: "documents.csv", Title: "Documents published, with their SHA-256", Body: documents},
			{Name: "clarifications.csv", Title: "Clarifications and addenda as published", Body: clarifications, Answers: []record.Item{record.ItemProcess}},
		},
	}}, nil
}
