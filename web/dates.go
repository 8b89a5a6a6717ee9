package web

import (
	"strings"
	"time"

	"golive/ukclock"
)

// DateField is an NHS.UK date input on a page (the "dateInput" partial): a fieldset with day,
// month and year boxes (name-day, name-month, name-year) and, WithTime, a time box (name-time),
// showing what was typed. Its message is the form's message under Name.
type DateField struct {
	Name         string
	Prefix       string // on pages with several forms: ids (and the error summary's keys) are Prefix+Name
	Legend, Hint string
	WithTime     bool
	ukclock.DateInput
}

// Key is the id the error summary links to.
func (d DateField) Key() string { return d.Prefix + d.Name }

// Highlights reports whether the part ("day", "month", "year", "time") is shown in error when
// the field's message is msg: the parts the reader blamed, or every part when the date was
// readable and a rule refused it ("The closing date must be in the future").
func (d DateField) Highlights(part, msg string) bool {
	if msg == "" || (part == ukclock.PartTime && !d.WithTime) {
		return false
	}
	_, err := ukclock.DateQuestion{Label: d.Name, WithTime: d.WithTime, Required: true}.Read(d.DateInput)
	if err == nil {
		return true
	}
	return err.Has(part)
}

// InputID is the id of a part's input. The first part in error takes the field's Key, so the
// error summary's link lands on the box to fix; with no error the day box takes it.
func (d DateField) InputID(part, msg string) string {
	first := ukclock.PartDay
	for _, p := range []string{ukclock.PartDay, ukclock.PartMonth, ukclock.PartYear, ukclock.PartTime} {
		if d.Highlights(p, msg) {
			first = p
			break
		}
	}
	if part == first {
		return d.Key()
	}
	return d.Key() + "-" + part
}

// DateInputOf reads what was typed into the date input name. A part that is not text (NUL,
// invalid UTF-8: no person types them) reads as blank, as it cannot be shown again.
func (f *Form) DateInputOf(name string) ukclock.DateInput {
	in, _ := f.dateInput(name)
	return in
}

// dateInput is DateInputOf and the first part that was not text ("" when all were).
func (f *Form) dateInput(name string) (in ukclock.DateInput, notText string) {
	part := func(p string) string {
		v := f.C.FormValue(name + "-" + p)
		if !PlainText(v) {
			if notText == "" {
				notText = p
			}
			return ""
		}
		return v
	}
	in = ukclock.DateInput{Day: part(ukclock.PartDay), Month: part(ukclock.PartMonth), Year: part(ukclock.PartYear),
		Time: part(ukclock.PartTime)}
	return in, notText
}

// Date reads the date input name with the one reader every page uses; a date it cannot read
// leaves its message under name (so it is shown beside the date input, whichever part is
// wrong) and gives the zero time.
func (f *Form) Date(name string, q ukclock.DateQuestion) time.Time {
	in, notText := f.dateInput(name)
	if notText == ukclock.PartTime && !q.WithTime {
		notText = "" // a time box this question does not show is not read
	}
	if notText != "" {
		label, what := strings.TrimSpace(q.Label), "date"
		if label == "" {
			label = "date"
		}
		if notText == ukclock.PartTime {
			what = "time"
		}
		f.Errs[name] = Capitalise(label) + " must be a real " + what
		return time.Time{}
	}
	t, err := q.Read(in)
	if err != nil {
		f.Errs[name] = err.Message
		return time.Time{}
	}
	return t
}
