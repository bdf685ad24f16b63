package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/localtenant"
)

// startTenant runs a local tenant for one test.
func startTenant(t *testing.T) *localtenant.Server {
	t.Helper()
	s, err := localtenant.Start(context.Background(), localtenant.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tenantEnv is the environment `entraform tenant serve` prints, plus extra
// pairs (an empty value removes a variable).
func tenantEnv(s *localtenant.Server, extra ...string) func(string) string {
	set := map[string]string{}
	for i := 0; i+1 < len(extra); i += 2 {
		set[extra[i]] = extra[i+1]
	}
	return func(k string) string {
		if v, ok := set[k]; ok {
			return v
		}
		return s.Getenv(k)
	}
}

func httpClientFor(t *testing.T, getenv func(string) string) *http.Client {
	t.Helper()
	c, err := endpoint.NewHTTPClient(getenv)
	if err != nil {
		t.Fatal(err)
	}
	// Runs before the tenant's Close (cleanups run last first), which then
	// need not wait for our idle connections.
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// claims decodes the payload of a JWT without checking it.
type claims struct {
	Aud      string   `json:"aud"`
	AppID    string   `json:"appid"`
	TenantID string   `json:"tid"`
	Roles    []string `json:"roles"`
	AppIDACR string   `json:"appidacr"`
	IDType   string   `json:"idtyp"`
}

func decodeClaims(t *testing.T, token string) claims {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func tokenRequests(s *localtenant.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/oauth2/v2.0/token") {
			n++
		}
	}
	return n
}

func TestOperatorSecretAgainstLocalTenant(t *testing.T) {
	s := startTenant(t)
	getenv := tenantEnv(s)
	src, desc, err := Operator(context.Background(), OperatorOptions{Getenv: getenv, HTTPClient: httpClientFor(t, getenv)})
	if err != nil {
		t.Fatal(err)
	}
	clientID, _ := s.Operator()
	if want := (Description{Method: "client secret", Source: EnvClientSecret, TenantID: s.TenantID(), ClientID: clientID}); desc != want {
		t.Errorf("description = %+v; want %+v", desc, want)
	}
	tok, err := src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	c := decodeClaims(t, tok.Value)
	if c.Aud != "https://graph.microsoft.com" || c.AppID != clientID || c.TenantID != s.TenantID() || c.AppIDACR != "1" || c.IDType != "app" {
		t.Errorf("claims = %+v", c)
	}
	for _, role := range []string{"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Sites.FullControl.All"} {
		if !contains(c.Roles, role) {
			t.Errorf("roles %v lack %s", c.Roles, role)
		}
	}

	// Repeated calls come from MSAL's cache, per scope set.
	before := tokenRequests(s)
	for i := 0; i < 50; i++ {
		again, err := src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
		if err != nil {
			t.Fatal(err)
		}
		if again.Value != tok.Value {
			t.Fatal("a cached token was replaced")
		}
	}
	if n := tokenRequests(s) - before; n != 0 {
		t.Errorf("50 repeated Token calls made %d token requests; want 0", n)
	}
	sp, err := src.Token(context.Background(), []string{"https://" + s.SharePointHost() + "/.default"})
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeClaims(t, sp.Value).Aud; got != "https://"+s.SharePointHost() {
		t.Errorf("SharePoint token aud = %q", got)
	}
	if n := tokenRequests(s) - before; n != 1 {
		t.Errorf("a second scope made %d token requests; want 1", n)
	}
}

func TestOperatorWrongSecret(t *testing.T) {
	s := startTenant(t)
	getenv := tenantEnv(s, EnvClientSecret, "not-the-secret")
	src, _, err := Operator(context.Background(), OperatorOptions{Getenv: getenv, HTTPClient: httpClientFor(t, getenv)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if AADSTSCode(err) != 7000215 {
		t.Fatalf("error = %v; want AADSTS7000215", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("the error repeats the secret: %v", err)
	}
	if !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "Trace ID") {
		t.Errorf("error = %q; want the OAuth code without trace ids", err)
	}
}

func TestSovereignCloudHosts(t *testing.T) {
	s := startTenant(t)
	tests := []struct {
		cloud         endpoint.Cloud
		wantLoginHost string
		wantAudience  string
	}{
		{endpoint.Public(), "login.microsoftonline.com", "https://graph.microsoft.com"},
		{endpoint.USGov(), "login.microsoftonline.us", "https://graph.microsoft.us"},
		{endpoint.China(), "login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"},
	}
	for _, tt := range tests {
		t.Run(tt.cloud.Name, func(t *testing.T) {
			getenv := tenantEnv(s)
			src, _, err := Operator(context.Background(), OperatorOptions{Getenv: getenv, Cloud: tt.cloud, HTTPClient: httpClientFor(t, getenv)})
			if err != nil {
				t.Fatal(err)
			}
			s.ResetRequests()
			tok, err := src.Token(context.Background(), []string{tt.cloud.GraphScope()})
			if err != nil {
				t.Fatal(err)
			}
			if got := decodeClaims(t, tok.Value).Aud; got != tt.wantAudience {
				t.Errorf("aud = %q; want %q", got, tt.wantAudience)
			}
			var hosts []string
			for _, r := range s.Requests() {
				if !contains(hosts, r.Host) {
					hosts = append(hosts, r.Host)
				}
			}
			if diff := cmp.Diff([]string{tt.wantLoginHost}, hosts); diff != "" {
				t.Errorf("hosts called (-want +got):\n%s", diff)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
