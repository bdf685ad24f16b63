package entra

import (
	"testing"
)

// TestCreatesSurviveLostAnswers: four lost answers in a row (504, which
// the client does not repeat for a POST) do not fail an idempotent
// create: the provider sends it again. With writes coalesced into $batch,
// one 504 on a batch loses every answer in it; the reliability fault
// suite saw a consent grant fail after three.
func TestCreatesSurviveLostAnswers(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "lost", "app")
	tn.s.FailNext(4, 504)
	sp, err := tn.p.CreateServicePrincipal(ctx, app.AppID, OwnershipTags("lost", "application.app"))
	if err != nil {
		t.Fatalf("service principal after four lost answers: %v", err)
	}
	graphSP := resourceSP(t, tn, GraphAppID)
	tn.s.FailNext(4, 504)
	if _, err := tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: sp.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: "User.Read"}); err != nil {
		t.Fatalf("grant after four lost answers: %v", err)
	}
	tn.s.FailNext(5, 504)
	if _, err := tn.p.AssignAppRole(ctx, AppRoleAssignment{PrincipalID: sp.ID, ResourceID: graphSP.ID, AppRoleID: graphSitesReadAll}); err == nil {
		t.Error("a role assignment after five lost answers succeeded; the bound of five sends is not what this test thinks")
	}
}
