package policy

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/config"
)

// object is one planned object a policy block checks, bound to self.
type object struct {
	addr  string
	rng   hcl.Range
	value cty.Value
}

var (
	strList = cty.List(cty.String)

	permissionType = cty.Object(map[string]cty.Type{
		"address": cty.String, "application": cty.String, "resource": cty.String,
		"resource_app_id": cty.String, "resource_address": cty.String, "kind": cty.String, "name": cty.String, "value": cty.String,
		"action": cty.String,
	})
	credentialType = cty.Object(map[string]cty.Type{
		"address": cty.String, "application": cty.String, "type": cty.String, "name": cty.String,
		"expires_in_hours": cty.Number, "rotate_before_hours": cty.Number, "write_to": cty.String,
		"private_key_file": cty.String, "issuer": cty.String, "subject": cty.String, "audiences": strList,
		"action": cty.String,
	})
	grantType = cty.Object(map[string]cty.Type{
		"address": cty.String, "name": cty.String, "site": cty.String, "site_url": cty.String,
		"application": cty.String, "roles": strList, "action": cty.String,
	})
	checkRefType = cty.Object(map[string]cty.Type{"address": cty.String, "flow": cty.String, "expect_error": cty.String})
)

// str is a string value, null when empty.
func str(s string) cty.Value {
	if s == "" {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(s)
}

func list(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vs := make([]cty.Value, len(ss))
	for i, s := range ss {
		vs[i] = cty.StringVal(s)
	}
	return cty.ListVal(vs)
}

func listOf(ty cty.Type, vs []cty.Value) cty.Value {
	if len(vs) == 0 {
		return cty.ListValEmpty(ty)
	}
	return cty.ListVal(vs)
}

func hours(d time.Duration) cty.Value { return cty.NumberFloatVal(d.Hours()) }

// action is the plan's action for an address ("create", "update",
// "no-op", ...), null offline or when the plan has no such object.
func (f *facts) action(addr string) cty.Value {
	if f.plan == nil {
		return cty.NullVal(cty.String)
	}
	if f.actions == nil {
		f.actions = make(map[string]string, len(f.plan.Changes))
		for _, c := range f.plan.Changes {
			f.actions[c.Address] = string(c.Action)
		}
	}
	if a, ok := f.actions[addr]; ok {
		return cty.StringVal(a)
	}
	return cty.NullVal(cty.String)
}

func (f *facts) permissionObject(a *config.Application, p perm) object {
	addr := p.addr()
	return object{addr: addr, rng: p.ref.Range, value: cty.ObjectVal(map[string]cty.Value{
		"address": cty.StringVal(addr), "application": cty.StringVal(a.Addr),
		"resource": cty.StringVal(p.label()), "resource_app_id": str(p.ResourceAppID), "resource_address": str(p.block.ResourceAddr),
		"kind": cty.StringVal(p.kind()), "name": cty.StringVal(p.ref.Name), "value": str(p.Value),
		"action": f.action(addr),
	})}
}

func (f *facts) credentialObjects(a *config.Application) []object {
	var out []object
	null := cty.NullVal(cty.String)
	nullN := cty.NullVal(cty.Number)
	for _, s := range a.Secrets {
		addr := secretAddr(a, s)
		out = append(out, object{addr: addr, rng: s.DeclRange, value: cty.ObjectVal(map[string]cty.Value{
			"address": cty.StringVal(addr), "application": cty.StringVal(a.Addr), "type": cty.StringVal("secret"),
			"name": cty.StringVal(s.Name), "expires_in_hours": hours(s.ExpiresIn), "rotate_before_hours": hours(s.RotateBefore),
			"write_to": str(s.WriteTo), "private_key_file": null, "issuer": null, "subject": null,
			"audiences": cty.ListValEmpty(cty.String), "action": f.action(addr),
		})})
	}
	for _, c := range a.Certificates {
		addr := a.Addr + ".certificate." + c.Name
		out = append(out, object{addr: addr, rng: c.DeclRange, value: cty.ObjectVal(map[string]cty.Value{
			"address": cty.StringVal(addr), "application": cty.StringVal(a.Addr), "type": cty.StringVal("certificate"),
			"name": cty.StringVal(c.Name), "expires_in_hours": hours(c.ExpiresIn), "rotate_before_hours": hours(c.RotateBefore),
			"write_to": null, "private_key_file": str(c.PrivateKeyFile), "issuer": null, "subject": null,
			"audiences": cty.ListValEmpty(cty.String), "action": f.action(addr),
		})})
	}
	for _, fc := range a.FederatedCredentials {
		addr := a.Addr + ".federated_credential." + fc.Name
		out = append(out, object{addr: addr, rng: fc.DeclRange, value: cty.ObjectVal(map[string]cty.Value{
			"address": cty.StringVal(addr), "application": cty.StringVal(a.Addr), "type": cty.StringVal("federated_credential"),
			"name": cty.StringVal(fc.Name), "expires_in_hours": nullN, "rotate_before_hours": nullN,
			"write_to": null, "private_key_file": null, "issuer": str(fc.Issuer), "subject": str(fc.Subject),
			"audiences": list(fc.Audiences), "action": f.action(addr),
		})})
	}
	return out
}

func (f *facts) grantObject(s *config.Site, g *config.Grant) object {
	addr := s.Addr + ".grant." + g.Name
	return object{addr: addr, rng: g.DeclRange, value: cty.ObjectVal(map[string]cty.Value{
		"address": cty.StringVal(addr), "name": cty.StringVal(g.Name), "site": cty.StringVal(s.Addr),
		"site_url": cty.StringVal(s.URL), "application": cty.StringVal(g.Application), "roles": list(g.Roles),
		"action": f.action(addr),
	})}
}

func (f *facts) siteObject(s *config.Site) object {
	var grants []cty.Value
	for _, g := range s.Grants {
		grants = append(grants, f.grantObject(s, g).value)
	}
	return object{addr: s.Addr, rng: s.DeclRange, value: cty.ObjectVal(map[string]cty.Value{
		"address": cty.StringVal(s.Addr), "name": cty.StringVal(s.Name), "url": cty.StringVal(s.URL),
		"grants": listOf(grantType, grants),
	})}
}

func (f *facts) applicationObject(a *config.Application) object {
	var perms, creds, checks []cty.Value
	for _, p := range f.perms[a.Addr] {
		perms = append(perms, f.permissionObject(a, p).value)
	}
	for _, c := range f.credentialObjects(a) {
		creds = append(creds, c.value)
	}
	for _, c := range f.allChecks[a.Addr] {
		checks = append(checks, cty.ObjectVal(map[string]cty.Value{"address": cty.StringVal(c.Addr), "flow": cty.StringVal(c.Flow), "expect_error": str(c.ExpectError)}))
	}
	var web, spa, pub []string
	var home, logout string
	var idTok, accTok bool
	if a.Web != nil {
		web, home, logout = a.Web.RedirectURIs, a.Web.HomePageURL, a.Web.LogoutURL
		idTok, accTok = a.Web.IDTokenIssuance, a.Web.AccessTokenIssuance
	}
	if a.SPA != nil {
		spa = a.SPA.RedirectURIs
	}
	if a.PublicClient != nil {
		pub = a.PublicClient.RedirectURIs
	}
	return object{addr: a.Addr, rng: a.DeclRange, value: cty.ObjectVal(map[string]cty.Value{
		"address": cty.StringVal(a.Addr), "name": cty.StringVal(a.Name),
		"display_name": cty.StringVal(a.DisplayName), "unique_name": cty.StringVal(a.UniqueName),
		"sign_in_audience": cty.StringVal(a.SignInAudience), "notes": str(a.Notes), "adopt": str(a.Adopt),
		"admin_consent":     cty.BoolVal(a.AdminConsent),
		"web_redirect_uris": list(web), "spa_redirect_uris": list(spa), "public_client_redirect_uris": list(pub),
		"home_page_url": str(home), "logout_url": str(logout),
		"id_token_issuance": cty.BoolVal(idTok), "access_token_issuance": cty.BoolVal(accTok),
		"public_client": cty.BoolVal(a.PublicClient != nil),
		"permissions":   listOf(permissionType, perms), "credentials": listOf(credentialType, creds),
		"checks": listOf(checkRefType, checks), "action": f.action(a.Addr),
	})}
}

// objects returns the planned objects of one policy kind, built once per
// evaluation.
func (f *facts) objects(kind string) []object {
	if out, ok := f.objectCache[kind]; ok {
		return out
	}
	out := f.buildObjects(kind)
	f.objectCache[kind] = out
	return out
}

func (f *facts) buildObjects(kind string) []object {
	var out []object
	switch kind {
	case "application":
		for _, a := range f.cfg.Applications {
			out = append(out, f.applicationObject(a))
		}
	case "permission":
		for _, a := range f.cfg.Applications {
			for _, p := range f.perms[a.Addr] {
				out = append(out, f.permissionObject(a, p))
			}
		}
	case "credential":
		for _, a := range f.cfg.Applications {
			out = append(out, f.credentialObjects(a)...)
		}
	case "site":
		for _, s := range f.cfg.Sites {
			out = append(out, f.siteObject(s))
		}
	case "grant":
		for _, s := range f.cfg.Sites {
			for _, g := range s.Grants {
				out = append(out, f.grantObject(s, g))
			}
		}
	}
	return out
}
