package entra

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// LookupRequest names directory objects to find (data blocks, owners and
// assignment principals of a configuration).
type LookupRequest struct {
	UserPrincipalNames []string
	GroupNames         []string // display names
	AppIDs             []string // service principals by appId
	ServicePrincipals  []string // service principals by display name
}

// Lookups is what Lookup found. A name that matched nothing is absent;
// a display name may match several objects.
type Lookups struct {
	Users             map[string]*DirectoryObject   // by lower-case user principal name
	Groups            map[string][]DirectoryObject  // by display name
	ServicePrincipals map[string]*ServicePrincipal  // by lower-case appId
	SPsByName         map[string][]ServicePrincipal // by display name
}

// Lookup finds the named objects with one $batch item each (users by
// user principal name, groups and service principals by display name
// with $filter, service principals by appId).
func (p *Provider) Lookup(ctx context.Context, req LookupRequest) (*Lookups, error) {
	out := &Lookups{Users: map[string]*DirectoryObject{}, Groups: map[string][]DirectoryObject{},
		ServicePrincipals: map[string]*ServicePrincipal{}, SPsByName: map[string][]ServicePrincipal{}}
	var items []lookup
	seen := map[string]bool{}
	once := func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	for _, upn := range req.UserPrincipalNames {
		upn := strings.ToLower(upn)
		if !once("u:" + upn) {
			continue
		}
		items = append(items, lookup{url: "/users/" + url.PathEscape(upn) + query("$select", "id,displayName,userPrincipalName"), handle: func(resp graph.BatchResponse) error {
			if graph.IsNotFound(resp.Err) {
				return nil
			}
			var u DirectoryObject
			if err := resp.Decode(&u); err != nil {
				return fmt.Errorf("looking up user %s: %w", upn, err)
			}
			u.ODataType = "#microsoft.graph.user"
			out.Users[upn] = &u
			return nil
		}})
	}
	for _, name := range req.GroupNames {
		if !once("g:" + name) {
			continue
		}
		u := "/groups" + query("$filter", "displayName eq "+quote(name), "$select", "id,displayName")
		items = append(items, lookup{url: u, handle: func(resp graph.BatchResponse) error {
			var pg struct {
				Value []DirectoryObject `json:"value"`
			}
			if err := resp.Decode(&pg); err != nil {
				return fmt.Errorf("looking up group %q: %w", name, err)
			}
			for i := range pg.Value {
				pg.Value[i].ODataType = "#microsoft.graph.group"
			}
			if len(pg.Value) > 0 {
				out.Groups[name] = pg.Value
			}
			return nil
		}})
	}
	for _, appID := range req.AppIDs {
		appID := strings.ToLower(appID)
		if !once("a:" + appID) {
			continue
		}
		items = append(items, lookup{url: servicePrincipalByAppIDPath(appID), handle: func(resp graph.BatchResponse) error {
			if graph.IsNotFound(resp.Err) {
				return nil
			}
			var sp ServicePrincipal
			if err := resp.Decode(&sp); err != nil {
				return fmt.Errorf("looking up the service principal of %s: %w", appID, err)
			}
			out.ServicePrincipals[appID] = &sp
			return nil
		}})
	}
	for _, name := range req.ServicePrincipals {
		if !once("s:" + name) {
			continue
		}
		u := "/servicePrincipals" + query("$filter", "displayName eq "+quote(name))
		items = append(items, lookup{url: u, handle: func(resp graph.BatchResponse) error {
			var pg struct {
				Value []ServicePrincipal `json:"value"`
			}
			if err := resp.Decode(&pg); err != nil {
				return fmt.Errorf("looking up service principal %q: %w", name, err)
			}
			if len(pg.Value) > 0 {
				out.SPsByName[name] = pg.Value
			}
			return nil
		}})
	}
	if err := p.batchGet(ctx, items); err != nil {
		return nil, err
	}
	return out, nil
}

// CallerID is the object id of the operator the provider acts as (see
// graph.Client.CallerObjectID).
func (p *Provider) CallerID(ctx context.Context) (string, error) {
	return p.c.CallerObjectID(ctx)
}

// Principals reads the users and service principals that the given
// assignments name (by principalType), with one $batch item each, for
// names a configuration can use: a user principal name, an appId. Groups
// are named by the assignment's principalDisplayName and not read.
func (p *Provider) Principals(ctx context.Context, assignments []AppRoleAssignment) (map[string]DirectoryObject, error) {
	out := map[string]DirectoryObject{}
	var items []lookup
	seen := map[string]bool{}
	for _, a := range assignments {
		id := strings.ToLower(a.PrincipalID)
		var path, typ string
		switch a.PrincipalType {
		case "User":
			path, typ = "/users/"+idSegment(id)+query("$select", "id,displayName,userPrincipalName"), "#microsoft.graph.user"
		case "ServicePrincipal":
			path, typ = "/servicePrincipals/"+idSegment(id)+query("$select", "id,displayName,appId"), "#microsoft.graph.servicePrincipal"
		default:
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		items = append(items, lookup{url: path, handle: func(resp graph.BatchResponse) error {
			if graph.IsNotFound(resp.Err) {
				return nil
			}
			var o DirectoryObject
			if err := resp.Decode(&o); err != nil {
				return fmt.Errorf("reading principal %s: %w", id, err)
			}
			o.ODataType = typ
			out[id] = o
			return nil
		}})
	}
	if err := p.batchGet(ctx, items); err != nil {
		return nil, err
	}
	return out, nil
}
