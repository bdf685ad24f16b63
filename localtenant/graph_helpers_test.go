package localtenant

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Helpers for driving the Graph and SharePoint routes as a client would:
// tokens from the real token endpoint, requests over the server's HTTPS.

const graphV1 = "https://graph.microsoft.com/v1.0"

// token asks the token endpoint; form holds the grant's parameters.
func token(t testing.TB, s *Server, form url.Values) string {
	t.Helper()
	resp, err := s.HTTPClient().PostForm("https://login.microsoftonline.com/"+s.TenantID()+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("token response: %v", err)
	}
	tok, _ := body["access_token"].(string)
	if resp.StatusCode != http.StatusOK || tok == "" {
		t.Fatalf("token: HTTP %d %v", resp.StatusCode, body)
	}
	return tok
}

// secretToken is a client-credentials token with a client secret.
func secretToken(t testing.TB, s *Server, clientID, secret, scope string) string {
	t.Helper()
	return token(t, s, url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {scope}})
}

// operator is a Graph client with the operator app's token.
func operator(t testing.TB, s *Server) *client {
	t.Helper()
	id, secret := s.Operator()
	return &client{t: t, s: s, token: secretToken(t, s, id, secret, "https://graph.microsoft.com/.default")}
}

// userToken signs the default user in with the password flow through a
// confidential app.
func userToken(t testing.TB, s *Server, clientID, secret, scope string) string {
	t.Helper()
	u := s.DefaultUser()
	return token(t, s, url.Values{"grant_type": {"password"}, "client_id": {clientID}, "client_secret": {secret},
		"scope": {scope}, "username": {u.UserPrincipalName}, "password": {u.Password}})
}

// client sends requests with a bearer token.
type client struct {
	t     testing.TB
	s     *Server
	token string
}

func (c *client) as(tok string) *client { return &client{t: c.t, s: c.s, token: tok} }

// response is what a request got back.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// code is the OData (or SharePoint) error code of the body.
func (r response) code() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		c, _ := e["code"].(string)
		return c
	}
	return ""
}

func (r response) message() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		m, _ := e["message"].(string)
		return m
	}
	return ""
}

func (r response) str(name string) string {
	v, _ := r.body[name].(string)
	return v
}

func (r response) values() []map[string]any {
	var out []map[string]any
	vs, _ := r.body["value"].([]any)
	for _, v := range vs {
		out = append(out, v.(map[string]any))
	}
	return out
}

// do sends method url with body (JSON-encoded unless nil) and headers
// given as "Name: value".
func (c *client) do(method, u string, body any, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	if strings.HasPrefix(u, "/") {
		u = graphV1 + u
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := c.s.HTTPClient().Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	out := response{status: resp.StatusCode, header: resp.Header}
	out.raw, _ = io.ReadAll(resp.Body)
	if len(out.raw) > 0 && strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(out.raw, &out.body); err != nil {
			c.t.Fatalf("%s %s: decoding %q: %v", method, u, out.raw, err)
		}
	}
	return out
}

// must is do that fails the test unless the status is want.
func (c *client) must(want int, method, u string, body any, headers ...string) response {
	c.t.Helper()
	r := c.do(method, u, body, headers...)
	if r.status != want {
		c.t.Fatalf("%s %s: HTTP %d, want %d: %s", method, u, r.status, want, r.raw)
	}
	return r
}

// newApp is an application created through Graph with its service
// principal and a secret; roles are app roles assigned on the resource
// (Graph or SharePoint, by appId).
type newApp struct {
	id, appID, spID, secret string
}

func (c *client) spOf(appID string) string {
	c.t.Helper()
	return c.must(http.StatusOK, "GET", "/servicePrincipals(appId='"+appID+"')", nil).str("id")
}

// createApp registers name with a secret and a service principal and
// assigns it the named app roles of resourceAppID.
func (c *client) createApp(name, resourceAppID string, roles ...string) newApp {
	c.t.Helper()
	app := c.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": name})
	na := newApp{id: app.str("id"), appID: app.str("appId")}
	na.spID = c.must(http.StatusCreated, "POST", "/servicePrincipals", map[string]any{"appId": na.appID}).str("id")
	na.secret = c.must(http.StatusOK, "POST", "/applications/"+na.id+"/addPassword", map[string]any{"passwordCredential": map[string]any{"displayName": "test"}}).str("secretText")
	if len(roles) > 0 {
		c.assign(na.spID, resourceAppID, roles...)
	}
	return na
}

// assign gives principal SP the app roles of the resource.
func (c *client) assign(principalSP, resourceAppID string, roles ...string) {
	c.t.Helper()
	res := c.must(http.StatusOK, "GET", "/servicePrincipals(appId='"+resourceAppID+"')", nil)
	for _, role := range roles {
		roleID := ""
		for _, ar := range res.body["appRoles"].([]any) {
			if m := ar.(map[string]any); m["value"] == role {
				roleID = m["id"].(string)
			}
		}
		if roleID == "" {
			c.t.Fatalf("no app role %s on %s", role, resourceAppID)
		}
		c.must(http.StatusCreated, "POST", "/servicePrincipals/"+res.str("id")+"/appRoleAssignedTo",
			map[string]any{"principalId": principalSP, "resourceId": res.str("id"), "appRoleId": roleID})
	}
}

// grant gives client SP an AllPrincipals delegated grant on the resource.
func (c *client) grant(clientSP, resourceAppID, scope string) string {
	c.t.Helper()
	res := c.spOf(resourceAppID)
	return c.must(http.StatusCreated, "POST", "/oauth2PermissionGrants", map[string]any{
		"clientId": clientSP, "consentType": "AllPrincipals", "resourceId": res, "scope": scope}).str("id")
}

// appClient is a client holding the app's own app-only Graph token.
func (c *client) appClient(na newApp) *client {
	c.t.Helper()
	return c.as(secretToken(c.t, c.s, na.appID, na.secret, "https://graph.microsoft.com/.default"))
}

// certificate makes a certificate with its key, and its base64 DER as
// keyCredentials take it.
func certificate(t testing.TB, s *Server, name string) (*x509.Certificate, *rsa.PrivateKey, string) {
	t.Helper()
	kp, err := newLeaf(s.clock.now(), s.ca, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	return kp.cert, kp.key, base64.StdEncoding.EncodeToString(kp.der)
}

// errorOf is the status and error code of a response, for cmp.Diff.
type errorOf struct {
	Status int
	Code   string
}

func errOf(r response) errorOf { return errorOf{r.status, r.code()} }

func (na newApp) String() string { return fmt.Sprintf("app %s (%s)", na.appID, na.id) }

// refusal is a request c sends that the tenant must answer with want.
type refusal struct {
	name   string
	c      *client
	method string
	path   string
	body   any
	want   errorOf
}

// checkRefusals sends each request and compares the status and error
// code of its answer.
func checkRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tt := range cases {
		if diff := cmp.Diff(tt.want, errOf(tt.c.do(tt.method, tt.path, tt.body))); diff != "" {
			t.Errorf("%s: %s %s (-want +got):\n%s", tt.name, tt.method, tt.path, diff)
		}
	}
}
