package localtenant

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGraphAliasPath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/v1.0/myorganization/applications", "/v1.0/applications"},
		{"/beta/myorganization/servicePrincipals/abc/owners", "/beta/servicePrincipals/abc/owners"},
		{"/v1.0/MyOrganization/applications(appId='x')", "/v1.0/applications(appId='x')"},
		{"/v1.0/myorganization", "/v1.0/"},
		{"/v1.0/applications", "/v1.0/applications"},
		{"/v1.0/sites/myorganization", "/v1.0/sites/myorganization"},
		{"/", "/"},
	} {
		if got := graphAliasPath(tt.in); got != tt.want {
			t.Errorf("graphAliasPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMyOrganizationAlias(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	created := op.must(http.StatusCreated, "POST", "/myorganization/applications", map[string]any{"displayName": "through the alias"})
	got := op.must(http.StatusOK, "GET", "/myorganization/applications(appId='"+created.str("appId")+"')?$select=displayName", nil)
	if diff := cmp.Diff("through the alias", got.str("displayName")); diff != "" {
		t.Errorf("read through the alias (-want +got):\n%s", diff)
	}
	if got := op.must(http.StatusOK, "GET", "/applications/"+created.str("id"), nil).str("displayName"); got != "through the alias" {
		t.Errorf("read without the alias: %q", got)
	}
	// The alias is Graph's only: other hosts do not have it.
	if r := op.do("GET", spoBase+"/myorganization/_api/web", nil); r.status != http.StatusNotImplemented {
		t.Errorf("SharePoint /myorganization: HTTP %d", r.status)
	}
}
