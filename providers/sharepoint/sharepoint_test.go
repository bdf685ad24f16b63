package sharepoint

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// tenant is a started local tenant with the operator signed in.
type tenant struct {
	s        *localtenant.Server
	hc       *http.Client
	c        *graph.Client
	entra    *entra.Provider
	p        *Provider
	tenantID string
	operator auth.TokenSource
}

func startTenant(t *testing.T) *tenant {
	t.Helper()
	s, op := graphtest.Start(t, localtenant.Options{}, graph.Options{})
	opts := entra.Options{ReplicationTimeout: 10 * time.Second}
	return &tenant{
		s: s, hc: op.HTTPClient, c: op.Graph, entra: entra.New(op.Graph, opts), p: New(op.Graph, Options{ReplicationTimeout: 10 * time.Second}),
		tenantID: s.TenantID(), operator: op.Tokens,
	}
}

func (tn *tenant) graphRequests() int {
	n := 0
	for _, r := range tn.s.Requests() {
		if strings.HasPrefix(r.Host, "graph.") {
			n++
		}
	}
	return n
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newApp creates an application with its service principal.
func newApp(t *testing.T, tn *tenant, name string) (*entra.Application, *entra.ServicePrincipal) {
	t.Helper()
	ctx := ctxFor(t)
	app, err := tn.entra.UpsertApplication(ctx, "entraform.sites."+name, entra.Application{DisplayName: name})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := tn.entra.CreateServicePrincipal(ctx, app.AppID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return app, sp
}

// rolesByApp renders a site's permissions as appId -> roles.
func rolesByApp(perms []Permission) map[string][]string {
	out := map[string][]string{}
	for _, p := range perms {
		out[p.ApplicationID()] = p.Roles
	}
	return out
}

func TestSitesAndPermissions(t *testing.T) {
	tn := startTenant(t)
	ctx := ctxFor(t)
	host := tn.s.SharePointHost()
	hr := "https://" + host + "/sites/hr"
	urls := []string{hr, hr + "/", "https://" + host + "/sites/missing", "https://" + host}

	sites, perms, err := tn.p.Sites(ctx, urls)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for u, s := range sites {
		got[u] = s.DisplayName
	}
	want := map[string]string{hr: "HR", hr + "/": "HR", "https://" + host: "Communication site"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("sites by URL (-want +got):\n%s", diff)
	}
	hrID := sites[hr].ID
	if diff := cmp.Diff(map[string][]string{}, rolesByApp(perms[hrID])); diff != "" {
		t.Errorf("permissions of a fresh site (-want +got):\n%s", diff)
	}

	app, _ := newApp(t, tn, "reader")
	perm, err := tn.p.CreateSitePermission(ctx, hrID, Identity{ID: app.AppID, DisplayName: app.DisplayName}, []string{"read"})
	if err != nil {
		t.Fatal(err)
	}
	if perm.ID == "" || perm.ApplicationID() != app.AppID {
		t.Errorf("created permission %+v; want an id, granted to %s", perm, app.AppID)
	}

	// The list may omit roles: Sites reads them by id, in three batches.
	tn.s.ResetRequests()
	_, perms, err = tn.p.Sites(ctx, []string{hr})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{app.AppID: {"read"}}, rolesByApp(perms[hrID])); diff != "" {
		t.Errorf("permissions after the grant (-want +got):\n%s", diff)
	}
	if n := tn.graphRequests(); n > 3 {
		t.Errorf("Sites of one site with one permission sent %d Graph requests, want at most 3 (site, list, roles by id)", n)
	}

	if err := tn.p.UpdateSitePermission(ctx, hrID, perm.ID, []string{"write"}); err != nil {
		t.Fatal(err)
	}
	_, perms, err = tn.p.Sites(ctx, []string{hr})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{app.AppID: {"write"}}, rolesByApp(perms[hrID])); diff != "" {
		t.Errorf("permissions after the update (-want +got):\n%s", diff)
	}

	if err := tn.p.DeleteSitePermission(ctx, hrID, perm.ID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.DeleteSitePermission(ctx, hrID, perm.ID); err != nil {
		t.Errorf("deleting a deleted permission: %v; want nil", err)
	}
	_, perms, err = tn.p.Sites(ctx, []string{hr})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{}, rolesByApp(perms[hrID])); diff != "" {
		t.Errorf("permissions after the delete (-want +got):\n%s", diff)
	}
}

func TestSiteLookupPath(t *testing.T) {
	tests := []struct {
		url, want, err string
	}{
		{"https://contoso.sharepoint.com/sites/hr", "/sites/contoso.sharepoint.com:/sites/hr", ""},
		{"https://Contoso.SharePoint.com/sites/hr/", "/sites/contoso.sharepoint.com:/sites/hr", ""},
		{"https://contoso.sharepoint.com/sites/team%20a", "/sites/contoso.sharepoint.com:/sites/team%20a", ""},
		{"https://contoso.sharepoint.com", "/sites/contoso.sharepoint.com", ""},
		{"https://contoso.sharepoint.com/", "/sites/contoso.sharepoint.com", ""},
		{"http://contoso.sharepoint.com/sites/hr", "", "want https"},
		{"contoso.sharepoint.com/sites/hr", "", "want https"},
	}
	for _, tt := range tests {
		got, err := SiteLookupPath(tt.url)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SiteLookupPath(%q) error = %v, want one containing %q", tt.url, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("SiteLookupPath(%q) = %q, %v; want %q", tt.url, got, err, tt.want)
		}
	}
}

// testCertificate makes an RSA key and a self-signed certificate.
func testCertificate(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "site reader"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// TestREST signs in as an application (not the operator) and calls
// SharePoint REST as a login check does.
func TestREST(t *testing.T) {
	tn := startTenant(t)
	ctx := ctxFor(t)
	host := tn.s.SharePointHost()
	hr := "https://" + host + "/sites/hr"

	app, sp := newApp(t, tn, "site-reader")
	cert, key := testCertificate(t)
	der := base64.StdEncoding.EncodeToString(cert.Raw)
	if _, err := tn.entra.AddKeyCredential(ctx, app.ID, entra.KeyCredential{DisplayName: "ci", Key: &der}); err != nil {
		t.Fatal(err)
	}
	secret, err := tn.entra.AddPassword(ctx, app.ID, "web", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	spo, err := tn.entra.ServicePrincipalByAppID(ctx, entra.SharePointAppID)
	if err != nil || spo == nil {
		t.Fatalf("SharePoint service principal: %v, %v", spo, err)
	}
	const spoSitesSelected = "20d37865-089c-4dee-8c41-6967602d4ac8"
	if _, err := tn.entra.AssignAppRole(ctx, entra.AppRoleAssignment{PrincipalID: sp.ID, ResourceID: spo.ID, AppRoleID: spoSitesSelected}); err != nil {
		t.Fatal(err)
	}
	sites, _, err := tn.p.Sites(ctx, []string{hr})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.p.CreateSitePermission(ctx, sites[hr].ID, Identity{ID: app.AppID, DisplayName: app.DisplayName}, []string{"read"}); err != nil {
		t.Fatal(err)
	}

	scope := []string{"https://" + host + "/.default"}
	identity := auth.App{TenantID: tn.tenantID, ClientID: app.AppID, HTTPClient: tn.hc}
	certClient, err := auth.NewCertificateClient(identity, []*x509.Certificate{cert}, key)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := certClient.Token(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	rest := REST{HTTP: tn.hc, Token: tok.Value}
	web, err := rest.Web(ctx, hr)
	if err != nil {
		t.Fatal(err)
	}
	if web.Title != "HR" || !strings.HasSuffix(web.URL, "/sites/hr") {
		t.Errorf("web = %+v; want title HR at /sites/hr", web)
	}
	me, err := rest.CurrentUser(ctx, hr+"/")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(me.LoginName, app.AppID) {
		t.Errorf("current user login name %q does not name the application %s", me.LoginName, app.AppID)
	}

	// SharePoint refuses an app-only token from a client secret, and a
	// token for Graph.
	secretClient, err := auth.NewSecretClient(identity, secret.SecretText)
	if err != nil {
		t.Fatal(err)
	}
	secretTok, err := secretClient.Token(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	graphTok, err := tn.operator.Token(ctx, []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, token, message string
	}{
		{"client secret", secretTok.Value, "Unsupported app only token."},
		{"Graph token", graphTok.Value, "Invalid issuer or signature."},
	} {
		_, err := REST{HTTP: tn.hc, Token: tt.token}.Web(ctx, hr)
		var re *RESTError
		if !errors.As(err, &re) {
			t.Errorf("%s: error %v, want a *RESTError", tt.name, err)
			continue
		}
		if diff := cmp.Diff([]any{401, tt.message}, []any{re.StatusCode, re.Message}); diff != "" {
			t.Errorf("%s: status, message (-want +got):\n%s", tt.name, diff)
		}
		if strings.Contains(re.Error(), tt.token) {
			t.Errorf("%s: the error shows the token", tt.name)
		}
	}

	if _, err := rest.Web(ctx, "http://"+host+"/sites/hr"); err == nil {
		t.Error("a plain http site URL was called with a token")
	}
}
