// Package graphtest signs tests in to a local tenant as its operator,
// through the chain entraform itself uses: endpoint.NewHTTPClient for the
// tenant's environment, auth.Operator, one graph.Client.
//
// The tests of packages above providers/graph (providers/entra,
// providers/sharepoint, apply/checks, auth's external tests) share it;
// providers/graph's own tests cannot import it.
package graphtest
