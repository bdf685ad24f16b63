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
		appOnly, user := f.flows(a.Addr)
		for _, p := range perms {
			if exercised(f.checks[a.Addr], perms, p) {
				continue
			}
			if p.Delegated && appOnly && !user && !signsUsersIn(a) || !p.Delegated && user && !appOnly {
				continue // delegated-on-app-only or application-on-user-flows says more
			}
			name := p.Value
			if name == "" {
				name = p.ref.Name
			}
			out = append(out, Finding{
				Address: p.addr(),
				Range:   p.ref.Range,
				Summary: fmt.Sprintf("Unverified permission %s", name),
				Detail: fmt.Sprintf("No login check of %s exercises %s (%s, %s), so nothing proves the application needs it or that it works.",
					a.Addr, name, p.label(), p.kind()),
				Fix: verifyFix(f, a, p, name),
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

// verifyFix says how to exercise a permission: expect it in an existing
// check of the right kind, or add a check with a flow the application's
// credentials allow.
func verifyFix(f *facts, a *config.Application, p perm, name string) string {
	attr := "expect_roles"
	if p.Delegated {
		attr = "expect_scopes"
	}
	for _, c := range f.checks[a.Addr] {
		if p.Delegated && isUserFlow(c.Flow) || !p.Delegated && isAppOnlyFlow(c.Flow) {
			return fmt.Sprintf("add %q to %s of %s (or remove the permission if nothing uses it).", name, attr, c.Addr)
		}
	}
	flow := "auth_code"
	switch {
	case p.Delegated && a.PublicClient != nil:
		flow = "device_code"
	case p.Delegated:
	case len(a.FederatedCredentials) > 0:
		flow = "federated"
	case len(a.Certificates) > 0:
		flow = "certificate"
	default:
		flow = "client_credentials"
	}
	return fmt.Sprintf("add a login check that expects it (or remove the permission if nothing uses it):\n%s",
		indent(fmt.Sprintf("check %q {\n  %-*s = %s\n  %-*s = %q\n  %s = [%q]\n}", a.Name+"_signs_in", len(attr), "application", a.Addr, len(attr), "flow", flow, attr, name), 2))
}
