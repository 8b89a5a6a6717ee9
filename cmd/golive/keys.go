package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golive/lots"
)

// The secrets are given as they are to serve: GOLIVE_SECRET_KEY is the new (current) secret and
// GOLIVE_OLD_SECRET_KEY the one rotated away from. Environment variables, never arguments, which
// `ps` shows to every user of the machine; and the very settings the running services carry
// during a rotation, so the command cannot be run with keys the services do not have.

const keysHelp = `golive keys rotate|status

  rotate   re-wrap every procurement key under GOLIVE_SECRET_KEY, unwrapping those still under
           GOLIVE_OLD_SECRET_KEY. Each procurement is re-wrapped in its own transaction with an
           audit event (procurement.key_rewrapped); a rerun skips what is done, so a rotation
           that was stopped or killed is finished by running it again.
  status   count procurement keys by the key id of the secret wrapping them.

The secrets come from the environment, never the command line. See README, "Backup, restore and
keys", for rotating on a running service step by step.`

// existingSecret loads the secret without generating one: a command that reads or moves keys
// must never invent a new secret in place of a missing one.
func (c *Config) existingSecret() (source string, err error) {
	if c.Secret != nil {
		return "GOLIVE_SECRET_KEY", nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	k, err := readKeyFile(path)
	if err != nil {
		return "", fmt.Errorf("no secret key: set GOLIVE_SECRET_KEY, or keep the generated one at %s: %w", path, err)
	}
	c.Secret = k
	return path, nil
}

// readKeyFile reads a secret written as hex, like secret.key.
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) < 32 {
		return nil, fmt.Errorf("%s is not a key (at least 64 hex digits)", path)
	}
	return k, nil
}

func keysCommand(ctx context.Context, cfg Config, args []string, stdout io.Writer, opt lots.RotateOptions) error {
	sub := strings.Join(args, " ")
	if slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "-help" || a == "--help" }) {
		fmt.Fprintln(stdout, keysHelp)
		return nil
	}
	if sub != "rotate" && sub != "status" {
		fmt.Fprintln(stdout, keysHelp)
		return fmt.Errorf("keys: expected rotate or status, got %q", sub)
	}
	source, err := cfg.existingSecret()
	if err != nil {
		return err
	}
	ring, err := lots.NewKeyring(cfg.Secret, cfg.OldSecret)
	if err != nil {
		return err
	}
	db, err := openExisting(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	// serve applies pending migrations too; the key ids need migration 00016.
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	oldID := ""
	if cfg.OldSecret != nil {
		oldID, _ = lots.KeyID(cfg.OldSecret)
	}
	fmt.Fprintf(stdout, "secret key: key id %s (%s)\n", ring.CurrentID(), source)
	if oldID != "" {
		fmt.Fprintf(stdout, "old secret key: key id %s (GOLIVE_OLD_SECRET_KEY)\n", oldID)
	}
	st := lots.NewStore(db)
	if sub == "status" {
		counts, err := st.KeyIDCounts(ctx)
		if err != nil {
			return err
		}
		printKeyCounts(stdout, counts, ring.CurrentID(), oldID)
		return nil
	}
	return rotateKeys(ctx, st, ring, oldID, stdout, opt)
}

func printKeyCounts(w io.Writer, counts map[string]int, current, old string) {
	fmt.Fprintln(w, "procurement keys by the secret wrapping them:")
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		fmt.Fprintln(w, "  none: there are no procurements")
	}
	for _, id := range ids {
		var what string
		switch id {
		case current:
			what = "current: the secret key above"
		case old:
			what = "old (GOLIVE_OLD_SECRET_KEY): run golive keys rotate"
		case "":
			what = "stored before key ids: golive keys rotate labels them"
		default:
			what = "unknown: no secret given here opens these"
		}
		label := id
		if label == "" {
			label = "(none)"
		}
		fmt.Fprintf(w, "  %-16s %6d  %s\n", label, counts[id], what)
	}
}

func rotateKeys(ctx context.Context, st *lots.Store, ring *lots.Keyring, oldID string, stdout io.Writer, opt lots.RotateOptions) error {
	opt.Progress = func(r lots.Rewrap) {
		from := r.From
		if from == "" {
			from = "(none)"
		}
		if r.Err != nil {
			fmt.Fprintf(stdout, "FAILED procurement %s (%s): %v\n", r.ProcurementID, r.Reference, r.Err)
			return
		}
		fmt.Fprintf(stdout, "re-wrapped procurement %s (%s): key id %s -> %s\n", r.ProcurementID, r.Reference, from, r.To)
	}
	rep, err := lots.RotateKeys(ctx, st, ring, opt)
	fmt.Fprintf(stdout, "%d re-wrapped, %d already under key id %s, %d failed\n", rep.Rewrapped, rep.Already, ring.CurrentID(), len(rep.Failed))
	if err != nil {
		return fmt.Errorf("keys rotate stopped (run it again to resume): %w", err)
	}
	if len(rep.Failed) > 0 {
		var lines []string
		for _, f := range rep.Failed {
			lines = append(lines, fmt.Sprintf("procurement %s (%s), key id %q", f.ProcurementID, f.Reference, f.From))
		}
		hint := "set GOLIVE_OLD_SECRET_KEY to the secret with that key id and run it again"
		if oldID != "" {
			hint = "GOLIVE_OLD_SECRET_KEY (key id " + oldID + ") does not open them: find the secret with that key id, set it as GOLIVE_OLD_SECRET_KEY and run it again"
		}
		return errors.New("keys rotate: " + fmt.Sprint(len(rep.Failed)) + " procurement keys were not re-wrapped:\n  " +
			strings.Join(lines, "\n  ") + "\n" + hint)
	}
	fmt.Fprintf(stdout, "every procurement key is under key id %s. Restart every serve and worker without GOLIVE_OLD_SECRET_KEY;\n"+
		"keep the old secret as long as you keep backups made before this rotation, which need it.\n", ring.CurrentID())
	return nil
}

// keyRing is the keyring of a configuration: its secret and any old one.
func keyRing(cfg Config) (*lots.Keyring, error) { return lots.NewKeyring(cfg.Secret, cfg.OldSecret) }
