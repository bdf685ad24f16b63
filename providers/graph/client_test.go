package graph

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/endpoint/endpointtest"
)

type seenRequest struct {
	Host, Path, Auth, Accept string
}

func recorder() (http.Handler, func() []seenRequest) {
	var mu sync.Mutex
	var seen []seenRequest
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, seenRequest{Host: r.Host, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Accept: r.Header.Get("Accept")})
		mu.Unlock()
		writeJSON(w, 200, `{}`)
	})
	return h, func() []seenRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]seenRequest(nil), seen...)
	}
}

func TestTokenScopeFollowsHost(t *testing.T) {
	tests := []struct {
		cloud endpoint.Cloud
		url   string
		want  seenRequest
	}{
		{endpoint.Public(), "/applications", seenRequest{
			Host: "graph.microsoft.com", Path: "/v1.0/applications",
			Auth: "Bearer token-for https://graph.microsoft.com/.default", Accept: "application/json"}},
		{endpoint.Public(), "https://graph.microsoft.com/v1.0/sites/root", seenRequest{
			Host: "graph.microsoft.com", Path: "/v1.0/sites/root",
			Auth: "Bearer token-for https://graph.microsoft.com/.default", Accept: "application/json"}},
		{endpoint.Public(), "https://contoso.sharepoint.com/sites/hr/_api/web", seenRequest{
			Host: "contoso.sharepoint.com", Path: "/sites/hr/_api/web",
			Auth: "Bearer token-for https://contoso.sharepoint.com/.default", Accept: "application/json;odata=nometadata"}},
		{endpoint.USGov(), "/servicePrincipals", seenRequest{
			Host: "graph.microsoft.us", Path: "/v1.0/servicePrincipals",
			Auth: "Bearer token-for https://graph.microsoft.us/.default", Accept: "application/json"}},
		{endpoint.USGov(), "https://contoso.sharepoint.us/_api/web", seenRequest{
			Host: "contoso.sharepoint.us", Path: "/_api/web",
			Auth: "Bearer token-for https://contoso.sharepoint.us/.default", Accept: "application/json;odata=nometadata"}},
		{endpoint.China(), "/me", seenRequest{
			Host: "microsoftgraph.chinacloudapi.cn", Path: "/v1.0/me",
			Auth: "Bearer token-for https://microsoftgraph.chinacloudapi.cn/.default", Accept: "application/json"}},
	}
	for _, tt := range tests {
		t.Run(tt.cloud.Name+" "+tt.url, func(t *testing.T) {
			h, seen := recorder()
			c, _ := testClient(t, h, func(o *Options) { o.Cloud = tt.cloud })
			if err := c.Get(context.Background(), tt.url, nil); err != nil {
				t.Fatal(err)
			}
			got := seen()
			if len(got) != 1 {
				t.Fatalf("server saw %d requests", len(got))
			}
			if diff := cmp.Diff(tt.want, got[0]); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDoRefusesForeignHosts(t *testing.T) {
	h, seen := recorder()
	c, _ := testClient(t, h)
	for _, u := range []string{
		"https://example.org/collect",
		"https://graph.microsoft.us/v1.0/me", // another cloud's Graph
		"http://graph.microsoft.com/v1.0/me", // not https
		"https://contoso.sharepoint.com.example.org/x",
	} {
		err := c.Get(context.Background(), u, nil)
		if err == nil || !strings.Contains(err.Error(), "refusing to call") {
			t.Errorf("Get(%q) error = %v; want a refusal", u, err)
		}
	}
	if n := len(seen()); n != 0 {
		t.Errorf("server saw %d requests; want none", n)
	}
}

func TestTokenFailureIsNotRetried(t *testing.T) {
	h, seen := recorder()
	calls := 0
	c, _ := testClient(t, h, func(o *Options) {
		o.Tokens = tokenFunc(func() error { calls++; return errors.New("AADSTS7000215: Invalid client secret provided") })
	})
	err := c.Get(context.Background(), "/applications", nil)
	var te *TokenError
	if !errors.As(err, &te) || te.Scope != "https://graph.microsoft.com/.default" {
		t.Fatalf("error = %v; want a *TokenError for the Graph scope", err)
	}
	if calls != 1 || len(seen()) != 0 {
		t.Errorf("token calls %d, requests %d; want 1 and 0", calls, len(seen()))
	}
}

func TestQueryIsEscaped(t *testing.T) {
	var got url.Values
	c, _ := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		writeJSON(w, 200, `{"value":[]}`)
	}))
	if err := c.Get(context.Background(), "/applications?$filter=tags/any(t:t eq 'entraform:workspace:hr apps')&$top=999&$select=id,appId", nil); err != nil {
		t.Fatal(err)
	}
	want := url.Values{
		"$filter": {"tags/any(t:t eq 'entraform:workspace:hr apps')"},
		"$top":    {"999"},
		"$select": {"id,appId"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
}

func TestDoBodiesAndDecoding(t *testing.T) {
	type app struct {
		ID          string `json:"id,omitempty"`
		DisplayName string `json:"displayName"`
	}
	var gotBody, gotType, gotPrefer string
	c, _ := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		gotBody, gotType, gotPrefer = b.String(), r.Header.Get("Content-Type"), r.Header.Get("Prefer")
		if r.Method == http.MethodPatch {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("request-id", "req-1")
		writeJSON(w, 201, `{"id":"obj-1","displayName":"Demo"}`)
	}))
	ctx := context.Background()

	var out app
	resp, err := c.Do(ctx, http.MethodPost, "/applications", app{DisplayName: "Demo"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(app{ID: "obj-1", DisplayName: "Demo"}, out); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	if gotBody != `{"displayName":"Demo"}` || gotType != "application/json" {
		t.Errorf("sent %q as %q", gotBody, gotType)
	}
	if resp.StatusCode != 201 || resp.RequestID != "req-1" {
		t.Errorf("response %d %q", resp.StatusCode, resp.RequestID)
	}

	out = app{}
	if err := c.Patch(ctx, "/applications(uniqueName='entraform.hr.demo')", []byte(`{"displayName":"Demo"}`), &out, Prefer("create-if-missing")); err != nil {
		t.Fatal(err)
	}
	if gotPrefer != "create-if-missing" || gotBody != `{"displayName":"Demo"}` {
		t.Errorf("PATCH sent %q with Prefer %q", gotBody, gotPrefer)
	}
	if out != (app{}) {
		t.Errorf("204 decoded into %+v; want nothing", out)
	}

	var raw []byte
	if err := c.Post(ctx, "/applications", map[string]string{"displayName": "Demo"}, &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"id":"obj-1","displayName":"Demo"}` {
		t.Errorf("raw = %s", raw)
	}
}

func TestNewNeedsTokens(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without Tokens succeeded")
	}
}

func TestDebugLogSwitch(t *testing.T) {
	var buf bytes.Buffer
	if DebugLog(func(string) string { return "" }, &buf) != nil {
		t.Error("log on without ENTRAFORM_LOG")
	}
	if DebugLog(func(k string) string { return map[string]string{"ENTRAFORM_LOG": "DEBUG"}[k] }, &buf) == nil {
		t.Error("log off with ENTRAFORM_LOG=DEBUG")
	}
}

func TestHTTPClientIsTheAuthenticatedChain(t *testing.T) {
	h, seen := recorder()
	srv := endpointtest.NewServer(t, h)
	c, err := New(Options{Tokens: scopeTokens(), HTTPClient: srv.Client(t)})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://contoso.sharepoint.com/_api/web/currentuser", nil)
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := seen(); len(got) != 1 || got[0].Auth != "Bearer token-for https://contoso.sharepoint.com/.default" {
		t.Errorf("raw request seen as %+v", got)
	}
}

type idleRecorder struct {
	http.RoundTripper
	closed int
}

func (r *idleRecorder) CloseIdleConnections() { r.closed++ }

func TestCloseIdleConnectionsReachesTheBase(t *testing.T) {
	for _, withLog := range []bool{false, true} {
		base := &idleRecorder{RoundTripper: http.DefaultTransport}
		o := Options{Tokens: scopeTokens(), HTTPClient: &http.Client{Transport: base}}
		if withLog {
			o.Log = &bytes.Buffer{}
		}
		c, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		c.CloseIdleConnections()
		c.HTTPClient().CloseIdleConnections()
		if base.closed != 2 {
			t.Errorf("log %v: base transport closed idle connections %d times; want 2", withLog, base.closed)
		}
	}
}
