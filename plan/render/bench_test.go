package render

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/config/catalog"
	"github.com/entraform/entraform/internal/bench/workload"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

// createPlan1000 is the plan of the benchmark workload of 1000
// applications and 100 site grants on an empty workspace: 5100 objects to
// create, the largest text a plan of that configuration renders.
func createPlan1000(b *testing.B) *plan.Plan {
	b.Helper()
	dir := filepath.Join(b.TempDir(), workload.Workspace)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, workload.FileName), []byte(workload.Config{N: 1000}.HCL()), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir, Getenv: func(string) string { return "" }})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	snap := &plan.Snapshot{
		TenantID: "tenant",
		Now:      time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Resources: map[string]*entra.ServicePrincipal{
			entra.GraphAppID:      {ID: "sp-graph", AppID: entra.GraphAppID, DisplayName: "Microsoft Graph"},
			entra.SharePointAppID: {ID: "sp-sharepoint", AppID: entra.SharePointAppID, DisplayName: "Office 365 SharePoint Online"},
		},
		Sites:       map[string]*sharepoint.Site{},
		SecretFiles: map[string]plan.SecretFile{},
		KeyFiles:    map[string]plan.KeyFile{},
	}
	// Microsoft Graph publishes the workload's permissions, as in a
	// tenant: a plan refuses a permission its resource does not publish.
	graph := snap.Resources[entra.GraphAppID]
	cat := catalog.Builtin()
	role, err := cat.Resolve(entra.GraphAppID, catalog.Application, "Sites.Selected")
	if err != nil {
		b.Fatal(err)
	}
	graph.AppRoles = append(graph.AppRoles, entra.AppRole{ID: role.ID, Value: role.Value, IsEnabled: true})
	scope, err := cat.Resolve(entra.GraphAppID, catalog.Delegated, "User.Read")
	if err != nil {
		b.Fatal(err)
	}
	graph.OAuth2PermissionScopes = append(graph.OAuth2PermissionScopes, entra.PermissionScope{ID: scope.ID, Value: scope.Value, Type: "User", IsEnabled: true})
	for i, s := range cfg.Sites {
		snap.Sites[s.Addr] = &sharepoint.Site{ID: "contoso.sharepoint.com,site" + strconv.Itoa(i) + ",web", WebURL: s.URL}
	}
	p, diags := plan.Build(cfg, snap, plan.Options{})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	if add, _, _ := p.Counts(); add != workload.Objects(1000) {
		b.Fatalf("plan adds %d objects, want %d", add, workload.Objects(1000))
	}
	return p
}

// BenchmarkRender1000 renders the text of a plan creating 1000
// applications with their service principals, consents, role
// assignments and secrets, and 100 site grants.
func BenchmarkRender1000(b *testing.B) {
	p := createPlan1000(b)
	var out strings.Builder
	if err := Plan(&out, p, Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Plan(io.Discard, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "text-bytes")
}
