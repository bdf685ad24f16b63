package localtenant

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// tokenCall posts a form to a login endpoint and decodes the answer.
func tokenCall(t *testing.T, s *Server, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := s.HTTPClient().PostForm("https://login.microsoftonline.com"+path, form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("POST %s: decoding %q: %v", path, b, err)
	}
	return resp.StatusCode, body
}

var aadDescription = regexp.MustCompile(`^AADSTS(\d+): .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`)

// checkAADError asserts the identity platform error shape and returns a
// summary for comparison: status, error and the AADSTS code.
func checkAADError(t *testing.T, status int, body map[string]any) map[string]any {
	t.Helper()
	desc, _ := body["error_description"].(string)
	m := aadDescription.FindStringSubmatch(desc)
	if m == nil {
		t.Errorf("error_description %q does not have the AADSTS shape", desc)
		return map[string]any{"status": status, "error": body["error"]}
	}
	codes, _ := body["error_codes"].([]any)
	for _, k := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
		if v, _ := body[k].(string); v == "" {
			t.Errorf("%s missing in %v", k, body)
		}
	}
	if !strings.Contains(desc, body["trace_id"].(string)) {
		t.Errorf("trace_id not in description")
	}
	var code any
	if len(codes) == 1 {
		code = codes[0]
	}
	return map[string]any{"status": status, "error": body["error"], "code": code, "descCode": m[1]}
}

func wantAAD(status int, oauthErr string, code int) map[string]any {
	return map[string]any{"status": status, "error": oauthErr, "code": float64(code), "descCode": strconv.Itoa(code)}
}

func TestAADSTSErrors(t *testing.T) {
	s := start(t, Options{})
	tokenPath := "/" + s.TenantID() + "/oauth2/v2.0/token"
	opID, opSecret := s.Operator()
	web := register(t, s, testApp{name: "web only", web: []string{"http://localhost:5555/getAToken"}})
	pub := register(t, s, testApp{name: "public no grants", fallbackPublic: true})
	granted := register(t, s, testApp{name: "public granted", fallbackPublic: true, graphScopes: "User.Read"})
	fed := register(t, s, testApp{name: "federated"})
	addFederated(t, s, fed.app, githubIssuer, "repo:contoso/x:ref:refs/heads/main")
	reqURL, reqTok := s.GitHubActionsEnv("repo:contoso/x:ref:refs/heads/evil")
	ghTok, err := githubToken(t.Context(), s, reqURL+"&audience=api://AzureADTokenExchange", reqTok)
	if err != nil {
		t.Fatal(err)
	}
	alex := s.DefaultUser()
	megan := s.MFAUser()
	cc := func(client, secret, scope string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {secret}, "scope": {scope}}
	}
	ropc := func(client, user, pw, scope string) url.Values {
		return url.Values{"grant_type": {"password"}, "client_id": {client}, "username": {user}, "password": {pw}, "scope": {scope + " openid offline_access profile"}}
	}
	tests := []struct {
		name string
		path string
		form url.Values
		want map[string]any
	}{
		{"700016 unknown client", tokenPath, cc("11111111-2222-3333-4444-555555555555", "x", "https://graph.microsoft.com/.default"), wantAAD(400, "unauthorized_client", 700016)},
		{"7000215 wrong secret", tokenPath, cc(opID, opSecret+"x", "https://graph.microsoft.com/.default"), wantAAD(401, "invalid_client", 7000215)},
		{"7000218 public flow on a web app", tokenPath, ropc(web.appID(), alex.UserPrincipalName, alex.Password, "User.Read"), wantAAD(401, "invalid_client", 7000218)},
		{"7000218 client credentials without a credential", tokenPath, cc(opID, "", "https://graph.microsoft.com/.default"), wantAAD(401, "invalid_client", 7000218)},
		{"65001 no consent", tokenPath, ropc(pub.appID(), alex.UserPrincipalName, alex.Password, "User.Read"), wantAAD(400, "invalid_grant", 65001)},
		{"65001 scope beyond the grant", tokenPath, ropc(granted.appID(), alex.UserPrincipalName, alex.Password, "Sites.Read.All"), wantAAD(400, "invalid_grant", 65001)},
		{"50076 MFA user", tokenPath, ropc(granted.appID(), megan.UserPrincipalName, megan.Password, "User.Read"), wantAAD(400, "interaction_required", 50076)},
		{"50126 wrong password", tokenPath, ropc(granted.appID(), alex.UserPrincipalName, "nope", "User.Read"), wantAAD(400, "invalid_grant", 50126)},
		{"50034 unknown user", tokenPath, ropc(granted.appID(), "nobody@"+s.Domain(), "x", "User.Read"), wantAAD(400, "invalid_grant", 50034)},
		{"500011 misspelled SharePoint host", tokenPath, cc(opID, opSecret, "https://contsoo.sharepoint.com/.default"), wantAAD(400, "invalid_resource", 500011)},
		{"70011 unknown scope", tokenPath, ropc(granted.appID(), alex.UserPrincipalName, alex.Password, "User.Raed"), wantAAD(400, "invalid_scope", 70011)},
		{"700213 federated subject mismatch", tokenPath, url.Values{
			"grant_type": {"client_credentials"}, "client_id": {fed.appID()}, "scope": {"https://graph.microsoft.com/.default"},
			"client_assertion_type": {assertionTypeJWTBearer}, "client_assertion": {ghTok},
		}, wantAAD(401, "invalid_client", 700213)},
		{"90002 unknown tenant", "/fabrikam.onmicrosoft.com/oauth2/v2.0/token", cc(opID, opSecret, "https://graph.microsoft.com/.default"), wantAAD(400, "invalid_tenant", 90002)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tokenCall(t, s, tt.path, tt.form)
			if diff := cmp.Diff(tt.want, checkAADError(t, status, body)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	t.Run("90002 discovery", func(t *testing.T) {
		status, _, body := getJSON(t, s, "https://login.microsoftonline.com/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration", "")
		if diff := cmp.Diff(wantAAD(400, "invalid_tenant", 90002), checkAADError(t, status, body)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("50011 redirect URI mismatch is a page, not a redirect", func(t *testing.T) {
		u := "https://login.microsoftonline.com/" + s.TenantID() + "/oauth2/v2.0/authorize?" + url.Values{
			"client_id": {web.appID()}, "response_type": {"code"}, "redirect_uri": {"http://localhost:5555/other"}, "scope": {"User.Read"},
		}.Encode()
		status, loc, body := rawGet(t, s, u)
		if status != 400 || loc != "" || !strings.Contains(body, "AADSTS50011: The redirect URI &#39;http://localhost:5555/other&#39; specified in the request does not match") {
			t.Errorf("status %d location %q body %s", status, loc, body)
		}
	})

	t.Run("65001 on authorize redirects with consent_required", func(t *testing.T) {
		u := "https://login.microsoftonline.com/" + s.TenantID() + "/oauth2/v2.0/authorize?" + url.Values{
			"client_id": {web.appID()}, "response_type": {"code"}, "redirect_uri": {"http://localhost:5555/getAToken"}, "scope": {"User.Read openid"}, "state": {"st"},
		}.Encode()
		status, loc, _ := rawGet(t, s, u)
		lu, _ := url.Parse(loc)
		q := lu.Query()
		got := map[string]any{"status": status, "error": q.Get("error"), "state": q.Get("state"), "prefix": strings.HasPrefix(q.Get("error_description"), "AADSTS65001: ")}
		want := map[string]any{"status": 302, "error": "consent_required", "state": "st", "prefix": true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("authorization_pending then expired_token", func(t *testing.T) {
		status, dc := tokenCall(t, s, "/"+s.Domain()+"/oauth2/v2.0/devicecode", url.Values{"client_id": {granted.appID()}, "scope": {"User.Read"}})
		if status != 200 || dc["interval"] != float64(1) {
			t.Fatalf("devicecode: %d %v", status, dc)
		}
		poll := url.Values{"grant_type": {grantDeviceCode}, "client_id": {granted.appID()}, "device_code": {dc["device_code"].(string)}}
		status, body := tokenCall(t, s, tokenPath, poll)
		if diff := cmp.Diff(wantAAD(400, "authorization_pending", 70016), checkAADError(t, status, body)); diff != "" {
			t.Errorf("first poll (-want +got):\n%s", diff)
		}
		s.AdvanceClock(16 * time.Minute)
		status, body = tokenCall(t, s, tokenPath, poll)
		if diff := cmp.Diff(wantAAD(400, "expired_token", 70020), checkAADError(t, status, body)); diff != "" {
			t.Errorf("poll after expiry (-want +got):\n%s", diff)
		}
	})

	t.Run("7000222 expired secret", func(t *testing.T) {
		s.AdvanceClock(48 * time.Hour) // register's secrets last 24h
		status, body := tokenCall(t, s, tokenPath, cc(web.appID(), web.secret, "https://graph.microsoft.com/.default"))
		if diff := cmp.Diff(wantAAD(401, "invalid_client", 7000222), checkAADError(t, status, body)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// rawGet sends a GET without following redirects.
func rawGet(t *testing.T, s *Server, u string) (status int, location, body string) {
	t.Helper()
	c := *s.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// TestAuthCodeByHand is the Flask walkthrough: a web app signs a user in
// through its own redirect URI and redeems the code with its secret and a
// PKCE verifier.
func TestAuthCodeByHand(t *testing.T) {
	s := start(t, Options{})
	redirect := "http://localhost:5555/getAToken"
	app := register(t, s, testApp{name: "flask", web: []string{redirect}, spScopes: "User.Read.All"})
	scope := "https://" + s.SharePointHost() + "/User.Read.All openid offline_access"
	tokenPath := "/" + s.TenantID() + "/oauth2/v2.0/token"
	authorizeCode := func(challenge, method string) string {
		t.Helper()
		v := url.Values{"client_id": {app.appID()}, "response_type": {"code"}, "redirect_uri": {redirect}, "scope": {scope}, "state": {"s1"}, "nonce": {"n1"}}
		if challenge != "" {
			v.Set("code_challenge", challenge)
			v.Set("code_challenge_method", method)
		}
		status, loc, body := rawGet(t, s, "https://login.microsoftonline.com/"+s.Domain()+"/oauth2/v2.0/authorize?"+v.Encode())
		lu, err := url.Parse(loc)
		if status != 302 || err != nil || lu.Query().Get("code") == "" || lu.Query().Get("state") != "s1" {
			t.Fatalf("authorize: %d %q %s", status, loc, body)
		}
		return lu.Query().Get("code")
	}
	verifier := "the-code-verifier-0123456789-0123456789-abcdef"
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	redeem := func(code, verifier, secret string) (int, map[string]any) {
		return tokenCall(t, s, tokenPath, url.Values{
			"grant_type": {"authorization_code"}, "client_id": {app.appID()}, "code": {code},
			"redirect_uri": {redirect}, "code_verifier": {verifier}, "client_secret": {secret}, "scope": {scope},
		})
	}

	status, body := redeem(authorizeCode(challenge, "S256"), verifier, "")
	if diff := cmp.Diff(wantAAD(401, "invalid_client", 7000218), checkAADError(t, status, body)); diff != "" {
		t.Errorf("web redirect without secret (-want +got):\n%s", diff)
	}
	status, body = redeem(authorizeCode(challenge, "S256"), "wrong-verifier", app.secret)
	if diff := cmp.Diff(wantAAD(400, "invalid_grant", 501481), checkAADError(t, status, body)); diff != "" {
		t.Errorf("wrong verifier (-want +got):\n%s", diff)
	}
	for _, method := range []string{"S256", "plain"} {
		ch := challenge
		if method == "plain" {
			ch = verifier
		}
		status, body = redeem(authorizeCode(ch, method), verifier, app.secret)
		if status != 200 {
			t.Fatalf("%s: redeem: %d %v", method, status, body)
		}
		c := validate(t, s, body["access_token"].(string), "https://"+s.SharePointHost())
		got := map[string]any{"scp": c.Scopes, "acr": c.AppIDACR, "upn": c.UPN, "refresh": body["refresh_token"] != nil, "id": body["id_token"] != nil, "client_info": body["client_info"] != nil}
		want := map[string]any{"scp": []string{"User.Read.All"}, "acr": ACRSecret, "upn": s.DefaultUser().UserPrincipalName, "refresh": true, "id": true, "client_info": true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s token (-want +got):\n%s", method, diff)
		}
		if method == "S256" {
			// A refresh token from a confidential client needs the secret again.
			status, body = tokenCall(t, s, tokenPath, url.Values{"grant_type": {"refresh_token"}, "client_id": {app.appID()}, "refresh_token": {body["refresh_token"].(string)}, "scope": {scope}})
			if diff := cmp.Diff(wantAAD(401, "invalid_client", 7000218), checkAADError(t, status, body)); diff != "" {
				t.Errorf("refresh without secret (-want +got):\n%s", diff)
			}
		}
	}
	// A code is single use.
	code := authorizeCode(challenge, "S256")
	if status, _ := redeem(code, verifier, app.secret); status != 200 {
		t.Fatalf("first redeem: %d", status)
	}
	status, body = redeem(code, verifier, app.secret)
	if diff := cmp.Diff(wantAAD(400, "invalid_grant", 70000), checkAADError(t, status, body)); diff != "" {
		t.Errorf("second redeem (-want +got):\n%s", diff)
	}
}

func TestLoopbackRedirectAnyPort(t *testing.T) {
	app := &Application{}
	app.Web.RedirectURIs = []string{"http://localhost:5555/"}
	app.PublicClient.RedirectURIs = []string{"http://localhost"}
	tests := []struct {
		uri          string
		public, isOK bool
	}{
		{"http://localhost:5555/", false, true},
		{"http://localhost:61234", true, true},
		{"http://localhost:61234/", true, true},
		{"http://localhost:5555/other", false, false},
		{"http://localhost:7000/getAToken", false, false},
		{"https://localhost:5555/", false, false},
		{"http://127.0.0.1:5555/", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		public, ok := matchRedirect(app, tt.uri)
		if public != tt.public || ok != tt.isOK {
			t.Errorf("matchRedirect(%q) = %v, %v; want %v, %v", tt.uri, public, ok, tt.public, tt.isOK)
		}
	}
}
