package mobilisation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/database/dbtest"
)

// The daily overdue message (issue 14 item 4): one a day per person, listing every milestone of
// theirs still overdue when it is sent; escalations stay one per milestone.

func TestComposeOverdueListsEveryOverdueMilestoneInOneMessage(t *testing.T) {
	to := recipient{ID: "u1", Name: "Olu Owner", Email: "olu@estuary.test", Active: true}
	const today = "2019-03-19"
	item := func(id, title, due string) digestItem {
		return digestItem{PlanID: "plan-" + id, MilestoneID: "m-" + id, Title: title, DueOn: due,
			PlanName: "Lot " + id + ": Integrated urgent care (KM-IUCS-2018-L" + id + ")", PhaseName: "GP out of hours", Owned: true}
	}
	three := []digestItem{
		item("1", "Sign information sharing agreement", "2019-03-14"),
		item("2", "Register with CQC", "2019-03-16"),
		item("3", "Recruit call handlers", "2019-03-18"),
	}
	tests := []struct {
		name        string
		items       []digestItem
		more        int
		ok          bool
		subject     string
		says        []string
		linksInBody int
	}{
		{name: "nothing overdue any more: no message", items: nil, ok: false},
		{name: "one milestone: named in the subject", items: three[:1], ok: true,
			subject: "Overdue by 5 days: Sign information sharing agreement",
			says: []string{"Hello Olu Owner,", "A milestone of yours is overdue on Tuesday 19 March 2019.",
				"- Sign information sharing agreement: 5 days overdue (due Thursday 14 March 2019)",
				"Lot 1: Integrated urgent care (KM-IUCS-2018-L1), GP out of hours", "{base}/mobilisation/plans/plan-1/milestones/m-1",
				"cannot be turned off"},
			linksInBody: 1},
		{name: "three milestones: one message listing all three", items: three, ok: true,
			subject: "3 milestones overdue, the longest by 5 days",
			says: []string{"3 milestones of yours are overdue on Tuesday 19 March 2019.",
				"- Sign information sharing agreement: 5 days overdue (due Thursday 14 March 2019)",
				"- Register with CQC: 3 days overdue (due Saturday 16 March 2019)",
				"- Recruit call handlers: 1 day overdue (due Monday 18 March 2019)",
				"Lot 1: Integrated urgent care (KM-IUCS-2018-L1)", "Lot 2: Integrated urgent care (KM-IUCS-2018-L2)",
				"Lot 3: Integrated urgent care (KM-IUCS-2018-L3)",
				"{base}/mobilisation/plans/plan-1/milestones/m-1", "{base}/mobilisation/plans/plan-2/milestones/m-2",
				"{base}/mobilisation/plans/plan-3/milestones/m-3"},
			linksInBody: 3},
		{name: "more than are listed: counted", items: three, more: 7, ok: true,
			subject:     "10 milestones overdue, the longest by 5 days",
			says:        []string{"10 milestones of yours are overdue", "And 7 more, not listed here"},
			linksInBody: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, ok := composeOverdue(tc.items, tc.more, to, today)
			if ok != tc.ok {
				t.Fatalf("composeOverdue ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				if msg != (message{}) {
					t.Errorf("no message wanted, got %+v", msg)
				}
				return
			}
			if msg.Subject != tc.subject {
				t.Errorf("subject %q, want %q", msg.Subject, tc.subject)
			}
			for _, want := range tc.says {
				if !strings.Contains(msg.Body, want) {
					t.Errorf("the message does not say %q:\n%s", want, msg.Body)
				}
			}
			if n := strings.Count(msg.Body, "{base}/mobilisation/plans/"); n != tc.linksInBody {
				t.Errorf("%d milestone links in the message, want %d", n, tc.linksInBody)
			}
			// By email every link is in full; in the inbox each is a link named by its milestone.
			mail := msg.emailText("https://golive.example.nhs.uk")
			if strings.Contains(mail, "{") || strings.Count(mail, "https://golive.example.nhs.uk/mobilisation/plans/") != tc.linksInBody {
				t.Errorf("the email's links are not whole:\n%s", mail)
			}
			var abouts []string
			for _, para := range inboxItem(InboxMessage{Subject: msg.Subject, Body: msg.inboxText()}).Paragraphs {
				for _, l := range para {
					if l.Href != "" {
						if !strings.HasPrefix(l.Href, "/mobilisation/plans/") {
							t.Errorf("inbox link %q is not a milestone's path", l.Href)
						}
						abouts = append(abouts, l.About)
					}
				}
			}
			var titles []string
			for _, it := range tc.items {
				titles = append(titles, fmt.Sprintf("%s: %s overdue (due %s)", it.Title, days(OverdueDays(it.DueOn, today)), ukLongDay(it.DueOn)))
			}
			if !slices.Equal(abouts, titles) {
				t.Errorf("the inbox's links are about %q, want one per milestone, %q", abouts, titles)
			}
		})
	}
}

func TestOverdueAppliesOnlyOnItsOwnDay(t *testing.T) {
	mid := "m-1"
	day := Reminder{Kind: Overdue, Key: overdueKey("2019-03-19", "u1"), SendAt: ReminderSendAt("2019-03-19", reminderHour)}
	legacy := day
	legacy.MilestoneID = &mid
	for _, tc := range []struct {
		name  string
		r     Reminder
		today string
		ok    bool
	}{
		{"on its day", day, "2019-03-19", true},
		{"found the next day: today's replaces it", day, "2019-03-20", false},
		{"one per milestone, from before they were collapsed", legacy, "2019-03-19", false},
	} {
		if ok, why := overdueApplies(tc.r, tc.today); ok != tc.ok || (!ok && why == "") {
			t.Errorf("%s: overdueApplies = %v, %q; want %v (and a reason when not)", tc.name, ok, why, tc.ok)
		}
	}
}

// sendDay runs the day's scans at at and sends every reminder due then, as a worker would, and
// returns the mails it queued, by recipient.
func sendDay(t *testing.T, w *world, at time.Time) map[string][]struct{ Subject, BodyText string } {
	t.Helper()
	r := &Reminders{Store: w.store, Queue: &recordingQueue{}, BaseURL: "https://golive.example.nhs.uk",
		Now: func() time.Time { return at }, Log: quiet}
	scanDay(t, r)
	var due []string
	w.db.Gorm.Raw(`SELECT id FROM reminders WHERE state = 'scheduled' AND send_at <= ?`, at).Scan(&due)
	out := map[string][]struct{ Subject, BodyText string }{}
	for _, id := range due {
		mailID, err := r.SendOnce(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if mailID == "" {
			continue
		}
		var m struct{ ToAddr, Subject, BodyText string }
		w.db.Gorm.Raw(`SELECT to_addr, subject, body_text FROM mail_messages WHERE id = ?`, mailID).Scan(&m)
		out[m.ToAddr] = append(out[m.ToAddr], struct{ Subject, BodyText string }{m.Subject, m.BodyText})
	}
	return out
}

func TestAPersonWithThreeOverdueMilestonesGetsOneMessageADayAndEscalationsStayOneEach(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	w := newWorld(t, db, 1)
	o := w.owners[0]
	made := uk("2019-03-01 10:00")
	ms := []Milestone{
		w.milestone(t, "Sign information sharing agreement", "2019-03-14", o, false, made),
		w.milestone(t, "Register with CQC", "2019-03-16", o, false, made),
		w.milestone(t, "Recruit call handlers", "2019-03-18", o, false, made),
	}
	// The due reminders before each due day went out in their time: not what this test is about.
	db.Gorm.Exec(`UPDATE reminders SET state = 'sent' WHERE kind = 'due'`)

	// Tuesday and Wednesday (no Monday digest), at 09:30.
	for _, d := range []struct {
		day         string
		overdue     []string
		escalations []string
	}{
		{"2019-03-19", []string{"5 days", "3 days", "1 day"}, []string{
			"Escalation: Sign information sharing agreement is 5 days overdue", "Escalation: Register with CQC is 3 days overdue"}},
		{"2019-03-20", []string{"6 days", "4 days", "2 days"}, nil},
	} {
		got := sendDay(t, w, uk(d.day+" 09:30"))
		om := got[o.Email]
		if len(om) != 1 {
			t.Fatalf("%s: the owner got %d messages, want one listing the three: %+v", d.day, len(om), om)
		}
		if want := fmt.Sprintf("3 milestones overdue, the longest by %s", d.overdue[0]); om[0].Subject != want {
			t.Errorf("%s: subject %q, want %q", d.day, om[0].Subject, want)
		}
		for i, m := range ms {
			for _, want := range []string{
				fmt.Sprintf("- %s: %s overdue", m.Title, d.overdue[i]),
				"https://golive.example.nhs.uk" + milestoneLink(w.plan.ID, m.ID),
			} {
				if !strings.Contains(om[0].BodyText, want) {
					t.Errorf("%s: the owner's message does not say %q:\n%s", d.day, want, om[0].BodyText)
				}
			}
		}
		if !strings.Contains(om[0].BodyText, "Lot 1: Integrated urgent care (KM-IUCS-2018-L1), GP out of hours") {
			t.Errorf("%s: the message does not name the plan and contract:\n%s", d.day, om[0].BodyText)
		}
		var lm []string
		for _, m := range got[w.lead.Email] {
			lm = append(lm, m.Subject)
		}
		slices.Sort(lm)
		want := slices.Clone(d.escalations)
		slices.Sort(want)
		if !slices.Equal(lm, want) {
			t.Errorf("%s: the lead got %q; want each escalation on its own, %q", d.day, lm, want)
		}
	}
	var inbox int64
	db.Gorm.Raw(`SELECT count(*) FROM inbox_messages WHERE user_id = ?`, o.ID).Scan(&inbox)
	if inbox != 2 {
		t.Errorf("the owner's inbox holds %d messages after two days, want 2", inbox)
	}

	// Thursday: the day's message is written at dawn, and by 09:00 all three were accepted as
	// done. Nothing is sent, and the reminder says why it was not.
	r := &Reminders{Store: w.store, Queue: &recordingQueue{}, Now: func() time.Time { return uk("2019-03-21 06:00") }, Log: quiet}
	scanDay(t, r)
	for _, m := range ms {
		at := uk("2019-03-21 08:00")
		w.change(t, m, at, func(m *Milestone) { m.Status, m.AcceptedAt, m.CompletedOn = Done, &at, "2019-03-21" })
	}
	if got := sendDay(t, w, uk("2019-03-21 09:30")); len(got) != 0 {
		t.Errorf("with nothing overdue any more, mail went out: %+v", got)
	}
	var thursday Reminder
	if err := db.Gorm.Where("key = ?", overdueKey("2019-03-21", o.ID)).Take(&thursday).Error; err != nil {
		t.Fatalf("Thursday's overdue reminder was not written at dawn: %v", err)
	}
	if thursday.State != Cancelled || thursday.MailID != "" {
		t.Errorf("Thursday's overdue reminder is %s with mail %q; want cancelled with none", thursday.State, thursday.MailID)
	}
}
