package award

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/evaluation"
	"golive/jobs"
)

// Store is the only file of the award that talks to the database, and the only code that
// queries the award's tables: award_recommendations, award_approvals, representations,
// court_proceedings and contract_awards. Rows of a lot are read only after the service has let
// the lot in through evaluation (ValueLot or LeadLot for the commissioners, OwnBid for a
// bidder). Eval is evaluation's store in the same connection or transaction: the award's
// steps read the lot, the bids and the ranking through it and commit with them.
type Store struct {
	db   *gorm.DB
	Eval *evaluation.Store
}

// NewStore wraps the database.
func NewStore(db *database.DB) *Store { return &Store{db: db.Gorm, Eval: evaluation.NewStore(db)} }

// on is the award's store within an evaluation transaction.
func on(etx *evaluation.Store) *Store { return &Store{db: etx.DB(), Eval: etx} }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction, evaluation's reads included: state and audit event commit
// together.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.Eval.Tx(ctx, func(etx *evaluation.Store) error { return fn(on(etx)) })
}

// Audit appends an audit event in the transaction.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error { return audit.Record(ctx, s.db, e) }

// QueueMail writes a mail to the outbox in the transaction.
func (s *Store) QueueMail(ctx context.Context, m jobs.Mail) (string, error) {
	return jobs.QueueMail(ctx, s.db, m)
}

// locked adds FOR UPDATE on PostgreSQL, so two changes cannot interleave (SQLite has one writer).
func (s *Store) locked(q *gorm.DB, lock bool) *gorm.DB {
	if lock && s.db.Dialector.Name() == "postgres" {
		return q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

// --- recommendations ---

// CurrentRecommendation loads a lot's live recommendation (neither rejected nor withdrawn), or nil.
func (s *Store) CurrentRecommendation(ctx context.Context, lotID string, lock bool) (*Recommendation, error) {
	var r Recommendation
	q := s.q(ctx).Where("lot_id = ? AND state NOT IN ?", lotID, []State{Rejected, Withdrawn})
	err := s.locked(q, lock).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recommendation for %s: %w", lotID, err)
	}
	return &r, nil
}

// Recommendations lists every recommendation made for a lot, oldest first.
func (s *Store) Recommendations(ctx context.Context, lotID string) ([]Recommendation, error) {
	var out []Recommendation
	if err := s.q(ctx).Where("lot_id = ?", lotID).Order("recommended_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("recommendations for %s: %w", lotID, err)
	}
	return out, nil
}

// LiveRecommendations lists the live recommendations (neither rejected nor withdrawn) of the
// lots given, by lot: call it only with lots the service has let in.
func (s *Store) LiveRecommendations(ctx context.Context, lotIDs []string) (map[string]Recommendation, error) {
	out := map[string]Recommendation{}
	if len(lotIDs) == 0 {
		return out, nil
	}
	var rs []Recommendation
	if err := s.q(ctx).Where("lot_id IN ? AND state NOT IN ?", lotIDs, []State{Rejected, Withdrawn}).Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("recommendations for %d lots: %w", len(lotIDs), err)
	}
	for _, r := range rs {
		out[r.LotID] = r
	}
	return out, nil
}

// HasRecommendation reports whether a preferred bidder has ever been recommended for a lot.
func (s *Store) HasRecommendation(ctx context.Context, lotID string) (bool, error) {
	var n int64
	if err := s.q(ctx).Model(&Recommendation{}).Where("lot_id = ?", lotID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("recommendations for %s: %w", lotID, err)
	}
	return n > 0, nil
}

// AddRecommendation records a recommendation.
func (s *Store) AddRecommendation(ctx context.Context, r *Recommendation) error {
	if err := s.q(ctx).Create(r).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("This lot already has a recommendation in progress")
		}
		return fmt.Errorf("recommend: %w", err)
	}
	return nil
}

// SaveRecommendation writes a recommendation.
func (s *Store) SaveRecommendation(ctx context.Context, r *Recommendation) error {
	if err := s.q(ctx).Save(r).Error; err != nil {
		return fmt.Errorf("save recommendation: %w", err)
	}
	return nil
}

// --- what was decided on each recommendation ---

// Approvals lists the governing bodies' decisions on a recommendation.
func (s *Store) Approvals(ctx context.Context, recommendationID string) ([]Approval, error) {
	var out []Approval
	if err := s.q(ctx).Where("recommendation_id = ?", recommendationID).Order("decided_at, org_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("decisions on %s: %w", recommendationID, err)
	}
	return out, nil
}

// AddApproval records a governing body's decision.
func (s *Store) AddApproval(ctx context.Context, d *Approval) error {
	if err := s.q(ctx).Create(d).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("Your governing body has already decided on this recommendation")
		}
		return fmt.Errorf("record decision: %w", err)
	}
	return nil
}

// Representations lists the representations made against a recommendation, oldest first.
func (s *Store) Representations(ctx context.Context, recommendationID string) ([]Representation, error) {
	var out []Representation
	if err := s.q(ctx).Where("recommendation_id = ?", recommendationID).Order("made_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("representations on %s: %w", recommendationID, err)
	}
	return out, nil
}

// AddRepresentation records a representation.
func (s *Store) AddRepresentation(ctx context.Context, r *Representation) error {
	if err := s.q(ctx).Create(r).Error; err != nil {
		return fmt.Errorf("record representation: %w", err)
	}
	return nil
}

// SaveRepresentation writes a representation.
func (s *Store) SaveRepresentation(ctx context.Context, r *Representation) error {
	if err := s.q(ctx).Save(r).Error; err != nil {
		return fmt.Errorf("save representation: %w", err)
	}
	return nil
}

// Proceedings lists the court proceedings recorded against a recommendation, oldest notice
// first. Read only after the service let the lot in.
func (s *Store) Proceedings(ctx context.Context, recommendationID string) ([]Proceeding, error) {
	var out []Proceeding
	if err := s.q(ctx).Where("recommendation_id = ?", recommendationID).Order("notified_on, recorded_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("proceedings against %s: %w", recommendationID, err)
	}
	return out, nil
}

// AddProceeding records court proceedings.
func (s *Store) AddProceeding(ctx context.Context, p *Proceeding) error {
	if err := s.q(ctx).Create(p).Error; err != nil {
		return fmt.Errorf("record proceedings: %w", err)
	}
	return nil
}

// EndProceeding records the end of the suspension that proceedings brought, once: a row
// already ended is left alone and refused, so two leads ending it at once cannot both succeed.
func (s *Store) EndProceeding(ctx context.Context, p *Proceeding) error {
	res := s.q(ctx).Model(&Proceeding{}).Where("id = ? AND ended_on IS NULL", p.ID).
		Updates(map[string]any{"ended_on": p.EndedOn, "ended_how": p.EndedHow, "end_note": p.EndNote, "ended_by": p.EndedBy, "end_recorded_at": p.EndRecordedAt})
	if res.Error != nil {
		return fmt.Errorf("end proceedings: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return apperr.Conflictf("The end of this suspension has already been recorded")
	}
	return nil
}

// Records are what was decided on some recommendations, by recommendation id, each in the
// order Approvals, Representations and Proceedings give.
type Records struct {
	Approvals       map[string][]Approval
	Representations map[string][]Representation
	Proceedings     map[string][]Proceeding
}

// Records loads what was decided on the recommendations given, in three queries whatever
// their number.
func (s *Store) Records(ctx context.Context, recommendationIDs []string) (Records, error) {
	out := Records{Approvals: map[string][]Approval{}, Representations: map[string][]Representation{}, Proceedings: map[string][]Proceeding{}}
	if len(recommendationIDs) == 0 {
		return out, nil
	}
	var ds []Approval
	if err := s.q(ctx).Where("recommendation_id IN ?", recommendationIDs).Order("decided_at, org_id").Find(&ds).Error; err != nil {
		return out, fmt.Errorf("decisions on %d recommendations: %w", len(recommendationIDs), err)
	}
	for _, d := range ds {
		out.Approvals[d.RecommendationID] = append(out.Approvals[d.RecommendationID], d)
	}
	var reps []Representation
	if err := s.q(ctx).Where("recommendation_id IN ?", recommendationIDs).Order("made_at, id").Find(&reps).Error; err != nil {
		return out, fmt.Errorf("representations on %d recommendations: %w", len(recommendationIDs), err)
	}
	for _, r := range reps {
		out.Representations[r.RecommendationID] = append(out.Representations[r.RecommendationID], r)
	}
	var ps []Proceeding
	if err := s.q(ctx).Where("recommendation_id IN ?", recommendationIDs).Order("notified_on, recorded_at, id").Find(&ps).Error; err != nil {
		return out, fmt.Errorf("proceedings against %d recommendations: %w", len(recommendationIDs), err)
	}
	for _, p := range ps {
		out.Proceedings[p.RecommendationID] = append(out.Proceedings[p.RecommendationID], p)
	}
	return out, nil
}

// --- the contract ---

// Contract loads a lot's contract award, or nil.
func (s *Store) Contract(ctx context.Context, lotID string) (*Contract, error) {
	var c Contract
	err := s.q(ctx).Where("lot_id = ?", lotID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("contract award of %s: %w", lotID, err)
	}
	return &c, nil
}

// ContractedLots names, per procurement, the lots with a contract awarded.
func (s *Store) ContractedLots(ctx context.Context, procurementIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(procurementIDs) == 0 {
		return out, nil
	}
	var cs []Contract
	if err := s.q(ctx).Select("lot_id, procurement_id").Where("procurement_id IN ?", procurementIDs).Order("lot_id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("contract awards of %d procurements: %w", len(procurementIDs), err)
	}
	for _, c := range cs {
		out[c.ProcurementID] = append(out[c.ProcurementID], c.LotID)
	}
	return out, nil
}

// AddContract records a contract award.
func (s *Store) AddContract(ctx context.Context, c *Contract) error {
	if err := s.q(ctx).Create(c).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("The contract for this lot has already been awarded")
		}
		return fmt.Errorf("award contract: %w", err)
	}
	return nil
}
