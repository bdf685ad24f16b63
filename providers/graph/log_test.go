package graph

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/auth"
)

func TestDebugLogNeverHoldsSecrets(t *testing.T) {
	const (
		token      = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.c2lnbmF0dXJlLWJ5dGVz"
		secretText = "Qx8~realSecretValue.FromGraph_0123456789"
		certKey    = "MIIDFakeBase64CertificateKeyMaterialAAAA"
		clientSec  = "client-secret-value-42"
		assertion  = "eyJhbGciOiJQUzI1NiJ9.eyJpc3MiOiJhcHAifQ.YXNzZXJ0aW9uLXNpZw"
		password   = "P@ssw0rd-of-alex"
	)
	calls := 0
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("request-id", "rid-123")
		switch {
		case strings.HasSuffix(r.URL.Path, "/addPassword") && calls == 1:
			writeJSON(w, 503, odataError("ServiceUnavailable", "try again"))
		case strings.HasSuffix(r.URL.Path, "/addPassword"):
			writeJSON(w, 200, `{"keyId":"k1","displayName":"web","hint":"Qx8","secretText":"`+secretText+`"}`)
		case r.URL.Path == "/v1.0/$batch":
			writeJSON(w, 200, `{"responses":[{"id":"0","status":200,"body":{"secretText":"`+secretText+`"}}]}`)
		default:
			w.WriteHeader(204)
		}
	})
	var log bytes.Buffer
	c, _ := testClient(t, handler, func(o *Options) {
		o.Log = &log
		o.Tokens = auth.TokenSourceFunc(func(context.Context, []string) (auth.Token, error) {
			return auth.Token{Value: token, ExpiresOn: time.Now().Add(time.Hour)}, nil
		})
	})
	ctx := context.Background()
	if err := c.Post(ctx, "/applications/obj-1/addPassword", map[string]any{"passwordCredential": map[string]string{"displayName": "web"}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Patch(ctx, "/applications/obj-1", map[string]any{"keyCredentials": []map[string]string{{"type": "AsymmetricX509Cert", "usage": "Verify", "key": certKey}}}, nil); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"client_id": {"app"}, "client_secret": {clientSec}, "client_assertion": {assertion}, "password": {password}}
	if _, err := c.Do(ctx, http.MethodPost, "https://contoso.sharepoint.com/_api/contextinfo?code="+clientSec, form, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Batch(ctx, []BatchRequest{{Method: "POST", URL: "/applications/obj-1/addPassword", Body: map[string]any{"passwordCredential": map[string]string{"displayName": "ci"}}}}); err != nil {
		t.Fatal(err)
	}

	out := log.String()
	for name, secret := range map[string]string{"token": token, "secretText": secretText, "key": certKey, "client_secret": clientSec, "client_assertion": assertion, "password": password} {
		if strings.Contains(out, secret) {
			t.Errorf("the debug log holds the %s:\n%s", name, out)
		}
	}
	if strings.Contains(strings.ToLower(out), "authorization") || strings.Contains(out, "Bearer") {
		t.Errorf("the debug log mentions the Authorization header:\n%s", out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`graph: POST https://graph\.microsoft\.com/v1\.0/applications/obj-1/addPassword attempt=1 status=503 duration=\S+ client-request-id=[0-9a-f-]{36} request-id=rid-123`),
		regexp.MustCompile(`graph: POST https://graph\.microsoft\.com/v1\.0/applications/obj-1/addPassword attempt=2 status=200 `),
		regexp.MustCompile(`graph: PATCH https://graph\.microsoft\.com/v1\.0/applications/obj-1 attempt=1 status=204 `),
		regexp.MustCompile(`request body: \{"passwordCredential":\{"displayName":"web"\}\}`),
		regexp.MustCompile(`response body: \{"displayName":"web","hint":"Qx8","keyId":"k1","secretText":"REDACTED"\}`),
		regexp.MustCompile(`"key":"REDACTED"`),
		regexp.MustCompile(`client_secret=REDACTED`),
		regexp.MustCompile(`contextinfo\?code=REDACTED`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the debug log lacks %s:\n%s", want, out)
		}
	}
}

func TestRedactBody(t *testing.T) {
	tests := []struct {
		contentType, body, want string
	}{
		{"application/json", `{"value":[{"secretText":"s","displayName":"d"}]}`, `{"value":[{"displayName":"d","secretText":"REDACTED"}]}`},
		{"application/json", `{"Password":"p","client-secret":"c","refresh_token":"r","nested":{"privateKey":"k"}}`, `{"Password":"REDACTED","client-secret":"REDACTED","nested":{"privateKey":"REDACTED"},"refresh_token":"REDACTED"}`},
		{"application/json", `{"message":"token eyJhbGciOi.eyJzdWIiOi.sig was refused"}`, `{"message":"token REDACTED was refused"}`},
		{"application/json", `{"secretText":null}`, `{"secretText":null}`},
		{"application/x-www-form-urlencoded", "client_id=a&client_secret=b", "client_id=a&client_secret=REDACTED"},
		{"application/octet-stream", "\x00\x01", "[2 bytes of application/octet-stream]"},
		{"text/html", "<html>", "[6 bytes of text/html]"},
		{"application/json", `{"broken"`, "[9 bytes of application/json]"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := redactBody(tt.contentType, []byte(tt.body), 0); got != tt.want {
			t.Errorf("redactBody(%q, %q) = %q; want %q", tt.contentType, tt.body, got, tt.want)
		}
	}
	long := `{"value":"` + strings.Repeat("a", 100) + `"}`
	if got := redactBody("application/json", []byte(long), 20); !strings.HasSuffix(got, "... [112 bytes in all]") || len(got) > 60 {
		t.Errorf("truncated body = %q", got)
	}
}
