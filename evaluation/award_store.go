package evaluation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"golive/apperr"
	"golive/jobs"
	"golive/lots"
	"golive/tenants/access"
)

// The award's queries (award.go). Rows of a lot are read only after the service has let the
// lot in through Procurement (the commissioner side) or OwnBid (a bidder).

// LotParticipants lists the commissioners a lot covers: those whose governing bodies decide
// on its award.
func (s *Store) LotParticipants(ctx context.Context, lotID string) ([]string, error) {
	return s.lots().LotParticipants(ctx, lotID)
}

// PriceOpening loads a lot's price opening, or nil while the prices are sealed.
func (s *Store) PriceOpening(ctx context.Context, lotID string) (*PriceOpening, error) {
	var o PriceOpening
	err := s.q(ctx).Where("lot_id = ?", lotID).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("price opening of %s: %w", lotID, err)
	}
	return &o, nil
}

// AddPriceOpening records that a lot's prices were opened.
func (s *Store) AddPriceOpening(ctx context.Context, o *PriceOpening) error {
	if err := s.q(ctx).Create(o).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("The prices of this lot have already been opened")
		}
		return fmt.Errorf("open prices: %w", err)
	}
	return nil
}

// CurrentRecommendation loads a lot's live recommendation (neither rejected nor withdrawn), or nil.
func (s *Store) CurrentRecommendation(ctx context.Context, lotID string, lock bool) (*AwardRecommendation, error) {
	var r AwardRecommendation
	q := s.q(ctx).Where("lot_id = ? AND state NOT IN ?", lotID, []AwardState{AwardRejected, AwardWithdrawn})
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
func (s *Store) Recommendations(ctx context.Context, lotID string) ([]AwardRecommendation, error) {
	var out []AwardRecommendation
	if err := s.q(ctx).Where("lot_id = ?", lotID).Order("recommended_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("recommendations for %s: %w", lotID, err)
	}
	return out, nil
}

// AddRecommendation records a recommendation.
func (s *Store) AddRecommendation(ctx context.Context, r *AwardRecommendation) error {
	if err := s.q(ctx).Create(r).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("This lot already has a recommendation in progress")
		}
		return fmt.Errorf("recommend: %w", err)
	}
	return nil
}

// SaveRecommendation writes a recommendation.
func (s *Store) SaveRecommendation(ctx context.Context, r *AwardRecommendation) error {
	if err := s.q(ctx).Save(r).Error; err != nil {
		return fmt.Errorf("save recommendation: %w", err)
	}
	return nil
}

// Approvals lists the governing bodies' decisions on a recommendation.
func (s *Store) Approvals(ctx context.Context, recommendationID string) ([]AwardApproval, error) {
	var out []AwardApproval
	if err := s.q(ctx).Where("recommendation_id = ?", recommendationID).Order("decided_at, org_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("decisions on %s: %w", recommendationID, err)
	}
	return out, nil
}

// AddApproval records a governing body's decision.
func (s *Store) AddApproval(ctx context.Context, d *AwardApproval) error {
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

// ContractAward loads a lot's contract award, or nil.
func (s *Store) ContractAward(ctx context.Context, lotID string) (*ContractAward, error) {
	var c ContractAward
	err := s.q(ctx).Where("lot_id = ?", lotID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("contract award of %s: %w", lotID, err)
	}
	return &c, nil
}

// ContractAwardOn loads a lot's contract award, or nil, through db: how mobilisation reads the
// contract a plan is made from, on its own connection or in its transaction.
func ContractAwardOn(ctx context.Context, db *gorm.DB, lotID string) (*ContractAward, error) {
	return (&Store{db: db}).ContractAward(ctx, lotID)
}

// AddContractAward records a contract award.
func (s *Store) AddContractAward(ctx context.Context, c *ContractAward) error {
	if err := s.q(ctx).Create(c).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("The contract for this lot has already been awarded")
		}
		return fmt.Errorf("award contract: %w", err)
	}
	return nil
}

// OrgUser is a person to write to at an organisation.
type OrgUser struct{ OrgID, Email, Name string }

// BidderUsers lists the active users holding the bidder role at the organisations, for letters.
func (s *Store) BidderUsers(ctx context.Context, orgIDs []string) ([]OrgUser, error) {
	return s.roleUsers(ctx, access.RoleBidder, orgIDs)
}

// ApproverUsers lists the active users holding the governing-body approver role at the
// organisations, for notices of a decision they are to take. Pass only a lot's participants
// (LotParticipants), read after the service let the lot in.
func (s *Store) ApproverUsers(ctx context.Context, orgIDs []string) ([]OrgUser, error) {
	return s.roleUsers(ctx, access.RoleApprover, orgIDs)
}

// roleUsers lists the active users holding role in their own organisation, for the
// organisations given (a role granted in another organisation does not count), by
// organisation then email.
func (s *Store) roleUsers(ctx context.Context, role access.Role, orgIDs []string) ([]OrgUser, error) {
	holders, err := s.people().Holders(ctx, role, orgIDs)
	if err != nil {
		return nil, err
	}
	out := make([]OrgUser, len(holders))
	for i, h := range holders {
		out[i] = OrgUser{OrgID: h.OrgID, Email: h.Email, Name: h.Name}
	}
	slices.SortFunc(out, func(a, b OrgUser) int {
		return cmp.Or(strings.Compare(a.OrgID, b.OrgID), strings.Compare(a.Email, b.Email))
	})
	return out, nil
}

// OwnBid loads the acting bidder's counted response to a lot: a provider that did not bid
// (another tenant included) gets not found.
func (s *Store) OwnBid(ctx context.Context, lotID string) (lots.Submission, error) {
	return s.lots().OwnBid(ctx, lotID)
}

// BidProcurement loads the procurement of a bid the acting bidder made: call it only with the
// procurement id of a submission loaded through OwnBid.
func (s *Store) BidProcurement(ctx context.Context, sub lots.Submission) (lots.Procurement, error) {
	p, err := s.lots().ProcurementByID(ctx, sub.ProcurementID)
	if apperr.IsKind(err, apperr.NotFound) {
		return p, apperr.NotFoundf("Lot not found")
	}
	return p, err
}

// QueueMail writes a mail to the outbox in the transaction.
func (s *Store) QueueMail(ctx context.Context, m jobs.Mail) (string, error) {
	return jobs.QueueMail(ctx, s.db, m)
}

// Sections lists a lot's questionnaire sections in order.
func (s *Store) Sections(ctx context.Context, lotID string) ([]lots.Section, error) {
	return s.lots().Sections(ctx, lotID)
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
