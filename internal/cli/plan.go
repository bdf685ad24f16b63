package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/plan/planfile"
	"github.com/entraform/entraform/plan/render"
	"github.com/entraform/entraform/policy"
)

func runPlan(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "plan", "plan [-out=FILE] [-json] [-detailed-exitcode] [-destroy] [-var 'k=v'] [-var-file F] [-policy DIR] [-policy-severity error|warning|none]")
	var cf configFlags
	cf.register(fs)
	out := fs.String("out", "", "write the plan to FILE, to apply exactly it later with: entraform apply FILE")
	jsonOut := fs.Bool("json", false, "print the plan as JSON (format_version 1.0) instead of text")
	detailed := fs.Bool("detailed-exitcode", false, "exit 0 when there are no changes, 1 on error, 2 when there are changes")
	destroy := fs.Bool("destroy", false, "plan the removal of everything this workspace owns")
	var pf policyFlags
	pf.register(fs)
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("plan takes no arguments (got %q)", fs.Arg(0))
		return ExitError
	}
	if _, err := policy.ParseSeverity(pf.severity); err != nil {
		m.Errorf("-policy-severity: %v", err)
		return ExitError
	}
	cfg, ok := m.loadConfig(ctx, cf)
	if !ok {
		return ExitError
	}
	p, s, code := m.makePlan(ctx, cfg, plan.Options{Destroy: *destroy})
	if p == nil {
		return code
	}
	// The policy review sees the planned objects, with permissions of
	// resources outside the catalog resolved against the tenant. A
	// destroy plan removes what a review would judge.
	var rv *review
	if !*destroy {
		if rv, ok = m.reviewPolicy(cfg, pf, s.snapshot, p); !ok {
			return ExitError
		}
	}
	if *jsonOut {
		f, err := planfile.Encode(p, Version())
		if err == nil {
			f.PolicyFindings = jsonFindings(rv)
			err = f.Write(m.Stdout)
		}
		if err != nil {
			m.Errorf("%v", err)
			return ExitError
		}
	} else {
		if err := render.Plan(m.Stdout, p, render.Options{Color: m.Color}); err != nil {
			m.Errorf("%v", err)
			return ExitError
		}
		if !*destroy {
			m.showCheckDestinations(cfg)
		}
	}
	if rv != nil {
		m.showWithAnnotations(rv.files, rv.diags)
		if rv.diags.HasErrors() {
			msg := fmt.Sprintf("the policy review failed (-policy-severity=%s)", rv.threshold)
			if *out != "" {
				msg += "; the plan was not saved to " + *out
			}
			m.Errorf("%s", msg)
			return ExitError
		}
	}
	if *out != "" {
		if err := writePlanFile(m.Path(*out), p, jsonFindings(rv)); err != nil {
			m.Errorf("%v", err)
			return ExitError
		}
		if !*jsonOut {
			fmt.Fprintf(m.Stdout, "\nSaved the plan to: %s\n\nTo perform exactly these actions, run:\n  entraform apply %s\n", *out, *out)
		}
	}
	if *detailed && p.HasChanges() {
		return ExitChanges
	}
	return ExitOK
}

// makePlan signs in, refreshes and builds the plan, printing progress on
// stderr and diagnostics. It returns a nil plan and the exit code on
// failure.
func (m *Meta) makePlan(ctx context.Context, cfg *config.Config, opts plan.Options) (*plan.Plan, *session, int) {
	s, err := m.connect(ctx, cfg)
	if err != nil {
		m.Errorf("%v", err)
		return nil, nil, ExitError
	}
	fmt.Fprintf(m.Stderr, "Reading tenant %s (workspace %q)...\n", s.tenantID, cfg.Tenant.Workspace)
	start := time.Now()
	p, snap, diags, err := s.engine.Plan(ctx, cfg, opts)
	if err != nil {
		m.Errorf("%v", err)
		return nil, nil, ExitError
	}
	fmt.Fprintf(m.Stderr, "Read %s, %s, %s, %s and %s in %s.\n",
		count(len(snap.Applications), "application", "applications"),
		count(len(snap.ServicePrincipals), "service principal", "service principals"),
		count(len(snap.Grants), "grant", "grants"),
		count(len(snap.Assignments), "role assignment", "role assignments"),
		count(len(snap.Sites), "site", "sites"),
		time.Since(start).Round(10*time.Millisecond))
	m.showDiagnostics(cfg.Files, diags)
	if diags.HasErrors() {
		return nil, nil, ExitError
	}
	m.warnReadableSecrets(cfg)
	s.snapshot = snap
	return p, s, ExitOK
}

// writePlanFile writes the JSON plan; it holds no secret, but it
// describes the tenant, so it is private to the user: mode 0600 whatever
// the mode of a file it replaces, written to a temporary file in the same
// directory and renamed over the target, so a symlink at path is replaced
// rather than followed and a killed run never leaves half a plan.
//
// The policy review's findings (none when findings is nil) go with it,
// for whoever reviews the saved plan; apply ignores them.
func writePlanFile(path string, p *plan.Plan, findings []planfile.Finding) error {
	f, err := planfile.Encode(p, Version())
	if err != nil {
		return err
	}
	f.PolicyFindings = findings
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return err
	}
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return fmt.Errorf("writing the plan: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file (mode
// 0600) in the same directory and a rename.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".entraform-plan-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if err := errors.Join(tmp.Chmod(0o600), werr, tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
