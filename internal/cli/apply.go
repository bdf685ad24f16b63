package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/internal/engine"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/plan/planfile"
	"github.com/entraform/entraform/plan/render"
	"github.com/entraform/entraform/providers/graph"
)

type applyFlags struct {
	configFlags
	autoApprove bool
	input       bool
	parallelism int
	showSecrets bool
	noChecks    bool
	checkRetry  time.Duration
	lockTimeout time.Duration
}

func (a *applyFlags) register(m *Meta, name, synopsis string) *flag.FlagSet {
	fs := newFlags(m, name, synopsis)
	a.configFlags.register(fs)
	fs.BoolVar(&a.autoApprove, "auto-approve", false, "apply without asking for confirmation")
	fs.BoolVar(&a.input, "input", true, "ask for approval and read the answer from standard input (a terminal or not: echo yes | entraform apply); -input=false fails at once instead (CI)")
	fs.IntVar(&a.parallelism, "parallelism", 10, "how many requests to the tenant may be in flight at once; each $batch carries up to 20 changes' requests")
	fs.BoolVar(&a.showSecrets, "show-secrets", false, "also print new secret values on stdout (they always go to write_to files)")
	fs.BoolVar(&a.noChecks, "no-checks", false, "skip the login checks after the apply (run them later with verify)")
	fs.DurationVar(&a.checkRetry, "check-retry", 2*time.Minute, "how long login checks retry outcomes that replication delay explains (consent not yet effective)")
	fs.DurationVar(&a.lockTimeout, "lock-timeout", 0, "wait this long for another apply of the same workspace on this machine to finish (default: refuse at once)")
	return fs
}

func runApply(ctx context.Context, m *Meta, args []string) int {
	var af applyFlags
	fs := af.register(m, "apply", "apply [-auto-approve] [-input=false] [-parallelism=10] [-show-secrets] [-no-checks] [-lock-timeout=0s] [-var 'k=v'] [-var-file F] [PLANFILE]")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 1 {
		m.Errorf("apply takes at most one plan file")
		return ExitError
	}
	cfg, ok := m.loadConfig(ctx, af.configFlags)
	if !ok {
		return ExitError
	}
	if fs.NArg() == 1 {
		return m.applySaved(ctx, cfg, fs.Arg(0), af)
	}
	return m.planAndApply(ctx, cfg, plan.Options{}, af)
}

// planAndApply plans, shows the plan, asks for approval and applies.
func (m *Meta) planAndApply(ctx context.Context, cfg *config.Config, opts plan.Options, af applyFlags) int {
	release, ok := m.lockWorkspace(ctx, cfg, af.lockTimeout)
	if !ok {
		return ExitError
	}
	defer release()
	p, s, code := m.makePlan(ctx, cfg, opts)
	if p == nil {
		return code
	}
	if err := render.Plan(m.Stdout, p, render.Options{Color: m.Color}); err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	if !af.noChecks && !opts.Destroy {
		m.showCheckDestinations(cfg)
	}
	if p.HasChanges() && !af.autoApprove {
		approved, err := m.approve(opts.Destroy, af.input)
		if err != nil {
			m.Errorf("%v", err)
			return ExitError
		}
		if !approved {
			fmt.Fprintln(m.Stdout, "\nApply cancelled.")
			return ExitError
		}
	}
	return m.execute(ctx, cfg, p, s, af)
}

// applySaved applies a plan file after checking that neither the
// configuration nor the objects it touches changed since it was made.
func (m *Meta) applySaved(ctx context.Context, cfg *config.Config, file string, af applyFlags) int {
	release, ok := m.lockWorkspace(ctx, cfg, af.lockTimeout)
	if !ok {
		return ExitError
	}
	defer release()
	f, err := os.Open(m.Path(file))
	if err != nil {
		m.Errorf("reading the plan: %v", err)
		return ExitError
	}
	saved, err := planfile.Read(f)
	f.Close()
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	fresh, s, code := m.makePlan(ctx, cfg, plan.Options{Destroy: saved.Destroy})
	if fresh == nil {
		return code
	}
	if stale := plan.Staleness(saved, fresh); len(stale) > 0 {
		m.Errorf("the saved plan %s is stale: the tenant or the configuration changed since it was made.\n\n  %s\n\nRun entraform plan again and review the new plan.", file, strings.Join(stale, "\n  "))
		return ExitError
	}
	// The fresh plan equals the saved one for every object it touches;
	// apply only those.
	keep := map[string]bool{}
	for _, c := range saved.Changes {
		keep[c.Address] = c.Action != plan.NoOp
	}
	for _, c := range fresh.Changes {
		if !keep[c.Address] {
			c.Action = plan.NoOp
		}
	}
	return m.execute(ctx, cfg, fresh, s, af)
}

// approve asks for "yes" and reads the answer from standard input,
// whether or not it is a terminal (echo yes | entraform apply works, as in
// Terraform). With -input=false, or when standard input ends without an
// answer, it refuses with the ways to apply without a person.
func (m *Meta) approve(destroy, input bool) (bool, error) {
	const unattended = "run with -auto-approve, or apply a saved plan (entraform plan -out=FILE, then entraform apply FILE)"
	if !input {
		return false, fmt.Errorf("the plan needs approval and -input=false forbids asking: %s", unattended)
	}
	question := "Do you want to perform these actions?"
	if destroy {
		question = "Do you really want to destroy everything this workspace owns?"
	}
	fmt.Fprintf(m.Stdout, "\n%s\n  entraform will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", m.bold(question))
	var line string
	var err error
	if m.Stdin != nil {
		line, err = bufio.NewReader(m.Stdin).ReadString('\n')
	}
	if m.Stdin == nil || err != nil && line == "" {
		fmt.Fprintln(m.Stdout)
		if !m.StdinIsTerminal {
			return false, fmt.Errorf("no answer on standard input (it ended before a line was read): type yes into it (echo yes | entraform apply), or %s", unattended)
		}
		return false, nil
	}
	if !m.StdinIsTerminal {
		// The answer is not echoed when it comes from a pipe.
		fmt.Fprintln(m.Stdout, strings.TrimSpace(line))
	}
	return strings.TrimSpace(line) == "yes", nil
}

func (m *Meta) bold(s string) string {
	if !m.Color {
		return s
	}
	return ansiBold + s + ansiReset
}

// execute applies the plan, prints the summary, then runs the checks.
func (m *Meta) execute(ctx context.Context, cfg *config.Config, p *plan.Plan, s *session, af applyFlags) int {
	if lost := valuesGoingNowhere(p); len(lost) > 0 && !af.showSecrets {
		m.Errorf("the new value of %s would reach nobody (no write_to): set write_to, or apply with -show-secrets to print it", strings.Join(lost, ", "))
		return ExitError
	}
	var result *apply.Result
	if p.HasChanges() {
		tally := &apply.Tally{}
		var budget func() graph.BudgetStats
		if s.graph != nil {
			budget = s.graph.BudgetStats
		}
		status, progress := startApplyStatus(m.Stderr, m.StderrIsTerminal, tally, budget)
		opts := engine.ApplyOptions{Parallelism: af.parallelism, Progress: progress, Tally: tally}
		if af.showSecrets {
			opts.ShowSecrets = m.rawStdout
		}
		opts.OnSecret = func(v string) { m.secrets.Add(v) }
		fmt.Fprintln(m.Stderr)
		result = s.engine.Apply(ctx, cfg, p, s.snapshot, opts)
		status.finish()
		if !m.summarize(p, result) {
			return ExitError
		}
	}
	if p.Destroy {
		// Nothing is left to show outputs of or to sign in as; the secrets'
		// files would hold values of deleted secrets.
		if result != nil {
			m.removeDeletedSecretFiles(cfg, p, result)
		}
		return ExitOK
	}
	if err := m.printOutputs(cfg, p, result); err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	if af.noChecks || len(cfg.Checks) == 0 {
		return ExitOK
	}
	return m.checkAfterApply(ctx, cfg, s, result, af.checkRetry)
}

// summarize prints what the apply did and reports whether all went well.
func (m *Meta) summarize(p *plan.Plan, r *apply.Result) bool {
	if r.OK() {
		add, change, destroy := p.Counts()
		verb := "Apply"
		if p.Destroy {
			verb = "Destroy"
		}
		fmt.Fprintf(m.Stdout, "\n%s\n", m.bold(fmt.Sprintf("%s complete! Objects: %d added, %d changed, %d destroyed.", verb, add, change, destroy)))
		return true
	}
	fmt.Fprintf(m.Stdout, "\n%s\n", m.bold(fmt.Sprintf("Apply incomplete: %d applied, %d failed, %d skipped.", len(r.Applied), len(r.Failed), len(r.Skipped))))
	for _, f := range r.Failed {
		m.Errorf("%v", f.Err)
	}
	if len(r.Skipped) > 0 {
		var lines []string
		for _, sk := range r.Skipped {
			lines = append(lines, fmt.Sprintf("  %s (because %s failed)", sk.Address, sk.Because))
		}
		sort.Strings(lines)
		fmt.Fprintf(m.Stderr, "Skipped:\n%s\n", strings.Join(lines, "\n"))
	}
	fmt.Fprintln(m.Stderr, "\nWhat succeeded stays in place. Run entraform plan to see what remains, and apply again once the cause is fixed.")
	return false
}

// valuesGoingNowhere lists the secrets the plan creates without a
// write_to file: their value, returned once by Graph, would be lost.
func valuesGoingNowhere(p *plan.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		d, ok := c.Desired.(*plan.DesiredSecret)
		if ok && d.WriteTo == "" && (c.Action == plan.Create || c.Action.IsReplace()) {
			out = append(out, c.Address)
		}
	}
	return out
}
