// Package auth acquires OAuth access tokens from Microsoft Entra ID.
//
// Everything in entraform that needs a token takes a TokenSource. Two
// families of sources exist:
//
//   - The operator (whoever runs entraform): Operator picks a credential
//     from the Azure environment conventions (AZURE_TENANT_ID,
//     AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH
//     or AZURE_FEDERATED_TOKEN_FILE; GitHub Actions OIDC; else device code
//     sign-in on a terminal, with a persistent token cache).
//   - An application's own credential, used by login checks:
//     NewSecretClient, NewCertificateClient and NewAssertionClient build
//     confidential clients; FederatedTokenFile and GitHubActionsToken
//     supply federated assertions.
//
// MSAL Go does the protocol work and the token caching (in memory per
// scope set, keyed by client and tenant); every client it builds uses the
// *http.Client it is given, which in entraform is built on
// endpoint.Transport so that ENTRAFORM_ENDPOINT reaches the local tenant.
//
// Token endpoint failures come back as *SignInError, which carries the
// AADSTS code so callers can explain it.
package auth
