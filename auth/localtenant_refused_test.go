package auth_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entraform/entraform/auth"
)

const githubSubject = "repo:contoso/entra-config:ref:refs/heads/main"

// The credentials below reach the tenant but are registered on no app
// (700027: unknown certificate; 700211: no federated credential for the issuer):
// the tenant's refusal proves the assertion was built and sent.
func TestOperatorUnregisteredCredentialsAreRefused(t *testing.T) {
	tn := start(t)
	reqURL, reqToken := tn.s.GitHubActionsEnv(githubSubject)
	ghToken, err := auth.GitHubActionsToken(tn.httpClient(t), reqURL, reqToken, "")(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(t.TempDir(), "federated-token")
	if err := os.WriteFile(tokenFile, []byte(ghToken), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		env        []string
		wantMethod string
		wantAADSTS int
	}{
		{"certificate not on the app", []string{auth.EnvClientSecret, "", auth.EnvCertificatePath, writeTestCertPEM(t)}, "client certificate", 700027},
		{"GitHub token without a federated credential", []string{auth.EnvClientSecret, "", auth.EnvActionsIDTokenURL, reqURL, auth.EnvActionsIDTokenRequest, reqToken}, "GitHub Actions OIDC", 700211},
		{"token file without a federated credential", []string{auth.EnvClientSecret, "", auth.EnvFederatedTokenFile, tokenFile}, "federated token file", 700211},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, desc, err := auth.Operator(context.Background(), auth.OperatorOptions{Getenv: tn.getenv(tt.env...), HTTPClient: tn.httpClient(t)})
			if err != nil {
				t.Fatal(err)
			}
			if desc.Method != tt.wantMethod {
				t.Errorf("method = %q; want %q", desc.Method, tt.wantMethod)
			}
			_, err = src.Token(context.Background(), []string{"https://graph.microsoft.com/.default"})
			if got := auth.AADSTSCode(err); got != tt.wantAADSTS {
				t.Errorf("error = %v; want AADSTS%d", err, tt.wantAADSTS)
			}
			if strings.Contains(err.Error(), ghToken) {
				t.Errorf("the error repeats the assertion")
			}
		})
	}
}
