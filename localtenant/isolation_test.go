package localtenant

import (
	"net/http"
	"testing"
)

// Two local tenants in one process (same domain, same tenant id) share a
// token-signing key for speed, but each accepts only the tokens it issued.
func TestTenantsRefuseEachOthersTokens(t *testing.T) {
	a := start(t, Options{})
	b := start(t, Options{})
	tok := operatorToken(t, a, "https://graph.microsoft.com")
	if status, _, _ := getJSON(t, a, "https://graph.microsoft.com/v1.0/sites/root", tok); status != http.StatusOK {
		t.Fatalf("tenant a refuses its own token: %d", status)
	}
	if status, _, _ := getJSON(t, b, "https://graph.microsoft.com/v1.0/sites/root", tok); status != http.StatusUnauthorized {
		t.Errorf("tenant b answered %d to tenant a's token, want 401", status)
	}
}
