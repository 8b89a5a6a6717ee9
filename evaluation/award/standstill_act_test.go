package award_test

import (
	"testing"

	"golive/lots"
)

// The Procurement Act 2023's standstill (s.51): 8 working days beginning with the day the
// contract award notice is published, the Act's working days (s.123) leaving out a bank holiday
// in any part of the UK, Scotland's and Northern Ireland's included.
func TestActStandstillIsEightWorkingDaysBeginningWithPublication(t *testing.T) {
	checkEnds(t, lots.PA2023, []standstillCase{
		// Mon 22, Tue 23, Wed 24 Dec; Christmas and Boxing Day; Mon 29, Tue 30, Wed 31; New
		// Year's Day; Fri 2 January is Scotland's holiday; Mon 5, Tue 6 January.
		{"published the Monday before Christmas counts that Monday and skips Scotland's 2 January", "2025-12-22T10:00:00+00:00", "2026-01-07T00:00:00Z"},
		{"published on a Saturday, the first day is the next working day", "2025-12-20T10:00:00+00:00", "2026-01-07T00:00:00Z"},
		// Wed 1, Thu 2 April; Good Friday and Easter Monday; Tue 7 to Fri 10, Mon 13, Tue 14.
		{"published before Easter skips Good Friday and Easter Monday", "2026-04-01T09:00:00+01:00", "2026-04-14T23:00:00Z"},
		{"published at 00:30 BST counts the UK day, not the UTC one", "2026-03-31T23:30:00Z", "2026-04-14T23:00:00Z"},
		// Published Maundy Thursday: Thu 2, Tue 7 .. Fri 10, Mon 13 .. Wed 15.
		{"published on Maundy Thursday", "2026-04-02T16:00:00+01:00", "2026-04-15T23:00:00Z"},
		// Fri 27 Nov; Mon 30 Nov St Andrew's Day (Scotland); Tue 1 .. Wed 9 December.
		{"St Andrew's Day is not a working day under the Act", "2026-11-27T12:00:00+00:00", "2026-12-10T00:00:00Z"},
		// Fri 10 July; Sun 12 July the Boyne, substitute Mon 13 (Northern Ireland); Tue 14 .. Wed 22.
		{"the Battle of the Boyne's substitute day is not a working day under the Act", "2026-07-10T12:00:00+01:00", "2026-07-22T23:00:00Z"},
		{"an ordinary fortnight", "2026-06-03T09:00:00+01:00", "2026-06-12T23:00:00Z"},
	})
}

func TestPCR2015IsRefusedForProcurementsBegunFromTheActsCommencement(t *testing.T) {
	cases := []struct {
		name   string
		regime lots.Regime
		now    string
		refuse bool
	}{
		{"PCR 2015 the day before", lots.PCR2015, "2025-02-23T23:59:00+00:00", false},
		{"PCR 2015 from midnight on 24 February 2025", lots.PCR2015, "2025-02-24T00:00:00+00:00", true},
		{"PCR 2015 in 2026", lots.PCR2015, "2026-03-01T09:00:00+00:00", true},
		{"the Act before its commencement", lots.PA2023, "2025-02-23T12:00:00+00:00", true},
		{"the Act from its commencement", lots.PA2023, "2025-02-24T00:00:00+00:00", false},
		{"the PSR any time", lots.PSR2024, "2026-03-01T09:00:00+00:00", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := lots.CheckRegime(c.regime, at(t, c.now))
			if (len(f) > 0) != c.refuse {
				t.Fatalf("CheckRegime(%s, %s) = %v, want refused %v", c.regime, c.now, f, c.refuse)
			}
			if c.refuse && f["regime"] == "" {
				t.Fatalf("the refusal names no reason: %v", f)
			}
		})
	}
}
