package localtenant

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Request bodies of the entity types the local tenant stores generically
// (application, servicePrincipal) are checked against graphschema.json
// before any behaviour code sees them, with Graph's messages:
//
//   - a member that is not a documented property of the entity type:
//     "Property 'x' does not exist as a declared property or extension
//     property." (the directory's answer for its open entity types);
//   - a member of a complex value its type does not declare: "The property
//     'x' does not exist on type 'microsoft.graph.t'. Make sure to only use
//     property names that are defined by the type.";
//   - a value of the wrong JSON kind: "Cannot convert the literal 'v' to
//     the expected type 'Edm.X'." for primitives, "An unexpected 'K' node
//     was found when reading from the JSON reader. A 'N' node was
//     expected." for structure;
//   - a string that does not parse as its type (Guid, DateTimeOffset,
//     Binary, ...): "Cannot convert a primitive value to the expected type
//     'Edm.X'. See the inner exception for more details.";
//   - null where the type forbids it: "A null value was found for the
//     property named 'x', which has the expected type 'T[Nullable=False]'.
//     The expected type 'T[Nullable=False]' does not allow null values.";
//   - a name an enumeration does not have: "Requested value 'v' was not
//     found.".

// checkEntityBody checks the members of a POST or PATCH body of entity
// type typ in version ver. readOnly members are refused as read-only;
// "@odata." annotations and "nav@odata.bind" of a navigation property are
// left to the handler.
func checkEntityBody(ver, typ string, body map[string]json.RawMessage, readOnly []string) *apiError {
	t := entityType(ver, typ)
	for _, name := range sortedKeys(body) {
		raw := body[name]
		if strings.HasPrefix(name, "@odata.") {
			continue
		}
		if nav, ok := strings.CutSuffix(name, "@odata.bind"); ok && t.hasNavigation(nav) {
			continue
		}
		p, ok := t.Properties[name]
		if !ok || p.isStream() {
			return badRequest("Property '%s' does not exist as a declared property or extension property.", name)
		}
		if containsExact(readOnly, name) {
			return badRequest("Property '%s' is read-only and cannot be set.", name)
		}
		v, err := decodeAny(raw)
		if err != nil {
			return badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		}
		if aerr := checkValue(ver, name, p, v); aerr != nil {
			return aerr
		}
	}
	return nil
}

// decodeAny decodes JSON keeping numbers as json.Number.
func decodeAny(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// edmName is the type name Graph's messages use.
func edmName(p *schemaProp) string {
	n := p.Type
	if !strings.HasPrefix(n, "Edm.") && !strings.Contains(n, ".") {
		n = "microsoft.graph." + n
	}
	if p.Collection {
		n = "Collection(" + n + ")"
	}
	return n
}

// checkValue checks the value of property name of type p.
func checkValue(ver, name string, p *schemaProp, v any) *apiError {
	if v == nil {
		if p.Collection || !p.Nullable {
			t := edmName(p) + "[Nullable=False]"
			return badRequest("A null value was found for the property named '%s', which has the expected type '%s'. The expected type '%s' does not allow null values.", name, t, t)
		}
		return nil
	}
	if p.Collection {
		arr, ok := v.([]any)
		if !ok {
			return badRequest("An unexpected '%s' node was found when reading from the JSON reader. A 'StartArray' node was expected.", nodeKind(v))
		}
		elem := &schemaProp{Type: p.Type, Nullable: p.Nullable}
		for _, e := range arr {
			if e == nil {
				if !p.Nullable {
					t := edmName(elem) + "[Nullable=False]"
					return badRequest("A null value was found for the property named '%s', which has the expected type '%s'. The expected type '%s' does not allow null values.", name, t, t)
				}
				continue
			}
			if aerr := checkSingle(ver, name, elem, e); aerr != nil {
				return aerr
			}
		}
		return nil
	}
	return checkSingle(ver, name, p, v)
}

// nodeKind names a JSON value as the OData reader does.
func nodeKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "StartObject"
	case []any:
		return "StartArray"
	}
	return "PrimitiveValue"
}

// literal is a value as Graph quotes it in "Cannot convert the literal".
func literal(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(v)
}

// intRanges are the bounds of the Edm integer types.
var intRanges = map[string][2]int64{
	"Edm.Int16": {math.MinInt16, math.MaxInt16}, "Edm.Int32": {math.MinInt32, math.MaxInt32},
	"Edm.Int64": {math.MinInt64, math.MaxInt64}, "Edm.Byte": {0, math.MaxUint8}, "Edm.SByte": {math.MinInt8, math.MaxInt8},
}

var (
	guidPattern     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	durationPattern = regexp.MustCompile(`^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
)

// checkSingle checks one (non-null, non-collection) value.
func checkSingle(ver, name string, p *schemaProp, v any) *apiError {
	sv := graphSchema.Versions[ver]
	if strings.HasPrefix(p.Type, "Edm.") {
		return checkPrimitive(p.Type, v)
	}
	if e, ok := sv.Enums[p.Type]; ok {
		s, isStr := v.(string)
		if !isStr {
			if _, isNum := v.(json.Number); !isNum {
				return badRequest("An unexpected '%s' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.", nodeKind(v))
			}
			return badRequest("Cannot convert the literal '%s' to the expected type '%s'.", literal(v), edmName(p))
		}
		parts := []string{s}
		if e.Flags {
			parts = strings.Split(s, ",")
		}
		for _, part := range parts {
			if !containsExact(e.Members, strings.TrimSpace(part)) {
				return badRequest("Requested value '%s' was not found.", s)
			}
		}
		return nil
	}
	ct, ok := sv.Complex[p.Type]
	if !ok {
		return nil // a type of another namespace: opaque
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return badRequest("An unexpected '%s' node was found when reading from the JSON reader. A 'StartObject' node was expected.", nodeKind(v))
	}
	typeName := p.Type
	if odt, ok := obj["@odata.type"].(string); ok {
		d := strings.TrimPrefix(strings.TrimPrefix(odt, "#"), "microsoft.graph.")
		dt, known := sv.Complex[d]
		if !known || !derivesFrom(sv, d, p.Type) {
			return badRequest("A type named '%s' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.", strings.TrimPrefix(odt, "#"))
		}
		ct, typeName = dt, d
	}
	for _, m := range sortedKeys(obj) {
		if strings.HasPrefix(m, "@odata.") {
			continue
		}
		mp, ok := ct.Properties[m]
		if !ok {
			if ct.Open {
				continue
			}
			return badRequest("The property '%s' does not exist on type 'microsoft.graph.%s'. Make sure to only use property names that are defined by the type.", m, typeName)
		}
		if aerr := checkValue(ver, m, mp, obj[m]); aerr != nil {
			return aerr
		}
	}
	return nil
}

// derivesFrom reports whether complex type d is base or derives from it.
func derivesFrom(sv *schemaVersion, d, base string) bool {
	for d != "" {
		if d == base {
			return true
		}
		t, ok := sv.Complex[d]
		if !ok {
			return false
		}
		d = t.Base
	}
	return false
}

// checkPrimitive checks a value of an Edm type.
func checkPrimitive(edm string, v any) *apiError {
	if _, ok := v.(map[string]any); ok {
		return badRequest("An unexpected 'StartObject' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.")
	}
	if _, ok := v.([]any); ok {
		return badRequest("An unexpected 'StartArray' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.")
	}
	convert := badRequest("Cannot convert the literal '%s' to the expected type '%s'.", literal(v), edm)
	parse := badRequest("Cannot convert a primitive value to the expected type '%s'. See the inner exception for more details.", edm)
	s, isStr := v.(string)
	switch edm {
	case "Edm.String":
		if !isStr {
			return convert
		}
	case "Edm.Boolean":
		if _, ok := v.(bool); !ok {
			return convert
		}
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		n, ok := v.(json.Number)
		if !ok {
			return convert
		}
		i, err := n.Int64()
		if err != nil {
			return convert
		}
		r := intRanges[edm]
		lo, hi := r[0], r[1]
		if i < lo || i > hi {
			return convert
		}
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		if _, ok := v.(json.Number); !ok && !(isStr && (s == "INF" || s == "-INF" || s == "NaN")) {
			return convert
		}
	case "Edm.Guid":
		if !isStr {
			return convert
		}
		if !guidPattern.MatchString(s) {
			return parse
		}
	case "Edm.DateTimeOffset":
		if !isStr {
			return convert
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return parse
		}
	case "Edm.Date":
		if !isStr {
			return convert
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return parse
		}
	case "Edm.TimeOfDay":
		if !isStr {
			return convert
		}
		if _, err := time.Parse("15:04:05.999999999", s); err != nil {
			return parse
		}
	case "Edm.Duration":
		if !isStr {
			return convert
		}
		if !durationPattern.MatchString(s) || s == "P" || strings.HasSuffix(s, "T") {
			return parse
		}
	case "Edm.Binary":
		if !isStr {
			return convert
		}
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			if _, err := base64.URLEncoding.DecodeString(s); err != nil {
				return parse
			}
		}
	}
	return nil
}
