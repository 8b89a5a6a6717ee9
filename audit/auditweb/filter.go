package auditweb

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"golive/ukclock"
	"golive/web"
)

// Object types are code names such as "lot" or "evaluation.question".
var objectTypeRe = regexp.MustCompile(`^[a-z][a-z0-9_.-]*$`)

const (
	maxObjectType = 100
	maxObjectID   = 200
	maxUser       = 254 // the longest email address
)

// textFilter checks the three text filters shared by the page and the API; messages go in errs
// under the given field names.
func textFilter(objectType, objectID, user string, names [3]string, errs map[string]string) query {
	var f query
	objectType, objectID, user = strings.TrimSpace(objectType), strings.TrimSpace(objectID), strings.TrimSpace(user)
	switch {
	case !web.PlainText(objectType):
		errs[names[0]] = web.BadTextMessage
	case len(objectType) > maxObjectType:
		errs[names[0]] = fmt.Sprintf("Object type must be %d characters or fewer", maxObjectType)
	case objectType != "" && !objectTypeRe.MatchString(objectType):
		errs[names[0]] = "Object type must be lower-case letters, numbers, dots, dashes or underscores, like lot or user"
	default:
		f.ObjectType = objectType
	}
	switch {
	case !web.PlainText(objectID):
		errs[names[1]] = web.BadTextMessage
	case len(objectID) > maxObjectID:
		errs[names[1]] = fmt.Sprintf("Object id must be %d characters or fewer", maxObjectID)
	default:
		f.ObjectID = objectID
	}
	switch {
	case !web.PlainText(user):
		errs[names[2]] = web.BadTextMessage
	case len(user) > maxUser:
		errs[names[2]] = fmt.Sprintf("User must be %d characters or fewer", maxUser)
	case strings.Contains(user, "@"):
		f.Email = user
	default:
		f.UserID = user
	}
	return f
}

// dateParts is a date as typed in the NHS.UK date input: day, month and year fields.
type dateParts struct {
	Day, Month, Year string
}

// londonDay parses a date typed in three parts, with the reader every form uses, and returns
// the instant that London day starts. bad names the part to link the error to ("day", "month"
// or "year"); label is "Date from".
func (d dateParts) londonDay(label string) (t time.Time, set bool, bad, msg string) {
	in := ukclock.DateInput{Day: d.Day, Month: d.Month, Year: d.Year}
	if in.Blank() {
		return time.Time{}, false, "", ""
	}
	t, err := ukclock.DateQuestion{Label: label}.Read(in)
	if err != nil {
		bad = ukclock.PartDay
		if len(err.Parts) > 0 {
			bad = err.Parts[0]
		}
		return time.Time{}, true, bad, err.Message
	}
	return t, true, "", ""
}

// apiTime parses an API bound: a date YYYY-MM-DD (a London day; as the upper bound it includes
// the whole day) or an RFC 3339 instant.
func apiTime(s string, upper bool) (time.Time, bool) {
	if t, err := time.ParseInLocation(time.DateOnly, s, ukclock.London); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}
