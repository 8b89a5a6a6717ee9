package demo

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"golive/mobilisation"
	"golive/tenants/access"
	"golive/ukclock"
)

// The mobilisation of the seeds' contracts, replayed through the mobilisation service on a clock
// that walks from each contract award, with the reminder scan run every day at 09:00 as the
// worker would have run it, so that the plans, notes, evidence, acceptances, reminders,
// escalations and go-live went through every rule and left a true audit trail:
//
//   - Luton and Bedfordshire (North Downs GP Federation, from 1 April 2017): the plan made on the
//     award in November 2016, the milestones the template dates before the award re-dated by the
//     lead, every milestone done and accepted on time, go signed by both CCGs' approvers, and the
//     service live on 1 April 2017.
//   - Kent and Medway lot 1 (Weald Ambulance Service, NHS 111 and CAS from 1 April 2019):
//     mobilising at Moment. Most milestones were reported, evidenced and accepted on time; the
//     handover from the outgoing provider (the lead's), TUPE, the Ashford HSCN line and CQC
//     registration are late, so the phase is red with its forecast go-live moved, the owners have
//     had a daily overdue message each and the lead the escalations; one milestone waits for acceptance.
//   - Kent and Medway lot 2 (UTCs and GP-led out of hours): awarded here first (awardKentLot2)
//     to contract KM-IUCS-2018-L2; its plan has three phases (GP out of hours and Medway UTC on
//     1 April 2019, the Dartford, Gravesham and Swanley and Swale UTCs on 1 July 2019). The April
//     phases are on track; the July one is red, its forecast moved by a site survey at Sheppey
//     blocked by asbestos, which the premises wait for.

// Mobilised is what Mobilisation made or found.
type Mobilised struct {
	Loaded           bool     // something was added this time
	Skipped          []string // what was left out, and why
	KentLot2Contract *Contract
}

// mobilising is the mobilisation part of the replay: the events still to come, and the worker's
// reminder jobs run on the replay's clock.
type mobilising struct {
	*replay
	rem      *mobilisation.Reminders
	queue    *queue
	nextScan time.Time
	events   []event
	seq      int
}

// Mobilisation mobilises the demo's contracts (ev, from Evaluations), awarding Kent and Medway
// lot 2 first. A plan that exists already is left as it is, so running it again does nothing.
func Mobilisation(ctx context.Context, s Services, ev Evaluated) (Mobilised, error) {
	d := &mobilising{replay: newReplay(ctx, s, "mobilisation"), queue: &queue{mail: s.Mob.Mail}}
	// The demo stands in for the worker here: it runs the reminder scan and sends on the replay's
	// clock, each morning of 2016-2019 in turn, with a queue that hands the send tasks straight
	// back (a clock-travel seam: the worker's own scheduler only ever runs now).
	d.rem = &mobilisation.Reminders{Store: s.Mob.Store, Queue: d.queue, BaseURL: s.Mob.BaseURL, Now: d.mob.Now, Log: s.Mob.Log}
	var out Mobilised

	if ev.LutonContract != nil {
		if from, ok := d.plan(&out, "Luton and Bedfordshire", ev.Luton, demoBedsLead, ev.LutonContract, d.mobiliseLutonAndBedfordshire); ok {
			d.play(from, london("2017-04-01 12:00"))
			out.Loaded = out.Loaded || d.err == nil
		}
	}

	out.KentLot2Contract = d.awardKentLot2(&out, ev.KentLot2)
	var starts []time.Time
	if ev.KentLot1Contract != nil {
		if from, ok := d.plan(&out, "Kent and Medway lot 1", ev.KentLot1, demoKentLead, ev.KentLot1Contract, d.mobiliseKentLot1); ok {
			starts = append(starts, from)
		}
	}
	if out.KentLot2Contract != nil {
		if from, ok := d.plan(&out, "Kent and Medway lot 2", ev.KentLot2, demoKentLead, out.KentLot2Contract, d.mobiliseKentLot2); ok {
			starts = append(starts, from)
		}
	}
	if len(starts) > 0 {
		moment, _ := time.Parse(time.RFC3339, Moment)
		d.play(slices.MinFunc(starts, func(a, b time.Time) int { return a.Compare(b) }), moment)
		out.Loaded = out.Loaded || d.err == nil
	}
	if d.err != nil {
		return Mobilised{}, d.err
	}
	return out, nil
}

// longDay is how the demo's people write a day: "Friday 5 April 2019".
func longDay(t time.Time) string { return t.In(ukclock.London).Format("Monday 2 January 2006") }

// The demo's providers' bid teams and the approvers of the commissioners in the demo's lots,
// by organisation name (People).
var (
	demoBidTeams = map[string]string{
		"Weald Ambulance Service NHS Trust": "bids@weald-ambulance.test", "Estuary Urgent Care CIC": "bids@estuary-urgent-care.test",
		"North Downs GP Federation": "bids@north-downs-gp.test", "Channel Coast Health Partnership": "bids@channel-coast-health.test",
	}
	demoApprovers = map[string]string{"NHS Luton CCG": "approver@luton-ccg.test", "NHS Bedfordshire CCG": "approver@bedfordshire-ccg.test"}
)

// event is something a person does at a moment.
type event struct {
	at   time.Time
	seq  int
	what string
	do   func() error
}

// queue stands in for Redis between the demo's scan and its sends: the scan enqueues a send
// task per batch of due reminders, and the demo runs each straight away through the task's handler, as a
// worker would; mail goes to the real mail queue.
type queue struct {
	mail  mobilisation.MailQueue
	mu    sync.Mutex // the scan enqueues a few at a time
	tasks []*asynq.Task
}

func (q *queue) Enqueue(_ context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tasks = append(q.tasks, t)
	return &asynq.TaskInfo{Type: t.Type()}, nil
}

// take hands over the tasks enqueued so far.
func (q *queue) take() []*asynq.Task {
	q.mu.Lock()
	defer q.mu.Unlock()
	tasks := q.tasks
	q.tasks = nil
	return tasks
}

func (q *queue) EnqueueMail(ctx context.Context, id string) error {
	if q.mail == nil {
		return nil // the outbox sweep sends it
	}
	return q.mail.EnqueueMail(ctx, id)
}

func (q *queue) EnqueueMails(ctx context.Context, ids []string) error {
	for _, id := range ids {
		if err := q.EnqueueMail(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// add schedules f at t; events at the same moment run in the order added.
func (d *mobilising) add(t time.Time, what string, f func() error) {
	d.seq++
	d.events = append(d.events, event{at: t, seq: d.seq, what: what, do: f})
}

// play runs the events in time order up to until, running the day's reminder scan at 09:00 UK
// time on every day on the way; events later than until are dropped (they have not happened).
// An event may add more.
func (d *mobilising) play(from, until time.Time) {
	d.nextScan = mobilisation.DailySendAt(mobilisation.DayOf(from))
	if d.nextScan.Before(from) {
		d.nextScan = mobilisation.DailySendAt(mobilisation.AddDays(mobilisation.DayOf(from), 1))
	}
	for d.err == nil {
		i := -1
		for j, e := range d.events {
			if !e.at.After(until) && (i < 0 || e.at.Before(d.events[i].at) || (e.at.Equal(d.events[i].at) && e.seq < d.events[i].seq)) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		e := d.events[i]
		d.events = slices.Delete(d.events, i, i+1)
		d.scanUntil(e.at)
		d.clock = e.at
		d.do(e.what, e.do)
	}
	d.scanUntil(until)
	d.clock = until
	d.events = nil
}

// scanUntil runs the daily reminder scans due by t.
func (d *mobilising) scanUntil(t time.Time) {
	for d.err == nil && !d.nextScan.After(t) {
		d.clock = d.nextScan
		d.do("reminder scan at "+d.clock.Format(time.RFC3339), d.scan)
		d.nextScan = mobilisation.DailySendAt(mobilisation.AddDays(mobilisation.DayOf(d.nextScan), 1))
	}
}

// scan is what the worker does on the scheduler's ticks at 09:00: the scan task (again a minute
// later while the day's writes are not all done, as the next minute's scan would), then each send
// task it enqueued.
func (d *mobilising) scan() error {
	for i := 0; ; i++ {
		res, err := d.rem.ScanOnce(d.ctx)
		if err != nil {
			return err
		}
		if res.Written || i == 10 {
			break
		}
		d.clock = d.clock.Add(time.Minute)
	}
	for _, t := range d.queue.take() {
		if err := d.rem.SendBatch(d.ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// --- a plan and its milestones ---

// demoPlan is a plan being replayed, as its lead and its provider's bid team work on it.
type demoPlan struct {
	name             string
	plan             mobilisation.Plan
	made             time.Time
	lead, provider   *access.Actor
	leadCtx, provCtx context.Context
	phases           []mobilisation.PhaseView
	participants     []mobilisation.OrgRef
	providerName     string
	milestones       map[string]mobilisation.Milestone // by "<phase index>/<template key>"
	scripted         map[string]bool                   // what the plan's own story looks after
}

func mkey(phase int, key string) string { return fmt.Sprintf("%d/%s", phase, key) }

// plan schedules the making of a lot's plan just after its contract award, as the award's hook
// makes it, and then the plan's story; ok is false when the lot has a plan already (left as it
// is; one made long after its award, by an older demo on the real clock, is said so in Skipped).
func (d *mobilising) plan(out *Mobilised, name, lotID, leadEmail string, c *Contract, story func(*demoPlan)) (time.Time, bool) {
	if d.err != nil || lotID == "" {
		return time.Time{}, false
	}
	lead, lctx := d.as(leadEmail)
	existing, err := d.mob.PlanOfLot(lctx, lead, lotID)
	if err != nil {
		d.fail(name+": plan", err)
		return time.Time{}, false
	}
	if existing != nil {
		if existing.CreatedAt.After(c.AwardedAt.Add(24 * time.Hour)) {
			out.Skipped = append(out.Skipped, fmt.Sprintf("%s's mobilisation: its plan was made on %s, long after the award, "+
				"by an earlier version of the demo; load the demo into an empty data directory to see it mobilising",
				name, existing.CreatedAt.In(ukclock.London).Format("2 January 2006")))
		}
		return time.Time{}, false
	}
	made := c.AwardedAt.Add(5 * time.Minute)
	d.add(made, name+": make the plan", func() error {
		lead, lctx := d.as(leadEmail)
		p, _, err := d.mob.EnsurePlan(lctx, lead, lotID, "")
		if err != nil {
			return err
		}
		dp := &demoPlan{name: name, plan: p, made: d.clock, lead: lead, leadCtx: lctx, scripted: map[string]bool{}}
		if err := d.load(dp); err != nil {
			return err
		}
		email, ok := demoBidTeams[dp.providerName]
		if !ok {
			return fmt.Errorf("no demo bid team for the provider %q", dp.providerName)
		}
		dp.provider, dp.provCtx = d.as(email)
		story(dp)
		return nil
	})
	return made, true
}

// load reads the plan as its lead sees it: phases in go-live order and milestones by key.
func (d *mobilising) load(dp *demoPlan) error {
	v, err := d.mob.PlanView(dp.leadCtx, dp.lead, dp.plan.ID)
	if err != nil {
		return err
	}
	dp.phases, dp.participants, dp.providerName = v.Phases, v.Participants, v.ProviderName
	index := map[string]int{}
	for i, ph := range v.Phases {
		index[ph.ID] = i
	}
	dp.milestones = map[string]mobilisation.Milestone{}
	for _, m := range v.Milestones {
		dp.milestones[mkey(index[m.PhaseID], m.TemplateKey)] = m.Milestone
	}
	return nil
}

// script takes a milestone out of the usual course, for the plan's own story; ok is false when
// the plan's template has no such milestone.
func (dp *demoPlan) script(phase int, key string) (mobilisation.Milestone, bool) {
	m, ok := dp.milestones[mkey(phase, key)]
	if ok {
		dp.scripted[mkey(phase, key)] = true
	}
	return m, ok
}

// owner is who works on a milestone: the provider's bid team or the lead.
func (dp *demoPlan) owner(m mobilisation.Milestone) (*access.Actor, context.Context) {
	if m.OwnerSide == mobilisation.Provider {
		return dp.provider, dp.provCtx
	}
	return dp.lead, dp.leadCtx
}

func (d *mobilising) progress(dp *demoPlan, m mobilisation.Milestone, at time.Time, status mobilisation.Status, note string) {
	d.add(at, fmt.Sprintf("%s: progress on %s", dp.name, m.Title), func() error {
		a, ctx := dp.owner(m)
		_, err := d.mob.ReportProgress(ctx, a, dp.plan.ID, m.ID, mobilisation.ProgressInput{Status: status, Note: note})
		return err
	})
}

func (d *mobilising) evidence(dp *demoPlan, m mobilisation.Milestone, at time.Time, name string) {
	phase := ""
	for _, ph := range dp.phases {
		if ph.ID == m.PhaseID {
			phase = ph.Name
		}
	}
	content := demoEvidence(name, dp.plan.ContractReference, dp.providerName, phase)
	d.add(at, fmt.Sprintf("%s: evidence %s", dp.name, name), func() error {
		a, ctx := dp.owner(m)
		_, err := d.mob.AddEvidence(ctx, a, dp.plan.ID, m.ID, name, content)
		return err
	})
}

func (d *mobilising) ask(dp *demoPlan, m mobilisation.Milestone, at time.Time, note string) {
	d.add(at, fmt.Sprintf("%s: ask to accept %s", dp.name, m.Title), func() error {
		_, err := d.mob.RequestCompletion(dp.provCtx, dp.provider, dp.plan.ID, m.ID, mobilisation.CompletionInput{Note: note})
		return err
	})
}

func (d *mobilising) accept(dp *demoPlan, m mobilisation.Milestone, at time.Time, note string) {
	d.add(at, fmt.Sprintf("%s: accept %s", dp.name, m.Title), func() error {
		_, err := d.mob.Accept(dp.leadCtx, dp.lead, dp.plan.ID, m.ID, mobilisation.AcceptInput{Note: note})
		return err
	})
}

// workday is the working day on or before a UK day: a due day on a weekend is worked to on
// the Friday.
func workday(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	switch t.Weekday() {
	case time.Saturday:
		return mobilisation.AddDays(day, -1)
	case time.Sunday:
		return mobilisation.AddDays(day, -2)
	}
	return day
}

func dayAt(day, hm string) time.Time { return london(day + " " + hm) }

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// onTime is the usual course of a milestone: its owner starts three weeks before it is due; a
// provider's team attaches its evidence and asks for acceptance a few days before; the lead
// accepts it two days before the due day, or a commissioner's milestone on its own note. What
// falls after the end of the replay has not happened yet.
func (d *mobilising) onTime(dp *demoPlan, m mobilisation.Milestone) {
	n := noteOf(m)
	start := latest(dayAt(workday(mobilisation.AddDays(m.DueOn, -21)), "10:00"), dp.made.Add(time.Hour))
	d.progress(dp, m, start, mobilisation.InProgress, n.start)
	ask := start
	if m.OwnerSide == mobilisation.Provider {
		if n.evidence != "" {
			ev := latest(dayAt(workday(mobilisation.AddDays(m.DueOn, -4)), "14:00"), start.Add(time.Hour))
			d.evidence(dp, m, ev, n.evidence)
			ask = ev
		}
		ask = latest(dayAt(workday(mobilisation.AddDays(m.DueOn, -3)), "15:30"), ask.Add(time.Hour))
		d.ask(dp, m, ask, n.done)
		acc := latest(dayAt(workday(mobilisation.AddDays(m.DueOn, -2)), "11:00"), ask.Add(2*time.Hour))
		d.accept(dp, m, acc, fmt.Sprintf("Checked against the evidence at the mobilisation board on %s.", longDay(acc)))
		return
	}
	d.accept(dp, m, latest(dayAt(workday(mobilisation.AddDays(m.DueOn, -2)), "11:00"), start.Add(2*time.Hour)), n.done)
}

// routine gives every milestone the story does not look after its usual course, from the plan
// as it stands (after any re-dating).
func (d *mobilising) routine(dp *demoPlan) error {
	if err := d.load(dp); err != nil {
		return err
	}
	keys := make([]string, 0, len(dp.milestones))
	for k := range dp.milestones {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !dp.scripted[k] {
			d.onTime(dp, dp.milestones[k])
		}
	}
	return nil
}

// --- Luton and Bedfordshire: mobilised in 2016–17, live on 1 April 2017 ---

// lutonRedates are the milestones the default template dates before the award of 1 November
// 2016 (its offsets assume six months of mobilisation; this one had five): the lead re-dates
// them into November, in the order of their dependencies.
var lutonRedates = []struct{ key, due string }{
	{"contract_signed", "2016-11-04"}, {"mobilisation_board", "2016-11-11"}, {"tupe_information", "2016-11-11"},
	{"mobilisation_plan", "2016-11-18"}, {"tupe_consultation", "2016-11-25"}, {"site_surveys", "2016-11-25"},
	{"workforce_model", "2016-11-30"},
}

func (d *mobilising) mobiliseLutonAndBedfordshire(dp *demoPlan) {
	for _, r := range lutonRedates {
		m, ok := dp.milestones[mkey(0, r.key)]
		if !ok {
			continue
		}
		due := r.due
		d.add(dp.made.Add(25*time.Minute), dp.name+": re-date "+m.Title, func() error {
			_, err := d.mob.EditMilestone(dp.leadCtx, dp.lead, dp.plan.ID, m.ID, mobilisation.MilestoneChange{DueOn: &due})
			return err
		})
	}
	if m, ok := dp.script(0, "go_no_go"); ok {
		n := noteOf(m)
		d.progress(dp, m, london("2017-03-06 10:00"), mobilisation.InProgress, n.start)
		d.accept(dp, m, london("2017-03-23 10:00"), "Both governing bodies' approvers signed go, on 21 and 22 March 2017.")
	}
	if len(dp.phases) > 0 {
		ph := dp.phases[0]
		for i, o := range dp.participants {
			email, ok := demoApprovers[o.Name]
			if !ok {
				continue
			}
			at := london("2017-03-21 17:30").Add(time.Duration(i) * 24 * time.Hour)
			reason := fmt.Sprintf("%s's governing body is assured: every critical milestone accepted, the readiness review held on 20 March, "+
				"and the outgoing out-of-hours providers' handover confirmed.", o.Name)
			d.add(at, dp.name+": go/no-go by "+email, func() error {
				a, ctx := d.as(email)
				// The go/no-go milestone is critical and is accepted only after both have signed
				// (23 March), so each go acknowledges what is still open then.
				_, err := d.mob.Decide(ctx, a, dp.plan.ID, ph.ID, mobilisation.DecisionInput{Decision: mobilisation.Go, Reason: reason,
					AcknowledgeOpenCritical: true, Acknowledgement: "The go/no-go milestone is accepted once both governing bodies have signed, at the board on 23 March."})
				return err
			})
		}
		d.add(latest(ph.GoLive, london("2017-04-01 08:00")), dp.name+": go live", func() error {
			_, err := d.mob.GoLive(dp.leadCtx, dp.lead, dp.plan.ID, ph.ID)
			return err
		})
	}
	d.add(dp.made.Add(30*time.Minute), dp.name+": the routine", func() error { return d.routine(dp) })
}

// --- Kent and Medway lot 1: NHS 111 and CAS, mobilising to 1 April 2019 ---

// kentLot1 is lot 1's story. Nothing in it is blocked (a blocked milestone is red whatever the
// day): the browser tests replay the plan from September 2018 and expect it on time then.
func (d *mobilising) mobiliseKentLot1(dp *demoPlan) {
	// The lead's own milestone: the outgoing provider holds up the records transfer.
	if m, ok := dp.script(0, "handover_agreed"); ok {
		d.progress(dp, m, london("2018-11-12 10:00"), mobilisation.InProgress, noteOf(m).start)
		d.progress(dp, m, london("2018-12-05 16:00"), "", "Staff and asset schedules agreed. The outgoing provider's data protection officer "+
			"has not yet agreed the transfer of special patient notes and care plans; raised at the contract meeting of 4 December.")
		d.progress(dp, m, london("2019-01-22 11:00"), "", "The records transfer still waits for the data sharing agreement between the "+
			"outgoing and incoming providers; escalated to both chief executives.")
	}
	if m, ok := dp.script(0, "tupe_complete"); ok {
		d.progress(dp, m, london("2018-12-11 10:00"), mobilisation.InProgress, "Individual consultation meetings under way: 180 of 212 staff seen.")
		d.evidence(dp, m, london("2019-01-04 14:30"), "tupe-consultation-tracker.csv")
		d.progress(dp, m, london("2019-01-04 15:00"), "", "Consultation extended by three weeks at the unions' request; 14 staff still to confirm. Tracker attached.")
		d.progress(dp, m, london("2019-02-08 12:00"), "", "The extended consultation closed on 1 February; 5 staff still to confirm whether they transfer.")
	}
	if m, ok := dp.script(0, "it_infrastructure"); ok {
		d.progress(dp, m, london("2018-12-27 10:00"), mobilisation.InProgress, "Hardware installed at the Ashford and Maidstone call centres; HSCN connections ordered.")
		d.progress(dp, m, london("2019-01-14 16:00"), "", "The HSCN line at the Ashford call centre is not installed: the line provider's survey "+
			"is booked for 25 February. Maidstone is connected and tested.")
	}
	if m, ok := dp.script(0, "cqc_registration"); ok {
		d.progress(dp, m, london("2019-01-10 10:00"), mobilisation.InProgress, "CQC registration assessor assigned; inspection of the Ashford call centre requested.")
		d.progress(dp, m, london("2019-02-06 17:00"), "", "CQC inspected the Ashford location on 6 February; the registration certificate is awaited.")
	}
	// Waiting for the lead: profiles drafted early, acceptance asked for on Friday.
	if m, ok := dp.script(0, "dos_drafted"); ok {
		d.progress(dp, m, london("2019-02-04 10:00"), mobilisation.InProgress, noteOf(m).start)
		d.evidence(dp, m, london("2019-02-07 14:00"), "directory-of-services-profiles-draft.csv")
		d.ask(dp, m, london("2019-02-08 15:00"), "Profiles drafted for NHS 111 and the clinical assessment service; please accept so that the DoS lead can sign them off.")
	}
	// Not started, though due this week: it waits for the Ashford line.
	dp.script(0, "clinical_system")
	d.do(dp.name+": the routine", func() error { return d.routine(dp) })
}

// --- Kent and Medway lot 2: three phases ---

// kentLot2 is lot 2's story: the usual course everywhere but one survey for the July UTCs.
func (d *mobilising) mobiliseKentLot2(dp *demoPlan) {
	july := slices.IndexFunc(dp.phases, func(ph mobilisation.PhaseView) bool { return ph.GoLiveDay == "2019-07-01" })
	if m, ok := dp.script(july, "site_surveys"); july >= 0 && ok {
		d.progress(dp, m, london("2019-01-11 10:00"), mobilisation.InProgress, "Surveys done at Gravesham Community Hospital and Sheppey Memorial Hospital; "+
			"Sheppey Community Hospital is booked for 28 January.")
		d.progress(dp, m, london("2019-01-29 15:00"), mobilisation.Blocked, "The survey of Sheppey Community Hospital stopped: asbestos found in the old "+
			"plant room. NHS Property Services are arranging its removal; the survey resumes once the area is clear.")
	}
	d.do(dp.name+": the routine", func() error { return d.routine(dp) })
}
