package reliability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// runTimeout bounds one entraform run; a run past it is killed and the
// test fails.
const runTimeout = 5 * time.Minute

// harness is one local tenant, the wire in front of it, and the
// environment that points entraform at the wire.
type harness struct {
	t      *testing.T
	tenant *localtenant.Server
	faults localtenant.Faults
	wire   *wire
	home   string
	env    []string
	// baseline holds the ids of the service principals, grants and
	// assignments the tenant had before the test: they are never orphans.
	baseline map[string]bool

	mu      sync.Mutex
	outputs map[string]string // name -> text of every output of every run
	runs    int
}

func newHarness(t *testing.T, faults localtenant.Faults) *harness {
	t.Helper()
	s, err := localtenant.Start(context.Background(), localtenant.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := &harness{t: t, tenant: s, faults: faults, outputs: map[string]string{}}
	h.wire = newWire(t, s.HTTPClient().Transport)
	h.home = t.TempDir()
	h.env = []string{"HOME=" + h.home, "NO_COLOR=1", "TMPDIR=" + os.TempDir(), "PATH=" + os.Getenv("PATH")}
	for _, e := range s.Env() {
		switch e.Key {
		case "ENTRAFORM_ENDPOINT":
			e.Value = h.wire.Endpoint()
		case "ENTRAFORM_CA_FILE":
			e.Value = h.wire.caFile
		}
		h.env = append(h.env, e.Key+"="+e.Value)
	}
	h.baseline = h.inspector().baselineIDs(t)
	return h
}

// proc is a running entraform.
type proc struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
	killMu         sync.Mutex
	killed         bool
}

// result is how a run ended.
type result struct {
	Code           int
	Killed         bool
	Stdout, Stderr string
}

// start runs entraform in dir with args; extra are more KEY=VALUE
// environment entries.
func (h *harness) start(dir string, extra []string, args ...string) *proc {
	h.t.Helper()
	h.mu.Lock()
	h.runs++
	name := fmt.Sprintf("run %d: entraform %s", h.runs, strings.Join(args, " "))
	h.mu.Unlock()
	p := &proc{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(entraform, args...)
	p.cmd.Dir = dir
	p.cmd.Env = append(append([]string(nil), h.env...), extra...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		h.t.Fatalf("%s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p
}

// kill sends SIGKILL and returns once the process is gone.
func (p *proc) kill() {
	p.killMu.Lock()
	defer p.killMu.Unlock()
	select {
	case <-p.done:
		return
	default:
	}
	p.killed = true
	p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// wait waits for the process (killing it after runTimeout) and records
// its outputs for the secret scan.
func (h *harness) wait(p *proc) result {
	h.t.Helper()
	select {
	case <-p.done:
	case <-time.After(runTimeout):
		p.kill()
		h.t.Errorf("%s: still running after %v; killed", p.name, runTimeout)
	}
	r := result{Stdout: p.stdout.String(), Stderr: p.stderr.String()}
	p.killMu.Lock()
	r.Killed = p.killed
	p.killMu.Unlock()
	var ee *exec.ExitError
	switch {
	case p.err == nil:
	case errors.As(p.err, &ee):
		r.Code = ee.ExitCode()
	default:
		h.t.Fatalf("%s: %v", p.name, p.err)
	}
	h.mu.Lock()
	h.outputs[p.name+" (stdout)"] = r.Stdout
	h.outputs[p.name+" (stderr)"] = r.Stderr
	h.mu.Unlock()
	return r
}

// run runs entraform to its end.
func (h *harness) run(dir string, extra []string, args ...string) result {
	h.t.Helper()
	return h.wait(h.start(dir, extra, args...))
}

// mustRun runs entraform and fails the test unless it exits with want.
func (h *harness) mustRun(dir string, want int, args ...string) result {
	h.t.Helper()
	r := h.run(dir, nil, args...)
	if r.Code != want {
		h.t.Fatalf("entraform %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.Code, want, tail(r.Stdout, 60), tail(r.Stderr, 60))
	}
	return r
}

// Outputs returns the recorded outputs of every run.
func (h *harness) Outputs() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.outputs)
}

// settle switches the faults off (replication included, so every object
// is visible) for fn, then puts them back.
func (h *harness) settle(fn func()) {
	h.tenant.SetFaults(localtenant.Faults{})
	defer h.tenant.SetFaults(h.faults)
	fn()
}

// setFaults changes the faults from now on.
func (h *harness) setFaults(f localtenant.Faults) {
	h.faults = f
	h.tenant.SetFaults(f)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// writeFiles writes name -> content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
