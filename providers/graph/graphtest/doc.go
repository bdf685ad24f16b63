// Package graphtest starts a local tenant for a test (Tenant) and signs
// in to it as its operator (Start, Connect), through the chain entraform
// itself uses: endpoint.NewHTTPClient for the tenant's environment,
// auth.Operator, one graph.Client.
//
// The tests of packages above providers/graph (providers/entra,
// providers/sharepoint, apply/checks, auth's external tests, and the
// command tests of internal/cli, internal/export and examples/ci-github,
// which only need the tenant) share it; providers/graph's own tests
// cannot import it.
package graphtest
