package auth_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/localtenant"
)

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
	tn := start(t)
	s := tn.s
	src, desc, err := auth.Operator(context.Background(), auth.OperatorOptions{Getenv: tn.getenv(), HTTPClient: tn.httpClient(t)})
	if err != nil {
		t.Fatal(err)
	}
	clientID, _ := s.Operator()
	if want := (auth.Description{Method: "client secret", Source: auth.EnvClientSecret, TenantID: s.TenantID(), ClientID: clientID}); desc != want {
		t.Errorf("description = %+v; want %+v", desc, want)
	}
	tok, err := src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	c := decode(t, tok.Value)
	if c.Aud != "https://graph.microsoft.com" || c.AppID != clientID || c.TenantID != s.TenantID() || c.AppIDACR != "1" || c.IDType != "app" {
		t.Errorf("claims = %+v", c)
	}
	for _, role := range []string{"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Sites.FullControl.All"} {
		if !slices.Contains(c.Roles, role) {
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
	if got := decode(t, sp.Value).Aud; got != "https://"+s.SharePointHost() {
		t.Errorf("SharePoint token aud = %q", got)
	}
	if n := tokenRequests(s) - before; n != 1 {
		t.Errorf("a second scope made %d token requests; want 1", n)
	}
}

func TestOperatorWrongSecret(t *testing.T) {
	tn := start(t)
	src, _, err := auth.Operator(context.Background(), auth.OperatorOptions{Getenv: tn.getenv(auth.EnvClientSecret, "not-the-secret"), HTTPClient: tn.httpClient(t)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if auth.AADSTSCode(err) != 7000215 {
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
	tn := start(t)
	s := tn.s
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
			src, _, err := auth.Operator(context.Background(), auth.OperatorOptions{Getenv: tn.getenv(), Cloud: tt.cloud, HTTPClient: tn.httpClient(t)})
			if err != nil {
				t.Fatal(err)
			}
			s.ResetRequests()
			tok, err := src.Token(context.Background(), []string{tt.cloud.GraphScope()})
			if err != nil {
				t.Fatal(err)
			}
			if got := decode(t, tok.Value).Aud; got != tt.wantAudience {
				t.Errorf("aud = %q; want %q", got, tt.wantAudience)
			}
			var hosts []string
			for _, r := range s.Requests() {
				if !slices.Contains(hosts, r.Host) {
					hosts = append(hosts, r.Host)
				}
			}
			if diff := cmp.Diff([]string{tt.wantLoginHost}, hosts); diff != "" {
				t.Errorf("hosts called (-want +got):\n%s", diff)
			}
		})
	}
}
