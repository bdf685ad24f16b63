package localtenant

import (
	"net/http"
	"strings"
)

func init() { addRoutes(graphGroupRoutes) }

// graphGroupRoutes are /v1.0/groups (read only), a group's members and a
// user's groups (/users/{id}/memberOf). App role assignments of users
// and groups are in graph_principal_assignments.go.
func graphGroupRoutes(s *Server) []Route {
	routes := s.collectionRoutes("/v1.0/groups", collection{list: s.listGroups, get: s.getGroup}, "/{id}")
	routes = append(routes, s.collectionRoutes("/v1.0/groups/{id}/members", collection{list: s.listGroupMembers})...)
	return append(routes, s.collectionRoutes("/v1.0/users/{id}/memberOf", collection{list: s.listMemberOf})...)
}

var (
	// groupReadPerms read every group and its members.
	groupReadPerms = []string{"Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", "GroupMember.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}

	groupFilter  = filterSchema{Type: "Group", Props: []string{"id", "displayName", "mailNickname", "mail", "securityEnabled", "mailEnabled"}, Search: true}
	memberFilter = filterSchema{Type: "DirectoryObject", Props: []string{"id", "displayName", "userPrincipalName"}}
)

// groupView is a group as Graph's default $select shows it.
func groupView(g *Group) map[string]any {
	m := toMap(g)
	if g.GroupTypes == nil {
		m["groupTypes"] = []string{}
	}
	return m
}

// directoryObject is an object of a directoryObject list (members,
// memberOf), which names its type.
func directoryObject(m map[string]any, typ string) map[string]any {
	m["@odata.type"] = "#microsoft.graph." + typ
	return m
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, groupReadPerms...); err != nil {
		return err
	}
	lq, aerr := parseListQuery(r, groupFilter)
	if aerr != nil {
		return aerr
	}
	var all page
	s.read(func(st *Store) {
		all = paginate(lq, items(st.groupList(false), func(g *Group) any { return groupView(g) }))
	})
	s.writeList(w, r, "groups", lq, all)
	return nil
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, groupReadPerms...); err != nil {
		return err
	}
	id := r.PathValue("id")
	var out map[string]any
	s.read(func(st *Store) {
		if g, ok := st.groupByID(id, false); ok {
			out = groupView(g)
		}
	})
	if out == nil {
		return notFound(id)
	}
	s.writeEntity(w, r, http.StatusOK, "groups", out)
	return nil
}

// listGroupMembers lists a group's direct members (users).
func (s *Server) listGroupMembers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, groupReadPerms...); err != nil {
		return err
	}
	id := r.PathValue("id")
	lq, aerr := parseListQuery(r, memberFilter)
	if aerr != nil {
		return aerr
	}
	var all page
	err := s.view(func(st *Store) error {
		g, ok := st.groupByID(id, false)
		if !ok {
			return notFound(id)
		}
		members := list(st, st.users, false, func(u *User) bool { return containsFold(g.Members, u.ID) })
		all = paginate(lq, items(members, func(u *User) any { return directoryObject(userView(u), "user") }))
		return nil
	})
	if err != nil {
		return err
	}
	s.writeList(w, r, "directoryObjects", lq, all)
	return nil
}

// listMemberOf lists the groups a user (by id or userPrincipalName) is
// a direct member of. A delegated caller may always list its own.
func (s *Server) listMemberOf(w http.ResponseWriter, r *http.Request) error {
	c := callerOf(r)
	id := r.PathValue("id")
	lq, aerr := parseListQuery(r, groupFilter)
	if aerr != nil {
		return aerr
	}
	var all page
	err := s.view(func(st *Store) error {
		u, ok := st.userByID(id, false)
		if !ok {
			u, ok = st.userByUPN(id, false)
		}
		self := ok && c != nil && !c.AppOnly && strings.EqualFold(c.UserID, u.ID)
		if !(self && hasPerm(c, meScopes...)) && !hasPerm(c, groupReadPerms...) {
			return denied()
		}
		if !ok {
			return notFound(id)
		}
		all = paginate(lq, items(st.groupsOf(u.ID, false), func(g *Group) any { return directoryObject(groupView(g), "group") }))
		return nil
	})
	if err != nil {
		return err
	}
	s.writeList(w, r, "directoryObjects", lq, all)
	return nil
}
