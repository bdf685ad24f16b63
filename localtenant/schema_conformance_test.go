package localtenant

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// conformance lists how a response object departs from the description
// of its type: a documented property missing, a property the type does
// not have, a value of the wrong JSON type, null where the type forbids
// it, an enum value the type does not list. path prefixes the messages.
// With partial, missing properties are not reported (a $select answer,
// or a type the tenant serves only in part).
func conformance(ver, typ string, obj map[string]any, partial bool) []string {
	v := graphSchema.Versions[ver]
	t, ok := v.Entities[typ]
	if !ok {
		return []string{"no type " + typ}
	}
	return conformObject(v, t, typ, obj, partial)
}

func conformObject(v *schemaVersion, t *schemaType, path string, obj map[string]any, partial bool) []string {
	var out []string
	for _, name := range t.names {
		p := t.Properties[name]
		if p.isStream() {
			if _, ok := obj[name]; ok {
				out = append(out, fmt.Sprintf("%s.%s: stream property in the JSON", path, name))
			}
			continue
		}
		val, ok := obj[name]
		if !ok {
			if !partial {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, name))
			}
			continue
		}
		out = append(out, conformValue(v, p, path+"."+name, val, partial)...)
	}
	for name := range obj {
		if strings.Contains(name, "@") {
			continue // an instance annotation (@odata.context, @deprecated.x)
		}
		if _, ok := t.Properties[name]; !ok && (!t.Open || isEntityTypeOf(v, t)) {
			out = append(out, fmt.Sprintf("%s.%s: not a property of the type", path, name))
		}
	}
	return out
}

// isEntityTypeOf reports whether t is an entity type: entity types are
// open in Graph's CSDL, but a response never has undeclared members.
func isEntityTypeOf(v *schemaVersion, t *schemaType) bool {
	for _, e := range v.Entities {
		if e == t {
			return true
		}
	}
	return false
}

func conformValue(v *schemaVersion, p *schemaProp, path string, val any, partial bool) []string {
	if p.Collection {
		arr, ok := val.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want an array", path, jsonKind(val))}
		}
		var out []string
		elem := &schemaProp{Type: p.Type, Nullable: p.Nullable}
		for i, e := range arr {
			out = append(out, conformValue(v, elem, fmt.Sprintf("%s[%d]", path, i), e, partial)...)
		}
		return out
	}
	if val == nil {
		if !p.Nullable {
			return []string{path + ": null, but the type is not nullable"}
		}
		return nil
	}
	want := "string"
	switch {
	case p.Type == "Edm.Boolean":
		want = "boolean"
	case slices.Contains([]string{"Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte", "Edm.Double", "Edm.Single", "Edm.Decimal"}, p.Type):
		want = "number"
	case v.Complex[p.Type] != nil:
		want = "object"
	case strings.Contains(p.Type, ".") && !strings.HasPrefix(p.Type, "Edm."):
		return nil // another namespace: opaque
	}
	if got := jsonKind(val); got != want {
		return []string{fmt.Sprintf("%s: %s, want %s (%s)", path, got, want, p.Type)}
	}
	if e, ok := v.Enums[p.Type]; ok {
		for _, part := range strings.Split(val.(string), ",") {
			if !slices.Contains(e.Members, strings.TrimSpace(part)) {
				return []string{fmt.Sprintf("%s: %q is not a member of %s", path, val, p.Type)}
			}
		}
	}
	if aerr := checkPrimitiveIfEdm(p.Type, val); aerr != "" {
		return []string{fmt.Sprintf("%s: %s", path, aerr)}
	}
	if ct := v.Complex[p.Type]; ct != nil {
		obj := val.(map[string]any)
		if odt, ok := obj["@odata.type"].(string); ok {
			if dt := v.Complex[strings.TrimPrefix(strings.TrimPrefix(odt, "#"), "microsoft.graph.")]; dt != nil {
				ct = dt
			}
		}
		return conformObject(v, ct, path, obj, partial)
	}
	return nil
}

// checkPrimitiveIfEdm checks a string's format for Guid and
// DateTimeOffset values.
func checkPrimitiveIfEdm(typ string, val any) string {
	s, ok := val.(string)
	if !ok {
		return ""
	}
	switch typ {
	case "Edm.Guid", "Edm.DateTimeOffset", "Edm.Binary", "Edm.Date", "Edm.Duration":
		if aerr := checkPrimitive(typ, s); aerr != nil {
			return fmt.Sprintf("%q is not an %s", s, typ)
		}
	}
	return ""
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// mustConform fails the test for every departure of obj from the
// description.
func mustConform(t *testing.T, what, ver, typ string, obj map[string]any, partial bool) {
	t.Helper()
	for _, p := range conformance(ver, typ, obj, partial) {
		t.Errorf("%s (%s %s): %s", what, ver, typ, p)
	}
}
