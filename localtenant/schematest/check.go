package schematest

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// Check lists how the JSON fields of v's type (a struct, or a pointer to
// one) depart from the Graph type graphType ("application",
// "servicePrincipal", ...) of version ("v1.0", "beta"): a field that is
// not a property or navigation property of the type, a Go type that
// cannot carry the property's JSON (string for Edm.String, Guid,
// DateTimeOffset and enums; bool for Edm.Boolean; a number for the
// numeric types; a slice for a collection; a struct for a complex type,
// checked recursively). Fields tagged "-" and @odata annotations are not
// checked. Embedded structs are checked as part of the same type.
func Check(version, graphType string, v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return checkStruct(version, []string{graphType}, t, graphType)
}

// CheckAny is Check against several Graph types at once: each field must
// be a property of one of them (for a struct that decodes directory
// objects of different kinds).
func CheckAny(version string, graphTypes []string, v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return checkStruct(version, graphTypes, t, strings.Join(graphTypes, "|"))
}

// Wire pairs a Go value with the Graph type it stands for.
type Wire struct {
	GraphType string
	Value     any
}

// CheckAll is Check for each of wires, every problem prefixed with the
// Go type it is in.
func CheckAll(version string, wires ...Wire) []string {
	var out []string
	for _, w := range wires {
		for _, p := range Check(version, w.GraphType, w.Value) {
			out = append(out, fmt.Sprintf("%T: %s", w.Value, p))
		}
	}
	return out
}

var timeType = reflect.TypeOf(time.Time{})

func checkStruct(version string, graphTypes []string, t reflect.Type, path string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, checkStruct(version, graphTypes, ft, path)...)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		if strings.HasPrefix(name, "@") {
			continue
		}
		fieldPath := path + "." + name
		var prop localtenant.GraphProp
		found, nav := false, false
		for _, gt := range graphTypes {
			if p, ok := localtenant.GraphProperty(version, gt, name); ok {
				prop, found = p, true
				break
			}
			if localtenant.GraphNavigation(version, gt, name) {
				nav = true
			}
		}
		switch {
		case found:
			out = append(out, checkGoType(version, prop, f.Type, fieldPath)...)
		case nav:
		default:
			out = append(out, fmt.Sprintf("%s (Go field %s): not a property of %s in Graph %s", fieldPath, f.Name, strings.Join(graphTypes, " or "), version))
		}
	}
	return out
}

// checkGoType checks that Go type t can carry property p.
func checkGoType(version string, p localtenant.GraphProp, t reflect.Type, path string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface {
		return nil // any: decodes whatever comes
	}
	if p.Collection {
		if t.Kind() != reflect.Slice {
			return []string{fmt.Sprintf("%s: Go %s for a collection of %s", path, t, p.Type)}
		}
		elem := p
		elem.Collection = false
		return checkGoType(version, elem, t.Elem(), path+"[]")
	}
	if p.Complex {
		if t.Kind() != reflect.Struct || t == timeType {
			return []string{fmt.Sprintf("%s: Go %s for complex type %s", path, t, p.Type)}
		}
		return checkStruct(version, []string{p.Type}, t, path)
	}
	want := ""
	switch {
	case p.Enum:
		want = "string"
	case p.Type == "Edm.Boolean":
		want = "bool"
	case p.Type == "Edm.Int16", p.Type == "Edm.Int32", p.Type == "Edm.Int64", p.Type == "Edm.Byte", p.Type == "Edm.SByte",
		p.Type == "Edm.Double", p.Type == "Edm.Single", p.Type == "Edm.Decimal":
		want = "number"
	case p.Type == "Edm.DateTimeOffset":
		if t == timeType {
			return nil
		}
		want = "string"
	case strings.HasPrefix(p.Type, "Edm."):
		want = "string"
	default:
		return nil // a type of another namespace
	}
	got := ""
	switch t.Kind() {
	case reflect.String:
		got = "string"
	case reflect.Bool:
		got = "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16,
		reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		got = "number"
	default:
		got = t.String()
	}
	if got != want {
		return []string{fmt.Sprintf("%s: Go %s for %s", path, t, p.Type)}
	}
	return nil
}
