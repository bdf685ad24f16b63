package localtenant

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ClientSecretToken asks the tenant's token endpoint for an app-only
// access token (client credentials grant with a client secret) for scope,
// over HTTPS through HTTPClient as any client would: the request is
// logged, and a secret the tenant refuses is an error naming the status
// and the error_description.
func (s *Server) ClientSecretToken(ctx context.Context, clientID, secret, scope string) (string, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {clientID},
		"client_secret": {secret},
		"scope":         {scope},
	}
	u := "https://login.microsoftonline.com/" + s.tenantID + "/oauth2/v2.0/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("token response (status %d): %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		return "", fmt.Errorf("token for %s: %d: %s", clientID, resp.StatusCode, out.Description)
	}
	return out.AccessToken, nil
}

// OperatorToken is a Microsoft Graph token of the operator application
// (ClientSecretToken with its secret), for tests and tools that change
// the tenant by hand, as an administrator in the portal would.
func (s *Server) OperatorToken(ctx context.Context) (string, error) {
	return s.ClientSecretToken(ctx, s.operatorAppID, s.operatorSecret, "https://graph.microsoft.com/.default")
}
