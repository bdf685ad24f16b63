package localtenant

// rolesOf lists the app roles a resource service principal publishes.
func (st *Store) rolesOf(sp *ServicePrincipal) []AppRole {
	return sp.AppRoles
}

// scopesOf lists the delegated scopes a resource service principal
// publishes.
func (st *Store) scopesOf(sp *ServicePrincipal) []PermissionScope {
	return sp.OAuth2PermissionScopes
}
