package audit

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// Reads for the record of a procurement (package record): the events of its objects, and rows
// by sequence number to compare an exported copy with the running chain. They are not scoped by
// tenant: a procurement's events belong to several organisations (each governing body records
// its own decision), and the caller has already decided who may see the procurement.

// inBatch bounds an IN list: a procurement has hundreds of objects at most, but PostgreSQL and
// SQLite both cap bound parameters.
const inBatch = 500

// EventsOfObjects returns the events whose object is one of ids, up to and including seq upTo
// (the head read before, so that every row returned is committed), in chain order. Events still
// sealed (a bidder's, before the opening) are left out: the record is the buyer's, and before
// the opening the buyer may not know who bids.
func EventsOfObjects(ctx context.Context, db *gorm.DB, ids []string, upTo int64) ([]Event, error) {
	var out []Event
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for chunk := range slices.Chunk(ids, inBatch) {
		var part []Event
		if err := db.WithContext(ctx).Scopes(visibleTo("")).Where("object_id IN ? AND seq <= ?", chunk, upTo).Find(&part).Error; err != nil {
			return nil, fmt.Errorf("list audit events of %d objects: %w", len(chunk), err)
		}
		out = append(out, part...)
	}
	slices.SortFunc(out, func(a, b Event) int { return int(a.Seq - b.Seq) })
	return out, nil
}

// EventsAt returns the stored rows with the given sequence numbers, by seq; a seq without a row
// is absent from the map.
func EventsAt(ctx context.Context, db *gorm.DB, seqs []int64) (map[int64]Event, error) {
	out := make(map[int64]Event, len(seqs))
	for chunk := range slices.Chunk(seqs, inBatch) {
		var part []Event
		if err := db.WithContext(ctx).Where("seq IN ?", chunk).Find(&part).Error; err != nil {
			return nil, fmt.Errorf("read %d audit events by seq: %w", len(chunk), err)
		}
		for _, e := range part {
			out[e.Seq] = e
		}
	}
	return out, nil
}

// EventsOf returns the events of one action on one object, in chain order.
func EventsOf(ctx context.Context, db *gorm.DB, action, objectType, objectID string) ([]Event, error) {
	var out []Event
	err := db.WithContext(ctx).Where("action = ? AND object_type = ? AND object_id = ?", action, objectType, objectID).
		Order("seq").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list %s events of %s %s: %w", action, objectType, objectID, err)
	}
	return out, nil
}
