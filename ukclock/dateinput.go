package ukclock

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The one reader of dates people type. Pages ask for a date with the NHS.UK date input (day,
// month and year boxes, https://service-manual.nhs.uk/design-system/components/date-input) and,
// where a moment matters, a time box; every form reads them here, so a date is accepted, refused
// and worded the same way on every page. The API keeps its RFC 3339 fields and never comes here.

// DateInput is what a person typed into a date input, exactly, so a refused form shows it again.
type DateInput struct {
	Day, Month, Year, Time string
}

// Blank reports whether nothing was typed.
func (in DateInput) Blank() bool {
	return strings.TrimSpace(in.Day+in.Month+in.Year+in.Time) == ""
}

// The parts of a date input, as its inputs are named (name-day, name-month …).
const (
	PartDay   = "day"
	PartMonth = "month"
	PartYear  = "year"
	PartTime  = "time"
)

// DateQuestion is how one date input is read.
type DateQuestion struct {
	// Label is what the date is, as it reads mid-sentence: "closing date" gives "Enter the
	// closing date" and "Closing date must include a month".
	Label    string
	WithTime bool // a time box is shown and must be filled
	Required bool // blank is refused ("Enter the …") rather than read as no date
}

// DateError is a date that cannot be read: the message the design system words for it and the
// parts to highlight (every part when Parts is empty).
type DateError struct {
	Message string
	Parts   []string
}

func (e *DateError) Error() string { return e.Message }

// Has reports whether part is to be highlighted.
func (e *DateError) Has(part string) bool {
	if e == nil {
		return false
	}
	if len(e.Parts) == 0 {
		return true
	}
	for _, p := range e.Parts {
		if p == part {
			return true
		}
	}
	return false
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// Read turns what was typed into an instant: the start of that London day, or with a time the
// London wall-clock moment (so 12:00 is noon in GMT and in BST). Blank is the zero time with no
// error unless the question is Required. A time the clocks skip (01:30 on the last Sunday of
// March) is refused rather than moved; one they repeat (01:30 on the last Sunday of October)
// is the first of the two, in BST.
func (q DateQuestion) Read(in DateInput) (time.Time, *DateError) {
	label := strings.TrimSpace(q.Label)
	if label == "" {
		label = "date"
	}
	title := strings.ToUpper(label[:1]) + label[1:]
	day, month, year := strings.TrimSpace(in.Day), strings.TrimSpace(in.Month), strings.TrimSpace(in.Year)
	clock := strings.TrimSpace(in.Time)
	if !q.WithTime {
		clock = ""
	}
	if day == "" && month == "" && year == "" {
		if clock == "" && !q.Required {
			return time.Time{}, nil
		}
		return time.Time{}, &DateError{Message: "Enter the " + label, Parts: []string{PartDay, PartMonth, PartYear}}
	}
	var missing []string
	for _, p := range []struct{ v, name string }{{day, PartDay}, {month, PartMonth}, {year, PartYear}} {
		if p.v == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return time.Time{}, &DateError{Message: title + " must include a " + strings.Join(missing, " and "), Parts: missing}
	}
	var bad []string
	d, errD := strconv.Atoi(day)
	if !digits.MatchString(day) || errD != nil || d < 1 || d > 31 {
		bad = append(bad, PartDay)
	}
	m, errM := strconv.Atoi(month)
	if !digits.MatchString(month) || errM != nil || m < 1 || m > 12 {
		bad = append(bad, PartMonth)
	}
	if len(bad) > 0 {
		return time.Time{}, &DateError{Message: title + " must be a real date", Parts: bad}
	}
	y, errY := strconv.Atoi(year)
	if !digits.MatchString(year) || errY != nil || len(year) != 4 {
		return time.Time{}, &DateError{Message: title + " must include a year with 4 numbers", Parts: []string{PartYear}}
	}
	if time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d { // 31 2 rolls over into March
		return time.Time{}, &DateError{Message: title + " must be a real date", Parts: []string{PartDay}}
	}
	if !q.WithTime {
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, London).UTC(), nil
	}
	if clock == "" {
		return time.Time{}, &DateError{Message: title + " must include a time", Parts: []string{PartTime}}
	}
	hh, mm, ok := ParseClock(clock)
	if !ok {
		return time.Time{}, &DateError{Message: title + " must be a real time, like 14:30 or 2:30pm", Parts: []string{PartTime}}
	}
	t := time.Date(y, time.Month(m), d, hh, mm, 0, 0, London)
	if t.Hour() != hh || t.Minute() != mm {
		return time.Time{}, &DateError{Message: fmt.Sprintf("%s must be a real time: the clocks go forward from 1am to 2am on %s",
			title, Date(t)), Parts: []string{PartTime}}
	}
	// Go does not promise which of a repeated hour it gives: take the earlier one.
	if e := t.Add(-time.Hour); e.Hour() == hh && e.Minute() == mm && e.Day() == d {
		t = e
	}
	return t.UTC(), nil
}

var clockRE = regexp.MustCompile(`^([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$`)

// ParseClock reads a time of day as people write it: 14:30, 14.30, 09:05, 2:30pm, 2pm, 12am,
// midday, noon or midnight. A bare hour without am or pm ("9") is refused: it could be either.
func ParseClock(s string) (hour, minute int, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "midday", "noon", "12 noon":
		return 12, 0, true
	case "midnight":
		return 0, 0, true
	}
	m := clockRE.FindStringSubmatch(s)
	if m == nil || (m[2] == "" && m[3] == "") {
		return 0, 0, false
	}
	h, _ := strconv.Atoi(m[1])
	if m[2] != "" {
		minute, _ = strconv.Atoi(m[2])
	}
	if minute > 59 {
		return 0, 0, false
	}
	switch strings.ReplaceAll(m[3], ".", "") {
	case "":
		if h > 23 {
			return 0, 0, false
		}
	case "am":
		if h < 1 || h > 12 {
			return 0, 0, false
		}
		h %= 12
	case "pm":
		if h < 1 || h > 12 {
			return 0, 0, false
		}
		h = h%12 + 12
	}
	return h, minute, true
}

// InputOf is a stored instant as the date input shows it: day, month and year without leading
// zeros, as people type them, and the time on the 24-hour clock.
func InputOf(t time.Time) DateInput {
	if t.IsZero() {
		return DateInput{}
	}
	l := t.In(London)
	return DateInput{Day: strconv.Itoa(l.Day()), Month: strconv.Itoa(int(l.Month())), Year: strconv.Itoa(l.Year()),
		Time: l.Format("15:04")}
}
