package localtenant

import (
	"net/http"
	"strings"
)

func init() { addRoutes(graphPrincipalAssignmentRoutes) }

// graphPrincipalAssignmentRoutes are the app role assignments held by a
// user or a group: /users/{id}/appRoleAssignments and
// /groups/{id}/appRoleAssignments (list, create, get, delete). The same
// assignments show under the resource's /appRoleAssignedTo
// (graph_approles.go).
func graphPrincipalAssignmentRoutes(s *Server) []Route {
	var routes []Route
	for _, kind := range []string{principalUser, principalGroup} {
		h := principalAssignments{s: s, kind: kind}
		routes = append(routes, s.collectionRoutes(h.base()+"/{id}/appRoleAssignments", collection{
			list: h.list, create: h.create, get: h.get, delete: h.delete,
		}, "/{assignment}")...)
	}
	return routes
}

var (
	// userAssignmentReadPerms list a user's app role assignments.
	userAssignmentReadPerms = append([]string{"AppRoleAssignment.ReadWrite.All"}, userReadPerms...)
	// groupAssignmentReadPerms list a group's app role assignments.
	groupAssignmentReadPerms = append([]string{"AppRoleAssignment.ReadWrite.All"}, groupReadPerms...)
)

// principalAssignments serves the appRoleAssignments of users or groups.
type principalAssignments struct {
	s    *Server
	kind string // principalUser or principalGroup
}

func (h principalAssignments) base() string {
	if h.kind == principalUser {
		return "/v1.0/users"
	}
	return "/v1.0/groups"
}

func (h principalAssignments) readPerms() []string {
	if h.kind == principalUser {
		return userAssignmentReadPerms
	}
	return groupAssignmentReadPerms
}

// set is the @odata.context set of the navigation.
func (h principalAssignments) set(id string) string {
	return strings.TrimPrefix(h.base(), "/v1.0/") + "('" + id + "')/appRoleAssignments"
}

// find looks the path's user (by id or userPrincipalName) or group up.
func (h principalAssignments) find(st *Store, r *http.Request, primary bool) (string, *apiError) {
	id := r.PathValue("id")
	if h.kind == principalUser {
		u, ok := st.userByID(id, primary)
		if !ok {
			u, ok = st.userByUPN(id, primary)
		}
		if !ok {
			return "", notFound(id)
		}
		return u.ID, nil
	}
	g, ok := st.groupByID(id, primary)
	if !ok {
		return "", notFound(id)
	}
	return g.ID, nil
}

func (h principalAssignments) list(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, h.readPerms()...); err != nil {
		return err
	}
	lq, aerr := parseListQuery(r, assignmentFilter)
	if aerr != nil {
		return aerr
	}
	var all page
	var set string
	err := h.s.view(func(st *Store) error {
		id, aerr := h.find(st, r, false)
		if aerr != nil {
			return aerr
		}
		set = h.set(id)
		all = paginate(lq, items(st.roleAssignments(false, func(a *AppRoleAssignment) bool { return a.PrincipalID == id }), nil))
		return nil
	})
	if err != nil {
		return err
	}
	h.s.writeList(w, r, set, lq, all)
	return nil
}

func (h principalAssignments) get(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, h.readPerms()...); err != nil {
		return err
	}
	aid := r.PathValue("assignment")
	return h.entity(w, r, http.StatusOK, false, func(st *Store, id string) (*AppRoleAssignment, *apiError) {
		return st.assignmentOf(aid, false, func(a *AppRoleAssignment) bool { return a.PrincipalID == id })
	})
}

func (h principalAssignments) create(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, assignmentWritePerms...); err != nil {
		return err
	}
	in, aerr := readAssignmentInput(r)
	if aerr != nil {
		return aerr
	}
	return h.entity(w, r, http.StatusCreated, true, func(st *Store, id string) (*AppRoleAssignment, *apiError) {
		if !strings.EqualFold(in.PrincipalID, id) {
			return nil, badRequest("The principalId '%s' does not match the %s '%s' in the request URL.", in.PrincipalID, strings.ToLower(h.kind), id)
		}
		return st.assignRole(in)
	})
}

// entity writes with status the assignment fn finds or makes (in a read
// of the store, or a write) for the principal the request names.
func (h principalAssignments) entity(w http.ResponseWriter, r *http.Request, status int, write bool, fn func(st *Store, id string) (*AppRoleAssignment, *apiError)) error {
	run := h.s.view
	if write {
		run = h.s.write
	}
	var out map[string]any
	var set string
	err := run(func(st *Store) error {
		id, aerr := h.find(st, r, false)
		if aerr != nil {
			return aerr
		}
		a, aerr := fn(st, id)
		if aerr != nil {
			return aerr
		}
		out, set = toMap(a), h.set(id)
		return nil
	})
	if err != nil {
		return err
	}
	h.s.writeEntity(w, r, status, set, out)
	return nil
}

func (h principalAssignments) delete(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, assignmentWritePerms...); err != nil {
		return err
	}
	aid := r.PathValue("assignment")
	err := h.s.write(func(st *Store) error {
		id, aerr := h.find(st, r, true)
		if aerr != nil {
			return aerr
		}
		a, aerr := st.assignmentOf(aid, true, func(a *AppRoleAssignment) bool { return a.PrincipalID == id })
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

// readAssignmentInput reads and checks the body of a new assignment.
func readAssignmentInput(r *http.Request) (assignmentInput, *apiError) {
	var in assignmentInput
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return in, aerr
	}
	if err := checkProperties(body, []string{"principalId", "resourceId", "appRoleId"}, []string{"id", "createdDateTime", "principalDisplayName", "resourceDisplayName", "principalType", "deletedDateTime"}, nil, "appRoleAssignment"); err != nil {
		return in, err
	}
	if err := decodeObject(body, &in, "AppRoleAssignment"); err != nil {
		return in, err
	}
	return in, in.check()
}

// check refuses an assignment without principal, resource or role.
func (in assignmentInput) check() *apiError {
	for _, f := range []struct{ name, v string }{{"principalId", in.PrincipalID}, {"resourceId", in.ResourceID}, {"appRoleId", in.AppRoleID}} {
		if f.v == "" {
			return badRequest("A value is required for property '%s' of resource 'AppRoleAssignment'.", f.name)
		}
	}
	return nil
}

// assignRole stores a new assignment of in.AppRoleID on the resource
// service principal to a service principal, user or group. Both ends
// must be visible to this replica (an object created a moment ago is
// not yet). The role must be an enabled role of the resource that allows
// the principal's member type ("Application" for service principals,
// "User" for users and groups); the default access role
// (00000000-0000-0000-0000-000000000000) is accepted only when the
// resource has no such role. An assignment held already is refused.
func (st *Store) assignRole(in assignmentInput) (*AppRoleAssignment, *apiError) {
	resource, ok := st.spByID(in.ResourceID, false)
	if !ok {
		return nil, notFound(in.ResourceID)
	}
	p, ok := st.principalByID(in.PrincipalID, false)
	if !ok {
		return nil, notFound(in.PrincipalID)
	}
	roleID := strings.ToLower(in.AppRoleID)
	found, typed := false, false
	for _, role := range resource.AppRoles {
		if !role.IsEnabled || !containsFold(role.AllowedMemberTypes, p.memberType()) {
			continue
		}
		typed = true
		if strings.EqualFold(role.ID, roleID) {
			found = true
		}
	}
	if !found && (roleID != defaultAccessRole || typed) {
		return nil, badRequest("Permission being assigned was not found on application '%s'.", resource.AppID)
	}
	dup := st.roleAssignments(true, func(a *AppRoleAssignment) bool {
		return a.PrincipalID == p.id && a.ResourceID == resource.ID && strings.EqualFold(a.AppRoleID, roleID)
	})
	if len(dup) > 0 {
		return nil, badRequest("Permission being assigned already exists on the object")
	}
	a := &AppRoleAssignment{
		AppRoleID:            roleID,
		PrincipalDisplayName: p.displayName,
		PrincipalID:          p.id,
		PrincipalType:        p.kind,
		ResourceDisplayName:  resource.DisplayName,
		ResourceID:           resource.ID,
	}
	st.addRoleAssignment(a)
	return a, nil
}
