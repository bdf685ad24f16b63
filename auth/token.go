package auth

import (
	"context"
	"fmt"
	"time"
)

// Token is an OAuth access token.
type Token struct {
	// Value is the bearer token. Never log or print it.
	Value string
	// ExpiresOn is when the token stops being accepted.
	ExpiresOn time.Time
}

// TokenSource hands out access tokens for a set of scopes, such as
// ["https://graph.microsoft.com/.default"]. Implementations cache tokens:
// calling Token for every HTTP request is cheap. They are safe for
// concurrent use.
type TokenSource interface {
	Token(ctx context.Context, scopes []string) (Token, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context, scopes []string) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context, scopes []string) (Token, error) {
	return f(ctx, scopes)
}

// Description says which operator credential was chosen, for messages such
// as "signed in with a client secret (AZURE_CLIENT_SECRET) as app ... in
// tenant ...". It holds no secret.
type Description struct {
	// Method is "client secret", "client certificate", "federated token file",
	// "GitHub Actions OIDC" or "device code".
	Method string
	// Source names the variable the credential came from ("" for device code).
	Source   string
	TenantID string
	ClientID string
}

// String renders the description for people.
func (d Description) String() string {
	s := d.Method
	if d.Source != "" {
		s += " (" + d.Source + ")"
	}
	if d.ClientID != "" {
		s += fmt.Sprintf(" as app %s", d.ClientID)
	}
	if d.TenantID != "" {
		s += fmt.Sprintf(" in tenant %s", d.TenantID)
	}
	return s
}
