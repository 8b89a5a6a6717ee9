package ukclock

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
)

// The Procurement Act 2023 counts its periods (the standstill of s.51 among them) in its own
// working days (s.123): a day other than a Saturday or Sunday, Christmas Day, Good Friday, or a
// bank holiday in ANY part of the United Kingdom under the Banking and Financial Dealings Act
// 1971. So besides England and Wales's (workingDays), Scotland's 2 January, first Monday of
// August and St Andrew's Day, and Northern Ireland's St Patrick's Day and Battle of the Boyne,
// each with its substitute day, are not working days under the Act. The PSR and the PCR 2015
// count with England and Wales's days only (IsWorkingDay).
var actWorkingDays = newActWorkingDays()

// weekdayAfterNewYear is the n-th weekday on or after 1 January: Scotland keeps 1 and 2 January,
// moving either that falls at a weekend to the next weekdays in turn (1 January a Saturday: the
// 3rd and 4th; a Sunday: the 2nd and 3rd).
func weekdayAfterNewYear(n int) cal.HolidayFn {
	return func(_ *cal.Holiday, year int) time.Time {
		d := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
		for seen := 0; ; d = d.AddDate(0, 0, 1) {
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				continue
			}
			if seen++; seen == n {
				return d
			}
		}
	}
}

// substituted is a fixed day that moves to the following Monday when it falls at a weekend.
func substituted(name string, m time.Month, day int) *cal.Holiday {
	return &cal.Holiday{Name: name, Type: cal.ObservanceBank, Month: m, Day: day, Func: cal.CalcDayOfMonth,
		Observed: []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 1}}}
}

func newActWorkingDays() *cal.BusinessCalendar {
	c := cal.NewBusinessCalendar()
	c.AddHoliday(gb.Holidays...)
	c.AddHoliday(stateFuneral,
		&cal.Holiday{Name: "New Year's Day (Scotland)", Type: cal.ObservanceBank, Func: weekdayAfterNewYear(1)},
		&cal.Holiday{Name: "2nd January (Scotland)", Type: cal.ObservanceBank, Func: weekdayAfterNewYear(2)},
		gb.SummerHolidayScotland,
		substituted("St Andrew's Day (Scotland)", time.November, 30),
		substituted("St Patrick's Day (Northern Ireland)", time.March, 17),
		substituted("Battle of the Boyne (Northern Ireland)", time.July, 12),
	)
	return c
}

// IsActWorkingDay reports whether the Europe/London day that contains t is a working day as the
// Procurement Act 2023 defines it.
func IsActWorkingDay(t time.Time) bool { return actWorkingDays.IsWorkday(StartOfDay(t)) }

// ActWorkingDaysAfter is WorkingDaysAfter with the Procurement Act 2023's working days.
func ActWorkingDaysAfter(t time.Time, n int) time.Time {
	return actWorkingDays.WorkdaysFrom(StartOfDay(t), n)
}
