package localtenant

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

func init() { addRoutes(graphOwnerRoutes) }

// graphOwnerRoutes are the owners of applications and service
// principals: GET .../owners (directory objects: users and service
// principals), POST .../owners/$ref {"@odata.id": ".../directoryObjects/{id}"}
// and DELETE .../owners/{id}/$ref. Creating either with
// "owners@odata.bind" sets the first owners.
func graphOwnerRoutes(s *Server) []Route {
	var routes []Route
	add := func(method, pattern string, h graphHandler) {
		routes = append(routes, Route{Host: HostGraph, Method: method, Pattern: pattern, Handler: s.graph(h)})
	}
	for _, base := range []string{"/v1.0/applications/{id}", "/v1.0/applications({key})"} {
		add("GET", base+"/owners", s.listOwners(appOwners))
		add("POST", base+"/owners/$ref", s.addOwner(appOwners))
		add("DELETE", base+"/owners/{owner}/$ref", s.removeOwner(appOwners))
	}
	for _, base := range []string{"/v1.0/servicePrincipals/{id}", "/v1.0/servicePrincipals({key})"} {
		add("GET", base+"/owners", s.listOwners(spOwners))
		add("POST", base+"/owners/$ref", s.addOwner(spOwners))
		add("DELETE", base+"/owners/{owner}/$ref", s.removeOwner(spOwners))
	}
	return routes
}

// ownedKind is what an owners route works on: applications or service
// principals, how to find the object of a call and reach its owner list.
type ownedKind struct {
	set  string
	call func(r *http.Request, write bool) (objectCall, *apiError)
	find func(oc objectCall, st *Store, primary bool) (id string, owners *[]string, err *apiError)
}

var appOwners = ownedKind{
	set:  "applications",
	call: appCallOf,
	find: func(oc objectCall, st *Store, primary bool) (string, *[]string, *apiError) {
		a, err := oc.app(st, primary)
		if err != nil {
			return "", nil, err
		}
		return a.ID, &a.Owners, nil
	},
}

var spOwners = ownedKind{
	set:  "servicePrincipals",
	call: spCallOf,
	find: func(oc objectCall, st *Store, primary bool) (string, *[]string, *apiError) {
		sp, err := oc.sp(st, primary)
		if err != nil {
			return "", nil, err
		}
		return sp.ID, &sp.Owners, nil
	},
}

// directoryObjectView renders a user or service principal as a member of
// a directoryObject collection (with its @odata.type), or nil when the
// id names neither in this view.
func directoryObjectView(st *Store, ver, id string) map[string]any {
	if u, ok := st.userByID(id, false); ok {
		m := userView(u)
		m["@odata.type"] = "#microsoft.graph.user"
		return m
	}
	if sp, ok := st.spByID(id, false); ok {
		m := servicePrincipalJSON(ver, sp)
		m["@odata.type"] = "#microsoft.graph.servicePrincipal"
		return m
	}
	return nil
}

// ownerViews are the owners as directory objects (ones deleted since are
// left out), at most limit of them when limit > 0.
func ownerViews(st *Store, ver string, owners []string, limit int) []any {
	out := []any{}
	for _, id := range owners {
		if limit > 0 && len(out) == limit {
			break
		}
		if m := directoryObjectView(st, ver, id); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) listOwners(k ownedKind) graphHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		call, aerr := k.call(r, false)
		if aerr != nil {
			return aerr
		}
		lq, aerr := parseListQuery(r, filterSchema{})
		if aerr != nil {
			return aerr
		}
		var vals []any
		err := s.view(func(st *Store) error {
			_, owners, err := k.find(call, st, false)
			if err != nil {
				return err
			}
			vals = ownerViews(st, apiVersion(r), *owners, 0)
			return nil
		})
		if err != nil {
			return err
		}
		if len(lq.Select) > 0 {
			for i, v := range vals {
				m := v.(map[string]any)
				p := project(m, lq.Select)
				p["@odata.type"] = m["@odata.type"]
				vals[i] = p
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context": contextURL(r, "directoryObjects"),
			"value":          vals,
		})
		return nil
	}
}

// refBodyID reads the object id a $ref POST adds: the body's
// {"@odata.id": ".../directoryObjects/{id}"}.
func refBodyID(r *http.Request) (string, *apiError) {
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return "", aerr
	}
	var ref string
	raw, ok := body["@odata.id"]
	if !ok || json.Unmarshal(raw, &ref) != nil {
		return "", badRequest("The request body must contain the reference to add: {\"@odata.id\": \"https://graph.microsoft.com/v1.0/directoryObjects/{id}\"}.")
	}
	return referencedID(ref)
}

// referencedID reads the object id at the end of an @odata.id
// ("https://graph.microsoft.com/v1.0/directoryObjects/{id}", or
// .../users/{id}, .../servicePrincipals/{id}).
func referencedID(ref string) (string, *apiError) {
	u := strings.TrimSuffix(strings.TrimSpace(ref), "/")
	i := strings.LastIndex(u, "/")
	if i < 0 || !strings.Contains(u, "://") {
		return "", badRequest("Invalid object identifier '%s'.", ref)
	}
	id := u[i+1:]
	if id == "" {
		return "", badRequest("Invalid object identifier '%s'.", ref)
	}
	return strings.ToLower(id), nil
}

// ownerCandidate checks that id names a user or service principal the
// primary replica has: Graph's 404 otherwise.
func ownerCandidate(st *Store, id string) *apiError {
	if _, ok := st.userByID(id, true); ok {
		return nil
	}
	if _, ok := st.spByID(id, true); ok {
		return nil
	}
	return notFound(id)
}

func (s *Server) addOwner(k ownedKind) graphHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		call, aerr := k.call(r, true)
		if aerr != nil {
			return aerr
		}
		// Application.ReadWrite.OwnedBy does not add other owners.
		if call.level != accessAll && k.set == "applications" {
			return denied()
		}
		id, aerr := refBodyID(r)
		if aerr != nil {
			return aerr
		}
		err := s.write(func(st *Store) error {
			_, owners, err := k.find(call, st, true)
			if err != nil {
				return err
			}
			if err := ownerCandidate(st, id); err != nil {
				return err
			}
			if containsFold(*owners, id) {
				return badRequest("One or more added object references already exist for the following modified properties: 'owners'.")
			}
			*owners = append(*owners, id)
			return nil
		})
		if err != nil {
			return err
		}
		noContent(w)
		return nil
	}
}

func (s *Server) removeOwner(k ownedKind) graphHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		call, aerr := k.call(r, true)
		if aerr != nil {
			return aerr
		}
		id := strings.ToLower(r.PathValue("owner"))
		err := s.write(func(st *Store) error {
			_, owners, err := k.find(call, st, true)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(*owners, func(o string) bool { return strings.EqualFold(o, id) })
			if i < 0 {
				return notFound(id)
			}
			*owners = slices.Delete(*owners, i, i+1)
			return nil
		})
		if err != nil {
			return err
		}
		noContent(w)
		return nil
	}
}

// takeOwnerBinds removes "owners@odata.bind" from a create body and
// returns the object ids it names (checked against st by the caller).
func takeOwnerBinds(body map[string]json.RawMessage) ([]string, *apiError) {
	raw, ok := body["owners@odata.bind"]
	if !ok {
		return nil, nil
	}
	delete(body, "owners@odata.bind")
	var refs []string
	if err := json.Unmarshal(raw, &refs); err != nil {
		return nil, badRequest("Invalid value for 'owners@odata.bind': an array of @odata.id references is expected.")
	}
	var ids []string
	for _, ref := range refs {
		id, aerr := referencedID(ref)
		if aerr != nil {
			return nil, aerr
		}
		if !containsFold(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// bindOwners checks the owners of a create body and adds them to owners.
func bindOwners(st *Store, owners []string, ids []string) ([]string, *apiError) {
	for _, id := range ids {
		if err := ownerCandidate(st, id); err != nil {
			return nil, err
		}
		if !containsFold(owners, id) {
			owners = append(owners, id)
		}
	}
	return owners, nil
}
