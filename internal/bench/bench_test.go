package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/internal/bench/workload"
	"github.com/entraform/entraform/localtenant"
)

// childEnv makes the test binary act as `entraform tenant serve`, so that
// the child-process tenant can be tested without building entraform.
const childEnv = "ENTRAFORM_BENCH_TEST_TENANT"

var update = flag.Bool("update", false, "rewrite the golden files")

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(serveTenant(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// serveTenant is the part of `entraform tenant serve` the driver uses:
// -latency, -seed and -request-log; env lines on stdout; stop on
// interrupt.
func serveTenant(args []string) int {
	fs := flag.NewFlagSet("tenant", flag.ContinueOnError)
	latency := fs.Duration("latency", 0, "")
	seedFile := fs.String("seed", "", "")
	logFile := fs.String("request-log", "", "")
	limits := fs.String("graph-limits", "", "")
	size := fs.String("tenant-size", "", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	graphLimits, err := tenantSpec{limits: *limits, size: *size}.graphLimits()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	seed, err := localtenant.LoadSeed(*seedFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	f, err := os.OpenFile(*logFile, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	srv, err := localtenant.Start(ctx, localtenant.Options{Seed: seed, Faults: localtenant.Faults{Latency: *latency}, RequestLog: f, GraphLimits: graphLimits})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	for _, kv := range srv.Env() {
		fmt.Printf("%s=%s\n", kv.Key, kv.Value)
	}
	<-ctx.Done()
	return 0
}

// TestRunSmoke runs the whole benchmark for N=10 without latency: the
// same runs as the table, on a real local tenant, in this process and in
// a child process. Timings are not asserted; what each run did is.
func TestRunSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts local tenants and applies 51 objects on each")
	}
	t.Run("in process", func(t *testing.T) { smoke(t, nil) })
	t.Run("child process", func(t *testing.T) {
		t.Setenv(childEnv, "1")
		smoke(t, []string{os.Args[0]})
	})
}

func smoke(t *testing.T, tenantCommand []string) {
	var progress bytes.Buffer
	rep, err := Run(context.Background(), Options{Sizes: []int{10}, Latencies: []time.Duration{0}, Progress: &progress, TenantCommand: tenantCommand, Directory: true})
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
		{RunApplyDirectory, ModeBulk, workload.DirectoryObjects(10), 1}, // owners and assignments of existing objects
		{RunPlanNoOpDirectory, ModeBulk, 0, 0},
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
	// Owners and assignments are read in bulk: at most twice the requests.
	if dir, _ := rep.at(10, RunPlanNoOpDirectory, ModeBulk, 0); dir.Requests > 2*bulk.Requests {
		t.Errorf("no-op plan with an owner and an assignment on every application: %d requests, want at most 2 x %d", dir.Requests, bulk.Requests)
	}
	naive, _ := rep.at(10, RunPlanNoOp, ModeNaive, 0)
	if naive.Requests < 5*10 || bulk.Requests*5 > naive.Requests {
		t.Errorf("no-op plan: %d requests in bulk, %d naive; want naive >= 50 and at least 5 times bulk", bulk.Requests, naive.Requests)
	}
	if n := naive.ByKind["GET /v1.0/applications/{id}"]; n != 10 {
		t.Errorf("naive refresh read %d applications one by one, want 10", n)
	}
	// The apply's concurrent writes share $batch requests.
	if apply, _ := rep.at(10, RunApply, ModeBulk, 0); apply.ByKind["POST /v1.0/$batch"] == 0 || apply.Requests >= objects {
		t.Errorf("apply of %d objects: %d requests, %d of them $batch; want fewer requests than objects, in batches: %v",
			objects, apply.Requests, apply.ByKind["POST /v1.0/$batch"], apply.ByKind)
	}

	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{`\| N `, `\| 10 \| plan, no changes +\| naive `, `apply, all new`, `\| 10 \| plan, no changes, \+owner \+assignment +\| bulk `} {
		if !regexp.MustCompile(re).MatchString(md.String()) {
			t.Errorf("report lacks %s:\n%s", re, md.String())
		}
	}
}
