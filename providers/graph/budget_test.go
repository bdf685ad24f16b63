package graph

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
)

func TestCostOf(t *testing.T) {
	tests := []struct {
		method, url string
		want        cost
		identity    bool
	}{
		{"GET", "/v1.0/applications?$top=999&$filter=tags/any(t:t eq 'x')", cost{units: 2}, true},
		{"GET", "/v1.0/applications?$select=id&$expand=federatedIdentityCredentials", cost{units: 2}, true},
		{"GET", "/v1.0/applications(uniqueName='x')", cost{units: 1}, true},
		{"GET", "/v1.0/servicePrincipals(appId='x')/appRoleAssignments", cost{units: 2}, true},
		{"GET", "/v1.0/oauth2PermissionGrants?$top=5", cost{units: 1}, true},
		{"POST", "/v1.0/directoryObjects/getByIds", cost{units: 3}, true},
		{"PATCH", "/v1.0/applications(uniqueName='x')", cost{units: 1, writes: 1}, true},
		{"POST", "/v1.0/servicePrincipals/x/appRoleAssignedTo", cost{units: 1, writes: 1}, true},
		{"GET", "/v1.0/sites/root", cost{}, false},
		{"POST", "/v1.0/$batch", cost{}, false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		got, identity := costOf(tt.method, u.Path, u.Query())
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(cost{})); diff != "" || identity != tt.identity {
			t.Errorf("%s %s: identity %v, cost (-want +got):\n%s", tt.method, tt.url, identity, diff)
		}
	}
}

// budgetClock is the client's clock in budget tests: the client's sleeps
// move it (and the tenant's clock) instead of waiting.
type budgetClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *budgetClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *budgetClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func withFakeClock(clk *budgetClock) func(*Options) {
	return func(o *Options) {
		inner := o.Sleep
		o.Now = clk.now
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			clk.advance(d)
			return inner(ctx, d)
		}
	}
}

// TestBudgetPacesWrites: with the client's budget equal to the tenant's
// write quota, writes past the burst wait for budget (on the one-second
// grain) and none is answered 429.
func TestBudgetPacesWrites(t *testing.T) {
	limits := localtenant.GraphLimits{Writes: localtenant.Quota{Limit: 3, Per: 3 * time.Second}}
	clk := &budgetClock{t: time.Now()}
	ts := newTenantSetup(t, localtenant.Options{GraphLimits: &limits}, withFakeClock(clk), func(o *Options) {
		o.Budget = &Limits{Writes: Quota{Limit: 3, Per: 3 * time.Second}}
	})
	for i := range 6 {
		if _, err := ts.c.Do(context.Background(), "POST", "/applications", map[string]any{"displayName": "paced"}, nil); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	got := ts.c.BudgetStats()
	want := BudgetStats{Requests: 6, Writes: 6, Throttled: 0, Waits: 3, Waited: 3 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("budget (-want +got):\n%s", diff)
	}
	if st := ts.s.ThrottleStats(); st.Throttled != 0 || st.Writes != 6 {
		t.Errorf("tenant: %+v, want 6 writes and none throttled", st)
	}
}

// TestBudgetRetryAfter: when the tenant's quota is smaller than the
// client believes, the client learns from the answers: the second write's
// x-ms-throttle-limit-percentage (the quota is used up) empties its
// bucket, so the third waits for budget (1 s, the release grain); the
// tenant still refuses it, 429 with Retry-After 4 (its bucket refills one
// write in 5 s), and the client waits exactly that long before the
// attempt that succeeds.
func TestBudgetRetryAfter(t *testing.T) {
	limits := localtenant.GraphLimits{Writes: localtenant.Quota{Limit: 2, Per: 10 * time.Second}} // one write per 5 s
	clk := &budgetClock{t: time.Now()}
	ts := newTenantSetup(t, localtenant.Options{GraphLimits: &limits}, withFakeClock(clk), func(o *Options) {
		o.Budget = &Limits{Writes: Quota{Limit: 100, Per: 10 * time.Second}}
	})
	for i := range 3 {
		if _, err := ts.c.Do(context.Background(), "POST", "/applications", map[string]any{"displayName": "x"}, nil); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 4 * time.Second}, ts.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	got := ts.c.BudgetStats()
	if got.Throttled != 1 || got.Requests != 4 {
		t.Errorf("budget %+v: want 4 requests, 1 throttled", got)
	}
	var statuses []int
	for _, r := range ts.s.Requests() {
		if r.Method == http.MethodPost && r.Host == "graph.microsoft.com" {
			statuses = append(statuses, r.Status)
		}
	}
	if diff := cmp.Diff([]int{201, 201, 429, 201}, statuses); diff != "" {
		t.Errorf("tenant's answers (-want +got):\n%s", diff)
	}
}
