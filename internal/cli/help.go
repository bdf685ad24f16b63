package cli

import (
	"context"
	"fmt"
)

// runHelp is `entraform help [COMMAND]`: the list of commands, or the
// options of one (the same as COMMAND -h).
func runHelp(ctx context.Context, m *Meta, args []string) int {
	if len(args) == 0 {
		usage(m.Stdout)
		return ExitOK
	}
	if len(args) > 1 && args[0] != "tenant" {
		m.Errorf("help takes one command name (got %d words)", len(args))
		return ExitError
	}
	name := args[0]
	if name == "help" {
		fmt.Fprintln(m.Stdout, "Usage: entraform help [COMMAND]")
		return ExitOK
	}
	cmd, ok := commands()[name]
	if !ok {
		m.Errorf("unknown command %q", name)
		usage(m.Stderr)
		return ExitError
	}
	if name == "tenant" {
		return cmd.run(ctx, m, []string{"serve", "-h"})
	}
	return cmd.run(ctx, m, []string{"-h"})
}
