package bench

import (
	"time"
)

// The runs measured for each size.
const (
	RunPlanCreate = "plan, all new"    // plan on the empty workspace
	RunApply      = "apply, all new"   // apply of that plan
	RunPlanNoOp   = "plan, no changes" // plan right after the apply
	RunPlanChange = "plan, 1% changed" // plan with 1% of the applications renamed
	RunApply1pct  = "apply, 1% changed"
	// With Options.Directory: the workspace with an owner and an
	// assignment on every application, applied, then planned again.
	RunApplyDirectory    = "apply, +owner +assignment"
	RunPlanNoOpDirectory = "plan, no changes, +owner +assignment"
)

// Refresh modes.
const (
	ModeBulk  = "bulk"
	ModeNaive = "naive"
)

// Measurement is one run at one latency.
type Measurement struct {
	N       int           `json:"n"`
	Run     string        `json:"run"`
	Mode    string        `json:"mode"`
	Latency time.Duration `json:"latency_ns"`
	// Requests are Graph and SharePoint requests from the local tenant's
	// request log; SignIn the identity platform requests; Errors the
	// answers >= 400 among both.
	Requests int            `json:"requests"`
	SignIn   int            `json:"sign_in_requests"`
	Errors   int            `json:"error_answers"`
	ByKind   map[string]int `json:"requests_by_kind"`
	// Wall is the whole run: for a plan, sign-in + load + refresh + diff +
	// render; for an apply, the apply.
	Wall   time.Duration `json:"wall_ns"`
	Phases Phases        `json:"phases"`
	// CPU, Allocated and PeakHeap cover parse + expand + diff + render
	// (plans only). CPUKnown is false where the platform has no rusage.
	CPU       time.Duration `json:"cpu_ns"`
	CPUKnown  bool          `json:"cpu_known"`
	Allocated uint64        `json:"allocated_bytes"`
	PeakHeap  uint64        `json:"peak_heap_bytes"`
	// Changes counts the changes that do something (plans and applies).
	Changes int `json:"changes"`
	// Rounds is apply.Result.Rounds: the dependency depth the apply walked.
	Rounds int `json:"rounds,omitempty"`
	// Budget is what the Graph client's pacing counted during the run
	// (graph.BudgetStats): identity requests sent ($batch items one by
	// one, retries again), writes among them, 429 answers, and the waits
	// for budget. Zero when the client did not pace itself.
	Budget BudgetCounts `json:"budget"`
	// Floor is, for an apply under Graph limits, the least time its
	// identity writes can take: past each write quota's full bucket, the
	// rest at the quota's rate (the largest over the quotas).
	Floor time.Duration `json:"floor_ns,omitempty"`
	// FloorRequests is, for a no-op plan, the list pages (applications,
	// service principals, grants, role assignments at 999 a page) plus
	// the site batches (look-ups and permission lists, 20 a batch).
	FloorRequests int `json:"floor_requests,omitempty"`
	// Sites is the number of site grants of the configuration.
	Sites int `json:"sites,omitempty"`
}

// BudgetCounts are the Graph client's pacing figures of one run.
type BudgetCounts struct {
	Requests  int           `json:"identity_requests"`
	Writes    int           `json:"identity_writes"`
	Throttled int           `json:"throttled"`
	Waits     int           `json:"waits"`
	Waited    time.Duration `json:"waited_ns"`
}

// Phases are the wall times of a plan's steps.
type Phases struct {
	Load    time.Duration `json:"load_ns"`
	Refresh time.Duration `json:"refresh_ns"`
	Build   time.Duration `json:"build_ns"`
	Render  time.Duration `json:"render_ns"`
}

// Report is everything Run measured.
type Report struct {
	Machine     Machine `json:"machine"`
	Parallelism int     `json:"parallelism"`
	// Coalesce is true when the bulk plans and the applies put concurrent
	// requests in $batch requests, waiting up to CoalesceWindow (0: the
	// client's default) for company. Reports saved before coalescing
	// existed read as false, which is what they measured.
	Coalesce       bool          `json:"coalesce"`
	CoalesceWindow time.Duration `json:"coalesce_window_ns,omitempty"`
	// TenantInProcess is true when the local tenants ran in the measured
	// process rather than in child processes.
	TenantInProcess bool `json:"tenant_in_process"`
	// GraphLimits and TenantSize are the tenants' -graph-limits and
	// -tenant-size ("" is off).
	GraphLimits string `json:"graph_limits,omitempty"`
	TenantSize  string `json:"tenant_size,omitempty"`
	// NoOpOnly: only the no-op plans were measured (Options.NoOpOnly).
	NoOpOnly     bool            `json:"noop_only,omitempty"`
	Sizes        []int           `json:"sizes"`
	Latencies    []time.Duration `json:"latencies_ns"`
	Measurements []Measurement   `json:"measurements"`
	Started      time.Time       `json:"started"`
	Elapsed      time.Duration   `json:"elapsed_ns"`
}

// find returns the measurements of one run of one size, in latency order.
func (r *Report) find(n int, run, mode string) []Measurement {
	var out []Measurement
	for _, lat := range r.Latencies {
		for _, m := range r.Measurements {
			if m.N == n && m.Run == run && m.Mode == mode && m.Latency == lat {
				out = append(out, m)
			}
		}
	}
	return out
}

// at returns the measurement at one latency.
func (r *Report) at(n int, run, mode string, latency time.Duration) (Measurement, bool) {
	for _, m := range r.Measurements {
		if m.N == n && m.Run == run && m.Mode == mode && m.Latency == latency {
			return m, true
		}
	}
	return Measurement{}, false
}
