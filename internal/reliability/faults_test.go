package reliability

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// TestFaultSuite applies 50 applications (consent, role assignment,
// secret and site grant each; some certificates and federated
// credentials; one login check) against a tenant that throttles 10% of
// Graph and SharePoint requests (429 + Retry-After), fails 5% with
// 500/503/504, and hides new objects for 2 s, as `entraform tenant serve
// -throttle-rate 0.1 -error-rate 0.05 -replication-delay 2s -fault-seed N`
// does. The apply must succeed in one run, the next plan (faults still on)
// must be empty, and the tenant must hold exactly the declared objects,
// with working secret files. Each fault seed is a different sequence of
// faults.
func TestFaultSuite(t *testing.T) {
	seeds := []int64{1, 2}
	if *longRun {
		seeds = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			faults := localtenant.Faults{ThrottleRate: 0.1, ErrorRate: 0.05, ReplicationDelay: 2 * time.Second, Seed: seed}
			h := newHarness(t, faults)
			w := workspace{Name: "faults", Apps: standardApps(50), Checks: true}
			dir := t.TempDir()
			writeFiles(t, dir, w.Files())
			h.tenant.ResetRequests()

			start := time.Now()
			r := h.mustRun(dir, 0, "apply", "-auto-approve")
			applyTime := time.Since(start)
			if !strings.Contains(r.Stdout, "Apply complete!") || !strings.Contains(r.Stdout, "Checks: 1 passed.") {
				t.Errorf("apply output lacks the summary or the check:\n%s", tail(r.Stdout, 20))
			}
			changes := planCount(r.Stdout)
			applyStats := statusCounts(h.tenant.Requests())

			// A second plan, once the replication delay has passed, with the
			// faults still on.
			time.Sleep(faults.ReplicationDelay)
			h.tenant.ResetRequests()
			start = time.Now()
			p := h.run(dir, []string{"ENTRAFORM_LOG=debug"}, "plan", "-detailed-exitcode")
			planTime := time.Since(start)
			if p.Code != 0 || !strings.Contains(p.Stdout, "No changes.") {
				t.Errorf("second plan exited %d, want 0 and no changes:\n%s\n%s", p.Code, tail(p.Stdout, 40), tail(batchLines(p.Stderr), 80))
			}
			planStats := statusCounts(h.tenant.Requests())
			h.checkTenant(t, w, dir)

			t.Logf("FIGURE fault seed=%d apps=%d changes=%d apply=%s apply_requests=%d apply_429=%d apply_5xx=%d plan=%s plan_requests=%d plan_429=%d plan_5xx=%d",
				seed, len(w.Apps), changes, applyTime.Round(100*time.Millisecond), applyStats.total, applyStats.throttled, applyStats.serverErrors,
				planTime.Round(100*time.Millisecond), planStats.total, planStats.throttled, planStats.serverErrors)
		})
	}
}

type stats struct{ total, throttled, serverErrors int }

// statusCounts counts Graph and SharePoint requests and the faults among
// them (the identity platform gets no faults).
func statusCounts(reqs []localtenant.RequestRecord) stats {
	var s stats
	for _, r := range reqs {
		if strings.HasPrefix(r.Host, "login.") {
			continue
		}
		s.total++
		switch {
		case r.Status == 429:
			s.throttled++
		case r.Status >= 500:
			s.serverErrors++
		}
	}
	return s
}

var planLine = regexp.MustCompile(`Plan: (\d+) to add, (\d+) to change, (\d+) to destroy`)

// planCount is the number of changes in a rendered plan.
func planCount(out string) int {
	m := planLine.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	n := 0
	for _, x := range m[1:] {
		var v int
		fmt.Sscan(x, &v)
		n += v
	}
	return n
}

// batchLines keeps the debug log lines about $batch requests and answers
// (cut to 600 characters) and the error lines: what a failed plan under
// faults needs to be understood.
func batchLines(stderr string) string {
	var out []string
	keep := false
	for _, l := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(l, "graph: "):
			keep = strings.Contains(l, "$batch")
		case strings.HasPrefix(l, "graph:   "):
		default:
			keep = true
		}
		if keep {
			out = append(out, l[:min(len(l), 600)])
		}
	}
	return strings.Join(out, "\n")
}
