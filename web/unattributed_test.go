package web

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
)

// A bidder's request on an opportunity is logged without their user or organisation: the
// operator reading the logs would otherwise learn who is bidding, and when, before the opening.
// Every other request still names who made it.
func TestABidderRequestIsLoggedWithoutNamingTheBidder(t *testing.T) {
	var logs bytes.Buffer
	srv := &Server{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	app := srv.NewApp(Options{})
	signedIn := func(c *fiber.Ctx) error {
		SetActor(c, &access.Actor{UserID: "user-weald-bidder", OrgID: "org-weald-ambulance"})
		return c.Next()
	}
	unattributed := func(c *fiber.Ctx) error { Unattribute(c); return c.Next() }
	ok := func(c *fiber.Ctx) error { return c.SendString("ok") }
	app.Post("/opportunities/p/lots/l/submit", signedIn, unattributed, ok)
	app.Get("/dashboard", signedIn, ok)

	for _, path := range []string{"/opportunities/p/lots/l/submit", "/dashboard"} {
		method := "GET"
		if strings.HasPrefix(path, "/opportunities") {
			method = "POST"
		}
		logs.Reset()
		resp, err := app.Test(httptest.NewRequest(method, path, nil))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		line := logs.String()
		if !strings.Contains(line, path) {
			t.Fatalf("%s: no request line logged: %q", path, line)
		}
		named := strings.Contains(line, "user-weald-bidder") || strings.Contains(line, "org-weald-ambulance")
		if want := path == "/dashboard"; named != want {
			t.Errorf("%s: the log line names the user: %v, want %v: %q", path, named, want, line)
		}
	}
}
