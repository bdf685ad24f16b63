package checks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/localtenant"
)

// explainConfig holds one application and check per explanation that a
// single tenant can provoke.
const explainConfig = `
tenant { workspace = "explain" }

# Declared but not consented (app-only).
application "unconsented" {
  display_name = "Unconsented daemon"
  permission "graph" { application = ["Sites.Read.All"] }
  secret "s" { write_to = "secrets/unconsented.env" }
}
check "unconsented_app" {
  application = application.unconsented
  flow        = "client_credentials"
  request "hr" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr" }
}

# The first source walkthrough without admin consent.
application "flask" {
  display_name = "Flask without consent"
  web { redirect_uris = ["http://localhost:{{PORT}}/"] }
  permission "sharepoint" { delegated = ["Read user profiles"] }
  secret "web" { write_to = "secrets/flask.env" }
}
check "unconsented_user" {
  application = application.flask
  flow        = "auth_code"
  request "me" { url = "https://contoso.sharepoint.com/_api/web/currentuser" }
}

# The second source walkthrough: a delegated Sites.Read.All, then sites
# listed with client credentials.
application "lister" {
  display_name = "Site lister"
  permission "graph" { delegated = ["Sites.Read.All"] }
  admin_consent = true
  secret "s" { write_to = "secrets/lister.env" }
}
check "lists_sites" {
  application = application.lister
  flow        = "client_credentials"
  request "all_sites" { url = "https://graph.microsoft.com/v1.0/sites?search=*" }
}

# The reverse: application permissions, a user flow.
application "daemon_as_user" {
  display_name = "Daemon signed in as a user"
  public_client { redirect_uris = ["http://localhost"] }
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
}
check "daemon_user_flow" {
  application = application.daemon_as_user
  flow        = "device_code"
  request "root" { url = "https://graph.microsoft.com/v1.0/sites/root" }
}

# SharePoint REST with a secret.
application "sp_secret" {
  display_name = "SharePoint REST with a secret"
  permission "sharepoint" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "s" { write_to = "secrets/sp_secret.env" }
}
check "sp_rest_secret" {
  application = application.sp_secret
  flow        = "client_credentials"
  request "web" { url = "https://contoso.sharepoint.com/sites/hr/_api/web" }
}

# Graph permissions: one too few, one too many, Sites.Selected without a
# grant, a Graph token sent to SharePoint, a host that must not get it.
application "users_reader" {
  display_name = "Users reader"
  permission "graph" { application = ["User.Read.All"] }
  admin_consent = true
  secret "s" { write_to = "secrets/users_reader.env" }
}
check "missing_permission" {
  application = application.users_reader
  flow        = "client_credentials"
  request "users" { url = "https://graph.microsoft.com/v1.0/users" }
  request "hr" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr" }
}
check "graph_token_to_sharepoint" {
  application = application.users_reader
  flow        = "client_credentials"
  request "users" { url = "https://graph.microsoft.com/v1.0/users" }
  request "web" { url = "https://contoso.sharepoint.com/sites/hr/_api/web" }
}
check "other_port" {
  application = application.users_reader
  flow        = "client_credentials"
  request "users" { url = "https://graph.microsoft.com/v1.0/users" }
  request "elsewhere" { url = "https://graph.microsoft.com:8443/v1.0/users" }
}
check "foreign_host" {
  application = application.users_reader
  flow        = "client_credentials"
  request "users" { url = "https://graph.microsoft.com/v1.0/users" }
  request "elsewhere" { url = "https://example.org/collect" }
}

application "wide" {
  display_name = "Too wide"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "s" { write_to = "secrets/wide.env" }
}
check "least_privilege" {
  application = application.wide
  flow        = "client_credentials"
  request "finance_denied" {
    url    = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/finance"
    status = 403
  }
}

application "selected" {
  display_name = "Selected sites"
  permission "graph" { application = ["Sites.Selected"] }
  admin_consent = true
  secret "s" { write_to = "secrets/selected.env" }
}
site "hr" {
  url = "https://contoso.sharepoint.com/sites/hr"
  grant "selected" {
    application = application.selected
    roles       = ["read"]
  }
}
check "no_site_grant" {
  application  = application.selected
  flow         = "client_credentials"
  expect_roles = ["Sites.Selected", "Sites.Read.All"]
  request "hr" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr" }
  request "finance" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/finance" }
}
`

func TestExplanations(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	port := freePort(t)
	cfg := writeConfig(t, subst(explainConfig, "PORT", port))
	res := tn.apply(t, cfg)
	env := tn.env(cfg, res)

	// Checks that fail with these problems (code, message), and nothing
	// more to look at.
	type problem struct{ code, msg string }
	for _, tt := range []struct {
		name, check string
		want        []problem
	}{
		{"consent missing, app-only", "unconsented_app", []problem{
			{CodeNoAdminConsent, "no admin consent: set admin_consent = true and apply (application.unconsented declares Sites.Read.All of graph as application permissions, and the token has no roles)"},
			{CodeUnexpectedStatus, "GET https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr answered 403, want 200 (the token problem above explains it)"},
		}},
		{"consent missing, delegated (AADSTS65001)", "unconsented_user", []problem{
			{CodeNoAdminConsent, "no admin consent: set admin_consent = true and apply (application.flask asks User.Read.All of sharepoint, and nobody consented: AADSTS65001)"},
		}},
		{"delegated permission, app-only flow", "lists_sites", []problem{
			{CodeDelegatedWithAppFlow, `Sites.Read.All (graph) is declared as a delegated permission, but flow = "client_credentials" is app-only: app-only tokens carry only application permissions (roles), and this token has none. Declare it under application (permission "graph" { application = ["Sites.Read.All"] }) or use a user flow (auth_code, device_code or interactive)`},
		}},
		{"application permission, user flow", "daemon_user_flow", []problem{
			{CodeApplicationWithUser, `application.daemon_as_user declares Sites.Read.All of graph as application permissions, but flow = "device_code" signs a user in: delegated tokens carry only delegated permissions; declare them under delegated (permission "graph" { delegated = [...] }) or use an app-only flow (client_credentials, certificate or federated)`},
		}},
		{"SharePoint REST refuses app-only tokens from a secret", "sp_rest_secret", []problem{
			{CodeSharePointSecretToken, `SharePoint REST does not accept app-only tokens from a client secret; use a certificate credential and flow = certificate (GET https://contoso.sharepoint.com/sites/hr/_api/web answered 401 "Unsupported app only token.")`},
		}},
		{"least privilege does not hold", "least_privilege", []problem{
			{CodeUnexpectedStatus, "least privilege does not hold: GET https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/finance answered 200, but the check expects 403; application.wide can reach more than intended (token roles Sites.Read.All)"},
		}},
		{"Graph token sent to SharePoint", "graph_token_to_sharepoint", []problem{
			{CodeTokenNotSent, `request "web" was not sent: https://contoso.sharepoint.com:443 is not the API the check signed in for (https://graph.microsoft.com:443), and the app's token goes only there; a check signs in for the API of its first request, so put requests to contoso.sharepoint.com in a check of their own (or set scopes)`},
		}},
		{"the token goes only to the port of the API it is for", "other_port", []problem{
			{CodeTokenNotSent, `request "elsewhere" was not sent: https://graph.microsoft.com:8443 is not the API the check signed in for (https://graph.microsoft.com:443), and the app's token goes only there; a check signs in for the API of its first request, so put requests to graph.microsoft.com in a check of their own (or set scopes)`},
		}},
		{"the token does not leave Microsoft's APIs", "foreign_host", []problem{
			{CodeTokenNotSent, `request "elsewhere" was not sent: example.org is neither Microsoft Graph, SharePoint nor the API the check signed in for (https://graph.microsoft.com), and the app's token must not leave them`},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runOne(t, env, tt.check)
			for _, p := range tt.want {
				wantProblem(t, r, p.code, p.msg)
			}
		})
	}
	t.Run("403 names the missing permission", func(t *testing.T) {
		r := runOne(t, env, "missing_permission")
		wantProblem(t, r, CodeMissingPermission,
			`GET https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr answered 403: it needs the application permission Sites.Read.All of graph, or Sites.Selected plus a site grant for this app; the token has roles User.Read.All. Add permission "graph" { application = ["Sites.Read.All"] } with admin_consent = true and apply`)
		if r.Requests[0].Status != 200 {
			t.Errorf("users request: status %d; want 200 (User.Read.All allows it)", r.Requests[0].Status)
		}
	})
	t.Run("Sites.Selected without a site grant", func(t *testing.T) {
		r := runOne(t, env, "no_site_grant")
		wantProblem(t, r, CodeSiteGrantMissing,
			`GET https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/finance answered 403: application.selected holds Sites.Selected, which reaches only sites granted to it, and this site has no grant for it; add to the site block grant "<name>" { application = application.selected, roles = ["read"] } and apply (or declare Sites.Read.All)`)
		wantProblem(t, r, CodeMissingRole,
			`the token's roles (Sites.Selected) lack the expected Sites.Read.All: application.selected does not declare it; add permission "graph" { application = ["Sites.Read.All"] } and apply`)
		if !r.Requests[0].OK {
			t.Errorf("hr request failed: %+v; the site grant allows it", r.Requests[0])
		}
	})
	t.Run("wrong secret (AADSTS7000215)", func(t *testing.T) {
		e := env
		e.Secrets = nil
		path := filepath.Join(cfg.Dir, "secrets", "unconsented.env")
		f, err := apply.ReadSecretFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Secret = "not" + f.Secret
		if err := apply.WriteSecretFile(path, "", f); err != nil {
			t.Fatal(err)
		}
		r := runOne(t, e, "unconsented_app")
		wantProblem(t, r, CodeWrongSecret,
			"the secret in secrets/unconsented.env is not a valid secret of application.unconsented (AADSTS7000215: invalid client secret): it was removed or rotated, or the file belongs to another app; delete the file and apply to make and write a new secret (a secret made moments ago can also be refused until it has replicated)")
	})
	t.Run("wrong secret made by this apply", func(t *testing.T) {
		e := env
		e.Secrets = map[string][]apply.NewSecret{"application.unconsented": {{Name: "s", Value: "bogus"}}}
		r := runOne(t, e, "unconsented_app")
		wantProblem(t, r, CodeWrongSecret,
			`the secret "s" made by this apply is not a valid secret of application.unconsented (AADSTS7000215: invalid client secret): it was removed or rotated, or the file belongs to another app; delete the file and apply to make and write a new secret (a secret made moments ago can also be refused until it has replicated)`)
	})
	t.Run("no secret at hand", func(t *testing.T) {
		e := env
		e.Secrets = nil
		if err := os.Remove(filepath.Join(cfg.Dir, "secrets", "wide.env")); err != nil {
			t.Fatal(err)
		}
		r := runOne(t, e, "least_privilege")
		wantProblem(t, r, CodeNoCredential,
			"application.wide has no secret to sign in with: no secret was made by this run, and secrets/wide.env does not exist or hold no AZURE_CLIENT_SECRET; run apply to make a secret and write it there")
	})
	t.Run("wrong client id (AADSTS700016)", func(t *testing.T) {
		e := env
		e.Apps = map[string]string{"application.wide": "6b1bd4c4-7e0c-4d4c-9d5c-3c56b8f0a001"}
		r := runOne(t, e, "least_privilege")
		wantProblem(t, r, CodeUnknownClient, fmt.Sprintf(
			"the client id 6b1bd4c4-7e0c-4d4c-9d5c-3c56b8f0a001 of application.wide is not known in tenant %s (AADSTS700016): wrong client id or wrong tenant (check tenant.id or AZURE_TENANT_ID), or the app was created moments ago and has not replicated yet", tn.TenantID()))
	})
	t.Run("wrong tenant (AADSTS90002)", func(t *testing.T) {
		e := env
		e.TenantID = "fabrikam.onmicrosoft.com"
		r := runOne(t, e, "missing_permission")
		wantProblem(t, r, CodeUnknownTenant,
			"tenant fabrikam.onmicrosoft.com does not exist (AADSTS90002): check tenant.id or AZURE_TENANT_ID (a GUID or a verified domain such as contoso.onmicrosoft.com)")
	})
	t.Run("no client id", func(t *testing.T) {
		e := env
		e.Apps = nil
		r := runOne(t, e, "least_privilege")
		wantProblem(t, r, CodeNoClientID,
			"application.wide does not exist in the tenant yet (no client id found for unique name entraform.explain.wide): run apply first")
	})
	t.Run("unknown check", func(t *testing.T) {
		results := Run(context.Background(), env, []string{"nope"})
		if len(results) != 1 {
			t.Fatalf("got %d results", len(results))
		}
		wantProblem(t, results[0], CodeUnknownCheck, `no check named "nope": the configuration has `+strings.Join(checkAddrs(cfg.Checks), ", "))
	})
}

// TestDriftOutsideEntraform: the tenant no longer matches the
// configuration (someone edited the app in the portal), so the sign-in
// fails the way the real service fails it.
func TestDriftOutsideEntraform(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})

	t.Run("redirect URI mismatch (AADSTS50011)", func(t *testing.T) {
		cfg := writeConfig(t, subst(flaskConfig, "PORT", freePort(t), "CONSENT", "true"))
		res := tn.apply(t, cfg)
		// The configuration moves to another path without an apply: the
		// tenant still holds the old redirect URI. (Another port would not
		// do: loopback redirect URIs match on any port.)
		moved := writeConfig(t, strings.Replace(subst(flaskConfig, "PORT", freePort(t), "CONSENT", "true"), `/"] }`, `/callback"] }`, 1))
		r := runOne(t, tn.env(moved, res), "user_reads_profile")
		wantProblem(t, r, CodeRedirectMismatch,
			"the redirect URI the sign-in used is not registered on application.flask_demo in the tenant (AADSTS50011): the app's redirect URIs were changed outside entraform; run plan and apply to restore web.redirect_uris (or public_client.redirect_uris)")
	})
	t.Run("public client flows disabled (AADSTS7000218)", func(t *testing.T) {
		const tool = `
tenant { workspace = "drift" }
application "tool" {
  display_name = "Tool"
  permission "graph" { delegated = ["User.Read"] }
  admin_consent = true
  secret "s" {}
  {{PUBLIC}}
}
{{CHECK}}
`
		res := tn.apply(t, writeConfig(t, subst(tool, "PUBLIC", "", "CHECK", "")))
		cfg := writeConfig(t, subst(tool, "PUBLIC", `public_client { redirect_uris = ["http://localhost"] }`,
			"CHECK", `check "device" {
  application = application.tool
  flow        = "device_code"
}`))
		r := runOne(t, tn.env(cfg, res), "device")
		wantProblem(t, r, CodePublicClientDisabled,
			`application.tool is not a public client (AADSTS7000218), and flow = "device_code" signs in without a credential: add public_client { redirect_uris = ["http://localhost"] } to the application and apply`)
	})
}

func TestExpiredSecret(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, `
tenant { workspace = "expiry" }
application "short_lived" {
  display_name = "Short-lived secret"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "s" {
    expires_in    = "2h"
    rotate_before = "1h"
    write_to      = "secrets/short.env"
  }
}
check "reads" {
  application = application.short_lived
  flow        = "client_credentials"
  request "root" { url = "https://graph.microsoft.com/v1.0/sites/root" }
}
`)
	res := tn.apply(t, cfg)
	env := tn.env(cfg, res)
	env.Secrets = nil
	if r := runOne(t, env, "reads"); !r.OK {
		t.Fatalf("before expiry the check fails: %+v", r.Problems)
	}
	tn.AdvanceClock(3 * time.Hour)
	r := runOne(t, env, "reads")
	wantProblem(t, r, CodeSecretExpired,
		"the secret in secrets/short.env of application.short_lived has expired (AADSTS7000222); run apply: it replaces secrets that are expired or within rotate_before of expiry and writes the new value to write_to")
}

// TestConsentNotYetEffective: grants made by an apply reach tokens only
// after the tenant's replication delay; the check retries for Env.Retry
// and explains what it saw when that is too short.
func TestConsentNotYetEffective(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	src := `
tenant { workspace = "replication" }
application "daemon" {
  display_name = "Daemon"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = {{CONSENT}}
  secret "s" { write_to = "secrets/daemon.env" }
}
application "web" {
  display_name = "Web"
  web { redirect_uris = ["http://localhost:{{PORT}}/"] }
  permission "sharepoint" { delegated = ["AllSites.Read"] }
  admin_consent = {{CONSENT}}
  secret "s" { write_to = "secrets/web.env" }
}
check "daemon_reads" {
  application = application.daemon
  flow        = "client_credentials"
  request "root" { url = "https://graph.microsoft.com/v1.0/sites/root" }
}
check "user_reads" {
  application = application.web
  flow        = "auth_code"
  request "web" { url = "https://contoso.sharepoint.com/sites/hr/_api/web" }
}
`
	port := freePort(t)
	cfg := writeConfig(t, subst(src, "CONSENT", "false", "PORT", port))
	tn.apply(t, cfg)
	// The apps are old news; the consent that comes next is new.
	tn.AdvanceClock(time.Hour)
	const delay = 3 * time.Second
	tn.SetFaults(localtenant.Faults{ReplicationDelay: delay})
	if err := os.WriteFile(filepath.Join(cfg.Dir, "main.entra.hcl"), []byte(subst(src, "CONSENT", "true", "PORT", port)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg = reload(t, cfg.Dir)
	res := tn.apply(t, cfg)
	applied := time.Now()

	env := tn.env(cfg, res)
	r := runOne(t, env, "daemon_reads")
	wantProblem(t, r, CodeConsentNotEffective,
		"consent not yet effective: application.daemon declares Sites.Read.All (application, admin_consent = true), but Entra does not put it into tokens yet (the token's roles lack it); new grants take a while to replicate, so run entraform verify again in a few minutes; if it persists, run plan: the grant may have been removed outside entraform")
	r = runOne(t, env, "user_reads")
	wantProblem(t, r, CodeConsentNotEffective,
		"consent not yet effective: application.web declares AllSites.Read (delegated, admin_consent = true), but Entra does not put it into tokens yet (AADSTS65001 at sign-in); new grants take a while to replicate, so run entraform verify again in a few minutes; if it persists, run plan: the grant may have been removed outside entraform")
	if took := time.Since(applied); took > delay {
		t.Fatalf("the first checks took %s, longer than the replication delay of %s: the retry below proves nothing", took, delay)
	}

	var progress strings.Builder
	env.Retry = 30 * time.Second
	env.Progress = &progress
	results := Run(context.Background(), env, nil)
	for _, r := range results {
		if !r.OK {
			t.Errorf("%s failed after %d attempts; want it to pass after retrying (problems %+v)", r.Address, r.Attempts, r.Problems)
		}
	}
	// App-only checks run first; by the time the user flow runs, the
	// retries of the first have outlasted the delay.
	if results[0].Attempts < 2 {
		t.Errorf("%s passed at the first attempt; want a retry (the grant was %s old)", results[0].Address, time.Since(applied))
	}
	if !strings.Contains(progress.String(), "check.daemon_reads: consent_not_effective; retrying in 1s") {
		t.Errorf("progress does not announce the retry:\n%s", progress.String())
	}
}

func checkAddrs(cs []*config.Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Addr)
	}
	return out
}
