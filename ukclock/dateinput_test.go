package ukclock

import (
	"slices"
	"testing"
	"time"
)

func TestReadingADateAsTyped(t *testing.T) {
	closing := DateQuestion{Label: "closing date", Required: true}
	optional := DateQuestion{Label: "closing date"}
	withTime := DateQuestion{Label: "closing date", WithTime: true, Required: true}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		q     DateQuestion
		in    DateInput
		want  time.Time
		msg   string
		parts []string
	}{
		{"blank and required", closing, DateInput{}, time.Time{}, "Enter the closing date", []string{"day", "month", "year"}},
		{"spaces only count as blank", closing, DateInput{Day: " ", Month: "  ", Year: "\t"}, time.Time{}, "Enter the closing date", []string{"day", "month", "year"}},
		{"blank and optional is no date", optional, DateInput{}, time.Time{}, "", nil},
		{"a time without a date", withTime, DateInput{Time: "14:30"}, time.Time{}, "Enter the closing date", []string{"day", "month", "year"}},
		{"no month", closing, DateInput{Day: "27", Year: "2027"}, time.Time{}, "Closing date must include a month", []string{"month"}},
		{"no day", closing, DateInput{Month: "3", Year: "2027"}, time.Time{}, "Closing date must include a day", []string{"day"}},
		{"no day and month", closing, DateInput{Year: "2027"}, time.Time{}, "Closing date must include a day and month", []string{"day", "month"}},
		{"no year", optional, DateInput{Day: "27", Month: "3"}, time.Time{}, "Closing date must include a year", []string{"year"}},
		{"31 February", closing, DateInput{Day: "31", Month: "2", Year: "2027"}, time.Time{}, "Closing date must be a real date", []string{"day"}},
		{"29 February in a year that is not leap", closing, DateInput{Day: "29", Month: "2", Year: "2027"}, time.Time{}, "Closing date must be a real date", []string{"day"}},
		{"29 February in a leap year", closing, DateInput{Day: "29", Month: "2", Year: "2028"}, utc("2028-02-29T00:00:00Z"), "", nil},
		{"month 13", closing, DateInput{Day: "1", Month: "13", Year: "2027"}, time.Time{}, "Closing date must be a real date", []string{"month"}},
		{"day 0 and month 0", closing, DateInput{Day: "0", Month: "0", Year: "2027"}, time.Time{}, "Closing date must be a real date", []string{"day", "month"}},
		{"letters in the month", closing, DateInput{Day: "27", Month: "March", Year: "2027"}, time.Time{}, "Closing date must be a real date", []string{"month"}},
		{"a sign is not a number", closing, DateInput{Day: "+5", Month: "3", Year: "2027"}, time.Time{}, "Closing date must be a real date", []string{"day"}},
		{"two-number year", closing, DateInput{Day: "27", Month: "3", Year: "27"}, time.Time{}, "Closing date must include a year with 4 numbers", []string{"year"}},
		{"letters in the year", closing, DateInput{Day: "27", Month: "3", Year: "2o27"}, time.Time{}, "Closing date must include a year with 4 numbers", []string{"year"}},
		{"leading zeros and spaces", closing, DateInput{Day: " 07 ", Month: "03", Year: " 2027"}, utc("2027-03-07T00:00:00Z"), "", nil},
		// BST: the London day starts at 23:00 UTC the day before.
		{"a summer day starts in BST", closing, DateInput{Day: "1", Month: "7", Year: "2027"}, utc("2027-06-30T23:00:00Z"), "", nil},
		{"a typed time is ignored when none is asked", closing, DateInput{Day: "1", Month: "7", Year: "2027", Time: "nonsense"}, utc("2027-06-30T23:00:00Z"), "", nil},
		{"a time is needed", withTime, DateInput{Day: "27", Month: "3", Year: "2027"}, time.Time{}, "Closing date must include a time", []string{"time"}},
		{"noon in GMT", withTime, DateInput{Day: "27", Month: "3", Year: "2027", Time: "12:00"}, utc("2027-03-27T12:00:00Z"), "", nil},
		{"noon the next day, in BST", withTime, DateInput{Day: "28", Month: "3", Year: "2027", Time: "midday"}, utc("2027-03-28T11:00:00Z"), "", nil},
		{"2:30pm", withTime, DateInput{Day: "27", Month: "3", Year: "2027", Time: "2:30pm"}, utc("2027-03-27T14:30:00Z"), "", nil},
		{"14.30 with a dot", withTime, DateInput{Day: "27", Month: "3", Year: "2027", Time: "14.30"}, utc("2027-03-27T14:30:00Z"), "", nil},
		{"24:00 is out of range", withTime, DateInput{Day: "27", Month: "3", Year: "2027", Time: "24:00"}, time.Time{}, "Closing date must be a real time, like 14:30 or 2:30pm", []string{"time"}},
		{"minute 60 is out of range", withTime, DateInput{Day: "27", Month: "3", Year: "2027", Time: "14:60"}, time.Time{}, "Closing date must be a real time, like 14:30 or 2:30pm", []string{"time"}},
		{"13pm is out of range", withTime, DateInput{Day: "27", Month: "3", Year: "2027", Time: "13pm"}, time.Time{}, "Closing date must be a real time, like 14:30 or 2:30pm", []string{"time"}},
		{"a bare hour could be either", withTime, DateInput{Day: "27", Month: "3", Year: "2027", Time: "9"}, time.Time{}, "Closing date must be a real time, like 14:30 or 2:30pm", []string{"time"}},
		{"the hour the clocks skip", withTime, DateInput{Day: "28", Month: "3", Year: "2027", Time: "01:30"}, time.Time{}, "Closing date must be a real time: the clocks go forward from 1am to 2am on 28 March 2027", []string{"time"}},
		{"the hour the clocks repeat is the first, in BST", withTime, DateInput{Day: "31", Month: "10", Year: "2027", Time: "01:30"}, utc("2027-10-31T00:30:00Z"), "", nil},
		{"after the clocks go back, GMT", withTime, DateInput{Day: "31", Month: "10", Year: "2027", Time: "14:30"}, utc("2027-10-31T14:30:00Z"), "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.q.Read(tt.in)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("refused: %s", err.Message)
				}
				if !got.Equal(tt.want) {
					t.Fatalf("got %s, want %s", got.UTC().Format(time.RFC3339), tt.want.Format(time.RFC3339))
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted as %s, want %q", got.UTC().Format(time.RFC3339), tt.msg)
			}
			if err.Message != tt.msg || !slices.Equal(err.Parts, tt.parts) {
				t.Fatalf("got %q %v, want %q %v", err.Message, err.Parts, tt.msg, tt.parts)
			}
			if !got.IsZero() {
				t.Fatalf("a refused date must give no time, got %s", got)
			}
		})
	}
}

func TestReadingAClock(t *testing.T) {
	tests := []struct {
		in     string
		h, m   int
		wantOK bool
	}{
		{"14:30", 14, 30, true}, {"09:05", 9, 5, true}, {"9:05", 9, 5, true}, {"2pm", 14, 0, true}, {"2:30 PM", 14, 30, true},
		{"12am", 0, 0, true}, {"12pm", 12, 0, true}, {"12:15am", 0, 15, true}, {"midnight", 0, 0, true}, {"Noon", 12, 0, true},
		{"2.30p.m.", 14, 30, true}, {"0:00", 0, 0, true}, {"23:59", 23, 59, true},
		{"", 0, 0, false}, {"9", 0, 0, false}, {"25:00", 0, 0, false}, {"0am", 0, 0, false}, {"14:5", 0, 0, false}, {"half two", 0, 0, false},
	}
	for _, tt := range tests {
		h, m, ok := ParseClock(tt.in)
		if ok != tt.wantOK || (ok && (h != tt.h || m != tt.m)) {
			t.Errorf("ParseClock(%q) = %d:%02d %v, want %d:%02d %v", tt.in, h, m, ok, tt.h, tt.m, tt.wantOK)
		}
	}
}

func TestAStoredTimeShowsAsTyped(t *testing.T) {
	summer := time.Date(2027, 6, 30, 23, 0, 0, 0, time.UTC) // 00:00 on 1 July, BST
	if got := InputOf(summer); got != (DateInput{Day: "1", Month: "7", Year: "2027", Time: "00:00"}) {
		t.Fatalf("got %+v", got)
	}
	if got := InputOf(time.Time{}); !got.Blank() {
		t.Fatalf("the zero time should show blank, got %+v", got)
	}
	q := DateQuestion{Label: "deadline", WithTime: true}
	for _, at := range []time.Time{summer, time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC), time.Date(2027, 12, 1, 14, 30, 0, 0, time.UTC)} {
		back, err := q.Read(InputOf(at))
		if err != nil || !back.Equal(at) {
			t.Errorf("%s shown and read back gives %s %v", at, back, err)
		}
	}
}

func TestDatesReadInOneStyle(t *testing.T) {
	tests := []struct {
		at                    time.Time
		date, clock, dateTime string
	}{
		{time.Date(2027, 3, 27, 14, 30, 0, 0, time.UTC), "27 March 2027", "2:30pm", "27 March 2027 at 2:30pm"},
		{time.Date(2027, 7, 1, 8, 0, 0, 0, time.UTC), "1 July 2027", "9am", "1 July 2027 at 9am"}, // BST
		{time.Date(2027, 3, 29, 11, 0, 0, 0, time.UTC), "29 March 2027", "midday", "29 March 2027 at midday"},
		{time.Date(2027, 5, 4, 23, 0, 0, 0, time.UTC), "5 May 2027", "midnight", "midnight at the end of 4 May 2027"},
		{time.Time{}, "", "", ""},
	}
	for _, tt := range tests {
		if got := Date(tt.at); got != tt.date {
			t.Errorf("Date(%s) = %q, want %q", tt.at, got, tt.date)
		}
		if got := Clock(tt.at); got != tt.clock {
			t.Errorf("Clock(%s) = %q, want %q", tt.at, got, tt.clock)
		}
		if got := DateTime(tt.at); got != tt.dateTime {
			t.Errorf("DateTime(%s) = %q, want %q", tt.at, got, tt.dateTime)
		}
	}
}
