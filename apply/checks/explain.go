package checks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/entraform/entraform/auth"
)

// explainSignIn turns a refused sign-in into a Problem a user can act on.
func (r *checkRun) explainSignIn(err error) Problem {
	err = asSignInError(err)
	var se *auth.SignInError
	if !errors.As(err, &se) {
		return Problem{Code: CodeSignInFailed, Message: fmt.Sprintf("signing in as %s failed: %v", r.app.Addr, err)}
	}
	p := r.explainAADSTS(se)
	p.Detail = se.Description
	if p.Detail == "" {
		p.Detail = se.Error()
	}
	return p
}

// explainAADSTS maps an AADSTS code to an explanation.
func (r *checkRun) explainAADSTS(se *auth.SignInError) Problem {
	app := r.app.Addr
	secret := r.cred.secretPhrase()
	switch se.AADSTS {
	case 65001:
		return r.explainMissingDelegatedConsent()
	case 7000215:
		return Problem{Code: CodeWrongSecret, transient: true, Message: fmt.Sprintf(
			"%s is not a valid secret of %s (AADSTS7000215: invalid client secret): it was removed or rotated, or the file belongs to another app; delete the file and apply to make and write a new secret (a secret made moments ago can also be refused until it has replicated)", secret, app)}
	case 7000222:
		return Problem{Code: CodeSecretExpired, Message: fmt.Sprintf(
			"%s of %s has expired (AADSTS7000222); run apply: it replaces secrets that are expired or within rotate_before of expiry and writes the new value to write_to", secret, app)}
	case 700016:
		return Problem{Code: CodeUnknownClient, transient: true, Message: fmt.Sprintf(
			"the client id %s of %s is not known in tenant %s (AADSTS700016): wrong client id or wrong tenant (check tenant.id or AZURE_TENANT_ID), or the app was created moments ago and has not replicated yet", r.clientID, app, r.env.TenantID)}
	case 90002:
		return Problem{Code: CodeUnknownTenant, Message: fmt.Sprintf(
			"tenant %s does not exist (AADSTS90002): check tenant.id or AZURE_TENANT_ID (a GUID or a verified domain such as contoso.onmicrosoft.com)", r.env.TenantID)}
	case 700213, 70021, 700211, 700212:
		return r.explainFederated(se.AADSTS)
	case 50076, 50079:
		return Problem{Code: CodeMFARequired, Message: fmt.Sprintf(
			"the user must complete multi-factor authentication (AADSTS%d), which a password sign-in cannot do; sign in through a browser (flow = \"auth_code\" or \"interactive\") or with flow = \"device_code\", where the user completes MFA", se.AADSTS)}
	case 50011:
		return Problem{Code: CodeRedirectMismatch, Message: fmt.Sprintf(
			"the redirect URI the sign-in used is not registered on %s in the tenant (AADSTS50011): the app's redirect URIs were changed outside entraform; run plan and apply to restore web.redirect_uris (or public_client.redirect_uris)", app)}
	case 7000218:
		return Problem{Code: CodePublicClientDisabled, Message: fmt.Sprintf(
			"%s is not a public client (AADSTS7000218), and flow = %q signs in without a credential: add public_client { redirect_uris = [\"http://localhost\"] } to the application and apply", app, r.check.Flow)}
	case 7000229:
		return Problem{Code: CodeNoServicePrincipal, transient: true, Message: fmt.Sprintf(
			"%s has no service principal in the tenant (AADSTS7000229), so it cannot get tokens; run apply to create it (a new one can take a moment to replicate)", app)}
	case 500011:
		return Problem{Code: CodeUnknownResource, Message: fmt.Sprintf(
			"the API %s is not known in tenant %s (AADSTS500011): check the host name of the check's first request (a misspelled SharePoint host?) or its scopes", r.target.Resource, r.env.TenantID)}
	case 70011, 28000, 1002012:
		return Problem{Code: CodeInvalidScope, Message: fmt.Sprintf(
			"the scopes %s were refused (AADSTS%d): a scope must name one API and one of its permissions (\"https://graph.microsoft.com/User.Read\"), or be {resource}/.default for app-only flows", strings.Join(r.target.Scopes, " "), se.AADSTS)}
	case 50105:
		who := "the user"
		if r.check.User != "" {
			who = fmt.Sprintf("the user %s", r.check.User)
		}
		return Problem{Code: CodeNotAssigned, transient: true, Message: fmt.Sprintf(
			"%s is not assigned to an application whose service principal requires assignment (AADSTS50105): assign the user or one of its groups (service_principal { assignment \"...\" { principal = ... } }) and apply, or set app_role_assignment_required = false", who)}
	case 501051:
		return Problem{Code: CodeNotAssigned, transient: true, Message: fmt.Sprintf(
			"%s holds no app role of %s, whose service principal requires assignment (AADSTS501051): declare one of its app roles as an application permission with admin_consent = true and apply", app, r.target.Resource)}
	case 50034, 50126:
		return Problem{Code: CodeUnknownUser, Message: fmt.Sprintf(
			"the user %q cannot sign in (AADSTS%d: %s); check the check's user", r.check.User, se.AADSTS, unknownUserReason(se.AADSTS))}
	}
	msg := fmt.Sprintf("signing in as %s was refused", app)
	if se.AADSTS != 0 {
		msg += fmt.Sprintf(" (AADSTS%d)", se.AADSTS)
	} else if se.Code != "" {
		msg += " (" + se.Code + ")"
	}
	return Problem{Code: CodeSignInFailed, Message: msg}
}

func unknownUserReason(code int) string {
	if code == 50034 {
		return "no such user in the tenant"
	}
	return "wrong user name or password"
}

// explainMissingDelegatedConsent explains AADSTS65001 (the user or admin
// has not consented) from what the configuration declares.
func (r *checkRun) explainMissingDelegatedConsent() Problem {
	app := r.app
	del := declared(app, r.target.ResourceAppID, delegatedKind)
	appPerms := declared(app, r.target.ResourceAppID, applicationKind)
	switch {
	case len(del) == 0 && len(appPerms) > 0:
		return r.applicationWithUserFlow(appPerms)
	case len(del) == 0:
		return Problem{Code: CodeNotDeclared, Message: fmt.Sprintf(
			"%s declares no delegated permission of %s, so a user sign-in has nothing to be consented (AADSTS65001): add permission %q { delegated = [...] } with admin_consent = true and apply",
			app.Addr, r.target.Label, r.target.Label)}
	case !app.AdminConsent:
		return Problem{Code: CodeNoAdminConsent, Message: fmt.Sprintf(
			"no admin consent: set admin_consent = true and apply (%s asks %s of %s, and nobody consented: AADSTS65001)",
			app.Addr, strings.Join(del, ", "), r.target.Label)}
	}
	return r.consentNotEffective(del, "delegated", "AADSTS65001 at sign-in")
}

func (r *checkRun) consentNotEffective(values []string, kind, seen string) Problem {
	return Problem{Code: CodeConsentNotEffective, transient: true, Message: fmt.Sprintf(
		"consent not yet effective: %s declares %s (%s, admin_consent = true), but Entra does not put it into tokens yet (%s); new grants take a while to replicate, so run entraform verify again in a few minutes; if it persists, run plan: the grant may have been removed outside entraform",
		r.app.Addr, strings.Join(values, ", "), kind, seen)}
}

func (r *checkRun) applicationWithUserFlow(appPerms []string) Problem {
	return Problem{Code: CodeApplicationWithUser, Message: fmt.Sprintf(
		"%s declares %s of %s as application permissions, but flow = %q signs a user in: delegated tokens carry only delegated permissions; declare them under delegated (permission %q { delegated = [...] }) or use an app-only flow (client_credentials, certificate or federated)",
		r.app.Addr, strings.Join(appPerms, ", "), r.target.Label, r.check.Flow, r.target.Label)}
}

// explainFederated explains a federated assertion no federated credential
// of the app accepts.
func (r *checkRun) explainFederated(code int) Problem {
	var trusted []string
	for _, f := range r.app.FederatedCredentials {
		trusted = append(trusted, fmt.Sprintf("%s (issuer %s, subject %s)", f.Name, f.Issuer, f.Subject))
	}
	got := "the presented token"
	if r.cred.assertion != nil {
		if last := r.cred.assertion.Last(); last.Subject != "" {
			got = fmt.Sprintf("the presented token (issuer %s, subject %s, audience %s)", last.Issuer, last.Subject, last.Audience)
		}
	}
	trust := "it trusts none"
	if len(trusted) > 0 {
		trust = "it trusts " + strings.Join(trusted, "; ")
	}
	return Problem{Code: CodeFederatedMismatch, transient: true, Message: fmt.Sprintf(
		"no federated credential of %s matches %s (AADSTS%d): %s. Run from the branch or environment a credential names, or add a federated_credential with this subject and apply",
		r.app.Addr, got, code, trust)}
}
