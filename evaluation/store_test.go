package evaluation_test

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/apperr"
	"golive/evaluation"
	"golive/lots"
	"golive/lots/lotstest"
)

// The narrow reads that moderation and results use must return what the lot's whole reads
// (Questions, Moderations, Consensus, Members, Sealed) return for the same rows.

func TestTheReadsOfOneQuestionAgreeWithTheReadsOfTheWholeLot(t *testing.T) {
	f := newFixture(t)
	w := f.scoredUpTo()
	f.moderate(w)
	_, lctx := f.as(leadEmail)
	st := f.svc.Store

	// Question: a question of the lot, and nothing of another lot or made up.
	q := lotstest.Must[lots.Question](t)(st.Question(lctx, w.l.ID, w.q["1.1"].ID))
	if !reflect.DeepEqual(q, w.q["1.1"]) {
		t.Fatalf("Question reads %+v, want %+v", q, w.q["1.1"])
	}
	_, err := st.Question(lctx, w.p.ID, w.q["1.1"].ID) // the procurement's id is no lot's
	lotstest.WantKind(t, err, apperr.NotFound, "a question read under another lot")
	_, err = st.Question(lctx, w.l.ID, w.l.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "a question that does not exist")

	// RankingQuestions: the lot's questions in the same order, without text, guidance, word
	// limit or panel.
	whole := lotstest.Must[[]lots.Question](t)(st.Questions(lctx, w.l.ID))
	ranking := lotstest.Must[[]lots.Question](t)(st.RankingQuestions(lctx, w.l.ID))
	if len(whole) != 4 || len(ranking) != len(whole) {
		t.Fatalf("%d ranking questions, %d questions", len(ranking), len(whole))
	}
	for i, q := range whole {
		if q.Text == "" || q.Panel == "" {
			t.Fatalf("question %s has no text or panel to leave out: %+v", q.Number, q)
		}
		q.Text, q.Guidance, q.WordLimit, q.Panel = "", "", 0, ""
		if !reflect.DeepEqual(ranking[i], q) {
			t.Fatalf("ranking question %d: %+v, want %+v", i, ranking[i], q)
		}
	}
	if got := lotstest.Must[[]lots.Question](t)(st.RankingQuestions(lctx, w.p.ID)); len(got) != 0 {
		t.Fatalf("the procurement's id reads questions %+v", got)
	}

	// ModerationStarted: the quality questions, not the price schedule.
	for num, want := range map[string]bool{"1.1": true, "1.2": true, "1.3": true, "2.1": false} {
		if got := lotstest.Must[bool](t)(st.ModerationStarted(lctx, w.l.ID, w.q[num].ID)); got != want {
			t.Fatalf("moderation of %s started: %v, want %v", num, got, want)
		}
	}

	// ModerationMarks: started as ModerationStarted says, with the marks every evaluator's own
	// read has of that question (without when they were recorded), by bidder then evaluator;
	// none before moderation starts.
	// ModerationMarks reads the marks aggregated into one text: rationales that look like its
	// separators, lengths and marks, in more bytes than characters, or empty, must come back
	// as they were.
	members := lotstest.Must[[]evaluation.PanelMember](t)(st.Members(lctx, w.l.ID))
	awkward := []string{"", ":", "3:1:0:12:", "café 💷 over\nlines", "0f1e2d3c:4b5a:::9:x", "sep\u2028par\u2029 <b>&</b> \"q\" \\", strings.Repeat("é", 300)}
	awkwardMarks := 0
	for i, sc := range lotstest.Must[[]evaluation.IndividualScore](t)(st.ScoresOf(lctx, w.l.ID, members[0].UserID)) {
		if sc.QuestionID != w.q["1.1"].ID && sc.QuestionID != w.q["1.2"].ID {
			continue
		}
		sc.Rationale = awkward[i%len(awkward)]
		if err := st.SaveScore(lctx, &sc); err != nil {
			t.Fatal(err)
		}
		awkwardMarks++
	}
	if awkwardMarks < 2 {
		t.Fatalf("%d marks given awkward rationales", awkwardMarks)
	}
	var every []evaluation.IndividualScore
	for _, m := range members {
		every = append(every, lotstest.Must[[]evaluation.IndividualScore](t)(st.ScoresOf(lctx, w.l.ID, m.UserID))...)
	}
	for num, started := range map[string]bool{"1.1": true, "1.2": true, "1.3": true, "2.1": false} {
		var want []evaluation.IndividualScore
		for _, sc := range every {
			if started && sc.QuestionID == w.q[num].ID {
				sc.RecordedAt = time.Time{}
				want = append(want, sc)
			}
		}
		slices.SortFunc(want, func(a, b evaluation.IndividualScore) int {
			return cmp.Or(strings.Compare(a.BidderOrgID, b.BidderOrgID), strings.Compare(a.UserID, b.UserID))
		})
		gotStarted, got, _, err := st.ModerationMarks(lctx, w.l.ID, w.q[num].ID)
		if err != nil {
			t.Fatal(err)
		}
		if gotStarted != started || len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("moderation marks of %s: started %v, %+v; want started %v, %+v", num, gotStarted, got, started, want)
		}
		if started && len(got) == 0 {
			t.Fatalf("moderation of %s has no marks to compare", num)
		}
	}

	// ModerationMarks's consensus is the lot's consensus of that question; ConsensusMarks the
	// lot's consensus without rationales.
	all := lotstest.Must[[]evaluation.Consensus](t)(st.Consensus(lctx, w.l.ID))
	if len(all) != 6 {
		t.Fatalf("%d consensus marks, want 6", len(all))
	}
	for _, num := range []string{"1.1", "1.2", "1.3", "2.1"} {
		want := slices.DeleteFunc(slices.Clone(all), func(c evaluation.Consensus) bool { return c.QuestionID != w.q[num].ID })
		_, _, got, err := st.ModerationMarks(lctx, w.l.ID, w.q[num].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("consensus of %s: %+v, want %+v", num, got, want)
		}
	}
	sameMarks := func(all []evaluation.Consensus, expect int) {
		t.Helper()
		marks := lotstest.Must[[]evaluation.Consensus](t)(st.ConsensusMarks(lctx, w.l.ID, expect))
		if len(marks) != len(all) {
			t.Fatalf("%d consensus marks, want %d", len(marks), len(all))
		}
		for i, c := range all {
			want := evaluation.Consensus{LotID: c.LotID, QuestionID: c.QuestionID, BidderOrgID: c.BidderOrgID, Score: c.Score, Passed: c.Passed}
			if !reflect.DeepEqual(marks[i], want) {
				t.Fatalf("consensus mark %d: %+v, want %+v", i, marks[i], want)
			}
		}
	}
	sameMarks(all, 2) // fewer than there are: the marks past those expected are allocated one by one
	// No lot: no marks.
	if got := lotstest.Must[[]evaluation.Consensus](t)(st.ConsensusMarks(lctx, w.p.ID, 4)); len(got) != 0 {
		t.Fatalf("marks of no lot: %+v", got)
	}
	sameMarks(all, len(all)) // as many as there are
	// A failed pass/fail mark and a score of zero read as themselves too (the fixture's
	// consensus passes every pass/fail question and scores above zero).
	changed := 0
	for _, c := range all {
		zero, failed := 0, false
		switch {
		case c.Passed != nil && *c.Passed:
			c.Passed = &failed
		case c.Score != nil && *c.Score > 0:
			c.Score = &zero
		default:
			continue
		}
		lotstest.OK(t, st.SaveConsensus(lctx, &c))
		changed++
	}
	all = lotstest.Must[[]evaluation.Consensus](t)(st.Consensus(lctx, w.l.ID))
	if changed < 2 || !slices.ContainsFunc(all, func(c evaluation.Consensus) bool { return c.Passed != nil && !*c.Passed }) {
		t.Fatalf("%d marks changed, to %+v", changed, all)
	}
	sameMarks(all, len(all))

	// PanelNames names the panel and nobody else.
	names := lotstest.Must[map[string]string](t)(st.PanelNames(lctx, w.l.ID))
	members = lotstest.Must[[]evaluation.PanelMember](t)(st.Members(lctx, w.l.ID))
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.UserID
	}
	want := lotstest.Must[map[string]string](t)(st.UserNames(lctx, ids))
	if len(members) != 3 || !reflect.DeepEqual(names, want) {
		t.Fatalf("panel names %v, want %v", names, want)
	}
	if got := lotstest.Must[map[string]string](t)(st.PanelNames(lctx, w.p.ID)); len(got) != 0 {
		t.Fatalf("a lot without a panel names %v", got)
	}
}

func TestThePriceEnvelopesOpenTogetherAndAloneAsEachOneDoes(t *testing.T) {
	f := newFixture(t)
	w := f.moderatedAndPriced()
	_, lctx := f.as(leadEmail)
	st := f.svc.Store

	bids := lotstest.Must[[]lots.Submission](t)(st.Bids(lctx, w.p.ID, w.l.ID))
	if len(bids) != 2 {
		t.Fatalf("%d bids, want 2", len(bids))
	}
	lotstest.OK(t, st.SealedPrices(lctx, bids))
	for _, b := range bids {
		whole := b
		lotstest.OK(t, st.Sealed(lctx, &whole))
		if len(b.PriceSealed) == 0 || !slices.Equal(b.PriceSealed, whole.PriceSealed) {
			t.Fatalf("SealedPrices filled %d bytes, Sealed %d", len(b.PriceSealed), len(whole.PriceSealed))
		}
		if len(b.AnswersSealed) != 0 {
			t.Fatal("SealedPrices read the answers envelope")
		}
	}
	lotstest.OK(t, st.SealedPrices(lctx, nil))
	gone := []lots.Submission{{ID: w.l.ID}}
	if err := st.SealedPrices(lctx, gone); err == nil {
		t.Fatal("SealedPrices of a submission that does not exist gave no error")
	}

	// One opening for every bid gives what opening each does.
	schedules := lotstest.Must[[][]lots.PriceYear](t)(f.lots.OpenedPriceSchedules(lctx, w.p, bids))
	for i, b := range bids {
		whole := b
		lotstest.OK(t, st.Sealed(lctx, &whole))
		one := lotstest.Must[[]lots.PriceYear](t)(f.lots.OpenedPrices(lctx, w.p, whole))
		if len(one) != 2 || !reflect.DeepEqual(schedules[i], one) {
			t.Fatalf("bid %d: %+v together, %+v alone", i, schedules[i], one)
		}
	}
	// A bid of another procurement is refused, even among this one's.
	stray := slices.Clone(bids)
	stray[1].ProcurementID = w.l.ID
	_, err := f.lots.OpenedPriceSchedules(lctx, w.p, stray)
	lotstest.WantKind(t, err, apperr.Forbidden, "opening a bid of another procurement")
	// An envelope moved to another bid does not open.
	swapped := slices.Clone(bids)
	swapped[0].PriceSealed, swapped[1].PriceSealed = bids[1].PriceSealed, bids[0].PriceSealed
	if _, err := f.lots.OpenedPriceSchedules(lctx, w.p, swapped); err == nil {
		t.Fatal("a price envelope opened on another bid")
	}
}

func TestTheLeadFindsNoModerationOfThePriceScheduleOrOfAMadeUpQuestion(t *testing.T) {
	f := newFixture(t)
	w := f.scoredUpTo()
	lead, lctx := f.as(leadEmail)
	for what, id := range map[string]string{"the price schedule": w.q["2.1"].ID, "a made-up question": w.p.ID, "not an id": "1.1"} {
		_, err := f.svc.Moderation(lctx, lead, w.l.ID, id)
		lotstest.WantKind(t, err, apperr.NotFound, "moderation of "+what)
	}
}
