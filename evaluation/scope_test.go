package evaluation_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/database"
	"golive/lots"
	"golive/tenants"
	"golive/web"
)

// ScopedAhead sends a route's first reads with the scope check's read of the lot, before the
// check: what they read is kept for the handler only when the check lets the lot in, and the
// check refuses as Scoped does, whether or not anything was read ahead.
func TestScopedAheadKeepsWhatItReadOnlyForALotLetIn(t *testing.T) {
	f := newFixture(t)
	w := f.published()
	type call struct {
		lot, question string
		queued        int // reads in the batch when the ahead was called: the lot's
		kept          string
	}
	var calls []*call
	ahead := func(ctx context.Context, b *database.Batch, lotID string, param func(string) string) func(lots.Lot) {
		c := &call{lot: lotID, question: param("question"), queued: b.Len()}
		calls = append(calls, c)
		return func(l lots.Lot) { c.kept = l.ID }
	}
	handled := 0
	serve := func(email string, memo bool, lotID string) int {
		t.Helper()
		a, ctx := f.as(email)
		app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
			if apperr.IsKind(err, apperr.NotFound) {
				return c.SendStatus(404)
			}
			t.Errorf("%s: %v", email, err)
			return c.SendStatus(500)
		}})
		app.Get("/lots/:lot/questions/:question", func(c *fiber.Ctx) error {
			web.SetActor(c, a)
			if memo {
				ctx = database.WithMemo(ctx)
			}
			c.SetUserContext(ctx)
			return c.Next()
		}, f.svc.ScopedAhead(ahead), func(c *fiber.Ctx) error {
			handled++
			return c.SendStatus(204)
		})
		resp, err := app.Test(httptest.NewRequest("GET", "/lots/"+lotID+"/questions/"+w.q["1.1"].ID, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}

	// The lead: read ahead, kept, handled.
	if code := serve(leadEmail, true, w.l.ID); code != 204 || len(calls) != 1 || handled != 1 {
		t.Fatalf("the lead: %d, %d aheads, %d handled", code, len(calls), handled)
	}
	if c := calls[0]; c.lot != w.l.ID || c.question != w.q["1.1"].ID || c.queued != 1 || c.kept != w.l.ID {
		t.Fatalf("the lead's ahead: %+v, want the lot and question named, the lot's read queued, the lot kept", *c)
	}
	// Healthwatch, off the panel, and another commissioner, outside the procurement: read ahead
	// (the check needs the lot's row), refused, nothing kept, the handler never reached.
	for _, email := range []string{hwEmail, "lead@bedfordshire-ccg.test"} {
		calls = nil
		if code := serve(email, true, w.l.ID); code != 404 || handled != 1 || len(calls) != 1 || calls[0].kept != "" {
			t.Fatalf("%s: %d, %d handled, aheads %+v: want 404, the read ahead not kept", email, code, handled, calls)
		}
	}
	// A lot that is not there: not found, nothing kept.
	calls = nil
	if code := serve(leadEmail, true, tenants.NewID()); code != 404 || handled != 1 || len(calls) != 1 || calls[0].kept != "" {
		t.Fatalf("an unknown lot: %d, aheads %+v", code, calls)
	}
	// Without a request memo to keep them in, nothing is read ahead; the check stands.
	calls = nil
	if code := serve(leadEmail, false, w.l.ID); code != 204 || handled != 2 || len(calls) != 0 {
		t.Fatalf("the lead without a memo: %d, %d handled, %d aheads", code, handled, len(calls))
	}
	if code := serve(hwEmail, false, w.l.ID); code != 404 || handled != 2 {
		t.Fatalf("Healthwatch without a memo: %d", code)
	}
}
