package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/want.json")

// TestGenerate runs the generator on small CSDL files: inherited
// properties, derived complex types, enums, navigation names, another
// namespace's type of the same name left out, and a beta schema completed
// from the production names (from v1.0, then the supplement; one
// property skipped). The result is testdata/want.json (-update rewrites
// it).
func TestGenerate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "schema.json")
	err := run(options{
		commit: "0123abcd", dir: "testdata", v1: "v1.xml", beta: "beta.xml", betaNames: "names",
		supplement: "testdata/supplement.xml", out: out,
		types: []string{"thing"}, fill: []string{"thing"}, skip: []string{"info.logoUrl"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "want.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("generated description (-want +got):\n%s", diff)
	}
}

// TestGenerateRefusesUnresolved: a production beta property with no
// definition anywhere fails the run and is named.
func TestGenerateRefusesUnresolved(t *testing.T) {
	err := run(options{
		commit: "0123abcd", dir: "testdata", v1: "v1.xml", beta: "beta.xml", betaNames: "names",
		supplement: "testdata/supplement.xml", out: filepath.Join(t.TempDir(), "schema.json"),
		types: []string{"thing"}, fill: []string{"thing"},
	})
	if err == nil || !strings.Contains(err.Error(), "info.logoUrl") {
		t.Errorf("run = %v, want an error naming info.logoUrl", err)
	}
}
