package entra

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPaths(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"plain unique name", applicationByUniqueNamePath("entraform.hr.web"), "/applications(uniqueName='entraform.hr.web')"},
		{"quote doubled, slash and space escaped", applicationByUniqueNamePath("it's a/b"), "/applications(uniqueName='it''s%20a%2Fb')"},
		{"service principal by appId", servicePrincipalByAppIDPath(GraphAppID), "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')"},
		{"tag filter", "/applications" + query("$filter", tagFilter(WorkspaceTag("hr")), "$top", "999"),
			"/applications?$filter=tags/any(t:t%20eq%20'entraform:workspace:hr')&$top=999"},
		{"filter value with & and quote", query("$filter", "clientId eq "+quote("a&b'c")), "?$filter=clientId%20eq%20'a%26b''c'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
