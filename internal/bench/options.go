package bench

import (
	"io"
	"time"
)

// Options choose what Run measures.
type Options struct {
	// Sizes are the numbers of applications (default 10, 100, 1000).
	Sizes []int
	// Latencies are injected per request by the local tenant (default 0,
	// 20ms and 50ms). Each latency and size gets a fresh tenant.
	Latencies []time.Duration
	// Parallelism is the apply's -parallelism (default 10): the HTTP
	// requests in flight, each a $batch of up to 20 changes' requests
	// (with NoCoalesce, the changes in flight).
	Parallelism int
	// NoCoalesce sends every request of the bulk plans and the applies on
	// its own, as entraform did before it coalesced concurrent requests
	// into $batch (the naive refresh never coalesces).
	NoCoalesce bool
	// CoalesceWindow is how long a request waits for others to share its
	// $batch (graph.Options.CoalesceWindow); 0 is the client's default.
	CoalesceWindow time.Duration
	// OfflineRepeats is how many times each plan's parse + expand, diff
	// and render run for the CPU and heap figures, which keep the
	// smallest (default 3; the first pass is the measured plan itself).
	OfflineRepeats int
	// SkipNaive leaves out the naive one-GET-per-object refresh.
	SkipNaive bool
	// Dir holds the configurations and secret files; default a temporary
	// directory removed when Run returns.
	Dir string
	// RequestLogDir, when set, receives each tenant's request log as
	// JSON lines: requests-n<N>-<latency>.jsonl.
	RequestLogDir string
	// TenantCommand runs `entraform tenant serve` (the driver adds
	// -latency, -seed and -request-log): each tenant then runs in a child
	// process, and CPU time and heap measure the client alone. Empty runs
	// the tenants in this process (tests do; the tenant is idle while the
	// offline phases are measured, but its heap is in the process).
	TenantCommand []string
	// GraphLimits is the local tenant's -graph-limits: "" or "off" for
	// none, "documented" for Microsoft Graph's published identity limits,
	// or a limits file. The Graph client paces itself by the same limits
	// (graph.Options.Budget; none when off).
	GraphLimits string
	// TenantSize is the tenant's -tenant-size: small (default), medium or
	// large. The client paces itself by the small tenant's figures.
	TenantSize string
	// NoOpOnly measures only the no-op plans of each size: the workspace
	// is applied first with the limits off (as a fast set-up, not
	// measured), then the limits are switched on. The tenant runs in
	// this process (the switch needs it).
	NoOpOnly bool
	// Directory adds a run after the no-op plans: every application gets
	// an owner and a group assignment (applied), and the no-op plan of
	// that workspace is measured (bulk refresh only).
	Directory bool
	// Progress receives a line per measurement; nil for none.
	Progress io.Writer
}

// DefaultSizes and DefaultLatencies are the table.
var (
	DefaultSizes     = []int{10, 100, 1000}
	DefaultLatencies = []time.Duration{0, 20 * time.Millisecond, 50 * time.Millisecond}
)

func (o Options) withDefaults() Options {
	if len(o.Sizes) == 0 {
		o.Sizes = DefaultSizes
	}
	if len(o.Latencies) == 0 {
		o.Latencies = DefaultLatencies
	}
	if o.Parallelism <= 0 {
		o.Parallelism = 10
	}
	if o.OfflineRepeats <= 0 {
		o.OfflineRepeats = 3
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return o
}
