package config

import (
	"errors"
	"fmt"
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
	appID, ok := resourceAliases[strings.ToLower(label)]
	if !ok {
		if !isGUID(label) {
			d.errorf(b.labelRanges[0], "Unknown permission resource",
				"%q is not a resource: write \"graph\" (Microsoft Graph), \"sharepoint\" (SharePoint Online) or the resource application's appId (a GUID)%s.",
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
