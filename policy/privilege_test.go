package policy

import "testing"

// TestHighPrivilegeCatalogue covers catalogue entries the built-in
// permission catalog cannot express in a configuration (permissions it
// does not list, which plan resolves against the tenant).
func TestHighPrivilegeCatalogue(t *testing.T) {
	flagged := func(value string, delegated, graph bool) bool {
		for _, e := range highPrivilegeCatalogue() {
			if e.re.MatchString(value) && (!e.graph || graph) && (!delegated || e.delegated) {
				return true
			}
		}
		return false
	}
	tests := []struct {
		value     string
		delegated bool
		graph     bool
		want      bool
	}{
		{"RoleManagement.ReadWrite.Directory", false, true, true},
		{"RoleManagement.ReadWrite.Directory", true, true, true},
		{"RoleManagement.Read.Directory", false, true, true},
		{"Policy.ReadWrite.ConditionalAccess", false, true, true},
		{"UserAuthenticationMethod.ReadWrite.All", false, true, true},
		{"Mail.ReadBasic.All", false, true, true},
		{"Mail.Read", true, true, false}, // delegated: the user's own mailbox
		{"Files.Read.All", false, true, true},
		{"Files.SelectedOperations.Selected", false, true, false},
		{"Sites.FullControl.All", false, false, true}, // SharePoint's too
		{"Sites.Read.All", false, true, false},
		{"AppRoleAssignment.ReadWrite.All", false, true, true},
		{"User.Read.All", false, true, false},
		{"User.ReadWrite.All", false, false, false}, // SharePoint's User.ReadWrite.All is profiles, not the directory
	}
	for _, tt := range tests {
		if got := flagged(tt.value, tt.delegated, tt.graph); got != tt.want {
			t.Errorf("%s (delegated %v, graph %v): flagged = %v, want %v", tt.value, tt.delegated, tt.graph, got, tt.want)
		}
	}
	// Every entry says why.
	for _, e := range highPrivilegeCatalogue() {
		if e.why == "" {
			t.Errorf("%s: no reason", e.re)
		}
	}
}
