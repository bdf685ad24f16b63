package config

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Defaults of credentials.
const (
	DefaultSecretExpiresIn      = 4380 * time.Hour // about six months
	DefaultCertificateExpiresIn = 8760 * time.Hour // a year
	DefaultRotateBefore         = 720 * time.Hour  // thirty days
	DefaultSignInAudience       = "AzureADMyOrg"
	maxFederatedCredentials     = 20
)

// DefaultFederatedAudiences is the audience Entra ID expects in federated
// assertions.
var DefaultFederatedAudiences = []string{"api://AzureADTokenExchange"}

// evalApplication expands an application block and decodes each instance.
func (l *loader) evalApplication(name string, b *block, refs refSet, localVals, appVals map[string]cty.Value) (*group, hcl.Diagnostics) {
	insts, mode, diags := l.expand("application", name, b, l.evalCtx(refs, localVals, appVals, nil))
	if diags.HasErrors() {
		return nil, diags
	}
	g := &group{mode: mode, insts: insts}
	for i := range insts {
		app, d := l.decodeApplication(name, b, insts[i], l.evalCtx(refs, localVals, appVals, &insts[i]))
		diags = append(diags, d...)
		g.apps = append(g.apps, app)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	l.cfg.Applications = append(l.cfg.Applications, g.apps...)
	return g, diags
}

func (l *loader) decodeApplication(name string, b *block, inst instance, ctx *hcl.EvalContext) (*Application, hcl.Diagnostics) {
	app := &Application{
		Addr: inst.addr, Name: name, Key: inst.key,
		SignInAudience: DefaultSignInAudience,
		DeclRange:      b.defRange,
		AttrRanges:     map[string]hcl.Range{},
		SensitiveAttrs: map[string]bool{},
	}
	d := &decoder{ctx: ctx, ranges: app.AttrRanges, sensitive: app.SensitiveAttrs}
	attrs := b.body.attrs

	var a *hcl.Attribute
	app.DisplayName, a = d.str(attrs, "display_name")
	if a != nil && strings.TrimSpace(app.DisplayName) == "" && !d.diags.HasErrors() {
		d.errorf(a.Expr.Range(), "Empty display_name", "An application needs a display name.")
	}
	if a != nil {
		checkLength(d, a.Expr.Range(), "display_name", app.DisplayName, MaxDisplayNameLength)
	}
	if un, a := d.str(attrs, "unique_name"); a != nil {
		if !uniqueNameRE.MatchString(un) {
			d.errorf(a.Expr.Range(), "Invalid unique_name", "%q is not a valid unique name: use 1 to 120 letters, digits and . _ ~ : @ -.", un)
		}
		app.UniqueName = un
	} else {
		app.UniqueName = "entraform." + l.cfg.Tenant.Workspace + "." + name
		if k := keyString(inst.key); k != "" {
			app.UniqueName += "." + k
		}
		if !uniqueNameRE.MatchString(app.UniqueName) {
			rng := b.defRange
			if fe := attrs["for_each"]; fe != nil {
				rng = fe.Expr.Range()
			}
			d.errorf(rng, "Invalid default unique_name",
				"The default unique name %q has characters a unique name cannot have (or is too long); set unique_name in the block.", app.UniqueName)
		}
	}
	if sia, a := d.str(attrs, "sign_in_audience"); a != nil {
		if !oneOf(sia, signInAudiences) {
			d.errorf(a.Expr.Range(), "Invalid sign_in_audience", "%q is not a sign-in audience; use one of %s%s.", sia, quoteList(signInAudiences), didYouMean(sia, signInAudiences))
		}
		app.SignInAudience = sia
	}
	app.Notes, _ = d.str(attrs, "notes")
	app.AdminConsent = d.boolean(attrs, "admin_consent")
	if adopt, a := d.str(attrs, "adopt"); a != nil {
		if !isGUID(adopt) {
			d.errorf(a.Expr.Range(), "Invalid adopt", "adopt takes the appId (a GUID) of the existing application to manage; %q is not a GUID.", adopt)
		}
		app.Adopt = strings.ToLower(adopt)
	}

	if wb := b.body.first("web"); wb != nil {
		wd := d.nested("web.")
		w := &Web{DeclRange: wb.defRange}
		w.RedirectURIs = redirectURIs(wd, wb.body.attrs, checkWebURI)
		for _, n := range []string{"home_page_url", "logout_url"} {
			if s, a := wd.str(wb.body.attrs, n); a != nil {
				if err := checkWebURI(s); err != nil {
					wd.errorf(a.Expr.Range(), "Invalid URL", "%s.", err)
				}
				if n == "home_page_url" {
					w.HomePageURL = s
				} else {
					w.LogoutURL = s
				}
			}
		}
		w.IDTokenIssuance = wd.boolean(wb.body.attrs, "id_token_issuance")
		w.AccessTokenIssuance = wd.boolean(wb.body.attrs, "access_token_issuance")
		d.absorb(wd)
		app.Web = w
	}
	if pb := b.body.first("public_client"); pb != nil {
		pd := d.nested("public_client.")
		app.PublicClient = &RedirectSet{RedirectURIs: redirectURIs(pd, pb.body.attrs, checkPublicURI), DeclRange: pb.defRange}
		d.absorb(pd)
	}
	if sb := b.body.first("spa"); sb != nil {
		sd := d.nested("spa.")
		app.SPA = &RedirectSet{RedirectURIs: redirectURIs(sd, sb.body.attrs, checkWebURI), DeclRange: sb.defRange}
		d.absorb(sd)
	}
	checkRedirectCount(d, app)

	byResource := map[string]*Permission{}
	for _, pb := range b.body.blocks["permission"] {
		p := l.decodePermission(d, pb)
		if p == nil {
			continue
		}
		key := p.ResourceAppID
		if p.ResourceAddr != "" {
			key = p.ResourceAddr
		}
		if prev := byResource[key]; prev != nil {
			d.errorf(pb.defRange, "Duplicate permission block",
				"This application already has a permission block for %s at %s; list all its permissions there.", key, prev.DeclRange)
			continue
		}
		byResource[key] = p
		app.Permissions = append(app.Permissions, p)
	}

	seen := map[string]hcl.Range{}
	for _, sb := range b.body.blocks["secret"] {
		if uniqueLabel(d, seen, sb, "secret") {
			nd := d.nested("secret." + sb.label() + ".")
			app.Secrets = append(app.Secrets, decodeSecret(nd, sb))
			d.absorb(nd)
		}
	}
	seen = map[string]hcl.Range{}
	for _, cb := range b.body.blocks["certificate"] {
		if uniqueLabel(d, seen, cb, "certificate") {
			nd := d.nested("certificate." + cb.label() + ".")
			app.Certificates = append(app.Certificates, decodeCertificate(nd, cb))
			d.absorb(nd)
		}
	}
	seen = map[string]hcl.Range{}
	for i, fb := range b.body.blocks["federated_credential"] {
		if i == maxFederatedCredentials {
			d.errorf(fb.defRange, "Too many federated credentials", "An application can have at most %d federated credentials.", maxFederatedCredentials)
		}
		if uniqueLabel(d, seen, fb, "federated_credential") {
			nd := d.nested("federated_credential." + fb.label() + ".")
			app.FederatedCredentials = append(app.FederatedCredentials, decodeFederated(nd, fb))
			d.absorb(nd)
		}
	}
	l.decodeAppExtras(d, b, app)
	return app, d.diags
}

// redirectURIs reads redirect_uris and checks each with check.
func redirectURIs(d *decoder, attrs hcl.Attributes, check func(string) error) []string {
	uris, ranges, _ := d.strList(attrs, "redirect_uris")
	seen := map[string]bool{}
	for i, u := range uris {
		if err := check(u); err != nil {
			d.errorf(ranges[i], "Invalid redirect URI", "%s.", err)
		}
		if seen[u] {
			d.errorf(ranges[i], "Duplicate redirect URI", "%q is listed twice.", u)
		}
		seen[u] = true
	}
	return uris
}

// uniqueLabel diagnoses an empty or repeated block label.
func uniqueLabel(d *decoder, seen map[string]hcl.Range, b *block, kind string) bool {
	name := b.label()
	if strings.TrimSpace(name) == "" {
		d.errorf(b.labelRanges[0], "Empty name", "A %s block needs a name.", kind)
		return false
	}
	if prev, ok := seen[name]; ok {
		d.errorf(b.labelRanges[0], "Duplicate "+kind, "This block already has a %s named %q at %s.", kind, name, prev)
		return false
	}
	seen[name] = b.defRange
	return true
}

// duration reads an optional duration attribute.
func duration(d *decoder, attrs hcl.Attributes, name string, def time.Duration) (time.Duration, *hcl.Attribute) {
	s, a := d.str(attrs, name)
	if a == nil || s == "" {
		return def, a
	}
	v, err := parseDuration(s)
	if err != nil {
		d.errorf(a.Expr.Range(), "Invalid duration", "%s.", err)
		return def, a
	}
	return v, a
}

func rotation(d *decoder, attrs hcl.Attributes, expiresIn time.Duration) time.Duration {
	rb, a := duration(d, attrs, "rotate_before", DefaultRotateBefore)
	if rb >= expiresIn {
		if a != nil {
			d.errorf(a.Expr.Range(), "Invalid rotate_before", "rotate_before (%s) must be shorter than expires_in (%s).", rb, expiresIn)
		} else {
			// The default does not fit a short lifetime: rotate at half of it.
			rb = expiresIn / 2
		}
	}
	return rb
}

// relPath reads a path attribute relative to the configuration directory.
func relPath(d *decoder, attrs hcl.Attributes, name string) string {
	p, a := d.str(attrs, name)
	if a == nil {
		return ""
	}
	if err := checkRelPath(p); err != nil {
		d.errorf(a.Expr.Range(), "Invalid path", "%s.", err)
		return p
	}
	return filepath.Clean(p)
}

func decodeSecret(d *decoder, b *block) *Secret {
	s := &Secret{Name: b.label(), DeclRange: b.defRange}
	s.ExpiresIn, _ = duration(d, b.body.attrs, "expires_in", DefaultSecretExpiresIn)
	s.RotateBefore = rotation(d, b.body.attrs, s.ExpiresIn)
	s.WriteTo = relPath(d, b.body.attrs, "write_to")
	return s
}

func decodeCertificate(d *decoder, b *block) *Certificate {
	c := &Certificate{Name: b.label(), DeclRange: b.defRange}
	c.PrivateKeyFile = relPath(d, b.body.attrs, "private_key_file")
	c.ExpiresIn, _ = duration(d, b.body.attrs, "expires_in", DefaultCertificateExpiresIn)
	c.RotateBefore = rotation(d, b.body.attrs, c.ExpiresIn)
	return c
}

func decodeFederated(d *decoder, b *block) *FederatedCredential {
	f := &FederatedCredential{Name: b.label(), DeclRange: b.defRange}
	if !fedNameRE.MatchString(f.Name) {
		d.errorf(b.labelRanges[0], "Invalid federated credential name",
			"%q is not a valid name: use 3 to 120 letters, digits, dashes and underscores, starting with a letter or digit.", f.Name)
	}
	var a *hcl.Attribute
	f.Issuer, a = d.str(b.body.attrs, "issuer")
	if a != nil {
		if err := checkHTTPURL(f.Issuer, true); err != nil {
			d.errorf(a.Expr.Range(), "Invalid issuer", "%s.", err)
		}
	}
	f.Subject, a = d.str(b.body.attrs, "subject")
	if a != nil && strings.TrimSpace(f.Subject) == "" {
		d.errorf(a.Expr.Range(), "Empty subject", "A federated credential needs the subject of the tokens it trusts, such as \"repo:contoso/app:ref:refs/heads/main\".")
	}
	f.Description, _ = d.str(b.body.attrs, "description")
	for _, field := range [][2]string{{"issuer", f.Issuer}, {"subject", f.Subject}, {"description", f.Description}} {
		if a := b.body.attrs[field[0]]; a != nil {
			checkLength(d, a.Expr.Range(), field[0], field[1], MaxFederatedFieldLength)
		}
	}
	auds, ranges, a := d.strList(b.body.attrs, "audiences")
	if len(auds) > MaxFederatedAudiencesCount {
		d.errorf(a.Expr.Range(), "Too many audiences", "A federated credential takes one audience (Microsoft Graph accepts a single value); this one lists %d.", len(auds))
	}
	for i, au := range auds {
		checkLength(d, ranges[i], "This audience", au, MaxFederatedFieldLength)
	}
	if a == nil {
		auds = append([]string(nil), DefaultFederatedAudiences...)
	} else if len(auds) == 0 && !d.diags.HasErrors() {
		d.errorf(a.Expr.Range(), "Empty audiences", "A federated credential needs at least one audience; leave audiences out for %q.", DefaultFederatedAudiences[0])
	}
	for i, au := range auds {
		if strings.TrimSpace(au) == "" {
			d.errorf(ranges[i], "Empty audience", "Audiences cannot be empty strings.")
		}
	}
	f.Audiences = auds
	return f
}
