package checks

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/localtenant"
)

// outcome is what a test compares of a Result: everything but the
// volatile fields (durations, ids, expiry).
type outcome struct {
	OK       bool
	Roles    []string
	Scopes   []string
	IDType   string
	Audience string
	User     string
	ACR      string
	Requests []reqOutcome
	Problems []string // codes
}

type reqOutcome struct {
	Name   string
	Status int
	OK     bool
}

func outcomeOf(r Result) outcome {
	o := outcome{OK: r.OK, Roles: r.Claims.Roles, Scopes: r.Claims.Scopes, IDType: r.Claims.IDType,
		Audience: r.Claims.Audience, User: r.Claims.User, ACR: r.Claims.AppIDACR}
	for _, q := range r.Requests {
		o.Requests = append(o.Requests, reqOutcome{q.Name, q.Status, q.OK})
	}
	for _, p := range r.Problems {
		o.Problems = append(o.Problems, p.Code)
	}
	return o
}

// runOne runs the single check named and logs the rendered result.
func runOne(t *testing.T, env Env, name string) Result {
	t.Helper()
	results := Run(context.Background(), env, []string{name})
	if len(results) != 1 {
		t.Fatalf("Run returned %d results; want 1", len(results))
	}
	var out bytes.Buffer
	Render(&out, results, false)
	t.Logf("\n%s", out.String())
	return results[0]
}

func wantOutcome(t *testing.T, want outcome, got Result) {
	t.Helper()
	if diff := cmp.Diff(want, outcomeOf(got), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", got.Address, diff)
	}
}

const graphAud = "https://graph.microsoft.com"
const spAud = "https://contoso.sharepoint.com"

func TestClientCredentialsFlow(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, `
tenant { workspace = "cc" }
application "reader" {
  display_name = "Site reader"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "default" { write_to = "secrets/reader.env" }
}
check "reads_hr" {
  application  = application.reader
  flow         = "client_credentials"
  expect_roles = ["Sites.Read.All"]
  request "hr" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr" }
  request "users_refused" {
    url    = "https://graph.microsoft.com/v1.0/users"
    status = 403
  }
  request "batch" {
    method  = "post"
    url     = "https://graph.microsoft.com/v1.0/$batch"
    headers = { "Content-Type" = "application/json" }
    body    = jsonencode({ requests = [{ id = "1", method = "GET", url = "/sites/root" }] })
  }
}
`)
	res := tn.apply(t, cfg)
	want := outcome{OK: true, Roles: []string{"Sites.Read.All"}, IDType: "app", Audience: graphAud, ACR: "1",
		Requests: []reqOutcome{{"hr", 200, true}, {"users_refused", 403, true}, {"batch", 200, true}}}

	t.Run("secret made by this apply", func(t *testing.T) {
		r := runOne(t, tn.env(cfg, res), "reads_hr")
		wantOutcome(t, want, r)
		if r.Claims.AppID != res.Apps["application.reader"].AppID {
			t.Errorf("appid = %s; want the app's own client id %s (never the operator's)", r.Claims.AppID, res.Apps["application.reader"].AppID)
		}
	})
	t.Run("secret from the write_to file", func(t *testing.T) {
		env := tn.env(cfg, res)
		env.Secrets = nil
		wantOutcome(t, want, runOne(t, env, "check.reads_hr"))
	})
}

func TestCertificateFlow(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, `
tenant { workspace = "cert" }
application "site_reader" {
  display_name = "SharePoint site reader"
  permission "graph" { application = ["Sites.Selected"] }
  permission "sharepoint" { application = ["Sites.Selected"] }
  admin_consent = true
  certificate "ci" { private_key_file = "secrets/site_reader.pem" }
}
site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
  grant "reader" {
    application = application.site_reader
    roles       = ["read"]
  }
}
check "reader_can_read_hr" {
  application  = application.site_reader
  flow         = "certificate"
  expect_roles = ["Sites.Selected"]
  request "hr_site" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr" }
  request "finance_denied" {
    url    = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/finance"
    status = 403
  }
}
check "reader_rest" {
  application = application.site_reader
  flow        = "certificate"
  request "web" { url = "https://contoso.sharepoint.com/sites/hr/_api/web" }
  request "web_verbose" {
    url     = "https://contoso.sharepoint.com/sites/hr/_api/web"
    headers = { Accept = "application/json;odata=verbose" }
  }
}
`)
	res := tn.apply(t, cfg)
	env := tn.env(cfg, res)
	wantOutcome(t, outcome{OK: true, Roles: []string{"Sites.Selected"}, IDType: "app", Audience: graphAud, ACR: "2",
		Requests: []reqOutcome{{"hr_site", 200, true}, {"finance_denied", 403, true}}}, runOne(t, env, "reader_can_read_hr"))
	wantOutcome(t, outcome{OK: true, Roles: []string{"Sites.Selected"}, IDType: "app", Audience: spAud, ACR: "2",
		Requests: []reqOutcome{{"web", 200, true}, {"web_verbose", 200, true}}}, runOne(t, env, "reader_rest"))
}

const federatedConfig = `
tenant { workspace = "fed" }
application "ci" {
  display_name = "CI deployer"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  federated_credential "github_main" {
    issuer  = "https://token.actions.githubusercontent.com"
    subject = "repo:contoso/entra-config:ref:refs/heads/main"
  }
}
check "ci_reads_sites" {
  application  = application.ci
  flow         = "federated"
  expect_roles = ["Sites.Read.All"]
  request "sites" { url = "https://graph.microsoft.com/v1.0/sites/root" }
}
`

func TestFederatedFlow(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, federatedConfig)
	res := tn.apply(t, cfg)
	ok := outcome{OK: true, Roles: []string{"Sites.Read.All"}, IDType: "app", Audience: graphAud, ACR: "2",
		Requests: []reqOutcome{{"sites", 200, true}}}

	withEnv := func(base func(string) string, kv map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := kv[k]; ok {
				return v
			}
			return base(k)
		}
	}
	t.Run("GitHub Actions OIDC", func(t *testing.T) {
		env := tn.env(cfg, res)
		u, tok := tn.GitHubActionsEnv("repo:contoso/entra-config:ref:refs/heads/main")
		env.Getenv = withEnv(tn.getenv, map[string]string{auth.EnvActionsIDTokenURL: u, auth.EnvActionsIDTokenRequest: tok})
		wantOutcome(t, ok, runOne(t, env, "ci_reads_sites"))
	})
	t.Run("token file", func(t *testing.T) {
		u, tok := tn.GitHubActionsEnv("repo:contoso/entra-config:ref:refs/heads/main")
		jwt, err := auth.GitHubActionsToken(tn.client, u, tok, "")(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "token")
		if err := os.WriteFile(path, []byte(jwt), 0o600); err != nil {
			t.Fatal(err)
		}
		env := tn.env(cfg, res)
		env.Getenv = withEnv(tn.getenv, map[string]string{auth.EnvFederatedTokenFile: path})
		wantOutcome(t, ok, runOne(t, env, "ci_reads_sites"))
	})
	t.Run("subject mismatch", func(t *testing.T) {
		env := tn.env(cfg, res)
		u, tok := tn.GitHubActionsEnv("repo:contoso/entra-config:ref:refs/heads/feature")
		env.Getenv = withEnv(tn.getenv, map[string]string{auth.EnvActionsIDTokenURL: u, auth.EnvActionsIDTokenRequest: tok})
		r := runOne(t, env, "ci_reads_sites")
		wantProblem(t, r, CodeFederatedMismatch,
			"no federated credential of application.ci matches the presented token (issuer https://token.actions.githubusercontent.com, subject repo:contoso/entra-config:ref:refs/heads/feature, audience api://AzureADTokenExchange) (AADSTS700213): it trusts github_main (issuer https://token.actions.githubusercontent.com, subject repo:contoso/entra-config:ref:refs/heads/main). Run from the branch or environment a credential names, or add a federated_credential with this subject and apply")
	})
	t.Run("no federated token", func(t *testing.T) {
		r := runOne(t, tn.env(cfg, res), "ci_reads_sites")
		wantProblem(t, r, CodeNoCredential, `flow = "federated" needs a federated token: set AZURE_FEDERATED_TOKEN_FILE, or run in GitHub Actions with permissions id-token: write (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN)`)
	})
}

// flaskConfig is the first source walkthrough: a web app signing users in
// on http://localhost:PORT/ with SharePoint's delegated "Read user
// profiles".
const flaskConfig = `
tenant { workspace = "flask" }
application "flask_demo" {
  display_name = "Flask SharePoint demo"
  web { redirect_uris = ["http://localhost:{{PORT}}/"] }
  permission "sharepoint" { delegated = ["Read user profiles"] }
  admin_consent = {{CONSENT}}
  secret "web" { write_to = "secrets/flask_demo.env" }
}
check "user_reads_profile" {
  application   = application.flask_demo
  flow          = "auth_code"
  expect_scopes = ["User.Read.All"]
  request "me" { url = "https://contoso.sharepoint.com/_api/web/currentuser" }
}
`

func TestAuthCodeFlow(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	port := freePort(t)
	cfg := writeConfig(t, subst(flaskConfig, "PORT", port, "CONSENT", "true"))
	res := tn.apply(t, cfg)
	user := tn.DefaultUser().UserPrincipalName
	want := outcome{OK: true, Scopes: []string{"User.Read.All"}, IDType: "user", Audience: spAud, User: user, ACR: "1",
		Requests: []reqOutcome{{"me", 200, true}}}
	for _, mode := range []string{"query", "form_post"} {
		t.Run(mode, func(t *testing.T) {
			env := tn.env(cfg, res)
			env.ResponseMode = mode
			wantOutcome(t, want, runOne(t, env, "user_reads_profile"))
		})
	}
	t.Run("secret from the write_to file", func(t *testing.T) {
		env := tn.env(cfg, res)
		env.Secrets = nil
		wantOutcome(t, want, runOne(t, env, "user_reads_profile"))
	})
}

const publicConfig = `
tenant { workspace = "public" }
application "cli_tool" {
  display_name = "Command line tool"
  public_client { redirect_uris = ["http://localhost"] }
  permission "graph" { delegated = ["User.Read"] }
  admin_consent = true
}
check "device" {
  application   = application.cli_tool
  flow          = "device_code"
  expect_scopes = ["User.Read"]
  request "me" { url = "https://graph.microsoft.com/v1.0/me" }
}
check "browser" {
  application = application.cli_tool
  flow        = "interactive"
  user        = "{{USER}}"
  request "me" { url = "https://graph.microsoft.com/v1.0/me" }
}
`

func TestPublicClientFlows(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	user := tn.DefaultUser().UserPrincipalName
	cfg := writeConfig(t, subst(publicConfig, "USER", user))
	res := tn.apply(t, cfg)
	want := outcome{OK: true, Scopes: []string{"User.Read"}, IDType: "user", Audience: graphAud, User: user, ACR: "0",
		Requests: []reqOutcome{{"me", 200, true}}}

	t.Run("device_code", func(t *testing.T) {
		var progress bytes.Buffer
		env := tn.env(cfg, res)
		env.Progress = &progress
		wantOutcome(t, want, runOne(t, env, "device"))
		if !strings.Contains(progress.String(), "check.device: To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code") {
			t.Errorf("progress does not show the device code instructions:\n%s", progress.String())
		}
	})
	t.Run("interactive", func(t *testing.T) {
		wantOutcome(t, want, runOne(t, tn.env(cfg, res), "browser"))
	})
}
