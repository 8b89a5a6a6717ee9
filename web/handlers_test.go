package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
)

type noteInput struct {
	Text string `json:"text" validate:"required,max=20" label:"the note"`
}

type note struct{ ID, On, Text, By string }

// handlersApp mounts the three helpers on an app with golive's error handler, as a feature's
// routes would, with a signed-in actor. calls counts what reached the service.
func handlersApp(calls *int) *fiber.App {
	srv := &Server{Logger: discardLogger()}
	app := srv.NewApp(Options{})
	app.Use(func(c *fiber.Ctx) error { SetActor(c, &access.Actor{UserID: "u1"}); return c.Next() })
	notFound := func(id string) error {
		if id == "gone" {
			return apperr.NotFoundf("Lot not found")
		}
		return nil
	}
	app.Post("/api/v1/lots/:lot/open", func(c *fiber.Ctx) error {
		return Act(c, "lot", func(ctx context.Context, a *access.Actor, lot string) error {
			*calls++
			if a.UserID != "u1" {
				return apperr.Invalidf("actor not passed")
			}
			return notFound(lot)
		})
	})
	app.Post("/api/v1/lots/:lot/decide", func(c *fiber.Ctx) error {
		return ActWith(c, "lot", func(ctx context.Context, a *access.Actor, lot string, in noteInput) error {
			*calls++
			if in.Text != "yes" {
				return apperr.Invalidf("body not passed")
			}
			return notFound(lot)
		})
	})
	app.Post("/api/v1/lots/:lot/notes", func(c *fiber.Ctx) error {
		return Add(c, "/api/v1/lots/"+c.Params("lot")+"/notes", "lot",
			func(ctx context.Context, a *access.Actor, lot string, in noteInput) (note, error) {
				*calls++
				return note{ID: "n1", On: lot, Text: in.Text, By: a.UserID}, notFound(lot)
			},
			func(n note) map[string]string {
				return map[string]string{"id": n.ID, "lot": n.On, "text": n.Text, "by": n.By}
			})
	})
	return app
}

func post(t *testing.T, app *fiber.App, path, body string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestAnActionIsAnswered204WithNothingToRead(t *testing.T) {
	var calls int
	app := handlersApp(&calls)
	for _, path := range []string{"/api/v1/lots/l1/open", "/api/v1/lots/l1/decide"} {
		body := ""
		if strings.HasSuffix(path, "decide") {
			body = `{"text":"yes"}`
		}
		res, got := post(t, app, path, body)
		if res.StatusCode != 204 || got != "" {
			t.Errorf("%s: got %d %q, want 204 and no body", path, res.StatusCode, got)
		}
	}
	if calls != 2 {
		t.Fatalf("the service was called %d times, want 2", calls)
	}
}

func TestAnActionOnAnObjectThatIsNotThereIsA404Problem(t *testing.T) {
	var calls int
	app := handlersApp(&calls)
	for path, body := range map[string]string{"/api/v1/lots/gone/open": "", "/api/v1/lots/gone/decide": `{"text":"yes"}`,
		"/api/v1/lots/gone/notes": `{"text":"yes"}`} {
		res, got := post(t, app, path, body)
		if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(got, "Lot not found") {
			t.Errorf("%s: got %d %s %s, want a 404 problem", path, res.StatusCode, res.Header.Get("Content-Type"), got)
		}
		if loc := res.Header.Get("Location"); loc != "" {
			t.Errorf("%s: a failed request points to %s", path, loc)
		}
	}
}

func TestABodyThatIsNotValidNeverReachesTheService(t *testing.T) {
	var calls int
	app := handlersApp(&calls)
	for _, path := range []string{"/api/v1/lots/l1/decide", "/api/v1/lots/l1/notes"} {
		for _, body := range []string{"", `{}`, `{"text":"yes","extra":1}`, `{"text":"` + strings.Repeat("x", 21) + `"}`} {
			res, got := post(t, app, path, body)
			if res.StatusCode/100 != 4 || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s: got %d %s, want a 4xx problem", path, body, res.StatusCode, got)
			}
		}
	}
	_, got := post(t, app, "/api/v1/lots/l1/decide", `{}`)
	if !strings.Contains(got, `"field":"text"`) || !strings.Contains(got, "Enter the note") {
		t.Errorf("a missing field is not named: %s", got)
	}
	if calls != 0 {
		t.Fatalf("the service was called %d times with a bad body", calls)
	}
}

func TestWhatIsAddedIsAnswered201WithWhereToReadItBack(t *testing.T) {
	var calls int
	res, got := post(t, handlersApp(&calls), "/api/v1/lots/l1/notes", `{"text":"yes"}`)
	if res.StatusCode != 201 || res.Header.Get("Location") != "/api/v1/lots/l1/notes" {
		t.Fatalf("got %d at %q, want 201 at /api/v1/lots/l1/notes", res.StatusCode, res.Header.Get("Location"))
	}
	if want := `{"by":"u1","id":"n1","lot":"l1","text":"yes"}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
