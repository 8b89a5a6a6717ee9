package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The outbox is platform-wide, not tenant data: the worker delivers every organisation's mail and
// only platform admins read it, so these queries are deliberately not scoped by tenant.

func insertMail(ctx context.Context, tx *gorm.DB, rows []MailRow) error {
	return tx.WithContext(ctx).Create(&rows).Error
}

// claimMail marks the message as being sent by this worker and reports whether it won the claim.
// The WHERE clause is the whole of the concurrency control: of two workers running the same
// message at once, exactly one changes the row. A 'sending' row is taken over only once its
// claim is older than staleBefore, i.e. its worker died mid-send. 'failed' rows can be claimed
// again so that an admin re-running the archived task from the monitor retries the message.
//
// Taking over a stale claim adds one to in_doubt: the dead worker's attempt may or may not have
// reached the server. (Both databases evaluate the SET expressions against the row as it was.)
func claimMail(ctx context.Context, db *gorm.DB, id string, now, staleBefore time.Time) (bool, error) {
	res := db.WithContext(ctx).Exec(`UPDATE mail_messages SET status = ?, claimed_at = ?, attempts = attempts + 1,
		in_doubt = in_doubt + CASE WHEN status = ? THEN 1 ELSE 0 END
		WHERE id = ? AND (status IN (?, ?) OR (status = ? AND claimed_at < ?))`,
		StatusSending, now, StatusSending, id, StatusPending, StatusFailed, StatusSending, staleBefore)
	if res.Error != nil {
		return false, fmt.Errorf("claim mail %s: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// claimMails is claimMail for several messages in one statement: the rows this worker won, with
// what it needs to send them.
func claimMails(ctx context.Context, db *gorm.DB, ids []string, now, staleBefore time.Time) ([]MailRow, error) {
	var rows []MailRow
	err := db.WithContext(ctx).Raw(`UPDATE mail_messages SET status = ?, claimed_at = ?, attempts = attempts + 1,
		in_doubt = in_doubt + CASE WHEN status = ? THEN 1 ELSE 0 END
		WHERE id IN ? AND (status IN (?, ?) OR (status = ? AND claimed_at < ?))
		RETURNING id, tenant_id, to_addr, subject, body_text`,
		StatusSending, now, StatusSending, ids, StatusPending, StatusFailed, StatusSending, staleBefore).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("claim %d mails: %w", len(ids), err)
	}
	return rows, nil
}

// markMailsSent records that the messages ids, claimed at claimedAt, were accepted; it says how
// many this worker still held (all, unless another took a claim over).
func markMailsSent(ctx context.Context, db *gorm.DB, ids []string, claimedAt, sentAt time.Time, transport string) (int64, error) {
	res := db.WithContext(ctx).Table("mail_messages").
		Where("id IN ? AND status = ? AND claimed_at = ?", ids, StatusSending, claimedAt).
		Updates(map[string]any{"status": StatusSent, "sent_at": sentAt, "transport": transport, "last_error": ""})
	if res.Error != nil {
		return 0, fmt.Errorf("mark %d mails sent: %w", len(ids), res.Error)
	}
	return res.RowsAffected, nil
}

// releaseMails puts messages this worker claimed at claimedAt and did not try back to pending.
func releaseMails(ctx context.Context, db *gorm.DB, ids []string, claimedAt time.Time) error {
	res := db.WithContext(ctx).Table("mail_messages").
		Where("id IN ? AND status = ? AND claimed_at = ?", ids, StatusSending, claimedAt).
		Updates(map[string]any{"status": StatusPending})
	if res.Error != nil {
		return fmt.Errorf("release %d mails: %w", len(ids), res.Error)
	}
	return nil
}

// finishMail records the outcome of an attempt. The status condition makes sure only the worker
// holding the claim (claimed_at unchanged) writes it.
func finishMail(ctx context.Context, db *gorm.DB, id string, claimedAt time.Time, set map[string]any) error {
	res := db.WithContext(ctx).Table("mail_messages").
		Where("id = ? AND status = ? AND claimed_at = ?", id, StatusSending, claimedAt).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update mail %s: %w", id, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("update mail %s: the claim was taken over by another worker", id)
	}
	return nil
}

func getMail(ctx context.Context, db *gorm.DB, id string) (*MailRow, error) {
	var row MailRow
	err := db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load mail %s: %w", id, err)
	}
	return &row, nil
}

// mailToSweep lists messages whose job may have been lost: pending since before pendingBefore,
// or claimed by a worker that has not finished since staleBefore. Oldest first, at most limit.
func mailToSweep(ctx context.Context, db *gorm.DB, pendingBefore, staleBefore time.Time, limit int) ([]string, error) {
	var ids []string
	err := db.WithContext(ctx).Table("mail_messages").
		Where("(status = ? AND created_at < ?) OR (status = ? AND claimed_at < ?)",
			StatusPending, pendingBefore, StatusSending, staleBefore).
		Order("created_at, id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("list mail to sweep: %w", err)
	}
	return ids, nil
}

func unsealMail(ctx context.Context, tx *gorm.DB, procurementID string) error {
	return tx.WithContext(ctx).Table("mail_messages").Where("sealed_under = ?", procurementID).
		Update("sealed_under", "").Error
}

// getOpenMail is getMail for the outbox pages: a sealed message is not there.
func getOpenMail(ctx context.Context, db *gorm.DB, id string) (*MailRow, error) {
	row, err := getMail(ctx, db, id)
	if err != nil || row == nil || row.SealedUnder != "" {
		return nil, err
	}
	return row, nil
}

// listMail is one page of the outbox, newest first, and the total count, less the sealed
// messages (their count too would say how many bidders there are).
func listMail(ctx context.Context, db *gorm.DB, offset, limit int) ([]MailRow, int64, error) {
	var total int64
	if err := db.WithContext(ctx).Table("mail_messages").Where("sealed_under = ''").Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count mail: %w", err)
	}
	var rows []MailRow
	// Body text is left out of the list: it can be long, and only the message page shows it.
	err := db.WithContext(ctx).Select("id, tenant_id, to_addr, subject, created_at, status, attempts, claimed_at, sent_at, last_error, transport, in_doubt, sealed_under").
		Where("sealed_under = ''").Order("created_at DESC, id DESC").
		Offset(offset).Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("list mail: %w", err)
	}
	return rows, total, nil
}
