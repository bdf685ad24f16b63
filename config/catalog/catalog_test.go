package catalog

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	c := Builtin()
	tests := []struct {
		name     string
		resource string
		kind     Kind
		perm     string
		want     Permission
		wantErr  string
	}{
		{
			name: "graph role by value", resource: GraphAppID, kind: Application, perm: "Sites.Read.All",
			want: Permission{ID: "332a536c-c7ef-4017-ab91-336970924f0d", Value: "Sites.Read.All", Label: "Read items in all site collections", Type: "Application"},
		},
		{
			name: "graph scope by value, any case", resource: GraphAppID, kind: Delegated, perm: "sites.read.all",
			want: Permission{ID: "205e70e5-aba6-4c52-a976-6d2d46c48043", Value: "Sites.Read.All", Label: "Read items in all site collections", Type: "User"},
		},
		{
			name: "sharepoint scope by portal label", resource: SharePointAppID, kind: Delegated, perm: "Read user profiles",
			want: Permission{ID: "0cea5a30-f6f8-42b5-87a0-84cc26822e02", Value: "User.Read.All", Label: "Read user profiles", Type: "Admin"},
		},
		{
			name: "sharepoint role by label", resource: SharePointAppID, kind: Application, perm: "read user profiles",
			want: Permission{ID: "df021288-bdef-4463-88db-98f22de89214", Value: "User.Read.All", Label: "Read user profiles", Type: "Application"},
		},
		{
			name: "typo gets did you mean", resource: GraphAppID, kind: Application, perm: "Sites.Raed.All",
			wantErr: `Microsoft Graph has no application permission "Sites.Raed.All"; did you mean "Sites.Read.All"?`,
		},
		{
			name: "nothing close: no suggestion", resource: GraphAppID, kind: Application, perm: "Teleport.Everyone",
			wantErr: `Microsoft Graph has no application permission "Teleport.Everyone"`,
		},
		{
			name: "delegated-only name under application", resource: GraphAppID, kind: Application, perm: "User.Read",
			wantErr: `"User.Read" is a delegated permission of Microsoft Graph, not an application permission: move it to the delegated list`,
		},
		{
			name: "application-only name under delegated", resource: GraphAppID, kind: Delegated, perm: "Application.ReadWrite.OwnedBy",
			wantErr: `"Application.ReadWrite.OwnedBy" is an application permission of Microsoft Graph, not a delegated permission: move it to the application list`,
		},
		{
			name: "unknown resource", resource: "11111111-2222-3333-4444-555555555555", kind: Delegated, perm: "x",
			wantErr: `resource 11111111-2222-3333-4444-555555555555 is not in the permission catalog`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Resolve(tt.resource, tt.kind, tt.perm)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Resolve = %+v, want error %q", got, tt.wantErr)
				}
				if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
				var re *ResolveError
				if !errors.As(err, &re) {
					t.Errorf("error is %T, want *ResolveError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveAmbiguousLabel(t *testing.T) {
	c := New([]Resource{{
		AppID: "a", DisplayName: "API",
		Scopes: []Permission{
			{ID: "1", Value: "One.Read", Label: "Read things", Type: "User"},
			{ID: "2", Value: "Two.Read", Label: "Read things", Type: "User"},
		},
	}})
	_, err := c.Resolve("A", Delegated, "read things")
	want := `"read things" is the label of several delegated permissions of API ("One.Read", "Two.Read"): use the value instead`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	// The value still resolves.
	got, err := c.Resolve("a", Delegated, "two.read")
	if err != nil || got.ID != "2" {
		t.Fatalf("Resolve(two.read) = %+v, %v", got, err)
	}
}

func TestBuiltinResources(t *testing.T) {
	c := Builtin()
	if diff := cmp.Diff([]string{GraphAppID, SharePointAppID}, c.AppIDs()); diff != "" {
		t.Errorf("AppIDs (-want +got):\n%s", diff)
	}
	sp, ok := c.Resource(SharePointAppID)
	if !ok || sp.DisplayName != "Office 365 SharePoint Online" {
		t.Fatalf("SharePoint resource = %+v, %v", sp.DisplayName, ok)
	}
	for _, r := range []string{GraphAppID, SharePointAppID} {
		res, _ := c.Resource(r)
		for _, p := range append(append([]Permission(nil), res.Scopes...), res.Roles...) {
			if p.ID == "" || p.Value == "" || p.Label == "" || p.Type == "" {
				t.Errorf("%s: incomplete permission %+v", res.DisplayName, p)
			}
		}
	}
}
