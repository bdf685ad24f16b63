package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty/function"
)

// Policy is an organisation policy block:
//
//	policy "name" {
//	  for           = "application" # site | grant | permission | credential
//	  condition     = <expression over self, true when the object complies>
//	  severity      = "error"       # or "warning"; default "error"
//	  error_message = "..."         # may use self too
//	}
//
// Package config only decodes it; package policy evaluates Condition and
// ErrorMessage against each planned object of kind For, bound to self.
type Policy struct {
	Name         string
	For          string
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	Severity     string // "error" or "warning"
	DeclRange    hcl.Range
}

// Ignore is an ignore block: it silences one rule (a built-in rule id or
// a policy name) for one address and what it owns, or for every object
// when Address is "".
//
//	ignore "high-privilege" {
//	  address = "application.deployer"
//	  reason  = "entraform's own deployer: apply needs these"
//	}
type Ignore struct {
	Rule      string
	Address   string
	Reason    string
	DeclRange hcl.Range
	// RuleRange is the label's range, for diagnostics about the rule id.
	RuleRange hcl.Range
}

// PolicyKinds are the object kinds a policy's for may name.
var PolicyKinds = []string{"application", "site", "grant", "permission", "credential"}

var policySeverities = []string{"error", "warning"}

var (
	policySchema = &node{attrs: attrs([]string{"for", "condition", "error_message"}, "severity")}
	ignoreSchema = &node{attrs: attrs([]string{"reason"}, "address")}
)

// Functions returns the functions a configuration's expressions may call,
// for packages that evaluate expressions of their own (policy conditions).
func (c *Config) Functions() map[string]function.Function { return functions(c.Dir) }

// declarePolicy decodes a policy block into l.cfg.Policies.
func (l *loader) declarePolicy(hb *hcl.Block) hcl.Diagnostics {
	p, diags := decodePolicy(hb)
	if p == nil {
		return diags
	}
	for _, prev := range l.cfg.Policies {
		if prev.Name == p.Name {
			return append(diags, duplicate("policy", p.Name, hb.DefRange, prev.DeclRange))
		}
	}
	l.cfg.Policies = append(l.cfg.Policies, p)
	return diags
}

// declareIgnore decodes an ignore block into l.cfg.Ignores.
func (l *loader) declareIgnore(hb *hcl.Block) hcl.Diagnostics {
	b, diags := decodeBody(hb.Body, ignoreSchema)
	if diags.HasErrors() {
		return diags
	}
	ig := &Ignore{Rule: hb.Labels[0], DeclRange: hb.DefRange, RuleRange: hb.LabelRanges[0]}
	d := &decoder{}
	var a *hcl.Attribute
	ig.Reason, a = d.str(b.attrs, "reason")
	if a != nil && strings.TrimSpace(ig.Reason) == "" && !d.diags.HasErrors() {
		d.errorf(a.Expr.Range(), "Empty reason", "An ignore block says why the rule does not apply here; reviewers read it.")
	}
	ig.Address, _ = d.str(b.attrs, "address")
	if strings.TrimSpace(ig.Rule) == "" {
		d.errorf(hb.LabelRanges[0], "Empty rule id", "An ignore block names the rule it silences: a built-in rule id (see docs/POLICY.md) or a policy name.")
	}
	diags = append(diags, d.diags...)
	if !diags.HasErrors() {
		l.cfg.Ignores = append(l.cfg.Ignores, ig)
	}
	return diags
}

func decodePolicy(hb *hcl.Block) (*Policy, hcl.Diagnostics) {
	b, diags := decodeBody(hb.Body, policySchema)
	if diags.HasErrors() {
		return nil, diags
	}
	p := &Policy{Name: hb.Labels[0], Severity: "error", DeclRange: hb.DefRange,
		Condition: b.attrs["condition"].Expr, ErrorMessage: b.attrs["error_message"].Expr}
	if !validName(p.Name) {
		return nil, append(diags, invalidName("policy", p.Name, hb.LabelRanges[0]))
	}
	d := &decoder{}
	if f, a := d.str(b.attrs, "for"); a != nil {
		if !oneOf(f, PolicyKinds) {
			d.errorf(a.Expr.Range(), "Invalid policy kind", "%q is not an object kind; use one of %s%s.", f, quoteList(PolicyKinds), didYouMean(f, PolicyKinds))
		}
		p.For = f
	}
	if s, a := d.str(b.attrs, "severity"); a != nil {
		if !oneOf(s, policySeverities) {
			d.errorf(a.Expr.Range(), "Invalid policy severity", "%q is not a severity; use %s.", s, quoteList(policySeverities))
		}
		p.Severity = s
	}
	for _, name := range []string{"condition", "error_message"} {
		for _, tr := range b.attrs[name].Expr.Variables() {
			if root := tr.RootName(); root != "self" {
				d.errorf(tr.SourceRange(), "Invalid reference in policy",
					"A policy's %s may refer only to self (the object checked), not to %s.", name, root)
			}
		}
	}
	diags = append(diags, d.diags...)
	if diags.HasErrors() {
		return nil, diags
	}
	return p, diags
}

// LoadPolicyDir reads the policy blocks of every *.hcl file in dir (not
// recursive; relative to base unless absolute): a security team's
// policies kept in their own repository and given with -policy DIR. Such
// files hold only policy blocks. Ranges name the files by dir, as given,
// joined with the file name. The parsed files are returned for rendering
// diagnostics.
func LoadPolicyDir(base, dir string) ([]*Policy, map[string]*hcl.File, hcl.Diagnostics) {
	entries, err := os.ReadDir(inDir(base, dir))
	if err != nil {
		return nil, nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read policy directory",
			Detail:   err.Error(),
		}}
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	files := map[string]*hcl.File{}
	var out []*Policy
	var diags hcl.Diagnostics
	seen := map[string]hcl.Range{}
	for _, n := range names {
		path := filepath.Join(dir, n)
		data, err := os.ReadFile(inDir(base, path))
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read policy file", Detail: err.Error()})
			continue
		}
		f, d := hclsyntax.ParseConfig(data, path, hcl.InitialPos)
		diags = append(diags, d...)
		if f == nil || d.HasErrors() {
			if f != nil {
				files[path] = f
			}
			continue
		}
		files[path] = f
		content, d := f.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "policy", LabelNames: []string{"name"}}}})
		diags = append(diags, d...)
		if content == nil {
			continue
		}
		for _, hb := range content.Blocks {
			p, d := decodePolicy(hb)
			diags = append(diags, d...)
			if p == nil {
				continue
			}
			if prev, ok := seen[p.Name]; ok {
				diags = append(diags, duplicate("policy", p.Name, hb.DefRange, prev))
				continue
			}
			seen[p.Name] = hb.DefRange
			out = append(out, p)
		}
	}
	if len(names) == 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No policy files",
			Detail:   fmt.Sprintf("The policy directory %s contains no *.hcl files.", dir),
		})
	}
	return out, files, diags
}
