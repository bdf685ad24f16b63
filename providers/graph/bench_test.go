package graph

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkGet measures one Get through the whole chain (retry, auth,
// TLS to a local server, JSON decode) against a trivial handler.
func BenchmarkGet(b *testing.B) {
	c, _ := testClient(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"1","appId":"a","displayName":"x"}`)
	}))
	ctx := context.Background()
	var out struct{ ID, AppID, DisplayName string }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Get(ctx, "/applications/1", &out); err != nil {
			b.Fatal(err)
		}
	}
}
