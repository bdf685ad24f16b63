package apply

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
)

// Options configure an apply.
type Options struct {
	// Parallelism is the user's -parallelism (default 10): the changes in
	// progress at once, unless InProgress says otherwise.
	Parallelism int
	// InProgress bounds the changes started and not yet finished; default
	// Parallelism. When the tenant client coalesces concurrent requests
	// into $batch (graph.Options.Coalesce), the engine sets Parallelism x
	// 20 and bounds the client's HTTP requests by Parallelism instead, so
	// that each round trip carries up to 20 writes.
	InProgress int
	// Progress receives progress lines ("application.x: Creating...");
	// nil for none.
	Progress io.Writer
	// ProgressInterval is how often a long change reports it is still
	// running (default 10s).
	ProgressInterval time.Duration
	// Tally, when set, counts the changes as they finish (a progress
	// display reads it).
	Tally *Tally
	// Now is the clock (default time.Now).
	Now func() time.Time
	// ConfigDir resolves relative write_to and key file paths.
	ConfigDir string
	// TenantID goes into secret files.
	TenantID string
	// Resources are the resource service principals by lower-case appId
	// (from the snapshot the plan was built on).
	Resources map[string]*entra.ServicePrincipal
	// ShowSecrets, when not nil, receives each new secret value (apply
	// -show-secrets). Otherwise values go only to write_to files.
	ShowSecrets io.Writer
	// OnSecret, when set, is called with each new secret value as soon as
	// the tenant returns it (the command redacts it from its output).
	OnSecret func(string)
}

// Apply executes the plan. It returns an error only when it could not
// start; failures of single changes are in the Result.
func Apply(ctx context.Context, p *plan.Plan, t Tenant, opts Options) *Result {
	if opts.Parallelism <= 0 {
		opts.Parallelism = 10
	}
	if opts.InProgress <= 0 {
		opts.InProgress = opts.Parallelism
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 10 * time.Second
	}
	start := opts.Now()
	x := newExecutor(p, t, opts)
	var deletes, others []*plan.Change
	for _, c := range p.Changes {
		switch c.Action {
		case plan.NoOp:
		case plan.Delete:
			deletes = append(deletes, c)
		default:
			others = append(others, c)
		}
	}
	if opts.Tally != nil {
		opts.Tally.total.Store(int64(len(deletes) + len(others)))
	}
	// Deletes first, leaves before roots; then everything else, roots
	// before leaves.
	r1 := x.walk(ctx, deletes, reverseDeps(deletes))
	r2 := x.walk(ctx, others, forwardDeps(others))
	x.result.Rounds = r1 + r2
	x.result.Duration = opts.Now().Sub(start)
	x.result.Apps = x.state.appIDs()
	return x.result
}

type executor struct {
	plan   *plan.Plan
	tenant Tenant
	opts   Options
	state  *state
	mu     sync.Mutex
	result *Result
	// deleted holds the addresses of applications and service principals
	// this plan deletes: their children go with them.
	deleted map[string]bool
}

func newExecutor(p *plan.Plan, t Tenant, opts Options) *executor {
	x := &executor{
		plan: p, tenant: t, opts: opts, state: newState(p),
		result:  &Result{Secrets: map[string][]NewSecret{}},
		deleted: map[string]bool{},
	}
	for _, c := range p.Changes {
		if c.Action == plan.Delete && (c.Type == plan.TypeApplication || c.Type == plan.TypeServicePrincipal) {
			x.deleted[c.Address] = true
		}
	}
	return x
}

// forwardDeps: a change waits for the changes it depends on.
func forwardDeps(changes []*plan.Change) map[string][]string {
	return dependencies(changes, func(deps map[string][]string, c *plan.Change, on string) {
		deps[c.Address] = append(deps[c.Address], on)
	})
}

// reverseDeps: a delete waits for the deletes of what depends on it.
func reverseDeps(changes []*plan.Change) map[string][]string {
	return dependencies(changes, func(deps map[string][]string, c *plan.Change, on string) {
		deps[on] = append(deps[on], c.Address)
	})
}

// dependencies calls add for every dependency between two of the changes.
func dependencies(changes []*plan.Change, add func(deps map[string][]string, c *plan.Change, on string)) map[string][]string {
	in := map[string]bool{}
	for _, c := range changes {
		in[c.Address] = true
	}
	deps := map[string][]string{}
	for _, c := range changes {
		for _, d := range c.DependsOn {
			if in[d] {
				add(deps, c, d)
			}
		}
	}
	return deps
}

// walk runs the changes in dependency order with bounded concurrency and
// returns the depth of the graph it walked.
func (x *executor) walk(ctx context.Context, changes []*plan.Change, deps map[string][]string) int {
	if len(changes) == 0 {
		return 0
	}
	byAddr := map[string]*plan.Change{}
	waiting := map[string]int{}
	dependants := map[string][]string{}
	for _, c := range changes {
		byAddr[c.Address] = c
		waiting[c.Address] = len(deps[c.Address])
		for _, d := range deps[c.Address] {
			dependants[d] = append(dependants[d], c.Address)
		}
	}
	depth := map[string]int{}
	type done struct {
		addr string
		err  error
	}
	results := make(chan done)
	sem := make(chan struct{}, x.opts.InProgress)
	var ready []string
	for _, c := range changes {
		if waiting[c.Address] == 0 {
			ready = append(ready, c.Address)
			depth[c.Address] = 1
		}
	}
	inFlight, remaining, maxDepth := 0, len(changes), 0
	failedBy := map[string]string{} // address -> the failed address that blocks it
	finished := map[string]bool{}
	var skip func(addr, because string)
	skip = func(addr, because string) {
		if _, ok := failedBy[addr]; ok {
			return
		}
		failedBy[addr] = because
		remaining--
		x.opts.Tally.count("skipped")
		x.result.Skipped = append(x.result.Skipped, Skip{Address: addr, Because: because})
		for _, d := range dependants[addr] {
			skip(d, because)
		}
	}
	for remaining > 0 {
		for len(ready) > 0 {
			addr := ready[0]
			ready = ready[1:]
			if ctx.Err() != nil {
				skip(addr, "interrupted")
				continue
			}
			inFlight++
			maxDepth = max(maxDepth, depth[addr])
			go func(c *plan.Change) {
				sem <- struct{}{}
				err := x.run(ctx, c)
				<-sem
				results <- done{c.Address, err}
			}(byAddr[addr])
		}
		if inFlight == 0 {
			break
		}
		d := <-results
		inFlight--
		remaining--
		if d.err != nil {
			x.result.Failed = append(x.result.Failed, Failure{Address: d.addr, Err: d.err})
			x.opts.Tally.count("failed")
			failedBy[d.addr] = d.addr
			for _, dep := range dependants[d.addr] {
				skip(dep, d.addr)
			}
			continue
		}
		finished[d.addr] = true
		x.result.Applied = append(x.result.Applied, d.addr)
		x.opts.Tally.count("applied")
		for _, dep := range dependants[d.addr] {
			if _, blocked := failedBy[dep]; blocked {
				continue
			}
			depth[dep] = max(depth[dep], depth[d.addr]+1)
			waiting[dep]--
			if waiting[dep] == 0 {
				ready = append(ready, dep)
			}
		}
	}
	// Interrupted: whatever did not start is reported as skipped.
	for _, c := range changes {
		if _, blocked := failedBy[c.Address]; !blocked && !finished[c.Address] {
			x.result.Skipped = append(x.result.Skipped, Skip{Address: c.Address, Because: "interrupted"})
			x.opts.Tally.count("skipped")
		}
	}
	return maxDepth
}

// run applies one change, reporting progress.
func (x *executor) run(ctx context.Context, c *plan.Change) error {
	verb, noun := verbs(c.Action)
	x.progress("%s: %s...", c.Address, verb)
	start := x.opts.Now()
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(x.opts.ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				x.progress("%s: Still %s... [%s elapsed]", c.Address, lowerFirst(verb), elapsed(x.opts.Now().Sub(start)))
			}
		}
	}()
	id, err := x.step(ctx, c)
	close(stop)
	took := elapsed(x.opts.Now().Sub(start))
	if err != nil {
		err = fmt.Errorf("%s: %w", c.Address, err)
		x.progress("%s: %s failed after %s", c.Address, noun, took)
		return err
	}
	if id != "" {
		x.progress("%s: %s complete after %s [id=%s]", c.Address, noun, took, id)
	} else {
		x.progress("%s: %s complete after %s", c.Address, noun, took)
	}
	return nil
}

func verbs(a plan.Action) (verb, noun string) {
	switch a {
	case plan.Create:
		return "Creating", "Creation"
	case plan.Update:
		return "Modifying", "Modifications"
	case plan.Delete:
		return "Destroying", "Destruction"
	}
	return "Replacing", "Replacement"
}

func (x *executor) progress(format string, args ...any) {
	if x.opts.Progress == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	fmt.Fprintf(x.opts.Progress, format+"\n", args...)
}

func elapsed(d time.Duration) string {
	if d < time.Second {
		return "0s"
	}
	return d.Truncate(time.Second).String()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]+('a'-'A')) + s[1:]
}
