package plan

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/config/catalog"
	"github.com/entraform/entraform/internal/bench/workload"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

// loadWorkload loads the benchmark configuration of n applications
// (internal/bench/workload) from a directory.
func loadWorkload(tb testing.TB, wl workload.Config) *config.Config {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), workload.Workspace)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, workload.FileName), []byte(wl.HCL()), 0o644); err != nil {
		tb.Fatal(err)
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir, Getenv: func(string) string { return "" }})
	if diags.HasErrors() {
		tb.Fatalf("loading the workload: %s", diags.Error())
	}
	return cfg
}

// workloadTenant is a tenant with the workload's sites and, when p is not
// nil, everything p creates (applied, plus the site grants).
func workloadTenant(tb testing.TB, cfg *config.Config, p *Plan) *Snapshot {
	tb.Helper()
	snap := emptyTenant()
	// The resource publishes the workload's permissions, as Microsoft
	// Graph does, so that the plan shows them by name.
	graph := *snap.Resources[entra.GraphAppID]
	cat := catalog.Builtin()
	for _, name := range []string{"Sites.Selected"} {
		perm, err := cat.Resolve(entra.GraphAppID, catalog.Application, name)
		if err != nil {
			tb.Fatal(err)
		}
		graph.AppRoles = append(graph.AppRoles, entra.AppRole{ID: perm.ID, Value: perm.Value, IsEnabled: true})
	}
	for _, name := range []string{"User.Read"} {
		perm, err := cat.Resolve(entra.GraphAppID, catalog.Delegated, name)
		if err != nil {
			tb.Fatal(err)
		}
		graph.OAuth2PermissionScopes = append(graph.OAuth2PermissionScopes, entra.PermissionScope{ID: perm.ID, Value: perm.Value, Type: "Admin", IsEnabled: true})
	}
	snap.Resources[entra.GraphAppID] = &graph
	for i, s := range cfg.Sites {
		snap.Sites[s.Addr] = &sharepoint.Site{ID: "contoso.sharepoint.com,site" + strconv.Itoa(i) + ",web", WebURL: s.URL}
	}
	if p == nil {
		return snap
	}
	// applied takes a *testing.T only to mark itself a helper; a
	// benchmark has none, so it gets a fresh one.
	t, ok := tb.(*testing.T)
	if !ok {
		t = new(testing.T)
	}
	after := applied(t, p, snap)
	appIDs := map[string]string{}
	for _, c := range p.Changes {
		if d, ok := c.Desired.(*DesiredApplication); ok {
			for _, a := range after.Applications {
				if a.UniqueName == d.Body.UniqueName {
					appIDs[c.Address] = a.AppID
				}
			}
		}
	}
	after.SitePermissions = map[string][]sharepoint.Permission{}
	for _, c := range p.Changes {
		d, ok := c.Desired.(*DesiredSitePermission)
		if !ok {
			continue
		}
		after.SitePermissions[d.SiteID] = append(after.SitePermissions[d.SiteID], sharepoint.Permission{
			ID: "perm-" + c.Address, Roles: d.Roles,
			GrantedToIdentitiesV2: []sharepoint.IdentitySet{{Application: &sharepoint.Identity{ID: appIDs[d.Application]}}},
		})
	}
	return after
}

// BenchmarkDiff1000 builds plans of 1000 applications (each with a
// service principal, delegated consent, an app role assignment and a
// secret) and 100 site grants: on the empty workspace (everything new),
// on the tenant where it was applied (no changes), and with 1% of the
// applications renamed.
func BenchmarkDiff1000(b *testing.B) {
	const n = 1000
	cfg := loadWorkload(b, workload.Config{N: n})
	renamed := loadWorkload(b, workload.Config{N: n, Renamed: workload.Changes(n)})
	empty := workloadTenant(b, cfg, nil)
	created, diags := Build(cfg, empty, Options{})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	full := workloadTenant(b, cfg, created)
	cases := []struct {
		name    string
		cfg     *config.Config
		snap    *Snapshot
		changes int
	}{
		{"create", cfg, empty, workload.Objects(n)},
		{"noop", cfg, full, 0},
		{"changed1pct", renamed, full, workload.Changes(n)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, diags := Build(c.cfg, c.snap, Options{})
				if diags.HasErrors() {
					b.Fatal(diags.Error())
				}
				if got := len(actions(p)); got != c.changes {
					b.Fatalf("%d changes, want %d: %v", got, c.changes, actions(p)[:min(got, 5)])
				}
			}
		})
	}
}
