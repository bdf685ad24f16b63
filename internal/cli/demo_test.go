package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The README's first command, and its -example variants, end green.
func TestDemoRunsEveryExample(t *testing.T) {
	for _, example := range []string{"quickstart", "flask-delegated", "site-reader", "ci-github", "web-api"} {
		t.Run(example, func(t *testing.T) {
			var out, errs bytes.Buffer
			env := &Env{
				Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs,
				Getenv: func(string) string { return "" }, Dir: t.TempDir(),
			}
			code := Run(context.Background(), []string{"demo", "-example=" + example}, env)
			if code != ExitOK {
				t.Fatalf("demo -example=%s exited %d\nstdout:\n%s\nstderr:\n%s", example, code, out.String(), errs.String())
			}
			for _, want := range []string{"$ entraform plan", "Apply complete!", "Checks: ", "No changes. Your tenant matches the configuration.", "Demo complete"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("demo output lacks %q:\n%s", want, out.String())
				}
			}
			if strings.Contains(out.String(), "FAIL check.") {
				t.Errorf("a check failed:\n%s", out.String())
			}
		})
	}
}
