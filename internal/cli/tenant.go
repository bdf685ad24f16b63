package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/entraform/entraform/localtenant"
)

const tenantSynopsis = "tenant serve [-addr 127.0.0.1:0] [-env-file F] [-data DIR] [-seed F.json] [-latency 50ms] [-throttle-rate 0.1] [-error-rate 0.05] [-replication-delay 2s] [-fault-seed N] [-graph-limits off|documented|F.json] [-tenant-size small|medium|large] [-request-log F.jsonl]"

// runTenant is `entraform tenant serve`: it runs the local tenant until
// interrupted and prints the KEY=VALUE lines that point entraform (and
// any Azure SDK) at it.
func runTenant(ctx context.Context, m *Meta, args []string) int {
	if len(args) == 0 || args[0] != "serve" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(m.Stdout, "Usage: entraform [global options] %s\n", tenantSynopsis)
			return ExitOK
		}
		if slices.Contains(args, "serve") {
			m.Errorf("the options of tenant serve go after serve: entraform tenant serve %s", strings.Join(slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "serve" }), " "))
			return ExitError
		}
		m.Errorf("tenant needs a subcommand: entraform %s", tenantSynopsis)
		return ExitError
	}
	fs := newFlags(m, "tenant serve", tenantSynopsis)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	envFile := fs.String("env-file", "", "also write the KEY=VALUE lines to this file (mode 0600)")
	dataDir := fs.String("data", "", "keep the tenant (objects, CA, keys, operator secret) in this directory across restarts")
	seedFile := fs.String("seed", "", `JSON file of extra sites, users and groups: {"sites":[{"path":"/sites/x","displayName":"X"}],"users":[{"userPrincipalName":"...","mfa":true}],"groups":[{"displayName":"Ops","members":["..."]}]}`)
	latency := fs.Duration("latency", 0, "latency added to every request")
	throttle := fs.Float64("throttle-rate", 0, "fraction of Graph/SharePoint requests answered 429 with Retry-After")
	errRate := fs.Float64("error-rate", 0, "fraction of Graph/SharePoint requests answered 500/503/504")
	delay := fs.Duration("replication-delay", 0, "new objects stay invisible to reads, references and tokens this long")
	faultSeed := fs.Int64("fault-seed", 0, "seed of the fault sequence (same seed, same faults)")
	requestLog := fs.String("request-log", "", "append one JSON line per request to this file")
	graphLimits := fs.String("graph-limits", "off", "throttle Graph identity requests: off, documented (Microsoft Graph's published limits), or a limits JSON file")
	tenantSize := fs.String("tenant-size", "small", "tenant size for -graph-limits documented: small (3,500 resource units per 10 s), medium (5,000) or large (8,000)")
	if ok, code := parseFlags(m, fs, args[1:]); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("tenant serve takes no arguments (got %q)", fs.Arg(0))
		return ExitError
	}
	for name, rate := range map[string]float64{"-throttle-rate": *throttle, "-error-rate": *errRate} {
		if rate < 0 || rate > 1 {
			m.Errorf("%s must be between 0 and 1 (got %v)", name, rate)
			return ExitError
		}
	}
	opts := localtenant.Options{
		Addr:    *addr,
		DataDir: m.Path(*dataDir),
		Faults: localtenant.Faults{
			Latency:          *latency,
			ThrottleRate:     *throttle,
			ErrorRate:        *errRate,
			ReplicationDelay: *delay,
			Seed:             *faultSeed,
		},
	}
	limits, err := graphLimitsFlag(m, *graphLimits, *tenantSize)
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	opts.GraphLimits = limits
	if *seedFile != "" {
		seed, err := localtenant.LoadSeed(m.Path(*seedFile))
		if err != nil {
			m.Errorf("%v", err)
			return ExitError
		}
		opts.Seed = seed
	}
	if *requestLog != "" {
		f, err := os.OpenFile(m.Path(*requestLog), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			m.Errorf("opening request log: %v", err)
			return ExitError
		}
		defer f.Close()
		opts.RequestLog = f
	}
	startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	srv, err := localtenant.Start(startCtx, opts)
	cancel()
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	defer srv.Close()

	var lines strings.Builder
	for _, e := range srv.Env() {
		fmt.Fprintf(&lines, "%s=%s\n", e.Key, e.Value)
	}
	if *envFile != "" {
		if err := writeTenantEnvFile(m.Path(*envFile), lines.String()); err != nil {
			m.Errorf("writing env file: %v", err)
			return ExitError
		}
	}
	fmt.Fprint(m.Stdout, lines.String())
	fmt.Fprintf(m.Stderr, "Local tenant %s (%s) serving on %s; interrupt to stop.\n", srv.Domain(), srv.TenantID(), srv.Endpoint())
	if *dataDir == "" {
		fmt.Fprintln(m.Stderr, "Without -data its objects, CA and operator secret live in memory and a temporary directory: all are lost when it stops. Add -data DIR to keep them across restarts.")
	} else {
		fmt.Fprintf(m.Stderr, "Its objects, CA and operator secret are kept in %s.\n", *dataDir)
	}

	<-ctx.Done()
	if err := srv.Close(); err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	return ExitOK
}

// graphLimitsFlag reads -graph-limits and -tenant-size: nil for off.
func graphLimitsFlag(m *Meta, value, size string) (*localtenant.GraphLimits, error) {
	sz, err := localtenant.ParseTenantSize(size)
	if err != nil {
		return nil, fmt.Errorf("-tenant-size: %w", err)
	}
	switch value {
	case "", "off":
		return nil, nil
	case "documented":
		l := localtenant.DocumentedGraphLimits(sz)
		return &l, nil
	}
	l, err := localtenant.LoadGraphLimits(m.Path(value))
	if err != nil {
		return nil, fmt.Errorf("-graph-limits: %w", err)
	}
	return &l, nil
}

// writeTenantEnvFile writes a file only its owner can read, replacing any
// existing one.
func writeTenantEnvFile(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
