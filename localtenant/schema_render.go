package localtenant

import (
	"encoding/json"
	"strings"
)

// Rendering: the wire JSON of a generically stored entity comes from the
// description, not from Go structs. renderEntity walks the documented
// properties of the type in the request's version and takes each value
// from, in order: the typed fields the behaviour code keeps (toMap of the
// struct: authoritative for what it models, e.g. credentials), the stored
// property bag (every documented member a client wrote), Graph's default
// for a new object. Complex values are completed the same way member by
// member, so a response has every documented property of its type, with
// the documented JSON type, and nothing else.

// entityDefaults is what Graph returns for properties of a new object
// that no one set, beyond the generic rule (collections [], nullable
// values null, non-nullable booleans false, numbers 0, strings ""):
// objects lists the complex-valued properties (dotted paths; the
// elements of a collection share its path) Graph returns as an object of
// defaults rather than null; values gives members with a value of their
// own.
type entityDefaults struct {
	objects []string
	values  map[string]any
}

// renderEntity is the wire JSON of entity type typ in version ver.
func renderEntity(ver, typ string, typed, props map[string]any, d entityDefaults) map[string]any {
	t := entityType(ver, typ)
	merged := overlay(props, typed)
	return shapeObject(ver, t, merged, "", d, false)
}

// overlay is base with over's members laid on top: objects merge member
// by member, so do arrays of the same length element by element (typed
// fields model a subset of an element's members: the bag keeps the
// rest); anything else is replaced. Neither input is changed.
func overlay(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = overlayValue(out[k], v)
	}
	return out
}

func overlayValue(base, over any) any {
	switch o := over.(type) {
	case map[string]any:
		if b, ok := base.(map[string]any); ok {
			return overlay(b, o)
		}
	case []any:
		if b, ok := base.([]any); ok && len(b) == len(o) {
			out := make([]any, len(o))
			for i := range o {
				out[i] = overlayValue(b[i], o[i])
			}
			return out
		}
	}
	return over
}

// mergeProp is PATCH of one member: a complex value merges into the
// current one member by member (recursively), a collection or primitive
// replaces it.
func mergeProp(cur, next any) any {
	co, ok1 := cur.(map[string]any)
	no, ok2 := next.(map[string]any)
	if !ok1 || !ok2 {
		return next
	}
	out := make(map[string]any, len(co)+len(no))
	for k, v := range co {
		out[k] = v
	}
	for k, v := range no {
		out[k] = mergeProp(co[k], v)
	}
	return out
}

// shapeObject renders the documented members of v as type t; members an
// open complex type does not declare are kept when keepOpen (an entity
// shows only declared properties).
func shapeObject(ver string, t *schemaType, v map[string]any, path string, d entityDefaults, keepOpen bool) map[string]any {
	out := make(map[string]any, len(t.names))
	for _, name := range t.names {
		p := t.Properties[name]
		if p.isStream() {
			continue
		}
		val, present := v[name]
		out[name] = shapeValue(ver, p, val, present, joinPath(path, name), d)
	}
	if t.Open && keepOpen {
		for k, val := range v {
			if _, declared := t.Properties[k]; !declared && !strings.Contains(k, "@") {
				out[k] = val
			}
		}
	}
	return out
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func shapeValue(ver string, p *schemaProp, v any, present bool, path string, d entityDefaults) any {
	if p.Collection {
		arr, ok := v.([]any)
		if !ok {
			return []any{}
		}
		out := make([]any, len(arr))
		elem := &schemaProp{Type: p.Type, Nullable: p.Nullable}
		for i, e := range arr {
			out[i] = shapeSingle(ver, elem, e, path, d)
		}
		return out
	}
	if !present {
		if dv, ok := d.values[path]; ok {
			return shapeSingle(ver, p, dv, path, d)
		}
		if containsExact(d.objects, path) {
			return shapeSingle(ver, p, map[string]any{}, path, d)
		}
		return zeroValue(ver, p)
	}
	if v == nil {
		return zeroValue(ver, p)
	}
	return shapeSingle(ver, p, v, path, d)
}

// zeroValue is the value of an unset single property: null, or for a
// non-nullable primitive its zero (an enumeration's first member).
func zeroValue(ver string, p *schemaProp) any {
	if p.Nullable {
		return nil
	}
	if e, ok := graphSchema.Versions[ver].Enums[p.Type]; ok && len(e.Members) > 0 {
		return e.Members[0]
	}
	switch p.Type {
	case "Edm.Boolean":
		return false
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte", "Edm.Double", "Edm.Single", "Edm.Decimal":
		return 0
	case "Edm.String":
		return ""
	}
	return nil
}

func shapeSingle(ver string, p *schemaProp, v any, path string, d entityDefaults) any {
	ct, ok := graphSchema.Versions[ver].Complex[p.Type]
	if !ok {
		return v
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if odt, ok := obj["@odata.type"].(string); ok {
		if dt, known := graphSchema.Versions[ver].Complex[strings.TrimPrefix(strings.TrimPrefix(odt, "#"), "microsoft.graph.")]; known {
			out := shapeObject(ver, dt, obj, path, d, true)
			out["@odata.type"] = odt
			return out
		}
	}
	return shapeObject(ver, ct, obj, path, d, true)
}

// propsFromBody decodes the members of a checked body that go to the
// property bag (every documented property except those in skip), merged
// into the current bag: the new bag. cur is not changed.
func propsFromBody(cur map[string]any, body map[string]json.RawMessage, skip []string) map[string]any {
	out := make(map[string]any, len(cur)+len(body))
	for k, v := range cur {
		out[k] = v
	}
	for name, raw := range body {
		if strings.Contains(name, "@") || containsExact(skip, name) {
			continue
		}
		v, err := decodeAny(raw)
		if err != nil {
			continue // checkEntityBody refused it already
		}
		out[name] = mergeProp(out[name], v)
	}
	return out
}
