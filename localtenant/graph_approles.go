package localtenant

import (
	"net/http"
	"strings"
)

func init() { addRoutes(graphAppRoleRoutes) }

// graphAppRoleRoutes are app role assignments (application permissions
// granted), seen from both ends: what a client holds
// (/servicePrincipals/{client}/appRoleAssignments) and who holds roles
// on a resource (/servicePrincipals/{resource}/appRoleAssignedTo).
func graphAppRoleRoutes(s *Server) []Route {
	var routes []Route
	for _, sp := range []string{"/v1.0/servicePrincipals/{id}", "/v1.0/servicePrincipals({key})"} {
		for _, nav := range []string{"appRoleAssignments", "appRoleAssignedTo"} {
			routes = append(routes, s.collectionRoutes(sp+"/"+nav, collection{
				list: s.listAssignments, create: s.createAssignment,
				get: s.getAssignment, delete: s.deleteAssignment,
			}, "/{assignment}")...)
		}
	}
	return routes
}

// assignmentFilter is what $filter may use on assignment lists.
var assignmentFilter = filterSchema{Type: "AppRoleAssignment", Props: []string{"principalId", "resourceId", "appRoleId", "principalType", "id"}}

// assignedTo reports whether the route is .../appRoleAssignedTo (the SP
// in the path is the resource) rather than .../appRoleAssignments (the
// SP in the path is the principal).
func assignedTo(r *http.Request) bool {
	return strings.Contains(strings.ToLower(r.URL.Path), "/approleassignedto")
}

// assignmentSet is the @odata.context set of a navigation.
func assignmentSet(r *http.Request, spID string) string {
	nav := "appRoleAssignments"
	if assignedTo(r) {
		nav = "appRoleAssignedTo"
	}
	return "servicePrincipals('" + spID + "')/" + nav
}

// belongs reports whether an assignment is listed under the SP of the path.
func belongs(r *http.Request, a *AppRoleAssignment, spID string) bool {
	if assignedTo(r) {
		return a.ResourceID == spID
	}
	return a.PrincipalID == spID
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, assignmentReadPerms...); err != nil {
		return err
	}
	k, aerr := spKeyOf(r)
	if aerr != nil {
		return aerr
	}
	lq, aerr := parseListQuery(r, assignmentFilter)
	if aerr != nil {
		return aerr
	}
	var all page
	var set string
	err := s.view(func(st *Store) error {
		sp, ok := st.findSP(k, false)
		if !ok {
			return notFound(k.value)
		}
		set = assignmentSet(r, sp.ID)
		all = paginate(lq, items(st.roleAssignments(false, func(a *AppRoleAssignment) bool { return belongs(r, a, sp.ID) }), nil))
		return nil
	})
	if err != nil {
		return err
	}
	s.writeList(w, r, set, lq, all)
	return nil
}

func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, assignmentReadPerms...); err != nil {
		return err
	}
	k, aerr := spKeyOf(r)
	if aerr != nil {
		return aerr
	}
	id := r.PathValue("assignment")
	var out map[string]any
	var set string
	err := s.view(func(st *Store) error {
		sp, ok := st.findSP(k, false)
		if !ok {
			return notFound(k.value)
		}
		a, ok := st.roleAssignmentByID(id, false)
		if !ok || !belongs(r, a, sp.ID) {
			return notFound(id)
		}
		out, set = toMap(a), assignmentSet(r, sp.ID)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusOK, set, out)
	return nil
}

// assignmentInput is the body of a new assignment.
type assignmentInput struct {
	PrincipalID string `json:"principalId"`
	ResourceID  string `json:"resourceId"`
	AppRoleID   string `json:"appRoleId"`
}

// defaultAccessRole is the app role id that stands for "default access"
// on resources without roles.
const defaultAccessRole = "00000000-0000-0000-0000-000000000000"

// createAssignment grants an app role. Through appRoleAssignedTo the
// path names the resource; through appRoleAssignments it names the
// principal. Both ends must be visible to this replica (a service
// principal created a moment ago is not yet); the role must be one the
// resource publishes for applications, and not already held.
func (s *Server) createAssignment(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, assignmentWritePerms...); err != nil {
		return err
	}
	k, aerr := spKeyOf(r)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	if err := checkProperties(body, []string{"principalId", "resourceId", "appRoleId"}, []string{"id", "createdDateTime", "principalDisplayName", "resourceDisplayName", "principalType", "deletedDateTime"}, nil, "appRoleAssignment"); err != nil {
		return err
	}
	var in assignmentInput
	if err := decodeObject(body, &in, "AppRoleAssignment"); err != nil {
		return err
	}
	for name, v := range map[string]string{"principalId": in.PrincipalID, "resourceId": in.ResourceID, "appRoleId": in.AppRoleID} {
		if v == "" {
			return badRequest("A value is required for property '%s' of resource 'AppRoleAssignment'.", name)
		}
	}
	var out map[string]any
	var set string
	err := s.write(func(st *Store) error {
		pathSP, ok := st.findSP(k, false)
		if !ok {
			return notFound(k.value)
		}
		if assignedTo(r) && !strings.EqualFold(in.ResourceID, pathSP.ID) {
			return badRequest("The resourceId '%s' does not match the service principal '%s' in the request URL.", in.ResourceID, pathSP.ID)
		}
		if !assignedTo(r) && !strings.EqualFold(in.PrincipalID, pathSP.ID) {
			return badRequest("The principalId '%s' does not match the service principal '%s' in the request URL.", in.PrincipalID, pathSP.ID)
		}
		resource, ok := st.spByID(in.ResourceID, false)
		if !ok {
			return notFound(in.ResourceID)
		}
		principal, ok := st.spByID(in.PrincipalID, false)
		if !ok {
			return notFound(in.PrincipalID)
		}
		roleID := strings.ToLower(in.AppRoleID)
		if roleID != defaultAccessRole || len(resource.AppRoles) > 0 {
			found := false
			for _, role := range resource.AppRoles {
				if strings.EqualFold(role.ID, roleID) && role.IsEnabled && containsFold(role.AllowedMemberTypes, "Application") {
					found = true
				}
			}
			if !found {
				return badRequest("Permission being assigned was not found on application '%s'.", resource.AppID)
			}
		}
		dup := st.roleAssignments(true, func(a *AppRoleAssignment) bool {
			return a.PrincipalID == principal.ID && a.ResourceID == resource.ID && strings.EqualFold(a.AppRoleID, roleID)
		})
		if len(dup) > 0 {
			return badRequest("Permission being assigned already exists on the object")
		}
		a := &AppRoleAssignment{
			AppRoleID:            roleID,
			PrincipalDisplayName: principal.DisplayName,
			PrincipalID:          principal.ID,
			PrincipalType:        "ServicePrincipal",
			ResourceDisplayName:  resource.DisplayName,
			ResourceID:           resource.ID,
		}
		st.addRoleAssignment(a)
		out, set = toMap(a), assignmentSet(r, pathSP.ID)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusCreated, set, out)
	return nil
}

func (s *Server) deleteAssignment(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, assignmentWritePerms...); err != nil {
		return err
	}
	k, aerr := spKeyOf(r)
	if aerr != nil {
		return aerr
	}
	id := r.PathValue("assignment")
	err := s.write(func(st *Store) error {
		sp, ok := st.findSP(k, true)
		if !ok {
			return notFound(k.value)
		}
		a, ok := st.roleAssignmentByID(id, true)
		if !ok || !belongs(r, a, sp.ID) {
			return notFound(id)
		}
		delete(st.assignments, a.ID)
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
