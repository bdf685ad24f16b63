package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/internal/bench/workload"
)

// TestRunSmoke runs the whole benchmark for N=10 without latency: the
// same runs as the table, on a real local tenant. Timings are not
// asserted; what each run did is.
func TestRunSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a local tenant and applies 51 objects")
	}
	var progress bytes.Buffer
	rep, err := Run(context.Background(), Options{Sizes: []int{10}, Latencies: []time.Duration{0}, Progress: &progress})
	if err != nil {
		t.Fatalf("Run: %v\nprogress:\n%s", err, progress.String())
	}

	type run struct {
		Run, Mode string
		Changes   int
		Rounds    int
	}
	var got []run
	for _, m := range rep.Measurements {
		got = append(got, run{m.Run, m.Mode, m.Changes, m.Rounds})
	}
	objects := workload.Objects(10)
	want := []run{
		{RunPlanCreate, ModeBulk, objects, 0},
		{RunApply, ModeBulk, objects, 3}, // application -> service principal -> grants
		{RunPlanNoOp, ModeBulk, 0, 0},
		{RunPlanNoOp, ModeNaive, 0, 0},
		{RunPlanChange, ModeBulk, 1, 0},
		{RunPlanChange, ModeNaive, 1, 0},
		{RunApply1pct, ModeBulk, 1, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}

	for _, m := range rep.Measurements {
		if m.Requests == 0 {
			t.Errorf("%s (%s): no requests in the local tenant's log", m.Run, m.Mode)
		}
		if strings.HasPrefix(m.Run, "plan") {
			if m.SignIn == 0 {
				t.Errorf("%s (%s): no sign-in request; every plan signs in afresh", m.Run, m.Mode)
			}
			if m.Allocated == 0 {
				t.Errorf("%s (%s): nothing allocated in parse, diff and render", m.Run, m.Mode)
			}
		}
	}
	bulk, _ := rep.at(10, RunPlanNoOp, ModeBulk, 0)
	naive, _ := rep.at(10, RunPlanNoOp, ModeNaive, 0)
	if naive.Requests < 5*10 || bulk.Requests*5 > naive.Requests {
		t.Errorf("no-op plan: %d requests in bulk, %d naive; want naive >= 50 and at least 5 times bulk", bulk.Requests, naive.Requests)
	}
	if n := naive.ByKind["GET /v1.0/applications/{id}"]; n != 10 {
		t.Errorf("naive refresh read %d applications one by one, want 10", n)
	}

	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"| N ", "| 10 | plan, no changes  | naive ", "apply, all new"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, md.String())
		}
	}
}
