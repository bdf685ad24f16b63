package policy

import (
	"fmt"
	"strings"

	"github.com/entraform/entraform/config"
)

// flowChecks returns the addresses and flows of an application's checks.
func flowChecks(checks []*config.Check) string {
	var out []string
	for _, c := range checks {
		out = append(out, fmt.Sprintf("%s (%s)", c.Addr, c.Flow))
	}
	return quoted(out)
}

// delegatedOnAppOnly finds delegated permissions of applications whose
// login checks all use app-only flows: an app-only token carries only
// application permissions, so the delegated one is never used and the
// checks' requests are refused. It is the mistake of the second source
// walkthrough (delegated Sites.Read.All, then client credentials).
func delegatedOnAppOnly(f *facts) []Finding {
	return mismatched(f, true)
}

// applicationOnUserFlows is the reverse: application permissions of an
// application whose checks all sign a user in, where tokens carry only
// delegated permissions (scopes).
func applicationOnUserFlows(f *facts) []Finding {
	return mismatched(f, false)
}

func mismatched(f *facts, delegated bool) []Finding {
	var out []Finding
	for _, a := range f.cfg.Applications {
		checks := f.checks[a.Addr]
		appOnly, user := f.flows(a.Addr)
		if len(checks) == 0 || (delegated && (user || !appOnly)) || (!delegated && (appOnly || !user)) {
			continue
		}
		if delegated && signsUsersIn(a) {
			// Users sign in through its redirect URIs, which is what its
			// delegated permissions may be for; unverified-permission
			// still asks for a check that proves it.
			continue
		}
		for _, p := range f.perms[a.Addr] {
			if p.Delegated != delegated {
				continue
			}
			out = append(out, mismatchFinding(f, a, p, checks))
		}
	}
	return out
}

func mismatchFinding(f *facts, a *config.Application, p perm, checks []*config.Check) Finding {
	name := p.ref.Name
	if p.Value != "" {
		name = p.Value
	}
	fd := Finding{Address: p.addr(), Range: p.ref.Range}
	// Move every permission of this kind in the block that the resource
	// also publishes as the other kind.
	moved := map[string]string{}
	var movedNames []string
	refs := p.block.Application
	if p.Delegated {
		refs = p.block.Delegated
	}
	for _, r := range refs {
		v := r.Value
		if v == "" {
			v = r.Name
		}
		if f.publishes(p.ResourceAppID, !p.Delegated, v) {
			moved[r.Name] = ""
			movedNames = append(movedNames, v)
		}
	}
	consent := ""
	if !a.AdminConsent {
		consent = "\nadmin_consent = true"
	}
	if p.Delegated {
		fd.Summary = fmt.Sprintf("Delegated permission %s with app-only checks", name)
		fd.Detail = fmt.Sprintf("%s declares %s (%s) as a delegated permission, but its checks %s sign in app-only: an app-only token carries only application permissions (roles), so %s is never in it and the checks' requests will be refused (403).",
			a.Addr, name, p.label(), flowChecks(checks), name)
		if _, ok := moved[p.ref.Name]; ok {
			del := names(p, true, moved)
			app := append(names(p, false, nil), movedNames...)
			fd.Fix = fmt.Sprintf("declare it as an application permission, with admin consent:\n%s\nor sign in as a user in the checks (flow = \"auth_code\", \"device_code\" or \"interactive\").",
				indent(permissionBlock(p.label(), del, dedupe(app))+consent, 2))
			if _, tenantWide := siteRoleOf[strings.ToLower(name)]; tenantWide {
				fd.Fix += " If the application reaches only some sites, prefer Sites.Selected with grant blocks (rule tenant-wide-sites)."
			}
		} else {
			fd.Fix = fmt.Sprintf("%s publishes no application permission %s: remove it, or sign in as a user in the checks (flow = \"auth_code\", \"device_code\" or \"interactive\").", p.label(), name)
		}
		return fd
	}
	fd.Summary = fmt.Sprintf("Application permission %s with user-flow checks", name)
	fd.Detail = fmt.Sprintf("%s declares %s (%s) as an application permission, but its checks %s sign a user in: a user's token carries only delegated permissions (scopes), so %s is never in it.",
		a.Addr, name, p.label(), flowChecks(checks), name)
	if _, ok := moved[p.ref.Name]; ok {
		app := names(p, false, moved)
		del := append(names(p, true, nil), movedNames...)
		fd.Fix = fmt.Sprintf("if the application acts only for its users, declare it as a delegated permission:\n%s\nIf it also runs without a user, add a check with an app-only flow (client_credentials, certificate or federated) that exercises it.",
			indent(permissionBlock(p.label(), dedupe(del), app), 2))
	} else {
		fd.Fix = "if the application also runs without a user, add a check with an app-only flow (client_credentials, certificate or federated) that exercises it; otherwise remove it."
	}
	return fd
}

func dedupe(list []string) []string {
	var out []string
	for _, v := range list {
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// signsUsersIn reports whether users can sign in to the application: it
// has redirect URIs (web, spa) or is a public client.
func signsUsersIn(a *config.Application) bool {
	return a.Web != nil && len(a.Web.RedirectURIs) > 0 || a.SPA != nil && len(a.SPA.RedirectURIs) > 0 || a.PublicClient != nil
}
