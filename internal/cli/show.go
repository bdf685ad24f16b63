package cli

import (
	"context"
	"os"

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
		err = render.Plan(m.Stdout, p, render.Options{Color: m.Color})
	}
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	return ExitOK
}
