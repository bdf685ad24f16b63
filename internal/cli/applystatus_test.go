package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/providers/graph"
)

func TestApplyStatusLine(t *testing.T) {
	var out bytes.Buffer
	stats := graph.BudgetStats{InFlight: 20, Waiting: 180, Waits: 2000, Throttled: 1}
	s, lines := startApplyStatus(&out, true, &apply.Tally{}, func() graph.BudgetStats { return stats })
	s.show()
	lines.Write([]byte("application.a: Creating...\n"))
	s.show()
	s.finish()
	want := "\r\x1b[KApplying: 0/0 done, 20 writes in flight, 180 waiting for throttling budget (2000 waits so far), 1 throttled (429), estimating time left" +
		"\r\x1b[Kapplication.a: Creating...\n" +
		"\r\x1b[KApplying: 0/0 done, 20 writes in flight, 180 waiting for throttling budget (2000 waits so far), 1 throttled (429), estimating time left" +
		"\r\x1b[K"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("terminal output (-want +got):\n%s", diff)
	}

	// Without a terminal: whole lines, nothing to clear.
	out.Reset()
	s, lines = startApplyStatus(&out, false, &apply.Tally{}, nil)
	lines.Write([]byte("application.a: Creating...\n"))
	s.show()
	s.finish()
	want = "application.a: Creating...\nApplying: 0/0 done, 0 writes in flight, 0 waiting for throttling budget (0 waits so far), estimating time left\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("log output (-want +got):\n%s", diff)
	}
}

func TestETA(t *testing.T) {
	tests := []struct {
		elapsed     time.Duration
		done, total int
		want        string
	}{
		{10 * time.Second, 25, 100, "about 30s left"},
		{time.Minute, 1000, 5100, "about 4m6s left"},
		{time.Second, 0, 100, "estimating time left"},
	}
	for _, tt := range tests {
		if got := eta(tt.elapsed, tt.done, tt.total); got != tt.want {
			t.Errorf("eta(%v, %d, %d) = %q, want %q", tt.elapsed, tt.done, tt.total, got, tt.want)
		}
	}
}
