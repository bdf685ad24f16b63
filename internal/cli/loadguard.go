package cli

import (
	"context"
	"fmt"
	"runtime/metrics"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config"
)

// configMemoryLimit bounds the heap that loading a configuration may
// grow: a real configuration of thousands of applications needs tens of
// MiB, while an expression such as three nested for over range(1000)
// would take every byte of the machine and then crash it.
const configMemoryLimit = 1 << 30

// loadWatched runs config.Load while watching the heap and ctx. When the
// heap passes configMemoryLimit it gives up with a diagnostic instead of
// waiting for the machine to run out of memory, and when ctx ends (an
// interrupt) it gives up at once; the command then exits, which ends the
// runaway evaluation with the process.
func loadWatched(ctx context.Context, opts config.LoadOptions) (*config.Config, hcl.Diagnostics) {
	type loaded struct {
		cfg   *config.Config
		diags hcl.Diagnostics
	}
	done := make(chan loaded, 1)
	go func() {
		cfg, diags := config.Load(opts)
		done <- loaded{cfg, diags}
	}()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			return r.cfg, r.diags
		case <-ctx.Done():
			return &config.Config{Dir: opts.Dir}, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Interrupted",
				Detail:   fmt.Sprintf("loading the configuration in %s was stopped: %v", opts.Dir, context.Cause(ctx)),
			}}
		case <-tick.C:
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > configMemoryLimit {
				return &config.Config{Dir: opts.Dir}, hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Configuration too large to evaluate",
					Detail: fmt.Sprintf("evaluating the configuration in %s used more than %d MiB of memory; look for an expression that builds a huge value, such as nested for expressions over range() or a string doubled many times",
						opts.Dir, configMemoryLimit>>20),
				}}
			}
		}
	}
}
