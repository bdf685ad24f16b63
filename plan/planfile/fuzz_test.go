package planfile_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/plan/planfile"
	"github.com/entraform/entraform/plan/render"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

// sampleConfig declares one of each object, so that a plan on the sample
// tenant below holds creates, an update, replacements and deletions.
const sampleConfig = `
tenant { workspace = "fuzz" }
variable "env" { default = "test" }
application "web" {
  display_name = "Web (${var.env})"
  web { redirect_uris = ["https://app.example.com/auth"] }
  permission "graph" {
    application = ["Sites.Read.All"]
    delegated   = ["User.Read"]
  }
  admin_consent = true
  secret "main" { write_to = "secrets/web.env" }
  certificate "main" { private_key_file = "keys/web.pem" }
  federated_credential "github" {
    issuer  = "https://token.actions.githubusercontent.com"
    subject = "repo:contoso/web:ref:refs/heads/main"
  }
}
application "kept" {
  display_name = "Kept, renamed"
}
site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
  grant "web" {
    application = application.web
    roles       = ["read"]
  }
}
output "web_id" { value = application.web.app_id }
output "env" { value = var.env }
`

var sampleNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// samplePlan builds the plan of sampleConfig on a tenant that holds an
// older version of application "kept" (with a secret whose value is lost)
// and an application the configuration no longer declares.
func samplePlan(tb testing.TB) *plan.Plan {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "fuzz")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(sampleConfig), 0o644); err != nil {
		tb.Fatal(err)
	}
	cfg, diags := config.Load(config.LoadOptions{Dir: dir, Getenv: func(string) string { return "" }})
	if diags.HasErrors() {
		tb.Fatalf("loading the sample: %s", diags.Error())
	}
	end := sampleNow.Add(24 * time.Hour)
	kept := &entra.Application{ID: "obj-kept", AppID: "11111111-1111-1111-1111-111111111111", DisplayName: "Kept",
		UniqueName: "entraform.fuzz.kept", Tags: entra.OwnershipTags("fuzz", "application.kept"),
		PasswordCredentials: []entra.PasswordCredential{{KeyID: "22222222-2222-2222-2222-222222222222", DisplayName: "old", EndDateTime: &end, Hint: "abc"}}}
	gone := &entra.Application{ID: "obj-gone", AppID: "33333333-3333-3333-3333-333333333333", DisplayName: "Gone",
		UniqueName: "entraform.fuzz.gone", Tags: entra.OwnershipTags("fuzz", "application.gone")}
	graph := &entra.ServicePrincipal{ID: "sp-graph", AppID: entra.GraphAppID, DisplayName: "Microsoft Graph",
		AppRoles:               []entra.AppRole{{ID: "332a536c-c7ef-4017-ab91-336970924f0d", Value: "Sites.Read.All"}},
		OAuth2PermissionScopes: []entra.PermissionScope{{ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Value: "User.Read"}}}
	spo := &entra.ServicePrincipal{ID: "sp-sharepoint", AppID: entra.SharePointAppID, DisplayName: "Office 365 SharePoint Online"}
	site := &sharepoint.Site{ID: "contoso.sharepoint.com,1,2", WebURL: "https://contoso.sharepoint.com/sites/hr", DisplayName: "HR"}
	snap := &plan.Snapshot{
		TenantID:        "tenant",
		Now:             sampleNow,
		Applications:    []*entra.Application{kept, gone},
		Resources:       map[string]*entra.ServicePrincipal{entra.GraphAppID: graph, entra.SharePointAppID: spo},
		Sites:           map[string]*sharepoint.Site{"site.hr": site},
		SitePermissions: map[string][]sharepoint.Permission{},
		SecretFiles:     map[string]plan.SecretFile{},
		KeyFiles:        map[string]plan.KeyFile{},
	}
	p, diags := plan.Build(cfg, snap, plan.Options{})
	if diags.HasErrors() {
		tb.Fatalf("building the sample plan: %s", diags.Error())
	}
	p.CreatedAt = sampleNow
	return p
}

func encode(tb testing.TB, p *plan.Plan) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := planfile.Write(&b, p, "test"); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// FuzzRead feeds arbitrary bytes to the plan file reader, as `entraform
// show FILE` and `entraform apply FILE` do with a file that may be
// damaged, hand-edited or hostile. Whatever the input, nothing panics: a
// rejected file gets an error that says why; an accepted one can be
// written again and read back to the same document, rendered, and
// compared with a fresh plan for staleness.
//
//	go test ./plan/planfile -run '^$' -fuzz FuzzRead -fuzztime 2m
func FuzzRead(f *testing.F) {
	fresh := samplePlan(f)
	sample := encode(f, fresh)
	f.Add(sample)
	f.Add([]byte(`{"format_version":"1.0","resource_changes":[]}`))
	f.Add([]byte(`{"format_version":"1.9","workspace":"w","resource_changes":[{"address":"application.web","type":"application","change":{"actions":["create"],"before":null,"after":{"display_name":"x"},"after_unknown":{"app_id":true}}}],"output_changes":{"o":{"actions":["create"],"after":[1,"a",{"b":null}]}}}`))
	// Swapped types and actions of real addresses.
	f.Add(bytes.Replace(sample, []byte(`"type": "secret"`), []byte(`"type": "certificate"`), 1))
	f.Add(bytes.Replace(sample, []byte(`"type": "application"`), []byte(`"type": "site_permission"`), -1))
	f.Add(bytes.Replace(sample, []byte(`"create"`), []byte(`"delete"`), -1))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := planfile.Read(bytes.NewReader(data))
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("a rejected plan file got an empty error")
			}
			return
		}
		var w1 bytes.Buffer
		if err := planfile.Write(&w1, p, "test"); err != nil {
			t.Fatalf("a plan file that Read accepted cannot be written again: %v", err)
		}
		p2, err := planfile.Read(bytes.NewReader(w1.Bytes()))
		if err != nil {
			t.Fatalf("a plan file written from an accepted one is refused: %v\n%s", err, w1.Bytes())
		}
		var w2 bytes.Buffer
		if err := planfile.Write(&w2, p2, "test"); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("write/read/write is not stable:\n%s\n---\n%s", w1.Bytes(), w2.Bytes())
		}
		if err := render.Plan(io.Discard, p, render.Options{}); err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatal("render failed with an empty error")
		}
		plan.Staleness(p, fresh)
	})
}

// TestDoctoredPlanFile: a plan file edited so that an address of the
// fresh plan has another type (with a valid value of that type) is read,
// and comparing it with the fresh plan names the difference instead of
// panicking.
func TestDoctoredPlanFile(t *testing.T) {
	fresh := samplePlan(t)
	doctored := []byte(`{"format_version":"1.0","workspace":"fuzz","tenant_id":"tenant","config_hash":"` + fresh.ConfigHash + `",
"resource_changes":[{"address":"application.kept","type":"secret","change":{"actions":["update"],
"before":{"display_name":"kept","end_date":null,"hint":"abc","key_id":"k","value":null,"write_to":null},
"after":{"display_name":"kept","end_date":null,"hint":"abc","key_id":"k","value":null,"write_to":null}}}]}`)
	saved, err := planfile.Read(bytes.NewReader(doctored))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	got := plan.Staleness(saved, fresh)
	want := "application.kept: a secret in the saved plan, but an application now"
	if len(got) != 1 || got[0] != want {
		t.Errorf("Staleness = %q; want [%q]", got, want)
	}
}
