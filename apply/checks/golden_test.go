package checks

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenConfigDir is the configuration behind testdata/verify.golden.json;
// the verify command's test runs it too and compares with the same file.
const goldenConfigDir = "testdata/golden"

var (
	guidPattern     = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	expPattern      = regexp.MustCompile(`"exp": "[^"]*"`)
	durationPattern = regexp.MustCompile(`"duration_ms": \d+`)
)

// scrubJSON replaces what changes from run to run in WriteJSON's output
// (ids, expiry, durations) with fixed text.
func scrubJSON(b []byte) []byte {
	b = guidPattern.ReplaceAll(b, []byte("<guid>"))
	b = expPattern.ReplaceAll(b, []byte(`"exp": "<time>"`))
	return durationPattern.ReplaceAll(b, []byte(`"duration_ms": 0`))
}

func TestJSONGolden(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	src, err := os.ReadFile(filepath.Join(goldenConfigDir, "main.entra.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, string(src))
	res := tn.apply(t, cfg)
	results := Run(context.Background(), tn.env(cfg, res), nil)
	var out bytes.Buffer
	if err := WriteJSON(&out, results); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "verify.golden.json", scrubJSON(out.Bytes()), "WriteJSON output")
	for _, secret := range res.Secrets["application.reader"] {
		if bytes.Contains(out.Bytes(), []byte(secret.Value)) {
			t.Error("the JSON output contains the app's secret")
		}
	}
}

// checkGolden compares got with testdata/name, which -update rewrites.
func checkGolden(t *testing.T, name string, got []byte, what string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, strings.SplitN(t.Name(), "/", 2)[0])
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}
