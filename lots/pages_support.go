package lots

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/frontend"
	"golive/ukclock"
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
	return s.Store.PeopleNames(ctx, ids)
}

// OrgNamesOf maps organisation ids to names (the lead sees who asked a clarification).
func (s *Service) OrgNamesOf(ctx context.Context, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return map[string]string{}, nil
	}
	return s.Store.OrgNames(ctx, ids)
}

// --- reading forms ---

// form is web.Form plus the fields only procurements have: UK dates, pounds, percentages.
type form struct{ *web.Form }

func newForm(c *fiber.Ctx) *form { return &form{web.NewForm(c)} }

// when reads a date and time input (name-day, name-month, name-year, name-time) as UK
// wall-clock time; blank is the zero time (the validation says whether one is required, in the
// same words: "Enter the award date").
func (f *form) when(name, label string) time.Time {
	return f.Date(name, ukclock.DateQuestion{Label: label, WithTime: true})
}

// pounds reads money typed in pounds, exactly, into pence.
func (f *form) pounds(name, label string) int64 {
	v, err := ParsePounds(f.Str(name))
	if err != nil {
		f.Errs[name] = web.Capitalise(label) + ": " + err.Error()
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
	v, err := ParsePercent(f.Str(name))
	if err != nil {
		f.Errs[name] = web.Capitalise(label) + ": " + err.Error()
		return 0
	}
	return v
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

// FormatPence shows money as pounds with thousands separators: 31500000000 → "£315,000,000.00".
// The templates' "pence" function is the same one.
func FormatPence(p int64) string { return frontend.Pence(p) }
