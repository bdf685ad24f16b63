package localtenant

import (
	"net/http"
	"strings"
	"time"
)

func init() { addRoutes(graphDeletedItemRoutes) }

// graphDeletedItemRoutes are the directory's deleted items, where a
// deleted application or service principal stays restorable (Graph keeps
// them 30 days): the list of each type (the type cast is required),
// one item by id, POST .../restore, and DELETE for a permanent delete.
//
// Deleting an application deletes its service principal with it, and
// restoring the application restores that service principal too. The
// delegated grants, app role assignments and site permissions of a
// deleted object are removed when it is deleted and do not come back.
// A deleted application's uniqueName is free for a new application;
// restoring it while another holds the name is refused.
func graphDeletedItemRoutes(s *Server) []Route {
	const base = "/v1.0/directory/deletedItems"
	var routes []Route
	add := func(method, pattern string, h graphHandler) {
		routes = append(routes, Route{Host: HostGraph, Method: method, Pattern: pattern, Handler: s.graph(h)})
	}
	add("GET", base, s.listDeletedUncast)
	add("GET", base+"/microsoft.graph.application", s.listDeleted(deletedApps))
	add("GET", base+"/microsoft.graph.servicePrincipal", s.listDeleted(deletedSPs))
	add("GET", base+"/{id}", s.getDeleted)
	add("POST", base+"/{id}/restore", s.restoreDeleted)
	add("DELETE", base+"/{id}", s.purgeDeleted)
	return routes
}

// deletedKind is one type of deleted items.
type deletedKind int

const (
	deletedApps deletedKind = iota
	deletedSPs
)

// deletedView renders a deleted application or service principal with
// its @odata.type and deletedDateTime.
func deletedView(ver string, o object) map[string]any {
	var m map[string]any
	switch v := o.(type) {
	case *Application:
		m = applicationJSON(ver, v)
		m["@odata.type"] = "#microsoft.graph.application"
	case *ServicePrincipal:
		m = servicePrincipalJSON(ver, v)
		m["@odata.type"] = "#microsoft.graph.servicePrincipal"
	}
	m["deletedDateTime"] = o.meta().Deleted.UTC().Truncate(time.Second).Format(time.RFC3339)
	return m
}

func (s *Server) listDeletedUncast(w http.ResponseWriter, r *http.Request) error {
	return badRequest("Listing deleted items needs the type of the items: /directory/deletedItems/microsoft.graph.application, microsoft.graph.servicePrincipal, microsoft.graph.user or microsoft.graph.group.")
}

func (s *Server) listDeleted(kind deletedKind) graphHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, level, aerr := appCaller(r, false)
		if aerr != nil {
			return aerr
		}
		set, schema := "applications", applicationFilter
		if kind == deletedSPs {
			set, schema = "servicePrincipals", servicePrincipalFilter
		}
		schema.Expand = nil
		lq, aerr := parseListQuery(r, schema)
		if aerr != nil {
			return aerr
		}
		ver := apiVersion(r)
		var all page
		s.read(func(st *Store) {
			if kind == deletedApps {
				apps := sorted(st.apps, func(a *Application) bool { return !live(a) && mayTouchApp(c, level, a) })
				all = paginate(lq, items(apps, func(a *Application) any { return deletedView(ver, a) }))
				return
			}
			sps := sorted(st.sps, func(sp *ServicePrincipal) bool { return !live(sp) && mayTouchDeletedSP(st, c, level, sp) })
			all = paginate(lq, items(sps, func(sp *ServicePrincipal) any { return deletedView(ver, sp) }))
		})
		s.writeList(w, r, "directory/deletedItems/microsoft.graph."+strings.TrimSuffix(set, "s"), lq, all)
		return nil
	}
}

// mayTouchDeletedSP is mayTouchSP for a deleted service principal, whose
// application may be deleted too.
func mayTouchDeletedSP(st *Store, c *Caller, level accessLevel, sp *ServicePrincipal) bool {
	if level == accessAll {
		return true
	}
	for _, a := range st.apps {
		if strings.EqualFold(a.AppID, sp.AppID) {
			return level == accessOwned && owns(c, a)
		}
	}
	return false
}

// deletedItem finds a deleted application or service principal by id
// that the caller may touch: 404 otherwise (403 when it may not).
func deletedItem(st *Store, c *Caller, level accessLevel, id string) (object, *apiError) {
	id = strings.ToLower(id)
	if a, ok := st.apps[id]; ok && !live(a) {
		if !mayTouchApp(c, level, a) {
			return nil, denied()
		}
		return a, nil
	}
	if sp, ok := st.sps[id]; ok && !live(sp) {
		if !mayTouchDeletedSP(st, c, level, sp) {
			return nil, denied()
		}
		return sp, nil
	}
	return nil, notFound(id)
}

// onDeletedItem runs fn on the deleted item the request names, in a
// write or a read of the store, once the caller may touch it.
func (s *Server) onDeletedItem(r *http.Request, write bool, fn func(st *Store, o object) error) error {
	c, level, aerr := appCaller(r, write)
	if aerr != nil {
		return aerr
	}
	run := s.view
	if write {
		run = s.write
	}
	return run(func(st *Store) error {
		o, err := deletedItem(st, c, level, r.PathValue("id"))
		if err != nil {
			return err
		}
		return fn(st, o)
	})
}

func (s *Server) getDeleted(w http.ResponseWriter, r *http.Request) error {
	var out map[string]any
	err := s.onDeletedItem(r, false, func(_ *Store, o object) error {
		out = deletedView(apiVersion(r), o)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusOK, "directoryObjects", out)
	return nil
}

func (s *Server) restoreDeleted(w http.ResponseWriter, r *http.Request) error {
	var out map[string]any
	err := s.onDeletedItem(r, true, func(st *Store, o object) error {
		switch v := o.(type) {
		case *Application:
			if v.UniqueName != nil {
				if other, taken := st.appByUniqueName(*v.UniqueName, true); taken && other != v {
					return badRequest("The application cannot be restored: another application holds its uniqueName '%s'.", *v.UniqueName)
				}
			}
			// Its service principal, deleted with it, comes back too.
			for _, sp := range st.sps {
				if !live(sp) && strings.EqualFold(sp.AppID, v.AppID) && sp.Deleted.Equal(v.Deleted) {
					sp.Deleted = time.Time{}
				}
			}
			v.Deleted = time.Time{}
		case *ServicePrincipal:
			if _, ok := st.appByAppID(v.AppID, true); !ok && !v.Seeded {
				return badRequest("The service principal cannot be restored: its application %s is deleted; restore the application first.", v.AppID)
			}
			if _, ok := st.spByAppID(v.AppID, true); ok {
				return badRequest("The service principal cannot be restored: application %s has another service principal.", v.AppID)
			}
			v.Deleted = time.Time{}
		}
		out = deletedView(apiVersion(r), o)
		delete(out, "deletedDateTime")
		out["deletedDateTime"] = nil
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusOK, "directoryObjects", out)
	return nil
}

func (s *Server) purgeDeleted(w http.ResponseWriter, r *http.Request) error {
	err := s.onDeletedItem(r, true, func(st *Store, o object) error {
		switch v := o.(type) {
		case *Application:
			delete(st.apps, v.ID)
		case *ServicePrincipal:
			delete(st.sps, v.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
