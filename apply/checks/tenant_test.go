package checks

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/internal/engine"
	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/graph/graphtest"
	"github.com/entraform/entraform/providers/sharepoint"
)

// tenant is a started local tenant with the pieces the tests need.
type tenant struct {
	*localtenant.Server
	getenv func(string) string
	client *http.Client
	engine *engine.Engine
}

// startTenant starts a local tenant for one test.
func startTenant(t *testing.T, opts localtenant.Options) *tenant {
	t.Helper()
	s, op := graphtest.Start(t, opts, graph.Options{})
	return &tenant{
		Server: s, getenv: s.Getenv, client: op.HTTPClient,
		engine: &engine.Engine{
			TenantID:   s.TenantID(),
			Entra:      entra.New(op.Graph, entra.Options{ReplicationTimeout: 20 * time.Second}),
			SharePoint: sharepoint.New(op.Graph, sharepoint.Options{ReplicationTimeout: 20 * time.Second}),
		},
	}
}

// apply plans and applies cfg on the tenant and fails the test unless
// every change was applied.
func (tn *tenant) apply(t *testing.T, cfg *config.Config) *apply.Result {
	t.Helper()
	ctx := context.Background()
	p, snap, diags, err := tn.engine.Plan(ctx, cfg, plan.Options{})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	res := tn.engine.Apply(ctx, cfg, p, snap, engine.ApplyOptions{})
	if !res.OK() {
		t.Fatalf("apply: failed %v, skipped %v", res.Failed, res.Skipped)
	}
	return res
}

// env is the checks' environment after an apply on the tenant.
func (tn *tenant) env(cfg *config.Config, res *apply.Result) Env {
	apps := map[string]string{}
	var secrets map[string][]apply.NewSecret
	if res != nil {
		for addr, ids := range res.Apps {
			apps[addr] = ids.AppID
		}
		secrets = res.Secrets
	}
	return Env{
		Config:     cfg,
		Cloud:      endpoint.Public(),
		TenantID:   tn.TenantID(),
		HTTPClient: tn.client,
		Getenv:     tn.getenv,
		Apps:       apps,
		Secrets:    secrets,
		Browser:    HTTPBrowser(tn.client),
	}
}

// freePort returns a TCP port on localhost that nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// subst replaces {{KEY}} in src.
func subst(src string, kv ...string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		src = strings.ReplaceAll(src, "{{"+kv[i]+"}}", kv[i+1])
	}
	return src
}
