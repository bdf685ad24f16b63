// Package entra reads and writes the Entra ID objects entraform manages:
// applications, service principals, delegated permission grants, app role
// assignments, client secrets, certificates and federated credentials.
//
// Reads are bulk: a workspace's objects come from a few paged lists and
// $batch groups, never one GET per object. Writes are per object and
// idempotent where the service allows (applications are upserted by
// uniqueName), so an interrupted apply can simply run again.
//
// # Refresh: Read
//
// Read sends its requests in three rounds (requests within a round run at
// once):
//
//  1. GET /applications?$filter=tags/any(t:t eq 'entraform:workspace:W')&$top=999&$expand=federatedIdentityCredentials
//     GET /servicePrincipals?$filter=tags/any(...)&$top=999
//     $batch: servicePrincipals(appId='..') of Microsoft Graph, SharePoint
//     Online and ReadRequest.Resources; applications(appId='..') and
//     servicePrincipals(appId='..') of each adopted application.
//  2. $batch: servicePrincipals(appId='..') of every application read whose
//     service principal was not among the tagged ones (a 404 means it has
//     none), and of every resource the applications' requiredResourceAccess
//     names that was not read yet.
//  3. Grants and role assignments, one of two ways:
//     - up to Options.PerPrincipalLimit (default 40) service principals:
//     $batch of oauth2PermissionGrants?$filter=clientId eq '..' and
//     servicePrincipals/{id}/appRoleAssignments per principal
//     (2 items each, so at most 4 batches);
//     - more: per resource, oauth2PermissionGrants?$filter=resourceId eq '..'&$top=999
//     and servicePrincipals/{resource}/appRoleAssignedTo?$top=999, first
//     pages in one $batch, further pages by @odata.nextLink, kept when
//     the client or principal is one of the workspace's. These lists hold
//     every client of the resource in the tenant, which is why small
//     workspaces ask per principal instead.
//
// Federated credentials come with the application list ($expand). When the
// service refuses the $expand (400), the list is sent again without it,
// the provider remembers that for its next reads, and the credentials are
// read in $batch groups of /applications/{id}/federatedIdentityCredentials,
// alongside rounds 2 and 3. Adopted applications are always read that way
// (a handful of items).
//
// Request counts, measured against the local tenant (Graph requests; a
// $batch counts once; TestReadRequestCount and BenchmarkRead1000, the
// latter with 50 ms of latency on every request):
//
//	applications   Read            Read, $expand refused   ReadNaive
//	200            4               14                      1004
//	1000           7 (0.4-0.5 s)   57 (1.8 s)              5006 (36-70 s)
//
// What the per-resource way does not see: grants and role assignments of
// the workspace's principals on a resource that is neither Graph, nor
// SharePoint, nor in ReadRequest.Resources, nor requested by any
// application's requiredResourceAccess. When the engine passes every
// resource its configuration names, only grants made outside entraform on
// other resources go unseen, and only in workspaces above the limit.
//
// ReadNaive is a benchmark baseline only (one GET per object and child,
// as Terraform's azuread provider refreshes); the engine never calls it.
//
// # Writes
//
// Every write that names an object created moments ago (a new
// application's service principal, secrets and federated credentials; a
// new service principal's grants and role assignments) opts into the Graph
// client's replication retry, bounded by Options.ReplicationTimeout
// (default 2 minutes). No other 4xx is retried.
//
// Creates are safe to repeat: an existing service principal, grant, role
// assignment or federated credential of the same identity is found and
// brought to the requested state instead of failing. So the provider sends
// a request again (at most three times in all) after a lost answer (504,
// broken connection; the client does not repeat a POST then) and after
// throttling or a server error the client stopped retrying (a request
// waiting out replication makes many attempts, and the client's retry
// budget is per request). AddPassword, whose repetition after a lost
// answer could leave a second secret, is given the key ids of the
// application's secrets the caller knows, and removes any other secret of
// that name before trying again.
//
// Certificates are written as the whole keyCredentials list (existing
// entries repeated with key null); the provider serialises those
// read-modify-write operations per application.
//
// Application bodies: a nil list leaves a property as it is, a non-nil
// empty list clears it (see patchBody); id, appId, createdDateTime,
// passwordCredentials and federated credentials are never sent.
package entra
