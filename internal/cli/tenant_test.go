package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTenantServe(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr syncBuffer
	env := &Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }, Environ: func() []string { return nil },
		Dir: dir,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"tenant", "serve", "-env-file", "tenant.env", "-data", "data", "-request-log", "requests.jsonl", "-fault-seed", "3"}, env)
	}()

	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(stdout.String(), "\n") < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("no env lines; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	vals := map[string]string{}
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || v == "" {
			t.Errorf("bad env line %q", line)
		}
		keys = append(keys, k)
		vals[k] = v
	}
	want := []string{"ENTRAFORM_ENDPOINT", "ENTRAFORM_CA_FILE", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("env keys (-want +got):\n%s", diff)
	}
	fileEnv, err := os.ReadFile(filepath.Join(dir, "tenant.env"))
	if err != nil {
		t.Fatal(err)
	}
	if string(fileEnv) != stdout.String() {
		t.Errorf("env file %q differs from stdout %q", fileEnv, stdout.String())
	}
	if st, _ := os.Stat(filepath.Join(dir, "tenant.env")); st.Mode().Perm() != 0o600 {
		t.Errorf("env file mode %v, want 0600", st.Mode().Perm())
	}
	if vals["ENTRAFORM_CA_FILE"] != filepath.Join(dir, "data", "ca.pem") {
		t.Errorf("CA file %s, want it in the data directory", vals["ENTRAFORM_CA_FILE"])
	}
	// The endpoint answers (its index page) over TLS with the printed CA.
	resp, err := httpsGet(vals["ENTRAFORM_ENDPOINT"], vals["ENTRAFORM_CA_FILE"])
	if err != nil {
		t.Fatalf("GET endpoint: %v", err)
	}
	if !strings.Contains(resp, vals["AZURE_TENANT_ID"]) {
		t.Errorf("index page %q lacks the tenant id", resp)
	}

	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d; stderr: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("tenant serve did not stop after the context was cancelled")
	}
	log, err := os.ReadFile(filepath.Join(dir, "requests.jsonl"))
	if err != nil || !strings.Contains(string(log), `"method":"GET","host":"127.0.0.1","path":"/","status":200`) {
		t.Errorf("request log %q, %v", log, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "store.json")); err != nil {
		t.Errorf("data directory has no store: %v", err)
	}
}

func TestTenantServeBadFlags(t *testing.T) {
	for _, args := range [][]string{{"tenant"}, {"tenant", "serve", "-throttle-rate", "2"}, {"tenant", "serve", "-seed", "missing.json"},
		{"tenant", "serve", "-graph-limits", "missing.json"}, {"tenant", "serve", "-graph-limits", "documented", "-tenant-size", "huge"}} {
		var stdout, stderr bytes.Buffer
		env := &Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }, Environ: func() []string { return nil }, Dir: t.TempDir()}
		if code := Run(context.Background(), args, env); code != ExitError || !strings.Contains(stderr.String(), "Error: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

func TestGraphLimitsFlag(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "limits.json"), []byte(`{"writes": {"limit": 10, "per": "2s"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &Meta{Env: &Env{Dir: dir}}
	large := localtenant.DocumentedGraphLimits(localtenant.TenantLarge)
	tests := []struct {
		value, size string
		want        *localtenant.GraphLimits
	}{
		{"off", "small", nil},
		{"documented", "large", &large},
		{"limits.json", "small", &localtenant.GraphLimits{Writes: localtenant.Quota{Limit: 10, Per: 2 * time.Second}}},
	}
	for _, tt := range tests {
		got, err := graphLimitsFlag(m, tt.value, tt.size)
		if err != nil {
			t.Errorf("%s %s: %v", tt.value, tt.size, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("-graph-limits %s -tenant-size %s (-want +got):\n%s", tt.value, tt.size, diff)
		}
	}
}

// httpsGet fetches u trusting only the CA in caFile.
func httpsGet(u, caFile string) (string, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return "", err
	}
	client, err := caClient(pem)
	if err != nil {
		return "", err
	}
	resp, err := client.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func caClient(pem []byte) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, os.ErrInvalid
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}, nil
}
