package entra

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// snapshotView is what a reader of a snapshot cares about, in names.
type snapshotView struct {
	Applications      []string // "displayName [federated credential names]"
	ServicePrincipals []string // displayName
	Resources         []string // displayName
	Grants            []string // "client -> resource: scope"
	Assignments       []string // "principal -> resource: appRoleId"
}

func viewSnapshot(s *Snapshot) snapshotView {
	var v snapshotView
	names := map[string]string{}
	for _, app := range s.Applications {
		var fics []string
		for _, f := range app.FederatedIdentityCredentials {
			fics = append(fics, f.Name)
		}
		slices.Sort(fics)
		v.Applications = append(v.Applications, fmt.Sprintf("%s %v", app.DisplayName, fics))
	}
	for _, sp := range s.ServicePrincipals {
		names[sp.ID] = sp.DisplayName
		v.ServicePrincipals = append(v.ServicePrincipals, sp.DisplayName)
	}
	for _, r := range s.Resources {
		names[r.ID] = r.DisplayName
		v.Resources = append(v.Resources, r.DisplayName)
	}
	for _, g := range s.Grants {
		v.Grants = append(v.Grants, fmt.Sprintf("%s -> %s: %s", names[g.ClientID], names[g.ResourceID], g.Scope))
	}
	for _, a := range s.Assignments {
		v.Assignments = append(v.Assignments, fmt.Sprintf("%s -> %s: %s", names[a.PrincipalID], names[a.ResourceID], a.AppRoleID))
	}
	for _, l := range [][]string{v.Applications, v.ServicePrincipals, v.Resources, v.Grants, v.Assignments} {
		slices.Sort(l)
	}
	return v
}

// readFixture builds workspace "read" with every shape Read must handle:
//
//	A   managed, tagged service principal, grant, role assignment, secret,
//	    federated credential, asks for permissions of the custom API
//	B   managed, service principal without tags, role on SharePoint
//	C   managed, no service principal
//	Legacy  unmanaged, adopted, with a service principal and a grant
//	Orphan  an unmanaged app whose service principal is tagged for "read"
//	Other, API  workspace "other": must not be read (API only as a resource)
func readFixture(t *testing.T, tn *tenant) (adopt []string) {
	t.Helper()
	ctx := ctxFor(t)
	graphSP := resourceSP(t, tn, GraphAppID)
	spoSP := resourceSP(t, tn, SharePointAppID)

	apiApp, _ := newClient(t, tn, "other", "API")
	aBody := workspaceApp("read", "A")
	aBody.RequiredResourceAccess = []RequiredResourceAccess{{ResourceAppID: apiApp.AppID, ResourceAccess: []ResourceAccess{}}}
	a, err := tn.p.UpsertApplication(ctx, uniqueName("read", "A"), aBody)
	if err != nil {
		t.Fatal(err)
	}
	aSP, err := tn.p.CreateServicePrincipal(ctx, a.AppID, OwnershipTags("read", "application.A"))
	if err != nil {
		t.Fatal(err)
	}
	ok(t)(tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: aSP.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: "User.Read"}))
	ok(t)(tn.p.AssignAppRole(ctx, AppRoleAssignment{PrincipalID: aSP.ID, ResourceID: graphSP.ID, AppRoleID: graphSitesReadAll}))
	ok(t)(tn.p.AddPassword(ctx, a.ID, "web", time.Now().Add(24*time.Hour)))
	ok(t)(tn.p.CreateFederatedCredential(ctx, a.ID, FederatedIdentityCredential{
		Name: "github_main", Issuer: "https://token.actions.githubusercontent.com",
		Subject: "repo:contoso/x:ref:refs/heads/main", Audiences: []string{"api://AzureADTokenExchange"},
	}))

	b := newManagedApp(t, tn, "read", "B")
	bSP := must[*ServicePrincipal](t)(tn.p.CreateServicePrincipal(ctx, b.AppID, nil))
	ok(t)(tn.p.AssignAppRole(ctx, AppRoleAssignment{PrincipalID: bSP.ID, ResourceID: spoSP.ID, AppRoleID: "20d37865-089c-4dee-8c41-6967602d4ac8"}))

	newManagedApp(t, tn, "read", "C")

	legacy := must[*Application](t)(tn.p.UpsertApplication(ctx, "legacy-app", Application{DisplayName: "App Legacy"}))
	legacySP := must[*ServicePrincipal](t)(tn.p.CreateServicePrincipal(ctx, legacy.AppID, nil))
	ok(t)(tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: legacySP.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: "User.Read.All"}))

	orphan := must[*Application](t)(tn.p.UpsertApplication(ctx, "orphan-app", Application{DisplayName: "App Orphan"}))
	ok(t)(tn.p.CreateServicePrincipal(ctx, orphan.AppID, OwnershipTags("read", "application.Orphan")))

	_, otherSP := newClient(t, tn, "other", "Other")
	ok(t)(tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: otherSP.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: "User.Read"}))
	ok(t)(tn.p.AssignAppRole(ctx, AppRoleAssignment{PrincipalID: otherSP.ID, ResourceID: graphSP.ID, AppRoleID: graphSitesReadAll}))
	return []string{legacy.AppID}
}

// must returns a function that fails the test on an error and otherwise
// returns the value: must[*Application](t)(p.UpsertApplication(...)).
func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// ok fails the test on an error and ignores the value.
func ok(t testing.TB) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRead(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	adopt := readFixture(t, tn)
	req := ReadRequest{Workspace: "read", Adopt: adopt}

	want := snapshotView{
		Applications:      []string{"App A [github_main]", "App B []", "App C []", "App Legacy []"},
		ServicePrincipals: []string{"App A", "App B", "App Legacy", "App Orphan"},
		Resources:         []string{"App API", "Microsoft Graph", "Office 365 SharePoint Online"},
		Grants:            []string{"App A -> Microsoft Graph: User.Read", "App Legacy -> Microsoft Graph: User.Read.All"},
		Assignments: []string{
			"App A -> Microsoft Graph: " + graphSitesReadAll,
			"App B -> Office 365 SharePoint Online: 20d37865-089c-4dee-8c41-6967602d4ac8",
		},
	}
	perPrincipal := must[*Snapshot](t)(tn.p.Read(ctx, req))
	if diff := cmp.Diff(want, viewSnapshot(perPrincipal)); diff != "" {
		t.Errorf("Read (-want +got):\n%s", diff)
	}
	for _, app := range perPrincipal.Applications {
		if app.DisplayName == "App A" && len(app.PasswordCredentials) != 1 {
			t.Errorf("application A has %d secrets in the snapshot, want 1", len(app.PasswordCredentials))
		}
	}

	// Reading per resource (large workspaces) finds the same.
	byResource := New(tn.c, Options{PerPrincipalLimit: -1})
	perResource := must[*Snapshot](t)(byResource.Read(ctx, req))
	if diff := cmp.Diff(perPrincipal, perResource); diff != "" {
		t.Errorf("Read per resource differs from Read per principal (-per principal +per resource):\n%s", diff)
	}

	// The naive baseline reads the same, one GET at a time.
	naive := must[*Snapshot](t)(tn.p.ReadNaive(ctx, req))
	if diff := cmp.Diff(perPrincipal, naive); diff != "" {
		t.Errorf("ReadNaive differs from Read (-Read +ReadNaive):\n%s", diff)
	}
}

func TestReadEmptyWorkspace(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	snap := must[*Snapshot](t)(tn.p.Read(ctxFor(t), ReadRequest{Workspace: "nothing-here", Adopt: []string{"11111111-2222-3333-4444-555555555555"}}))
	want := snapshotView{Resources: []string{"Microsoft Graph", "Office 365 SharePoint Online"}}
	if diff := cmp.Diff(want, viewSnapshot(snap)); diff != "" {
		t.Errorf("Read of an empty workspace adopting a missing app (-want +got):\n%s", diff)
	}
	if _, err := tn.p.Read(ctxFor(t), ReadRequest{}); err == nil {
		t.Error("Read without a workspace succeeded")
	}
}

// seedWorkspace creates n managed applications in a workspace, each with a
// tagged service principal and a delegated grant on Microsoft Graph; every
// second one an app role assignment, every third a secret, every fourth a
// federated credential. It creates them 16 at a time.
func seedWorkspace(t testing.TB, tn *tenant, workspace string, n int) {
	t.Helper()
	ctx := ctxFor(t)
	graphSP := resourceSP(t, tn, GraphAppID)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("app%04d", i)
	}
	err := eachN(16, names, func(i int, name string) error {
		app, err := tn.p.UpsertApplication(ctx, uniqueName(workspace, name), workspaceApp(workspace, name))
		if err != nil {
			return err
		}
		sp, err := tn.p.CreateServicePrincipal(ctx, app.AppID, OwnershipTags(workspace, "application."+name))
		if err != nil {
			return err
		}
		if _, err := tn.p.CreateGrant(ctx, OAuth2PermissionGrant{ClientID: sp.ID, ResourceID: graphSP.ID, ConsentType: "AllPrincipals", Scope: "User.Read"}); err != nil {
			return err
		}
		if i%2 == 0 {
			if _, err := tn.p.AssignAppRole(ctx, AppRoleAssignment{PrincipalID: sp.ID, ResourceID: graphSP.ID, AppRoleID: graphSitesReadAll}); err != nil {
				return err
			}
		}
		if i%3 == 0 {
			if _, err := tn.p.AddPassword(ctx, app.ID, "web", time.Now().Add(time.Hour)); err != nil {
				return err
			}
		}
		if i%4 == 0 {
			_, err := tn.p.CreateFederatedCredential(ctx, app.ID, FederatedIdentityCredential{
				Name: "main", Issuer: "https://token.actions.githubusercontent.com",
				Subject: "repo:contoso/" + name + ":ref:refs/heads/main", Audiences: []string{"api://AzureADTokenExchange"},
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// eachN runs f over items, limit at a time; the first error wins.
func eachN[T any](limit int, items []T, f func(int, T) error) error {
	sem := make(chan struct{}, limit)
	errs := make(chan error, len(items))
	for i, it := range items {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- f(i, it)
		}()
	}
	for range items {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// checkSeeded asserts the counts seedWorkspace leads to.
func checkSeeded(t testing.TB, s *Snapshot, n int) {
	t.Helper()
	fics := 0
	for _, app := range s.Applications {
		fics += len(app.FederatedIdentityCredentials)
	}
	got := []int{len(s.Applications), len(s.ServicePrincipals), len(s.Grants), len(s.Assignments), fics}
	want := []int{n, n, n, (n + 1) / 2, (n + 3) / 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("applications, service principals, grants, assignments, federated credentials (-want +got):\n%s", diff)
	}
}

func TestReadRequestCount(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, tenantOptions{})
	const n = 200
	seedWorkspace(t, tn, "bulk200", n)
	ctx := ctxFor(t)
	req := ReadRequest{Workspace: "bulk200"}

	tn.s.ResetRequests()
	snap := must[*Snapshot](t)(tn.p.Read(ctx, req))
	checkSeeded(t, snap, n)
	bulk, summary := tn.graphRequests(), tn.requestSummary()
	// Pages and batches, not objects: the application list (federated
	// credentials expanded), the service principal list, the resources
	// batch, the per-resource lists' batch, and slack for further pages.
	if limit := 8; bulk > limit {
		t.Errorf("Read of %d applications sent %d Graph requests, want at most %d:\n%s", n, bulk, limit, summary)
	}

	// A service that refuses the $expand costs a batch per 20 applications.
	noExpand := New(tn.c, Options{})
	noExpand.noExpand.Store(true)
	tn.s.ResetRequests()
	fallback := must[*Snapshot](t)(noExpand.Read(ctx, req))
	if diff := cmp.Diff(snap, fallback); diff != "" {
		t.Errorf("Read without $expand differs from Read (-with +without):\n%s", diff)
	}
	fallbackCount := tn.graphRequests()
	if limit := 8 + n/20; fallbackCount > limit {
		t.Errorf("Read of %d applications without $expand sent %d Graph requests, want at most %d:\n%s", n, fallbackCount, limit, tn.requestSummary())
	}

	tn.s.ResetRequests()
	naive := must[*Snapshot](t)(tn.p.ReadNaive(ctx, req))
	naiveCount := tn.graphRequests()
	if diff := cmp.Diff(snap, naive); diff != "" {
		t.Errorf("ReadNaive differs from Read (-Read +ReadNaive):\n%s", diff)
	}
	if naiveCount < 5*n {
		t.Errorf("ReadNaive sent %d requests for %d applications, want at least %d (it is the one-GET-per-object baseline)", naiveCount, n, 5*n)
	}
	t.Logf("reading %d applications with their children: %d requests in bulk, %d without $expand, %d naively", n, bulk, fallbackCount, naiveCount)
}
