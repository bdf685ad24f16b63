package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// ExitInterrupted is the exit code after a second interrupt, which ends
// the process at once (128 + SIGINT, as shells report it).
const ExitInterrupted = 130

// errInterrupted is the cause of a context ended by an interrupt.
var errInterrupted = errors.New("interrupted (SIGINT or SIGTERM)")

// WithInterrupts returns a context that ends at the first SIGINT or
// SIGTERM, as Terraform does: the running phase (loading, refresh, apply,
// checks) stops at its next step and the command reports what it did. A
// second signal exits the process at once with ExitInterrupted. stop
// releases the signals.
func WithInterrupts(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	go watchInterrupts(sigs, done, cancel, stderr, os.Exit)
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(context.Canceled)
	}
}

// watchInterrupts cancels at the first signal and calls exit at the
// second, until done is closed.
func watchInterrupts(sigs <-chan os.Signal, done <-chan struct{}, cancel context.CancelCauseFunc, stderr io.Writer, exit func(int)) {
	n := 0
	for {
		select {
		case <-done:
			return
		case sig := <-sigs:
			n++
			if n == 1 {
				fmt.Fprintf(stderr, "\n%s received: stopping after the requests in flight. Send it again to exit at once (a change in flight may then be left half done; the next apply finishes it).\n", signalName(sig))
				cancel(errInterrupted)
				continue
			}
			fmt.Fprintf(stderr, "\n%s received again: exiting now.\n", signalName(sig))
			exit(ExitInterrupted)
			return
		}
	}
}

func signalName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "Interrupt"
}
