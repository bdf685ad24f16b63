package cli

import (
	"context"

	"github.com/entraform/entraform/plan"
)

func runDestroy(ctx context.Context, m *Meta, args []string) int {
	var af applyFlags
	fs := af.register(m, "destroy", "destroy [-auto-approve] [-input=false] [-parallelism=10] [-var 'k=v'] [-var-file F]")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("destroy takes no arguments")
		return ExitError
	}
	cfg, ok := m.loadConfig(af.configFlags)
	if !ok {
		return ExitError
	}
	af.noChecks = true // nothing is left to sign in as
	return m.planAndApply(ctx, cfg, plan.Options{Destroy: true}, af)
}
