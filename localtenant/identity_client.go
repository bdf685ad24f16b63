package localtenant

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const assertionTypeJWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// clientAuth is the outcome of client authentication at the token
// endpoint.
type clientAuth struct {
	app      *Application
	acr      string // ACRPublic, ACRSecret, ACRCertificate
	credType string // "none", "secret", "certificate", "federated"
}

// authenticated reports whether the client proved a credential.
func (c *clientAuth) authenticated() bool { return c.acr != ACRPublic }

// authenticateClient finds the client application and checks the
// credential it sent, if any: client_secret (AADSTS7000215 wrong or not
// yet replicated, 7000222 expired), a certificate client_assertion
// (iss = sub = client id, x5t or x5t#S256 naming one of the app's
// certificates, aud = this token endpoint), or a federated client
// assertion from an external issuer (AADSTS700213 when no federated
// identity credential matches). With no credential acr is ACRPublic; the
// grant decides whether that is allowed.
func (s *Server) authenticateClient(ctx context.Context, r *http.Request, form url.Values) (*clientAuth, *aadError) {
	clientID := form.Get("client_id")
	secret := form.Get("client_secret")
	if user, pass, ok := r.BasicAuth(); ok {
		clientID, secret = user, pass
	}
	assertion := form.Get("client_assertion")
	var aHeader jose.Header
	var aClaims map[string]any
	if assertion != "" {
		if t := form.Get("client_assertion_type"); t != assertionTypeJWTBearer {
			return nil, newAADError(http.StatusBadRequest, "invalid_request", 50027,
				"client_assertion_type must be %s.", assertionTypeJWTBearer)
		}
		var err error
		aHeader, aClaims, err = unverifiedJWT(assertion)
		if err != nil {
			return nil, newAADError(http.StatusBadRequest, "invalid_request", 50027, "JWT token is invalid or malformed. %v", err)
		}
		if clientID == "" {
			clientID = claimString(aClaims, "sub")
		}
	}
	if clientID == "" {
		return nil, newAADError(http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'client_id'.")
	}
	app, aerr := s.signInApp(clientID)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case assertion != "":
		iss := claimString(aClaims, "iss")
		if strings.EqualFold(iss, app.AppID) {
			if err := s.checkCertificateAssertion(r, app, assertion, aHeader, aClaims); err != nil {
				return nil, err
			}
			if err := s.checkAssertionReplay(app.AppID, aClaims); err != nil {
				return nil, err
			}
			return &clientAuth{app: app, acr: ACRCertificate, credType: "certificate"}, nil
		}
		if err := s.checkFederatedAssertion(ctx, app, assertion, aHeader, aClaims); err != nil {
			return nil, err
		}
		return &clientAuth{app: app, acr: ACRCertificate, credType: "federated"}, nil
	case secret != "":
		if err := s.checkSecret(app, secret); err != nil {
			return nil, err
		}
		return &clientAuth{app: app, acr: ACRSecret, credType: "secret"}, nil
	}
	return &clientAuth{app: app, acr: ACRPublic, credType: "none"}, nil
}

// checkSecret compares secret with the app's password credentials.
func (s *Server) checkSecret(app *Application, secret string) *aadError {
	hash := hashSecret(secret)
	var match *PasswordCredential
	var visible bool
	s.read(func(st *Store) {
		for i := range app.PasswordCredentials {
			p := &app.PasswordCredentials[i]
			if subtle.ConstantTimeCompare([]byte(p.SecretHash), []byte(hash)) == 1 {
				cp := *p
				match = &cp
				visible = st.credentialVisible(p.Created)
			}
		}
	})
	if match == nil || !visible {
		return newAADError(http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", app.AppID)
	}
	if now := s.clock.now(); now.After(match.EndDateTime) {
		return newAADError(http.StatusUnauthorized, "invalid_client", 7000222,
			"The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", app.AppID)
	}
	return nil
}

// checkTimes checks exp and nbf of a client assertion (5 minutes skew).
// The assertion is made with the client's clock, so it passes when it is
// valid on the tenant clock or on the wall clock: after AdvanceClock a
// client's fresh assertion still works, and so does a GitHub token the
// tenant minted on its own clock.
func (s *Server) checkTimes(claims map[string]any) *aadError {
	const skew = 5 * time.Minute
	valid := func(now time.Time) bool {
		exp, ok := claimTime(claims, "exp")
		if !ok || now.After(exp.Add(skew)) {
			return false
		}
		nbf, ok := claimTime(claims, "nbf")
		return !ok || !now.Add(skew).Before(nbf)
	}
	now := s.clock.now()
	if valid(now) || valid(time.Now()) {
		return nil
	}
	return newAADError(http.StatusBadRequest, "invalid_client", 700024,
		"Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s.",
		now.Format(time.RFC3339), fmtClaimTime(claims, "nbf"), fmtClaimTime(claims, "exp"))
}

func fmtClaimTime(claims map[string]any, name string) string {
	if t, ok := claimTime(claims, name); ok {
		return t.UTC().Format(time.RFC3339)
	}
	return "(none)"
}

// checkCertificateAssertion validates a client assertion signed with one
// of the app's certificates.
func (s *Server) checkCertificateAssertion(r *http.Request, app *Application, raw string, h jose.Header, claims map[string]any) *aadError {
	if sub := claimString(claims, "sub"); !strings.EqualFold(sub, app.AppID) {
		return newAADError(http.StatusUnauthorized, "invalid_client", 700023,
			"Client assertion audience claim does not match Realm issuer. The 'sub' claim must be the client id '%s'.", app.AppID)
	}
	var thumb []byte
	var sha256Mode bool
	if v, ok := h.ExtraHeaders["x5t#S256"].(string); ok {
		thumb, sha256Mode = decodeThumbprint(v), true
	} else if v, ok := h.ExtraHeaders["x5t"].(string); ok {
		thumb = decodeThumbprint(v)
	}
	var cert *KeyCredential
	s.read(func(st *Store) {
		for i := range app.KeyCredentials {
			k := &app.KeyCredentials[i]
			if len(k.CertDER) == 0 || !st.credentialVisible(k.Created) {
				continue
			}
			tp := thumbprintSHA1(k.CertDER)
			if sha256Mode {
				tp = thumbprintSHA256(k.CertDER)
			}
			if thumb != nil && bytes.Equal(tp, thumb) {
				cp := *k
				cert = &cp
			}
		}
	})
	if cert == nil {
		return newAADError(http.StatusUnauthorized, "invalid_client", 700027,
			"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%X', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'.]", thumb, app.AppID)
	}
	parsed, err := x509.ParseCertificate(cert.CertDER)
	if err != nil {
		return newAADError(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - the registered key is not a certificate: %v]", err)
	}
	pub, ok := parsed.PublicKey.(*rsa.PublicKey)
	if !ok {
		return newAADError(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - the registered key is not an RSA key.]")
	}
	if _, err := verifyJWT(raw, pub); err != nil {
		return newAADError(http.StatusUnauthorized, "invalid_client", 700027,
			"Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%X']", thumb)
	}
	if now := s.clock.now(); now.After(cert.EndDateTime) || now.Before(cert.StartDateTime.Add(-5*time.Minute)) {
		return newAADError(http.StatusUnauthorized, "invalid_client", 700027,
			"Client assertion failed signature validation. [Reason - The key used is expired., Thumbprint of key used by client: '%X']", thumb)
	}
	if aerr := s.checkTimes(claims); aerr != nil {
		return aerr
	}
	if !s.isTokenEndpoint(r, claimAudiences(claims)) {
		return newAADError(http.StatusUnauthorized, "invalid_client", 700212,
			"No matching federated identity record found for presented assertion audience '%s'. The audience of a client assertion must be the token endpoint.", strings.Join(claimAudiences(claims), " "))
	}
	return nil
}

// isTokenEndpoint reports whether one of auds is this tenant's token
// endpoint on a login host (v2.0 or v1 path, tenant as id or domain).
func (s *Server) isTokenEndpoint(r *http.Request, auds []string) bool {
	for _, a := range auds {
		u, err := url.Parse(a)
		if err != nil || u.Scheme != "https" || hostKindOf(u.Hostname()) != HostLogin {
			continue
		}
		parts := splitPath(u.EscapedPath())
		if len(parts) >= 2 && s.resolveTenant(parts[0]) {
			rest := strings.ToLower(strings.Join(parts[1:], "/"))
			if rest == "oauth2/v2.0/token" || rest == "oauth2/token" {
				return true
			}
		}
	}
	return false
}

// checkFederatedAssertion validates a token from an external issuer
// against the app's federated identity credentials and the issuer's keys.
func (s *Server) checkFederatedAssertion(ctx context.Context, app *Application, raw string, h jose.Header, claims map[string]any) *aadError {
	iss := claimString(claims, "iss")
	sub := claimString(claims, "sub")
	auds := claimAudiences(claims)
	var match bool
	var issuerKnown bool
	s.read(func(st *Store) {
		for _, f := range st.federatedCredentials(app, false) {
			if f.Issuer != iss {
				continue
			}
			issuerKnown = true
			if f.Subject != sub {
				continue
			}
			for _, a := range f.Audiences {
				for _, got := range auds {
					if a == got {
						match = true
					}
				}
			}
		}
	})
	if !match {
		if !issuerKnown {
			return newAADError(http.StatusUnauthorized, "invalid_client", 700211,
				"No matching federated identity record found for presented assertion issuer '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation", iss)
		}
		return newAADError(http.StatusUnauthorized, "invalid_client", 700213,
			"No matching federated identity record found for presented assertion subject '%s'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation", sub)
	}
	pub, err := s.issuerKey(ctx, iss, h.KeyID)
	if err != nil {
		return newAADError(http.StatusBadRequest, "invalid_client", 50166,
			"Request to External OIDC endpoint failed. Unable to fetch the signing keys of issuer '%s': %v", iss, err)
	}
	if _, err := verifyJWT(raw, pub); err != nil {
		return newAADError(http.StatusBadRequest, "invalid_client", 700226,
			"Client assertion failed signature validation: the signature of the token from issuer '%s' is invalid.", iss)
	}
	return s.checkTimes(claims)
}

// issuerKey finds the RSA key kid of an OIDC issuer: the GitHub Actions
// emulation directly, any other issuer through its discovery document and
// JWKS fetched with Options.IssuerHTTPClient.
func (s *Server) issuerKey(ctx context.Context, issuer, kid string) (*rsa.PublicKey, error) {
	if issuer == githubIssuer {
		sg, err := s.github()
		if err != nil {
			return nil, err
		}
		if kid != "" && kid != sg.kid {
			return nil, fmt.Errorf("no key %q", kid)
		}
		return &sg.key.key.PublicKey, nil
	}
	var disc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := s.fetchJSON(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	if disc.JWKSURI == "" {
		return nil, fmt.Errorf("discovery document has no jwks_uri")
	}
	var set jose.JSONWebKeySet
	if err := s.fetchJSON(ctx, disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	for _, k := range set.Keys {
		if kid != "" && k.KeyID != kid {
			continue
		}
		if pub, ok := k.Key.(*rsa.PublicKey); ok {
			return pub, nil
		}
	}
	return nil, fmt.Errorf("no RSA key %q in %s", kid, disc.JWKSURI)
}

func (s *Server) fetchJSON(ctx context.Context, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := s.issuers.Do(req)
	if err != nil {
		return fmt.Errorf("fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching %s: HTTP %d", u, resp.StatusCode)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decoding %s: %w", u, err)
	}
	return nil
}

// publicFlowAllowed reports whether the app may use public client flows
// (device code, password, interactive without a secret).
func publicFlowAllowed(a *Application) bool {
	return len(a.PublicClient.RedirectURIs) > 0 || (a.IsFallbackPublicClient != nil && *a.IsFallbackPublicClient)
}

// errNeedCredential is AADSTS7000218.
func errNeedCredential() *aadError {
	return newAADError(http.StatusUnauthorized, "invalid_client", 7000218,
		"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
}
