package plan

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/providers/entra"
)

// defaultAccessRole is the app role id of an assignment without a role:
// "may sign in", for applications that declare no roles.
const defaultAccessRole = "00000000-0000-0000-0000-000000000000"

// principal is a user, group or service principal as the plan resolved
// it: its object id (an application's address while that application's
// service principal does not exist yet), its kind and a name for plans.
type principal struct {
	ID   string
	Kind string // user, group, service_principal
	Name string
}

// checkLookups reports each data block whose object the tenant does not
// have (or, for a name, has more than one of).
func (b *builder) checkLookups() {
	l := b.snap.Lookups
	for _, d := range b.cfg.Data {
		switch d.Type {
		case "user":
			if l.Users[d.UserPrincipalName] == nil {
				b.errorf(d.DeclRange, "User not found", "No user with the user principal name %q exists in tenant %s.", d.UserPrincipalName, b.snap.TenantID)
			}
		case "group":
			switch n := len(l.Groups[d.DisplayName]); {
			case n == 0:
				b.errorf(d.DeclRange, "Group not found", "No group named %q exists in tenant %s.", d.DisplayName, b.snap.TenantID)
			case n > 1:
				b.errorf(d.DeclRange, "Ambiguous group name", "%d groups are named %q in tenant %s; a lookup must find exactly one.", n, d.DisplayName, b.snap.TenantID)
			}
		case "service_principal":
			if d.AppID != "" {
				if l.ServicePrincipals[d.AppID] == nil {
					b.errorf(d.DeclRange, "Service principal not found", "No service principal with appId %s exists in tenant %s.", d.AppID, b.snap.TenantID)
				}
				continue
			}
			switch n := len(l.SPsByName[d.DisplayName]); {
			case n == 0:
				b.errorf(d.DeclRange, "Service principal not found", "No service principal named %q exists in tenant %s.", d.DisplayName, b.snap.TenantID)
			case n > 1:
				b.errorf(d.DeclRange, "Ambiguous service principal name", "%d service principals are named %q in tenant %s; look it up by app_id.", n, d.DisplayName, b.snap.TenantID)
			}
		case "site":
			if b.snap.LookupSites[d.URL] == nil {
				b.errorf(d.DeclRange, "Site not found", "The site %s does not exist in the tenant (or the operator cannot read it).", d.URL)
			}
		}
	}
}

func (b *builder) data(addr string) *config.Data {
	for _, d := range b.cfg.Data {
		if d.Addr == addr {
			return d
		}
	}
	return nil
}

// resolvePrincipal finds the object an owner or assignment names; ok is
// false when it does not exist (reported at rng, unless a data block's
// own error says it already).
func (b *builder) resolvePrincipal(o *config.Owner, rng hcl.Range) (principal, bool) {
	l := b.snap.Lookups
	switch {
	case strings.HasPrefix(o.Ref, "application."):
		own := b.own[o.Ref]
		p := principal{ID: o.Ref, Kind: "service_principal", Name: o.Ref}
		if own != nil && own.actual != nil {
			if sp := b.spByAppID[strings.ToLower(own.actual.AppID)]; sp != nil {
				p.ID = sp.ID
			}
		}
		return p, true
	case strings.HasPrefix(o.Ref, "data."):
		d := b.data(o.Ref)
		if d == nil {
			return principal{}, false
		}
		switch d.Type {
		case "user":
			if u := l.Users[d.UserPrincipalName]; u != nil {
				return principal{ID: u.ID, Kind: "user", Name: d.UserPrincipalName}, true
			}
		case "group":
			if gs := l.Groups[d.DisplayName]; len(gs) == 1 {
				return principal{ID: gs[0].ID, Kind: "group", Name: d.DisplayName}, true
			}
		case "service_principal":
			if sp := l.ServicePrincipals[d.AppID]; d.AppID != "" && sp != nil {
				return principal{ID: sp.ID, Kind: "service_principal", Name: sp.DisplayName}, true
			}
			if sps := l.SPsByName[d.DisplayName]; d.AppID == "" && len(sps) == 1 {
				return principal{ID: sps[0].ID, Kind: "service_principal", Name: sps[0].DisplayName}, true
			}
		}
		return principal{}, false // checkLookups reported it
	case o.UPN != "":
		if u := l.Users[o.UPN]; u != nil {
			return principal{ID: u.ID, Kind: "user", Name: o.UPN}, true
		}
		b.errorf(rng, "Owner not found", "No user with the user principal name %q exists in tenant %s.", o.UPN, b.snap.TenantID)
	case o.AppID != "":
		if addr, ok := b.ownByAppID[o.AppID]; ok {
			return b.resolvePrincipal(&config.Owner{Kind: o.Kind, Ref: addr}, rng)
		}
		if sp := l.ServicePrincipals[o.AppID]; sp != nil {
			return principal{ID: sp.ID, Kind: "service_principal", Name: o.AppID}, true
		}
		b.errorf(rng, "Owner not found", "No service principal with appId %s exists in tenant %s.", o.AppID, b.snap.TenantID)
	}
	return principal{}, false
}

// owners plans the owners of an application (sp false) or of its
// service principal. Owners are managed only where the configuration
// sets them; then an owner added by hand is drift and is removed. The
// operator, whom Graph makes an owner of what it creates, is never.
func (b *builder) owners(app *config.Application, actual []entra.DirectoryObject, read bool, ofSP bool) {
	declared, set := app.Owners, app.OwnersSet
	parent, addrPrefix := app.Addr, app.Addr+".owner"
	if ofSP {
		if app.ServicePrincipal == nil {
			return
		}
		declared, set = app.ServicePrincipal.Owners, app.ServicePrincipal.OwnersSet
		parent, addrPrefix = app.Addr+".service_principal", app.Addr+".service_principal.owner"
	}
	if !set {
		return
	}
	existing := map[string]entra.DirectoryObject{}
	if read {
		for _, o := range actual {
			existing[strings.ToLower(o.ID)] = o
		}
	}
	for _, o := range declared {
		p, ok := b.resolvePrincipal(o, o.Range)
		if !ok {
			continue
		}
		key := o.Key()
		addr := fmt.Sprintf("%s[%q]", addrPrefix, key)
		id := any(strings.ToLower(p.ID))
		if isPlaceholder(p.ID) {
			id = unknownString
		}
		desired := NewValue(TypeOwner, map[string]any{"kind": p.Kind, "name": p.Name, "object_id": id})
		before := cty.NullVal(ObjectTypeOf(TypeOwner))
		cur, found := existing[strings.ToLower(p.ID)]
		if found {
			// The same object (matched by id): named and typed as the
			// configuration names it.
			before = withAttr(withAttr(ownerValue(cur), "name", cty.StringVal(p.Name)), "kind", cty.StringVal(p.Kind))
			delete(existing, strings.ToLower(p.ID))
		}
		c := b.add(change(addr, TypeOwner, key, before, desired, DeleteThenCreate))
		c.Parent = app.Addr
		c.DependsOn = []string{parent}
		if isPlaceholder(p.ID) {
			c.DependsOn = append(c.DependsOn, p.ID+".service_principal")
		}
		c.Desired = &DesiredOwner{Application: app.Addr, OfServicePrincipal: ofSP, OwnerID: p.ID}
		if found {
			c.Current = cur
		}
	}
	ids := sortedKeys(existing)
	for _, id := range ids {
		o := existing[id]
		if strings.EqualFold(o.ID, b.snap.CallerID) {
			continue
		}
		key := ownerKey(o)
		addr := fmt.Sprintf("%s[%q]", addrPrefix, key)
		c := b.add(deletion(addr, TypeOwner, key, ownerValue(o), app.Addr, o))
		c.Reason = "an owner added outside the configuration"
		c.Desired = &DesiredOwner{Application: app.Addr, OfServicePrincipal: ofSP, OwnerID: o.ID}
	}
}

// ownerKey names an owner the configuration does not declare, as the
// configuration would: a user by user principal name, a service
// principal by its application's address or appId.
func ownerKey(o entra.DirectoryObject) string {
	switch {
	case o.UserPrincipalName != "":
		return strings.ToLower(o.UserPrincipalName)
	case o.AppID != "":
		return strings.ToLower(o.AppID)
	}
	return o.ID
}

func ownerValue(o entra.DirectoryObject) cty.Value {
	kind, name := "service_principal", o.DisplayName
	if o.IsUser() {
		kind, name = "user", strings.ToLower(o.UserPrincipalName)
	} else if strings.Contains(o.ODataType, "group") {
		kind = "group"
	}
	return NewValue(TypeOwner, map[string]any{"kind": kind, "name": name, "object_id": strings.ToLower(o.ID)})
}

// assignments plans who is given the application's app roles (who may
// sign in when assignment is required). They are managed where the
// configuration has a service_principal block; an assignment made by
// hand is drift, except those of the workspace's own service principals
// (application permissions, planned on the client as role[...]).
func (b *builder) assignments(app *config.Application, sp *entra.ServicePrincipal) {
	if app.ServicePrincipal == nil {
		return
	}
	o := b.own[app.Addr]
	spAddr := app.Addr + ".service_principal"
	existing := map[assignmentKey]entra.AppRoleAssignment{}
	if sp != nil && sp.AssignedTo != nil {
		for _, a := range sp.AssignedTo {
			existing[assignmentKey{strings.ToLower(a.PrincipalID), strings.ToLower(a.AppRoleID)}] = a
		}
	}
	for _, as := range app.ServicePrincipal.Assignments {
		addr := spAddr + ".assignment." + as.Name
		p, ok := b.resolvePrincipal(&config.Owner{Ref: as.Principal}, as.DeclRange)
		if !ok {
			continue
		}
		roleID := defaultAccessRole
		if as.AppRole != "" {
			roleID = o.roles[as.AppRole]
		}
		id := any(strings.ToLower(p.ID))
		if isPlaceholder(p.ID) {
			id = unknownString
		}
		desired := NewValue(TypeAssignment, map[string]any{
			"app_role": as.AppRole, "app_role_id": roleID, "principal": as.Principal,
			"principal_id": id, "principal_type": principalType(p.Kind),
		})
		before := cty.NullVal(ObjectTypeOf(TypeAssignment))
		k := assignmentKey{strings.ToLower(p.ID), roleID}
		cur, found := existing[k]
		if found {
			before = withAttr(withAttr(assignmentValue(cur, as.AppRole), "principal", cty.StringVal(as.Principal)),
				"principal_type", cty.StringVal(principalType(p.Kind)))
			delete(existing, k)
		}
		c := b.add(change(addr, TypeAssignment, as.Name, before, desired, DeleteThenCreate))
		c.Parent = app.Addr
		c.DependsOn = []string{spAddr}
		if isPlaceholder(p.ID) {
			c.DependsOn = append(c.DependsOn, p.ID+".service_principal")
		}
		c.Desired = &DesiredAssignment{Application: app.Addr, PrincipalID: p.ID, AppRoleID: roleID}
		if found {
			c.Current = cur
		}
	}
	ours := map[string]bool{} // the service principals of the workspace and of the declared applications
	for _, s := range b.snap.ServicePrincipals {
		if b.owned(s.Tags) || b.ownByAppID[strings.ToLower(s.AppID)] != "" {
			ours[strings.ToLower(s.ID)] = true
		}
	}
	for _, k := range sortedAssignments(existing, func(k assignmentKey) bool { return !ours[k.of] }) {
		a := existing[k]
		role := b.roleValue(app, a.AppRoleID)
		name := a.PrincipalDisplayName
		if name == "" {
			name = a.PrincipalID
		}
		if role != "" {
			name += ":" + role
		}
		addr := fmt.Sprintf("%s.assignment[%q]", spAddr, name)
		c := b.add(deletion(addr, TypeAssignment, name, assignmentValue(a, role), app.Addr, a))
		c.Reason = "an assignment made outside the configuration"
		c.Desired = &DesiredAssignment{Application: app.Addr, PrincipalID: a.PrincipalID, AppRoleID: a.AppRoleID}
	}
}

// roleValue is the value of one of the application's roles by id ("" for
// the default access role or an unknown id).
func (b *builder) roleValue(app *config.Application, id string) string {
	if o := b.own[app.Addr]; o != nil && o.actual != nil {
		for _, r := range o.actual.AppRoles {
			if strings.EqualFold(r.ID, id) {
				return r.Value
			}
		}
	}
	return ""
}

func principalType(kind string) string {
	switch kind {
	case "user":
		return "User"
	case "group":
		return "Group"
	}
	return "ServicePrincipal"
}

func assignmentValue(a entra.AppRoleAssignment, role string) cty.Value {
	return NewValue(TypeAssignment, map[string]any{
		"app_role": role, "app_role_id": strings.ToLower(a.AppRoleID),
		"principal": a.PrincipalDisplayName, "principal_id": strings.ToLower(a.PrincipalID),
		"principal_type": a.PrincipalType,
	})
}

// dataAttrs are the attributes the lookups found, for outputs: by data
// address, then attribute name.
func (b *builder) dataAttrs() map[string]map[string]string {
	out := map[string]map[string]string{}
	l := b.snap.Lookups
	for _, d := range b.cfg.Data {
		m := map[string]string{}
		switch d.Type {
		case "user":
			if u := l.Users[d.UserPrincipalName]; u != nil {
				m["id"], m["display_name"] = u.ID, u.DisplayName
			}
		case "group":
			if gs := l.Groups[d.DisplayName]; len(gs) == 1 {
				m["id"] = gs[0].ID
			}
		case "service_principal":
			var sp *entra.ServicePrincipal
			if d.AppID != "" {
				sp = l.ServicePrincipals[d.AppID]
			} else if sps := l.SPsByName[d.DisplayName]; len(sps) == 1 {
				sp = &sps[0]
			}
			if sp != nil {
				m["id"], m["app_id"], m["display_name"] = sp.ID, strings.ToLower(sp.AppID), sp.DisplayName
			}
		case "site":
			if s := b.snap.LookupSites[d.URL]; s != nil {
				m["id"] = s.ID
			}
		}
		out[d.Addr] = m
	}
	return out
}
