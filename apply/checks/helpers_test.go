package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/entraform/entraform/config"
)

// loadConfig writes src as main.entra.hcl in a new directory and loads it.
func loadConfig(t *testing.T, src string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
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
