// Package checks runs login checks: after an apply (and for the verify
// command) it signs in exactly as each application will, with the
// application's own credential and never the operator's, decodes the
// token's claims, compares them with what the configuration declares, sends
// the check's requests with the token and compares their statuses.
//
// Flows (config.Check.Flow):
//
//   - client_credentials: the app's secret, made by this apply
//     (Env.Secrets) or read from a secret's write_to file;
//   - certificate: the key file of the app's certificate;
//   - federated: AZURE_FEDERATED_TOKEN_FILE, or GitHub Actions OIDC
//     (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN);
//   - auth_code: a user signs in through the app's own web redirect URI,
//     on which the check listens; the code (PKCE S256) is redeemed with the
//     app's secret or certificate;
//   - device_code and interactive: public client flows (MSAL), the
//     interactive one through a browser Env.Browser opens.
//
// When a check fails, each Problem explains the cause in words a user can
// act on (missing consent, a delegated permission used with an app-only
// flow, SharePoint refusing app-only tokens from a secret, wrong or expired
// secrets, ...). Outcomes that replication delay can cause (consent not yet
// in tokens, a new app or secret not yet known to the token endpoint) are
// retried for Env.Retry before they are reported.
//
// Tokens are never printed or written: Results carry only decoded claims.
//
// # Using it
//
// Run takes an Env (configuration, tenant, HTTP client built on
// endpoint.Transport, the apps' client ids, the secrets an apply made) and
// the names of the checks to run (Select resolves them); Render prints
// one line per check and per request with the explanations, and WriteJSON
// writes the versioned JSON document. HTTPBrowser completes user sign-ins
// unattended against the local tenant, whose default user approves
// without a page; against a real tenant Env.Browser stays nil and the
// system browser opens.
package checks
