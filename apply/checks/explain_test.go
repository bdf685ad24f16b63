package checks

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/localtenant"
)

const mappingConfig = `
application "web" {
  display_name = "Web"
  web { redirect_uris = ["http://localhost:5555/"] }
  permission "sharepoint" { delegated = ["AllSites.Read"] }
  admin_consent = true
  secret "s" { write_to = "secrets/web.env" }
}
application "web_unconsented" {
  display_name = "Web without consent"
  web { redirect_uris = ["http://localhost:5555/"] }
  permission "sharepoint" { delegated = ["AllSites.Read"] }
  secret "s" {}
}
application "daemon" {
  display_name = "Daemon"
  web { redirect_uris = ["http://localhost:5555/"] }
  permission "sharepoint" { application = ["Sites.Read.All"] }
  secret "s" {}
}
application "bare" {
  display_name = "Nothing declared"
  web { redirect_uris = ["http://localhost:5555/"] }
  secret "s" {}
}
check "web" {
  application = application.web
  flow        = "auth_code"
  request "r" { url = "https://contoso.sharepoint.com/_api/web" }
}
check "web_unconsented" {
  application = application.web_unconsented
  flow        = "auth_code"
  request "r" { url = "https://contoso.sharepoint.com/_api/web" }
}
check "daemon" {
  application = application.daemon
  flow        = "auth_code"
  request "r" { url = "https://contoso.sharepoint.com/_api/web" }
}
check "bare" {
  application = application.bare
  flow        = "auth_code"
  request "r" { url = "https://contoso.sharepoint.com/_api/web" }
}
`

// TestExplainAADSTS pins which explanation each identity platform error
// gets, and which are retried as possibly not yet replicated.
func TestExplainAADSTS(t *testing.T) {
	cfg := writeConfig(t, mappingConfig)
	run := func(check string) *checkRun {
		c := checkNamed(t, cfg, check)
		r := &checkRun{env: Env{Config: cfg, Cloud: endpoint.Public(), TenantID: "contoso.onmicrosoft.com",
			Apps: map[string]string{c.Application: "client-id"}}.withDefaults(), check: c}
		if p := r.prepare(); p != nil {
			t.Fatal(p.Message)
		}
		return r
	}
	type got struct {
		Code      string
		Transient bool
	}
	tests := []struct {
		check  string
		aadsts int
		want   got
	}{
		{"web", 65001, got{CodeConsentNotEffective, true}},
		{"web_unconsented", 65001, got{CodeNoAdminConsent, false}},
		{"daemon", 65001, got{CodeApplicationWithUser, false}},
		{"bare", 65001, got{CodeNotDeclared, false}},
		{"web", 7000215, got{CodeWrongSecret, true}},
		{"web", 7000222, got{CodeSecretExpired, false}},
		{"web", 700016, got{CodeUnknownClient, true}},
		{"web", 90002, got{CodeUnknownTenant, false}},
		{"web", 700213, got{CodeFederatedMismatch, true}},
		{"web", 70021, got{CodeFederatedMismatch, true}},
		{"web", 50076, got{CodeMFARequired, false}},
		{"web", 50079, got{CodeMFARequired, false}},
		{"web", 50011, got{CodeRedirectMismatch, false}},
		{"web", 7000218, got{CodePublicClientDisabled, false}},
		{"web", 7000229, got{CodeNoServicePrincipal, true}},
		{"web", 500011, got{CodeUnknownResource, false}},
		{"web", 70011, got{CodeInvalidScope, false}},
		{"web", 50034, got{CodeUnknownUser, false}},
		{"web", 50126, got{CodeUnknownUser, false}},
		{"web", 123456, got{CodeSignInFailed, false}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/AADSTS%d", tt.check, tt.aadsts), func(t *testing.T) {
			desc := fmt.Sprintf("AADSTS%d: something.", tt.aadsts)
			p := run(tt.check).explainSignIn(&auth.SignInError{Code: "invalid_grant", AADSTS: tt.aadsts, Description: desc})
			if diff := cmp.Diff(tt.want, got{p.Code, p.transient}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if p.Detail != desc {
				t.Errorf("detail = %q; want the service's description %q", p.Detail, desc)
			}
			if p.Message == "" {
				t.Error("no message")
			}
		})
	}
}

// TestExplainMFAFromLocalTenant covers AADSTS50076 with the error body the
// local tenant really sends: its authorize endpoint does not enforce MFA,
// so no check flow can provoke it there; a password grant for the MFA user
// does.
func TestExplainMFAFromLocalTenant(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, subst(publicConfig, "USER", ""))
	res := tn.apply(t, cfg)
	mfa := tn.MFAUser()
	form := url.Values{
		"grant_type": {"password"},
		"client_id":  {res.Apps["application.cli_tool"].AppID},
		"username":   {mfa.UserPrincipalName},
		"password":   {mfa.Password},
		"scope":      {"https://graph.microsoft.com/User.Read openid profile offline_access"},
	}
	resp, err := tn.client.PostForm(endpoint.Public().TokenURL(tn.TenantID()), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("password grant for the MFA user: %s %s", resp.Status, body)
	}
	te, ok := parseTokenError(body)
	if !ok {
		t.Fatalf("not a token error body: %s", body)
	}
	c := checkNamed(t, cfg, "device")
	r := &checkRun{env: tn.env(cfg, res).withDefaults(), check: c}
	if p := r.prepare(); p != nil {
		t.Fatal(p.Message)
	}
	p := r.explainSignIn(&auth.SignInError{StatusCode: resp.StatusCode, Code: te.Code, AADSTS: te.AADSTS, Description: te.Description})
	want := Problem{Code: CodeMFARequired,
		Message: `the user must complete multi-factor authentication (AADSTS50076), which a password sign-in cannot do; sign in through a browser (flow = "auth_code" or "interactive") or with flow = "device_code", where the user completes MFA`,
		Detail:  te.Description}
	if diff := cmp.Diff(want, p, cmp.AllowUnexported(Problem{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(te.Description, "AADSTS50076: ") || strings.Contains(te.Description, "Trace ID") {
		t.Errorf("description = %q; want the AADSTS text without the trace tail", te.Description)
	}
}

func TestAsSignInError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want *auth.SignInError // nil: returned unchanged
	}{
		{
			name: "error sent to the redirect URI",
			err:  errors.New("AADSTS65001: The user or administrator has not consented. Trace ID: x Correlation ID: y Timestamp: z"),
			want: &auth.SignInError{AADSTS: 65001, Description: "AADSTS65001: The user or administrator has not consented."},
		},
		{
			name: "browser saw an error page",
			err:  fmt.Errorf("browser: %w", errors.New("AADSTS50011: The redirect URI 'http://localhost:1/x' does not match.")),
			want: &auth.SignInError{AADSTS: 50011, Description: "AADSTS50011: The redirect URI 'http://localhost:1/x' does not match."},
		},
		{name: "no AADSTS code", err: errors.New("connection refused")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := asSignInError(tt.err)
			var se *auth.SignInError
			if !errors.As(got, &se) {
				if tt.want != nil {
					t.Fatalf("got %v; want a SignInError", got)
				}
				if got != tt.err {
					t.Errorf("got %v; want the error unchanged", got)
				}
				return
			}
			if tt.want == nil {
				t.Fatalf("got SignInError %v; want the error unchanged", se)
			}
			if diff := cmp.Diff(tt.want, se, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Err" }, cmp.Ignore())); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestServiceError(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"Graph OData", `{"error":{"code":"accessDenied","message":"Access denied","innerError":{"date":"x"}}}`, "accessDenied: Access denied"},
		{"SharePoint auth", `{"error_description":"Unsupported app only token."}`, "Unsupported app only token."},
		{"SharePoint nometadata", `{"odata.error":{"code":"-2147024891, System.UnauthorizedAccessException","message":{"lang":"en-US","value":"Access denied."}}}`, "-2147024891, System.UnauthorizedAccessException: Access denied."},
		{"SharePoint verbose", `{"error":{"code":"-1, x","message":{"value":"Nope."}}}`, "-1, x: Nope."},
		{"OAuth string error", `{"error":"invalid_token"}`, "invalid_token"},
		{"plain text", "  Service\n Unavailable  ", "Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serviceError([]byte(tt.body)); got != tt.want {
				t.Errorf("serviceError = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestNeededPermission(t *testing.T) {
	tests := []struct {
		method, url string
		want        need
		ok          bool
	}{
		{"GET", "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr", need{Resource: "graph", Application: []string{"Sites.Read.All"}, Delegated: []string{"Sites.Read.All"}, SitesSelected: true}, true},
		{"GET", "https://graph.microsoft.com/v1.0/sites?search=*", need{Resource: "graph", Application: []string{"Sites.Read.All"}, Delegated: []string{"Sites.Read.All"}, SitesSelected: true}, true},
		{"POST", "https://graph.microsoft.com/v1.0/sites/x/lists", need{Resource: "graph", Application: []string{"Sites.ReadWrite.All"}, Delegated: []string{"Sites.ReadWrite.All"}, SitesSelected: true}, true},
		{"GET", "https://graph.microsoft.com/v1.0/sites/x/permissions", need{Resource: "graph", Application: []string{"Sites.FullControl.All"}, SitesSelected: true}, true},
		{"GET", "https://graph.microsoft.com/v1.0/me", need{Resource: "graph", Delegated: []string{"User.Read"}, UserOnly: true}, true},
		{"GET", "https://graph.microsoft.com/v1.0/users/alex@contoso.onmicrosoft.com", need{Resource: "graph", Application: []string{"User.Read.All"}, Delegated: []string{"User.Read.All"}}, true},
		{"GET", "https://graph.microsoft.com/v1.0/applications(appId='x')", need{Resource: "graph", Application: []string{"Application.Read.All"}, Delegated: []string{"Application.Read.All"}}, true},
		{"GET", "https://contoso.sharepoint.com/sites/hr/_api/web", need{Resource: "sharepoint", Application: []string{"Sites.Read.All"}, Delegated: []string{"AllSites.Read"}, SitesSelected: true}, true},
		{"GET", "https://graph.microsoft.com/v1.0/communications/calls", need{}, false},
		{"GET", "https://example.org/v1.0/sites", need{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.url, func(t *testing.T) {
			got, ok := neededPermission(endpoint.Public(), tt.method, tt.url)
			if ok != tt.ok {
				t.Fatalf("ok = %v; want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
