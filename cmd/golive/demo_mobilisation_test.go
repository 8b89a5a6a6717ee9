package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/database"
	demodata "golive/demo"
	"golive/evaluation"
	"golive/lots"
	"golive/mobilisation"
	"golive/tenants/access"
	"golive/ukclock"
)

// TestTheDemoMobilisesTheSeedsContracts runs `golive demo` as an operator would, then serves it
// on the demo's clock (GOLIVE_NOW at demodata.Moment, as `make run` does) and reads the
// mobilisation back through the service, as the leads and the providers see it: Luton and
// Bedfordshire live since 1 April 2017; Kent and Medway lot 1 mobilising, red, its forecast
// go-live moved, with the lead escalated to (in the inbox, and by email in the outbox); lot 2
// awarded to its first-ranked bidder and mobilising in three phases. A second run adds nothing.
func TestTheDemoMobilisesTheSeedsContracts(t *testing.T) {
	cfg, env, getenv := operatorEnv(t)
	ctx := context.Background()
	if out := runDemo(t, getenv); strings.Contains(out, "Left out") || !strings.Contains(out, "GOLIVE_NOW="+demodata.Moment) {
		t.Fatalf("demo output:\n%s", out)
	}
	// Loading it again finds every plan made and adds nothing.
	if again := runDemo(t, getenv); !strings.Contains(again, "Demo already loaded.") || strings.Contains(again, "Left out") {
		t.Fatalf("second demo:\n%s", again)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env["GOLIVE_NOW"] = demodata.Moment
	env["GOLIVE_BASE_URL"] = "http://" + ln.Addr().String()
	cfg, err = loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	go a.Fiber.Listener(ln)
	t.Cleanup(func() {
		_ = a.Fiber.ShutdownWithTimeout(5 * time.Second)
		a.Close()
	})
	srv := &server{URL: cfg.BaseURL, App: a}

	as := func(email string) (*access.Actor, context.Context) {
		t.Helper()
		u, err := a.Tenants.ActorByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u, database.WithTenant(ctx, u.OrgID)
	}
	// planOf is the plan of a contract as who sees it, as of the demo's moment.
	planOf := func(t *testing.T, email, contract string) mobilisation.PlanView {
		t.Helper()
		who, wctx := as(email)
		cards, err := a.Mob.Plans(wctx, who)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cards, func(c mobilisation.PlanCard) bool { return c.ContractReference == contract })
		if i < 0 {
			t.Fatalf("%s sees no plan for %s among %d", email, contract, len(cards))
		}
		v, err := a.Mob.PlanView(wctx, who, cards[i].PlanID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	day := func(tm time.Time) string { return tm.In(ukclock.London).Format("2006-01-02") }
	if today := day(a.Mob.Now()); today != "2019-02-11" {
		t.Fatalf("the service's clock reads %s, not the demo's day", today)
	}

	t.Run("Luton and Bedfordshire went live on 1 April 2017 after both CCGs' approvers signed go", func(t *testing.T) {
		v := planOf(t, "lead@bedfordshire-ccg.test", "LB-IUC-2016-01")
		if len(v.Phases) != 1 {
			t.Fatalf("%d phases", len(v.Phases))
		}
		ph := v.Phases[0]
		if ph.State != mobilisation.Live || ph.LiveAt == nil || day(*ph.LiveAt) != "2017-04-01" || ph.RAG != mobilisation.RAGDone {
			t.Fatalf("phase %q: %s, live at %v, %s", ph.Name, ph.State, ph.LiveAt, ph.RAG)
		}
		if len(v.Participants) != 2 || len(ph.Decisions) != len(v.Participants) {
			t.Fatalf("%d decisions from %d participants", len(ph.Decisions), len(v.Participants))
		}
		for _, d := range ph.Decisions {
			if d.Decision != mobilisation.Go || !slices.ContainsFunc(v.Participants, func(o mobilisation.OrgRef) bool { return o.ID == d.OrgID }) {
				t.Errorf("%s decided %s", d.OrgName, d.Decision)
			}
		}
		if len(v.Milestones) < 30 {
			t.Fatalf("%d milestones", len(v.Milestones))
		}
		for _, m := range v.Milestones {
			if m.AcceptedAt == nil || m.CompletedOn > m.DueOn || m.CompletedOn < day(v.Plan.CreatedAt) {
				t.Errorf("%q: accepted %v on %s, due %s", m.Title, m.AcceptedAt, m.CompletedOn, m.DueOn)
			}
		}
	})

	t.Run("Kent and Medway lot 1 is mobilising with late milestones red and the lead escalated to", func(t *testing.T) {
		const lead = "lead@medway-ccg.test"
		v := planOf(t, lead, "KM-IUCS-2018-L1")
		if len(v.Phases) != 1 {
			t.Fatalf("%d phases", len(v.Phases))
		}
		ph := v.Phases[0]
		if ph.GoLiveDay != "2019-04-01" || ph.State != mobilisation.Mobilising || ph.RAG != mobilisation.RAGRed ||
			ph.Outlook.SlipDays <= 0 || ph.Outlook.ForecastDay <= ph.GoLiveDay || ph.Ready {
			t.Fatalf("phase %q: go-live %s, %s, %s, forecast %s (%d days late), ready %v", ph.Name, ph.GoLiveDay, ph.State, ph.RAG,
				ph.Outlook.ForecastDay, ph.Outlook.SlipDays, ph.Ready)
		}
		red := map[string]mobilisation.MilestoneView{}
		done, waiting, evidenced := 0, 0, 0
		for _, m := range v.Milestones {
			if m.RAG == mobilisation.RAGRed && m.AcceptedAt == nil && m.DueOn < v.Today {
				red[m.ID] = m
			}
			if m.AcceptedAt != nil {
				done++
				if m.CompletedOn > m.DueOn {
					t.Errorf("%q was accepted late (%s, due %s): the demo accepts on time or not yet", m.Title, m.CompletedOn, m.DueOn)
				}
			}
			if m.CompletionRequestedAt != nil && m.AcceptedAt == nil {
				waiting++
			}
			if m.EvidenceCount > 0 {
				evidenced++
			}
			if m.Status == mobilisation.Blocked {
				t.Errorf("%q is blocked: the browser tests replay this plan from September 2018 and want it on time then", m.Title)
			}
		}
		if len(red) < 2 || done == 0 || waiting == 0 || evidenced == 0 {
			t.Fatalf("%d overdue and red, %d done, %d waiting for acceptance, %d with evidence", len(red), done, waiting, evidenced)
		}

		// The escalation, in the lead's inbox and in the outbox, about one of the red milestones.
		lu, lctx := as(lead)
		var inbox mobilisation.InboxView
		for page := 1; ; page++ {
			v, err := a.Mob.InboxPage(lctx, lu, page)
			if err != nil {
				t.Fatal(err)
			}
			inbox.Messages = append(inbox.Messages, v.Messages...)
			if v.Page >= v.Pages {
				break
			}
		}
		escalated := map[string]string{} // milestone title → subject
		for _, msg := range inbox.Messages {
			if !strings.HasPrefix(msg.Subject, "Escalation: ") {
				continue
			}
			for id, m := range red {
				if strings.HasSuffix(msg.Link, "/mobilisation/plans/"+v.Plan.ID+"/milestones/"+id) {
					escalated[m.Title] = msg.Subject
				}
			}
		}
		if len(escalated) == 0 {
			t.Fatalf("no escalation about a red milestone of lot 1 in the lead's inbox of %d messages", len(inbox.Messages))
		}
		owner := map[mobilisation.OwnerSide]bool{}
		for _, m := range red {
			owner[m.OwnerSide] = true
		}
		if !owner[mobilisation.Provider] || !owner[mobilisation.Commissioner] {
			t.Errorf("late milestones are all on one side: %v", owner)
		}
		pu, pctx := as("bids@weald-ambulance.test")
		pin, err := a.Mob.Inbox(pctx, pu)
		if err != nil {
			t.Fatal(err)
		}
		overdueMsg := regexp.MustCompile(`^(Overdue by \d+ days?: |\d+ milestones overdue, the longest by )`)
		if !slices.ContainsFunc(pin.Messages, func(m mobilisation.InboxMessage) bool { return overdueMsg.MatchString(m.Subject) }) {
			t.Errorf("the provider has no overdue reminder among %d messages", len(pin.Messages))
		}
		// Overdue reminders come one a day per person, however many of theirs are late (issue 14:
		// the lead had 72 messages about one milestone); escalations stay one per milestone.
		oneADay := func(who string, msgs []mobilisation.InboxMessage) {
			t.Helper()
			days := map[string]int{}
			for _, msg := range msgs {
				if overdueMsg.MatchString(msg.Subject) {
					days[mobilisation.DayOf(msg.CreatedAt)]++
				}
			}
			for day, n := range days {
				if n > 1 {
					t.Errorf("%s has %d overdue messages on %s, want one a day", who, n, day)
				}
			}
			t.Logf("%s: %d messages, %d of them overdue messages", who, len(msgs), len(days))
		}
		oneADay("the lead", inbox.Messages)
		oneADay("the provider", pin.Messages)
		// The provider's late milestones (TUPE, the HSCN line, CQC) are in one message, each linked.
		milestonePath := regexp.MustCompile(`(?m)^\s*/mobilisation/plans/` + v.Plan.ID + `/milestones/[0-9a-f-]{36}$`)
		if !slices.ContainsFunc(pin.Messages, func(m mobilisation.InboxMessage) bool {
			return strings.Contains(m.Subject, " milestones overdue, ") && len(milestonePath.FindAllString(m.Body, -1)) >= 2
		}) {
			t.Errorf("no overdue message of the provider lists several of lot 1's milestones with their links")
		}

		b := srv.browser(t)
		b.signIn("admin@golive.test")
		row := regexp.MustCompile(`<td class="nhsuk-table__cell">([^<]+)</td>\s*<td class="nhsuk-table__cell"><a href="[^"]+">([^<]+)</a>`)
		mailed := false
		for page := 1; page <= 100 && !mailed; page++ {
			status, body := b.get(fmt.Sprintf("/platform/outbox?page=%d", page))
			if status != 200 {
				break
			}
			for _, m := range row.FindAllStringSubmatch(body, -1) {
				subject := html.UnescapeString(m[2])
				for title := range escalated {
					if m[1] == lead && strings.HasPrefix(subject, "Escalation: "+title+" is ") {
						mailed = true
					}
				}
			}
		}
		if !mailed {
			t.Errorf("no escalation email to %s in the outbox about %v", lead, escalated)
		}
	})

	t.Run("Kent and Medway lot 2 is awarded to its first-ranked bid and mobilises in three phases", func(t *testing.T) {
		lead, lctx := as("lead@medway-ccg.test")
		d, err := demodata.Evaluations(ctx, a.demoServices())
		if err != nil || d.KentLot2 == "" {
			t.Fatalf("evaluation demo: %+v %v", d, err)
		}
		res, err := a.Eval.Results(lctx, lead, d.KentLot2)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(res.Results, func(r evaluation.Result) bool { return r.Rank == 1 })
		award, err := a.Award.Award(lctx, lead, d.KentLot2)
		if err != nil {
			t.Fatal(err)
		}
		c := award.Contract
		if i < 0 || c == nil || c.ContractReference != demodata.KentLot2Contract || c.ProviderOrgID != res.Results[i].Bidder ||
			day(c.StartDate) != "2019-04-01" || c.AwardedAt.In(ukclock.London).Year() != 2018 {
			t.Fatalf("lot 2's contract %+v; results %+v", c, res.Results)
		}

		v := planOf(t, "lead@medway-ccg.test", demodata.KentLot2Contract)
		var got []string
		for _, ph := range v.Phases {
			got = append(got, fmt.Sprintf("%s %d", ph.GoLiveDay, len(ph.LotPhaseIDs)))
		}
		// GP out of hours; Medway UTC; the Dartford, Gravesham and Swanley and Swale UTCs with the
		// Swale mobile facility (four lot phases), in go-live order.
		if want := []string{"2019-04-01 1", "2019-04-01 1", "2019-07-01 4"}; !slices.Equal(got, want) {
			t.Fatalf("phases %v, want %v", got, want)
		}
		proc, err := a.Lots.Procurement(lctx, lead, v.Plan.ProcurementID)
		if err != nil {
			t.Fatal(err)
		}
		lotPhase := map[string]lots.Phase{}
		for _, l := range proc.Lots {
			for _, p := range l.Phases {
				lotPhase[p.ID] = p
			}
		}
		services := func(ph mobilisation.PhaseView) []string {
			var out []string
			for _, id := range ph.LotPhaseIDs {
				out = append(out, lotPhase[id].Service)
			}
			slices.Sort(out)
			return out
		}
		if s := services(v.Phases[0]); !slices.Equal(s, []string{"gp_ooh"}) {
			t.Errorf("first phase: %v", s)
		}
		if s := services(v.Phases[1]); !slices.Equal(s, []string{"utc"}) || !strings.Contains(lotPhase[v.Phases[1].LotPhaseIDs[0]].Name, "Medway") {
			t.Errorf("second phase: %v", s)
		}
		if s := services(v.Phases[2]); !slices.Equal(s, []string{"mobile_unit", "utc", "utc", "utc"}) {
			t.Errorf("July phase: %v", s)
		}
		perPhase := map[string]int{}
		for _, m := range v.Milestones {
			perPhase[m.PhaseID]++
		}
		for _, ph := range v.Phases {
			if ph.State != mobilisation.Mobilising || perPhase[ph.ID] < 30 {
				t.Errorf("%q: %s with %d milestones", ph.Name, ph.State, perPhase[ph.ID])
			}
		}
	})
}
