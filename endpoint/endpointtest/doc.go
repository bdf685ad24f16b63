// Package endpointtest starts HTTPS test servers that answer for real
// Microsoft host names (graph.microsoft.com, contoso.sharepoint.com, ...)
// through endpoint.Transport, the way the local tenant is reached: the
// client keeps the real URL and verifies a certificate issued by a
// throwaway CA for those names.
package endpointtest
