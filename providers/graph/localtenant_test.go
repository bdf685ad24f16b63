package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/localtenant"
)

// tenantSetup is a local tenant and a client signed in as its operator
// through MSAL (client secret), whose waits move the tenant's clock
// instead of sleeping.
type tenantSetup struct {
	s      *localtenant.Server
	c      *Client
	log    *bytes.Buffer
	tokens auth.TokenSource
	mu     sync.Mutex
	sleeps []time.Duration
}

func newTenantSetup(t *testing.T, opts localtenant.Options, mod ...func(*Options)) *tenantSetup {
	t.Helper()
	s, err := localtenant.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	hc, err := endpoint.NewHTTPClient(s.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Closing our idle connections first spares the server's graceful
		// shutdown its wait for them.
		hc.CloseIdleConnections()
		s.Close()
	})
	tokens, _, err := auth.Operator(context.Background(), auth.OperatorOptions{Getenv: s.Getenv, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	ts := &tenantSetup{s: s, log: &bytes.Buffer{}, tokens: tokens}
	o := Options{
		Tokens:     tokens,
		HTTPClient: hc,
		Log:        ts.log,
		Sleep: func(ctx context.Context, d time.Duration) error {
			ts.mu.Lock()
			ts.sleeps = append(ts.sleeps, d)
			ts.mu.Unlock()
			s.AdvanceClock(d)
			return ctx.Err()
		},
	}
	for _, m := range mod {
		m(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ts.c = c
	return ts
}

func (ts *tenantSetup) Sleeps() []time.Duration {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]time.Duration(nil), ts.sleeps...)
}

// statuses lists the statuses the tenant answered for method + path.
func (ts *tenantSetup) statuses(method, path string) []int {
	var out []int
	for _, r := range ts.s.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r.Status)
		}
	}
	return out
}

type app struct {
	ID          string `json:"id"`
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName"`
}

func (ts *tenantSetup) createApp(t *testing.T, name string) app {
	t.Helper()
	var a app
	if err := ts.c.Post(context.Background(), "/applications", map[string]any{"displayName": name}, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestLocalTenantReadsAndErrors(t *testing.T) {
	ts := newTenantSetup(t, localtenant.Options{})
	ctx := context.Background()

	var sp struct {
		AppID       string `json:"appId"`
		DisplayName string `json:"displayName"`
		AppRoles    []struct {
			Value string `json:"value"`
		} `json:"appRoles"`
	}
	if err := ts.c.Get(ctx, "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')", &sp); err != nil {
		t.Fatal(err)
	}
	if sp.DisplayName != "Microsoft Graph" || len(sp.AppRoles) < 10 {
		t.Errorf("Graph service principal = %s with %d roles", sp.DisplayName, len(sp.AppRoles))
	}

	err := ts.c.Get(ctx, "/applications/00000000-0000-0000-0000-000000000001", nil)
	var ge *Error
	if !IsNotFound(err) || !errors.As(err, &ge) || ge.Code != "Request_ResourceNotFound" || ge.RequestID == "" {
		t.Errorf("missing application: %v; want 404 Request_ResourceNotFound with a request id", err)
	}

	// SharePoint REST refuses app-only tokens from a client secret; the
	// client sent the SharePoint-scoped token and decoded the refusal.
	err = ts.c.Get(ctx, "https://"+ts.s.SharePointHost()+"/sites/hr/_api/web", nil)
	if !errors.As(err, &ge) || ge.StatusCode != 401 || ge.Message != "Unsupported app only token." {
		t.Errorf("SharePoint REST with a secret token: %v; want 401 Unsupported app only token.", err)
	}
}

func TestLocalTenantRetriesFaults(t *testing.T) {
	ts := newTenantSetup(t, localtenant.Options{}, func(o *Options) { o.MaxRetries = 3 })
	ctx := context.Background()
	const rel = "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')"
	const path = "/v1.0" + rel

	ts.s.FailNext(2, http.StatusServiceUnavailable)
	if err := ts.c.Get(ctx, rel, nil); err != nil {
		t.Fatalf("GET after two 503s: %v", err)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, ts.statuses("GET", path)); diff != "" {
		t.Errorf("tenant saw (-want +got):\n%s", diff)
	}

	ts.s.ResetRequests()
	before := len(ts.Sleeps())
	ts.s.SetFaults(localtenant.Faults{ThrottleRate: 1, RetryAfter: 2 * time.Second})
	err := ts.c.Get(ctx, rel, nil)
	ts.s.SetFaults(localtenant.Faults{})
	if !IsThrottled(err) {
		t.Fatalf("always throttled: %v; want 429 after the retries", err)
	}
	if diff := cmp.Diff([]int{429, 429, 429, 429}, ts.statuses("GET", path)); diff != "" {
		t.Errorf("tenant saw (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}, ts.Sleeps()[before:]); diff != "" {
		t.Errorf("waits (-want +got; Retry-After honoured):\n%s", diff)
	}
}

func TestLocalTenantReplicationDelay(t *testing.T) {
	ts := newTenantSetup(t, localtenant.Options{Faults: localtenant.Faults{ReplicationDelay: 20 * time.Second}})
	ctx := context.Background()
	a := ts.createApp(t, "replication demo")

	if err := ts.c.Get(ctx, "/applications/"+a.ID, nil); !IsNotFound(err) || !IsReplicationError(err) {
		t.Fatalf("GET of a new app without RetryReplication: %v; want 404 while it replicates", err)
	}
	var sp struct {
		ID    string `json:"id"`
		AppID string `json:"appId"`
	}
	err := ts.c.Post(ctx, "/servicePrincipals", map[string]string{"appId": a.AppID}, &sp, RetryReplication(2*time.Minute))
	if err != nil {
		t.Fatalf("service principal for a new app with RetryReplication: %v", err)
	}
	if sp.AppID != a.AppID {
		t.Errorf("service principal for %q; want %q", sp.AppID, a.AppID)
	}
	st := ts.statuses("POST", "/v1.0/servicePrincipals")
	if len(st) < 2 || st[0] != 400 || st[len(st)-1] != 201 {
		t.Errorf("tenant saw %v; want 400 (not a valid application object yet) then 201", st)
	}
	var got app
	if err := ts.c.Get(ctx, "/applications/"+a.ID, &got, RetryReplication(time.Minute)); err != nil || got.ID != a.ID {
		t.Errorf("GET after replication: %+v, %v", got, err)
	}
	var total time.Duration
	for _, d := range ts.Sleeps() {
		total += d
	}
	if total < 20*time.Second || total > 40*time.Second {
		t.Errorf("waited %v in all for a 20s replication delay", total)
	}
}

func TestLocalTenantPagingAndBatch(t *testing.T) {
	ts := newTenantSetup(t, localtenant.Options{}, func(o *Options) { o.MaxRetries = 10; o.MaxRetryTime = 10 * time.Minute })
	ctx := context.Background()
	var created []app
	for i := 0; i < 23; i++ {
		created = append(created, ts.createApp(t, fmt.Sprintf("batch demo %02d", i)))
	}

	ts.s.ResetRequests()
	apps, err := ListAll[app](ctx, ts.c, "/applications?$top=5&$filter=startswith(displayName,'batch demo')")
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 23 {
		t.Errorf("listed %d apps; want 23", len(apps))
	}
	if pages := len(ts.statuses("GET", "/v1.0/applications")); pages != 5 {
		t.Errorf("%d pages for 23 apps of 5; want 5", pages)
	}

	// Half the $batch requests and items are throttled; every item ends
	// up answered, in the order asked.
	ts.s.SetFaults(localtenant.Faults{ThrottleRate: 0.5, Seed: 7})
	reqs := []BatchRequest{{URL: "/applications/00000000-0000-0000-0000-00000000dead"}}
	for _, a := range created {
		reqs = append(reqs, BatchRequest{URL: "/applications/" + a.ID + "?$select=id,displayName"})
	}
	ts.s.ResetRequests()
	resps, err := ts.c.Batch(ctx, reqs)
	ts.s.SetFaults(localtenant.Faults{})
	if err != nil {
		t.Fatal(err)
	}
	if !IsNotFound(resps[0].Err) {
		t.Errorf("missing app in a batch: %+v", resps[0])
	}
	for i, a := range created {
		var got app
		if err := resps[i+1].Decode(&got); err != nil || got.ID != a.ID {
			t.Errorf("batch item %d = %+v (%v); want app %s", i+1, got, err, a.ID)
		}
	}
	st := ts.statuses("POST", "/v1.0/$batch")
	if len(st) < 3 {
		t.Errorf("$batch posts %v; want at least 2 groups and a retry", st)
	}
}

func TestLocalTenantLogHoldsNoSecret(t *testing.T) {
	ts := newTenantSetup(t, localtenant.Options{})
	ctx := context.Background()
	a := ts.createApp(t, "secret demo")
	var pw struct {
		SecretText string `json:"secretText"`
	}
	if err := ts.c.Post(ctx, "/applications/"+a.ID+"/addPassword", map[string]any{"passwordCredential": map[string]string{"displayName": "ci"}}, &pw); err != nil {
		t.Fatal(err)
	}
	if len(pw.SecretText) < 10 {
		t.Fatalf("secretText %q", pw.SecretText)
	}
	tok, err := ts.tokens.Token(ctx, []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatal(err)
	}
	_, opSecret := ts.s.Operator()
	log := ts.log.String()
	for name, secret := range map[string]string{"secretText": pw.SecretText, "access token": tok.Value, "operator secret": opSecret} {
		if strings.Contains(log, secret) {
			t.Errorf("the debug log holds the %s", name)
		}
	}
	if !strings.Contains(log, "/addPassword attempt=1 status=200") || !strings.Contains(log, `"secretText":"REDACTED"`) {
		t.Errorf("the debug log lacks the addPassword call:\n%s", log)
	}
}
