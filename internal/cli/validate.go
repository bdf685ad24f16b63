package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan/planfile"
	"github.com/entraform/entraform/policy"
)

func runValidate(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "validate", "validate [-var 'k=v'] [-var-file F] [-json] [-policy DIR] [-policy-severity error|warning|none]")
	var vars, varFiles stringList
	fs.Var(&vars, "var", "set an input variable: -var 'name=value' (repeatable)")
	fs.Var(&varFiles, "var-file", "read input variable values from a file, HCL or .json (repeatable)")
	jsonOut := fs.Bool("json", false, "print the result as JSON")
	var pf policyFlags
	pf.register(fs)
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("validate takes no arguments (got %q); use -chdir=DIR to validate another directory", fs.Arg(0))
		return ExitError
	}
	cfg, diags := loadWatched(ctx, config.LoadOptions{
		Dir:      m.Dir,
		VarFiles: varFiles,
		Vars:     vars,
		Getenv:   m.Getenv,
	})
	m.addConfigSecrets(cfg)
	files := cfg.Files
	var rv *review
	if !diags.HasErrors() {
		diags = append(diags, secretsGoingNowhere(cfg)...)
		var ok bool
		if rv, ok = m.reviewPolicy(cfg, pf, nil, nil); !ok {
			return ExitError
		}
		diags = append(diags, rv.diags...)
		files = rv.files
	} else if _, err := policy.ParseSeverity(pf.severity); err != nil {
		m.Errorf("-policy-severity: %v", err)
		return ExitError
	}
	errs, warns := countDiagnostics(diags)
	if *jsonOut {
		out := struct {
			FormatVersion string           `json:"format_version"`
			Valid         bool             `json:"valid"`
			ErrorCount    int              `json:"error_count"`
			WarningCount  int              `json:"warning_count"`
			Diagnostics   []jsonDiagnostic `json:"diagnostics"`
			// Findings are the policy review's, ignored ones included
			// (with the ignore block's reason).
			Findings []planfile.Finding `json:"policy_findings"`
		}{"1.0", errs == 0, errs, warns, jsonDiagnostics(diags), jsonFindings(rv)}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			m.Errorf("writing JSON: %v", err)
			return ExitError
		}
		if errs > 0 {
			return ExitError
		}
		return ExitOK
	}
	m.showWithAnnotations(files, diags)
	if errs > 0 {
		if rv != nil && rv.diags.HasErrors() {
			m.Errorf("the policy review failed (-policy-severity=%s)", rv.threshold)
		}
		return ExitError
	}
	msg := "Success! The configuration is valid."
	if warns > 0 {
		msg = "Success! The configuration is valid, but there were some warnings as shown above."
	}
	if m.Color {
		msg = ansiBold + "\x1b[32m" + msg + ansiReset
	}
	fmt.Fprintln(m.Stdout, msg)
	return ExitOK
}

// secretsGoingNowhere warns, as plan does for the secrets it creates,
// about every secret without write_to: the value Graph returns once would
// reach nobody unless apply runs with -show-secrets.
func secretsGoingNowhere(cfg *config.Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, app := range cfg.Applications {
		for _, s := range app.Secrets {
			if s.WriteTo != "" {
				continue
			}
			r := s.DeclRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Secret value with nowhere to go",
				Detail: fmt.Sprintf("%s.secret.%s has no write_to, so the value of a new secret would reach nobody: Graph returns it once. Set write_to = \"secrets/<file>.env\", or apply with -show-secrets to print it.",
					app.Addr, s.Name),
				Subject: &r,
			})
		}
	}
	return diags
}
