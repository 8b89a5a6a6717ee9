package award

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golive/apperr"
	"golive/lots"
	"golive/ukclock"
)

// Court proceedings (PCR 2015 reg. 95): what the lead records, as plain rules, no database.

// Limits of what the lead types about court proceedings.
const (
	MaxCourt          = 200
	MaxClaimReference = 60
	MaxProceedingNote = 4000
)

// ProceedingsInput is what the lead records when the authority is told that a bidder has issued
// a claim form against the decision to award. NotifiedOn is a day, "2026-01-31".
type ProceedingsInput struct {
	ClaimantOrgID  string `json:"claimant_org_id" form:"claimant_org_id" validate:"required,uuid" label:"the claimant"`
	NotifiedOn     string `json:"notified_on" form:"notified_on" validate:"required" label:"the day the authority was told"`
	Court          string `json:"court" form:"court" validate:"required,max=200" label:"the court"`
	ClaimReference string `json:"claim_reference" form:"claim_reference" validate:"required,max=60" label:"the claim reference"`
	Note           string `json:"note" form:"note" validate:"max=4000" label:"the note"`
}

// SuspensionEndInput is how and when the suspension of one proceeding ended. EndedOn is a day.
type SuspensionEndInput struct {
	EndedOn string        `json:"ended_on" form:"ended_on" validate:"required" label:"the day the suspension ended"`
	How     SuspensionEnd `json:"how" form:"how" validate:"required,oneof=lifted determined discontinued settled" label:"how the suspension ended"`
	Note    string        `json:"note" form:"note" validate:"max=4000" label:"the note"`
}

// SuspensionEnds names each way a suspension ends, as people read it.
var SuspensionEnds = map[SuspensionEnd]string{
	SuspensionLifted:        "The court lifted the suspension (interim order)",
	ProceedingsDetermined:   "The proceedings were determined",
	ProceedingsDiscontinued: "The proceedings were discontinued or withdrawn",
	ProceedingsSettled:      "The proceedings were settled",
}

// ukDate parses a day typed as 2006-01-02 as the start of that UK day.
func ukDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if len(v) != len("2006-01-02") {
		return time.Time{}, false
	}
	t, err := ukclock.LondonTime(v, "00:00")
	return t, err == nil
}

// claimReferenceOK: court claim numbers are letters, digits and a little punctuation
// ("HT-2026-000123", "KB/2026/0042"); nothing that could be taken for markup or a control code.
func claimReferenceOK(s string) bool {
	for _, r := range s {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -/.()", r))) {
			return false
		}
	}
	return true
}

func tooLong(s string, n int) bool { return len([]rune(s)) > n }

// CheckProceedings trims what the lead typed and says what is wrong with it, field by field,
// without the database: the claimant being a bidder and the day against the standstill are
// ProceedingsDayProblem's and the service's.
func CheckProceedings(in *ProceedingsInput) map[string]string {
	in.ClaimantOrgID, in.Court = strings.TrimSpace(in.ClaimantOrgID), strings.TrimSpace(in.Court)
	in.ClaimReference, in.Note, in.NotifiedOn = strings.TrimSpace(in.ClaimReference), strings.TrimSpace(in.Note), strings.TrimSpace(in.NotifiedOn)
	f := map[string]string{}
	if !validID(in.ClaimantOrgID) {
		f["claimant_org_id"] = "Select the bidder that issued the proceedings"
	}
	if in.NotifiedOn == "" {
		f["notified_on"] = "Enter the day the authority was told of the proceedings"
	} else if _, ok := ukDate(in.NotifiedOn); !ok {
		f["notified_on"] = "Enter the day the authority was told as a real date, like 2026-01-31"
	}
	switch {
	case in.Court == "":
		f["court"] = "Enter the court, for example the Technology and Construction Court"
	case tooLong(in.Court, MaxCourt):
		f["court"] = fmt.Sprintf("Enter the court in %d characters or fewer", MaxCourt)
	}
	switch {
	case in.ClaimReference == "":
		f["claim_reference"] = "Enter the claim reference (the claim number on the claim form)"
	case tooLong(in.ClaimReference, MaxClaimReference):
		f["claim_reference"] = fmt.Sprintf("Enter the claim reference in %d characters or fewer", MaxClaimReference)
	case !claimReferenceOK(in.ClaimReference):
		f["claim_reference"] = "Enter the claim reference with letters, digits, spaces and - / . ( ) only"
	}
	if tooLong(in.Note, MaxProceedingNote) {
		f["note"] = fmt.Sprintf("Enter the note in %d characters or fewer", MaxProceedingNote)
	}
	if len(f) == 0 {
		return nil
	}
	return f
}

// CheckSuspensionEnd trims what the lead typed about the end of a suspension and says what is
// wrong with it, field by field, without the database.
func CheckSuspensionEnd(in *SuspensionEndInput) map[string]string {
	in.EndedOn, in.Note = strings.TrimSpace(in.EndedOn), strings.TrimSpace(in.Note)
	f := map[string]string{}
	if in.EndedOn == "" {
		f["ended_on"] = "Enter the day the suspension ended"
	} else if _, ok := ukDate(in.EndedOn); !ok {
		f["ended_on"] = "Enter the day the suspension ended as a real date, like 2026-01-31"
	}
	if _, ok := SuspensionEnds[in.How]; !ok {
		f["how"] = "Select how the suspension ended"
	}
	if tooLong(in.Note, MaxProceedingNote) {
		f["note"] = fmt.Sprintf("Enter the note in %d characters or fewer", MaxProceedingNote)
	}
	if len(f) == 0 {
		return nil
	}
	return f
}

// ProceedingsRecordable says why court proceedings cannot be recorded against r under regime,
// or nil. PCR 2015 reg. 95 suspends the entering into of a contract once the authority knows of
// a claim form; the PSR has no such suspension (its representations, already modelled, play
// that part). Before standstill no decision to award has been notified, so none can be
// challenged; once the contract is entered into, reg. 95 no longer applies (reg. 98 does).
func ProceedingsRecordable(regime lots.Regime, r *Recommendation) error {
	switch {
	case regime != lots.PCR2015:
		return apperr.Conflictf("There is no automatic suspension under the Provider Selection Regime: a challenge is heard as a representation during standstill. Court proceedings are recorded only under the Public Contracts Regulations 2015")
	case r == nil || r.StandstillStartedAt == nil:
		return apperr.Conflictf("Court proceedings against the award are recorded once standstill has started: no decision to award has been notified yet")
	case r.State == Awarded:
		return apperr.Conflictf("The contract has already been entered into: the automatic suspension (PCR 2015 reg. 95) no longer applies")
	}
	return nil
}

// ProceedingsDayProblem says what is wrong with the day the authority was told of proceedings,
// or "": not after today (UK time), nor before the day standstill began.
func ProceedingsDayProblem(notified, standstillStarted, now time.Time) string {
	switch {
	case day(notified).After(day(now)):
		return "The day the authority was told cannot be in the future"
	case day(notified).Before(day(standstillStarted)):
		return "The day the authority was told cannot be before standstill began, on " + day(standstillStarted).Format("2 January 2006")
	}
	return ""
}

// SuspensionEndDayProblem says what is wrong with the day a suspension ended, or "": not after
// today, nor before the authority was told of the proceedings.
func SuspensionEndDayProblem(ended, notified, now time.Time) string {
	switch {
	case day(ended).After(day(now)):
		return "The day the suspension ended cannot be in the future"
	case day(ended).Before(day(notified)):
		return "The day the suspension ended cannot be before the authority was told of the proceedings, on " + day(notified).Format("2 January 2006")
	}
	return ""
}

// OpenProceedings are the proceedings whose suspension still runs, in the order given.
func OpenProceedings(ps []Proceeding) []Proceeding {
	var out []Proceeding
	for _, p := range ps {
		if p.EndedOn == nil {
			out = append(out, p)
		}
	}
	return out
}

// ContractSuspended reports whether the contract may not be entered into because of court
// proceedings: any one not yet ended suspends it (PCR 2015 reg. 95), so with two claimants the
// contract waits for both.
func ContractSuspended(ps []Proceeding) bool { return len(OpenProceedings(ps)) > 0 }

// SuspensionMessage says why the contract cannot be entered into, naming each open
// proceeding's claimant (names by organisation id) and the day the authority was told.
func SuspensionMessage(ps []Proceeding, names map[string]string) string {
	var by []string
	for _, p := range OpenProceedings(ps) {
		by = append(by, fmt.Sprintf("%s, notified on %s", names[p.ClaimantOrgID], day(p.NotifiedOn).Format("2 January 2006")))
	}
	if len(by) == 0 {
		return ""
	}
	return "The contract cannot be entered into: proceedings issued by " + strings.Join(by, ", and by ") +
		", suspend it (PCR 2015 reg. 95) until the court lifts the suspension or the proceedings end"
}
