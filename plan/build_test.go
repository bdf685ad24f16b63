package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// load writes the files into a directory named "demo" (the workspace)
// and loads them.
func load(t *testing.T, files map[string]string) *config.Config {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir, Getenv: func(string) string { return "" }})
	if diags.HasErrors() {
		t.Fatalf("loading config: %s", diags.Error())
	}
	return cfg
}

// emptyTenant has the two well-known resource service principals.
func emptyTenant() *Snapshot {
	graph := &entra.ServicePrincipal{ID: "sp-graph", AppID: entra.GraphAppID, DisplayName: "Microsoft Graph",
		AppRoles: []entra.AppRole{{ID: "332a536c-c7ef-4017-ab91-336970924f0d", Value: "Sites.Read.All"}}}
	sp := &entra.ServicePrincipal{ID: "sp-sharepoint", AppID: entra.SharePointAppID, DisplayName: "Office 365 SharePoint Online"}
	return &Snapshot{
		TenantID:    "tenant",
		Now:         now,
		Resources:   map[string]*entra.ServicePrincipal{entra.GraphAppID: graph, entra.SharePointAppID: sp},
		Sites:       map[string]*sharepoint.Site{},
		SecretFiles: map[string]SecretFile{}, KeyFiles: map[string]KeyFile{},
	}
}

// applied returns the snapshot of a tenant on which p was applied, built
// from the plan's desired objects: what a faithful tenant would hold.
func applied(t *testing.T, p *Plan, before *Snapshot) *Snapshot {
	t.Helper()
	s := *before
	s.Applications, s.ServicePrincipals, s.Grants, s.Assignments = nil, nil, nil, nil
	apps := map[string]*entra.Application{}
	sps := map[string]*entra.ServicePrincipal{}
	n := 0
	id := func(kind string) string {
		n++
		return kind + "-" + strings.Repeat("0", 3) + string(rune('a'+n%26)) + string(rune('a'+n/26))
	}
	for _, c := range p.Changes {
		if c.Action == Delete {
			continue
		}
		switch d := c.Desired.(type) {
		case *DesiredApplication:
			a := d.Body
			a.ID, a.AppID = id("app"), id("appid")
			if cur, ok := c.Current.(*entra.Application); ok && !c.Action.IsReplace() {
				a.ID, a.AppID = cur.ID, cur.AppID
			}
			apps[c.Address] = &a
			s.Applications = append(s.Applications, &a)
		}
	}
	for _, c := range p.Changes {
		if c.Action == Delete {
			continue
		}
		switch d := c.Desired.(type) {
		case *DesiredServicePrincipal:
			sp := &entra.ServicePrincipal{ID: id("sp"), AppID: apps[d.Application].AppID, Tags: d.Tags,
				AppRoleAssignmentRequired: d.AppRoleAssignmentRequired, Notes: optional(d.Notes), LoginURL: optional(d.LoginURL)}
			sps[d.Application] = sp
			s.ServicePrincipals = append(s.ServicePrincipals, sp)
		case *DesiredSecret:
			end := now.Add(d.ExpiresIn)
			key := id("key")
			a := apps[d.Application]
			a.PasswordCredentials = append(a.PasswordCredentials, entra.PasswordCredential{KeyID: key, DisplayName: d.DisplayName, EndDateTime: &end, Hint: "abc"})
			if d.WriteTo != "" {
				s.SecretFiles = copyMap(s.SecretFiles)
				s.SecretFiles[d.WriteTo] = SecretFile{Exists: true, KeyID: key}
			}
		case *DesiredFederatedCredential:
			a := apps[d.Application]
			f := d.Body
			f.ID = id("fic")
			a.FederatedIdentityCredentials = append(a.FederatedIdentityCredentials, f)
		}
	}
	// Addresses standing for appIds of applications created by the plan.
	appID := func(id string) string {
		if a := apps[id]; a != nil {
			return a.AppID
		}
		return id
	}
	for _, a := range apps {
		for i := range a.RequiredResourceAccess {
			a.RequiredResourceAccess[i].ResourceAppID = appID(a.RequiredResourceAccess[i].ResourceAppID)
		}
	}
	resourceID := func(id string) string {
		if sp := sps[id]; sp != nil {
			return sp.ID
		}
		for addr, a := range apps {
			if a.AppID == id && sps[addr] != nil {
				return sps[addr].ID
			}
		}
		return s.Resources[id].ID
	}
	for _, c := range p.Changes {
		switch d := c.Desired.(type) {
		case *DesiredConsent:
			s.Grants = append(s.Grants, entra.OAuth2PermissionGrant{ID: id("grant"), ClientID: sps[d.Application].ID,
				ConsentType: "AllPrincipals", ResourceID: resourceID(d.ResourceAppID), Scope: strings.Join(d.Scopes, " ")})
		case *DesiredRoleAssignment:
			s.Assignments = append(s.Assignments, entra.AppRoleAssignment{ID: id("assign"), PrincipalID: sps[d.Application].ID,
				ResourceID: resourceID(d.ResourceAppID), AppRoleID: d.AppRoleID})
			res := sps[d.ResourceAppID]
			for addr, a := range apps {
				if a.AppID == d.ResourceAppID {
					res = sps[addr]
				}
			}
			if res != nil { // the configuration's own API
				res.AssignedTo = append(res.AssignedTo, entra.AppRoleAssignment{ID: id("assign"), PrincipalID: sps[d.Application].ID,
					PrincipalType: "ServicePrincipal", ResourceID: res.ID, AppRoleID: d.AppRoleID})
			}
		case *DesiredOwner:
			owner := d.OwnerID
			if sp := sps[owner]; sp != nil {
				owner = sp.ID
			}
			o := entra.DirectoryObject{ID: owner}
			if d.OfServicePrincipal {
				sps[d.Application].Owners = append(sps[d.Application].Owners, o)
			} else {
				apps[d.Application].Owners = append(apps[d.Application].Owners, o)
			}
		case *DesiredAssignment:
			principal := d.PrincipalID
			if sp := sps[principal]; sp != nil {
				principal = sp.ID
			}
			res := sps[d.Application]
			res.AssignedTo = append(res.AssignedTo, entra.AppRoleAssignment{ID: id("assign"), PrincipalID: principal, ResourceID: res.ID, AppRoleID: d.AppRoleID})
		}
	}
	return &s
}

func copyMap[V any](m map[string]V) map[string]V {
	out := map[string]V{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func build(t *testing.T, cfg *config.Config, snap *Snapshot, opts Options) *Plan {
	t.Helper()
	p, diags := Build(cfg, snap, opts)
	if diags.HasErrors() {
		t.Fatalf("Build: %s", diags.Error())
	}
	return p
}

// actions lists "address action" for every change that does something.
func actions(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action != NoOp {
			out = append(out, c.Address+" "+string(c.Action))
		}
	}
	return out
}

const quickstart = `
application "reader" {
  display_name = "Site reader"
  web { redirect_uris = ["http://localhost:5555/"] }
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "main" { write_to = "secrets/reader.env" }
}
`

func TestBuildCreatesEverythingOnEmptyTenant(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart})
	p := build(t, cfg, emptyTenant(), Options{})
	want := []string{
		"application.reader create",
		`application.reader.role["Sites.Read.All"] create`,
		"application.reader.secret.main create",
		"application.reader.service_principal create",
	}
	if diff := cmp.Diff(want, actions(p)); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	app := p.Change("application.reader").Desired.(*DesiredApplication)
	if diff := cmp.Diff([]string{entra.TagManaged, "entraform:workspace:demo", "entraform:address:application.reader"}, app.Body.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if app.Body.UniqueName != "entraform.demo.reader" {
		t.Errorf("unique name = %q", app.Body.UniqueName)
	}
}

func TestBuildSecondPlanIsEmpty(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart})
	first := build(t, cfg, emptyTenant(), Options{})
	second := build(t, cfg, applied(t, first, emptyTenant()), Options{})
	if got := actions(second); len(got) != 0 {
		t.Errorf("second plan has changes: %v", got)
	}
}

func TestBuildRedirectChangeIsOneUpdate(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart})
	snap := applied(t, build(t, cfg, emptyTenant(), Options{}), emptyTenant())
	changed := load(t, map[string]string{"main.entra.hcl": strings.Replace(quickstart, "5555", "5556", 1)})
	p := build(t, changed, snap, Options{})
	if diff := cmp.Diff([]string{"application.reader update"}, actions(p)); diff != "" {
		t.Fatalf("actions (-want +got):\n%s", diff)
	}
	_, attrs, _ := diffAttributes(TypeApplication, p.Change("application.reader").Before, p.Change("application.reader").After)
	if diff := cmp.Diff([]string{"web_redirect_uris"}, attrs); diff != "" {
		t.Errorf("changed attributes (-want +got):\n%s", diff)
	}
}

func TestBuildRemovedApplicationIsDeletedWithChildren(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart})
	snap := applied(t, build(t, cfg, emptyTenant(), Options{}), emptyTenant())
	empty := load(t, map[string]string{"main.entra.hcl": `tenant { workspace = "demo" }`})
	p := build(t, empty, snap, Options{})
	want := []string{
		"application.reader delete",
		`application.reader.role["Sites.Read.All"] delete`,
		"application.reader.secret.main delete",
		"application.reader.service_principal delete",
	}
	if diff := cmp.Diff(want, actions(p)); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

func TestBuildLeavesOtherWorkspacesAlone(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart})
	snap := applied(t, build(t, cfg, emptyTenant(), Options{}), emptyTenant())
	for _, a := range snap.Applications {
		a.Tags = entra.OwnershipTags("other", "application.reader")
	}
	empty := load(t, map[string]string{"main.entra.hcl": `tenant { workspace = "demo" }`})
	if got := actions(build(t, empty, snap, Options{})); len(got) != 0 {
		t.Errorf("plan touches another workspace's objects: %v", got)
	}
}

func TestBuildSecretReplacement(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart})
	base := applied(t, build(t, cfg, emptyTenant(), Options{}), emptyTenant())
	tests := []struct {
		name   string
		mutate func(s *Snapshot)
		reason string
	}{
		{"near expiry", func(s *Snapshot) {
			end := now.Add(24 * time.Hour)
			s.Applications[0].PasswordCredentials[0].EndDateTime = &end
		}, "within rotate_before (30d)"},
		{"expired", func(s *Snapshot) {
			end := now.Add(-time.Hour)
			s.Applications[0].PasswordCredentials[0].EndDateTime = &end
		}, "the secret expired on"},
		{"file lost", func(s *Snapshot) { s.SecretFiles = map[string]SecretFile{"secrets/reader.env": {}} }, "does not exist"},
		{"file holds another", func(s *Snapshot) {
			s.SecretFiles = map[string]SecretFile{"secrets/reader.env": {Exists: true, KeyID: "other"}}
		}, "holds another secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := *base
			app := *base.Applications[0]
			app.PasswordCredentials = append([]entra.PasswordCredential(nil), app.PasswordCredentials...)
			snap.Applications = []*entra.Application{&app}
			tt.mutate(&snap)
			p := build(t, cfg, &snap, Options{})
			if diff := cmp.Diff([]string{"application.reader.secret.main create-delete"}, actions(p)); diff != "" {
				t.Fatalf("actions (-want +got):\n%s", diff)
			}
			c := p.Change("application.reader.secret.main")
			if !strings.Contains(c.Reason, tt.reason) {
				t.Errorf("reason %q does not mention %q", c.Reason, tt.reason)
			}
			if d := c.Desired.(*DesiredSecret); d.Replaces == "" {
				t.Error("replacement does not name the old key id")
			}
		})
	}
}

func TestBuildDestroyRemovesOnlyOwned(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart})
	snap := applied(t, build(t, cfg, emptyTenant(), Options{}), emptyTenant())
	foreign := &entra.Application{ID: "x", AppID: "y", DisplayName: "hand made"}
	snap.Applications = append(snap.Applications, foreign)
	p := build(t, cfg, snap, Options{Destroy: true})
	for _, c := range p.Changes {
		if c.Action != Delete {
			t.Errorf("%s: %s in a destroy plan", c.Address, c.Action)
		}
		if c.Current == foreign {
			t.Errorf("destroy touches an unmanaged application")
		}
	}
	if len(p.Changes) != 4 {
		t.Errorf("destroy plan has %d changes, want 4: %v", len(p.Changes), actions(p))
	}
}

func TestBuildMissingSiteIsADiagnostic(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart + `
site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
  grant "reader" {
    application = application.reader
    roles       = ["read"]
  }
}
`})
	_, diags := Build(cfg, emptyTenant(), Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Site not found") {
		t.Fatalf("diagnostics = %v, want Site not found", diags)
	}
	if diags[0].Subject == nil || diags[0].Subject.Start.Line == 0 {
		t.Errorf("diagnostic has no source range")
	}
}

func TestBuildSiteGrant(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": quickstart + `
site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
  grant "reader" {
    application = application.reader
    roles       = ["read"]
  }
}
`})
	snap := emptyTenant()
	snap.Sites["site.hr"] = &sharepoint.Site{ID: "contoso.sharepoint.com,a,b", WebURL: "https://contoso.sharepoint.com/sites/hr"}
	p := build(t, cfg, snap, Options{})
	c := p.Change("site.hr.grant.reader")
	if c == nil || c.Action != Create {
		t.Fatalf("site grant not planned for creation: %v", actions(p))
	}
	if diff := cmp.Diff([]string{"application.reader"}, c.DependsOn); diff != "" {
		t.Errorf("depends on (-want +got):\n%s", diff)
	}
	// Once the app exists and holds a grant with other roles, the grant is updated.
	after := applied(t, p, snap)
	after.SitePermissions = map[string][]sharepoint.Permission{"contoso.sharepoint.com,a,b": {{
		ID: "perm", Roles: []string{"write"},
		GrantedToIdentitiesV2: []sharepoint.IdentitySet{{Application: &sharepoint.Identity{ID: after.Applications[0].AppID}}},
	}}}
	p2 := build(t, cfg, after, Options{})
	if diff := cmp.Diff([]string{"site.hr.grant.reader update"}, actions(p2)); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

func TestBuildPermissionTheTenantDoesNotPublish(t *testing.T) {
	cfg := load(t, map[string]string{"main.entra.hcl": `
application "reader" {
  display_name = "Site reader"
  permission "graph" { application = ["Sites.Selected"] }
}
`})
	// The tenant's Microsoft Graph (emptyTenant) publishes Sites.Read.All only.
	_, diags := Build(cfg, emptyTenant(), Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `Microsoft Graph in tenant tenant publishes no application permission (app role) "Sites.Selected"`) {
		t.Fatalf("diagnostics = %v", diags)
	}
	if r := diags[0].Subject; r == nil || r.Start.Line != 4 {
		t.Errorf("diagnostic range = %v, want line 4", r)
	}
}
