//go:build !unix

package bench

import (
	"runtime/metrics"
	"time"
)

// processCPU estimates the CPU time the Go runtime used so far (the
// runtime's own estimate where getrusage does not exist).
func processCPU() (time.Duration, bool) {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0, false
	}
	return time.Duration(s[0].Value.Float64() * float64(time.Second)), true
}
