package localtenant

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// graphschema.json describes the Microsoft Graph types the local tenant
// serves (v1.0 and beta): every structural property with its type,
// collection-ness and nullability, inherited ones included, the complex
// and enum types they reach, and the navigation property names. It is
// generated from Microsoft's published CSDL by scripts/gen-graph-schema
// (localtenant/internal/schemagen) and committed; "source" in the file
// names the msgraph-metadata commit.
//
//go:embed graphschema.json
var graphSchemaJSON []byte

// graphSchema is the parsed description. It is read-only after package
// initialisation.
var graphSchema = mustParseSchema(graphSchemaJSON)

// schemaDescription is graphschema.json.
type schemaDescription struct {
	Source   json.RawMessage           `json:"source"`
	Versions map[string]*schemaVersion `json:"versions"`
}

// schemaVersion is one API version's types.
type schemaVersion struct {
	Entities map[string]*schemaType `json:"entities"`
	Complex  map[string]*schemaType `json:"complex"`
	Enums    map[string]*schemaEnum `json:"enums"`
}

// schemaType is an entity or complex type.
type schemaType struct {
	Base       string                 `json:"base"`
	Abstract   bool                   `json:"abstract"`
	Open       bool                   `json:"open"`
	Derived    []string               `json:"derived"`
	Properties map[string]*schemaProp `json:"properties"`
	Navigation []string               `json:"navigation"`

	// names is Properties' keys, sorted (rendering order).
	names []string
}

// schemaProp is a structural property: Type is "Edm.X", a complex or
// enum type name of the same version, or a type of another namespace
// (with a dot), whose values are opaque.
type schemaProp struct {
	Type       string `json:"type"`
	Collection bool   `json:"collection"`
	Nullable   bool   `json:"nullable"`
}

// schemaEnum is an enumeration.
type schemaEnum struct {
	Flags   bool     `json:"flags"`
	Members []string `json:"members"`
}

func mustParseSchema(b []byte) *schemaDescription {
	var d schemaDescription
	if err := json.Unmarshal(b, &d); err != nil {
		panic(fmt.Sprintf("localtenant: graphschema.json: %v", err))
	}
	for _, v := range d.Versions {
		for _, set := range []map[string]*schemaType{v.Entities, v.Complex} {
			for _, t := range set {
				for n := range t.Properties {
					t.names = append(t.names, n)
				}
				sort.Strings(t.names)
			}
		}
	}
	return &d
}

// API versions the local tenant serves.
const (
	versionV1   = "v1.0"
	versionBeta = "beta"
)

// entityType is the description of an entity type in a version; it
// panics for a type the description lacks (a bug: the generator's
// -types list must name every type the tenant renders generically).
func entityType(ver, name string) *schemaType {
	t, ok := graphSchema.Versions[ver].Entities[name]
	if !ok {
		panic(fmt.Sprintf("localtenant: graphschema.json has no %s entity type %s", ver, name))
	}
	return t
}

// isStream reports whether a property is an Edm.Stream: such properties
// (application.logo) are media, read and written at their own URL, and
// never part of the JSON of the entity.
func (p *schemaProp) isStream() bool { return p.Type == "Edm.Stream" }

// hasNavigation reports whether name is a navigation property of t.
func (t *schemaType) hasNavigation(name string) bool {
	for _, n := range t.Navigation {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

type versionKey struct{}

// apiVersion is the Graph version a request addresses: "beta" for the
// /beta paths (served by the v1.0 routes, see Server.dispatch), else
// "v1.0".
func apiVersion(r *http.Request) string {
	if v, ok := r.Context().Value(versionKey{}).(string); ok {
		return v
	}
	return versionV1
}

// GraphProp is a documented property as graphschema.json describes it:
// Type is "Edm.X" or the name of a complex or enum type of the same
// version (microsoft.graph namespace, without prefix).
type GraphProp struct {
	Type       string
	Collection bool
	Nullable   bool
	// Complex and Enum say what kind of type a non-Edm Type is; Members
	// are an enumeration's names.
	Complex bool
	Enum    bool
	Members []string
}

// GraphProperty looks up property prop of the entity or complex type typ
// ("application", "apiApplication") of a Graph version ("v1.0", "beta")
// in the description the local tenant serves. Clients' tests use it to
// check that what they encode and decode is documented Graph.
func GraphProperty(version, typ, prop string) (GraphProp, bool) {
	v, ok := graphSchema.Versions[version]
	if !ok {
		return GraphProp{}, false
	}
	t, ok := v.Entities[typ]
	if !ok {
		if t, ok = v.Complex[typ]; !ok {
			return GraphProp{}, false
		}
	}
	p, ok := t.Properties[prop]
	if !ok || p.isStream() {
		return GraphProp{}, false
	}
	out := GraphProp{Type: p.Type, Collection: p.Collection, Nullable: p.Nullable}
	if _, ok := v.Complex[p.Type]; ok {
		out.Complex = true
	}
	if e, ok := v.Enums[p.Type]; ok {
		out.Enum, out.Members = true, e.Members
	}
	return out, true
}

// checkSelect refuses a $select of something that is not a property of
// entity type typ, as Graph does.
func checkSelect(ver, typ string, sel []string) *apiError {
	t := entityType(ver, typ)
	for _, name := range sel {
		if name == "*" || t.hasNavigation(name) {
			continue
		}
		found := false
		for n, p := range t.Properties {
			if strings.EqualFold(n, name) && !p.isStream() {
				found = true
				break
			}
		}
		if !found {
			return badRequest("Could not find a property named '%s' on type 'microsoft.graph.%s'.", name, typ)
		}
	}
	return nil
}

// GraphNavigation reports whether name is a navigation property of the
// entity type typ in a Graph version.
func GraphNavigation(version, typ, name string) bool {
	v, ok := graphSchema.Versions[version]
	if !ok {
		return false
	}
	t, ok := v.Entities[typ]
	return ok && t.hasNavigation(name)
}
