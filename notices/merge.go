package notices

import "encoding/json"

// compile merges a process's releases, oldest first, into its compiled release by the OCDS
// merge rules: objects merge field by field, a later value replaces an earlier one, arrays of
// objects with ids merge by id, other arrays are replaced; the tag is "compiled".
func compile(ocid string, bodies []string) map[string]any {
	out := map[string]any{}
	for _, b := range bodies {
		var r map[string]any
		if json.Unmarshal([]byte(b), &r) != nil {
			continue
		}
		delete(r, "tag")
		out = mergeObject(out, r)
	}
	if d, ok := out["date"].(string); ok {
		out["id"] = ocid + "-" + d
	}
	out["tag"] = []any{"compiled"}
	return out
}

func mergeObject(into, from map[string]any) map[string]any {
	for k, v := range from {
		into[k] = mergeValue(into[k], v)
	}
	return into
}

func mergeValue(old, v any) any {
	switch nv := v.(type) {
	case map[string]any:
		if om, ok := old.(map[string]any); ok {
			return mergeObject(om, nv)
		}
		return mergeObject(map[string]any{}, nv)
	case []any:
		oa, ok := old.([]any)
		if !ok || !identified(nv) || !identified(oa) {
			return nv
		}
		for _, item := range nv {
			im := item.(map[string]any)
			found := false
			for i, o := range oa {
				if om := o.(map[string]any); om["id"] == im["id"] {
					oa[i], found = mergeObject(om, im), true
					break
				}
			}
			if !found {
				oa = append(oa, im)
			}
		}
		return oa
	}
	return v
}

// identified reports whether every item of an array is an object with an id.
func identified(a []any) bool {
	for _, x := range a {
		m, ok := x.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["id"]; !ok {
			return false
		}
	}
	return len(a) > 0
}
