package export

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/providers/entra"
)

// appBlock is one application as it will be written.
type appBlock struct {
	Name        string // the block label
	AppID       string
	DisplayName string
	Audience    string // "" for the default
	Notes       string
	Web         *webBlock
	// PublicClient is nil without a public_client block.
	PublicClient []string
	HasPublic    bool
	SPA          []string
	Permissions  []permBlock
	AdminConsent bool
	Secrets      []credBlock
	Certificates []credBlock
	Federated    []entra.FederatedIdentityCredential
	Extras       extras
	// Remarks are written as comments above the block and reported as
	// warnings: what the export could not carry over faithfully.
	Remarks []string
}

type webBlock struct {
	RedirectURIs        []string
	HomePageURL         string
	LogoutURL           string
	IDTokenIssuance     bool
	AccessTokenIssuance bool
}

type permBlock struct {
	Resource    string // graph, sharepoint or an appId
	Delegated   []string
	Application []string
}

// credBlock is a secret or certificate: its label, the comment that says
// what the tenant holds, and for certificates the key file path.
type credBlock struct {
	Label   string
	Comment string
	KeyFile string
}

// index gives quick access to a snapshot's objects.
type index struct {
	snap        *entra.Snapshot
	spByAppID   map[string]*entra.ServicePrincipal
	resByObject map[string]*entra.ServicePrincipal
}

func newIndex(snap *entra.Snapshot) *index {
	ix := &index{snap: snap, spByAppID: map[string]*entra.ServicePrincipal{}, resByObject: map[string]*entra.ServicePrincipal{}}
	for _, sp := range snap.ServicePrincipals {
		ix.spByAppID[strings.ToLower(sp.AppID)] = sp
	}
	for _, r := range snap.Resources {
		ix.resByObject[r.ID] = r
	}
	return ix
}

// resourceName names a resource for messages.
func (ix *index) resourceName(appID string) string {
	if r := ix.snap.Resources[strings.ToLower(appID)]; r != nil && r.DisplayName != "" {
		return r.DisplayName
	}
	return entra.ResourceLabel(appID)
}

// permissionValue names a requested permission the way the configuration
// language resolves it: against the built-in catalog for Microsoft Graph
// and SharePoint Online (checked offline), else against the resource's
// service principal in the tenant.
func (ix *index) permissionValue(resourceAppID, id string, delegated bool) (string, bool) {
	appID := strings.ToLower(resourceAppID)
	if res, ok := config.BuiltinCatalog().Resource(appID); ok {
		list := res.Roles
		if delegated {
			list = res.Scopes
		}
		for _, p := range list {
			if strings.EqualFold(p.ID, id) {
				return p.Value, true
			}
		}
		return "", false
	}
	sp := ix.snap.Resources[appID]
	if sp == nil {
		return "", false
	}
	if delegated {
		for _, s := range sp.OAuth2PermissionScopes {
			if strings.EqualFold(s.ID, id) {
				return s.Value, true
			}
		}
	} else {
		for _, r := range sp.AppRoles {
			if strings.EqualFold(r.ID, id) {
				return r.Value, true
			}
		}
	}
	return "", false
}

// application builds the block of one application read from the tenant.
func (ix *index) application(a *entra.Application, name, workspace string) *appBlock {
	b := &appBlock{Name: name, AppID: strings.ToLower(a.AppID), DisplayName: a.DisplayName}
	if a.SignInAudience != "" && a.SignInAudience != config.DefaultSignInAudience {
		b.Audience = a.SignInAudience
	}
	if a.Notes != nil {
		b.Notes = *a.Notes
	}
	if ws := entra.WorkspaceOf(a.Tags); ws != "" && ws != workspace {
		b.remark("It is managed by entraform workspace %q; adopting it here moves it to workspace %q, and that workspace's next plan will no longer see it.", ws, workspace)
	}
	ix.platforms(a, b)
	ix.permissions(a, b)
	ix.consent(a, b)
	b.Secrets = secretBlocks(a.PasswordCredentials)
	b.Certificates = certificateBlocks(a.KeyCredentials, name)
	b.Federated = append(b.Federated, a.FederatedIdentityCredentials...)
	sort.Slice(b.Federated, func(i, j int) bool { return b.Federated[i].Name < b.Federated[j].Name })
	return b
}

func (b *appBlock) remark(format string, args ...any) {
	b.Remarks = append(b.Remarks, fmt.Sprintf(format, args...))
}

func (ix *index) platforms(a *entra.Application, b *appBlock) {
	if w := a.Web; w != nil {
		wb := &webBlock{RedirectURIs: sortedCopy(w.RedirectURIs)}
		if w.HomePageURL != nil {
			wb.HomePageURL = *w.HomePageURL
		}
		if w.LogoutURL != nil {
			wb.LogoutURL = *w.LogoutURL
		}
		if g := w.ImplicitGrantSettings; g != nil {
			wb.IDTokenIssuance, wb.AccessTokenIssuance = g.EnableIDTokenIssuance, g.EnableAccessTokenIssuance
		}
		if len(wb.RedirectURIs) > 0 || wb.HomePageURL != "" || wb.LogoutURL != "" || wb.IDTokenIssuance || wb.AccessTokenIssuance {
			b.Web = wb
		}
	}
	fallback := a.IsFallbackPublicClient != nil && *a.IsFallbackPublicClient
	var public []string
	if a.PublicClient != nil {
		public = sortedCopy(a.PublicClient.RedirectURIs)
	}
	if fallback || len(public) > 0 {
		b.HasPublic, b.PublicClient = true, public
		if !fallback {
			b.remark("It has public client redirect URIs but public client flows are off; a public_client block turns them on, so the plan will change fallback_public_client to true. Remove the block to remove the redirect URIs instead.")
		}
	}
	if a.SPA != nil {
		b.SPA = sortedCopy(a.SPA.RedirectURIs)
	}
}

func (ix *index) permissions(a *entra.Application, b *appBlock) {
	byResource := map[string]*permBlock{}
	var order []string
	for _, r := range a.RequiredResourceAccess {
		appID := strings.ToLower(r.ResourceAppID)
		p := byResource[appID]
		if p == nil {
			p = &permBlock{Resource: entra.ResourceLabel(appID)}
			byResource[appID] = p
			order = append(order, appID)
		}
		for _, ra := range r.ResourceAccess {
			delegated := strings.EqualFold(ra.Type, "Scope")
			value, ok := ix.permissionValue(appID, ra.ID, delegated)
			if !ok {
				kind := "application"
				if delegated {
					kind = "delegated"
				}
				b.remark("It requests %s permission %s of %s, which %s does not publish; it is left out, so the plan will remove it from the requested permissions.",
					kind, ra.ID, ix.resourceName(appID), ix.resourceName(appID))
				continue
			}
			if delegated {
				p.Delegated = appendNew(p.Delegated, value)
			} else {
				p.Application = appendNew(p.Application, value)
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return permOrder(order[i]) < permOrder(order[j]) })
	for _, appID := range order {
		p := byResource[appID]
		sort.Strings(p.Delegated)
		sort.Strings(p.Application)
		if len(p.Delegated)+len(p.Application) > 0 {
			b.Permissions = append(b.Permissions, *p)
		}
	}
}

// permOrder puts Microsoft Graph first, SharePoint second, then the
// others by appId.
func permOrder(appID string) string {
	switch appID {
	case entra.GraphAppID:
		return "0"
	case entra.SharePointAppID:
		return "1"
	}
	return "2" + appID
}

// consent decides admin_consent. The plan, with admin_consent = true,
// wants exactly one tenant-wide grant per resource with the requested
// delegated permissions and one role assignment per requested application
// permission; with false, none. Whatever consent exists is most likely
// meant, so any existing consent gives true, and every difference from
// the exact set is a remark: the plan will show it.
func (ix *index) consent(a *entra.Application, b *appBlock) {
	sp := ix.spByAppID[strings.ToLower(a.AppID)]
	if sp == nil {
		b.remark("It has no service principal (enterprise application) in this tenant; the plan will create one.")
		return
	}
	wantScopes := map[string][]string{} // resource appId -> values
	wantRoles := map[string]bool{}      // resource appId + " " + value
	for _, p := range b.Permissions {
		appID := p.Resource
		switch p.Resource {
		case "graph":
			appID = entra.GraphAppID
		case "sharepoint":
			appID = entra.SharePointAppID
		}
		if len(p.Delegated) > 0 {
			wantScopes[appID] = p.Delegated
		}
		for _, r := range p.Application {
			wantRoles[appID+" "+r] = true
		}
	}
	consented := false
	haveScopes := map[string][]string{}
	for _, g := range ix.snap.Grants {
		if g.ClientID != sp.ID || g.ConsentType != "AllPrincipals" {
			continue
		}
		consented = true
		resAppID := g.ResourceID
		if r := ix.resByObject[g.ResourceID]; r != nil {
			resAppID = strings.ToLower(r.AppID)
		}
		haveScopes[resAppID] = append(haveScopes[resAppID], strings.Fields(g.Scope)...)
	}
	haveRoles := map[string]bool{}
	for _, as := range ix.snap.Assignments {
		if as.PrincipalID != sp.ID {
			continue
		}
		consented = true
		resAppID, role := as.ResourceID, as.AppRoleID
		if r := ix.resByObject[as.ResourceID]; r != nil {
			resAppID = strings.ToLower(r.AppID)
			if v, ok := ix.permissionValue(resAppID, as.AppRoleID, false); ok {
				role = v
			}
		}
		haveRoles[resAppID+" "+role] = true
	}
	if !consented {
		return
	}
	b.AdminConsent = true
	for _, appID := range slices.Sorted(maps.Keys(unionKeys(wantScopes, haveScopes))) {
		want, have := sortedCopy(wantScopes[appID]), sortedCopy(dedupe(haveScopes[appID]))
		if strings.Join(want, " ") == strings.Join(have, " ") {
			continue
		}
		b.remark("Admin consent to %s covers %s, but it requests %s; the plan will change the consent to what it requests.",
			ix.resourceName(appID), listOrNone(have), listOrNone(want))
	}
	for _, k := range slices.Sorted(maps.Keys(wantRoles)) {
		if !haveRoles[k] {
			appID, role, _ := strings.Cut(k, " ")
			b.remark("Application permission %s of %s is requested but not granted; the plan will grant it.", role, ix.resourceName(appID))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(haveRoles)) {
		if !wantRoles[k] {
			appID, role, _ := strings.Cut(k, " ")
			b.remark("Application permission %s of %s is granted but not requested; the plan will remove the grant.", role, ix.resourceName(appID))
		}
	}
}

// secretBlocks names each client secret by its display name when that is
// usable (set, and no other secret has it, or this is the one the plan
// would pick among those that share it: the one ending last), else by
// its key id, which the plan matches too.
func secretBlocks(list []entra.PasswordCredential) []credBlock {
	creds := make([]credential, len(list))
	for i, p := range list {
		creds[i] = credential{KeyID: p.KeyID, DisplayName: p.DisplayName, End: p.EndDateTime}
	}
	labels := credentialLabels(creds)
	var out []credBlock
	for i, p := range list {
		what := "Client secret " + p.KeyID
		if p.Hint != "" {
			what += ", hint " + p.Hint
		}
		out = append(out, credBlock{
			Label: labels[i],
			Comment: fmt.Sprintf("%s, %s. Its value stays with whoever has it: entraform keeps this secret as it is. Give the block a write_to file to have entraform replace it with a new secret whose value goes there.",
				what, expiry(p.EndDateTime)),
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// certificateBlocks names certificates as secretBlocks names secrets and
// gives each a private key file path that does not exist yet.
func certificateBlocks(list []entra.KeyCredential, app string) []credBlock {
	creds := make([]credential, len(list))
	for i, k := range list {
		creds[i] = credential{KeyID: k.KeyID, DisplayName: k.DisplayName, End: k.EndDateTime}
	}
	labels := credentialLabels(creds)
	files := namer{}
	var out []credBlock
	for i, k := range list {
		what := "Certificate " + k.KeyID
		if k.CustomKeyIdentifier != "" {
			what += ", thumbprint " + strings.ToUpper(k.CustomKeyIdentifier)
		}
		file := files.unique(app + "_" + identifier(labels[i], "certificate"))
		out = append(out, credBlock{
			Label:   labels[i],
			KeyFile: "secrets/" + file + ".pem",
			Comment: fmt.Sprintf("%s, %s. Its private key is not in the tenant: entraform keeps this certificate while private_key_file does not exist. Put the key there (PEM) for certificate checks.",
				what, expiry(k.EndDateTime)),
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

type credential struct {
	KeyID, DisplayName string
	End                *time.Time
}

// credentialLabels mirrors how the plan finds a credential by its label:
// by key id first, else the last to end among those with that display
// name (the first in the list on ties).
func credentialLabels(list []credential) []string {
	winner := map[string]int{}
	for i, c := range list {
		if c.DisplayName == "" {
			continue
		}
		j, ok := winner[c.DisplayName]
		if !ok || (c.End != nil && list[j].End != nil && c.End.After(*list[j].End)) {
			winner[c.DisplayName] = i
		}
	}
	labels := make([]string, len(list))
	for i, c := range list {
		if j, ok := winner[c.DisplayName]; ok && j == i && !looksLikeKeyID(c.DisplayName, list) {
			labels[i] = c.DisplayName
		} else {
			labels[i] = strings.ToLower(c.KeyID)
		}
	}
	return labels
}

// looksLikeKeyID reports whether a display name equals a key id in the
// list: the plan would match that credential instead.
func looksLikeKeyID(name string, list []credential) bool {
	for _, c := range list {
		if strings.EqualFold(c.KeyID, name) {
			return true
		}
	}
	return false
}

func expiry(end *time.Time) string {
	if end == nil {
		return "no end date"
	}
	return "ends " + end.UTC().Format(time.DateOnly)
}

func sortedCopy(s []string) []string {
	c := append([]string{}, s...)
	sort.Strings(c)
	return c
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		out = appendNew(out, v)
	}
	return out
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

func unionKeys(a, b map[string][]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
