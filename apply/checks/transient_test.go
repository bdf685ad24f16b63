package checks

import (
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// TestThrottledRequestRetried: a request of a check answered 429 or 5xx
// (throttling, a server error) says nothing about the app's access: the
// check is tried again within Env.Retry instead of failing the apply. The
// reliability fault suite found apply exiting 1 on a throttled check.
func TestThrottledRequestRetried(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, `
tenant { workspace = "throttled" }
application "daemon" {
  display_name = "Daemon"
  permission "graph" { application = ["Sites.Read.All"] }
  admin_consent = true
  secret "s" { write_to = "secrets/daemon.env" }
}
check "daemon_reads" {
  application = application.daemon
  flow        = "client_credentials"
  request "root" { url = "https://graph.microsoft.com/v1.0/sites/root" }
}
`)
	env := tn.env(cfg, tn.apply(t, cfg))
	tn.AdvanceClock(time.Hour)
	for _, status := range []int{429, 500, 503} {
		env.Retry = 30 * time.Second
		tn.FailNext(1, status)
		if r := runOne(t, env, "daemon_reads"); !r.OK || r.Attempts != 2 {
			t.Errorf("after one %d: OK=%v in %d attempts; want OK in 2 (problems %+v)", status, r.OK, r.Attempts, r.Problems)
		}
	}
	env.Retry = 0
	tn.FailNext(1, 503)
	r := runOne(t, env, "daemon_reads")
	wantProblem(t, r, CodeUnexpectedStatus, "GET https://graph.microsoft.com/v1.0/sites/root answered 503, want 200: serviceNotAvailable: The service is temporarily unavailable. Please retry later.")
}
