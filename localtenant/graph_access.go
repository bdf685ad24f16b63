package localtenant

import "strings"

// Who may do what on Graph's directory objects, as the real service
// decides it from the token's app roles (app-only) or scopes
// (delegated).

var (
	// appReadPerms read every application and service principal.
	appReadPerms = []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// appWritePerms write every application and service principal.
	appWritePerms = []string{"Application.ReadWrite.All"}
	// ownedByPerm reads and writes only the applications (and their
	// service principals) the caller owns; creating one makes the
	// caller its owner.
	ownedByPerm = "Application.ReadWrite.OwnedBy"

	// assignmentWritePerms create and delete app role assignments.
	assignmentWritePerms = []string{"AppRoleAssignment.ReadWrite.All"}
	// assignmentReadPerms list app role assignments.
	assignmentReadPerms = append([]string{"AppRoleAssignment.ReadWrite.All"}, appReadPerms...)

	// grantWritePerms create, change and delete delegated grants.
	grantWritePerms = []string{"DelegatedPermissionGrant.ReadWrite.All"}
	// grantReadPerms read delegated grants.
	grantReadPerms = []string{"DelegatedPermissionGrant.ReadWrite.All", "DelegatedPermissionGrant.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}

	// userReadPerms read every user.
	userReadPerms = []string{"User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// meScopes are the delegated scopes that let /me answer.
	meScopes = append([]string{"User.Read", "User.ReadWrite", "Directory.AccessAsUser.All"}, userReadPerms...)
)

// accessLevel is how much of a collection a caller may touch.
type accessLevel int

const (
	accessNone  accessLevel = iota
	accessOwned             // only objects the caller owns
	accessAll
)

// appAccess is the caller's access to applications and service
// principals, for reading or writing.
func appAccess(c *Caller, write bool) accessLevel {
	perms := appReadPerms
	if write {
		perms = appWritePerms
	}
	switch {
	case hasPerm(c, perms...):
		return accessAll
	case hasPerm(c, ownedByPerm):
		return accessOwned
	}
	return accessNone
}

// callerObjectID is the directory object behind a caller: its service
// principal for app-only tokens, the user for delegated ones.
func callerObjectID(c *Caller) string {
	if c == nil {
		return ""
	}
	if c.AppOnly {
		return c.ServicePrincipalID
	}
	return c.UserID
}

// owns reports whether the caller is an owner of the application.
func owns(c *Caller, a *Application) bool {
	id := callerObjectID(c)
	if id == "" || a == nil {
		return false
	}
	for _, o := range a.Owners {
		if strings.EqualFold(o, id) {
			return true
		}
	}
	return false
}

// mayTouchApp reports whether a caller with level may read or write a.
func mayTouchApp(c *Caller, level accessLevel, a *Application) bool {
	switch level {
	case accessAll:
		return true
	case accessOwned:
		return owns(c, a)
	}
	return false
}
