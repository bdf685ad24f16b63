package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config/catalog"
)

// resourceAliases are the permission block labels that name a resource.
var resourceAliases = map[string]string{
	"graph":      catalog.GraphAppID,
	"sharepoint": catalog.SharePointAppID,
}

// decodePermission reads one permission block and resolves its names
// against the catalog. It returns nil when the resource label is invalid.
func (l *loader) decodePermission(d *decoder, b *block) *Permission {
	label := b.label()
	if strings.HasPrefix(label, "application.") {
		return l.decodeOwnAPIPermission(d, b)
	}
	appID, ok := resourceAliases[strings.ToLower(label)]
	if !ok {
		if !isGUID(label) {
			d.errorf(b.labelRanges[0], "Unknown permission resource",
				"%q is not a resource: write \"graph\" (Microsoft Graph), \"sharepoint\" (SharePoint Online), the address of an application of this configuration (\"application.orders_api\") or the resource application's appId (a GUID)%s.",
				label, didYouMean(strings.ToLower(label), []string{"graph", "sharepoint"}))
			return nil
		}
		appID = strings.ToLower(label)
	}
	p := &Permission{Resource: label, ResourceAppID: appID, DeclRange: b.defRange}
	nd := d.nested("permission." + label + ".")
	seen := map[string]hcl.Range{}
	total := 0
	for _, kind := range []catalog.Kind{catalog.Delegated, catalog.Application} {
		names, ranges, _ := nd.strList(b.body.attrs, kind.String())
		for i, name := range names {
			ref := PermissionRef{Name: name, Range: ranges[i]}
			perm, err := l.catalog.Resolve(appID, kind, name)
			var re *catalog.ResolveError
			switch {
			case err == nil:
				ref.Value, ref.ID = perm.Value, perm.ID
			case errors.As(err, &re) && re.Reason == catalog.UnknownResource:
				// Resolved by the engine against the tenant.
			default:
				nd.errorf(ranges[i], resolveSummary(err), "%s", sentence(err.Error()))
				continue
			}
			key := kind.String() + "/" + strings.ToLower(name)
			if ref.ID != "" {
				key = kind.String() + "/" + ref.ID
			}
			if prev, dup := seen[key]; dup {
				nd.errorf(ranges[i], "Duplicate permission", "%q is already listed at %s.", name, prev)
				continue
			}
			seen[key] = ranges[i]
			total++
			if kind == catalog.Delegated {
				p.Delegated = append(p.Delegated, ref)
			} else {
				p.Application = append(p.Application, ref)
			}
		}
	}
	d.absorb(nd)
	if total == 0 && !d.diags.HasErrors() {
		d.errorf(b.defRange, "Empty permission block", "A permission block lists at least one name in delegated or application.")
	}
	return p
}

func resolveSummary(err error) string {
	var re *catalog.ResolveError
	if errors.As(err, &re) {
		switch re.Reason {
		case catalog.WrongKind:
			return fmt.Sprintf("Not %s %s permission", map[catalog.Kind]string{catalog.Delegated: "a", catalog.Application: "an"}[re.Kind], re.Kind)
		case catalog.Ambiguous:
			return "Ambiguous permission label"
		}
	}
	return "Unknown permission"
}

// sentence ends s with a full stop unless it ends with one already (or a
// question mark).
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// decodeOwnAPIPermission reads a permission block whose label is the
// address of an application of this configuration. Its names are
// resolved by resolveOwnAPIPermissions once every application is
// decoded.
func (l *loader) decodeOwnAPIPermission(d *decoder, b *block) *Permission {
	label := b.label()
	p := &Permission{Resource: label, ResourceAddr: label, DeclRange: b.defRange}
	nd := d.nested("permission." + label + ".")
	for _, kind := range []catalog.Kind{catalog.Delegated, catalog.Application} {
		names, ranges, _ := nd.strList(b.body.attrs, kind.String())
		for i, name := range names {
			ref := PermissionRef{Name: name, Range: ranges[i]}
			if kind == catalog.Delegated {
				p.Delegated = append(p.Delegated, ref)
			} else {
				p.Application = append(p.Application, ref)
			}
		}
	}
	d.absorb(nd)
	if len(p.Delegated)+len(p.Application) == 0 && !d.diags.HasErrors() {
		d.errorf(b.defRange, "Empty permission block", "A permission block lists at least one name in delegated or application.")
	}
	return p
}

// resolveOwnAPIPermissions resolves the permissions asked of the
// configuration's own applications against the scopes and app roles
// they declare.
func (l *loader) resolveOwnAPIPermissions() hcl.Diagnostics {
	var diags hcl.Diagnostics
	errorf := func(rng hcl.Range, summary, format string, args ...any) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...), Subject: rng.Ptr()})
	}
	var addrs []string
	for _, a := range l.cfg.Applications {
		addrs = append(addrs, a.Addr)
	}
	for _, app := range l.cfg.Applications {
		for _, p := range app.Permissions {
			if p.ResourceAddr == "" {
				continue
			}
			target := l.cfg.Application(p.ResourceAddr)
			if target == nil {
				errorf(p.DeclRange, "Unknown permission resource", "No application %s is declared%s.", p.ResourceAddr, didYouMean(p.ResourceAddr, addrs))
				continue
			}
			if target == app {
				errorf(p.DeclRange, "Permission of an application to itself", "%s cannot ask permissions of its own API; they are for clients of it.", app.Addr)
				continue
			}
			var scopes, roles []string
			if target.API != nil {
				for _, s := range target.API.Scopes {
					scopes = append(scopes, s.Value)
				}
			}
			for _, r := range target.AppRoles {
				if slices.Contains(r.AllowedMemberTypes, "Application") {
					roles = append(roles, r.Value)
				}
			}
			seen := map[string]hcl.Range{}
			resolve := func(refs []PermissionRef, delegated bool) []PermissionRef {
				var out []PermissionRef
				for _, ref := range refs {
					id, other := "", ""
					if delegated {
						id = target.scopeID(ref.Name)
						other = target.roleID(ref.Name, true)
					} else {
						id = target.roleID(ref.Name, true)
						other = target.scopeID(ref.Name)
					}
					switch {
					case id != "":
					case other != "" && delegated:
						errorf(ref.Range, "Not a delegated permission", "%q is an app role of %s that applications hold: list it under application.", ref.Name, target.Addr)
						continue
					case other != "":
						errorf(ref.Range, "Not an application permission", "%q is a scope (delegated permission) of %s: list it under delegated.", ref.Name, target.Addr)
						continue
					case !delegated && target.roleID(ref.Name, false) != "":
						errorf(ref.Range, "Not an application permission", "The app role %q of %s is not given to applications (its allowed_member_types has no \"Application\").", ref.Name, target.Addr)
						continue
					default:
						known, what := roles, "app role given to applications"
						if delegated {
							known, what = scopes, "scope"
						}
						errorf(ref.Range, "Unknown permission", "%s declares no %s %q%s.", target.Addr, what, ref.Name, didYouMean(ref.Name, known))
						continue
					}
					key := fmt.Sprint(delegated) + "/" + id
					if prev, dup := seen[key]; dup {
						errorf(ref.Range, "Duplicate permission", "%q is already listed at %s.", ref.Name, prev)
						continue
					}
					seen[key] = ref.Range
					ref.Value, ref.ID = ref.Name, id
					out = append(out, ref)
				}
				return out
			}
			p.Delegated = resolve(p.Delegated, true)
			p.Application = resolve(p.Application, false)
		}
	}
	return diags
}

// scopeID returns the id of the scope with that value, or "".
func (a *Application) scopeID(value string) string {
	if a.API == nil {
		return ""
	}
	for _, s := range a.API.Scopes {
		if s.Value == value {
			return s.ID
		}
	}
	return ""
}

// roleID returns the id of the app role with that value (only one
// applications may hold when forApps), or "".
func (a *Application) roleID(value string, forApps bool) string {
	for _, r := range a.AppRoles {
		if r.Value == value && (!forApps || slices.Contains(r.AllowedMemberTypes, "Application")) {
			return r.ID
		}
	}
	return ""
}
