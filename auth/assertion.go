package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// DefaultFederatedAudience is the audience Entra ID expects in federated
// assertions.
const DefaultFederatedAudience = "api://AzureADTokenExchange"

// FederatedTokenFile reads the assertion from path on every call: the file
// is rotated by whoever projects it (Kubernetes, a CI runner).
func FederatedTokenFile(path string) AssertionFunc {
	return func(context.Context) (string, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("reading federated token file: %w", err)
		}
		token := strings.TrimSpace(string(data))
		if token == "" {
			return "", fmt.Errorf("federated token file %s is empty", path)
		}
		return token, nil
	}
}

// GitHubActionsToken requests an OIDC ID token from the GitHub Actions
// runner on every call: GET requestURL&audience=<audience> with
// "Authorization: Bearer <requestToken>" (the runner's
// ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN), and
// returns the "value" of the answer. An empty audience means
// DefaultFederatedAudience; nil client means http.DefaultClient.
func GitHubActionsToken(client *http.Client, requestURL, requestToken, audience string) AssertionFunc {
	if client == nil {
		client = http.DefaultClient
	}
	if audience == "" {
		audience = DefaultFederatedAudience
	}
	sep := "&"
	if !strings.Contains(requestURL, "?") {
		sep = "?"
	}
	full := requestURL + sep + "audience=" + url.QueryEscape(audience)
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, full, nil)
		if err != nil {
			return "", fmt.Errorf("GitHub Actions OIDC token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+requestToken)
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return "", fmt.Errorf("GitHub Actions OIDC token: %w", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return "", fmt.Errorf("GitHub Actions OIDC token: reading answer: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("GitHub Actions OIDC token: %s from %s: %s", resp.Status, req.URL.Host, snippet(body))
		}
		var out struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			return "", fmt.Errorf("GitHub Actions OIDC token: decoding answer: %w", err)
		}
		if out.Value == "" {
			return "", fmt.Errorf("GitHub Actions OIDC token: the answer has no value")
		}
		return out.Value, nil
	}
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
