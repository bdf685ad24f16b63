package graphtest

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph"
)

// Operator is a local tenant's operator, signed in.
type Operator struct {
	HTTPClient *http.Client     // dials the tenant for every host name
	Tokens     auth.TokenSource // the operator's tokens (client secret)
	Graph      *graph.Client
}

// Connect signs in to s as its operator. opts configures the Graph
// client; Connect sets its Tokens and HTTPClient.
func Connect(ctx context.Context, s *localtenant.Server, opts graph.Options) (*Operator, error) {
	hc, err := endpoint.NewHTTPClient(s.Getenv)
	if err != nil {
		return nil, fmt.Errorf("local tenant client: %w", err)
	}
	tokens, _, err := auth.Operator(ctx, auth.OperatorOptions{Getenv: s.Getenv, HTTPClient: hc})
	if err != nil {
		return nil, fmt.Errorf("local tenant operator: %w", err)
	}
	opts.Tokens, opts.HTTPClient = tokens, hc
	g, err := graph.New(opts)
	if err != nil {
		return nil, fmt.Errorf("local tenant Graph client: %w", err)
	}
	return &Operator{HTTPClient: hc, Tokens: tokens, Graph: g}, nil
}

// Start starts a local tenant for one test and signs in to it. When the
// test ends the client's idle connections close first, then the tenant
// (an HTTP/2 connection the client kept open would hold the server's
// shutdown for a second).
func Start(t testing.TB, tenant localtenant.Options, opts graph.Options) (*localtenant.Server, *Operator) {
	t.Helper()
	s := Tenant(t, tenant)
	op, err := Connect(context.Background(), s, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(op.HTTPClient.CloseIdleConnections)
	return s, op
}

// Tenant starts a local tenant for one test, closed when the test ends,
// for tests that sign in on their own (or run entraform, which does).
func Tenant(t testing.TB, opts localtenant.Options) *localtenant.Server {
	t.Helper()
	s, err := localtenant.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("starting the local tenant: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
