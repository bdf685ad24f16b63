package policy

import "testing"

// TestInsecureURI: wildcards anywhere, plain http except loopback. The
// configuration refuses non-loopback http itself; the rule keeps the
// guarantee, and this test keeps the rule.
func TestInsecureURI(t *testing.T) {
	tests := []struct {
		uri      string
		insecure bool
	}{
		{"https://app.contoso.com/auth", false},
		{"http://localhost:5555/getAToken", false},
		{"http://127.0.0.1/cb", false},
		{"http://[::1]:8080/cb", false},
		{"msal0a0b://auth", false},
		{"https://*.contoso.com/auth", true},
		{"https://app.contoso.com/*", true},
		{"http://app.contoso.com/auth", true},
		{"http://localhost.contoso.com/auth", true},
	}
	for _, tt := range tests {
		if got := insecureURI(tt.uri) != ""; got != tt.insecure {
			t.Errorf("%s: insecure = %v, want %v", tt.uri, got, tt.insecure)
		}
	}
}
