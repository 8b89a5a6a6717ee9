package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
)

// What every feature's pages need to read forms people type and answer them: the fields of a
// urlencoded or multipart form, the per-field messages shown beside them, and the flash that
// survives the redirect after a POST. A feature adds its own readers (UK dates, pounds) by
// embedding Form and writing to Errs.

// --- the flash that survives a redirect ---

const flashCookie = "golive_flash"

// RedirectFlash answers a POST with 303 to path, and a one-line confirmation the next page shows.
func RedirectFlash(c *fiber.Ctx, path, msg string) error {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https", MaxAge: 60})
	return c.Redirect(path, fiber.StatusSeeOther)
}

// TakeFlash moves a pending flash onto this page and clears it, so it shows once.
func TakeFlash(c *fiber.Ctx) {
	v := c.Cookies(flashCookie)
	if v == "" {
		return
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Unix(0, 0), MaxAge: -1})
	if msg, err := url.QueryUnescape(v); err == nil && len(msg) <= 300 {
		SetFlash(c, msg)
	}
}

// --- reading forms ---

// Form reads the fields of a urlencoded or multipart form. Errs collects what could not be
// read, keyed by field name; Check merges it with what validation says.
type Form struct {
	C    *fiber.Ctx
	Errs map[string]string
}

// NewForm starts reading the request's form.
func NewForm(c *fiber.Ctx) *Form { return &Form{C: c, Errs: map[string]string{}} }

// Str is one field as typed. Text that no database column can hold (NUL, invalid UTF-8) is
// refused beside the field rather than passed on.
func (f *Form) Str(name string) string {
	v := f.C.FormValue(name)
	if !PlainText(v) {
		f.Errs[name] = BadTextMessage
		return ""
	}
	return v
}

// All returns every value of a repeated field (checkboxes).
func (f *Form) All(name string) []string {
	var out []string
	if mf, err := f.C.MultipartForm(); err == nil && mf != nil {
		return append(out, mf.Value[name]...)
	}
	for _, v := range f.C.Request().PostArgs().PeekMulti(name) {
		if !PlainText(string(v)) {
			f.Errs[name] = BadTextMessage
			continue
		}
		out = append(out, string(v))
	}
	return out
}

// Checked is a checkbox or yes/no radio.
func (f *Form) Checked(name string) bool {
	v := f.Str(name)
	return v != "" && v != "no" && v != "false"
}

// Int reads a whole number; blank is 0 (the validation says whether one is required).
func (f *Form) Int(name, label string) int {
	v := strings.TrimSpace(f.Str(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -1000000 || n > 1000000 {
		f.Errs[name] = "Enter " + label + " as a whole number, like 5"
		return 0
	}
	return n
}

// Check validates in with its tags and returns the fields' messages: what the form could not
// read wins over what validation says of the zero value left in its place.
func (f *Form) Check(in any) map[string]string {
	out := map[string]string{}
	if err := Validate(in); err != nil {
		if ae, ok := apperr.As(err); ok {
			for k, v := range ae.Fields {
				out[k] = v
			}
			if len(ae.Fields) == 0 {
				out["_form"] = ae.Message
			}
		}
	}
	for k, v := range f.Errs {
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Capitalise starts a message with a capital letter.
func Capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// FormFields returns the per-field messages of an error a form can show (invalid input, or a
// conflict with the object's state, shown as a form-wide message), or nil for any other
// error, which goes to the one error handler.
func FormFields(err error) (map[string]string, int) {
	ae, ok := apperr.As(err)
	if !ok || (ae.Kind != apperr.Invalid && ae.Kind != apperr.Conflict) {
		return nil, 0
	}
	out := map[string]string{}
	for k, v := range ae.Fields {
		out[k] = v
	}
	if len(out) == 0 || (ae.Message != "" && ae.Message != apperr.InvalidFields(nil).Message) {
		out["_form"] = ae.Message
	}
	return out, ae.Status()
}

// Prefixed keys a form's messages by the ids its fields have on a page with several forms
// ("name" of the add-a-site form is "site-name"); form-wide messages keep their "_" key.
func Prefixed(fields map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		if strings.HasPrefix(k, "_") {
			out[k] = v
		} else {
			out[prefix+k] = v
		}
	}
	return out
}

// FormWide turns every message into a form-wide one: for messages about fields on another page.
func FormWide(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		if strings.HasPrefix(k, "_") {
			out[k] = v
		} else {
			out["_"+k] = v
		}
	}
	return out
}

// Option is a checkbox, radio or select item.
type Option struct {
	Value, Label      string
	Checked, Selected bool
}

// OptionsOf lists values as options, labelled from labels (the value itself when missing), with
// the chosen ones checked and selected.
func OptionsOf(values []string, labels map[string]string, chosen ...string) []Option {
	var out []Option
	for _, v := range values {
		l := labels[v]
		if l == "" {
			l = v
		}
		sel := false
		for _, c := range chosen {
			sel = sel || c == v
		}
		out = append(out, Option{Value: v, Label: l, Checked: sel, Selected: sel})
	}
	return out
}
