package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/entraform/entraform/config/catalog"
)

// File name suffixes of configuration files.
const (
	SuffixHCL  = ".entra.hcl"
	SuffixJSON = ".entra.json"
)

// LoadOptions says where the configuration is and where variable values
// come from.
type LoadOptions struct {
	// Dir is the configuration directory: every *.entra.hcl and
	// *.entra.json in it (not recursive) is read.
	Dir string
	// VarFiles are -var-file paths, in order; relative ones are relative to
	// Dir. A file ending in .json is JSON, anything else HCL (k = v lines).
	VarFiles []string
	// Vars are -var 'k=v' options, in order.
	Vars []string
	// Getenv looks up ENTRAFORM_VAR_<name>; nil reads no environment.
	Getenv func(string) string
	// Catalog resolves permission names; nil means BuiltinCatalog().
	Catalog *Catalog
}

// Load reads, evaluates and checks the configuration in opts.Dir.
//
// It always returns a Config whose Dir and Files are set, so diagnostics
// can be rendered with snippets; the rest of the Config is complete only
// when the diagnostics hold no error.
func Load(opts LoadOptions) (*Config, hcl.Diagnostics) {
	sources, diags := readDir(opts.Dir)
	cfg, d := load(opts, sources)
	return cfg, append(diags, d...)
}

// source is one configuration file's name (as used in ranges) and bytes.
type source struct {
	name string
	data []byte
}

func readDir(dir string) ([]source, hcl.Diagnostics) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration directory",
			Detail:   err.Error(),
		}}
	}
	var out []source
	var diags hcl.Diagnostics
	var unread []string // .hcl and .json files without the .entra suffix
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, SuffixHCL) || strings.HasSuffix(name, SuffixJSON)) {
			if !e.IsDir() && (strings.HasSuffix(name, ".hcl") || strings.HasSuffix(name, ".json")) {
				unread = append(unread, name)
			}
			continue
		}
		data, err := readRegularFile(filepath.Join(dir, name), MaxFileSize)
		if err != nil {
			diags = append(diags, cannotRead(name, "configuration file", err))
			continue
		}
		out = append(out, source{name: name, data: data})
	}
	if len(out) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The directory %s contains no *%s or *%s files.%s", dir, SuffixHCL, SuffixJSON, suffixHint(unread)),
		})
	}
	return out, diags
}

// suffixHint points at files that look like configuration but lack the
// .entra suffix, with the name they would need.
func suffixHint(names []string) string {
	if len(names) == 0 {
		return ""
	}
	var renames []string
	for _, n := range names {
		ext := filepath.Ext(n)
		renames = append(renames, fmt.Sprintf("%s to %s", n, strings.TrimSuffix(n, ext)+".entra"+ext))
	}
	return fmt.Sprintf(" Only *%s and *%s files are read: rename %s.", SuffixHCL, SuffixJSON, strings.Join(renames, ", "))
}

// loader holds the state of one Load.
type loader struct {
	opts    LoadOptions
	cfg     *Config
	catalog *catalog.Catalog
	funcs   map[string]function.Function

	tenant    *block
	variables map[string]*variableDecl
	locals    map[string]*hcl.Attribute
	apps      map[string]*block
	sites     map[string]*block
	checks    map[string]*block
	outputs   map[string]*block
	data      map[string]*block // by "<type>.<name>"

	varVals map[string]cty.Value // final values, marked when sensitive
	varObj  cty.Value

	st *evalState
}

// load does the work of Load on sources already read.
func load(opts LoadOptions, sources []source) (*Config, hcl.Diagnostics) {
	l := &loader{
		opts:      opts,
		cfg:       &Config{Dir: opts.Dir, Files: map[string]*hcl.File{}},
		catalog:   opts.Catalog,
		variables: map[string]*variableDecl{},
		locals:    map[string]*hcl.Attribute{},
		apps:      map[string]*block{},
		sites:     map[string]*block{},
		checks:    map[string]*block{},
		outputs:   map[string]*block{},
		data:      map[string]*block{},
	}
	if l.catalog == nil {
		l.catalog = catalog.Builtin()
	}
	l.funcs = functions(opts.Dir)

	var diags hcl.Diagnostics
	sort.Slice(sources, func(i, j int) bool { return sources[i].name < sources[j].name })
	for _, src := range sources {
		f, d := parseFile(src)
		diags = append(diags, d...)
		if f == nil {
			continue
		}
		l.cfg.Files[src.name] = f
		if d.HasErrors() {
			continue // declarations from a broken file only add noise
		}
		diags = append(diags, l.declare(f.Body)...)
	}
	if diags.HasErrors() {
		return l.cfg, dedupe(diags)
	}

	diags = append(diags, l.resolveVariables()...)
	l.cfg.Hash = hashConfig(sources, l.varVals)
	if diags.HasErrors() {
		return l.cfg, dedupe(diags)
	}
	diags = append(diags, l.evaluate()...)
	return l.cfg, dedupe(diags)
}

// parseFile parses one file, after checking what could make parsing
// itself fail badly (size, binary data, nesting); a file refused by those
// checks comes back empty, with its bytes for snippets.
func parseFile(src source) (*hcl.File, hcl.Diagnostics) {
	isJSON := strings.HasSuffix(src.name, SuffixJSON) || strings.HasSuffix(src.name, ".json")
	if d := checkSource(src, isJSON); d != nil {
		return &hcl.File{Body: hcl.EmptyBody(), Bytes: src.data}, hcl.Diagnostics{d}
	}
	if isJSON {
		f, diags := json.Parse(src.data, src.name)
		return f, capPerFile(src.name, diags)
	}
	f, diags := hclsyntax.ParseConfig(src.data, src.name, hcl.InitialPos)
	return f, capPerFile(src.name, diags)
}

// cannotRead is the diagnostic of a configuration or variables file that
// could not be read (missing, not a regular file, too large).
func cannotRead(name, what string, err error) *hcl.Diagnostic {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return tooLarge(name, tl.size, tl.limit, "a "+what)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cannot read " + what,
		Detail:   fmt.Sprintf("Reading %s: %v.", name, err),
		Subject:  &hcl.Range{Filename: name, Start: hcl.InitialPos, End: hcl.InitialPos},
	}
}

// declare records the top-level blocks of one file.
func (l *loader) declare(fileBody hcl.Body) hcl.Diagnostics {
	content, diags := fileBody.Content(rootSchema)
	if content == nil {
		return diags
	}
	for _, hb := range content.Blocks {
		switch hb.Type {
		case "tenant":
			b, d := decodeBody(hb.Body, tenantSchema)
			diags = append(diags, d...)
			if l.tenant != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate tenant block",
					Detail:   fmt.Sprintf("A configuration has at most one tenant block; the first is at %s.", l.tenant.defRange),
					Subject:  hb.DefRange.Ptr(),
				})
				continue
			}
			l.tenant = &block{typ: hb.Type, defRange: hb.DefRange, body: b}
		case "locals":
			attrs, d := hb.Body.JustAttributes()
			diags = append(diags, d...)
			for _, name := range sortedKeys(attrs) {
				a := attrs[name]
				if prev, ok := l.locals[name]; ok {
					diags = append(diags, duplicate("local value", name, a.NameRange, prev.NameRange))
					continue
				}
				if !hclsyntax.ValidIdentifier(name) {
					diags = append(diags, invalidName("local value", name, a.NameRange))
					continue
				}
				l.locals[name] = a
			}
		case "variable":
			diags = append(diags, l.declareVariable(hb)...)
		case "application":
			diags = append(diags, declareBlock(l.apps, "application", hb, applicationSchema)...)
		case "site":
			diags = append(diags, declareBlock(l.sites, "site", hb, siteSchema)...)
		case "check":
			diags = append(diags, declareBlock(l.checks, "check", hb, checkSchema)...)
		case "output":
			diags = append(diags, declareBlock(l.outputs, "output", hb, outputSchema)...)
		case "data":
			diags = append(diags, l.declareData(hb)...)
		case "policy":
			diags = append(diags, l.declarePolicy(hb)...)
		case "ignore":
			diags = append(diags, l.declareIgnore(hb)...)
		}
	}
	return diags
}

func declareBlock(into map[string]*block, kind string, hb *hcl.Block, n *node) hcl.Diagnostics {
	b, diags := decodeBody(hb.Body, n)
	name := hb.Labels[0]
	if prev, ok := into[name]; ok {
		return append(diags, duplicate(kind, name, hb.DefRange, prev.defRange))
	}
	if !hclsyntax.ValidIdentifier(name) {
		return append(diags, invalidName(kind, name, hb.LabelRanges[0]))
	}
	into[name] = &block{typ: hb.Type, labels: hb.Labels, labelRanges: hb.LabelRanges, defRange: hb.DefRange, body: b}
	return diags
}

func duplicate(kind, name string, at, prev hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s", kind),
		Detail:   fmt.Sprintf("%s %s named %q was already declared at %s; names must be unique.", article(kind), kind, name, prev),
		Subject:  at.Ptr(),
	}
}

func invalidName(kind, name string, at hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s name", kind),
		Detail: fmt.Sprintf("%q is not a valid name: a name starts with a letter or underscore and contains only letters, digits, underscores and dashes.",
			name),
		Subject: at.Ptr(),
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// article returns "A" or "An" for a noun.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "An"
	}
	return "A"
}
