package web

import (
	"errors"
	"testing"

	"golive/apperr"
	"golive/frontend"
)

// NHS.UK's error messages: "Select …" for what is picked (radios, checkboxes, a select) and
// "Enter …" for what is typed.
func TestRequiredChoicesSaySelectAndTypedFieldsSayEnter(t *testing.T) {
	type form struct {
		Name     string   `form:"name" validate:"required" label:"the name"`
		Decision string   `form:"decision" validate:"required,oneof=approve reject" label:"the decision"`
		Services []string `form:"services" validate:"required,min=1" label:"the services"`
	}
	err := Validate(&form{})
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("Validate(empty form) = %v, want an *apperr.Error", err)
	}
	want := map[string]string{"name": "Enter the name", "decision": "Select the decision", "services": "Select the services"}
	for field, msg := range want {
		if got := ae.Fields[field]; got != msg {
			t.Errorf("field %s: got %q, want %q", field, got, msg)
		}
	}
}

func TestTheErrorSummaryFollowsThePageOrder(t *testing.T) {
	page := []byte(`<form><input id="zeta"><fieldset id="alpha"><input id="middle"></fieldset></form>`)
	in := []frontend.FieldError{ // as the layout builds it: alphabetical
		{Field: "alpha", Message: "A"}, {Field: "gone", Message: "G"}, {Field: "middle", Message: "M"},
		{Field: "zeta", Message: "Z"}, {Field: "", Message: "form-wide"},
	}
	got := InPageOrder(page, in)
	want := []string{"form-wide", "Z", "A", "M", "G"}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Message != w {
			t.Errorf("position %d: got %q, want %q (whole order %v)", i, got[i].Message, w, got)
		}
	}
}
