package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
)

// Input is what Evaluate reviews.
type Input struct {
	// Config is a configuration loaded without errors.
	Config *config.Config
	// Policies are policy blocks from outside the configuration (-policy
	// DIR); the configuration's own are in Config.Policies.
	Policies []*config.Policy
	// Snapshot is the tenant as plan read it; nil offline.
	Snapshot *plan.Snapshot
	// Plan is the plan made from Config and Snapshot; nil offline.
	Plan *plan.Plan
}

// Rule is a built-in rule.
type Rule struct {
	ID       string
	Severity Severity
	// Title says in a few words what the rule finds.
	Title string
	check func(*facts) []Finding
}

// Rules returns the built-in rules, in the order docs/POLICY.md
// describes them.
func Rules() []Rule {
	return []Rule{
		{ID: "tenant-wide-sites", Severity: Warning, Title: "tenant-wide Sites permission where Sites.Selected serves", check: tenantWideSites},
		{ID: "delegated-on-app-only", Severity: Error, Title: "delegated permission on an application whose checks are app-only", check: delegatedOnAppOnly},
		{ID: "application-on-user-flows", Severity: Warning, Title: "application permission on an application whose checks sign users in", check: applicationOnUserFlows},
		{ID: "high-privilege", Severity: Warning, Title: "high-privilege permission, to be reviewed", check: highPrivilege},
		{ID: "unverified-permission", Severity: Warning, Title: "permission no login check exercises", check: unverifiedPermissions},
		{ID: "secret-instead-of-federated", Severity: Warning, Title: "secret on an application that signs in with a certificate or federated credential", check: secretInsteadOfFederated},
		{ID: "secret-lifetime", Severity: Warning, Title: "secret lifetime over the limit", check: secretLifetime},
		{ID: "secret-rotation", Severity: Warning, Title: "secret without rotate_before", check: secretRotation},
		{ID: "multi-tenant-audience", Severity: Warning, Title: "application open to other tenants or personal accounts", check: multiTenantAudience},
		{ID: "insecure-redirect-uri", Severity: Error, Title: "wildcard or plain http redirect URI", check: insecureRedirectURI},
		{ID: "implicit-grant", Severity: Warning, Title: "implicit grant (token issuance from the authorize endpoint) on", check: implicitGrant},
		{ID: "public-client-secret", Severity: Warning, Title: "public client with a secret", check: publicClientSecret},
	}
}

// Evaluate runs the built-in rules and the policy blocks on in, then
// applies the ignore blocks. Diagnostics report broken policies (a
// condition that does not evaluate to a bool), ignore blocks naming an
// unknown rule, and ignore blocks that silence nothing.
func Evaluate(in Input) (*Result, hcl.Diagnostics) {
	f := newFacts(in)
	var all []Finding
	known := map[string]bool{}
	for _, r := range Rules() {
		known[r.ID] = true
		for _, fd := range r.check(f) {
			fd.Rule, fd.Severity = r.ID, r.Severity
			all = append(all, fd)
		}
	}
	policies := append(append([]*config.Policy(nil), in.Config.Policies...), in.Policies...)
	var diags hcl.Diagnostics
	seen := map[string]hcl.Range{}
	for _, p := range policies {
		if known[p.Name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Policy name taken by a built-in rule",
				Detail:   fmt.Sprintf("%q is the id of a built-in rule; give the policy another name.", p.Name),
				Subject:  p.DeclRange.Ptr(),
			})
			continue
		}
		if prev, ok := seen[p.Name]; ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate policy",
				Detail:   fmt.Sprintf("A policy named %q was already declared at %s; names must be unique across the configuration and -policy directories.", p.Name, prev),
				Subject:  p.DeclRange.Ptr(),
			})
			continue
		}
		seen[p.Name] = p.DeclRange
		fs, d := evalPolicy(in, f, p)
		diags = append(diags, d...)
		all = append(all, fs...)
	}
	res, d := applyIgnores(in.Config.Ignores, all, known, seen)
	return res, append(diags, d...)
}

// applyIgnores splits findings into those that count and those an ignore
// block silences.
func applyIgnores(ignores []*config.Ignore, all []Finding, known map[string]bool, policies map[string]hcl.Range) (*Result, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	used := make([]bool, len(ignores))
	for i, ig := range ignores {
		if !known[ig.Rule] {
			if _, ok := policies[ig.Rule]; !ok {
				used[i] = true // reported as unknown, not as unused
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown rule",
					Detail:   fmt.Sprintf("%q is neither a built-in rule (%s) nor a policy name%s.", ig.Rule, strings.Join(ruleIDs(), ", "), suggestRule(ig.Rule, known, policies)),
					Subject:  ig.RuleRange.Ptr(),
				})
			}
		}
	}
	res := &Result{}
	for _, fd := range all {
		silenced := false
		for i, ig := range ignores {
			if ig.Rule == fd.Rule && addressMatches(ig.Address, fd.Address) {
				used[i] = true
				if !silenced {
					fd.IgnoredBy = ig.Reason
					silenced = true
				}
			}
		}
		if silenced {
			res.Ignored = append(res.Ignored, fd)
		} else {
			res.Findings = append(res.Findings, fd)
		}
	}
	for i, ig := range ignores {
		if !used[i] {
			what := "any object"
			if ig.Address != "" {
				what = ig.Address
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Ignore block matches nothing",
				Detail:   fmt.Sprintf("Rule %q finds nothing on %s; remove the ignore block, or check its address.", ig.Rule, what),
				Subject:  ig.DeclRange.Ptr(),
			})
		}
	}
	sortFindings(res.Findings)
	sortFindings(res.Ignored)
	return res, diags
}

// addressMatches reports whether an ignore's address covers addr: the
// same object, an object it owns (application.x covers
// application.x.secret.web) or an instance of it (application.x covers
// application.x["k"]). An empty address covers everything.
func addressMatches(ignore, addr string) bool {
	if ignore == "" || ignore == addr {
		return true
	}
	return strings.HasPrefix(addr, ignore+".") || strings.HasPrefix(addr, ignore+"[")
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Range.Filename != b.Range.Filename {
			return a.Range.Filename < b.Range.Filename
		}
		if a.Range.Start.Byte != b.Range.Start.Byte {
			return a.Range.Start.Byte < b.Range.Start.Byte
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Address < b.Address
	})
}

func ruleIDs() []string {
	var ids []string
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// suggestRule offers the closest known id for a misspelt one.
func suggestRule(id string, known map[string]bool, policies map[string]hcl.Range) string {
	best, bestD := "", 4
	try := func(c string) {
		if d := levenshtein.Distance(id, c, nil); d < bestD {
			best, bestD = c, d
		}
	}
	for c := range known {
		try(c)
	}
	for c := range policies {
		try(c)
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}
