package main

import (
	"net/url"
	"strconv"
	"testing"
	"time"
)

// withDate fills the NHS.UK date input name (name-day, name-month, name-year) with a day given
// as "2006-01-02", as a person would type it: no leading zeros.
func withDate(t *testing.T, v url.Values, name, day string) url.Values {
	t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatalf("withDate %s: %v", day, err)
	}
	v.Set(name+"-day", strconv.Itoa(d.Day()))
	v.Set(name+"-month", strconv.Itoa(int(d.Month())))
	v.Set(name+"-year", strconv.Itoa(d.Year()))
	return v
}
