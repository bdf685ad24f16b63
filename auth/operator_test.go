package auth_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/auth"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestOperatorMissingVariables(t *testing.T) {
	const (
		tenant = "11111111-1111-1111-1111-111111111111"
		client = "22222222-2222-2222-2222-222222222222"
	)
	tests := []struct {
		name        string
		env         map[string]string
		interactive bool
		want        string
	}{
		{
			name: "tenant and client without a credential",
			env:  map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client},
			want: "no operator credential: AZURE_TENANT_ID is set, AZURE_CLIENT_ID is set, but none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL is set",
		},
		{
			name: "secret without tenant",
			env:  map[string]string{auth.EnvClientID: client, auth.EnvClientSecret: "s3cret"},
			want: "no operator credential: AZURE_CLIENT_ID is set, AZURE_CLIENT_SECRET is set, but AZURE_TENANT_ID is missing",
		},
		{
			name: "secret alone",
			env:  map[string]string{auth.EnvClientSecret: "s3cret"},
			want: "no operator credential: AZURE_CLIENT_SECRET is set, but AZURE_TENANT_ID and AZURE_CLIENT_ID are missing",
		},
		{
			name: "federated token file without client",
			env:  map[string]string{auth.EnvTenantID: tenant, auth.EnvFederatedTokenFile: "/var/run/token"},
			want: "no operator credential: AZURE_TENANT_ID is set, AZURE_FEDERATED_TOKEN_FILE is set, but AZURE_CLIENT_ID is missing",
		},
		{
			name: "GitHub request URL without request token",
			env:  map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client, auth.EnvActionsIDTokenURL: "https://token.actions.githubusercontent.com/x?a=1"},
			want: "no operator credential: AZURE_TENANT_ID is set, AZURE_CLIENT_ID is set, ACTIONS_ID_TOKEN_REQUEST_URL is set, but ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing",
		},
		{
			name: "nothing and no terminal",
			env:  map[string]string{},
			want: "no operator credential: none of AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL is set, and device code sign-in needs a terminal (stdin is not one); set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or one of AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL",
		},
		{
			name: "tenant only and no terminal",
			env:  map[string]string{auth.EnvTenantID: tenant},
			want: "no operator credential: AZURE_TENANT_ID is set, and device code sign-in needs a terminal (stdin is not one); set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or one of AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL",
		},
		{
			name: "certificate file missing",
			env:  map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client, auth.EnvCertificatePath: "/nonexistent/cert.pem"},
			want: "operator credential from AZURE_CLIENT_CERTIFICATE_PATH: reading certificate: open /nonexistent/cert.pem: no such file or directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := auth.Operator(context.Background(), auth.OperatorOptions{Getenv: envOf(tt.env), Interactive: tt.interactive})
			if err == nil {
				t.Fatal("Operator succeeded; want an error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOperatorChoosesCredential(t *testing.T) {
	const (
		tenant = "11111111-1111-1111-1111-111111111111"
		client = "22222222-2222-2222-2222-222222222222"
	)
	certPath := writeTestCertPEM(t)
	tests := []struct {
		name        string
		env         map[string]string
		override    string
		interactive bool
		want        auth.Description
	}{
		{
			name: "secret wins over everything",
			env: map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client, auth.EnvClientSecret: "s",
				auth.EnvCertificatePath: certPath, auth.EnvFederatedTokenFile: "/f", auth.EnvActionsIDTokenURL: "https://x"},
			want: auth.Description{Method: "client secret", Source: auth.EnvClientSecret, TenantID: tenant, ClientID: client},
		},
		{
			name: "certificate",
			env:  map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client, auth.EnvCertificatePath: certPath},
			want: auth.Description{Method: "client certificate", Source: auth.EnvCertificatePath, TenantID: tenant, ClientID: client},
		},
		{
			name: "federated token file",
			env:  map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client, auth.EnvFederatedTokenFile: "/var/run/token"},
			want: auth.Description{Method: "federated token file", Source: auth.EnvFederatedTokenFile, TenantID: tenant, ClientID: client},
		},
		{
			name: "GitHub Actions",
			env: map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client,
				auth.EnvActionsIDTokenURL: "https://token.actions.githubusercontent.com/x?a=1", auth.EnvActionsIDTokenRequest: "req"},
			want: auth.Description{Method: "GitHub Actions OIDC", Source: auth.EnvActionsIDTokenURL, TenantID: tenant, ClientID: client},
		},
		{
			name:     "tenant override replaces AZURE_TENANT_ID",
			env:      map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client, auth.EnvClientSecret: "s"},
			override: "contoso.onmicrosoft.com",
			want:     auth.Description{Method: "client secret", Source: auth.EnvClientSecret, TenantID: "contoso.onmicrosoft.com", ClientID: client},
		},
		{
			name:        "device code on a terminal",
			env:         map[string]string{},
			interactive: true,
			want:        auth.Description{Method: "device code", TenantID: "organizations", ClientID: auth.DeviceCodeClientID},
		},
		{
			name:        "device code with the operator's own public client",
			env:         map[string]string{auth.EnvTenantID: tenant, auth.EnvClientID: client},
			interactive: true,
			want:        auth.Description{Method: "device code", TenantID: tenant, ClientID: client},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, got, err := auth.Operator(context.Background(), auth.OperatorOptions{
				Getenv: envOf(tt.env), TenantOverride: tt.override, Interactive: tt.interactive,
				CacheDir: filepath.Join(t.TempDir(), "cache"),
			})
			if err != nil {
				t.Fatal(err)
			}
			if src == nil {
				t.Fatal("nil TokenSource")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("description (-want +got):\n%s", diff)
			}
			if s := got.String(); !strings.Contains(s, got.Method) || strings.Contains(s, "s3cret") {
				t.Errorf("String() = %q", s)
			}
		})
	}
}
