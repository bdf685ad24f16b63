package localtenant

import (
	"net/http"
	"strings"
)

func init() { addRoutes(graphUserRoutes) }

// graphUserRoutes are /v1.0/users (read only) and /v1.0/me.
func graphUserRoutes(s *Server) []Route {
	return append(s.collectionRoutes("/v1.0/users", collection{list: s.listUsers, get: s.getUser}, "/{id}"),
		Route{Host: HostGraph, Method: "GET", Pattern: "/v1.0/me", Handler: s.graph(s.getMe)},
	)
}

var userFilter = filterSchema{Type: "User", Props: []string{"id", "userPrincipalName", "displayName", "mail", "givenName", "surname", "accountEnabled"}, Search: true}

// userView is a user as Graph's default $select shows it.
func userView(u *User) map[string]any {
	given, family, _ := strings.Cut(u.DisplayName, " ")
	return map[string]any{
		"id":                u.ID,
		"userPrincipalName": u.UserPrincipalName,
		"displayName":       u.DisplayName,
		"mail":              u.Mail,
		"givenName":         given,
		"surname":           family,
		"businessPhones":    []string{},
		"jobTitle":          nil,
		"mobilePhone":       nil,
		"officeLocation":    nil,
		"preferredLanguage": "en-US",
	}
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, userReadPerms...); err != nil {
		return err
	}
	lq, aerr := parseListQuery(r, userFilter)
	if aerr != nil {
		return aerr
	}
	var all page
	s.read(func(st *Store) {
		all = paginate(lq, items(st.userList(false), func(u *User) any { return userView(u) }))
	})
	s.writeList(w, r, "users", lq, all)
	return nil
}

// getUser reads a user by object id or userPrincipalName. A delegated
// caller may always read itself.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	c := callerOf(r)
	id := r.PathValue("id")
	var out map[string]any
	self := false
	s.read(func(st *Store) {
		u, ok := st.userByID(id, false)
		if !ok {
			u, ok = st.userByUPN(id, false)
		}
		if ok {
			out = userView(u)
			self = !c.AppOnly && strings.EqualFold(c.UserID, u.ID)
		}
	})
	if !(self && hasPerm(c, meScopes...)) && !hasPerm(c, userReadPerms...) {
		return denied()
	}
	if out == nil {
		return notFound(id)
	}
	s.writeEntity(w, r, http.StatusOK, "users", out)
	return nil
}

// getMe is the signed-in user; app-only tokens have none.
func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	c := callerOf(r)
	if c.AppOnly {
		return &apiError{http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow."}
	}
	if !hasPerm(c, meScopes...) {
		return denied()
	}
	var out map[string]any
	s.read(func(st *Store) {
		if u, ok := st.userByID(c.UserID, true); ok {
			out = userView(u)
		}
	})
	if out == nil {
		return notFound(c.UserID)
	}
	s.writeEntity(w, r, http.StatusOK, "users", out)
	return nil
}
