package reliability

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
)

// concurrencyFaults slow every request down so that two applies started
// together overlap for their whole length.
var concurrencyFaults = localtenant.Faults{Latency: 20 * time.Millisecond}

// TestConcurrentAppliesRefused: a second apply of a workspace while one
// runs on the same machine is refused at once with a clear message; the
// first one finishes, and the tenant is exactly as declared.
func TestConcurrentAppliesRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, concurrencyFaults)
	w := workspace{Name: "concurrent", Apps: standardApps(6)}
	dir := t.TempDir()
	writeFiles(t, dir, w.Files())
	a := h.start(dir, nil, "apply", "-auto-approve")
	time.Sleep(200 * time.Millisecond)
	b := h.start(dir, nil, "apply", "-auto-approve")
	rb, ra := h.wait(b), h.wait(a)
	if ra.Code != 0 {
		t.Errorf("the first apply exited %d:\n%s", ra.Code, tail(ra.Stderr, 20))
	}
	if rb.Code != 1 || !strings.Contains(rb.Stderr, `cannot apply workspace "concurrent" of tenant `) ||
		!strings.Contains(rb.Stderr, "holds the workspace lock") || !strings.Contains(rb.Stderr, "-lock-timeout") {
		t.Errorf("the second apply exited %d; want 1 and the lock message:\n%s", rb.Code, tail(rb.Stderr, 20))
	}
	if strings.Contains(rb.Stderr, "Reading tenant") {
		t.Errorf("the refused apply read the tenant first:\n%s", tail(rb.Stderr, 20))
	}
	h.mustRun(dir, 0, "plan", "-detailed-exitcode")
	h.checkTenant(t, w, dir)
}

// TestConcurrentAppliesWait: with -lock-timeout the second apply waits for
// the first, then plans against what it did: nothing left to do.
func TestConcurrentAppliesWait(t *testing.T) {
	t.Parallel()
	h := newHarness(t, concurrencyFaults)
	w := workspace{Name: "concurrent", Apps: standardApps(6)}
	dir := t.TempDir()
	writeFiles(t, dir, w.Files())
	a := h.start(dir, nil, "apply", "-auto-approve", "-lock-timeout=2m")
	time.Sleep(200 * time.Millisecond)
	b := h.start(dir, nil, "apply", "-auto-approve", "-lock-timeout=2m")
	ra, rb := h.wait(a), h.wait(b)
	for name, r := range map[string]result{"first": ra, "second": rb} {
		if r.Code != 0 {
			t.Errorf("the %s apply exited %d:\n%s", name, r.Code, tail(r.Stderr, 20))
		}
	}
	if !strings.Contains(rb.Stdout, "No changes.") {
		t.Errorf("the second apply did not find the first one's work done:\n%s", tail(rb.Stdout, 20))
	}
	h.mustRun(dir, 0, "plan", "-detailed-exitcode")
	h.checkTenant(t, w, dir)
}

// TestConcurrentAppliesOnTwoMachines: two applies of one workspace from
// two machines (own lock directories, own checkouts and secret files) at
// once. Nothing is corrupted: objects with an identity of their own
// (applications by unique name, service principals, consent, role
// assignments, federated credentials, site grants) exist once; each
// machine may add its own secret and certificate, and both runs succeed.
// One more apply from either machine removes the other's extra
// credentials, and the plan after it is empty.
func TestConcurrentAppliesOnTwoMachines(t *testing.T) {
	t.Parallel()
	h := newHarness(t, concurrencyFaults)
	w := workspace{Name: "concurrent", Apps: standardApps(6)}
	dirA, dirB := t.TempDir(), t.TempDir()
	writeFiles(t, dirA, w.Files())
	writeFiles(t, dirB, w.Files())
	a := h.start(dirA, []string{"HOME=" + t.TempDir()}, "apply", "-auto-approve")
	b := h.start(dirB, []string{"HOME=" + t.TempDir()}, "apply", "-auto-approve")
	ra, rb := h.wait(a), h.wait(b)
	for name, r := range map[string]result{"A": ra, "B": rb} {
		if r.Code != 0 {
			t.Errorf("apply on machine %s exited %d:\n%s", name, r.Code, tail(r.Stderr, 20))
		}
	}
	extraSecrets, extraCerts := 0, 0
	h.settle(func() {
		v := h.inspector().view(t, w)
		if len(v.Orphans) > 0 {
			t.Errorf("orphans after two concurrent applies: %v", v.Orphans)
		}
		for un, want := range w.Want() {
			got := v.Apps[un]
			extraSecrets += len(got.Secrets) - len(want.Secrets)
			extraCerts += len(got.Certificates) - len(want.Certificates)
			got.Secrets, got.Certificates = want.Secrets, want.Certificates
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s after two concurrent applies, credentials aside (-want +got):\n%s", un, diff)
			}
		}
	})
	// The next apply from A removes B's credentials.
	r := h.mustRun(dirA, 0, "apply", "-auto-approve")
	removed := planCount(r.Stdout)
	h.mustRun(dirA, 0, "plan", "-detailed-exitcode")
	h.checkTenant(t, w, dirA)
	t.Logf("FIGURE concurrency two_machines extra_secrets=%d extra_certificates=%d removed_by_next_apply=%d", extraSecrets, extraCerts, removed)
}
