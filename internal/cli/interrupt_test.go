package cli

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The first interrupt cancels the command's context and the process goes
// on to report; the second exits at once with ExitInterrupted.
func TestInterrupts(t *testing.T) {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		sigs := make(chan os.Signal)
		done := make(chan struct{})
		defer close(done)
		ctx, cancel := context.WithCancelCause(context.Background())
		var stderr strings.Builder
		exited := make(chan int, 1)
		go watchInterrupts(sigs, done, cancel, &stderr, func(code int) { exited <- code })

		sigs <- sig
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("%v: the first signal did not cancel the context", sig)
		}
		if !errors.Is(context.Cause(ctx), errInterrupted) {
			t.Errorf("%v: cause %v, want %v", sig, context.Cause(ctx), errInterrupted)
		}
		select {
		case code := <-exited:
			t.Fatalf("%v: exited (%d) at the first signal", sig, code)
		default:
		}
		sigs <- sig
		select {
		case code := <-exited:
			if code != ExitInterrupted {
				t.Errorf("%v: exit code %d, want %d", sig, code, ExitInterrupted)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%v: the second signal did not exit", sig)
		}
		if !strings.Contains(stderr.String(), "received again: exiting now") {
			t.Errorf("%v: stderr %q", sig, stderr.String())
		}
	}
}
