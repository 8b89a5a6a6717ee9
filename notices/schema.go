package notices

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sync"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The OCDS 1.1.5 schemas and the two extensions golive uses, copied unchanged from the standard
// (Apache License 2.0, see schema/LICENSE-*).
//
//go:embed schema
var schemaFS embed.FS

// Extension URLs, listed in every package's "extensions" (OCDS: the URL of each extension.json).
var Extensions = []string{
	"https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
	"https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
}

const (
	releaseSchemaURL  = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
	packageSchemaURL  = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
	recordSchemaURL   = "https://standard.open-contracting.org/schema/1__1__5/record-package-schema.json"
	versionedSchemaID = "https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json"
)

// Validator checks releases, release packages and record packages against the OCDS 1.1.5
// schemas with the lots and bid extensions applied to the release schema as JSON Merge Patches
// (RFC 7386), as the standard says an extension is applied.
type Validator struct {
	release, pkg, record *jsonschema.Schema
}

var (
	validatorOnce sync.Once
	validator     *Validator
	validatorErr  error
)

// SchemaValidator compiles the schemas once.
func SchemaValidator() (*Validator, error) {
	validatorOnce.Do(func() { validator, validatorErr = newValidator() })
	return validator, validatorErr
}

func newValidator() (*Validator, error) {
	read := func(name string) ([]byte, error) { return schemaFS.ReadFile("schema/" + name) }
	release, err := read("release-schema.json")
	if err != nil {
		return nil, err
	}
	for _, ext := range []string{"lots-extension-release-schema.json", "bid-extension-release-schema.json"} {
		patch, err := read(ext)
		if err != nil {
			return nil, err
		}
		if release, err = jsonpatch.MergePatch(release, patch); err != nil {
			return nil, fmt.Errorf("apply %s: %w", ext, err)
		}
	}
	c := jsonschema.NewCompiler()
	add := func(url string, b []byte) error {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("read schema %s: %w", url, err)
		}
		return c.AddResource(url, doc)
	}
	pkg, err := read("release-package-schema.json")
	if err != nil {
		return nil, err
	}
	rec, err := read("record-package-schema.json")
	if err != nil {
		return nil, err
	}
	// Records may carry a versioned release, which golive never publishes: an open schema
	// stands in for the versioned-release schema, which is not vendored.
	for url, b := range map[string][]byte{releaseSchemaURL: release, packageSchemaURL: pkg, recordSchemaURL: rec,
		versionedSchemaID: []byte(`{"type": "object"}`)} {
		if err := add(url, b); err != nil {
			return nil, err
		}
	}
	v := &Validator{}
	if v.release, err = c.Compile(releaseSchemaURL); err != nil {
		return nil, fmt.Errorf("compile the release schema: %w", err)
	}
	if v.pkg, err = c.Compile(packageSchemaURL); err != nil {
		return nil, fmt.Errorf("compile the release package schema: %w", err)
	}
	if v.record, err = c.Compile(recordSchemaURL); err != nil {
		return nil, fmt.Errorf("compile the record package schema: %w", err)
	}
	return v, nil
}

func check(s *jsonschema.Schema, what string, b []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("%s is not valid OCDS 1.1.5: %w", what, err)
	}
	return nil
}

// Release checks one release (JSON).
func (v *Validator) Release(b []byte) error { return check(v.release, "release", b) }

// Package checks a release package (JSON), each release in it included.
func (v *Validator) Package(b []byte) error { return check(v.pkg, "release package", b) }

// Record checks a record package (JSON), its releases and compiled release included.
func (v *Validator) Record(b []byte) error { return check(v.record, "record package", b) }

// jsonOf is json.Marshal for the values this package builds, which always marshal.
func jsonOf(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal %T: %v", v, err))
	}
	return b
}
