package checks

import (
	"fmt"
	"strings"
)

// inspectToken compares the token's claims with what the configuration
// declares for the application and with the check's expect_roles and
// expect_scopes.
func (r *checkRun) inspectToken(c Claims) []Problem {
	var out []Problem
	reported := map[string]bool{} // permission values already explained
	note := func(p Problem, values ...string) {
		out = append(out, p)
		for _, v := range values {
			reported[strings.ToLower(v)] = true
		}
	}
	app := r.app
	if r.target.Delegated {
		del := declared(app, r.target.ResourceAppID, delegatedKind)
		if len(c.Scopes) == 0 && len(del) == 0 {
			if appPerms := declared(app, r.target.ResourceAppID, applicationKind); len(appPerms) > 0 {
				note(r.applicationWithUserFlow(appPerms), appPerms...)
			}
		}
		if missing := missingFrom(del, c.Scopes); len(missing) > 0 && r.asksDefaultOrAll(del) {
			if app.AdminConsent {
				note(r.consentNotEffective(missing, "delegated", "the token's scp lacks it"), missing...)
			} else {
				note(Problem{Code: CodeNoAdminConsent, Message: fmt.Sprintf(
					"no admin consent: set admin_consent = true and apply (%s declares %s of %s, and the token's scp lacks %s)",
					app.Addr, strings.Join(del, ", "), r.target.Label, strings.Join(missing, ", "))}, missing...)
			}
		}
	} else {
		appPerms := declared(app, r.target.ResourceAppID, applicationKind)
		missing := missingFrom(appPerms, c.Roles)
		switch {
		case len(c.Roles) == 0 && len(appPerms) == 0:
			if del := declaredAnywhere(app, delegatedKind); len(del) > 0 {
				note(r.delegatedWithAppFlow(del), valuesOf(del)...)
			} else if r.target.ResourceAppID != "" {
				note(Problem{Code: CodeNotDeclared, Message: fmt.Sprintf(
					"%s declares no application permission of %s, so its app-only token carries no roles: add permission %q { application = [...] } with admin_consent = true and apply",
					app.Addr, r.target.Label, r.target.Label)})
			}
		case len(missing) > 0 && !app.AdminConsent:
			what := "the token's roles lack " + strings.Join(missing, ", ")
			if len(c.Roles) == 0 {
				what = "the token has no roles"
			}
			note(Problem{Code: CodeNoAdminConsent, Message: fmt.Sprintf(
				"no admin consent: set admin_consent = true and apply (%s declares %s of %s as application permissions, and %s)",
				app.Addr, strings.Join(appPerms, ", "), r.target.Label, what)}, missing...)
		case len(missing) > 0:
			note(r.consentNotEffective(missing, "application", "the token's roles lack it"), missing...)
		}
	}

	for _, want := range r.check.ExpectRoles {
		if hasFold(c.Roles, want) || reported[strings.ToLower(want)] {
			continue
		}
		note(r.missingExpected(CodeMissingRole, "role", want, c.Roles, applicationKind), want)
	}
	for _, want := range r.check.ExpectScopes {
		if hasFold(c.Scopes, want) || reported[strings.ToLower(want)] {
			continue
		}
		note(r.missingExpected(CodeMissingScope, "scope", want, c.Scopes, delegatedKind), want)
	}
	return out
}

// asksDefaultOrAll reports whether the sign-in asked for every declared
// delegated permission (the default), so a missing one is a finding.
func (r *checkRun) asksDefaultOrAll(del []string) bool {
	return len(r.check.Scopes) == 0 && len(del) > 0
}

// delegatedWithAppFlow explains an app-only flow used with delegated
// permissions only, as the second source walkthrough does.
func (r *checkRun) delegatedWithAppFlow(del []declaredPerm) Problem {
	names := make([]string, len(del))
	for i, d := range del {
		names[i] = d.String()
	}
	suggest := r.suggestApplication(del)
	isAre := "is"
	perm := "a delegated permission"
	if len(del) > 1 {
		isAre, perm = "are", "delegated permissions"
	}
	return Problem{Code: CodeDelegatedWithAppFlow, Message: fmt.Sprintf(
		"%s %s declared as %s, but flow = %q is app-only: app-only tokens carry only application permissions (roles), and this token has none. Declare it under application (%s) or use a user flow (auth_code, device_code or interactive)",
		strings.Join(names, ", "), isAre, perm, r.check.Flow, suggest)}
}

// suggestApplication writes the permission block an app-only check needs:
// what the first request wants when known, else the delegated names on the
// token's API.
func (r *checkRun) suggestApplication(del []declaredPerm) string {
	var values []string
	if len(r.check.Requests) > 0 {
		q := r.check.Requests[0]
		if n, ok := neededPermission(r.env.Cloud, q.Method, q.URL); ok && len(n.Application) > 0 {
			values = n.Application
		}
	}
	if len(values) == 0 {
		for _, d := range del {
			if !hasFold(values, d.Value) {
				values = append(values, d.Value)
			}
		}
	}
	return fmt.Sprintf("permission %q { application = [%s] }", r.target.Label, quoteJoin(values))
}

// missingExpected explains an expect_roles or expect_scopes entry the
// token lacks.
func (r *checkRun) missingExpected(code, what, want string, have []string, kind permKind) Problem {
	app := r.app
	haveText := "none"
	if len(have) > 0 {
		haveText = strings.Join(have, ", ")
	}
	base := fmt.Sprintf("the token's %ss (%s) lack the expected %s", what, haveText, want)
	if kind == applicationKind && r.target.Delegated {
		who := "the user"
		if r.check.User != "" {
			who = r.check.User
		}
		return Problem{Code: code, Message: fmt.Sprintf("%s: a user's token carries the app roles assigned to the user or to a group the user is a direct member of; assign %s (or one of its groups) %s on %s (service_principal { assignment \"...\" { principal = ..., app_role = %q } } on the API) and apply",
			base, who, want, r.target.Label, want)}
	}
	declaredHere := hasFold(declared(app, r.target.ResourceAppID, kind), want)
	other := applicationKind
	if kind == applicationKind {
		other = delegatedKind
	}
	declaredOther := hasFold(declared(app, r.target.ResourceAppID, other), want)
	switch {
	case declaredHere && app.AdminConsent:
		p := r.consentNotEffective([]string{want}, kind.String(), base)
		p.Code = code
		return p
	case declaredHere:
		return Problem{Code: code, Message: fmt.Sprintf("%s: no admin consent: set admin_consent = true and apply", base)}
	case declaredOther:
		return Problem{Code: code, Message: fmt.Sprintf("%s: %s declares %s of %s as a %s permission, and flow = %q gets %s permissions; declare it under %s or change the flow",
			base, app.Addr, want, r.target.Label, other, r.check.Flow, kind, kind)}
	}
	return Problem{Code: code, Message: fmt.Sprintf("%s: %s does not declare it; add permission %q { %s = [%q] } and apply",
		base, app.Addr, r.target.Label, kind, want)}
}

func missingFrom(want, have []string) []string {
	var out []string
	for _, w := range want {
		if !hasFold(have, w) {
			out = append(out, w)
		}
	}
	return out
}

func valuesOf(d []declaredPerm) []string {
	out := make([]string, len(d))
	for i, p := range d {
		out[i] = p.Value
	}
	return out
}

func quoteJoin(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
