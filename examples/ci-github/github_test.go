package cigithub_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// TestWorkflowAgainstLocalTenant plays the repository's life: an
// administrator applies main.entra.hcl once, then the workflow's own
// steps run for a pull request (plan as the planner), a push to main
// (apply and verify as the deployer) and the nightly drift check, every
// time signed in only through the job's GitHub OIDC token and the
// federated credentials the configuration declares.
func TestWorkflowAgainstLocalTenant(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("the workflow's steps need bash: %v", err)
	}
	tenant := graphtest.Tenant(t, localtenant.Options{})

	// The repository: the example's configuration at its root.
	repo := filepath.Join(t.TempDir(), "entra-config")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	config, err := os.ReadFile("main.entra.hcl")
	if err != nil {
		t.Fatal(err)
	}
	writeConfig := func(src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(repo, "main.entra.hcl"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig(string(config))

	// Bootstrap: the first apply is an administrator's, who then sets the
	// repository variables from the outputs.
	a := newAdmin(t, tenant)
	if code, out := a.entraform(repo, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("bootstrap apply exited %d:\n%s", code, out)
	}
	appID := func(name string) string {
		return a.graph("GET", "/applications(uniqueName='entraform.entra-config."+name+"')", nil)["appId"].(string)
	}
	vars := map[string]string{
		"AZURE_TENANT_ID":            tenant.TenantID(),
		"ENTRAFORM_DEPLOY_CLIENT_ID": appID("deployer"),
		"ENTRAFORM_PLAN_CLIENT_ID":   appID("planner"),
	}
	gh := newRunner(t, tenant, repo, vars)

	only := func(results []jobResult, id string) jobResult {
		t.Helper()
		if len(results) != 1 || results[0].ID != id {
			var ids []string
			for _, r := range results {
				ids = append(ids, r.ID)
			}
			t.Fatalf("jobs run: %v, want [%s]", ids, id)
		}
		return results[0]
	}
	passed := func(r jobResult) {
		t.Helper()
		if r.Failed != "" {
			t.Fatalf("job %s failed at step %q:\n%s", r.ID, r.Failed, r.Output)
		}
	}
	contains := func(r jobResult, what, text string) {
		t.Helper()
		if !strings.Contains(what, text) {
			t.Errorf("job %s: want %q in:\n%s", r.ID, text, what)
		}
	}

	// A pull request that changes nothing.
	r := only(gh.run(pullRequest), "plan")
	passed(r)
	contains(r, r.Summary, "No changes: the tenant already matches this pull request.")

	// A pull request that changes an application: the plan is in the
	// summary and the job passes (exit code 2 is the point of a PR).
	changed := strings.Replace(string(config), `notes        = "Signs in from GitHub Actions only; it has no secret."`,
		`notes        = "Signs in from GitHub Actions only; it never had a secret."`, 1)
	if changed == string(config) {
		t.Fatal("the ci application's notes are not where the test expects them")
	}
	writeConfig(changed)
	r = only(gh.run(pullRequest), "plan")
	passed(r)
	contains(r, r.Summary, "Merging this pull request makes these changes:")
	contains(r, r.Summary, "# application.ci will be updated in-place")
	contains(r, r.Summary, "Plan: 0 to add, 1 to change, 0 to destroy.")

	// The planner can read, not write: a pull request whose workflow tried
	// to apply would be refused by the tenant.
	attempt := gh.shell(pullRequest, vars["ENTRAFORM_PLAN_CLIENT_ID"], "entraform apply -auto-approve")
	if attempt.Failed == "" || !strings.Contains(attempt.Output, "403") {
		t.Errorf("apply as the planner: want a 403 refusal:\n%s", attempt.Output)
	}

	// A badly laid out file fails the pull request at fmt.
	writeConfig(strings.Replace(changed, "admin_consent = true", "admin_consent=true", 1))
	r = only(gh.run(pullRequest), "plan")
	if r.Failed != "fmt" {
		t.Errorf("unformatted file: job failed at %q, want fmt:\n%s", r.Failed, r.Output)
	}
	writeConfig(changed)

	// The policy review annotates the pull request: a warning finding on
	// the line of a multi-tenant application lets the job pass...
	partner := `
application "partner" {
  display_name     = "Partner portal"
  sign_in_audience = "AzureADMultipleOrgs"
}
`
	writeConfig(changed + partner)
	line := strings.Count(changed, "\n") + 4 // the sign_in_audience line
	r = only(gh.run(pullRequest), "plan")
	passed(r)
	contains(r, r.Output, fmt.Sprintf("::warning file=main.entra.hcl,line=%d,endLine=%d,col=3,endColumn=43,title=entraform%%3A Multi-tenant application [multi-tenant-audience]::", line, line))

	// ...and the seed mistake (a delegated permission on an application
	// whose check is app-only) is an error: the job fails at validate,
	// before any sign-in, with the fix in the annotation.
	lister := `
application "lister" {
  display_name = "Site lister"

  permission "graph" {
    delegated = ["Sites.Read.All"]
  }
  admin_consent = true

  federated_credential "github_branch" {
    issuer  = "https://token.actions.githubusercontent.com"
    subject = "repo:contoso/entra-config:ref:refs/heads/main"
  }
}

check "lister_lists_sites" {
  application = application.lister
  flow        = "federated"

  request "all_sites" {
    url = "https://graph.microsoft.com/v1.0/sites?search=*"
  }
}
`
	writeConfig(changed + lister)
	line = strings.Count(changed, "\n") + 6 // the delegated line
	r = only(gh.run(pullRequest), "plan")
	if r.Failed != "validate" {
		t.Errorf("seed mistake: job failed at %q, want validate:\n%s", r.Failed, r.Output)
	}
	contains(r, r.Output, fmt.Sprintf("::error file=main.entra.hcl,line=%d,endLine=%d,col=18,endColumn=34,title=entraform%%3A Delegated permission Sites.Read.All with app-only checks [delegated-on-app-only]::", line, line))
	contains(r, r.Output, `%0AFix: declare it as an application permission, with admin consent:%0A  permission "graph" {%0A    application = ["Sites.Read.All"]%0A  }`)
	writeConfig(changed)

	// The pull request is merged: apply, then verify, as the deployer.
	r = only(gh.run(pushMain), "apply")
	passed(r)
	contains(r, r.Summary, "Apply complete! Objects: 0 added, 1 changed, 0 destroyed.")
	contains(r, r.Output, "PASS check.planner_reads_only")
	contains(r, r.Output, "Checks: 3 passed.")
	notes := a.graph("GET", "/applications(uniqueName='entraform.entra-config.ci')", nil)["notes"]
	if notes != "Signs in from GitHub Actions only; it never had a secret." {
		t.Errorf("notes after apply = %v", notes)
	}

	// Night: no drift.
	r = only(gh.run(nightly), "drift")
	passed(r)
	contains(r, r.Summary, "No drift: the tenant matches main.")

	// Someone renames the application in the portal: the next night fails.
	a.graph("PATCH", "/applications(uniqueName='entraform.entra-config.ci')", map[string]any{"displayName": "renamed by hand"})
	r = only(gh.run(nightly), "drift")
	if r.Failed != "plan" {
		t.Fatalf("drift: job failed at %q, want the plan step:\n%s", r.Failed, r.Output)
	}
	contains(r, r.Summary, "Drift: the tenant no longer matches main.")
	contains(r, r.Summary, `~ display_name`)
	contains(r, r.Output, "::error title=entraform drift::")

	// Applying main again undoes it.
	passed(only(gh.run(pushMain), "apply"))
	passed(only(gh.run(nightly), "drift"))
}
