package auth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/entraform/entraform/auth"
)

// These tests register credentials on a new application through Graph (as
// the local tenant's operator) and then sign in with them through Operator,
// as entraform would in CI.

type application struct {
	ID    string `json:"id"`
	AppID string `json:"appId"`
}

// newApp creates an application (body adds fields), its service principal,
// and grants it the Graph app role Application.Read.All.
func (tn *tenant) newApp(t *testing.T, body map[string]any) application {
	t.Helper()
	ctx := context.Background()
	if body == nil {
		body = map[string]any{}
	}
	body["displayName"] = t.Name()
	var app application
	if err := tn.g.Post(ctx, "/applications", body, &app); err != nil {
		t.Fatal(err)
	}
	var sp struct {
		ID string `json:"id"`
	}
	if err := tn.g.Post(ctx, "/servicePrincipals", map[string]string{"appId": app.AppID}, &sp); err != nil {
		t.Fatal(err)
	}
	roleID := ""
	for _, r := range tn.graphSP.AppRoles {
		if r.Value == "Application.Read.All" {
			roleID = r.ID
		}
	}
	err := tn.g.Post(ctx, "/servicePrincipals/"+tn.graphSP.ID+"/appRoleAssignedTo",
		map[string]string{"principalId": sp.ID, "resourceId": tn.graphSP.ID, "appRoleId": roleID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// signIn builds the operator credential from env and gets a Graph token.
func signIn(t *testing.T, tn *tenant, getenv func(string) string, wantMethod string) claims {
	t.Helper()
	src, desc, err := auth.Operator(context.Background(), auth.OperatorOptions{Getenv: getenv, HTTPClient: tn.httpClient(t)})
	if err != nil {
		t.Fatal(err)
	}
	if desc.Method != wantMethod {
		t.Errorf("method = %q; want %q", desc.Method, wantMethod)
	}
	tok, err := src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, tok.Value)
}

func TestOperatorCertificateRegisteredThroughGraph(t *testing.T) {
	tn := start(t)
	key := rsaKey(t)
	cert := newTestCert(t, key, &key.PublicKey)
	app := tn.newApp(t, map[string]any{"keyCredentials": []map[string]string{{
		"type": "AsymmetricX509Cert", "usage": "Verify", "displayName": "ci",
		"key": base64.StdEncoding.EncodeToString(cert.Raw),
	}}})

	dir := t.TempDir()
	pemPath := writeCertPEM(t, dir, cert, key)
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, "pfx-password")
	if err != nil {
		t.Fatal(err)
	}
	pfxPath := filepath.Join(dir, "operator.pfx")
	if err := os.WriteFile(pfxPath, pfx, 0o600); err != nil {
		t.Fatal(err)
	}

	for name, env := range map[string][]string{
		"PEM": {auth.EnvCertificatePath, pemPath},
		"PFX": {auth.EnvCertificatePath, pfxPath, auth.EnvCertificatePassword, "pfx-password"},
	} {
		t.Run(name, func(t *testing.T) {
			pairs := append([]string{auth.EnvClientSecret, "", auth.EnvClientID, app.AppID}, env...)
			c := signIn(t, tn, tn.getenv(pairs...), "client certificate")
			if c.AppID != app.AppID || c.AppIDACR != "2" || !slices.Contains(c.Roles, "Application.Read.All") {
				t.Errorf("claims = %+v; want app %s, appidacr 2 (certificate), role Application.Read.All", c, app.AppID)
			}
		})
	}
}

func TestOperatorFederatedRegisteredThroughGraph(t *testing.T) {
	tn := start(t)
	app := tn.newApp(t, nil)
	const subject = "repo:contoso/entra-config:ref:refs/heads/main"
	err := tn.g.Post(context.Background(), "/applications/"+app.ID+"/federatedIdentityCredentials", map[string]any{
		"name": "github-main", "issuer": "https://token.actions.githubusercontent.com",
		"subject": subject, "audiences": []string{"api://AzureADTokenExchange"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqURL, reqToken := tn.s.GitHubActionsEnv(subject)

	t.Run("GitHub Actions OIDC", func(t *testing.T) {
		c := signIn(t, tn, tn.getenv(auth.EnvClientSecret, "", auth.EnvClientID, app.AppID,
			auth.EnvActionsIDTokenURL, reqURL, auth.EnvActionsIDTokenRequest, reqToken), "GitHub Actions OIDC")
		if c.AppID != app.AppID || !slices.Contains(c.Roles, "Application.Read.All") {
			t.Errorf("claims = %+v", c)
		}
	})
	t.Run("token file", func(t *testing.T) {
		gh, err := auth.GitHubActionsToken(tn.httpClient(t), reqURL, reqToken, "")(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "token")
		if err := os.WriteFile(path, []byte(gh), 0o600); err != nil {
			t.Fatal(err)
		}
		c := signIn(t, tn, tn.getenv(auth.EnvClientSecret, "", auth.EnvClientID, app.AppID, auth.EnvFederatedTokenFile, path), "federated token file")
		if c.AppID != app.AppID {
			t.Errorf("claims = %+v", c)
		}
	})
	t.Run("another branch is refused", func(t *testing.T) {
		otherURL, otherToken := tn.s.GitHubActionsEnv("repo:contoso/entra-config:ref:refs/heads/feature")
		src, _, err := auth.Operator(context.Background(), auth.OperatorOptions{HTTPClient: tn.httpClient(t),
			Getenv: tn.getenv(auth.EnvClientSecret, "", auth.EnvClientID, app.AppID, auth.EnvActionsIDTokenURL, otherURL, auth.EnvActionsIDTokenRequest, otherToken)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
		if code := auth.AADSTSCode(err); code != 700213 {
			t.Errorf("error = %v; want AADSTS700213 (no federated credential for this subject)", err)
		}
	})
}

func TestOperatorDeviceCodeWithPersistentCache(t *testing.T) {
	tn := start(t)
	ctx := context.Background()
	app := tn.newApp(t, map[string]any{"isFallbackPublicClient": true})
	var sp struct {
		ID string `json:"id"`
	}
	if err := tn.g.Get(ctx, "/servicePrincipals(appId='"+app.AppID+"')", &sp); err != nil {
		t.Fatal(err)
	}
	err := tn.g.Post(ctx, "/oauth2PermissionGrants", map[string]string{
		"clientId": sp.ID, "consentType": "AllPrincipals", "resourceId": tn.graphSP.ID, "scope": "User.Read Application.Read.All",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cacheDir := filepath.Join(t.TempDir(), "entraform")
	getenv := tn.getenv(auth.EnvClientSecret, "", auth.EnvClientID, app.AppID)
	deviceCodeRequests := func() int {
		n := 0
		for _, r := range tn.s.Requests() {
			if strings.HasSuffix(r.Path, "/devicecode") {
				n++
			}
		}
		return n
	}

	var prompt bytes.Buffer
	src, desc, err := auth.Operator(ctx, auth.OperatorOptions{Getenv: getenv, HTTPClient: tn.httpClient(t),
		Interactive: true, Prompt: &prompt, CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	if desc.Method != "device code" || desc.ClientID != app.AppID {
		t.Errorf("description = %+v", desc)
	}
	tok, err := src.Token(ctx, []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	c := decode(t, tok.Value)
	if c.IDType != "user" || c.UPN != tn.s.DefaultUser().UserPrincipalName || !strings.Contains(c.Scp, "Application.Read.All") {
		t.Errorf("claims = %+v; want the default user's delegated token", c)
	}
	if !strings.Contains(prompt.String(), "devicelogin") || deviceCodeRequests() != 1 {
		t.Errorf("prompt %q after %d device code requests; want the instructions once", prompt.String(), deviceCodeRequests())
	}
	fi, err := os.Stat(filepath.Join(cacheDir, "msal-token-cache.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token cache: %v, mode %v; want a 0600 file", err, fi.Mode().Perm())
	}

	// A second run (a new process) signs in silently from the cache, also
	// for another resource.
	prompt.Reset()
	src2, _, err := auth.Operator(ctx, auth.OperatorOptions{Getenv: getenv, HTTPClient: tn.httpClient(t),
		Interactive: true, Prompt: &prompt, CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src2.Token(ctx, []string{"https://graph.microsoft.com/.default"}); err != nil {
		t.Fatal(err)
	}
	if prompt.Len() != 0 || deviceCodeRequests() != 1 {
		t.Errorf("second run prompted %q (%d device code requests); want a silent sign-in", prompt.String(), deviceCodeRequests())
	}
}
