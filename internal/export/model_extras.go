package export

import (
	"slices"
	"sort"
	"strings"

	"github.com/entraform/entraform/providers/entra"
)

// extras are the parts of an application beyond platforms, permissions
// and credentials: identifier URIs, claims, branding, the exposed API,
// app roles, owners and the service principal's settings.
type extras struct {
	IdentifierURIs []string
	GroupClaims    string
	SMR            string
	Tags           []string
	Info           [4]string // marketing, privacy, terms, support
	Claims         *entra.OptionalClaims
	API            *entra.APIApplication
	AppRoles       []entra.AppRole
	Owners         []string // user principal names and appIds
	SP             *spBlock
	// BlockOf names the exported applications' blocks by appId.
	BlockOf map[string]string
}

// spBlock is the service_principal block; nil when every setting is the
// default and nobody is assigned.
type spBlock struct {
	AssignmentRequired bool
	Notes, LoginURL    string
	Tags               []string
	Owners             []string
	Assignments        []assignBlock
}

// assignBlock is one assignment: a principal named by a data block.
type assignBlock struct {
	Name      string
	Principal *dataBlock
	AppRole   string // "" for the default access role
}

// dataBlock is a lookup the exported configuration needs.
type dataBlock struct {
	Type, Name string
	Attr       string // user_principal_name, display_name or app_id
	Value      string
}

// dataSet collects the data blocks of one export, one per object.
type dataSet struct {
	byKey map[string]*dataBlock
	names map[string]namer
}

func (d *dataSet) get(typ, attr, value string) *dataBlock {
	if d.byKey == nil {
		d.byKey, d.names = map[string]*dataBlock{}, map[string]namer{}
	}
	key := typ + "\x00" + strings.ToLower(value)
	if b := d.byKey[key]; b != nil {
		return b
	}
	n := d.names[typ]
	if n == nil {
		n = namer{}
		d.names[typ] = n
	}
	base := value
	if typ == "user" {
		base, _, _ = strings.Cut(value, "@")
	}
	b := &dataBlock{Type: typ, Name: n.unique(identifier(base, typ)), Attr: attr, Value: value}
	d.byKey[key] = b
	return b
}

func (d *dataSet) list() []*dataBlock {
	var out []*dataBlock
	for _, b := range d.byKey {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// extras fills the parts beyond platforms and permissions. exported holds
// the service principal object ids of the applications in this export
// (their role assignments on each other are permissions, written on the
// client); operator is the appId entraform signs in as, never written as
// an owner (Graph makes it the owner of what it creates).
func (ix *index) extras(a *entra.Application, b *appBlock, exported map[string]bool, principals map[string]entra.DirectoryObject, data *dataSet, operator string) {
	x := &b.Extras
	x.IdentifierURIs = sortedCopy(a.IdentifierURIs)
	x.GroupClaims, x.SMR = deref(a.GroupMembershipClaims), deref(a.ServiceManagementReference)
	x.Tags = entra.UserTags(a.Tags)
	if i := a.Info; i != nil {
		x.Info = [4]string{deref(i.MarketingURL), deref(i.PrivacyStatementURL), deref(i.TermsOfServiceURL), deref(i.SupportURL)}
	}
	if c := a.OptionalClaims; c != nil && len(c.IDToken)+len(c.AccessToken)+len(c.SAML2Token) > 0 {
		x.Claims = c
	}
	if api := a.API; api != nil && (api.RequestedAccessTokenVersion != nil || len(api.KnownClientApplications)+len(api.OAuth2PermissionScopes)+len(api.PreAuthorizedApplications) > 0) {
		x.API = api
	}
	x.AppRoles = a.AppRoles
	x.Owners = ownerNames(a.Owners, operator)
	sp := ix.spByAppID[strings.ToLower(a.AppID)]
	if sp == nil {
		return
	}
	s := &spBlock{AssignmentRequired: sp.AppRoleAssignmentRequired, Notes: deref(sp.Notes), LoginURL: deref(sp.LoginURL),
		Tags: entra.UserTags(sp.Tags), Owners: ownerNames(sp.Owners, operator)}
	names := namer{}
	for _, as := range sp.AssignedTo {
		if exported[strings.ToLower(as.PrincipalID)] {
			continue // a permission of an exported client
		}
		var p *dataBlock
		switch as.PrincipalType {
		case "Group":
			p = data.get("group", "display_name", as.PrincipalDisplayName)
		case "User":
			o, ok := principals[strings.ToLower(as.PrincipalID)]
			if !ok || o.UserPrincipalName == "" {
				b.remark("The user %s is assigned one of its app roles but could not be read; the assignment is left out.", as.PrincipalID)
				continue
			}
			p = data.get("user", "user_principal_name", strings.ToLower(o.UserPrincipalName))
		default:
			o, ok := principals[strings.ToLower(as.PrincipalID)]
			if !ok || o.AppID == "" {
				b.remark("The service principal %s is assigned one of its app roles but could not be read; the assignment is left out.", as.PrincipalID)
				continue
			}
			p = data.get("service_principal", "app_id", strings.ToLower(o.AppID))
		}
		role := ""
		for _, r := range a.AppRoles {
			if strings.EqualFold(r.ID, as.AppRoleID) {
				role = r.Value
			}
		}
		name := p.Name
		if role != "" {
			name += "_" + identifier(role, "role")
		}
		s.Assignments = append(s.Assignments, assignBlock{Name: names.unique(name), Principal: p, AppRole: role})
	}
	sort.Slice(s.Assignments, func(i, j int) bool { return s.Assignments[i].Name < s.Assignments[j].Name })
	if s.AssignmentRequired || s.Notes != "" || s.LoginURL != "" || len(s.Tags)+len(s.Owners)+len(s.Assignments) > 0 {
		x.SP = s
	}
}

// ownerNames names owners as the language does: users by user principal
// name, service principals by appId; the operator is left out.
func ownerNames(owners []entra.DirectoryObject, operator string) []string {
	var out []string
	for _, o := range owners {
		switch {
		case o.UserPrincipalName != "":
			out = append(out, strings.ToLower(o.UserPrincipalName))
		case o.AppID != "" && !strings.EqualFold(o.AppID, operator):
			out = append(out, strings.ToLower(o.AppID))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}
