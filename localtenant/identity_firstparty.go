package localtenant

import (
	"slices"
	"strings"
)

// Microsoft's own applications that a tenant meets without registering
// them: their application objects live in Microsoft's tenant, their
// service principals in every tenant that uses them. A sign-in names them
// by appId like any other client, and Microsoft pre-authorizes their
// delegated permissions, so users need no consent.

const (
	// azureCLIAppID is the Azure CLI's public client ("Microsoft Azure CLI").
	azureCLIAppID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	// armAppID is Azure Resource Manager's resource, "Windows Azure
	// Service Management API", which az login asks tokens for.
	armAppID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
	// armUserImpersonation is its one delegated scope.
	armUserImpersonation = "41094075-9dad-400e-a0bd-54e686782033"
	// microsoftServicesTenant owns Microsoft's first-party applications.
	microsoftServicesTenant = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
)

// firstPartyClient is a Microsoft public client with the delegated scopes
// Microsoft pre-authorizes for it, per resource appId.
type firstPartyClient struct {
	appID, displayName string
	preauthorized      map[string][]string
}

var firstPartyClients = []firstPartyClient{{
	appID:       azureCLIAppID,
	displayName: "Microsoft Azure CLI",
	preauthorized: map[string][]string{
		armAppID: {"user_impersonation"},
		graphAppID: {"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All",
			"Directory.AccessAsUser.All", "Group.ReadWrite.All", "User.Read.All", "User.ReadWrite.All"},
	},
}}

func firstPartyByAppID(appID string) (firstPartyClient, bool) {
	i := slices.IndexFunc(firstPartyClients, func(c firstPartyClient) bool { return strings.EqualFold(c.appID, appID) })
	if i < 0 {
		return firstPartyClient{}, false
	}
	return firstPartyClients[i], true
}

// application is the client as sign-ins see it: a multi-tenant public
// client (device code, loopback redirects), not an object of this
// directory.
func (c firstPartyClient) application() *Application {
	yes := true
	a := &Application{
		Meta:                   Meta{Seeded: true},
		AppID:                  c.appID,
		DisplayName:            c.displayName,
		SignInAudience:         "AzureADandPersonalMicrosoftAccount",
		IsFallbackPublicClient: &yes,
		PublicClient:           PublicClientApplication{RedirectURIs: []string{"http://localhost", "https://login.microsoftonline.com/common/oauth2/nativeclient"}},
	}
	normalizeApplication(a)
	return a
}

// clientApplication is the application a sign-in names by client id:
// one of this directory (as the replica sees it), else a first-party
// client.
func (st *Store) clientApplication(clientID string) (*Application, bool) {
	if a, ok := st.appByAppID(clientID, false); ok {
		return a, true
	}
	if c, ok := firstPartyByAppID(clientID); ok {
		return c.application(), true
	}
	return nil, false
}

// firstPartyScopes are the scopes Microsoft pre-authorizes for a
// first-party client on resource (nil for any other client).
func firstPartyScopes(clientAppID string, resource *ServicePrincipal) []string {
	c, ok := firstPartyByAppID(clientAppID)
	if !ok || resource == nil {
		return nil
	}
	return c.preauthorized[strings.ToLower(resource.AppID)]
}

// firstPartyServicePrincipals are the service principals of Microsoft's
// applications this tenant uses besides the catalog's resources: Azure
// Resource Manager and the Azure CLI.
func (s *Server) firstPartyServicePrincipals() []*ServicePrincipal {
	owner := microsoftServicesTenant
	arm := &ServicePrincipal{
		Meta:                 Meta{Seeded: true},
		ID:                   nameID("sp", s.tenantID, armAppID),
		AppID:                armAppID,
		DisplayName:          "Windows Azure Service Management API",
		ServicePrincipalType: "Application",
		ServicePrincipalNames: []string{"https://management.core.windows.net/", "https://management.core.windows.net",
			"https://management.azure.com/", "https://management.azure.com", armAppID},
		AppRoles: []AppRole{},
		OAuth2PermissionScopes: []PermissionScope{{
			ID: armUserImpersonation, Value: "user_impersonation", Type: "User",
			AdminConsentDisplayName: "Access Azure Service Management as organization users (preview)",
			AdminConsentDescription: "Allows the application to access Azure Service Management as organization users.",
			UserConsentDisplayName:  "Access Azure Service Management as you (preview)",
			UserConsentDescription:  "Allows the application to access Azure Service Management as you.",
			IsEnabled:               true,
		}},
		AccountEnabled:         true,
		Tags:                   []string{},
		AppOwnerOrganizationID: &owner,
	}
	var out []*ServicePrincipal
	out = append(out, arm)
	for _, c := range firstPartyClients {
		out = append(out, &ServicePrincipal{
			Meta:                   Meta{Seeded: true},
			ID:                     nameID("sp", s.tenantID, c.appID),
			AppID:                  c.appID,
			DisplayName:            c.displayName,
			ServicePrincipalType:   "Application",
			ServicePrincipalNames:  []string{c.appID},
			AppRoles:               []AppRole{},
			OAuth2PermissionScopes: []PermissionScope{},
			AccountEnabled:         true,
			Tags:                   []string{},
			AppOwnerOrganizationID: &owner,
		})
	}
	return out
}

// ensureFirstParty adds the first-party service principals a store lacks
// (a store saved by an older version, or a new one).
func (s *Server) ensureFirstParty(st *Store) {
	for _, sp := range s.firstPartyServicePrincipals() {
		if _, ok := st.spByAppID(sp.AppID, true); ok {
			continue
		}
		sp.Created = st.now()
		st.sps[sp.ID] = sp
	}
}
