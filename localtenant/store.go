package localtenant

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"
)

// Store holds the tenant's directory and SharePoint objects. All access
// goes through Server.read and Server.write, which hold mu; the maps are
// keyed by object id (sites by site id, site permissions by permission id).
//
// Two views exist: lookups with primary=false see only objects visible to
// reads (replication delay has passed, see visible), lookups with
// primary=true see every object, as writes on the primary replica do
// (uniqueness checks).
type Store struct {
	mu    sync.RWMutex
	clock *clock
	delay time.Duration // Faults.ReplicationDelay, set by Server.SetFaults under mu

	// tenantID and domains (the verified ones: the initial domain) are
	// the tenant's, for rules that depend on them (identifier URIs).
	tenantID string
	domains  []string

	apps        map[string]*Application
	sps         map[string]*ServicePrincipal
	grants      map[string]*OAuth2PermissionGrant
	assignments map[string]*AppRoleAssignment
	users       map[string]*User
	groups      map[string]*Group
	sites       map[string]*Site
	sitePerms   map[string]*SitePermission
}

func newStore(c *clock) *Store {
	return &Store{
		clock:       c,
		apps:        map[string]*Application{},
		sps:         map[string]*ServicePrincipal{},
		grants:      map[string]*OAuth2PermissionGrant{},
		assignments: map[string]*AppRoleAssignment{},
		users:       map[string]*User{},
		groups:      map[string]*Group{},
		sites:       map[string]*Site{},
		sitePerms:   map[string]*SitePermission{},
	}
}

// now is the tenant clock.
func (st *Store) now() time.Time { return st.clock.now() }

// visible reports whether reads and references see o: seed data always,
// everything else once ReplicationDelay has passed since it was created.
func (st *Store) visible(o object) bool {
	m := o.meta()
	return m.Seeded || !st.now().Before(m.Created.Add(st.delay))
}

// credentialVisible is visible for a secret or certificate, which carry
// their own creation time.
func (st *Store) credentialVisible(created time.Time) bool {
	return created.IsZero() || !st.now().Before(created.Add(st.delay))
}

// stamp records the creation time of a new object.
func (st *Store) stamp(o object) {
	o.meta().Created = st.now()
}

// hashSecret is how client secrets are kept: SHA-256 hex of the text.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// live reports whether o is not in the deleted items.
func live(o object) bool { return o.meta().Deleted.IsZero() }

// list returns the live objects of m that the view sees, oldest first
// (ties by id), so lists and paging are stable.
func list[T object](st *Store, m map[string]T, primary bool, keep func(T) bool) []T {
	return sorted(m, func(o T) bool { return live(o) && (primary || st.visible(o)) && (keep == nil || keep(o)) })
}

// sorted returns the objects of m that keep accepts, oldest first (ties
// by id).
func sorted[T object](m map[string]T, keep func(T) bool) []T {
	out := make([]T, 0, len(m))
	for _, o := range m {
		if keep(o) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b T) int {
		if c := a.meta().Created.Compare(b.meta().Created); c != 0 {
			return c
		}
		return cmp.Compare(idOf(a), idOf(b))
	})
	return out
}

func idOf(o object) string {
	switch v := o.(type) {
	case *Application:
		return v.ID
	case *ServicePrincipal:
		return v.ID
	case *OAuth2PermissionGrant:
		return v.ID
	case *AppRoleAssignment:
		return v.ID
	case *User:
		return v.ID
	case *Group:
		return v.ID
	case *Site:
		return v.ID
	case *SitePermission:
		return v.ID
	case *FederatedIdentityCredential:
		return v.ID
	}
	return ""
}

// get returns m[id] when the view sees it.
func get[T object](st *Store, m map[string]T, id string, primary bool) (T, bool) {
	o, ok := m[id]
	if !ok || !live(o) || !(primary || st.visible(o)) {
		var zero T
		return zero, false
	}
	return o, true
}

// first returns the first object of m the view sees for which match is true.
func first[T object](st *Store, m map[string]T, primary bool, match func(T) bool) (T, bool) {
	for _, o := range m {
		if live(o) && (primary || st.visible(o)) && match(o) {
			return o, true
		}
	}
	var zero T
	return zero, false
}

// Applications.

func (st *Store) applications(primary bool) []*Application {
	return list(st, st.apps, primary, nil)
}

func (st *Store) appByID(id string, primary bool) (*Application, bool) {
	return get(st, st.apps, strings.ToLower(id), primary)
}

func (st *Store) appByAppID(appID string, primary bool) (*Application, bool) {
	return first(st, st.apps, primary, func(a *Application) bool { return strings.EqualFold(a.AppID, appID) })
}

func (st *Store) appByUniqueName(name string, primary bool) (*Application, bool) {
	return first(st, st.apps, primary, func(a *Application) bool {
		return a.UniqueName != nil && strings.EqualFold(*a.UniqueName, name)
	})
}

// addApplication stores a new application, filling id, appId and
// createdDateTime when empty. The caller checks uniqueness first
// (appByUniqueName with primary=true).
func (st *Store) addApplication(a *Application) {
	if a.ID == "" {
		a.ID = newID()
	}
	if a.AppID == "" {
		a.AppID = newID()
	}
	st.stamp(a)
	if a.CreatedDateTime.IsZero() {
		a.CreatedDateTime = a.Created.Truncate(time.Second)
	}
	st.apps[a.ID] = a
}

// Service principals.

func (st *Store) servicePrincipals(primary bool) []*ServicePrincipal {
	return list(st, st.sps, primary, nil)
}

func (st *Store) spByID(id string, primary bool) (*ServicePrincipal, bool) {
	return get(st, st.sps, strings.ToLower(id), primary)
}

func (st *Store) spByAppID(appID string, primary bool) (*ServicePrincipal, bool) {
	return first(st, st.sps, primary, func(sp *ServicePrincipal) bool { return strings.EqualFold(sp.AppID, appID) })
}

// spByName finds a service principal by one of its servicePrincipalNames
// (compared case-insensitively, trailing slash ignored) or its appId.
func (st *Store) spByName(name string, primary bool) (*ServicePrincipal, bool) {
	norm := strings.TrimSuffix(strings.ToLower(name), "/")
	return first(st, st.sps, primary, func(sp *ServicePrincipal) bool {
		if strings.EqualFold(sp.AppID, norm) {
			return true
		}
		for _, n := range sp.ServicePrincipalNames {
			if strings.TrimSuffix(strings.ToLower(n), "/") == norm {
				return true
			}
		}
		return false
	})
}

func (st *Store) addServicePrincipal(sp *ServicePrincipal) {
	if sp.ID == "" {
		sp.ID = newID()
	}
	st.stamp(sp)
	st.sps[sp.ID] = sp
}

// Delegated permission grants.

func (st *Store) permissionGrants(primary bool) []*OAuth2PermissionGrant {
	return list(st, st.grants, primary, nil)
}

func (st *Store) grantByID(id string, primary bool) (*OAuth2PermissionGrant, bool) {
	return get(st, st.grants, id, primary)
}

// grantFor finds the grant for client + resource + consent type (+ user
// for "Principal"); at most one exists.
func (st *Store) grantFor(clientID, resourceID, consentType, principalID string, primary bool) (*OAuth2PermissionGrant, bool) {
	return first(st, st.grants, primary, func(g *OAuth2PermissionGrant) bool {
		if !strings.EqualFold(g.ClientID, clientID) || !strings.EqualFold(g.ResourceID, resourceID) || !strings.EqualFold(g.ConsentType, consentType) {
			return false
		}
		if strings.EqualFold(consentType, "Principal") {
			return g.PrincipalID != nil && strings.EqualFold(*g.PrincipalID, principalID)
		}
		return true
	})
}

func (st *Store) addPermissionGrant(g *OAuth2PermissionGrant) {
	if g.ID == "" {
		g.ID = newID()
	}
	st.stamp(g)
	st.grants[g.ID] = g
}

// App role assignments.

func (st *Store) roleAssignments(primary bool, keep func(*AppRoleAssignment) bool) []*AppRoleAssignment {
	return list(st, st.assignments, primary, keep)
}

func (st *Store) roleAssignmentByID(id string, primary bool) (*AppRoleAssignment, bool) {
	return get(st, st.assignments, id, primary)
}

func (st *Store) addRoleAssignment(a *AppRoleAssignment) {
	if a.ID == "" {
		a.ID = newID()
	}
	st.stamp(a)
	if a.CreatedDateTime.IsZero() {
		a.CreatedDateTime = a.Created.Truncate(time.Second)
	}
	if a.PrincipalType == "" {
		a.PrincipalType = "ServicePrincipal"
	}
	st.assignments[a.ID] = a
}

// Users.

func (st *Store) userList(primary bool) []*User {
	return list(st, st.users, primary, nil)
}

func (st *Store) userByID(id string, primary bool) (*User, bool) {
	return get(st, st.users, strings.ToLower(id), primary)
}

func (st *Store) userByUPN(upn string, primary bool) (*User, bool) {
	return first(st, st.users, primary, func(u *User) bool { return strings.EqualFold(u.UserPrincipalName, upn) })
}

func (st *Store) addUser(u *User) {
	if u.ID == "" {
		u.ID = newID()
	}
	st.stamp(u)
	st.users[u.ID] = u
}

// Sites.

func (st *Store) siteList(primary bool) []*Site {
	return list(st, st.sites, primary, nil)
}

// siteByID finds a site by its full id "{host},{collection},{web}" (case
// insensitive), or by "{host},{collection}" alone as Graph allows.
func (st *Store) siteByID(id string, primary bool) (*Site, bool) {
	id = strings.ToLower(id)
	return first(st, st.sites, primary, func(s *Site) bool {
		sid := strings.ToLower(s.ID)
		if sid == id {
			return true
		}
		host, rest, _ := strings.Cut(sid, ",")
		coll, _, _ := strings.Cut(rest, ",")
		return id == host+","+coll
	})
}

// siteByPath finds a site by host name and server-relative path ("/" or
// "" for the root site), ignoring case and a trailing slash.
func (st *Store) siteByPath(host, path string, primary bool) (*Site, bool) {
	path = strings.TrimSuffix(path, "/")
	if path == "" {
		path = "/"
	}
	return first(st, st.sites, primary, func(s *Site) bool {
		return strings.EqualFold(s.Hostname, host) && strings.EqualFold(s.Path, path)
	})
}

func (st *Store) addSite(s *Site) {
	st.stamp(s)
	if s.CreatedDateTime.IsZero() {
		s.CreatedDateTime = s.Created.Truncate(time.Second)
	}
	st.sites[s.ID] = s
}

// Site permissions.

func (st *Store) sitePermissions(siteID string, primary bool) []*SitePermission {
	return list(st, st.sitePerms, primary, func(p *SitePermission) bool { return p.SiteID == siteID })
}

func (st *Store) sitePermissionByID(siteID, id string, primary bool) (*SitePermission, bool) {
	p, ok := get(st, st.sitePerms, id, primary)
	if !ok || p.SiteID != siteID {
		return nil, false
	}
	return p, true
}

func (st *Store) addSitePermission(p *SitePermission) {
	if p.ID == "" {
		p.ID = newSitePermissionID()
	}
	st.stamp(p)
	st.sitePerms[p.ID] = p
}

// newSitePermissionID is shaped like Graph's site permission ids (an
// opaque base64 string).
func newSitePermissionID() string {
	return "aTowaS50fG1zLnNwLmV4dHw" + strings.ReplaceAll(newID(), "-", "")
}

// Federated identity credentials (children of applications).

func (st *Store) federatedCredentials(a *Application, primary bool) []*FederatedIdentityCredential {
	out := make([]*FederatedIdentityCredential, 0, len(a.FederatedIdentityCredentials))
	for _, f := range a.FederatedIdentityCredentials {
		if primary || st.visible(f) {
			out = append(out, f)
		}
	}
	return out
}

func (st *Store) addFederatedCredential(a *Application, f *FederatedIdentityCredential) {
	if f.ID == "" {
		f.ID = newID()
	}
	st.stamp(f)
	a.FederatedIdentityCredentials = append(a.FederatedIdentityCredentials, f)
}

// softDeleteApplication moves an application to the deleted items, with
// its service principal; what references them (grants, app role
// assignments, site permissions) is removed.
func (st *Store) softDeleteApplication(a *Application) {
	now := st.now()
	if sp, ok := st.spByAppID(a.AppID, true); ok {
		st.softDeleteServicePrincipal(sp, now)
	}
	st.removeSitePermissions(a.AppID)
	a.Deleted = now
}

// softDeleteServicePrincipal moves a service principal to the deleted
// items at time at, removing its grants and app role assignments.
func (st *Store) softDeleteServicePrincipal(sp *ServicePrincipal, at time.Time) {
	st.deleteServicePrincipal(sp)
	sp.Deleted = at
	st.sps[sp.ID] = sp
}

// removeSitePermissions removes the site permissions granted to appID.
func (st *Store) removeSitePermissions(appID string) {
	for id, p := range st.sitePerms {
		for _, g := range append(p.GrantedToIdentitiesV2, p.GrantedToIdentities...) {
			if g.Application != nil && strings.EqualFold(g.Application.ID, appID) {
				delete(st.sitePerms, id)
				break
			}
		}
	}
}

// deleteServicePrincipal removes a service principal with its grants and
// app role assignments (as client or as resource).
func (st *Store) deleteServicePrincipal(sp *ServicePrincipal) {
	delete(st.sps, sp.ID)
	for id, g := range st.grants {
		if g.ClientID == sp.ID || g.ResourceID == sp.ID {
			delete(st.grants, id)
		}
	}
	for id, a := range st.assignments {
		if a.PrincipalID == sp.ID || a.ResourceID == sp.ID {
			delete(st.assignments, id)
		}
	}
}
