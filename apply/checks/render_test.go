package checks

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// renderResults covers every line Render writes: a pass with a negative
// request, a delegated token, a failure with a service detail, a sign-in
// that never produced a token, retries, and an unknown check.
func renderResults() []Result {
	exp := time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)
	return []Result{
		{
			Address: "check.reader_can_read_hr", Flow: "certificate", Application: "application.site_reader", OK: true, Attempts: 1,
			Duration: 412 * time.Millisecond,
			Claims: Claims{Audience: "https://graph.microsoft.com", AppID: "11111111-1111-1111-1111-111111111111", TenantID: "22222222-2222-2222-2222-222222222222",
				IDType: "app", Roles: []string{"Sites.Selected"}, AppIDACR: "2", Expires: exp},
			Requests: []RequestResult{
				{Name: "hr_site", Method: "GET", URL: "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr", Status: 200, Want: 200, OK: true},
				{Name: "finance_denied", Method: "GET", URL: "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/finance", Status: 403, Want: 403, OK: true, Error: "accessDenied: Access denied"},
			},
		},
		{
			Address: "check.user_reads_profile", Flow: "auth_code", Application: "application.flask_demo", OK: true, Attempts: 3,
			Duration: 12500 * time.Millisecond,
			Claims: Claims{Audience: "https://contoso.sharepoint.com", AppID: "33333333-3333-3333-3333-333333333333", TenantID: "22222222-2222-2222-2222-222222222222",
				IDType: "user", Scopes: []string{"User.Read.All"}, User: "alex@contoso.onmicrosoft.com", AppIDACR: "1", Expires: exp},
			Requests: []RequestResult{{Name: "me", Method: "GET", URL: "https://contoso.sharepoint.com/_api/web/currentuser", Status: 200, Want: 200, OK: true}},
		},
		{
			Address: "check.lists_sites", Flow: "client_credentials", Application: "application.lister", Attempts: 1,
			Duration: 2 * time.Second,
			Claims: Claims{Audience: "https://graph.microsoft.com", AppID: "44444444-4444-4444-4444-444444444444", TenantID: "22222222-2222-2222-2222-222222222222",
				IDType: "app", AppIDACR: "1", Expires: exp},
			Requests: []RequestResult{{Name: "all_sites", Method: "GET", URL: "https://graph.microsoft.com/v1.0/sites?search=*", Status: 403, Want: 200, Error: "accessDenied: Access denied"}},
			Problems: []Problem{
				{Code: CodeDelegatedWithAppFlow, Message: "Sites.Read.All (graph) is declared as a delegated permission, but flow = \"client_credentials\" is app-only."},
				{Code: CodeUnexpectedStatus, Request: "all_sites", Message: "GET https://graph.microsoft.com/v1.0/sites?search=* answered 403, want 200 (the token problem above explains it)", Detail: "accessDenied: Access denied"},
			},
		},
		{
			Address: "check.ci_reads_sites", Flow: "federated", Application: "application.ci", Attempts: 1,
			Duration: 85 * time.Millisecond,
			Requests: []RequestResult{{Name: "sites", Method: "GET", URL: "https://graph.microsoft.com/v1.0/sites/root", Want: 200, Error: "not sent: no token"}},
			Problems: []Problem{{Code: CodeFederatedMismatch, Message: "no federated credential of application.ci matches the presented token (AADSTS700213).",
				Detail: "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:contoso/entra-config:ref:refs/heads/feature'."}},
		},
		{
			Address:  "check.nope",
			Problems: []Problem{{Code: CodeUnknownCheck, Message: `no check named "nope": the configuration has check.ci_reads_sites`}},
		},
	}
}

func TestRender(t *testing.T) {
	for _, tt := range []struct {
		name   string
		color  bool
		golden string
	}{
		{"plain", false, "render.golden.txt"},
		{"color", true, "render_color.golden.txt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			Render(&out, renderResults(), tt.color)
			checkGolden(t, tt.golden, out.Bytes(), "Render output")
		})
	}
}

func TestRenderSummaries(t *testing.T) {
	tests := []struct {
		name    string
		results []Result
		want    string
	}{
		{"none", nil, "No checks to run.\n"},
		{"all passed", []Result{{Address: "check.a", OK: true}}, "PASS check.a\nChecks: 1 passed.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			Render(&out, tt.results, false)
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
