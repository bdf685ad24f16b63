package localtenant

import (
	"net/http"
	"strings"
)

func init() { addRoutes(graphGroupMemberRoutes) }

// graphGroupMemberRoutes change a group's members:
// POST /groups/{id}/members/$ref {"@odata.id": ".../directoryObjects/{id}"}
// and DELETE /groups/{id}/members/{member}/$ref. Members are users.
func graphGroupMemberRoutes(s *Server) []Route {
	return []Route{
		{Host: HostGraph, Method: "POST", Pattern: "/v1.0/groups/{id}/members/$ref", Handler: s.graph(s.addGroupMember)},
		{Host: HostGraph, Method: "DELETE", Pattern: "/v1.0/groups/{id}/members/{member}/$ref", Handler: s.graph(s.removeGroupMember)},
	}
}

// groupMemberWritePerms add and remove members of any group.
var groupMemberWritePerms = []string{"GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"}

func (s *Server) addGroupMember(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, groupMemberWritePerms...); err != nil {
		return err
	}
	member, aerr := refBodyID(r)
	if aerr != nil {
		return aerr
	}
	gid := r.PathValue("id")
	err := s.write(func(st *Store) error {
		g, ok := st.groupByID(gid, true)
		if !ok {
			return notFound(gid)
		}
		if _, ok := st.userByID(member, true); !ok {
			return notFound(member)
		}
		if containsFold(g.Members, member) {
			return badRequest("One or more added object references already exist for the following modified properties: 'members'.")
		}
		g.Members = append(append([]string(nil), g.Members...), member)
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) removeGroupMember(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, groupMemberWritePerms...); err != nil {
		return err
	}
	gid, member := r.PathValue("id"), r.PathValue("member")
	err := s.write(func(st *Store) error {
		g, ok := st.groupByID(gid, true)
		if !ok {
			return notFound(gid)
		}
		kept := make([]string, 0, len(g.Members))
		for _, m := range g.Members {
			if !strings.EqualFold(m, member) {
				kept = append(kept, m)
			}
		}
		if len(kept) == len(g.Members) {
			return notFound(member)
		}
		g.Members = kept
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
