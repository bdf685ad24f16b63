package localtenant

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Lifetimes of what the token endpoint issues.
const (
	accessTokenLifetime  = time.Hour
	refreshTokenLifetime = 90 * 24 * time.Hour
)

// appidacr values: how the client authenticated.
const (
	ACRPublic      = "0" // public client: no credential
	ACRSecret      = "1" // client secret
	ACRCertificate = "2" // certificate or federated assertion
)

// Caller is the validated identity behind a Graph or SharePoint request,
// read from its access token.
type Caller struct {
	TenantID string
	Audience string // "https://graph.microsoft.com", "https://contoso.sharepoint.com"
	AppID    string // appid: the client application's id
	AppName  string // app_displayname
	// AppIDACR is how the client authenticated: ACRPublic, ACRSecret or
	// ACRCertificate.
	AppIDACR string
	// AppOnly is true for client-credential tokens (idtyp "app").
	AppOnly bool
	// ServicePrincipalID is the client's service principal object id.
	ServicePrincipalID string
	Roles              []string // app-only: app role values
	Scopes             []string // delegated: scp split on spaces

	// Delegated tokens only.
	UserID string // oid
	UPN    string
	Name   string

	Claims map[string]any
}

// HasAny reports whether the token carries one of perms: as an app role
// for app-only callers, as a scope for delegated callers.
func (c *Caller) HasAny(perms ...string) bool {
	have := c.Scopes
	if c.AppOnly {
		have = c.Roles
	}
	for _, p := range perms {
		for _, h := range have {
			if strings.EqualFold(h, p) {
				return true
			}
		}
	}
	return false
}

// signer signs tokens with one RSA key named by kid/x5t.
type signer struct {
	key  *keyPair
	kid  string // base64url SHA-1 thumbprint, as Entra's kid and x5t
	jose jose.Signer
}

func newSigner(kp *keyPair) (*signer, error) {
	sum := sha1.Sum(kp.der)
	kid := base64.RawURLEncoding.EncodeToString(sum[:])
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid).WithHeader("x5t", kid)
	js, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: kp.key}, opts)
	if err != nil {
		return nil, fmt.Errorf("token signer: %w", err)
	}
	return &signer{key: kp, kid: kid, jose: js}, nil
}

// sign serialises claims as a compact JWS.
func (sg *signer) sign(claims map[string]any) (string, error) {
	tok, err := jwt.Signed(sg.jose).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	return tok, nil
}

// jwk is the public key as a JWKS entry (kid, x5t, n, e, x5c).
func (sg *signer) jwk() map[string]any {
	pub := sg.key.key.PublicKey
	return map[string]any{
		"kty": "RSA",
		"use": "sig",
		"kid": sg.kid,
		"x5t": sg.kid,
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(bigEndian(pub.E)),
		"x5c": []string{base64.StdEncoding.EncodeToString(sg.key.der)},
	}
}

func bigEndian(e int) []byte {
	var b []byte
	for e > 0 {
		b = append([]byte{byte(e)}, b...)
		e >>= 8
	}
	return b
}

// verify checks the signature of a compact JWT against pub and returns its
// claims. Accepted algorithms: RS256 and PS256 (MSAL signs assertions
// with PS256).
// ownToken checks a token this tenant issued: its signature, and that its
// header names this tenant's signing certificate. Servers of one process
// may share a signing key (see processTokenKeys), never a certificate, so
// a token from another local tenant is refused as a real tenant would.
func (s *Server) ownToken(raw string) (map[string]any, error) {
	h, _, err := unverifiedJWT(raw)
	if err != nil {
		return nil, err
	}
	if h.KeyID != s.signer.kid {
		return nil, fmt.Errorf("the token was not signed with this tenant's key (kid %q)", h.KeyID)
	}
	return verifyJWT(raw, &s.signer.key.key.PublicKey)
}

func verifyJWT(raw string, pub *rsa.PublicKey) (map[string]any, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.PS256})
	if err != nil {
		return nil, fmt.Errorf("malformed token: %w", err)
	}
	var claims map[string]any
	if err := tok.Claims(pub, &claims); err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	return claims, nil
}

// unverifiedJWT reads the header and claims of a JWT without checking the
// signature (to find which key to check it with).
func unverifiedJWT(raw string) (jose.Header, map[string]any, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384})
	if err != nil {
		return jose.Header{}, nil, fmt.Errorf("malformed token: %w", err)
	}
	if len(tok.Headers) != 1 {
		return jose.Header{}, nil, errors.New("malformed token: want one signature")
	}
	var claims map[string]any
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return jose.Header{}, nil, fmt.Errorf("malformed token: %w", err)
	}
	return tok.Headers[0], claims, nil
}

// claimString reads a string claim.
func claimString(c map[string]any, name string) string {
	s, _ := c[name].(string)
	return s
}

// claimTime reads a NumericDate claim.
func claimTime(c map[string]any, name string) (time.Time, bool) {
	switch v := c[name].(type) {
	case float64:
		return time.Unix(int64(v), 0), true
	case json.Number:
		n, err := v.Int64()
		return time.Unix(n, 0), err == nil
	}
	return time.Time{}, false
}

// claimAudiences reads aud as a list (a string or an array).
func claimAudiences(c map[string]any) []string {
	switch v := c["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// tokenError is why an access token was refused; the message is what
// Graph puts in its InvalidAuthenticationToken error.
type tokenError struct{ msg string }

func (e *tokenError) Error() string { return e.msg }

// ValidateAccessToken checks an access token this tenant issued: the
// signature, exp/nbf on the tenant clock (5 minutes skew), the issuer and
// the audience, which must be one of audiences (any audience when none is
// given). It returns the caller.
func (s *Server) ValidateAccessToken(raw string, audiences ...string) (*Caller, error) {
	claims, err := s.ownToken(raw)
	if err != nil {
		return nil, &tokenError{"IDX10511: Signature validation failed. " + err.Error()}
	}
	if claimString(claims, "typ") == "refresh" {
		return nil, &tokenError{"Access token validation failure. Invalid token type."}
	}
	now := s.clock.now()
	const skew = 5 * time.Minute
	if exp, ok := claimTime(claims, "exp"); !ok || now.After(exp.Add(skew)) {
		return nil, &tokenError{"Lifetime validation failed, the token is expired."}
	}
	if nbf, ok := claimTime(claims, "nbf"); ok && now.Add(skew).Before(nbf) {
		return nil, &tokenError{"Lifetime validation failed, the token is not yet valid."}
	}
	if iss := claimString(claims, "iss"); iss != s.accessTokenIssuer() {
		return nil, &tokenError{"Access token validation failure. Invalid issuer."}
	}
	if tid := claimString(claims, "tid"); !strings.EqualFold(tid, s.tenantID) {
		return nil, &tokenError{"Access token validation failure. Invalid tenant: the token was issued for tenant '" + tid + "', not this one."}
	}
	aud := claimAudiences(claims)
	if len(audiences) > 0 {
		ok := false
		for _, want := range audiences {
			for _, got := range aud {
				if strings.EqualFold(strings.TrimSuffix(got, "/"), strings.TrimSuffix(want, "/")) {
					ok = true
				}
			}
		}
		if !ok {
			return nil, &tokenError{"Access token validation failure. Invalid audience."}
		}
	}
	c := &Caller{
		TenantID: claimString(claims, "tid"),
		AppID:    claimString(claims, "appid"),
		AppName:  claimString(claims, "app_displayname"),
		AppIDACR: claimString(claims, "appidacr"),
		AppOnly:  claimString(claims, "idtyp") == "app",
		UPN:      claimString(claims, "upn"),
		Name:     claimString(claims, "name"),
		Claims:   claims,
	}
	if len(aud) > 0 {
		c.Audience = aud[0]
	}
	if roles, ok := claims["roles"].([]any); ok {
		for _, r := range roles {
			if v, ok := r.(string); ok {
				c.Roles = append(c.Roles, v)
			}
		}
	}
	if scp := claimString(claims, "scp"); scp != "" {
		c.Scopes = strings.Fields(scp)
	}
	if c.AppOnly {
		c.ServicePrincipalID = claimString(claims, "oid")
	} else {
		c.UserID = claimString(claims, "oid")
		s.read(func(st *Store) {
			if sp, ok := st.spByAppID(c.AppID, true); ok {
				c.ServicePrincipalID = sp.ID
			}
		})
	}
	return c, nil
}

// accessTokenIssuer is the v1.0 issuer Graph and SharePoint see.
func (s *Server) accessTokenIssuer() string {
	return "https://sts.windows.net/" + s.tenantID + "/"
}

// callerKey is the context key of the validated caller.
type callerKey struct{}

// callerOf returns the validated caller of a Graph or SharePoint route
// (nil on Public routes).
func callerOf(r *http.Request) *Caller {
	c, _ := r.Context().Value(callerKey{}).(*Caller)
	return c
}

func withCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// bearerToken extracts the token from "Authorization: Bearer ...".
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// thumbprints of a DER certificate: SHA-1 and SHA-256.
func thumbprintSHA1(der []byte) []byte {
	sum := sha1.Sum(der)
	return sum[:]
}

func thumbprintSHA256(der []byte) []byte {
	sum := sha256.Sum256(der)
	return sum[:]
}

// decodeThumbprint reads an x5t header value in either base64 alphabet.
func decodeThumbprint(v string) []byte {
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return b
		}
	}
	return nil
}

// containsFold reports whether list holds v, ignoring case.
func containsFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, v) })
}
