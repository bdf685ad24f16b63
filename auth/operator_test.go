package auth

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
			env:  map[string]string{EnvTenantID: tenant, EnvClientID: client},
			want: "no operator credential: AZURE_TENANT_ID is set, AZURE_CLIENT_ID is set, but none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL is set",
		},
		{
			name: "secret without tenant",
			env:  map[string]string{EnvClientID: client, EnvClientSecret: "s3cret"},
			want: "no operator credential: AZURE_CLIENT_ID is set, AZURE_CLIENT_SECRET is set, but AZURE_TENANT_ID is missing",
		},
		{
			name: "secret alone",
			env:  map[string]string{EnvClientSecret: "s3cret"},
			want: "no operator credential: AZURE_CLIENT_SECRET is set, but AZURE_TENANT_ID and AZURE_CLIENT_ID are missing",
		},
		{
			name: "federated token file without client",
			env:  map[string]string{EnvTenantID: tenant, EnvFederatedTokenFile: "/var/run/token"},
			want: "no operator credential: AZURE_TENANT_ID is set, AZURE_FEDERATED_TOKEN_FILE is set, but AZURE_CLIENT_ID is missing",
		},
		{
			name: "GitHub request URL without request token",
			env:  map[string]string{EnvTenantID: tenant, EnvClientID: client, EnvActionsIDTokenURL: "https://token.actions.githubusercontent.com/x?a=1"},
			want: "no operator credential: AZURE_TENANT_ID is set, AZURE_CLIENT_ID is set, ACTIONS_ID_TOKEN_REQUEST_URL is set, but ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing",
		},
		{
			name: "nothing and no terminal",
			env:  map[string]string{},
			want: "no operator credential: none of AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL is set, and device code sign-in needs a terminal (stdin is not one); set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or one of AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL",
		},
		{
			name: "tenant only and no terminal",
			env:  map[string]string{EnvTenantID: tenant},
			want: "no operator credential: AZURE_TENANT_ID is set, and device code sign-in needs a terminal (stdin is not one); set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or one of AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE, ACTIONS_ID_TOKEN_REQUEST_URL",
		},
		{
			name: "certificate file missing",
			env:  map[string]string{EnvTenantID: tenant, EnvClientID: client, EnvCertificatePath: "/nonexistent/cert.pem"},
			want: "operator credential from AZURE_CLIENT_CERTIFICATE_PATH: reading certificate: open /nonexistent/cert.pem: no such file or directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Operator(context.Background(), OperatorOptions{Getenv: envOf(tt.env), Interactive: tt.interactive})
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
		want        Description
	}{
		{
			name: "secret wins over everything",
			env: map[string]string{EnvTenantID: tenant, EnvClientID: client, EnvClientSecret: "s",
				EnvCertificatePath: certPath, EnvFederatedTokenFile: "/f", EnvActionsIDTokenURL: "https://x"},
			want: Description{Method: "client secret", Source: EnvClientSecret, TenantID: tenant, ClientID: client},
		},
		{
			name: "certificate",
			env:  map[string]string{EnvTenantID: tenant, EnvClientID: client, EnvCertificatePath: certPath},
			want: Description{Method: "client certificate", Source: EnvCertificatePath, TenantID: tenant, ClientID: client},
		},
		{
			name: "federated token file",
			env:  map[string]string{EnvTenantID: tenant, EnvClientID: client, EnvFederatedTokenFile: "/var/run/token"},
			want: Description{Method: "federated token file", Source: EnvFederatedTokenFile, TenantID: tenant, ClientID: client},
		},
		{
			name: "GitHub Actions",
			env: map[string]string{EnvTenantID: tenant, EnvClientID: client,
				EnvActionsIDTokenURL: "https://token.actions.githubusercontent.com/x?a=1", EnvActionsIDTokenRequest: "req"},
			want: Description{Method: "GitHub Actions OIDC", Source: EnvActionsIDTokenURL, TenantID: tenant, ClientID: client},
		},
		{
			name:     "tenant override replaces AZURE_TENANT_ID",
			env:      map[string]string{EnvTenantID: tenant, EnvClientID: client, EnvClientSecret: "s"},
			override: "contoso.onmicrosoft.com",
			want:     Description{Method: "client secret", Source: EnvClientSecret, TenantID: "contoso.onmicrosoft.com", ClientID: client},
		},
		{
			name:        "device code on a terminal",
			env:         map[string]string{},
			interactive: true,
			want:        Description{Method: "device code", TenantID: "organizations", ClientID: DeviceCodeClientID},
		},
		{
			name:        "device code with the operator's own public client",
			env:         map[string]string{EnvTenantID: tenant, EnvClientID: client},
			interactive: true,
			want:        Description{Method: "device code", TenantID: tenant, ClientID: client},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, got, err := Operator(context.Background(), OperatorOptions{
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
