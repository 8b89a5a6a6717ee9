package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
)

// The request line is written from attrs (logRequests): it must be the line the key-value pairs
// it was written from made, field for field and in the same order, for a signed-in request and
// an anonymous one, at info and at error.
func TestTheRequestLineIsTheKeyValueLine(t *testing.T) {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	var logs bytes.Buffer
	srv := &Server{Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{ReplaceAttr: noTime}))}
	app := srv.NewApp(Options{})
	signedIn := func(c *fiber.Ctx) error {
		SetActor(c, &access.Actor{UserID: "user-1", OrgID: "org-\"1\""})
		return c.Next()
	}
	app.Get("/api/me", signedIn, func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/api/boom", func(c *fiber.Ctx) error { return fiber.ErrServiceUnavailable })
	for _, tc := range []struct {
		path   string
		status int
		lvl    slog.Level
		actor  bool
	}{{"/api/me", 200, slog.LevelInfo, true}, {"/api/boom", 500, slog.LevelError, false}} {
		logs.Reset()
		resp, err := app.Test(httptest.NewRequest("GET", tc.path, nil))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := logs.Bytes()
		if i := bytes.LastIndexByte(got[:len(got)-1], '\n'); i >= 0 {
			got = got[i+1:] // the request line is the last: an error may be logged before it
		}
		var line struct {
			RequestID  string `json:"request_id"`
			DurationMS int64  `json:"duration_ms"`
		}
		if err := json.Unmarshal(got, &line); err != nil {
			t.Fatalf("%s: %v: %s", tc.path, err, got)
		}
		var want bytes.Buffer
		args := []any{"request_id", line.RequestID, "method", "GET", "path", tc.path, "status", tc.status, "duration_ms", line.DurationMS}
		if tc.actor {
			args = append(args, "user", "user-1", "org", "org-\"1\"")
		}
		slog.New(slog.NewJSONHandler(&want, &slog.HandlerOptions{ReplaceAttr: noTime})).Log(context.Background(), tc.lvl, "request", args...)
		if string(got) != want.String() {
			t.Errorf("%s:\n got %s\nwant %s", tc.path, got, want.String())
		}
	}
}
