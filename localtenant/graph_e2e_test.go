package localtenant

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/google/go-cmp/cmp"
)

// The two walkthroughs entraform's users start from, end to end against
// the local tenant: the operator sets the app up through Graph, then the
// app itself signs in with MSAL Go and calls the API.

// TestE2EConfidentialClientListsSites is the second walkthrough: a
// confidential client with a secret lists all sites through Graph once it
// holds the Sites.Read.All application permission.
func TestE2EConfidentialClientListsSites(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	ctx := context.Background()

	app := op.must(http.StatusCreated, "PATCH", "/applications(uniqueName='walkthrough.site-lister')", map[string]any{
		"displayName": "site lister",
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": graphAppID,
			"resourceAccess": []any{map[string]any{"id": graphRoleID(t, s, "Sites.Read.All"), "type": "Role"}}}},
	}, "Prefer: create-if-missing")
	appID := app.str("appId")
	spID := op.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{"appId": appID}).str("id")
	secret := op.must(http.StatusOK, "POST", "/applications/"+app.str("id")+"/addPassword", map[string]any{"passwordCredential": map[string]any{"displayName": "walkthrough"}}).str("secretText")

	listSites := func() response {
		cred, err := confidential.NewCredFromSecret(secret)
		if err != nil {
			t.Fatal(err)
		}
		cc := confidentialClient(t, s, appID, cred)
		res, err := cc.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"})
		if err != nil {
			t.Fatalf("AcquireTokenByCredential: %v", err)
		}
		return op.as(res.AccessToken).do("GET", "/sites?search=*", nil)
	}

	// requiredResourceAccess asks; it grants nothing.
	if diff := cmp.Diff(errorOf{403, CodeAccessDenied}, errOf(listSites())); diff != "" {
		t.Errorf("before the app role assignment (-want +got):\n%s", diff)
	}
	op.assign(spID, graphAppID, "Sites.Read.All")
	r := listSites()
	if r.status != http.StatusOK {
		t.Fatalf("after the assignment: HTTP %d %s", r.status, r.raw)
	}
	if diff := cmp.Diff([]string{"Communication site", "Engineering", "Finance", "HR"}, siteNames(r)); diff != "" {
		t.Errorf("sites (-want +got):\n%s", diff)
	}
}

// TestE2EAuthCodeSharePointCurrentUser is the first walkthrough: a web
// app with redirect http://localhost:5555/ signs a user in (the test
// plays the browser), redeems the code with its secret, and reads
// /_api/web/currentuser with SharePoint's delegated "Read user profiles"
// (User.Read.All) after an admin consent grant for all principals.
func TestE2EAuthCodeSharePointCurrentUser(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	ctx := context.Background()
	const redirect = "http://localhost:5555/"
	readUserProfiles := ""
	s.read(func(st *Store) {
		spo, _ := st.spByAppID(sharePointAppID, true)
		sc, _ := findScope(spo, "User.Read.All")
		readUserProfiles = sc.ID
	})

	app := op.must(http.StatusCreated, "POST", "/applications", map[string]any{
		"displayName": "Flask SharePoint demo",
		"web":         map[string]any{"redirectUris": []string{redirect}},
		"requiredResourceAccess": []any{map[string]any{"resourceAppId": sharePointAppID,
			"resourceAccess": []any{map[string]any{"id": readUserProfiles, "type": "Scope"}}}},
	})
	appID := app.str("appId")
	spID := op.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{"appId": appID}).str("id")
	secret := op.must(http.StatusOK, "POST", "/applications/"+app.str("id")+"/addPassword", map[string]any{}).str("secretText")
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	cc := confidentialClient(t, s, appID, cred)
	scopes := []string{spoBase + "/User.Read.All"}

	signIn := func() (confidential.AuthResult, error) {
		verifier := randomToken()
		sum := sha256.Sum256([]byte(verifier))
		authURL, err := cc.AuthCodeURL(ctx, appID, redirect, scopes)
		if err != nil {
			t.Fatalf("AuthCodeURL: %v", err)
		}
		authURL += "&code_challenge=" + base64.RawURLEncoding.EncodeToString(sum[:]) + "&code_challenge_method=S256&state=xyz"
		code, err := browse(s, authURL, redirect)
		if err != nil {
			return confidential.AuthResult{}, err
		}
		return cc.AcquireTokenByAuthCode(ctx, code, redirect, scopes, confidential.WithChallenge(verifier))
	}

	// Without consent the sign-in stops with AADSTS65001.
	if _, err := signIn(); err == nil || !regexp.MustCompile(`65001`).MatchString(err.Error()) {
		t.Errorf("sign-in before consent: err = %v, want AADSTS65001 (consent_required)", err)
	}
	op.grant(spID, sharePointAppID, "User.Read.All")
	res, err := signIn()
	if err != nil {
		t.Fatalf("sign-in after consent: %v", err)
	}
	me := op.as(res.AccessToken).must(http.StatusOK, "GET", spoBase+"/_api/web/currentuser", nil, "Accept: application/json;odata=nometadata")
	if diff := cmp.Diff("Alex Wilber", me.str("Title")); diff != "" {
		t.Errorf("currentuser Title (-want +got):\n%s", diff)
	}
	if res.Account.PreferredUsername != s.DefaultUser().UserPrincipalName {
		t.Errorf("signed-in account %q", res.Account.PreferredUsername)
	}
}

var (
	formActionRE = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	formInputRE  = regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"`)
)

// browse plays the browser: it follows the authorize URL and returns the
// code delivered to redirect, by query redirect or by form_post page.
// An error page or an error on the redirect is returned as an error.
func browse(s *Server, authURL, redirect string) (string, error) {
	c := *s.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(authURL)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var params url.Values
	switch {
	case resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusSeeOther:
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			return "", err
		}
		if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirect {
			return "", fmt.Errorf("redirected to %s, want %s", got, redirect)
		}
		params = loc.Query()
	case resp.StatusCode == http.StatusOK && formActionRE.Match(body):
		params = url.Values{}
		for _, m := range formInputRE.FindAllStringSubmatch(string(body), -1) {
			params.Set(htmlUnescape(m[1]), htmlUnescape(m[2]))
		}
	default:
		return "", fmt.Errorf("authorize: HTTP %d: %s", resp.StatusCode, body)
	}
	if e := params.Get("error"); e != "" {
		return "", errors.New(e + ": " + params.Get("error_description"))
	}
	if params.Get("state") != "xyz" {
		return "", fmt.Errorf("state %q, want xyz", params.Get("state"))
	}
	return params.Get("code"), nil
}

// TestGraphSovereignCloudHost: the usgov Graph host answers the same
// routes for tokens issued for it, and refuses public-cloud Graph tokens.
func TestGraphSovereignCloudHost(t *testing.T) {
	s := start(t, Options{})
	id, secret := s.Operator()
	resp, err := s.HTTPClient().PostForm("https://login.microsoftonline.us/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"https://graph.microsoft.us/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || body.AccessToken == "" {
		t.Fatalf("usgov token: HTTP %d %v", resp.StatusCode, err)
	}
	gov := &client{t: t, s: s, token: body.AccessToken}
	r := gov.must(http.StatusOK, "GET", "https://graph.microsoft.us/v1.0/sites/root", nil)
	if want := "https://graph.microsoft.us/v1.0/$metadata#sites/$entity"; r.str("@odata.context") != want {
		t.Errorf("@odata.context = %q, want %q", r.str("@odata.context"), want)
	}
	if r := operator(t, s).do("GET", "https://graph.microsoft.us/v1.0/sites/root", nil); r.status != http.StatusUnauthorized || r.code() != CodeInvalidToken {
		t.Errorf("public Graph token on graph.microsoft.us: %d %s", r.status, r.code())
	}
}
