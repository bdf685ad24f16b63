package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/policy"
)

// fixOf loads a configuration and returns the fix of its only finding of
// rule.
func fixOf(t *testing.T, src, rule string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	res, _ := policy.Evaluate(policy.Input{Config: cfg})
	var fixes []string
	for _, f := range res.Findings {
		if f.Rule == rule {
			fixes = append(fixes, f.Fix)
		}
	}
	if len(fixes) != 1 {
		t.Fatalf("%d findings of %s, want 1", len(fixes), rule)
	}
	return fixes[0]
}

// TestTenantWideSitesFix: the fix is the HCL to write: Sites.Selected in
// place of the tenant-wide permission (the block's other permissions
// kept), a grant in a declared site, a new site block for another.
func TestTenantWideSitesFix(t *testing.T) {
	got := fixOf(t, `
application "writer" {
  display_name = "writer"
  permission "graph" {
    application = ["User.Read.All", "Sites.ReadWrite.All"]
  }
  admin_consent = true
  certificate "c" { private_key_file = "writer.pem" }
}

site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
}

check "writes" {
  application  = application.writer
  flow         = "certificate"
  expect_roles = ["User.Read.All", "Sites.ReadWrite.All"]
  request "hr" {
    url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr:/lists"
  }
  request "finance" {
    url = "https://contoso.sharepoint.com/sites/finance/_api/web/lists"
  }
}
`, "tenant-wide-sites")
	want := `in application.writer, ask for Sites.Selected instead:
  permission "graph" {
    application = ["User.Read.All", "Sites.Selected"]
  }
and declare the site:
  site "finance" {
    url = "https://contoso.sharepoint.com/sites/finance"

    grant "writer" {
      application = application.writer
      roles       = ["write"]
    }
  }
and in site.hr, add:
  grant "writer" {
    application = application.writer
    roles       = ["write"]
  }`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fix (-want +got):\n%s", diff)
	}
}
