package lots

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/web"
)

// What the pages need beyond the service's use cases: reading form fields people type (dates as
// a UK date and time, money in pounds, weights as percentages), the flash that survives the
// redirect after a POST, and two small look-ups for names.

// Commissioners lists every commissioner, to choose a procurement's participants from.
func (s *Service) Commissioners(ctx context.Context) ([]Participant, error) {
	return s.Store.Commissioners(ctx)
}

// PeopleNames maps user ids to names, for "who started the opening" and the like.
func (s *Service) PeopleNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	var want []string
	for _, id := range ids {
		if id != "" {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	var rows []struct{ ID, Name string }
	if err := s.Store.q(ctx).Table("users").Select("id, name").Where("id IN ?", want).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("people's names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// OrgNamesOf maps organisation ids to names (the lead sees who asked a clarification).
func (s *Service) OrgNamesOf(ctx context.Context, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	return s.Store.OrgNames(ctx, ids)
}

// --- the flash that survives a redirect ---

const flashCookie = "golive_flash"

// redirectFlash answers a POST with 303 to path, and a one-line confirmation the next page shows.
func redirectFlash(c *fiber.Ctx, path, msg string) error {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https", MaxAge: 60})
	return c.Redirect(path, fiber.StatusSeeOther)
}

// takeFlash moves a pending flash onto this page and clears it, so it shows once.
func takeFlash(c *fiber.Ctx) {
	v := c.Cookies(flashCookie)
	if v == "" {
		return
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Unix(0, 0), MaxAge: -1})
	if msg, err := url.QueryUnescape(v); err == nil && len(msg) <= 300 {
		web.SetFlash(c, msg)
	}
}

// --- reading forms ---

// form reads the fields of a urlencoded or multipart form.
type form struct {
	c    *fiber.Ctx
	errs map[string]string
}

func newForm(c *fiber.Ctx) *form { return &form{c: c, errs: map[string]string{}} }

func (f *form) str(name string) string { return f.c.FormValue(name) }

// all returns every value of a repeated field (checkboxes).
func (f *form) all(name string) []string {
	var out []string
	if mf, err := f.c.MultipartForm(); err == nil && mf != nil {
		return append(out, mf.Value[name]...)
	}
	for _, v := range f.c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

func (f *form) checked(name string) bool {
	v := f.str(name)
	return v != "" && v != "no" && v != "false"
}

// int reads a whole number; blank is 0 (the validation says whether one is required).
func (f *form) int(name, label string) int {
	v := strings.TrimSpace(f.str(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -1000000 || n > 1000000 {
		f.errs[name] = "Enter " + label + " as a whole number, like 5"
		return 0
	}
	return n
}

// when reads a date field (name_date, YYYY-MM-DD) and a time field (name_time, HH:MM) as UK
// wall-clock time; blank is the zero time (the validation says whether one is required).
func (f *form) when(name, label string) time.Time {
	d, t := strings.TrimSpace(f.str(name+"_date")), strings.TrimSpace(f.str(name+"_time"))
	if d == "" && t == "" {
		return time.Time{}
	}
	if d == "" {
		f.errs[name] = "Enter the date of " + label
		return time.Time{}
	}
	v, err := LondonTime(d, t)
	if err != nil {
		f.errs[name] = capitalise(label) + ": " + err.Error()
		return time.Time{}
	}
	return v
}

// pounds reads money typed in pounds, exactly, into pence.
func (f *form) pounds(name, label string) int64 {
	v, err := ParsePounds(f.str(name))
	if err != nil {
		f.errs[name] = capitalise(label) + ": " + err.Error()
		return 0
	}
	return v
}

var percentRE = regexp.MustCompile(`^(\d{1,3})(?:\.(\d{1,2}))?$`)

// ParsePercent reads a weight typed as a percentage ("12.5", "12.5%") into basis points
// (1250), exactly: weights must add up to 100 % to the basis point, so no float touches them.
func ParsePercent(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, nil
	}
	m := percentRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("enter a percentage such as 12.5, with no more than 2 decimal places")
	}
	whole, _ := strconv.Atoi(m[1])
	frac := 0
	if m[2] != "" {
		frac, _ = strconv.Atoi((m[2] + "0")[:2])
	}
	bp := whole*100 + frac
	if bp > FullWeight {
		return 0, fmt.Errorf("enter a percentage no higher than 100")
	}
	return bp, nil
}

func (f *form) percent(name, label string) int {
	v, err := ParsePercent(f.str(name))
	if err != nil {
		f.errs[name] = capitalise(label) + ": " + err.Error()
		return 0
	}
	return v
}

// check validates in with its tags and returns the fields' messages: what the form could not
// read wins over what validation says of the zero value left in its place.
func (f *form) check(in any) map[string]string {
	out := map[string]string{}
	if err := web.Validate(in); err != nil {
		if ae, ok := apperr.As(err); ok {
			for k, v := range ae.Fields {
				out[k] = v
			}
			if len(ae.Fields) == 0 {
				out["_form"] = ae.Message
			}
		}
	}
	for k, v := range f.errs {
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// formFields returns the per-field messages of an error a form can show (invalid input, or a
// conflict with the procurement's state, shown as a form-wide message), or nil for any other
// error, which goes to the one error handler.
func formFields(err error) (map[string]string, int) {
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

// prefixed keys a form's messages by the ids its fields have on a page with several forms
// ("name" of the add-a-site form is "site-name"); form-wide messages keep their "_" key.
func prefixed(fields map[string]string, prefix string) map[string]string {
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

// formWide turns every message into a form-wide one: for messages about fields on another page
// (the service's "not ready" list on the overview).
func formWide(fields map[string]string) map[string]string {
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

func options(values []string, labels map[string]string, chosen ...string) []Option {
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

// stateLabel is a state as people read it.
func stateLabel(st State) string {
	if n, ok := StateNames[st]; ok {
		return n
	}
	return string(st)
}

// splitNames reads partnership members typed one a line or separated by commas.
func splitNames(s string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if t := strings.TrimSpace(line); t != "" {
			out = append(out, t)
		}
	}
	return out
}
