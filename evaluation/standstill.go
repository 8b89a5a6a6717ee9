package evaluation

// The standstill between the award decision and the contract (DOMAIN.md step 8), as plain
// functions of dates: no database, no HTTP.

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"

	"golive/apperr"
	"golive/lots"
)

// Standstill is counted in days, and a day is a day in England: a notice sent at 00:30 BST is
// sent on that London day although it is still the day before in UTC.
var london = lots.London

// workingDays is Monday to Friday less the bank holidays of England and Wales, taken from
// github.com/rickar/cal/v2/gb rather than typed in here. gb.Holidays is the England and Wales
// list (Scotland's 2 January, first Monday of August and St Andrew's Day, and Northern Ireland's
// 17 March and 12 July, are not in it): New Year's Day, Good Friday, Easter Monday, the early May
// and spring bank holidays, the summer bank holiday (last Monday of August), Christmas Day and
// Boxing Day, with the substitute Monday or Tuesday when they fall at a weekend. It also has the
// one-off changes of recent years: VE Day 2020 (8 May, in place of the early May holiday), the
// 2022 spring holiday moved to 2 June and the Platinum Jubilee holiday on 3 June 2022, and the
// coronation on 8 May 2023. It does NOT have the bank holiday for the State Funeral of Queen
// Elizabeth II (Monday 19 September 2022, proclaimed under the 1971 Act), which is added here
// (stateFuneral) until the library has it; a day proclaimed after the library's release is
// counted as a working day until the library, or this list, adds it.
//
// Christmas Day and Good Friday are not bank holidays under the Banking and Financial Dealings
// Act 1971 in England and Wales but common-law holidays; both regimes' "working day" excludes
// them by name, and the library has both, so the two definitions come to the same days.
//
// The calendar is shared by every caller: its Cacheable stays false, because the library's cache
// is a map without a lock; without it a look-up only reads.
var workingDays = newWorkingDays()

// stateFuneral is the bank holiday the library lacks (see workingDays).
var stateFuneral = &cal.Holiday{
	Name:      "State Funeral of Queen Elizabeth II",
	Type:      cal.ObservanceBank,
	Month:     time.September,
	Day:       19,
	Func:      cal.CalcDayOfMonth,
	StartYear: 2022,
	EndYear:   2022,
}

func newWorkingDays() *cal.BusinessCalendar {
	c := cal.NewBusinessCalendar() // Monday to Friday
	c.AddHoliday(gb.Holidays...)
	// Once the library has it, adding it again changes nothing: a day is a holiday or not.
	c.AddHoliday(stateFuneral)
	return c
}

// day is the start (00:00) of the Europe/London day that contains t, in Europe/London.
func day(t time.Time) time.Time {
	y, m, d := t.In(london).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, london)
}

// endOf is midnight at the end of d's London day: 00:00 Europe/London of the next day, in UTC.
// Midnight always exists in the UK: the clocks change at 01:00 UTC.
func endOf(d time.Time) time.Time {
	y, m, dd := d.In(london).Date()
	return time.Date(y, m, dd+1, 0, 0, 0, 0, london).UTC()
}

// IsWorkingDay reports whether the Europe/London day that contains the instant t is a working
// day: not a Saturday or Sunday, nor a bank holiday in England and Wales (substitute days
// included).
func IsWorkingDay(t time.Time) bool {
	return workingDays.IsWorkday(day(t))
}

// WorkingDaysAfter is the n-th working day after the Europe/London day that contains t, not
// counting that day itself, returned as the start (00:00) of that day in Europe/London. With
// n == 0 it is the start of t's own day, working or not; with n < 0 it counts back.
func WorkingDaysAfter(t time.Time, n int) time.Time {
	return workingDays.WorkdaysFrom(day(t), n)
}

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
		if !workingDays.IsWorkday(last) {
			last = workingDays.WorkdaysFrom(last, 1)
		}
		return endOf(last), nil
	case lots.PSR2024:
		begins := day(sent).AddDate(0, 0, 1)
		return endOf(WorkingDaysAfter(begins, 8)), nil
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
