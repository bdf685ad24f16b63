package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/plan/planfile"
	"github.com/entraform/entraform/plan/render"
)

func runShow(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "show", "show [-json] PLANFILE")
	jsonOut := fs.Bool("json", false, "print the plan as JSON")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		m.Errorf("show needs exactly one plan file (from entraform plan -out=FILE)")
		return ExitError
	}
	f, err := os.Open(m.Path(fs.Arg(0)))
	if err != nil {
		m.Errorf("reading the plan: %v", err)
		return ExitError
	}
	defer f.Close()
	p, err := planfile.Read(f)
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	if *jsonOut {
		err = planfile.Write(m.Stdout, p, Version())
	} else {
		fmt.Fprintf(m.Stdout, "%s\n\n", m.bold(savedPlanHeader(fs.Arg(0), p, time.Now())))
		err = render.Plan(m.Stdout, p, render.Options{Color: m.Color})
	}
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	return ExitOK
}

// savedPlanHeader says what a saved plan is of: its tenant, workspace and
// when it was made.
func savedPlanHeader(file string, p *plan.Plan, now time.Time) string {
	kind := "Saved plan"
	if p.Destroy {
		kind = "Saved destroy plan"
	}
	made := "at an unknown time"
	if !p.CreatedAt.IsZero() {
		ago := now.Sub(p.CreatedAt).Round(time.Second)
		made = fmt.Sprintf("%s (%s ago)", p.CreatedAt.UTC().Format("2006-01-02 15:04:05 MST"), ago)
		if ago < 0 {
			made = p.CreatedAt.UTC().Format("2006-01-02 15:04:05 MST")
		}
	}
	return fmt.Sprintf("%s %s: tenant %s, workspace %q, made %s.", kind, file, p.TenantID, p.Workspace, made)
}
