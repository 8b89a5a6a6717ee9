package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golive/lots"
	"golive/tenants/access"
)

// Procurements adds the Kent and Medway IUCS procurement (two lots, sites and phases, approved
// by all 8 governing bodies, published, clarified, bid for, opened) and the Luton and
// Bedfordshire NHS 111 and out-of-hours procurement (Milton Keynes not taking part), on a clock
// that walks through 2016-2018. It does nothing when Medway's procurement lead sees any
// procurement already. orgID maps demo organisation names to ids (LoadPeople).
func Procurements(ctx context.Context, s Services, orgID map[string]string) (bool, error) {
	d := newReplay(ctx, s, "procurements")
	lead, lctx := d.as("lead@medway-ccg.test")
	if d.err != nil {
		return false, d.err
	}
	existing, err := d.lots.Procurements(lctx, lead)
	if err != nil {
		return false, err
	}
	if len(existing) > 0 {
		return false, nil
	}
	d.procureKentAndMedway(orgID)
	d.procureLutonAndBedfordshire(orgID)
	d.procureTelephony(orgID)
	return d.err == nil, d.err
}

var kentCCGs = []string{"NHS Ashford CCG", "NHS Canterbury and Coastal CCG", "NHS Dartford, Gravesham and Swanley CCG",
	"NHS Medway CCG", "NHS South Kent Coast CCG", "NHS Swale CCG", "NHS Thanet CCG", "NHS West Kent CCG"}

var kentApprovers = map[string]string{
	"NHS Ashford CCG": "approver@ashford-ccg.test", "NHS Canterbury and Coastal CCG": "approver@canterbury-ccg.test",
	"NHS Dartford, Gravesham and Swanley CCG": "approver@dgs-ccg.test", "NHS Medway CCG": "approver@medway-ccg.test",
	"NHS South Kent Coast CCG": "approver@skc-ccg.test", "NHS Swale CCG": "approver@swale-ccg.test",
	"NHS Thanet CCG": "approver@thanet-ccg.test", "NHS West Kent CCG": "approver@westkent-ccg.test",
}

func ids(orgID map[string]string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = orgID[n]
	}
	return out
}

func (d *replay) procureKentAndMedway(orgID map[string]string) {
	s := d.lots
	d.at("2018-01-15 10:00")
	lead, lctx := d.as("lead@medway-ccg.test")
	var p lots.Procurement
	d.do("create Kent and Medway", func() (err error) {
		p, err = s.CreateProcurement(lctx, lead, lots.ProcurementInput{
			Title: "Kent and Medway Integrated Urgent Care Service", Reference: "KM-IUCS-2018", Regime: lots.PCR2015,
			Procedure: "Open procedure (light-touch regime)", TermYears: 5, ExtensionYears: 2, EstimatedValuePence: 31_500_000_000,
			// Kent and Medway published the value of the service; Bedfordshire declined to give its
			// own (seeds), so Luton and Bedfordshire's notices leave the value out.
			PublishValue:          true,
			Description:           "NHS 111 with an integrated clinical assessment service across Kent and Medway (lot 1), and urgent treatment centres with GP-led out-of-hours care for Dartford, Gravesham and Swanley, Swale and Medway (lot 2), to the national IUC and UTC specifications.",
			Participants:          ids(orgID, kentCCGs...),
			ClarificationDeadline: london("2018-04-13 12:00"), SubmissionDeadline: london("2018-05-04 12:00"),
			EvaluationStart: london("2018-05-08 09:00"), AwardDate: london("2018-08-01 09:00"), ContractStart: london("2019-04-01 00:00"),
		})
		return err
	})
	var lot1, lot2 lots.Lot
	d.do("lot 1", func() (err error) {
		lot1, err = s.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "NHS 111 with integrated clinical assessment service",
			ServiceTypes: []string{"nhs111", "cas"}, Participants: ids(orgID, kentCCGs...),
			Description: "The NHS 111 service across the Kent and Medway footprint with an increased level of clinical support: GPs, nurses, paramedics and pharmacists."})
		return err
	})
	d.do("lot 2", func() (err error) {
		lot2, err = s.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 2, Title: "Urgent treatment centres and GP-led out of hours",
			ServiceTypes: []string{"utc", "gp_ooh", "home_visits", "mobile_unit"},
			Participants: ids(orgID, "NHS Dartford, Gravesham and Swanley CCG", "NHS Swale CCG", "NHS Medway CCG"),
			Description:  "Face-to-face urgent treatment centres at the front doors of emergency departments where possible, and GP-led out-of-hours care (base site and home visits)."})
		return err
	})
	d.do("lot 1 questionnaire", func() error { return s.ApplyTemplate(lctx, lead, lot1.ID, "iuc") })
	d.do("lot 2 questionnaire", func() error { return s.ApplyTemplate(lctx, lead, lot2.ID, "utc") })
	d.do("lot 1 phase", func() error {
		_, err := s.AddPhase(lctx, lead, lot1.ID, lots.PhaseInput{Name: "NHS 111 and CAS go-live", Service: "nhs111", GoLive: london("2019-04-01 08:00")})
		return err
	})
	sites := map[string]lots.Site{}
	for _, st := range []lots.SiteInput{
		{Name: "Gravesham Community Hospital UTC", OrgID: orgID["NHS Dartford, Gravesham and Swanley CCG"], Address: "Bath Street, Gravesend"},
		{Name: "Sheppey Memorial Hospital UTC", OrgID: orgID["NHS Swale CCG"], Address: "Isle of Sheppey"},
		{Name: "Sheppey Community Hospital UTC", OrgID: orgID["NHS Swale CCG"], Address: "Minster-on-Sea, Isle of Sheppey"},
		{Name: "Swale mobile urgent care facility", OrgID: orgID["NHS Swale CCG"], Address: "Sheerness and Sittingbourne"},
		{Name: "Medway Maritime Hospital UTC (MFT)", OrgID: orgID["NHS Medway CCG"], Address: "Windmill Road, Gillingham"},
		{Name: "Out-of-hours base sites and home visits", OrgID: orgID["NHS Medway CCG"], Address: "Across Dartford, Gravesham and Swanley, Swale and Medway"},
	} {
		st := st
		d.do("site "+st.Name, func() error {
			site, err := s.AddSite(lctx, lead, lot2.ID, st)
			sites[st.Name] = site
			return err
		})
	}
	for _, ph := range []struct{ name, service, site, at string }{
		{"GP-led out of hours and home visits go-live", "gp_ooh", "Out-of-hours base sites and home visits", "2019-04-01 08:00"},
		{"Medway UTC go-live", "utc", "Medway Maritime Hospital UTC (MFT)", "2019-04-01 08:00"},
		{"Gravesham UTC go-live (DGS)", "utc", "Gravesham Community Hospital UTC", "2019-07-01 08:00"},
		{"Sheppey Memorial UTC go-live (Swale)", "utc", "Sheppey Memorial Hospital UTC", "2019-07-01 08:00"},
		{"Sheppey Community UTC go-live (Swale)", "utc", "Sheppey Community Hospital UTC", "2019-07-01 08:00"},
		{"Swale mobile facility go-live", "mobile_unit", "Swale mobile urgent care facility", "2019-07-01 08:00"},
	} {
		ph := ph
		d.do("phase "+ph.name, func() error {
			_, err := s.AddPhase(lctx, lead, lot2.ID, lots.PhaseInput{Name: ph.name, Service: ph.service, SiteID: sites[ph.site].ID, GoLive: london(ph.at)})
			return err
		})
	}
	d.do("specification", func() error {
		_, err := s.UploadDocument(lctx, lead, p.ID, "specification", "KM-IUCS service specification.txt",
			[]byte("Kent and Medway Integrated Urgent Care Service: service specification.\n\nThe service follows the national Integrated Urgent Care Service Specification (all 9 elements) and, face to face, the national Urgent Treatment Centre specification.\n"))
		return err
	})
	d.at("2018-01-20 09:00")
	d.do("submit for approval", func() error { return s.SubmitForApproval(lctx, lead, p.ID) })
	// Six governing bodies approved in late January and early February; the last two on 22 February.
	meetings := map[string]string{
		"NHS Ashford CCG": "2018-01-25", "NHS Canterbury and Coastal CCG": "2018-01-25", "NHS South Kent Coast CCG": "2018-01-30",
		"NHS Thanet CCG": "2018-01-30", "NHS West Kent CCG": "2018-02-06", "NHS Medway CCG": "2018-02-06",
		"NHS Dartford, Gravesham and Swanley CCG": "2018-02-22", "NHS Swale CCG": "2018-02-22",
	}
	for _, ccg := range kentCCGs {
		ccg := ccg
		d.at(meetings[ccg] + " 17:00")
		a, actx := d.as(kentApprovers[ccg])
		d.do("approval "+ccg, func() error {
			return s.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: london(meetings[ccg] + " 14:00"),
				MinuteRef: "GB/" + strings.ReplaceAll(meetings[ccg], "-", "") + "/P2-04", Part2: true})
		})
	}
	d.at("2018-02-23 09:00")
	d.do("publish", func() error { return s.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}) })

	d.at("2018-02-26 10:00")
	estuary, ectx := d.as("bids@estuary-urgent-care.test")
	weald, wctx := d.as("bids@weald-ambulance.test")
	coast, cctx := d.as("bids@channel-coast-health.test")
	for _, b := range []struct {
		a   *access.Actor
		ctx context.Context
	}{{estuary, ectx}, {weald, wctx}, {coast, cctx}} {
		b := b
		d.do("interest "+b.a.OrgName, func() error { return s.RegisterInterest(b.ctx, b.a, p.ID) })
	}
	d.at("2018-03-12 11:00")
	var c lots.Clarification
	d.do("clarification", func() (err error) {
		c, err = s.AskClarification(wctx, weald, p.ID, lots.ClarificationInput{Question: "Will the clinical assessment service be expected to book directly into the urgent treatment centres in lot 2, and through which system?"})
		return err
	})
	d.at("2018-03-14 16:00")
	d.do("answer", func() error {
		return s.AnswerClarification(lctx, lead, p.ID, c.ID, lots.AnswerInput{Answer: "Yes. The CAS must book directly into UTC and GP out-of-hours appointments through the national booking standards; see section 4 of the specification."})
	})
	d.at("2018-03-20 10:00")
	d.do("addendum", func() error {
		_, err := s.PublishAddendum(lctx, lead, p.ID, lots.AddendumInput{Title: "Confirmed activity data for 2016/17",
			Body: "The activity data in appendix B has been replaced with the confirmed 2016/17 figures. Nothing bidders respond to has changed."})
		return err
	})
	d.at("2018-04-30 15:00")
	d.respond(ectx, estuary, p, lot1, []string{"North Downs GP Federation"}, 62_000_000_00)
	d.respond(ectx, estuary, p, lot2, []string{"North Downs GP Federation"}, 38_500_000_00)
	d.respond(wctx, weald, p, lot1, nil, 64_750_000_00)
	d.respond(cctx, coast, p, lot2, nil, 36_900_000_00)

	d.at("2018-05-04 14:00")
	d.do("start opening", func() error { return s.StartOpening(lctx, lead, p.ID) })
	admin, actx := d.as("admin@medway-ccg.test")
	d.at("2018-05-04 14:20")
	d.do("confirm opening", func() error { return s.ConfirmOpening(actx, admin, p.ID) })
}

// respond saves and submits a plausible response to every question of a lot, as the bidder
// reads them in the opportunity.
func (d *replay) respond(ctx context.Context, a *access.Actor, p lots.Procurement, l lots.Lot, partners []string, perYearPence int64) {
	s := d.lots
	d.do("respond "+a.OrgName, func() error {
		op, err := s.Opportunity(ctx, a, p.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(op.Lots, func(b lots.BidLot) bool { return b.ID == l.ID })
		if i < 0 {
			return fmt.Errorf("lot %d is not in the opportunity", l.Number)
		}
		in := lots.DraftInput{Partners: partners}
		for _, q := range op.Lots[i].Questions {
			switch q.Kind {
			case lots.Price:
				for y := 1; y <= p.TermYears; y++ {
					in.Prices = append(in.Prices, lots.PriceYear{Year: y, Pence: perYearPence + int64(y-1)*perYearPence/50})
				}
			case lots.PassFail:
				in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: "Yes: confirmed, with evidence attached to our response."})
			default:
				in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: fmt.Sprintf("%s will meet question %s through a named clinical lead, an integrated workforce plan and weekly performance reporting to the commissioners, building on our current services in Kent.", a.OrgName, q.Number)})
			}
		}
		if _, err := s.SaveDraft(ctx, a, l.ID, in); err != nil {
			return err
		}
		_, err = s.Submit(ctx, a, l.ID)
		return err
	})
}

func (d *replay) procureLutonAndBedfordshire(orgID map[string]string) {
	s := d.lots
	d.at("2016-06-01 10:00")
	lead, lctx := d.as("lead@bedfordshire-ccg.test")
	var p lots.Procurement
	d.do("create Luton and Bedfordshire", func() (err error) {
		p, err = s.CreateProcurement(lctx, lead, lots.ProcurementInput{
			Title: "Luton and Bedfordshire Integrated Urgent Care (NHS 111 and GP out of hours)", Reference: "LB-IUC-2016",
			Regime: lots.PCR2015, Procedure: "Open procedure (light-touch regime)", TermYears: 5, EstimatedValuePence: 9_000_000_000,
			Description:           "NHS 111 and GP out-of-hours services across Luton and Bedfordshire. Milton Keynes CCG was consulted but is not taking part: urgent care there is modelled differently.",
			Participants:          ids(orgID, "NHS Luton CCG", "NHS Bedfordshire CCG"),
			ClarificationDeadline: london("2016-08-19 12:00"), SubmissionDeadline: london("2016-09-09 12:00"),
			EvaluationStart: london("2016-09-12 09:00"), AwardDate: london("2016-11-01 09:00"), ContractStart: london("2017-04-01 00:00"),
		})
		return err
	})
	var lot lots.Lot
	d.do("Luton lot", func() (err error) {
		lot, err = s.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "NHS 111 and GP out of hours", ServiceTypes: []string{"nhs111", "cas", "gp_ooh", "home_visits"},
			Participants: ids(orgID, "NHS Luton CCG", "NHS Bedfordshire CCG")})
		return err
	})
	d.do("Luton questionnaire", func() error { return s.ApplyTemplate(lctx, lead, lot.ID, "iuc") })
	d.do("Luton phase", func() error {
		_, err := s.AddPhase(lctx, lead, lot.ID, lots.PhaseInput{Name: "Service go-live", Service: "nhs111", GoLive: london("2017-04-01 08:00")})
		return err
	})
	d.at("2016-06-10 09:00")
	d.do("Luton approval", func() error { return s.SubmitForApproval(lctx, lead, p.ID) })
	for _, ap := range []string{"approver@luton-ccg.test", "approver@bedfordshire-ccg.test"} {
		ap := ap
		d.at("2016-06-23 17:00")
		a, actx := d.as(ap)
		d.do("approval "+ap, func() error {
			return s.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: london("2016-06-23 14:00"), MinuteRef: "GB/2016/06/P2-7", Part2: true})
		})
	}
	d.at("2016-06-27 09:00")
	d.do("Luton publish", func() error { return s.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}) })
	d.at("2016-07-04 09:00")
	for _, email := range []string{"bids@channel-coast-health.test", "bids@north-downs-gp.test"} {
		a, actx := d.as(email)
		d.do("Luton interest", func() error { return s.RegisterInterest(actx, a, p.ID) })
		d.at("2016-09-01 12:00")
		d.respond(actx, a, p, lot, nil, 17_500_000_00)
	}
	d.at("2016-09-09 14:00")
	d.do("Luton opening", func() error { return s.StartOpening(lctx, lead, p.ID) })
	d.at("2016-09-09 14:30")
	// The second opener must be another person of the lead commissioner with the right to open.
	d.do("Luton confirm", func() error {
		other, octx := d.as("admin@bedfordshire-ccg.test")
		return s.ConfirmOpening(octx, other, p.ID)
	})
}

// procureTelephony is a procurement of today: a telephony platform for the urgent care services,
// bought on its own in 2026. It is not a health care service, so neither the PSR nor (begun
// after 24 February 2025) the PCR 2015 governs it: it runs under the Procurement Act 2023, and
// its tender notice is published when it is.
func (d *replay) procureTelephony(orgID map[string]string) {
	s := d.lots
	d.at("2026-01-12 10:00")
	lead, lctx := d.as("lead@medway-ccg.test")
	var p lots.Procurement
	d.do("create the telephony platform", func() (err error) {
		p, err = s.CreateProcurement(lctx, lead, lots.ProcurementInput{
			Title: "Integrated urgent care telephony platform", Reference: "MED-TEL-2026", Regime: lots.PA2023,
			Procedure: "Open procedure", TermYears: 3, ExtensionYears: 1, EstimatedValuePence: 1_200_000_00, PublishValue: true,
			Description:           "A cloud telephony platform for the NHS 111 and clinical assessment service call handling: call routing, queueing, recording and integration with the clinical system. Bought on its own, not as part of a health care service.",
			Participants:          ids(orgID, "NHS Medway CCG"),
			ClarificationDeadline: london("2026-02-27 12:00"), SubmissionDeadline: london("2026-03-16 12:00"),
			EvaluationStart: london("2026-03-17 09:00"), AwardDate: london("2026-05-01 09:00"), ContractStart: london("2026-10-01 00:00"),
		})
		return err
	})
	var lot lots.Lot
	d.do("telephony lot", func() (err error) {
		lot, err = s.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "Telephony platform", ServiceTypes: []string{"telephony"},
			Participants: ids(orgID, "NHS Medway CCG"), Description: "The platform, its migration from the current system, and support for three years."})
		return err
	})
	d.do("telephony questionnaire", func() error { return s.ApplyTemplate(lctx, lead, lot.ID, "iuc") })
	d.do("telephony phase", func() error {
		_, err := s.AddPhase(lctx, lead, lot.ID, lots.PhaseInput{Name: "Telephony platform go-live", Service: "telephony", GoLive: london("2026-10-01 08:00")})
		return err
	})
	d.at("2026-01-19 09:00")
	d.do("telephony for approval", func() error { return s.SubmitForApproval(lctx, lead, p.ID) })
	d.at("2026-01-27 17:00")
	a, actx := d.as(kentApprovers["NHS Medway CCG"])
	d.do("telephony approval", func() error {
		return s.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: london("2026-01-27 14:00"), MinuteRef: "GB/20260127/07"})
	})
	d.at("2026-02-02 09:00")
	d.do("telephony publish", func() error { return s.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}) })
}
