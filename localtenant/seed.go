package localtenant

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Well-known first-party application ids.
const (
	graphAppID      = "00000003-0000-0000-c000-000000000000"
	sharePointAppID = "00000003-0000-0ff1-ce00-000000000000"
)

// Seeded users (local parts; the domain is the tenant's).
const (
	defaultUserName     = "alex"
	mfaUserName         = "megan"
	adeleUserName       = "adele"
	diegoUserName       = "diego"
	defaultUserPassword = "Passw0rd!local"
)

// operatorRoles are the Graph app roles the operator app holds.
var operatorRoles = []string{
	"Application.ReadWrite.All",
	"AppRoleAssignment.ReadWrite.All",
	"DelegatedPermissionGrant.ReadWrite.All",
	"Sites.FullControl.All",
	"Directory.Read.All",
}

// contractSites are the sites every local tenant has.
var contractSites = []SeedSite{
	{Path: "/", DisplayName: "Communication site", Description: "The root site of the tenant"},
	{Path: "/sites/hr", DisplayName: "HR", Description: "Human resources"},
	{Path: "/sites/finance", DisplayName: "Finance", Description: "Finance team site"},
	{Path: "/sites/engineering", DisplayName: "Engineering", Description: "Engineering team site"},
}

// permissionsJSON is the catalog of Graph and SharePoint Online scopes and
// roles with their real ids (copied from shared/reference/permissions.json).
//
//go:embed permissions.json
var permissionsJSON []byte

type permissionCatalog struct {
	Resources []struct {
		AppID                  string `json:"appId"`
		DisplayName            string `json:"displayName"`
		OAuth2PermissionScopes []struct {
			ID                      string `json:"id"`
			Value                   string `json:"value"`
			Type                    string `json:"type"`
			AdminConsentDisplayName string `json:"adminConsentDisplayName"`
		} `json:"oauth2PermissionScopes"`
		AppRoles []struct {
			ID          string `json:"id"`
			Value       string `json:"value"`
			DisplayName string `json:"displayName"`
		} `json:"appRoles"`
	} `json:"resources"`
}

// resourceServicePrincipals builds the seeded Microsoft Graph and
// SharePoint Online service principals from the catalog.
func (s *Server) resourceServicePrincipals() ([]*ServicePrincipal, error) {
	var cat permissionCatalog
	if err := json.Unmarshal(permissionsJSON, &cat); err != nil {
		return nil, fmt.Errorf("reading embedded permissions.json: %w", err)
	}
	msft := "f8cdef31-a31e-4b4a-93e4-5f571e91255a" // Microsoft Services tenant
	var out []*ServicePrincipal
	for _, res := range cat.Resources {
		sp := &ServicePrincipal{
			Meta:                   Meta{Seeded: true},
			ID:                     nameID("sp", s.tenantID, res.AppID),
			AppID:                  res.AppID,
			DisplayName:            res.DisplayName,
			ServicePrincipalType:   "Application",
			AccountEnabled:         true,
			Tags:                   []string{},
			AppOwnerOrganizationID: &msft,
		}
		switch res.AppID {
		case graphAppID:
			sp.ServicePrincipalNames = []string{"https://graph.microsoft.com", "https://graph.microsoft.com/", "https://graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn", "https://canary.graph.microsoft.com", graphAppID}
		case sharePointAppID:
			sp.ServicePrincipalNames = []string{"https://" + s.spHost, "https://" + s.spHost + "/", "https://" + strings.TrimSuffix(s.spHost, ".com") + ".us", "https://" + strings.TrimSuffix(s.spHost, ".com") + ".cn", "https://microsoft.sharepoint-df.com", sharePointAppID}
		default:
			sp.ServicePrincipalNames = []string{res.AppID}
		}
		for _, sc := range res.OAuth2PermissionScopes {
			sp.OAuth2PermissionScopes = append(sp.OAuth2PermissionScopes, PermissionScope{
				ID: sc.ID, Value: sc.Value, Type: sc.Type,
				AdminConsentDisplayName: sc.AdminConsentDisplayName,
				AdminConsentDescription: sc.AdminConsentDisplayName,
				UserConsentDisplayName:  sc.AdminConsentDisplayName,
				UserConsentDescription:  sc.AdminConsentDisplayName,
				IsEnabled:               true,
			})
		}
		for _, ro := range res.AppRoles {
			sp.AppRoles = append(sp.AppRoles, AppRole{
				ID: ro.ID, Value: ro.Value, DisplayName: ro.DisplayName, Description: ro.DisplayName,
				AllowedMemberTypes: []string{"Application"}, IsEnabled: true,
			})
		}
		out = append(out, sp)
	}
	return out, nil
}

// seedStore fills an empty store: resource service principals, users,
// sites and the operator app with its roles. Seeded objects are visible at
// once.
func (s *Server) seedStore(st *Store) error {
	now := st.now()
	sps, err := s.resourceServicePrincipals()
	if err != nil {
		return err
	}
	for _, sp := range sps {
		sp.Created = now
		st.sps[sp.ID] = sp
	}
	s.seedUsers(st, []SeedUser{
		{UserPrincipalName: defaultUserName + "@" + s.domain, DisplayName: "Alex Wilber", Password: defaultUserPassword},
		{UserPrincipalName: mfaUserName + "@" + s.domain, DisplayName: "Megan Bowen", Password: defaultUserPassword, MFA: true},
		{UserPrincipalName: adeleUserName + "@" + s.domain, DisplayName: "Adele Vance", Password: defaultUserPassword},
		{UserPrincipalName: diegoUserName + "@" + s.domain, DisplayName: "Diego Siciliani", Password: defaultUserPassword},
	})
	if err := s.seedGroups(st, s.contractGroups()); err != nil {
		return err
	}
	s.seedSites(st, contractSites)

	// The operator app, its service principal, a secret and its Graph roles.
	name := "entraform operator"
	app := &Application{
		Meta:            Meta{Seeded: true, Created: now},
		ID:              nameID("app", s.tenantID, "operator"),
		AppID:           s.operatorAppID,
		DisplayName:     name,
		SignInAudience:  "AzureADMyOrg",
		Tags:            []string{},
		CreatedDateTime: now.Truncate(time.Second),
	}
	normalizeApplication(app)
	hint := s.operatorSecret[:3]
	secretName := "local tenant operator"
	app.PasswordCredentials = []PasswordCredential{{
		KeyID:         nameID("secret", s.tenantID, "operator"),
		DisplayName:   &secretName,
		StartDateTime: now.Truncate(time.Second),
		EndDateTime:   now.AddDate(2, 0, 0).Truncate(time.Second),
		Hint:          hint,
		SecretHash:    hashSecret(s.operatorSecret),
	}}
	st.apps[app.ID] = app
	opSP := &ServicePrincipal{
		Meta:                   Meta{Seeded: true, Created: now},
		ID:                     nameID("sp", s.tenantID, s.operatorAppID),
		AppID:                  s.operatorAppID,
		DisplayName:            name,
		ServicePrincipalType:   "Application",
		ServicePrincipalNames:  []string{s.operatorAppID},
		AccountEnabled:         true,
		Tags:                   []string{"WindowsAzureActiveDirectoryIntegratedApp"},
		AppRoles:               []AppRole{},
		OAuth2PermissionScopes: []PermissionScope{},
	}
	st.sps[opSP.ID] = opSP
	graph, _ := st.spByAppID(graphAppID, true)
	for _, value := range operatorRoles {
		role, ok := findAppRole(graph, value)
		if !ok {
			return fmt.Errorf("seeding operator: Graph has no app role %s", value)
		}
		a := &AppRoleAssignment{
			Meta:                 Meta{Seeded: true, Created: now},
			ID:                   nameID("assignment", s.tenantID, "operator", value),
			AppRoleID:            role.ID,
			CreatedDateTime:      now.Truncate(time.Second),
			PrincipalDisplayName: name,
			PrincipalID:          opSP.ID,
			PrincipalType:        "ServicePrincipal",
			ResourceDisplayName:  graph.DisplayName,
			ResourceID:           graph.ID,
		}
		st.assignments[a.ID] = a
	}
	return nil
}

// seedUsers adds users that do not exist yet (by UPN).
func (s *Server) seedUsers(st *Store, users []SeedUser) {
	now := st.now()
	for _, su := range users {
		if _, ok := st.userByUPN(su.UserPrincipalName, true); ok {
			continue
		}
		upn := strings.ToLower(su.UserPrincipalName)
		display := su.DisplayName
		if display == "" {
			display, _, _ = strings.Cut(su.UserPrincipalName, "@")
		}
		pw := su.Password
		if pw == "" {
			pw = defaultUserPassword
		}
		mail := upn
		u := &User{
			Meta:              Meta{Seeded: true, Created: now},
			ID:                nameID("user", s.tenantID, upn),
			UserPrincipalName: upn,
			DisplayName:       display,
			Mail:              &mail,
			Password:          pw,
			MFA:               su.MFA,
		}
		st.users[u.ID] = u
	}
}

// seedSites adds sites that do not exist yet (by path).
func (s *Server) seedSites(st *Store, sites []SeedSite) {
	now := st.now()
	for _, ss := range sites {
		path := strings.TrimSuffix(ss.Path, "/")
		if path == "" {
			path = "/"
		}
		if _, ok := st.siteByPath(s.spHost, path, true); ok {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		webURL := "https://" + s.spHost + strings.TrimSuffix(path, "/")
		if path == "/" {
			name = ""
			webURL = "https://" + s.spHost
		}
		display := ss.DisplayName
		if display == "" {
			display = name
		}
		site := &Site{
			Meta:            Meta{Seeded: true, Created: now},
			ID:              fmt.Sprintf("%s,%s,%s", s.spHost, nameID("site-collection", s.spHost, strings.ToLower(path)), nameID("web", s.spHost, strings.ToLower(path))),
			Name:            name,
			DisplayName:     display,
			WebURL:          webURL,
			Description:     ss.Description,
			CreatedDateTime: now.Truncate(time.Second),
			SiteCollection:  SiteCollection{Hostname: s.spHost},
			Path:            path,
			Hostname:        s.spHost,
		}
		st.sites[site.ID] = site
	}
}

// findAppRole finds an enabled app role of sp by value (case-insensitive).
func findAppRole(sp *ServicePrincipal, value string) (AppRole, bool) {
	if sp == nil {
		return AppRole{}, false
	}
	for _, r := range sp.AppRoles {
		if strings.EqualFold(r.Value, value) {
			return r, true
		}
	}
	return AppRole{}, false
}

// findScope finds a delegated scope of sp by value (case-insensitive).
func findScope(sp *ServicePrincipal, value string) (PermissionScope, bool) {
	if sp == nil {
		return PermissionScope{}, false
	}
	for _, sc := range sp.OAuth2PermissionScopes {
		if strings.EqualFold(sc.Value, value) {
			return sc, true
		}
	}
	return PermissionScope{}, false
}

// normalizeApplication replaces nil lists by empty ones so the JSON shows
// [] as Graph does, and fills defaults of a new application.
func normalizeApplication(a *Application) {
	if a.SignInAudience == "" {
		a.SignInAudience = "AzureADMyOrg"
	}
	if a.IdentifierURIs == nil {
		a.IdentifierURIs = []string{}
	}
	if a.RequiredResourceAccess == nil {
		a.RequiredResourceAccess = []RequiredResourceAccess{}
	}
	if a.PasswordCredentials == nil {
		a.PasswordCredentials = []PasswordCredential{}
	}
	if a.KeyCredentials == nil {
		a.KeyCredentials = []KeyCredential{}
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.Web.RedirectURIs == nil {
		a.Web.RedirectURIs = []string{}
	}
	if a.PublicClient.RedirectURIs == nil {
		a.PublicClient.RedirectURIs = []string{}
	}
	if a.Spa.RedirectURIs == nil {
		a.Spa.RedirectURIs = []string{}
	}
}
