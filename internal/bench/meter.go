package bench

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// meter measures the offline phases of one plan (parse + expand, diff,
// render): the CPU time the process spent in them, the bytes allocated,
// and the high-water mark of the heap above the live heap when the meter
// started. Phases run one after the other; between them (the refresh,
// which waits on the network) nothing is counted.
type meter struct {
	cpu       time.Duration
	cpuOK     bool
	allocated uint64
	base      uint64
	peak      uint64

	mu      sync.Mutex
	stop    chan struct{}
	stopped chan struct{}
}

const (
	heapMetric  = "/memory/classes/heap/objects:bytes"
	allocMetric = "/gc/heap/allocs:bytes"
	// sampleEvery is how often the heap is sampled during a phase.
	sampleEvery = 200 * time.Microsecond
)

// newMeter collects garbage, so that the live heap before the plan is the
// base the peak is measured from.
func newMeter() *meter {
	runtime.GC()
	return &meter{base: readHeap(), cpuOK: true}
}

func readHeap() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func readAllocated() uint64 {
	s := []metrics.Sample{{Name: allocMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// phase runs f and adds its CPU time, allocations and heap peak.
func (m *meter) phase(f func()) {
	m.startSampler()
	cpu0, ok0 := processCPU()
	alloc0 := readAllocated()
	f()
	cpu1, ok1 := processCPU()
	alloc1 := readAllocated()
	m.stopSampler()
	m.observe(readHeap())
	m.cpu += cpu1 - cpu0
	m.cpuOK = m.cpuOK && ok0 && ok1
	m.allocated += alloc1 - alloc0
}

func (m *meter) observe(heap uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if heap > m.base && heap-m.base > m.peak {
		m.peak = heap - m.base
	}
}

func (m *meter) startSampler() {
	m.stop, m.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(m.stopped)
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		s := []metrics.Sample{{Name: heapMetric}}
		for {
			metrics.Read(s)
			m.observe(s[0].Value.Uint64())
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
}

func (m *meter) stopSampler() {
	close(m.stop)
	<-m.stopped
}
