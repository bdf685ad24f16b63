package localtenant

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRequestCost(t *testing.T) {
	tests := []struct {
		method, url string
		want        requestCost
		identity    bool
	}{
		{"GET", "/v1.0/applications", requestCost{units: 2}, true},
		{"GET", "/v1.0/applications?$top=999&$filter=x", requestCost{units: 2}, true},
		{"GET", "/v1.0/applications?$select=id,appId", requestCost{units: 1}, true},
		{"GET", "/v1.0/applications?$expand=federatedIdentityCredentials", requestCost{units: 3}, true},
		{"GET", "/v1.0/applications?$top=5", requestCost{units: 1}, true},
		{"GET", "/v1.0/applications/abc", requestCost{units: 1}, true},
		{"GET", "/v1.0/applications(uniqueName='x')", requestCost{units: 1}, true},
		{"GET", "/v1.0/applications(uniqueName='x')?$select=id", requestCost{units: 1}, true},
		{"GET", "/v1.0/oauth2PermissionGrants?$filter=clientId eq 'x'", requestCost{units: 2}, true},
		{"GET", "/v1.0/servicePrincipals/abc/appRoleAssignments", requestCost{units: 2}, true},
		{"GET", "/v1.0/servicePrincipals(appId='x')/appRoleAssignments", requestCost{units: 2}, true},
		{"GET", "/v1.0/groups/g/transitiveMembers", requestCost{units: 5}, true},
		{"GET", "/v1.0/users/u@contoso.com/memberOf", requestCost{units: 2}, true},
		{"GET", "/v1.0/me/memberOf", requestCost{units: 2}, true},
		{"POST", "/v1.0/directoryObjects/getByIds", requestCost{units: 3}, true},
		{"PATCH", "/v1.0/applications(uniqueName='x')", requestCost{units: 1, writes: 1}, true},
		{"POST", "/v1.0/servicePrincipals", requestCost{units: 1, writes: 1}, true},
		{"POST", "/v1.0/applications/abc/addPassword", requestCost{units: 1, writes: 1}, true},
		{"DELETE", "/v1.0/servicePrincipals/abc/appRoleAssignedTo/def", requestCost{units: 1, writes: 1}, true},
		{"GET", "/v1.0/sites/contoso.sharepoint.com:/sites/hr", requestCost{}, false},
		{"POST", "/v1.0/sites/abc/permissions", requestCost{}, false},
		{"POST", "/v1.0/$batch", requestCost{}, false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		got, identity := costOf(tt.method, u.Path, u.Query())
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(requestCost{})); diff != "" || identity != tt.identity {
			t.Errorf("%s %s: identity %v (want %v), cost (-want +got):\n%s", tt.method, tt.url, identity, tt.identity, diff)
		}
	}
}

func TestDocumentedGraphLimits(t *testing.T) {
	got := map[TenantSize][3]int{}
	for _, size := range []TenantSize{TenantSmall, TenantMedium, TenantLarge} {
		l := DocumentedGraphLimits(size)
		// Units per second of each quota, times 10 so that they are whole.
		got[size] = [3]int{int(l.ResourceUnits.rate() * 10), int(l.Writes.rate() * 10), int(l.TenantWrites.rate() * 10)}
	}
	want := map[TenantSize][3]int{
		TenantSmall:  {3500, 200, 600},
		TenantMedium: {5000, 200, 600},
		TenantLarge:  {8000, 200, 600},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rates x10 per second (-want +got):\n%s", diff)
	}
}

func TestParseGraphLimits(t *testing.T) {
	l, err := ParseGraphLimits([]byte(`{"writes": {"limit": 3, "per": "3s"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(GraphLimits{Writes: Quota{Limit: 3, Per: 3 * time.Second}}, l); diff != "" {
		t.Errorf("limits (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"writes": {"limit": 3}}`, `{"writes": {"limit": 0, "per": "1s"}}`, `{"write": {}}`, `[`} {
		if _, err := ParseGraphLimits([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestGraphLimitsThrottle: past the write quota a write is answered 429
// with the wait until the bucket holds a unit again, the scope and
// Graph's error body; the items of a $batch are charged one by one; the
// tenant's clock refills the bucket; site requests are not charged.
func TestGraphLimitsThrottle(t *testing.T) {
	s := start(t, Options{GraphLimits: &GraphLimits{
		ResourceUnits: Quota{Limit: 100, Per: 10 * time.Second},
		Writes:        Quota{Limit: 3, Per: 30 * time.Second}, // one write per 10 s
	}})
	c := operator(t, s)
	opAppID, _ := s.Operator()
	for i := range 3 {
		r := c.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "t"})
		if got := r.header.Get("x-ms-resource-unit"); got != "1" {
			t.Errorf("write %d: x-ms-resource-unit %q, want 1", i, got)
		}
	}
	r := c.do("POST", "/applications", map[string]any{"displayName": "t"})
	got := map[string]string{
		"status": http.StatusText(r.status), "Retry-After": r.header.Get("Retry-After"), "code": r.code(),
		"scope": r.header.Get("x-ms-throttle-scope"), "information": r.header.Get("x-ms-throttle-information"),
	}
	want := map[string]string{
		"status": "Too Many Requests", "Retry-After": "10", "code": "TooManyRequests",
		"scope":       "Tenant_Application/Write/" + opAppID + "/" + s.TenantID(),
		"information": "WriteLimitExceeded",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fourth write (-want +got):\n%s", diff)
	}
	// Reads still pass: they cost no write.
	c.must(http.StatusOK, "GET", "/applications?$top=1", nil)
	// Sites are not identity requests.
	c.must(http.StatusOK, "GET", "/sites/root", nil)

	// 10 s later one write is back: a batch of three gets one through.
	s.AdvanceClock(10 * time.Second)
	var items []map[string]any
	for _, id := range []string{"1", "2", "3"} {
		items = append(items, map[string]any{"id": id, "method": "POST", "url": "/applications",
			"headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{"displayName": "b" + id}})
	}
	br := c.must(http.StatusOK, "POST", "/$batch", map[string]any{"requests": items})
	var statuses []int
	retryAfter := map[string]bool{}
	for _, it := range br.body["responses"].([]any) {
		m := it.(map[string]any)
		statuses = append(statuses, int(m["status"].(float64)))
		if h, ok := m["headers"].(map[string]any); ok && h["Retry-After"] != nil {
			retryAfter[h["Retry-After"].(string)] = true
		}
	}
	n429 := 0
	for _, st := range statuses {
		if st == http.StatusTooManyRequests {
			n429++
		}
	}
	if n429 != 2 || len(statuses) != 3 || !retryAfter["10"] {
		t.Errorf("batch of 3 with one write left: statuses %v, Retry-After %v; want two 429 with Retry-After 10", statuses, retryAfter)
	}
	gotStats := s.ThrottleStats()
	wantStats := ThrottleStats{Admitted: 5, Throttled: 3, ResourceUnits: 5, Writes: 4}
	if diff := cmp.Diff(wantStats, gotStats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}

	s.SetGraphLimits(nil)
	c.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "free"})
}
