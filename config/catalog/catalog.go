package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Well-known resource application ids.
const (
	GraphAppID      = "00000003-0000-0000-c000-000000000000"
	SharePointAppID = "00000003-0000-0ff1-ce00-000000000000"
)

// Kind says whether a permission is delegated (an OAuth2 scope, acting for
// a signed-in user) or an application permission (an app role, app-only).
type Kind int

// The two kinds of permission.
const (
	Delegated Kind = iota + 1
	Application
)

// String returns the name of the list the kind is declared in ("delegated"
// or "application").
func (k Kind) String() string {
	switch k {
	case Delegated:
		return "delegated"
	case Application:
		return "application"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Permission is one published scope or app role of a resource.
type Permission struct {
	ID    string // the permission id (GUID)
	Value string // e.g. "Sites.Read.All"
	// Label is what the portal shows: a scope's adminConsentDisplayName or
	// an app role's displayName.
	Label string
	// Type is "User" or "Admin" for scopes (who may consent) and
	// "Application" for app roles.
	Type string
}

// Resource is an API (a resource service principal) and what it publishes.
type Resource struct {
	AppID       string
	DisplayName string
	Scopes      []Permission // delegated permissions
	Roles       []Permission // application permissions
}

// Catalog holds resources by appId.
type Catalog struct {
	resources map[string]*Resource // by lower-case appId
}

// New builds a catalog from resources. A later resource with the same appId
// replaces an earlier one. The slices are copied.
func New(resources []Resource) *Catalog {
	c := &Catalog{resources: make(map[string]*Resource, len(resources))}
	for _, r := range resources {
		cp := Resource{
			AppID:       r.AppID,
			DisplayName: r.DisplayName,
			Scopes:      append([]Permission(nil), r.Scopes...),
			Roles:       append([]Permission(nil), r.Roles...),
		}
		c.resources[strings.ToLower(r.AppID)] = &cp
	}
	return c
}

//go:embed permissions.json
var builtinJSON []byte

// builtin parses the embedded file once; the result is never modified.
var builtin = sync.OnceValue(func() *Catalog {
	c, err := Parse(builtinJSON)
	if err != nil {
		panic(fmt.Sprintf("catalog: embedded permissions.json: %v", err))
	}
	return c
})

// Builtin returns the catalog of Microsoft Graph and SharePoint Online
// permissions shipped with entraform.
func Builtin() *Catalog { return builtin() }

// Parse reads a catalog in the permissions.json layout:
// {"resources":[{"appId","displayName","oauth2PermissionScopes":[{"id","value","type","adminConsentDisplayName"}],"appRoles":[{"id","value","displayName"}]}]}.
func Parse(data []byte) (*Catalog, error) {
	var doc struct {
		Resources []struct {
			AppID       string `json:"appId"`
			DisplayName string `json:"displayName"`
			Scopes      []struct {
				ID    string `json:"id"`
				Value string `json:"value"`
				Type  string `json:"type"`
				Label string `json:"adminConsentDisplayName"`
			} `json:"oauth2PermissionScopes"`
			Roles []struct {
				ID    string `json:"id"`
				Value string `json:"value"`
				Label string `json:"displayName"`
			} `json:"appRoles"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing permission catalog: %w", err)
	}
	var rs []Resource
	for _, d := range doc.Resources {
		r := Resource{AppID: d.AppID, DisplayName: d.DisplayName}
		for _, s := range d.Scopes {
			r.Scopes = append(r.Scopes, Permission{ID: s.ID, Value: s.Value, Label: s.Label, Type: s.Type})
		}
		for _, s := range d.Roles {
			r.Roles = append(r.Roles, Permission{ID: s.ID, Value: s.Value, Label: s.Label, Type: "Application"})
		}
		rs = append(rs, r)
	}
	return New(rs), nil
}

// Resource returns the resource with the given appId (case-insensitive).
func (c *Catalog) Resource(appID string) (Resource, bool) {
	if c == nil {
		return Resource{}, false
	}
	r, ok := c.resources[strings.ToLower(appID)]
	if !ok {
		return Resource{}, false
	}
	return *r, true
}

// AppIDs lists the resources' appIds, sorted.
func (c *Catalog) AppIDs() []string {
	if c == nil {
		return nil
	}
	ids := make([]string, 0, len(c.resources))
	for _, r := range c.resources {
		ids = append(ids, r.AppID)
	}
	sort.Strings(ids)
	return ids
}

func (r *Resource) list(k Kind) []Permission {
	if k == Application {
		return r.Roles
	}
	return r.Scopes
}

func (r *Resource) name() string {
	if r.DisplayName != "" {
		return r.DisplayName
	}
	return r.AppID
}
