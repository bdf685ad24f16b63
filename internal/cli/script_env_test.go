package cli

import (
	"net"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFreePort implements "free-port NAME": sets $NAME to a TCP port that
// is free on localhost now, so scripts that listen (auth_code checks) do
// not collide with tests running in parallel.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: free-port NAME")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("free-port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ts.Setenv(args[0], strconv.Itoa(port))
}

// cmdGitHubOIDC implements "github-oidc SUBJECT": the script runs as a
// GitHub Actions job whose OIDC token has that subject, served by the
// local tenant's emulation of token.actions.githubusercontent.com.
func cmdGitHubOIDC(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: github-oidc SUBJECT")
	}
	tenant := scriptTenant(ts, "github-oidc")
	url, token := tenant.GitHubActionsEnv(args[0])
	ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", url)
	ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", token)
}

// cmdFail implements "fail METHOD PATH N STATUS": the local tenant fails
// the next N requests with that method whose path starts with PATH
// (relative to /v1.0 for Graph), alone or inside a $batch.
func cmdFail(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: fail METHOD PATH N STATUS")
	}
	tenant := scriptTenant(ts, "fail")
	n, err1 := strconv.Atoi(args[2])
	status, err2 := strconv.Atoi(args[3])
	if err1 != nil || err2 != nil {
		ts.Fatalf("fail: N and STATUS are numbers")
	}
	tenant.FailMatching(args[0], args[1], n, status)
}

// cmdLoadEnv implements "load-env FILE": it sets the script's environment
// from FILE's KEY=VALUE lines, as `set -a; . ./FILE; set +a` does in a
// shell (for the lines `tenant serve -env-file` writes).
func cmdLoadEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: load-env FILE")
	}
	for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && k != "" && !strings.HasPrefix(k, "#") {
			ts.Setenv(k, v)
		}
	}
}
