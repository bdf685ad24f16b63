package localtenant

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// testApp describes an application a test registers straight in the
// store (the Graph routes are tested elsewhere).
type testApp struct {
	name           string
	web            []string
	publicClient   []string
	fallbackPublic bool
	noSP           bool
	roles          []string // Graph app roles to assign
	graphScopes    string   // AllPrincipals delegated grant on Graph
	spScopes       string   // AllPrincipals delegated grant on SharePoint
}

// registered is what a test gets back.
type registered struct {
	app    *Application
	sp     *ServicePrincipal
	secret string
}

func (r registered) appID() string { return r.app.AppID }

// register adds an application with a secret, its service principal,
// role assignments and grants, all created now on the tenant clock (so
// subject to replication delay).
func register(t *testing.T, s *Server, ta testApp) registered {
	t.Helper()
	var out registered
	err := s.write(func(st *Store) error {
		now := st.now()
		a := &Application{DisplayName: ta.name}
		a.Web.RedirectURIs = ta.web
		a.PublicClient.RedirectURIs = ta.publicClient
		if ta.fallbackPublic {
			v := true
			a.IsFallbackPublicClient = &v
		}
		normalizeApplication(a)
		out.secret = randomSecret()
		a.PasswordCredentials = []PasswordCredential{{
			KeyID: newID(), StartDateTime: now, EndDateTime: now.Add(24 * time.Hour),
			Hint: out.secret[:3], SecretHash: hashSecret(out.secret), Created: now,
		}}
		st.addApplication(a)
		out.app = a
		if ta.noSP {
			return nil
		}
		sp := &ServicePrincipal{AppID: a.AppID, DisplayName: a.DisplayName, ServicePrincipalType: "Application", AccountEnabled: true}
		st.addServicePrincipal(sp)
		out.sp = sp
		graph, _ := st.spByAppID(graphAppID, true)
		spo, _ := st.spByAppID(sharePointAppID, true)
		for _, role := range ta.roles {
			ar, ok := findAppRole(graph, role)
			if !ok {
				return fmt.Errorf("no Graph role %s", role)
			}
			st.addRoleAssignment(&AppRoleAssignment{AppRoleID: ar.ID, PrincipalID: sp.ID, ResourceID: graph.ID})
		}
		if ta.graphScopes != "" {
			st.addPermissionGrant(&OAuth2PermissionGrant{ClientID: sp.ID, ConsentType: "AllPrincipals", ResourceID: graph.ID, Scope: ta.graphScopes})
		}
		if ta.spScopes != "" {
			st.addPermissionGrant(&OAuth2PermissionGrant{ClientID: sp.ID, ConsentType: "AllPrincipals", ResourceID: spo.ID, Scope: ta.spScopes})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("register %s: %v", ta.name, err)
	}
	return out
}

// addCertificate registers a new certificate on the app and returns it
// with its key.
func addCertificate(t *testing.T, s *Server, app *Application) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	kp, err := newLeafWithKey(s.clock.now(), s.ca, "app cert", nil, testKey(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	err = s.write(func(st *Store) error {
		now := st.now()
		a, _ := st.appByID(app.ID, true)
		a.KeyCredentials = append(a.KeyCredentials, KeyCredential{
			KeyID: newID(), Type: "AsymmetricX509Cert", Usage: "Verify",
			CustomKeyIdentifier: fmt.Sprintf("%X", thumbprintSHA1(kp.der)),
			StartDateTime:       kp.cert.NotBefore, EndDateTime: kp.cert.NotAfter,
			CertDER: kp.der, Created: now,
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return kp.cert, kp.key
}

// addFederated adds a federated identity credential to the app.
func addFederated(t *testing.T, s *Server, app *Application, issuer, subject string) {
	t.Helper()
	err := s.write(func(st *Store) error {
		a, _ := st.appByID(app.ID, true)
		st.addFederatedCredential(a, &FederatedIdentityCredential{
			Name: "fic", Issuer: issuer, Subject: subject, Audiences: []string{"api://AzureADTokenExchange"},
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testKeys are RSA keys for test certificates, generated once per test
// process (RSA generation is slow); tests that need distinct keys use
// distinct indexes.
var testKeys = [3]func() (*rsa.PrivateKey, error){
	sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }),
	sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }),
	sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }),
}

func testKey(t *testing.T, i int) *rsa.PrivateKey {
	t.Helper()
	k, err := testKeys[i]()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// claims decodes a JWT's payload without checking it.
func claims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decoding JWT payload: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("decoding JWT payload: %v", err)
	}
	return c
}

// pick returns the named claims of a token for cmp.Diff.
func pick(c map[string]any, names ...string) map[string]any {
	out := map[string]any{}
	for _, n := range names {
		if v, ok := c[n]; ok {
			out[n] = v
		}
	}
	return out
}
