package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestInvalidGolden loads each broken configuration in testdata/invalid on
// its own and compares the rendered diagnostics with the .golden file next
// to it. Every one must give at least one error with a source range.
func TestInvalidGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*"+SuffixHCL))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("found %d invalid configurations, want at least 25", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, SuffixHCL), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, diags := load(LoadOptions{Dir: filepath.Dir(path)}, []source{{name: name, data: data}})
			withRange := false
			for _, d := range diags {
				if d.Severity == 0 || d.Subject == nil {
					continue
				}
				withRange = withRange || d.Summary != ""
			}
			if !diags.HasErrors() || !withRange {
				t.Fatalf("want at least one error with a range, got:\n%s", renderDiags(diags))
			}
			got := renderDiags(diags)
			golden := strings.TrimSuffix(path, SuffixHCL) + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./config -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
