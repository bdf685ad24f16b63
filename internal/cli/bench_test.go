package cli

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseBenchLists(t *testing.T) {
	sizes, err := parseSizes("10, 100,1000")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{10, 100, 1000}, sizes); diff != "" {
		t.Errorf("sizes (-want +got):\n%s", diff)
	}
	lat, err := parseLatencies("0,20ms, 1s")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{0, 20 * time.Millisecond, time.Second}, lat); diff != "" {
		t.Errorf("latencies (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "ten", "0", "-5", "10,,100"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) accepted it", bad)
		}
	}
	for _, bad := range []string{"", "20", "fast", "-1ms"} {
		if _, err := parseLatencies(bad); err == nil {
			t.Errorf("parseLatencies(%q) accepted it", bad)
		}
	}
}
