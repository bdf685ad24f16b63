package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/entraform/entraform/providers/graph"
)

// ReadRequest says what a refresh reads.
type ReadRequest struct {
	// Workspace: read the applications and service principals tagged
	// entraform:workspace:<Workspace>.
	Workspace string
	// Adopt lists appIds of unmanaged applications the configuration
	// adopts; they are read too.
	Adopt []string
	// Resources lists appIds of resource applications whose service
	// principals to read. Microsoft Graph and SharePoint Online are always
	// read, and so is every resource the applications read request
	// permissions of (requiredResourceAccess).
	Resources []string
	// Owners: read the owners of the applications and service principals.
	// AssignedTo: read who is assigned the service principals' app roles
	// (users, groups, service principals).
	Owners, AssignedTo bool
}

// Snapshot is what Read found.
type Snapshot struct {
	// Applications tagged for the workspace plus the adopted ones, with
	// FederatedIdentityCredentials filled, ordered by object id.
	Applications []*Application
	// ServicePrincipals of those applications (tagged or not) and any other
	// service principal tagged for the workspace, ordered by object id.
	ServicePrincipals []*ServicePrincipal
	// Resources are resource service principals by lower-case appId; a
	// resource without a service principal in the tenant is absent.
	Resources map[string]*ServicePrincipal
	// Grants held by those service principals as client, ordered by id.
	Grants []OAuth2PermissionGrant
	// Assignments held by those service principals as principal, ordered
	// by id.
	Assignments []AppRoleAssignment
}

// applicationWire is an application as listed with
// $expand=federatedIdentityCredentials. A nil FederatedIdentityCredentials
// means the service did not expand it (an expanded empty collection is []).
type applicationWire struct {
	Application
	FederatedIdentityCredentials *[]FederatedIdentityCredential `json:"federatedIdentityCredentials"`
	Owners                       *[]DirectoryObject             `json:"owners"`
}

// application returns the application and whether its federated
// credentials and its owners came complete with it (an expanded
// collection is cut at maxExpanded items).
func (w applicationWire) application() (app *Application, federated, owners bool) {
	a := w.Application
	if f := w.FederatedIdentityCredentials; f != nil && len(*f) < maxExpanded {
		a.FederatedIdentityCredentials, federated = *f, true
	}
	if o := w.Owners; o != nil && len(*o) < maxExpanded {
		a.Owners, owners = *o, true
		if a.Owners == nil {
			a.Owners = []DirectoryObject{}
		}
	}
	return &a, federated, owners
}

// servicePrincipalWire is a service principal as listed with
// $expand=owners,appRoleAssignedTo.
type servicePrincipalWire struct {
	ServicePrincipal
	Owners            *[]DirectoryObject   `json:"owners"`
	AppRoleAssignedTo *[]AppRoleAssignment `json:"appRoleAssignedTo"`
}

func (w servicePrincipalWire) servicePrincipal() (sp *ServicePrincipal, owners, assigned bool) {
	s := w.ServicePrincipal
	if o := w.Owners; o != nil && len(*o) < maxExpanded {
		s.Owners, owners = *o, true
		if s.Owners == nil {
			s.Owners = []DirectoryObject{}
		}
	}
	if a := w.AppRoleAssignedTo; a != nil && len(*a) < maxExpanded {
		s.AssignedTo, assigned = *a, true
		if s.AssignedTo == nil {
			s.AssignedTo = []AppRoleAssignment{}
		}
	}
	return &s, owners, assigned
}

const (
	expandFederated = "federatedIdentityCredentials"
	// maxExpanded is how many related objects Graph inlines for one
	// expanded navigation property of a directory object; a collection
	// that long may have more, which are read on their own.
	maxExpanded = 20
)

// Read reads a workspace in bulk: paged lists and $batch groups, never one
// GET per object. The package documentation lists the requests and their
// counts.
func (p *Provider) Read(ctx context.Context, req ReadRequest) (*Snapshot, error) {
	if req.Workspace == "" {
		return nil, fmt.Errorf("reading the tenant: no workspace")
	}
	r := newReadState()

	// Round 1: the workspace's applications and service principals, the
	// adopted applications and their service principals, the resources.
	var tagged []*Application
	var needFederated []*Application
	var taggedSPs []*ServicePrincipal
	err := parallel(
		func() error {
			var err error
			tagged, needFederated, err = p.listWorkspaceApplications(ctx, req, r)
			return err
		},
		func() error {
			var err error
			taggedSPs, err = p.listWorkspaceServicePrincipals(ctx, req, r)
			return err
		},
		func() error {
			return p.batchGet(ctx, r.byAppIDLookups(req))
		},
	)
	if err != nil {
		return nil, err
	}
	for _, app := range tagged {
		r.addApp(app)
	}
	for _, sp := range taggedSPs {
		r.addSP(sp)
	}
	needFederated = append(needFederated, r.needFederated...)

	// Round 2: service principals of applications that have none tagged,
	// resources the applications ask permissions of; then round 3: grants
	// and role assignments of the service principals. Federated
	// credentials the list did not expand are read alongside (they touch
	// nothing the other rounds read).
	federated := r.federatedLookups(needFederated)
	err = parallel(
		func() error { return p.batchGet(ctx, federated) },
		func() error {
			var round2 []lookup
			round2 = append(round2, r.missingSPLookups()...)
			round2 = append(round2, r.resourceLookups(r.requiredResources())...)
			if err := p.batchGet(ctx, round2); err != nil {
				return err
			}
			return parallel(
				func() error { return p.batchGet(ctx, p.directoryLookups(ctx, req, r)) },
				func() error {
					if len(r.sps) <= p.perPrincipalLimit {
						return p.readPerPrincipal(ctx, r)
					}
					return p.readPerResource(ctx, r)
				},
			)
		},
	)
	if err != nil {
		return nil, err
	}
	return r.snapshot(), nil
}

// listWorkspaceApplications lists the tagged applications with their
// federated credentials expanded. When the service refuses the $expand,
// it lists them without and reports every application as needing its
// federated credentials read.
func (p *Provider) listWorkspaceApplications(ctx context.Context, req ReadRequest, r *readState) (apps, needFederated []*Application, err error) {
	workspace := req.Workspace
	filter := tagFilter(WorkspaceTag(workspace))
	expand := expandFederated
	if req.Owners {
		expand += ",owners"
	}
	var wires []applicationWire
	if !p.noExpand.Load() {
		wires, err = graph.ListAll[applicationWire](ctx, p.c, "/applications"+query("$filter", filter, "$top", "999", "$expand", expand))
		if graph.StatusCode(err) == http.StatusBadRequest {
			p.noExpand.Store(true) // remembered: the next Read saves the refused request
		}
	}
	if p.noExpand.Load() {
		wires, err = graph.ListAll[applicationWire](ctx, p.c, "/applications"+query("$filter", filter, "$top", "999"))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("listing the applications of workspace %q: %w", workspace, err)
	}
	for _, w := range wires {
		app, federated, owners := w.application()
		apps = append(apps, app)
		if !federated {
			needFederated = append(needFederated, app)
		}
		if !owners && req.Owners {
			r.markOwnersUnread(app.ID)
		}
	}
	return apps, needFederated, nil
}

// listWorkspaceServicePrincipals lists the tagged service principals
// with their owners and the principals assigned their app roles
// expanded; without when the service refuses the $expand (those are then
// read per service principal).
func (p *Provider) listWorkspaceServicePrincipals(ctx context.Context, req ReadRequest, r *readState) ([]*ServicePrincipal, error) {
	workspace := req.Workspace
	filter := tagFilter(WorkspaceTag(workspace))
	var expand []string
	if req.Owners {
		expand = append(expand, "owners")
	}
	if req.AssignedTo {
		expand = append(expand, "appRoleAssignedTo")
	}
	var wires []servicePrincipalWire
	var err error
	if len(expand) > 0 && !p.noExpandSP.Load() {
		wires, err = graph.ListAll[servicePrincipalWire](ctx, p.c, "/servicePrincipals"+query("$filter", filter, "$top", "999", "$expand", strings.Join(expand, ",")))
		if graph.StatusCode(err) == http.StatusBadRequest {
			p.noExpandSP.Store(true)
		}
	}
	if len(expand) == 0 || p.noExpandSP.Load() {
		wires, err = graph.ListAll[servicePrincipalWire](ctx, p.c, "/servicePrincipals"+query("$filter", filter, "$top", "999"))
	}
	if err != nil {
		return nil, fmt.Errorf("listing the service principals of workspace %q: %w", workspace, err)
	}
	var out []*ServicePrincipal
	for _, w := range wires {
		if w.ID == "" {
			continue // a null item of the list names nothing
		}
		sp, owners, assigned := w.servicePrincipal()
		out = append(out, sp)
		if !owners && req.Owners {
			r.markOwnersUnread(sp.ID)
		}
		if !assigned && req.AssignedTo {
			r.markAssignedUnread(sp.ID)
		}
	}
	return out, nil
}

// readState gathers a snapshot as the answers come in.
type readState struct {
	apps          map[string]*Application      // by object id
	sps           map[string]*ServicePrincipal // by object id
	spByAppID     map[string]*ServicePrincipal // lower-case appId
	resources     map[string]*ServicePrincipal // lower-case appId
	looked        map[string]bool              // lower-case appIds whose SP was looked up
	grants        map[string]OAuth2PermissionGrant
	assignments   map[string]AppRoleAssignment
	needFederated []*Application
	// ownersRead and assignedRead hold the object ids whose owners (and,
	// for service principals, assigned principals) the lists brought.
	mu             sync.Mutex // the two lists mark at once
	ownersUnread   map[string]bool
	assignedUnread map[string]bool
}

func newReadState() *readState {
	return &readState{
		apps: map[string]*Application{}, sps: map[string]*ServicePrincipal{},
		spByAppID: map[string]*ServicePrincipal{}, resources: map[string]*ServicePrincipal{},
		looked: map[string]bool{}, grants: map[string]OAuth2PermissionGrant{}, assignments: map[string]AppRoleAssignment{},
		ownersUnread: map[string]bool{}, assignedUnread: map[string]bool{},
	}
}

func (r *readState) addApp(app *Application) {
	if _, ok := r.apps[app.ID]; !ok {
		r.apps[app.ID] = app
	}
}

func (r *readState) addSP(sp *ServicePrincipal) {
	if _, ok := r.sps[sp.ID]; ok {
		return
	}
	r.sps[sp.ID] = sp
	r.spByAppID[strings.ToLower(sp.AppID)] = sp
}

// byAppIDLookups are round 1's batch: resources, adopted applications and
// their service principals.
func (r *readState) byAppIDLookups(req ReadRequest) []lookup {
	resources := append([]string{GraphAppID, SharePointAppID}, req.Resources...)
	items := r.resourceLookups(resources)
	seen := map[string]bool{}
	for _, appID := range req.Adopt {
		key := strings.ToLower(appID)
		if appID == "" || seen[key] {
			continue
		}
		seen[key] = true
		// Read without $expand: the federated credentials of a handful of
		// adopted applications come in round 2's batch.
		items = append(items, lookup{url: applicationByAppIDPath(appID), handle: func(resp graph.BatchResponse) error {
			if graph.IsNotFound(resp.Err) {
				return nil // the engine reports an adoption of a missing app
			}
			var app Application
			if err := resp.Decode(&app); err != nil {
				return fmt.Errorf("reading adopted application %s: %w", appID, err)
			}
			r.addApp(&app)
			r.needFederated = append(r.needFederated, r.apps[app.ID])
			return nil
		}})
		r.looked[key] = true
		items = append(items, lookup{url: servicePrincipalByAppIDPath(appID), handle: r.spHandler(appID)})
	}
	return items
}

// resourceLookups read the service principals of resources not read yet.
func (r *readState) resourceLookups(appIDs []string) []lookup {
	var items []lookup
	for _, appID := range appIDs {
		key := strings.ToLower(appID)
		if appID == "" || r.resources[key] != nil || r.looked["resource:"+key] {
			continue
		}
		r.looked["resource:"+key] = true
		items = append(items, lookup{url: servicePrincipalByAppIDPath(appID), handle: func(resp graph.BatchResponse) error {
			if graph.IsNotFound(resp.Err) {
				return nil
			}
			var sp ServicePrincipal
			if err := resp.Decode(&sp); err != nil {
				return fmt.Errorf("reading the service principal of resource %s: %w", appID, err)
			}
			r.resources[key] = &sp
			return nil
		}})
	}
	return items
}

// requiredResources are the resources the applications read ask
// permissions of.
func (r *readState) requiredResources() []string {
	var out []string
	for _, app := range r.apps {
		for _, rra := range app.RequiredResourceAccess {
			out = append(out, rra.ResourceAppID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (r *readState) spHandler(appID string) func(graph.BatchResponse) error {
	return func(resp graph.BatchResponse) error {
		if graph.IsNotFound(resp.Err) {
			return nil
		}
		var sp ServicePrincipal
		if err := resp.Decode(&sp); err != nil {
			return fmt.Errorf("reading the service principal of %s: %w", appID, err)
		}
		r.addSP(&sp)
		return nil
	}
}

// missingSPLookups read the service principals of applications whose
// service principal was not among the tagged ones.
func (r *readState) missingSPLookups() []lookup {
	var items []lookup
	for _, app := range sortedApps(r.apps) {
		key := strings.ToLower(app.AppID)
		if app.AppID == "" || r.spByAppID[key] != nil || r.looked[key] {
			continue
		}
		r.looked[key] = true
		items = append(items, lookup{url: servicePrincipalByAppIDPath(app.AppID), handle: r.spHandler(app.AppID)})
	}
	return items
}

// federatedLookups read federated credentials the lists did not expand.
func (r *readState) federatedLookups(need []*Application) []lookup {
	var items []lookup
	seen := map[string]bool{}
	for _, n := range need {
		app := r.apps[n.ID]
		if app == nil || seen[app.ID] {
			continue
		}
		seen[app.ID] = true
		items = append(items, lookup{url: federatedPath(app.ID), handle: func(resp graph.BatchResponse) error {
			if graph.IsNotFound(resp.Err) {
				return nil
			}
			var pg struct {
				Value []FederatedIdentityCredential `json:"value"`
			}
			if err := resp.Decode(&pg); err != nil {
				return fmt.Errorf("reading the federated credentials of application %s: %w", app.ID, err)
			}
			app.FederatedIdentityCredentials = pg.Value
			if app.FederatedIdentityCredentials == nil {
				app.FederatedIdentityCredentials = []FederatedIdentityCredential{}
			}
			return nil
		}})
	}
	return items
}

// readPerPrincipal reads grants and assignments with two batch items per
// service principal.
func (p *Provider) readPerPrincipal(ctx context.Context, r *readState) error {
	var items []lookup
	for _, sp := range sortedSPs(r.sps) {
		grantsURL := "/oauth2PermissionGrants" + query("$filter", "clientId eq "+quote(sp.ID))
		assignURL := "/servicePrincipals/" + idSegment(sp.ID) + "/appRoleAssignments"
		items = append(items,
			lookup{url: grantsURL, handle: func(resp graph.BatchResponse) error {
				return p.eachInCollection(ctx, grantsURL, resp, r.addGrant)
			}},
			lookup{url: assignURL, handle: func(resp graph.BatchResponse) error {
				if graph.IsNotFound(resp.Err) {
					return nil // deleted since it was listed
				}
				return p.eachInCollection(ctx, assignURL, resp, r.addAssignment)
			}},
		)
	}
	return p.batchGet(ctx, items)
}

// readPerResource lists the grants and role assignments on each resource
// and keeps those of the workspace's service principals.
func (p *Provider) readPerResource(ctx context.Context, r *readState) error {
	var items []lookup
	for _, key := range slices.Sorted(maps.Keys(r.resources)) {
		res := r.resources[key]
		grantsURL := "/oauth2PermissionGrants" + query("$filter", "resourceId eq "+quote(res.ID), "$top", "999")
		assignURL := "/servicePrincipals/" + idSegment(res.ID) + "/appRoleAssignedTo" + query("$top", "999")
		items = append(items,
			lookup{url: grantsURL, handle: func(resp graph.BatchResponse) error {
				return p.eachInCollection(ctx, grantsURL, resp, r.addGrant)
			}},
			lookup{url: assignURL, handle: func(resp graph.BatchResponse) error {
				return p.eachInCollection(ctx, assignURL, resp, r.addAssignment)
			}},
		)
	}
	return p.batchGet(ctx, items)
}

func (r *readState) addGrant(raw json.RawMessage) error {
	var g OAuth2PermissionGrant
	if err := json.Unmarshal(raw, &g); err != nil {
		return fmt.Errorf("decoding a grant: %w", err)
	}
	if r.sps[g.ClientID] != nil {
		r.grants[g.ID] = g
	}
	return nil
}

func (r *readState) addAssignment(raw json.RawMessage) error {
	var a AppRoleAssignment
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("decoding an app role assignment: %w", err)
	}
	if r.sps[a.PrincipalID] != nil {
		r.assignments[a.ID] = a
	}
	return nil
}

func (r *readState) snapshot() *Snapshot {
	s := &Snapshot{
		Applications:      sortedApps(r.apps),
		ServicePrincipals: sortedSPs(r.sps),
		Resources:         r.resources,
	}
	for _, app := range s.Applications {
		if app.FederatedIdentityCredentials == nil {
			app.FederatedIdentityCredentials = []FederatedIdentityCredential{}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(r.grants)) {
		s.Grants = append(s.Grants, r.grants[key])
	}
	for _, key := range slices.Sorted(maps.Keys(r.assignments)) {
		s.Assignments = append(s.Assignments, r.assignments[key])
	}
	return s
}

func sortedApps(m map[string]*Application) []*Application {
	out := make([]*Application, 0, len(m))
	for _, key := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[key])
	}
	return out
}

func sortedSPs(m map[string]*ServicePrincipal) []*ServicePrincipal {
	out := make([]*ServicePrincipal, 0, len(m))
	for _, key := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[key])
	}
	return out
}
