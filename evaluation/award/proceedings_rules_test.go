package award_test

import (
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/evaluation/award"
	"golive/lots"
	"golive/ukclock"
)

func TestProceedingsCanBeRecordedOnlyUnderThePCRDuringTheAward(t *testing.T) {
	started := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for name, c := range map[string]struct {
		regime lots.Regime
		r      *award.Recommendation
		want   string // "" allowed; else part of the Conflict message
	}{
		"PCR in standstill":              {lots.PCR2015, &award.Recommendation{State: award.Standstill, StandstillStartedAt: &started}, ""},
		"PCR paused by a representation": {lots.PCR2015, &award.Recommendation{State: award.Paused, StandstillStartedAt: &started}, ""},
		"PSR in standstill":              {lots.PSR2024, &award.Recommendation{State: award.Standstill, StandstillStartedAt: &started}, "Provider Selection Regime"},
		"PCR with no recommendation":     {lots.PCR2015, nil, "once standstill has started"},
		"PCR awaiting the approvals":     {lots.PCR2015, &award.Recommendation{State: award.Pending}, "once standstill has started"},
		"PCR after the contract":         {lots.PCR2015, &award.Recommendation{State: award.Awarded, StandstillStartedAt: &started}, "already been entered into"},
	} {
		err := award.ProceedingsRecordable(c.regime, c.r)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", name, err)
		case c.want != "" && (!apperr.IsKind(err, apperr.Conflict) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want a conflict saying %q", name, err, c.want)
		}
	}
}

func TestTheDaysOfProceedingsAreNeitherInTheFutureNorTooEarly(t *testing.T) {
	london := ukclock.London
	started := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC) // 23:30 UTC on 10 March is still 10 March in London (GMT)
	bst := time.Date(2026, 7, 10, 23, 30, 0, 0, time.UTC) // but 00:30 on 11 July in London (BST)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, london).UTC() }
	for name, c := range []struct {
		notified, started, now time.Time
		want                   string
	}{
		{day(2026, 3, 2), started, now, ""},
		{day(2026, 3, 10), started, now, ""},
		{day(2026, 3, 11), started, now, "future"},
		{day(2026, 3, 1), started, now, "before standstill began"},
		{day(2026, 7, 11), started, bst, ""},
	} {
		if got := award.ProceedingsDayProblem(c.notified, c.started, c.now); (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("case %d: told on %s: %q, want %q", name, c.notified, got, c.want)
		}
	}
	notified := day(2026, 3, 5)
	for name, c := range map[string]struct {
		ended time.Time
		want  string
	}{
		"the same day":      {day(2026, 3, 5), ""},
		"today":             {day(2026, 3, 10), ""},
		"tomorrow":          {day(2026, 3, 11), "future"},
		"before the notice": {day(2026, 3, 4), "before the authority was told"},
	} {
		if got := award.SuspensionEndDayProblem(c.ended, notified, now); (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}

func TestProceedingsInputIsTrimmedAndCheckedBesideEachField(t *testing.T) {
	ok := award.ProceedingsInput{ClaimantOrgID: " 0191e2a4-0000-7000-8000-000000000001 ", NotifiedOn: " 2026-03-04 ",
		Court: "  Technology and Construction Court ", ClaimReference: " HT-2026-000123 ", Note: " served by email "}
	if f := award.CheckProceedings(&ok); f != nil {
		t.Fatalf("good input refused: %v", f)
	}
	if ok.Court != "Technology and Construction Court" || ok.ClaimReference != "HT-2026-000123" || ok.Note != "served by email" || ok.NotifiedOn != "2026-03-04" {
		t.Fatalf("not trimmed: %+v", ok)
	}
	for name, c := range map[string]struct {
		edit  func(*award.ProceedingsInput)
		field string
	}{
		"no claimant":          {func(in *award.ProceedingsInput) { in.ClaimantOrgID = "" }, "claimant_org_id"},
		"a claimant not an id": {func(in *award.ProceedingsInput) { in.ClaimantOrgID = "Weald" }, "claimant_org_id"},
		"no day":               {func(in *award.ProceedingsInput) { in.NotifiedOn = "" }, "notified_on"},
		"not a day":            {func(in *award.ProceedingsInput) { in.NotifiedOn = "4 March 2026" }, "notified_on"},
		"30 February":          {func(in *award.ProceedingsInput) { in.NotifiedOn = "2026-02-30" }, "notified_on"},
		"a blank court":        {func(in *award.ProceedingsInput) { in.Court = "   " }, "court"},
		"a court too long":     {func(in *award.ProceedingsInput) { in.Court = strings.Repeat("é", award.MaxCourt+1) }, "court"},
		"a blank reference":    {func(in *award.ProceedingsInput) { in.ClaimReference = " " }, "claim_reference"},
		"a reference too long": {func(in *award.ProceedingsInput) {
			in.ClaimReference = strings.Repeat("1", award.MaxClaimReference+1)
		}, "claim_reference"},
		"a reference with <>":    {func(in *award.ProceedingsInput) { in.ClaimReference = "HT<1>" }, "claim_reference"},
		"a reference with a tab": {func(in *award.ProceedingsInput) { in.ClaimReference = "HT\t1" }, "claim_reference"},
		"a note too long":        {func(in *award.ProceedingsInput) { in.Note = strings.Repeat("n", award.MaxProceedingNote+1) }, "note"},
	} {
		in := ok
		c.edit(&in)
		f := award.CheckProceedings(&in)
		if len(f) != 1 || f[c.field] == "" {
			t.Errorf("%s: messages %v, want one beside %s", name, f, c.field)
		}
	}
	for name, c := range map[string]struct {
		in    award.SuspensionEndInput
		field string
	}{
		"no day":       {award.SuspensionEndInput{How: award.SuspensionLifted}, "ended_on"},
		"a bad day":    {award.SuspensionEndInput{EndedOn: "2026-13-01", How: award.SuspensionLifted}, "ended_on"},
		"no way":       {award.SuspensionEndInput{EndedOn: "2026-03-04"}, "how"},
		"unknown way":  {award.SuspensionEndInput{EndedOn: "2026-03-04", How: "dismissed"}, "how"},
		"a long note":  {award.SuspensionEndInput{EndedOn: "2026-03-04", How: award.ProceedingsSettled, Note: strings.Repeat("n", award.MaxProceedingNote+1)}, "note"},
		"all is right": {award.SuspensionEndInput{EndedOn: " 2026-03-04 ", How: award.ProceedingsDetermined}, ""},
	} {
		f := award.CheckSuspensionEnd(&c.in)
		if (c.field == "" && f != nil) || (c.field != "" && (len(f) != 1 || f[c.field] == "")) {
			t.Errorf("%s: messages %v, want one beside %q", name, f, c.field)
		}
	}
}

func TestTheContractWaitsForEveryProceedingToEnd(t *testing.T) {
	notified := time.Date(2026, 3, 4, 0, 0, 0, 0, ukclock.London).UTC()
	ended := notified.Add(72 * time.Hour)
	how := award.SuspensionLifted
	open := func(id, org string) award.Proceeding {
		return award.Proceeding{ID: id, ClaimantOrgID: org, NotifiedOn: notified}
	}
	closed := func(id, org string) award.Proceeding {
		p := open(id, org)
		p.EndedOn, p.EndedHow = &ended, &how
		return p
	}
	names := map[string]string{"w": "Weald", "e": "Estuary"}
	for name, c := range map[string]struct {
		ps        []award.Proceeding
		suspended bool
		msg       string
	}{
		"none":                  {nil, false, ""},
		"one open":              {[]award.Proceeding{open("1", "w")}, true, "proceedings issued by Weald, notified on 4 March 2026, suspend it (PCR 2015 reg. 95)"},
		"one ended":             {[]award.Proceeding{closed("1", "w")}, false, ""},
		"the first of two open": {[]award.Proceeding{open("1", "w"), closed("2", "e")}, true, "proceedings issued by Weald, notified on 4 March 2026, suspend it"},
		"one of two open":       {[]award.Proceeding{closed("1", "w"), open("2", "e")}, true, "proceedings issued by Estuary, notified on 4 March 2026, suspend it"},
		"both open":             {[]award.Proceeding{open("1", "w"), open("2", "e")}, true, "issued by Weald, notified on 4 March 2026, and by Estuary, notified on 4 March 2026, suspend it"},
		"both ended":            {[]award.Proceeding{closed("1", "w"), closed("2", "e")}, false, ""},
	} {
		if got := award.ContractSuspended(c.ps); got != c.suspended {
			t.Errorf("%s: suspended %v, want %v", name, got, c.suspended)
		}
		got := award.SuspensionMessage(c.ps, names)
		if (c.msg == "") != (got == "") || !strings.Contains(got, c.msg) {
			t.Errorf("%s: message %q, want %q", name, got, c.msg)
		}
	}
}
