package policy_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/policy"
)

// TestCorpus evaluates each configuration of testdata/corpus/*.txtar and
// compares what it trips with what its comment names:
//
//	want rule-id address       a finding that counts
//	ignored rule-id address    a finding an ignore block silences
//	diag Summary text          a diagnostic of the review
//
// A file naming nothing must trip nothing.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, f := range ar.Files {
				p := filepath.Join(dir, f.Name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				line = strings.TrimSpace(line)
				for _, prefix := range []string{"want ", "ignored ", "diag "} {
					if strings.HasPrefix(line, prefix) {
						want = append(want, line)
					}
				}
			}
			got := evaluate(t, dir)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// evaluate loads dir (and its policies/ subdirectory as -policy DIR, when
// there is one) and returns the review's findings, ignored findings and
// diagnostics in the corpus's notation, sorted.
func evaluate(t *testing.T, dir string) []string {
	t.Helper()
	cfg, diags := config.Load(config.LoadOptions{Dir: dir})
	if diags.HasErrors() {
		t.Fatalf("loading: %s", diags.Error())
	}
	var extra []*config.Policy
	if st, err := os.Stat(filepath.Join(dir, "policies")); err == nil && st.IsDir() {
		ps, _, d := config.LoadPolicyDir(dir, "policies")
		if d.HasErrors() {
			t.Fatalf("loading policies: %s", d.Error())
		}
		extra = ps
	}
	res, d := policy.Evaluate(policy.Input{Config: cfg, Policies: extra})
	var got []string
	for _, f := range res.Findings {
		got = append(got, "want "+f.Rule+" "+f.Address)
		if f.Range.Filename == "" || f.Range.Start.Line == 0 {
			t.Errorf("%s on %s has no source range", f.Rule, f.Address)
		}
		if f.Summary == "" || f.Detail == "" {
			t.Errorf("%s on %s has no message", f.Rule, f.Address)
		}
	}
	for _, f := range res.Ignored {
		got = append(got, "ignored "+f.Rule+" "+f.Address)
	}
	for _, e := range d {
		got = append(got, "diag "+e.Summary)
	}
	sort.Strings(got)
	return got
}
