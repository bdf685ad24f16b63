package config

import (
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// Limits Microsoft Graph and Entra ID enforce on what an application
// registration holds, checked at validate time so a plan does not fail
// half-way through an apply. Sources (Microsoft's documentation):
//   - application resource (Graph v1.0): displayName "Maximum length is
//     256 characters";
//   - "Redirect URI (reply URL) restrictions and limitations": at most 256
//     redirect URIs for AzureADMyOrg and AzureADMultipleOrgs, 100 for
//     AzureADandPersonalMicrosoftAccount and PersonalMicrosoftAccount, and
//     at most 256 characters each;
//   - federatedIdentityCredential resource: issuer, subject, description
//     and the audience each "has a limit of 600 characters", and
//     audiences "can only accept a single value".
//
// Graph documents no limit for notes; none is checked here.
const (
	MaxDisplayNameLength       = 256
	MaxRedirectURILength       = 256
	MaxRedirectURIsOrg         = 256
	MaxRedirectURIsPersonal    = 100
	MaxFederatedFieldLength    = 600
	MaxFederatedAudiencesCount = 1
)

// maxRedirectURIs is the redirect URI limit of a sign-in audience.
func maxRedirectURIs(signInAudience string) int {
	switch signInAudience {
	case "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount":
		return MaxRedirectURIsPersonal
	}
	return MaxRedirectURIsOrg
}

// checkLength diagnoses a string attribute longer than max characters.
// The message gives lengths only: the value may be sensitive.
func checkLength(d *decoder, rng hcl.Range, what, value string, max int) {
	if n := utf8.RuneCountInString(value); n > max {
		d.errorf(rng, "Value too long", "%s is %d characters long; Microsoft Graph accepts at most %d.", what, n, max)
	}
}

// checkRedirectCount diagnoses an application with more redirect URIs
// (web, spa and public_client together) than its audience allows.
func checkRedirectCount(d *decoder, app *Application) {
	var total int
	at := app.DeclRange
	for _, set := range []struct {
		uris []string
		rng  hcl.Range
	}{
		{webURIs(app.Web), webRange(app.Web)},
		{redirectSetURIs(app.SPA), redirectSetRange(app.SPA)},
		{redirectSetURIs(app.PublicClient), redirectSetRange(app.PublicClient)},
	} {
		total += len(set.uris)
		if len(set.uris) > 0 && total > maxRedirectURIs(app.SignInAudience) && at == app.DeclRange {
			at = set.rng
		}
	}
	if max := maxRedirectURIs(app.SignInAudience); total > max {
		d.errorf(at, "Too many redirect URIs",
			"The application has %d redirect URIs (web, spa and public_client together); an application with sign_in_audience %q may have at most %d.",
			total, app.SignInAudience, max)
	}
}

func webURIs(w *Web) []string {
	if w == nil {
		return nil
	}
	return w.RedirectURIs
}

func webRange(w *Web) hcl.Range {
	if w == nil {
		return hcl.Range{}
	}
	return w.DeclRange
}

func redirectSetURIs(s *RedirectSet) []string {
	if s == nil {
		return nil
	}
	return s.RedirectURIs
}

func redirectSetRange(s *RedirectSet) hcl.Range {
	if s == nil {
		return hcl.Range{}
	}
	return s.DeclRange
}
