// Package ukclock is the one place golive turns instants into the days people in England
// live by: the Europe/London zone (GMT or BST) that every date shown or entered is in, and the
// calendar of working days that statutory periods count. Storage is always UTC; features,
// rules and pages all ask here, so a date is read the same way everywhere.
package ukclock

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London even where the machine has no zone files

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
)

// London is where every date a person reads or enters is; storage is UTC.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("load time zone %s: %v", name, err))
	}
	return l
}

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

// StartOfDay is the start (00:00) of the Europe/London day that contains t, in Europe/London.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, London)
}

// EndOfDay is midnight at the end of d's London day: 00:00 Europe/London of the next day, in UTC.
// Midnight always exists in the UK: the clocks change at 01:00 UTC.
func EndOfDay(d time.Time) time.Time {
	y, m, dd := d.In(London).Date()
	return time.Date(y, m, dd+1, 0, 0, 0, 0, London).UTC()
}

// IsWorkingDay reports whether the Europe/London day that contains the instant t is a working
// day: not a Saturday or Sunday, nor a bank holiday in England and Wales (substitute days
// included).
func IsWorkingDay(t time.Time) bool {
	return workingDays.IsWorkday(StartOfDay(t))
}

// WorkingDaysAfter is the n-th working day after the Europe/London day that contains t, not
// counting that day itself, returned as the start (00:00) of that day in Europe/London. With
// n == 0 it is the start of t's own day, working or not; with n < 0 it counts back.
func WorkingDaysAfter(t time.Time, n int) time.Time {
	return workingDays.WorkdaysFrom(StartOfDay(t), n)
}

// LondonTime reads a date (2006-01-02) and a time (15:04) as a wall-clock time in
// Europe/London, so that 12:00 means noon whether it is GMT or BST that day. A time the clocks
// skip (01:30 on the last Sunday of March) is refused rather than silently moved.
func LondonTime(date, clock string) (time.Time, error) {
	if strings.TrimSpace(clock) == "" {
		clock = "00:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(date)+" "+strings.TrimSpace(clock), London)
	if err != nil {
		return time.Time{}, fmt.Errorf("enter a real date and a time such as 12:00")
	}
	if t.Format("2006-01-02 15:04") != strings.TrimSpace(date)+" "+strings.TrimSpace(clock) {
		return time.Time{}, fmt.Errorf("that time does not exist in the UK on that date (the clocks go forward)")
	}
	return t.UTC(), nil
}

// InLondon shows an instant in UK time.
func InLondon(t time.Time) time.Time { return t.In(London) }
