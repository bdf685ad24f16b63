package entra

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Real permission ids (permissions.json).
const (
	graphUserRead     = "User.Read"
	graphSitesReadAll = "332a536c-c7ef-4017-ab91-336970924f0d" // app role Sites.Read.All
)

// newManagedApp creates a workspace application and returns it.
func newManagedApp(t testing.TB, tn *tenant, workspace, name string) *Application {
	t.Helper()
	app, err := tn.p.UpsertApplication(ctxFor(t), uniqueName(workspace, name), workspaceApp(workspace, name))
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestServicePrincipalLifecycle(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "sp", "api")

	got, err := tn.p.ServicePrincipalByAppID(ctx, app.AppID)
	if err != nil || got != nil {
		t.Fatalf("ServicePrincipalByAppID before create = %v, %v; want nil, nil", got, err)
	}
	tags := OwnershipTags("sp", "application.api")
	sp, err := tn.p.CreateServicePrincipal(ctx, app.AppID, tags)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{app.AppID, strings.Join(tags, ",")}, []string{sp.AppID, strings.Join(sp.Tags, ",")}); diff != "" {
		t.Errorf("created service principal appId, tags (-want +got):\n%s", diff)
	}

	// Creating it again finds the existing one and sets the tags.
	newTags := OwnershipTags("sp", "application.api2")
	again, err := tn.p.CreateServicePrincipal(ctx, app.AppID, newTags)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != sp.ID {
		t.Errorf("second create gave service principal %s, want the existing %s", again.ID, sp.ID)
	}
	got, err = tn.p.ServicePrincipalByAppID(ctx, app.AppID)
	if err != nil || got == nil {
		t.Fatalf("ServicePrincipalByAppID = %v, %v", got, err)
	}
	if diff := cmp.Diff(newTags, got.Tags); diff != "" {
		t.Errorf("tags after the second create (-want +got):\n%s", diff)
	}

	if err := tn.p.UpdateServicePrincipalTags(ctx, sp.ID, []string{"custom"}); err != nil {
		t.Fatal(err)
	}
	got, _ = tn.p.ServicePrincipalByAppID(ctx, app.AppID)
	if diff := cmp.Diff([]string{"custom"}, got.Tags); diff != "" {
		t.Errorf("tags after update (-want +got):\n%s", diff)
	}

	if err := tn.p.DeleteServicePrincipal(ctx, sp.ID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.DeleteServicePrincipal(ctx, sp.ID); err != nil {
		t.Errorf("deleting a deleted service principal: %v; want nil", err)
	}
	if got, err := tn.p.ServicePrincipalByAppID(ctx, app.AppID); err != nil || got != nil {
		t.Errorf("ServicePrincipalByAppID after delete = %v, %v; want nil, nil", got, err)
	}
}

// newClient creates an application with its service principal.
func newClient(t testing.TB, tn *tenant, workspace, name string) (*Application, *ServicePrincipal) {
	t.Helper()
	app := newManagedApp(t, tn, workspace, name)
	sp, err := tn.p.CreateServicePrincipal(ctxFor(t), app.AppID, OwnershipTags(workspace, "application."+name))
	if err != nil {
		t.Fatal(err)
	}
	return app, sp
}

func resourceSP(t testing.TB, tn *tenant, appID string) *ServicePrincipal {
	t.Helper()
	sp, err := tn.p.ServicePrincipalByAppID(ctxFor(t), appID)
	if err != nil || sp == nil {
		t.Fatalf("resource %s: %v, %v", appID, sp, err)
	}
	return sp
}

func TestGrantLifecycle(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	_, client := newClient(t, tn, "grants", "web")
	graphSP := resourceSP(t, tn, GraphAppID)

	g, err := tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: client.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: graphUserRead})
	if err != nil {
		t.Fatal(err)
	}
	if g.ID == "" || g.Scope != graphUserRead {
		t.Errorf("created grant %+v; want an id and scope %q", g, graphUserRead)
	}

	// Creating the same grant again sets the scope of the existing one.
	again, err := tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: client.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: "User.Read Sites.Read.All"})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != g.ID || again.Scope != "User.Read Sites.Read.All" {
		t.Errorf("second create gave %+v; want grant %s with the new scope", again, g.ID)
	}
	held := grantsOf(t, tn, client.ID)
	if diff := cmp.Diff([]string{g.ID + " User.Read Sites.Read.All"}, held); diff != "" {
		t.Errorf("grants held after two creates (-want +got):\n%s", diff)
	}

	if err := tn.p.UpdateGrantScope(ctx, g.ID, "User.Read"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{g.ID + " User.Read"}, grantsOf(t, tn, client.ID)); diff != "" {
		t.Errorf("grants after scope update (-want +got):\n%s", diff)
	}
	if err := tn.p.DeleteGrant(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.DeleteGrant(ctx, g.ID); err != nil {
		t.Errorf("deleting a deleted grant: %v; want nil", err)
	}
	if held := grantsOf(t, tn, client.ID); len(held) != 0 {
		t.Errorf("grants after delete: %v; want none", held)
	}
}

// grantsOf lists "id scope" of the grants a client holds.
func grantsOf(t testing.TB, tn *tenant, clientID string) []string {
	t.Helper()
	g, err := tn.p.findGrants(ctxFor(t), clientID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range g {
		out = append(out, x.ID+" "+x.Scope)
	}
	return out
}

func TestAppRoleAssignmentLifecycle(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	_, client := newClient(t, tn, "roles", "daemon")
	graphSP := resourceSP(t, tn, GraphAppID)

	want := AppRoleAssignment{PrincipalID: client.ID, ResourceID: graphSP.ID, AppRoleID: graphSitesReadAll}
	a, err := tn.p.AssignAppRole(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	again, err := tn.p.AssignAppRole(ctx, want)
	if err != nil {
		t.Fatalf("assigning the same role again: %v", err)
	}
	if again.ID != a.ID {
		t.Errorf("second assignment gave %s, want the existing %s", again.ID, a.ID)
	}
	if diff := cmp.Diff([]string{a.ID + " " + graphSitesReadAll}, assignmentsOf(t, tn, client.ID)); diff != "" {
		t.Errorf("assignments after two assigns (-want +got):\n%s", diff)
	}

	if err := tn.p.RemoveAppRole(ctx, graphSP.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.RemoveAppRole(ctx, graphSP.ID, a.ID); err != nil {
		t.Errorf("removing a removed assignment: %v; want nil", err)
	}
	if held := assignmentsOf(t, tn, client.ID); len(held) != 0 {
		t.Errorf("assignments after remove: %v; want none", held)
	}
}

// assignmentsOf lists "id appRoleId" of what a principal holds.
func assignmentsOf(t testing.TB, tn *tenant, principalID string) []string {
	t.Helper()
	held, err := tn.p.assignmentsHeld(ctxFor(t), principalID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range held {
		out = append(out, x.ID+" "+x.AppRoleID)
	}
	return out
}
