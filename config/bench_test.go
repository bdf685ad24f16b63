package config

import (
	"fmt"
	"strings"
	"testing"
)

// bigConfig writes n applications (two permissions, a secret each) and
// n/10 sites granting one of them, half as separate blocks and half
// through for_each.
func bigConfig(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  teams = toset([")
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&b, "%q, ", fmt.Sprintf("team%d", i))
	}
	b.WriteString("])\n}\n")
	b.WriteString(`
application "team" {
  for_each     = local.teams
  display_name = "Team ${each.key} reader"
  permission "graph" {
    application = ["Sites.Selected"]
    delegated   = ["User.Read"]
  }
  admin_consent = true
  secret "default" {
    write_to = "secrets/${each.key}.env"
  }
}
`)
	for i := 0; i < n-n/2; i++ {
		fmt.Fprintf(&b, `
application "app%d" {
  display_name = "App %d"
  web {
    redirect_uris = ["https://app%d.contoso.com/auth"]
  }
  permission "sharepoint" {
    delegated = ["Read user profiles"]
  }
  secret "web" {
    expires_in = "180d"
  }
}
`, i, i, i)
	}
	for i := 0; i < n/10; i++ {
		fmt.Fprintf(&b, `
site "s%d" {
  url = "https://contoso.sharepoint.com/sites/s%d"
  grant "reader" {
    application = application.team["team%d"]
    roles       = ["read"]
  }
}
`, i, i, i)
	}
	return b.String()
}

// BenchmarkLoad1000 loads 1000 applications and 100 site grants.
func BenchmarkLoad1000(b *testing.B) {
	src := []byte(bigConfig(1000))
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		cfg, diags := load(LoadOptions{Dir: dir}, []source{{name: "main.entra.hcl", data: src}})
		if diags.HasErrors() {
			b.Fatal(renderDiags(diags))
		}
		if len(cfg.Applications) != 1000 || len(cfg.Sites) != 100 {
			b.Fatalf("got %d applications, %d sites", len(cfg.Applications), len(cfg.Sites))
		}
	}
}
