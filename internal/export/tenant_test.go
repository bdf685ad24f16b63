package export_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/internal/cli"
	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// admin changes a local tenant by hand, as someone clicking through the
// portal would: plain Graph calls as the tenant's operator application.
type admin struct {
	t      *testing.T
	tenant *localtenant.Server
	token  string
}

func startTenant(t *testing.T) (*localtenant.Server, *admin) {
	t.Helper()
	tenant := graphtest.Tenant(t, localtenant.Options{})
	tok, err := tenant.OperatorToken(context.Background())
	if err != nil {
		t.Fatalf("operator token: %v", err)
	}
	return tenant, &admin{t: t, tenant: tenant, token: tok}
}

// call sends one Graph request and decodes the answer into a map; a
// status of 400 or more fails the test.
func (a *admin) call(method, path string, body any) map[string]any {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "https://graph.microsoft.com/v1.0"+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.tenant.HTTPClient().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		a.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return out
}

// app is an application made by hand, with its service principal.
type app struct {
	ID, AppID, SPID string
}

func (a *admin) application(body map[string]any) app {
	a.t.Helper()
	created := a.call("POST", "/applications", body)
	sp := a.call("POST", "/servicePrincipals", map[string]any{"appId": created["appId"]})
	return app{ID: created["id"].(string), AppID: created["appId"].(string), SPID: sp["id"].(string)}
}

// resourceSP returns the object id of a resource's service principal.
func (a *admin) resourceSP(appID string) string {
	a.t.Helper()
	return a.call("GET", "/servicePrincipals(appId='"+appID+"')", nil)["id"].(string)
}

func (a *admin) assignRole(client app, resourceAppID, roleID string) {
	a.t.Helper()
	res := a.resourceSP(resourceAppID)
	a.call("POST", "/servicePrincipals/"+client.SPID+"/appRoleAssignments", map[string]any{
		"principalId": client.SPID, "resourceId": res, "appRoleId": roleID,
	})
}

func (a *admin) consent(client app, resourceAppID, scope string) {
	a.t.Helper()
	a.call("POST", "/oauth2PermissionGrants", map[string]any{
		"clientId": client.SPID, "consentType": "AllPrincipals", "resourceId": a.resourceSP(resourceAppID), "scope": scope,
	})
}

func (a *admin) addSecret(client app, displayName string) {
	a.t.Helper()
	cred := map[string]any{"endDateTime": time.Now().Add(180 * 24 * time.Hour).UTC().Format(time.RFC3339)}
	if displayName != "" {
		cred["displayName"] = displayName
	}
	a.call("POST", "/applications/"+client.ID+"/addPassword", map[string]any{"passwordCredential": cred})
}

func (a *admin) addCertificate(client app, displayName string) {
	a.t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		a.t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: displayName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		a.t.Fatal(err)
	}
	a.call("PATCH", "/applications/"+client.ID, map[string]any{"keyCredentials": []any{map[string]any{
		"type": "AsymmetricX509Cert", "usage": "Verify", "displayName": displayName,
		"key": base64.StdEncoding.EncodeToString(der),
	}}})
}

func (a *admin) federated(client app, name, subject string) {
	a.t.Helper()
	a.call("POST", "/applications/"+client.ID+"/federatedIdentityCredentials", map[string]any{
		"name": name, "issuer": "https://token.actions.githubusercontent.com", "subject": subject,
		"audiences": []string{"api://AzureADTokenExchange"},
	})
}

func (a *admin) grantSite(client app, sitePath string, roles ...string) {
	a.t.Helper()
	site := a.call("GET", "/sites/"+a.tenant.SharePointHost()+":"+sitePath, nil)
	a.call("POST", "/sites/"+site["id"].(string)+"/permissions", map[string]any{
		"roles":                 roles,
		"grantedToIdentitiesV2": []any{map[string]any{"application": map[string]any{"id": client.AppID}}},
	})
}

// runner runs entraform commands in dir against the tenant, with vars on
// top of the tenant's environment.
func runner(t *testing.T, tenant *localtenant.Server, dir string) func(args ...string) (int, string, string) {
	vars := map[string]string{"NO_COLOR": "1", "HOME": t.TempDir()}
	for _, kv := range tenant.Env() {
		vars[kv.Key] = kv.Value
	}
	return func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		env := &cli.Env{
			Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Getenv: func(k string) string { return vars[k] }, Environ: func() []string { return nil },
			Dir: dir,
		}
		code := cli.Run(context.Background(), args, env)
		return code, stdout.String(), stderr.String()
	}
}

// must runs a command and fails the test unless it exits with want.
func must(t *testing.T, run func(args ...string) (int, string, string), want int, args ...string) (string, string) {
	t.Helper()
	code, stdout, stderr := run(args...)
	if code != want {
		t.Fatalf("entraform %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}
