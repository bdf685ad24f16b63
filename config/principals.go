package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// principalKinds says what a principal attribute accepts.
type principalKinds struct {
	list     bool // a list (owners) rather than one value
	upn      bool // a user principal name written literally
	appID    bool // an appId written literally
	user     bool // data.user.x
	group    bool // data.group.x
	sp       bool // data.service_principal.x
	app      bool // application.x
	expected string
}

var (
	ownerKinds = principalKinds{list: true, upn: true, appID: true, user: true, sp: true, app: true,
		expected: `users (data.user.x or a user principal name such as "alex@contoso.com") and service principals (application.x, data.service_principal.x or an appId)`}
	clientKinds = principalKinds{appID: true, sp: true, app: true,
		expected: "an application: application.x, data.service_principal.x or an appId"}
	assigneeKinds = principalKinds{user: true, group: true, sp: true, app: true,
		expected: "a user, group or service principal: data.user.x, data.group.x, data.service_principal.x or application.x"}
)

// principalRefs reads an attribute naming principals (owners, a
// pre-authorized client, an assignment's principal). Repeated owners
// are diagnosed.
func (l *loader) principalRefs(d *decoder, attrs hcl.Attributes, name string, kinds principalKinds) []*Owner {
	a, ok := attrs[name]
	if !ok {
		return nil
	}
	if d.ranges != nil {
		d.ranges[d.prefix+name] = a.Range
	}
	val, diags := a.Expr.Value(d.ctx)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return nil
	}
	val, _ = val.UnmarkDeep()
	if val.IsNull() {
		return nil
	}
	var elems []cty.Value
	var ranges []hcl.Range
	if kinds.list {
		ty := val.Type()
		if !(ty.IsListType() || ty.IsTupleType() || ty.IsSetType()) || !val.IsKnown() {
			d.errorf(a.Expr.Range(), "Incorrect attribute value type", "%q takes a list of %s.", name, kinds.expected)
			return nil
		}
		exprs, _ := hcl.ExprList(a.Expr)
		for i, it := 0, val.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			elems = append(elems, e)
			if len(exprs) == val.LengthInt() {
				ranges = append(ranges, exprs[i].Range())
			} else {
				ranges = append(ranges, a.Expr.Range())
			}
		}
	} else {
		elems, ranges = []cty.Value{val}, []hcl.Range{a.Expr.Range()}
	}
	var out []*Owner
	seen := map[string]hcl.Range{}
	for i, e := range elems {
		o := principalOf(e, kinds)
		if o == nil {
			d.errorf(ranges[i], "Invalid "+strings.ReplaceAll(name, "_", " "), "%q takes %s.", name, kinds.expected)
			continue
		}
		o.Range = ranges[i]
		if prev, dup := seen[o.Key()]; dup {
			d.errorf(ranges[i], "Duplicate owner", "%s is already listed at %s.", o.Key(), prev)
			continue
		}
		seen[o.Key()] = ranges[i]
		out = append(out, o)
	}
	return out
}

// principalOf recognises one principal value, or returns nil.
func principalOf(v cty.Value, k principalKinds) *Owner {
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	ty := v.Type()
	if ty == cty.String {
		s := strings.TrimSpace(v.AsString())
		switch {
		case k.appID && isGUID(s):
			return &Owner{Kind: "service_principal", AppID: strings.ToLower(s)}
		case k.upn && strings.Count(s, "@") == 1 && !strings.HasPrefix(s, "@") && !strings.HasSuffix(s, "@"):
			return &Owner{Kind: "user", UPN: strings.ToLower(s)}
		}
		return nil
	}
	if !ty.IsObjectType() || !ty.HasAttribute("address") {
		return nil
	}
	addr := v.GetAttr("address")
	if !addr.IsKnown() || addr.IsNull() || addr.Type() != cty.String {
		return nil
	}
	a := addr.AsString()
	switch {
	case strings.HasPrefix(a, "application."):
		if k.app {
			return &Owner{Kind: "service_principal", Ref: a}
		}
	case strings.HasPrefix(a, "data.user."):
		if k.user {
			o := &Owner{Kind: "user", Ref: a}
			if u := v.GetAttr("user_principal_name"); u.IsKnown() && !u.IsNull() {
				o.UPN = strings.ToLower(u.AsString())
			}
			return o
		}
	case strings.HasPrefix(a, "data.group."):
		if k.group {
			return &Owner{Kind: "group", Ref: a}
		}
	case strings.HasPrefix(a, "data.service_principal."):
		if k.sp {
			return &Owner{Kind: "service_principal", Ref: a}
		}
	}
	return nil
}

// String describes a principal for messages.
func (o *Owner) String() string {
	return fmt.Sprintf("%s %s", o.Kind, o.Key())
}

// checkPrincipalRefs checks each assignment's principal against the
// member types its app role allows.
func (l *loader) checkPrincipalRefs() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, app := range l.cfg.Applications {
		if app.ServicePrincipal == nil {
			continue
		}
		for _, as := range app.ServicePrincipal.Assignments {
			if as.AppRole == "" || as.Principal == "" {
				continue
			}
			want := "User"
			if strings.HasPrefix(as.Principal, "application.") || strings.HasPrefix(as.Principal, "data.service_principal.") {
				want = "Application"
			}
			for _, r := range app.AppRoles {
				if r.Value == as.AppRole && !slices.Contains(r.AllowedMemberTypes, want) {
					what := map[string]string{"User": "users and groups", "Application": "applications"}[want]
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "App role not for this principal",
						Detail:   fmt.Sprintf("The app role %q of %s is not given to %s (allowed_member_types = %s), so %s cannot be assigned it.", r.Value, app.Addr, what, quoteList(r.AllowedMemberTypes), as.Principal),
						Subject:  as.DeclRange.Ptr(),
					})
				}
			}
		}
	}
	return diags
}
