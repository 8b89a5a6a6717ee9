package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"golive/database"
)

// Record appends one event inside the caller's transaction, so the change and its audit event
// commit or roll back together: there is never a change without its event, nor an event for a
// change that did not happen.
//
// The first statement increments the head row, which takes the write lock on the chain (a row
// lock in PostgreSQL, the database lock in SQLite) until the caller commits. Appenders therefore
// serialise and the chain never forks. Call Record as the last write of the transaction, so the
// lock is held for as short a time as possible.
func Record(ctx context.Context, tx *gorm.DB, e Entry) error {
	if e.Action == "" {
		return errors.New("append audit event: action is required")
	}
	// Outside a transaction the five statements below could interleave with another appender's.
	if _, ok := tx.Statement.ConnPool.(gorm.TxCommitter); !ok {
		return fmt.Errorf("append audit event %s: Record must run inside the caller's transaction", e.Action)
	}
	for _, s := range []string{e.ActorUserID, e.ActorOrgID, e.TenantID, e.Action, e.ObjectType, e.ObjectID} {
		// PostgreSQL refuses invalid UTF-8 and SQLite would keep it: refuse it on both.
		if !utf8.ValidString(s) {
			return fmt.Errorf("append audit event %s: field is not valid UTF-8", e.Action)
		}
	}
	summary, err := CanonicalJSON(e.Summary)
	if err != nil {
		return fmt.Errorf("append audit event %s: encode summary: %w", e.Action, err)
	}
	db := tx.WithContext(ctx)
	res := db.Exec("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")
	if res.Error != nil {
		return fmt.Errorf("append audit event %s: lock chain head: %w", e.Action, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("append audit event %s: the audit_head row is missing (migration 00003 seeds it)", e.Action)
	}
	head, err := readHead(db)
	if err != nil {
		return fmt.Errorf("append audit event %s: %w", e.Action, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("append audit event %s: new id: %w", e.Action, err)
	}
	ev := Event{
		ID:  id.String(),
		Seq: head.Seq,
		// Taken under the lock, so times rise with seq; truncated to what PostgreSQL keeps, so
		// the hash computed now matches the row read back.
		At:          database.Now().Truncate(time.Microsecond),
		TenantID:    e.TenantID,
		ActorUserID: e.ActorUserID,
		ActorOrgID:  e.ActorOrgID,
		Action:      e.Action,
		ObjectType:  e.ObjectType,
		ObjectID:    e.ObjectID,
		Summary:     summary,
		PrevHash:    head.Hash,
		SealedUnder: e.SealedUnder,
	}
	ev.Hash = Hash(ev.PrevHash, ev)
	if err := db.Create(&ev).Error; err != nil {
		return fmt.Errorf("append audit event %s: insert seq %d: %w", e.Action, ev.Seq, err)
	}
	if err := db.Exec("UPDATE audit_head SET hash = ? WHERE id = 1", ev.Hash).Error; err != nil {
		return fmt.Errorf("append audit event %s: move head: %w", e.Action, err)
	}
	return nil
}

func readHead(db *gorm.DB) (Head, error) {
	var h Head
	row := db.Raw("SELECT seq, hash FROM audit_head WHERE id = 1").Row()
	if err := row.Scan(&h.Seq, &h.Hash); err != nil {
		return Head{}, fmt.Errorf("read audit head: %w", err)
	}
	return h, nil
}

// ReadHead returns the chain's head, for display and external anchoring.
func ReadHead(ctx context.Context, db *gorm.DB) (Head, error) {
	return readHead(db.WithContext(ctx))
}

// Unseal lifts the seal of every event sealed under procurementID, in the caller's transaction
// (the opening's). The events themselves are not touched: a row here says since when they are
// open to the organisation whose trail they are in.
func Unseal(ctx context.Context, tx *gorm.DB, procurementID string) error {
	err := tx.WithContext(ctx).Exec(`INSERT INTO audit_unsealed (procurement_id, unsealed_at) VALUES (?, ?)
		ON CONFLICT (procurement_id) DO NOTHING`, procurementID, database.Now().Truncate(time.Microsecond)).Error
	if err != nil {
		return fmt.Errorf("unseal audit events of %s: %w", procurementID, err)
	}
	return nil
}

// List returns the acting organisation's events, newest first: those in its trail, less those
// sealed under a procurement not yet opened, plus the sealed events its own people caused in
// another organisation's trail (a bidder's on a commissioner's procurement). It fails with
// database.ErrNoTenant when ctx has no organisation, never returning every tenant's events.
func List(ctx context.Context, db *gorm.DB, f Filter) ([]Event, error) {
	org, ok := database.TenantFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("list audit events: %w", database.ErrNoTenant)
	}
	q := db.WithContext(ctx).Model(&Event{}).
		Where("(tenant_id = ? OR (sealed_under <> '' AND actor_org_id = ?))", org, org).
		Scopes(visibleTo(org))
	events, err := list(q, f)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	return events, nil
}

// ListAll returns events of every organisation and the platform, newest first, less those sealed
// under a procurement not yet opened: for platform admins only, which the route's casbin policy
// enforces. The platform operator is no more entitled to see who is bidding than the buyer.
func ListAll(ctx context.Context, db *gorm.DB, f Filter) ([]Event, error) {
	events, err := list(db.WithContext(ctx).Model(&Event{}).Scopes(visibleTo("")), f)
	if err != nil {
		return nil, fmt.Errorf("list all audit events: %w", err)
	}
	return events, nil
}

// visibleTo keeps what org may read of the sealed events: its own people's, and those whose
// procurement has been opened. Every read of the trail for a person goes through it.
func visibleTo(org string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		return q.Where("(sealed_under = '' OR (actor_org_id = ? AND actor_org_id <> '') OR sealed_under IN (SELECT procurement_id FROM audit_unsealed))", org)
	}
}

func list(q *gorm.DB, f Filter) ([]Event, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit > MaxLimit+1 { // +1: callers ask one more to learn whether a next page exists
		f.Limit = MaxLimit + 1
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if f.UserID != "" {
		q = q.Where("actor_user_id = ?", f.UserID)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	var events []Event
	err := q.Order("at DESC").Order("seq DESC").Limit(f.Limit).Offset(f.Offset).Find(&events).Error
	return events, err
}

// verifyBatch rows are read per query: a million-row chain is 200 short queries and a few MB.
const verifyBatch = 5000

// Verify walks the whole chain in seq order and reports the first problem. It reads the head
// first and checks rows up to it: rows appended while it runs are left for the next run, and
// every row up to a committed head is itself committed, because Record writes both in one
// transaction.
func Verify(ctx context.Context, db *gorm.DB) (Report, error) {
	db = db.WithContext(ctx)
	head, err := readHead(db)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit chain: %w", err)
	}
	rep := Report{Head: head}
	var v Verifier
	var after int64
	for {
		n, last, p, err := verifyBatchAfter(db, &v, after, head.Seq)
		if err != nil {
			return rep, fmt.Errorf("verify audit chain: read rows after seq %d: %w", after, err)
		}
		if p != nil {
			rep.Checked, rep.Problem = v.Checked(), p
			return rep, nil
		}
		if n < verifyBatch {
			break
		}
		after = last
	}
	rep.Checked, rep.Problem = v.Checked(), v.Finish(head)
	if rep.Problem != nil {
		return rep, nil
	}
	p, err := unchained(db)
	if err != nil {
		return rep, fmt.Errorf("verify audit chain: %w", err)
	}
	rep.Problem = p
	return rep, nil
}

// verifyBatchAfter feeds the next batch of rows to v. It scans columns directly rather than through
// GORM's reflection, which was most of the time of a million-row verification.
func verifyBatchAfter(db *gorm.DB, v *Verifier, after, upTo int64) (n int, last int64, p *Problem, err error) {
	rows, err := db.Raw(`SELECT id, seq, at, tenant_id, actor_user_id, actor_org_id, action, object_type, object_id, summary, prev_hash, hash
		FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`, after, upTo, verifyBatch).Rows()
	if err != nil {
		return 0, 0, nil, err
	}
	defer rows.Close()
	var e Event
	for rows.Next() {
		if err := rows.Scan(&e.ID, &e.Seq, &e.At, &e.TenantID, &e.ActorUserID, &e.ActorOrgID, &e.Action,
			&e.ObjectType, &e.ObjectID, &e.Summary, &e.PrevHash, &e.Hash); err != nil {
			return n, last, nil, err
		}
		n++
		last = e.Seq
		if p := v.Add(e); p != nil {
			return n, last, p, nil
		}
	}
	return n, last, nil, rows.Err()
}

// unchained finds a row outside the chain: past the head (inserted without the lock) or with a
// seq below 1. Such a row would show in the audit log without being covered by any hash.
func unchained(db *gorm.DB) (*Problem, error) {
	// The max is read before the head: an honest append commits row and head together, so a
	// head read afterwards is at least as far on.
	var max, min sql.NullInt64
	if err := db.Raw("SELECT MAX(seq), MIN(seq) FROM audit_events").Row().Scan(&max, &min); err != nil {
		return nil, fmt.Errorf("read seq range: %w", err)
	}
	head, err := readHead(db)
	if err != nil {
		return nil, err
	}
	var cond string
	var arg int64
	switch {
	case min.Valid && min.Int64 < 1:
		cond, arg = "seq < ?", 1
	case max.Valid && max.Int64 > head.Seq:
		cond, arg = "seq > ?", head.Seq
	default:
		return nil, nil
	}
	var e Event
	if err := db.Where(cond, arg).Order("seq").Limit(1).Find(&e).Error; err != nil {
		return nil, fmt.Errorf("read unchained row: %w", err)
	}
	return &Problem{Kind: Unchained, Seq: e.Seq, ID: e.ID,
		Detail: fmt.Sprintf("the row is outside the chain (head is at seq %d): it was inserted without taking the chain lock", head.Seq)}, nil
}
