package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entraform/entraform/localtenant"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// TestApplyAsksOnATerminal: without -auto-approve, apply shows the plan
// and applies only after "yes"; anything else cancels and changes nothing.
func TestApplyAsksOnATerminal(t *testing.T) {
	tenant := graphtest.Tenant(t, localtenant.Options{})
	dir := filepath.Join(t.TempDir(), "ask")
	os.MkdirAll(dir, 0o755)
	config := "application \"web\" {\n  display_name = \"Asked\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.entra.hcl"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(answer string, args ...string) (int, string) {
		var out, errs bytes.Buffer
		env := &Env{
			Stdin: strings.NewReader(answer), Stdout: &out, Stderr: &errs,
			Getenv: tenant.Getenv, Dir: dir,
			StdinIsTerminal: true,
		}
		code := Run(context.Background(), args, env)
		return code, out.String() + errs.String()
	}

	code, out := run("no\n", "apply")
	if code != ExitError || !strings.Contains(out, "Only 'yes' will be accepted") || !strings.Contains(out, "Apply cancelled.") {
		t.Fatalf("answer no: exit %d, output:\n%s", code, out)
	}
	if code, out := run("", "plan", "-detailed-exitcode"); code != ExitChanges {
		t.Fatalf("after a cancelled apply the plan should still have changes; exit %d:\n%s", code, out)
	}

	code, out = run("yes\n", "apply")
	if code != ExitOK || !strings.Contains(out, "Apply complete! Objects: 2 added") {
		t.Fatalf("answer yes: exit %d, output:\n%s", code, out)
	}
	if code, out := run("", "plan", "-detailed-exitcode"); code != ExitOK {
		t.Fatalf("after the apply the plan should be empty; exit %d:\n%s", code, out)
	}
}
