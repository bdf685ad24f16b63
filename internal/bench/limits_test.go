package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestApplyUnderTightLimits applies 8 applications (40 writes) to a
// tenant whose write quota is 10 per 2 seconds for the application and
// 24 per 6 seconds for the tenant, the client pacing itself by the same
// limits file: every change is applied (Run fails otherwise), the client
// waited for budget rather than retrying, and 429 answers stay under 2%
// of the identity requests. Counts only; the time it takes is not
// asserted.
func TestApplyUnderTightLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("an apply paced at 5 writes per second")
	}
	limits := filepath.Join(t.TempDir(), "limits.json")
	err := os.WriteFile(limits, []byte(`{
  "resourceUnits": {"limit": 80, "per": "2s"},
  "writes":        {"limit": 10, "per": "2s"},
  "tenantWrites":  {"limit": 24, "per": "6s"}
}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	rep, err := Run(context.Background(), Options{
		Sizes: []int{8}, Latencies: []time.Duration{0}, SkipNaive: true, OfflineRepeats: 1,
		GraphLimits: limits, Progress: &progress,
	})
	if err != nil {
		t.Fatalf("Run: %v\nprogress:\n%s", err, progress.String())
	}
	apply, ok := rep.at(8, RunApply, ModeBulk, 0)
	if !ok {
		t.Fatalf("no apply measured:\n%s", progress.String())
	}
	b := apply.Budget
	if b.Writes < 40 || b.Waits == 0 {
		t.Errorf("apply: %+v; want at least 40 identity writes, some of them after a wait for budget", b)
	}
	var requests, throttled int
	for _, m := range rep.Measurements {
		requests += m.Budget.Requests
		throttled += m.Budget.Throttled
	}
	if throttled*50 > requests {
		t.Errorf("%d of %d identity requests answered 429, want under 2%%:\n%s", throttled, requests, progress.String())
	}
}
