// Package apperr is golive's one error type: services return it, and the web layer turns it into
// an RFC 9457 problem (API) or an NHS.UK error page (pages) in one place.
package apperr

import (
	"errors"
	"fmt"
)

// Kind is what the caller can do about an error.
type Kind int

const (
	Internal Kind = iota
	Invalid
	NotFound
	Forbidden
	Conflict
	Unauthenticated
	TooMany
	TooLarge
	HeadersTooLarge // the URL or headers do not fit the server's buffer (431)
)

// Error carries a message safe to show to the user, per-field messages for forms and
// problem+json, and the cause, which is logged and never shown.
type Error struct {
	Kind    Kind
	Message string
	Fields  map[string]string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Status is the HTTP status for the kind.
func (e *Error) Status() int {
	switch e.Kind {
	case Invalid:
		return 422
	case NotFound:
		return 404
	case Forbidden:
		return 403
	case Conflict:
		return 409
	case Unauthenticated:
		return 401
	case TooMany:
		return 429
	case TooLarge:
		return 413
	case HeadersTooLarge:
		return 431
	}
	return 500
}

func New(kind Kind, msg string) *Error { return &Error{Kind: kind, Message: msg} }

func Invalidf(format string, a ...any) *Error {
	return &Error{Kind: Invalid, Message: fmt.Sprintf(format, a...)}
}

// InvalidFields is a validation failure with a message per field.
func InvalidFields(fields map[string]string) *Error {
	return &Error{Kind: Invalid, Message: "There is a problem with what you entered", Fields: fields}
}

// NotFoundf is also what another tenant's object looks like, so ids cannot be probed.
func NotFoundf(format string, a ...any) *Error {
	return &Error{Kind: NotFound, Message: fmt.Sprintf(format, a...)}
}

func Forbiddenf(format string, a ...any) *Error {
	return &Error{Kind: Forbidden, Message: fmt.Sprintf(format, a...)}
}

func Conflictf(format string, a ...any) *Error {
	return &Error{Kind: Conflict, Message: fmt.Sprintf(format, a...)}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	if err == nil {
		return nil, false // without errors.As's target, which escapes: IsKind(nil) on every signed-in request
	}
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}
