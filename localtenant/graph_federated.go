package localtenant

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

func init() { addRoutes(graphFederatedRoutes) }

// graphFederatedRoutes are /applications/{id}/federatedIdentityCredentials:
// list, create, and read/update/delete by id or by name.
func graphFederatedRoutes(s *Server) []Route {
	var routes []Route
	for _, app := range []string{"/v1.0/applications/{id}", "/v1.0/applications({key})"} {
		routes = append(routes, s.collectionRoutes(app+"/federatedIdentityCredentials", collection{
			list: s.listFederated, create: s.createFederated,
			get: s.getFederated, update: s.patchFederated, delete: s.deleteFederated,
		}, "/{fic}", "({fkey})")...)
	}
	return routes
}

// maxFederatedCredentials is Entra's limit per application.
const maxFederatedCredentials = 20

// federatedContext is the @odata.context set of an app's credentials.
func federatedContext(a *Application) string {
	return "applications('" + a.ID + "')/federatedIdentityCredentials"
}

// ficRef reads the credential named by a route: {fic} is an id or a
// name; "(name='x')" is the alternate key.
func ficRef(r *http.Request) (string, *apiError) {
	if v := r.PathValue("fic"); v != "" {
		return v, nil
	}
	k, err := parseAltKey(r.PathValue("fkey"), "name")
	if err != nil {
		return "", err
	}
	return k.value, nil
}

// findFederated finds a credential of a by id or name.
func findFederated(creds []*FederatedIdentityCredential, ref string) (*FederatedIdentityCredential, int) {
	for i, f := range creds {
		if strings.EqualFold(f.ID, ref) || strings.EqualFold(f.Name, ref) {
			return f, i
		}
	}
	return nil, -1
}

func (s *Server) listFederated(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, false)
	if aerr != nil {
		return aerr
	}
	lq, aerr := parseListQuery(r, filterSchema{Type: "FederatedIdentityCredential", Props: []string{"name", "subject", "issuer", "audiences"}})
	if aerr != nil {
		return aerr
	}
	var all page
	var set string
	err := readObject(s, call.app, func(st *Store, a *Application) error {
		all = paginate(lq, items(st.federatedCredentials(a, false), nil))
		set = federatedContext(a)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeList(w, r, set, lq, all)
	return nil
}

func (s *Server) getFederated(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, false)
	if aerr != nil {
		return aerr
	}
	ref, aerr := ficRef(r)
	if aerr != nil {
		return aerr
	}
	var out map[string]any
	var set string
	err := readObject(s, call.app, func(st *Store, a *Application) error {
		f, _ := findFederated(st.federatedCredentials(a, false), ref)
		if f == nil {
			return notFound(ref)
		}
		out, set = toMap(f), federatedContext(a)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusOK, set, out)
	return nil
}

// federatedInput is a create or update body.
type federatedInput struct {
	Name        *string   `json:"name"`
	Issuer      *string   `json:"issuer"`
	Subject     *string   `json:"subject"`
	Audiences   *[]string `json:"audiences"`
	Description *string   `json:"description"`
}

func decodeFederated(body map[string]json.RawMessage) (federatedInput, *apiError) {
	var in federatedInput
	if err := checkProperties(body, []string{"name", "issuer", "subject", "audiences", "description"}, []string{"id"}, []string{"claimsMatchingExpression"}, "federatedIdentityCredential"); err != nil {
		return in, err
	}
	if err := decodeObject(body, &in, "FederatedIdentityCredential"); err != nil {
		return in, err
	}
	return in, nil
}

// validFICName: 1-120 characters, URL friendly.
func validFICName(n string) bool {
	if n == "" || len(n) > 120 {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.~", c)) {
			return false
		}
	}
	return true
}

// checkFederated validates a credential's fields and its uniqueness
// among the app's others (name; issuer + subject).
func checkFederated(f *FederatedIdentityCredential, others []*FederatedIdentityCredential) *apiError {
	const typ = "FederatedIdentityCredential"
	if !validFICName(f.Name) {
		return badRequest("Invalid value specified for property 'name' of resource '%s'.", typ)
	}
	if u, err := url.Parse(f.Issuer); f.Issuer == "" || err != nil || u.Scheme == "" || u.Host == "" {
		return badRequest("Invalid value specified for property 'issuer' of resource '%s'.", typ)
	}
	if f.Subject == "" || len(f.Subject) > 600 {
		return badRequest("Invalid value specified for property 'subject' of resource '%s'.", typ)
	}
	if len(f.Audiences) == 0 {
		return badRequest("A value is required for property 'audiences' of resource '%s'.", typ)
	}
	for _, a := range f.Audiences {
		if a == "" || len(a) > 600 {
			return badRequest("Invalid value specified for property 'audiences' of resource '%s'.", typ)
		}
	}
	for _, o := range others {
		if o.ID == f.ID {
			continue
		}
		if strings.EqualFold(o.Name, f.Name) {
			return conflict("FederatedIdentityCredential with name %s already exists.", f.Name)
		}
		if o.Issuer == f.Issuer && o.Subject == f.Subject {
			return conflict("FederatedIdentityCredential with the same issuer and subject already exists (name %s).", o.Name)
		}
	}
	return nil
}

func (s *Server) createFederated(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	in, aerr := decodeFederated(body)
	if aerr != nil {
		return aerr
	}
	var out map[string]any
	var set string
	err := writeObject(s, call.app, func(st *Store, a *Application) error {
		f := &FederatedIdentityCredential{Description: in.Description}
		if in.Name != nil {
			f.Name = *in.Name
		}
		if in.Issuer != nil {
			f.Issuer = *in.Issuer
		}
		if in.Subject != nil {
			f.Subject = *in.Subject
		}
		if in.Audiences != nil {
			f.Audiences = *in.Audiences
		}
		if err := checkFederated(f, a.FederatedIdentityCredentials); err != nil {
			return err
		}
		if len(a.FederatedIdentityCredentials) >= maxFederatedCredentials {
			return badRequest("The application already has the maximum number of federated identity credentials (%d).", maxFederatedCredentials)
		}
		st.addFederatedCredential(a, f)
		out, set = toMap(f), federatedContext(a)
		return nil
	})
	if err != nil {
		return err
	}
	s.writeEntity(w, r, http.StatusCreated, set, out)
	return nil
}

func (s *Server) patchFederated(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	ref, aerr := ficRef(r)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	in, aerr := decodeFederated(body)
	if aerr != nil {
		return aerr
	}
	err := writeObject(s, call.app, func(st *Store, a *Application) error {
		f, _ := findFederated(a.FederatedIdentityCredentials, ref)
		if f == nil {
			return notFound(ref)
		}
		if in.Name != nil && *in.Name != f.Name {
			return badRequest("Property 'name' is read-only and cannot be changed.")
		}
		next := *f
		if in.Issuer != nil {
			next.Issuer = *in.Issuer
		}
		if in.Subject != nil {
			next.Subject = *in.Subject
		}
		if in.Audiences != nil {
			next.Audiences = *in.Audiences
		}
		if _, ok := body["description"]; ok {
			next.Description = in.Description
		}
		if err := checkFederated(&next, a.FederatedIdentityCredentials); err != nil {
			return err
		}
		f.Issuer, f.Subject, f.Audiences, f.Description = next.Issuer, next.Subject, next.Audiences, next.Description
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) deleteFederated(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	ref, aerr := ficRef(r)
	if aerr != nil {
		return aerr
	}
	err := writeObject(s, call.app, func(st *Store, a *Application) error {
		_, i := findFederated(a.FederatedIdentityCredentials, ref)
		if i < 0 {
			return notFound(ref)
		}
		a.FederatedIdentityCredentials = append(a.FederatedIdentityCredentials[:i:i], a.FederatedIdentityCredentials[i+1:]...)
		return nil
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
