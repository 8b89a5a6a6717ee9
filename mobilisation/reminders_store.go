package mobilisation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"golive/jobs"
)

// Reminders, the inbox and reminder preferences in the database. Reminders are platform work,
// not one tenant's: the scan and the send job read every plan's milestones (as the mail outbox
// reads every organisation's mail). The inbox and preferences are read and written only for the
// signed-in person's own user id, which is their scope.

// RescheduleReminders brings a milestone's reminders in line with it, in the caller's
// transaction (s is the tx store): the "due" reminders it owes are written (one per offset and
// recipient, only if their send time is still ahead of now), and every reminder not yet sent
// that no longer applies (due day, owner or plan's reminder days changed; milestone done) is
// cancelled. A worker that has already claimed a cancelled one finds it cancelled when it comes
// to mark it sent, and sends nothing.
func (s *Store) RescheduleReminders(ctx context.Context, p Plan, m Milestone, now time.Time) error {
	now = now.UTC().Truncate(time.Microsecond)
	for _, r := range dueReminders(p, m, now) {
		// A key cancelled earlier (the due day moved away and back) is scheduled again, not
		// duplicated; one already sent stays sent.
		err := s.q(ctx).Exec(`INSERT INTO reminders (id, key, milestone_id, plan_id, user_id, kind, send_at, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET state = excluded.state, send_at = excluded.send_at, claimed_at = NULL
			WHERE reminders.state = 'cancelled'`,
			r.ID, r.Key, r.MilestoneID, r.PlanID, r.UserID, r.Kind, r.SendAt, Scheduled, now).Error
		if err != nil {
			return fmt.Errorf("schedule reminder %s: %w", r.Key, err)
		}
	}
	var pending []Reminder
	if err := s.q(ctx).Where("milestone_id = ? AND state IN ?", m.ID, []ReminderState{Scheduled, Sending}).
		Find(&pending).Error; err != nil {
		return fmt.Errorf("reminders of milestone %s: %w", m.ID, err)
	}
	today := DayOf(now)
	var cancel []string
	for _, r := range pending {
		if ok, _ := reminderApplies(r, p, m, today); !ok {
			cancel = append(cancel, r.ID)
		}
	}
	if len(cancel) == 0 {
		return nil
	}
	err := s.q(ctx).Model(&Reminder{}).Where("id IN ? AND state IN ?", cancel, []ReminderState{Scheduled, Sending}).
		Update("state", Cancelled).Error
	if err != nil {
		return fmt.Errorf("cancel reminders of milestone %s: %w", m.ID, err)
	}
	return nil
}

// --- the scan ---

func (s *Store) postgres() bool { return s.db.Dialector.Name() == "postgres" }

// newIDSQL is a UUID made by the database, for rows written by INSERT … SELECT. In PostgreSQL it
// is a version 7 UUID, as newID makes: time first, so that a scan's thousands of new rows go to
// the end of the primary key's index instead of a page each across it.
func (s *Store) newIDSQL() string {
	if s.postgres() {
		// The milliseconds as 12 hex digits with a dash after 8, "7", and the rest of a random UUID
		// after its version digit.
		return `(overlay(lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') placing '-' from 9 for 0)
			|| '-7' || substr(gen_random_uuid()::text, 16))`
	}
	return `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
		substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`
}

// tsParam is a bind parameter of a timestamp in a SELECT list, where PostgreSQL cannot infer its
// type (SQLite must not be told one: its CAST AS TIMESTAMP would make the text a number).
func (s *Store) tsParam() string {
	if s.postgres() {
		return "CAST(? AS timestamp)"
	}
	return "?"
}

// openMilestone is the condition of a milestone still owed (isOpen): it is what the partial
// index milestones_open_due holds.
const openMilestone = `m.status <> 'done' AND m.accepted_at IS NULL`

// recipientSQL is recipientOf in SQL.
const recipientSQL = `CASE WHEN m.owner_user_id <> '' THEN m.owner_user_id ELSE p.lead_user_id END`

// The scan's daily writes go in batches, each one INSERT … SELECT over the ids of a batch of
// milestones, so that no scan holds a long statement however many milestones are overdue: the
// next minute's scan goes on from where this one stopped. A batch is the next milestones in the
// order of the partial index milestones_open_due (due day, then id) that have no row yet: after
// a restart, or in a second worker, the rows written already are passed over by an index probe
// each rather than written again. ON CONFLICT DO NOTHING settles two workers writing the same
// batch at once; the WHERE before it is for SQLite, which would read ON as a join's.

// batchMark is where the last batch ended, to go on after.
type batchMark struct{ DueOn, ID string }

func (m batchMark) after(ids []batchMark) batchMark {
	if len(ids) == 0 {
		return m
	}
	return ids[len(ids)-1]
}

func idsOf(ms []batchMark) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// overdueBatch lists up to limit open milestones past their due day, after mark, whose recipient
// has no overdue reminder of today written yet. A person's first milestone in the order writes
// their row; the rest of theirs are then passed over by the same probe of the key's index.
func (s *Store) overdueBatch(ctx context.Context, today string, mark batchMark, limit int) ([]batchMark, error) {
	var ms []batchMark
	sql, args := overdueBatchSQL(today, mark, limit)
	if err := s.q(ctx).Raw(sql, args...).Scan(&ms).Error; err != nil {
		return nil, fmt.Errorf("overdue milestones: %w", err)
	}
	return ms, nil
}

func overdueBatchSQL(today string, mark batchMark, limit int) (string, []any) {
	return `SELECT m.due_on, m.id FROM milestones m JOIN mobilisation_plans p ON p.id = m.plan_id
		WHERE ` + openMilestone + ` AND m.due_on < ? AND (m.due_on > ? OR (m.due_on = ? AND m.id > ?))
		  AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.key = 'overdue:' || ? || ':' || ` + recipientSQL + `)
		ORDER BY m.due_on, m.id LIMIT ?`, []any{today, mark.DueOn, mark.DueOn, mark.ID, today, limit}
}

// writeOverdue writes today's overdue reminder, one per person, for the recipients of the
// milestones ids (those still open and past their due day), to be sent at sendAt (09:00 UK time
// today). It names no milestone: the send lists what is overdue then (overdueItems).
func (s *Store) writeOverdue(ctx context.Context, ids []string, today string, sendAt, now time.Time) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	sql, args := s.overdueSQL(ids, today, sendAt, now)
	res := s.q(ctx).Exec(sql, args...)
	if res.Error != nil {
		return 0, fmt.Errorf("write overdue reminders: %w", res.Error)
	}
	return res.RowsAffected, nil
}

func (s *Store) overdueSQL(ids []string, today string, sendAt, now time.Time) (string, []any) {
	return `INSERT INTO reminders (id, key, milestone_id, plan_id, user_id, kind, send_at, state, attempts, created_at)
		SELECT ` + s.newIDSQL() + `, k.key, NULL, NULL, k.user_id, 'overdue', ` + s.tsParam() + `, 'scheduled', 0, ` + s.tsParam() + `
		FROM (SELECT DISTINCT 'overdue:' || ? || ':' || ` + recipientSQL + ` AS key, ` + recipientSQL + ` AS user_id
		      FROM milestones m JOIN mobilisation_plans p ON p.id = m.plan_id
		      WHERE m.id IN ? AND ` + openMilestone + ` AND m.due_on < ? AND ` + recipientSQL + ` <> '') k
		WHERE k.key IS NOT NULL
		ON CONFLICT (key) DO NOTHING`, []any{sendAt, now, today, ids, today}
}

// escalationCutoff is, per plan, the last due day escalated on today: today minus the plan's days.
func (s *Store) escalationCutoff() string {
	if s.postgres() {
		return `to_char(CAST(? AS date) - p.escalate_after_days, 'YYYY-MM-DD')`
	}
	return `date(?, '-' || p.escalate_after_days || ' days')`
}

// escalationBatch lists up to limit open milestones overdue by at least their plan's
// escalate_after_days, after mark, not escalated yet.
func (s *Store) escalationBatch(ctx context.Context, today string, mark batchMark, limit int) ([]batchMark, error) {
	var ms []batchMark
	sql, args := s.escalationBatchSQL(today, mark, limit)
	if err := s.q(ctx).Raw(sql, args...).Scan(&ms).Error; err != nil {
		return nil, fmt.Errorf("milestones to escalate: %w", err)
	}
	return ms, nil
}

func (s *Store) escalationBatchSQL(today string, mark batchMark, limit int) (string, []any) {
	return `SELECT m.due_on, m.id FROM milestones m JOIN mobilisation_plans p ON p.id = m.plan_id
		WHERE ` + openMilestone + ` AND m.due_on < ? AND m.due_on <= ` + s.escalationCutoff() + `
		  AND (m.due_on > ? OR (m.due_on = ? AND m.id > ?))
		  AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.key = 'escalation:' || m.id || ':' || m.due_on || ':' || p.lead_user_id)
		ORDER BY m.due_on, m.id LIMIT ?`, []any{today, today, mark.DueOn, mark.DueOn, mark.ID, limit}
}

// writeEscalations writes the escalation of each of the milestones ids to its plan's lead, once
// per milestone and due day.
func (s *Store) writeEscalations(ctx context.Context, ids []string, today string, sendAt, now time.Time) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	sql, args := s.escalationSQL(ids, today, sendAt, now)
	res := s.q(ctx).Exec(sql, args...)
	if res.Error != nil {
		return 0, fmt.Errorf("write escalations: %w", res.Error)
	}
	return res.RowsAffected, nil
}

func (s *Store) escalationSQL(ids []string, today string, sendAt, now time.Time) (string, []any) {
	return `INSERT INTO reminders (id, key, milestone_id, plan_id, user_id, kind, send_at, state, attempts, created_at)
		SELECT ` + s.newIDSQL() + `, k.key, k.milestone_id, k.plan_id, k.user_id, 'escalation', ` + s.tsParam() + `, 'scheduled', 0, ` + s.tsParam() + `
		FROM (SELECT 'escalation:' || m.id || ':' || m.due_on || ':' || p.lead_user_id AS key,
		             m.id AS milestone_id, m.plan_id, p.lead_user_id AS user_id
		      FROM milestones m JOIN mobilisation_plans p ON p.id = m.plan_id
		      WHERE m.id IN ? AND ` + openMilestone + ` AND m.due_on < ? AND m.due_on <= ` + s.escalationCutoff() + ` AND p.lead_user_id <> '') k
		WHERE k.key IS NOT NULL
		ON CONFLICT (key) DO NOTHING`, []any{sendAt, now, ids, today, today}
}

// digestWrittenSQL finds one of a Monday's digests by the partial index reminders_digest
// (migration 00011): the kind is written out for PostgreSQL to match the index's predicate.
const digestWrittenSQL = `SELECT count(*) FROM (SELECT 1 FROM reminders WHERE kind = 'digest' AND send_at = ? LIMIT 1) d`

// digestWritten says whether this week's digests (sent at sendAt) have been written.
func (s *Store) digestWritten(ctx context.Context, sendAt time.Time) (bool, error) {
	var n int64
	err := s.q(ctx).Raw(digestWrittenSQL, sendAt).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("digest written: %w", err)
	}
	return n > 0, nil
}

// writeDigests writes this week's digest for everyone with something in it (a milestone of theirs
// due within the next two weeks or overdue, or an overdue one in a plan they lead), except those
// who turned the digest off.
func (s *Store) writeDigests(ctx context.Context, week, today, horizon string, sendAt, now time.Time) (int64, error) {
	sql, args := s.digestSQL(week, today, horizon, sendAt, now)
	res := s.q(ctx).Exec(sql, args...)
	if res.Error != nil {
		return 0, fmt.Errorf("write digests: %w", res.Error)
	}
	return res.RowsAffected, nil
}

func (s *Store) digestSQL(week, today, horizon string, sendAt, now time.Time) (string, []any) {
	return `INSERT INTO reminders (id, key, milestone_id, plan_id, user_id, kind, send_at, state, attempts, created_at)
		SELECT ` + s.newIDSQL() + `, 'digest:' || u.user_id || ':' || ?, NULL, NULL, u.user_id, 'digest', ` + s.tsParam() + `, 'scheduled', 0, ` + s.tsParam() + `
		FROM (SELECT ` + recipientSQL + ` AS user_id
		      FROM milestones m JOIN mobilisation_plans p ON p.id = m.plan_id
		      WHERE ` + openMilestone + ` AND m.due_on <= ?
		      UNION
		      SELECT p.lead_user_id AS user_id
		      FROM milestones m JOIN mobilisation_plans p ON p.id = m.plan_id
		      WHERE ` + openMilestone + ` AND m.due_on < ?) u
		WHERE u.user_id <> ''
		  AND NOT EXISTS (SELECT 1 FROM reminder_preferences rp WHERE rp.user_id = u.user_id AND rp.digest_enabled = ?)
		ON CONFLICT (key) DO NOTHING`, []any{week, sendAt, now, horizon, today, false}
}

// dueReminderCount counts, up to limit, the reminders whose time has come and that no worker is
// sending: scheduled, or claimed by a worker that has not finished since staleBefore (it died).
// The scan enqueues batch tasks for them; each task claims its own (claimDueReminders).
func (s *Store) dueReminderCount(ctx context.Context, now, staleBefore time.Time, limit int) (int, error) {
	var n int64
	sql, args := dueReminderSQL(now, staleBefore, limit)
	if err := s.q(ctx).Raw(`SELECT count(*) FROM (`+sql+`) d`, args...).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("due reminders: %w", err)
	}
	return int(n), nil
}

// dueReminderSQL lists, oldest first, up to limit reminders due and not being sent. The states
// are written out, not bound: only then can PostgreSQL see that the query matches the partial
// index reminders_due, which holds just the rows not yet sent, however many have been sent before.
func dueReminderSQL(now, staleBefore time.Time, limit int) (string, []any) {
	return `SELECT id FROM reminders
		WHERE send_at <= ? AND state IN ('scheduled', 'sending') AND (state = 'scheduled' OR claimed_at < ?)
		ORDER BY send_at LIMIT ?`, []any{now, staleBefore, limit}
}

// --- sending: a batch claimed in one statement, sent in one transaction ---

// claimable is the condition of a row a worker may claim: scheduled, or claimed by a worker
// that has not finished since staleBefore (it died). Written again in the UPDATE's own WHERE, so
// that a row changed between the choice and the update is not taken.
const claimable = `(state = 'scheduled' OR (state = 'sending' AND claimed_at < ?))`

// claimDueReminders marks up to limit due reminders as being sent by this worker (claimed at
// now), oldest first, and returns them: one statement and one commit for the batch. In
// PostgreSQL, FOR UPDATE SKIP LOCKED makes workers claiming at once take different rows rather
// than queue behind each other's locks; SQLite has one writer at a time, so there the statement
// alone is the claim. A 'sending' row is taken over only once its claim is older than
// staleBefore (its worker died).
func (s *Store) claimDueReminders(ctx context.Context, now, staleBefore time.Time, limit int) ([]Reminder, error) {
	pick, args := dueReminderSQL(now, staleBefore, limit)
	if s.postgres() {
		pick += " FOR UPDATE SKIP LOCKED"
	}
	return s.claim(ctx, "id IN ("+pick+")", args, now, staleBefore)
}

// claimReminders claims the reminders ids that are still to send (SendOnce).
func (s *Store) claimReminders(ctx context.Context, ids []string, now, staleBefore time.Time) ([]Reminder, error) {
	return s.claim(ctx, "id IN ?", []any{ids}, now, staleBefore)
}

func (s *Store) claim(ctx context.Context, which string, args []any, now, staleBefore time.Time) ([]Reminder, error) {
	var rs []Reminder
	all := append([]any{Sending, now}, args...)
	all = append(all, staleBefore)
	err := s.q(ctx).Raw(`UPDATE reminders SET state = ?, claimed_at = ?, attempts = attempts + 1
		WHERE `+which+` AND `+claimable+`
		RETURNING id, key, milestone_id, plan_id, user_id, kind, send_at, state, attempts, claimed_at, sent_at, mail_id, created_at`,
		all...).Scan(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	for i := range rs {
		// What PostgreSQL hands back is the session's zone; the claim is matched by this instant.
		rs[i].SendAt = rs[i].SendAt.UTC()
	}
	return rs, nil
}

// releaseReminders puts reminders this worker claimed at claimedAt back, for asynq's retry (or
// the next scan).
func (s *Store) releaseReminders(ctx context.Context, ids []string, claimedAt time.Time) error {
	res := s.q(ctx).Exec(`UPDATE reminders SET state = ?, claimed_at = NULL WHERE id IN ? AND state = ? AND claimed_at = ?`,
		Scheduled, ids, Sending, claimedAt)
	if res.Error != nil {
		return fmt.Errorf("release %d reminders: %w", len(ids), res.Error)
	}
	return nil
}

// cancelReminders marks the reminders ids, held by this worker since claimedAt, cancelled: they
// no longer apply. One cancelled meanwhile by a change is left as it is.
func (s *Store) cancelReminders(ctx context.Context, ids []string, claimedAt time.Time) error {
	res := s.q(ctx).Exec(`UPDATE reminders SET state = ? WHERE id IN ? AND state = ? AND claimed_at = ?`,
		Cancelled, ids, Sending, claimedAt)
	if res.Error != nil {
		return fmt.Errorf("cancel %d reminders: %w", len(ids), res.Error)
	}
	return nil
}

// markRemindersSent marks sent, in the transaction, those of the reminders ids that this worker
// still holds (claimed at claimedAt), each with its mail's id (mailIDs, "" for none), and returns
// which. One cancelled by a change to its milestone, or taken over, is not among them. In
// PostgreSQL the update also locks the rows, so a RescheduleReminders that wants to cancel one
// waits for this transaction and then finds it sent.
func (s *Store) markRemindersSent(ctx context.Context, ids []string, mailIDs map[string]string, claimedAt, now time.Time) ([]string, error) {
	var cases strings.Builder
	args := []any{Sent, now}
	cases.WriteString("CASE id")
	n := 0
	for _, id := range ids {
		if m := mailIDs[id]; m != "" {
			cases.WriteString(" WHEN ? THEN ?")
			args = append(args, id, m)
			n++
		}
	}
	cases.WriteString(" ELSE mail_id END")
	set := "mail_id"
	if n > 0 {
		set = cases.String()
	}
	args = append(args, ids, Sending, claimedAt)
	var held []string
	err := s.q(ctx).Raw(`UPDATE reminders SET state = ?, sent_at = ?, mail_id = `+set+`
		WHERE id IN ? AND state = ? AND claimed_at = ? RETURNING id`, args...).Scan(&held).Error
	if err != nil {
		return nil, fmt.Errorf("mark %d reminders sent: %w", len(ids), err)
	}
	return held, nil
}

func (s *Store) reminder(ctx context.Context, id string) (Reminder, error) {
	var r Reminder
	if err := s.q(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return r, notFound(err, "Reminder")
	}
	return r, nil
}

// remindersAbout loads the milestones ids that reminders speak of, each with its plan, phase and
// owner: four queries (and the lots' and the owners') for the whole batch, whatever its size. A milestone that no longer exists is left out.
func (s *Store) remindersAbout(ctx context.Context, milestoneIDs []string) (map[string]reminderAbout, error) {
	out := map[string]reminderAbout{}
	if len(milestoneIDs) == 0 {
		return out, nil
	}
	var ms []Milestone
	if err := s.q(ctx).Where("id IN ?", milestoneIDs).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("milestones of reminders: %w", err)
	}
	var planIDs, phaseIDs, ownerIDs []string
	for _, m := range ms {
		planIDs, phaseIDs = append(planIDs, m.PlanID), append(phaseIDs, m.PhaseID)
		if m.OwnerUserID != "" {
			ownerIDs = append(ownerIDs, m.OwnerUserID)
		}
	}
	var plans []Plan
	if err := s.q(ctx).Where("id IN ?", planIDs).Find(&plans).Error; err != nil {
		return nil, fmt.Errorf("plans of reminders: %w", err)
	}
	planOf := make(map[string]Plan, len(plans))
	for _, p := range plans {
		planOf[p.ID] = p
	}
	var phases []Phase
	if err := s.q(ctx).Where("id IN ?", phaseIDs).Find(&phases).Error; err != nil {
		return nil, fmt.Errorf("phases of reminders: %w", err)
	}
	phaseOf := make(map[string]Phase, len(phases))
	for _, ph := range phases {
		phaseOf[ph.ID] = ph
	}
	names, err := s.planNames(ctx, planIDs)
	if err != nil {
		return nil, err
	}
	owners, err := s.recipients(ctx, ownerIDs)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		p, ok := planOf[m.PlanID]
		if !ok {
			continue
		}
		a := reminderAbout{Plan: p, Milestone: m, PlanName: names[p.ID], OwnerName: owners[m.OwnerUserID].Name}
		if ph, ok := phaseOf[m.PhaseID]; ok {
			a.PhaseName, a.GoLive = ph.Name, ph.GoLive
		}
		out[m.ID] = a
	}
	return out, nil
}

// recipients are the people reminders go to, as a reminder needs them, in one call for a batch;
// an unknown id is left out. Users are not tenant data here: a reminder goes to whoever the plan
// names, in whichever organisation.
func (s *Store) recipients(ctx context.Context, userIDs []string) (map[string]recipient, error) {
	ps, err := s.people().People(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]recipient, len(ps))
	for id, p := range ps {
		out[id] = recipient{ID: p.ID, Name: p.Name, Email: p.Email, Active: p.Active}
	}
	return out, nil
}

// planNames names plans as people know them: the lot (asked of lots) and the contract reference.
func (s *Store) planNames(ctx context.Context, planIDs []string) (map[string]string, error) {
	var plans []Plan
	if err := s.q(ctx).Select("id", "lot_id", "contract_reference").Where("id IN ?", planIDs).Find(&plans).Error; err != nil {
		return nil, fmt.Errorf("plan names: %w", err)
	}
	lotIDs := make([]string, len(plans))
	for i, p := range plans {
		lotIDs[i] = p.LotID
	}
	ls, err := s.lots().Lots(ctx, lotIDs)
	if err != nil {
		return nil, fmt.Errorf("plan names: %w", err)
	}
	out := make(map[string]string, len(plans))
	for _, p := range plans {
		if l, ok := ls[p.LotID]; ok {
			out[p.ID] = fmt.Sprintf("Lot %d: %s (%s)", l.Number, l.Title, p.ContractReference)
		}
	}
	return out, nil
}

// digestItems is what goes in a person's digest on today: their open milestones due by horizon
// (overdue included), and overdue ones in plans they lead.
func (s *Store) digestItems(ctx context.Context, userID, today, horizon string) ([]digestItem, error) {
	var rows []struct {
		PlanID, MilestoneID, Title, PhaseName, DueOn, OwnerUserID, LeadUserID string
	}
	err := s.q(ctx).Table("milestones m").
		Select("m.plan_id, m.id AS milestone_id, m.title, ph.name AS phase_name, m.due_on, m.owner_user_id, p.lead_user_id").
		Joins("JOIN mobilisation_plans p ON p.id = m.plan_id").
		Joins("JOIN plan_phases ph ON ph.id = m.phase_id").
		Where(openMilestone+" AND m.due_on <= ?", horizon).
		Where("("+recipientSQL+" = ?) OR (p.lead_user_id = ? AND m.due_on < ?)", userID, userID, today).
		Order("m.due_on, m.title, m.id").Limit(digestMaxItems).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("digest of %s: %w", userID, err)
	}
	out := make([]digestItem, len(rows))
	for i, r := range rows {
		owner := r.OwnerUserID
		if owner == "" {
			owner = r.LeadUserID
		}
		out[i] = digestItem{PlanID: r.PlanID, MilestoneID: r.MilestoneID, Title: r.Title,
			PhaseName: r.PhaseName, DueOn: r.DueOn, Owned: owner == userID}
	}
	return out, s.namePlans(ctx, out)
}

// namePlans fills in the names of the items' plans, in one read.
func (s *Store) namePlans(ctx context.Context, items []digestItem) error {
	if len(items) == 0 {
		return nil
	}
	plans := make([]string, len(items))
	for i, it := range items {
		plans[i] = it.PlanID
	}
	names, err := s.planNames(ctx, plans)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].PlanName = names[items[i].PlanID]
	}
	return nil
}

// overdueItems is what goes in a person's overdue message on today: their open milestones past
// their due day (recipientOf: the ones they own, and those with no owner in plans they lead), the
// most overdue first, up to limit; and how many more there are.
func (s *Store) overdueItems(ctx context.Context, userID, today string, limit int) ([]digestItem, int, error) {
	var rows []struct {
		PlanID, MilestoneID, Title, PhaseName, DueOn string
	}
	q := func() *gorm.DB {
		return s.q(ctx).Table("milestones m").
			Joins("JOIN mobilisation_plans p ON p.id = m.plan_id").
			Where(openMilestone+" AND m.due_on < ? AND "+recipientSQL+" = ?", today, userID)
	}
	err := q().Select("m.plan_id, m.id AS milestone_id, m.title, COALESCE(ph.name, '') AS phase_name, m.due_on").
		Joins("LEFT JOIN plan_phases ph ON ph.id = m.phase_id").
		Order("m.due_on, m.title, m.id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("overdue milestones of %s: %w", userID, err)
	}
	more := 0
	if len(rows) == limit {
		var n int64
		if err := q().Count(&n).Error; err != nil {
			return nil, 0, fmt.Errorf("count overdue milestones of %s: %w", userID, err)
		}
		more = int(n) - len(rows)
	}
	out := make([]digestItem, len(rows))
	for i, r := range rows {
		out[i] = digestItem{PlanID: r.PlanID, MilestoneID: r.MilestoneID, Title: r.Title,
			PhaseName: r.PhaseName, DueOn: r.DueOn, Owned: true}
	}
	if err := s.namePlans(ctx, out); err != nil {
		return nil, 0, err
	}
	return out, more, nil
}

// queueMails writes a batch of reminders' emails to the outbox in this transaction, in one
// statement.
func (s *Store) queueMails(ctx context.Context, ms []jobs.Mail) ([]string, error) {
	return jobs.QueueMails(ctx, s.db, ms)
}

// addInbox writes a batch of inbox messages in one statement.
func (s *Store) addInbox(ctx context.Context, ms []InboxMessage) error {
	if len(ms) == 0 {
		return nil
	}
	if err := s.q(ctx).Create(&ms).Error; err != nil {
		return fmt.Errorf("%d inbox messages: %w", len(ms), err)
	}
	return nil
}

// --- the inbox and preferences: only ever the person's own ---

// inbox reads a page of the person's messages, unread first and newest first within each, with
// how many are unread and how many there are in all.
func (s *Store) inbox(ctx context.Context, userID string, limit, offset int) ([]InboxMessage, int, int, error) {
	var msgs []InboxMessage
	if err := s.q(ctx).Where("user_id = ?", userID).
		Order("CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC").
		Limit(limit).Offset(offset).Find(&msgs).Error; err != nil {
		return nil, 0, 0, fmt.Errorf("inbox of %s: %w", userID, err)
	}
	var counts struct{ Unread, Total int }
	if err := s.q(ctx).Model(&InboxMessage{}).Where("user_id = ?", userID).
		Select("COUNT(*) AS total, COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) AS unread").
		Scan(&counts).Error; err != nil {
		return nil, 0, 0, fmt.Errorf("unread messages of %s: %w", userID, err)
	}
	return msgs, counts.Unread, counts.Total, nil
}

// markRead marks one of the person's messages read (or all of them) and says how many changed.
func (s *Store) markRead(ctx context.Context, userID, messageID string, all bool, now time.Time) (int, error) {
	q := s.q(ctx).Model(&InboxMessage{}).Where("user_id = ? AND read_at IS NULL", userID)
	if !all {
		q = q.Where("id = ?", messageID)
	}
	res := q.Update("read_at", now)
	if res.Error != nil {
		return 0, fmt.Errorf("mark messages read: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

func (s *Store) hasMessage(ctx context.Context, userID, messageID string) (bool, error) {
	var n int64
	if err := s.q(ctx).Model(&InboxMessage{}).Where("user_id = ? AND id = ?", userID, messageID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("find message: %w", err)
	}
	return n > 0, nil
}

// digestEnabled is the person's digest choice: on until they turn it off.
func (s *Store) digestEnabled(ctx context.Context, userID string) (bool, error) {
	var p Preference
	err := s.q(ctx).Where("user_id = ?", userID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("reminder preferences of %s: %w", userID, err)
	}
	return p.DigestEnabled, nil
}

func (s *Store) setPreference(ctx context.Context, p Preference) error {
	// A map, so that false is written (GORM leaves a zero field with a default out of an insert).
	err := s.q(ctx).Model(&Preference{}).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"digest_enabled", "updated_at"})}).
		Create(map[string]any{"user_id": p.UserID, "digest_enabled": p.DigestEnabled, "updated_at": p.UpdatedAt}).Error
	if err != nil {
		return fmt.Errorf("save reminder preferences: %w", err)
	}
	return nil
}
