package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/ukclock"
)

// A date input part that is not text (NUL, invalid UTF-8: sent by no browser a person uses) is
// refused under the date input's own name, so the message is shown beside it and the error
// summary links to a box that is on the page; it is not shown again.
func TestADatePartThatIsNotTextIsRefusedBesideTheDateInput(t *testing.T) {
	q := ukclock.DateQuestion{Label: "closing date", WithTime: true}
	for _, c := range []struct {
		name       string
		form       url.Values
		msg        string
		shownAgain ukclock.DateInput
	}{
		{"NUL in the day", url.Values{"d-day": {"1\x00"}, "d-month": {"2"}, "d-year": {"2027"}, "d-time": {"9am"}},
			"Closing date must be a real date", ukclock.DateInput{Month: "2", Year: "2027", Time: "9am"}},
		{"invalid UTF-8 in the month", url.Values{"d-day": {"1"}, "d-month": {"\xff\xfe"}, "d-year": {"2027"}, "d-time": {"9am"}},
			"Closing date must be a real date", ukclock.DateInput{Day: "1", Year: "2027", Time: "9am"}},
		{"NUL in the time", url.Values{"d-day": {"1"}, "d-month": {"2"}, "d-year": {"2027"}, "d-time": {"\x00"}},
			"Closing date must be a real time", ukclock.DateInput{Day: "1", Month: "2", Year: "2027"}},
		{"NUL in every part of an optional date", url.Values{"d-day": {"\x00"}, "d-month": {"\x00"}, "d-year": {"\x00"}, "d-time": {"\x00"}},
			"Closing date must be a real date", ukclock.DateInput{}},
		{"a date that reads", url.Values{"d-day": {"1"}, "d-month": {"2"}, "d-year": {"2027"}, "d-time": {"9am"}},
			"", ukclock.DateInput{Day: "1", Month: "2", Year: "2027", Time: "9am"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var errs map[string]string
			var got time.Time
			var shown ukclock.DateInput
			app := fiber.New()
			app.Post("/", func(ctx *fiber.Ctx) error {
				f := NewForm(ctx)
				got = f.Date("d", q)
				shown = f.DateInputOf("d")
				errs = f.Errs
				return nil
			})
			req := httptest.NewRequest("POST", "/", strings.NewReader(c.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if _, err := app.Test(req, -1); err != nil {
				t.Fatal(err)
			}
			if errs["d"] != c.msg {
				t.Errorf("message under d = %q, want %q (all: %q)", errs["d"], c.msg, errs)
			}
			if len(errs) > 1 || (len(errs) == 1 && c.msg == "") {
				t.Errorf("messages under names the page has no input for: %q", errs)
			}
			if shown != c.shownAgain {
				t.Errorf("shown again %+v, want %+v", shown, c.shownAgain)
			}
			if (c.msg == "") == got.IsZero() {
				t.Errorf("read %v with message %q", got, c.msg)
			}
		})
	}
	// A time box the question does not ask for is not read, whatever it holds.
	app := fiber.New()
	var errs map[string]string
	app.Post("/", func(ctx *fiber.Ctx) error {
		f := NewForm(ctx)
		f.Date("d", ukclock.DateQuestion{Label: "start date", Required: true})
		errs = f.Errs
		return nil
	})
	req := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"d-day": {"1"}, "d-month": {"2"}, "d-year": {"2027"}, "d-time": {"\x00"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := app.Test(req, -1); err != nil {
		t.Fatal(err)
	}
	if len(errs) != 0 {
		t.Errorf("a date without a time box refused for its time: %q", errs)
	}
}
