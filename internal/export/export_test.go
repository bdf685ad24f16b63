package export

import (
	"context"
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

// fakeSource is a tenant in memory.
type fakeSource struct {
	snap  *entra.Snapshot
	sites map[string]*sharepoint.Site
	perms map[string][]sharepoint.Permission
	// prefixes records the prefixes ListApplications was asked for.
	prefixes []string
}

func (f *fakeSource) ListApplications(_ context.Context, prefix string) ([]AppSummary, error) {
	f.prefixes = append(f.prefixes, prefix)
	var out []AppSummary
	for _, a := range f.snap.Applications {
		if strings.HasPrefix(strings.ToLower(a.DisplayName), strings.ToLower(prefix)) {
			out = append(out, AppSummary{AppID: a.AppID, DisplayName: a.DisplayName})
		}
	}
	return out, nil
}

// Read returns the adopted applications only, as a fresh workspace reads.
func (f *fakeSource) Read(_ context.Context, req entra.ReadRequest) (*entra.Snapshot, error) {
	s := *f.snap
	s.Applications = nil
	for _, a := range f.snap.Applications {
		for _, id := range req.Adopt {
			if strings.EqualFold(a.AppID, id) {
				s.Applications = append(s.Applications, a)
			}
		}
	}
	return &s, nil
}

// Principals finds the users and service principals among the owners
// the snapshot holds (the fake has no other directory).
func (f *fakeSource) Principals(_ context.Context, assignments []entra.AppRoleAssignment) (map[string]entra.DirectoryObject, error) {
	out := map[string]entra.DirectoryObject{}
	for _, a := range f.snap.Applications {
		for _, o := range a.Owners {
			out[strings.ToLower(o.ID)] = o
		}
	}
	return out, nil
}

func (f *fakeSource) Sites(_ context.Context, urls []string) (map[string]*sharepoint.Site, map[string][]sharepoint.Permission, error) {
	out := map[string]*sharepoint.Site{}
	for _, u := range urls {
		if s := f.sites[strings.TrimRight(u, "/")]; s != nil {
			out[u] = s
		}
	}
	return out, f.perms, nil
}

const (
	sitesReadAll  = "332a536c-c7ef-4017-ab91-336970924f0d"
	sitesSelected = "883ea226-0bf2-4a8f-9f9d-92c9162a727d"
	spUserReadAll = "0cea5a30-f6f8-42b5-87a0-84cc26822e02" // SharePoint delegated "Read user profiles"
	graphUserRead = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
	customAPI     = "9a3b0c1d-2e4f-4a5b-8c6d-7e8f9a0b1c2d"
	customRole    = "11111111-2222-4333-8444-555555555555"
)

var end = time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)

func tenantWith(apps ...*entra.Application) *fakeSource {
	graph := &entra.ServicePrincipal{ID: "sp-graph", AppID: entra.GraphAppID, DisplayName: "Microsoft Graph"}
	spo := &entra.ServicePrincipal{ID: "sp-spo", AppID: entra.SharePointAppID, DisplayName: "Office 365 SharePoint Online"}
	api := &entra.ServicePrincipal{ID: "sp-api", AppID: customAPI, DisplayName: "Contoso API",
		AppRoles: []entra.AppRole{{ID: customRole, Value: "Orders.Read"}}}
	snap := &entra.Snapshot{
		Applications: apps,
		Resources:    map[string]*entra.ServicePrincipal{entra.GraphAppID: graph, entra.SharePointAppID: spo, customAPI: api},
	}
	for _, a := range apps {
		snap.ServicePrincipals = append(snap.ServicePrincipals, &entra.ServicePrincipal{ID: "sp-" + a.AppID, AppID: a.AppID})
	}
	return &fakeSource{snap: snap}
}

func newApp(appID, name string) *entra.Application {
	return &entra.Application{ID: "obj-" + appID, AppID: appID, DisplayName: name, SignInAudience: "AzureADMyOrg"}
}

func roles(resource string, ids ...string) entra.RequiredResourceAccess {
	r := entra.RequiredResourceAccess{ResourceAppID: resource}
	for _, id := range ids {
		r.ResourceAccess = append(r.ResourceAccess, entra.ResourceAccess{ID: id, Type: "Role"})
	}
	return r
}

func scopes(resource string, ids ...string) entra.RequiredResourceAccess {
	r := entra.RequiredResourceAccess{ResourceAppID: resource}
	for _, id := range ids {
		r.ResourceAccess = append(r.ResourceAccess, entra.ResourceAccess{ID: id, Type: "Scope"})
	}
	return r
}

const (
	id1 = "aaaaaaaa-0000-4000-8000-000000000001"
	id2 = "aaaaaaaa-0000-4000-8000-000000000002"
)

func run(t *testing.T, src Source, opts Options) *Result {
	t.Helper()
	if opts.Workspace == "" {
		opts.Workspace = "demo"
	}
	res, err := Export(context.Background(), src, opts)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return res
}

// load writes the exported files into a directory and loads them as a
// configuration: every export must be valid input.
func load(t *testing.T, res *Result) *config.Config {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir, Getenv: func(string) string { return "" }})
	if diags.HasErrors() {
		for _, f := range res.Files {
			t.Logf("%s:\n%s", f.Name, f.Src)
		}
		t.Fatalf("exported files do not load: %s", diags.Error())
	}
	return cfg
}

func TestExportRoundTripsThroughConfig(t *testing.T) {
	a := newApp(id1, `Odd "quoted" ${name} %{x} app`)
	notes := "line one\nline two"
	a.Notes = &notes
	a.SignInAudience = "AzureADMultipleOrgs"
	home := "https://app.contoso.com/"
	a.Web = &entra.WebApplication{
		RedirectURIs:          []string{"https://app.contoso.com/b", "https://app.contoso.com/a"},
		HomePageURL:           &home,
		ImplicitGrantSettings: &entra.ImplicitGrantSettings{EnableIDTokenIssuance: true},
	}
	fallback := true
	a.IsFallbackPublicClient = &fallback
	a.PublicClient = &entra.RedirectURIs{RedirectURIs: []string{"myapp://auth"}}
	a.SPA = &entra.RedirectURIs{RedirectURIs: []string{"https://spa.contoso.com/"}}
	a.RequiredResourceAccess = []entra.RequiredResourceAccess{
		roles(customAPI, customRole),
		scopes(entra.SharePointAppID, spUserReadAll),
		roles(entra.GraphAppID, sitesReadAll),
		scopes(entra.GraphAppID, graphUserRead),
	}
	desc := "main branch"
	a.FederatedIdentityCredentials = []entra.FederatedIdentityCredential{
		{Name: "main", Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:o/r:ref:refs/heads/main", Audiences: []string{"api://AzureADTokenExchange"}, Description: &desc},
		{Name: "custom-aud", Issuer: "https://issuer.example.com", Subject: "s", Audiences: []string{"custom"}}, // Graph takes one audience
	}
	a.PasswordCredentials = []entra.PasswordCredential{{KeyID: "k-1", DisplayName: `we"b`, EndDateTime: &end, Hint: "abc"}}
	a.KeyCredentials = []entra.KeyCredential{{KeyID: "k-2", DisplayName: "CN=app", CustomKeyIdentifier: "ab12", EndDateTime: &end}}

	cfg := load(t, run(t, tenantWith(a), Options{AppIDs: []string{id1}}))
	if len(cfg.Applications) != 1 {
		t.Fatalf("%d applications", len(cfg.Applications))
	}
	got := cfg.Applications[0]
	type perm struct {
		Resource               string
		Delegated, Application []string
	}
	var perms []perm
	for _, p := range got.Permissions {
		pp := perm{Resource: p.Resource}
		for _, r := range p.Delegated {
			pp.Delegated = append(pp.Delegated, r.Name)
		}
		for _, r := range p.Application {
			pp.Application = append(pp.Application, r.Name)
		}
		perms = append(perms, pp)
	}
	var secrets, certs, fed []string
	for _, s := range got.Secrets {
		secrets = append(secrets, s.Name+" write_to="+s.WriteTo)
	}
	for _, c := range got.Certificates {
		certs = append(certs, c.Name+" "+c.PrivateKeyFile)
	}
	for _, f := range got.FederatedCredentials {
		fed = append(fed, f.Name+" "+f.Issuer+" "+f.Subject+" "+strings.Join(f.Audiences, ",")+" "+f.Description)
	}
	type summary struct {
		Addr, DisplayName, Adopt, Audience, Notes string
		Web                                       config.Web
		Public, SPA                               []string
		Perms                                     []perm
		Secrets, Certs, Federated                 []string
	}
	want := summary{
		Addr: "application.odd_quoted_name_x_app", DisplayName: a.DisplayName, Adopt: id1, Audience: "AzureADMultipleOrgs", Notes: notes,
		Web:    config.Web{RedirectURIs: []string{"https://app.contoso.com/a", "https://app.contoso.com/b"}, HomePageURL: home, IDTokenIssuance: true},
		Public: []string{"myapp://auth"}, SPA: []string{"https://spa.contoso.com/"},
		Perms: []perm{
			{Resource: "graph", Delegated: []string{"User.Read"}, Application: []string{"Sites.Read.All"}},
			{Resource: "sharepoint", Delegated: []string{"User.Read.All"}},
			{Resource: customAPI, Application: []string{"Orders.Read"}},
		},
		Secrets:   []string{`we"b write_to=`},
		Certs:     []string{"CN=app secrets/odd_quoted_name_x_app_cn_app.pem"},
		Federated: []string{"custom-aud https://issuer.example.com s custom ", "main https://token.actions.githubusercontent.com repo:o/r:ref:refs/heads/main api://AzureADTokenExchange main branch"},
	}
	web := *got.Web
	web.DeclRange = want.Web.DeclRange
	gotSummary := summary{
		Addr: got.Addr, DisplayName: got.DisplayName, Adopt: got.Adopt, Audience: got.SignInAudience, Notes: got.Notes,
		Web: web, Public: got.PublicClient.RedirectURIs, SPA: got.SPA.RedirectURIs,
		Perms: perms, Secrets: secrets, Certs: certs, Federated: fed,
	}
	if diff := cmp.Diff(want, gotSummary); diff != "" {
		t.Errorf("loaded export (-want +got):\n%s", diff)
	}
}

func TestExportRemarks(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(s *fakeSource, a *entra.Application)
		want    []string // remarks, each a substring of one warning in order
		consent bool
	}{
		{
			name: "consent matches the requested permissions",
			mutate: func(s *fakeSource, a *entra.Application) {
				a.RequiredResourceAccess = []entra.RequiredResourceAccess{roles(entra.GraphAppID, sitesReadAll), scopes(entra.SharePointAppID, spUserReadAll)}
				s.snap.Assignments = []entra.AppRoleAssignment{{PrincipalID: "sp-" + id1, ResourceID: "sp-graph", AppRoleID: sitesReadAll}}
				s.snap.Grants = []entra.OAuth2PermissionGrant{{ClientID: "sp-" + id1, ConsentType: "AllPrincipals", ResourceID: "sp-spo", Scope: " User.Read.All "}}
			},
			consent: true,
		},
		{
			name: "no consent at all",
			mutate: func(s *fakeSource, a *entra.Application) {
				a.RequiredResourceAccess = []entra.RequiredResourceAccess{roles(entra.GraphAppID, sitesReadAll)}
				// A user's own consent is theirs, not the tenant's.
				s.snap.Grants = []entra.OAuth2PermissionGrant{{ClientID: "sp-" + id1, ConsentType: "Principal", ResourceID: "sp-graph", Scope: "User.Read"}}
			},
		},
		{
			name: "partial and extra consent",
			mutate: func(s *fakeSource, a *entra.Application) {
				a.RequiredResourceAccess = []entra.RequiredResourceAccess{roles(entra.GraphAppID, sitesReadAll), scopes(entra.SharePointAppID, spUserReadAll)}
				s.snap.Assignments = []entra.AppRoleAssignment{{PrincipalID: "sp-" + id1, ResourceID: "sp-graph", AppRoleID: sitesSelected}}
				s.snap.Grants = []entra.OAuth2PermissionGrant{{ClientID: "sp-" + id1, ConsentType: "AllPrincipals", ResourceID: "sp-spo", Scope: "User.Read.All AllSites.Read"}}
			},
			consent: true,
			want: []string{
				"Admin consent to Office 365 SharePoint Online covers AllSites.Read, User.Read.All, but it requests User.Read.All",
				"Application permission Sites.Read.All of Microsoft Graph is requested but not granted; the plan will grant it.",
				"Application permission Sites.Selected of Microsoft Graph is granted but not requested; the plan will remove the grant.",
			},
		},
		{
			name: "no service principal",
			mutate: func(s *fakeSource, a *entra.Application) {
				s.snap.ServicePrincipals = nil
			},
			want: []string{"It has no service principal (enterprise application) in this tenant; the plan will create one."},
		},
		{
			name: "public client redirect URIs without public client flows",
			mutate: func(s *fakeSource, a *entra.Application) {
				a.PublicClient = &entra.RedirectURIs{RedirectURIs: []string{"http://localhost"}}
			},
			want: []string{"public client flows are off"},
		},
		{
			name: "a permission the resource does not publish",
			mutate: func(s *fakeSource, a *entra.Application) {
				a.RequiredResourceAccess = []entra.RequiredResourceAccess{roles(entra.GraphAppID, "99999999-9999-4999-8999-999999999999", sitesReadAll)}
			},
			want: []string{"It requests application permission 99999999-9999-4999-8999-999999999999 of Microsoft Graph, which Microsoft Graph does not publish"},
		},
		{
			name: "managed by another workspace",
			mutate: func(s *fakeSource, a *entra.Application) {
				a.Tags = entra.OwnershipTags("hr-apps", "application.x")
			},
			want: []string{`It is managed by entraform workspace "hr-apps"; adopting it here moves it to workspace "demo"`},
		},
		{
			name: "an assigned user that cannot be read",
			mutate: func(s *fakeSource, a *entra.Application) {
				for _, sp := range s.snap.ServicePrincipals {
					if strings.EqualFold(sp.AppID, a.AppID) {
						sp.AssignedTo = []entra.AppRoleAssignment{{PrincipalID: "deadbeef-0000-4000-8000-000000000001", PrincipalType: "User", AppRoleID: "00000000-0000-0000-0000-000000000000"}}
					}
				}
			},
			want: []string{"The user deadbeef-0000-4000-8000-000000000001 is assigned one of its app roles but could not be read"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(id1, "App")
			src := tenantWith(a)
			tt.mutate(src, a)
			res := run(t, src, Options{AppIDs: []string{id1}})
			if len(res.Warnings) != len(tt.want) {
				t.Fatalf("warnings = %q, want %d", res.Warnings, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(res.Warnings[i], w) || !strings.HasPrefix(res.Warnings[i], "application.app: ") {
					t.Errorf("warning %d = %q, want application.app: ...%s...", i, res.Warnings[i], w)
				}
				// Every remark is in the file too, for whoever reviews it.
				if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(string(res.Files[0].Src), "#", "")), " "), w) {
					t.Errorf("file does not carry remark %q:\n%s", w, res.Files[0].Src)
				}
			}
			cfg := load(t, res)
			if got := cfg.Applications[0].AdminConsent; got != tt.consent {
				t.Errorf("admin_consent = %v, want %v", got, tt.consent)
			}
		})
	}
}

func TestCredentialLabels(t *testing.T) {
	early, late := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   []credential
		want []string
	}{
		{"unique names", []credential{{KeyID: "K1", DisplayName: "web"}, {KeyID: "k2", DisplayName: "ci"}}, []string{"web", "ci"}},
		{"no name", []credential{{KeyID: "K1"}}, []string{"k1"}},
		{
			"shared name: the last to end keeps it, as the plan picks it",
			[]credential{{KeyID: "k1", DisplayName: "web", End: &early}, {KeyID: "k2", DisplayName: "web", End: &late}, {KeyID: "k3", DisplayName: "web", End: &early}},
			[]string{"k1", "web", "k3"},
		},
		{"shared name, equal ends: the first", []credential{{KeyID: "k1", DisplayName: "web", End: &late}, {KeyID: "k2", DisplayName: "web", End: &late}}, []string{"web", "k2"}},
		{"a name that is another credential's key id", []credential{{KeyID: "k1", DisplayName: "k2"}, {KeyID: "k2", DisplayName: "x"}}, []string{"k1", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, credentialLabels(tt.in)); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchName(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"Flask*", "Flask SharePoint demo", true},
		{"flask*", "FLASK app", true},
		{"*demo", "Flask SharePoint demo", true},
		{"*Point*", "Flask SharePoint demo", true},
		{"Flask", "Flask SharePoint demo", false},
		{"Flask SharePoint demo", "flask sharepoint DEMO", true},
		{"site ?eader", "Site reader", true},
		{"site ?eader", "Site rreader", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*", "", true},
		{"[hr]/*", "[HR]/reader", true},
		{"[hr]/*", "h/reader", false},
	}
	for _, tt := range tests {
		if got := matchName(tt.pattern, tt.name); got != tt.want {
			t.Errorf("matchName(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestIdentifier(t *testing.T) {
	tests := map[string]string{
		"Flask SharePoint demo": "flask_sharepoint_demo",
		"  HR -- reader!! ":     "hr_reader",
		"365 sync":              "app_365_sync",
		"Ünïcode ☃":             "n_code",
		"☃":                     "app",
	}
	for in, want := range tests {
		if got := identifier(in, "app"); got != want {
			t.Errorf("identifier(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportNamesAndFiles(t *testing.T) {
	src := tenantWith(newApp(id1, "Reader"), newApp(id2, "reader"), newApp("aaaaaaaa-0000-4000-8000-000000000003", "Tenant"))
	res := run(t, src, Options{Names: []string{"read*", "tenant"}, Cloud: "usgov"})
	var files []string
	for _, f := range res.Files {
		files = append(files, f.Name)
	}
	if diff := cmp.Diff([]string{"application_tenant.entra.hcl", "reader.entra.hcl", "reader_2.entra.hcl", "tenant.entra.hcl"}, files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"read", "tenant"}, src.prefixes); diff != "" {
		t.Errorf("the tenant is asked for the literal prefix of the pattern (-want +got):\n%s", diff)
	}
	if cfg := load(t, res); cfg.Tenant.Cloud != "usgov" {
		t.Errorf("cloud = %q, want usgov", cfg.Tenant.Cloud)
	}
}

func TestExportErrors(t *testing.T) {
	src := tenantWith(newApp(id1, "Reader"))
	src.sites = map[string]*sharepoint.Site{"https://contoso.sharepoint.com/sites/hr": {ID: "site-hr", WebURL: "https://contoso.sharepoint.com/sites/hr"}}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"nothing named", Options{}, "nothing to export: name applications with -app APPID or -name PATTERN"},
		{"not a GUID", Options{AppIDs: []string{"Reader"}}, `-app "Reader": an application is named by its appId (client id), a GUID; use -name to find it by display name`},
		{"no match", Options{Names: []string{"Writer*"}}, `-name "Writer*" matches no application's display name`},
		{"unknown app", Options{AppIDs: []string{id2}}, "no application with appId " + id2 + " in the tenant"},
		{"unknown site", Options{AppIDs: []string{id1}, Sites: []string{"https://contoso.sharepoint.com/sites/nope"}}, "-site https://contoso.sharepoint.com/sites/nope: no such site in the tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Workspace = "demo"
			_, err := Export(context.Background(), src, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestExportSites(t *testing.T) {
	src := tenantWith(newApp(id1, "Reader"))
	src.sites = map[string]*sharepoint.Site{
		"https://contoso.sharepoint.com/sites/hr": {ID: "site-hr", WebURL: "https://contoso.sharepoint.com/sites/hr"},
		"https://contoso.sharepoint.com":          {ID: "site-root", WebURL: "https://contoso.sharepoint.com"},
	}
	identity := func(appID, name string) []sharepoint.IdentitySet {
		return []sharepoint.IdentitySet{{Application: &sharepoint.Identity{ID: appID, DisplayName: name}}}
	}
	src.perms = map[string][]sharepoint.Permission{
		"site-hr": {
			{ID: "p1", Roles: []string{"write", "read"}, GrantedToIdentitiesV2: identity(id1, "Reader")},
			{ID: "p2", Roles: []string{"fullcontrol"}, GrantedToIdentitiesV2: identity(id2, "Backup")},
		},
		"site-root": {{ID: "p3", Roles: []string{"owner"}, GrantedToIdentitiesV2: identity(id1, "Reader")}},
	}
	res := run(t, src, Options{AppIDs: []string{id1}, Sites: []string{"https://contoso.sharepoint.com/sites/hr/", "https://contoso.sharepoint.com"}})
	cfg := load(t, res)
	var got []string
	for _, s := range cfg.Sites {
		for _, g := range s.Grants {
			got = append(got, s.Addr+" "+s.URL+" "+g.Name+" "+g.Application+" "+strings.Join(g.Roles, ","))
		}
		if len(s.Grants) == 0 {
			got = append(got, s.Addr+" "+s.URL+" no grants")
		}
	}
	want := []string{
		"site.hr https://contoso.sharepoint.com/sites/hr reader application.reader read,write",
		"site.root https://contoso.sharepoint.com no grants",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sites (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		`site.hr: Also granted to applications not exported, which this configuration leaves alone: "Backup" (` + id2 + `): fullcontrol.`,
		"site.root: The grant to application.reader has the role owner, which a grant block cannot hold (read, write, manage, fullcontrol); the plan will change it.",
		"site.root: None of the exported applications has a grant on this site.",
	}
	if diff := cmp.Diff(wantWarnings, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
