package cigithub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entraform/entraform/internal/cli"
	"github.com/entraform/entraform/localtenant"
)

// TestMain lets the workflow's steps run "entraform" as a real program:
// the runner puts a link named entraform to this test binary on PATH, and
// started under that name it is the command line tool.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "entraform" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], cli.ProcessEnv()))
	}
	os.Exit(m.Run())
}

// runner plays a GitHub-hosted runner for the example's workflow against a
// local tenant: it checks out the repository (a directory), evaluates
// if: and ${{ }} the way Actions does for the expressions the workflow
// uses, serves the job's OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and
// _TOKEN, from the local tenant's emulation of
// token.actions.githubusercontent.com) when the workflow asks for
// id-token: write, and runs each run: step with bash -eo pipefail.
type runner struct {
	t        *testing.T
	tenant   *localtenant.Server
	repo     string            // the checkout, GITHUB_WORKSPACE
	vars     map[string]string // repository variables (vars.NAME)
	bin      string            // directory with the entraform link
	workflow *workflow
	jobs     []namedJob
}

// jobResult is what a job run left behind.
type jobResult struct {
	ID      string
	Failed  string // name of the step that failed; "" when the job passed
	Output  string // stdout and stderr of every step
	Summary string // $GITHUB_STEP_SUMMARY
}

// event is what triggered a run.
type event struct {
	Name    string // pull_request, push, schedule
	Ref     string // refs/heads/main, refs/pull/7/merge
	Subject string // the OIDC token's sub claim
}

const repository = "contoso/entra-config"

var (
	pullRequest = event{"pull_request", "refs/pull/7/merge", "repo:" + repository + ":pull_request"}
	pushMain    = event{"push", "refs/heads/main", "repo:" + repository + ":ref:refs/heads/main"}
	nightly     = event{"schedule", "refs/heads/main", "repo:" + repository + ":ref:refs/heads/main"}
)

func newRunner(t *testing.T, tenant *localtenant.Server, repo string, vars map[string]string) *runner {
	t.Helper()
	w, jobs := loadWorkflow(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(bin, "entraform")); err != nil {
		t.Fatal(err)
	}
	return &runner{t: t, tenant: tenant, repo: repo, vars: vars, bin: bin, workflow: w, jobs: jobs}
}

// run runs the workflow for an event: every job whose if: holds.
func (r *runner) run(ev event) []jobResult {
	r.t.Helper()
	ctx := r.context(ev)
	var out []jobResult
	for _, j := range r.jobs {
		ok, err := evalCondition(j.If, ctx)
		if err != nil {
			r.t.Fatalf("job %s: if: %v", j.ID, err)
		}
		if ok {
			out = append(out, r.runJob(j, ev, ctx))
		}
	}
	return out
}

// context is what expressions can read: the event and the repository
// variables.
func (r *runner) context(ev event) map[string]string {
	ctx := map[string]string{"github.event_name": ev.Name, "github.ref": ev.Ref}
	for k, v := range r.vars {
		ctx["vars."+k] = v
	}
	return ctx
}

// shell runs one script in a pull request's job environment signed in as
// clientID, as a step a pull request added to the workflow would.
func (r *runner) shell(ev event, clientID, script string) jobResult {
	r.t.Helper()
	ctx := r.context(ev)
	j := namedJob{ID: "added-by-pr", job: job{
		Env:   map[string]string{"AZURE_CLIENT_ID": clientID},
		Steps: []step{{Name: "added", Run: script}},
	}}
	return r.runJob(j, ev, ctx)
}

func (r *runner) runJob(j namedJob, ev event, ctx map[string]string) jobResult {
	r.t.Helper()
	res := jobResult{ID: j.ID}
	temp := r.t.TempDir()
	summary := filepath.Join(temp, "step_summary.md")
	env := map[string]string{
		"PATH":                r.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME":                filepath.Join(temp, "home"),
		"CI":                  "true",
		"GITHUB_ACTIONS":      "true",
		"GITHUB_EVENT_NAME":   ev.Name,
		"GITHUB_REF":          ev.Ref,
		"GITHUB_REPOSITORY":   repository,
		"GITHUB_WORKSPACE":    r.repo,
		"RUNNER_TEMP":         temp,
		"GITHUB_STEP_SUMMARY": summary,
	}
	if err := os.MkdirAll(env["HOME"], 0o755); err != nil {
		r.t.Fatal(err)
	}
	// The runner's network leads to the local tenant; nothing else of the
	// tenant's environment (no operator secret) reaches the job.
	for _, kv := range r.tenant.Env() {
		if kv.Key == "ENTRAFORM_ENDPOINT" || kv.Key == "ENTRAFORM_CA_FILE" {
			env[kv.Key] = kv.Value
		}
	}
	perms := r.workflow.Permissions
	if j.Permissions != nil {
		perms = j.Permissions
	}
	if perms["id-token"] == "write" {
		env["ACTIONS_ID_TOKEN_REQUEST_URL"], env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = r.tenant.GitHubActionsEnv(ev.Subject)
	}
	for _, layer := range []map[string]string{r.workflow.Env, j.Env} {
		for k, v := range layer {
			s, err := substitute(v, ctx)
			if err != nil {
				r.t.Fatalf("job %s: env %s: %v", j.ID, k, err)
			}
			env[k] = s
		}
	}
	var output bytes.Buffer
	for _, s := range j.Steps {
		switch {
		case s.If != "":
			r.t.Fatalf("job %s, step %q: step conditions are not played by this test", j.ID, s.Name)
		case s.Uses != "":
			// actions/checkout and actions/setup-go: the repository is
			// already checked out, and entraform is this test binary.
			continue
		case s.ID == "install":
			if !strings.Contains(s.Run, "go install") || !strings.Contains(s.Run, "github.com/entraform/entraform/cmd/entraform@") {
				r.t.Errorf("job %s: the install step does not go install entraform: %q", j.ID, s.Run)
			}
			continue
		}
		stepEnv := env
		if len(s.Env) > 0 {
			stepEnv = map[string]string{}
			for k, v := range env {
				stepEnv[k] = v
			}
			for k, v := range s.Env {
				sv, err := substitute(v, ctx)
				if err != nil {
					r.t.Fatalf("job %s, step %q: env %s: %v", j.ID, s.Name, k, err)
				}
				stepEnv[k] = sv
			}
		}
		script := filepath.Join(temp, "step.sh")
		if err := os.WriteFile(script, []byte(s.Run), 0o600); err != nil {
			r.t.Fatal(err)
		}
		// shell: bash runs "bash --noprofile --norc -eo pipefail {0}".
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = r.repo
		cmd.Stdout, cmd.Stderr = &output, &output
		for k, v := range stepEnv {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		fmt.Fprintf(&output, "::group::%s\n", s.Name)
		err := cmd.Run()
		fmt.Fprintf(&output, "::endgroup::\n")
		if err != nil {
			res.Failed = s.Name
			break
		}
	}
	res.Output = output.String()
	if b, err := os.ReadFile(summary); err == nil {
		res.Summary = string(b)
	}
	return res
}

// admin is the tenant administrator who runs the first apply by hand and
// later changes the tenant behind the configuration's back.
type admin struct {
	t      *testing.T
	tenant *localtenant.Server
	token  string
}

func newAdmin(t *testing.T, tenant *localtenant.Server) *admin {
	t.Helper()
	tok, err := tenant.OperatorToken(context.Background())
	if err != nil {
		t.Fatalf("operator token: %v", err)
	}
	return &admin{t: t, tenant: tenant, token: tok}
}

// graph sends one Graph request as the administrator.
func (a *admin) graph(method, path string, body any) map[string]any {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "https://graph.microsoft.com/v1.0"+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.tenant.HTTPClient().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		a.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}

// entraform runs the command line in dir as the administrator: signed in
// with the local tenant's operator secret, as someone at their desk, and
// with a GitHub token for the federated checks.
func (a *admin) entraform(dir string, args ...string) (int, string) {
	a.t.Helper()
	vars := map[string]string{"NO_COLOR": "1", "HOME": a.t.TempDir()}
	for _, kv := range a.tenant.Env() {
		vars[kv.Key] = kv.Value
	}
	vars["ACTIONS_ID_TOKEN_REQUEST_URL"], vars["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = a.tenant.GitHubActionsEnv(pushMain.Subject)
	var out bytes.Buffer
	code := cli.Run(context.Background(), args, &cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out,
		Getenv: func(k string) string { return vars[k] }, Environ: func() []string { return nil },
		Dir: dir,
	})
	return code, out.String()
}
