package checks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// TestInteractiveWithChromium completes the interactive flow once with a
// real browser: headless Chromium, pointed at the local tenant by a host
// resolver rule and trusting its certificate by public key hash, follows
// the authorize URL and posts the form_post answer to MSAL's loopback
// listener. When Chromium is missing, scripts/ci-setup installs it (see
// chromiumBinary).
func TestInteractiveWithChromium(t *testing.T) {
	t.Parallel()
	bin := chromiumBinary(t)
	tn := startTenant(t, localtenant.Options{})
	user := tn.DefaultUser().UserPrincipalName
	cfg := writeConfig(t, subst(publicConfig, "USER", user))
	res := tn.apply(t, cfg)

	u, err := url.Parse(tn.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	spki := tenantSPKIHashes(t, tn)
	profile := t.TempDir()
	var (
		mu    sync.Mutex
		procs []*exec.Cmd
		logs  bytes.Buffer
	)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range procs {
			p.Process.Kill()
			p.Wait()
		}
	})
	env := tn.env(cfg, res)
	env.SignInTimeout = 45 * time.Second
	env.Browser = func(ctx context.Context, authorizeURL string) error {
		cmd := exec.Command(bin,
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage",
			"--user-data-dir="+profile,
			"--host-resolver-rules=MAP * "+u.Host+", EXCLUDE localhost",
			"--ignore-certificate-errors-spki-list="+strings.Join(spki, ","),
			authorizeURL)
		mu.Lock()
		defer mu.Unlock()
		cmd.Stdout, cmd.Stderr = &logs, &logs
		// A private HOME: Chromium writes there, and a minimal container
		// may have none.
		cmd.Env = append(os.Environ(), "HOME="+profile)
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
		return nil
	}

	start := time.Now()
	r := runOne(t, env, "browser")
	took := time.Since(start)
	wantOutcome(t, outcome{OK: true, Scopes: []string{"User.Read"}, IDType: "user", Audience: graphAud, User: user, ACR: "0",
		Requests: []reqOutcome{{"me", 200, true}}}, r)
	if t.Failed() {
		mu.Lock()
		t.Logf("chromium output:\n%s", logs.String())
		mu.Unlock()
	}
	t.Logf("interactive sign-in through headless Chromium took %s", took)
}

// chromiumBinary finds chromium. When it is missing it runs
// scripts/ci-setup, the one place that installs it (.ci/run runs it before
// the tests): that script exits 2 when it cannot install here (no apt-get,
// no root or password-less sudo), and the test is then skipped with the
// script's words; any other failure fails the test.
func chromiumBinary(t *testing.T) string {
	t.Helper()
	if p := findChromium(); p != "" {
		return p
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "ci-setup"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := exec.Command(script).CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 2 {
		t.Skipf("SKIPPED LOUDLY: chromium is not installed and %s cannot install it here; "+
			"the interactive sign-in with a real browser is NOT tested on this machine:\n%s", script, out)
	}
	if err != nil {
		t.Fatalf("installing chromium with %s: %v\n%s", script, err, out)
	}
	t.Logf("%s took %s:\n%s", script, time.Since(start).Round(time.Second), out)
	p := findChromium()
	if p == "" {
		t.Fatalf("chromium is still missing after %s:\n%s", script, out)
	}
	return p
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tenantSPKIHashes returns the base64 SHA-256 hashes of the public keys of
// the local tenant's server certificate and CA, as Chromium's
// --ignore-certificate-errors-spki-list wants them.
func tenantSPKIHashes(t *testing.T, tn *tenant) []string {
	t.Helper()
	hash := func(c *x509.Certificate) string {
		sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
		return base64.StdEncoding.EncodeToString(sum[:])
	}
	var out []string
	block, _ := pem.Decode(tn.CAPEM())
	if block == nil {
		t.Fatal("the local tenant's CA is not PEM")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, hash(ca))
	u, _ := url.Parse(tn.Endpoint())
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{ServerName: "login.microsoftonline.com", RootCAs: pool})
	if err != nil {
		t.Fatalf("reading the local tenant's server certificate: %v", err)
	}
	defer conn.Close()
	for _, c := range conn.ConnectionState().PeerCertificates {
		out = append(out, hash(c))
	}
	return out
}
