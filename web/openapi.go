package web

import (
	"encoding/json"
	"fmt"
)

// MergeOpenAPI builds the API description from each feature's fragment ({"paths", "components"}),
// so the description of a route lives in the package that serves it.
func MergeOpenAPI(base []byte, fragments ...[]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi base: %w", err)
	}
	paths := ensureMap(doc, "paths")
	comps := ensureMap(doc, "components")
	for i, f := range fragments {
		var frag map[string]any
		if err := json.Unmarshal(f, &frag); err != nil {
			return nil, fmt.Errorf("openapi fragment %d: %w", i, err)
		}
		for p, v := range asMap(frag["paths"]) {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi: path %s described twice", p)
			}
			paths[p] = v
		}
		for section, v := range asMap(frag["components"]) {
			dst := ensureMap(comps, section)
			for name, schema := range asMap(v) {
				dst[name] = schema
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func ensureMap(m map[string]any, k string) map[string]any {
	if v, ok := m[k].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[k] = v
	return v
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
