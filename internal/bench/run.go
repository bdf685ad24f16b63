package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/internal/bench/workload"
	"github.com/entraform/entraform/internal/engine"
	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/plan/render"
	"github.com/entraform/entraform/providers/graph"
)

// Run measures every size at every latency and returns the report. It
// fails on the first run that does not do what it should (an apply with a
// failed change, a no-op plan with changes): a benchmark of a broken run
// would measure the wrong thing.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	rep := &Report{
		Machine:         describeMachine(),
		Parallelism:     opts.Parallelism,
		Coalesce:        !opts.NoCoalesce,
		CoalesceWindow:  opts.CoalesceWindow,
		TenantInProcess: len(opts.TenantCommand) == 0 || opts.NoOpOnly,
		GraphLimits:     opts.GraphLimits,
		TenantSize:      opts.TenantSize,
		NoOpOnly:        opts.NoOpOnly,
		Sizes:           opts.Sizes,
		Latencies:       opts.Latencies,
		Started:         time.Now(),
	}
	dir := opts.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "entraform-bench-")
		if err != nil {
			return nil, fmt.Errorf("benchmark directory: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	for _, lat := range opts.Latencies {
		for _, n := range opts.Sizes {
			r := &sizeRun{opts: opts, n: n, latency: lat, dir: filepath.Join(dir, fmt.Sprintf("n%d-%s", n, latencyName(lat)))}
			ms, err := r.run(ctx)
			rep.Measurements = append(rep.Measurements, ms...)
			if err != nil {
				rep.Elapsed = time.Since(rep.Started)
				rep.Machine.LoadAfter = loadAverage()
				return rep, fmt.Errorf("N=%d at %s latency: %w", n, lat, err)
			}
		}
	}
	rep.Elapsed = time.Since(rep.Started)
	rep.Machine.LoadAfter = loadAverage()
	return rep, nil
}

func latencyName(d time.Duration) string {
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// sizeRun measures one size at one latency on a fresh local tenant.
type sizeRun struct {
	opts    Options
	n       int
	latency time.Duration
	dir     string

	tenant tenantServer
	getenv func(string) string
	out    []Measurement
	// limits is the Graph limits setting of the tenant now (the client
	// paces itself by the same).
	limits string
}

func (r *sizeRun) run(ctx context.Context) (_ []Measurement, err error) {
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, err
	}
	r.limits = r.opts.GraphLimits
	spec := tenantSpec{latency: r.latency, seed: &localtenant.Seed{}, dir: r.dir, limits: r.opts.GraphLimits, size: r.opts.TenantSize}
	for _, p := range workload.SitePaths(r.n) {
		spec.seed.Sites = append(spec.seed.Sites, localtenant.SeedSite{Path: p, DisplayName: "Benchmark " + filepath.Base(p)})
	}
	if r.opts.RequestLogDir != "" {
		if err := os.MkdirAll(r.opts.RequestLogDir, 0o755); err != nil {
			return nil, err
		}
		spec.requestLog = filepath.Join(r.opts.RequestLogDir, fmt.Sprintf("requests-n%d-%s.jsonl", r.n, latencyName(r.latency)))
	}
	command := r.opts.TenantCommand
	if r.opts.NoOpOnly {
		// Set up fast: no latency, no limits; switched on below.
		command = nil
		spec.latency, spec.limits, r.limits = 0, "", ""
	}
	r.tenant, err = startTenant(ctx, command, spec)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := r.tenant.close(); err == nil && cerr != nil {
			err = fmt.Errorf("stopping the local tenant: %w", cerr)
		}
	}()
	vars := r.tenant.env()
	r.getenv = func(k string) string { return vars[k] }

	wl := workload.Config{N: r.n}
	objects := workload.Objects(r.n)

	// The empty workspace: plan everything, apply it.
	if err := r.writeConfig(wl); err != nil {
		return r.out, err
	}
	created, err := r.plan(ctx, RunPlanCreate, ModeBulk, expect{creates: objects})
	if err != nil {
		return r.out, err
	}
	if err := r.apply(ctx, RunApply, created); err != nil {
		return r.out, err
	}
	if r.opts.NoOpOnly {
		r.out = nil
		spec.latency, spec.limits, r.limits = r.latency, r.opts.GraphLimits, r.opts.GraphLimits
		if err := r.tenant.(*inProcess).setLimits(spec); err != nil {
			return nil, err
		}
	}

	// Nothing changed.
	var snaps []*plan.Snapshot
	for _, mode := range r.modes() {
		p, err := r.plan(ctx, RunPlanNoOp, mode, expect{})
		if err != nil {
			return r.out, err
		}
		snaps = append(snaps, p.snap)
		p.close()
	}
	if r.opts.NoOpOnly {
		return r.out, r.offlineWithoutTenant(snaps)
	}
	if r.opts.Directory {
		if err := r.directory(ctx, wl, objects); err != nil {
			return r.out, err
		}
	}

	// 1% of the applications renamed.
	wl.Renamed = workload.Changes(r.n)
	if err := r.writeConfig(wl); err != nil {
		return r.out, err
	}
	var changed *planned
	for _, mode := range r.modes() {
		p, err := r.plan(ctx, RunPlanChange, mode, expect{updates: wl.Renamed})
		if err != nil {
			return r.out, err
		}
		if mode == ModeBulk {
			changed = p
		} else {
			p.close()
		}
	}
	if err := r.apply(ctx, RunApply1pct, changed); err != nil {
		return r.out, err
	}
	return r.out, nil
}

func (r *sizeRun) modes() []string {
	if r.opts.SkipNaive {
		return []string{ModeBulk}
	}
	return []string{ModeBulk, ModeNaive}
}

func (r *sizeRun) writeConfig(wl workload.Config) error {
	if err := os.WriteFile(filepath.Join(r.dir, workload.FileName), []byte(wl.HCL()), 0o644); err != nil {
		return fmt.Errorf("writing the configuration: %w", err)
	}
	return nil
}

// expect is what a plan must contain.
type expect struct {
	creates, updates int
}

// planned is a plan with what it takes to apply it.
type planned struct {
	engine *engine.Engine
	graph  *graph.Client
	close  func()
	cfg    *config.Config
	plan   *plan.Plan
	snap   *plan.Snapshot
}

// plan runs what `entraform plan` runs (sign in, load, refresh, diff,
// render) and records it.
func (r *sizeRun) plan(ctx context.Context, run, mode string, want expect) (_ *planned, err error) {
	if err := r.tenant.mark(); err != nil {
		return nil, err
	}
	meter := newMeter()
	m := Measurement{N: r.n, Run: run, Mode: mode, Latency: r.latency}
	start := time.Now()

	var (
		cfg   *config.Config
		diags hcl.Diagnostics
	)
	m.Phases.Load = timed(meter, func() {
		cfg, diags = config.Load(config.LoadOptions{Dir: r.dir, Getenv: func(string) string { return "" }})
	})
	if diags.HasErrors() {
		return nil, fmt.Errorf("loading the configuration: %w", diags)
	}
	e, g, closeIdle, err := connect(ctx, r.getenv, filepath.Join(r.dir, ".cache"), cfg, mode == ModeNaive, r.opts, r.limits)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			closeIdle()
		}
	}()
	refreshStart := time.Now()
	snap, err := e.Refresh(ctx, cfg)
	m.Phases.Refresh = time.Since(refreshStart)
	if err != nil {
		return nil, err
	}
	var p *plan.Plan
	m.Phases.Build = timed(meter, func() { p, diags = plan.Build(cfg, snap, plan.Options{}) })
	if diags.HasErrors() {
		return nil, fmt.Errorf("building the plan: %w", diags)
	}
	m.Phases.Render = timed(meter, func() { err = render.Plan(io.Discard, p, render.Options{}) })
	m.Wall = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("rendering the plan: %w", err)
	}
	m.CPU, m.CPUKnown, m.Allocated, m.PeakHeap = meter.cpu, meter.cpuOK, meter.allocated, meter.peak
	m.Budget = budgetDelta(graph.BudgetStats{}, g.BudgetStats())
	if err := r.repeatOffline(&m, snap); err != nil {
		return nil, err
	}
	if err := r.record(&m); err != nil {
		return nil, err
	}
	creates, updates, others := counts(p)
	m.Changes = creates + updates + others
	m.Sites = workload.SiteCount(r.n)
	if run == RunPlanNoOp {
		// The application list carries its federated credentials
		// ($expand), and Graph pages a list with $expand by 100; the
		// service principals, grants and role assignments come 999 a
		// page; sites and their permissions 20 to a $batch.
		m.FloorRequests = ceilDiv(r.n, 100) + 3*ceilDiv(r.n, 999) + 2*ceilDiv(m.Sites, 20)
	}
	r.out = append(r.out, m)
	fmt.Fprintf(r.opts.Progress, "N=%-5d %5s  %-18s %-5s  %5d requests  %9s  cpu %s\n",
		r.n, latencyName(r.latency), run, mode, m.Requests, m.Wall.Round(time.Millisecond), m.CPU.Round(time.Millisecond))
	if creates != want.creates || updates != want.updates || others != 0 {
		return nil, fmt.Errorf("%s (%s): the plan has %d creates, %d updates and %d other changes; want %d creates and %d updates",
			run, mode, creates, updates, others, want.creates, want.updates)
	}
	return &planned{engine: e, graph: g, close: closeIdle, cfg: cfg, plan: p, snap: snap}, nil
}

// offlineWithoutTenant measures the no-op plans' parse + diff + render
// again once the in-process tenant is closed and collected, and keeps
// only those passes: a tenant of 10,000 applications in the same process
// makes every garbage collection of the measured phases mark its heap
// too. snaps are the plans' snapshots, in the order of r.out.
func (r *sizeRun) offlineWithoutTenant(snaps []*plan.Snapshot) error {
	if err := r.tenant.close(); err != nil {
		return err
	}
	r.tenant = closedTenant{}
	runtime.GC()
	for i := range r.out {
		m := &r.out[i]
		m.CPU, m.Allocated, m.PeakHeap = math.MaxInt64, math.MaxUint64, math.MaxUint64
		if err := r.repeatOfflinePasses(m, snaps[i], r.opts.OfflineRepeats); err != nil {
			return err
		}
	}
	return nil
}

// closedTenant stands for a tenant already closed.
type closedTenant struct{}

func (closedTenant) env() map[string]string                         { return nil }
func (closedTenant) mark() error                                    { return nil }
func (closedTenant) requests() ([]localtenant.RequestRecord, error) { return nil, nil }
func (closedTenant) close() error                                   { return nil }

// repeatOffline runs parse + expand, diff and render again on the same
// snapshot, Options.OfflineRepeats passes in all, and keeps the smallest
// CPU time, allocation and heap peak: other work on the machine only ever
// adds to them.
func (r *sizeRun) repeatOffline(m *Measurement, snap *plan.Snapshot) error {
	return r.repeatOfflinePasses(m, snap, r.opts.OfflineRepeats-1)
}

// repeatOfflinePasses runs parse + expand, diff and render passes times
// and lowers m's CPU, allocation and heap figures to the smallest seen.
func (r *sizeRun) repeatOfflinePasses(m *Measurement, snap *plan.Snapshot, passes int) error {
	for i := 0; i < passes; i++ {
		meter := newMeter()
		var (
			cfg   *config.Config
			p     *plan.Plan
			diags hcl.Diagnostics
			err   error
		)
		meter.phase(func() {
			cfg, diags = config.Load(config.LoadOptions{Dir: r.dir, Getenv: func(string) string { return "" }})
		})
		if diags.HasErrors() {
			return fmt.Errorf("loading the configuration: %w", diags)
		}
		meter.phase(func() { p, diags = plan.Build(cfg, snap, plan.Options{}) })
		if diags.HasErrors() {
			return fmt.Errorf("building the plan: %w", diags)
		}
		meter.phase(func() { err = render.Plan(io.Discard, p, render.Options{}) })
		if err != nil {
			return fmt.Errorf("rendering the plan: %w", err)
		}
		m.CPU = min(m.CPU, meter.cpu)
		m.CPUKnown = m.CPUKnown && meter.cpuOK
		m.Allocated = min(m.Allocated, meter.allocated)
		m.PeakHeap = min(m.PeakHeap, meter.peak)
	}
	return nil
}

// apply applies a plan in the session that made it, as `entraform apply`
// does after its plan, and records the apply alone.
func (r *sizeRun) apply(ctx context.Context, run string, p *planned) error {
	defer p.close()
	if err := r.tenant.mark(); err != nil {
		return err
	}
	m := Measurement{N: r.n, Run: run, Mode: ModeBulk, Latency: r.latency}
	start := time.Now()
	before := p.graph.BudgetStats()
	res := p.engine.Apply(ctx, p.cfg, p.plan, p.snap, engine.ApplyOptions{Parallelism: r.opts.Parallelism})
	m.Wall = time.Since(start)
	m.Budget = budgetDelta(before, p.graph.BudgetStats())
	if lim, err := clientLimits(r.limits); err == nil && lim != nil {
		m.Floor = writeFloor(*lim, m.Budget.Writes-m.Budget.Throttled)
	}
	if err := r.record(&m); err != nil {
		return err
	}
	m.Changes = len(res.Applied)
	m.Rounds = res.Rounds
	r.out = append(r.out, m)
	fmt.Fprintf(r.opts.Progress, "N=%-5d %5s  %-18s %-5s  %5d requests  %9s  %d rounds  %d identity requests, %d throttled, %d waits\n",
		r.n, latencyName(r.latency), run, ModeBulk, m.Requests, m.Wall.Round(time.Millisecond), m.Rounds, m.Budget.Requests, m.Budget.Throttled, m.Budget.Waits)
	if !res.OK() {
		var errs []error
		for _, f := range res.Failed {
			errs = append(errs, fmt.Errorf("%s: %w", f.Address, f.Err))
			if len(errs) == 3 {
				break
			}
		}
		return fmt.Errorf("%s: %d changes failed, %d skipped: %w", run, len(res.Failed), len(res.Skipped), errors.Join(errs...))
	}
	return nil
}

// record counts the requests the tenant logged since its mark.
func (r *sizeRun) record(m *Measurement) error {
	recs, err := r.tenant.requests()
	if err != nil {
		return fmt.Errorf("reading the request log: %w", err)
	}
	c := countRequests(recs)
	m.Requests, m.SignIn, m.Errors, m.ByKind = c.API, c.SignIn, c.Errors, c.ByKind
	return nil
}

// writeFloor is the least time w identity writes take under the
// limits: what exceeds a quota's full bucket at that quota's rate.
func writeFloor(l graph.Limits, w int) time.Duration {
	var floor time.Duration
	for _, q := range []graph.Quota{l.Writes, l.TenantWrites} {
		if q.Limit <= 0 || q.Per <= 0 || w <= q.Limit {
			continue
		}
		d := time.Duration(float64(w-q.Limit) / float64(q.Limit) * float64(q.Per))
		floor = max(floor, d)
	}
	return floor
}

// budgetDelta is what the client's pacing counted between two snapshots.
func budgetDelta(before, after graph.BudgetStats) BudgetCounts {
	return BudgetCounts{
		Requests:  after.Requests - before.Requests,
		Writes:    after.Writes - before.Writes,
		Throttled: after.Throttled - before.Throttled,
		Waits:     after.Waits - before.Waits,
		Waited:    after.Waited - before.Waited,
	}
}

// timed runs f as a metered phase and returns its wall time.
func timed(m *meter, f func()) time.Duration {
	start := time.Now()
	m.phase(f)
	return time.Since(start)
}

// counts sorts a plan's changes into creates, updates and the rest.
func counts(p *plan.Plan) (creates, updates, others int) {
	for _, c := range p.Changes {
		switch c.Action {
		case plan.NoOp:
		case plan.Create:
			creates++
		case plan.Update:
			updates++
		default:
			others++
		}
	}
	return creates, updates, others
}

// directory measures the no-op plan of the workspace with an owner and an
// assignment on every application, then goes back to the plain workload
// (owners and assignments are no longer managed; they stay in the tenant).
func (r *sizeRun) directory(ctx context.Context, wl workload.Config, objects int) error {
	wl.Directory = true
	if err := r.writeConfig(wl); err != nil {
		return err
	}
	added, err := r.plan(ctx, RunApplyDirectory, ModeBulk, expect{creates: workload.DirectoryObjects(r.n)})
	if err != nil {
		return err
	}
	r.out = r.out[:len(r.out)-1] // the plan of the apply is not a row of its own
	if err := r.apply(ctx, RunApplyDirectory, added); err != nil {
		return err
	}
	p, err := r.plan(ctx, RunPlanNoOpDirectory, ModeBulk, expect{})
	if err != nil {
		return err
	}
	p.close()
	wl.Directory = false
	return r.writeConfig(wl)
}
