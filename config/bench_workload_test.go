package config

import (
	"testing"

	"github.com/entraform/entraform/internal/bench/workload"
)

// BenchmarkLoadWorkload1000 parses and expands the configuration the
// benchmark driver plans (internal/bench/workload): 1000 applications,
// half separate blocks and half one for_each, and 100 site grants. With
// BenchmarkDiff1000 (plan) and BenchmarkRender1000 (plan/render) it makes
// up the CPU of a plan without its requests.
func BenchmarkLoadWorkload1000(b *testing.B) {
	src := []byte(workload.Config{N: 1000}.HCL())
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		cfg, diags := load(LoadOptions{Dir: dir}, []source{{name: workload.FileName, data: src}})
		if diags.HasErrors() {
			b.Fatal(renderDiags(diags))
		}
		if len(cfg.Applications) != 1000 || len(cfg.Sites) != 100 {
			b.Fatalf("got %d applications, %d sites", len(cfg.Applications), len(cfg.Sites))
		}
	}
}
