package localtenant

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Site permissions (/sites/{site}/permissions): the Sites.Selected grants
// of applications on one site. Managing them needs Sites.FullControl.All,
// or Sites.Selected with a fullcontrol permission on that same site.
//
// The list reproduces a reported quirk of the real service: its items
// carry no roles; GET by id is authoritative.

// sitePermissionRoles are the roles a site permission may hold.
var sitePermissionRoles = []string{"read", "write", "manage", "fullcontrol"}

const deprecatedGrantedToIdentities = "GrantedToIdentities has been deprecated. Refer to GrantedToIdentitiesV2"

// sitePermissionView renders a permission; lists leave roles out.
func sitePermissionView(p *SitePermission, withRoles bool) map[string]any {
	m := toMap(p)
	if !withRoles {
		delete(m, "roles")
	}
	m["@deprecated.GrantedToIdentities"] = deprecatedGrantedToIdentities
	return m
}

// mayManageSitePermissions applies the rule above.
func mayManageSitePermissions(st *Store, c *Caller, site *Site) bool {
	if hasPerm(c, "Sites.FullControl.All") {
		return true
	}
	if hasPerm(c, siteSelectedPerm) {
		if p, ok := st.siteGrantFor(site.ID, c.AppID); ok && slices.Contains(p.Roles, "fullcontrol") {
			return true
		}
	}
	return false
}

// sitePermissionRoute serves list/create (permID "") and get/update/delete.
func (s *Server) sitePermissionRoute(w http.ResponseWriter, r *http.Request, ref siteRef, permID string) error {
	c := callerOf(r)
	if !hasPerm(c, "Sites.FullControl.All", siteSelectedPerm) {
		return siteDenied()
	}
	switch {
	case permID == "" && r.Method == http.MethodGet:
		return s.listSitePermissions(w, r, c, ref)
	case permID == "" && r.Method == http.MethodPost:
		return s.createSitePermission(w, r, c, ref)
	case permID != "" && r.Method == http.MethodGet:
		return s.getSitePermission(w, r, c, ref, permID)
	case permID != "" && r.Method == http.MethodPatch:
		return s.patchSitePermission(w, r, c, ref, permID)
	case permID != "" && r.Method == http.MethodDelete:
		return s.deleteSitePermission(w, r, c, ref, permID)
	default:
		s.notImplemented(w, r, HostGraph)
	}
	return nil
}

// permissionNotFound is the 404 for a permission id the site does not have.
func permissionNotFound() *apiError {
	return &apiError{http.StatusNotFound, CodeItemNotFound, "Item not found"}
}

func permissionsSet(site *Site) string {
	return "sites('" + strings.ReplaceAll(site.ID, ",", "%2C") + "')/permissions"
}

// managedSite resolves the site and checks the caller may manage its
// permissions; primary is the view used.
func (s *Server) managedSite(st *Store, c *Caller, ref siteRef) (*Site, *apiError) {
	site, ok := s.findSite(st, ref, false)
	if !ok {
		return nil, siteNotFound()
	}
	if !mayManageSitePermissions(st, c, site) {
		return nil, siteDenied()
	}
	return site, nil
}

func (s *Server) listSitePermissions(w http.ResponseWriter, r *http.Request, c *Caller, ref siteRef) error {
	lq, aerr := parseListQuery(r, filterSchema{})
	if aerr != nil {
		return aerr
	}
	var all page
	var set string
	err := s.view(func(st *Store) error {
		site, e := s.managedSite(st, c, ref)
		if e != nil {
			return e
		}
		set = permissionsSet(site)
		all = paginate(lq, items(st.sitePermissions(site.ID, false), func(p *SitePermission) any { return sitePermissionView(p, false) }))
		return nil
	})
	if err != nil {
		return err
	}
	s.writeList(w, r, set, lq, all)
	return nil
}

func (s *Server) getSitePermission(w http.ResponseWriter, r *http.Request, c *Caller, ref siteRef, permID string) error {
	var out map[string]any
	var set string
	err := s.view(func(st *Store) error {
		site, e := s.managedSite(st, c, ref)
		if e != nil {
			return e
		}
		p, ok := st.sitePermissionByID(site.ID, permID, false)
		if !ok {
			return permissionNotFound()
		}
		out, set = sitePermissionView(p, true), permissionsSet(site)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusOK, set, out)
	return nil
}

// sitePermissionInput is a create or update body.
type sitePermissionInput struct {
	Roles                 []string      `json:"roles"`
	GrantedToIdentities   []IdentitySet `json:"grantedToIdentities"`
	GrantedToIdentitiesV2 []IdentitySet `json:"grantedToIdentitiesV2"`
	ID                    *string       `json:"id"` // ignored: ids are the service's
}

func decodeSitePermission(r *http.Request) (sitePermissionInput, map[string]json.RawMessage, *apiError) {
	var in sitePermissionInput
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return in, nil, aerr
	}
	for name := range body {
		if !strings.HasPrefix(name, "@") && !containsExact([]string{"roles", "grantedToIdentities", "grantedToIdentitiesV2", "id"}, name) {
			return in, nil, &apiError{http.StatusBadRequest, CodeInvalidRequest, "Invalid request: property '" + name + "' is not supported on a site permission."}
		}
	}
	if err := decodeObject(body, &in, "permission"); err != nil {
		return in, nil, &apiError{http.StatusBadRequest, CodeInvalidRequest, "Invalid request: " + err.message}
	}
	return in, body, nil
}

// checkRoles validates and normalises roles.
func checkRoles(roles []string) ([]string, *apiError) {
	if len(roles) == 0 {
		return nil, &apiError{http.StatusBadRequest, CodeInvalidRequest, "Invalid request: roles must not be empty."}
	}
	var out []string
	for _, role := range roles {
		l := strings.ToLower(role)
		if !slices.Contains(sitePermissionRoles, l) {
			return nil, &apiError{http.StatusBadRequest, CodeInvalidRequest, "Invalid request: unknown role '" + role + "'; use read, write, manage or fullcontrol."}
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// createSitePermission grants an application roles on the site (201).
// An application has one permission per site: posting again for the
// same application replaces its roles and answers with the same id.
func (s *Server) createSitePermission(w http.ResponseWriter, r *http.Request, c *Caller, ref siteRef) error {
	in, _, aerr := decodeSitePermission(r)
	if aerr != nil {
		return aerr
	}
	roles, aerr := checkRoles(in.Roles)
	if aerr != nil {
		return aerr
	}
	ids := in.GrantedToIdentitiesV2
	if len(ids) == 0 {
		ids = in.GrantedToIdentities
	}
	if len(ids) != 1 || ids[0].Application == nil || ids[0].Application.ID == "" {
		return &apiError{http.StatusBadRequest, CodeInvalidRequest, "Invalid request: grantedToIdentities must name exactly one application."}
	}
	appID := strings.ToLower(ids[0].Application.ID)
	var out map[string]any
	var set string
	err := s.write(func(st *Store) error {
		site, e := s.managedSite(st, c, ref)
		if e != nil {
			return e
		}
		name := ids[0].Application.DisplayName
		if a, ok := st.appByAppID(appID, true); ok {
			if name == "" {
				name = a.DisplayName
			}
		} else if sp, ok := st.spByAppID(appID, true); ok {
			if name == "" {
				name = sp.DisplayName
			}
		} else {
			return &apiError{http.StatusBadRequest, CodeInvalidRequest, "Invalid request: no application with appId '" + appID + "' exists in the tenant."}
		}
		identity := []IdentitySet{{Application: &Identity{ID: appID, DisplayName: name}}}
		if p, ok := first(st, st.sitePerms, true, func(p *SitePermission) bool {
			return p.SiteID == site.ID && permissionApp(p) == appID
		}); ok {
			p.Roles = roles
			out = sitePermissionView(p, true)
		} else {
			p := &SitePermission{
				Roles:                 roles,
				GrantedToIdentities:   identity,
				GrantedToIdentitiesV2: identity,
				SiteID:                site.ID,
			}
			st.addSitePermission(p)
			out = sitePermissionView(p, true)
		}
		set = permissionsSet(site)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusCreated, set, out)
	return nil
}

// patchSitePermission changes roles and answers 200 with the permission.
func (s *Server) patchSitePermission(w http.ResponseWriter, r *http.Request, c *Caller, ref siteRef, permID string) error {
	in, body, aerr := decodeSitePermission(r)
	if aerr != nil {
		return aerr
	}
	if _, ok := body["roles"]; !ok {
		return &apiError{http.StatusBadRequest, CodeInvalidRequest, "Invalid request: only roles can be updated."}
	}
	roles, aerr := checkRoles(in.Roles)
	if aerr != nil {
		return aerr
	}
	var out map[string]any
	var set string
	err := s.write(func(st *Store) error {
		site, e := s.managedSite(st, c, ref)
		if e != nil {
			return e
		}
		p, ok := st.sitePermissionByID(site.ID, permID, true)
		if !ok {
			return permissionNotFound()
		}
		p.Roles = roles
		out, set = sitePermissionView(p, true), permissionsSet(site)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusOK, set, out)
	return nil
}

func (s *Server) deleteSitePermission(w http.ResponseWriter, r *http.Request, c *Caller, ref siteRef, permID string) error {
	err := s.write(func(st *Store) error {
		site, e := s.managedSite(st, c, ref)
		if e != nil {
			return e
		}
		p, ok := st.sitePermissionByID(site.ID, permID, true)
		if !ok {
			return permissionNotFound()
		}
		delete(st.sitePerms, p.ID)
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
