package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
)

type fuzzInput struct {
	Email string   `json:"email" validate:"required,email,max=254"`
	Name  string   `json:"name" validate:"required,max=120"`
	Roles []string `json:"roles" validate:"required,min=1,max=8,dive,max=40"`
	Count *int     `json:"count" validate:"omitempty,min=0,max=100"`
	Money string   `json:"money" validate:"omitempty,numeric"`
}

// FuzzDecodeJSON: whatever bytes arrive, decoding answers nil or an Invalid error, never a
// panic; and through the error handler the answer is a 4xx problem, never a 500.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@b.test","name":"A","roles":["observer"]}`,
		`{"email":42}`, `[]`, `null`, `{"roles":[null,{}]}`, `{"count":-1}`, `{"count":1e999}`,
		`{"email":"a@b.test"}{"x":1}`, "\xff\xfe", `{"name":"` + strings.Repeat("\u00e9", 200) + `"}`, `{"a":{"b":{"c":[[[[]]]]}}}`,
	} {
		f.Add([]byte(seed))
	}
	srv := &Server{Logger: discardLogger()}
	app := fiber.New(fiber.Config{ErrorHandler: srv.HandleError})
	app.Post("/api/v1/x", func(c *fiber.Ctx) error {
		var in fuzzInput
		if err := DecodeJSON(c, &in); err != nil {
			return err
		}
		return c.SendStatus(204)
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		var in fuzzInput
		if err := DecodeJSONBytes(body, &in); err == nil {
			if verr := Validate(&in); verr != nil && !apperr.IsKind(verr, apperr.Invalid) {
				t.Fatalf("validation error of kind %v", verr)
			}
		} else if !apperr.IsKind(err, apperr.Invalid) {
			t.Fatalf("decode error is not Invalid: %v", err)
		}
		req := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode >= 500 || (resp.StatusCode != 204 && resp.StatusCode != 422) {
			t.Fatalf("body %q answered %d", body, resp.StatusCode)
		}
	})
}
