package workload_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/internal/bench/workload"
)

func TestConfigLoads(t *testing.T) {
	for _, n := range []int{1, 10, 100} {
		wl := workload.Config{N: n, Renamed: workload.Changes(n)}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, workload.FileName), []byte(wl.HCL()), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := config.Load(config.LoadOptions{Dir: dir, Getenv: func(string) string { return "" }})
		if diags.HasErrors() {
			t.Fatalf("N=%d: %s", n, diags.Error())
		}
		type app struct {
			Addr, DisplayName   string
			Delegated, AppRoles int
			Secrets             int
		}
		var got, want []app
		for i := 0; i < n; i++ {
			name := "Benchmark app " + strconv.Itoa(i)
			if wl.IsRenamed(i) {
				name += " (renamed)"
			}
			want = append(want, app{wl.Address(i), name, 1, 1, 1})
		}
		byAddr := map[string]*config.Application{}
		for _, a := range cfg.Applications {
			byAddr[a.Addr] = a
		}
		for _, w := range want {
			a := byAddr[w.Addr]
			if a == nil {
				got = append(got, app{Addr: w.Addr + " (missing)"})
				continue
			}
			g := app{Addr: a.Addr, DisplayName: a.DisplayName, Secrets: len(a.Secrets)}
			for _, p := range a.Permissions {
				g.Delegated += len(p.Delegated)
				g.AppRoles += len(p.Application)
			}
			got = append(got, g)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("N=%d applications (-want +got):\n%s", n, diff)
		}
		if len(cfg.Applications) != n {
			t.Errorf("N=%d: %d applications", n, len(cfg.Applications))
		}
		if len(cfg.Sites) != workload.SiteCount(n) {
			t.Errorf("N=%d: %d sites, want %d", n, len(cfg.Sites), workload.SiteCount(n))
		}
		renamed := 0
		for i := 0; i < n; i++ {
			if wl.IsRenamed(i) {
				renamed++
			}
		}
		if renamed != workload.Changes(n) {
			t.Errorf("N=%d: %d renamed, want %d", n, renamed, workload.Changes(n))
		}
	}
}
