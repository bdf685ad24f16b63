// Command entraform manages Microsoft Entra ID app registrations and the
// SharePoint access they get from declarative HCL files.
//
// main only wires the process (arguments, streams, environment, signals) to
// internal/cli and turns its result into the exit code.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/entraform/entraform/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.ProcessEnv())
	stop()
	os.Exit(code)
}
