package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/policy"
)

// TestExamplesClean: every example under examples/ trips no rule, or
// carries an ignore block with a reason for what it trips, and no ignore
// block of an example is stale.
func TestExamplesClean(t *testing.T) {
	dirs, err := filepath.Glob("../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range dirs {
		if hcl, _ := filepath.Glob(filepath.Join(dir, "*"+config.SuffixHCL)); len(hcl) == 0 {
			continue
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg, diags := config.Load(config.LoadOptions{Dir: dir})
			if diags.HasErrors() {
				t.Fatalf("loading: %s", diags.Error())
			}
			res, diags := policy.Evaluate(policy.Input{Config: cfg})
			for _, d := range diags {
				t.Errorf("diagnostic: %s", d.Error())
			}
			for _, f := range res.Findings {
				t.Errorf("%s: %s on %s: %s", f.Range, f.Rule, f.Address, f.Summary)
			}
			for _, f := range res.Ignored {
				if len(f.IgnoredBy) < 20 {
					t.Errorf("%s on %s is ignored with too short a reason: %q", f.Rule, f.Address, f.IgnoredBy)
				}
			}
		})
	}
	if n < 4 {
		t.Errorf("found %d examples, want at least the 4 of the README", n)
	}
}
