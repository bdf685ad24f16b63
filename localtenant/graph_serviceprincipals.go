package localtenant

import (
	"encoding/json"
	"net/http"
	"strings"
)

func init() { addRoutes(graphServicePrincipalRoutes) }

// graphServicePrincipalRoutes are /v1.0/servicePrincipals: create from
// an appId, read by id or appId, list, update, delete. App role
// assignments are in graph_approles.go.
func graphServicePrincipalRoutes(s *Server) []Route {
	return s.collectionRoutes("/v1.0/servicePrincipals", collection{
		list: s.listServicePrincipals, create: s.createServicePrincipal, count: s.countServicePrincipals,
		get: s.getServicePrincipal, update: s.patchServicePrincipal, delete: s.deleteServicePrincipalRoute,
	}, "/{id}", "({key})")
}

// servicePrincipalFilter is what $filter may use on service principals.
var servicePrincipalFilter = filterSchema{Type: "ServicePrincipal", Props: []string{
	"id", "appId", "displayName", "tags", "servicePrincipalNames", "servicePrincipalType", "accountEnabled", "appOwnerOrganizationId",
}, Expand: servicePrincipalExpand, Search: true}

// spKeyOf reads the service principal named by a route.
func spKeyOf(r *http.Request) (appKey, *apiError) {
	if id := r.PathValue("id"); id != "" {
		return appKey{"id", id}, nil
	}
	return parseAltKey(r.PathValue("key"), "appId")
}

func (st *Store) findSP(k appKey, primary bool) (*ServicePrincipal, bool) {
	if k.kind == "appId" {
		return st.spByAppID(k.value, primary)
	}
	return st.spByID(k.value, primary)
}

// mayTouchSP applies the OwnedBy rule to service principals: the caller
// must own the application behind it.
func mayTouchSP(st *Store, c *Caller, level accessLevel, sp *ServicePrincipal) bool {
	if level == accessAll {
		return true
	}
	if level != accessOwned {
		return false
	}
	a, ok := st.appByAppID(sp.AppID, true)
	return ok && owns(c, a)
}

func (s *Server) createServicePrincipal(w http.ResponseWriter, r *http.Request) error {
	c, level, aerr := appCaller(r, true)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	binds, aerr := takeOwnerBinds(body)
	if aerr != nil {
		return aerr
	}
	ver := apiVersion(r)
	if err := checkEntityBody(ver, "servicePrincipal", body, spReadOnly); err != nil {
		return err
	}
	body = renamed(body, spScopesBeta, spScopesV1)
	var appID string
	if raw, ok := body["appId"]; !ok || json.Unmarshal(raw, &appID) != nil || appID == "" {
		return badRequest("A value is required for property 'appId' of resource 'ServicePrincipal'.")
	}
	var out map[string]any
	err := s.write(func(st *Store) error {
		// The application must be visible to this replica: a brand-new
		// app is "not a valid application object" for a while.
		a, ok := st.appByAppID(appID, false)
		if !ok {
			return badRequest("The appId '%s' of the service principal does not reference a valid application object.", appID)
		}
		if level == accessOwned && !owns(c, a) {
			return denied()
		}
		if _, exists := st.spByAppID(appID, true); exists {
			return conflict("The service principal cannot be created, updated, or restored because the service principal name %s is already in use.", appID)
		}
		owner := s.tenantID
		sp := &ServicePrincipal{
			AppID:                  a.AppID,
			DisplayName:            a.DisplayName,
			ServicePrincipalType:   "Application",
			ServicePrincipalNames:  append([]string{a.AppID}, a.IdentifierURIs...),
			AppRoles:               []AppRole{},
			OAuth2PermissionScopes: []PermissionScope{},
			Tags:                   []string{},
			AccountEnabled:         true,
			AppOwnerOrganizationID: &owner,
		}
		publishApplicationPermissions(sp, a)
		apply, err := decodeServicePrincipal(body)
		if err != nil {
			return err
		}
		apply(sp)
		sp.Props = propsFromBody(sp.Props, body, spTypedOnly)
		// A caller that may only touch what it owns owns what it creates.
		if id := callerObjectID(c); level == accessOwned && id != "" {
			sp.Owners = []string{id}
		}
		if sp.Owners, aerr = bindOwners(st, sp.Owners, binds); aerr != nil {
			return aerr
		}
		if err := checkServicePrincipalRules(st, nil, sp); err != nil {
			return err
		}
		st.addServicePrincipal(sp)
		out = servicePrincipalJSON(ver, sp)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusCreated, "servicePrincipals", out)
	return nil
}

// decodeServicePrincipal validates the writable members of a body.
func decodeServicePrincipal(body map[string]json.RawMessage) (func(*ServicePrincipal), error) {
	const typ = "ServicePrincipal"
	var sets []func(*ServicePrincipal)
	if raw, ok := body["tags"]; ok {
		var v []string
		if err := decodeTyped(raw, &v, "tags", typ); err != nil {
			return nil, err
		}
		if v == nil {
			v = []string{}
		}
		sets = append(sets, func(sp *ServicePrincipal) { sp.Tags = v })
	}
	for _, m := range []struct {
		name string
		set  func(*ServicePrincipal, bool)
	}{
		{"appRoleAssignmentRequired", func(sp *ServicePrincipal, v bool) { sp.AppRoleAssignmentRequired = v }},
		{"accountEnabled", func(sp *ServicePrincipal, v bool) { sp.AccountEnabled = v }},
	} {
		if raw, ok := body[m.name]; ok {
			var v bool
			if err := decodeTyped(raw, &v, m.name, typ); err != nil {
				return nil, err
			}
			set := m.set
			sets = append(sets, func(sp *ServicePrincipal) { set(sp, v) })
		}
	}
	if raw, ok := body["appRoles"]; ok {
		var v []AppRole
		if err := decodeTyped(raw, &v, "appRoles", typ); err != nil {
			return nil, err
		}
		sets = append(sets, func(sp *ServicePrincipal) { sp.AppRoles = v })
	}
	if raw, ok := body["oauth2PermissionScopes"]; ok {
		var v []PermissionScope
		if err := decodeTyped(raw, &v, "oauth2PermissionScopes", typ); err != nil {
			return nil, err
		}
		sets = append(sets, func(sp *ServicePrincipal) { sp.OAuth2PermissionScopes = v })
	}
	if raw, ok := body["displayName"]; ok {
		var v string
		if err := decodeTyped(raw, &v, "displayName", typ); err != nil || strings.TrimSpace(v) == "" {
			return nil, badRequest("Invalid value specified for property 'displayName' of resource '%s'.", typ)
		}
		sets = append(sets, func(sp *ServicePrincipal) { sp.DisplayName = v })
	}
	return func(sp *ServicePrincipal) {
		for _, set := range sets {
			set(sp)
		}
	}, nil
}

func (s *Server) listServicePrincipals(w http.ResponseWriter, r *http.Request) error {
	c, level, aerr := appCaller(r, false)
	if aerr != nil {
		return aerr
	}
	lq, aerr := parseListQuery(r, servicePrincipalFilter)
	if aerr != nil {
		return aerr
	}
	if aerr := checkSelect(apiVersion(r), "servicePrincipal", lq.Select); aerr != nil {
		return aerr
	}
	var all page
	s.read(func(st *Store) {
		sps := list(st, st.sps, false, func(sp *ServicePrincipal) bool { return mayTouchSP(st, c, level, sp) })
		all = paginate(lq, items(sps, func(sp *ServicePrincipal) any {
			m := servicePrincipalJSON(apiVersion(r), sp)
			expandServicePrincipal(st, apiVersion(r), sp, m, lq.Expand)
			return m
		}))
	})
	s.writeList(w, r, "servicePrincipals", lq, all)
	return nil
}

func (s *Server) countServicePrincipals(w http.ResponseWriter, r *http.Request) error {
	c, level, aerr := appCaller(r, false)
	if aerr != nil {
		return aerr
	}
	var n int
	s.read(func(st *Store) {
		n = len(list(st, st.sps, false, func(sp *ServicePrincipal) bool { return mayTouchSP(st, c, level, sp) }))
	})
	s.writeRawCount(w, r, n)
	return nil
}

func (s *Server) getServicePrincipal(w http.ResponseWriter, r *http.Request) error {
	call, aerr := spCallOf(r, false)
	if aerr != nil {
		return aerr
	}
	sel, expand, aerr := parseSelectOnly(r, servicePrincipalExpand...)
	if aerr != nil {
		return aerr
	}
	if aerr := checkSelect(apiVersion(r), "servicePrincipal", sel); aerr != nil {
		return aerr
	}
	var out map[string]any
	err := readObject(s, call.sp, func(st *Store, sp *ServicePrincipal) error {
		out = servicePrincipalJSON(apiVersion(r), sp)
		expandServicePrincipal(st, apiVersion(r), sp, out, expand)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeExpandedEntity(w, r, http.StatusOK, "servicePrincipals", out, servicePrincipalExpand)
	return nil
}

func (s *Server) patchServicePrincipal(w http.ResponseWriter, r *http.Request) error {
	call, aerr := spCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	err := writeObject(s, call.sp, func(st *Store, sp *ServicePrincipal) error {
		if err := checkEntityBody(apiVersion(r), "servicePrincipal", body, spReadOnly); err != nil {
			return err
		}
		body = renamed(body, spScopesBeta, spScopesV1)
		if raw, ok := body["appId"]; ok {
			var v string
			if json.Unmarshal(raw, &v) != nil || !strings.EqualFold(v, sp.AppID) {
				return badRequest("Property 'appId' is read-only and cannot be set.")
			}
		}
		apply, err := decodeServicePrincipal(body)
		if err != nil {
			return err
		}
		next := sp.clone()
		apply(next)
		next.Props = propsFromBody(sp.Props, body, spTypedOnly)
		if err := checkServicePrincipalRules(st, sp, next); err != nil {
			return err
		}
		*sp = *next
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}

// deleteServicePrincipalRoute deletes a service principal with its
// delegated grants (as client or resource) and app role assignments (as
// principal or resource), as Entra does.
func (s *Server) deleteServicePrincipalRoute(w http.ResponseWriter, r *http.Request) error {
	call, aerr := spCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	err := writeObject(s, call.sp, func(st *Store, sp *ServicePrincipal) error {
		if sp.Seeded && (sp.AppID == graphAppID || sp.AppID == sharePointAppID) {
			return denied()
		}
		st.softDeleteServicePrincipal(sp, st.now())
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
