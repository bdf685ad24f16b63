// Package sharepoint reads SharePoint sites through Microsoft Graph, manages
// their site permissions (the Sites.Selected grants of applications), and
// calls SharePoint REST for login checks.
//
// Sites are read, never created: Graph v1.0 cannot create them and
// entraform treats them as data.
package sharepoint
