// Package sharepoint reads SharePoint sites through Microsoft Graph, manages
// their site permissions (the Sites.Selected grants of applications), and
// calls SharePoint REST for login checks.
//
// Sites are read, never created: Graph v1.0 cannot create them and
// entraform treats them as data.
//
// # Reading sites: Sites
//
// Three rounds of $batch, whatever the number of sites (20 per batch):
//
//  1. GET /sites/{host}:/{path} per URL (/sites/{host} for a host's root
//     site); a 404 leaves the URL out of the result.
//  2. GET /sites/{id}/permissions per site found.
//  3. GET /sites/{id}/permissions/{permission id} for every permission the
//     list gave without roles: the list may omit roles (a reported quirk
//     of the real service, reproduced by the local tenant), GET by id is
//     authoritative.
//
// # Site permissions
//
// CreateSitePermission waits (bounded by Options.ReplicationTimeout) while
// the service does not know a new application yet, and after a lost answer
// looks the application's permission up instead of granting twice.
//
// # SharePoint REST
//
// REST calls /_api/web and /_api/web/currentuser of a site with a token the
// caller brings: a login check uses the application's own token, never the
// operator's. Errors are *RESTError with SharePoint's message ("Unsupported
// app only token." for an app-only token from a client secret).
package sharepoint
