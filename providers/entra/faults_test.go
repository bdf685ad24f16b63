package entra

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/localtenant"
)

// TestCreatesUnderFaults runs 50 application set-ups (upsert, service
// principal, grant, role assignment, secret) at once, as an apply runs
// independent objects in parallel, against a tenant that throttles 10% of
// requests, fails 5% with 500/503/504 and hides new objects for 2 s. No
// error may reach the caller, and the tenant must end with exactly one of
// each object (no duplicate secret from a repeated POST).
func TestCreatesUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about fifteen seconds")
	}
	t.Parallel()
	tn := startTenant(t, tenantOptions{
		faults:   localtenant.Faults{ThrottleRate: 0.1, ErrorRate: 0.05, ReplicationDelay: 2 * time.Second, Seed: 7},
		provider: Options{ReplicationTimeout: 30 * time.Second},
	})
	ctx := ctxFor(t)
	graphSP := resourceSP(t, tn, GraphAppID)
	const n = 50
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("app%02d", i)
	}
	start := time.Now()
	err := eachN(50, names, func(_ int, name string) error {
		app, err := tn.p.UpsertApplication(ctx, uniqueName("faults", name), workspaceApp("faults", name))
		if err != nil {
			return err
		}
		sp, err := tn.p.CreateServicePrincipal(ctx, app.AppID, OwnershipTags("faults", "application."+name))
		if err != nil {
			return err
		}
		if _, err := tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: sp.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: "User.Read"}); err != nil {
			return err
		}
		if _, err := tn.p.AssignAppRole(ctx, AppRoleAssignment{PrincipalID: sp.ID, ResourceID: graphSP.ID, AppRoleID: graphSitesReadAll}); err != nil {
			return err
		}
		cred, err := tn.p.AddPassword(ctx, app.ID, "web", time.Now().Add(time.Hour))
		if err != nil {
			return err
		}
		if cred.SecretText == "" {
			return fmt.Errorf("%s: no secret text", name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("a create failed under faults: %v", err)
	}
	statuses := map[int]int{}
	for _, r := range tn.s.Requests() {
		statuses[r.Status]++
	}
	t.Logf("50 set-ups under faults in %v; answers by status: %v", time.Since(start).Round(time.Millisecond), statuses)

	// Faults off and replication done: exactly one of everything.
	tn.s.SetFaults(localtenant.Faults{})
	snap, err := tn.p.Read(ctx, ReadRequest{Workspace: "faults"})
	if err != nil {
		t.Fatal(err)
	}
	secrets := 0
	for _, app := range snap.Applications {
		secrets += len(app.PasswordCredentials)
	}
	got := []int{len(snap.Applications), len(snap.ServicePrincipals), len(snap.Grants), len(snap.Assignments), secrets}
	if diff := cmp.Diff([]int{n, n, n, n, n}, got); diff != "" {
		t.Errorf("applications, service principals, grants, assignments, secrets after the run (-want +got):\n%s", diff)
	}
}
