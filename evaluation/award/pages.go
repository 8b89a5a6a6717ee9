package award

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/evaluation"
	"golive/lots"
	"golive/ukclock"
	"golive/web"
)

// The award's pages (DOMAIN.md step 8): the lead recommends a preferred bidder; the
// governing-body approvers decide on it (Part 2); the lead decides on representations, records
// court proceedings and the contract award; a bidder reads the decision on its bid and may make
// a representation during standstill. Each handler reads the form, makes one service call and
// renders or redirects (303, with a flash). Which forms the page offers comes from NextActions
// (rules.go), the rules the service refuses with: a form is shown exactly when the reader may
// use it (the contract's, from standstill on, says until when it is refused).

// Pages are the award's HTML handlers (routes.go mounts them).
type Pages struct {
	Svc *Service
	Web *web.Server
}

// render shows a page with the flash a redirect left for it.
func (h *Pages) render(c *fiber.Ctx, page, title string, content any, fields map[string]string) error {
	web.TakeFlash(c)
	return h.Web.Render(c, page, title, content, fields)
}

// done answers a POST with 303 to path and a one-line confirmation.
func done(c *fiber.Ctx, path, msg string) error { return web.RedirectFlash(c, path, msg) }

func awardLotPath(c *fiber.Ctx) string { return "/evaluations/lots/" + c.Params("lot") }

// --- reading the forms ---

// awardForm is web.Form plus what these forms type: an optional mark, a UK date, pounds.
type awardForm struct{ *web.Form }

func newAwardForm(c *fiber.Ctx) awardForm { return awardForm{web.NewForm(c)} }

// mark reads an optional whole number: blank is no mark (nil), which the service refuses for a
// scored question with its own message.
func (f awardForm) mark(name, label string) *int {
	v := strings.TrimSpace(f.Str(name))
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		f.Errs[name] = "Enter " + label + " as a whole number, like 3"
		return nil
	}
	return &n
}

// The award's dates, as the pages ask for them. The API takes the same days as "2006-01-02"
// (proceedings) or RFC 3339 (the contract); the pages read day, month and year boxes.
var (
	startDate  = ukclock.DateQuestion{Label: "start date", Required: true}
	notifiedOn = ukclock.DateQuestion{Label: "day the authority was told", Required: true}
	endedOn    = ukclock.DateQuestion{Label: "day the suspension ended", Required: true}
)

func notifiedOnField(now time.Time) web.DateField {
	in := ukclock.InputOf(now)
	in.Time = ""
	return web.DateField{Name: "notified_on", Prefix: "proc-", Legend: "Day the authority was told",
		Hint: "Not in the future, nor before standstill began.", DateInput: in}
}

func endedOnField(rowPrefix string) web.DateField {
	return web.DateField{Name: "ended_on", Prefix: rowPrefix + "end-", Legend: "Day the suspension ended",
		Hint: "Not in the future, nor before the authority was told."}
}

// pounds reads money typed in pounds, exactly, into pence.
func (f awardForm) pounds(name, label string) int64 {
	v, err := lots.ParsePounds(f.Str(name))
	if err != nil {
		f.Errs[name] = web.Capitalise(label) + ": " + err.Error()
		return 0
	}
	return v
}

// renamed moves the service's message for field from onto the form's field to.
func renamed(fields map[string]string, pairs ...string) map[string]string {
	for i := 0; i+1 < len(pairs); i += 2 {
		from, to := pairs[i], pairs[i+1]
		if m, ok := fields[from]; ok {
			delete(fields, from)
			if _, mine := fields[to]; !mine {
				fields[to] = m
			}
		}
	}
	return fields
}

// ukInstant is how these pages show a moment: an end of day as the day it ends ("midnight at
// the end of Friday 9 January 2026 (UK time)"), anything else as "9 January 2026 at 2:05pm".
func ukInstant(t time.Time) string {
	l := t.In(london)
	if l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 {
		return ukDay(t)
	}
	return ukclock.DateTime(l)
}

// --- the award ---

// RecommendationView is a recommendation as the award page shows it.
type RecommendationView struct {
	ID, Bidder, BidderOrgID, Reason string
	State                           State
	StateLabel                      string
	RecommendedBy                   string
	RecommendedAt                   time.Time
}

// ApprovalRow is one commissioner's governing-body decision on the recommendation.
type ApprovalRow struct {
	Commissioner, Decision, Reason, DecidedBy string
	DecidedAt                                 *time.Time
}

// TimelineStep is a step of the award: done, or when it is due.
type TimelineStep struct {
	Label, When, X string
	Done           bool
}

// RepresentationRow is a representation with the lead's decision, or the form to make it.
type RepresentationRow struct {
	ID, Bidder, Text            string
	MadeAt                      time.Time
	Decision, Reason, DecidedBy string
	DecidedAt                   *time.Time
	CanDecide                   bool
	Prefix                      string
	Items                       []web.Option
	Typed                       string
	Errs                        map[string]string
}

// ContractView is the contract the lot was awarded as.
type ContractView struct {
	Reference, Provider, AwardedBy string
	StartDate, AwardedAt           time.Time
	TermYears                      int
	ValuePence                     int64
}

// ContractForm is the contract award form and what it shows.
type ContractForm struct {
	Show                         bool
	Provider                     string
	Reference, TermMonths, Value string
	StartDate                    web.DateField
	Errs                         map[string]string
}

// ProceedingRow is court proceedings against the award, with the end of their suspension or
// the form to record it.
type ProceedingRow struct {
	ID, Claimant, Court, ClaimReference, Note string
	NotifiedOn                                time.Time
	RecordedBy                                string
	Ended                                     bool
	EndedOn                                   time.Time
	EndedHow, EndNote, EndedBy                string
	CanEnd                                    bool
	Prefix                                    string
	Items                                     []web.Option
	EndedOnTyped                              web.DateField
	NoteTyped                                 string
	Errs                                      map[string]string
}

// ProceedingForm is the form to record court proceedings and what it shows.
type ProceedingForm struct {
	Show                        bool
	Items                       []web.Option // the lot's bidders
	NotifiedOn                  web.DateField
	Court, ClaimReference, Note string
	Errs                        map[string]string
}

// RankedBid is a compliant bid that may be recommended.
type RankedBid struct {
	OrgID, Name, Total string
	Rank               int
}

// AwardPage is a lot's award: the recommendation, the governing bodies' decisions (Part 2),
// standstill, representations and the contract.
type AwardPage struct {
	Lot             evaluation.LotCaption
	Status          evaluation.AwardStatus
	RankingNote     string
	Ranked          []RankedBid
	Current         *RecommendationView
	Earlier         []RecommendationView
	CanRecommend    bool
	RecommendItems  []web.Option
	Reason          string
	RecommendErrs   map[string]string
	Approvals       []ApprovalRow
	CanDecide       bool
	DecideFor       string
	DecisionItems   []web.Option
	DecisionReason  string
	DecisionErrs    map[string]string
	Timeline        []TimelineStep
	Representations []RepresentationRow
	Contract        *ContractView
	ContractForm    ContractForm
	PCR             bool // court proceedings suspend the contract (PCR 2015 reg. 95); not under the PSR
	Proceedings     []ProceedingRow
	ProceedingForm  ProceedingForm
	Suspension      string // why the contract cannot be entered into while proceedings run; "" when it can
}

var awardStateNames = map[State]string{
	Pending: "Awaiting the governing bodies", Rejected: "Rejected by a governing body", Standstill: "In standstill",
	Paused: "Paused: a representation awaits a decision", Withdrawn: "Withdrawn after a representation", Awarded: "Contract awarded",
}

func (h *Pages) awardView(c *fiber.Ctx) (AwardPage, error) {
	ov, err := h.Svc.Overview(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return AwardPage{}, err
	}
	return newAwardPage(ov), nil
}

// newAwardPage lays out the award page: each section from the award as stored, each form from
// what the reader may do next (ov.Next).
func newAwardPage(ov Overview) AwardPage {
	p := AwardPage{Lot: ov.Lot, Status: ov.Status, RankingNote: ov.RankingNote, RecommendErrs: map[string]string{}, DecisionErrs: map[string]string{}}
	if ov.Ranking != nil {
		for _, r := range ov.Ranking.Results {
			if !r.Excluded && r.Rank > 0 {
				p.Ranked = append(p.Ranked, RankedBid{OrgID: r.Bidder, Name: ov.Ranking.Names[r.Bidder], Total: r.TotalPercent(), Rank: r.Rank})
			}
		}
	}
	for _, r := range ov.Recommendations {
		rv := RecommendationView{ID: r.ID, Bidder: ov.Orgs[r.BidderOrgID], BidderOrgID: r.BidderOrgID, Reason: r.Reason, State: r.State,
			StateLabel: awardStateNames[r.State], RecommendedBy: ov.People[r.RecommendedBy], RecommendedAt: r.RecommendedAt}
		if r.State.Live() {
			p.Current = &rv
		} else {
			p.Earlier = append(p.Earlier, rv)
		}
	}
	if _, ok := Offered(ov.Next, ActRecommend, ""); ok {
		p.CanRecommend = true
		p.fillRecommend("")
	}
	if ct := ov.Contract; ct != nil {
		p.Contract = &ContractView{Reference: ct.ContractReference, Provider: ov.Orgs[ct.ProviderOrgID], AwardedBy: ov.People[ct.AwardedBy],
			StartDate: ct.StartDate, AwardedAt: ct.AwardedAt, TermYears: ct.TermYears, ValuePence: ct.ValuePence}
	}
	cur := ov.Current()
	if cur == nil {
		return p
	}
	p.approvals(ov, *cur)
	p.Timeline = awardTimeline(*cur, ov.Approvals[cur.ID], len(ov.Status.Commissioners), ov.Contract, ov.Facts.Now)
	p.representations(ov, *cur)
	p.proceedings(ov, *cur)
	if _, ok := Offered(ov.Next, ActAwardContract, ""); ok {
		p.ContractForm = ContractForm{Show: true, Provider: ov.Orgs[cur.BidderOrgID], TermMonths: strconv.Itoa(ov.Lot.TermYears * 12), Errs: map[string]string{},
			StartDate: web.DateField{Name: "start_date", Prefix: "contract-", Legend: "Start date", Hint: "The day the service starts."}}
	}
	return p
}

// approvals lays out each commissioner's decision on cur, and the reader's form when their
// governing body is to decide.
func (p *AwardPage) approvals(ov Overview, cur Recommendation) {
	for _, o := range ov.Status.Commissioners {
		row := ApprovalRow{Commissioner: o.Name, Decision: "Awaiting decision"}
		for _, d := range ov.Approvals[cur.ID] {
			if d.OrgID == o.OrgID {
				at := d.DecidedAt
				row.Decision, row.Reason, row.DecidedBy, row.DecidedAt = map[string]string{"approve": "Approved", "reject": "Rejected"}[d.Decision], d.Reason, ov.People[d.DecidedBy], &at
			}
		}
		p.Approvals = append(p.Approvals, row)
	}
	for _, o := range ov.Status.Commissioners {
		if o.OrgID == ov.Who.Approver {
			p.DecideFor = o.Name
		}
	}
	_, p.CanDecide = Offered(ov.Next, ActDecide, "")
	p.fillDecision("")
}

// representations lays out the representations against cur, with the lead's form for each one
// awaiting a decision.
func (p *AwardPage) representations(ov Overview, cur Recommendation) {
	for i, rep := range ov.Representations[cur.ID] {
		row := RepresentationRow{ID: rep.ID, Bidder: ov.Orgs[rep.BidderOrgID], Text: rep.Text, MadeAt: rep.MadeAt, Reason: rep.DecisionReason,
			DecidedBy: ov.People[rep.DecidedBy], DecidedAt: rep.DecidedAt, Prefix: fmt.Sprintf("rep-%d-", i+1), Errs: map[string]string{}}
		if rep.Decision != nil {
			row.Decision = map[string]string{"upheld": "Upheld", "rejected": "Rejected"}[*rep.Decision]
		}
		_, row.CanDecide = Offered(ov.Next, ActDecideRepresentation, rep.ID)
		row.Items = web.OptionsOf([]string{"upheld", "rejected"}, map[string]string{"upheld": "Uphold it: withdraw the recommendation", "rejected": "Reject it: the award goes ahead"})
		p.Representations = append(p.Representations, row)
	}
}

// proceedings lays out the court proceedings against cur (PCR 2015 only), the forms the lead
// may use, and the suspension they bring: in the state, the timeline and beside the contract.
func (p *AwardPage) proceedings(ov Overview, cur Recommendation) {
	p.PCR = ov.Lot.Regime == lots.PCR2015
	if !p.PCR {
		return
	}
	bidders := map[string]string{}
	var ids []string
	for _, b := range ov.Bidders {
		bidders[b.OrgID] = b.Name
		ids = append(ids, b.OrgID)
	}
	ps := ov.Proceedings[cur.ID]
	for i, pr := range ps {
		row := ProceedingRow{ID: pr.ID, Claimant: bidders[pr.ClaimantOrgID], Court: pr.Court, ClaimReference: pr.ClaimReference, Note: pr.Note,
			NotifiedOn: pr.NotifiedOn, RecordedBy: ov.People[pr.RecordedBy], Prefix: fmt.Sprintf("proc-%d-", i+1), Errs: map[string]string{}}
		if pr.EndedOn != nil {
			row.Ended, row.EndedOn, row.EndNote, row.EndedBy = true, *pr.EndedOn, pr.EndNote, ov.People[pr.EndedBy]
			if pr.EndedHow != nil {
				row.EndedHow = SuspensionEnds[*pr.EndedHow]
			}
		}
		_, row.CanEnd = Offered(ov.Next, ActEndSuspension, pr.ID)
		row.EndedOnTyped = endedOnField(row.Prefix)
		row.fillEnd("")
		p.Proceedings = append(p.Proceedings, row)
	}
	if StageOf(ov.Facts) == Suspended {
		p.Suspension = SuspensionMessage(ps, bidders)
		if p.Current != nil {
			p.Current.StateLabel = "Suspended: court proceedings (PCR 2015 reg. 95)"
		}
		open := OpenProceedings(ps)
		step := TimelineStep{Label: "Suspended", When: fmt.Sprintf("since %s, by court proceedings (%d open): until the court lifts the suspension or the proceedings end",
			day(open[0].NotifiedOn).Format("2 January 2006"), len(open))}
		n := len(p.Timeline)
		if n > 0 && p.Timeline[n-1].Label == "Contract awarded" {
			p.Timeline = append(p.Timeline[:n-1:n-1], step, p.Timeline[n-1])
		} else {
			p.Timeline = append(p.Timeline, step)
		}
		for i := range p.Timeline {
			p.Timeline[i].X = strconv.Itoa(100 + i*800/max(len(p.Timeline)-1, 1))
		}
	}
	if _, ok := Offered(ov.Next, ActRecordProceedings, ""); ok {
		p.ProceedingForm = ProceedingForm{Show: true, Items: web.OptionsOf(ids, bidders), NotifiedOn: notifiedOnField(ov.Facts.Now), Errs: map[string]string{}}
	}
}

func (r *ProceedingRow) fillEnd(chosen string) {
	var values []string
	labels := map[string]string{}
	for _, e := range []SuspensionEnd{SuspensionLifted, ProceedingsDetermined, ProceedingsDiscontinued, ProceedingsSettled} {
		values = append(values, string(e))
		labels[string(e)] = SuspensionEnds[e]
	}
	r.Items = web.OptionsOf(values, labels, chosen)
}

func (p *AwardPage) fillRecommend(chosen string) {
	p.RecommendItems = nil
	for _, r := range p.Ranked {
		p.RecommendItems = append(p.RecommendItems, web.Option{Value: r.OrgID, Label: fmt.Sprintf("%d. %s (total %s)", r.Rank, r.Name, r.Total),
			Checked: r.OrgID == chosen})
	}
}

func (p *AwardPage) fillDecision(chosen string) {
	p.DecisionItems = web.OptionsOf([]string{"approve", "reject"}, map[string]string{"approve": "Approve the recommendation", "reject": "Reject it"}, chosen)
}

// awardTimeline lays out the award's steps: recommendation, approvals, standstill start and
// end, the day the award may be made, and the contract.
func awardTimeline(r Recommendation, decisions []Approval, bodies int, ct *Contract, now time.Time) []TimelineStep {
	steps := []TimelineStep{{Label: "Preferred bidder recommended", When: ukInstant(r.RecommendedAt), Done: true}}
	approved := 0
	var last time.Time
	for _, d := range decisions {
		if d.Decision == "approve" {
			approved++
		}
		if d.DecidedAt.After(last) {
			last = d.DecidedAt
		}
	}
	switch {
	case r.StandstillStartedAt != nil:
		steps = append(steps, TimelineStep{Label: fmt.Sprintf("Approved by every governing body (%d)", bodies), When: ukInstant(last), Done: true})
	case r.State == Rejected:
		steps = append(steps, TimelineStep{Label: "Rejected by a governing body", When: ukInstant(last), Done: true})
	default:
		steps = append(steps, TimelineStep{Label: "Governing bodies' approvals", When: fmt.Sprintf("%d of %d approved so far", approved, bodies)})
	}
	if r.StandstillStartedAt == nil {
		steps = append(steps, TimelineStep{Label: "Standstill starts", When: "when every governing body has approved"},
			TimelineStep{Label: "Standstill ends", When: standstillLength(r.Regime) + " after it starts"})
	} else {
		steps = append(steps, TimelineStep{Label: "Standstill starts", When: ukInstant(*r.StandstillStartedAt), Done: true},
			TimelineStep{Label: "Standstill ends", When: ukInstant(*r.StandstillEndsAt), Done: !now.Before(*r.StandstillEndsAt)})
		if r.AwardNotBefore != nil {
			steps = append(steps, TimelineStep{Label: "Contract may be awarded from", When: ukInstant(*r.AwardNotBefore), Done: !now.Before(*r.AwardNotBefore)})
		}
	}
	if ct != nil {
		steps = append(steps, TimelineStep{Label: "Contract awarded", When: ukInstant(ct.AwardedAt), Done: true})
	} else {
		steps = append(steps, TimelineStep{Label: "Contract awarded", When: "not yet"})
	}
	for i := range steps {
		steps[i].X = strconv.Itoa(100 + i*800/max(len(steps)-1, 1))
	}
	return steps
}

func standstillLength(r lots.Regime) string {
	switch r {
	case lots.PSR2024:
		return "8 working days (Provider Selection Regime)"
	case lots.PA2023:
		return "8 working days beginning with the day the contract award notice is published (Procurement Act 2023)"
	}
	return "10 calendar days (Public Contracts Regulations 2015)"
}

func (h *Pages) awardPage(c *fiber.Ctx) error {
	page, err := h.awardView(c)
	if err != nil {
		return err
	}
	return h.render(c, "evaluation/award", "Award: lot "+strconv.Itoa(page.Lot.Number), page, nil)
}

// awardError shows the award page again with one form's messages beside its fields. fill puts
// back what was typed with the form's messages and returns the prefix of the form's ids, or ""
// when the form is not on the page: then the messages are for the whole page.
func (h *Pages) awardError(c *fiber.Ctx, err error, fill func(*AwardPage, map[string]string) string) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.awardView(c)
	if perr != nil {
		return perr
	}
	summary := web.FormWide(fields)
	if prefix := fill(&page, fields); prefix != "" {
		summary = web.Prefixed(fields, prefix)
	}
	return h.Web.Render(c.Status(status), "evaluation/award", "Award: lot "+strconv.Itoa(page.Lot.Number), page, summary)
}

func (h *Pages) recommendPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := RecommendInput{BidderOrgID: f.Str("bidder_org_id"), Reason: f.Str("reason")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.Recommend(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.CanRecommend {
				return ""
			}
			p.RecommendErrs, p.Reason = fields, in.Reason
			p.fillRecommend(in.BidderOrgID)
			return "rec-"
		})
	}
	return done(c, awardLotPath(c)+"/award", "Preferred bidder recommended. Each governing body's approver can now decide on it.")
}

func (h *Pages) decideAwardPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := AwardDecisionInput{Decision: f.Str("decision"), Reason: f.Str("reason")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		err = h.Svc.DecideAward(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.CanDecide {
				return ""
			}
			p.DecisionErrs, p.DecisionReason = fields, in.Reason
			p.fillDecision(in.Decision)
			return "decision-"
		})
	}
	msg := "Your governing body's approval is recorded."
	if in.Decision == "reject" {
		msg = "Your governing body's rejection is recorded: the procurement lead may recommend again."
	}
	return done(c, awardLotPath(c)+"/award", msg)
}

func (h *Pages) decideRepresentationPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	rep := c.Params("rep")
	in := RepresentationDecisionInput{Decision: f.Str("decision"), Reason: f.Str("reason")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		err = h.Svc.DecideRepresentation(c.UserContext(), web.ActorFrom(c), c.Params("lot"), rep, in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			for i := range p.Representations {
				r := &p.Representations[i]
				if r.ID != rep || !r.CanDecide {
					continue
				}
				r.Errs, r.Typed = fields, in.Reason
				for j := range r.Items {
					r.Items[j].Checked = r.Items[j].Value == in.Decision
				}
				return r.Prefix
			}
			return ""
		})
	}
	msg := "Representation rejected: the award goes ahead once any wait is over."
	if in.Decision == "upheld" {
		msg = "Representation upheld: the recommendation is withdrawn, and a new one may be made."
	}
	return done(c, awardLotPath(c)+"/award", msg)
}

// contractFields names the service's fields of the contract as the form's.
func contractFields(fields map[string]string) map[string]string {
	return renamed(fields, "term_years", "term_months", "value_pence", "value")
}

func (h *Pages) awardContractPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := ContractInput{ContractReference: strings.TrimSpace(f.Str("contract_reference"))}
	in.StartDate = f.Date("start_date", startDate)
	in.ValuePence = f.pounds("value", "the contract value")
	if strings.TrimSpace(f.Str("value")) == "" {
		f.Errs["value"] = "Enter the contract value, in pounds"
	}
	// The contract is recorded in whole years; people count a term in months.
	months := f.mark("term_months", "the term in months")
	switch {
	case months == nil && f.Errs["term_months"] == "":
		f.Errs["term_months"] = "Enter the term in months"
	case months != nil && (*months < 12 || *months > 180 || *months%12 != 0):
		f.Errs["term_months"] = "Enter the term in whole years, as months: from 12 to 180, for example 60 for five years"
	case months != nil:
		in.TermYears = *months / 12
	}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(contractFields(fields))
	} else {
		_, err = h.Svc.AwardContract(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
		if ae, ok := apperr.As(err); ok && ae.Fields != nil {
			contractFields(ae.Fields)
		}
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.ContractForm.Show {
				return ""
			}
			p.ContractForm.Errs = fields
			p.ContractForm.Reference, p.ContractForm.StartDate.DateInput = in.ContractReference, f.DateInputOf("start_date")
			p.ContractForm.TermMonths, p.ContractForm.Value = f.Str("term_months"), f.Str("value")
			return "contract-"
		})
	}
	return done(c, awardLotPath(c)+"/award", "Contract awarded. Every bidder is being told.")
}

func (h *Pages) recordProceedingsPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := ProceedingsInput{ClaimantOrgID: f.Str("claimant_org_id"), NotifiedOn: ukclock.ISODay(f.Date("notified_on", notifiedOn)), Court: f.Str("court"),
		ClaimReference: f.Str("claim_reference"), Note: f.Str("note")}
	typed := in
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.RecordProceedings(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			if !p.ProceedingForm.Show {
				return ""
			}
			pf := &p.ProceedingForm
			pf.Errs, pf.NotifiedOn.DateInput, pf.Court, pf.ClaimReference, pf.Note = fields, f.DateInputOf("notified_on"), typed.Court, typed.ClaimReference, typed.Note
			for i := range pf.Items {
				pf.Items[i].Checked = pf.Items[i].Value == typed.ClaimantOrgID
			}
			return "proc-"
		})
	}
	return done(c, awardLotPath(c)+"/award", "Court proceedings recorded: the contract cannot be entered into until the suspension ends (PCR 2015 reg. 95).")
}

func (h *Pages) endSuspensionPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	id := c.Params("proceeding")
	in := SuspensionEndInput{EndedOn: ukclock.ISODay(f.Date("ended_on", endedOn)), How: SuspensionEnd(f.Str("how")), Note: f.Str("note")}
	typed := in
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.EndSuspension(c.UserContext(), web.ActorFrom(c), c.Params("lot"), id, in)
	}
	if err != nil {
		return h.awardError(c, err, func(p *AwardPage, fields map[string]string) string {
			for i := range p.Proceedings {
				r := &p.Proceedings[i]
				if r.ID != id || !r.CanEnd {
					continue
				}
				r.Errs, r.EndedOnTyped.DateInput, r.NoteTyped = fields, f.DateInputOf("ended_on"), typed.Note
				r.fillEnd(string(typed.How))
				return r.Prefix + "end-"
			}
			return ""
		})
	}
	return done(c, awardLotPath(c)+"/award", "The end of the suspension is recorded.")
}

// --- the bidder's outcome ---

// OutcomeSection is one section's score in the bidder's letter: its own and the winner's.
type OutcomeSection struct {
	Title, Weight, Own, Winning string
}

// OutcomeRepresentation is one of the bidder's representations with the decision on it.
type OutcomeRepresentation struct {
	MadeAt           time.Time
	Text             string
	Decision, Reason string
}

// OutcomePage is the decision on a lot as one bidder sees it.
type OutcomePage struct {
	Lot            evaluation.LotCaption
	V              OutcomeView
	Sections       []OutcomeSection
	Reps           []OutcomeRepresentation
	StandstillEnds string
	PSR            bool
	Text           string
	Errs           map[string]string
}

func (h *Pages) outcomeView(c *fiber.Ctx) (OutcomePage, error) {
	ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
	cp, err := h.Svc.Eval.LotCaption(ctx, a, lotID)
	if err != nil {
		return OutcomePage{}, err
	}
	v, err := h.Svc.Outcome(ctx, a, lotID)
	if err != nil {
		return OutcomePage{}, err
	}
	page := OutcomePage{Lot: cp, V: v, PSR: v.Regime == lots.PSR2024, Errs: map[string]string{}}
	if v.StandstillEndsAt != nil {
		page.StandstillEnds = ukDay(*v.StandstillEndsAt)
	}
	for _, r := range v.Representations {
		d := "Awaiting the procurement lead's decision"
		if r.Decision != nil {
			d = map[string]string{"upheld": "Upheld", "rejected": "Rejected"}[*r.Decision]
		}
		page.Reps = append(page.Reps, OutcomeRepresentation{MadeAt: r.MadeAt, Text: r.Text, Decision: d, Reason: r.DecisionReason})
	}
	for _, s := range v.Own.Sections {
		row := OutcomeSection{Title: s.Title, Weight: evaluation.Percent(big.NewRat(int64(s.WeightBP), 100)), Own: s.Percent()}
		for _, w := range v.Winning.Sections {
			if w.SectionID == s.SectionID {
				row.Winning = w.Percent()
			}
		}
		page.Sections = append(page.Sections, row)
	}
	return page, nil
}

func (h *Pages) outcomePage(c *fiber.Ctx) error {
	page, err := h.outcomeView(c)
	if err != nil {
		return err
	}
	return h.render(c, "evaluation/outcome", "Outcome: lot "+strconv.Itoa(page.Lot.Number), page, nil)
}

func (h *Pages) representPage(c *fiber.Ctx) error {
	f := newAwardForm(c)
	in := RepresentationInput{Text: f.Str("text")}
	var err error
	if fields := f.Check(&in); fields != nil {
		err = apperr.InvalidFields(fields)
	} else {
		_, err = h.Svc.MakeRepresentation(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in)
	}
	if err != nil {
		fields, status := web.FormFields(err)
		if fields == nil {
			return err
		}
		page, perr := h.outcomeView(c)
		if perr != nil {
			return perr
		}
		page.Errs, page.Text = fields, in.Text
		return h.Web.Render(c.Status(status), "evaluation/outcome", "Outcome: lot "+strconv.Itoa(page.Lot.Number), page, web.Prefixed(fields, "rep-"))
	}
	return done(c, awardLotPath(c)+"/outcome", "Your representation has been received. The award is paused until the procurement lead decides on it.")
}
