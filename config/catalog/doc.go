// Package catalog resolves API permission names (a scope value such as
// "Sites.Read.All" or a portal label such as "Read user profiles") to the
// permission ids that Microsoft Entra ID stores.
//
// Builtin returns the catalog embedded from permissions.json: the published
// scopes (delegated permissions) and app roles (application permissions) of
// Microsoft Graph and Office 365 SharePoint Online. New builds a catalog from
// any list of resources, which is how the engine uses the service principals
// it reads from a tenant at run time. A Catalog is immutable and safe for
// concurrent use.
package catalog
