package localtenant

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := Start(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	app := register(t, s1, testApp{name: "kept", roles: []string{"Sites.Read.All"}, graphScopes: "User.Read"})
	cert, _ := addCertificate(t, s1, app.app)
	addFederated(t, s1, app.app, githubIssuer, "repo:contoso/x:ref:refs/heads/main")
	opID, opSecret := s1.Operator()
	ca1 := s1.CAPEM()
	tok := operatorToken(t, s1, "https://graph.microsoft.com")
	env1 := s1.Env()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s1.CAFile()); err != nil {
		t.Errorf("CA file removed from the data directory: %v", err)
	}

	s2 := start(t, Options{DataDir: dir, Seed: &Seed{Users: []SeedUser{{UserPrincipalName: "new@contoso.onmicrosoft.com"}}}})
	id2, secret2 := s2.Operator()
	if id2 != opID || secret2 != opSecret || !bytes.Equal(ca1, s2.CAPEM()) || s2.CAFile() != filepath.Join(dir, "ca.pem") {
		t.Errorf("operator or CA changed across restart")
	}
	if _, err := s2.ValidateAccessToken(tok, "https://graph.microsoft.com"); err != nil {
		t.Errorf("token from before the restart: %v", err)
	}
	if env1[2] != s2.Env()[2] || env1[3] != s2.Env()[3] || env1[4] != s2.Env()[4] {
		t.Errorf("env changed: %v vs %v", env1, s2.Env())
	}
	var got *Application
	var fics []*FederatedIdentityCredential
	var roles, scopes []string
	var newUser bool
	s2.read(func(st *Store) {
		a, ok := st.appByID(app.app.ID, false)
		if !ok {
			return
		}
		got = a
		fics = st.federatedCredentials(a, false)
		sp, _ := st.spByAppID(a.AppID, false)
		graph, _ := st.spByAppID(graphAppID, false)
		roles = st.appRolesFor(sp, graph)
		scopes = st.grantedScopes(sp, graph, nil)
		_, newUser = st.userByUPN("new@contoso.onmicrosoft.com", false)
	})
	if got == nil {
		t.Fatal("application lost across restart")
	}
	if diff := cmp.Diff(app.app.PasswordCredentials[0].SecretHash, got.PasswordCredentials[0].SecretHash); diff != "" {
		t.Errorf("secret hash (-want +got):\n%s", diff)
	}
	if len(got.KeyCredentials) != 1 || !bytes.Equal(got.KeyCredentials[0].CertDER, cert.Raw) {
		t.Errorf("certificate lost: %+v", got.KeyCredentials)
	}
	if len(fics) != 1 || fics[0].Subject != "repo:contoso/x:ref:refs/heads/main" {
		t.Errorf("federated credentials = %+v", fics)
	}
	if diff := cmp.Diff([]string{"Sites.Read.All"}, roles); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"User.Read"}, scopes); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	if !newUser {
		t.Errorf("seed user not added to a loaded store")
	}
	// The app's secret still signs in.
	cc := tokenCallCC(t, s2, app.appID(), app.secret)
	if cc != 200 {
		t.Errorf("app secret after restart: %d", cc)
	}

	// The store file never holds a secret's text or a password in clear
	// next to its Graph shape: secrets are hashed.
	b, err := os.ReadFile(filepath.Join(dir, "store.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), app.secret) || strings.Contains(string(b), opSecret) {
		t.Errorf("store.json holds a client secret in clear")
	}
	if st, err := os.Stat(filepath.Join(dir, "operator-secret")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("operator-secret: %v %v", st, err)
	}
}

func tokenCallCC(t *testing.T, s *Server, client, secret string) int {
	t.Helper()
	status, _ := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {secret}, "scope": {"https://graph.microsoft.com/.default"},
	})
	return status
}

func TestDataDirOtherTenantRefused(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Options{DataDir: dir})
	s.Close()
	_, err := Start(context.Background(), Options{DataDir: dir, Domain: "fabrikam.onmicrosoft.com"})
	if err == nil || !strings.Contains(err.Error(), "use another -data directory") {
		t.Errorf("Start with another domain: %v", err)
	}
}

func TestSeedAndDefaults(t *testing.T) {
	seedFile := filepath.Join(t.TempDir(), "seed.json")
	os.WriteFile(seedFile, []byte(`{"sites":[{"path":"/sites/legal","displayName":"Legal"}],"users":[{"userPrincipalName":"lee@contoso.onmicrosoft.com","displayName":"Lee Gu","password":"pw","mfa":true}]}`), 0o600)
	seed, err := LoadSeed(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, Options{Seed: seed})
	if s.TenantID() != nameID("tenant", "contoso.onmicrosoft.com") || s.Domain() != "contoso.onmicrosoft.com" || s.SharePointHost() != "contoso.sharepoint.com" {
		t.Errorf("defaults: %s %s %s", s.TenantID(), s.Domain(), s.SharePointHost())
	}
	var paths []string
	var lee *User
	var graphNames []string
	var nScopes, nRoles int
	s.read(func(st *Store) {
		for _, site := range st.siteList(false) {
			paths = append(paths, site.WebURL)
		}
		lee, _ = st.userByUPN("lee@contoso.onmicrosoft.com", false)
		g, _ := st.spByAppID(graphAppID, false)
		graphNames = g.ServicePrincipalNames
		spo, _ := st.spByAppID(sharePointAppID, false)
		nScopes, nRoles = len(g.OAuth2PermissionScopes)+len(spo.OAuth2PermissionScopes), len(g.AppRoles)+len(spo.AppRoles)
	})
	for _, want := range []string{"https://contoso.sharepoint.com", "https://contoso.sharepoint.com/sites/hr", "https://contoso.sharepoint.com/sites/finance", "https://contoso.sharepoint.com/sites/engineering", "https://contoso.sharepoint.com/sites/legal"} {
		if !containsFold(paths, want) {
			t.Errorf("site %s missing from %v", want, paths)
		}
	}
	if lee == nil || !lee.MFA || lee.DisplayName != "Lee Gu" {
		t.Errorf("seeded user = %+v", lee)
	}
	for _, n := range []string{"https://graph.microsoft.com", "https://graph.microsoft.com/", graphAppID} {
		if !containsFold(graphNames, n) {
			t.Errorf("Graph servicePrincipalNames %v lack %s", graphNames, n)
		}
	}
	if nScopes != 36+19 || nRoles != 29+20 {
		t.Errorf("catalog: %d scopes, %d roles; want 55, 49", nScopes, nRoles)
	}
	if _, err := LoadSeed(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Errorf("LoadSeed of a missing file succeeded")
	}
	wantEnv := []string{"ENTRAFORM_ENDPOINT", "ENTRAFORM_CA_FILE", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"}
	var keys []string
	for _, e := range s.Env() {
		keys = append(keys, e.Key)
	}
	if diff := cmp.Diff(wantEnv, keys); diff != "" {
		t.Errorf("Env keys (-want +got):\n%s", diff)
	}
}

// Owners of service principals and the deleted items survive a restart.
func TestDataDirKeepsOwnersAndDeletedItems(t *testing.T) {
	dir := t.TempDir()
	s1, err := Start(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	op := operator(t, s1)
	kept := op.createApp("kept", "")
	gone := op.createApp("gone", "")
	user := s1.DefaultUser().ID
	op.must(http.StatusNoContent, "POST", "/servicePrincipals/"+kept.spID+"/owners/$ref", dirRef(user))
	op.must(http.StatusNoContent, "DELETE", "/applications/"+gone.id, nil)
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := start(t, Options{DataDir: dir})
	op = operator(t, s2)
	if diff := cmp.Diff([]string{"#microsoft.graph.user " + user}, ownerIDs(op, "/servicePrincipals/"+kept.spID+"/owners")); diff != "" {
		t.Errorf("service principal owners after a restart (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{gone.id}, deletedIDs(op, "/directory/deletedItems/microsoft.graph.application")); diff != "" {
		t.Errorf("deleted applications after a restart (-want +got):\n%s", diff)
	}
	op.must(http.StatusNotFound, "GET", "/applications/"+gone.id, nil)
	op.must(http.StatusOK, "POST", "/directory/deletedItems/"+gone.id+"/restore", nil)
	op.must(http.StatusOK, "GET", "/servicePrincipals/"+gone.spID, nil)
}
