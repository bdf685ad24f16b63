// Package entra reads and writes the Entra ID objects entraform manages:
// applications, service principals, delegated permission grants, app role
// assignments, client secrets, certificates and federated credentials.
//
// Reads are bulk: a workspace's objects come from a few paged lists and
// $batch groups, never one GET per object. Writes are per object and
// idempotent where the service allows (applications are upserted by
// uniqueName), so an interrupted apply can simply run again.
package entra
