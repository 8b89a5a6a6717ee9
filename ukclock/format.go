package ukclock

import (
	"strings"
	"time"
)

// How dates and times read on every page, in the NHS.UK content style: "27 March 2027",
// "27 March 2027 at 2:30pm", "9am", "midday". Midnight is said as the end of the day before
// ("midnight at the end of 4 May 2027"): a deadline at 00:00 on 5 May is read by people as
// the night of the 4th, and "5 May at midnight" would send half of them a day late.

// Date is the London day of t: "27 March 2027"; empty for the zero time.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(London).Format("2 January 2006")
}

// Clock is the London time of day of t: "2:30pm", "9am", "midday" or "midnight".
func Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(London)
	switch {
	case l.Hour() == 12 && l.Minute() == 0:
		return "midday"
	case l.Hour() == 0 && l.Minute() == 0:
		return "midnight"
	case l.Minute() == 0:
		return strings.ToLower(l.Format("3PM"))
	}
	return strings.ToLower(l.Format("3:04PM"))
}

// DateTime is the London date and time of t: "27 March 2027 at 2:30pm", or "midnight at the
// end of 26 March 2027" for 00:00 on the 27th; empty for the zero time.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(London)
	if l.Hour() == 0 && l.Minute() == 0 {
		return "midnight at the end of " + Date(l.AddDate(0, 0, -1))
	}
	return Date(l) + " at " + Clock(l)
}

// ISODay is the London day of t as the API writes days, "2006-01-02"; empty for the zero time.
func ISODay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(London).Format(time.DateOnly)
}
