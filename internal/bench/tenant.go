package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// tenantServer is the local tenant a run measures against: in this
// process, or a `tenant serve` child process so that the client's CPU and
// heap are measured without the tenant's.
type tenantServer interface {
	// env is what points entraform at the tenant (ENTRAFORM_ENDPOINT, CA,
	// operator credentials).
	env() map[string]string
	// mark starts a new count: requests returns what came after it.
	mark() error
	requests() ([]localtenant.RequestRecord, error)
	close() error
}

// tenantSpec is what a size run needs of its tenant.
type tenantSpec struct {
	latency    time.Duration
	seed       *localtenant.Seed
	dir        string // scratch files (seed, env file, log of a child)
	requestLog string // where the request log goes; "" for none kept
	limits     string // -graph-limits: "", off, documented or a file
	size       string // -tenant-size
}

// graphLimits are spec's limits for a tenant in this process.
func (spec tenantSpec) graphLimits() (*localtenant.GraphLimits, error) {
	size := localtenant.TenantSmall
	if spec.size != "" {
		var err error
		if size, err = localtenant.ParseTenantSize(spec.size); err != nil {
			return nil, err
		}
	}
	switch spec.limits {
	case "", "off":
		return nil, nil
	case "documented":
		l := localtenant.DocumentedGraphLimits(size)
		return &l, nil
	}
	l, err := localtenant.LoadGraphLimits(spec.limits)
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// startTenant starts the tenant in this process, or with command when it
// is not empty.
func startTenant(ctx context.Context, command []string, spec tenantSpec) (tenantServer, error) {
	if len(command) > 0 {
		return startChild(ctx, command, spec)
	}
	return startInProcess(ctx, spec)
}

// inProcess is a local tenant in this process.
type inProcess struct {
	srv  *localtenant.Server
	log  *os.File
	from int
}

func startInProcess(ctx context.Context, spec tenantSpec) (*inProcess, error) {
	t := &inProcess{}
	limits, err := spec.graphLimits()
	if err != nil {
		return nil, err
	}
	opts := localtenant.Options{Seed: spec.seed, Faults: localtenant.Faults{Latency: spec.latency}, GraphLimits: limits}
	if spec.requestLog != "" {
		f, err := os.Create(spec.requestLog)
		if err != nil {
			return nil, fmt.Errorf("request log: %w", err)
		}
		t.log = f
		opts.RequestLog = f
	}
	srv, err := localtenant.Start(ctx, opts)
	if err != nil {
		t.close()
		return nil, fmt.Errorf("starting the local tenant: %w", err)
	}
	t.srv = srv
	return t, nil
}

func (t *inProcess) env() map[string]string {
	vars := map[string]string{}
	for _, kv := range t.srv.Env() {
		vars[kv.Key] = kv.Value
	}
	return vars
}

// setLimits switches the tenant's Graph limits (and latency).
func (t *inProcess) setLimits(spec tenantSpec) error {
	l, err := spec.graphLimits()
	if err != nil {
		return err
	}
	t.srv.SetFaults(localtenant.Faults{Latency: spec.latency})
	t.srv.SetGraphLimits(l)
	return nil
}

func (t *inProcess) mark() error {
	t.from = settled(func() int { return len(t.srv.Requests()) })
	return nil
}

func (t *inProcess) requests() ([]localtenant.RequestRecord, error) {
	var recs []localtenant.RequestRecord
	settled(func() int { recs = t.srv.Requests(); return len(recs) })
	if t.from > len(recs) {
		return nil, fmt.Errorf("the request log was cut while counting")
	}
	return recs[t.from:], nil
}

func (t *inProcess) close() error {
	var err error
	if t.srv != nil {
		err = t.srv.Close()
	}
	if t.log != nil {
		if cerr := t.log.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// settled calls count until it gives the same number twice 5 ms apart
// (for at most a second) and returns it: the tenant logs a request just
// after it has answered, so the last lines of a run may trail its end by
// a moment.
func settled(count func() int) int {
	n := count()
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		m := count()
		if m == n {
			break
		}
		n = m
	}
	return n
}

// child is `entraform tenant serve` in a child process, reading its
// request log file.
type child struct {
	cmd    *exec.Cmd
	vars   map[string]string
	log    string
	offset int64
	stderr bytes.Buffer
	exited chan error
}

// envKeys are the lines `tenant serve` prints when it is ready.
var envKeys = []string{"ENTRAFORM_ENDPOINT", "ENTRAFORM_CA_FILE", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"}

func startChild(ctx context.Context, command []string, spec tenantSpec) (*child, error) {
	seed, err := json.Marshal(spec.seed)
	if err != nil {
		return nil, err
	}
	seedFile := filepath.Join(spec.dir, "seed.json")
	if err := os.WriteFile(seedFile, seed, 0o644); err != nil {
		return nil, fmt.Errorf("writing the seed: %w", err)
	}
	c := &child{log: spec.requestLog, vars: map[string]string{}, exited: make(chan error, 1)}
	if c.log == "" {
		c.log = filepath.Join(spec.dir, "requests.jsonl")
	}
	if err := os.WriteFile(c.log, nil, 0o644); err != nil {
		return nil, fmt.Errorf("request log: %w", err)
	}
	args := append(append([]string(nil), command[1:]...),
		"-latency", spec.latency.String(), "-seed", seedFile, "-request-log", c.log)
	if spec.limits != "" {
		args = append(args, "-graph-limits", spec.limits)
	}
	if spec.size != "" {
		args = append(args, "-tenant-size", spec.size)
	}
	c.cmd = exec.Command(command[0], args...)
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", strings.Join(command, " "), err)
	}
	go func() { c.exited <- c.cmd.Wait() }()

	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), "="); ok {
				c.vars[k] = v
			}
			if c.hasEnv() {
				ready <- nil
				io.Copy(io.Discard, stdout)
				return
			}
		}
		ready <- fmt.Errorf("the local tenant stopped before it was ready")
	}()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	select {
	case err = <-ready:
	case <-timeout.C:
		err = fmt.Errorf("the local tenant was not ready after 30s")
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		c.close()
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(c.stderr.String()))
	}
	return c, nil
}

func (c *child) hasEnv() bool {
	for _, k := range envKeys {
		if c.vars[k] == "" {
			return false
		}
	}
	return true
}

func (c *child) env() map[string]string { return c.vars }

func (c *child) size() int {
	st, err := os.Stat(c.log)
	if err != nil {
		return -1
	}
	return int(st.Size())
}

func (c *child) mark() error {
	c.offset = int64(settled(c.size))
	return nil
}

func (c *child) requests() ([]localtenant.RequestRecord, error) {
	end := settled(c.size)
	f, err := os.Open(c.log)
	if err != nil {
		return nil, fmt.Errorf("request log: %w", err)
	}
	defer f.Close()
	data := make([]byte, int64(end)-c.offset)
	if _, err := f.ReadAt(data, c.offset); err != nil && err != io.EOF {
		return nil, fmt.Errorf("request log: %w", err)
	}
	var recs []localtenant.RequestRecord
	for line := range bytes.Lines(data) {
		var r localtenant.RequestRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("request log line %q: %w", line, err)
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// close interrupts the child as a person would, and kills it when it does
// not stop within 5 seconds.
func (c *child) close() error {
	if c.cmd.Process == nil {
		return nil
	}
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.exited:
		return nil
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("the local tenant did not stop on interrupt; killed")
	}
}
