package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/entraform/entraform/localtenant"
)

// TestMain lets scripts run "entraform" as a real subprocess: testscript
// re-executes this test binary under that name, and it calls Run.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"entraform": func() {
			ctx, stop := WithInterrupts(context.Background(), os.Stderr)
			code := Run(ctx, os.Args[1:], ProcessEnv())
			stop()
			os.Exit(code)
		},
	})
}

// TestScript runs every testdata/script/*.txtar at the repository root.
// Besides testscript's own commands, scripts have
//
//	exits CODE command [args...]   run command and require that exit code
//	load-env FILE                  set the environment from FILE's KEY=VALUE lines
//
// and the environment variables set by setupScriptEnv.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "..", "testdata", "script"),
		Setup: setupScriptEnv,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exits":          cmdExits,
			"graph":          cmdGraph,
			"graph-id":       cmdGraphID,
			"no-secret-leak": cmdNoSecretLeak,
			"free-port":      cmdFreePort,
			"github-oidc":    cmdGitHubOIDC,
			"fail":           cmdFail,
			"load-env":       cmdLoadEnv,
			"filemode":       cmdFileMode,
			"mkfifo":         cmdMkfifo,
			"sleep":          cmdSleep,
		},
	})
}

// setupScriptEnv prepares each script's environment: a private HOME,
// $EXAMPLES pointing at the repository's examples, and a local tenant of
// its own, started in this process, whose env lines (ENTRAFORM_ENDPOINT,
// ENTRAFORM_CA_FILE, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET)
// the script's entraform commands see.
func setupScriptEnv(env *testscript.Env) error {
	tenant, err := localtenant.Start(context.Background(), localtenant.Options{})
	if err != nil {
		return err
	}
	env.Defer(func() { tenant.Close() })
	env.Values[tenantKey{}] = tenant
	for _, kv := range tenant.Env() {
		env.Setenv(kv.Key, kv.Value)
	}
	home := filepath.Join(env.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("NO_COLOR", "1")
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		return err
	}
	env.Setenv("EXAMPLES", examples)
	return nil
}

// cmdExits implements "exits CODE command [args...]".
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("exits does not support !; give the expected code")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
