package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"golive/apperr"
)

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		for _, tag := range []string{"json", "form"} {
			name := strings.SplitN(f.Tag.Get(tag), ",", 2)[0]
			if name != "" && name != "-" {
				return name
			}
		}
		return f.Name
	})
	return v
}

// BadTextMessage is said beside a field whose text holds NUL or bytes that are not UTF-8.
const BadTextMessage = "Enter text without hidden control characters (NUL) or characters that are not valid text"

// PlainText reports whether s can be stored as text by both databases: valid UTF-8 with no NUL
// (PostgreSQL's text cannot hold either; SQLite would keep them, so the two would differ).
func PlainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Printable is s as a page may show it back: NUL and bytes that are not UTF-8 become U+FFFD.
func Printable(s string) string {
	if PlainText(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// badText lists the string fields of v (by json or form name) that are not PlainText, walking
// nested structs, slices and maps.
func badText(v reflect.Value, name string, out map[string]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			badText(v.Elem(), name, out)
		}
	case reflect.String:
		if !PlainText(v.String()) && name != "" {
			out[name] = BadTextMessage
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			n := fieldName(f)
			if name != "" && !f.Anonymous {
				n = name + "." + n
			} else if f.Anonymous {
				n = name
			}
			badText(v.Field(i), n, out)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes (a file's content) are not text
		}
		for i := 0; i < v.Len(); i++ {
			badText(v.Index(i), fmt.Sprintf("%s.%d", name, i), out)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			k := fmt.Sprint(it.Key().Interface())
			if !PlainText(k) {
				out[name] = BadTextMessage
			}
			badText(it.Value(), name+"."+k, out)
		}
	}
}

func fieldName(f reflect.StructField) string {
	for _, tag := range []string{"json", "form"} {
		n := strings.SplitN(f.Tag.Get(tag), ",", 2)[0]
		if n != "" && n != "-" {
			return n
		}
	}
	return f.Name
}

// Validate checks v's `validate` tags and returns an Invalid error with a message per field,
// keyed by the field's json (or form) name. Text no database can hold is refused first.
func Validate(v any) error {
	bad := map[string]string{}
	badText(reflect.ValueOf(v), "", bad)
	if len(bad) > 0 {
		return apperr.InvalidFields(bad)
	}
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return apperr.Invalidf("The request could not be checked")
	}
	fields := map[string]string{}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, fe := range verrs {
		name := fe.Field()
		if _, seen := fields[name]; seen {
			continue
		}
		fields[name] = message(fe, label(t, fe.StructField(), name), isChoice(t, fe.StructField()))
	}
	return apperr.InvalidFields(fields)
}

func label(t reflect.Type, structField, fallback string) string {
	if t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName(structField); ok {
			if l := f.Tag.Get("label"); l != "" {
				return l
			}
		}
	}
	return strings.ReplaceAll(fallback, "_", " ")
}

// isChoice tells a field answered by picking (radios, checkboxes, a select: its values are listed
// by oneof, or it holds several) from one that is typed, because NHS.UK words their errors
// differently: "Select …" for the first, "Enter …" for the second.
func isChoice(t reflect.Type, structField string) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	f, ok := t.FieldByName(structField)
	if !ok {
		return false
	}
	k := f.Type.Kind()
	return strings.Contains(f.Tag.Get("validate"), "oneof") || k == reflect.Slice || k == reflect.Bool
}

func message(fe validator.FieldError, label string, choice bool) string {
	switch fe.Tag() {
	case "required", "required_without", "required_if":
		if choice {
			return "Select " + label
		}
		return "Enter " + label
	case "email":
		return "Enter " + label + " in the correct format, like name@example.nhs.uk"
	case "min":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("%s must be %s characters or more", capital(label), fe.Param())
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("Select at least %s %s", fe.Param(), label)
		}
		return fmt.Sprintf("%s must be %s or more", capital(label), fe.Param())
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("%s must be %s characters or fewer", capital(label), fe.Param())
		}
		return fmt.Sprintf("%s must be %s or fewer", capital(label), fe.Param())
	case "oneof":
		return fmt.Sprintf("%s must be one of: %s", capital(label), strings.ReplaceAll(fe.Param(), " ", ", "))
	case "dive":
		return "Check " + label
	case "eqfield":
		return capital(label) + " must match"
	case "uuid", "uuid4", "uuid7":
		return capital(label) + " must be an id"
	}
	return capital(label) + " is not valid"
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// DecodeJSON reads one JSON object into dst, refusing unknown fields, wrong types, trailing data
// and a non-JSON content type, then validates it. Every failure is a 4xx with a clear message.
func DecodeJSON(c *fiber.Ctx, dst any) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return &apperr.Error{Kind: apperr.Invalid, Message: "Send the request body as application/json"}
	}
	if err := DecodeJSONBytes(c.Body(), dst); err != nil {
		return err
	}
	return Validate(dst)
}

// DecodeJSONBytes is the decoding half of DecodeJSON, kept separate so it can be fuzzed.
func DecodeJSONBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Invalidf("The request body is empty: send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Invalidf("The request body must hold one JSON object and nothing after it")
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.Invalidf("The request body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return &apperr.Error{Kind: apperr.Invalid, Message: "There is a problem with what you sent",
				Fields: map[string]string{typ.Field: fmt.Sprintf("must be %s, not %s", jsonType(typ.Type), typ.Value)}}
		}
		return apperr.Invalidf("The request body must be %s in JSON", jsonType(typ.Type))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Invalidf("The request body ends too early: it is not complete JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apperr.Error{Kind: apperr.Invalid, Message: "There is a problem with what you sent",
			Fields: map[string]string{f: "is not a field this request accepts"}}
	}
	return apperr.Invalidf("The request body could not be read as JSON")
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// ParseForm reads an HTML form into dst (fields tagged `form:"…"`) and validates it.
func ParseForm(c *fiber.Ctx, dst any) error {
	if err := c.BodyParser(dst); err != nil {
		return apperr.Invalidf("The form could not be read: %s", "check what you entered")
	}
	return Validate(dst)
}
