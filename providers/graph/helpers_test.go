package graph

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/endpoint/endpointtest"
)

// fakeClock is the client's clock in tests: Sleep records the wait and
// moves time forward at once.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// scopeTokens hands out "token-for <scope>" and counts calls.
func scopeTokens() auth.TokenSource {
	return auth.TokenSourceFunc(func(_ context.Context, scopes []string) (auth.Token, error) {
		return auth.Token{Value: "token-for " + scopes[0], ExpiresOn: time.Now().Add(time.Hour)}, nil
	})
}

// testClient starts h behind the real host names and returns a client
// pointed at it with a fake clock whose jitter always takes the full range.
func testClient(t testing.TB, h http.Handler, mod ...func(*Options)) (*Client, *fakeClock) {
	t.Helper()
	srv := endpointtest.NewServer(t, h)
	clock := newFakeClock()
	opts := Options{
		Tokens:     scopeTokens(),
		Cloud:      endpoint.Public(),
		HTTPClient: srv.Client(t),
		Sleep:      clock.Sleep,
		Now:        clock.Now,
		Jitter:     func(d time.Duration) time.Duration { return d },
	}
	for _, m := range mod {
		m(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, clock
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

func odataError(code, message string) string {
	return `{"error":{"code":"` + code + `","message":"` + message + `","innerError":{"request-id":"inner-id"}}}`
}

// tokenFunc is a token source whose every call runs f.
func tokenFunc(f func() error) auth.TokenSource {
	return auth.TokenSourceFunc(func(context.Context, []string) (auth.Token, error) {
		if err := f(); err != nil {
			return auth.Token{}, err
		}
		return auth.Token{Value: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
	})
}
