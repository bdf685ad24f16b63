package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixedReport is a made-up report of N=1000 at 0 and 50 ms that meets
// some targets and misses others.
func fixedReport() *Report {
	const ms = time.Millisecond
	rep := &Report{
		Machine:     Machine{OS: "linux", Arch: "amd64", CPU: "Test CPU", CPUs: 2, GOMAXPROCS: 2, Go: "go1.26"},
		Parallelism: 10,
		Coalesce:    true,
		Sizes:       []int{1000},
		Latencies:   []time.Duration{0, 50 * ms},
		Elapsed:     95 * time.Second,
	}
	plan := func(run, mode string, lat time.Duration, req int, wall, cpu time.Duration, changes int) Measurement {
		return Measurement{N: 1000, Run: run, Mode: mode, Latency: lat, Requests: req, SignIn: 3, Wall: wall,
			CPU: cpu, CPUKnown: true, PeakHeap: 40 << 20, Allocated: 90 << 20, Changes: changes,
			ByKind: map[string]int{"POST /v1.0/$batch": req - 2, "GET /v1.0/applications": 1, "GET /v1.0/servicePrincipals": 1},
			Phases: Phases{Load: cpu / 2, Refresh: wall - cpu, Build: cpu / 3, Render: cpu / 6}}
	}
	apply := func(run string, lat time.Duration, req int, wall time.Duration, changes, rounds int) Measurement {
		kinds := map[string]int{"PATCH /v1.0/applications/{id}": req}
		if req >= 5000 {
			kinds = map[string]int{"PATCH /v1.0/applications(uniqueName='…')": 1000, "POST /v1.0/servicePrincipals": 1000,
				"POST /v1.0/oauth2PermissionGrants": 1000, "POST /v1.0/servicePrincipals/{id}/appRoleAssignments": 1000,
				"POST /v1.0/applications/{id}/addPassword": 1000, "POST /v1.0/sites/{site}/permissions": req - 5000}
		}
		return Measurement{N: 1000, Run: run, Mode: ModeBulk, Latency: lat, Requests: req, Wall: wall, Changes: changes, Rounds: rounds, ByKind: kinds}
	}
	for _, lat := range rep.Latencies {
		slow := time.Duration(1)
		if lat > 0 {
			slow = 3
		}
		rep.Measurements = append(rep.Measurements,
			plan(RunPlanCreate, ModeBulk, lat, 13, 900*ms*slow, 700*ms, 5100),
			apply(RunApply, lat, 5100, 6*time.Second*slow*5, 5100, 3),
			plan(RunPlanNoOp, ModeBulk, lat, 23, 1100*ms*slow, 180*ms, 0),
			plan(RunPlanNoOp, ModeNaive, lat, 5021, 12*time.Second*slow, 420*ms, 0),
			plan(RunPlanChange, ModeBulk, lat, 23, 1000*ms*slow, 310*ms, 10),
			plan(RunPlanChange, ModeNaive, lat, 5021+int(slow)-1, 11*time.Second*slow, 380*ms, 10),
			apply(RunApply1pct, lat, 10, 15*ms*slow*10, 10, 1),
		)
	}
	return rep
}

func TestWriteMarkdown(t *testing.T) {
	var got bytes.Buffer
	if err := fixedReport().WriteMarkdown(&got); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "report.golden.md")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

// TestReadReport renders a report saved as JSON exactly as the report
// itself (entraform bench -from-json).
func TestReadReport(t *testing.T) {
	rep := fixedReport()
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var want, got bytes.Buffer
	if err := rep.WriteMarkdown(&want); err != nil {
		t.Fatal(err)
	}
	if err := back.WriteMarkdown(&got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("report from JSON (-want +got):\n%s", diff)
	}
	if _, err := ReadReport(strings.NewReader(`{"sizes":[]}`)); err == nil {
		t.Error("ReadReport accepted a report without sizes")
	}
}
