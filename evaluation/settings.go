package evaluation

import (
	"context"
	"time"

	"golive/apperr"
	"golive/tenants/access"
)

// A lot's evaluation settings: what its lead chooses about how the lot is ranked. Today that is
// the price formula (results.go); the default is LowestPrice.

// LotSettings are a lot's evaluation settings, with who chose them and when.
type LotSettings struct {
	LotID        string `gorm:"primaryKey"`
	PriceFormula PriceFormula
	SetBy        string
	SetAt        time.Time
}

// TableName: the settings are the lot's evaluation's, not the lot's.
func (LotSettings) TableName() string { return "lot_evaluation_settings" }

// PriceFormulaInput chooses the formula a lot's price scores are worked out with.
type PriceFormulaInput struct {
	PriceFormula PriceFormula `json:"price_formula" form:"price_formula" validate:"required,oneof=lowest relative" label:"the price formula"`
}

// lotPriceFormula is the formula a lot is ranked with: its lead's choice, or the default.
func lotPriceFormula(ctx context.Context, tx *Store, lotID string) (PriceFormula, error) {
	set, err := tx.LotSettings(ctx, lotID)
	if err != nil || set == nil {
		return LowestPrice, err
	}
	return set.PriceFormula, nil
}

// SetPriceFormula chooses a lot's price formula: its lead only, and only until a preferred
// bidder is recommended. From then the ranking the governing bodies decide on is the ranking of
// record (a rejected recommendation included: a new one must be weighed on the same ranking).
func (s *Service) SetPriceFormula(ctx context.Context, a *access.Actor, lotID string, formula PriceFormula) error {
	if formula != LowestPrice && formula != RelativePrice {
		return apperr.InvalidFields(map[string]string{"price_formula": "Select the lowest price formula or the relative price formula"})
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		p, l, err := s.leadLot(ctx, tx, a, lotID, true)
		if err != nil {
			return err
		}
		recommended, err := s.recommended(ctx, tx, l.ID)
		if err != nil {
			return err
		}
		if recommended {
			return apperr.Conflictf("The price formula is fixed once a preferred bidder has been recommended: the governing bodies decide on the ranking it gave")
		}
		from, err := lotPriceFormula(ctx, tx, l.ID)
		if err != nil {
			return err
		}
		opened, err := tx.PriceOpening(ctx, l.ID)
		if err != nil {
			return err
		}
		set := LotSettings{LotID: l.ID, PriceFormula: formula, SetBy: a.UserID, SetAt: s.Now()}
		if err := tx.SaveLotSettings(ctx, &set); err != nil {
			return err
		}
		// Whether the prices had been seen is part of the record: a formula chosen after
		// opening is one a challenge would ask about.
		return tx.Audit(ctx, s.entry(a, p.LeadOrgID, "price_formula.set", "lot", l.ID,
			map[string]any{"from": string(from), "to": string(formula), "prices_opened": opened != nil}))
	})
}
