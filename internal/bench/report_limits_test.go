package bench

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/providers/graph"
)

func TestLimitGoals(t *testing.T) {
	lat := 50 * time.Millisecond
	rep := &Report{
		GraphLimits: "documented", Sizes: []int{1000}, Latencies: []time.Duration{lat},
		Measurements: []Measurement{
			{N: 1000, Run: RunApply, Mode: ModeBulk, Latency: lat, Wall: 120 * time.Second, Floor: 100 * time.Second,
				Budget: BudgetCounts{Requests: 5000, Writes: 5000, Throttled: 100}},
			{N: 1000, Run: RunPlanNoOp, Mode: ModeBulk, Latency: lat, Wall: 2 * time.Second, Requests: 30, FloorRequests: 20,
				CPU: 300 * time.Millisecond, CPUKnown: true, PeakHeap: 100 << 20, Sites: 100},
		},
	}
	want := [][]string{
		{"apply of 1000 new applications within 15% of the floor", "120.0 s against 100.0 s (+20.0%)", "**no**"},
		{"apply of 1000: 429s under 2% of requests", "100 of 5000 (2.00%)", "**no**"},
		{"no-op plan of 1000 + 100 site grants under 5 s", "2.00 s", "yes"},
		{"... in at most 2x the floor of requests", "30 against 20", "yes"},
		{"parse+diff+render of 1000 under 1.5 s CPU", "300 ms", "yes"},
		{"peak heap of that plan under 1 GiB", "100.0 MiB", "yes"},
	}
	if diff := cmp.Diff(want, rep.limitGoals()); diff != "" {
		t.Errorf("goals (-want +got):\n%s", diff)
	}
}

func TestWriteFloor(t *testing.T) {
	doc := clientLimitsMust(t)
	tests := []struct {
		writes int
		want   time.Duration
	}{
		{2000, 0},                   // inside the full bucket
		{5000, 100 * time.Second},   // 2000 past 3000, at 20 per second
		{25000, 1100 * time.Second}, // the tenant's 18,000 per 5 min binds less
	}
	for _, tt := range tests {
		if got := writeFloor(doc, tt.writes); got != tt.want {
			t.Errorf("writeFloor(%d) = %v, want %v", tt.writes, got, tt.want)
		}
	}
}

func clientLimitsMust(t *testing.T) graph.Limits {
	t.Helper()
	l, err := clientLimits("documented")
	if err != nil || l == nil {
		t.Fatalf("documented limits: %v", err)
	}
	return *l
}
