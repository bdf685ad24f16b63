package auth

import (
	"context"
	"testing"

	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/localtenant"
)

// BenchmarkCachedToken measures a Token call served from MSAL's in-memory
// cache, which every Graph request makes.
func BenchmarkCachedToken(b *testing.B) {
	s, err := localtenant.Start(context.Background(), localtenant.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		b.StopTimer()
		s.Close()
	}()
	hc, err := endpoint.NewHTTPClient(s.Getenv)
	if err != nil {
		b.Fatal(err)
	}
	src, _, err := Operator(context.Background(), OperatorOptions{Getenv: s.Getenv, HTTPClient: hc})
	if err != nil {
		b.Fatal(err)
	}
	scopes := []string{"https://graph.microsoft.com/.default"}
	if _, err := src.Token(context.Background(), scopes); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := src.Token(context.Background(), scopes); err != nil {
			b.Fatal(err)
		}
	}
}
