package localtenant

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/go-cmp/cmp"
)

// signAssertion signs claims with key, naming it in header name (x5t,
// x5t#S256 or kid) with value.
func signAssertion(t *testing.T, kp *keyPair, alg jose.SignatureAlgorithm, header, value string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey(header), value)
	sg, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: kp.key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(sg).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestCertificateAssertionByHand(t *testing.T) {
	s := start(t, Options{})
	app := register(t, s, testApp{name: "cert", roles: []string{"Sites.Read.All"}})
	cert, key := addCertificate(t, s, app.app)
	kp := &keyPair{cert: cert, der: cert.Raw, key: key}
	other, err := newLeafWithKey(s.clock.now(), s.ca, "not registered", nil, testKey(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	tokenURL := "https://login.microsoftonline.com/" + s.TenantID() + "/oauth2/v2.0/token"
	now := time.Now()
	base := func(aud string, exp time.Time) map[string]any {
		return map[string]any{"aud": aud, "iss": app.appID(), "sub": app.appID(), "jti": newID(), "nbf": now.Unix(), "exp": exp.Unix()}
	}
	x5t := base64.RawURLEncoding.EncodeToString(thumbprintSHA1(cert.Raw))
	tests := []struct {
		name      string
		assertion string
		want      map[string]any // nil: success
	}{
		{"x5t RS256", signAssertion(t, kp, jose.RS256, "x5t", x5t, base(tokenURL, now.Add(5*time.Minute))), nil},
		{"x5t#S256 PS256 std base64", signAssertion(t, kp, jose.PS256, "x5t#S256", base64.StdEncoding.EncodeToString(thumbprintSHA256(cert.Raw)), base(tokenURL, now.Add(5*time.Minute))), nil},
		{"domain in the audience", signAssertion(t, kp, jose.RS256, "x5t", x5t, base("https://login.microsoftonline.com/"+s.Domain()+"/oauth2/v2.0/token", now.Add(5*time.Minute))), nil},
		{"unregistered certificate", signAssertion(t, other, jose.RS256, "x5t", base64.RawURLEncoding.EncodeToString(thumbprintSHA1(other.der)), base(tokenURL, now.Add(5*time.Minute))), wantAAD(401, "invalid_client", 700027)},
		{"signed by another key", signAssertion(t, other, jose.RS256, "x5t", x5t, base(tokenURL, now.Add(5*time.Minute))), wantAAD(401, "invalid_client", 700027)},
		{"expired assertion", signAssertion(t, kp, jose.RS256, "x5t", x5t, base(tokenURL, now.Add(-time.Hour))), wantAAD(400, "invalid_client", 700024)},
		{"wrong audience", signAssertion(t, kp, jose.RS256, "x5t", x5t, base("https://graph.microsoft.com", now.Add(5*time.Minute))), wantAAD(401, "invalid_client", 700212)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
				"grant_type": {"client_credentials"}, "client_id": {app.appID()}, "scope": {"https://graph.microsoft.com/.default"},
				"client_assertion_type": {assertionTypeJWTBearer}, "client_assertion": {tt.assertion},
			})
			if tt.want == nil {
				if status != 200 {
					t.Fatalf("status %d: %v", status, body)
				}
				c := validate(t, s, body["access_token"].(string), "https://graph.microsoft.com")
				if diff := cmp.Diff([]string{"Sites.Read.All"}, c.Roles); diff != "" || c.AppIDACR != ACRCertificate {
					t.Errorf("roles (-want +got):\n%s appidacr %s", diff, c.AppIDACR)
				}
				return
			}
			if diff := cmp.Diff(tt.want, checkAADError(t, status, body)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestFederatedExternalIssuer trusts an issuer that is not emulated: its
// discovery document and JWKS are fetched with Options.IssuerHTTPClient.
func TestFederatedExternalIssuer(t *testing.T) {
	issuerCA, err := newCA(time.Now(), "issuer")
	if err != nil {
		t.Fatal(err)
	}
	issuerKey, err := newLeafWithKey(time.Now(), issuerCA, "issuer key", nil, testKey(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	issuerSigner, err := newSigner(issuerKey)
	if err != nil {
		t.Fatal(err)
	}
	var issuerURL string
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"issuer": issuerURL, "jwks_uri": issuerURL + "/keys"})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"keys": []any{issuerSigner.jwk()}})
	})
	ts := httptest.NewTLSServer(mux)
	defer ts.Close()
	issuerURL = ts.URL

	s := start(t, Options{IssuerHTTPClient: ts.Client()})
	app := register(t, s, testApp{name: "workload", roles: []string{"Sites.Selected"}})
	addFederated(t, s, app.app, issuerURL, "system:serviceaccount:ns:sa")
	now := s.clock.now()
	sign := func(sg *signer, sub string) string {
		tok, err := sg.sign(map[string]any{"iss": issuerURL, "sub": sub, "aud": "api://AzureADTokenExchange", "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	call := func(assertion string) (int, map[string]any) {
		return tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {app.appID()}, "scope": {"https://graph.microsoft.com/.default"},
			"client_assertion_type": {assertionTypeJWTBearer}, "client_assertion": {assertion},
		})
	}
	status, body := call(sign(issuerSigner, "system:serviceaccount:ns:sa"))
	if status != 200 {
		t.Fatalf("external issuer: %d %v", status, body)
	}
	if c := validate(t, s, body["access_token"].(string), "https://graph.microsoft.com"); !cmp.Equal(c.Roles, []string{"Sites.Selected"}) {
		t.Errorf("roles = %v", c.Roles)
	}
	// A token signed by a key the issuer does not publish.
	forgedKey, err := newLeafWithKey(now, s.ca, "forger", nil, testKey(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := newSigner(forgedKey)
	forged.kid = issuerSigner.kid
	forged.jose, _ = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: forgedKey.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", issuerSigner.kid))
	status, body = call(sign(forged, "system:serviceaccount:ns:sa"))
	if diff := cmp.Diff(wantAAD(400, "invalid_client", 700226), checkAADError(t, status, body)); diff != "" {
		t.Errorf("forged (-want +got):\n%s", diff)
	}
	// The subject is compared case-sensitively.
	status, body = call(sign(issuerSigner, "system:serviceaccount:NS:sa"))
	if diff := cmp.Diff(wantAAD(401, "invalid_client", 700213), checkAADError(t, status, body)); diff != "" {
		t.Errorf("subject case (-want +got):\n%s", diff)
	}
}

// TestAssertionAfterAdvanceClock: a client's assertion signed with the
// wall clock still works after the tenant's clock moved on.
func TestAssertionAfterAdvanceClock(t *testing.T) {
	s := start(t, Options{})
	app := register(t, s, testApp{name: "cert"})
	cert, key := addCertificate(t, s, app.app)
	s.AdvanceClock(3 * time.Hour)
	kp := &keyPair{cert: cert, der: cert.Raw, key: key}
	now := time.Now()
	a := signAssertion(t, kp, jose.RS256, "x5t", base64.RawURLEncoding.EncodeToString(thumbprintSHA1(cert.Raw)), map[string]any{
		"aud": "https://login.microsoftonline.com/" + s.TenantID() + "/oauth2/v2.0/token", "iss": app.appID(), "sub": app.appID(),
		"nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	})
	status, body := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {app.appID()}, "scope": {"https://graph.microsoft.com/.default"},
		"client_assertion_type": {assertionTypeJWTBearer}, "client_assertion": {a},
	})
	if status != 200 {
		t.Errorf("status %d: %v", status, body)
	}
}
