package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/entraform/entraform/examples"
	"github.com/entraform/entraform/localtenant"
)

// runDemo runs the main job end to end on an in-process local tenant:
// plan, apply (with its login checks) and plan again on a copy of
// examples/quickstart.
func runDemo(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "demo", "demo [-example=quickstart] [-keep]")
	example := fs.String("example", "quickstart", "the example to run: "+strings.Join(exampleNames(), ", "))
	keep := fs.Bool("keep", false, "keep the working copy (deleted at the end otherwise) and print where it is")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("demo takes no arguments (got %q); choose an example with -example=NAME", fs.Arg(0))
		return ExitError
	}
	if !slices.Contains(exampleNames(), *example) {
		m.Errorf("no example named %q; the examples are %s", *example, strings.Join(exampleNames(), ", "))
		return ExitError
	}
	tenant, err := localtenant.Start(ctx, localtenant.Options{})
	if err != nil {
		m.Errorf("starting the local tenant: %v", err)
		return ExitError
	}
	defer tenant.Close()
	dir, err := os.MkdirTemp("", "entraform-demo-")
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	work := filepath.Join(dir, *example)
	if err := copyExample(*example, work); err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	env := demoEnv(m.Env, tenant, work)
	fmt.Fprintf(m.Stdout, "entraform demo: a local tenant for %s is running at %s\n", tenant.Domain(), tenant.Endpoint())
	if *keep {
		fmt.Fprintf(m.Stdout, "Working copy of examples/%s: %s (kept: -keep)\n", *example, work)
	} else {
		fmt.Fprintf(m.Stdout, "Working copy of examples/%s: %s (deleted when the demo ends; -keep keeps it)\n", *example, work)
	}

	steps := []struct {
		args []string
		want int
	}{
		{[]string{"plan"}, ExitOK},
		{[]string{"apply", "-auto-approve"}, ExitOK},
		{[]string{"plan", "-detailed-exitcode"}, ExitOK},
	}
	var applyOut string
	for _, step := range steps {
		fmt.Fprintf(m.Stdout, "\n%s\n", m.bold("$ entraform "+strings.Join(step.args, " ")))
		var out, errs bytes.Buffer
		sub := *env
		sub.Stdout, sub.Stderr = &out, &errs
		code := Run(ctx, step.args, &sub)
		text := out.String()
		if step.args[0] == "apply" {
			applyOut = text
			// apply shows the plan again first: the demo has just shown it.
			if i := strings.Index(text, "\nApply "); i >= 0 {
				text = "(the plan above)\n" + text[i:]
			}
		}
		io.WriteString(m.Stdout, text)
		if code != step.want {
			io.Copy(m.Stderr, &errs)
			m.Errorf("entraform %s exited %d; the demo stops here", strings.Join(step.args, " "), code)
			return ExitError
		}
	}
	fmt.Fprintf(m.Stdout, "\n%s\n", m.bold("Demo complete: the plan was applied, "+checksPassed(applyOut)+", and the second plan found no changes."))
	if *keep {
		fmt.Fprintf(m.Stdout, "The working copy stays in %s (the local tenant is gone with this process).\n", work)
	} else {
		fmt.Fprintf(m.Stdout, "The working copy %s is deleted now; run with -keep to keep it.\n", work)
	}
	return ExitOK
}

// demoGitHubSubject is the subject of a workflow run of the ci-github
// example's repository on its main branch.
const demoGitHubSubject = "repo:contoso/entra-config:ref:refs/heads/main"

// demoEnv points entraform at the local tenant: its endpoint, CA and
// operator credentials replace any Azure variables of the process.
func demoEnv(base *Env, tenant *localtenant.Server, dir string) *Env {
	vars := map[string]string{}
	for _, kv := range tenant.Env() {
		vars[kv.Key] = kv.Value
	}
	// Federated sign-ins (the ci-github example) get their token the way a
	// GitHub Actions run of the example's repository on main would, from
	// the local tenant's emulation of GitHub's OIDC issuer.
	vars["ACTIONS_ID_TOKEN_REQUEST_URL"], vars["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = tenant.GitHubActionsEnv(demoGitHubSubject)
	env := *base
	env.Dir = dir
	env.Getenv = func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		if strings.HasPrefix(k, "AZURE_") || strings.HasPrefix(k, "ACTIONS_ID_TOKEN") || strings.HasPrefix(k, "ENTRAFORM_") && k != "ENTRAFORM_LOG" {
			return ""
		}
		return base.Getenv(k)
	}
	env.StdinIsTerminal = false
	return &env
}

// exampleNames lists the embedded examples.
func exampleNames() []string {
	entries, _ := fs.ReadDir(examples.FS, ".")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// checksPassed says what the login checks did, in the right number, from
// apply's "Checks: N passed." line.
func checksPassed(applyOut string) string {
	var n int
	if i := strings.LastIndex(applyOut, "Checks: "); i >= 0 {
		fmt.Sscanf(applyOut[i:], "Checks: %d passed.", &n)
	}
	switch n {
	case 0:
		return "it has no login checks"
	case 1:
		return "the login check signed in as the app and passed"
	default:
		return fmt.Sprintf("the %d login checks signed in and passed", n)
	}
}

// copyExample writes the embedded example into dir.
func copyExample(name, dir string) error {
	sub, err := fs.Sub(examples.FS, name)
	if err != nil {
		return err
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil || len(entries) == 0 {
		return fmt.Errorf("no example named %q", name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		data, err := fs.ReadFile(sub, e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
