package entra

import (
	"testing"
	"time"

	"github.com/entraform/entraform/localtenant"
)

// TestFederatedCreateAfterLostAnswer: an apply killed after the tenant
// created a federated credential, then run again at once. The rerun did
// not see the credential (replication delay), so it creates it again; the
// tenant answers 409 and, for a moment, does not list it either. The
// create must wait for it to be listed and update it, not fail. Found by
// the reliability crash suite (kill after POST federatedIdentityCredentials,
// 1 s replication delay, immediate rerun).
func TestFederatedCreateAfterLostAnswer(t *testing.T) {
	tn := startTenant(t, tenantOptions{
		faults:   localtenant.Faults{ReplicationDelay: 2 * time.Second},
		provider: Options{ReplicationTimeout: 30 * time.Second},
	})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "federated", "ci")
	f := FederatedIdentityCredential{
		Name:      "github_main",
		Issuer:    "https://token.actions.githubusercontent.com",
		Subject:   "repo:contoso/entra-config:ref:refs/heads/main",
		Audiences: []string{"api://AzureADTokenExchange"},
	}
	first, err := tn.p.CreateFederatedCredential(ctx, app.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	f.Subject = "repo:contoso/entra-config:environment:prod"
	start := time.Now()
	again, err := tn.p.CreateFederatedCredential(ctx, app.ID, f)
	if err != nil {
		t.Fatalf("creating it again while it replicates: %v", err)
	}
	if again.ID != first.ID || again.Subject != f.Subject {
		t.Errorf("second create gave %+v; want credential %s with subject %q", again, first.ID, f.Subject)
	}
	t.Logf("found and updated after %v", time.Since(start).Round(100*time.Millisecond))

	// A twin (other name, same issuer and subject) fails at once: the list
	// explains the conflict, there is nothing to wait for.
	time.Sleep(2 * time.Second)
	twin := f
	twin.Name = "github_twin"
	start = time.Now()
	if _, err := tn.p.CreateFederatedCredential(ctx, app.ID, twin); err == nil {
		t.Error("a second credential with the same issuer and subject was accepted")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the twin was refused after %v; want at once", took)
	}
}
