package localtenant

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
)

func init() { addRoutes(graphGrantRoutes) }

// graphGrantRoutes are /v1.0/oauth2PermissionGrants: delegated consent.
func graphGrantRoutes(s *Server) []Route {
	return append(s.collectionRoutes("/v1.0/oauth2PermissionGrants", collection{
		list: s.listGrants, create: s.createGrant,
		get: s.getGrant, update: s.patchGrant, delete: s.deleteGrant,
	}, "/{id}"),
		Route{Host: HostGraph, Method: "GET", Pattern: "/v1.0/servicePrincipals/{id}/oauth2PermissionGrants", Handler: s.graph(s.listClientGrants)},
	)
}

// grantFilter is what $filter may use on grants.
var grantFilter = filterSchema{Type: "OAuth2PermissionGrant", Props: []string{"clientId", "resourceId", "consentType", "principalId", "id"}}

// grantID shapes a grant id as Entra does: base64url of the client,
// resource (and, for Principal grants, user) GUID bytes. One grant
// exists per such tuple, so the id is unique.
func grantID(clientID, resourceID, principalID string) string {
	var b []byte
	for _, id := range []string{clientID, resourceID, principalID} {
		if id == "" {
			continue
		}
		raw, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
		if err != nil {
			return newID()
		}
		b = append(b, raw...)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// grantInput is a grant body.
type grantInput struct {
	ClientID    string  `json:"clientId"`
	ConsentType string  `json:"consentType"`
	PrincipalID *string `json:"principalId"`
	ResourceID  string  `json:"resourceId"`
	Scope       string  `json:"scope"`
}

// createGrant records delegated consent. The client and resource service
// principals must be visible to this replica; one grant exists per
// client + resource + consent type (+ user): a second one is 409.
func (s *Server) createGrant(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, grantWritePerms...); err != nil {
		return err
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	if err := checkProperties(body, []string{"clientId", "consentType", "principalId", "resourceId", "scope"}, []string{"id"}, []string{"startTime", "expiryTime"}, "oAuth2PermissionGrant"); err != nil {
		return err
	}
	var in grantInput
	if err := decodeObject(body, &in, "OAuth2PermissionGrant"); err != nil {
		return err
	}
	for name, v := range map[string]string{"clientId": in.ClientID, "consentType": in.ConsentType, "resourceId": in.ResourceID} {
		if v == "" {
			return badRequest("A value is required for property '%s' of resource 'OAuth2PermissionGrant'.", name)
		}
	}
	var consent string
	switch {
	case strings.EqualFold(in.ConsentType, "AllPrincipals"):
		consent = "AllPrincipals"
		if in.PrincipalID != nil && *in.PrincipalID != "" {
			return badRequest("Invalid value specified for property 'principalId' of resource 'OAuth2PermissionGrant': it must be null when consentType is AllPrincipals.")
		}
		in.PrincipalID = nil
	case strings.EqualFold(in.ConsentType, "Principal"):
		consent = "Principal"
		if in.PrincipalID == nil || *in.PrincipalID == "" {
			return badRequest("A value is required for property 'principalId' of resource 'OAuth2PermissionGrant' when consentType is Principal.")
		}
	default:
		return badRequest("Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'.")
	}
	var out map[string]any
	err := s.write(func(st *Store) error {
		client, ok := st.spByID(in.ClientID, false)
		if !ok {
			return badRequest("Invalid value specified for property 'clientId' of resource 'OAuth2PermissionGrant': service principal '%s' does not exist.", in.ClientID)
		}
		resource, ok := st.spByID(in.ResourceID, false)
		if !ok {
			return badRequest("Invalid value specified for property 'resourceId' of resource 'OAuth2PermissionGrant': service principal '%s' does not exist.", in.ResourceID)
		}
		principal := ""
		if in.PrincipalID != nil {
			u, ok := st.userByID(*in.PrincipalID, false)
			if !ok {
				return badRequest("Invalid value specified for property 'principalId' of resource 'OAuth2PermissionGrant': user '%s' does not exist.", *in.PrincipalID)
			}
			principal = u.ID
		}
		if _, dup := st.grantFor(client.ID, resource.ID, consent, principal, true); dup {
			return conflict("Permission entry already exists.")
		}
		g := &OAuth2PermissionGrant{
			ID:          grantID(client.ID, resource.ID, principal),
			ClientID:    client.ID,
			ConsentType: consent,
			ResourceID:  resource.ID,
			Scope:       normalizeScope(in.Scope),
		}
		if principal != "" {
			g.PrincipalID = &principal
		}
		st.addPermissionGrant(g)
		out = toMap(g)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusCreated, "oauth2PermissionGrants", out)
	return nil
}

// normalizeScope keeps a scope string's names, single-spaced, without
// duplicates (Graph stores the string; the set is what counts).
func normalizeScope(scope string) string {
	var out []string
	for _, f := range strings.Fields(scope) {
		if !containsFold(out, f) {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

func (s *Server) listGrants(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, grantReadPerms...); err != nil {
		return err
	}
	lq, aerr := parseListQuery(r, grantFilter)
	if aerr != nil {
		return aerr
	}
	var all page
	s.read(func(st *Store) { all = paginate(lq, items(st.permissionGrants(false), nil)) })
	s.writeList(w, r, "oauth2PermissionGrants", lq, all)
	return nil
}

// listClientGrants is /servicePrincipals/{id}/oauth2PermissionGrants:
// the grants where the service principal is the client.
func (s *Server) listClientGrants(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, grantReadPerms...); err != nil {
		return err
	}
	lq, aerr := parseListQuery(r, grantFilter)
	if aerr != nil {
		return aerr
	}
	id := r.PathValue("id")
	var all page
	err := s.view(func(st *Store) error {
		sp, ok := st.spByID(id, false)
		if !ok {
			return notFound(id)
		}
		all = paginate(lq, items(list(st, st.grants, false, func(g *OAuth2PermissionGrant) bool { return g.ClientID == sp.ID }), nil))
		return nil
	})
	if err != nil {
		return err
	}
	s.writeList(w, r, "oauth2PermissionGrants", lq, all)
	return nil
}

func (s *Server) getGrant(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, grantReadPerms...); err != nil {
		return err
	}
	id := r.PathValue("id")
	var out map[string]any
	s.read(func(st *Store) {
		if g, ok := st.grantByID(id, false); ok {
			out = toMap(g)
		}
	})
	if out == nil {
		return notFound(id)
	}
	s.writeEntity(w, r, http.StatusOK, "oauth2PermissionGrants", out)
	return nil
}

// patchGrant changes a grant's scope (204).
func (s *Server) patchGrant(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, grantWritePerms...); err != nil {
		return err
	}
	id := r.PathValue("id")
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	if err := checkProperties(body, []string{"scope"}, []string{"id", "clientId", "consentType", "principalId", "resourceId"}, []string{"startTime", "expiryTime"}, "oAuth2PermissionGrant"); err != nil {
		return err
	}
	var scope string
	if raw, ok := body["scope"]; ok {
		if err := decodeMember(raw, &scope, "scope", "OAuth2PermissionGrant"); err != nil {
			return err
		}
	}
	err := s.write(func(st *Store) error {
		g, ok := st.grantByID(id, true)
		if !ok {
			return notFound(id)
		}
		if _, ok := body["scope"]; ok {
			g.Scope = normalizeScope(scope)
		}
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) deleteGrant(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerm(r, grantWritePerms...); err != nil {
		return err
	}
	id := r.PathValue("id")
	err := s.write(func(st *Store) error {
		g, ok := st.grantByID(id, true)
		if !ok {
			return notFound(id)
		}
		delete(st.grants, g.ID)
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
