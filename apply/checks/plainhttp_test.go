package checks

import (
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// TestTokenNeverOverPlainHTTP: a request over http to Microsoft Graph
// (after one over https, whose token would serve) is not sent (the app's token would cross the network in clear text). The
// reliability malformed-config corpus found such a check valid.
func TestTokenNeverOverPlainHTTP(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, `
tenant { workspace = "plainhttp" }
application "daemon" {
  display_name = "Daemon"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "s" { write_to = "secrets/daemon.env" }
}
check "plain" {
  application = application.daemon
  flow        = "client_credentials"
  request "root" { url = "https://graph.microsoft.com/v1.0/sites/root" }
  request "plain" { url = "http://graph.microsoft.com/v1.0/sites/root" }
}
`)
	env := tn.env(cfg, tn.apply(t, cfg))
	tn.AdvanceClock(time.Hour)
	tn.ResetRequests()
	r := runOne(t, env, "plain")
	wantProblem(t, r, CodeTokenNotSent, `request "plain" was not sent: http://graph.microsoft.com/v1.0/sites/root is not https, and the app's token must not cross the network in clear text; use https://graph.microsoft.com/v1.0/sites/root`)
	if n := len(tn.Requests()); n == 0 {
		t.Error("the https request was not sent either")
	}
}
