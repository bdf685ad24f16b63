package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/sharepoint"
)

// permissionEntry renders one requested permission for api_permissions;
// label names the resource (graph, sharepoint, application.x, an appId).
func permissionEntry(label, value string, delegated bool) string {
	kind := "application"
	if delegated {
		kind = "delegated"
	}
	return fmt.Sprintf("%s: %s (%s)", label, value, kind)
}

// roleKey is the key of an app role assignment's address:
// role["Sites.Read.All"] for Microsoft Graph, role["sharepoint:Sites.Selected"]
// for other resources (role["application.orders_api:Orders.Admin"] for
// the configuration's own), so two resources' roles of the same name
// never collide.
func (b *builder) roleKey(resourceAppID, value string) string {
	if strings.EqualFold(resourceAppID, entra.GraphAppID) {
		return value
	}
	return b.resourceLabel(resourceAppID) + ":" + value
}

func formatTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// applicationValue renders an application read from the tenant.
func (b *builder) applicationValue(app *entra.Application) cty.Value {
	v := map[string]any{
		"api_permissions":  b.actualPermissions(app.RequiredResourceAccess),
		"app_id":           app.AppID,
		"display_name":     app.DisplayName,
		"object_id":        app.ID,
		"sign_in_audience": app.SignInAudience,
		"unique_name":      app.UniqueName,
		"workspace":        entra.WorkspaceOf(app.Tags),
		// Graph leaves these null on applications made elsewhere; null
		// means off, and a plan must not show null -> false as a change.
		"fallback_public_client": app.IsFallbackPublicClient != nil && *app.IsFallbackPublicClient,
		"id_token_issuance":      false,
		"access_token_issuance":  false,
		// Absent redirect lists are empty ones, as the desired value
		// writes them.
		"web_redirect_uris":           webRedirects(app.Web),
		"public_client_redirect_uris": redirects(app.PublicClient),
		"spa_redirect_uris":           redirects(app.SPA),
	}
	if app.Notes != nil {
		v["notes"] = *app.Notes
	}
	if w := app.Web; w != nil {
		if w.HomePageURL != nil {
			v["home_page_url"] = *w.HomePageURL
		}
		if w.LogoutURL != nil {
			v["logout_url"] = *w.LogoutURL
		}
		if g := w.ImplicitGrantSettings; g != nil {
			v["id_token_issuance"] = g.EnableIDTokenIssuance
			v["access_token_issuance"] = g.EnableAccessTokenIssuance
		}
	}
	b.extrasValue(app, v)
	return NewValue(TypeApplication, v)
}

// actualPermissions names each requested permission by its value, looked
// up in the resource's published scopes and roles (the id when the
// resource does not publish it).
func (b *builder) actualPermissions(rra []entra.RequiredResourceAccess) []string {
	var out []string
	for _, r := range rra {
		sp := b.resourceSP(r.ResourceAppID)
		for _, a := range r.ResourceAccess {
			delegated := strings.EqualFold(a.Type, "Scope")
			out = append(out, permissionEntry(b.resourceLabel(r.ResourceAppID), permissionValue(sp, a.ID, delegated), delegated))
		}
	}
	sort.Strings(out)
	return out
}

func permissionValue(sp *entra.ServicePrincipal, id string, delegated bool) string {
	if sp != nil {
		if delegated {
			for _, s := range sp.OAuth2PermissionScopes {
				if strings.EqualFold(s.ID, id) {
					return s.Value
				}
			}
		} else {
			for _, r := range sp.AppRoles {
				if strings.EqualFold(r.ID, id) {
					return r.Value
				}
			}
		}
	}
	return id
}

func servicePrincipalValue(sp *entra.ServicePrincipal) cty.Value {
	return NewValue(TypeServicePrincipal, map[string]any{
		"app_id":                       sp.AppID,
		"app_role_assignment_required": sp.AppRoleAssignmentRequired,
		"login_url":                    derefString(sp.LoginURL),
		"notes":                        derefString(sp.Notes),
		"object_id":                    sp.ID,
		"tags":                         entra.UserTags(sp.Tags),
		"workspace":                    entra.WorkspaceOf(sp.Tags),
	})
}

func consentValue(g entra.OAuth2PermissionGrant, resource *entra.ServicePrincipal) cty.Value {
	return NewValue(TypeConsent, map[string]any{
		"client_id":       g.ClientID,
		"consent_type":    g.ConsentType,
		"resource":        resourceName(resource, g.ResourceID),
		"resource_app_id": resourceAppID(resource),
		"scopes":          strings.Fields(g.Scope),
	})
}

func roleAssignmentValue(a entra.AppRoleAssignment, resource *entra.ServicePrincipal) cty.Value {
	role := a.AppRoleID
	if resource != nil {
		role = permissionValue(resource, a.AppRoleID, false)
	}
	return NewValue(TypeRoleAssignment, map[string]any{
		"app_role_id":     a.AppRoleID,
		"principal_id":    a.PrincipalID,
		"resource":        resourceName(resource, a.ResourceID),
		"resource_app_id": resourceAppID(resource),
		"role":            role,
	})
}

func resourceName(sp *entra.ServicePrincipal, fallback string) string {
	if sp == nil {
		return fallback
	}
	return sp.DisplayName
}

func resourceAppID(sp *entra.ServicePrincipal) string {
	if sp == nil {
		return ""
	}
	return sp.AppID
}

func secretValue(p entra.PasswordCredential, writeTo string) cty.Value {
	return NewValue(TypeSecret, map[string]any{
		"display_name": p.DisplayName,
		"end_date":     formatTime(p.EndDateTime),
		"hint":         p.Hint,
		"key_id":       p.KeyID,
		"write_to":     writeTo,
	})
}

func certificateValue(k entra.KeyCredential, keyFile string) cty.Value {
	return NewValue(TypeCertificate, map[string]any{
		"display_name":     k.DisplayName,
		"end_date":         formatTime(k.EndDateTime),
		"key_id":           k.KeyID,
		"private_key_file": keyFile,
		"thumbprint":       strings.ToUpper(k.CustomKeyIdentifier),
	})
}

func federatedValue(f entra.FederatedIdentityCredential) cty.Value {
	v := map[string]any{
		"audiences": f.Audiences,
		"issuer":    f.Issuer,
		"name":      f.Name,
		"subject":   f.Subject,
	}
	if f.Description != nil {
		v["description"] = *f.Description
	}
	return NewValue(TypeFederatedCredential, v)
}

func sitePermissionValue(p sharepoint.Permission, site *sharepoint.Site) cty.Value {
	return NewValue(TypeSitePermission, map[string]any{
		"application":   p.ApplicationID(),
		"permission_id": p.ID,
		"roles":         p.Roles,
		"site_id":       site.ID,
		"site_url":      site.WebURL,
	})
}
