package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// verifyTenant starts a local tenant and returns an Env pointed at it with
// the configuration src in its working directory.
func verifyTenant(t *testing.T, src string) (*localtenant.Server, func(args ...string) (int, string, string)) {
	t.Helper()
	ctx := t.Context()
	tenant := graphtest.Tenant(t, localtenant.Options{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"NO_COLOR": "1"}
	for _, kv := range tenant.Env() {
		vars[kv.Key] = kv.Value
	}
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		env := &Env{
			Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Getenv: func(k string) string { return vars[k] }, Environ: func() []string { return nil },
			Dir: dir,
		}
		code := Run(ctx, args, env)
		return code, stdout.String(), stderr.String()
	}
	return tenant, run
}

func mustRun(t *testing.T, run func(args ...string) (int, string, string), want int, args ...string) (string, string) {
	t.Helper()
	code, stdout, stderr := run(args...)
	if code != want {
		t.Fatalf("entraform %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

var (
	verifyGUID     = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	verifyExp      = regexp.MustCompile(`"exp": "[^"]*"`)
	verifyDuration = regexp.MustCompile(`"duration_ms": \d+`)
)

// TestVerifyJSONGolden: verify -json prints what the checks package pins
// in its golden file, for the configuration next to it.
func TestVerifyJSONGolden(t *testing.T) {
	t.Parallel()
	goldenDir := filepath.Join("..", "..", "apply", "checks", "testdata")
	src, err := os.ReadFile(filepath.Join(goldenDir, "golden", "main.entra.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	_, run := verifyTenant(t, string(src))
	mustRun(t, run, ExitOK, "apply", "-auto-approve", "-no-checks")
	stdout, _ := mustRun(t, run, ExitError, "verify", "-json")
	got := verifyGUID.ReplaceAllString(stdout, "<guid>")
	got = verifyExp.ReplaceAllString(got, `"exp": "<time>"`)
	got = verifyDuration.ReplaceAllString(got, `"duration_ms": 0`)
	want, err := os.ReadFile(filepath.Join(goldenDir, "verify.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("verify -json (-want +got):\n%s", diff)
	}
}

const verifyConfig = `
tenant { workspace = "verify" }
application "reader" {
  display_name = "Site reader"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "default" { write_to = "secrets/reader.env" }
}
check "reads_hr" {
  application = application.reader
  flow        = "client_credentials"
  request "hr" { url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr" }
}
check "reads_users" {
  application = application.reader
  flow        = "client_credentials"
  request "users" { url = "https://graph.microsoft.com/v1.0/users" }
}
application "flask" {
  display_name = "Flask"
  web { redirect_uris = ["http://localhost:{{PORT}}/"] }
  permission "sharepoint" { delegated = ["Read user profiles"] }
  admin_consent = true
  secret "web" { write_to = "secrets/flask.env" }
}
check "user_profile" {
  application = application.flask
  flow        = "auth_code"
  request "me" { url = "https://contoso.sharepoint.com/_api/web/currentuser" }
}
`

func TestVerify(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	tenant, run := verifyTenant(t, strings.ReplaceAll(verifyConfig, "{{PORT}}", port))

	t.Run("before apply the apps do not exist", func(t *testing.T) {
		stdout, _ := mustRun(t, run, ExitError, "verify", "-check", "reads_hr")
		if !strings.Contains(stdout, "- application.reader does not exist in the tenant yet (no client id found for unique name entraform.verify.reader): run apply first") {
			t.Errorf("stdout:\n%s", stdout)
		}
	})
	mustRun(t, run, ExitOK, "apply", "-auto-approve", "-no-checks")

	t.Run("selected checks pass, including a user flow", func(t *testing.T) {
		stdout, _ := mustRun(t, run, ExitOK, "verify", "-check", "reads_hr", "-check=check.user_profile")
		for _, want := range []string{
			"PASS check.reads_hr (client_credentials as application.reader,",
			"ok   hr GET https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr -> 200",
			"PASS check.user_profile (auth_code as application.flask,",
			"upn=" + tenant.DefaultUser().UserPrincipalName,
			"Checks: 2 passed.",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, "reads_users") {
			t.Errorf("stdout shows a check that was not selected:\n%s", stdout)
		}
	})
	t.Run("a failing check fails the command", func(t *testing.T) {
		stdout, stderr := mustRun(t, run, ExitError, "verify")
		for _, want := range []string{
			"FAIL check.reads_users",
			"FAIL users GET https://graph.microsoft.com/v1.0/users -> 403, want 200 (Authorization_RequestDenied: Insufficient privileges to complete the operation.)",
			"Checks: 2 passed, 1 failed.",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stderr, "FAIL check.reads_users") {
			t.Errorf("the result is printed twice, on stdout and stderr:\n%s", stderr)
		}
	})
	t.Run("unknown check names are refused before signing in", func(t *testing.T) {
		tenant.ResetRequests()
		_, stderr := mustRun(t, run, ExitError, "verify", "-check", "nope")
		want := `Error: no check named "nope": the configuration has check.reads_hr, check.reads_users, check.user_profile`
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
		if n := len(tenant.Requests()); n != 0 {
			t.Errorf("%d requests reached the tenant; want none", n)
		}
	})
	t.Run("arguments are refused", func(t *testing.T) {
		_, stderr := mustRun(t, run, ExitError, "verify", "reads_hr")
		if !strings.Contains(stderr, `verify takes no arguments (got "reads_hr"); name checks with -check NAME`) {
			t.Errorf("stderr:\n%s", stderr)
		}
	})
}

func TestVerifyWithoutChecks(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(`application "a" { display_name = "A" }`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }, Environ: func() []string { return nil }, Dir: dir}
	if code := Run(context.Background(), []string{"verify"}, env); code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	if got := stdout.String(); got != "No checks in the configuration: nothing to verify.\n" {
		t.Errorf("stdout = %q", got)
	}
}
