package localtenant

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const armBase = "https://management.azure.com"

// azureCLIToken signs the default user in through the Azure CLI's public
// client with the device code flow, as `az login --use-device-code` does
// (organizations authority, no consent asked), for scope.
func azureCLIToken(t *testing.T, s *Server, scope string) string {
	t.Helper()
	status, dc := tokenCall(t, s, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {azureCLIAppID}, "scope": {scope + " offline_access openid profile"}})
	if status != http.StatusOK {
		t.Fatalf("devicecode: HTTP %d %v", status, dc)
	}
	poll := url.Values{"grant_type": {grantDeviceCode}, "client_id": {azureCLIAppID}, "device_code": {dc["device_code"].(string)}}
	for range 3 {
		status, body := tokenCall(t, s, "/organizations/oauth2/v2.0/token", poll)
		if status == http.StatusOK {
			return body["access_token"].(string)
		}
		if body["error"] != "authorization_pending" {
			t.Fatalf("device code poll: HTTP %d %v", status, body)
		}
	}
	t.Fatal("device code still pending after 3 polls")
	return ""
}

func TestAzureCLISignIns(t *testing.T) {
	s := start(t, Options{})
	opID, opSecret := s.Operator()
	tenants := map[string]any{"value": []any{map[string]any{
		"id": "/tenants/" + s.TenantID(), "tenantId": s.TenantID(), "countryCode": "US", "displayName": "Contoso",
		"domains": []any{"contoso.onmicrosoft.com"}, "tenantCategory": "Home", "defaultDomain": "contoso.onmicrosoft.com", "tenantType": "AAD",
	}}}
	noSubscriptions := map[string]any{"value": []any{}, "count": map[string]any{"type": "Total", "value": float64(0)}}

	for _, tt := range []struct {
		name  string
		token func() string
	}{
		{"user through the Azure CLI (device code)", func() string { return azureCLIToken(t, s, "https://management.core.windows.net//.default") }},
		{"service principal (client secret)", func() string {
			return secretToken(t, s, opID, opSecret, "https://management.core.windows.net//.default")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			arm := (&client{t: t, s: s}).as(tt.token())
			got := arm.must(http.StatusOK, "GET", armBase+"/tenants?api-version=2022-12-01", nil)
			if diff := cmp.Diff(tenants, got.body); diff != "" {
				t.Errorf("GET /tenants (-want +got):\n%s", diff)
			}
			got = arm.must(http.StatusOK, "GET", armBase+"/subscriptions?api-version=2022-12-01", nil)
			if diff := cmp.Diff(noSubscriptions, got.body); diff != "" {
				t.Errorf("GET /subscriptions (-want +got):\n%s", diff)
			}
		})
	}

	// The Azure CLI's Graph token is the user's, with the scopes
	// Microsoft pre-authorizes for it: it reads the user and writes
	// applications.
	graphUser := (&client{t: t, s: s}).as(azureCLIToken(t, s, "https://graph.microsoft.com/.default"))
	if upn := graphUser.must(http.StatusOK, "GET", "/me", nil).str("userPrincipalName"); upn != s.DefaultUser().UserPrincipalName {
		t.Errorf("/me as the Azure CLI user = %q", upn)
	}
	graphUser.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "made by az as a user"})

	arm := (&client{t: t, s: s}).as(secretToken(t, s, opID, opSecret, "https://management.azure.com/.default"))
	checkRefusals(t, []refusal{
		{"no api-version", arm, "GET", armBase + "/subscriptions", nil, errorOf{400, "MissingApiVersionParameter"}},
		{"no token", arm.as(""), "GET", armBase + "/tenants?api-version=2022-12-01", nil, errorOf{401, "AuthenticationFailed"}},
		{"a Graph token", operator(t, s), "GET", armBase + "/tenants?api-version=2022-12-01", nil, errorOf{401, "InvalidAuthenticationToken"}},
		{"a subscription", arm, "GET", armBase + "/subscriptions/8d2f5f1b-0000-0000-0000-000000000000?api-version=2022-12-01", nil, errorOf{404, "SubscriptionNotFound"}},
	})
}
