package notices

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"golive/apperr"
	"golive/audit"
	"golive/database"
)

// Store is the only code that reads or writes ocds_releases. It inserts and reads: a release
// once stored is never updated or deleted.
type Store struct{ db *gorm.DB }

// NewStore opens the store on the database.
func NewStore(db *database.DB) *Store { return &Store{db: db.Gorm} }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.q(ctx).Transaction(func(tx *gorm.DB) error { return fn(&Store{db: tx}) })
}

// Latest is the newest release of a kind for a procurement's lot ("" for the whole
// procurement), or nil.
func (s *Store) Latest(ctx context.Context, procurementID, lotID string, k Kind) (*Notice, error) {
	var n Notice
	err := s.q(ctx).Where("procurement_id = ? AND lot_id = ? AND kind = ?", procurementID, lotID, k).Order("seq DESC").Take(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest %s notice of %s: %w", k, procurementID, err)
	}
	return &n, nil
}

// Add stores a release with the next sequence number. The caller holds the transaction, so two
// publications cannot take one number (the unique index refuses the second).
func (s *Store) Add(ctx context.Context, n *Notice, build func(seq int64) (string, string)) error {
	var max *int64
	if err := s.q(ctx).Model(&Notice{}).Select("MAX(seq)").Scan(&max).Error; err != nil {
		return fmt.Errorf("next notice number: %w", err)
	}
	n.Seq = 1
	if max != nil {
		n.Seq = *max + 1
	}
	n.ID, n.Body = build(n.Seq)
	if err := s.q(ctx).Create(n).Error; err != nil {
		return fmt.Errorf("store notice %s: %w", n.ID, err)
	}
	return nil
}

// Page lists notices newest first, matching every word of query, with the total.
func (s *Store) Page(ctx context.Context, query string, offset, limit int) ([]Notice, int64, error) {
	q := s.q(ctx).Model(&Notice{})
	for _, w := range strings.Fields(strings.ToLower(query)) {
		w = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(w)
		q = q.Where(`search_text LIKE ? ESCAPE '\'`, "%"+w+"%")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count notices: %w", err)
	}
	var out []Notice
	if err := q.Order("seq DESC").Offset(offset).Limit(limit).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("list notices: %w", err)
	}
	return out, total, nil
}

// InOrder lists notices oldest first from offset (the release package's order, stable as new
// ones are added at the end).
func (s *Store) InOrder(ctx context.Context, offset, limit int) ([]Notice, int64, error) {
	var total int64
	if err := s.q(ctx).Model(&Notice{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count notices: %w", err)
	}
	var out []Notice
	if err := s.q(ctx).Order("seq").Offset(offset).Limit(limit).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("list notices: %w", err)
	}
	return out, total, nil
}

// Get loads one notice by release id.
func (s *Store) Get(ctx context.Context, id string) (Notice, error) {
	var n Notice
	err := s.q(ctx).Where("id = ?", id).Take(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return n, apperr.NotFoundf("Notice not found")
	}
	if err != nil {
		return n, fmt.Errorf("notice %s: %w", id, err)
	}
	return n, nil
}

// OfProcess lists a contracting process's releases, oldest first.
func (s *Store) OfProcess(ctx context.Context, ocid string) ([]Notice, error) {
	var out []Notice
	if err := s.q(ctx).Where("ocid = ?", ocid).Order("seq").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("releases of %s: %w", ocid, err)
	}
	return out, nil
}

// Audit records the publication in the same transaction.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error { return audit.Record(ctx, s.db, e) }

var errNotFound = apperr.NotFoundf("No notices have been published for this contracting process")
