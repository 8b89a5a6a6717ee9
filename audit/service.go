package audit

import (
	"context"
	"fmt"
	"io"

	"golive/database"
)

// VerifyCommand is `golive audit verify`: it prints the verified count and the head hash (to be
// kept somewhere the database administrator cannot change, see the package comment), or returns
// an error naming the first bad row so the command exits non-zero.
func VerifyCommand(ctx context.Context, db *database.DB, w io.Writer) error {
	rep, err := Verify(ctx, db.Gorm)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("%w (%d events before it verified)", rep.Problem, rep.Checked)
	}
	if _, err := fmt.Fprintf(w, "audit chain verified: %d events\nhead: seq %d hash %s\n", rep.Checked, rep.Head.Seq, rep.Head.Hash); err != nil {
		return fmt.Errorf("print audit verification: %w", err)
	}
	return nil
}
