package policy

import (
	"fmt"
	"strings"

	"github.com/entraform/entraform/config"
)

// unverifiedPermissions finds permissions no login check exercises. A
// check exercises a permission when it signs in with a flow of the
// permission's kind (app-only for application permissions, a user flow
// for delegated ones) and either expects it (expect_roles,
// expect_scopes: the check fails without it), or calls the permission's
// API when it is the application's only permission of that kind there.
func unverifiedPermissions(f *facts) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		perms := f.perms[a.Addr]
		for _, p := range perms {
			if exercised(f.checks[a.Addr], perms, p) {
				continue
			}
			name := p.Value
			if name == "" {
				name = p.ref.Name
			}
			flow, expect := "client_credentials", "expect_roles "
			if p.Delegated {
				flow, expect = "auth_code", "expect_scopes"
			}
			out = append(out, Finding{
				Address: a.Addr,
				Range:   p.ref.Range,
				Summary: fmt.Sprintf("Unverified permission %s", name),
				Detail: fmt.Sprintf("No login check of %s exercises %s (%s, %s), so nothing proves the application needs it or that it works.",
					a.Addr, name, p.label(), p.kind()),
				Fix: fmt.Sprintf("expect it in a check that signs in as the application (or remove it if nothing uses it):\n%s",
					indent(fmt.Sprintf("check %q {\n  application   = %s\n  flow          = %q\n  %s = [%q]\n}", a.Name+"_uses_"+strings.ToLower(strings.ReplaceAll(name, ".", "_")), a.Addr, flow, expect, name), 2)),
			})
		}
	}
	return out
}

func exercised(checks []*config.Check, perms []perm, p perm) bool {
	name := p.Value
	if name == "" {
		name = p.ref.Name
	}
	for _, c := range checks {
		if p.Delegated && !isUserFlow(c.Flow) || !p.Delegated && !isAppOnlyFlow(c.Flow) {
			continue
		}
		expects := c.ExpectRoles
		if p.Delegated {
			expects = c.ExpectScopes
		}
		if contains(expects, name) {
			return true
		}
		if onlyOfKind(perms, p) {
			for _, r := range c.Requests {
				if r.Status < 400 && requestsResource(r.URL, p) {
					return true
				}
			}
		}
	}
	return false
}

// onlyOfKind reports whether p is its application's only permission of
// its kind on its resource.
func onlyOfKind(perms []perm, p perm) bool {
	for _, o := range perms {
		if o.ResourceAppID == p.ResourceAppID && o.Delegated == p.Delegated && !strings.EqualFold(o.ref.Name, p.ref.Name) {
			return false
		}
	}
	return true
}
