package localtenant

import (
	"encoding/base64"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

// A certificate client assertion gets one token: sent again (copied from
// a log, replayed by a proxy) it is refused, while a new assertion of the
// same certificate works. A federated token may be exchanged again.
func TestClientAssertionAcceptedOnce(t *testing.T) {
	s := start(t, Options{})
	app := register(t, s, testApp{name: "cert once", roles: []string{"Sites.Read.All"}})
	cert, key := addCertificate(t, s, app.app)
	kp := &keyPair{cert: cert, der: cert.Raw, key: key}
	tokenURL := "https://login.microsoftonline.com/" + s.TenantID() + "/oauth2/v2.0/token"
	x5t := base64.RawURLEncoding.EncodeToString(thumbprintSHA1(cert.Raw))
	assertion := func(jti string) string {
		now := time.Now()
		return signAssertion(t, kp, jose.RS256, "x5t", x5t, map[string]any{
			"aud": tokenURL, "iss": app.appID(), "sub": app.appID(), "jti": jti, "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		})
	}
	call := func(a string) (int, map[string]any) {
		return tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {app.appID()}, "scope": {"https://graph.microsoft.com/.default"},
			"client_assertion_type": {assertionTypeJWTBearer}, "client_assertion": {a},
		})
	}
	first := assertion(newID())
	if status, body := call(first); status != 200 {
		t.Fatalf("first use: %d %v", status, body)
	}
	status, body := call(first)
	if diff := cmp.Diff(wantAAD(401, "invalid_client", 50013), checkAADError(t, status, body)); diff != "" {
		t.Errorf("replayed assertion (-want +got):\n%s", diff)
	}
	if status, body := call(assertion(newID())); status != 200 {
		t.Errorf("a new assertion after a replay: %d %v", status, body)
	}

	fed := register(t, s, testApp{name: "federated again", roles: []string{"Sites.Read.All"}})
	addFederated(t, s, fed.app, githubIssuer, "repo:contoso/x:ref:refs/heads/main")
	reqURL, reqTok := s.GitHubActionsEnv("repo:contoso/x:ref:refs/heads/main")
	gh, err := githubToken(t.Context(), s, reqURL+"&audience=api://AzureADTokenExchange", reqTok)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		status, body := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {fed.appID()}, "scope": {"https://graph.microsoft.com/.default"},
			"client_assertion_type": {assertionTypeJWTBearer}, "client_assertion": {gh},
		})
		if status != 200 {
			t.Errorf("federated token, use %d: %d %v", i+1, status, body)
		}
	}
}

// Client credentials name their tenant: /common refuses
// them as Entra does; the tenant id and domain work.
func TestClientCredentialsNeedATenant(t *testing.T) {
	s := start(t, Options{})
	opID, opSecret := s.Operator()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {opID}, "client_secret": {opSecret}, "scope": {"https://graph.microsoft.com/.default"}}
	for _, seg := range []string{"common", "Common"} {
		status, body := tokenCall(t, s, "/"+seg+"/oauth2/v2.0/token", form)
		if diff := cmp.Diff(wantAAD(400, "invalid_request", 9001023), checkAADError(t, status, body)); diff != "" {
			t.Errorf("/%s (-want +got):\n%s", seg, diff)
		}
	}
	for _, seg := range []string{s.TenantID(), s.Domain()} {
		if status, body := tokenCall(t, s, "/"+seg+"/oauth2/v2.0/token", form); status != 200 {
			t.Errorf("/%s: %d %v", seg, status, body)
		}
	}
}

// Graph and SharePoint accept only tokens of this tenant: a token signed
// with the tenant's key and carrying its issuer but another tid is
// refused with 401.
func TestTokenOfAnotherTenantRefused(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	c := claims(t, op.token)
	c["tid"] = "11111111-2222-3333-4444-555555555555"
	forged, err := s.signer.sign(c)
	if err != nil {
		t.Fatal(err)
	}
	r := op.as(forged).do("GET", "https://graph.microsoft.com/v1.0/applications", nil)
	if r.status != 401 || r.code() != CodeInvalidToken {
		t.Errorf("token of another tenant: %d %s %s", r.status, r.code(), r.message())
	}
	if r := op.do("GET", "https://graph.microsoft.com/v1.0/applications", nil); r.status != 200 {
		t.Errorf("the operator's own token: %d %s", r.status, r.message())
	}
}
