package config

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// aadstsCode is how expect_error names a refusal: "AADSTS50105".
var aadstsCode = regexp.MustCompile(`^AADSTS[0-9]+$`)

// evalCheck expands a check block and decodes each instance.
func (l *loader) evalCheck(name string, b *block, refs refSet, localVals, appVals map[string]cty.Value) hcl.Diagnostics {
	insts, _, diags := l.expand("check", name, b, l.evalCtx(refs, localVals, appVals, nil))
	if diags.HasErrors() {
		return diags
	}
	var checks []*Check
	for i := range insts {
		c, d := l.decodeCheck(name, b, insts[i], l.evalCtx(refs, localVals, appVals, &insts[i]))
		diags = append(diags, d...)
		checks = append(checks, c)
	}
	if !diags.HasErrors() {
		l.cfg.Checks = append(l.cfg.Checks, checks...)
	}
	return diags
}

func (l *loader) decodeCheck(name string, b *block, inst instance, ctx *hcl.EvalContext) (*Check, hcl.Diagnostics) {
	c := &Check{Addr: inst.addr, Name: name, Key: inst.key, DeclRange: b.defRange}
	d := &decoder{ctx: ctx}
	attrs := b.body.attrs
	c.Application, _ = d.appRef(attrs, "application", l.apps)
	if f, a := d.str(attrs, "flow"); a != nil {
		if !oneOf(f, checkFlows) {
			d.errorf(a.Expr.Range(), "Invalid check flow", "%q is not a flow; use one of %s%s.", f, quoteList(checkFlows), didYouMean(f, checkFlows))
		}
		c.Flow = f
	}
	c.User, _ = d.str(attrs, "user")
	c.Scopes, _, _ = d.strList(attrs, "scopes")
	c.ExpectRoles, _, _ = d.strList(attrs, "expect_roles")
	c.ExpectScopes, _, _ = d.strList(attrs, "expect_scopes")
	if e, a := d.str(attrs, "expect_error"); a != nil {
		c.ExpectError = e
		if !aadstsCode.MatchString(e) {
			d.errorf(a.Expr.Range(), "Invalid expected error", "%q is not an identity platform error code; write it as AADSTS followed by its number (\"AADSTS50105\").", e)
		}
		if len(c.ExpectRoles) > 0 || len(c.ExpectScopes) > 0 || len(b.body.blocks["request"]) > 0 {
			d.errorf(a.Expr.Range(), "Conflicting expectations", "A check with expect_error expects no token, so it has no expect_roles, expect_scopes or request blocks; put those in a check of their own.")
		}
	}

	seen := map[string]hcl.Range{}
	for _, rb := range b.body.blocks["request"] {
		if !uniqueLabel(d, seen, rb, "request") {
			continue
		}
		r := &Request{Name: rb.label(), Method: http.MethodGet, Status: http.StatusOK, DeclRange: rb.defRange}
		var a *hcl.Attribute
		if r.URL, a = d.str(rb.body.attrs, "url"); a != nil {
			if err := checkHTTPURL(r.URL, false); err != nil {
				d.errorf(a.Expr.Range(), "Invalid request URL", "%s.", err)
			}
		}
		if m, a := d.str(rb.body.attrs, "method"); a != nil {
			m = strings.ToUpper(m)
			if !oneOf(m, httpMethods) {
				d.errorf(a.Expr.Range(), "Invalid request method", "%q is not an HTTP method; use one of %s.", m, quoteList(httpMethods))
			}
			r.Method = m
		}
		if st, a, ok := d.integer(rb.body.attrs, "status"); ok {
			if st < 100 || st > 599 {
				d.errorf(a.Expr.Range(), "Invalid status", "%d is not an HTTP status code (100 to 599).", st)
			}
			r.Status = st
		}
		r.Headers = d.strMap(rb.body.attrs, "headers")
		r.Body, _ = d.str(rb.body.attrs, "body")
		c.Requests = append(c.Requests, r)
	}
	return c, d.diags
}
