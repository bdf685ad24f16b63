package sharepoint

import "time"

// Site is a SharePoint site as Graph describes it.
type Site struct {
	ID              string          `json:"id"`
	Name            string          `json:"name,omitempty"`
	DisplayName     string          `json:"displayName,omitempty"`
	WebURL          string          `json:"webUrl,omitempty"`
	Description     string          `json:"description,omitempty"`
	CreatedDateTime *time.Time      `json:"createdDateTime,omitempty"`
	SiteCollection  *SiteCollection `json:"siteCollection,omitempty"`
}

// SiteCollection names the host of a site collection.
type SiteCollection struct {
	Hostname string `json:"hostname"`
}

// Permission is a site permission, the Sites.Selected grant of an
// application on one site.
type Permission struct {
	ID                    string        `json:"id,omitempty"`
	Roles                 []string      `json:"roles"`
	GrantedToIdentities   []IdentitySet `json:"grantedToIdentities,omitempty"`
	GrantedToIdentitiesV2 []IdentitySet `json:"grantedToIdentitiesV2,omitempty"`
}

// IdentitySet holds the application a permission is granted to.
type IdentitySet struct {
	Application *Identity `json:"application,omitempty"`
}

// Identity is an application identity: its app id and display name.
type Identity struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName,omitempty"`
}

// ApplicationID returns the app id the permission is granted to, from
// grantedToIdentitiesV2 first, else grantedToIdentities.
func (p Permission) ApplicationID() string {
	for _, list := range [][]IdentitySet{p.GrantedToIdentitiesV2, p.GrantedToIdentities} {
		for _, s := range list {
			if s.Application != nil && s.Application.ID != "" {
				return s.Application.ID
			}
		}
	}
	return ""
}
