package reliability

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/entraform/entraform/localtenant"
)

// repoRoot is the repository, from this package's directory.
const repoRoot = "../.."

// envNamePattern finds environment variable names in Go string literals.
var envNamePattern = regexp.MustCompile(`"((?:ENTRAFORM|AZURE|ARM|SSL|GODEBUG|HTTPS?|NO|CURL|REQUESTS|NODE|GIT|ACTIONS)_?[A-Z0-9_]*)"`)

// credentialEnv are variables that change who signs in or where requests
// go, or name a file the run reads first (ENTRAFORM_GRAPH_LIMITS: a limits
// file, else documented/off); setting them to junk would fail the run
// before TLS is reached.
var credentialEnv = map[string]bool{
	"ENTRAFORM_ENDPOINT": true, "ENTRAFORM_CA_FILE": true, "AZURE_TENANT_ID": true, "AZURE_CLIENT_ID": true,
	"AZURE_CLIENT_SECRET": true, "AZURE_CLIENT_CERTIFICATE_PATH": true, "AZURE_CLIENT_CERTIFICATE_PASSWORD": true,
	"AZURE_FEDERATED_TOKEN_FILE": true, "ACTIONS_ID_TOKEN_REQUEST_URL": true, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": true,
	"AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": true, "HTTPS_PROXY": true, "HTTP_PROXY": true, "NO_PROXY": true, "NO_COLOR": true,
	"ENTRAFORM_GRAPH_LIMITS": true,
}

// insecureEnv are variables other tools read to weaken TLS verification.
var insecureEnv = []string{
	"ENTRAFORM_INSECURE", "ENTRAFORM_SKIP_TLS_VERIFY", "ENTRAFORM_TLS_INSECURE", "ENTRAFORM_TLS_SKIP_VERIFY", "ENTRAFORM_INSECURE_SKIP_VERIFY",
	"AZURE_INSECURE", "AZURE_SKIP_TLS_VERIFY", "ARM_INSECURE", "ARM_SKIP_TLS_VERIFY", "TF_INSECURE",
	"NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY", "CURL_INSECURE", "GIT_SSL_NO_VERIFY", "INSECURE", "SKIP_TLS_VERIFY",
}

// TestTLSVerificationCannotBeTurnedOff points entraform at a server whose
// certificate it has no reason to trust (the wire, with the local
// tenant's CA named in ENTRAFORM_CA_FILE instead of the wire's), and sets
// every environment variable the code base names (outside the credentials)
// and those other tools read to turn verification off, to each of "1",
// "true", "0", "false" and "insecure"; and tries the flags such tools
// have. Every run must fail on the certificate before a single request
// gets through, and no source file outside tests may set
// InsecureSkipVerify.
func TestTLSVerificationCannotBeTurnedOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, localtenant.Faults{})
	dir := t.TempDir()
	writeFiles(t, dir, workspace{Name: "tls", Apps: standardApps(1)}.Files())
	// The control: with the wire's CA the plan works.
	h.wire.resetCount()
	h.mustRun(dir, 2, "plan", "-detailed-exitcode")
	if h.wire.Requests() == 0 {
		t.Fatal("the control plan made no request")
	}

	untrusted := []string{"ENTRAFORM_CA_FILE=" + h.tenant.CAFile()}
	names := append(sourceEnvNames(t), insecureEnv...)
	sort.Strings(names)
	tried := 0
	for _, value := range []string{"1", "true", "0", "false", "insecure"} {
		env := append([]string(nil), untrusted...)
		for _, n := range names {
			if !credentialEnv[n] {
				env = append(env, n+"="+value)
				tried++
			}
		}
		h.wire.resetCount()
		r := h.run(dir, env, "plan")
		if r.Code != 1 || !strings.Contains(r.Stderr, "certificate") || h.wire.Requests() != 0 {
			t.Errorf("plan with every variable set to %q: exit %d, %d requests through; want exit 1 on the certificate, none through:\n%s",
				value, r.Code, h.wire.Requests(), tail(r.Stderr, 10))
		}
	}
	for _, flag := range []string{"-insecure", "-k", "-skip-tls-verify", "-tls-skip-verify", "-insecure-skip-tls-verify", "-no-verify"} {
		r := h.run(dir, untrusted, "plan", flag)
		if r.Code == 0 || !strings.Contains(r.Stderr, "flag provided but not defined") {
			t.Errorf("plan %s: exit %d; want the flag refused:\n%s", flag, r.Code, tail(r.Stderr, 5))
		}
	}

	var offenders []string
	insecure := regexp.MustCompile(`InsecureSkipVerify\s*[:=]`)
	eachSource(t, func(path string, data []byte) {
		if insecure.Match(data) {
			offenders = append(offenders, path)
		}
	})
	if len(offenders) > 0 {
		t.Errorf("source files that set InsecureSkipVerify: %v", offenders)
	}
	t.Logf("FIGURE tls variables=%d settings_tried=%d flags_tried=6", len(names), tried)
}

// sourceEnvNames lists the environment variable names the non-test Go
// sources of the repository spell out.
func sourceEnvNames(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	eachSource(t, func(_ string, data []byte) {
		for _, m := range envNamePattern.FindAllStringSubmatch(string(data), -1) {
			name := strings.TrimSuffix(m[1], "_")
			if strings.Count(name, "_") >= 1 && len(name) > 4 {
				seen[name] = true
			}
		}
	})
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	if len(out) < 5 {
		t.Fatalf("found only %v in the sources; the pattern is broken", out)
	}
	return out
}

// eachSource calls fn with every non-test Go source file of the
// repository (outside .git and testdata directories).
func eachSource(t *testing.T, fn func(path string, data []byte)) {
	t.Helper()
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(path, data)
		return nil
	})
	if err != nil {
		t.Fatalf("reading the repository's sources: %v", err)
	}
}
