// Command schemagen writes localtenant/graphschema.json, the description
// of the Microsoft Graph types the local tenant serves, from Microsoft's
// published CSDL (github.com/microsoftgraph/msgraph-metadata).
//
// Run it through scripts/gen-graph-schema, which names the input files
// and the msgraph-metadata commit they came from:
//
//	go run ./localtenant/internal/schemagen \
//		-metadata <msgraph-metadata checkout> -commit <its commit> \
//		-v1 clean_v10_metadata/cleanMetadata.xml \
//		-beta schemas/beta-USSec.csdl \
//		-beta-names schemas/type-mappings \
//		-supplement localtenant/internal/schemagen/supplement-beta.xml \
//		-beta-skip servicePrincipalLockConfiguration.enforcementScope \
//		-out localtenant/graphschema.json
//
// For each version it keeps the entity types in -types with all their
// structural properties (inherited ones included), their navigation
// property names, and every complex and enum type those properties reach
// (recursively, with the derived types of abstract complex types).
//
// -beta-names points at msgraph-metadata's schemas/type-mappings, the
// property names of the production beta schema. When the beta CSDL given
// lacks a property those lists name (a national-cloud beta CSDL lags the
// production one), the property's type is taken from the v1.0 CSDL, then
// from -supplement (CSDL fragments written from the beta reference
// documentation); a property still unresolved is reported and fails the
// run.
package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

func main() {
	var o options
	flag.StringVar(&o.commit, "commit", "", "msgraph-metadata commit the inputs came from (recorded in the output)")
	flag.StringVar(&o.dir, "metadata", ".", "msgraph-metadata checkout; the file flags are relative to it")
	flag.StringVar(&o.v1, "v1", "", "v1.0 CSDL file")
	flag.StringVar(&o.beta, "beta", "", "beta CSDL file")
	flag.StringVar(&o.betaNames, "beta-names", "", "msgraph-metadata schemas/type-mappings directory (production beta property names)")
	flag.StringVar(&o.supplement, "supplement", "", "CSDL fragment with beta types the beta CSDL lacks")
	flag.StringVar(&o.out, "out", "localtenant/graphschema.json", "output file")
	types := flag.String("types", strings.Join(defaultTypes, ","), "entity types to describe")
	fill := flag.String("fill", "application,servicePrincipal", "entity types whose beta surface is completed from -beta-names")
	skip := flag.String("beta-skip", "", "comma-separated type.property names of -beta-names to leave out (no definition published)")
	flag.Parse()
	o.types = strings.Split(*types, ",")
	o.fill = strings.Split(*fill, ",")
	if *skip != "" {
		o.skip = strings.Split(*skip, ",")
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

// defaultTypes are the entity types the local tenant serves.
var defaultTypes = []string{
	"directoryObject", "application", "servicePrincipal", "oAuth2PermissionGrant", "appRoleAssignment",
	"federatedIdentityCredential", "user", "group", "site", "permission",
}

type options struct {
	commit, dir, v1, beta, betaNames, supplement, out string
	types, fill, skip                                 []string
}

func run(o options) error {
	if o.v1 == "" || o.beta == "" || o.commit == "" {
		return fmt.Errorf("-v1, -beta and -commit are required")
	}
	v1, err := loadSchema(filepath.Join(o.dir, o.v1))
	if err != nil {
		return err
	}
	beta, err := loadSchema(filepath.Join(o.dir, o.beta))
	if err != nil {
		return err
	}
	src := Source{
		Repository: "https://github.com/microsoftgraph/msgraph-metadata",
		Commit:     o.commit,
		Files:      map[string]string{"v1.0": o.v1, "beta": o.beta},
		Rerun:      "scripts/gen-graph-schema <msgraph-metadata checkout>",
	}
	if o.betaNames != "" {
		names, err := loadNames(filepath.Join(o.dir, o.betaNames), "beta")
		if err != nil {
			return err
		}
		var supp *schema
		if o.supplement != "" {
			if supp, err = loadSchema(o.supplement); err != nil {
				return err
			}
			src.Files["beta supplement"] = "localtenant/internal/schemagen/" + filepath.Base(o.supplement)
		}
		filled, err := fillFrom(beta, names, o.fill, o.skip, v1, supp)
		if err != nil {
			return err
		}
		src.BetaFilledIn, src.BetaLeftOut = filled, o.skip
		src.Files["beta names"] = o.betaNames + "/beta-{entity,complex}-types.json"
	}
	d := Description{Source: src, Versions: map[string]*Version{}}
	if d.Versions["v1.0"], err = describe(v1, o.types); err != nil {
		return fmt.Errorf("v1.0: %w", err)
	}
	if d.Versions["beta"], err = describe(beta, o.types); err != nil {
		return fmt.Errorf("beta: %w", err)
	}
	b, err := marshal(d)
	if err != nil {
		return err
	}
	return os.WriteFile(o.out, b, 0o644)
}

// Description is the file written: see localtenant/schema.go for the
// reader.
type Description struct {
	Source   Source              `json:"source"`
	Versions map[string]*Version `json:"versions"`
}

// Source says where the description came from.
type Source struct {
	Repository   string            `json:"repository"`
	Commit       string            `json:"commit"`
	Files        map[string]string `json:"files"`
	Rerun        string            `json:"rerun"`
	BetaFilledIn []string          `json:"betaFilledIn,omitempty"`
	BetaLeftOut  []string          `json:"betaLeftOut,omitempty"`
}

// Version is one API version's types.
type Version struct {
	Entities map[string]*Type `json:"entities"`
	Complex  map[string]*Type `json:"complex"`
	Enums    map[string]*Enum `json:"enums"`
}

// Type is an entity or complex type with inherited properties included.
type Type struct {
	Base       string           `json:"base,omitempty"`
	Abstract   bool             `json:"abstract,omitempty"`
	Open       bool             `json:"open,omitempty"`
	Derived    []string         `json:"derived,omitempty"`
	Properties map[string]*Prop `json:"properties"`
	Navigation []string         `json:"navigation,omitempty"`
}

// Prop is a structural property. Type is "Edm.X" or a type name of the
// microsoft.graph namespace without prefix.
type Prop struct {
	Type       string `json:"type"`
	Collection bool   `json:"collection,omitempty"`
	Nullable   bool   `json:"nullable,omitempty"`
}

// Enum is an enumeration's member names.
type Enum struct {
	Flags   bool     `json:"flags,omitempty"`
	Members []string `json:"members"`
}

// ---- CSDL reading ----

type edmx struct {
	Schemas []xmlSchema `xml:"DataServices>Schema"`
}

type xmlSchema struct {
	Namespace string    `xml:"Namespace,attr"`
	Entities  []xmlType `xml:"EntityType"`
	Complex   []xmlType `xml:"ComplexType"`
	Enums     []xmlEnum `xml:"EnumType"`
}

type xmlType struct {
	Name       string    `xml:"Name,attr"`
	BaseType   string    `xml:"BaseType,attr"`
	Abstract   string    `xml:"Abstract,attr"`
	OpenType   string    `xml:"OpenType,attr"`
	Properties []xmlProp `xml:"Property"`
	Navigation []xmlProp `xml:"NavigationProperty"`
}

type xmlProp struct {
	Name     string `xml:"Name,attr"`
	Type     string `xml:"Type,attr"`
	Nullable string `xml:"Nullable,attr"`
}

type xmlEnum struct {
	Name    string `xml:"Name,attr"`
	IsFlags string `xml:"IsFlags,attr"`
	Members []struct {
		Name string `xml:"Name,attr"`
	} `xml:"Member"`
}

// schema is the microsoft.graph namespace of one CSDL file.
type schema struct {
	entities, complex map[string]*xmlType
	enums             map[string]*xmlEnum
}

func loadSchema(path string) (*schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc edmx
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	s := &schema{entities: map[string]*xmlType{}, complex: map[string]*xmlType{}, enums: map[string]*xmlEnum{}}
	found := false
	for i := range doc.Schemas {
		sc := &doc.Schemas[i]
		if sc.Namespace != "microsoft.graph" {
			continue
		}
		found = true
		for j := range sc.Entities {
			s.entities[sc.Entities[j].Name] = &sc.Entities[j]
		}
		for j := range sc.Complex {
			s.complex[sc.Complex[j].Name] = &sc.Complex[j]
		}
		for j := range sc.Enums {
			s.enums[sc.Enums[j].Name] = &sc.Enums[j]
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: no microsoft.graph schema", path)
	}
	return s, nil
}

// typeName strips the namespace (or alias) of a type reference and says
// whether it is a collection.
func typeName(t string) (string, bool) {
	coll := false
	if strings.HasPrefix(t, "Collection(") && strings.HasSuffix(t, ")") {
		t, coll = t[len("Collection("):len(t)-1], true
	}
	for _, p := range []string{"graph.", "microsoft.graph."} {
		if strings.HasPrefix(t, p) && !strings.Contains(t[len(p):], ".") {
			return t[len(p):], coll
		}
	}
	return t, coll
}

// ---- beta names ----

type nameList struct {
	Properties []string `json:"properties"`
	Navigation []string `json:"navigationProperties"`
}

func loadNames(dir, version string) (map[string]nameList, error) {
	out := map[string]nameList{}
	for _, kind := range []string{"entity", "complex"} {
		b, err := os.ReadFile(filepath.Join(dir, version+"-"+kind+"-types.json"))
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]nameList
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parsing %s names: %w", kind, err)
		}
		for k, v := range m["microsoft.graph"] {
			out[k] = v
		}
	}
	return out, nil
}

// fillFrom adds to s (except the type.property names in skip) the properties, types and navigation properties the
// production name lists give for the types reachable from roots but s
// lacks, taking their definitions from the fallback schemas in order.
// It returns what it added ("type.property <- source").
func fillFrom(s *schema, names map[string]nameList, roots, skip []string, fallbacks ...*schema) ([]string, error) {
	var added, missing []string
	lookup := func(name string) (*xmlType, bool, string) {
		for i, f := range fallbacks {
			if f == nil {
				continue
			}
			src := []string{"v1.0", "supplement"}[min(i, 1)]
			if t, ok := f.entities[name]; ok {
				return t, true, src
			}
			if t, ok := f.complex[name]; ok {
				return t, false, src
			}
		}
		return nil, false, ""
	}
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		t, ok := s.entities[name]
		if !ok {
			t, ok = s.complex[name]
		}
		if !ok {
			ft, entity, src := lookup(name)
			if ft == nil {
				missing = append(missing, "type "+name)
				return
			}
			cp := *ft
			if entity {
				s.entities[name] = &cp
			} else {
				s.complex[name] = &cp
			}
			t = &cp
			added = append(added, "type "+name+" <- "+src)
		}
		if t.BaseType != "" {
			b, _ := typeName(t.BaseType)
			visit(b)
		}
		nl, listed := names[name]
		if listed {
			have := map[string]bool{}
			for _, p := range allProps(s, t) {
				have[p.Name] = true
			}
			for _, p := range nl.Properties {
				if have[p] || slices.Contains(skip, name+"."+p) {
					continue
				}
				def := findProp(name, p, fallbacks)
				if def == nil {
					missing = append(missing, name+"."+p)
					continue
				}
				t.Properties = append(t.Properties, def.prop)
				added = append(added, name+"."+p+" <- "+def.src)
			}
			haveNav := map[string]bool{}
			for _, n := range t.Navigation {
				haveNav[n.Name] = true
			}
			for _, n := range nl.Navigation {
				if !haveNav[n] && !inheritedNav(s, t, n) {
					t.Navigation = append(t.Navigation, xmlProp{Name: n})
					added = append(added, name+"."+n+" (navigation)")
				}
			}
		}
		for _, p := range allProps(s, t) {
			tn, _ := typeName(p.Type)
			if strings.HasPrefix(tn, "Edm.") {
				continue
			}
			if _, isEnum := s.enums[tn]; isEnum {
				continue
			}
			if _, ok := lookupEnum(tn, fallbacks); ok {
				if _, have := s.enums[tn]; !have {
					e, _ := lookupEnum(tn, fallbacks)
					s.enums[tn] = e
					added = append(added, "enum "+tn)
				}
				continue
			}
			visit(tn)
		}
		for _, d := range derivedOf(s, name) {
			visit(d)
		}
	}
	for _, r := range roots {
		visit(r)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("beta: no definition found for %s", strings.Join(missing, ", "))
	}
	sort.Strings(added)
	return added, nil
}

type foundProp struct {
	prop xmlProp
	src  string
}

func findProp(typ, prop string, fallbacks []*schema) *foundProp {
	for i, f := range fallbacks {
		if f == nil {
			continue
		}
		t, ok := f.entities[typ]
		if !ok {
			t, ok = f.complex[typ]
		}
		if !ok {
			continue
		}
		for _, p := range t.Properties {
			if p.Name == prop {
				return &foundProp{p, []string{"v1.0", "supplement"}[min(i, 1)]}
			}
		}
	}
	return nil
}

func lookupEnum(name string, fallbacks []*schema) (*xmlEnum, bool) {
	for _, f := range fallbacks {
		if f == nil {
			continue
		}
		if e, ok := f.enums[name]; ok {
			return e, true
		}
	}
	return nil, false
}

func inheritedNav(s *schema, t *xmlType, name string) bool {
	for t.BaseType != "" {
		b, _ := typeName(t.BaseType)
		bt, ok := s.entities[b]
		if !ok {
			return false
		}
		for _, n := range bt.Navigation {
			if n.Name == name {
				return true
			}
		}
		t = bt
	}
	return false
}

// allProps is t's properties after its base types' properties.
func allProps(s *schema, t *xmlType) []xmlProp {
	var chain []*xmlType
	for cur := t; cur != nil; {
		chain = append([]*xmlType{cur}, chain...)
		if cur.BaseType == "" {
			break
		}
		b, _ := typeName(cur.BaseType)
		next, ok := s.entities[b]
		if !ok {
			next, ok = s.complex[b]
		}
		if !ok {
			break
		}
		cur = next
	}
	var out []xmlProp
	for _, c := range chain {
		out = append(out, c.Properties...)
	}
	return out
}

func allNav(s *schema, t *xmlType) []string {
	var out []string
	for cur := t; cur != nil; {
		for _, n := range cur.Navigation {
			out = append(out, n.Name)
		}
		if cur.BaseType == "" {
			break
		}
		b, _ := typeName(cur.BaseType)
		next, ok := s.entities[b]
		if !ok {
			break
		}
		cur = next
	}
	sort.Strings(out)
	return out
}

// derivedOf lists the complex types whose base is name.
func derivedOf(s *schema, name string) []string {
	var out []string
	for n, t := range s.complex {
		if b, _ := typeName(t.BaseType); t.BaseType != "" && b == name {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ---- describing ----

func describe(s *schema, roots []string) (*Version, error) {
	v := &Version{Entities: map[string]*Type{}, Complex: map[string]*Type{}, Enums: map[string]*Enum{}}
	var visitComplex func(name string) error
	addProps := func(t *xmlType) (map[string]*Prop, error) {
		props := map[string]*Prop{}
		for _, p := range allProps(s, t) {
			tn, coll := typeName(p.Type)
			props[p.Name] = &Prop{Type: tn, Collection: coll, Nullable: p.Nullable != "false"}
			switch {
			case strings.HasPrefix(tn, "Edm."):
			case s.enums[tn] != nil:
				e := s.enums[tn]
				en := &Enum{Flags: e.IsFlags == "true"}
				for _, m := range e.Members {
					en.Members = append(en.Members, m.Name)
				}
				v.Enums[tn] = en
			case s.complex[tn] != nil:
				if err := visitComplex(tn); err != nil {
					return nil, err
				}
			case strings.Contains(tn, "."):
				// A type of another namespace (microsoft.graph.x.y): kept by
				// name; readers treat its values as opaque JSON.
			default:
				return nil, fmt.Errorf("property %s.%s: unknown type %s", t.Name, p.Name, p.Type)
			}
		}
		return props, nil
	}
	visitComplex = func(name string) error {
		if _, done := v.Complex[name]; done {
			return nil
		}
		t := s.complex[name]
		out := &Type{Abstract: t.Abstract == "true", Open: t.OpenType == "true"}
		if t.BaseType != "" {
			out.Base, _ = typeName(t.BaseType)
		}
		v.Complex[name] = out
		props, err := addProps(t)
		if err != nil {
			return err
		}
		out.Properties = props
		for _, d := range derivedOf(s, name) {
			out.Derived = append(out.Derived, d)
			if err := visitComplex(d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range roots {
		t, ok := s.entities[r]
		if !ok {
			return nil, fmt.Errorf("no entity type %s", r)
		}
		out := &Type{Abstract: t.Abstract == "true", Open: t.OpenType == "true", Navigation: allNav(s, t)}
		if t.BaseType != "" {
			out.Base, _ = typeName(t.BaseType)
		}
		props, err := addProps(t)
		if err != nil {
			return nil, err
		}
		out.Properties = props
		v.Entities[r] = out
	}
	return v, nil
}

// marshal writes the description with one property per line, so a
// regenerated file diffs readably.
func marshal(d Description) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(buf.Bytes())
	// Fold each property object ({"type": ..., ...}) onto one line.
	var out bytes.Buffer
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasSuffix(l, "{") && i+1 < len(lines) && strings.Contains(lines[i+1], `"type":`) {
			out.WriteString(l)
			for i+1 < len(lines) {
				i++
				n := strings.TrimSpace(lines[i])
				if strings.HasPrefix(n, "}") {
					out.WriteString(" " + n + "\n")
					break
				}
				out.WriteString(" " + n)
			}
			continue
		}
		out.WriteString(l + "\n")
	}
	return out.Bytes(), nil
}
