package entra

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/entraform/entraform/providers/graph"
)

func (r *readState) markOwnersUnread(id string) {
	r.mu.Lock()
	r.ownersUnread[id] = true
	r.mu.Unlock()
}
func (r *readState) markAssignedUnread(id string) {
	r.mu.Lock()
	r.assignedUnread[id] = true
	r.mu.Unlock()
}

// directoryLookups read the owners and assigned principals that the lists
// did not bring complete: of applications and service principals listed
// without $expand (or with a collection cut at maxExpanded), and of
// service principals found by appId.
func (p *Provider) directoryLookups(ctx context.Context, req ReadRequest, r *readState) []lookup {
	var items []lookup
	for _, app := range sortedApps(r.apps) {
		if !req.Owners || (app.Owners != nil && !r.ownersUnread[app.ID]) {
			continue
		}
		url := "/applications/" + idSegment(app.ID) + "/owners"
		items = append(items, p.collection(ctx, url, func(raw json.RawMessage) error {
			return appendDecoded(raw, &app.Owners, "an owner")
		}, func() { ensureOwners(&app.Owners) }))
	}
	for _, sp := range sortedSPs(r.sps) {
		if req.Owners && (sp.Owners == nil || r.ownersUnread[sp.ID]) {
			sp.Owners = nil
			url := "/servicePrincipals/" + idSegment(sp.ID) + "/owners"
			items = append(items, p.collection(ctx, url, func(raw json.RawMessage) error {
				return appendDecoded(raw, &sp.Owners, "an owner")
			}, func() { ensureOwners(&sp.Owners) }))
		}
		if req.AssignedTo && (sp.AssignedTo == nil || r.assignedUnread[sp.ID]) {
			sp.AssignedTo = nil
			url := "/servicePrincipals/" + idSegment(sp.ID) + "/appRoleAssignedTo"
			items = append(items, p.collection(ctx, url, func(raw json.RawMessage) error {
				return appendDecoded(raw, &sp.AssignedTo, "an app role assignment")
			}, func() {
				if sp.AssignedTo == nil {
					sp.AssignedTo = []AppRoleAssignment{}
				}
			}))
		}
	}
	return items
}

func ensureOwners(o *[]DirectoryObject) {
	if *o == nil {
		*o = []DirectoryObject{}
	}
}

// collection is a batch item reading every page of a collection; done
// runs once it is read (also when the object is gone: 404).
func (p *Provider) collection(ctx context.Context, url string, each func(json.RawMessage) error, done func()) lookup {
	return lookup{url: url, handle: func(resp graph.BatchResponse) error {
		defer done()
		if graph.IsNotFound(resp.Err) {
			return nil
		}
		return p.eachInCollection(ctx, url, resp, each)
	}}
}

func appendDecoded[T any](raw json.RawMessage, to *[]T, what string) error {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("decoding %s: %w", what, err)
	}
	*to = append(*to, v)
	return nil
}
