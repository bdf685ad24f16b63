package checks

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jwt builds an unsigned token with the given claims.
func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(payload) + ".c2ln"
}

func TestDecodeClaims(t *testing.T) {
	exp := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		token   string
		want    Claims
		wantErr string
	}{
		{
			name: "v1 app-only token from a certificate",
			token: jwt(t, map[string]any{
				"aud": "https://graph.microsoft.com", "appid": "11111111-1111-1111-1111-111111111111",
				"tid": "tenant", "idtyp": "app", "roles": []string{"Sites.Selected", "Group.Read.All"},
				"appidacr": "2", "exp": exp.Unix(), "ver": "1.0",
			}),
			want: Claims{Audience: "https://graph.microsoft.com", AppID: "11111111-1111-1111-1111-111111111111",
				TenantID: "tenant", IDType: "app", Roles: []string{"Group.Read.All", "Sites.Selected"}, AppIDACR: "2", Expires: exp},
		},
		{
			name: "v2 delegated token: azp, scp, preferred_username, no idtyp",
			token: jwt(t, map[string]any{
				"aud": "https://contoso.sharepoint.com", "azp": "client", "azpacr": "1", "tid": "tenant",
				"scp": "User.Read.All AllSites.Read", "preferred_username": "alex@contoso.onmicrosoft.com", "exp": float64(exp.Unix()),
			}),
			want: Claims{Audience: "https://contoso.sharepoint.com", AppID: "client", TenantID: "tenant", IDType: "user",
				Scopes: []string{"AllSites.Read", "User.Read.All"}, User: "alex@contoso.onmicrosoft.com", AppIDACR: "1", Expires: exp},
		},
		{
			name:  "app-only token without roles or idtyp",
			token: jwt(t, map[string]any{"aud": []string{"api://x", "api://y"}, "appid": "c"}),
			want:  Claims{Audience: "api://x api://y", AppID: "c", IDType: "app"},
		},
		{name: "not a JWT", token: "opaque-token", wantErr: "not a JWT"},
		{name: "bad payload", token: "a.%%%.c", wantErr: "decoding the access token's payload"},
		{name: "payload not JSON", token: "a." + base64.RawURLEncoding.EncodeToString([]byte("[1,2")) + ".c", wantErr: "decoding the access token's claims"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeClaims(tt.token)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v; want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPeekAssertion(t *testing.T) {
	tok := jwt(t, map[string]any{"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:ref:refs/heads/dev", "aud": "api://AzureADTokenExchange"})
	got, ok := peekAssertion(tok)
	want := assertionClaims{Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:o/r:ref:refs/heads/dev", Audience: "api://AzureADTokenExchange"}
	if !ok {
		t.Fatal("peekAssertion failed")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assertion claims (-want +got):\n%s", diff)
	}
	if _, ok := peekAssertion("nope"); ok {
		t.Error("peekAssertion accepted a non-JWT")
	}
}
