package localtenant

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Test-only routes: a public ping on Graph and an authenticated whoami on
// Graph and SharePoint.
func init() { addRoutes(testRoutes) }

func testRoutes(s *Server) []Route {
	whoami := func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r)
		writeJSON(w, http.StatusOK, map[string]any{"appId": c.AppID, "roles": c.Roles, "appOnly": c.AppOnly})
	}
	return []Route{
		{Host: HostGraph, Method: "GET", Pattern: "/_test/ping", Public: true, Handler: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"pong": "yes"})
		}},
		{Host: HostGraph, Method: "GET", Pattern: "/_test/whoami", Handler: whoami},
		{Host: HostSharePoint, Method: "GET", Pattern: "/_test/whoami", Handler: whoami},
	}
}

const pingURL = "https://graph.microsoft.com/_test/ping"

// operatorToken gets an app-only token for resource with the operator's secret.
func operatorToken(t *testing.T, s *Server, resource string) string {
	t.Helper()
	id, secret := s.Operator()
	status, body := tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {resource + "/.default"},
	})
	if status != 200 {
		t.Fatalf("operator token: %d %v", status, body)
	}
	return body["access_token"].(string)
}

func errorCode(body map[string]any) any {
	e, _ := body["error"].(map[string]any)
	return e["code"]
}

func TestAuthMiddleware(t *testing.T) {
	s := start(t, Options{})
	graphTok := operatorToken(t, s, "https://graph.microsoft.com")
	spTok := operatorToken(t, s, "https://"+s.SharePointHost())
	whoGraph := "https://graph.microsoft.com/_test/whoami"
	whoSP := "https://" + s.SharePointHost() + "/_test/whoami"
	opID, _ := s.Operator()

	status, _, body := getJSON(t, s, whoGraph, graphTok)
	if status != 200 || body["appId"] != opID || body["appOnly"] != true {
		t.Errorf("valid Graph token: %d %v", status, body)
	}
	tests := []struct {
		name, url, token string
		want             map[string]any
	}{
		{"no token", whoGraph, "", map[string]any{"status": 401, "code": "InvalidAuthenticationToken", "message": "Access token is empty."}},
		{"SharePoint token on Graph", whoGraph, spTok, map[string]any{"status": 401, "code": "InvalidAuthenticationToken", "message": "Access token validation failure. Invalid audience."}},
		{"garbage", whoGraph, "abc.def.ghi", map[string]any{"status": 401, "code": "InvalidAuthenticationToken"}},
	}
	for _, tt := range tests {
		status, _, body := getJSON(t, s, tt.url, tt.token)
		e, _ := body["error"].(map[string]any)
		got := map[string]any{"status": status, "code": e["code"]}
		if _, ok := tt.want["message"]; ok {
			got["message"] = e["message"]
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	status, hdr, body := getJSON(t, s, whoSP, graphTok)
	if status != 401 || body["error_description"] != "Invalid issuer or signature." || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer realm=") {
		t.Errorf("Graph token on SharePoint: %d %v %v", status, body, hdr)
	}
	if status, _, body := getJSON(t, s, whoSP, spTok); status != 200 {
		t.Errorf("SharePoint token on SharePoint: %d %v", status, body)
	}
	s.AdvanceClock(2 * time.Hour)
	status, _, body = getJSON(t, s, whoGraph, graphTok)
	if e, _ := body["error"].(map[string]any); status != 401 || e["message"] != "Lifetime validation failed, the token is expired." {
		t.Errorf("expired token: %d %v", status, body)
	}
}

func TestFaultLatency(t *testing.T) {
	s := start(t, Options{Faults: Faults{Latency: 120 * time.Millisecond}})
	getJSON(t, s, pingURL, "") // warm the connection
	begin := time.Now()
	status, _, _ := getJSON(t, s, pingURL, "")
	took := time.Since(begin)
	if status != 200 || took < 120*time.Millisecond || took > 2*time.Second {
		t.Errorf("with 120ms latency: status %d in %v", status, took)
	}
	s.SetFaults(Faults{})
	begin = time.Now()
	getJSON(t, s, pingURL, "")
	if took := time.Since(begin); took > 100*time.Millisecond {
		t.Errorf("without latency: %v", took)
	}
}

func TestFaultThrottle(t *testing.T) {
	s := start(t, Options{Faults: Faults{ThrottleRate: 1, RetryAfter: 1500 * time.Millisecond}})
	status, hdr, body := getJSON(t, s, pingURL, "")
	got := map[string]any{"status": status, "retryAfter": hdr.Get("Retry-After"), "code": errorCode(body)}
	want := map[string]any{"status": 429, "retryAfter": "2", "code": "TooManyRequests"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("throttled (-want +got):\n%s", diff)
	}
	// Identity endpoints are never throttled.
	if status, _, _ := getJSON(t, s, "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", ""); status != 200 {
		t.Errorf("discovery under throttling: %d", status)
	}
	s.SetFaults(Faults{ThrottleRate: 1})
	if _, hdr, _ := getJSON(t, s, pingURL, ""); hdr.Get("Retry-After") != "1" {
		t.Errorf("default Retry-After = %q, want 1", hdr.Get("Retry-After"))
	}
}

func TestFaultErrorRate(t *testing.T) {
	s := start(t, Options{Faults: Faults{ErrorRate: 1, Seed: 7}})
	seen := map[int]bool{}
	for range 30 {
		status, hdr, body := getJSON(t, s, pingURL, "")
		code, _ := faultCode(status)
		if !slices.Contains([]int{500, 503, 504}, status) || errorCode(body) != code {
			t.Fatalf("status %d body %v", status, body)
		}
		if status == 503 && hdr.Get("Retry-After") == "" {
			t.Errorf("503 without Retry-After")
		}
		seen[status] = true
	}
	if len(seen) < 2 {
		t.Errorf("30 errors were all %v", seen)
	}
}

func TestFailNext(t *testing.T) {
	s := start(t, Options{})
	s.FailNext(2, http.StatusServiceUnavailable)
	// The identity platform does not consume FailNext.
	getJSON(t, s, "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", "")
	var got []int
	for range 3 {
		status, _, _ := getJSON(t, s, pingURL, "")
		got = append(got, status)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestFaultSeedDeterminism(t *testing.T) {
	run := func(seed int64) []int {
		s := start(t, Options{Faults: Faults{ThrottleRate: 0.3, ErrorRate: 0.2, Seed: seed}})
		var out []int
		for range 40 {
			status, _, _ := getJSON(t, s, pingURL, "")
			out = append(out, status)
		}
		return out
	}
	a, b, c := run(42), run(42), run(43)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, c) {
		t.Errorf("seeds 42 and 43 gave the same 40 outcomes: %v", a)
	}
	ok := 0
	for _, st := range a {
		if st == 200 {
			ok++
		}
	}
	if ok < 10 || ok > 32 {
		t.Errorf("%d of 40 succeeded with 50%% faults", ok)
	}
}

func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	s := start(t, Options{RequestLog: &lockedWriter{w: &buf}})
	getJSON(t, s, pingURL+"?a=1", "")
	getJSON(t, s, "https://graph.microsoft.com/v1.0/nothing/here", "")
	recs := s.Requests()
	var got []RequestRecord
	for _, r := range recs {
		r.Ms = 0
		got = append(got, r)
	}
	want := []RequestRecord{
		{Method: "GET", Host: "graph.microsoft.com", Path: "/_test/ping", Query: "a=1", Status: 200},
		{Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/nothing/here", Status: 501, Error: CodeNotImplemented},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Requests (-want +got):\n%s", diff)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines: %q", buf.String())
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &line); err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for k := range line {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if diff := cmp.Diff([]string{"error", "host", "method", "ms", "path", "status"}, keys); diff != "" {
		t.Errorf("log line keys (-want +got):\n%s", diff)
	}
	if line["status"] != float64(501) || line["path"] != "/v1.0/nothing/here" {
		t.Errorf("log line = %v", line)
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("after reset: %d records", n)
	}
}

// lockedWriter lets the test read what the server wrote.
type lockedWriter struct {
	w *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) { return l.w.Write(p) }

func TestReplicationDelay(t *testing.T) {
	s := start(t, Options{})
	old := register(t, s, testApp{name: "old app", roles: []string{"Sites.Read.All"}})
	s.AdvanceClock(time.Minute) // the old app is a minute old
	s.SetFaults(Faults{ReplicationDelay: 5 * time.Second})
	tokenPath := "/" + s.TenantID() + "/oauth2/v2.0/token"
	cc := func(client, secret string) (int, map[string]any) {
		return tokenCall(t, s, tokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {secret}, "scope": {"https://graph.microsoft.com/.default"}})
	}

	// A new app: invisible to reads and to the token endpoint.
	fresh := register(t, s, testApp{name: "new app", roles: []string{"Sites.Read.All"}})
	s.read(func(st *Store) {
		if _, ok := st.appByID(fresh.app.ID, false); ok {
			t.Errorf("new app visible to reads during the delay")
		}
		if _, ok := st.appByID(fresh.app.ID, true); !ok {
			t.Errorf("new app invisible to the primary")
		}
		if _, ok := st.spByAppID(graphAppID, false); !ok {
			t.Errorf("seeded Graph service principal invisible")
		}
	})
	status, body := cc(fresh.appID(), fresh.secret)
	if diff := cmp.Diff(wantAAD(400, "unauthorized_client", 700016), checkAADError(t, status, body)); diff != "" {
		t.Errorf("new app token (-want +got):\n%s", diff)
	}

	// A new secret and a new role on an old app.
	newSecret := randomSecret()
	err := s.write(func(st *Store) error {
		a, _ := st.appByID(old.app.ID, true)
		now := st.now()
		a.PasswordCredentials = append(a.PasswordCredentials, PasswordCredential{KeyID: newID(), StartDateTime: now, EndDateTime: now.Add(time.Hour), SecretHash: hashSecret(newSecret), Created: now})
		graph, _ := st.spByAppID(graphAppID, true)
		role, _ := findAppRole(graph, "User.Read.All")
		st.addRoleAssignment(&AppRoleAssignment{AppRoleID: role.ID, PrincipalID: old.sp.ID, ResourceID: graph.ID})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	status, body = cc(old.appID(), newSecret)
	if diff := cmp.Diff(wantAAD(401, "invalid_client", 7000215), checkAADError(t, status, body)); diff != "" {
		t.Errorf("new secret (-want +got):\n%s", diff)
	}
	status, body = cc(old.appID(), old.secret)
	if status != 200 {
		t.Fatalf("old secret: %d %v", status, body)
	}
	if roles := claims(t, body["access_token"].(string))["roles"]; !cmp.Equal(roles, []any{"Sites.Read.All"}) {
		t.Errorf("roles during the delay = %v, want [Sites.Read.All]", roles)
	}

	s.AdvanceClock(5 * time.Second)
	if status, body := cc(fresh.appID(), fresh.secret); status != 200 {
		t.Errorf("new app after the delay: %d %v", status, body)
	}
	status, body = cc(old.appID(), newSecret)
	if status != 200 {
		t.Fatalf("new secret after the delay: %d %v", status, body)
	}
	if roles := claims(t, body["access_token"].(string))["roles"]; !cmp.Equal(roles, []any{"Sites.Read.All", "User.Read.All"}) {
		t.Errorf("roles after the delay = %v", roles)
	}
}
