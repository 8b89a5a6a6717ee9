package award

// The standstill between the award decision and the contract (DOMAIN.md step 8), as plain
// functions of dates: no database, no HTTP.

import (
	"time"

	"golive/apperr"
	"golive/lots"
	"golive/ukclock"
)

// Standstill is counted in days, and a day is a day in England: a notice sent at 00:30 BST is
// sent on that London day although it is still the day before in UTC (ukclock).
var (
	london           = ukclock.London
	day              = ukclock.StartOfDay
	endOf            = ukclock.EndOfDay
	IsWorkingDay     = ukclock.IsWorkingDay
	WorkingDaysAfter = ukclock.WorkingDaysAfter
)

// StandstillEnds is when the standstill that starts with a notice sent (PCR 2015) or published
// (PSR) at the instant sent ends under regime r. "Ends at" means the first instant after the
// period: midnight at the end of its last day, i.e. 00:00 Europe/London of the following day,
// returned in UTC (23:00 UTC the evening before while British Summer Time is in force). The
// contract may be entered into from that instant on, unless a challenge (PCR) or representations
// (PSR, see AwardWaitAfterRepresentation) hold it up.
//
// PCR 2015 reg. 87, award decision notices sent electronically: the standstill begins on the day
// after the relevant sending date and ends at midnight at the end of the 10th day after it; where
// that last day is not a working day, it is extended to midnight at the end of the next working
// day. The relevant sending date is the day the last of the notices went out, so pass the time
// the last one was sent. (Notices sent by other means than fax or electronically get 15 days, or
// 10 days after receipt: not modelled, the portal sends them electronically.)
//
// PSR (the Health Care Services (Provider Selection Regime) Regulations 2023) reg. 12(2): the
// standstill begins on the day after the day the notice of intention to award is published;
// reg. 12(3): representations may be made before midnight at the end of the 8th working day after
// the day the standstill begins. So the count of 8 working days starts after that first day:
// published on Monday, the standstill begins on Tuesday and ends at midnight at the end of Friday
// of the following week (not Thursday, which the draft guidance of autumn 2023 gave, nor the
// Procurement Act 2023's "beginning with" count).
func StandstillEnds(r lots.Regime, sent time.Time) (time.Time, error) {
	if sent.IsZero() {
		return time.Time{}, apperr.Invalidf("The standstill cannot be worked out without the date the notice was sent")
	}
	switch r {
	case lots.PCR2015:
		last := day(sent).AddDate(0, 0, 10)
		if !IsWorkingDay(last) {
			last = WorkingDaysAfter(last, 1)
		}
		return endOf(last), nil
	case lots.PSR2024:
		begins := day(sent).AddDate(0, 0, 1)
		return endOf(WorkingDaysAfter(begins, 8)), nil
	case lots.PA2023:
		// Procurement Act 2023 s.51(2)-(3): the standstill is the period of 8 working days
		// beginning with the day the contract award notice is published, in the Act's working
		// days (s.123, ukclock.IsActWorkingDay). Published on a working day, that day is the
		// first of the eight; published on a weekend or holiday, the first is the next working day.
		first := 1
		if ukclock.IsActWorkingDay(sent) {
			first = 0
		}
		return endOf(ukclock.ActWorkingDaysAfter(sent, first+7)), nil
	}
	return time.Time{}, apperr.Invalidf("There is no standstill rule for the procurement regime %q", string(r))
}

// AwardWaitAfterRepresentation is, under the PSR, when the wait after the commissioner's further
// decision on representations received during standstill ends: midnight at the end of the 5th
// working day after the Europe/London day of decided (PSR reg. 12; NHS England, "Reviewing
// decisions during the standstill period": the authority must wait five working days after
// informing the provider of its further decision). "Ends at" means the first instant after the
// wait, returned in UTC, as for StandstillEnds.
//
// decided should be when the decision was communicated to the providers who made
// representations, not merely taken. The contract may not be entered into before the later of
// this and StandstillEnds: a decision made early in the standstill does not shorten it.
func AwardWaitAfterRepresentation(decided time.Time) time.Time {
	return endOf(WorkingDaysAfter(decided, 5))
}
