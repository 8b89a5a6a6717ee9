package lots

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Succeed gives organisation to the places from held in procurements, in tx (an NHS
// reorganisation, tenants.Successions): the procurements it led, its places among the
// participants of procurements and lots (so the governing-body decisions still to come are
// asked of it), its sites and its registered interests. Running it again moves nothing more.
//
// What stays: decisions made (approvals keep the body that made them), clarifications asked,
// and every bid. A sealed bid is never handed on, not even to a successor: whoever merges, the
// bid was made, and priced, by the body that made it, and reading it is the opening's alone.
// So a bid of a provider succeeded before its procurement's opening is withdrawn, still sealed
// and in its maker's name (as if the maker had withdrawn it: the opening reads only submitted
// bids), and the successor, which now holds the interest, bids in its own name while bidding
// is open. A bid already opened stays in evaluation under its maker's name, and the award that
// follows it passes to the successor with the contract (evaluation/award.Succeed).
func Succeed(ctx context.Context, tx *gorm.DB, from, to string, at time.Time) (int64, error) {
	if from == "" || to == "" || from == to {
		return 0, fmt.Errorf("lots succession from %q to %q", from, to)
	}
	db := tx.WithContext(ctx)
	var n int64
	for _, st := range []struct {
		what string
		sql  string
		args []any
	}{
		{"lead", "UPDATE procurements SET lead_org_id = ? WHERE lead_org_id = ?", []any{to, from}},
		{"participants", `INSERT INTO participants (procurement_id, org_id) SELECT procurement_id, ? FROM participants
			WHERE org_id = ? AND procurement_id NOT IN (SELECT procurement_id FROM participants WHERE org_id = ?)`, []any{to, from, to}},
		{"participants", "DELETE FROM participants WHERE org_id = ?", []any{from}},
		{"lot participants", `INSERT INTO lot_participants (lot_id, org_id) SELECT lot_id, ? FROM lot_participants
			WHERE org_id = ? AND lot_id NOT IN (SELECT lot_id FROM lot_participants WHERE org_id = ?)`, []any{to, from, to}},
		{"lot participants", "DELETE FROM lot_participants WHERE org_id = ?", []any{from}},
		{"sites", "UPDATE sites SET org_id = ? WHERE org_id = ?", []any{to, from}},
		{"interests", `INSERT INTO interests (procurement_id, provider_org_id, registered_by, registered_at, contact_email)
			SELECT procurement_id, ?, registered_by, registered_at, contact_email FROM interests
			WHERE provider_org_id = ? AND procurement_id NOT IN (SELECT procurement_id FROM interests WHERE provider_org_id = ?)`, []any{to, from, to}},
		{"interests", "DELETE FROM interests WHERE provider_org_id = ?", []any{from}},
	} {
		res := db.Exec(st.sql, st.args...)
		if res.Error != nil {
			return n, fmt.Errorf("move %s from %s to %s: %w", st.what, from, to, res.Error)
		}
		if !strings.HasPrefix(st.sql, "DELETE") {
			n += res.RowsAffected
		}
	}
	w, err := withdrawUnopened(db, from, at)
	return n + w, err
}

// withdrawUnopened withdraws each latest bid of from on a procurement whose bids are not yet
// being opened, as the bidder's own withdrawal does: a draft where it stands, a submitted bid by
// a withdrawn version after it (its sealed content stays, in its maker's name, read by nobody).
func withdrawUnopened(db *gorm.DB, from string, at time.Time) (int64, error) {
	var subs []Submission
	err := db.Where("bidder_org_id = ? AND procurement_id NOT IN (SELECT procurement_id FROM openings)", from).
		Order("lot_id, version").Find(&subs).Error
	if err != nil {
		return 0, fmt.Errorf("bids of %s: %w", from, err)
	}
	latest := map[string]Submission{}
	for _, sub := range subs {
		latest[sub.LotID] = sub // ordered by version: the last one stays
	}
	var n int64
	for _, sub := range latest {
		switch sub.State {
		case SubDraft:
			if err := db.Model(&Submission{}).Where("id = ?", sub.ID).Updates(map[string]any{"state": SubWithdrawn, "updated_at": at}).Error; err != nil {
				return n, fmt.Errorf("withdraw draft %s: %w", sub.ID, err)
			}
		case SubSubmitted:
			w := Submission{ID: newID(), ProcurementID: sub.ProcurementID, LotID: sub.LotID, BidderOrgID: from, Version: sub.Version + 1,
				State: SubWithdrawn, AnswersSealed: []byte{}, PriceSealed: []byte{}, CreatedBy: "succession", CreatedAt: at, UpdatedAt: at}
			if err := db.Create(&w).Error; err != nil {
				return n, fmt.Errorf("withdraw bid %s: %w", sub.ID, err)
			}
		default:
			continue
		}
		n++
	}
	return n, nil
}

// succeededApprovals are the decisions made by bodies no longer taking part (succeeded since):
// they stand in the record under the body that made them, named "NHS Medway CCG (now NHS Kent
// and Medway ICB)", after the participants' own.
func (s *Service) succeededApprovals(ctx context.Context, shown []ApprovalView, approvals []Approval) ([]ApprovalView, error) {
	var ids []string
	for _, ap := range approvals {
		if !slices.ContainsFunc(shown, func(v ApprovalView) bool { return v.OrgID == ap.OrgID }) {
			ids = append(ids, ap.OrgID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	names, err := s.Store.OrgNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []ApprovalView
	for i, ap := range approvals {
		if slices.Contains(ids, ap.OrgID) {
			out = append(out, ApprovalView{OrgID: ap.OrgID, OrgName: names[ap.OrgID], Decision: &approvals[i]})
		}
	}
	return out, nil
}
