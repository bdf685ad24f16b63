package graph

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
)

// authTransport adds "Authorization: Bearer <token>" to requests for the
// cloud's Graph and SharePoint hosts (over https only), with the scope the
// host needs. Requests to any other host pass through without a token.
type authTransport struct {
	next   http.RoundTripper
	tokens auth.TokenSource
	cloud  endpoint.Cloud
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	scope, ok := t.cloud.ScopeForHost(req.URL.Hostname())
	if !ok || req.URL.Scheme != "https" {
		return t.next.RoundTrip(req)
	}
	tok, err := t.tokens.Token(req.Context(), []string{scope})
	if err != nil {
		closeBody(req)
		return nil, &TokenError{Scope: scope, Err: err}
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok.Value)
	return t.next.RoundTrip(r)
}

// TokenError is a failure to get a token for a request; it is never retried
// by the client (the token source has its own retries).
type TokenError struct {
	Scope string
	Err   error
}

// Error is the token source's error, which names the scope already when it
// comes from package auth.
func (e *TokenError) Error() string {
	if strings.Contains(e.Err.Error(), e.Scope) {
		return e.Err.Error()
	}
	return fmt.Sprintf("getting a token for %s: %v", e.Scope, e.Err)
}
func (e *TokenError) Unwrap() error { return e.Err }

// closeBody honours the RoundTripper contract of closing the body on error.
func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
