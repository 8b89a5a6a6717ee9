package award_test

import (
	"errors"
	"testing"
	"time"

	"golive/apperr"
	"golive/evaluation/award"
	"golive/lots"
	"golive/ukclock"
)

// at reads an instant written with its UK offset (+00:00 GMT, +01:00 BST) or in UTC (Z).
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad instant %q: %v", s, err)
	}
	return v
}

type standstillCase struct {
	name string
	sent string // when the notice was sent (PCR) or published (PSR)
	want string // the first instant after the standstill, in UTC
}

func checkEnds(t *testing.T, r lots.Regime, cases []standstillCase) {
	t.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := award.StandstillEnds(r, at(t, c.sent))
			if err != nil {
				t.Fatal(err)
			}
			want := at(t, c.want)
			if !got.Equal(want) {
				t.Errorf("standstill after a notice at %s ends %s (%s in London), want %s (%s in London)",
					c.sent, got.Format(time.RFC3339), got.In(london).Format("Mon 2 Jan 2006 15:04"),
					want.Format(time.RFC3339), want.In(london).Format("Mon 2 Jan 2006 15:04"))
			}
			if got.Location() != time.UTC {
				t.Errorf("end is in %s, want UTC", got.Location())
			}
			if h, m, s := got.In(london).Clock(); h != 0 || m != 0 || s != 0 {
				t.Errorf("end is %02d:%02d:%02d in London, want midnight", h, m, s)
			}
		})
	}
}

// PCR 2015 reg. 87: 10 calendar days after the sending day; if the 10th is not a working day,
// to the end of the next working day. Each expectation: sending day + 10 = last day, moved on
// past weekends and bank holidays, then the end is 00:00 London of the day after.
func TestPCRStandstillIsTenDaysEndingOnAWorkingDay(t *testing.T) {
	checkEnds(t, lots.PCR2015, []standstillCase{
		// Tue 4 Mar 2025 + 10 = Fri 14 Mar, a working day; ends 00:00 GMT Sat 15 Mar.
		{"an ordinary fortnight", "2025-03-04T10:00:00Z", "2025-03-15T00:00:00Z"},
		// Wed 5 Mar 2025 + 10 = Sat 15 Mar -> Mon 17 Mar; ends 00:00 GMT Tue 18 Mar.
		{"ending on a Saturday runs to Monday", "2025-03-05T10:00:00Z", "2025-03-18T00:00:00Z"},
		// Thu 6 Mar 2025 + 10 = Sun 16 Mar -> Mon 17 Mar; ends 00:00 GMT Tue 18 Mar.
		{"ending on a Sunday runs to Monday", "2025-03-06T10:00:00Z", "2025-03-18T00:00:00Z"},
		// Wed 23 Apr 2025 + 10 = Sat 3 May; Sun 4; Mon 5 May is the early May bank holiday ->
		// Tue 6 May; ends 00:00 BST Wed 7 May = 23:00 UTC Tue 6 May.
		{"ending on a Saturday before the early May holiday runs to Tuesday", "2025-04-23T10:00:00+01:00", "2025-05-06T23:00:00Z"},
		// Wed 14 May 2025 + 10 = Sat 24 May; Mon 26 May is the spring bank holiday -> Tue 27 May;
		// ends 00:00 BST Wed 28 May = 23:00 UTC Tue 27 May.
		{"ending on a Saturday before the spring holiday runs to Tuesday", "2025-05-14T10:00:00+01:00", "2025-05-27T23:00:00Z"},
		// Wed 26 Apr 2023 + 10 = Sat 6 May; Mon 8 May 2023 was the coronation bank holiday ->
		// Tue 9 May; ends 00:00 BST Wed 10 May = 23:00 UTC Tue 9 May.
		{"the 2023 coronation holiday counts", "2023-04-26T10:00:00+01:00", "2023-05-09T23:00:00Z"},

		// Easter. The worked example published for the same rule under PCR 2006 reg. 32A: letters
		// emailed Tue 23 Mar 2010; + 10 = Fri 2 Apr, Good Friday; Sat, Sun, Mon 5 Apr Easter Monday
		// -> Tue 6 Apr; contract from the start of Wed 7 Apr. BST from 28 Mar 2010, so 23:00 UTC.
		{"Easter 2010, the published worked example", "2010-03-23T10:00:00Z", "2010-04-06T23:00:00Z"},
		// Tue 19 Mar 2024 + 10 = Fri 29 Mar, Good Friday; Mon 1 Apr Easter Monday -> Tue 2 Apr.
		// The clocks went forward on Sun 31 Mar: sent in GMT, ends 00:00 BST Wed 3 Apr.
		{"Easter 2024, clocks going forward in the period", "2024-03-19T10:00:00Z", "2024-04-02T23:00:00Z"},
		// Tue 8 Apr 2025 + 10 = Fri 18 Apr, Good Friday; Mon 21 Apr Easter Monday -> Tue 22 Apr.
		{"Easter 2025", "2025-04-08T10:00:00+01:00", "2025-04-22T23:00:00Z"},
		// Fri 27 Mar 2026 + 10 = Mon 6 Apr, Easter Monday -> Tue 7 Apr. Clocks forward Sun 29 Mar:
		// sent in GMT, ends 00:00 BST Wed 8 Apr.
		{"Easter 2026, ending on Easter Monday", "2026-03-27T10:00:00Z", "2026-04-07T23:00:00Z"},

		// Christmas. 2021: Christmas Sat 25, Boxing Day Sun 26, substitutes Mon 27 and Tue 28 Dec.
		// Wed 15 Dec 2021 + 10 = Sat 25 -> Sun, Mon 27, Tue 28 -> Wed 29 Dec; ends 00:00 Thu 30 Dec.
		{"Christmas 2021 on a Saturday", "2021-12-15T10:00:00Z", "2021-12-30T00:00:00Z"},
		// 2022: Christmas Sun 25, Boxing Day Mon 26, substitute Tue 27 Dec.
		// Thu 15 Dec 2022 + 10 = Sun 25 -> Mon 26, Tue 27 -> Wed 28 Dec; ends 00:00 Thu 29 Dec.
		{"Christmas 2022 on a Sunday", "2022-12-15T10:00:00Z", "2022-12-29T00:00:00Z"},
		// Fri 16 Dec 2022 + 10 = Mon 26 Dec, Boxing Day -> Tue 27 (substitute) -> Wed 28 Dec.
		{"ending on Boxing Day 2022, a Monday", "2022-12-16T10:00:00Z", "2022-12-29T00:00:00Z"},
		// 2026: Christmas Fri 25, Boxing Day Sat 26, substitute Mon 28 Dec.
		// Tue 15 Dec 2026 + 10 = Fri 25 -> Sat, Sun, Mon 28 -> Tue 29 Dec; ends 00:00 Wed 30 Dec.
		{"Christmas 2026 on a Friday", "2026-12-15T10:00:00Z", "2026-12-30T00:00:00Z"},
		// New Year's Day 2022 was a Saturday, substitute Mon 3 Jan.
		// Wed 22 Dec 2021 + 10 = Sat 1 Jan -> Sun 2, Mon 3 -> Tue 4 Jan; ends 00:00 Wed 5 Jan.
		{"New Year 2022 on a Saturday", "2021-12-22T10:00:00Z", "2022-01-05T00:00:00Z"},

		// Which day the notice was sent on is the London day.
		// 23:30 BST Mon 2 Jun 2025 (22:30 UTC) is Monday: + 10 = Thu 12 Jun; ends 00:00 BST Fri 13 Jun.
		{"sent at 23:30 counts that day", "2025-06-02T23:30:00+01:00", "2025-06-12T23:00:00Z"},
		// 00:30 BST Tue 3 Jun 2025 is still Mon 2 Jun in UTC, but Tuesday in England:
		// + 10 = Fri 13 Jun; ends 00:00 BST Sat 14 Jun.
		{"sent at 00:30 BST counts the London day, not the UTC one", "2025-06-02T23:30:00Z", "2025-06-13T23:00:00Z"},
		// Fri 17 Oct 2025 (BST) + 10 = Mon 27 Oct; the clocks went back Sun 26 Oct, so it ends
		// 00:00 GMT Tue 28 Oct = 00:00 UTC.
		{"clocks going back in the period", "2025-10-17T12:00:00+01:00", "2025-10-28T00:00:00Z"},
	})
}

// PSR reg. 12(2)-(3): the standstill begins on the day after publication and ends at midnight at
// the end of the 8th working day after that day. Each expectation lists the working days counted.
func TestPSRStandstillIsEightWorkingDaysAfterItBegins(t *testing.T) {
	checkEnds(t, lots.PSR2024, []standstillCase{
		// Published Mon 2 Jun 2025, begins Tue 3. Wed 4 (1), Thu 5, Fri 6 (3), Mon 9, Tue 10,
		// Wed 11, Thu 12 (7), Fri 13 (8); ends 00:00 BST Sat 14 Jun.
		{"published on a Monday ends on Friday week", "2025-06-02T10:00:00+01:00", "2025-06-13T23:00:00Z"},
		// Published Fri 6 Jun 2025, begins Sat 7. Mon 9 (1) to Fri 13 (5), Mon 16, Tue 17,
		// Wed 18 (8); ends 00:00 BST Thu 19 Jun.
		{"published on a Friday, across two weekends", "2025-06-06T10:00:00+01:00", "2025-06-18T23:00:00Z"},

		// Published Wed 27 Mar 2024, begins Thu 28. Fri 29 Good Friday, Mon 1 Apr Easter Monday;
		// Tue 2 (1), Wed 3, Thu 4, Fri 5 (4), Mon 8, Tue 9, Wed 10, Thu 11 (8). Clocks forward
		// Sun 31 Mar: published in GMT, ends 00:00 BST Fri 12 Apr.
		{"Easter 2024", "2024-03-27T10:00:00Z", "2024-04-11T23:00:00Z"},
		// Published Wed 16 Apr 2025, begins Thu 17. Fri 18 Good Friday, Mon 21 Easter Monday;
		// Tue 22 (1), Wed 23, Thu 24, Fri 25 (4), Mon 28, Tue 29, Wed 30 (7), Thu 1 May (8).
		{"Easter 2025", "2025-04-16T10:00:00+01:00", "2025-05-01T23:00:00Z"},
		// Published Thu 2 Apr 2026, begins Fri 3, Good Friday. Mon 6 Easter Monday; Tue 7 (1),
		// Wed 8, Thu 9, Fri 10 (4), Mon 13, Tue 14, Wed 15, Thu 16 (8).
		{"Easter 2026, beginning on Good Friday", "2026-04-02T10:00:00+01:00", "2026-04-16T23:00:00Z"},

		// Published Tue 29 Apr 2025, begins Wed 30. Thu 1 May (1), Fri 2 (2), Mon 5 early May
		// holiday; Tue 6 (3), Wed 7, Thu 8, Fri 9 (6), Mon 12 (7), Tue 13 (8).
		{"early May holiday 2025", "2025-04-29T10:00:00+01:00", "2025-05-13T23:00:00Z"},
		// Published Tue 20 May 2025, begins Wed 21. Thu 22 (1), Fri 23 (2), Mon 26 spring holiday;
		// Tue 27 (3), Wed 28, Thu 29, Fri 30 (6), Mon 2 Jun (7), Tue 3 Jun (8).
		{"spring holiday 2025", "2025-05-20T10:00:00+01:00", "2025-06-03T23:00:00Z"},

		// Published Mon 20 Dec 2021, begins Tue 21. Wed 22 (1), Thu 23, Fri 24 (3); Sat 25, Sun 26,
		// Mon 27 and Tue 28 (substitutes for Christmas and Boxing Day); Wed 29 (4), Thu 30,
		// Fri 31 (6); Mon 3 Jan 2022 (substitute New Year); Tue 4 (7), Wed 5 Jan (8).
		{"Christmas and New Year 2021, all at weekends", "2021-12-20T10:00:00Z", "2022-01-06T00:00:00Z"},
		// Published Tue 20 Dec 2022, begins Wed 21. Thu 22 (1), Fri 23 (2); Mon 26 Boxing Day,
		// Tue 27 substitute Christmas; Wed 28 (3), Thu 29, Fri 30 (5); Mon 2 Jan 2023 substitute
		// New Year (Sun 1 Jan); Tue 3 (6), Wed 4 (7), Thu 5 Jan (8).
		{"Christmas and New Year 2022, on Sundays", "2022-12-20T10:00:00Z", "2023-01-06T00:00:00Z"},

		// 23:30 GMT Mon 12 Jan 2026 is Monday; begins Tue 13. Wed 14 (1), Thu 15, Fri 16 (3),
		// Mon 19 to Fri 23 (8); ends 00:00 Sat 24 Jan.
		{"published at 23:30 counts that day", "2026-01-12T23:30:00Z", "2026-01-24T00:00:00Z"},
		// 00:30 GMT Tue 13 Jan 2026, an hour later, is Tuesday; begins Wed 14. Thu 15 (1), Fri 16,
		// Mon 19 to Thu 22 (6), Fri 23 (7), Mon 26 (8); ends 00:00 Tue 27 Jan.
		{"published just after midnight counts the next day", "2026-01-13T00:30:00Z", "2026-01-27T00:00:00Z"},
		// Published Fri 17 Oct 2025 (BST), begins Sat 18. Mon 20 (1) to Fri 24 (5), Mon 27, Tue 28,
		// Wed 29 (8). Clocks back Sun 26 Oct: ends 00:00 GMT Thu 30 Oct = 00:00 UTC.
		{"clocks going back in the period", "2025-10-17T12:00:00+01:00", "2025-10-30T00:00:00Z"},
	})
}

// Without bank holidays the standstill would end days early, and a contract signed then would be
// signed inside the standstill. This fails if the calendar counted only weekends.
func TestBankHolidaysLengthenTheStandstill(t *testing.T) {
	weekendsOnly := func(from time.Time, n int) time.Time { // the wrong rule, for contrast
		d := from
		for n > 0 {
			d = d.AddDate(0, 0, 1)
			if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
				n--
			}
		}
		return d
	}
	// Published Wed 16 Apr 2025, begins Thu 17. Counting weekends only, the 8th working day after
	// Thu 17 is Tue 29 Apr (Fri 18, Mon 21 .. Fri 25, Mon 28, Tue 29); with Good Friday and Easter
	// Monday skipped it is Thu 1 May.
	published := at(t, "2025-04-16T10:00:00+01:00")
	naive := weekendsOnly(time.Date(2025, 4, 17, 0, 0, 0, 0, time.UTC), 8)
	if naive.Day() != 29 || naive.Month() != time.April {
		t.Fatalf("the weekends-only count gives %s, want Tue 29 Apr: the case no longer tells the rules apart", naive.Format("Mon 2 Jan"))
	}
	got, err := award.StandstillEnds(lots.PSR2024, published)
	if err != nil {
		t.Fatal(err)
	}
	if want := at(t, "2025-05-01T23:00:00Z"); !got.Equal(want) {
		t.Errorf("PSR standstill over Easter 2025 ends %s, want %s: bank holidays were not skipped", got, want)
	}
	// PCR: sent Mon 15 Dec 2025, + 10 = Thu 25 Dec, Christmas -> Fri 26 Boxing Day -> Sat, Sun ->
	// Mon 29 Dec; ends 00:00 Tue 30 Dec. Counting weekends only it would end at 00:00 Fri 26 Dec,
	// and a contract signed on Boxing Day would be inside the standstill.
	got, err = award.StandstillEnds(lots.PCR2015, at(t, "2025-12-15T10:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if want := at(t, "2025-12-30T00:00:00Z"); !got.Equal(want) {
		t.Errorf("PCR standstill ending on Christmas Day 2025 ends %s, want %s: bank holidays were not skipped", got, want)
	}
}

// PSR: after representations, the award waits for the further decision and then 5 working days
// after the day of that decision.
func TestPSRAwardWaitsFiveWorkingDaysAfterTheDecisionOnRepresentations(t *testing.T) {
	cases := []struct {
		name, decided, want string
	}{
		// Wed 11 Jun 2025: Thu 12 (1), Fri 13, Mon 16, Tue 17, Wed 18 (5); ends 00:00 BST Thu 19 Jun.
		{"decided midweek", "2025-06-11T15:00:00+01:00", "2025-06-18T23:00:00Z"},
		// Sat 14 Jun 2025: Mon 16 (1) to Fri 20 (5); ends 00:00 BST Sat 21 Jun.
		{"decided on a Saturday", "2025-06-14T11:00:00+01:00", "2025-06-20T23:00:00Z"},
		// Thu 2 Apr 2026: Fri 3 Good Friday, Mon 6 Easter Monday; Tue 7 (1), Wed 8, Thu 9, Fri 10,
		// Mon 13 (5); ends 00:00 BST Tue 14 Apr.
		{"over Easter 2026", "2026-04-02T15:00:00+01:00", "2026-04-13T23:00:00Z"},
		// Tue 22 Dec 2026: Wed 23 (1), Thu 24 (2), Fri 25 Christmas, Mon 28 substitute Boxing Day;
		// Tue 29 (3), Wed 30 (4), Thu 31 (5); ends 00:00 GMT Fri 1 Jan 2027.
		{"over Christmas 2026", "2026-12-22T15:00:00Z", "2027-01-01T00:00:00Z"},
		// 23:30 BST Fri 24 Oct 2025 is Friday: Mon 27 (1) to Fri 31 (5). Clocks back Sun 26 Oct:
		// ends 00:00 GMT Sat 1 Nov.
		{"decided at 23:30, clocks going back", "2025-10-24T23:30:00+01:00", "2025-11-01T00:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := award.AwardWaitAfterRepresentation(at(t, c.decided))
			if want := at(t, c.want); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("wait after a decision at %s ends %s, want %s (UTC)", c.decided, got, want)
			}
		})
	}
}

func TestWorkingDaysAreEnglandAndWalesOnes(t *testing.T) {
	cases := []struct {
		name    string
		instant string
		working bool
	}{
		{"a Tuesday", "2025-06-03T12:00:00+01:00", true},
		{"a Saturday", "2025-06-07T12:00:00+01:00", false},
		{"a Sunday", "2025-06-08T12:00:00+01:00", false},
		{"Christmas Eve 2024", "2024-12-24T12:00:00Z", true},
		{"Christmas Day 2024", "2024-12-25T12:00:00Z", false},
		{"Boxing Day 2024", "2024-12-26T12:00:00Z", false},
		{"Mon 27 Dec 2021, for Christmas on Saturday", "2021-12-27T12:00:00Z", false},
		{"Tue 28 Dec 2021, for Boxing Day on Sunday", "2021-12-28T12:00:00Z", false},
		{"Wed 29 Dec 2021", "2021-12-29T12:00:00Z", true},
		{"Boxing Day 2022, a Monday", "2022-12-26T12:00:00Z", false},
		{"Tue 27 Dec 2022, for Christmas on Sunday", "2022-12-27T12:00:00Z", false},
		{"Mon 28 Dec 2026, for Boxing Day on Saturday", "2026-12-28T12:00:00Z", false},
		{"Tue 29 Dec 2026", "2026-12-29T12:00:00Z", true},
		{"Mon 3 Jan 2022, for New Year on Saturday", "2022-01-03T12:00:00Z", false},
		{"Good Friday 2024", "2024-03-29T12:00:00Z", false},
		{"Easter Monday 2024", "2024-04-01T12:00:00+01:00", false},
		{"Good Friday 2025", "2025-04-18T12:00:00+01:00", false},
		{"Easter Monday 2025", "2025-04-21T12:00:00+01:00", false},
		{"Good Friday 2026", "2026-04-03T12:00:00+01:00", false},
		{"Easter Monday 2026", "2026-04-06T12:00:00+01:00", false},
		{"Tuesday after Easter 2026", "2026-04-07T12:00:00+01:00", true},
		{"early May 2025", "2025-05-05T12:00:00+01:00", false},
		{"spring holiday 2025", "2025-05-26T12:00:00+01:00", false},
		{"summer holiday 2025 (last Monday of August)", "2025-08-25T12:00:00+01:00", false},
		{"VE Day 2020, in place of early May", "2020-05-08T12:00:00+01:00", false},
		{"Mon 4 May 2020, early May moved to VE Day", "2020-05-04T12:00:00+01:00", true},
		{"Mon 30 May 2022, spring holiday moved", "2022-05-30T12:00:00+01:00", true},
		{"Thu 2 Jun 2022, spring holiday", "2022-06-02T12:00:00+01:00", false},
		{"Fri 3 Jun 2022, Platinum Jubilee", "2022-06-03T12:00:00+01:00", false},
		{"coronation 2023", "2023-05-08T12:00:00+01:00", false},
		{"State Funeral of Queen Elizabeth II, Mon 19 Sep 2022", "2022-09-19T12:00:00+01:00", false},
		{"Mon 18 Sep 2023, no holiday again", "2023-09-18T12:00:00+01:00", true},
		{"Tue 20 Sep 2022", "2022-09-20T12:00:00+01:00", true},
		// Holidays of other parts of the UK are working days in England and Wales.
		{"2 Jan 2025, Scotland only", "2025-01-02T12:00:00Z", true},
		{"St Patrick's Day 2025, Northern Ireland only", "2025-03-17T12:00:00Z", true},
		{"first Monday of August 2025, Scotland only", "2025-08-04T12:00:00+01:00", true},
		// The day is the London one: 23:30 UTC on Sun 4 May 2025 is 00:30 BST on the Monday holiday,
		// and 23:30 UTC on Mon 5 May is 00:30 BST on Tuesday, a working day.
		{"00:30 BST on early May Monday", "2025-05-04T23:30:00Z", false},
		{"00:30 BST on the Tuesday after", "2025-05-05T23:30:00Z", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ukclock.IsWorkingDay(at(t, c.instant)); got != c.working {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", c.instant, got, c.working)
			}
		})
	}
}

func TestWorkingDaysAfter(t *testing.T) {
	cases := []struct {
		name, from string
		n          int
		want       string // 00:00 London of the day
	}{
		// Thu 17 Apr 2025: Fri 18 Good Friday, Mon 21 Easter Monday -> Tue 22 Apr.
		{"one working day over Easter", "2025-04-17T15:00:00+01:00", 1, "2025-04-22T00:00:00+01:00"},
		// Zero is the start of the same day, even a holiday.
		{"zero is the day itself", "2025-04-18T15:00:00+01:00", 0, "2025-04-18T00:00:00+01:00"},
		// Back from Tue 22 Apr 2025: Mon 21, Sun, Sat, Fri 18 skipped -> Thu 17 Apr.
		{"negative counts back", "2025-04-22T15:00:00+01:00", -1, "2025-04-17T00:00:00+01:00"},
		// From Fri 28 Mar 2025 (GMT), 2 working days: Mon 31 Mar, Tue 1 Apr; clocks forward on
		// Sun 30 Mar, so the day starts at 00:00 BST = 23:00 UTC Mon 31 Mar.
		{"across the clocks going forward", "2025-03-28T12:00:00Z", 2, "2025-04-01T00:00:00+01:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := award.WorkingDaysAfter(at(t, c.from), c.n)
			if want := at(t, c.want); !got.Equal(want) {
				t.Errorf("WorkingDaysAfter(%s, %d) = %s, want %s", c.from, c.n, got, want)
			}
		})
	}
}

func TestStandstillRefusesAnUnknownRegimeOrNoDate(t *testing.T) {
	for name, call := range map[string]func() (time.Time, error){
		"unknown regime": func() (time.Time, error) {
			return award.StandstillEnds(lots.Regime("pcr2006"), at(t, "2025-06-02T10:00:00Z"))
		},
		"no sending date": func() (time.Time, error) { return award.StandstillEnds(lots.PCR2015, time.Time{}) },
	} {
		t.Run(name, func(t *testing.T) {
			got, err := call()
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid {
				t.Fatalf("got %v, %v; want an apperr Invalid error", got, err)
			}
			if !got.IsZero() {
				t.Errorf("got end %s with the error, want the zero time", got)
			}
		})
	}
}
