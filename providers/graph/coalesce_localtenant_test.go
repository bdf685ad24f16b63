package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
)

// TestCoalesceAgainstLocalTenant sets up 60 applications at once (upsert,
// service principal, secret) through a coalescing client against a local
// tenant that throttles 30% of the requests in a $batch one by one. Every
// write lands exactly once, the throttled items wait their Retry-After,
// and the tenant sees batches, not 180 requests.
func TestCoalesceAgainstLocalTenant(t *testing.T) {
	ts := newTenantSetup(t, localtenant.Options{Faults: localtenant.Faults{ThrottleRate: 0.3, Seed: 3}},
		coalescing(5*time.Millisecond, 4), func(o *Options) { o.MaxRetries = 20; o.MaxRetryTime = time.Hour })
	ctx := context.Background()
	const n = 60
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = func() error {
				var a app
				name := fmt.Sprintf("coalesce-%02d", i)
				if err := ts.c.Patch(ctx, "/applications(uniqueName='"+name+"')", map[string]string{"displayName": name}, &a, Prefer("create-if-missing")); err != nil {
					return err
				}
				if err := ts.c.Post(ctx, "/servicePrincipals", map[string]string{"appId": a.AppID}, nil, RetryReplication(time.Minute)); err != nil {
					return err
				}
				var cred struct {
					SecretText string `json:"secretText"`
				}
				if err := ts.c.Post(ctx, "/applications/"+a.ID+"/addPassword", map[string]any{"passwordCredential": map[string]string{"displayName": "web"}}, &cred, RetryReplication(time.Minute)); err != nil {
					return err
				}
				if cred.SecretText == "" {
					return fmt.Errorf("%s: no secret text", name)
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("application %d: %v", i, err)
		}
	}
	if len(ts.Sleeps()) == 0 {
		t.Error("no request waited: the tenant throttled none, and the test shows nothing")
	}

	byKind := map[string]int{}
	for _, r := range ts.s.Requests() {
		if r.Host == "graph.microsoft.com" {
			byKind[r.Method+" "+r.Path]++
		}
	}
	t.Logf("requests by kind: %v; %d waits", byKind, len(ts.Sleeps()))
	if byKind["POST /v1.0/$batch"] == 0 || byKind["POST /v1.0/$batch"] > n {
		t.Errorf("the tenant saw %d $batch requests for %d writes and their retries: %v", byKind["POST /v1.0/$batch"], 3*n, byKind)
	}

	ts.s.SetFaults(localtenant.Faults{})
	var apps struct {
		Value []struct {
			UniqueName          string `json:"uniqueName"`
			PasswordCredentials []struct {
				KeyID string `json:"keyId"`
			} `json:"passwordCredentials"`
		} `json:"value"`
	}
	if err := ts.c.Get(ctx, "/applications?$top=999&$select=uniqueName,passwordCredentials", &apps); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for i := range n {
		want = append(want, fmt.Sprintf("coalesce-%02d: 1 secret", i))
	}
	for _, a := range apps.Value {
		if strings.HasPrefix(a.UniqueName, "coalesce-") {
			got = append(got, fmt.Sprintf("%s: %d secret", a.UniqueName, len(a.PasswordCredentials)))
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("applications in the tenant (-want +got):\n%s", diff)
	}
}
