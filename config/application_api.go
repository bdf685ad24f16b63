package config

import (
	"crypto/sha1"
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Allowed values of the exposed API and claims.
var (
	scopeTypes            = []string{"User", "Admin"}
	memberTypes           = []string{"User", "Application"}
	groupMembershipClaims = []string{"None", "SecurityGroup", "All", "DirectoryRole", "ApplicationGroup"}
	accessTokenVersions   = []int{1, 2}
)

// idNamespace is the UUID namespace of derived scope and app role ids
// (itself uuidv5 of the DNS namespace and "entraform.dev").
const idNamespace = "5b0d07c4-0c2b-5e3c-9a2e-3f1c3c1f2f51"

// StableID derives the id of a scope or app role from the application's
// unique name, the kind ("scope" or "app_role") and the block label: a
// name-based (version 5) UUID, the same on every machine and every run,
// so no state is needed to keep ids stable.
func StableID(uniqueName, kind, name string) string {
	ns := parseUUID(idNamespace)
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(strings.ToLower(uniqueName) + "/" + kind + "/" + name))
	sum := h.Sum(nil)
	var u [16]byte
	copy(u[:], sum[:16])
	u[6] = (u[6] & 0x0f) | 0x50 // version 5
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func parseUUID(s string) [16]byte {
	var u [16]byte
	hex := strings.ReplaceAll(s, "-", "")
	for i := range u {
		fmt.Sscanf(hex[2*i:2*i+2], "%02x", &u[i])
	}
	return u
}

// decodeAppExtras reads the parts of an application block beyond its
// platforms and credentials: identifier URIs, claims, tags, branding,
// the exposed API, app roles, owners and the service_principal block.
func (l *loader) decodeAppExtras(d *decoder, b *block, app *Application) {
	attrs := b.body.attrs
	uris, ranges, _ := d.strList(attrs, "identifier_uris")
	seen := map[string]bool{}
	for i, u := range uris {
		if err := checkIdentifierURI(u); err != nil {
			d.errorf(ranges[i], "Invalid identifier URI", "%s.", err)
		}
		if seen[strings.ToLower(u)] {
			d.errorf(ranges[i], "Duplicate identifier URI", "%q is listed twice.", u)
		}
		seen[strings.ToLower(u)] = true
	}
	app.IdentifierURIs = uris
	if g, a := d.str(attrs, "group_membership_claims"); a != nil {
		for _, part := range strings.Split(g, ",") {
			part = strings.TrimSpace(part)
			if !oneOf(part, groupMembershipClaims) {
				d.errorf(a.Expr.Range(), "Invalid group_membership_claims", "%q is not a group claim setting; use one of %s (several joined by commas)%s.",
					part, quoteList(groupMembershipClaims), didYouMean(part, groupMembershipClaims))
			}
		}
		app.GroupMembershipClaims = g
	}
	if tags, _, a := d.strList(attrs, "tags"); a != nil {
		app.Tags, app.TagsSet = tags, true
		checkTags(d, a, tags)
	}
	app.ServiceManagementReference, _ = d.str(attrs, "service_management_reference")
	for _, f := range []struct {
		name string
		to   *string
	}{
		{"marketing_url", &app.Info.MarketingURL},
		{"privacy_statement_url", &app.Info.PrivacyStatementURL},
		{"terms_of_service_url", &app.Info.TermsOfServiceURL},
		{"support_url", &app.Info.SupportURL},
	} {
		if s, a := d.str(attrs, f.name); a != nil {
			if err := checkHTTPURL(s, false); err != nil {
				d.errorf(a.Expr.Range(), "Invalid URL", "%s.", err)
			}
			*f.to = s
		}
	}
	if ob := b.body.first("optional_claims"); ob != nil {
		app.OptionalClaims = decodeOptionalClaims(d.nested("optional_claims."), ob, d)
	}
	if ab := b.body.first("api"); ab != nil {
		app.API = l.decodeAPI(d, ab, app)
	}
	seen = map[string]bool{}
	labels := map[string]hcl.Range{}
	for _, rb := range b.body.blocks["app_role"] {
		if !uniqueLabel(d, labels, rb, "app_role") {
			continue
		}
		r := decodeAppRole(d.nested("app_role."+rb.label()+"."), rb, app.UniqueName, d)
		if r.Value != "" {
			if seen[strings.ToLower(r.Value)] {
				d.errorf(rangeAttr(rb, "value"), "Duplicate app role value", "Another app_role of %s already has the value %q; values identify roles in tokens, so they must be unique.", app.Addr, r.Value)
			}
			seen[strings.ToLower(r.Value)] = true
		}
		app.AppRoles = append(app.AppRoles, r)
	}
	checkUniqueIDs(d, app)
	app.Owners = l.principalRefs(d, attrs, "owners", ownerKinds)
	_, app.OwnersSet = attrs["owners"]
	if sb := b.body.first("service_principal"); sb != nil {
		app.ServicePrincipal = l.decodeServicePrincipal(d, sb, app)
	}
}

// rangeAttr is the range of a block's attribute, else of its header.
func rangeAttr(b *block, name string) hcl.Range {
	if a := b.body.attrs[name]; a != nil {
		return a.Expr.Range()
	}
	return b.defRange
}

func checkTags(d *decoder, a *hcl.Attribute, tags []string) {
	for _, t := range tags {
		if strings.HasPrefix(t, "entraform:") {
			d.errorf(a.Expr.Range(), "Reserved tag", "%q starts with \"entraform:\", which entraform keeps for its ownership tags.", t)
		}
		if strings.TrimSpace(t) == "" {
			d.errorf(a.Expr.Range(), "Empty tag", "Tags cannot be empty strings.")
		}
	}
}

// checkIdentifierURI checks the shape Graph accepts: an absolute URI
// without a query string or fragment (the tenant checks its policy).
func checkIdentifierURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return fmt.Errorf("%q is not an absolute URI such as \"api://<appId>\" or \"https://contoso.com/orders\"", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "*") {
		return fmt.Errorf("%q cannot have a query string, a fragment or a wildcard", s)
	}
	return nil
}

func decodeOptionalClaims(d *decoder, b *block, parent *decoder) *OptionalClaims {
	oc := &OptionalClaims{DeclRange: b.defRange}
	for _, kind := range []struct {
		typ string
		to  *[]*OptionalClaim
	}{{"id_token", &oc.IDToken}, {"access_token", &oc.AccessToken}, {"saml2_token", &oc.SAML2Token}} {
		seen := map[string]hcl.Range{}
		for _, cb := range b.body.blocks[kind.typ] {
			if !uniqueLabel(d, seen, cb, "claim") {
				continue
			}
			nd := d.nested(kind.typ + "." + cb.label() + ".")
			c := &OptionalClaim{Name: cb.label(), DeclRange: cb.defRange}
			c.Essential = nd.boolean(cb.body.attrs, "essential")
			c.AdditionalProperties, _, _ = nd.strList(cb.body.attrs, "additional_properties")
			d.absorb(nd)
			*kind.to = append(*kind.to, c)
		}
	}
	parent.absorb(d)
	return oc
}

func (l *loader) decodeAPI(d *decoder, b *block, app *Application) *API {
	nd := d.nested("api.")
	api := &API{DeclRange: b.defRange}
	if v, a, ok := nd.integer(b.body.attrs, "requested_access_token_version"); ok {
		if v != 1 && v != 2 {
			nd.errorf(a.Expr.Range(), "Invalid requested_access_token_version", "The access token version is 1 or 2, not %d.", v)
		}
		api.RequestedAccessTokenVersion = v
	}
	known, ranges, _ := nd.strList(b.body.attrs, "known_client_applications")
	for i, k := range known {
		if !isGUID(k) {
			nd.errorf(ranges[i], "Invalid known client application", "%q is not an appId (a GUID).", k)
		}
		api.KnownClientApplications = append(api.KnownClientApplications, strings.ToLower(k))
	}
	labels := map[string]hcl.Range{}
	values := map[string]bool{}
	for _, sb := range b.body.blocks["scope"] {
		if !uniqueLabel(nd, labels, sb, "scope") {
			continue
		}
		sd := nd.nested("scope." + sb.label() + ".")
		s := &Scope{Name: sb.label(), Type: "User", Enabled: true, DeclRange: sb.defRange}
		s.Value, _ = sd.str(sb.body.attrs, "value")
		checkPermissionValue(sd, sb, s.Value)
		if values[strings.ToLower(s.Value)] && s.Value != "" {
			sd.errorf(rangeAttr(sb, "value"), "Duplicate scope value", "Another scope of %s already has the value %q; values identify scopes in tokens, so they must be unique.", app.Addr, s.Value)
		}
		values[strings.ToLower(s.Value)] = true
		if t, a := sd.str(sb.body.attrs, "type"); a != nil {
			if !oneOf(t, scopeTypes) {
				sd.errorf(a.Expr.Range(), "Invalid scope type", "%q is not a scope type; use %s%s.", t, quoteList(scopeTypes), didYouMean(t, scopeTypes))
			}
			s.Type = t
		}
		s.AdminConsentDisplayName, _ = sd.str(sb.body.attrs, "admin_consent_display_name")
		s.AdminConsentDescription, _ = sd.str(sb.body.attrs, "admin_consent_description")
		s.UserConsentDisplayName, _ = sd.str(sb.body.attrs, "user_consent_display_name")
		s.UserConsentDescription, _ = sd.str(sb.body.attrs, "user_consent_description")
		if _, ok := sb.body.attrs["enabled"]; ok {
			s.Enabled = sd.boolean(sb.body.attrs, "enabled")
		}
		s.ID, s.IDGiven = blockID(sd, sb, app.UniqueName, "scope")
		nd.absorb(sd)
		api.Scopes = append(api.Scopes, s)
	}
	labels = map[string]hcl.Range{}
	for _, pb := range b.body.blocks["pre_authorized"] {
		if !uniqueLabel(nd, labels, pb, "pre_authorized") {
			continue
		}
		pd := nd.nested("pre_authorized." + pb.label() + ".")
		p := &PreAuthorized{Name: pb.label(), DeclRange: pb.defRange}
		if refs := l.principalRefs(pd, pb.body.attrs, "application", clientKinds); len(refs) == 1 {
			p.Application, p.AppID = refs[0].Ref, refs[0].AppID
		}
		scopes, sr, _ := pd.strList(pb.body.attrs, "scopes")
		for i, s := range scopes {
			if !values[strings.ToLower(s)] {
				var known []string
				for _, sc := range api.Scopes {
					known = append(known, sc.Value)
				}
				pd.errorf(sr[i], "Unknown scope", "%s declares no scope with the value %q%s.", app.Addr, s, didYouMean(s, known))
				continue
			}
			p.Scopes = append(p.Scopes, s)
		}
		nd.absorb(pd)
		api.PreAuthorized = append(api.PreAuthorized, p)
	}
	d.absorb(nd)
	return api
}

// checkPermissionValue checks a scope's or role's value: no spaces, and
// not one of the values Entra reserves.
func checkPermissionValue(d *decoder, b *block, v string) {
	rng := rangeAttr(b, "value")
	switch {
	case strings.TrimSpace(v) == "":
		d.errorf(rng, "Empty value", "The value is what tokens carry (in scp or roles); it cannot be empty.")
	case strings.ContainsAny(v, " \t\n"):
		d.errorf(rng, "Invalid value", "%q contains white space; tokens list values separated by spaces.", v)
	case strings.HasPrefix(strings.ToLower(v), ".") || strings.EqualFold(v, "openid") || strings.EqualFold(v, "offline_access") || strings.EqualFold(v, "profile") || strings.EqualFold(v, "email"):
		d.errorf(rng, "Reserved value", "%q is reserved by Entra ID.", v)
	}
}

// blockID reads a scope's or role's id attribute, else derives it.
func blockID(d *decoder, b *block, uniqueName, kind string) (string, bool) {
	if id, a := d.str(b.body.attrs, "id"); a != nil {
		if !isGUID(id) {
			d.errorf(a.Expr.Range(), "Invalid id", "%q is not a GUID.", id)
		}
		return strings.ToLower(id), true
	}
	return StableID(uniqueName, kind, b.label()), false
}

func decodeAppRole(d *decoder, b *block, uniqueName string, parent *decoder) *AppRole {
	r := &AppRole{Name: b.label(), Enabled: true, DeclRange: b.defRange}
	r.Value, _ = d.str(b.body.attrs, "value")
	checkPermissionValue(d, b, r.Value)
	r.DisplayName, _ = d.str(b.body.attrs, "display_name")
	r.Description, _ = d.str(b.body.attrs, "description")
	r.AllowedMemberTypes = d.choiceList(b.body.attrs, "allowed_member_types", memberTypes, false, "member type",
		"No allowed member types", "An app role is given to users and groups (\"User\"), to applications (\"Application\"), or both; list at least one.")
	if _, ok := b.body.attrs["enabled"]; ok {
		r.Enabled = d.boolean(b.body.attrs, "enabled")
	}
	r.ID, r.IDGiven = blockID(d, b, uniqueName, "app_role")
	parent.absorb(d)
	return r
}

// checkUniqueIDs diagnoses two scopes or roles given the same id.
func checkUniqueIDs(d *decoder, app *Application) {
	seen := map[string]hcl.Range{}
	check := func(id string, given bool, rng hcl.Range) {
		if prev, ok := seen[id]; ok && given {
			d.errorf(rng, "Duplicate id", "The id %s is already used at %s; every scope and app role needs its own id.", id, prev)
		}
		seen[id] = rng
	}
	if app.API != nil {
		for _, s := range app.API.Scopes {
			check(s.ID, s.IDGiven, s.DeclRange)
		}
	}
	for _, r := range app.AppRoles {
		check(r.ID, r.IDGiven, r.DeclRange)
	}
}

func (l *loader) decodeServicePrincipal(d *decoder, b *block, app *Application) *ServicePrincipalConfig {
	nd := d.nested("service_principal.")
	sp := &ServicePrincipalConfig{DeclRange: b.defRange}
	sp.AppRoleAssignmentRequired = nd.boolean(b.body.attrs, "app_role_assignment_required")
	sp.Notes, _ = nd.str(b.body.attrs, "notes")
	if tags, _, a := nd.strList(b.body.attrs, "tags"); a != nil {
		sp.Tags, sp.TagsSet = tags, true
		checkTags(nd, a, tags)
	}
	if u, a := nd.str(b.body.attrs, "login_url"); a != nil {
		if err := checkHTTPURL(u, false); err != nil {
			nd.errorf(a.Expr.Range(), "Invalid URL", "%s.", err)
		}
		sp.LoginURL = u
	}
	sp.Owners = l.principalRefs(nd, b.body.attrs, "owners", ownerKinds)
	_, sp.OwnersSet = b.body.attrs["owners"]
	labels := map[string]hcl.Range{}
	for _, ab := range b.body.blocks["assignment"] {
		if !uniqueLabel(nd, labels, ab, "assignment") {
			continue
		}
		ad := nd.nested("assignment." + ab.label() + ".")
		as := &Assignment{Name: ab.label(), DeclRange: ab.defRange}
		if refs := l.principalRefs(ad, ab.body.attrs, "principal", assigneeKinds); len(refs) == 1 {
			as.Principal = refs[0].Ref
			if as.Principal == "" {
				ad.errorf(rangeAttr(ab, "principal"), "Invalid principal", "An assignment names its principal by reference: data.user.x, data.group.x, data.service_principal.x or application.x.")
			}
		}
		if role, a := ad.str(ab.body.attrs, "app_role"); a != nil {
			as.AppRole = role
			found := false
			var known []string
			for _, r := range app.AppRoles {
				known = append(known, r.Value)
				found = found || r.Value == role
			}
			if !found {
				ad.errorf(a.Expr.Range(), "Unknown app role", "%s declares no app_role with the value %q%s.", app.Addr, role, didYouMean(role, known))
			}
		}
		nd.absorb(ad)
		sp.Assignments = append(sp.Assignments, as)
	}
	d.absorb(nd)
	return sp
}
