package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse loads arbitrary bytes as a configuration file (HCL, and the
// same bytes as JSON). Whatever the input, Load must not panic, and every
// error it reports about a file must have a range.
//
//	go test ./config -run '^$' -fuzz FuzzParse -fuzztime 2m
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*"+SuffixHCL))
	invalid, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*"+SuffixHCL))
	for _, p := range append(seeds, invalid...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "x=1")
	}
	f.Add([]byte(`{"application": {"a": {"display_name": "${var.x}"}}, "variable": {"x": {}}}`), "x=y")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, varOpt string) {
		for _, name := range []string{"main" + SuffixHCL, "main" + SuffixJSON} {
			cfg, diags := load(LoadOptions{Dir: dir, Vars: []string{varOpt}}, []source{{name: name, data: data}})
			if cfg == nil || cfg.Files == nil {
				t.Fatalf("Load returned no Config")
			}
			if !diags.HasErrors() {
				// A valid configuration must also evaluate its outputs.
				if _, d := cfg.EvalOutputs(map[string]AppAttrs{}); d.HasErrors() {
					t.Fatalf("EvalOutputs after a clean load: %s", renderDiags(d))
				}
			}
		}
	})
}
