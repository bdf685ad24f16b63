package localtenant

// $expand of directory objects' navigation properties, within Graph's
// documented limits: a list with $expand returns at most 100 objects a
// page, and each expanded navigation property inlines at most 20 related
// objects.

const (
	maxExpandPageSize = 100
	maxExpandedItems  = 20
)

// applicationExpand are the navigation properties of an application that
// $expand may inline.
var applicationExpand = []string{"federatedIdentityCredentials", "owners"}

// servicePrincipalExpand are those of a service principal.
var servicePrincipalExpand = []string{"owners", "appRoleAssignments", "appRoleAssignedTo"}

// expandApplication inlines the navigation properties in expand into m,
// the application's rendered JSON. Call it under the store lock.
func expandApplication(st *Store, ver string, a *Application, m map[string]any, expand []string) {
	for _, nav := range expand {
		switch nav {
		case "federatedIdentityCredentials":
			fics := []any{}
			for _, f := range st.federatedCredentials(a, false) {
				if len(fics) == maxExpandedItems {
					break
				}
				fics = append(fics, toMap(f))
			}
			m[nav] = fics
		case "owners":
			m[nav] = ownerViews(st, ver, a.Owners, maxExpandedItems)
		}
	}
}

// expandServicePrincipal is expandApplication for a service principal.
func expandServicePrincipal(st *Store, ver string, sp *ServicePrincipal, m map[string]any, expand []string) {
	for _, nav := range expand {
		switch nav {
		case "owners":
			m[nav] = ownerViews(st, ver, sp.Owners, maxExpandedItems)
		case "appRoleAssignments", "appRoleAssignedTo":
			keep := func(a *AppRoleAssignment) bool { return a.PrincipalID == sp.ID }
			if nav == "appRoleAssignedTo" {
				keep = func(a *AppRoleAssignment) bool { return a.ResourceID == sp.ID }
			}
			out := []any{}
			for _, a := range st.roleAssignments(false, keep) {
				if len(out) == maxExpandedItems {
					break
				}
				out = append(out, toMap(a))
			}
			m[nav] = out
		}
	}
}
