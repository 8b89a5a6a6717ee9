package auditweb

import (
	"strings"
	"testing"
	"time"
)

func TestDatesTypedInTheFormAreLondonDays(t *testing.T) {
	tests := []struct {
		name             string
		d                dateParts
		want             string // RFC 3339 in UTC, or ""
		bad, msgContains string
	}{
		{name: "blank is no filter", d: dateParts{}},
		{name: "a summer day starts at 23:00 UTC the day before", d: dateParts{"15", "6", "2025"}, want: "2025-06-14T23:00:00Z"},
		{name: "a winter day starts at midnight UTC", d: dateParts{"15", "1", "2025"}, want: "2025-01-15T00:00:00Z"},
		{name: "missing month", d: dateParts{"15", "", "2025"}, bad: "month", msgContains: "must include a month"},
		{name: "31 April is not a date", d: dateParts{"31", "4", "2025"}, bad: "day", msgContains: "real date"},
		{name: "letters in the day", d: dateParts{"ab", "4", "2025"}, bad: "day", msgContains: "real date"},
		{name: "two-digit year", d: dateParts{"1", "4", "25"}, bad: "year", msgContains: "4 numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, bad, msg := tt.d.londonDay("Date from")
			if tt.bad != "" {
				if bad != tt.bad || !strings.Contains(msg, tt.msgContains) {
					t.Fatalf("want error on %s containing %q, got %q %q", tt.bad, tt.msgContains, bad, msg)
				}
				return
			}
			if msg != "" {
				t.Fatalf("unexpected error %q", msg)
			}
			s := ""
			if !got.IsZero() {
				s = got.UTC().Format(time.RFC3339)
			}
			if s != tt.want {
				t.Fatalf("got %q, want %q", s, tt.want)
			}
		})
	}
}
