package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// CallerObjectID returns the object id (the oid claim) of whoever the
// client's Graph tokens stand for: the operator's user or service
// principal. It reads the claims of the token the client uses anyway
// (no request of its own) and does not verify it: Graph does.
func (c *Client) CallerObjectID(ctx context.Context) (string, error) {
	host := strings.SplitN(strings.TrimPrefix(c.base, "https://"), "/", 2)[0]
	scope, _ := c.cloud.ScopeForHost(host)
	tok, err := c.tokens.Token(ctx, []string{scope})
	if err != nil {
		return "", &TokenError{Scope: scope, Err: err}
	}
	parts := strings.Split(tok.Value, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("the Graph token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", fmt.Errorf("decoding the Graph token's claims: %w", err)
	}
	var claims struct {
		OID string `json:"oid"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", fmt.Errorf("decoding the Graph token's claims: %w", err)
	}
	return strings.ToLower(claims.OID), nil
}
