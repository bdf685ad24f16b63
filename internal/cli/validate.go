package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/entraform/entraform/config"
)

func runValidate(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "validate", "validate [-var 'k=v'] [-var-file F] [-json]")
	var vars, varFiles stringList
	fs.Var(&vars, "var", "set an input variable: -var 'name=value' (repeatable)")
	fs.Var(&varFiles, "var-file", "read input variable values from a file, HCL or .json (repeatable)")
	jsonOut := fs.Bool("json", false, "print the result as JSON")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("validate takes no arguments (got %q); use -chdir=DIR to validate another directory", fs.Arg(0))
		return ExitError
	}
	cfg, diags := loadWatched(config.LoadOptions{
		Dir:      m.Dir,
		VarFiles: varFiles,
		Vars:     vars,
		Getenv:   m.Getenv,
	})
	errs, warns := countDiagnostics(diags)
	if *jsonOut {
		out := struct {
			FormatVersion string           `json:"format_version"`
			Valid         bool             `json:"valid"`
			ErrorCount    int              `json:"error_count"`
			WarningCount  int              `json:"warning_count"`
			Diagnostics   []jsonDiagnostic `json:"diagnostics"`
		}{"1.0", errs == 0, errs, warns, jsonDiagnostics(diags)}
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
	m.showDiagnostics(cfg.Files, diags)
	if errs > 0 {
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
