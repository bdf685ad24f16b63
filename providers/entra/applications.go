package entra

import (
	"context"
	"fmt"
	"net/http"

	"github.com/entraform/entraform/providers/graph"
)

// ApplicationByUniqueName returns the application with that unique name,
// or nil, nil when there is none.
func (p *Provider) ApplicationByUniqueName(ctx context.Context, uniqueName string) (*Application, error) {
	var app Application
	err := p.get(ctx, applicationByUniqueNamePath(uniqueName), &app)
	if graph.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading application %q: %w", uniqueName, err)
	}
	return &app, nil
}

// UpsertApplication creates the application with that unique name, or
// updates it when it exists (PATCH applications(uniqueName='..') with
// Prefer: create-if-missing), and returns it with its ids. Running it
// twice leaves one application. body must carry DisplayName; its
// UniqueName is ignored (the name travels in the URL). See patchBody for
// how nil and empty lists differ.
func (p *Provider) UpsertApplication(ctx context.Context, uniqueName string, body Application) (*Application, error) {
	if uniqueName == "" {
		return nil, fmt.Errorf("upserting an application: no unique name")
	}
	if body.DisplayName == "" {
		return nil, fmt.Errorf("upserting application %q: no display name", uniqueName)
	}
	body.UniqueName = ""
	path := applicationByUniqueNamePath(uniqueName)
	var created Application
	resp, err := p.do(ctx, http.MethodPatch, path, patchBody(body), &created, graph.Prefer("create-if-missing"))
	if err != nil {
		return nil, fmt.Errorf("upserting application %q: %w", uniqueName, err)
	}
	if resp.StatusCode == http.StatusCreated && created.ID != "" && created.AppID != "" {
		return &created, nil
	}
	// 204: it existed and was updated (or a 201 without a usable body).
	// A read replica may not have it yet when it is new.
	var app Application
	if err := p.get(ctx, path, &app, p.retry()); err != nil {
		return nil, fmt.Errorf("reading application %q after the upsert: %w", uniqueName, err)
	}
	return &app, nil
}

// UpdateApplication patches the application. body.UniqueName is sent only
// when set (unique names are write-once: never set it on an application
// that has one). See patchBody for how nil and empty lists differ.
func (p *Provider) UpdateApplication(ctx context.Context, objectID string, body Application) error {
	if err := p.patch(ctx, "/applications/"+idSegment(objectID), patchBody(body), p.retry()); err != nil {
		return fmt.Errorf("updating application %s: %w", objectID, err)
	}
	return nil
}

// DeleteApplication deletes the application (Entra keeps it restorable for
// 30 days). An application that is already gone is not an error.
func (p *Provider) DeleteApplication(ctx context.Context, objectID string) error {
	err := p.delete(ctx, "/applications/"+idSegment(objectID))
	if err != nil && !graph.IsNotFound(err) {
		return fmt.Errorf("deleting application %s: %w", objectID, err)
	}
	return nil
}

// patchBody is the JSON of an application write. Read-only and
// write-elsewhere fields (id, appId, createdDateTime, passwordCredentials,
// federated credentials) are never sent. A nil list leaves the property as
// it is; a non-nil empty list clears it (omitempty cannot say that, so the
// body is built here). Nil redirect URI lists inside web, publicClient and
// spa are sent as [] because Graph refuses null there.
func patchBody(a Application) map[string]any {
	m := map[string]any{}
	if a.DisplayName != "" {
		m["displayName"] = a.DisplayName
	}
	if a.UniqueName != "" {
		m["uniqueName"] = a.UniqueName
	}
	if a.SignInAudience != "" {
		m["signInAudience"] = a.SignInAudience
	}
	if a.Notes != nil {
		m["notes"] = *a.Notes
	}
	if a.Web != nil {
		w := *a.Web
		if w.RedirectURIs == nil {
			w.RedirectURIs = []string{}
		}
		m["web"] = w
	}
	if a.PublicClient != nil {
		m["publicClient"] = redirectURIsBody(a.PublicClient)
	}
	if a.SPA != nil {
		m["spa"] = redirectURIsBody(a.SPA)
	}
	if a.IsFallbackPublicClient != nil {
		m["isFallbackPublicClient"] = *a.IsFallbackPublicClient
	}
	if a.IdentifierURIs != nil {
		m["identifierUris"] = a.IdentifierURIs
	}
	if a.RequiredResourceAccess != nil {
		rra := make([]RequiredResourceAccess, len(a.RequiredResourceAccess))
		for i, r := range a.RequiredResourceAccess {
			if r.ResourceAccess == nil {
				r.ResourceAccess = []ResourceAccess{}
			}
			rra[i] = r
		}
		m["requiredResourceAccess"] = rra
	}
	if a.KeyCredentials != nil {
		m["keyCredentials"] = keyCredentialsBody(a.KeyCredentials)
	}
	if a.Tags != nil {
		m["tags"] = a.Tags
	}
	if a.GroupMembershipClaims != nil {
		m["groupMembershipClaims"] = nullIfEmpty(*a.GroupMembershipClaims)
	}
	if a.ServiceManagementReference != nil {
		m["serviceManagementReference"] = nullIfEmpty(*a.ServiceManagementReference)
	}
	if a.Info != nil {
		m["info"] = a.Info
	}
	if a.OptionalClaims != nil {
		m["optionalClaims"] = a.OptionalClaims
	}
	if a.API != nil {
		m["api"] = apiBody(a.API)
	}
	if a.AppRoles != nil {
		m["appRoles"] = a.AppRoles
	}
	return m
}

func redirectURIsBody(r *RedirectURIs) RedirectURIs {
	out := *r
	if out.RedirectURIs == nil {
		out.RedirectURIs = []string{}
	}
	return out
}

// nullIfEmpty sends "" as null: Graph clears these properties with null.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// apiBody is application.api with nil lists sent as [] (null would be
// refused).
func apiBody(a *APIApplication) APIApplication {
	out := *a
	if out.KnownClientApplications == nil {
		out.KnownClientApplications = []string{}
	}
	if out.OAuth2PermissionScopes == nil {
		out.OAuth2PermissionScopes = []PermissionScope{}
	}
	if out.PreAuthorizedApplications == nil {
		out.PreAuthorizedApplications = []PreAuthorizedApplication{}
	}
	return out
}
