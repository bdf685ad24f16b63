package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// TestExamples checks that every example validates with its defaults and
// is laid out as entraform fmt would write it.
func TestExamples(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join("..", "examples", e.Name()))
		}
	}
	want := []string{"ci-github", "flask-delegated", "quickstart", "site-reader", "web-api"}
	var names []string
	for _, d := range dirs {
		names = append(names, filepath.Base(d))
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("examples (-want +got):\n%s", diff)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg, diags := Load(LoadOptions{Dir: dir})
			if len(diags) > 0 {
				t.Fatalf("Load: %s", renderDiags(diags))
			}
			if len(cfg.Applications) == 0 || len(cfg.Checks) == 0 {
				t.Errorf("want at least one application and one check, got %d and %d", len(cfg.Applications), len(cfg.Checks))
			}
			if _, ok := os.Stat(filepath.Join(dir, "README.md")); ok != nil {
				t.Errorf("no README.md")
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*"+SuffixHCL))
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(src), string(hclwrite.Format(src))); diff != "" {
					t.Errorf("%s is not formatted (-file +fmt):\n%s", f, diff)
				}
			}
		})
	}
}

// TestQuickstartModel pins what entraform demo relies on.
func TestQuickstartModel(t *testing.T) {
	cfg, diags := Load(LoadOptions{Dir: filepath.Join("..", "examples", "quickstart")})
	if diags.HasErrors() {
		t.Fatal(renderDiags(diags))
	}
	a := cfg.Application("application.quickstart")
	if a == nil {
		t.Fatal("no application.quickstart")
	}
	type summary struct {
		Roles        []string
		AdminConsent bool
		WriteTo      string
		Flow, URL    string
		Status       int
	}
	got := summary{AdminConsent: a.AdminConsent, WriteTo: a.Secrets[0].WriteTo,
		Flow: cfg.Checks[0].Flow, URL: cfg.Checks[0].Requests[0].URL, Status: cfg.Checks[0].Requests[0].Status}
	for _, p := range a.Permissions {
		for _, r := range p.Application {
			got.Roles = append(got.Roles, p.ResourceAppID+" "+r.Value+" "+r.ID)
		}
	}
	want := summary{
		Roles:        []string{"00000003-0000-0000-c000-000000000000 Sites.Read.All 332a536c-c7ef-4017-ab91-336970924f0d"},
		AdminConsent: true,
		WriteTo:      "secrets/quickstart.env",
		Flow:         "client_credentials",
		URL:          "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr",
		Status:       200,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quickstart (-want +got):\n%s", diff)
	}
}
