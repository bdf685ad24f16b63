package auth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// The tests that sign in against a local tenant share these helpers: a
// started tenant with the operator signed in to Graph (to register
// credentials), the tenant's environment, a new process's HTTP client,
// and the claims of a token.

type tenant struct {
	s       *localtenant.Server
	g       *graph.Client
	graphSP struct {
		ID       string `json:"id"`
		AppRoles []struct {
			ID    string `json:"id"`
			Value string `json:"value"`
		} `json:"appRoles"`
	}
}

func start(t *testing.T) *tenant {
	t.Helper()
	s, op := graphtest.Start(t, localtenant.Options{}, graph.Options{})
	tn := &tenant{s: s, g: op.Graph}
	if err := tn.g.Get(context.Background(), "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')", &tn.graphSP); err != nil {
		t.Fatal(err)
	}
	return tn
}

// getenv is the tenant's environment changed by pairs (an empty value
// removes the variable).
func (tn *tenant) getenv(pairs ...string) func(string) string {
	set := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		set[pairs[i]] = pairs[i+1]
	}
	return func(k string) string {
		if v, ok := set[k]; ok {
			return v
		}
		return tn.s.Getenv(k)
	}
}

// httpClient is a new client that dials the tenant for every host name,
// as a new entraform process would have. It runs before the tenant's
// Close (cleanups run last first), which then need not wait for its idle
// connections.
func (tn *tenant) httpClient(t *testing.T) *http.Client {
	t.Helper()
	c, err := endpoint.NewHTTPClient(tn.s.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// claims are the payload of a JWT, decoded without checking it.
type claims struct {
	Aud      string   `json:"aud"`
	AppID    string   `json:"appid"`
	TenantID string   `json:"tid"`
	AppIDACR string   `json:"appidacr"`
	IDType   string   `json:"idtyp"`
	Roles    []string `json:"roles"`
	Scp      string   `json:"scp"`
	UPN      string   `json:"upn"`
}

func decode(t *testing.T, tok string) claims {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatal("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
