package localtenant

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

func init() { addRoutes(graphCredentialRoutes) }

// graphCredentialRoutes are the client secret actions of applications.
// Certificates are written through PATCH keyCredentials
// (graph_appbody.go).
func graphCredentialRoutes(s *Server) []Route {
	return []Route{
		{Host: HostGraph, Method: "POST", Pattern: "/v1.0/applications/{id}/addPassword", Handler: s.graph(s.addPassword)},
		{Host: HostGraph, Method: "POST", Pattern: "/v1.0/applications({key})/addPassword", Handler: s.graph(s.addPassword)},
		{Host: HostGraph, Method: "POST", Pattern: "/v1.0/applications/{id}/removePassword", Handler: s.graph(s.removePassword)},
		{Host: HostGraph, Method: "POST", Pattern: "/v1.0/applications({key})/removePassword", Handler: s.graph(s.removePassword)},
	}
}

// defaultSecretLifetime is how long a secret lives when addPassword
// names no endDateTime, as Graph does.
const defaultSecretLifetime = 2 * 365 * 24 * time.Hour

// passwordCredentialInput is addPassword's passwordCredential.
type passwordCredentialInput struct {
	DisplayName   *string    `json:"displayName"`
	StartDateTime *time.Time `json:"startDateTime"`
	EndDateTime   *time.Time `json:"endDateTime"`
}

// addPassword creates a client secret and returns it (200) with its
// secretText: the only time the text leaves the tenant.
func (s *Server) addPassword(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	if err := checkProperties(body, []string{"passwordCredential"}, nil, nil, "addPassword"); err != nil {
		return err
	}
	var in passwordCredentialInput
	if raw, ok := body["passwordCredential"]; ok && !isNull(raw) {
		if err := decodeMember(raw, &in, "passwordCredential", "PasswordCredential"); err != nil {
			return err
		}
	}
	var out PasswordCredential
	err := writeObject(s, call.app, func(st *Store, a *Application) error {
		now := st.now()
		start := now.Truncate(time.Second)
		if in.StartDateTime != nil {
			start = in.StartDateTime.UTC()
		}
		end := start.Add(defaultSecretLifetime)
		if in.EndDateTime != nil {
			end = in.EndDateTime.UTC()
		}
		if !end.After(start) {
			return badRequest("Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.")
		}
		secret := randomSecret()
		pc := PasswordCredential{
			KeyID:         newID(),
			DisplayName:   in.DisplayName,
			StartDateTime: start,
			EndDateTime:   end,
			Hint:          secret[:3],
			SecretHash:    hashSecret(secret),
			Created:       now,
		}
		a.PasswordCredentials = append(a.PasswordCredentials, pc)
		out = pc
		out.SecretText = &secret
		return nil
	})
	if err != nil {
		return err
	}
	m := toMap(out)
	m["@odata.context"] = contextURL(r, "microsoft.graph.passwordCredential")
	writeJSON(w, http.StatusOK, m)
	return nil
}

// removePassword deletes a client secret by keyId (204; 404 when the
// application has no such secret).
func (s *Server) removePassword(w http.ResponseWriter, r *http.Request) error {
	call, aerr := appCallOf(r, true)
	if aerr != nil {
		return aerr
	}
	body, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	var keyID string
	raw, ok := body["keyId"]
	if !ok || json.Unmarshal(raw, &keyID) != nil || keyID == "" {
		return badRequest("A value is required for property 'keyId' of resource 'removePassword'.")
	}
	err := writeObject(s, call.app, func(st *Store, a *Application) error {
		for i, pc := range a.PasswordCredentials {
			if strings.EqualFold(pc.KeyID, keyID) {
				a.PasswordCredentials = append(a.PasswordCredentials[:i:i], a.PasswordCredentials[i+1:]...)
				return nil
			}
		}
		return &apiError{http.StatusNotFound, CodeNotFound, "No password credential found with keyId '" + keyID + "'."}
	})
	if err != nil {
		return err
	}
	noContent(w)
	return nil
}
