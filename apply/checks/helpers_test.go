package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/config"
)

// writeConfig writes src into a new configuration directory and loads it.
func writeConfig(t *testing.T, src string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return reload(t, dir)
}

// reload loads the configuration in dir again.
func reload(t *testing.T, dir string) *config.Config {
	t.Helper()
	cfg, diags := config.Load(config.LoadOptions{Dir: dir})
	if diags.HasErrors() {
		t.Fatalf("loading the configuration: %s", diags.Error())
	}
	return cfg
}

// checkNamed returns the check with the given block name.
func checkNamed(t *testing.T, cfg *config.Config, name string) *config.Check {
	t.Helper()
	for _, c := range cfg.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q", name)
	return nil
}

// wantProblem requires that r failed with a problem of this code whose
// message is msg.
func wantProblem(t *testing.T, r Result, code, msg string) {
	t.Helper()
	if r.OK {
		t.Errorf("%s passed; want it to fail with %s", r.Address, code)
	}
	var codes []string
	for _, p := range r.Problems {
		if p.Code == code {
			if diff := cmp.Diff(msg, p.Message); diff != "" {
				t.Errorf("%s: %s message (-want +got):\n%s", r.Address, code, diff)
			}
			return
		}
		codes = append(codes, p.Code)
	}
	t.Errorf("%s: no %s problem; got %v", r.Address, code, codes)
}
