package lots

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"golive/apperr"
	"golive/ukclock"
)

// The procurement's rules as plain functions of data: no database, no HTTP, tested on their own.

// Action is something done to a procurement; CheckAction says in which states it may be done.
type Action string

const (
	ActEdit              Action = "edit"                // change the draft: details, lots, sites, phases, questions
	ActSubmitForApproval Action = "submit_for_approval" // send the business case to the governing bodies
	ActDecide            Action = "decide"              // a governing body records its decision
	ActReturnToDraft     Action = "return_to_draft"     // revise after a rejection, or withdraw from approval
	ActPublish           Action = "publish"             // open to bidders
	ActClarify           Action = "clarify"             // clarification questions, answers and addenda
	ActSubmitResponse    Action = "submit_response"     // register, draft, submit, withdraw a response
	ActStartOpening      Action = "start_opening"       // the first of two people opening
	ActConfirmOpening    Action = "confirm_opening"     // the second person
	ActCancel            Action = "cancel"
)

// allowedIn is the state machine: the states in which each action may be taken.
var allowedIn = map[Action][]State{
	ActEdit:              {Draft},
	ActSubmitForApproval: {Draft},
	ActDecide:            {AwaitingApproval},
	ActReturnToDraft:     {AwaitingApproval, Rejected},
	ActPublish:           {AwaitingApproval},
	ActClarify:           {Published},
	ActSubmitResponse:    {Published},
	ActStartOpening:      {Closed},
	ActConfirmOpening:    {OpeningStarted},
	ActCancel:            {Draft, AwaitingApproval, Rejected, Published, Closed, OpeningStarted, Opened},
}

// actionWords say what each action is, for refusals.
var actionWords = map[Action]string{
	ActEdit: "be changed", ActSubmitForApproval: "be sent for approval", ActDecide: "be decided on",
	ActReturnToDraft: "go back to draft", ActPublish: "be published", ActClarify: "take clarifications or addenda",
	ActSubmitResponse: "take responses", ActStartOpening: "be opened", ActConfirmOpening: "have its opening confirmed",
	ActCancel: "be cancelled",
}

// StateNames label the states for people.
var StateNames = map[State]string{
	Draft: "Draft", AwaitingApproval: "Awaiting approval", Rejected: "Rejected", Published: "Published",
	Closed: "Closed (deadline passed)", OpeningStarted: "Opening started", Opened: "Opened", Cancelled: "Cancelled",
}

// EffectiveState is the state people see: a published procurement closes by itself when the
// submission deadline passes, and is "opening" once one person has started the opening.
func EffectiveState(p Procurement, o *Opening, now time.Time) State {
	if p.State != Published {
		return p.State
	}
	switch {
	case now.Before(p.SubmissionDeadline):
		return Published
	case o != nil && o.ConfirmedAt != nil:
		return Opened
	case o != nil:
		return OpeningStarted
	default:
		return Closed
	}
}

// CheckAction refuses an action the state does not allow, saying why.
func CheckAction(act Action, st State) error {
	states, ok := allowedIn[act]
	if !ok {
		return fmt.Errorf("unknown action %q", act)
	}
	if slices.Contains(states, st) {
		return nil
	}
	var names []string
	for _, s := range states {
		names = append(names, strings.ToLower(StateNames[s]))
	}
	return apperr.Conflictf("A procurement can %s only when it is %s; this one is %s",
		actionWords[act], orList(names), strings.ToLower(StateNames[st]))
}

func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return "nothing"
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// FullWeight is 100 % in basis points.
const FullWeight = 10000

// CheckWeights returns "" when a questionnaire's weights add up to exactly 100 %, or the
// message a lead can act on.
func CheckWeights(qs []Question) string {
	total := 0
	for _, q := range qs {
		total += q.WeightBP
	}
	if total == FullWeight {
		return ""
	}
	return fmt.Sprintf("the weights add up to %s; they must add up to 100%%", FormatPercent(total))
}

// FormatPercent shows basis points as a percentage: 9950 → "99.5%".
func FormatPercent(bp int) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// CheckQuestion checks one question on its own, keyed by input field.
func CheckQuestion(q Question) map[string]string {
	f := map[string]string{}
	switch q.Kind {
	case Scored:
		if q.MaxScore < 1 {
			f["max_score"] = "A scored question needs a top score of at least 1"
		}
		if q.MinScore > q.MaxScore {
			f["min_score"] = "The minimum acceptable score cannot be above the top score"
		}
		if q.WeightBP <= 0 {
			f["weight_bp"] = "A scored question needs a weight above 0%"
		}
	case PassFail:
		if q.WeightBP != 0 {
			f["weight_bp"] = "A pass/fail question carries no weight: a fail excludes the bid"
		}
	case Price:
		if q.WeightBP <= 0 {
			f["weight_bp"] = "The price schedule needs a weight above 0%"
		}
		if q.Panel != Finance {
			f["panel"] = "The finance panel scores the price schedule"
		}
		if q.WordLimit != 0 {
			f["word_limit"] = "A price schedule has no word limit"
		}
	}
	if q.WeightBP > FullWeight {
		f["weight_bp"] = "A weight cannot be above 100%"
	}
	return f
}

// CheckTimetable checks the order of a procurement's dates; publishing also needs the
// clarification and submission deadlines still ahead. Opening can never come before the
// submission deadline, so the evaluation (which starts with it) must come after it.
func CheckTimetable(p Procurement, now time.Time, publishing bool) map[string]string {
	f := map[string]string{}
	if !p.ClarificationDeadline.Before(p.SubmissionDeadline) {
		f["clarification_deadline"] = "The clarification deadline must be before the submission deadline"
	}
	if !p.EvaluationStart.After(p.SubmissionDeadline) {
		f["evaluation_start"] = "Opening and evaluation must start after the submission deadline"
	}
	if p.AwardDate.Before(p.EvaluationStart) {
		f["award_date"] = "The award date must be after the evaluation starts"
	}
	if !p.ContractStart.After(p.AwardDate) {
		f["contract_start"] = "The contract must start after the award date"
	}
	if publishing {
		if !p.ClarificationDeadline.After(now) {
			f["clarification_deadline"] = "The clarification deadline has passed: set a new timetable before publishing"
		}
		if !p.SubmissionDeadline.After(now) {
			f["submission_deadline"] = "The submission deadline has passed: set a new timetable before publishing"
		}
	}
	return f
}

// WordCount counts words as a reader would: runs of non-space characters.
func WordCount(s string) int { return len(strings.Fields(s)) }

// MaxAnswerChars bounds an answer whatever its word limit, so a response cannot be a novel.
const MaxAnswerChars = 60000

// CheckAnswers checks a response against its lot's questionnaire, keyed "answers.<question id>"
// and "prices". A draft may be incomplete; a final (submitted) response must answer every
// question and price every contract year.
func CheckAnswers(qs []Question, c Content, termYears int, final bool) map[string]string {
	f := map[string]string{}
	byID := map[string]Question{}
	hasPrice := false
	for _, q := range qs {
		byID[q.ID] = q
		hasPrice = hasPrice || q.Kind == Price
	}
	answered := map[string]bool{}
	for _, a := range c.Answers {
		q, ok := byID[a.QuestionID]
		key := "answers." + a.QuestionID
		switch {
		case !ok:
			f["answers"] = "An answer is for a question this lot does not have"
			continue
		case q.Kind == Price:
			f[key] = fmt.Sprintf("Question %s is the price schedule: enter prices per contract year", q.Number)
		case answered[q.ID]:
			f[key] = fmt.Sprintf("Question %s is answered twice", q.Number)
		case len(a.Text) > MaxAnswerChars:
			f[key] = fmt.Sprintf("The answer to question %s is too long", q.Number)
		case q.WordLimit > 0 && WordCount(a.Text) > q.WordLimit:
			f[key] = fmt.Sprintf("The answer to question %s is %d words; the limit is %d", q.Number, WordCount(a.Text), q.WordLimit)
		}
		if strings.TrimSpace(a.Text) != "" {
			answered[q.ID] = true
		}
	}
	years := map[int]bool{}
	for _, p := range c.Prices {
		switch {
		case !hasPrice:
			f["prices"] = "This lot has no price schedule"
		case p.Year < 1 || p.Year > termYears:
			f["prices"] = fmt.Sprintf("Price contract years 1 to %d only", termYears)
		case years[p.Year]:
			f["prices"] = fmt.Sprintf("Year %d is priced twice", p.Year)
		case p.Pence < 0:
			f["prices"] = fmt.Sprintf("The price for year %d cannot be negative", p.Year)
		case p.Pence > 0:
			years[p.Year] = true
		}
	}
	if final {
		for _, q := range qs {
			if q.Kind != Price && !answered[q.ID] {
				f["answers."+q.ID] = fmt.Sprintf("Answer question %s", q.Number)
			}
		}
		if hasPrice && f["prices"] == "" && len(years) != termYears {
			f["prices"] = fmt.Sprintf("Enter a price for every contract year (1 to %d)", termYears)
		}
	}
	return f
}

// ApprovalOutcome reads the governing bodies' decisions: approved only when every participant
// has approved; any rejection stops it; pending lists those still to decide.
func ApprovalOutcome(participants []string, approvals []Approval) (approved bool, rejected, pending []string) {
	decided := map[string]string{}
	for _, a := range approvals {
		decided[a.OrgID] = a.Decision
	}
	for _, p := range participants {
		switch decided[p] {
		case "approve":
		case "reject":
			rejected = append(rejected, p)
		default:
			pending = append(pending, p)
		}
	}
	return len(participants) > 0 && len(rejected) == 0 && len(pending) == 0, rejected, pending
}

// CheckLotParticipants returns "" when a lot covers a non-empty subset of the procurement's
// commissioners, or why not.
func CheckLotParticipants(procurement, lot []string) string {
	if len(lot) == 0 {
		return "Select the commissioners the lot covers"
	}
	for _, o := range lot {
		if !slices.Contains(procurement, o) {
			return "A lot can cover only commissioners taking part in the procurement"
		}
	}
	return ""
}

// ReceiptHash is the SHA-256 of a response's canonical encoding: answers ordered by question,
// prices by year, attached files (name and SHA-256) by name, so the same content always gives the same receipt.
func ReceiptHash(c Content) string {
	answers := slices.Clone(c.Answers)
	sort.SliceStable(answers, func(i, j int) bool { return answers[i].QuestionID < answers[j].QuestionID })
	prices := slices.Clone(c.Prices)
	sort.SliceStable(prices, func(i, j int) bool { return prices[i].Year < prices[j].Year })
	if answers == nil {
		answers = []Answer{}
	}
	if prices == nil {
		prices = []PriceYear{}
	}
	atts := slices.Clone(c.Attachments)
	sort.SliceStable(atts, func(i, j int) bool { return atts[i].Name < atts[j].Name })
	if atts == nil {
		atts = []AttachmentRef{}
	}
	b, _ := json.Marshal(struct {
		Answers     []Answer        `json:"answers"`
		Prices      []PriceYear     `json:"prices"`
		Attachments []AttachmentRef `json:"attachments"`
	}{answers, prices, atts})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ParsePounds reads an amount of money as people type it ("£1,234.50", "315000000") into
// pence, exactly: no floating point touches money.
func ParsePounds(s string) (int64, error) {
	s = strings.TrimSpace(strings.NewReplacer("£", "", ",", "", " ", "").Replace(s))
	if s == "" {
		return 0, nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 || strings.ContainsAny(s, "eE/") {
		return 0, fmt.Errorf("enter an amount in pounds, like 1,250,000.00")
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 2 {
		return 0, fmt.Errorf("enter pounds and pence, with no more than 2 decimal places")
	}
	pence := new(big.Rat).Mul(r, big.NewRat(100, 1))
	if !pence.IsInt() || pence.Num().BitLen() > 62 {
		return 0, fmt.Errorf("enter an amount under £10,000,000,000,000")
	}
	return pence.Num().Int64(), nil
}

// ActCommenced is the day the Procurement Act 2023 came into force (SI 2024/716 as amended by
// SI 2024/959): a procurement begun on or after it runs under the Act (or, for health care
// services, the PSR), and the Public Contracts Regulations 2015 govern only what began before.
var ActCommenced = time.Date(2025, time.February, 24, 0, 0, 0, 0, ukclock.London)

// CheckRegime refuses a regime that cannot govern a procurement begun at now: the PCR 2015 on
// or after 24 February 2025, and the Procurement Act 2023 before it.
func CheckRegime(r Regime, now time.Time) map[string]string {
	switch {
	case r == PCR2015 && !now.Before(ActCommenced):
		return map[string]string{"regime": "The Public Contracts Regulations 2015 govern only procurements begun before 24 February 2025: choose the Procurement Act 2023, or the Provider Selection Regime for health care services"}
	case r == PA2023 && now.Before(ActCommenced):
		return map[string]string{"regime": "The Procurement Act 2023 applies to procurements begun on or after 24 February 2025: choose the Public Contracts Regulations 2015, or the Provider Selection Regime for health care services"}
	}
	return nil
}

// AllAwarded says whether a procurement of the given number of lots, with contracts awarded on
// the given number, is finished: every lot has its contract.
func AllAwarded(lots, contracted int) bool { return lots > 0 && contracted >= lots }

// MinTenderDays is the shortest tender period (publication to submission deadline) accepted
// without the lead confirming it: shorter periods leave bidders little time to respond.
const MinTenderDays = 30

// TenderPeriodField is the confirmation a short tender period needs, in forms and the API.
const TenderPeriodField = "confirm_short_tender_period"

// CheckTenderPeriod asks for confirmation of a tender period shorter than MinTenderDays,
// naming it; a confirmed or long enough period passes.
func CheckTenderPeriod(publication, deadline time.Time, confirmed bool) map[string]string {
	period := deadline.Sub(publication)
	if confirmed || period >= MinTenderDays*24*time.Hour {
		return nil
	}
	days := TenderPeriodDays(publication, deadline)
	named := fmt.Sprintf("%d days", days)
	switch {
	case days < 1:
		named = "less than a day"
	case days == 1:
		named = "1 day"
	}
	return map[string]string{TenderPeriodField: fmt.Sprintf(
		"The tender period is %s, shorter than %d days. Confirm that bidders have enough time to respond", named, MinTenderDays)}
}

// TenderPeriodDays is the tender period in whole days, publication to submission deadline:
// what the check before publishing names, and what CheckTenderPeriod counts.
func TenderPeriodDays(publication, deadline time.Time) int {
	return int(deadline.Sub(publication) / (24 * time.Hour))
}
