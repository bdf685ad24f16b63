package entra

import (
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// BenchmarkRead1000 reads a workspace of 1000 applications with their
// children (service principal and grant on each, role assignment on every
// second, secret on every third, federated credential on every fourth),
// in bulk (with federated credentials expanded, and as against a service
// that refuses the $expand) and naively, with 50 ms of latency on every request as
// DESIGN section 8 sets the target. It reports Graph requests per read.
//
//	go test ./providers/entra -run '^$' -bench Read1000 -benchtime 1x
func BenchmarkRead1000(b *testing.B) {
	const n = 1000
	tn := startTenant(b, tenantOptions{})
	seedWorkspace(b, tn, "bench", n)
	tn.s.SetFaults(localtenant.Faults{Latency: 50 * time.Millisecond})
	req := ReadRequest{Workspace: "bench"}
	noExpand := New(tn.c, Options{})
	noExpand.noExpand.Store(true)

	for _, mode := range []struct {
		name string
		read func(*Provider) (*Snapshot, error)
	}{
		{"bulk", func(p *Provider) (*Snapshot, error) { return p.Read(ctxFor(b), req) }},
		{"bulk-without-expand", func(*Provider) (*Snapshot, error) { return noExpand.Read(ctxFor(b), req) }},
		{"naive", func(p *Provider) (*Snapshot, error) { return p.ReadNaive(ctxFor(b), req) }},
	} {
		b.Run(mode.name, func(b *testing.B) {
			requests := 0
			reads := 0
			for b.Loop() {
				tn.s.ResetRequests()
				snap, err := mode.read(tn.p)
				if err != nil {
					b.Fatal(err)
				}
				requests += tn.graphRequests()
				reads++
				checkSeeded(b, snap, n)
			}
			b.ReportMetric(float64(requests)/float64(reads), "requests/op")
		})
	}
}
