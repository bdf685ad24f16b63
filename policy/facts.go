package policy

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/config/catalog"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
)

// flow kinds of login checks.
func isAppOnlyFlow(flow string) bool {
	switch flow {
	case "client_credentials", "certificate", "federated":
		return true
	}
	return false
}

func isUserFlow(flow string) bool {
	switch flow {
	case "auth_code", "device_code", "interactive":
		return true
	}
	return false
}

// perm is one declared permission, resolved as far as the input allows.
type perm struct {
	app   *config.Application
	block *config.Permission
	ref   config.PermissionRef
	// Delegated is true for a scope, false for an app role.
	Delegated bool
	// Value is the canonical value ("Sites.Read.All"); "" when it is not
	// resolved yet (a resource outside the catalog, offline).
	Value         string
	ResourceAppID string
}

// kind names the permission's list in a permission block.
func (p perm) kind() string {
	if p.Delegated {
		return "delegated"
	}
	return "application"
}

// label is how rules name the resource: "graph", "sharepoint" or the
// label as written.
func (p perm) label() string { return p.block.Resource }

func (p perm) isGraph() bool { return strings.EqualFold(p.ResourceAppID, catalog.GraphAppID) }

func (p perm) isSharePoint() bool {
	return strings.EqualFold(p.ResourceAppID, catalog.SharePointAppID)
}

// facts is what the rules look at, computed once per evaluation.
type facts struct {
	cfg  *config.Config
	plan *plan.Plan     // nil offline
	snap *plan.Snapshot // nil offline
	// checks by application address, in configuration order: those that
	// sign in; a check whose sign-in must be refused (expect_error) uses
	// no permission and says nothing of how the application signs in.
	checks map[string][]*config.Check
	// allChecks are every check by application address.
	allChecks map[string][]*config.Check
	// perms by application address, in declaration order.
	perms map[string][]perm
	// objectCache holds the policy objects of each kind.
	objectCache map[string][]object
	// actions are the plan's actions by address, filled on first use.
	actions map[string]string
}

func newFacts(in Input) *facts {
	f := &facts{cfg: in.Config, plan: in.Plan, snap: in.Snapshot, checks: map[string][]*config.Check{}, allChecks: map[string][]*config.Check{}, perms: map[string][]perm{}, objectCache: map[string][]object{}}
	for _, c := range in.Config.Checks {
		f.allChecks[c.Application] = append(f.allChecks[c.Application], c)
		if c.ExpectError == "" {
			f.checks[c.Application] = append(f.checks[c.Application], c)
		}
	}
	for _, a := range in.Config.Applications {
		for _, p := range a.Permissions {
			for _, list := range []struct {
				refs      []config.PermissionRef
				delegated bool
			}{{p.Delegated, true}, {p.Application, false}} {
				for _, ref := range list.refs {
					pm := perm{app: a, block: p, ref: ref, Delegated: list.delegated, Value: ref.Value, ResourceAppID: strings.ToLower(p.ResourceAppID)}
					if pm.Value == "" {
						pm.Value = resolveAtPlan(in.Snapshot, pm)
					}
					f.perms[a.Addr] = append(f.perms[a.Addr], pm)
				}
			}
		}
	}
	return f
}

// resolveAtPlan resolves a permission of a resource outside the catalog
// against the service principal the tenant publishes; "" offline or when
// it does not resolve (plan reports that itself).
func resolveAtPlan(snap *plan.Snapshot, p perm) string {
	if snap == nil {
		return ""
	}
	sp := snap.Resources[p.ResourceAppID]
	if sp == nil {
		return ""
	}
	kind := catalog.Application
	if p.Delegated {
		kind = catalog.Delegated
	}
	def, err := plan.ResourceCatalog(sp).Resolve(p.ResourceAppID, kind, p.ref.Name)
	if err != nil {
		return ""
	}
	return def.Value
}

// flows returns whether the application's checks use app-only flows,
// user flows, and whether it has any check.
func (f *facts) flows(app string) (appOnly, user bool) {
	for _, c := range f.checks[app] {
		if isAppOnlyFlow(c.Flow) {
			appOnly = true
		}
		if isUserFlow(c.Flow) {
			user = true
		}
	}
	return appOnly, user
}

// attrRange returns the range of an application attribute, else the
// block's.
func attrRange(a *config.Application, name string) hcl.Range {
	if r, ok := a.AttrRanges[name]; ok {
		return r
	}
	return a.DeclRange
}

// resourceHost reports whether a request URL goes to the permission's
// resource API: Microsoft Graph or SharePoint (any cloud's host).
func requestsResource(rawURL string, p perm) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case p.isGraph():
		return host == "graph.microsoft.com" || host == "graph.microsoft.us" || host == "dod-graph.microsoft.us" || host == "microsoftgraph.chinacloudapi.cn"
	case p.isSharePoint():
		return strings.HasSuffix(host, ".sharepoint.com") || strings.HasSuffix(host, ".sharepoint.us") || strings.HasSuffix(host, ".sharepoint.cn")
	}
	return false
}

// publishes reports whether the resource publishes value as a permission
// of the other kind than p: the tenant's copy of the resource when there
// is a snapshot, else the built-in catalog.
func (f *facts) publishes(resourceAppID string, delegated bool, value string) bool {
	kind := catalog.Application
	if delegated {
		kind = catalog.Delegated
	}
	if f.snap != nil {
		if sp := f.snap.Resources[resourceAppID]; sp != nil {
			_, err := plan.ResourceCatalog(sp).Resolve(resourceAppID, kind, value)
			return err == nil
		}
	}
	_, err := catalog.Builtin().Resolve(resourceAppID, kind, value)
	return err == nil
}

// addr is the address of the planned object a permission becomes, as
// plan names it: application.x.role["Sites.Read.All"] for an application
// permission (role["sharepoint:Sites.Selected"] for a resource other than
// Microsoft Graph), application.x.consent["graph"] for a delegated one.
// An application permission not resolved yet (offline, outside the
// catalog) is named by the name as written.
func (p perm) addr() string {
	label := p.block.ResourceAddr
	if p.ResourceAppID != "" {
		label = entra.ResourceLabel(p.ResourceAppID)
	}
	if p.Delegated {
		return fmt.Sprintf("%s.consent[%q]", p.app.Addr, label)
	}
	value := p.Value
	if value == "" {
		value = p.ref.Name
	}
	if !p.isGraph() {
		value = label + ":" + value
	}
	return fmt.Sprintf("%s.role[%q]", p.app.Addr, value)
}
