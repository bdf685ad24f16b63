package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config/internal/levenshtein"
)

// computedAttrs are the application attributes known only after apply.
var computedAttrs = map[string]bool{"app_id": true, "object_id": true, "service_principal_id": true}

// scope says which symbols an expression may use.
type scope struct {
	forEach bool // each.key, each.value
	count   bool // count.index
	output  bool // computed application attributes
}

// refSet is what a block refers to: the graph nodes it depends on, each
// with the range of its first reference.
type refSet map[string]hcl.Range

func (r refSet) names(kind string) []string {
	var out []string
	for id := range r {
		if k, n, ok := strings.Cut(id, "."); ok && k == kind {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// references checks every traversal against the declarations and returns
// the graph nodes they name.
func (l *loader) references(ts []hcl.Traversal, sc scope) (refSet, hcl.Diagnostics) {
	refs := refSet{}
	var diags hcl.Diagnostics
	add := func(id string, rng hcl.Range) {
		if _, ok := refs[id]; !ok {
			refs[id] = rng
		}
	}
	for _, t := range ts {
		rng := t.SourceRange()
		root := t.RootName()
		name, hasName := attrName(t, 1)
		switch root {
		case "var", "local", "application", "site":
			if !hasName {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid reference",
					Detail:   fmt.Sprintf("%q must be followed by a name, as in %s.example.", root, root),
					Subject:  rng.Ptr(),
				})
				continue
			}
		}
		switch root {
		case "var":
			if _, ok := l.variables[name]; !ok {
				diags = append(diags, undeclared("input variable", root, name, rng, sortedKeys(l.variables)))
			}
		case "local":
			if _, ok := l.locals[name]; !ok {
				diags = append(diags, undeclared("local value", root, name, rng, sortedKeys(l.locals)))
				continue
			}
			add("local."+name, rng)
		case "application":
			if _, ok := l.apps[name]; !ok {
				diags = append(diags, undeclared("application", root, name, rng, sortedKeys(l.apps)))
				continue
			}
			add("application."+name, rng)
			if attr, ok := firstAttrAfter(t, 2); ok && computedAttrs[attr] && !sc.output {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Computed attribute outside an output",
					Detail: fmt.Sprintf("application.%s.%s is known only after apply, so it can be used only in output blocks. Refer to the application itself (application.%s) where an application is expected.",
						name, attr, name),
					Subject: rng.Ptr(),
				})
			}
		case "site":
			if _, ok := l.sites[name]; !ok {
				diags = append(diags, undeclared("site", root, name, rng, sortedKeys(l.sites)))
				continue
			}
			add("site."+name, rng)
		case "each":
			if !sc.forEach {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  `Reference to "each" in a block without for_each`,
					Detail:   "each.key and each.value exist only in application, site and check blocks that set for_each.",
					Subject:  rng.Ptr(),
				})
			} else if !hasName || (name != "key" && name != "value") {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid reference",
					Detail:   `The "each" object has two attributes: each.key and each.value.`,
					Subject:  rng.Ptr(),
				})
			}
		case "count":
			if !sc.count {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  `Reference to "count" in a block without count`,
					Detail:   "count.index exists only in application, site and check blocks that set count.",
					Subject:  rng.Ptr(),
				})
			} else if !hasName || name != "index" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid reference",
					Detail:   `The "count" object has one attribute: count.index.`,
					Subject:  rng.Ptr(),
				})
			}
		case "data":
			typ, ok1 := attrName(t, 1)
			n, ok2 := attrName(t, 2)
			if !ok1 || !ok2 {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid reference",
					Detail:   "A lookup is referred to by type and name, as in data.user.alex.",
					Subject:  rng.Ptr(),
				})
				continue
			}
			if _, ok := l.data[typ+"."+n]; !ok {
				var known []string
				for k := range l.data {
					if strings.HasPrefix(k, typ+".") {
						known = append(known, strings.TrimPrefix(k, typ+"."))
					}
				}
				sort.Strings(known)
				diags = append(diags, undeclared("data "+typ, "data."+typ, n, rng, known))
				continue
			}
			add("data."+typ+"."+n, rng)
			if attr, ok := attrName(t, 3); ok && (attr == "id" || (attr == "app_id" && l.data[typ+"."+n].body.attrs["app_id"] == nil) || (attr == "display_name" && typ == "user")) && !sc.output {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Looked-up attribute outside an output",
					Detail: fmt.Sprintf("data.%s.%s.%s is read from the tenant at plan time, so it can be used only in output blocks. Refer to the lookup itself (data.%s.%s) where a principal is expected.",
						typ, n, attr, typ, n),
					Subject: rng.Ptr(),
				})
			}
		case "check", "output":
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference",
				Detail:   fmt.Sprintf("A %s cannot be referred to; references may name var, local, application and site.", root),
				Subject:  rng.Ptr(),
			})
		default:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown reference",
				Detail: fmt.Sprintf("There is no %q here%s. References start with var., local., application., site. or data. (and each. or count. in expanded blocks).",
					root, didYouMean(root, []string{"var", "local", "application", "site", "data", "each", "count"})),
				Subject: rng.Ptr(),
			})
		}
	}
	return refs, diags
}

// attrName returns t[i] when it is an attribute step.
func attrName(t hcl.Traversal, i int) (string, bool) {
	if len(t) <= i {
		return "", false
	}
	if a, ok := t[i].(hcl.TraverseAttr); ok {
		return a.Name, true
	}
	return "", false
}

// firstAttrAfter returns the first attribute step at index i or i+1 (after
// an optional instance index).
func firstAttrAfter(t hcl.Traversal, i int) (string, bool) {
	for j := i; j < len(t) && j <= i+1; j++ {
		if a, ok := t[j].(hcl.TraverseAttr); ok {
			return a.Name, true
		}
	}
	return "", false
}

func undeclared(kind, root, name string, rng hcl.Range, known []string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Reference to undeclared %s", kind),
		Detail:   fmt.Sprintf("No %s named %q is declared%s.", kind, name, didYouMeanRef(name, root, known)),
		Subject:  rng.Ptr(),
	}
}

func didYouMeanRef(name, root string, known []string) string {
	if s := closest(name, known); s != "" {
		return fmt.Sprintf("; did you mean %s.%s?", root, s)
	}
	return ""
}

func didYouMean(name string, known []string) string {
	if s := closest(name, known); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// closest returns the candidate nearest to name by edit distance, if it is
// near enough to be a typo.
func closest(name string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := levenshtein.Distance(strings.ToLower(name), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(2, len(name)/3)
	if bestDist < 0 || bestDist > limit || bestDist >= len(name) {
		return ""
	}
	return best
}

// graph is the dependency graph between locals, the tenant, applications,
// sites and checks.
type graph struct {
	deps map[string]refSet
}

// order returns the nodes with every node after its dependencies, and the
// nodes that are in a cycle (each cycle reported once).
func (g *graph) order() ([]string, map[string]bool, hcl.Diagnostics) {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	cyclic := map[string]bool{}
	seen := map[string]bool{}
	var order, stack []string
	var diags hcl.Diagnostics

	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		for _, d := range sortedKeys(g.deps[n]) {
			if _, ok := g.deps[d]; !ok {
				continue
			}
			switch color[d] {
			case white:
				visit(d)
			case grey:
				i := len(stack) - 1
				for stack[i] != d {
					i--
				}
				cycle := append([]string(nil), stack[i:]...)
				for _, c := range cycle {
					cyclic[c] = true
				}
				// Start the cycle at its smallest node so it reads the
				// same whichever node the walk met first.
				m := 0
				for j := range cycle {
					if cycle[j] < cycle[m] {
						m = j
					}
				}
				cycle = append(cycle[m:], cycle[:m]...)
				key := strings.Join(cycle, ",")
				if seen[key] {
					continue
				}
				seen[key] = true
				next := cycle[0]
				if len(cycle) > 1 {
					next = cycle[1]
				}
				rng := g.deps[cycle[0]][next]
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Cycle: " + strings.Join(append(cycle, cycle[0]), " -> "),
					Detail:   "These blocks refer to each other, so none of them can be evaluated first. Remove one of the references to break the cycle.",
					Subject:  rng.Ptr(),
				})
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		order = append(order, n)
	}
	for _, n := range sortedKeys(g.deps) {
		if color[n] == white {
			visit(n)
		}
	}
	return order, cyclic, diags
}
