package localtenant

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/google/go-cmp/cmp"
)

func authority(s *Server) string {
	return "https://login.microsoftonline.com/" + s.TenantID()
}

func confidentialClient(t *testing.T, s *Server, clientID string, cred confidential.Credential, opts ...confidential.Option) confidential.Client {
	t.Helper()
	opts = append([]confidential.Option{confidential.WithHTTPClient(s.HTTPClient())}, opts...)
	c, err := confidential.New(authority(s), clientID, cred, opts...)
	if err != nil {
		t.Fatalf("confidential.New: %v", err)
	}
	return c
}

func publicClient(t *testing.T, s *Server, clientID string, opts ...public.Option) public.Client {
	t.Helper()
	opts = append([]public.Option{public.WithAuthority(authority(s)), public.WithHTTPClient(s.HTTPClient())}, opts...)
	c, err := public.New(clientID, opts...)
	if err != nil {
		t.Fatalf("public.New: %v", err)
	}
	return c
}

// validate checks a token as the Graph and SharePoint routes do
// (ValidateAccessToken with the audience aud) and returns its caller.
func validate(t *testing.T, s *Server, tok, aud string) *Caller {
	t.Helper()
	c, err := s.ValidateAccessToken(tok, aud)
	if err != nil {
		t.Fatalf("ValidateAccessToken: %v", err)
	}
	return c
}

func TestMSALOperatorClientCredentials(t *testing.T) {
	s := start(t, Options{})
	id, secret := s.Operator()
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	cc := confidentialClient(t, s, id, cred)
	res, err := cc.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential: %v", err)
	}
	c := validate(t, s, res.AccessToken, "https://graph.microsoft.com")
	want := &Caller{
		TenantID: s.TenantID(), Audience: "https://graph.microsoft.com", AppID: id, AppName: "entraform operator",
		AppIDACR: ACRSecret, AppOnly: true, ServicePrincipalID: c.ServicePrincipalID,
		Roles: []string{"AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All", "Sites.FullControl.All"},
	}
	c.Claims = nil
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("caller (-want +got):\n%s", diff)
	}
	tc := claims(t, res.AccessToken)
	wantClaims := map[string]any{
		"iss": "https://sts.windows.net/" + s.TenantID() + "/", "ver": "1.0", "idtyp": "app",
		"tid": s.TenantID(), "appid": id, "appidacr": "1",
	}
	if diff := cmp.Diff(wantClaims, pick(tc, "iss", "ver", "idtyp", "tid", "appid", "appidacr")); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if exp, iat := tc["exp"].(float64), tc["iat"].(float64); exp-iat != 3600 {
		t.Errorf("lifetime %v s, want 3600", exp-iat)
	}
}

func TestMSALCertificate(t *testing.T) {
	s := start(t, Options{})
	r := register(t, s, testApp{name: "cert app", roles: []string{"Sites.Read.All"}})
	cert, key := addCertificate(t, s, r.app)
	cred, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, key)
	if err != nil {
		t.Fatal(err)
	}
	cc := confidentialClient(t, s, r.appID(), cred)
	res, err := cc.AcquireTokenByCredential(context.Background(), []string{"https://" + s.SharePointHost() + "/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential: %v", err)
	}
	c := validate(t, s, res.AccessToken, "https://"+s.SharePointHost())
	if c.AppIDACR != ACRCertificate || !c.AppOnly || c.AppID != r.appID() {
		t.Errorf("caller = %+v, want app-only certificate token of %s", c, r.appID())
	}
	// Graph roles are not SharePoint roles.
	if len(c.Roles) != 0 {
		t.Errorf("SharePoint roles = %v, want none", c.Roles)
	}
	res, err = cc.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential graph: %v", err)
	}
	if c := validate(t, s, res.AccessToken, "https://graph.microsoft.com"); !cmp.Equal(c.Roles, []string{"Sites.Read.All"}) {
		t.Errorf("Graph roles = %v, want [Sites.Read.All]", c.Roles)
	}
}

func TestMSALFederatedGitHub(t *testing.T) {
	s := start(t, Options{})
	r := register(t, s, testApp{name: "ci app", roles: []string{"Sites.Selected"}})
	subject := "repo:contoso/entra-config:ref:refs/heads/main"
	addFederated(t, s, r.app, githubIssuer, subject)
	reqURL, reqToken := s.GitHubActionsEnv(subject)
	cred := confidential.NewCredFromAssertionCallback(func(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
		return githubToken(ctx, s, reqURL+"&audience="+url.QueryEscape("api://AzureADTokenExchange"), reqToken)
	})
	cc := confidentialClient(t, s, r.appID(), cred)
	res, err := cc.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential: %v", err)
	}
	c := validate(t, s, res.AccessToken, "https://graph.microsoft.com")
	if diff := cmp.Diff([]string{"Sites.Selected"}, c.Roles); diff != "" || c.AppIDACR != ACRCertificate {
		t.Errorf("roles (-want +got):\n%s appidacr %s", diff, c.AppIDACR)
	}

	// Another branch is not trusted.
	otherURL, _ := s.GitHubActionsEnv("repo:contoso/entra-config:ref:refs/heads/dev")
	cred = confidential.NewCredFromAssertionCallback(func(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
		return githubToken(ctx, s, otherURL+"&audience=api://AzureADTokenExchange", reqToken)
	})
	cc = confidentialClient(t, s, r.appID(), cred)
	_, err = cc.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
	if err == nil || !strings.Contains(err.Error(), "AADSTS700213") {
		t.Errorf("dev branch: err = %v, want AADSTS700213", err)
	}
}

// githubToken plays the Actions runtime: GET the request URL with the
// request token, return "value".
func githubToken(ctx context.Context, s *Server, u, tok string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct{ Value string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
		return "", fmt.Errorf("GitHub ID token: HTTP %d: %v", resp.StatusCode, err)
	}
	return body.Value, nil
}

func TestMSALDeviceCode(t *testing.T) {
	s := start(t, Options{})
	r := register(t, s, testApp{name: "cli", publicClient: []string{"https://login.microsoftonline.com/common/oauth2/nativeclient"}, graphScopes: "User.Read Sites.Read.All"})
	pc := publicClient(t, s, r.appID())
	dc, err := pc.AcquireTokenByDeviceCode(context.Background(), []string{"Sites.Read.All"})
	if err != nil {
		t.Fatalf("AcquireTokenByDeviceCode: %v", err)
	}
	if dc.Result.Interval != 1 || dc.Result.VerificationURL != "https://microsoft.com/devicelogin" || !strings.Contains(dc.Result.Message, dc.Result.UserCode) {
		t.Errorf("device code result = %+v", dc.Result)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	c := validate(t, s, res.AccessToken, "https://graph.microsoft.com")
	user := s.DefaultUser()
	got := map[string]any{"upn": c.UPN, "oid": c.UserID, "scp": c.Scopes, "appOnly": c.AppOnly, "acr": c.AppIDACR, "account": res.Account.PreferredUsername}
	want := map[string]any{"upn": user.UserPrincipalName, "oid": user.ID, "scp": []string{"Sites.Read.All"}, "appOnly": false, "acr": ACRPublic, "account": user.UserPrincipalName}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("device code token (-want +got):\n%s", diff)
	}
	var pending int
	for _, rec := range s.Requests() {
		if strings.HasSuffix(rec.Path, "/token") && rec.Status == 400 {
			pending++
		}
	}
	if pending != 1 {
		t.Errorf("authorization_pending answers = %d, want 1", pending)
	}
}

// memCache is an MSAL cache a test can edit.
type memCache struct{ data []byte }

func (m *memCache) Replace(ctx context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	if m.data == nil {
		return nil
	}
	return u.Unmarshal(m.data)
}

func (m *memCache) Export(ctx context.Context, mm cache.Marshaler, _ cache.ExportHints) error {
	b, err := mm.Marshal()
	m.data = b
	return err
}

// expireAccessTokens marks every cached access token as expired, as the
// passing of an hour would.
func (m *memCache) expireAccessTokens(t *testing.T) {
	t.Helper()
	var doc map[string]map[string]map[string]any
	if err := json.Unmarshal(m.data, &doc); err != nil {
		t.Fatalf("cache: %v", err)
	}
	past := fmt.Sprint(time.Now().Add(-time.Hour).Unix())
	for _, at := range doc["AccessToken"] {
		at["expires_on"] = past
		at["extended_expires_on"] = past
		delete(at, "refresh_on")
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	m.data = b
}

func TestMSALInteractiveRefreshAndSharePoint(t *testing.T) {
	s := start(t, Options{})
	r := register(t, s, testApp{
		name: "desktop", publicClient: []string{"http://localhost"},
		graphScopes: "User.Read", spScopes: "AllSites.Read",
	})
	mc := &memCache{}
	pc := publicClient(t, s, r.appID(), public.WithCache(mc))
	browser := func(authURL string) error {
		return playBrowser(s, authURL)
	}
	ctx := context.Background()
	res, err := pc.AcquireTokenInteractive(ctx, []string{"User.Read"}, public.WithOpenURL(browser))
	if err != nil {
		t.Fatalf("AcquireTokenInteractive: %v", err)
	}
	first := validate(t, s, res.AccessToken, "https://graph.microsoft.com")
	if first.UPN != s.DefaultUser().UserPrincipalName || !cmp.Equal(first.Scopes, []string{"User.Read"}) {
		t.Errorf("interactive caller = %+v", first)
	}
	idc := claims(t, res.IDToken.RawToken)
	wantID := map[string]any{"aud": r.appID(), "iss": "https://login.microsoftonline.com/" + s.TenantID() + "/v2.0", "tid": s.TenantID(), "preferred_username": s.DefaultUser().UserPrincipalName, "ver": "2.0"}
	if diff := cmp.Diff(wantID, pick(idc, "aud", "iss", "tid", "preferred_username", "ver")); diff != "" {
		t.Errorf("id token (-want +got):\n%s", diff)
	}

	// An hour later the access token is expired for the tenant and for
	// MSAL's cache; AcquireTokenSilent refreshes with the refresh token.
	s.AdvanceClock(2 * time.Hour)
	if _, err := s.ValidateAccessToken(res.AccessToken, "https://graph.microsoft.com"); err == nil {
		t.Errorf("old token still valid after AdvanceClock")
	}
	mc.expireAccessTokens(t)
	accounts, err := pc.Accounts(ctx)
	if err != nil || len(accounts) != 1 {
		t.Fatalf("Accounts = %v, %v", accounts, err)
	}
	s.ResetRequests()
	res2, err := pc.AcquireTokenSilent(ctx, []string{"User.Read"}, public.WithSilentAccount(accounts[0]))
	if err != nil {
		t.Fatalf("AcquireTokenSilent: %v", err)
	}
	if res2.AccessToken == res.AccessToken {
		t.Errorf("silent returned the expired token")
	}
	validate(t, s, res2.AccessToken, "https://graph.microsoft.com")
	if n := countToken(s); n != 1 {
		t.Errorf("token requests during silent refresh = %d, want 1", n)
	}

	// The same refresh token reaches SharePoint.
	res3, err := pc.AcquireTokenSilent(ctx, []string{"https://" + s.SharePointHost() + "/AllSites.Read"}, public.WithSilentAccount(accounts[0]))
	if err != nil {
		t.Fatalf("AcquireTokenSilent SharePoint: %v", err)
	}
	c := validate(t, s, res3.AccessToken, "https://"+s.SharePointHost())
	if !cmp.Equal(c.Scopes, []string{"AllSites.Read"}) || c.Audience != "https://"+s.SharePointHost() {
		t.Errorf("SharePoint caller = %+v", c)
	}
}

func countToken(s *Server) int {
	n := 0
	for _, rec := range s.Requests() {
		if strings.HasSuffix(rec.Path, "/oauth2/v2.0/token") {
			n++
		}
	}
	return n
}

var formInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
var formAction = regexp.MustCompile(`action="([^"]+)"`)

// playBrowser follows an authorize URL like a browser: GET it from the
// tenant, then submit the form_post page to the app's redirect URI.
func playBrowser(s *Server, authURL string) error {
	resp, err := s.HTTPClient().Get(authURL)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("authorize: HTTP %d: %s", resp.StatusCode, b)
	}
	action := formAction.FindStringSubmatch(string(b))
	if action == nil {
		return fmt.Errorf("authorize: no form in %s", b)
	}
	form := url.Values{}
	for _, m := range formInput.FindAllStringSubmatch(string(b), -1) {
		form.Set(htmlUnescape(m[1]), htmlUnescape(m[2]))
	}
	post, err := http.PostForm(htmlUnescape(action[1]), form)
	if err != nil {
		return err
	}
	post.Body.Close()
	return nil
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&#43;", "+").Replace(s)
}

func TestMSALUsernamePassword(t *testing.T) {
	s := start(t, Options{})
	r := register(t, s, testApp{name: "ropc", fallbackPublic: true, graphScopes: "User.Read"})
	pc := publicClient(t, s, r.appID())
	u := s.DefaultUser()
	res, err := pc.AcquireTokenByUsernamePassword(context.Background(), []string{"User.Read"}, u.UserPrincipalName, u.Password)
	if err != nil {
		t.Fatalf("AcquireTokenByUsernamePassword: %v", err)
	}
	c := validate(t, s, res.AccessToken, "https://graph.microsoft.com")
	if c.UPN != u.UserPrincipalName || c.Claims["amr"].([]any)[0] != "pwd" {
		t.Errorf("caller = %+v", c)
	}
	m := s.MFAUser()
	_, err = pc.AcquireTokenByUsernamePassword(context.Background(), []string{"User.Read"}, m.UserPrincipalName, m.Password)
	if err == nil || !strings.Contains(err.Error(), "AADSTS50076") {
		t.Errorf("MFA user: err = %v, want AADSTS50076", err)
	}
}

// TestMSALSovereignClouds signs in through the usgov and china login hosts
// and uses the token on that cloud's Graph host.
func TestMSALSovereignClouds(t *testing.T) {
	s := start(t, Options{})
	id, secret := s.Operator()
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, cloud := range []struct{ login, graph string }{
		{"login.microsoftonline.us", "graph.microsoft.us"},
		{"login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"},
	} {
		cc, err := confidential.New("https://"+cloud.login+"/"+s.TenantID(), id, cred, confidential.WithHTTPClient(s.HTTPClient()))
		if err != nil {
			t.Fatal(err)
		}
		res, err := cc.AcquireTokenByCredential(context.Background(), []string{"https://" + cloud.graph + "/.default"})
		if err != nil {
			t.Fatalf("%s: %v", cloud.login, err)
		}
		status, _, body := getJSON(t, s, "https://"+cloud.graph+"/_test/whoami", res.AccessToken)
		if status != 200 || body["appId"] != id {
			t.Errorf("%s token on %s: %d %v", cloud.login, cloud.graph, status, body)
		}
		if status, _, _ := getJSON(t, s, "https://graph.microsoft.com/_test/whoami", res.AccessToken); status != 401 {
			t.Errorf("%s token on the public cloud: %d, want 401", cloud.login, status)
		}
	}
}
