package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/entraform/entraform/internal/bench"
)

// runBench runs the benchmarks of docs/BENCHMARKS.md: local tenants with
// injected latency, plans and applies of generated configurations.
func runBench(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "bench", "bench [-n=10,100,1000] [-latency=0,20ms,50ms] [-parallelism=10] [-naive=true] [-json=FILE] [-out=FILE] [-request-log=DIR] [-dir=DIR] [-in-process] [-graph-limits=documented|off|FILE] [-tenant-size=small] [-noop-only] [-directory] [-from-json=FILE]")
	sizes := fs.String("n", "10,100,1000", "numbers of applications, comma-separated")
	latencies := fs.String("latency", "0,20ms,50ms", "latencies the local tenant adds to every request, comma-separated")
	parallelism := fs.Int("parallelism", 10, "requests to the tenant an apply has in flight (each $batch carries up to 20 changes' writes)")
	naive := fs.Bool("naive", true, "also measure the naive one-GET-per-object refresh (the baseline)")
	jsonOut := fs.String("json", "", "also write every measurement as JSON to FILE")
	out := fs.String("out", "", "write the Markdown report to FILE instead of stdout")
	reqLog := fs.String("request-log", "", "write each local tenant's request log (JSON lines) into DIR")
	dir := fs.String("dir", "", "keep the generated configurations and secret files in DIR (default: a temporary directory)")
	fromJSON := fs.String("from-json", "", "measure nothing: render the report saved by an earlier -json FILE")
	inProcess := fs.Bool("in-process", false, "run the local tenants inside this process instead of as `entraform tenant serve` child processes")
	graphLimits := fs.String("graph-limits", "documented", "the local tenants' Graph throttling limits (tenant serve -graph-limits): documented, off, or a limits JSON file; entraform paces itself by the same")
	tenantSize := fs.String("tenant-size", "small", "the local tenants' size for documented limits: small, medium or large")
	noopOnly := fs.Bool("noop-only", false, "measure only the no-op plans: apply each workspace first with the limits off (not measured), then switch them on; the tenants run in this process")
	directory := fs.Bool("directory", false, "also measure the no-op plan with an owner and a group assignment on every application (applied first)")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("bench takes no arguments (got %q)", fs.Arg(0))
		return ExitError
	}
	opts := bench.Options{
		Parallelism:   *parallelism,
		SkipNaive:     !*naive,
		Dir:           m.Path(*dir),
		RequestLogDir: m.Path(*reqLog),
		Progress:      m.Stderr,
		GraphLimits:   *graphLimits,
		TenantSize:    *tenantSize,
		NoOpOnly:      *noopOnly,
		Directory:     *directory,
	}
	if l := opts.GraphLimits; l != "off" && l != "documented" && l != "" {
		opts.GraphLimits = m.Path(l)
	}
	if !*inProcess {
		exe, err := os.Executable()
		if err != nil {
			m.Errorf("finding the entraform executable for the local tenant: %v (use -in-process)", err)
			return ExitError
		}
		opts.TenantCommand = []string{exe, "tenant", "serve"}
	}
	var err error
	if opts.Sizes, err = parseSizes(*sizes); err != nil {
		m.Errorf("-n: %v", err)
		return ExitError
	}
	if opts.Latencies, err = parseLatencies(*latencies); err != nil {
		m.Errorf("-latency: %v", err)
		return ExitError
	}
	var (
		rep    *bench.Report
		runErr error
	)
	if *fromJSON != "" {
		f, err := os.Open(m.Path(*fromJSON))
		if err != nil {
			m.Errorf("%v", err)
			return ExitError
		}
		rep, runErr = bench.ReadReport(f)
		f.Close()
	} else {
		rep, runErr = bench.Run(ctx, opts)
	}
	if runErr != nil {
		m.Errorf("%v", runErr)
	}
	if rep == nil {
		return ExitError
	}
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(m.Path(*jsonOut), append(b, '\n'), 0o644)
		}
		if err != nil {
			m.Errorf("writing %s: %v", *jsonOut, err)
			return ExitError
		}
	}
	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	if *out != "" {
		if err := os.WriteFile(m.Path(*out), md.Bytes(), 0o644); err != nil {
			m.Errorf("writing %s: %v", *out, err)
			return ExitError
		}
	} else {
		m.Stdout.Write(md.Bytes())
	}
	if runErr != nil {
		return ExitError
	}
	return ExitOK
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number of applications", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseLatencies(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q is not a latency such as 0, 20ms or 1s", f)
		}
		out = append(out, d)
	}
	return out, nil
}
