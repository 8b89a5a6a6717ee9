package evaluation

import (
	"context"
	"time"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
)

// What the moderation, results and award pages show beside the service's use cases: which lot
// they are about, and where its price opening and ranking stand.

// LotCaption names a lot for its pages: its number and title and its procurement's.
type LotCaption struct {
	ID, Title                  string
	Number                     int
	ProcurementID, Procurement string
	Reference                  string
	Regime                     lots.Regime
	TermYears                  int
	Lead                       bool // the acting user is the procurement's lead: the forms are theirs
}

// LotCaption names a lot the acting user can see (scope.go): a commissioner taking part, a
// member of its panel, or a bidder with a counted response.
func (s *Service) LotCaption(ctx context.Context, a *access.Actor, lotID string) (LotCaption, error) {
	if err := s.Visible(ctx, a, lotID); err != nil {
		return LotCaption{}, err
	}
	l, p, err := s.Store.LotWithProcurement(ctx, lotID)
	if l.ID == "" {
		return LotCaption{}, err
	}
	if apperr.IsKind(err, apperr.NotFound) {
		if m, merr := s.Store.Member(ctx, l.ID, a.UserID, false); merr == nil {
			p, err = s.Store.PanelProcurement(ctx, m)
		} else if a.HasRole(access.RoleBidder) {
			if sub, berr := s.Store.OwnBid(ctx, l.ID); berr == nil {
				p, err = s.Store.BidProcurement(ctx, sub)
			}
		}
	}
	if err != nil {
		return LotCaption{}, err
	}
	return LotCaption{ID: l.ID, Title: l.Title, Number: l.Number, ProcurementID: p.ID, Procurement: p.Title, Reference: p.Reference,
		Regime: p.Regime, TermYears: p.TermYears, Lead: CanLead(a, p)}, nil
}

// Commissioner is a commissioner a lot covers: its governing body decides on the award.
type Commissioner struct{ OrgID, Name string }

// AwardStatus is where a lot's award stands, for those who may see its price.
type AwardStatus struct {
	QualityModeratedAt *time.Time
	PricesOpenedAt     *time.Time
	PricesOpenedBy     string // name
	Formula            PriceFormula
	FormulaSetBy       string // name; "" while the default applies
	FormulaSetAt       *time.Time
	FormulaFixed       bool // a recommendation has been made: the formula can no longer change
	Commissioners      []Commissioner
}

// AwardStatus shows where a lot's award stands to the lead and the lot's approvers.
func (s *Service) AwardStatus(ctx context.Context, a *access.Actor, lotID string) (AwardStatus, error) {
	var st AwardStatus
	_, l, parts, err := s.ValueLot(ctx, s.Store, a, lotID, false)
	if err != nil {
		return st, err
	}
	ev, err := s.Store.LotEvaluation(ctx, l)
	if err != nil {
		return st, err
	}
	st.QualityModeratedAt = ev.QualityModeratedAt
	o, err := s.Store.PriceOpening(ctx, l.ID)
	if err != nil {
		return st, err
	}
	set, err := s.Store.LotSettings(ctx, l.ID)
	if err != nil {
		return st, err
	}
	if st.FormulaFixed, err = s.recommended(ctx, s.Store, l.ID); err != nil {
		return st, err
	}
	var users []string
	st.Formula = LowestPrice
	if set != nil {
		st.Formula, st.FormulaSetAt = set.PriceFormula, &set.SetAt
		users = append(users, set.SetBy)
	}
	if o != nil {
		st.PricesOpenedAt = &o.OpenedAt
		users = append(users, o.OpenedBy)
	}
	names, err := s.Store.UserNames(ctx, users)
	if err != nil {
		return st, err
	}
	if set != nil {
		st.FormulaSetBy = names[set.SetBy]
	}
	if o != nil {
		st.PricesOpenedBy = names[o.OpenedBy]
	}
	orgs, err := s.Store.OrgNames(ctx, parts)
	if err != nil {
		return st, err
	}
	for _, id := range parts {
		st.Commissioners = append(st.Commissioners, Commissioner{OrgID: id, Name: orgs[id]})
	}
	return st, nil
}

// NamesOfPeople maps user ids to names, for "who decided and when" on the award pages.
func (s *Service) NamesOfPeople(ctx context.Context, ids []string) (map[string]string, error) {
	var want []string
	for _, id := range ids {
		if validID(id) {
			want = append(want, id)
		}
	}
	return s.Store.UserNames(ctx, want)
}

// NamesOfOrgs maps organisation ids to names.
func (s *Service) NamesOfOrgs(ctx context.Context, ids []string) (map[string]string, error) {
	var want []string
	for _, id := range ids {
		if validID(id) {
			want = append(want, id)
		}
	}
	return s.Store.OrgNames(ctx, want)
}
