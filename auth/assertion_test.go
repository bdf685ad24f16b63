package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFederatedTokenFileIsReadEveryTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	get := FederatedTokenFile(path)
	for _, want := range []string{"first.jwt", "second.jwt"} {
		if err := os.WriteFile(path, []byte(want+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("assertion = %q; want %q (the rotated file)", got, want)
		}
	}
	os.WriteFile(path, nil, 0o600)
	if _, err := get(context.Background()); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("empty file: error = %v", err)
	}
}

func TestGitHubActionsToken(t *testing.T) {
	type seen struct{ Auth, Audience, Run string }
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = seen{Auth: r.Header.Get("Authorization"), Audience: r.URL.Query().Get("audience"), Run: r.URL.Query().Get("api-version")}
		if r.Header.Get("Authorization") != "Bearer request-token" {
			http.Error(w, `{"message":"bad token"}`, http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"count":1,"value":"header.claims.sig"}`))
	}))
	defer srv.Close()

	tok, err := GitHubActionsToken(srv.Client(), srv.URL+"/idtoken?api-version=2.0", "request-token", "")(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok != "header.claims.sig" {
		t.Errorf("token = %q", tok)
	}
	want := seen{Auth: "Bearer request-token", Audience: "api://AzureADTokenExchange", Run: "2.0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}

	_, err = GitHubActionsToken(srv.Client(), srv.URL+"/idtoken", "wrong", "")(context.Background())
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("refused request: error = %v; want the status and no request token", err)
	}
}
