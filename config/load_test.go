package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// cmpOpts ignore source ranges and compare cty values by value.
var cmpOpts = []cmp.Option{
	cmpopts.IgnoreTypes(hcl.Range{}),
	cmpopts.IgnoreFields(Application{}, "AttrRanges"),
	cmpopts.IgnoreUnexported(Output{}),
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b cty.Value) bool {
		if a == cty.NilVal || b == cty.NilVal {
			return a == cty.NilVal && b == cty.NilVal
		}
		return a.RawEquals(b)
	}),
}

// loadFiles writes files into a directory named "ws" and loads it.
func loadFiles(t *testing.T, files map[string]string, opts LoadOptions) (*Config, hcl.Diagnostics) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ws")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.Dir = dir
	return Load(opts)
}

// mustLoad loads and fails the test on any error diagnostic.
func mustLoad(t *testing.T, src string, opts LoadOptions) *Config {
	t.Helper()
	cfg, diags := loadFiles(t, map[string]string{"main.entra.hcl": src}, opts)
	if diags.HasErrors() {
		t.Fatalf("Load: %s", renderDiags(diags))
	}
	return cfg
}

func renderDiags(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		if d.Subject != nil {
			b.WriteString(d.Subject.String() + ": ")
		}
		if d.Severity == hcl.DiagWarning {
			b.WriteString("warning: ")
		}
		b.WriteString(d.Summary)
		if d.Detail != "" {
			b.WriteString("; " + d.Detail)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestApplicationDefaults(t *testing.T) {
	cfg := mustLoad(t, `
application "api" {
  display_name = "API"
  secret "s" {}
  certificate "c" { private_key_file = "keys/c.pem" }
  federated_credential "github" {
    issuer  = "https://token.actions.githubusercontent.com"
    subject = "repo:o/r:ref:refs/heads/main"
  }
}
`, LoadOptions{})
	want := []*Application{{
		Addr: "application.api", Name: "api", Key: cty.NilVal,
		DisplayName: "API", UniqueName: "entraform.ws.api", SignInAudience: "AzureADMyOrg",
		Secrets:      []*Secret{{Name: "s", ExpiresIn: 4380 * time.Hour, RotateBefore: 720 * time.Hour}},
		Certificates: []*Certificate{{Name: "c", PrivateKeyFile: "keys/c.pem", ExpiresIn: 8760 * time.Hour, RotateBefore: 720 * time.Hour}},
		FederatedCredentials: []*FederatedCredential{{
			Name: "github", Issuer: "https://token.actions.githubusercontent.com",
			Subject: "repo:o/r:ref:refs/heads/main", Audiences: []string{"api://AzureADTokenExchange"},
		}},
	}}
	if diff := cmp.Diff(want, cfg.Applications, cmpOpts...); diff != "" {
		t.Errorf("Applications (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Tenant{Cloud: "public", Workspace: "ws"}, cfg.Tenant, cmpOpts...); diff != "" {
		t.Errorf("Tenant (-want +got):\n%s", diff)
	}
}

func TestExpansion(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantAddrs []string
		wantNames []string // unique names
	}{
		{
			name:      "for_each over a map",
			src:       "application \"a\" {\n  for_each     = { b = \"B\", a = \"A\" }\n  display_name = each.value\n}",
			wantAddrs: []string{`application.a["a"]`, `application.a["b"]`},
			wantNames: []string{"entraform.ws.a.a", "entraform.ws.a.b"},
		},
		{
			name:      "for_each over a set",
			src:       "application \"a\" {\n  for_each     = toset([\"x\", \"y\"])\n  display_name = upper(each.key)\n}",
			wantAddrs: []string{`application.a["x"]`, `application.a["y"]`},
			wantNames: []string{"entraform.ws.a.x", "entraform.ws.a.y"},
		},
		{
			name:      "count, sorted numerically",
			src:       "application \"a\" {\n  count        = 11\n  display_name = \"n${count.index}\"\n}",
			wantAddrs: []string{"application.a[0]", "application.a[1]", "application.a[2]", "application.a[3]", "application.a[4]", "application.a[5]", "application.a[6]", "application.a[7]", "application.a[8]", "application.a[9]", "application.a[10]"},
			wantNames: []string{"entraform.ws.a.0", "entraform.ws.a.1", "entraform.ws.a.2", "entraform.ws.a.3", "entraform.ws.a.4", "entraform.ws.a.5", "entraform.ws.a.6", "entraform.ws.a.7", "entraform.ws.a.8", "entraform.ws.a.9", "entraform.ws.a.10"},
		},
		{
			name:      "count zero",
			src:       "application \"a\" {\n  count        = 0\n  display_name = \"x\"\n}",
			wantAddrs: nil,
		},
		{
			name: "blocks sorted by name, explicit unique_name",
			src: `
application "zeta" { display_name = "z" }
application "alpha" {
  display_name = "a"
  unique_name  = "my.alpha"
}`,
			wantAddrs: []string{"application.alpha", "application.zeta"},
			wantNames: []string{"my.alpha", "entraform.ws.zeta"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, tt.src, LoadOptions{})
			var addrs, names []string
			for _, a := range cfg.Applications {
				addrs = append(addrs, a.Addr)
				names = append(names, a.UniqueName)
			}
			if diff := cmp.Diff(tt.wantAddrs, addrs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("addresses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNames, names, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unique names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVariablePrecedence(t *testing.T) {
	src := `
variable "name" {
  type    = string
  default = "from-default"
}
variable "tags" {
  type    = list(string)
  default = []
}
variable "n" {
  type    = number
  default = 1
}
application "a" {
  display_name = "${var.name}-${join(",", var.tags)}-${var.n}"
}
`
	env := func(vals map[string]string) func(string) string {
		return func(k string) string { return vals[k] }
	}
	tests := []struct {
		name string
		opts LoadOptions
		want string
	}{
		{"default", LoadOptions{}, "from-default--1"},
		{"var file", LoadOptions{VarFiles: []string{"a.vars.hcl"}}, "from-file-a-x,y-1"},
		{"later var file wins", LoadOptions{VarFiles: []string{"a.vars.hcl", "b.json"}}, "from-json--1"},
		{"env beats var file", LoadOptions{VarFiles: []string{"a.vars.hcl"}, Getenv: env(map[string]string{"ENTRAFORM_VAR_name": "from-env", "ENTRAFORM_VAR_tags": `["e"]`})}, "from-env-e-1"},
		{"-var beats env", LoadOptions{Vars: []string{"name=from-cli", "n=7"}, Getenv: env(map[string]string{"ENTRAFORM_VAR_name": "from-env"})}, "from-cli--7"},
		{"last -var wins, value may hold =", LoadOptions{Vars: []string{"name=one", "name=a=b"}}, "a=b--1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := loadFiles(t, map[string]string{
				"main.entra.hcl": src,
				"a.vars.hcl":     "name = \"from-file-a\"\ntags = [\"x\", \"y\"]\n",
				"b.json":         `{"name": "from-json", "tags": []}`,
			}, tt.opts)
			if diags.HasErrors() {
				t.Fatalf("Load: %s", renderDiags(diags))
			}
			if diff := cmp.Diff(tt.want, cfg.Applications[0].DisplayName); diff != "" {
				t.Errorf("display_name (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSensitiveVariable(t *testing.T) {
	cfg := mustLoad(t, `
variable "token" {
  type      = string
  default   = "s3cret"
  sensitive = true
}
variable "plain" { default = "p" }
output "leak" {
  value     = var.token
  sensitive = true
}
`, LoadOptions{})
	if !cfg.Variables["token"].HasMark(SensitiveMark) {
		t.Errorf("var.token is not marked sensitive")
	}
	if cfg.Variables["plain"].IsMarked() {
		t.Errorf("var.plain is marked")
	}
	outs, diags := cfg.EvalOutputs(nil)
	if diags.HasErrors() {
		t.Fatal(renderDiags(diags))
	}
	if !outs["leak"].HasMark(SensitiveMark) {
		t.Errorf("sensitive output is not marked")
	}
}

func TestFunctions(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`lower("ABC")`, "abc"},
		{`upper("abc")`, "ABC"},
		{`title("hello world")`, "Hello World"},
		{`format("%s-%03d", "a", 7)`, "a-007"},
		{`join(",", formatlist("x%s", ["a", "b"]))`, "xa,xb"},
		{`join(",", split("-", "a-b-c"))`, "a,b,c"},
		{`join(",", concat(["a"], ["b"]))`, "a,b"},
		{`merge({a = "1"}, {b = "2"})["b"]`, "2"},
		{`tostring(contains(["a"], "a"))`, "true"},
		{`tostring(length("héllo") + length([1, 2]))`, "7"},
		{`join(",", keys({b = 1, a = 2}))`, "a,b"},
		{`join(",", values({b = "1", a = "2"}))`, "2,1"},
		{`lookup({a = "x"}, "b", "dflt")`, "dflt"},
		{`coalesce(null, "second")`, "second"},
		{`join(",", distinct(["a", "a", "b"]))`, "a,b"},
		{`join(",", flatten([["a"], ["b", ["c"]]]))`, "a,b,c"},
		{`replace("a.b.c", ".", "-")`, "a-b-c"},
		{`replace("abc123", "/[0-9]+/", "#")`, "abc#"},
		{`trimspace("  x ")`, "x"},
		{`trimprefix(trimsuffix("[x]", "]"), "[")`, "x"},
		{`substr("entraform", 0, 5)`, "entra"},
		{`tostring(tonumber("42") + 1)`, "43"},
		{`join(",", tolist(toset(["b", "a"])))`, "a,b"},
		{`tomap({a = "b"})["a"]`, "b"},
		{`jsonencode({a = [1, "x"]})`, `{"a":[1,"x"]}`},
		{`jsondecode("{\"k\": \"v\"}").k`, "v"},
		{`file("data/note.txt")`, "hello from a file\n"},
		{`tostring(fileexists("data/note.txt"))`, "true"},
		{`tostring(fileexists("data/missing.txt"))`, "false"},
		{`uuidv5("dns", "www.example.com")`, "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
		{`base64encode("entra")`, "ZW50cmE="},
		{`base64decode("ZW50cmE=")`, "entra"},
		{`sha256("abc")`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`timeadd("2024-01-01T00:00:00Z", "36h")`, "2024-01-02T12:00:00Z"},
		{`formatdate("YYYY-MM-DD", "2024-03-05T10:00:00Z")`, "2024-03-05"},
		{`try(jsondecode("nope"), "fallback")`, "fallback"},
		{`tostring(startswith("entraform", "entra"))`, "true"},
		{`tostring(alltrue([true, 1 == 1]))`, "true"},
		{`tostring(anytrue([false, false]))`, "false"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			cfg, diags := loadFiles(t, map[string]string{
				"main.entra.hcl": "locals {\n  v = " + tt.expr + "\n}\napplication \"a\" {\n  display_name = local.v\n}\n",
				"data/note.txt":  "hello from a file\n",
			}, LoadOptions{})
			if diags.HasErrors() {
				t.Fatalf("Load: %s", renderDiags(diags))
			}
			if diff := cmp.Diff(tt.want, cfg.Applications[0].DisplayName); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.expr, diff)
			}
		})
	}
}

func TestReferencesResolveToAddresses(t *testing.T) {
	cfg := mustLoad(t, `
locals {
  teams = { hr = "read", eng = "write" }
}
application "reader" {
  for_each     = local.teams
  display_name = "reader ${each.key}"
  permission "graph" { application = ["Sites.Selected"] }
  certificate "c" { private_key_file = "k/${each.key}.pem" }
}
application "main" {
  display_name = "${application.reader["hr"].display_name} main"
  secret "s" {}
}
site "team" {
  for_each = local.teams
  url      = "https://contoso.sharepoint.com/sites/${each.key}"
  grant "g" {
    application = application.reader[each.key]
    roles       = [each.value]
  }
}
check "main" {
  application = application.main
  flow        = "client_credentials"
  request "r" {
    url    = site.team["hr"].url
    status = 403
  }
}
`, LoadOptions{})
	type grant struct{ Site, App string }
	var got []grant
	for _, s := range cfg.Sites {
		for _, g := range s.Grants {
			got = append(got, grant{s.Addr, g.Application + " " + strings.Join(g.Roles, ",")})
		}
	}
	want := []grant{
		{`site.team["eng"]`, `application.reader["eng"] write`},
		{`site.team["hr"]`, `application.reader["hr"] read`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	if got := cfg.Application("application.main").DisplayName; got != "reader hr main" {
		t.Errorf("main display_name = %q", got)
	}
	wantCheck := []*Check{{
		Addr: "check.main", Name: "main", Key: cty.NilVal, Application: "application.main", Flow: "client_credentials",
		Requests: []*Request{{Name: "r", URL: "https://contoso.sharepoint.com/sites/hr", Method: "GET", Status: 403}},
	}}
	if diff := cmp.Diff(wantCheck, cfg.Checks, cmpOpts...); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	if cfg.Tenant.SharePoint != "contoso" {
		t.Errorf("Tenant.SharePoint = %q, want contoso (from the site URLs)", cfg.Tenant.SharePoint)
	}
}

func TestPermissionResolution(t *testing.T) {
	cfg := mustLoad(t, `
application "a" {
  display_name = "a"
  permission "graph" {
    delegated   = ["user.read", "Read items in all site collections"]
    application = ["Sites.Read.All"]
  }
  permission "sharepoint" {
    delegated = ["Read user profiles"]
  }
  permission "6F1C2D3E-1111-2222-3333-444455556666" {
    application = ["Custom.Role"]
  }
}
`, LoadOptions{})
	want := []*Permission{
		{Resource: "graph", ResourceAppID: "00000003-0000-0000-c000-000000000000",
			Delegated: []PermissionRef{
				{Name: "user.read", Value: "User.Read", ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d"},
				{Name: "Read items in all site collections", Value: "Sites.Read.All", ID: "205e70e5-aba6-4c52-a976-6d2d46c48043"},
			},
			Application: []PermissionRef{{Name: "Sites.Read.All", Value: "Sites.Read.All", ID: "332a536c-c7ef-4017-ab91-336970924f0d"}},
		},
		{Resource: "sharepoint", ResourceAppID: "00000003-0000-0ff1-ce00-000000000000",
			Delegated: []PermissionRef{{Name: "Read user profiles", Value: "User.Read.All", ID: "0cea5a30-f6f8-42b5-87a0-84cc26822e02"}},
		},
		{Resource: "6F1C2D3E-1111-2222-3333-444455556666", ResourceAppID: "6f1c2d3e-1111-2222-3333-444455556666",
			Application: []PermissionRef{{Name: "Custom.Role"}},
		},
	}
	if diff := cmp.Diff(want, cfg.Applications[0].Permissions, cmpOpts...); diff != "" {
		t.Errorf("Permissions (-want +got):\n%s", diff)
	}
}

func TestRuntimeCatalog(t *testing.T) {
	custom := NewCatalog([]CatalogResource{{
		AppID: "6f1c2d3e-1111-2222-3333-444455556666", DisplayName: "Payroll API",
		Roles: []PermissionDef{{ID: "r1", Value: "Payroll.Read", Label: "Read payroll", Type: "Application"}},
	}})
	src := `
application "a" {
  display_name = "a"
  permission "6f1c2d3e-1111-2222-3333-444455556666" { application = ["Payrol.Read"] }
}`
	_, diags := loadFiles(t, map[string]string{"main.entra.hcl": src}, LoadOptions{Catalog: custom})
	want := `main.entra.hcl:4,70-83: Unknown permission; Payroll API has no application permission "Payrol.Read"; did you mean "Payroll.Read"?` + "\n"
	if diff := cmp.Diff(want, renderDiags(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

func TestComputedAttributesInOutputs(t *testing.T) {
	cfg := mustLoad(t, `
application "a" {
  for_each     = toset(["x", "y"])
  display_name = each.key
}
application "adopted" {
  display_name = "old"
  adopt        = "AAAAAAAA-0000-0000-0000-000000000001"
}
locals {
  all = application.a
}
output "ids" {
  value = { for k, app in local.all : k => app.app_id }
}
output "adopted" { value = application.adopted.app_id }
output "sp" { value = application.a["x"].service_principal_id }
`, LoadOptions{})
	outs, diags := cfg.EvalOutputs(map[string]AppAttrs{`application.a["x"]`: {AppID: "id-x", ServicePrincipalID: "sp-x"}})
	if diags.HasErrors() {
		t.Fatal(renderDiags(diags))
	}
	ids := outs["ids"]
	if got := ids.GetAttr("x"); !got.RawEquals(cty.StringVal("id-x")) {
		t.Errorf("ids.x = %#v", got)
	}
	if got := ids.GetAttr("y"); got.IsKnown() {
		t.Errorf("ids.y = %#v, want unknown", got)
	}
	if got := outs["adopted"]; !got.RawEquals(cty.StringVal("aaaaaaaa-0000-0000-0000-000000000001")) {
		t.Errorf("adopted = %#v", got)
	}
	if got := outs["sp"]; !got.RawEquals(cty.StringVal("sp-x")) {
		t.Errorf("sp = %#v", got)
	}
}

func TestJSONConfig(t *testing.T) {
	cfg, diags := loadFiles(t, map[string]string{"main.entra.json": `{
  "variable": {"name": {"type": "string", "default": "json app"}},
  "application": {"a": {
    "display_name": "${var.name}",
    "permission": {"graph": {"application": ["Sites.Read.All"]}},
    "secret": {"s": {"write_to": "secrets/a.env"}}
  }},
  "check": {"c": {"application": "${application.a}", "flow": "client_credentials"}}
}`}, LoadOptions{})
	if diags.HasErrors() {
		t.Fatal(renderDiags(diags))
	}
	if got := cfg.Applications[0].DisplayName; got != "json app" {
		t.Errorf("display_name = %q", got)
	}
	if got := cfg.Checks[0].Application; got != "application.a" {
		t.Errorf("check application = %q", got)
	}
}

func TestHash(t *testing.T) {
	src := `
variable "v" { default = "a" }
application "a" { display_name = var.v }
`
	a := mustLoad(t, src, LoadOptions{})
	b := mustLoad(t, src, LoadOptions{})
	c := mustLoad(t, src, LoadOptions{Vars: []string{"v=b"}})
	d := mustLoad(t, src+"\n", LoadOptions{})
	if a.Hash == "" || a.Hash != b.Hash {
		t.Errorf("same input, hashes %q and %q", a.Hash, b.Hash)
	}
	if a.Hash == c.Hash {
		t.Errorf("a variable change did not change the hash")
	}
	if a.Hash == d.Hash {
		t.Errorf("a file change did not change the hash")
	}
}

func TestDurations(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"4380h", 4380 * time.Hour, false},
		{"180d", 180 * 24 * time.Hour, false},
		{"1d12h", 36 * time.Hour, false},
		{"90m", 90 * time.Minute, false},
		{"0h", 0, true},
		{"-5h", 0, true},
		{"six months", 0, true},
		{"d", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestRedirectURIRules(t *testing.T) {
	tests := []struct {
		uri         string
		web, public bool // valid for web/spa, for public_client
	}{
		{"https://app.contoso.com/auth", true, true},
		{"http://localhost:5555/getAToken", true, true},
		{"http://localhost/", true, true},
		{"http://127.0.0.1:8080/cb", true, true},
		{"http://app.contoso.com/auth", false, false},
		{"myapp://auth", false, true},
		{"https://login.microsoftonline.com/common/oauth2/nativeclient", true, true},
		{"https://app.contoso.com/#frag", false, false},
		{"/relative", false, false},
	}
	for _, tt := range tests {
		if got := checkWebURI(tt.uri) == nil; got != tt.web {
			t.Errorf("checkWebURI(%q) valid = %v, want %v", tt.uri, got, tt.web)
		}
		if got := checkPublicURI(tt.uri) == nil; got != tt.public {
			t.Errorf("checkPublicURI(%q) valid = %v, want %v", tt.uri, got, tt.public)
		}
	}
}
