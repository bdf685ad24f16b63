package auth

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/entraform/entraform/endpoint"
)

// App names an application registration to sign in as.
type App struct {
	// Cloud defaults to endpoint.Public().
	Cloud endpoint.Cloud
	// TenantID is the tenant GUID or a verified domain.
	TenantID string
	// ClientID is the application (client) id.
	ClientID string
	// HTTPClient carries every request to the identity platform; build it
	// on endpoint.Transport. nil means http.DefaultClient.
	HTTPClient *http.Client
	// SendCertificateChain sends the x5c header with certificate
	// assertions (subject name + issuer authentication).
	SendCertificateChain bool
}

// ConfidentialClient is an application signing in with its own credential
// (client credentials grant). Tokens are cached in memory by MSAL per scope
// set, so Token is cheap after the first call.
type ConfidentialClient struct {
	app    App
	client confidential.Client
	// mu lets one caller at a time ask MSAL: MSAL answers from its cache
	// in microseconds, but callers that arrive together on a cold cache
	// would each sign in (a refresh's first parallel requests did, up to
	// seven token requests where one is enough).
	mu sync.Mutex
}

// NewSecretClient signs in with a client secret.
func NewSecretClient(app App, secret string) (*ConfidentialClient, error) {
	if secret == "" {
		return nil, errors.New("client secret is empty")
	}
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		return nil, err
	}
	return newConfidential(app, cred)
}

// NewCertificateClient signs in with a certificate assertion signed by key
// (RSA). certs holds the certificate whose public key matches key, and
// optionally its chain.
func NewCertificateClient(app App, certs []*x509.Certificate, key crypto.PrivateKey) (*ConfidentialClient, error) {
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		return nil, fmt.Errorf("client certificate: %w", err)
	}
	return newConfidential(app, cred)
}

// AssertionFunc returns a signed JWT that proves the application's
// identity: a federated token from another issuer (workload identity).
// It is called whenever a new access token is needed and must be safe for
// concurrent use.
type AssertionFunc func(ctx context.Context) (string, error)

// NewAssertionClient signs in with a federated assertion.
func NewAssertionClient(app App, assertion AssertionFunc) (*ConfidentialClient, error) {
	if assertion == nil {
		return nil, errors.New("no assertion source")
	}
	cred := confidential.NewCredFromAssertionCallback(func(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
		return assertion(ctx)
	})
	return newConfidential(app, cred)
}

func newConfidential(app App, cred confidential.Credential) (*ConfidentialClient, error) {
	app.Cloud = app.Cloud.OrPublic()
	if app.TenantID == "" {
		return nil, errors.New("no tenant id")
	}
	if app.ClientID == "" {
		return nil, errors.New("no client id")
	}
	opts := []confidential.Option{}
	if app.HTTPClient != nil {
		opts = append(opts, confidential.WithHTTPClient(app.HTTPClient))
	}
	if app.SendCertificateChain {
		opts = append(opts, confidential.WithX5C())
	}
	c, err := confidential.New(app.Cloud.AuthorityURL(app.TenantID), app.ClientID, cred, opts...)
	if err != nil {
		return nil, fmt.Errorf("confidential client %s: %w", app.ClientID, err)
	}
	return &ConfidentialClient{app: app, client: c}, nil
}

// Token returns an app-only access token for scopes (normally one
// "<resource>/.default" scope), from MSAL's cache when it holds a valid one.
func (c *ConfidentialClient) Token(ctx context.Context, scopes []string) (Token, error) {
	c.mu.Lock()
	res, err := c.client.AcquireTokenByCredential(ctx, scopes)
	c.mu.Unlock()
	if err != nil {
		return Token{}, fmt.Errorf("token for %s as app %s: %w", scopesString(scopes), c.app.ClientID, signInError(err))
	}
	return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

func scopesString(scopes []string) string {
	switch len(scopes) {
	case 0:
		return "no scope"
	case 1:
		return scopes[0]
	}
	return fmt.Sprint(scopes)
}
