package lots

import (
	"context"
	"fmt"

	"golive/audit"
)

// Key rotation: every procurement's data key is re-wrapped under the keyring's current secret.
// The data keys themselves never change, so no sealed response is touched and a service holding
// both secrets (Keyring picks by key id) reads every bid throughout.
//
// Crash safety: each procurement is re-wrapped in its own transaction, with its audit event, and
// the row's key id says which secret wraps it. A rotation killed at any point leaves each
// procurement wholly under one secret or the other; a rerun skips those already under the new one.

// Rewrap is what happened to one procurement's key.
type Rewrap struct {
	ProcurementID, Reference string
	From, To                 string // key ids; From "" for a key stored before key ids
	Err                      error
}

// RotationReport sums a run of RotateKeys.
type RotationReport struct {
	Rewrapped int      // re-wrapped by this run
	Already   int      // already under the current secret
	Failed    []Rewrap // could not be unwrapped (their secret is not in the keyring), or not stored
}

// RotateOptions are what the caller hears of a rotation and, for tests, where it can stop one.
type RotateOptions struct {
	// Progress is told of each procurement done or failed.
	Progress func(Rewrap)
	// InTransaction, if set, is called inside each procurement's transaction after its new key
	// is written and before it commits, with the number re-wrapped so far in this run including
	// this one: the tests kill a rotation there.
	InTransaction func(n int)
}

const keyPage = 200

// RotateKeys re-wraps every procurement key that is not under ring's current secret.
func RotateKeys(ctx context.Context, st *Store, ring *Keyring, opt RotateOptions) (RotationReport, error) {
	var rep RotationReport
	counts, err := st.KeyIDCounts(ctx)
	if err != nil {
		return rep, err
	}
	rep.Already = counts[ring.CurrentID()]
	after := ""
	for {
		ids, err := st.keysNotUnder(ctx, ring.CurrentID(), after, keyPage)
		if err != nil {
			return rep, err
		}
		if len(ids) == 0 {
			return rep, nil
		}
		for _, id := range ids {
			after = id
			r, done, err := rewrapOne(ctx, st, ring, id, rep.Rewrapped+1, opt.InTransaction)
			switch {
			case err != nil && ctx.Err() != nil:
				return rep, err
			case err != nil:
				r.Err = err
				rep.Failed = append(rep.Failed, r)
			case done:
				rep.Rewrapped++
			default:
				rep.Already++ // another run re-wrapped it since the list was read
				continue
			}
			if opt.Progress != nil {
				opt.Progress(r)
			}
		}
	}
}

// rewrapOne re-wraps one procurement's key in its own transaction with its audit event. done is
// false when the key was already under the current secret.
func rewrapOne(ctx context.Context, st *Store, ring *Keyring, id string, n int, inTx func(int)) (r Rewrap, done bool, err error) {
	r = Rewrap{ProcurementID: id, To: ring.CurrentID()}
	err = st.Tx(ctx, func(tx *Store) error {
		k, err := tx.keyForUpdate(ctx, id)
		if err != nil {
			return err
		}
		r.Reference, r.From = k.Reference, k.KeyID
		if k.KeyID == ring.CurrentID() {
			return nil
		}
		key, err := ring.Unwrap(k.WrappedKey, k.KeyID, k.ID)
		if err != nil {
			return fmt.Errorf("unwrap the key of procurement %s (%s): %w", k.ID, k.Reference, err)
		}
		wrapped, to, err := ring.Wrap(key, k.ID)
		if err != nil {
			return fmt.Errorf("wrap the key of procurement %s: %w", k.ID, err)
		}
		if err := tx.rewrapKey(ctx, k.ID, k.KeyID, wrapped, to); err != nil {
			return err
		}
		if inTx != nil {
			inTx(n)
		}
		from := k.KeyID
		if from == "" {
			from = "none (stored before key ids)"
		}
		done = true
		// Operator's action: no user or organisation acts; the tenant is the lead, whose record it is.
		return tx.Audit(ctx, audit.Entry{TenantID: k.LeadOrgID, Action: "procurement.key_rewrapped",
			ObjectType: "procurement", ObjectID: k.ID, Summary: map[string]any{"from_key_id": from, "to_key_id": to}})
	})
	if err != nil {
		done = false
	}
	return r, done, err
}

// KeyCheck is CheckKeys's answer.
type KeyCheck struct {
	Opened int
	Failed []Rewrap
}

// CheckKeys unwraps every procurement key with ring, without changing anything: after a restore
// it says whether the service will open the bids.
func CheckKeys(ctx context.Context, st *Store, ring *Keyring) (KeyCheck, error) {
	var c KeyCheck
	after := ""
	for {
		rows, err := st.KeyRows(ctx, after, keyPage)
		if err != nil {
			return c, err
		}
		if len(rows) == 0 {
			return c, nil
		}
		for _, k := range rows {
			after = k.ID
			if _, err := ring.Unwrap(k.WrappedKey, k.KeyID, k.ID); err != nil {
				c.Failed = append(c.Failed, Rewrap{ProcurementID: k.ID, Reference: k.Reference, From: k.KeyID, Err: err})
				continue
			}
			c.Opened++
		}
	}
}
