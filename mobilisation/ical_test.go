package mobilisation

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

func TestWriteCalendarParsesBack(t *testing.T) {
	events := []CalendarEvent{
		{UID: "0190a1b2-0000-7000-8000-000000000001@golive", Day: "2019-03-31", Summary: "KM-IUC-1: CQC registration, approved",
			Description: "Plan: KM-IUC-1\nStatus: In progress; Red, 3 days overdue", URL: "http://golive.test/mobilisation/plans/p/milestones/m",
			Modified: time.Date(2019, 3, 1, 9, 0, 0, 0, time.UTC)},
		{UID: "phase-1@golive", Day: "2019-04-01", Summary: "Go-live: NHS 111; a long summary that goes well past the seventy-five octets a content line may hold before folding"},
		{UID: "no-day@golive", Day: "", Summary: "Not drawn"},
	}
	var b bytes.Buffer
	if err := WriteCalendar(&b, "golive: KM-IUC-1", events); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\r\n") {
		if len(line) > 75 {
			t.Errorf("a content line of %d octets is not folded: %q", len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(&b)
	if err != nil {
		t.Fatalf("the feed does not parse: %v", err)
	}
	evs := cal.Events()
	if len(evs) != 2 {
		t.Fatalf("%d events, want 2 (the one with no day left out)", len(evs))
	}
	e := evs[0]
	if e.Id() != events[0].UID {
		t.Errorf("UID %q", e.Id())
	}
	start, err := e.GetAllDayStartAt()
	if err != nil || start.Format(dayFormat) != "2019-03-31" {
		t.Errorf("start %v %v, want all day 31 March", start, err)
	}
	if p := e.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["VALUE"][0] != "DATE" {
		t.Errorf("DTSTART is not a DATE: %+v", p)
	}
	end, err := e.GetAllDayEndAt()
	if err != nil || end.Format(dayFormat) != "2019-04-01" {
		t.Errorf("end %v %v, want the next day (exclusive)", end, err)
	}
	for prop, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySummary:     events[0].Summary,
		ics.ComponentPropertyDescription: events[0].Description,
		ics.ComponentPropertyUrl:         events[0].URL,
		ics.ComponentPropertyDtstamp:     "20190301T090000Z",
	} {
		if p := e.GetProperty(prop); p == nil || p.Value != want {
			t.Errorf("%s = %+v, want %q", prop, p, want)
		}
	}
	if got := evs[1].GetProperty(ics.ComponentPropertySummary).Value; got != events[1].Summary {
		t.Errorf("a folded summary comes back as %q", got)
	}
}

func TestFeedTokens(t *testing.T) {
	a, ha, err := newFeedToken()
	if err != nil {
		t.Fatal(err)
	}
	b, hb, _ := newFeedToken()
	if a == b || ha == hb {
		t.Error("two tokens alike")
	}
	if !validFeedToken(a) || len(ha) != 64 || feedHash(a) != ha || strings.Contains(ha, a) {
		t.Errorf("token %q hash %q", a, ha)
	}
	for _, bad := range []string{"", "short", a + "x", strings.Repeat("!", 43), a[:42] + "."} {
		if validFeedToken(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
