package auth_test

import (
	"context"
	"testing"

	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// BenchmarkCachedToken measures a Token call served from MSAL's in-memory
// cache, which every Graph request makes: the operator's token source
// (auth.Operator with the tenant's client secret), once signed in.
func BenchmarkCachedToken(b *testing.B) {
	_, op := graphtest.Start(b, localtenant.Options{}, graph.Options{})
	src := op.Tokens
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
