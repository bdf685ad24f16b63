// Package endpoint knows where Microsoft's services live and how entraform
// reaches them.
//
// A Cloud names the sign-in host, the Microsoft Graph host and the
// SharePoint host suffix of one national cloud (public, usgov, china) and
// derives the URLs and OAuth scopes the rest of entraform needs from them.
//
// Transport builds the base HTTP transport every outgoing request uses. With
// ENTRAFORM_ENDPOINT set (https://127.0.0.1:PORT, printed by
// `entraform tenant serve`) it dials that address for every named host while
// the request keeps its real URL, Host header and TLS server name, so the
// local tenant is reached through exactly the code path a real tenant is.
// ENTRAFORM_CA_FILE adds a CA to the system roots; certificate verification
// is always on and nothing can turn it off.
package endpoint
