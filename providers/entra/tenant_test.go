package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// tenant is a started local tenant and a provider signed in to it as the
// operator, through the same chain entraform uses (endpoint.Transport,
// auth.Operator, graph.Client).
type tenant struct {
	s  *localtenant.Server
	hc *http.Client
	c  *graph.Client
	p  *Provider
}

type tenantOptions struct {
	faults   localtenant.Faults
	provider Options
	log      io.Writer // the Graph client's debug log
}

// startTenant starts a tenant for one test (in a fraction of a second).
func startTenant(t testing.TB, o tenantOptions) *tenant {
	t.Helper()
	s, op := graphtest.Start(t, localtenant.Options{Faults: o.faults}, graph.Options{Log: o.log})
	if o.provider.ReplicationTimeout == 0 {
		o.provider.ReplicationTimeout = 20 * time.Second
	}
	return &tenant{s: s, hc: op.HTTPClient, c: op.Graph, p: New(op.Graph, o.provider)}
}

// graphRequests counts the Graph requests in the tenant's log since the
// last reset ($batch counts once, whatever it holds).
func (tn *tenant) graphRequests() int {
	n := 0
	for _, r := range tn.s.Requests() {
		if strings.HasPrefix(r.Host, "graph.") {
			n++
		}
	}
	return n
}

// requestSummary lists the Graph requests since the last reset, for
// failure messages.
func (tn *tenant) requestSummary() string {
	var b strings.Builder
	for _, r := range tn.s.Requests() {
		if strings.HasPrefix(r.Host, "graph.") {
			fmt.Fprintf(&b, "  %s %s?%s -> %d\n", r.Method, r.Path, r.Query, r.Status)
		}
	}
	return b.String()
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func ptr[T any](v T) *T { return &v }

// workspaceApp is the body of a managed application of a workspace.
func workspaceApp(workspace, name string) Application {
	return Application{
		DisplayName:    "App " + name,
		SignInAudience: "AzureADMyOrg",
		Tags:           OwnershipTags(workspace, "application."+name),
	}
}

// uniqueName is the unique name entraform gives application.<name>.
func uniqueName(workspace, name string) string {
	return "entraform." + workspace + "." + name
}

// canonicalJSON renders v as JSON with sorted keys.
func canonicalJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	b, err = json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
