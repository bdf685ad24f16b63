package cli

import (
	"net"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/entraform/entraform/localtenant"
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
	tenant, _ := ts.Value(tenantKey{}).(*localtenant.Server)
	if tenant == nil {
		ts.Fatalf("github-oidc: no local tenant in this script")
	}
	url, token := tenant.GitHubActionsEnv(args[0])
	ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", url)
	ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", token)
}
