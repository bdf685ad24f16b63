// Tests of the example's GitHub Actions workflow: that the file is a
// workflow with the jobs and steps the README promises, and that its
// steps, run the way a GitHub runner runs them, sign in through the GitHub
// OIDC token and the federated credentials main.entra.hcl declares.
package cigithub_test

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

const workflowPath = ".github/workflows/entraform.yml"

// workflow is the part of the GitHub Actions workflow syntax the example
// uses. Decoding with KnownFields refuses any other key, so a misspelt
// key (runs_on, working_directory) fails here instead of on GitHub.
type workflow struct {
	Name        string            `yaml:"name"`
	On          yaml.Node         `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Defaults    struct {
		Run struct {
			Shell string `yaml:"shell"`
		} `yaml:"run"`
	} `yaml:"defaults"`
	Jobs yaml.Node `yaml:"jobs"` // a mapping, decoded in order by loadWorkflow
}

type job struct {
	Name        string            `yaml:"name"`
	If          string            `yaml:"if"`
	RunsOn      string            `yaml:"runs-on"`
	Permissions map[string]string `yaml:"permissions"`
	Concurrency *struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Env   map[string]string `yaml:"env"`
	Steps []step            `yaml:"steps"`
}

type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	With map[string]string `yaml:"with"`
	Run  string            `yaml:"run"`
	If   string            `yaml:"if"`
	Env  map[string]string `yaml:"env"`
}

// namedJob is a job with its id, in file order.
type namedJob struct {
	ID string
	job
}

func loadWorkflow(t *testing.T) (*workflow, []namedJob) {
	t.Helper()
	src, err := os.ReadFile(workflowPath)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	var w workflow
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("%s: %v", workflowPath, err)
	}
	if w.Jobs.Kind != yaml.MappingNode {
		t.Fatalf("%s: jobs is not a mapping", workflowPath)
	}
	var jobs []namedJob
	for i := 0; i+1 < len(w.Jobs.Content); i += 2 {
		var j job
		dec := yaml.NewDecoder(bytes.NewReader(nodeBytes(t, w.Jobs.Content[i+1])))
		dec.KnownFields(true)
		if err := dec.Decode(&j); err != nil {
			t.Fatalf("%s: job %s: %v", workflowPath, w.Jobs.Content[i].Value, err)
		}
		jobs = append(jobs, namedJob{ID: w.Jobs.Content[i].Value, job: j})
	}
	return &w, jobs
}

func nodeBytes(t *testing.T, n *yaml.Node) []byte {
	t.Helper()
	b, err := yaml.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// triggers returns the workflow's events and, for each, its node.
func triggers(t *testing.T, w *workflow) map[string]*yaml.Node {
	t.Helper()
	if w.On.Kind != yaml.MappingNode {
		t.Fatalf("on: want a mapping of events")
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(w.On.Content); i += 2 {
		out[w.On.Content[i].Value] = w.On.Content[i+1]
	}
	return out
}

// commands lists the entraform commands of a job's run steps: lines that
// start with entraform, up to a redirection or ||.
func commands(j namedJob) []string {
	re := regexp.MustCompile(`(?m)^\s*entraform( [^|>&;\n]*[^ |>&;\n])`)
	var out []string
	for _, s := range j.Steps {
		for _, m := range re.FindAllStringSubmatch(s.Run, -1) {
			out = append(out, "entraform"+m[1])
		}
	}
	return out
}

func TestWorkflowFile(t *testing.T) {
	w, jobs := loadWorkflow(t)

	on := triggers(t, w)
	var events []string
	for e := range on {
		events = append(events, e)
	}
	slices.Sort(events)
	if diff := cmp.Diff([]string{"pull_request", "push", "schedule", "workflow_dispatch"}, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	var push struct {
		Branches []string `yaml:"branches"`
	}
	if err := on["push"].Decode(&push); err != nil || !slices.Equal(push.Branches, []string{"main"}) {
		t.Errorf("push runs on branches %v (%v), want [main]", push.Branches, err)
	}
	var schedule []struct {
		Cron string `yaml:"cron"`
	}
	if err := on["schedule"].Decode(&schedule); err != nil || len(schedule) != 1 || len(strings.Fields(schedule[0].Cron)) != 5 {
		t.Errorf("schedule = %+v (%v), want one cron line of five fields", schedule, err)
	}

	if diff := cmp.Diff(map[string]string{"contents": "read", "id-token": "write"}, w.Permissions); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	if w.Defaults.Run.Shell != "bash" {
		t.Errorf("defaults.run.shell = %q, want bash (-e and -o pipefail)", w.Defaults.Run.Shell)
	}

	want := map[string][]string{
		"plan":  {"entraform fmt -check -diff", "entraform validate", "entraform plan -detailed-exitcode"},
		"apply": {"entraform apply -auto-approve", "entraform verify -retry 2m"},
		"drift": {"entraform plan -detailed-exitcode"},
	}
	got := map[string][]string{}
	for _, j := range jobs {
		got[j.ID] = commands(j)
		if j.RunsOn != "ubuntu-latest" {
			t.Errorf("job %s runs on %q", j.ID, j.RunsOn)
		}
		if !strings.Contains(j.Env["AZURE_CLIENT_ID"], "vars.") {
			t.Errorf("job %s: AZURE_CLIENT_ID = %q, want a repository variable", j.ID, j.Env["AZURE_CLIENT_ID"])
		}
		summary := false
		for _, s := range j.Steps {
			if strings.Contains(s.Run, `>> "$GITHUB_STEP_SUMMARY"`) {
				summary = true
			}
			if s.Run != "" {
				// The script must at least parse as bash.
				cmd := exec.Command("bash", "-n")
				cmd.Stdin = strings.NewReader(s.Run)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("job %s, step %q: bash -n: %v\n%s", j.ID, s.Name, err, out)
				}
			}
		}
		if !summary {
			t.Errorf("job %s writes no job summary", j.ID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entraform commands per job (-want +got):\n%s", diff)
	}

	// No secret is stored in GitHub: nothing reads secrets.*, and no
	// client secret or certificate variable is set.
	src, _ := os.ReadFile(workflowPath)
	for _, bad := range []string{"secrets.", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE"} {
		if bytes.Contains(src, []byte(bad)) {
			t.Errorf("the workflow mentions %s; it must sign in with the OIDC token only", bad)
		}
	}
}

func TestJobSelection(t *testing.T) {
	_, jobs := loadWorkflow(t)
	tests := []struct {
		event, ref string
		want       []string
	}{
		{"pull_request", "refs/pull/7/merge", []string{"plan"}},
		{"push", "refs/heads/main", []string{"apply"}},
		{"workflow_dispatch", "refs/heads/main", []string{"apply"}},
		{"workflow_dispatch", "refs/heads/feature", nil},
		{"schedule", "refs/heads/main", []string{"drift"}},
	}
	for _, tt := range tests {
		ctx := map[string]string{"github.event_name": tt.event, "github.ref": tt.ref}
		var got []string
		for _, j := range jobs {
			ok, err := evalCondition(j.If, ctx)
			if err != nil {
				t.Fatalf("job %s: if: %v", j.ID, err)
			}
			if ok {
				got = append(got, j.ID)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s on %s runs (-want +got):\n%s", tt.event, tt.ref, diff)
		}
	}
}

func TestEvalCondition(t *testing.T) {
	ctx := map[string]string{"github.event_name": "push", "github.ref": "refs/heads/main", "vars.X": "x"}
	tests := []struct {
		expr string
		want bool
		err  bool
	}{
		{"", true, false},
		{"github.event_name == 'push'", true, false},
		{"${{ github.event_name == 'push' }}", true, false},
		{"github.event_name != 'push'", false, false},
		{"github.event_name == 'PUSH'", true, false}, // GitHub compares strings ignoring case
		{"github.ref == 'refs/heads/main' && (github.event_name == 'schedule' || github.event_name == 'push')", true, false},
		{"github.ref == 'refs/heads/dev' || github.event_name == 'push' && vars.X == 'y'", false, false},
		{"github.nope == 'x'", false, true},
		{"github.event_name == 'push", false, true},
		{"(github.event_name == 'push'", false, true},
	}
	for _, tt := range tests {
		got, err := evalCondition(tt.expr, ctx)
		if (err != nil) != tt.err || (err == nil && got != tt.want) {
			t.Errorf("evalCondition(%q) = %v, %v; want %v, error %v", tt.expr, got, err, tt.want, tt.err)
		}
	}
}
