package config

import "github.com/entraform/entraform/config/catalog"

// Names for the catalog types, so callers of Load need not import
// config/catalog for the common cases.
type (
	// Catalog resolves permission names; see package config/catalog.
	Catalog = catalog.Catalog
	// CatalogResource is a resource API and the permissions it publishes.
	CatalogResource = catalog.Resource
	// PermissionDef is one published scope or app role.
	PermissionDef = catalog.Permission
	// PermissionKind is catalog.Delegated or catalog.Application.
	PermissionKind = catalog.Kind
)

// BuiltinCatalog returns the embedded Microsoft Graph and SharePoint
// Online catalog.
func BuiltinCatalog() *Catalog { return catalog.Builtin() }

// NewCatalog builds a catalog from resources, for example the service
// principals read from a tenant.
func NewCatalog(resources []CatalogResource) *Catalog { return catalog.New(resources) }
