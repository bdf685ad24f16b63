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

// assignmentOf is the app role assignment id when of says it belongs
// where the request names it: 404 otherwise.
func (st *Store) assignmentOf(id string, primary bool, of func(*AppRoleAssignment) bool) (*AppRoleAssignment, *apiError) {
	a, ok := st.roleAssignmentByID(id, primary)
	if !ok || !of(a) {
		return nil, notFound(id)
	}
	return a, nil
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
		a, aerr := st.assignmentOf(id, false, func(a *AppRoleAssignment) bool { return belongs(r, a, sp.ID) })
		if aerr != nil {
			return aerr
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
// path names the resource and the principal may be a service principal,
// a user or a group; through appRoleAssignments it names the principal
// (a service principal). st.assignRole checks the rest.
func (s *Server) createAssignment(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, assignmentWritePerms...); err != nil {
		return err
	}
	k, aerr := spKeyOf(r)
	if aerr != nil {
		return aerr
	}
	in, aerr := readAssignmentInput(r)
	if aerr != nil {
		return aerr
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
		a, aerr := st.assignRole(in)
		if aerr != nil {
			return aerr
		}
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
		a, aerr := st.assignmentOf(id, true, func(a *AppRoleAssignment) bool { return belongs(r, a, sp.ID) })
		if aerr != nil {
			return aerr
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
