// Command entraform manages Microsoft Entra ID app registrations and the
// SharePoint access they get from declarative HCL files.
//
// main only wires the process (arguments, streams, environment, signals) to
// internal/cli and turns its result into the exit code.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/entraform/entraform/internal/cli"
)

func main() {
	// A command runs for seconds and allocates mostly what it parses
	// once: collecting garbage less often saves a third of the CPU of a
	// plan of 1000 applications (docs/BENCHMARKS.md), and the soft limit
	// keeps a long-running local tenant from growing without bound. GOGC
	// and GOMEMLIMIT set by the user win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
	ctx, stop := cli.WithInterrupts(context.Background(), os.Stderr)
	code := cli.Run(ctx, os.Args[1:], cli.ProcessEnv())
	stop()
	os.Exit(code)
}
