package entra

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/entraform/entraform/providers/graph"
)

// appView is what a user sees of an application in these tests.
type appView struct {
	DisplayName    string
	UniqueName     string
	SignInAudience string
	Notes          string
	RedirectURIs   []string
	SPARedirects   []string
	RequiredAccess []RequiredResourceAccess
	Tags           []string
}

func viewOf(a *Application) appView {
	v := appView{DisplayName: a.DisplayName, UniqueName: a.UniqueName, SignInAudience: a.SignInAudience, Tags: a.Tags, RequiredAccess: a.RequiredResourceAccess}
	if a.Notes != nil {
		v.Notes = *a.Notes
	}
	if a.Web != nil {
		v.RedirectURIs = a.Web.RedirectURIs
	}
	if a.SPA != nil {
		v.SPARedirects = a.SPA.RedirectURIs
	}
	return v
}

var emptyIsNil = cmpopts.EquateEmpty()

func TestApplicationLifecycle(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	name := uniqueName("lifecycle", "web")

	got, err := tn.p.ApplicationByUniqueName(ctx, name)
	if err != nil || got != nil {
		t.Fatalf("ApplicationByUniqueName before create = %v, %v; want nil, nil", got, err)
	}

	body := workspaceApp("lifecycle", "web")
	body.Notes = ptr("managed by entraform")
	body.Web = &WebApplication{RedirectURIs: []string{"http://localhost:5555/"}}
	body.RequiredResourceAccess = []RequiredResourceAccess{{
		ResourceAppID:  GraphAppID,
		ResourceAccess: []ResourceAccess{{ID: "332a536c-c7ef-4017-ab91-336970924f0d", Type: "Role"}},
	}}
	created, err := tn.p.UpsertApplication(ctx, name, body)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.AppID == "" {
		t.Fatalf("UpsertApplication returned no ids: %+v", created)
	}
	want := appView{
		DisplayName: "App web", UniqueName: name, SignInAudience: "AzureADMyOrg", Notes: "managed by entraform",
		RedirectURIs:   []string{"http://localhost:5555/"},
		RequiredAccess: body.RequiredResourceAccess,
		Tags:           OwnershipTags("lifecycle", "application.web"),
	}
	if diff := cmp.Diff(want, viewOf(created), emptyIsNil); diff != "" {
		t.Errorf("created application (-want +got):\n%s", diff)
	}

	// Upserting again updates the same application.
	body.DisplayName = "App web v2"
	again, err := tn.p.UpsertApplication(ctx, name, body)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != created.ID || again.AppID != created.AppID {
		t.Errorf("second upsert gave application %s/%s, want the first one %s/%s", again.ID, again.AppID, created.ID, created.AppID)
	}
	apps, err := graph.ListAll[Application](ctx, tn.c, "/applications"+query("$filter", "uniqueName eq "+quote(name)))
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 || apps[0].DisplayName != "App web v2" {
		t.Errorf("applications named %s after two upserts: %+v; want one, displayName %q", name, apps, "App web v2")
	}

	// An update with empty lists clears them; nil leaves them.
	update := Application{
		DisplayName:            "App web v3",
		Web:                    &WebApplication{},
		SPA:                    &RedirectURIs{RedirectURIs: []string{"https://spa.example.org/"}},
		RequiredResourceAccess: []RequiredResourceAccess{},
	}
	if err := tn.p.UpdateApplication(ctx, created.ID, update); err != nil {
		t.Fatal(err)
	}
	got, err = tn.p.ApplicationByUniqueName(ctx, name)
	if err != nil || got == nil {
		t.Fatalf("ApplicationByUniqueName after update = %v, %v", got, err)
	}
	want.DisplayName = "App web v3"
	want.RedirectURIs = nil
	want.SPARedirects = []string{"https://spa.example.org/"}
	want.RequiredAccess = nil
	if diff := cmp.Diff(want, viewOf(got), emptyIsNil); diff != "" {
		t.Errorf("updated application (-want +got):\n%s", diff)
	}

	if err := tn.p.DeleteApplication(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.DeleteApplication(ctx, created.ID); err != nil {
		t.Errorf("deleting a deleted application: %v; want nil", err)
	}
	got, err = tn.p.ApplicationByUniqueName(ctx, name)
	if err != nil || got != nil {
		t.Errorf("ApplicationByUniqueName after delete = %v, %v; want nil, nil", got, err)
	}
}

func TestUpsertNeedsDisplayName(t *testing.T) {
	p := New(nil, Options{})
	if _, err := p.UpsertApplication(ctxFor(t), "x", Application{}); err == nil {
		t.Error("UpsertApplication without a display name succeeded")
	}
}

func TestPatchBody(t *testing.T) {
	tests := []struct {
		name string
		in   Application
		want string
	}{
		{"nil lists are left out", Application{DisplayName: "a"}, `{"displayName":"a"}`},
		{"empty lists clear", Application{Tags: []string{}, IdentifierURIs: []string{}, RequiredResourceAccess: []RequiredResourceAccess{}},
			`{"identifierUris":[],"requiredResourceAccess":[],"tags":[]}`},
		{"read-only fields are never sent", Application{ID: "i", AppID: "a", PasswordCredentials: []PasswordCredential{{KeyID: "k"}}},
			`{}`},
		{"redirect lists are never null", Application{Web: &WebApplication{}, PublicClient: &RedirectURIs{}, SPA: &RedirectURIs{}},
			`{"publicClient":{"redirectUris":[]},"spa":{"redirectUris":[]},"web":{"homePageUrl":null,"logoutUrl":null,"redirectUris":[]}}`},
		{"existing certificates keep key null", Application{KeyCredentials: []KeyCredential{{KeyID: "k1", Type: "AsymmetricX509Cert", Usage: "Verify"}}},
			`{"keyCredentials":[{"key":null,"keyId":"k1","type":"AsymmetricX509Cert","usage":"Verify"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, canonicalJSON(t, patchBody(tt.in))); diff != "" {
				t.Errorf("patchBody (-want +got):\n%s", diff)
			}
		})
	}
}
