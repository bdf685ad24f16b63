package localtenant

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// start starts a tenant for one test and closes it after.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// get sends a GET with an optional bearer token and decodes the JSON body.
func getJSON(t *testing.T, s *Server, url, token string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, s, req)
}

func do(t *testing.T, s *Server, req *http.Request) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if len(b) > 0 && strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("%s %s: decoding %q: %v", req.Method, req.URL, b, err)
		}
	}
	return resp.StatusCode, resp.Header, body
}

func TestUnknownRouteIs501(t *testing.T) {
	s := start(t, Options{})
	tests := []struct {
		url     string
		message string
	}{
		{"https://graph.microsoft.com/v1.0/foo", "localtenant: no route for GET graph.microsoft.com/v1.0/foo"},
		{"https://contoso.sharepoint.com/_api/nothing", "localtenant: no route for GET contoso.sharepoint.com/_api/nothing"},
		{"https://login.microsoftonline.com/x/y", "localtenant: no route for GET login.microsoftonline.com/x/y"},
	}
	for _, tt := range tests {
		status, _, body := getJSON(t, s, tt.url, "")
		if status != http.StatusNotImplemented {
			t.Errorf("GET %s: status %d, want 501", tt.url, status)
		}
		errObj, _ := body["error"].(map[string]any)
		got := map[string]any{"code": errObj["code"], "message": errObj["message"]}
		want := map[string]any{"code": "NotImplemented", "message": tt.message}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GET %s error (-want +got):\n%s", tt.url, diff)
		}
	}
}

func TestIndexPage(t *testing.T) {
	s := start(t, Options{})
	resp, err := s.HTTPClient().Get(s.Endpoint() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), s.TenantID()) {
		t.Errorf("index: status %d body %q", resp.StatusCode, b)
	}
}

func TestRouterSpecificity(t *testing.T) {
	var hit string
	h := func(name string) http.HandlerFunc { return func(http.ResponseWriter, *http.Request) { hit = name } }
	rt := newRouter([]Route{
		{Host: HostGraph, Method: "GET", Pattern: "/v1.0/applications/{id}", Handler: h("byID")},
		{Host: HostGraph, Method: "GET", Pattern: "/v1.0/applications/delta", Handler: h("delta")},
		{Host: HostGraph, Method: "GET", Pattern: "/v1.0/applications(appId='{appId}')", Handler: h("byAppID")},
		{Host: HostGraph, Method: "GET", Pattern: "/v1.0/{rest...}", Handler: h("rest")},
		{Host: HostGraph, Method: "GET", Pattern: "/v1.0/sites/{site}/permissions/{perm}", Handler: h("perm")},
	})
	tests := []struct {
		path, want string
		vals       map[string]string
	}{
		{"/v1.0/applications/abc", "byID", map[string]string{"id": "abc"}},
		{"/v1.0/Applications/delta", "delta", map[string]string{}},
		{"/v1.0/applications(appId='1-2')", "byAppID", map[string]string{"appId": "1-2"}},
		{"/v1.0/applications(appId=%271-2%27)", "byAppID", map[string]string{"appId": "1-2"}},
		{"/v1.0/sites/a,b,c/permissions/p1/", "perm", map[string]string{"site": "a,b,c", "perm": "p1"}},
		{"/v1.0/other/thing", "rest", map[string]string{"rest": "other/thing"}},
	}
	for _, tt := range tests {
		cr, vals := rt.match(HostGraph, "GET", tt.path)
		if cr == nil {
			t.Errorf("%s: no match", tt.path)
			continue
		}
		hit = ""
		cr.Handler(nil, nil)
		if hit != tt.want {
			t.Errorf("%s: matched %s, want %s", tt.path, hit, tt.want)
		}
		if diff := cmp.Diff(tt.vals, vals); diff != "" {
			t.Errorf("%s: values (-want +got):\n%s", tt.path, diff)
		}
	}
	if cr, _ := rt.match(HostGraph, "POST", "/v1.0/applications/abc"); cr != nil {
		t.Errorf("POST matched a GET route")
	}
}

func TestGetenvAnswersEnv(t *testing.T) {
	s := start(t, Options{})
	want := map[string]string{"HOME": ""}
	got := map[string]string{"HOME": s.Getenv("HOME")}
	for _, kv := range s.Env() {
		want[kv.Key] = kv.Value
		got[kv.Key] = s.Getenv(kv.Key)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Getenv (-want +got):\n%s", diff)
	}
	if s.Getenv("AZURE_TENANT_ID") != s.TenantID() {
		t.Errorf("Getenv(AZURE_TENANT_ID) = %q; want the tenant id %q", s.Getenv("AZURE_TENANT_ID"), s.TenantID())
	}
}
